"""Build tests of the search plugin: what goes into the Pagefind index, and when it is reused."""

import datetime as dt
import json
import re
from types import SimpleNamespace

import pytest

import search.index
from german.dates import to_berlin as berlin
from search.documents import collect
from search.standins import collect_pages, extract_bodies, indexed_text
from tests.search.sites import index_fragments, plugins_with_faq_and_search
from tests.support.sites import build_fixture_site

FILES = {
    "artikel/kundenvertrauen.md": """\
        Title: Was Kundenvertrauen ausmacht
        Date: 2026-09-01 09:00
        Category: Service-Strategie
        Tags: Transparenz, Social Media

        Kundenvertrauen wächst langsam. Ein Netzausfall kann es schnell beschädigen.
        """,
    "artikel/stoerungen.md": """\
        Title: Warum wir Störungen öffentlich machen
        Date: 2026-09-05 09:00
        Category: Störungen
        Tags: Störung

        Jede Störung steht auf der Statusseite.
        """,
    "seiten/impressum.md": """\
        Title: Impressum
        Summary: Angaben zum Anbieter.

        Nordlicht Netz GmbH, Kundenvertrauen GmbH & Co. KG.
        """,
    "faq/stoerung-melden.md": """\
        Question: Wie melde ich eine Störung?
        Category: Störung
        Related: warum-wir-stoerungen-oeffentlich-machen
        Modified: 2026-10-02 11:00

        Über das Störungsformular.
        """,
    "faq/rechnung.md": """\
        Question: Wo finde ich meine Rechnung?
        Category: Rechnung, Abrechnung & Zahlung
        Modified: 2026-09-14 10:20

        Im Kundenportal.
        """,
}
INDEXED = {
    "/artikel/was-kundenvertrauen-ausmacht/",
    "/artikel/warum-wir-stoerungen-oeffentlich-machen/",
    "/faq/stoerung-melden/",
    "/faq/rechnung/",
}


def build(tmp_path, files=FILES, **overrides):
    values = {"PLUGINS": plugins_with_faq_and_search()}
    values.update(overrides)
    return build_fixture_site(tmp_path, files, values)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    result, output = build(tmp_path_factory.mktemp("search"))
    assert result.ok, result.report()
    return output


