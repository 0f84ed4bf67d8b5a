"""The notice model: the update syntax, validation messages, state at "now"."""

import datetime as dt

import pytest

from german.dates import BERLIN
from outages.components import load_components
from outages.model import duration_text
from outages.notice_file import html_to_text, parse_notice
from outages.state import availability, compute_state, format_availability
from outages.timeline import format_update, parse_source

from .samples import ACTIVE, COMPONENTS, RESOLVED, UPCOMING, notice

PATH = "content/stoerungen/kaputt.md"


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    path = tmp_path_factory.mktemp("components") / "komponenten.yml"
    path.write_text(COMPONENTS, encoding="utf-8")
    registry, problems = load_components(str(path), "content/status/komponenten.yml")
    assert problems == []
    return registry


def parse(text, registry):
    return parse_notice(notice(text), PATH, registry)


def test_update_syntax_gives_time_status_text_and_next_update(registry):
    data, problems = parse_notice(ACTIVE, PATH, registry)
    assert problems == []
    assert data.kind == "incident" and data.impact == "major"
    assert data.affected == [("internet-kiel", "major_outage"), ("festnetz-kiel", "partial_outage")]
    first, second = data.updates
    assert (first.index, first.status, first.status_label) == (1, "investigating",
                                                               "Wir untersuchen das Problem")
    assert first.time == dt.datetime(2026, 11, 24, 8, 25, tzinfo=BERLIN)
    # The German label is accepted as well as the identifier.
    assert (second.status, second.status_label) == ("identified", "Ursache gefunden")
    assert second.text == "Ein Kabel ist beschädigt."
    assert second.html == "<p>Ein Kabel ist beschädigt.</p>"
    assert second.next_update == dt.datetime(2026, 11, 24, 13, 0, tzinfo=BERLIN)
    assert "Nächstes Update" not in second.html
    assert first.line == 10 and second.line == 14
    assert data.intro == "Viele Anschlüsse in Kiel sind ohne Internet."


def test_update_text_keeps_a_leading_colon_line_and_code_headings():
    doc = parse_source(notice("""\
        Title: X

        ## 2026-11-24 10:00 – investigating

        Ursache: noch unklar.

        ```
        ## kein Update, nur Code
        ```
        """))
    assert len(doc.updates) == 1
    assert doc.updates[0].body.startswith("Ursache: noch unklar.")
    assert "## kein Update" in doc.updates[0].body


def test_format_update_round_trips_through_the_parser(registry):
    block = format_update(dt.datetime(2026, 11, 24, 14, 5, tzinfo=BERLIN), "monitoring",
                          "Läuft wieder.", dt.datetime(2026, 11, 24, 15, 0, tzinfo=BERLIN))
    assert block.startswith("## 2026-11-24 14:05 – monitoring\n\nLäuft wieder.\n")
    data, problems = parse_notice(ACTIVE + "\n" + block, PATH, registry)
    assert problems == []
    assert data.updates[-1].status == "monitoring"
    assert data.updates[-1].next_update.hour == 15


def test_html_to_text_separates_paragraphs_and_list_items():
    markup = "<p>Eins &amp; zwei</p><ul><li>a</li><li>b</li></ul>"
    assert html_to_text(markup) == "Eins & zwei\n\na\n\nb"


