"""Fixtures of the social tests: a small built site, the fake servers, a config.
Tests marked `forks` run where kit.child may fork (tests/support/forking.py)."""

import base64
import os

import pytest

from social.commands import Config
from tests.support.forking import pytest_pyfunc_call  # noqa: F401 - marker `forks`
from tests.support.sites import ROOT, build_fixture_site

from .fakes import FakeMastodon, FakePDS, FakeSite

FIXTURE_PLUGINS = os.path.join(os.path.dirname(__file__), "fixture_plugins")
# The smallest valid PNG (1×1, transparent): the article image for link cards.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

ARTICLES = {
    "bilder/team.png": PNG,
    "artikel/vertrauen.md": """
        Title: Vertrauen entsteht im Kleinen
        Date: 2026-11-20 09:00
        Category: Kundendialog
        Tags: Vertrauen, Social Media, E-Mail-Support, Störung
        Summary: Vertrauen entsteht nicht durch Kampagnen, sondern z. B. durch schnelle Antworten. Wir zeigen, wie das im Alltag aussieht.
        Image: {static}/bilder/team.png
        Image-Alt: Das Serviceteam an seinen Schreibtischen

        Lange Einleitung, die nicht im Beitrag landet, weil es eine Zusammenfassung gibt.
        """,
    "artikel/netzausfall.md": """
        Title: Der Netzausfall am 3. Oktober
        Date: 2026-11-21 10:30
        Category: Störungen
        Tags: Störung, Transparenz

        Am 3. Oktober fiel bei ca. 1.500 Kundinnen und Kunden das Netz aus, z. B. in Kiel und Nr. 5 der Ringstraße. Die 2. Stufe unseres Notfallplans griff nach zehn Minuten. Danach ging alles schnell.

        Ein zweiter Absatz, der nie im Beitrag landet.
        """,
    "artikel/eigener-text.md": """
        Title: Unser Team zwischen den Jahren
        Date: 2026-11-22 08:00
        Category: Team
        Tags: Team
        Social: Zwischen den Jahren sind wir für Sie da 👩‍👩‍👧 – auch an Feiertagen. Öffnungszeiten und Kontaktwege im Überblick.
        Social-Bluesky: Zwischen den Jahren für Sie da 👩‍👩‍👧 – die Öffnungszeiten.

        Der Text des Artikels.
        """,
    "artikel/ohne-social.md": """
        Title: Ein Beitrag ohne Social Media
        Date: 2026-11-19 08:00
        Category: Team
        Social: off

        Dieser Artikel wird nicht geteilt.
        """,
    "artikel/entwurf.md": """
        Title: Ein Entwurf
        Date: 2026-11-18 08:00
        Category: Team
        Status: draft

        Noch nicht fertig.
        """,
    "artikel/versteckt.md": """
        Title: Ein versteckter Artikel
        Date: 2026-11-18 09:00
        Category: Team
        Status: hidden

        Nur über den Link erreichbar.
        """,
    "artikel/zukunft.md": """
        Title: Ein Artikel von morgen
        Date: 2026-11-25 08:00
        Category: Team

        Erscheint erst morgen.
        """,
    "seiten/impressum.md": """
        Title: Impressum

        Angaben gemäß § 5 TMG.
        """,
}

NOTICES = [
    {
        "slug": "internet-kiel",
        "title": "Internetstörung in Kiel",
        "kind": "incident",
        "components": ["Internet Kiel", "Festnetz Kiel", "Glasfaser Gaarden", "DSL Wellingdorf"],
        "tags": ["Störung", "Kiel"],
        "updates": [
            {
                "time": "2026-11-24T07:42:00+01:00",
                "status": "investigating",
                "label": "Wir untersuchen das Problem",
                "text": "Seit etwa 7:15 Uhr fehlen in Kiel Internetverbindungen. Wir prüfen die Technik.",
                "next_update": "2026-11-24T08:30:00+01:00",
            },
            {
                "time": "2026-11-24T08:28:00+01:00",
                "status": "identified",
                "label": "Ursache gefunden",
                "text": "Bei Tiefbauarbeiten wurde ein Glasfaserkabel beschädigt. Der Bautrupp ist vor Ort.",
            },
            {
                "time": "2026-11-24T11:20:00+01:00",
                "status": "resolved",
                "label": "Behoben",
                "text": "Seit 11:05 Uhr funktioniert alles wieder.",
            },
            {
                "time": "2026-11-24T15:00:00+01:00",
                "status": "resolved",
                "label": "Behoben",
                "text": "Ein Update aus der Zukunft, das noch nicht erscheinen darf.",
            },
        ],
    },
]


def social_settings(**extra):
    """Only the plugins this feature needs (deterministic tags: no topics);
    fake_outages stands in for the outages plugin, by the contract."""
    values = {
        "PLUGIN_PATHS": [os.path.join(ROOT, "plugins"), FIXTURE_PLUGINS],
        "PLUGINS": ["german", "editorial", "social", "fake_outages"],
        "SITEURL": "https://example.org",
        "FEED_DOMAIN": "https://example.org",
        "RELATIVE_URLS": False,
        "FAKE_OUTAGE_NOTICES": NOTICES,
        "ARTICLE_PATHS": ["artikel"],
        "PAGE_PATHS": ["seiten"],
        "STATIC_PATHS": ["bilder"],
    }
    values.update(extra)
    return values


def build_site(tmp_path, files=None, strict=False, **extra):
    return build_fixture_site(tmp_path, files or ARTICLES, social_settings(**extra), strict=strict)


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    """The fixture site built with SITEURL pointing at a local "live" server."""
    tmp = tmp_path_factory.mktemp("social-site")
    site = FakeSite(str(tmp / "output")).start()
    try:
        result, output = build_site(tmp, SITEURL=site.url, FEED_DOMAIN=site.url)
        assert result.ok, result.report()
        yield site, output
    finally:
        site.stop()


@pytest.fixture
def site(live_site):
    site, _ = live_site
    site.not_live.clear()
    site.pages.clear()
    site.requests.clear()
    site.charset = True
    return site


@pytest.fixture
def mastodon():
    server = FakeMastodon().start()
    yield server
    server.stop()


@pytest.fixture
def bluesky():
    server = FakePDS().start()
    yield server
    server.stop()


@pytest.fixture
def env(mastodon, bluesky):
    return {
        "MASTODON_API_BASE_URL": mastodon.url,
        "MASTODON_ACCESS_TOKEN": mastodon.token,
        "BLUESKY_BASE_URL": bluesky.url,
        "BLUESKY_HANDLE": bluesky.handle,
        "BLUESKY_APP_PASSWORD": bluesky.password,
    }


@pytest.fixture
def config(live_site, tmp_path):
    _, output = live_site
    return Config(
        output_path=str(output),
        queue_path=str(output / "social" / "queue.json"),
        ledger_path=str(tmp_path / "ledger" / "social-ledger.json"),
        timeout=0.5,
        retries=4,
        backoff=0.01,
        backoff_max=0.05,
        max_wait=5.0,
        max_age_days=None,
    )
