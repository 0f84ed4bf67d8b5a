"""Feeds, calendar, CAP and /status/ of the outage fixtures against the
independent validators (tests/support/standards.py), plus the cases the
sample site cannot show: a maintenance moved on by the clock, a feed without
entries across two builds, zones other than Berlin, many components."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import icalendar
import pytest
from bs4 import BeautifulSoup
from lxml import etree

from outages.vtimezone import vtimezone
from tests.support.standards import (
    dom_elements,
    feed_problems,
    ics_line_problems,
    site_feeds,
    vtimezone_problems,
    xsd_problems,
)

from .samples import CANCELLED, RESOLVED, build_outage_site, notice

ORIGIN = "https://status.example.org"
# What `invoke outage-publish` loads: enough for every outage output, and quick.
LEAN = {"PLUGINS": ["german", "editorial", "outages"]}
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
UTC = dt.UTC


def text(root, path):
    return root.findtext(path.replace("cap:", CAP))


def test_every_outage_feed_passes_the_validators(outage_site):
    problems = []
    feeds = [(p, k) for p, k in site_feeds(outage_site) if "stoerungen" in p.as_posix()]
    assert len(feeds) == 2 + 2 * 4
    for path, kind in feeds:
        url = f"{ORIGIN}/{path.relative_to(outage_site).as_posix()}"
        problems += [f"{path.name}: {p}" for p in feed_problems(path.read_bytes(), url, kind)]
    assert problems == []


def test_rss_links_to_the_status_page_and_names_itself(outage_site):
    channel = etree.parse(str(outage_site / "feeds/stoerungen/internet-kiel.rss.xml")).find(
        "channel")
    assert channel.findtext("link") == f"{ORIGIN}/status/"
    self_links = [link.get("href") for link in channel.findall("{http://www.w3.org/2005/Atom}link")
                  if link.get("rel") == "self"]
    assert self_links == [f"{ORIGIN}/feeds/stoerungen/internet-kiel.rss.xml"]


def test_a_feed_without_entries_is_the_same_in_every_build(tmp_path):
    outputs = []
    for hour in ("12:00", "13:37"):
        result, output = build_outage_site(
            tmp_path / hour.replace(":", ""), {"stoerungen/a.md": RESOLVED},
            overrides={**LEAN, "SITE_NOW": f"2026-11-24T{hour}:00.123456+01:00"})
        assert result.ok, result.report()
        outputs.append(output)
    for name in ("kundenportal.atom.xml", "kundenportal.rss.xml"):
        first, second = (o / "feeds" / "stoerungen" / name for o in outputs)
        assert first.read_bytes() == second.read_bytes(), name
    updated = etree.parse(str(outputs[0] / "feeds/stoerungen/kundenportal.atom.xml")).findtext(
        "{http://www.w3.org/2005/Atom}updated")
    assert updated == "2026-11-22T14:05:00+01:00"  # the newest update on the site


def test_the_record_start_dates_an_empty_feed_when_it_is_set(tmp_path):
    result, output = build_outage_site(tmp_path, {"stoerungen/a.md": RESOLVED},
                                       overrides={**LEAN, "OUTAGES_SINCE": "2026-09-01 00:00"})
    assert result.ok, result.report()
    updated = etree.parse(str(output / "feeds/stoerungen/kundenportal.atom.xml")).findtext(
        "{http://www.w3.org/2005/Atom}updated")
    assert updated == "2026-09-01T00:00:00+02:00"


# -- CAP: a maintenance the clock moved on -------------------------------------------

OVER = notice("""\
    Title: Wartung Internet Hamburg
    Slug: wartung-internet-hamburg
    Kind: maintenance
    Components: internet-hamburg
    Scheduled-Start: 2026-11-24 01:00
    Scheduled-End: 2026-11-24 03:00

    ## 2026-11-20 09:00 – scheduled

    Nachts kurz ohne Internet.
    """)

RUNNING = notice("""\
    Title: Wartung Kundenportal
    Slug: wartung-kundenportal
    Kind: maintenance
    Components: kundenportal
    Scheduled-Start: 2026-11-24 11:00
    Scheduled-End: 2026-11-24 14:00

    ## 2026-11-20 09:00 – scheduled

    Das Portal ist mittags nicht erreichbar.
    """)


@pytest.fixture(scope="module")
def clock_site(tmp_path_factory):
    result, output = build_outage_site(
        tmp_path_factory.mktemp("clock"),
        {"stoerungen/over.md": OVER, "stoerungen/running.md": RUNNING,
         "stoerungen/cancelled.md": CANCELLED}, overrides=LEAN)
    assert result.ok, result.report()
    return output


def cap(output, slug):
    data = (output / "status" / "cap" / f"{slug}.xml").read_bytes()
    assert xsd_problems(data, "CAP-v1.2.xsd") == []
    return etree.fromstring(data)


def test_a_maintenance_completed_by_the_clock_is_announced_as_completed(clock_site):
    root = cap(clock_site, "wartung-internet-hamburg")
    assert text(root, "cap:info/cap:headline") == "[Abgeschlossen] Wartung Internet Hamburg"
    assert text(root, "cap:info/cap:urgency") == "Past"
    assert text(root, "cap:info/cap:responseType") == "AllClear"
    assert "abgeschlossen" in text(root, "cap:info/cap:description")
    assert text(root, "cap:msgType") == "Update"
    # A message of its own: receivers keep the first one they saw under an identifier.
    sent_update = "status.example.org.stoerung.wartung-internet-hamburg-1"
    assert text(root, "cap:identifier") == sent_update + ".completed"
    assert text(root, "cap:sent") == "2026-11-24T03:00:00+01:00"
    assert text(root, "cap:references").split() == [
        f"stoerungen@status.example.org,{sent_update},2026-11-20T09:00:00+01:00",
        f"stoerungen@status.example.org,{sent_update}.in_progress,2026-11-24T01:00:00+01:00",
    ]
    page = BeautifulSoup((clock_site / "stoerungen/wartung-internet-hamburg/index.html")
                         .read_text(encoding="utf-8"), "html.parser")
    assert page.select_one(".notice-state").get_text(" ", strip=True).endswith("Abgeschlossen")


def test_a_maintenance_started_by_the_clock_is_announced_as_running(clock_site):
    root = cap(clock_site, "wartung-kundenportal")
    assert text(root, "cap:info/cap:headline") == "[Läuft] Wartung Kundenportal"
    assert text(root, "cap:info/cap:urgency") == "Immediate"
    assert text(root, "cap:info/cap:responseType") == "Monitor"
    assert text(root, "cap:identifier").endswith("wartung-kundenportal-1.in_progress")
    assert text(root, "cap:sent") == "2026-11-24T11:00:00+01:00"
    assert text(root, "cap:info/cap:expires") == "2026-11-24T14:00:00+01:00"


def test_an_editors_update_keeps_its_own_identifier(clock_site):
    root = cap(clock_site, "abgesagte-wartung-hamburg")
    assert text(root, "cap:identifier") == "status.example.org.stoerung.abgesagte-wartung-hamburg-2"
    assert text(root, "cap:info/cap:headline") == "[Abgesagt] Abgesagte Wartung Hamburg"


# -- iCalendar ------------------------------------------------------------------------


def test_calendar_lines_time_zone_and_dtstamp(outage_site):
    data = (outage_site / "status" / "wartungen.ics").read_bytes()
    assert ics_line_problems(data) == []
    start, end = dt.datetime(2025, 12, 1, tzinfo=UTC), dt.datetime(2036, 12, 31, tzinfo=UTC)
    assert vtimezone_problems(data, "Europe/Berlin", start, end) == []
    calendar = icalendar.Calendar.from_ical(data)
    built = dt.datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
    assert {e.decoded("DTSTAMP") for e in calendar.walk("VEVENT")} == {built}
    assert b"DTSTAMP:20261124T110000Z\r\n" in data


def as_calendar(zone):
    wrapper = icalendar.Calendar()
    wrapper.add("prodid", "-//Test//DE")
    wrapper.add("version", "2.0")
    wrapper.add_component(zone)
    return wrapper.to_ical()


@pytest.mark.parametrize("tzid", [
    "Europe/Berlin",
    "Europe/Dublin",  # winter time is the "daylight" one there (negative DST in tzdata)
    "America/Sao_Paulo",  # summer time ended in 2019: the series must stop
    "Australia/Sydney",  # southern hemisphere
    "Asia/Tokyo",  # no change at all
    "Pacific/Apia",  # dropped DST in 2021
])
def test_vtimezone_matches_zoneinfo_in_other_zones_too(tzid):
    first = dt.datetime(2017, 6, 1, tzinfo=UTC)
    last = dt.datetime(2031, 6, 1, tzinfo=UTC)
    data = as_calendar(vtimezone(tzid, first, last))
    assert ics_line_problems(data) == []
    assert vtimezone_problems(data, tzid, first, last + dt.timedelta(days=365 * 3)) == []


def test_berlin_needs_only_two_rules():
    zone = vtimezone("Europe/Berlin", dt.date(2026, 11, 12), dt.date(2031, 11, 25))
    rules = [(c.name, c.decoded("DTSTART"), c["RRULE"].to_ical().decode()) for c in zone.subcomponents]
    assert rules == [
        ("STANDARD", dt.datetime(2025, 10, 26, 3, 0), "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"),
        ("DAYLIGHT", dt.datetime(2026, 3, 29, 2, 0), "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"),
    ]


def test_dateutil_reads_the_same_instants_as_zoneinfo_for_local_times():
    """The other direction: a wall-clock time in an event resolves the same way."""
    from dateutil import tz

    data = as_calendar(vtimezone("Europe/Berlin", dt.date(2026, 1, 1), dt.date(2030, 1, 1)))
    berlin = tz.tzical(io.StringIO(data.decode())).get("Europe/Berlin")
    zone = ZoneInfo("Europe/Berlin")
    for wall in (dt.datetime(2027, 3, 28, 1, 59), dt.datetime(2027, 3, 28, 3, 0),
                 dt.datetime(2027, 10, 31, 1, 59), dt.datetime(2027, 10, 31, 3, 0),
                 dt.datetime(2027, 7, 1, 12, 0), dt.datetime(2028, 1, 1, 0, 0)):
        assert wall.replace(tzinfo=berlin).utcoffset() == wall.replace(tzinfo=zone).utcoffset()


# -- /status/ size ------------------------------------------------------------------------


def components(count):
    lines = ["components:"]
    for number in range(count):
        lines += [f"  - id: dienst-{number}", f"    name: Dienst {number}",
                  f"    group: Gruppe {number % 3}", "    description: Ein Dienst"]
    return "\n".join(lines) + "\n"


def status_elements(tmp_path, count, notices=None):
    result, output = build_outage_site(tmp_path, notices or {}, overrides=LEAN,
                                       components=components(count))
    assert result.ok, result.report()
    return dom_elements((output / "status" / "index.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def four_quiet_components(tmp_path_factory):
    return status_elements(tmp_path_factory.mktemp("quiet"), 4)


def test_the_status_page_grows_by_a_few_elements_per_component_not_per_day(
    tmp_path, four_quiet_components
):
    many = status_elements(tmp_path, 36)
    per_component = (many - four_quiet_components) / 32
    assert per_component <= 20, per_component  # 2 per day and component before: 180+
    assert many <= 1500


def test_each_change_of_state_costs_two_elements(tmp_path, four_quiet_components):
    incident = notice("""\
        Title: Störung
        Slug: stoerung
        Kind: incident
        Impact: minor
        Components: dienst-1
        Start: 2026-11-10 10:00
        End: 2026-11-10 11:00

        ## 2026-11-10 10:05 – investigating

        Langsam.

        ## 2026-11-10 11:05 – resolved

        Wieder gut.
        """)
    busy = status_elements(tmp_path, 4, {"stoerungen/a.md": incident})
    history = 7  # the notice in "Vergangene Meldungen": h3, ul, li, a, span, time …
    # The bar: operational, incident, operational instead of one mark.
    assert busy - four_quiet_components <= 2 * 2 + history
