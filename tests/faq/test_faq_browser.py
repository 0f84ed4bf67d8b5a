"""/faq/ and FAQ pages in headless Chromium: the filter narrows the list, the pages
work without JavaScript and pass axe-core (WCAG 2.1 A/AA) in light and dark."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import axe_violations

pytestmark = pytest.mark.browser

ENTRY = "/faq/bekomme-ich-bei-einer-stoerung-geld-zurueck/"


def visible_questions(page):
    return page.locator("[data-faq-item]:visible h3").all_inner_texts()


def test_filter_narrows_the_list_as_one_types(page, full_site_url):
    page.goto(full_site_url + "/faq/")
    everything = visible_questions(page)
    assert len(everything) >= 15
    box = page.get_by_label("Fragen filtern")
    box.press_sequentially("Passwort", delay=20)
    expect(page.locator("[data-faq-item]:visible")).not_to_have_count(len(everything))
    narrowed = visible_questions(page)
    assert 0 < len(narrowed) < len(everything)
    assert "Ich habe mein Passwort vergessen – was tun?" in narrowed
    for item in page.locator("[data-faq-item]:visible").all():
        assert "passwort" in (item.inner_text() + (item.get_attribute("data-faq-terms") or "")).lower()
    # Categories without a match disappear, from the list and from the jump list.
    expect(page.locator("#kategorie-vertrag")).to_be_hidden()
    expect(page.locator("[data-faq-jump='kategorie-vertrag']")).to_be_hidden()
    expect(page.locator(".faq-filter [role='status']")).to_have_text(
        re.compile(rf"{len(narrowed)} von {len(everything)} Fragen (passt|passen) zu „Passwort“\.")
    )
    box.fill("")
    expect(page.locator("[data-faq-item]:visible")).to_have_count(len(everything))


def test_filter_ignores_umlaut_spelling(page, full_site_url):
    page.goto(full_site_url + "/faq/")
    page.get_by_label("Fragen filtern").fill("kuendigen")
    expect(page.locator("[data-faq-item]:visible h3")).to_contain_text(["Wie kündige ich meinen Vertrag?"])


def test_filter_without_match_points_to_the_search(page, full_site_url):
    page.goto(full_site_url + "/faq/")
    page.get_by_label("Fragen filtern").fill("Quantenkryptographie")
    none = page.locator("[data-faq-none]")
    expect(none).to_be_visible()
    expect(page.locator("[data-faq-item]:visible")).to_have_count(0)
    expect(none.locator("a")).to_have_attribute("href", re.compile(r"suche/\?q=Quantenkryptographie$"))


def test_without_javascript_the_whole_list_shows(browser, full_site_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(full_site_url + "/faq/")
        expect(page.locator(".faq-filter")).to_be_hidden()
        assert page.locator("[data-faq-item]:visible").count() >= 15
        page.locator("nav.faq-jump a", has_text="Vertrag").click()
        expect(page).to_have_url(re.compile(r"/faq/#kategorie-vertrag$"))
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/faq/", ENTRY])
def test_faq_pages_have_no_accessibility_violations(page, full_site_url, path, scheme):
    page.emulate_media(color_scheme=scheme)
    response = page.goto(full_site_url + path)
    assert response.status == 200
    if path == "/faq/":
        page.get_by_label("Fragen filtern").fill("Rechnung")
        expect(page.locator(".faq-filter [role='status']")).not_to_be_empty()
    assert axe_violations(page) == []
