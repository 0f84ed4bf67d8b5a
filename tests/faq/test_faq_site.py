"""The FAQ and search pages of the sample site: scope of the sample content, valid
HTML (Nu Html Checker), structured data, links and feeds."""

import json
import re
from pathlib import Path

import feedparser

from tests.support.html import nu_html_errors, resolve, soup
from tests.support.sites import ROOT

ORIGIN = "http://127.0.0.1:8000"


def faq_pages(site):
    return sorted((site / "faq").glob("*/index.html"))


def test_sample_faq_has_the_promised_scope(full_site):
    pages = faq_pages(full_site)
    assert len(pages) >= 15
    index = soup(full_site / "faq" / "index.html")
    assert len(index.select("section.faq-category")) >= 4
    for page in pages:
        doc = soup(page)
        related = doc.select("section.related a")
        assert related, f"{page.parent.name} has no related article or question"


def related_articles(site):
    """{FAQ page: pages of the articles its `Related:` line names}, read from the
    content files (a plain slug is an article when the site has an article of
    that address; "faq/…" names a question)."""
    expected = {}
    for source in sorted((Path(ROOT) / "content" / "faq").glob("*.md")):
        header = source.read_text(encoding="utf-8").split("\n\n", 1)[0]
        found = re.search(r"(?im)^related:(.*)$", header)
        items = [item.strip() for item in found.group(1).split(",")] if found else []
        articles = [site / "artikel" / item.removeprefix("artikel/") / "index.html" for item in items
                    if item.startswith("artikel/")
                    or (not item.startswith("faq/") and (site / "artikel" / item / "index.html").is_file())]
        if articles:
            expected[site / "faq" / source.stem / "index.html"] = articles
    return expected


def test_every_related_article_shows_its_faq_back_links(full_site):
    expected = related_articles(full_site)
    assert len(expected) >= 5  # the sample content links several questions to articles
    for page, articles in expected.items():
        doc = soup(page)
        section = doc.find("section", attrs={"aria-labelledby": "verwandte-beitraege"})
        assert section is not None, f"{page.parent.name}: no section of related articles"
        linked = [resolve(full_site, page, link["href"]) for link in section.select("a")]
        assert sorted(linked) == sorted(articles), page.parent.name
        for path in linked:
            backlinks = soup(path).find("section", attrs={"aria-labelledby": "faq-backlinks"})
            assert backlinks is not None, path
            assert doc.h1.get_text() in backlinks.get_text()


def test_faq_and_search_pages_are_valid_html(full_site):
    pages = [full_site / "faq" / "index.html", full_site / "suche" / "index.html"] + faq_pages(full_site)
    assert nu_html_errors(pages) == []


def test_structured_data_lists_every_question(full_site):
    doc = soup(full_site / "faq" / "index.html")
    data = json.loads(doc.find("script", type="application/ld+json").string)
    assert data["@type"] == "FAQPage"
    names = [q["name"] for q in data["mainEntity"]]
    assert sorted(names) == sorted(a.get_text() for a in doc.select("li.faq-item h3 a"))
    assert all(q["acceptedAnswer"]["text"].strip() for q in data["mainEntity"])


def test_faq_feed_is_valid_and_absolute(full_site):
    parsed = feedparser.parse((full_site / "feeds" / "faq.atom.xml").read_bytes())
    assert not parsed.bozo and len(parsed.entries) >= 15
    for entry in parsed.entries:
        assert entry.link.startswith(ORIGIN + "/faq/")
        assert 'href="/' not in entry.content[0].value


def test_search_page_is_not_for_search_engines(full_site):
    doc = soup(full_site / "suche" / "index.html")
    assert doc.find("meta", attrs={"name": "robots", "content": "noindex, follow"})
    assert doc.h1.get_text() == "Suche"
    sitemap = (full_site / "sitemap.xml").read_text()
    assert f"{ORIGIN}/faq/" in sitemap and "/suche/" not in sitemap
