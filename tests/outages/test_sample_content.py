"""The project's own sample notices in the built site: components, banner, status API,
feeds, calendar, CAP and badges."""

import json

import feedparser
import icalendar
import pytest
from bs4 import BeautifulSoup

from tests.support.sites import build_sample_site

from .samples import with_outages
from .test_build import API_FILES, DATA, validate


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    output = tmp_path_factory.mktemp("sample-outages") / "output"
    # SITEURL as in production: absolute links in feeds, CAP and the API.
    result = build_sample_site(output, with_outages({"SITEURL": "https://service.example.org",
                                                     "SITE_NOW": "2026-11-24T12:00:00+01:00"}))
    assert result.ok, result.report()
    return output


@pytest.fixture(scope="module")
def schema():
    with open(f"{DATA}/statuspage-v2.schema.json", encoding="utf-8") as handle:
        return json.load(handle)


def test_sample_components_and_notices(sample):
    soup = BeautifulSoup((sample / "status" / "index.html").read_text(), "html.parser")
    components = soup.select("li.component")
    assert len(components) >= 6
    groups = [h.get_text() for h in soup.select("h3.component-group")]
    assert groups == ["Festnetz", "Mobilfunk", "Internet", "Kundenportal", "Hotline"]
    assert soup.select_one(".status-overall").get_text(strip=True).endswith(
        "Teilweise Störung")
    active = soup.select_one('section[aria-labelledby="aktuelle-stoerungen"]')
    assert [a.get_text() for a in active.select(".notice-card-title a")] == [
        "Längere Wartezeiten an der Service-Hotline"]
    history = [a.get_text() for a in soup.select(".history a")]
    assert history == ["Wartungsarbeiten am Internet in Flensburg", "Internetstörung in Kiel",
                       "Wartungsarbeiten am Kundenportal"]
    upcoming = soup.select_one('section[aria-labelledby="geplante-wartungen"]')
    assert [a.get_text() for a in upcoming.select(".notice-card-title a")] == [
        "Netzumbau Mobilfunk in Hamburg-Altona", "Wartungsarbeiten am Festnetz in Lübeck"]
    incident = BeautifulSoup(
        (sample / "stoerungen" / "internetstoerung-kiel-2026-11-18" / "index.html").read_text(),
        "html.parser")
    statuses = [h.contents[0].strip() for h in incident.select(".update-heading")]
    assert statuses == ["Behoben", "Wird beobachtet", "Ursache gefunden",
                        "Wir untersuchen das Problem"]


def test_sample_banner_shows_the_open_incident_and_the_maintenance_of_the_coming_night(sample):
    soup = BeautifulSoup((sample / "index.html").read_text(), "html.parser")
    banner = soup.select_one("#stoerungsbanner")
    assert banner["role"] == "status"  # a minor incident: no alert
    assert [li.get_text(" ", strip=True) for li in banner.select("li")] == [
        "Störung: Längere Wartezeiten an der Service-Hotline – Ursache gefunden.",
        "Geplante Wartungsarbeiten: Netzumbau Mobilfunk in Hamburg-Altona – "
        "Geplant für 25.11.2026, 01:00 bis 05:00 Uhr (MEZ)."]


@pytest.mark.parametrize("name", API_FILES)
def test_sample_api(sample, schema, name):
    validate(schema, name, json.loads((sample / "api" / "v2" / name).read_text()))


def test_sample_feeds_calendar_cap_and_badges(sample):
    feed = feedparser.parse((sample / "feeds" / "stoerungen.atom.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) == 4 + 3 + 2 + 2 + 1 + 2
    assert "[Behoben] Internetstörung in Kiel" in [e.title for e in feed.entries]
    assert (sample / "feeds" / "stoerungen" / "internet-kiel.rss.xml").exists()

    calendar = icalendar.Calendar.from_ical((sample / "status" / "wartungen.ics").read_bytes())
    sequences = {str(e["SUMMARY"]): int(e["SEQUENCE"]) for e in calendar.walk("VEVENT")}
    assert sequences == {"Wartungsarbeiten: Netzumbau Mobilfunk in Hamburg-Altona": 1,
                         "Wartungsarbeiten: Wartungsarbeiten am Kundenportal": 0,
                         "Wartungsarbeiten: Wartungsarbeiten am Festnetz in Lübeck": 0,
                         "Wartungsarbeiten: Wartungsarbeiten am Internet in Flensburg": 1}

    caps = sorted((sample / "status" / "cap").glob("*.xml"))
    assert len(caps) == 6  # the XSD check is in tests/site/test_standards.py

    badge = json.loads((sample / "status" / "badges" / "gesamt.json").read_text())
    assert badge["message"] == "Teilweise Störung"
    assert (sample / "status" / "badges" / "internet-kiel.svg").exists()
