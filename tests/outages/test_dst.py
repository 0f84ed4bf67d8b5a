"""An incident across the night the clocks go back (25 October 2026, 03:00
CEST → 02:00 CET): the hour 02:00–03:00 happens twice."""

import datetime as dt
import json

from bs4 import BeautifulSoup

from outages.components import load_components
from outages.notice_file import parse_notice, utc

from .samples import COMPONENTS, build_outage_site, notice

NIGHT = notice("""\
    Title: Störung in der Nacht der Zeitumstellung
    Slug: zeitumstellung
    Kind: incident
    Impact: minor
    Components: internet-kiel=degraded_performance
    Start: 2026-10-25 01:50
    End: 2026-10-25 03:00

    ## 2026-10-25T02:00+02:00 – investigating

    Erste Meldung, noch in der Sommerzeit.

    ## 2026-10-25T02:30+02:00 – identified

    Ursache gefunden, kurz vor der Umstellung.

    ## 2026-10-25T02:10+01:00 – monitoring

    Nach der Umstellung: die Uhr zeigt früher, es ist aber später.

    ## 2026-10-25 03:00 – resolved

    Behoben.
    """)


def registry(tmp_path):
    path = tmp_path / "komponenten.yml"
    path.write_text(COMPONENTS, encoding="utf-8")
    return load_components(str(path), "content/status/komponenten.yml")[0]


def test_updates_are_ordered_by_real_time_not_wall_clock(tmp_path):
    data, problems = parse_notice(NIGHT, "content/stoerungen/x.md", registry(tmp_path))
    assert problems == []
    offsets = [u.time.utcoffset() for u in data.updates]
    hours = dt.timedelta(hours=1)
    assert offsets == [2 * hours, 2 * hours, hours, hours]
    in_utc = [utc(u.time).strftime("%H:%M") for u in data.updates]
    assert in_utc == ["00:00", "00:30", "01:10", "02:00"]
    # 01:50 MESZ to 03:00 MEZ is 2 h 10 min, not the 1 h 10 min of the wall clock.
    assert (utc(data.end) - utc(data.start)) == dt.timedelta(hours=2, minutes=10)


def test_wall_clock_order_in_the_repeated_hour_is_an_error(tmp_path):
    swapped = NIGHT.replace("2026-10-25T02:30+02:00 – identified",
                            "2026-10-25T02:30+01:00 – identified")
    _, problems = parse_notice(swapped, "content/stoerungen/x.md", registry(tmp_path))
    # 02:30 MEZ is after 02:10 MEZ: the third update is now out of order.
    assert [(p.field, p.line) for p in problems] == [("update time", 17)]
    assert "earlier than the update before it" in str(problems[0])


def test_dst_night_is_shown_and_published_correctly(tmp_path):
    result, output = build_outage_site(
        tmp_path, {"stoerungen/zeitumstellung.md": NIGHT},
        overrides={"SITE_NOW": "2026-10-26T12:00:00+01:00"})
    assert result.ok, result.report()
    soup = BeautifulSoup((output / "stoerungen" / "zeitumstellung" / "index.html")
                         .read_text(encoding="utf-8"), "html.parser")
    shown = [t.get_text() for t in soup.select(".update-time time")]
    assert shown == ["25.10.2026, 03:00 Uhr (MEZ)", "25.10.2026, 02:10 Uhr (MEZ)",
                     "25.10.2026, 02:30 Uhr (MESZ)", "25.10.2026, 02:00 Uhr (MESZ)"]
    machine = [t["datetime"] for t in soup.select(".update-time time")]
    assert machine == ["2026-10-25T03:00:00+01:00", "2026-10-25T02:10:00+01:00",
                       "2026-10-25T02:30:00+02:00", "2026-10-25T02:00:00+02:00"]
    facts = soup.select_one("dl.facts").get_text(" ", strip=True)
    assert "Beginn 25.10.2026, 01:50 Uhr (MESZ)" in facts
    assert "Ende 25.10.2026, 03:00 Uhr (MEZ)" in facts
    assert "Dauer 2 Stunden und 10 Minuten" in facts

    api = json.loads((output / "api" / "v2" / "incidents.json").read_text(encoding="utf-8"))
    incident = api["incidents"][0]
    assert incident["started_at"] == "2026-10-25T01:50:00+02:00"
    assert incident["resolved_at"] == "2026-10-25T03:00:00+01:00"
    assert [u["created_at"] for u in incident["incident_updates"]] == [
        "2026-10-25T03:00:00+01:00", "2026-10-25T02:10:00+01:00",
        "2026-10-25T02:30:00+02:00", "2026-10-25T02:00:00+02:00"]

    # Availability counts the real 130 minutes at a quarter weight.
    status = BeautifulSoup((output / "status" / "index.html").read_text(encoding="utf-8"),
                           "html.parser")
    kiel = status.select_one("#komponente-internet-kiel")
    expected = 1 - (130 * 0.25) / (30 * 24 * 60)  # 99.9247 %
    assert f"{int(expected * 10000) / 100:.2f}".replace(".", ",") == "99,92"
    assert "99,92\u00a0% in 30 Tagen" in kiel.select_one(".availability").get_text(" ", strip=True)
    assert "25.10.2026: Eingeschränkt" in kiel.select_one(".uptime-text").get_text()
