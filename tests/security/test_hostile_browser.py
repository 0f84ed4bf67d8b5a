"""The hostile site in Chromium: no page opens a dialog (every payload calls
alert), the banner script redraws hostile titles as text, and what readers
type into the search and the FAQ filter stays text as well.

The `page` fixture (tests/support/browser.py) also fails a test on any
Content-Security-Policy violation and on any request to another host."""

import datetime as dt

import pytest

from tests.support.server import serve_directory
from tests.support.sites import FIXED_NOW

from . import hostile as h

pytestmark = pytest.mark.browser

KEY_PAGES = [
    "/", "/artikel/angriff-script/", "/artikel/angriff-img/", "/artikel/angriff-comment/",
    "/status/", "/faq/", "/faq/frage-script/", "/faq/frage-img/",
    "/stoerungen/stoerung-script/", "/stoerungen/stoerung-img/", "/stoerungen/wartung-quote/",
]
OUTAGE_TITLES = {h.incident_title(k) for k in h.PAYLOADS} | {h.maintenance_title(k) for k in h.PAYLOADS}
HOSTILE_QUERY = '"><img src=x onerror=alert(1)><script>alert(2)</script>'


@pytest.fixture(scope="module")
def served(hostile_dev):
    with serve_directory(hostile_dev) as url:
        yield url


def watch_dialogs(page):
    """Every alert/confirm/prompt the page opens (and dismisses)."""
    opened = []

    def on_dialog(dialog):
        opened.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return opened


def open_with_banner(page, url):
    """Open a page at the build's "now" (the script follows the clock) and
    wait until the banner script has applied summary.json."""
    page.clock.install(time=dt.datetime.fromisoformat(FIXED_NOW))
    with page.expect_response(lambda r: r.url.endswith("/api/v2/summary.json")):
        page.goto(url)
    page.wait_for_function("document.readyState === 'complete'")
    page.wait_for_timeout(100)  # let the script apply the response


def banner_links(page):
    texts = page.locator("#stoerungsbanner li a").all_text_contents()
    return {" ".join(t.split()) for t in texts}


def injected_count(page, scope):
    return page.locator(f"{scope} img, {scope} script, {scope} [onerror]").count()


@pytest.mark.parametrize("path", KEY_PAGES)
def test_key_page_runs_no_payload(page, served, path):
    dialogs = watch_dialogs(page)
    open_with_banner(page, served + path)
    assert dialogs == []
    assert banner_links(page) == OUTAGE_TITLES
    assert injected_count(page, "main") == 0


def test_banner_script_redraws_hostile_titles_as_text(page, served):
    """A page built before the outage (other signature) is redrawn by the
    script from /api/v2/summary.json: with textContent, so titles stay text."""

    def stale_signature(route):
        response = route.fetch()
        body = response.text().replace('data-signature="', 'data-signature="veraltet ', 1)
        route.fulfill(response=response, body=body)

    dialogs = watch_dialogs(page)
    page.route(served + "/artikel/angriff-template/", stale_signature)
    open_with_banner(page, served + "/artikel/angriff-template/")
    signature = page.locator("#stoerungsbanner").get_attribute("data-signature")
    assert not signature.startswith("veraltet")  # the script did redraw the banner
    assert banner_links(page) == OUTAGE_TITLES
    assert injected_count(page, "#stoerungsbanner") == 0
    assert dialogs == []


def test_search_shows_hostile_titles_and_queries_as_text(page, served):
    dialogs = watch_dialogs(page)
    page.goto(served + "/suche/?q=Rechnung")
    page.locator("[data-search-status]").filter(has_text="Treffer").wait_for()
    titles = {" ".join(t.split()) for t in page.locator(".search-result-title a").all_text_contents()}
    assert h.article_title("template") in titles
    page.goto(served + "/suche/?q=Störung&typ=Artikel")
    page.locator("[data-search-status]").filter(has_text="Treffer").wait_for()
    titles = {" ".join(t.split()) for t in page.locator(".search-result-title a").all_text_contents()}
    assert h.article_title("script") in titles
    page.goto(served + "/suche/?q=Flatrate")
    page.locator("[data-search-status]").filter(has_text="Treffer").wait_for()
    titles = {" ".join(t.split()) for t in page.locator(".search-result-title a").all_text_contents()}
    assert h.article_title("quote") in titles
    page.locator("#suche-eingabe").fill(HOSTILE_QUERY)
    # The status repeats the query: "… Treffer für „<query>“."
    page.locator("[data-search-status]").filter(has_text=HOSTILE_QUERY).wait_for()
    assert injected_count(page, "main") == 0
    assert dialogs == []


def test_faq_filter_shows_a_hostile_query_as_text(page, served):
    dialogs = watch_dialogs(page)
    page.goto(served + "/faq/")
    page.locator("#faq-filter-eingabe").fill(HOSTILE_QUERY)
    status = page.locator(".faq-filter-status")
    status.filter(has_text="Keine Frage").wait_for()
    assert HOSTILE_QUERY in status.text_content()
    assert injected_count(page, "main") == 0
    assert dialogs == []
