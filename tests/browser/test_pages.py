"""End to end in headless Chromium: the main page types are accessible (axe-core,
WCAG 2.1 A/AA, light and dark) and never request anything from another host."""

import pytest

from tests.support.browser import axe_violations

pytestmark = pytest.mark.browser


def _first(sample_site, pattern):
    found = sorted(sample_site.glob(pattern))
    assert found, pattern
    return "/" + found[0].parent.relative_to(sample_site).as_posix() + "/"


@pytest.fixture(scope="module")
def main_pages(sample_site):
    return {
        "home": "/",
        "article": _first(sample_site, "artikel/*/index.html"),
        "archive": "/archiv/",
        "tag": _first(sample_site, "themen/*/index.html"),
        "category": _first(sample_site, "kategorie/*/index.html"),
        "page two": "/seite/2/",
        "static page": "/impressum/",
        "topics": "/themen/",
        "authors": "/autoren/",
        "author": _first(sample_site, "autoren/*/index.html"),
        "month archive": _first(sample_site, "archiv/20*/[01][0-9]/index.html"),
        "topic report": "/themen/bericht/",
        "status": "/status/",
        "notice": _first(sample_site, "stoerungen/*/index.html"),
    }


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", ["home", "article", "archive", "tag", "category", "page two", "static page",
                                  "topics", "authors", "author", "month archive", "topic report",
                                  "status", "notice"])
def test_page_has_no_accessibility_violations(page, site_url, main_pages, name, scheme):
    page.emulate_media(color_scheme=scheme)
    response = page.goto(site_url + main_pages[name])
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "de"
    assert axe_violations(page) == []


def test_skip_link_moves_focus_to_main_content(page, site_url, main_pages):
    page.goto(site_url + main_pages["article"])
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Zum Inhalt springen"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhalt"


def test_pages_work_without_javascript(browser, site_url, main_pages):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "/")
        assert page.locator("main h1").is_visible()
        links = page.locator("main .card h2 a")
        assert links.count() >= 5
        links.first.click()
        assert page.locator("main article h1").is_visible()
    finally:
        context.close()


def test_layout_fits_a_small_phone(page, site_url, main_pages):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(site_url + main_pages["article"])
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
