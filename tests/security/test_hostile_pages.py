"""Every HTML page of the hostile site, parsed as a browser parses it: no
payload becomes markup, every attribute and JSON block keeps the whole text,
and each field shows exactly what the editor typed.

The site is built twice, with the development settings and with
publishconf.py (production, absolute SITEURL); see conftest.py."""

import pytest

from tests.support.html import html_pages

from . import hostile as h
from .pages import (
    POLICY,
    SEARCH_POLICY,
    csp,
    find_all,
    injected,
    is_complete,
    json_blocks,
    meta,
    parse,
    text,
)

SITENAME = "Nordlicht Netz – Service-Blog"


def page(output, rel):
    return parse(output / rel / "index.html")


def test_no_payload_becomes_markup_on_any_page(hostile_site):
    pages = html_pages(hostile_site)
    assert len(pages) > 60
    problems = {}
    for path in pages:
        doc = parse(path)
        found = injected(doc)
        if not is_complete(doc):
            found.append("the page ends before its footer")
        expected = SEARCH_POLICY if path.parent.name == "suche" else POLICY
        if csp(doc) != [expected]:
            found.append(f"policy {csp(doc)}")
        try:
            json_blocks(doc)
        except ValueError as exc:
            found.append(f"invalid JSON-LD: {exc}")
        if found:
            problems[str(path.relative_to(hostile_site))] = found
    assert problems == {}


def test_preview_pages_of_development_builds_quote_titles_as_typed(hostile_dev):
    """The topic report and the social preview exist only in development
    builds: both show editor texts (titles, evidence, post texts)."""
    report = parse(hostile_dev / "themen" / "bericht" / "index.html")
    summaries = {text(e) for e in report.iter("strong")}
    assert {h.article_title(k) for k in h.PAYLOADS} <= summaries
    preview = parse(hostile_dev / "social" / "vorschau" / "index.html")
    posts = {text(e) for e in preview.iter("h3")}
    assert {h.article_title(k) for k in h.PAYLOADS} <= posts
    bodies = " ".join(text(e) for e in preview.iter("div") if e.get("class") == "social-text")
    assert all(h.social_text(k) in bodies for k in h.PAYLOADS)


def test_titles_and_descriptions_agree_on_every_page(hostile_site):
    """<title>, og:title and the descriptions are attributes and elements a
    quote or a '<!--' would cut short: each is there once and whole."""
    for path in html_pages(hostile_site):
        doc = parse(path)
        titles = [text(t) for t in find_all(doc, "title")]
        og_title = meta(doc, property="og:title")
        assert len(titles) == 1 and len(og_title) == 1, path
        if og_title[0] != SITENAME:
            assert titles[0] == f"{og_title[0]} – {SITENAME}", path
        assert meta(doc, name="description") == meta(doc, property="og:description"), path


@pytest.mark.parametrize("key", h.PAYLOADS)
def test_article_page_shows_every_field_as_typed(hostile_site, key):
    doc = page(hostile_site, f"artikel/angriff-{key}")
    title = h.article_title(key)
    assert text(next(doc.iter("h1"))) == title
    assert text(next(doc.iter("title"))) == f"{title} – {SITENAME}"
    assert meta(doc, property="og:title") == [title]
    assert h.tag(key) in meta(doc, property="article:tag")
    assert meta(doc, property="og:image:alt") == [h.image_alt(key)]
    links = [text(a) for a in doc.iter("a")]
    assert h.author(key) in links and h.category(key) in links and h.tag(key) in links
    [posting] = [b for b in json_blocks(doc) if b.get("@type") == "BlogPosting"]
    assert posting["headline"] == title
    assert [a["name"] for a in posting["author"]] == [h.author(key)]
    assert posting["articleSection"] == h.category(key)
    assert h.tag(key) in posting["keywords"].split(", ")
    # The summary is Markdown: only its text arrives, the script link is gone.
    [description] = meta(doc, name="description")
    assert description.startswith("Zusammenfassung") and description.endswith("mehr")


