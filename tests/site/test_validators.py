"""The independent validators reject what they must (a validator that cannot
fail proves nothing). Each bad sample is one defect the site once had or
could easily get."""

import datetime as dt

import pytest

from tests.support.standards import (
    dom_elements,
    feed_problems,
    ics_line_problems,
    vtimezone_problems,
    xsd_problems,
)

UTC = dt.UTC
RSS_URL = "https://example.org/feeds/stoerungen.rss.xml"

GOOD_RSS = f"""<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:atom="http://www.w3.org/2005/Atom" version="2.0"><channel>
<title>Störungsmeldungen</title><link>https://example.org/status/</link>
<description>Störungen</description>
<atom:link href="{RSS_URL}" rel="self" type="application/rss+xml"/>
<item><title>[Behoben] Kiel</title><link>https://example.org/stoerungen/kiel/</link>
<description>Alles läuft.</description><guid isPermaLink="false">tag:example.org,2026:1</guid>
<pubDate>Tue, 24 Nov 2026 10:00:00 +0100</pubDate></item>
</channel></rss>""".encode()


def test_a_good_rss_feed_passes():
    assert feed_problems(GOOD_RSS, RSS_URL, "rss") == []


def test_rss_linking_to_itself_and_to_the_atom_file_is_refused():
    bad = GOOD_RSS.replace(b"<link>https://example.org/status/</link>",
                           f"<link>{RSS_URL}</link>".encode())
    bad = bad.replace(f'href="{RSS_URL}"'.encode(),
                      b'href="https://example.org/feeds/stoerungen.atom.xml"')
    problems = feed_problems(bad, RSS_URL, "rss")
    assert any("rel=self" in p for p in problems)
    assert any("channel <link>" in p for p in problems)


def test_a_broken_feed_is_refused_by_atoma_and_feedparser():
    problems = feed_problems(GOOD_RSS.replace(b"</channel>", b""), RSS_URL, "rss")
    assert any(p.startswith("atoma refuses it") for p in problems)
    assert any(p.startswith("feedparser bozo") for p in problems)


def test_atom_without_a_self_link_is_refused():
    atom = b"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>https://example.org/</id><title>T</title>
<updated>2026-11-24T10:00:00+01:00</updated></feed>"""
    assert any("rel=self" in p for p in feed_problems(atom, "https://example.org/a.atom.xml",
                                                      "atom"))


def test_json_feed_summary_with_html_is_refused():
    feed = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "T",
      "feed_url": "https://example.org/feeds/all.json", "items": [
      {"id": "1", "url": "https://example.org/a/", "content_html": "<p>x</p>",
       "summary": "<p>Kurz &amp; knapp</p>"}]}"""
    problems = feed_problems(feed, "https://example.org/feeds/all.json", "json")
    assert problems == ["1: summary holds HTML; JSON Feed 1.1 wants plain text"]
    plain = feed.replace(b'"<p>Kurz &amp; knapp</p>"', b'"Kurz & knapp"')
    assert feed_problems(plain, "https://example.org/feeds/all.json", "json") == []


CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//DE\r\n"
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"
    "BEGIN:DAYLIGHT\r\nDTSTART:{spring}\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
    "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nEND:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\nDTSTART:20251026T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
    "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nEND:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
    "BEGIN:VEVENT\r\nUID:a@example.org\r\nDTSTAMP:20261124T110000Z\r\n"
    "SUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def calendar(spring="20260329T020000", summary="Wartung"):
    return CALENDAR.format(spring=spring, summary=summary).encode()


def test_a_correct_calendar_passes():
    assert ics_line_problems(calendar()) == []
    start, end = dt.datetime(2026, 1, 1, tzinfo=UTC), dt.datetime(2037, 1, 1, tzinfo=UTC)
    assert vtimezone_problems(calendar(), "Europe/Berlin", start, end) == []


def test_the_spring_change_written_at_three_oclock_is_found():
    """What icalendar's add_missing_timezones wrote: DTSTART in the new offset."""
    start, end = dt.datetime(2026, 1, 1, tzinfo=UTC), dt.datetime(2028, 1, 1, tzinfo=UTC)
    problems = vtimezone_problems(calendar(spring="20260329T030000"), "Europe/Berlin", start, end)
    assert "2026-03-29 01:30 UTC: the VTIMEZONE says 02:30+0100, zoneinfo 03:30+0200" in problems


def test_a_vtimezone_that_ends_too_early_is_found():
    short = calendar().replace(b"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n", b"")
    start, end = dt.datetime(2026, 1, 1, tzinfo=UTC), dt.datetime(2030, 1, 1, tzinfo=UTC)
    problems = vtimezone_problems(short, "Europe/Berlin", start, end)
    assert problems and all(not p.startswith("2026") for p in problems)


@pytest.mark.parametrize("defect, expected", [
    (lambda c: c.replace(b"\r\n", b"\n"), "not CRLF"),
    (lambda c: c.replace(b"SUMMARY:Wartung", b"SUMMARY:" + b"x" * 70), "more than 75"),
    (lambda c: c.replace(b"SUMMARY:Wartung", "SUMMARY:Wartungsarbeiten am Netz in Lübeck und "
                                            "Ostholstein mit Störun".encode() + b"\xc3\r\n"
                                            + b" \xb6gen"), "inside a UTF-8 character"),
    (lambda c: c.replace(b"END:VEVENT\r\n", b""), "does not close"),
    (lambda c: c.replace(b"SUMMARY:Wartung", b"SUMMARY Wartung"), "not a content line"),
])
def test_broken_line_rules_are_found(defect, expected):
    problems = ics_line_problems(defect(calendar()))
    assert any(expected in p for p in problems), problems


def test_the_cap_schema_refuses_what_cap_1_2_does_not_allow():
    cap = b"""<?xml version='1.0' encoding='UTF-8'?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier>
<sender>a@example.org</sender><sent>2026-11-24T10:00:00+01:00</sent><status>Actual</status>
<msgType>{kind}</msgType><scope>Public</scope><info><category>Infra</category>
<event>Stoerung</event><urgency>Past</urgency><severity>Minor</severity>
<certainty>Observed</certainty></info></alert>"""
    assert xsd_problems(cap.replace(b"{kind}", b"Update"), "CAP-v1.2.xsd") == []
    assert xsd_problems(cap.replace(b"{kind}", b"Allclear"), "CAP-v1.2.xsd")
    fractions = cap.replace(b"{kind}", b"Update").replace(b"10:00:00+01:00", b"10:00:00.5+01:00")
    assert xsd_problems(fractions, "CAP-v1.2.xsd")  # CAP forbids fractions of seconds


def test_the_sitemap_schema_refuses_a_bad_priority():
    sitemap = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://example.org/</loc><priority>{p}</priority></url></urlset>"""
    assert xsd_problems(sitemap.replace(b"{p}", b"0.5"), "sitemap.xsd") == []
    assert xsd_problems(sitemap.replace(b"{p}", b"2"), "sitemap.xsd")


def test_dom_elements_counts_what_the_browser_builds():
    assert dom_elements("<p>a<p>b") == 5  # html, head, body and two p
