"""/suche/ in headless Chromium against the served sample site: German spellings,
compounds, filters, paging, no JavaScript, accessibility. The `page` fixture fails
any test whose page requests something from a host other than 127.0.0.1."""

import re

import pytest
from playwright.sync_api import expect

from tests.search.sites import index_fragments
from tests.support.browser import axe_violations
from tests.support.html import nu_html_errors

pytestmark = pytest.mark.browser

OUTAGE_ARTICLES = {
    "/artikel/warum-wir-stoerungen-oeffentlich-machen/",
    "/artikel/stoerungskommunikation-in-vier-stufen/",
}


def search_for(page, base, term):
    """Type `term` into the search page like a person and wait for the result count."""
    page.goto(base + "/suche/")
    box = page.locator("#suche-eingabe")
    expect(box).to_be_visible()
    box.press_sequentially(term, delay=20)
    status = re.compile(rf"(\d+ Treffer|Keine Treffer) für „{re.escape(term)}“")
    expect(page.locator("[data-search-status]")).to_have_text(status)


def result_links(page):
    return page.locator(".search-result-title a").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)"
    )


def show_all(page):
    more = page.locator("[data-search-more]")
    while more.is_visible():
        count = page.locator(".search-result").count()
        more.click()
        expect(page.locator(".search-result")).not_to_have_count(count)


@pytest.mark.parametrize("term", ["Störung", "Stoerung", "Storung"])
def test_every_spelling_of_stoerung_finds_the_outage_texts(page, full_site_url, term):
    search_for(page, full_site_url, term)
    links = result_links(page)
    assert OUTAGE_ARTICLES <= set(links)
    assert "/faq/wie-melde-ich-eine-stoerung/" in links
    first = page.locator(".search-result").first
    expect(first.locator("mark").first).to_contain_text(re.compile("Störung", re.I))
    expect(first.locator(".search-result-meta")).to_contain_text(re.compile(r"\d{4}"))


def test_vertrauen_finds_the_page_that_only_says_kundenvertrauen(page, full_site, full_site_url):
    url = "/artikel/was-kundenvertrauen-wirklich-ausmacht/"
    indexed = index_fragments(full_site)[url]["content"]
    words = set(re.findall(r"\w+", indexed))
    assert "Kundenvertrauen" in words and "Vertrauen" not in words  # the precondition

    search_for(page, full_site_url, "Vertrauen")
    show_all(page)
    assert url in result_links(page)
    item = page.locator(".search-result", has=page.locator(f"a[href$='{url}']"))
    excerpt = item.locator(".search-result-excerpt")
    expect(excerpt.locator("mark").first).to_have_text(re.compile(r"^Kundenvertrauen\W*$"))
    # The hidden compound parts never show up in what people read.
    assert "Kunden Vertrauen" not in excerpt.inner_text()


def test_netz_finds_a_page_that_says_netzausfall(page, full_site, full_site_url):
    url = "/artikel/der-netzausfall-vom-3-oktober-eine-rueckschau/"
    assert "Netzausfall" in index_fragments(full_site)[url]["content"]
    search_for(page, full_site_url, "Netz")
    show_all(page)
    assert url in result_links(page)


def test_type_filter_narrows_the_results_and_is_kept_in_the_address(page, full_site_url):
    search_for(page, full_site_url, "Störung")
    everything = int(page.locator("[data-search-status]").inner_text().split()[0])
    page.select_option("#filter-typ", "FAQ")
    status = page.locator("[data-search-status]")
    expect(status).to_contain_text("(Typ: FAQ)")
    narrowed = int(status.inner_text().split()[0])
    assert 0 < narrowed < everything
    show_all(page)
    badges = page.locator(".search-result-type").all_inner_texts()
    assert badges and set(badges) == {"FAQ"}
    assert "typ=FAQ" in page.url and "q=St%C3%B6rung" in page.url


