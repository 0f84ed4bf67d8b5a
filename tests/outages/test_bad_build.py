"""Bad outage input fails the whole build with one clear error and writes nothing."""

import pytest

from tests.support.trees import snapshot

from .samples import ACTIVE, COMPLETED, COMPONENTS, RESOLVED, build_outage_site, notice

HEAD = """\
Title: Kaputte Meldung
Kind: incident
Impact: major
Components: internet-kiel
Start: 2026-11-24 08:00
"""
UPDATE = "\n## 2026-11-24 08:10 – investigating\n\nText.\n"

# name → (file text, words the one error must contain: file:line, field, expectation)
CASES = {
    "unknown component": (
        HEAD.replace("internet-kiel", "internet-koeln") + UPDATE,
        ["content/stoerungen/kaputt.md:4", "Components", "unknown component 'internet-koeln'",
         "expected one of internet-kiel"]),
    "unknown status": (
        HEAD + "\n## 2026-11-24 08:10 – untersucht\n\nText.\n",
        ["content/stoerungen/kaputt.md:7", "update status", "'untersucht'", "investigating"]),
    "unknown impact": (
        HEAD.replace("Impact: major", "Impact: mittel") + UPDATE,
        ["content/stoerungen/kaputt.md:3", "Impact", "'mittel' is unknown", "minor"]),
    "end before start": (
        HEAD + "End: 2026-11-24 07:00\n\n## 2026-11-24 08:10 – resolved\n\nText.\n",
        ["content/stoerungen/kaputt.md:6", "End", "before Start"]),
    "updates out of order": (
        HEAD + "\n## 2026-11-24 09:00 – investigating\n\nA.\n"
        "\n## 2026-11-24 08:30 – identified\n\nB.\n",
        ["content/stoerungen/kaputt.md:11", "update time", "earlier than the update before it"]),
    "resolved without end": (
        HEAD + "\n## 2026-11-24 09:10 – resolved\n\nB.\n",
        ["content/stoerungen/kaputt.md:7", "End", "missing", "'resolved'"]),
    "time that does not parse": (
        HEAD.replace("Start: 2026-11-24 08:00", "Start: heute morgen") + UPDATE,
        ["content/stoerungen/kaputt.md:5", "Start", "'heute morgen' is not a date and time"]),
    "maintenance without window": (
        "Title: Wartung\nKind: maintenance\nComponents: kundenportal\n\n"
        "## 2026-11-20 10:00 – scheduled\n\nA.\n",
        ["content/stoerungen/kaputt.md:2", "Scheduled-Start, Scheduled-End", "missing"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_notice_fails_the_build_with_one_error_and_no_output(tmp_path, case):
    text, words = CASES[case]
    notices = {"stoerungen/gut.md": RESOLVED, "stoerungen/kaputt.md": text}
    result, output = build_outage_site(tmp_path, notices)
    assert not result.ok
    assert len(result.errors) == 1, result.report()
    message = result.errors[0].message
    for word in words:
        assert word in message, message
    assert "Traceback" not in result.report()
    assert not output.exists(), "a failed build must not write output/"


BAD_COMPONENTS = {
    "duplicate id": (
        COMPONENTS + "  - id: internet-kiel\n    name: Doppelt\n    group: Internet\n",
        ["content/status/komponenten.yml:18", "id",
         "'internet-kiel' is used twice (first on line 2)"]),
    "the whole site's id": (
        COMPONENTS + "  - id: gesamt\n    name: Gesamt-Komponente\n    group: Internet\n",
        ["content/status/komponenten.yml:18", "id", "'gesamt' is reserved for the status of the whole site"]),
    "missing group": (
        COMPONENTS.replace("    group: Kundenportal\n", ""),
        ["content/status/komponenten.yml:14", "group", "missing"]),
    "unknown key": (
        COMPONENTS.replace("    area: Hamburg\n", "    gebiet: Hamburg\n"),
        ["content/status/komponenten.yml:10", "gebiet", "unknown key"]),
    "bad id": (
        COMPONENTS.replace("id: kundenportal", "id: Kunden Portal"),
        ["content/status/komponenten.yml:14", "id", "lower-case letters"]),
    "not yaml": (
        "components:\n  - id: a\n   name: [\n",
        ["content/status/komponenten.yml", "YAML", "not valid YAML"]),
}


@pytest.mark.parametrize("case", sorted(BAD_COMPONENTS))
def test_bad_components_file_fails_the_build(tmp_path, case):
    text, words = BAD_COMPONENTS[case]
    result, output = build_outage_site(tmp_path, {"stoerungen/gut.md": RESOLVED}, components=text)
    assert not result.ok
    assert len(result.errors) == 1, result.report()
    for word in words:
        assert word in result.errors[0].message, result.errors[0].message
    assert not output.exists()


def test_missing_components_file_is_an_error_once_there_are_notices(tmp_path):
    result, _output = build_outage_site(tmp_path, {"stoerungen/gut.md": RESOLVED}, components=None)
    assert not result.ok
    assert [e.message for e in result.errors] == [
        "content/status/komponenten.yml: file: missing; expected a list under 'components:' "
        "with entries like - id: internet-kiel name: Internet Kiel group: Internet "
        "description: DSL- und Glasfaseranschlüsse in Kiel"]


def test_site_without_outages_builds_an_empty_status_page(tmp_path):
    result, output = build_outage_site(tmp_path, {}, components=None)
    assert result.ok, result.report()
    assert "Alle Systeme funktionieren" in (output / "status" / "index.html").read_text()
    assert (output / "api" / "v2" / "summary.json").exists()


def test_duplicate_slug_is_an_error(tmp_path):
    twin = ACTIVE.replace("Title: Internetstörung in Kiel", "Title: Noch eine Störung")
    result, _output = build_outage_site(
        tmp_path, {"stoerungen/a.md": ACTIVE, "stoerungen/b.md": twin})
    assert not result.ok
    assert len(result.errors) == 1, result.report()
    message = result.errors[0].message
    assert "content/stoerungen/b.md: Slug: 'internetstoerung-kiel' is already used by " \
           "content/stoerungen/a.md" in message


def test_draft_notices_are_not_published(tmp_path):
    draft = notice(ACTIVE.replace("Kind: incident", "Kind: incident\nStatus: draft"))
    result, output = build_outage_site(tmp_path, {"stoerungen/a.md": draft})
    assert result.ok, result.report()
    assert not (output / "stoerungen" / "internetstoerung-kiel").exists()
    assert "Internetstörung" not in (output / "api" / "v2" / "summary.json").read_text()


# Timelines that cannot be true at the build's "now" (2026-11-24 12:00).
TIMELINE_CASES = {
    "update dated a year ahead": (
        HEAD + UPDATE + "\n## 2027-11-24 09:00 – identified\n\nB.\n",
        ["content/stoerungen/kaputt.md:11: update time: ", "2027-11-24 09:00 is after now (2026-11-24 12:00)",
         "when it happens"]),
    "update a minute after now": (
        HEAD + UPDATE + "\n## 2026-11-24 12:01 – identified\n\nB.\n",
        ["content/stoerungen/kaputt.md:11: update time: ", "12:01 is after now"]),
    "start after the first update": (
        HEAD.replace("Start: 2026-11-24 08:00", "Start: 2026-11-24 08:30") + UPDATE,
        ["content/stoerungen/kaputt.md:5: Start: ", "2026-11-24 08:30 is after the first update "
         "(line 7, 2026-11-24 08:10)", "at or before the first update"]),
    "two updates at the same minute": (
        HEAD + UPDATE + "\n## 2026-11-24 08:10 – identified\n\nB.\n",
        ["content/stoerungen/kaputt.md:11: update time: ",
         "2026-11-24 08:10 is the same time as the update on line 7", "later than the one before"]),
    "same instant written in two ways": (
        HEAD + UPDATE + "\n## 2026-11-24T07:10Z – identified\n\nB.\n",
        ["content/stoerungen/kaputt.md:11: update time: ", "the same time as the update on line 7"]),
    "start after now": (
        HEAD.replace("Start: 2026-11-24 08:00", "Start: 2026-11-25 08:00") + UPDATE,
        ["content/stoerungen/kaputt.md:5: Start: ", "2026-11-25 08:00 is after now"]),
    "end after now": (
        HEAD + "End: 2026-11-24 13:00\n\n## 2026-11-24 11:10 – resolved\n\nText.\n",
        ["content/stoerungen/kaputt.md:6: End: ", "2026-11-24 13:00 is after now", "ended"]),
}


@pytest.mark.parametrize("case", sorted(TIMELINE_CASES))
def test_impossible_timeline_fails_and_keeps_the_previous_output(tmp_path, case):
    text, words = TIMELINE_CASES[case]
    result, output = build_outage_site(tmp_path, {"stoerungen/gut.md": RESOLVED})
    assert result.ok, result.report()
    before = snapshot(output)
    result, output = build_outage_site(tmp_path, {"stoerungen/kaputt.md": text})
    assert not result.ok
    assert len(result.errors) == 1, result.report()
    for word in words:
        assert word in result.errors[0].message, result.errors[0].message
    assert "Traceback" not in result.report()
    assert snapshot(output) == before
    assert not list(tmp_path.glob("output.*")), "staging directory left behind"


def test_a_future_update_is_accepted_once_its_time_has_come(tmp_path):
    text = HEAD + UPDATE + "\n## 2026-11-24 13:00 – identified\n\nB.\n"
    result, _ = build_outage_site(tmp_path / "early", {"stoerungen/spaeter.md": text})
    assert not result.ok
    result, _output = build_outage_site(tmp_path / "due", {"stoerungen/spaeter.md": text},
                                       overrides={"SITE_NOW": "2026-11-24T13:00:00+01:00"})
    assert result.ok, result.report()


def test_maintenance_may_start_after_its_first_update(tmp_path):
    """Start of a maintenance is when the work began, days after it was announced."""
    result, _output = build_outage_site(tmp_path, {"stoerungen/w.md": COMPLETED})
    assert result.ok, result.report()