def test_lists_name_every_article_category_tag_and_author_as_typed(hostile_site):
    headings = {text(next(parse(p).iter("h1"))) for p in html_pages(hostile_site)}
    for key in h.PAYLOADS:
        assert f"Kategorie: {h.category(key)}" in headings
        assert f"Thema: {h.tag(key)}" in headings
        assert f"Beiträge von {h.author(key)}" in headings
        assert h.page_title(key) in headings
    home = parse(hostile_site / "index.html")
    cards = {text(a) for card in home.iter("article") for a in card.iter("a")}
    assert {h.article_title(k) for k in h.PAYLOADS} <= cards


@pytest.mark.parametrize("key", h.PAYLOADS)
def test_faq_entry_shows_question_and_category_as_typed(hostile_site, key):
    doc = page(hostile_site, f"faq/frage-{key}")
    assert text(next(doc.iter("h1"))) == h.question(key)
    assert meta(doc, property="og:title") == [h.question(key)]
    assert meta(doc, property="article:section") == [h.faq_category(key)]
    assert h.faq_category(key) in [text(a) for a in doc.iter("a")]


def test_faq_index_lists_questions_in_its_json_ld(hostile_site):
    doc = page(hostile_site, "faq")
    [faq] = [b for b in json_blocks(doc) if b.get("@type") == "FAQPage"]
    assert {q["name"] for q in faq["mainEntity"]} == {h.question(k) for k in h.PAYLOADS}
    headings = {text(e) for e in doc.iter("h2")}
    assert {h.faq_category(k) for k in h.PAYLOADS} <= headings
    questions = {text(e) for e in doc.iter("h3")}
    assert {h.question(k) for k in h.PAYLOADS} <= questions


@pytest.mark.parametrize("key", h.PAYLOADS)
def test_notice_page_shows_title_components_and_updates_as_typed(hostile_site, key):
    doc = page(hostile_site, f"stoerungen/stoerung-{key}")
    title = h.incident_title(key)
    assert text(next(doc.iter("h1"))) == title
    assert meta(doc, property="og:title") == [title]
    [description] = meta(doc, name="description")
    assert description.startswith(f"Störung: {title} – Ursache gefunden.")
    [announcement] = [b for b in json_blocks(doc) if b.get("@type") == "SpecialAnnouncement"]
    assert announcement["name"] == title
    assert [s["name"] for s in announcement["about"]] == [h.component_name(key)]
    assert announcement["about"][0]["category"] == h.component_group(key)
    assert announcement["spatialCoverage"]["name"] == h.component_area(key)
    assert announcement["text"].startswith("Ursache gefunden: Zweites Update")
    facts = text(next(e for e in doc.iter("dl")))
    assert f"{h.component_name(key)} ({h.component_group(key)})" in facts


def test_status_page_names_every_component_as_typed(hostile_site):
    doc = page(hostile_site, "status")
    spans = [e for e in doc.iter("span") if e.get("class") == "component-name"]
    assert {text(e) for e in spans} == {h.component_name(k) for k in h.PAYLOADS}
    groups = {text(e) for e in doc.iter("h3") if e.get("class") == "component-group"}
    assert groups == {h.component_group(k) for k in h.PAYLOADS}
    descriptions = {text(e) for e in doc.iter("p") if e.get("class") == "component-description"}
    assert descriptions == {h.component_description(k) for k in h.PAYLOADS}


def test_banner_on_every_page_names_each_outage_as_typed(hostile_site):
    expected = {h.incident_title(k) for k in h.PAYLOADS} | {h.maintenance_title(k) for k in h.PAYLOADS}
    for path in html_pages(hostile_site):
        doc = parse(path)
        banners = [e for e in doc.iter("div") if e.get("id") == "stoerungsbanner"]
        if path.name == "404.html" or not banners:
            continue
        [banner] = banners
        links = {text(a) for a in banner.iter("a")} - {"Alle Meldungen auf der Statusseite"}
        assert links == expected, path
        signature = banner.get("data-signature").split(" ")
        assert "stoerung-script:identified" in signature and len(signature) == 14, path
