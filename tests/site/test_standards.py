"""The sample site's machine-read output against independent validators.

The sample content holds every state a reader program must cope with: an
open incident, a resolved one, a scheduled, a rescheduled, a cancelled and a
completed maintenance. The validators live in tests/support/standards.py;
tests/site/test_validators.py shows that each of them rejects what it must.
"""

import datetime as dt
import json
import re

from bs4 import BeautifulSoup
from lxml import etree

from tests.support.html import soup
from tests.support.sites import FIXED_NOW, build_sample_site
from tests.support.standards import (
    atom_id,
    dom_elements,
    feed_problems,
    ics_line_problems,
    site_feeds,
    vtimezone_problems,
    xsd_problems,
)

DEV_ORIGIN = "http://127.0.0.1:8000"
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
NOW = dt.datetime.fromisoformat(FIXED_NOW)
DOM_LIMIT = 1500


def url_of(sample_site, path):
    return f"{DEV_ORIGIN}/{path.relative_to(sample_site).as_posix()}"


def test_the_sample_site_holds_every_state_of_a_notice(sample_site):
    incidents = json.loads((sample_site / "api/v2/incidents.json").read_text())["incidents"]
    assert {i["status"] for i in incidents} >= {"identified", "resolved"}
    maintenances = json.loads(
        (sample_site / "api/v2/scheduled-maintenances.json").read_text())["scheduled_maintenances"]
    calendar = (sample_site / "status/wartungen.ics").read_text()
    assert "STATUS:CANCELLED" in calendar and "SEQUENCE:1" in calendar  # cancelled, moved
    assert [m["status"] for m in maintenances].count("scheduled") == 2  # one of them moved
    assert "completed" in {m["status"] for m in maintenances}


def test_every_feed_passes_atoma_and_feedparser_and_names_itself(sample_site):
    feeds = site_feeds(sample_site)
    names = {p.relative_to(sample_site).as_posix() for p, _ in feeds}
    for expected in ("feeds/all.atom.xml", "feeds/all.rss.xml", "feeds/all.json",
                     "feeds/stoerungen.atom.xml", "feeds/stoerungen.rss.xml",
                     "feeds/stoerungen/festnetz-luebeck.rss.xml", "feeds/faq.atom.xml",
                     "social/mastodon.atom.xml", "social/bluesky.json"):
        assert expected in names, expected
    problems = []
    for path, kind in feeds:
        for problem in feed_problems(path.read_bytes(), url_of(sample_site, path), kind):
            problems.append(f"{path.relative_to(sample_site)}: {problem}")
    assert problems == []


def test_every_feed_says_it_is_german_and_is_titled_like_the_site(sample_site):
    """Read by feedparser (xml:lang of an Atom feed, <language> of an RSS channel):
    Pelican's own feeds too, and their titles use the site's en dash."""
    import feedparser

    checked = 0
    for path, kind in site_feeds(sample_site):
        if kind == "json":
            assert json.loads(path.read_bytes())["language"] == "de", path
            continue
        parsed = feedparser.parse(path.read_bytes())
        name = path.relative_to(sample_site).as_posix()
        assert parsed.feed.get("language") == "de", name
        assert " - " not in parsed.feed.title and " – " in parsed.feed.title, (name, parsed.feed.title)
        checked += 1
    assert checked > 10
    assert feedparser.parse((sample_site / "feeds/kategorie/kundendialog.atom.xml").read_bytes()).feed.title \
        == "Kategorie: Kundendialog – Nordlicht Netz – Service-Blog"


def test_every_atom_feed_has_an_id_of_its_own(sample_site):
    ids = {}
    for path, kind in site_feeds(sample_site):
        if kind == "atom":
            ids.setdefault(atom_id(path.read_bytes()), []).append(path.name)
    shared = {feed_id: files for feed_id, files in ids.items() if len(files) > 1}
    assert len(ids) > 20 and shared == {}


def test_outage_rss_feeds_link_to_the_status_page(sample_site):
    for path in [sample_site / "feeds/stoerungen.rss.xml",
                 *sorted((sample_site / "feeds/stoerungen").glob("*.rss.xml"))]:
        channel = etree.parse(str(path)).getroot().find("channel")
        assert channel.findtext("link") == f"{DEV_ORIGIN}/status/", path


def test_json_feed_summaries_are_plain_text(sample_site):
    feed = json.loads((sample_site / "feeds/all.json").read_text())
    summaries = [item["summary"] for item in feed["items"] if "summary" in item]
    assert summaries, "the sample articles with a Summary: should give items a summary"
    for summary in summaries:
        assert "<" not in summary and "&amp;" not in summary, summary


def test_an_empty_component_feed_keeps_its_time_from_build_to_build(sample_site):
    atom = (sample_site / "feeds/stoerungen/mobilfunk-schleswig-holstein.atom.xml").read_bytes()
    root = etree.fromstring(atom)
    assert root.findall("{http://www.w3.org/2005/Atom}entry") == []
    updated = root.findtext("{http://www.w3.org/2005/Atom}updated")
    # The newest update on the site (the hotline's), not the build's clock.
    assert updated == "2026-11-24T11:15:00+01:00"


