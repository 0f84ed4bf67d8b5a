"""What the search step reuses between builds (plugins/search/cache.py, index.py):
only changed pages are cut and split, files identical to the previous index's
are linked, and the result is byte for byte the index of a cold build."""

import os
import pickle
import re
import stat

import pytest

import search.index
import search.standins
from kit import datacache
from search import cache, compounds
from search.service import PagefindError, PagefindService
from search.standins import START_TAGS, element_spans
from tests.search.sites import index_fragments
from tests.search.test_index_build import FILES, INDEXED, build

EDITED = dict(FILES, **{"faq/rechnung.md": FILES["faq/rechnung.md"] + "\n        Oder per Post.\n"})


def _tree(path):
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def _inodes(output):
    return {p.name: p.stat().st_ino for p in (output / "pagefind" / "fragment").iterdir()}


def _cache_settings(tmp_path):
    return {"CACHE_PATH": str(tmp_path / "cache"), "PATH": str(tmp_path / "content"),
            "SEARCH_COMPOUND_PARTS": True}


def _built(tmp_path, files=FILES):
    result, output = build(tmp_path, files)
    assert result.ok, result.report()
    return output


def test_an_incremental_index_is_the_cold_one_with_unchanged_fragments_linked(tmp_path):
    before = _inodes(_built(tmp_path / "site"))
    output = _built(tmp_path / "site", EDITED)
    after = _inodes(output)
    linked = {name for name, inode in after.items() if before.get(name) == inode}
    assert len(after) == len(INDEXED) and len(linked) == len(INDEXED) - 1  # all but the edited page
    edited = next(name for name in after if name not in linked)
    assert "Oder per Post." in index_fragments(output)["/faq/rechnung/"]["content"]
    assert edited not in before
    cold = _built(tmp_path / "cold", EDITED)
    assert _tree(output / "pagefind") == _tree(cold / "pagefind")


def test_a_rebuild_cuts_and_splits_only_the_changed_page(tmp_path, monkeypatch):
    _built(tmp_path)
    monkeypatch.setattr(search.isolated, "run", lambda work: work())  # the spies are in this process
    cut, split = [], []
    stand_in, compound_terms = search.standins._stand_in, search.index.compound_terms
    monkeypatch.setattr(search.standins, "_stand_in",
                        lambda document, data: cut.append(document.save_as) or stand_in(document, data))
    monkeypatch.setattr(search.index, "compound_terms",
                        lambda page: split.append(page) or compound_terms(page))
    _built(tmp_path, EDITED)
    assert cut == ["faq/rechnung/index.html"]  # the other pages did not change
    assert len(split) == 1 and "Oder per Post." in split[0]
    # The cache holds this build's pages only.
    stored = cache.load(_cache_settings(tmp_path), search.index.rules(_cache_settings(tmp_path)))
    assert len(stored["pages"]) == len(INDEXED) and len(stored["terms"]) == len(INDEXED)
    # Kept packed (a quarter of the memory); unpacked, the page the edit changed.
    assert all(type(page) is bytes for page in stored["pages"].values())
    assert any("Oder per Post." in search.standins.unpack(page) for page in stored["pages"].values())


@pytest.mark.forks
def test_pagefind_and_the_word_lists_work_in_a_forked_child_not_in_the_build_process(tmp_path, monkeypatch):
    for name in ("_splits", "_zipf", "_noun", "_modules"):
        monkeypatch.setattr(compounds, name, {})
    seen = tmp_path / "pids"
    original = search.index.run_pagefind

    def recording(pages, meanwhile=None):
        seen.write_text(str(os.getpid()), encoding="utf-8")
        return original(pages, meanwhile)

    monkeypatch.setattr(search.index, "run_pagefind", recording)
    output = _built(tmp_path)
    assert int(seen.read_text(encoding="utf-8")) != os.getpid()
    assert compounds._modules == {} and compounds._zipf == {}  # never loaded here
    records = index_fragments(output)
    assert set(records) == INDEXED
    assert {"Vertrauen", "Kunde"} <= set(records["/artikel/was-kundenvertrauen-ausmacht/"]["meta"]["begriffe"].split())


def test_a_failure_in_the_forked_child_is_one_clear_error(tmp_path, monkeypatch):
    def broken(pages, meanwhile=None):
        raise RuntimeError("Pagefind crashed")

    monkeypatch.setattr(search.index, "run_pagefind", broken)
    result, _output = build(tmp_path, FILES)
    assert not result.ok
    assert [p.message for p in result.errors] == ["search index: could not be built: RuntimeError: Pagefind crashed"]


def test_a_rebuild_without_new_words_does_not_load_the_word_lists(tmp_path, monkeypatch):
    _built(tmp_path)
    # As in a new process: no word splits in memory, only in the cache.
    for name in ("_splits", "_zipf", "_noun", "_modules"):
        monkeypatch.setattr(compounds, name, {})

    def no_word_lists(name):
        raise AssertionError(f"{name} loaded although no page has a new word")

    monkeypatch.setattr(compounds, "_module", no_word_lists)
    files = dict(FILES, **{"faq/rechnung.md": FILES["faq/rechnung.md"] + "\n        Im Kundenportal.\n"})
    output = _built(tmp_path, files)
    assert index_fragments(output)["/faq/rechnung/"]["content"].count("Im Kundenportal.") == 2


