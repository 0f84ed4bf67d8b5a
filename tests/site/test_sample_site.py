"""Whole-site checks of the German sample content (built once per session)."""

import json
import re
from urllib.parse import urlsplit

import feedparser
from lxml import etree

from tests.support.html import fetched_urls, html_pages, nu_html_errors, resolve, soup
from tests.support.sites import ROOT as ROOT_DIR

DEV_ORIGIN = "http://127.0.0.1:8000"
ROOT = __import__("pathlib").Path(ROOT_DIR)


def articles_of(sample_site):
    return sorted((sample_site / "artikel").glob("*/index.html"))


def test_sample_content_has_the_promised_scope(sample_site):
    articles = articles_of(sample_site)
    assert len(articles) >= 12
    authors = {d.name for d in (sample_site / "autoren").iterdir() if d.is_dir()}
    categories = {d.name for d in (sample_site / "kategorie").iterdir() if d.is_dir()}
    assert len(authors) >= 3 and len(categories) >= 4


def test_every_page_is_german_with_one_h1_description_and_canonical(sample_site):
    for page in html_pages(sample_site):
        doc = soup(page)
        name = page.relative_to(sample_site)
        assert doc.html.get("lang") == "de", name
        assert len(doc.find_all("h1")) == 1, name
        description = doc.find("meta", attrs={"name": "description"})
        assert description and description["content"].strip(), name
        canonical = doc.find("link", rel="canonical")
        if page.name == "404.html":  # served under any missing address: it has none
            assert canonical is None, name
        else:
            assert canonical and canonical["href"].startswith(DEV_ORIGIN + "/"), name
        assert doc.find("a", class_="skip-link", href="#inhalt"), name
        assert doc.find(id="inhalt").name == "main", name


def test_no_page_loads_anything_from_another_host(sample_site):
    for page in html_pages(sample_site):
        for url in fetched_urls(soup(page)):
            host = urlsplit(url).hostname
            assert host in (None, "127.0.0.1"), f"{page.relative_to(sample_site)} loads {url}"


def test_all_internal_links_resolve(sample_site):
    broken = []
    for page in html_pages(sample_site):
        doc = soup(page)
        for tag in doc.find_all(["a", "link", "img", "script"]):
            href = tag.get("href") or tag.get("src")
            if not href:
                continue
            target = resolve(sample_site, page, href)
            if target is not None and not target.exists():
                broken.append(f"{page.relative_to(sample_site)} → {href}")
    assert broken == []


def test_interface_text_is_german(sample_site):
    home = soup(sample_site / "index.html")
    text = home.get_text(" ")
    for word in ["Weiterlesen", "Themen", "Kategorien", "Archiv", "Suche", "Zum Inhalt springen"]:
        assert word in text, word
    assert home.find("nav", attrs={"aria-label": "Hauptnavigation"})
    page_two = soup(sample_site / "seite" / "2" / "index.html").get_text(" ")
    assert re.search(r"Seite 2 von \d+", page_two)
    for english in ["Read more", "Posted", "Tags", "Categories", "Page 2 of"]:
        assert english not in text


def test_dates_are_german_on_article_pages(sample_site):
    months = "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
    for page in articles_of(sample_site):
        time = soup(page).find("header", class_="document-header").find("time")
        assert re.fullmatch(rf"\d{{1,2}}\. ({months}) \d{{4}}", time.get_text()), time
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", time["datetime"])


def test_slugs_are_transliterated_everywhere(sample_site):
    for path in sample_site.rglob("*"):
        rel = str(path.relative_to(sample_site))
        assert rel.isascii(), rel
    tags = {d.name for d in (sample_site / "themen").iterdir() if d.is_dir()}
    assert "stoerung" in tags or "stoerungen" in tags


def test_archive_by_year_and_month_in_german(sample_site):
    archive = soup(sample_site / "archiv" / "index.html").get_text(" ")
    months = "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
    assert re.search(rf"({months}) 20\d\d", archive)
    months = list((sample_site / "archiv").glob("20*/[01][0-9]/index.html"))
    assert len(months) >= 4
    assert list((sample_site / "archiv").glob("20*/index.html"))


def test_static_pages_are_marked_placeholders(sample_site):
    for slug in ["impressum", "datenschutz", "kontakt"]:
        text = soup(sample_site / slug / "index.html").get_text(" ")
        assert "Platzhalter" in text, slug