# Each bad input: (notice text, field named in the message, line, words in the message).
BASE = """\
Title: Störung
Kind: incident
Impact: major
Components: internet-kiel
Start: 2026-11-24 08:00
"""
UPDATE = "\n## 2026-11-24 08:10 – investigating\n\nText.\n"
BAD = {
    "unknown component": (
        BASE.replace("Components: internet-kiel", "Components: internet-kiell") + UPDATE,
        "Components", 4, ["unknown component 'internet-kiell'", "did you mean internet-kiel?",
                          "content/status/komponenten.yml"]),
    "unknown component status": (
        BASE.replace("Components: internet-kiel", "Components: internet-kiel=kaputt") + UPDATE,
        "Components", 4, ["'kaputt' is not a component status", "major_outage"]),
    "unknown update status": (
        BASE + "\n## 2026-11-24 08:10 – solved\n\nText.\n",
        "update status", 7, ["'solved' is not a status of an incident", "resolved (Behoben)"]),
    "maintenance status in an incident": (
        BASE + "\n## 2026-11-24 08:10 – completed\n\nText.\n",
        "update status", 7, ["'completed'", "investigating"]),
    "unknown impact": (
        BASE.replace("Impact: major", "Impact: huge") + UPDATE,
        "Impact", 3, ["'huge' is unknown", "none, minor, major, critical"]),
    "end before start": (
        BASE + "End: 2026-11-24 07:00\n\n## 2026-11-24 08:10 – resolved\n\nText.\n",
        "End", 6, ["before Start", "2026-11-24 08:00"]),
    "updates out of order": (
        BASE + "\n## 2026-11-24 09:00 – investigating\n\nA.\n"
        "\n## 2026-11-24 08:30 – identified\n\nB.\n",
        "update time", 11, ["earlier than the update before it (line 7", "oldest first"]),
    "resolved without end": (
        BASE + "\n## 2026-11-24 08:10 – investigating\n\nA.\n"
        "\n## 2026-11-24 09:10 – resolved\n\nB.\n",
        "End", 11, ["missing", "'resolved'", "End: <time>"]),
    "time that does not parse": (
        BASE + "\n## gestern früh – investigating\n\nA.\n",
        "update time", 7, ["'gestern früh' is not a date and time", "2026-11-24 10:15"]),
    "start that does not parse": (
        BASE.replace("Start: 2026-11-24 08:00", "Start: 2026-13-01 08:00")
        + "\n## 2026-11-24 08:10 – investigating\n\nA.\n",
        "Start", 5, ["'2026-13-01 08:00' is not a date and time"]),
    "maintenance without window": (
        "Title: Wartung\nKind: maintenance\nComponents: kundenportal\n\n"
        "## 2026-11-20 10:00 – scheduled\n\nA.\n",
        "Scheduled-Start, Scheduled-End", 2, ["missing", "a maintenance needs its window"]),
    "window ending before it starts": (
        "Title: Wartung\nKind: maintenance\nComponents: kundenportal\n"
        "Scheduled-Start: 2026-11-26 05:00\nScheduled-End: 2026-11-26 01:00\n\n"
        "## 2026-11-20 10:00 – scheduled\n\nA.\n",
        "Scheduled-End", 5, ["not after Scheduled-Start"]),
    "completed maintenance without end": (
        "Title: Wartung\nKind: maintenance\nComponents: kundenportal\n"
        "Scheduled-Start: 2026-11-20 01:00\nScheduled-End: 2026-11-20 03:00\n\n"
        "## 2026-11-19 10:00 – scheduled\n\nA.\n\n## 2026-11-20 02:00 – completed\n\nB.\n",
        "End", 11, ["missing", "'completed'"]),
    "unknown kind": (
        BASE.replace("Kind: incident", "Kind: outage") + UPDATE,
        "Kind", 2, ["'outage' is unknown", "incident", "maintenance"]),
    "unknown metadata key": (
        BASE.replace("Impact: major", "Impact: major\nCompnents: internet-kiel")
        + "\n## 2026-11-24 08:10 – investigating\n\nA.\n",
        "Compnents", 4, ["unknown metadata key", "did you mean Components?"]),
    "heading without status": (
        BASE + "\n## Hintergrund\n\nA.\n",
        "update", 7, ["not an update heading", "'## 2026-11-24 10:15 – identified'", "'###'"]),
    "no updates at all": (
        BASE + "\nNur Text.\n", "updates", 7, ["none", "at least one update"]),
    "empty update": (
        BASE + "\n## 2026-11-24 08:10 – investigating\n", "update text", 7, ["empty"]),
    "change after resolved": (
        BASE + "End: 2026-11-24 09:00\n\n## 2026-11-24 08:10 – resolved\n\nA.\n\n"
        "## 2026-11-24 09:10 – investigating\n\nB.\n",
        "update status", 12, ["'investigating' after 'resolved' on line 8"]),
    "next update before the update": (
        BASE + "\n## 2026-11-24 08:10 – investigating\n\nA.\n"
        "\nNächstes Update: 2026-11-24 08:00\n",
        "Nächstes Update", 11, ["not after the update's time"]),
    "ambiguous time in the autumn DST hour": (
        BASE.replace("2026-11-24 08:00", "2026-10-25 01:00")
        + "\n## 2026-10-25 02:30 – investigating\n\nA.\n",
        "update time", 7, ["happens twice", "+02:00", "MESZ", "+01:00", "MEZ"]),
    "time inside the spring DST gap": (
        BASE.replace("2026-11-24 08:00", "2026-03-29 01:00")
        + "\n## 2026-03-29 02:30 – investigating\n\nA.\n",
        "update time", 7, ["does not exist", "clocks jump forward"]),
    "end without a final update": (
        BASE + "End: 2026-11-24 09:00\n\n## 2026-11-24 08:10 – monitoring\n\nA.\n",
        "End", 6, ["last update (line 8) is 'monitoring'", "resolved"]),
    "missing impact": (
        BASE.replace("Impact: major\n", "") + "\n## 2026-11-24 08:10 – investigating\n\nA.\n",
        "Impact", 2, ["missing"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_names_file_line_field_and_expectation(registry, case):
    text, field, line, words = BAD[case]
    data, problems = parse(text, registry)
    assert data is None
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert (problem.path, problem.field, problem.line) == (PATH, field, line), str(problem)
    message = str(problem)
    assert message.startswith(f"{PATH}:{line}: {field}: ")
    for word in words:
        assert word in message, message


def test_all_problems_of_a_file_are_reported_together(registry):
    text = BASE.replace("Impact: major", "Impact: huge").replace(
        "internet-kiel", "nirgendwo") + "\n## 2026-11-24 08:10 – solved\n\nA.\n"
    _, problems = parse(text, registry)
    assert [p.field for p in problems] == ["Impact", "Components", "update status"]


def _notice_at(text, registry, now):
    """A Notice's state logic without Pelican: parse, then evaluate at `now`."""
    from outages.model import Notice

    data, problems = parse_notice(text, PATH, registry)
    assert problems == []
    item = Notice.__new__(Notice)
    for key, value in {
        "slug": "x", "kind": data.kind, "impact": data.impact, "updates": data.updates,
        "start": data.start, "end": data.end, "scheduled_start": data.scheduled_start,
        "scheduled_end": data.scheduled_end, "previous_windows": data.previous_windows,
        "components": [registry[c].as_dict() for c, _ in data.affected],
        "component_statuses": dict(data.affected), "title": "X",
    }.items():
        setattr(item, key, value)
    return item.evaluate(now)


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def test_maintenance_runs_by_the_clock_and_ends_after_its_window(registry):
    before = _notice_at(UPCOMING, registry, at("2026-11-24 12:00"))
    assert (before.current_status, before.is_upcoming, before.in_banner) == (
        "scheduled", True, True)
    too_early = _notice_at(UPCOMING, registry, at("2026-11-23 12:00"))
    assert too_early.is_upcoming and not too_early.in_banner  # 37 hours ahead
    running = _notice_at(UPCOMING, registry, at("2026-11-25 02:00"))
    assert (running.current_status, running.current_status_label) == ("in_progress", "Läuft")
    assert running.is_active and running.in_banner and running.banner_role == "status"
    after = _notice_at(UPCOMING, registry, at("2026-11-25 03:00"))
    assert (after.current_status, after.auto_completed, after.in_banner) == (
        "completed", True, False)
    assert after.effective_end == at("2026-11-25 03:00")
    assert after.sequence == 1


def test_incident_state_role_and_duration(registry):
    active = _notice_at(ACTIVE, registry, at("2026-11-24 12:00"))
    assert active.is_active and active.in_banner and active.banner_role == "alert"
    assert active.duration_text == "3 Stunden und 50 Minuten"
    assert active.current_component_statuses() == {"internet-kiel": "major_outage",
                                                   "festnetz-kiel": "partial_outage"}
    resolved = _notice_at(RESOLVED, registry, at("2026-11-24 12:00"))
    assert resolved.is_finished and not resolved.in_banner
    assert resolved.current_component_statuses() == {}
    assert resolved.duration_text == "4 Stunden"


def test_overall_status_and_component_status_at_now(registry):
    now = at("2026-11-24 12:00")
    notices = [_notice_at(t, registry, now) for t in (ACTIVE, RESOLVED, UPCOMING)]
    state = compute_state(notices, registry, now)
    # A major incident that takes a component down completely: Statuspage's
    # indicator follows the worst component, so it is "critical".
    assert state.indicator == "critical" and state.sentence == "Größere Störung"
    statuses = {c.id: (c.status, c.status_label) for c in state.components}
    assert statuses["internet-kiel"] == ("major_outage", "Ausgefallen")
    assert statuses["festnetz-kiel"] == ("partial_outage", "Teilweise gestört")
    assert statuses["internet-hamburg"] == ("operational", "Funktioniert")
    assert [g for g, _ in state.groups] == ["Internet", "Festnetz", "Kundenportal"]
    assert [n.title for n in state.upcoming_maintenances] == ["X"]
    quiet = compute_state([notices[1]], registry, now)
    assert (quiet.indicator, quiet.sentence) == ("none", "Alle Systeme funktionieren")
    maintenance = compute_state([_notice_at(UPCOMING, registry, at("2026-11-25 02:00"))],
                                registry, at("2026-11-25 02:00"))
    assert (maintenance.indicator, maintenance.sentence) == ("maintenance", "Wartungsarbeiten")


def test_availability_weights_outages_and_leaves_maintenance_out(registry):
    now = at("2026-11-24 12:00")
    state = compute_state([_notice_at(RESOLVED, registry, now)], registry, now)
    hamburg = state.component("internet-hamburg")
    # 4 hours partial_outage (half) in 30 days: 1 - 2 h / 720 h
    assert hamburg.availability[30] == pytest.approx(1 - 2 / 720)
    assert hamburg.availability[90] == pytest.approx(1 - 2 / 2160)
    assert hamburg.availability_text(30) == "99,72\u00a0%"
    assert state.component("kundenportal").availability_text(30) == "100,00\u00a0%"
    bad_days = [d for d in hamburg.days if d.status != "operational"]
    assert [(d.date_text, d.label) for d in bad_days] == [("22.11.2026", "Teilweise gestört")]
    assert hamburg.bar_text == ("Letzte 90 Tage: an 89 Tagen ohne Einschränkung; "
                                "22.11.2026: Teilweise gestört.")

    from outages.model import Interval, utc

    start, end = utc(at("2026-11-01 00:00")), utc(at("2026-11-02 00:00"))
    hour = dt.timedelta(hours=1)
    spans = [
        Interval("c", start, start + 2 * hour, "major_outage", "incident"),
        Interval("c", start + hour, start + 3 * hour, "degraded_performance", "incident"),
        Interval("c", start + 10 * hour, start + 14 * hour, "under_maintenance", "maintenance"),
        Interval("c", start + 11 * hour, start + 12 * hour, "major_outage", "incident"),
    ]
    # Down: 2 h full + 1 h quarter; the outage inside the maintenance does not count,
    # and the 4 maintenance hours leave the 24 h: 1 - 2.25 / 20.
    assert availability(spans, start, end) == pytest.approx(1 - 2.25 / 20)
    assert format_availability(0.999999) == "99,99\u00a0%"  # rounded down, never 100 %


def test_duration_text_is_german():
    assert duration_text(60) == "1 Minute"
    assert duration_text(3600 * 26 + 60) == "1 Tag, 2 Stunden und 1 Minute"
    assert duration_text(10) == "weniger als eine Minute"