def _unpacked_pages_cache(tmp_path):
    """A cache file as it looks from outside, but with stand-in pages as text."""
    settings = _cache_settings(tmp_path)
    rules = search.index.rules(settings)
    stored = cache.load(settings, rules)
    stored["pages"] = {key: search.standins.unpack(page) for key, page in stored["pages"].items()}
    file = cache._file(settings)
    return datacache.MAGIC + datacache.encode(file._header(list(rules))) + datacache.encode(stored)


@pytest.mark.parametrize("damage", [
    datacache.MAGIC + b"\xa5 not cbor",
    pickle.dumps({"pages": {}}),  # no magic: not a cache file of this project
    _unpacked_pages_cache,  # right header, wrong kind of page
])
def test_a_damaged_or_foreign_cache_is_discarded_with_a_notice(tmp_path, damage):
    _built(tmp_path)
    path = tmp_path / "cache" / "search" / "index.cbor"
    path.write_bytes(damage(tmp_path) if callable(damage) else damage)
    result, output = build(tmp_path, EDITED)
    assert result.ok, result.report()
    assert any("cache is damaged or foreign" in p.message and "index.cbor" in p.message
               for p in result.notices), result.report()
    assert set(index_fragments(output)) == INDEXED
    assert path.read_bytes().startswith(datacache.MAGIC)  # rewritten
    settings = _cache_settings(tmp_path)
    assert len(cache.load(settings, search.index.rules(settings))["pages"]) == len(INDEXED)


def test_only_identical_files_of_the_previous_index_are_linked(tmp_path):
    output = _built(tmp_path / "site")
    # A previous fragment under its old name but with other bytes (say, damaged).
    damaged = sorted((output / "pagefind" / "fragment").iterdir())[0]
    damaged.unlink()
    damaged.write_bytes(b"kaputt")
    output = _built(tmp_path / "site", EDITED)
    assert _tree(output / "pagefind") == _tree(_built(tmp_path / "cold", EDITED) / "pagefind")


def test_a_failing_pagefind_is_one_clear_error(tmp_path, monkeypatch):
    script = tmp_path / "pagefind"
    script.write_text("#!/bin/sh\necho 'Fehler: kaputt' >&2\nexit 3\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(script))
    result, output = build(tmp_path / "site")
    assert not result.ok
    (error,) = result.errors
    assert error.message.startswith("search index: Pagefind: could not build the index (Pagefind stopped")
    assert "exit code 3" in error.message and "Fehler: kaputt" in error.message
    assert not output.exists()


def test_an_unreadable_answer_is_an_error_not_a_hang(tmp_path):
    script = tmp_path / "pagefind"
    script.write_text("#!/bin/sh\necho 'Indexed 3 pages,'\ncat > /dev/null\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    with pytest.raises(PagefindError, match="unreadable answer: b'Indexed 3 pages'"):
        PagefindService(binary=str(script))


def test_pages_sent_without_waiting_are_answered_in_order():
    page = '<html lang="de"><body><main data-pagefind-body><p>Seite {}</p></main></body></html>'
    with PagefindService() as service:
        sent = [service.add_html_file(f"seite-{i}/index.html", page.format(i)) for i in range(40)]
        answers = [service.answer(message_id, "IndexedFile") for message_id in sent]
        with pytest.raises(PagefindError, match="expected WriteFiles"):
            service.call({"type": "WriteFiles", "index_id": service.index_id + 7, "output_path": "x"},
                         "WriteFiles")
    assert [a["page_url"] for a in answers] == [f"/seite-{i}/" for i in range(40)]
    assert {a["page_word_count"] for a in answers} == {2}


def _spans_by_pattern(page, attribute):
    """element_spans as it was before: the start-tag pattern searched from each position."""
    spans, position = [], 0
    while start := START_TAGS[attribute].search(page, position):
        name = start.group(1)
        if name.lower() in search.standins.VOID_ELEMENTS:
            spans.append((start.start(), start.end()))
            position = start.end()
            continue
        depth, end = 0, len(page)
        for tag in re.finditer(rf"<(/?){re.escape(name)}\b[^>]*>", page[start.start():], re.I):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = start.start() + tag.end()
                break
        spans.append((start.start(), end))
        position = end
    return spans


@pytest.mark.parametrize("page", [
    '<p>Das Attribut data-pagefind-body markiert den Text.</p><div data-pagefind-body>Eins</div>',
    '<a title="data-pagefind-body" href="#">x</a><section class="a" data-pagefind-body="">Zwei</section>',
    '<div data-pagefind-body-extra>nein</div><div\ndata-pagefind-body\n>Drei</div>',
    '<div title="a>b" data-pagefind-body>vier</div><article data-pagefind-body><p>Fünf</p></article>',
    '<div title="x<y" data-pagefind-body>Sechs</div>',
    '<pre>&lt;div data-pagefind-body&gt;</pre><main data-pagefind-body><main>x</main>y</main>',
    '<img data-pagefind-ignore alt=""><p>a <span data-pagefind-ignore>b</span> c</p>'
    '<div data-pagefind-ignore><div>d</div></div><p data-pagefind-ignore>nie geschlossen',
    "data-pagefind-body data-pagefind-ignore",
])
def test_the_quick_start_tag_search_finds_what_the_pattern_finds(page):
    for attribute in START_TAGS:
        assert element_spans(page, attribute) == _spans_by_pattern(page, attribute)


def test_the_cache_folder_holds_one_file(tmp_path):
    """Thousands of small cache files would cost more to write than they save."""
    _built(tmp_path)
    assert os.listdir(tmp_path / "cache" / "search") == ["index.cbor"]