def test_cap_files_are_valid_against_the_oasis_cap_1_2_schema(sample_site):
    files = sorted((sample_site / "status/cap").glob("*.xml"))
    assert len(files) == 6
    problems = {f.name: xsd_problems(f.read_bytes(), "CAP-v1.2.xsd") for f in files}
    assert {name: found for name, found in problems.items() if found} == {}
    kinds = {etree.parse(str(f)).getroot().findtext(f"{CAP}msgType") for f in files}
    assert kinds == {"Alert", "Update", "Cancel"}


def test_cap_headlines_name_the_state_the_notice_page_shows(sample_site):
    for path in sorted((sample_site / "status/cap").glob("*.xml")):
        info = etree.parse(str(path)).getroot().find(f"{CAP}info")
        label = re.match(r"\[(.+?)\] ", info.findtext(f"{CAP}headline")).group(1)
        page = soup(sample_site / "stoerungen" / path.stem / "index.html")
        shown = page.select_one(".notice-state").get_text(" ", strip=True)
        assert shown.endswith(label), (path.name, label, shown)
        if info.findtext(f"{CAP}responseType") == "AllClear":
            assert label in ("Behoben", "Abgeschlossen", "Abgesagt"), (path.name, label)


def test_sitemap_is_valid_against_the_sitemaps_org_schema(sample_site):
    assert xsd_problems((sample_site / "sitemap.xml").read_bytes(), "sitemap.xsd") == []


def test_calendar_keeps_the_rfc_5545_line_rules(sample_site):
    assert ics_line_problems((sample_site / "status/wartungen.ics").read_bytes()) == []


def test_calendar_time_zone_matches_zoneinfo_for_the_next_ten_years(sample_site):
    data = (sample_site / "status/wartungen.ics").read_bytes()
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(2037, 1, 1, tzinfo=dt.UTC)
    assert vtimezone_problems(data, "Europe/Berlin", start, end) == []


def test_calendar_dtstamp_is_when_the_calendar_was_made(sample_site):
    import icalendar

    calendar = icalendar.Calendar.from_ical((sample_site / "status/wartungen.ics").read_bytes())
    assert str(calendar["METHOD"]) == "PUBLISH"
    stamps = {event.decoded("DTSTAMP") for event in calendar.walk("VEVENT")}
    assert stamps == {NOW.astimezone(dt.UTC)}
    for event in calendar.walk("VEVENT"):  # the event's own change time is LAST-MODIFIED
        assert event.decoded("LAST-MODIFIED") <= NOW


def test_status_page_stays_small_and_keeps_every_day(sample_site):
    html = (sample_site / "status/index.html").read_text(encoding="utf-8")
    assert dom_elements(html) <= DOM_LIMIT
    page = BeautifulSoup(html, "html.parser")
    components = page.select("li.component")
    assert len(components) == 9
    for component in components:
        # Hover: the marks' titles name every one of the 90 days exactly once.
        marks = component.select("svg.uptime-bar rect")
        days = sum((int(rect["width"]) + 1) // 4 for rect in marks)
        assert days == 90, component["id"]
        offsets = [int(rect["x"]) for rect in marks]
        assert offsets == sorted(offsets) and offsets[0] == 0
        titles = [rect.title.get_text() for rect in marks]
        assert all(re.fullmatch(r"\d\d\.\d\d\.\d{4}( bis \d\d\.\d\d\.\d{4})?: .+", t)
                   for t in titles), titles
        # Screen readers and everyone else: the text names every day that was not fine.
        text = component.select_one(".uptime-text").get_text()
        for title in titles:
            if not title.endswith(": Funktioniert"):
                assert title in text, (component["id"], title)
    kiel = page.select_one("#komponente-internet-kiel")
    assert "18.11.2026: Ausgefallen" in kiel.select_one(".uptime-text").get_text()


def _addresses(page):
    return [(tag.name, tag.get(name)) for tag in page.find_all(True)
            for name in ("href", "src", "action") if tag.get(name)]


def test_the_development_404_page_works_on_any_port_and_at_any_depth(sample_site):
    """Served under every missing address by a local server on any port: every
    address starts at the root of that host (never a fixed port, never relative).
    Feeds are the exception on every page: their address is FEED_DOMAIN's."""
    page = soup(sample_site / "404.html")
    addresses = [(tag, url) for tag, url in _addresses(page)
                 if not url.startswith("#") and "/feeds/" not in url]
    assert ("link", "/theme/css/site.css") in addresses
    assert any(tag == "script" and url.endswith("/status-banner.js") for tag, url in addresses)
    assert any(tag == "form" for tag, _ in addresses)
    wrong = [(tag, url) for tag, url in addresses if not url.startswith("/") or url.startswith("//")]
    assert not wrong, wrong


def test_the_production_404_page_uses_absolute_addresses(tmp_path):
    siteurl = "https://service.example.org"
    result = build_sample_site(tmp_path / "output", {
        "SITEURL": siteurl, "FEED_DOMAIN": siteurl, "RELATIVE_URLS": False, "PRODUCTION": True,
        "SEARCH_INDEX": False})
    assert result.ok, result.report()
    page = soup(tmp_path / "output" / "404.html")
    addresses = _addresses(page)
    assert ("link", siteurl + "/theme/css/site.css") in addresses
    wrong = [(tag, url) for tag, url in addresses if not url.startswith((siteurl + "/", "#"))]
    assert not wrong, wrong


def test_the_404_page_names_no_canonical_address(sample_site):
    page = soup(sample_site / "404.html")
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert page.find("link", rel="canonical") is None
    assert page.find("meta", property="og:url") is None