def test_scheduled_article_is_not_published(sample_site, fixed_now):
    from german.dates import parse_datetime
    from german.slugs import slugify

    now = parse_datetime(fixed_now)
    scheduled = []
    for source in (ROOT / "content" / "artikel").glob("*.md"):
        meta = dict(re.findall(r"^(\w+): (.*)$", source.read_text().split("\n\n")[0], re.M))
        if parse_datetime(meta["Date"]) > now:
            scheduled.append((slugify(meta["Title"]), meta["Title"]))
    assert scheduled, "the sample content should hold one scheduled article"
    feeds = [(sample_site / "feeds" / f).read_text() for f in ["all.atom.xml", "all.rss.xml", "all.json"]]
    for slug, title in scheduled:
        assert not (sample_site / "artikel" / slug).exists()
        assert all(title not in feed for feed in feeds)
        assert title not in (sample_site / "index.html").read_text()


def _feeds(sample_site):
    """The article feeds (notices and FAQ have feeds of their own, tested in their folders)."""
    return sorted(p for p in (sample_site / "feeds").rglob("*.xml") if "stoerungen" not in p.parts[-1]
                  and "stoerungen" not in p.parent.name and p.name != "faq.atom.xml")


def test_every_feed_parses_without_bozo_and_has_absolute_links_and_full_content(sample_site):
    feeds = _feeds(sample_site)
    assert any("kategorie" in str(f) for f in feeds) and any("themen" in str(f) for f in feeds)
    assert (sample_site / "feeds" / "all.atom.xml") in feeds and (sample_site / "feeds" / "all.rss.xml") in feeds
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        assert parsed.entries, path
        for entry in parsed.entries:
            assert entry.link.startswith(DEV_ORIGIN + "/artikel/"), entry.link
            body = entry.content[0].value if "content" in entry else entry.summary
            assert len(body) > 600, f"{path}: {entry.title} is not full content"
            assert 'href="/' not in body and "{filename}" not in body


def test_json_feed_1_1(sample_site):
    feed = json.loads((sample_site / "feeds" / "all.json").read_text())
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == DEV_ORIGIN + "/feeds/all.json"
    assert feed["language"] == "de"
    assert feed["items"]
    for item in feed["items"]:
        assert item["url"].startswith(DEV_ORIGIN + "/artikel/")
        assert item["content_html"] and item["date_published"]


def test_sitemap_and_robots(sample_site):
    tree = etree.parse(str(sample_site / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = tree.xpath("//s:loc/text()", namespaces=ns)
    for page in articles_of(sample_site):
        url = f"{DEV_ORIGIN}/{page.parent.relative_to(sample_site).as_posix()}/"
        assert url in locs
    assert f"{DEV_ORIGIN}/" in locs
    assert not any("404" in loc or "entwuerfe" in loc for loc in locs)
    assert tree.xpath("//s:lastmod", namespaces=ns)
    robots = (sample_site / "robots.txt").read_text()
    assert f"Sitemap: {DEV_ORIGIN}/sitemap.xml" in robots


def test_article_metadata_for_search_engines_and_social_cards(sample_site):
    for page in articles_of(sample_site):
        doc = soup(page)
        og = {m["property"]: m["content"] for m in doc.find_all("meta", property=True)}
        assert og["og:type"] == "article" and og["og:title"] == doc.h1.get_text()
        assert og["og:url"].startswith(DEV_ORIGIN + "/artikel/")
        assert doc.find("meta", attrs={"name": "twitter:card"})
        data = json.loads(doc.find("script", type="application/ld+json").string)
        assert data["@type"] == "BlogPosting" and data["headline"] == doc.h1.get_text()
        assert data["author"] and data["author"][0]["@type"] == "Person"
        assert data["datePublished"] and data["inLanguage"] == "de-DE"
    with_image = [p for p in articles_of(sample_site) if soup(p).find("meta", property="og:image")]
    assert with_image, "the sample article with an image should have og:image"
    assert soup(with_image[0]).find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"


def test_theme_is_small(sample_site):
    css = sample_site / "theme" / "css" / "site.css"
    assert css.stat().st_size < 15 * 1024
    for page in articles_of(sample_site):
        assert page.stat().st_size + css.stat().st_size < 30 * 1024, page


def test_nu_html_checker_finds_no_errors(sample_site):
    assert nu_html_errors(html_pages(sample_site)) == []