def test_index_holds_only_articles_faq_entries_and_notices(built):
    entry = json.loads((built / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]["de"]["page_count"] == len(INDEXED)  # language from <html lang="de">
    assert set(index_fragments(built)) == INDEXED  # no /impressum/, /faq/, tag, list or search pages
    assert (built / "pagefind" / "pagefind.js").exists()
    assert (built / "suche" / "index.html").exists()


def test_records_carry_type_category_topic_and_date(built):
    records = index_fragments(built)
    article = records["/artikel/was-kundenvertrauen-ausmacht/"]
    assert article["filters"]["Typ"] == ["Artikel"]
    assert article["filters"]["Kategorie"] == ["Service-Strategie"]
    assert sorted(article["filters"]["Thema"]) == ["Social Media", "Transparenz"]
    assert article["meta"]["title"] == "Was Kundenvertrauen ausmacht"
    assert article["meta"]["datum"] == "1. September 2026"
    question = records["/faq/rechnung/"]
    assert question["filters"]["Typ"] == ["FAQ"]
    assert question["filters"]["Kategorie"] == ["Rechnung, Abrechnung & Zahlung"]  # commas are safe
    assert question["meta"]["datum"] == "14. September 2026"


def test_only_the_main_text_is_indexed(built):
    records = index_fragments(built)
    article = records["/artikel/warum-wir-stoerungen-oeffentlich-machen/"]["content"]
    assert "Jede Störung steht auf der Statusseite." in article
    for outside in ("Hauptnavigation", "Häufige Fragen zu diesem Beitrag", "Wie melde ich eine Störung?",
                    "Zum Inhalt springen", "Themen", "· von", "Suchen"):
        assert outside not in article, outside
    question = records["/faq/stoerung-melden/"]["content"]
    assert "Über das Störungsformular." in question
    assert "Verwandte Beiträge" not in question and "Zuletzt aktualisiert" not in question


def test_compound_parts_are_searchable_but_never_shown(built):
    record = index_fragments(built)["/artikel/was-kundenvertrauen-ausmacht/"]
    terms = record["meta"]["begriffe"].split()
    assert {"Vertrauen", "Kunde", "Ausfall"} <= set(terms)
    assert "Netz" in terms
    # The text itself (the source of every excerpt) holds only what the page says.
    words = set(re.findall(r"\w+", record["content"]))
    assert "Kundenvertrauen" in words and "Vertrauen" not in words and "Ausfall" not in words


def test_unchanged_pages_reuse_the_previous_index(tmp_path, monkeypatch):
    result, output = build(tmp_path)
    assert result.ok, result.report()
    fingerprint = (output / "pagefind" / "fingerprint.txt").read_text()

    def must_not_run(*args):
        raise AssertionError("the index was rebuilt although no indexed page changed")

    monkeypatch.setattr(search.index, "run_pagefind", must_not_run)
    # A change outside the indexed pages (a static page) keeps the index.
    files = dict(FILES, **{"seiten/impressum.md": FILES["seiten/impressum.md"] + "\n        Neu.\n"})
    result, output = build(tmp_path, files)
    assert result.ok, result.report()
    assert (output / "pagefind" / "fingerprint.txt").read_text() == fingerprint
    assert set(index_fragments(output)) == INDEXED

    monkeypatch.undo()
    monkeypatch.setattr(search.isolated, "run", lambda work: work())  # the spy is in this process
    calls = []
    original = search.index.run_pagefind

    def spy(pages, meanwhile=None):
        calls.append(pages)
        return original(pages, meanwhile)

    monkeypatch.setattr(search.index, "run_pagefind", spy)
    files = dict(FILES, **{"faq/rechnung.md": FILES["faq/rechnung.md"] + "\n        Oder per Post.\n"})
    result, output = build(tmp_path, files)
    assert result.ok, result.report()
    assert len(calls) == 1
    assert (output / "pagefind" / "fingerprint.txt").read_text() != fingerprint
    assert "Oder per Post." in index_fragments(output)["/faq/rechnung/"]["content"]


def test_search_index_false_keeps_the_previous_index(tmp_path, monkeypatch):
    result, output = build(tmp_path)
    assert result.ok, result.report()
    before = {p.relative_to(output): p.read_bytes() for p in (output / "pagefind").rglob("*") if p.is_file()}

    monkeypatch.setattr(search.index, "run_pagefind", lambda *a: pytest.fail("index built with SEARCH_INDEX False"))
    files = dict(FILES, **{"faq/rechnung.md": FILES["faq/rechnung.md"] + "\n        Geändert.\n"})
    result, output = build(tmp_path, files, SEARCH_INDEX=False)
    assert result.ok, result.report()
    after = {p.relative_to(output): p.read_bytes() for p in (output / "pagefind").rglob("*") if p.is_file()}
    assert after == before


def test_search_index_false_without_previous_index_writes_none(tmp_path):
    result, output = build(tmp_path, SEARCH_INDEX=False)
    assert result.ok, result.report()
    assert not (output / "pagefind").exists()
    assert (output / "suche" / "index.html").exists()  # the page explains that search is unavailable


def test_site_without_searchable_content_builds(tmp_path):
    result, output = build(tmp_path, {"seiten/impressum.md": FILES["seiten/impressum.md"]})
    assert result.ok, result.report()
    assert not (output / "pagefind").exists()


def test_notices_are_searchable_as_stoerungsmeldung():
    notice = SimpleNamespace(
        save_as="stoerungen/kiel/index.html", url="stoerungen/kiel/", status="published",
        title="Internetstörung in Kiel", kind="incident", tags=[],
        date=berlin(dt.datetime(2026, 11, 18, 7, 0)),
        updates=[SimpleNamespace(time=berlin(dt.datetime(2026, 11, 18, 7, 0))),
                 SimpleNamespace(time=berlin(dt.datetime(2026, 11, 19, 9, 30)))],
    )
    draft = SimpleNamespace(**dict(vars(notice), status="draft", save_as="x/index.html"))
    (document,) = collect({"outage_notices": [notice, draft]})
    assert document.kind == "Störungsmeldung" and document.category == "Störung"
    assert document.date == "19. November 2026"  # the last update


def test_pages_without_a_marked_main_text_are_left_out_with_a_warning(tmp_path, caplog):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<html lang="de"><body><main>Alles</main></body></html>')
    document = SimpleNamespace(save_as="a/index.html", title="A", kind="Artikel", category="", tags=(),
                               date="", sort_date="")
    assert collect_pages([document], str(tmp_path)) == {}
    assert "a/index.html: template: no element with data-pagefind-body" in caplog.text


def test_extract_bodies_handles_nesting_several_bodies_and_void_elements():
    page = (
        '<html><body><nav>Menü</nav><div class="x" data-pagefind-body><div><p>Eins</p></div>'
        '<img data-pagefind-ignore src="a.png" alt=""><p>Zwei</p></div><aside>Nein</aside>'
        '<section data-pagefind-body>Drei</section></body></html>'
    )
    bodies = extract_bodies(page)
    assert bodies == [
        '<div class="x" data-pagefind-body><div><p>Eins</p></div><img data-pagefind-ignore src="a.png" alt="">'
        "<p>Zwei</p></div>",
        "<section data-pagefind-body>Drei</section>",
    ]
    assert indexed_text(bodies[0]).split() == ["Eins", "Zwei"]
    assert indexed_text('<p>A <span data-pagefind-ignore>B <b>C</b></span> D &amp; E</p>').split() == \
        ["A", "D", "&", "E"]
