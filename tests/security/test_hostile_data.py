"""What machines read from the hostile site: every feed, JSON file, CAP
alert and the calendar parse with independent parsers and carry the texts
exactly as the editors typed them."""

import json
import os

import feedparser
import icalendar
import jsonschema
import pytest
from lxml import etree
from referencing import Registry, Resource

from tests.support.standards import xsd_problems

from . import hostile as h

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "outages", "data")
SITENAME = "Nordlicht Netz – Service-Blog"
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
# Update texts are Markdown: these payloads have no markup and stay literal.
LITERAL_IN_MARKDOWN = ("cdata", "template")


def files(output, suffix):
    return sorted(p for p in output.rglob(f"*{suffix}") if "pagefind" not in p.parts)


def feed(path):
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    return parsed


def test_every_xml_file_is_well_formed(hostile_site):
    paths = files(hostile_site, ".xml")
    assert len(paths) > 40
    for path in paths:
        etree.parse(str(path), etree.XMLParser(resolve_entities=False))  # raises on any error


def test_every_json_file_parses(hostile_site):
    paths = files(hostile_site, ".json")
    assert len(paths) > 10
    for path in paths:
        json.loads(path.read_text(encoding="utf-8"))


def test_article_feeds_carry_titles_names_and_terms_as_typed(hostile_site):
    titles = {h.article_title(k) for k in h.PAYLOADS}
    for name in ("all.atom.xml", "all.rss.xml"):
        parsed = feed(hostile_site / "feeds" / name)
        assert {e.title for e in parsed.entries} == titles
        terms = {t.term for e in parsed.entries for t in e.tags}
        assert {h.category(k) for k in h.PAYLOADS} <= terms
        assert {h.tag(k) for k in h.PAYLOADS} <= terms
    atom = feed(hostile_site / "feeds" / "all.atom.xml")
    assert {e.author for e in atom.entries} == {h.author(k) for k in h.PAYLOADS}
    category_feeds = {feed(p).feed.title for p in (hostile_site / "feeds" / "kategorie").glob("*.xml")}
    assert category_feeds == {f"Kategorie: {h.category(k)} – {SITENAME}" for k in h.PAYLOADS}
    tag_feeds = {feed(p).feed.title for p in (hostile_site / "feeds" / "themen").glob("*.xml")}
    assert {f"Thema: {h.tag(k)} – {SITENAME}" for k in h.PAYLOADS} <= tag_feeds


def test_json_feed_carries_titles_and_a_plain_text_summary(hostile_site):
    data = json.loads((hostile_site / "feeds" / "all.json").read_text(encoding="utf-8"))
    items = {item["title"]: item for item in data["items"]}
    assert set(items) == {h.article_title(k) for k in h.PAYLOADS}
    for key in h.PAYLOADS:
        item = items[h.article_title(key)]
        assert [a["name"] for a in item["authors"]] == [h.author(key)]
        assert h.tag(key) in item["tags"]
        # JSON Feed's summary is text: the words of the Markdown summary, no tags.
        summary = item["summary"]
        assert summary.startswith("Zusammenfassung") and summary.endswith(" mehr"), summary
        assert "<p>" not in summary and "<a" not in summary


def test_faq_feed_carries_the_questions(hostile_site):
    parsed = feed(hostile_site / "feeds" / "faq.atom.xml")
    assert {e.title for e in parsed.entries} == {h.question(k) for k in h.PAYLOADS}


def test_outage_feeds_carry_titles_and_component_names(hostile_site):
    parsed = feed(hostile_site / "feeds" / "stoerungen.atom.xml")
    titles = {e.title for e in parsed.entries}
    assert {f"[Ursache gefunden] {h.incident_title(k)}" for k in h.PAYLOADS} <= titles
    assert {f"[Geplant] {h.maintenance_title(k)}" for k in h.PAYLOADS} <= titles
    for key in h.PAYLOADS:
        component = feed(hostile_site / "feeds" / "stoerungen" / f"netz-{key}.atom.xml")
        assert h.component_name(key) in component.feed.subtitle


@pytest.mark.parametrize("key", h.PAYLOADS)
def test_cap_alert_is_valid_and_says_it_as_typed(hostile_site, key):
    data = (hostile_site / "status" / "cap" / f"stoerung-{key}.xml").read_bytes()
    assert xsd_problems(data, "CAP-v1.2.xsd") == []
    document = etree.fromstring(data).getroottree()
    assert document.findtext(f".//{CAP}headline") == f"[Ursache gefunden] {h.incident_title(key)}"
    assert document.findtext(f".//{CAP}parameter/{CAP}value") == h.component_name(key)
    assert document.findtext(f".//{CAP}areaDesc") == h.component_area(key)
    description = document.findtext(f".//{CAP}description")
    assert description.startswith("Zweites Update")
    if key in LITERAL_IN_MARKDOWN:
        assert h.PAYLOADS[key] in description


def test_calendar_names_each_maintenance_as_typed(hostile_site):
    calendar = icalendar.Calendar.from_ical((hostile_site / "status" / "wartungen.ics").read_bytes())
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"Wartungsarbeiten: {h.maintenance_title(k)}" for k in h.PAYLOADS}
    for key in h.PAYLOADS:
        description = str(events[f"Wartungsarbeiten: {h.maintenance_title(key)}"]["description"])
        assert f"Betroffen: {h.component_name(key)}" in description


def test_status_api_is_valid_and_names_everything_as_typed(hostile_site):
    with open(os.path.join(DATA, "statuspage-v2.schema.json"), encoding="utf-8") as handle:
        schema = json.load(handle)
    registry = Registry().with_resource(schema["$id"], Resource.from_contents(schema))
    summary = json.loads((hostile_site / "api" / "v2" / "summary.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        {"$ref": schema["$id"] + schema["documents"]["summary.json"]}, registry=registry)
    assert [e.message for e in validator.iter_errors(summary)] == []
    assert {i["name"] for i in summary["incidents"]} == {h.incident_title(k) for k in h.PAYLOADS}
    assert {m["name"] for m in summary["scheduled_maintenances"]} == {
        h.maintenance_title(k) for k in h.PAYLOADS}
    names = {c["name"] for c in summary["components"]}
    assert {h.component_name(k) for k in h.PAYLOADS} <= names
    bodies = " ".join(u["body"] for i in summary["incidents"] for u in i["incident_updates"])
    for key in LITERAL_IN_MARKDOWN:
        assert h.PAYLOADS[key] in bodies


def test_social_posts_quote_titles_as_typed(hostile_dev):
    queue = json.loads((hostile_dev / "social" / "queue.json").read_text(encoding="utf-8"))
    outage_posts = [p for p in queue["posts"] if p["kind"] == "outage-update"]
    assert outage_posts
    for post in outage_posts:
        key = post["source"].split("stoerung-")[-1].split("wartung-")[-1].removesuffix(".md")
        title = h.incident_title(key) if "/stoerung-" in post["source"] else h.maintenance_title(key)
        assert post["title"] == title
        label = "Störung" if "/stoerung-" in post["source"] else "Wartungsarbeiten"
        assert post["text"].startswith(f"{label}: {title}\n")
    article_posts = [p for p in queue["posts"] if p["kind"] == "article"]
    assert {p["title"] for p in article_posts} == {h.article_title(k) for k in h.PAYLOADS}
    for post in article_posts:  # the Social: line, posted as typed
        key = post["source"].removeprefix("artikel/angriff-").removesuffix(".md")
        assert post["text"].startswith(h.social_text(key)), post["text"]
