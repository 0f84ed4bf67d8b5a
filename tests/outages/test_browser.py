"""The banner script and the accessibility of /status/ and a notice page, in
headless Chromium (fixtures `browser` and `page` from tests/support/browser.py;
`page` fails the test on any request to a host other than 127.0.0.1)."""

import datetime as dt
import json
import shutil

import pytest

from tests.support.browser import axe_violations
from tests.support.server import serve_directory

from .samples import ACTIVE, RESOLVED, UPCOMING, build_outage_site

pytestmark = pytest.mark.browser

ARTICLE = "/artikel/ein-beitrag/"


def _built(tmp_path, notices, **overrides):
    result, output = build_outage_site(tmp_path, notices, overrides=overrides or None)
    assert result.ok, result.report()
    return output


@pytest.fixture(scope="module")
def active_site(tmp_path_factory):
    return _built(tmp_path_factory.mktemp("active"), {"stoerungen/kiel.md": ACTIVE})


@pytest.fixture(scope="module")
def served_outages(outage_site):
    with serve_directory(outage_site) as url:
        yield url


def banner_texts(page):
    return [t.strip() for t in page.locator("#stoerungsbanner li").all_inner_texts()]


def load(page, url):
    """Open a page and wait until the banner script has read summary.json."""
    with page.expect_response(lambda r: r.url.endswith("/api/v2/summary.json")) as response:
        page.goto(url)
    page.wait_for_function("document.readyState === 'complete'")
    page.wait_for_timeout(100)  # let the script apply the response
    return response.value


def test_banner_disappears_once_summary_json_says_resolved(page, tmp_path, active_site):
    site = tmp_path / "site"
    shutil.copytree(active_site, site)
    with serve_directory(site) as url:
        response = load(page, url + ARTICLE)
        headers = response.request.all_headers()
        assert headers.get("cache-control") == "no-cache"  # fetch(..., {cache: "no-store"})
        banner = page.locator("#stoerungsbanner")
        assert banner.is_visible()
        assert banner.get_attribute("role") == "alert"
        assert banner_texts(page) == ["Störung: Internetstörung in Kiel – Ursache gefunden."]

        # The incident is resolved and only the JSON is republished (outage-publish).
        summary_path = site / "api" / "v2" / "summary.json"
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        summary["incidents"] = []
        for component in summary["components"]:
            component["status"] = "operational"
        summary["status"] = {"indicator": "none", "description": "Alle Systeme funktionieren"}
        summary_path.write_text(json.dumps(summary), encoding="utf-8")

        load(page, url + ARTICLE)
        assert page.locator("#stoerungsbanner").is_hidden()
        assert page.locator("#stoerungsbanner").get_attribute("role") is None
        assert banner_texts(page) == []
        # The built page still carries the old banner: only the script removed it.
        built = (site / "artikel" / "ein-beitrag" / "index.html").read_text()
        assert "Internetstörung in Kiel" in built


def test_banner_appears_on_a_page_built_before_the_outage(page, tmp_path, active_site):
    quiet = _built(tmp_path / "quiet", {"stoerungen/kiel.md": RESOLVED})
    shutil.copy(active_site / "api" / "v2" / "summary.json", quiet / "api" / "v2" / "summary.json")
    with serve_directory(quiet) as url:
        load(page, url + ARTICLE)
        banner = page.locator("#stoerungsbanner")
        assert banner.is_visible()
        assert banner.get_attribute("role") == "alert"
        # The script writes exactly what the build writes.
        assert banner_texts(page) == ["Störung: Internetstörung in Kiel – Ursache gefunden."]
        link = page.locator("#stoerungsbanner a").first
        assert link.get_attribute("href") == "../../stoerungen/internetstoerung-kiel/"


def test_maintenance_banner_follows_the_clock_without_a_rebuild(browser, tmp_path):
    site = _built(tmp_path, {"stoerungen/portal.md": UPCOMING},
                  SITE_NOW="2026-11-24T20:00:00+01:00")
    with serve_directory(site) as url:
        for now, expected in [
            # As built: upcoming within 24 hours.
            ("2026-11-24T20:00:00+01:00", ["Geplante Wartungsarbeiten: Wartung Kundenportal – "
                                           "Geplant für 25.11.2026, 01:00 bis 03:00 Uhr (MEZ)."]),
            # The window has begun: the script says so although nobody rebuilt.
            ("2026-11-25T01:30:00+01:00", ["Wartungsarbeiten: Wartung Kundenportal – Läuft, "
                                           "voraussichtlich bis 25.11.2026, 03:00 Uhr (MEZ)."]),
            # The window is over: the banner disappears.
            ("2026-11-25T03:30:00+01:00", []),
        ]:
            context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
            try:
                page = context.new_page()
                page.clock.install(time=dt.datetime.fromisoformat(now))
                load(page, url + ARTICLE)
                assert banner_texts(page) == expected, now
                assert page.locator("#stoerungsbanner").is_visible() == bool(expected)
            finally:
                context.close()


def test_built_banner_stays_without_javascript(browser, active_site):
    context = browser.new_context(java_script_enabled=False)
    try:
        with serve_directory(active_site) as url:
            page = context.new_page()
            page.goto(url + ARTICLE)
            assert page.locator("#stoerungsbanner").is_visible()
            assert banner_texts(page) == [
                "Störung: Internetstörung in Kiel – Ursache gefunden."]
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/status/", "/stoerungen/internetstoerung-kiel/",
                                  "/stoerungen/wartung-kundenportal/", ARTICLE])
def test_outage_pages_have_no_accessibility_violations(page, served_outages, path, scheme):
    page.emulate_media(color_scheme=scheme)
    response = page.goto(served_outages + path)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []


def test_status_page_is_usable_at_phone_width(page, served_outages):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(served_outages + "/status/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert page.locator(".status-overall").is_visible()
