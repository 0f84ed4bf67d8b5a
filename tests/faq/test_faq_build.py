"""Build tests of the FAQ generator: small sites from fixture content through the build runner."""

import json

import feedparser
import pytest

from tests.search.sites import plugins_with_faq_and_search
from tests.support.html import soup
from tests.support.sites import build_fixture_site

FAQ_PLUGINS = [p for p in plugins_with_faq_and_search() if p != "search"]
ORIGIN = "http://127.0.0.1:8000"

ARTICLE = """\
Title: {title}
Date: {date}
Category: Kundendialog
Tags: Störung

{body}
"""


def faq(question, category, modified="2026-10-01 10:00", order=None, related="", summary="", tags="", body=None):
    lines = [f"Question: {question}", f"Category: {category}"]
    if order is not None:
        lines.append(f"Order: {order}")
    if tags:
        lines.append(f"Tags: {tags}")
    if related:
        lines.append(f"Related: {related}")
    if summary:
        lines.append(f"Summary: {summary}")
    lines.append(f"Modified: {modified}")
    text = body or f"Die Antwort auf die Frage „{question}“ steht hier.\n\nEin zweiter Absatz mit Einzelheiten."
    return "\n".join(lines) + "\n\n" + text + "\n"


def site_files(**extra):
    files = {
        "artikel/stoerungen-melden.md": ARTICLE.format(
            title="Störungen melden", date="2026-09-01 09:00",
            body="Ein Artikel über das Melden von Störungen.",
        ),
        "artikel/netzausbau.md": ARTICLE.format(
            title="Der Netzausbau", date="2026-09-10 09:00", body="Ein Artikel über den Netzausbau.",
        ),
        "faq/rechnung-finden.md": faq(
            "Wo finde ich meine Rechnung?", "Rechnung", order=1, modified="2026-09-14 10:20",
            summary="Im Kundenportal unter Rechnungen.", tags="Rechnung",
        ),
        "faq/rechnung-hoeher.md": faq(
            "Warum ist meine Rechnung höher?", "Rechnung", order=2, modified="2026-08-03 15:45",
            related="rechnung-finden",
        ),
        "faq/rechnung-ohne-order.md": faq("Aber was ist mit Abschlägen?", "Rechnung", modified="2026-07-01 08:00"),
        "faq/stoerung-melden.md": faq(
            "Wie melde ich eine Störung?", "Störung", order=1, modified="2026-10-02 11:00",
            related="stoerungen-melden, rechnung-finden", tags="Störung",
            body="So melden Sie eine Störung:\n\n1. Formular öffnen.\n2. Absenden.\n\nFertig.",
        ),
        "faq/konto-sperren.md": faq("Wie sperre ich mein Konto?", "Konto", modified="2026-05-27 10:10"),
    }
    files.update(extra)
    return files


def build(tmp_path, files=None, overrides=None):
    values = {"PLUGINS": FAQ_PLUGINS}
    values.update(overrides or {})
    return build_fixture_site(tmp_path, files if files is not None else site_files(), values)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    result, output = build(tmp_path_factory.mktemp("faq"))
    assert result.ok, result.report()
    return output


def links(doc, selector):
    return [a["href"] for a in doc.select(selector)]


def test_index_groups_by_category_and_orders_within(built):
    doc = soup(built / "faq" / "index.html")
    sections = doc.select("section.faq-category")
    assert [s.h2.get_text() for s in sections] == ["Konto", "Rechnung", "Störung"]
    rechnung = sections[1]
    assert [a.get_text() for a in rechnung.select("li h3 a")] == [
        "Wo finde ich meine Rechnung?",      # Order: 1
        "Warum ist meine Rechnung höher?",   # Order: 2
        "Aber was ist mit Abschlägen?",      # no Order: after the numbered ones
    ]
    # Each question with its short answer (Summary, else the first paragraph) and a link.
    first = rechnung.select_one("li")
    assert first.select_one(".faq-answer-short").get_text(strip=True) == "Im Kundenportal unter Rechnungen."
    assert first.h3.a["href"].endswith("faq/rechnung-finden/")
    # Jump list of categories pointing at the sections.
    assert [a["href"] for a in doc.select("nav.faq-jump a")] == ["#" + s["id"] for s in sections]