def test_type_filter_offers_articles_faq_and_outage_notices(page, full_site_url):
    page.goto(full_site_url + "/suche/")
    expect(page.locator("[data-search-form]")).to_be_visible()  # shown once the filters are filled
    options = page.locator("#filter-typ option").all_inner_texts()
    assert [o.split(" (")[0] for o in options] == ["Alle Typen", "Artikel", "FAQ", "Störungsmeldung"]
    page.locator("#suche-eingabe").fill("Kiel")
    page.select_option("#filter-typ", "Störungsmeldung")
    expect(page.locator("[data-search-status]")).to_contain_text("(Typ: Störungsmeldung)")
    assert "/stoerungen/internetstoerung-kiel-2026-11-18/" in result_links(page)
    assert set(page.locator(".search-result-type").all_inner_texts()) == {"Störungsmeldung"}


def test_query_and_filters_come_from_the_address(page, full_site_url):
    page.goto(full_site_url + "/suche/?q=Rechnung&typ=FAQ")
    expect(page.locator("[data-search-status]")).to_have_text(re.compile(r"\d+ Treffer für „Rechnung“ \(Typ: FAQ\)"))
    expect(page.locator("#suche-eingabe")).to_have_value("Rechnung")
    expect(page.locator("#filter-typ")).to_have_value("FAQ")


def test_header_search_box_leads_to_results(page, full_site_url):
    page.goto(full_site_url + "/")
    page.locator("#kopf-suche").fill("Passwort")
    page.locator("#kopf-suche").press("Enter")
    expect(page).to_have_url(re.compile(r"/suche/\?q=Passwort$"))
    expect(page.locator("[data-search-status]")).to_have_text(re.compile(r"\d+ Treffer für „Passwort“"))
    assert "/faq/ich-habe-mein-passwort-vergessen/" in result_links(page)


def test_no_results_says_so_in_german(page, full_site_url):
    search_for(page, full_site_url, "Quantenkryptographie")
    expect(page.locator("[data-search-status]")).to_have_text("Keine Treffer für „Quantenkryptographie“.")
    expect(page.locator("[data-search-empty]")).to_be_visible()
    assert result_links(page) == []


def test_more_results_on_request_and_focus_moves_to_them(page, full_site_url):
    search_for(page, full_site_url, "Netz")
    total = int(page.locator("[data-search-status]").inner_text().split()[0])
    assert total > 10
    assert page.locator(".search-result").count() == 10
    page.locator("[data-search-more]").click()
    expect(page.locator(".search-result")).to_have_count(min(20, total))
    focused = page.evaluate("document.activeElement.closest('.search-result') !== null")
    assert focused
    assert page.evaluate("[...document.querySelectorAll('.search-result')].indexOf("
                         "document.activeElement.closest('.search-result'))") == 10


def test_without_javascript_the_page_explains_and_links_faq_and_archive(browser, full_site_url):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    try:
        page = context.new_page()
        page.goto(full_site_url + "/suche/?q=Störung")
        fallback = page.locator("[data-search-fallback]")
        expect(fallback).to_be_visible()
        expect(fallback).to_contain_text("JavaScript")
        hrefs = fallback.locator("a").evaluate_all("links => links.map(a => new URL(a.href).pathname)")
        assert "/faq/" in hrefs and "/archiv/" in hrefs
        expect(page.locator("[data-search-form]")).to_be_hidden()
    finally:
        context.close()


def test_missing_index_is_explained(page, full_site_url):
    page.route("**/pagefind/pagefind.js", lambda route: route.fulfill(status=404, body="nicht da"))
    page.goto(full_site_url + "/suche/?q=Störung")
    expect(page.locator("[data-search-fallback]")).to_contain_text("gerade nicht verfügbar")
    expect(page.locator("[data-search-form]")).to_be_hidden()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_page_with_results_has_no_accessibility_violations(page, full_site_url, scheme):
    page.emulate_media(color_scheme=scheme)
    search_for(page, full_site_url, "Störung")
    page.select_option("#filter-typ", "Artikel")
    expect(page.locator("[data-search-status]")).to_contain_text("(Typ: Artikel)")
    assert page.locator(".search-result mark").count() > 0
    assert axe_violations(page) == []


def test_search_page_with_results_is_valid_html(page, full_site_url, tmp_path):
    search_for(page, full_site_url, "Störung")
    rendered = tmp_path / "suche.html"
    rendered.write_text(page.content(), encoding="utf-8")
    assert nu_html_errors([rendered]) == []
