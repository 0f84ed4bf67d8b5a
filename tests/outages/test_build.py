"""Build a small site with every kind of notice and check every output."""

import datetime as dt
import json
import os

import feedparser
import icalendar
import jsonschema
import pytest
from bs4 import BeautifulSoup
from lxml import etree
from referencing import Registry, Resource

from german.dates import BERLIN
from tests.support.standards import schema as xml_schema

DATA = os.path.join(os.path.dirname(__file__), "data")
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


def html(output, path):
    return BeautifulSoup((output / path).read_text(encoding="utf-8"), "html.parser")


def load_json(output, path):
    return json.loads((output / path).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def schema():
    with open(os.path.join(DATA, "statuspage-v2.schema.json"), encoding="utf-8") as handle:
        return json.load(handle)


def validate(schema, name, document):
    registry = Registry().with_resource(schema["$id"], Resource.from_contents(schema))
    pointer = schema["documents"][name]
    validator = jsonschema.Draft202012Validator(
        {"$ref": schema["$id"] + pointer}, registry=registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


# -- /status/ ---------------------------------------------------------------------


def test_status_page_overall_sentence_and_components(outage_site):
    soup = html(outage_site, "status/index.html")
    overall = soup.select_one(".status-overall")
    assert overall.get_text(" ", strip=True).endswith("Größere Störung")
    assert overall.select_one(".status-icon")["aria-hidden"] == "true"
    assert [h.get_text() for h in soup.select("h3.component-group")] == [
        "Internet", "Festnetz", "Kundenportal"]
    chips = {li["id"]: li.select_one(".status-chip").get_text(" ", strip=True)
             for li in soup.select("li.component")}
    # Colour is never alone: every chip carries its status in words.
    assert chips == {
        "komponente-internet-kiel": "✕ Ausgefallen",
        "komponente-internet-hamburg": "▲ Eingeschränkt",
        "komponente-festnetz-kiel": "◆ Teilweise gestört",
        "komponente-kundenportal": "✓ Funktioniert",
    }
    head = soup.select_one("head")
    assert head.select_one('link[href$="theme/css/status.css"]')
    assert soup.select_one("[data-pagefind-body]")


def test_status_page_active_incidents_upcoming_maintenance_and_history(outage_site):
    soup = html(outage_site, "status/index.html")
    active = soup.select_one('section[aria-labelledby="aktuelle-stoerungen"]')
    titles = [a.get_text() for a in active.select(".notice-card-title a")]
    assert titles == ["Langsames Internet in Hamburg", "Internetstörung in Kiel"]
    kiel = active.select(".notice-card")[1]
    headings = [h.get_text(" ", strip=True) for h in kiel.select(".update-heading")]
    assert headings == ["Ursache gefunden 24.11.2026, 09:40 Uhr (MEZ)",
                        "Wir untersuchen das Problem 24.11.2026, 08:25 Uhr (MEZ)"]
    assert "Nächstes Update: 24.11.2026, 13:00 Uhr (MEZ)" in kiel.get_text(" ", strip=True)

    upcoming = soup.select_one('section[aria-labelledby="geplante-wartungen"]')
    assert [a.get_text() for a in upcoming.select("a")] == ["Wartung Kundenportal"]
    assert "25.11.2026, 01:00 bis 03:00 Uhr (MEZ)" in upcoming.get_text()

    history = soup.select_one('section[aria-labelledby="verlauf"]')
    assert [h.get_text() for h in history.select("h3")] == ["November 2026"]
    past = [li.a.get_text() for li in history.select(".history li")]
    assert past == ["Internet-Störung in Hamburg", "Abgesagte Wartung Hamburg",
                    "Wartung Festnetz Kiel"]
    assert "Dauer: 4 Stunden" in history.get_text()


def test_status_page_bars_availability_and_rule(outage_site):
    soup = html(outage_site, "status/index.html")
    hamburg = soup.select_one("#komponente-internet-hamburg")
    bar = hamburg.select_one("svg.uptime-bar")
    assert bar["aria-hidden"] == "true"
    # One mark per run of days in the same state (4 units a day, 1 unit gap).
    marks = [(int(r["x"]), int(r["width"]), r["class"][-1], r.title.get_text())
             for r in bar.select("rect")]
    assert marks == [
        (0, 347, "day-operational", "27.08.2026 bis 21.11.2026: Funktioniert"),
        (348, 3, "day-partial_outage", "22.11.2026: Teilweise gestört"),
        (352, 3, "day-operational", "23.11.2026: Funktioniert"),
        (356, 3, "day-degraded_performance", "24.11.2026: Eingeschränkt"),
    ]
    # The text equivalent is on the page for everyone, not only in the SVG.
    text = hamburg.select_one(".uptime-text").get_text()
    assert text == ("Letzte 90 Tage: an 88 Tagen ohne Einschränkung; "
                    "22.11.2026: Teilweise gestört; 24.11.2026: Eingeschränkt.")
    availability = hamburg.select_one(".availability").get_text(" ", strip=True)
    # 4 h at half weight and 30 min (so far) at a quarter in 30 days:
    # 1 - (2 h + 7.5 min) / 720 h = 99.705 % → 99,70 %
    assert "99,70\u00a0% in 30 Tagen" in availability
    assert "99,90\u00a0% in 90 Tagen" in availability
    rule = soup.select_one(".rule").get_text()
    assert "teilweise Störung zur Hälfte" in rule
    assert "Wartungsarbeiten werden nicht mitgerechnet" in rule
    portal = soup.select_one("#komponente-kundenportal .availability").get_text(" ", strip=True)
    assert "100,00\u00a0% in 30 Tagen" in portal


# -- notice pages -------------------------------------------------------------------


def test_notice_page_timeline_components_and_json_ld(outage_site):
    soup = html(outage_site, "stoerungen/internetstoerung-kiel/index.html")
    assert soup.h1.get_text() == "Internetstörung in Kiel"
    assert soup.select_one(".notice-state").get_text(" ", strip=True) == "! Ursache gefunden"
    facts = soup.select_one("dl.facts").get_text(" ", strip=True)
    assert "Internet Kiel (Internet)" in facts and "Festnetz Kiel (Festnetz)" in facts
    assert "Beginn 24.11.2026, 08:10 Uhr (MEZ)" in facts
    assert "Bisherige Dauer 3 Stunden und 50 Minuten" in facts
    assert [li["id"] for li in soup.select("ol.timeline > li")] == ["update-2", "update-1"]
    assert "Viele Anschlüsse in Kiel sind ohne Internet." in soup.select_one(".prose").get_text()

    data = json.loads(soup.select_one('script[type="application/ld+json"]').string)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "SpecialAnnouncement"
    assert data["name"] == "Internetstörung in Kiel"
    assert data["datePosted"] == "2026-11-24T08:25:00+01:00"
    assert data["text"] == "Ursache gefunden: Ein Kabel ist beschädigt."
    assert data["spatialCoverage"]["name"] == "Kiel"
    assert [s["name"] for s in data["about"]] == ["Internet Kiel", "Festnetz Kiel"]
    assert "expires" not in data  # still open


def test_maintenance_page_shows_window_and_move(outage_site):
    soup = html(outage_site, "stoerungen/wartung-kundenportal/index.html")
    facts = soup.select_one("dl.facts").get_text(" ", strip=True)
    assert "Zeitfenster 25.11.2026, 01:00 bis 03:00 Uhr (MEZ)" in facts
    assert "Ursprünglich geplant: 23.11.2026, 01:00 bis 03:00 Uhr (MEZ)" in facts
    data = json.loads(soup.select_one('script[type="application/ld+json"]').string)
    assert data["expires"] == "2026-11-25T03:00:00+01:00"


def test_notices_are_not_articles(outage_site):
    feed = (outage_site / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert "Internetstörung in Kiel" not in feed
    index = (outage_site / "index.html").read_text(encoding="utf-8")
    assert "Internetstörung in Kiel" not in index.split('id="stoerungsbanner"')[0]
    assert not (outage_site / "artikel" / "internetstoerung-in-kiel").exists()


# -- the banner ------------------------------------------------------------------------


def test_banner_on_every_page_with_alert_role_and_links(outage_site):
    pages = list(outage_site.rglob("index.html"))
    assert len(pages) > 10
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        assert soup.select_one("#stoerungsbanner"), path
    soup = html(outage_site, "artikel/ein-beitrag/index.html")
    banner = soup.select_one("#stoerungsbanner")
    assert banner["role"] == "alert"  # a major incident is open
    assert banner.has_attr("data-pagefind-ignore")
    assert banner["data-summary"] == "../../api/v2/summary.json"
    items = [li.get_text(" ", strip=True) for li in banner.select("li")]
    assert items == [
        "Störung: Internetstörung in Kiel – Ursache gefunden.",
        "Störung: Langsames Internet in Hamburg – Wir untersuchen das Problem.",
        "Geplante Wartungsarbeiten: Wartung Kundenportal – Geplant für 25.11.2026, "
        "01:00 bis 03:00 Uhr (MEZ).",
    ]
    assert banner.select("a")[0]["href"] == "../../stoerungen/internetstoerung-kiel/"
    script = soup.find("script", src="../../theme/js/status-banner.js")
    assert script is not None and script.has_attr("defer")
    assert (outage_site / "theme" / "js" / "status-banner.js").exists()


def test_banner_role_is_status_for_minor_and_maintenance_only(tmp_path):
    from .samples import FRESH, UPCOMING, build_outage_site

    notices = {"stoerungen/a.md": FRESH, "stoerungen/b.md": UPCOMING}
    result, output = build_outage_site(tmp_path, notices)
    assert result.ok, result.report()
    banner = html(output, "artikel/ein-beitrag/index.html").select_one("#stoerungsbanner")
    assert banner["role"] == "status"


def test_no_banner_when_all_is_well(tmp_path):
    from .samples import RESOLVED, build_outage_site

    result, output = build_outage_site(tmp_path, {"stoerungen/a.md": RESOLVED})
    assert result.ok, result.report()
    soup = html(output, "artikel/ein-beitrag/index.html")
    banner = soup.select_one("#stoerungsbanner")
    assert banner is None or (banner.has_attr("hidden") and not banner.select("li"))
    status = html(output, "status/index.html")
    assert status.select_one(".status-overall").get_text(strip=True).endswith(
        "Alle Systeme funktionieren")


# -- /api/v2 ------------------------------------------------------------------------


API_FILES = [
    "summary.json", "status.json", "components.json", "incidents.json",
    "incidents/unresolved.json", "scheduled-maintenances.json",
    "scheduled-maintenances/upcoming.json", "scheduled-maintenances/active.json",
]


@pytest.mark.parametrize("name", API_FILES)
def test_api_documents_match_the_statuspage_schema(outage_site, schema, name):
    validate(schema, name, load_json(outage_site, f"api/v2/{name}"))


def test_schema_rejects_what_statuspage_would_not_send(schema):
    good = {"page": {"id": "x", "name": "X", "url": "https://x.example",
                     "time_zone": "Europe/Berlin", "updated_at": "2026-11-24T12:00:00+01:00"},
            "status": {"indicator": "none", "description": "Alle Systeme funktionieren"}}
    validate(schema, "status.json", good)
    for bad in (
        {**good, "status": {"indicator": "green", "description": "x"}},
        {**good, "page": {**good["page"], "updated_at": "2026-11-24 12:00"}},
        {**good, "extra": 1},
    ):
        with pytest.raises(AssertionError):
            validate(schema, "status.json", bad)


def test_api_content(outage_site):
    summary = load_json(outage_site, "api/v2/summary.json")
    assert summary["status"] == {"indicator": "critical", "description": "Größere Störung"}
    assert summary["page"]["url"] == "https://status.example.org/status/"
    assert summary["page"]["updated_at"] == "2026-11-24T12:00:00+01:00"
    components = {c["id"]: c for c in summary["components"]}
    assert components["internet-kiel"]["status"] == "major_outage"
    assert components["internet-kiel"]["group_id"] == "gruppe-internet"
    assert components["gruppe-internet"]["group"] is True
    assert components["gruppe-internet"]["components"] == ["internet-kiel", "internet-hamburg"]
    assert components["gruppe-internet"]["status"] == "major_outage"
    assert [i["id"] for i in summary["incidents"]] == ["langsames-internet-hamburg",
                                                       "internetstoerung-kiel"]
    kiel = summary["incidents"][1]
    assert (kiel["status"], kiel["impact"]) == ("identified", "major")
    assert kiel["shortlink"] == "https://status.example.org/stoerungen/internetstoerung-kiel/"
    assert kiel["started_at"] == "2026-11-24T08:10:00+01:00"
    assert [u["status"] for u in kiel["incident_updates"]] == ["identified", "investigating"]
    first = kiel["incident_updates"][1]
    assert first["affected_components"][0] == {
        "code": "internet-kiel", "name": "Internet Kiel",
        "old_status": "operational", "new_status": "major_outage"}
    assert kiel["incident_updates"][0]["body"].endswith(
        "Nächstes Update: 24.11.2026, 13:00 Uhr (MEZ)")
    assert [m["id"] for m in summary["scheduled_maintenances"]] == ["wartung-kundenportal"]
    maintenance = summary["scheduled_maintenances"][0]
    assert (maintenance["scheduled_for"], maintenance["scheduled_until"]) == (
        "2026-11-25T01:00:00+01:00", "2026-11-25T03:00:00+01:00")

    incidents = load_json(outage_site, "api/v2/incidents.json")["incidents"]
    resolved = next(i for i in incidents if i["id"] == "internet-stoerung-hamburg")
    assert resolved["status"] == "resolved"
    assert resolved["resolved_at"] == "2026-11-22T14:00:00+01:00"
    assert resolved["monitoring_at"] == "2026-11-22T12:00:00+01:00"
    assert resolved["incident_updates"][0]["affected_components"][0]["new_status"] == "operational"
    assert len(incidents) == 3
    unresolved = load_json(outage_site, "api/v2/incidents/unresolved.json")["incidents"]
    assert len(unresolved) == 2

    listed = load_json(outage_site, "api/v2/scheduled-maintenances.json")
    maintenances = {m["id"]: m for m in listed["scheduled_maintenances"]}
    assert set(maintenances) == {"wartung-kundenportal", "wartung-festnetz-kiel",
                                 "abgesagte-wartung-hamburg"}
    assert maintenances["abgesagte-wartung-hamburg"]["status"] == "completed"
    assert maintenances["abgesagte-wartung-hamburg"]["incident_updates"][0]["body"] == \
        "Der Tausch ist nicht mehr nötig."
    assert maintenances["wartung-festnetz-kiel"]["impact"] == "maintenance"
    upcoming = load_json(outage_site, "api/v2/scheduled-maintenances/upcoming.json")
    assert [m["id"] for m in upcoming["scheduled_maintenances"]] == ["wartung-kundenportal"]
    assert load_json(outage_site, "api/v2/scheduled-maintenances/active.json")[
        "scheduled_maintenances"] == []
    assert load_json(outage_site, "api/v2/status.json")["status"]["indicator"] == "critical"


# -- feeds ------------------------------------------------------------------------------


def test_feeds_have_one_entry_per_update(outage_site):
    atom = feedparser.parse((outage_site / "feeds" / "stoerungen.atom.xml").read_bytes())
    rss = feedparser.parse((outage_site / "feeds" / "stoerungen.rss.xml").read_bytes())
    for feed in (atom, rss):
        assert not feed.bozo, feed.bozo_exception
        assert len(feed.entries) == 2 + 4 + 2 + 3 + 2 + 1
        ids = [e.id for e in feed.entries]
        assert len(set(ids)) == len(ids)
    assert atom.version == "atom10" and rss.version.startswith("rss")
    assert atom.feed.language == "de" or rss.feed.language == "de"
    titles = [e.title for e in atom.entries]
    assert titles[0] == "[Wir untersuchen das Problem] Langsames Internet in Hamburg"
    assert "[Behoben] Internet-Störung in Hamburg" in titles
    assert "[Abgesagt] Abgesagte Wartung Hamburg" in titles
    resolved = next(e for e in atom.entries if e.title == "[Behoben] Internet-Störung in Hamburg")
    assert resolved.id == "tag:status.example.org,2026-11-22:stoerungen/internet-stoerung-hamburg/4"
    assert resolved.updated == "2026-11-22T14:05:00+01:00"
    assert resolved.link == (
        "https://status.example.org/stoerungen/internet-stoerung-hamburg/#update-4")
    assert "Alles läuft wieder." in resolved.content[0].value
    # Newest first.
    times = [e.updated_parsed for e in atom.entries]
    assert times == sorted(times, reverse=True)


def test_component_feeds_hold_only_their_notices(outage_site):
    feed = feedparser.parse((outage_site / "feeds" / "stoerungen" / "internet-hamburg.atom.xml")
                            .read_bytes())
    assert not feed.bozo
    names = {e.title.split("] ", 1)[1] for e in feed.entries}
    assert names == {"Internet-Störung in Hamburg", "Abgesagte Wartung Hamburg",
                     "Langsames Internet in Hamburg"}
    empty = feedparser.parse((outage_site / "feeds" / "stoerungen" / "kundenportal.rss.xml")
                             .read_bytes())
    assert [e.title for e in empty.entries] == ["[Geplant] Wartung Kundenportal"] * 2


# -- iCalendar -----------------------------------------------------------------------------


def test_calendar_of_maintenance_windows(outage_site):
    calendar = icalendar.Calendar.from_ical((outage_site / "status" / "wartungen.ics").read_bytes())
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"wartung-festnetz-kiel@status.example.org",
                           "wartung-kundenportal@status.example.org",
                           "abgesagte-wartung-hamburg@status.example.org"}
    upcoming = events["wartung-kundenportal@status.example.org"]
    assert upcoming["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert upcoming.decoded("DTSTART") == dt.datetime(2026, 11, 25, 1, 0, tzinfo=BERLIN)
    assert upcoming.decoded("DTEND") == dt.datetime(2026, 11, 25, 3, 0, tzinfo=BERLIN)
    assert int(upcoming["SEQUENCE"]) == 1  # moved once
    assert str(upcoming["STATUS"]) == "CONFIRMED"
    assert str(upcoming["SUMMARY"]) == "Wartungsarbeiten: Wartung Kundenportal"
    cancelled = events["abgesagte-wartung-hamburg@status.example.org"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) == 1
    done = events["wartung-festnetz-kiel@status.example.org"]
    assert int(done["SEQUENCE"]) == 0
    timezones = calendar.walk("VTIMEZONE")
    assert [str(t["TZID"]) for t in timezones] == ["Europe/Berlin"]
    assert {c.name for c in timezones[0].subcomponents} == {"STANDARD", "DAYLIGHT"}
    raw = (outage_site / "status" / "wartungen.ics").read_bytes()
    assert b"DTSTART;TZID=Europe/Berlin:20261125T010000" in raw
    assert raw.index(b"BEGIN:VTIMEZONE") < raw.index(b"BEGIN:VEVENT")


# -- CAP ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cap_schema():
    return xml_schema("CAP-v1.2.xsd")  # the OASIS schema (tests/data/schemas)


def cap(output, slug):
    return etree.parse(str(output / "status" / "cap" / f"{slug}.xml")).getroot()


def text(root, path):
    return root.findtext(path.replace("cap:", CAP))


SLUGS = ["internetstoerung-kiel", "internet-stoerung-hamburg", "wartung-kundenportal",
         "wartung-festnetz-kiel", "abgesagte-wartung-hamburg", "langsames-internet-hamburg"]


@pytest.mark.parametrize("slug", SLUGS)
def test_cap_files_are_valid_cap_1_2(outage_site, cap_schema, slug):
    root = cap(outage_site, slug)
    assert cap_schema.validate(root.getroottree()), cap_schema.error_log
    assert root.tag == f"{CAP}alert"
    for required in ("identifier", "sender", "sent", "status", "msgType", "scope"):
        assert text(root, f"cap:{required}"), required
    info = root.find(f"{CAP}info")
    for required in ("category", "event", "urgency", "severity", "certainty"):
        assert info.findtext(f"{CAP}{required}"), required
    assert info.findtext(f"{CAP}language") == "de-DE"
    assert info.findtext(f"{CAP}category") == "Infra"
    assert info.find(f"{CAP}area").findtext(f"{CAP}areaDesc")
    assert len(root.findall(f"{CAP}info")) == 1


def test_cap_message_types_and_reference_chain(outage_site):
    fresh = cap(outage_site, "langsames-internet-hamburg")
    assert text(fresh, "cap:msgType") == "Alert"
    assert fresh.find(f"{CAP}references") is None
    assert text(fresh, "cap:info/cap:urgency") == "Immediate"
    assert text(fresh, "cap:info/cap:severity") == "Minor"
    assert text(fresh, "cap:info/cap:certainty") == "Observed"

    kiel = cap(outage_site, "internetstoerung-kiel")
    assert text(kiel, "cap:msgType") == "Update"
    assert text(kiel, "cap:identifier") == "status.example.org.stoerung.internetstoerung-kiel-2"
    assert text(kiel, "cap:sender") == "stoerungen@status.example.org"
    assert text(kiel, "cap:sent") == "2026-11-24T09:40:00+01:00"
    assert text(kiel, "cap:references") == (
        "stoerungen@status.example.org,status.example.org.stoerung.internetstoerung-kiel-1,"
        "2026-11-24T08:25:00+01:00")
    assert text(kiel, "cap:info/cap:severity") == "Moderate"
    assert text(kiel, "cap:info/cap:expires") == "2026-11-24T13:00:00+01:00"
    assert text(kiel, "cap:info/cap:headline") == "[Ursache gefunden] Internetstörung in Kiel"
    assert text(kiel, "cap:info/cap:area/cap:areaDesc") == "Kiel"

    resolved = cap(outage_site, "internet-stoerung-hamburg")
    assert text(resolved, "cap:msgType") == "Update"
    assert len(text(resolved, "cap:references").split()) == 3
    assert text(resolved, "cap:info/cap:urgency") == "Past"
    assert text(resolved, "cap:info/cap:responseType") == "AllClear"

    cancelled = cap(outage_site, "abgesagte-wartung-hamburg")
    assert text(cancelled, "cap:msgType") == "Cancel"
    assert len(text(cancelled, "cap:references").split()) == 1

    upcoming = cap(outage_site, "wartung-kundenportal")
    assert text(upcoming, "cap:info/cap:urgency") == "Future"
    assert text(upcoming, "cap:info/cap:certainty") == "Likely"
    assert text(upcoming, "cap:info/cap:onset") == "2026-11-25T01:00:00+01:00"
    assert text(upcoming, "cap:info/cap:event") == "Wartungsarbeiten"


# -- badges -------------------------------------------------------------------------------


def test_badges_for_components_and_overall(outage_site):
    overall = load_json(outage_site, "status/badges/gesamt.json")
    assert overall == {"schemaVersion": 1, "label": "Status", "message": "Größere Störung",
                       "color": "c5221f", "labelColor": "4a5260", "cacheSeconds": 300}
    kiel = load_json(outage_site, "status/badges/internet-kiel.json")
    assert (kiel["label"], kiel["message"]) == ("Internet Kiel", "Ausgefallen")
    svg = etree.parse(str(outage_site / "status" / "badges" / "internet-kiel.svg")).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.get("role") == "img" and svg.get("aria-label") == "Internet Kiel: Ausgefallen"
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["Internet Kiel", "Ausgefallen"]
    portal = load_json(outage_site, "status/badges/kundenportal.json")
    assert (portal["message"], portal["color"]) == ("Funktioniert", "1a7f37")


def _luminance(hex_colour):
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_badge_and_status_colours_meet_wcag_aa():
    import re

    from outages.badges import COLOURS, LABEL_COLOUR

    for colour in list(COLOURS.values()) + [LABEL_COLOUR]:
        assert contrast(colour, "ffffff") >= 4.5, colour
    css = open(os.path.join(os.path.dirname(__file__), "..", "..", "theme", "static", "css",
                            "status.css"), encoding="utf-8").read()
    light, dark = css.split("@media (prefers-color-scheme: dark)")[0], css.split(
        "@media (prefers-color-scheme: dark)")[1].split("}")[0]
    for block, backgrounds in ((light, ["ffffff", "f6f8fa"]), (dark, ["14171c", "1e232b"])):
        for name in ("ok", "degraded", "partial", "major", "maint"):
            colour = re.search(rf"--st-{name}: #([0-9a-f]{{6}})", block).group(1)
            for background in backgrounds:
                assert contrast(colour, background) >= 4.5, (name, colour, background)