def test_category_order_setting(tmp_path):
    result, output = build(tmp_path, overrides={"FAQ_CATEGORY_ORDER": ["Störung", "Rechnung"]})
    assert result.ok, result.report()
    doc = soup(output / "faq" / "index.html")
    assert [s.h2.get_text() for s in doc.select("section.faq-category")] == ["Störung", "Rechnung", "Konto"]


def test_short_answer_without_summary_drops_a_list_announcement(built):
    doc = soup(built / "faq" / "index.html")
    item = next(li for li in doc.select("li.faq-item") if "Störung" in li.h3.get_text())
    # "So melden Sie eine Störung:" introduces the steps; alone it ends in a full stop.
    assert item.select_one(".faq-answer-short").get_text(strip=True) == "So melden Sie eine Störung."


def test_faq_entries_are_not_articles(built):
    cards = soup(built / "index.html").select("main .cards a")
    archive = soup(built / "archiv" / "index.html").select("main a")
    feed = feedparser.parse((built / "feeds" / "all.atom.xml").read_bytes())
    assert cards and archive and feed.entries
    assert not [a["href"] for a in cards + archive if "faq/" in a["href"]]
    assert not [e.link for e in feed.entries if "/faq/" in e.link]
    assert sorted(e.title for e in feed.entries) == ["Der Netzausbau", "Störungen melden"]
    assert not (built / "kategorie" / "rechnung").exists()
    nav = soup(built / "index.html").find("nav", attrs={"aria-label": "Hauptnavigation"})
    assert "Häufige Fragen" in nav.get_text()


def test_entry_page_has_answer_date_and_links(built):
    doc = soup(built / "faq" / "stoerung-melden" / "index.html")
    assert doc.h1.get_text() == "Wie melde ich eine Störung?"
    body = doc.find(attrs={"data-pagefind-body": True})
    assert body is not None and body.h1 is not None
    updated = doc.select_one(".document-header p.meta")
    assert updated.get_text(" ", strip=True) == "Zuletzt aktualisiert am 2. Oktober 2026"
    assert updated.time["datetime"] == "2026-10-02T11:00:00+02:00"
    assert "Formular öffnen." in body.get_text()
    related = {s.h2.get_text(): s for s in doc.select("section.related")}
    assert [a.get_text() for a in related["Verwandte Beiträge"].select("a")] == ["Störungen melden"]
    assert [a.get_text() for a in related["Verwandte Fragen"].select("a")] == ["Wo finde ich meine Rechnung?"]
    # Related lists are navigation, not part of the indexed answer.
    assert not body.find(class_="related")
    breadcrumb = doc.select("nav.breadcrumb a")
    assert [a.get_text() for a in breadcrumb] == ["Häufige Fragen", "Störung"]


def test_related_links_work_both_ways(built):
    # FAQ → article, and the article lists the FAQ entries that name it.
    article = soup(built / "artikel" / "stoerungen-melden" / "index.html")
    section = article.find("section", attrs={"aria-labelledby": "faq-backlinks"})
    assert [a.get_text() for a in section.select("a")] == ["Wie melde ich eine Störung?"]
    assert section.a["href"].endswith("faq/stoerung-melden/")
    untouched = soup(built / "artikel" / "der-netzausbau" / "index.html")
    assert untouched.find("section", attrs={"aria-labelledby": "faq-backlinks"}) is None
    # FAQ → FAQ: the named question links back to both questions that name it.
    named = soup(built / "faq" / "rechnung-finden" / "index.html")
    back = named.find("section", attrs={"aria-labelledby": "verwandte-fragen"})
    assert sorted(a.get_text() for a in back.select("a")) == [
        "Warum ist meine Rechnung höher?", "Wie melde ich eine Störung?",
    ]


def test_faqpage_jsonld_on_index(built):
    doc = soup(built / "faq" / "index.html")
    data = json.loads(doc.find("script", type="application/ld+json").string)
    assert data["@context"] == "https://schema.org" and data["@type"] == "FAQPage"
    questions = {q["name"]: q for q in data["mainEntity"]}
    assert len(questions) == 5
    for question in data["mainEntity"]:
        assert question["@type"] == "Question"
        answer = question["acceptedAnswer"]
        assert answer["@type"] == "Answer"
        assert answer["text"] and "<" not in answer["text"]
        assert question["url"].startswith(ORIGIN + "/faq/")
    steps = questions["Wie melde ich eine Störung?"]["acceptedAnswer"]["text"]
    assert steps == "So melden Sie eine Störung:\n1. Formular öffnen.\n2. Absenden.\n\nFertig."


def test_faq_feed_lists_new_and_updated_entries(built):
    parsed = feedparser.parse((built / "feeds" / "faq.atom.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title.startswith("Häufige Fragen")
    titles = [e.title for e in parsed.entries]
    assert titles[0] == "Wie melde ich eine Störung?"  # changed last
    assert titles[-1] == "Wie sperre ich mein Konto?"  # changed first
    assert len(titles) == 5
    newest = parsed.entries[0]
    assert newest.link == ORIGIN + "/faq/stoerung-melden/"
    assert newest.id == newest.link
    assert newest.updated.startswith("2026-10-02T11:00:00")
    assert "Formular öffnen" in newest.content[0].value
    index = soup(built / "faq" / "index.html")
    assert index.find("link", type="application/atom+xml", href=ORIGIN + "/feeds/faq.atom.xml")


def test_site_without_faq_folder_has_no_faq(tmp_path):
    files = {k: v for k, v in site_files().items() if k.startswith("artikel/")}
    result, output = build(tmp_path, files)
    assert result.ok, result.report()
    assert not (output / "faq").exists()
    assert not (output / "feeds" / "faq.atom.xml").exists()
    nav = soup(output / "index.html").find("nav", attrs={"aria-label": "Hauptnavigation"})
    assert "Häufige Fragen" not in nav.get_text()


def test_hidden_and_draft_entries(tmp_path):
    files = site_files(**{
        "faq/versteckt.md": faq("Eine versteckte Frage?", "Konto", related="rechnung-finden").replace(
            "Modified:", "Status: hidden\nModified:"),
        "faq/entwurf.md": faq("Ein Entwurf?", "Konto").replace("Modified:", "Status: draft\nModified:"),
    })
    result, output = build(tmp_path, files)
    assert result.ok, result.report()
    index = (output / "faq" / "index.html").read_text(encoding="utf-8")
    assert "Eine versteckte Frage?" not in index and "Ein Entwurf?" not in index
    hidden = soup(output / "faq" / "versteckt" / "index.html")
    assert hidden.find("meta", attrs={"name": "robots", "content": "noindex"})
    assert hidden.find(attrs={"data-pagefind-body": True}) is None
    assert not (output / "faq" / "entwurf").exists()
    # A hidden entry does not push itself into the related lists of published ones.
    named = (output / "faq" / "rechnung-finden" / "index.html").read_text(encoding="utf-8")
    assert "Eine versteckte Frage?" not in named


BAD = {
    "unknown key": (
        "Question: Wie geht das?\nCategory: Konto\nRealted: rechnung-finden\nModified: 2026-10-01\n\nText.\n",
        ["content/faq/kaputt.md", "Realted", "unknown metadata key", "did you mean Related?"],
    ),
    "missing question": (
        "Category: Konto\nModified: 2026-10-01\n\nText.\n",
        ["content/faq/kaputt.md", "Question", "missing"],
    ),
    "unknown related slug": (
        "Question: Wie geht das?\nCategory: Konto\nRelated: gibt-es-nicht\nModified: 2026-10-01\n\nText.\n",
        ["content/faq/kaputt.md", "Related", "gibt-es-nicht", "no article or question"],
    ),
    "missing category": (
        "Question: Wie geht das?\nModified: 2026-10-01\n\nText.\n",
        ["content/faq/kaputt.md", "Category", "missing"],
    ),
    "order is not a number": (
        "Question: Wie geht das?\nCategory: Konto\nOrder: zwei\nModified: 2026-10-01\n\nText.\n",
        ["content/faq/kaputt.md", "Order", "'zwei'", "whole number"],
    ),
    "unparseable modified": (
        "Question: Wie geht das?\nCategory: Konto\nModified: 32.13.2026\n\nText.\n",
        ["content/faq/kaputt.md", "Modified", "32.13.2026", "2026-11-24 10:15"],
    ),
    "missing modified": (
        "Question: Wie geht das?\nCategory: Konto\n\nText.\n",
        ["content/faq/kaputt.md", "Modified", "missing"],
    ),
    "related names itself": (
        "Question: Wie geht das?\nCategory: Konto\nRelated: kaputt\nModified: 2026-10-01\n\nText.\n",
        ["content/faq/kaputt.md", "Related", "'kaputt'", "itself"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_names_file_and_key_and_writes_nothing(tmp_path, case):
    text, expected = BAD[case]
    result, output = build(tmp_path, site_files(**{"faq/kaputt.md": text}))
    assert not result.ok
    assert len(result.errors) == 1, result.report()
    message = str(result.errors[0])
    for part in expected:
        assert part in message, message
    assert "Traceback" not in result.report()
    assert not output.exists()


def test_several_problems_in_one_file_give_one_line_each(tmp_path):
    text = "Tgas: x\nOrder: eins\n\nText.\n"
    result, output = build(tmp_path, site_files(**{"faq/kaputt.md": text}))
    fields = sorted(str(e).split(": ")[2] for e in result.errors)
    assert fields == ["Category", "Modified", "Order", "Question", "Tgas"], result.report()
    assert not output.exists()


def test_links_inside_answers_are_checked_like_articles(tmp_path):
    body = "Siehe [den Artikel]({filename}/artikel/gibt-es-nicht.md)."
    result, _ = build(tmp_path, site_files(**{"faq/link.md": faq("Wohin?", "Konto", body=body)}))
    assert not result.ok
    assert any("content/faq/link.md" in str(e) and "gibt-es-nicht.md" in str(e) for e in result.errors)


def test_link_from_article_to_faq_entry_resolves(tmp_path):
    files = site_files(**{"artikel/mit-link.md": ARTICLE.format(
        title="Mit Link", date="2026-09-20 09:00",
        body="Siehe [die Antwort]({filename}/faq/rechnung-finden.md).",
    )})
    result, output = build(tmp_path, files)
    assert result.ok, result.report()
    link = soup(output / "artikel" / "mit-link" / "index.html").select_one(".prose a")
    assert link["href"].endswith("faq/rechnung-finden/")


def test_related_draft_is_a_warning_and_no_link(tmp_path):
    files = site_files(**{
        "faq/entwurf.md": faq("Ein Entwurf?", "Konto").replace("Modified:", "Status: draft\nModified:"),
        "faq/verweist.md": faq("Verweist auf den Entwurf?", "Konto", related="entwurf"),
    })
    result, output = build(tmp_path, files)
    assert result.ok, result.report()
    assert [str(w) for w in result.warnings] == [
        "warning: content/faq/verweist.md: Related: 'entwurf' is not published yet (draft or "
        "scheduled); the link appears once it is"
    ]
    page = soup(output / "faq" / "verweist" / "index.html")
    assert page.find("section", attrs={"aria-labelledby": "verwandte-fragen"}) is None
    strict, _ = build_fixture_site(tmp_path / "strict", files, {"PLUGINS": FAQ_PLUGINS}, strict=True)
    assert not strict.ok
