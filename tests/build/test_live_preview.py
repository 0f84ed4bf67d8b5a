"""The live-reload server's preview of an edited page (build.preview).

After an edit to the text alone of one article or page, the page is rendered
by itself from the last good build and must be byte for byte the page the
build that follows writes; after a new title, so must every page that lists
the document, and its old address redirects to the new one; any other change
gets no preview; a preview never touches output/. The serving half: a
preview is served in place of the built file or at a new address, the
browsers reload, and it is withdrawn by the next build, good or failed.
"""

import contextlib
import errno
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from websockets.sync.client import connect

from build import preview as preview_module
from build.live import LiveServer, WarmBuilder
from build.preview import moved_to
from kit import atomic, pelican_door
from tests.build.test_live_reload import _hello
from tests.speed.test_incremental_equivalence import Site, _assert_same_tree
from tests.support.server import free_port, stop_group
from tests.support.sites import FIXED_NOW, ROOT

PLUGINS = os.path.join(ROOT, "plugins")
ARTICLE = "kritik-ist-ein-geschenk"
NEW_TEXT = "Ein Absatz, gerade eben gespeichert."


class Live:
    """The builder half of `make serve` in this process (no serving child)."""

    def __init__(self, tmp_path, now=FIXED_NOW):
        self.site = Site(tmp_path / "site")
        self.output = tmp_path / "out"
        overrides = {"PATH": str(self.site.content), "THEME": str(self.site.theme),
                     "OUTPUT_PATH": str(self.output), "CACHE_PATH": str(tmp_path / "cache"),
                     "PLUGIN_PATHS": [PLUGINS], "SITE_NOW": now}
        self.builder = WarmBuilder(os.path.join(ROOT, "pelicanconf.py"), overrides)
        first = self.builder.build()
        assert first.ok, first.report()
        self.server = LiveServer(str(self.site.base), "127.0.0.1", free_port(), self.builder,
                                 restart=lambda: None)
        self.preview = self.server.preview
        self.preview.folder = str(tmp_path / "preview")

    def edit(self, path, old, new):
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def add_paragraph(self, path, paragraph=NEW_TEXT):
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{paragraph}\n", encoding="utf-8")

    def shown(self, *paths):
        """What the server would serve before building (build.preview.Shown) or None."""
        found = self.preview.noticed([str(p) for p in paths])
        return self.preview.render(found[0]) if found else None

    def preview_of(self, *paths):
        """The edited document's page in the preview: (output name, file) or None."""
        shown = self.shown(*paths)
        return None if shown is None else shown.page

    def build(self):
        self.preview.forget()
        result = self.builder.build()
        self.server.kept()
        return result


@pytest.fixture
def live(tmp_path):
    live = Live(tmp_path)
    yield live
    live.server.stop()


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(params=[FIXED_NOW, None], ids=["frozen clock", "clock running"])
def live_either_clock(tmp_path, request):
    live = Live(tmp_path, now=request.param)
    yield live
    live.server.stop()


def test_the_preview_of_a_text_edit_is_the_page_the_build_then_writes(live_either_clock):
    live = live_either_clock
    path = live.site.article(ARTICLE)
    before = _tree(live.output)
    live.add_paragraph(path)

    name, file = live.preview_of(path)

    assert name == f"artikel/{ARTICLE}/index.html"
    preview = open(file, "rb").read()
    assert NEW_TEXT.encode() in preview
    assert not file.startswith(str(live.output))
    assert _tree(live.output) == before  # output/ is only ever a whole build
    assert live.build().ok
    assert (live.output / name).read_bytes() == preview


def test_every_later_text_edit_gets_its_preview_and_the_site_stays_a_cold_build(live, tmp_path):
    path = live.site.article(ARTICLE)
    for number in range(3):
        live.add_paragraph(path, f"Absatz Nummer {number}.")
        name, file = live.preview_of(path)
        assert f"Absatz Nummer {number}.".encode() in open(file, "rb").read()
        assert live.build().ok
        assert (live.output / name).read_bytes() == open(file, "rb").read()
    live.site.overrides["SEARCH_INDEX"] = False  # the server indexes only when asked (--search)
    live.site.build(tmp_path / "cold", tmp_path / "cold-cache")
    _assert_same_tree(live.output, tmp_path / "cold")


def test_a_page_of_the_site_gets_a_preview_too(live):
    path = live.site.content / "seiten" / "impressum.md"
    live.add_paragraph(path)
    name, file = live.preview_of(path)
    assert name.endswith("index.html") and NEW_TEXT.encode() in open(file, "rb").read()
    assert live.build().ok
    assert (live.output / name).read_bytes() == open(file, "rb").read()


TITLE = "Title: Kritik ist ein Geschenk"
NEW_TITLE = "Title: Beschwerden sind wertvoll"
NEW_NAME = "artikel/beschwerden-sind-wertvoll/index.html"


def test_after_a_new_title_every_page_that_lists_the_article_is_previewed_as_the_build_then_writes(
        live_either_clock):
    live = live_either_clock
    path = live.site.article(ARTICLE)
    before = _tree(live.output)
    live.edit(path, TITLE, NEW_TITLE)

    shown = live.shown(path)

    old = f"artikel/{ARTICLE}/index.html"
    assert shown.page[0] == NEW_NAME and shown.moved == {old: NEW_NAME}
    assert "Beschwerden sind wertvoll" in open(shown.page[1], encoding="utf-8").read()
    listing = {"index.html", "archiv/index.html", "kategorie/kundendialog/index.html",
               "themen/kritik/index.html", "autoren/jonas-petersen/index.html"}
    assert listing <= set(shown.pages), sorted(shown.pages)
    assert old not in shown.pages
    neighbours = [name for name in shown.pages if name.startswith("artikel/") and name != NEW_NAME]
    assert neighbours  # their links to the previous and next article name it
    for name in listing | set(neighbours):
        text = open(shown.pages[name], encoding="utf-8").read()
        assert "Beschwerden sind wertvoll" in text and "/artikel/beschwerden-sind-wertvoll/" in text, name
    assert _tree(live.output) == before  # output/ is only ever a whole build
    assert live.build().ok
    for name, file in shown.pages.items():
        assert (live.output / name).read_bytes() == open(file, "rb").read(), name
    assert not (live.output / old).exists()
    assert live.preview.moved == {old: NEW_NAME}  # after the build too: the browsers on it follow


def test_a_title_edited_back_and_forth_redirects_only_from_the_address_that_is_gone(live):
    path = live.site.article(ARTICLE)
    old = f"artikel/{ARTICLE}/index.html"
    live.edit(path, TITLE, NEW_TITLE)
    assert live.shown(path).moved == {old: NEW_NAME}
    assert live.build().ok
    live.edit(path, NEW_TITLE, "Title: Lob und Tadel")
    third = "artikel/lob-und-tadel/index.html"
    assert live.shown(path).moved == {old: third, NEW_NAME: third}
    assert live.build().ok
    assert live.preview.moved == {old: third, NEW_NAME: third}
    live.edit(path, "Title: Lob und Tadel", TITLE)
    assert live.shown(path).moved == {NEW_NAME: old, third: old}
    assert live.build().ok
    assert live.preview.moved == {NEW_NAME: old, third: old}


def test_when_the_build_after_a_new_title_fails_nothing_has_moved(live):
    # FAQ entries link this article by its address: a new title breaks their links.
    path = live.site.article("datenschutz-im-oeffentlichen-kundendialog")
    title = path.read_text(encoding="utf-8").split("\n", 1)[0]
    live.edit(path, title, "Title: Daten schützen")
    assert live.shown(path).moved == {"artikel/datenschutz-im-oeffentlichen-kundendialog/index.html":
                                      "artikel/daten-schuetzen/index.html"}
    result = live.build()
    assert not result.ok and "Related" in result.report()
    assert live.preview.moved == {}
    live.add_paragraph(path)  # the last good build has the old title: no preview until a good build
    assert live.shown(path) is None


def test_a_new_title_keeps_the_address_an_editor_set_with_a_slug_line(live):
    path = live.site.article(ARTICLE)
    live.edit(path, TITLE, TITLE + "\nSlug: kritik")
    assert live.preview_of(path) is None  # a new line: the build
    assert live.build().ok
    live.edit(path, TITLE, NEW_TITLE)
    shown = live.shown(path)
    assert shown.page[0] == "artikel/kritik/index.html"
    assert shown.moved == {f"artikel/{ARTICLE}/index.html": "artikel/kritik/index.html"}  # the Slug line's move
    assert live.build().ok
    assert (live.output / shown.page[0]).read_bytes() == open(shown.page[1], "rb").read()


def test_no_preview_for_a_new_title_whose_address_another_article_has(live):
    path = live.site.article(ARTICLE)
    other = sorted(p for p in (live.site.content / "artikel").glob("*.md") if p != path)[0]
    other_title = next(line for line in other.read_text(encoding="utf-8").splitlines() if line.startswith("Title:"))
    live.edit(path, TITLE, other_title)
    assert live.shown(path) is None


def test_a_title_preview_that_fails_or_shows_on_too_many_pages_leaves_the_document_as_built(live, monkeypatch):
    path = live.site.article(ARTICLE)
    _generator, document = live.preview.documents[str(path)]
    live.edit(path, TITLE, NEW_TITLE)
    assert live.preview.noticed([str(path)]) == [str(path)]
    monkeypatch.setattr(preview_module, "MOST_PAGES", 3)
    assert live.preview.render(path) is None
    monkeypatch.undo()

    def broken(*_args):
        raise RuntimeError("a template fails")

    monkeypatch.setattr(pelican_door, "render_page", broken)
    assert live.preview.render(path) is None
    assert document.title == "Kritik ist ein Geschenk"  # its state is back …
    assert document.save_as == f"artikel/{ARTICLE}/index.html"
    monkeypatch.undo()
    assert live.preview.render(path).page[0] == NEW_NAME  # … and it is previewed once rendering works


def test_redirects_follow_a_document_that_moves_again_and_never_start_at_a_page():
    assert moved_to({}, {"a": "b"}, None) == {"a": "b"}
    assert moved_to({"a": "b"}, {"b": "c"}, None) == {"a": "c", "b": "c"}
    assert moved_to({"a": "c", "b": "c"}, {"c": "a"}, None) == {"b": "a", "c": "a"}
    assert moved_to({"a": "b"}, {}, {"a", "x"}) == {}  # "a" is a page of the build again


@pytest.mark.parametrize("change", ["title and tags", "tags", "new metadata line", "metadata line removed"])
def test_a_changed_metadata_line_goes_straight_to_the_build(live, change):
    path = live.site.article(ARTICLE)
    text = path.read_text(encoding="utf-8")
    header, body = text.split("\n\n", 1)
    if change == "title and tags":
        header = header.replace(TITLE, NEW_TITLE).replace("Tags: ", "Tags: Kiel, ")
    elif change == "tags":
        header = "\n".join(line + ", Kiel" if line.startswith("Tags:") else line for line in header.split("\n"))
    elif change == "new metadata line":
        header += "\nSummary: Eine neue Zusammenfassung."
    else:
        header = "\n".join(header.split("\n")[:-1])
    path.write_text(f"{header}\n\n{body}\n\n{NEW_TEXT}\n", encoding="utf-8")
    assert live.preview_of(path) is None


def test_no_preview_for_several_files_a_new_file_an_faq_entry_or_a_text_the_reader_refuses(live):
    first, second = live.site.article(ARTICLE), sorted((live.site.content / "artikel").glob("*.md"))[0]
    assert first != second
    live.add_paragraph(first)
    live.add_paragraph(second)
    assert live.preview_of(first, second) is None

    new = live.site.content / "artikel" / "ganz-neu.md"
    new.write_text("Title: Ganz neu\nDate: 2026-11-20 10:00\nCategory: Kundendialog\n\nText.\n", encoding="utf-8")
    assert live.preview_of(new) is None

    faq = sorted((live.site.content / "faq").glob("*.md"))[0]
    live.add_paragraph(faq)
    assert live.preview_of(faq) is None

    third = sorted((live.site.content / "artikel").glob("*.md"))[2]
    header = third.read_text(encoding="utf-8").split("\n\n", 1)[0]
    third.write_text(header + "\n\n<!-- nur ein Kommentar -->\n", encoding="utf-8")  # "text: empty"
    assert live.preview_of(third) is None


def test_a_temporary_file_an_editor_wrote_and_removed_while_saving_does_not_stop_the_preview(live):
    path = live.site.article(ARTICLE)
    live.add_paragraph(path)
    gone = live.site.content / "artikel" / "4913"  # vim checks it may write the folder so
    assert live.preview_of(path, gone) is not None
    left = live.site.content / "bilder" / "neu.png"
    left.write_bytes(b"\x89PNG\r\n\x1a\n")
    live.add_paragraph(path, "Noch ein Absatz.")
    assert live.preview_of(path, left) is None  # a file the build does see: no preview


def test_after_a_failed_build_a_file_whose_metadata_changed_waits_for_a_good_build(live):
    path = live.site.article(ARTICLE)
    live.edit(path, "Title: Kritik ist ein Geschenk", "Title: Kritik ist ein Geschenk\nDate: 32.13.2026")
    assert live.preview_of(path) is None
    assert not live.build().ok
    live.add_paragraph(path)  # metadata as in the failed build, text changed
    assert live.preview_of(path) is None  # the last good build has other metadata
    live.edit(path, "\nDate: 32.13.2026", "")
    assert live.preview_of(path) is None
    assert live.build().ok
    live.add_paragraph(path, "Noch ein Absatz.")
    assert live.preview_of(path) is not None


def test_no_preview_when_it_cannot_be_written_and_the_build_still_runs(live, monkeypatch):
    def disk_full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic, "write_text", disk_full)
    path = live.site.article(ARTICLE)
    live.add_paragraph(path)
    assert live.preview_of(path) is None
    monkeypatch.undo()  # room again for the build
    assert live.build().ok
    assert NEW_TEXT in (live.output / "artikel" / ARTICLE / "index.html").read_text(encoding="utf-8")


def test_no_preview_when_the_kit_does_not_know_this_pelican(live, monkeypatch):
    monkeypatch.setattr(pelican_door, "is_open", lambda: False)
    path = live.site.article(ARTICLE)
    live.add_paragraph(path)
    assert live.preview_of(path) is None


# -- the serving child ------------------------------------------------------------


@contextlib.contextmanager
def _serving_child(output):
    port = free_port()
    child = subprocess.Popen([sys.executable, "-m", "build.live_server", str(output), "127.0.0.1", str(port)],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             cwd=ROOT, env=dict(os.environ, PYTHONPATH=PLUGINS), start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            _get(base + "/")
            break
        except OSError:
            assert time.monotonic() < deadline, "the serving child did not answer"
            time.sleep(0.1)
    try:
        yield base, lambda line: (child.stdin.write(line.encode() + b"\n"), child.stdin.flush())
    finally:
        stop_group(child)
        child.stdin.close()


def _get(url):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read().decode("utf-8")


def test_the_child_serves_a_preview_until_the_next_build_and_withdraws_it_when_that_build_failed(tmp_path):
    output, previews = tmp_path / "out", tmp_path / "previews"
    (output / "artikel" / "a").mkdir(parents=True)
    (output / "index.html").write_text("<p>Startseite</p>", encoding="utf-8")
    (output / "artikel" / "a" / "index.html").write_text("<p>gebaut</p>", encoding="utf-8")
    (previews / "1").mkdir(parents=True)
    (previews / "1" / "a.html").write_text("<p>Vorschau mit längerem Text</p>", encoding="utf-8")
    (previews / "2").mkdir()
    (previews / "2" / "a.html").write_text("<p>zweite Vorschau</p>", encoding="utf-8")

    with _serving_child(output) as (base, tell), \
            connect(base.replace("http", "ws") + "/livereload", open_timeout=10) as browser:
        _hello(browser, base + "/artikel/a/")
        tell("preview " + json.dumps({"artikel/a/index.html": str(previews / "1" / "a.html")}))
        assert json.loads(browser.recv(timeout=10))["command"] == "reload"
        assert _get(base + "/artikel/a/") == "<p>Vorschau mit längerem Text</p>"
        assert _get(base + "/artikel/a/index.html") == "<p>Vorschau mit längerem Text</p>"
        assert _get(base + "/") == "<p>Startseite</p>"

        tell("reload")  # the build is in place
        assert json.loads(browser.recv(timeout=10))["command"] == "reload"
        assert _get(base + "/artikel/a/") == "<p>gebaut</p>"

        tell("preview " + json.dumps({"artikel/a/index.html": str(previews / "2" / "a.html")}))
        assert json.loads(browser.recv(timeout=10))["command"] == "reload"
        assert _get(base + "/artikel/a/") == "<p>zweite Vorschau</p>"
        tell("problems " + json.dumps(["content/artikel/a.md: Date: …"]))
        assert json.loads(browser.recv(timeout=10))["command"] == "reload"  # back to the last good site
        assert _get(base + "/artikel/a/") == "<p>gebaut</p>"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None


def _status(url):
    """(status, Location) of an answer, redirects not followed."""
    try:
        with urllib.request.build_opener(_NoRedirect).open(url, timeout=10) as answer:
            return answer.status, answer.headers.get("Location")
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("Location")


def test_the_child_serves_a_retitled_page_at_its_new_address_and_redirects_the_old_one(tmp_path):
    output, previews = tmp_path / "out", tmp_path / "previews"
    (output / "artikel" / "alt").mkdir(parents=True)
    (output / "artikel" / "alt" / "index.html").write_text("<p>alter Titel</p>", encoding="utf-8")
    (output / "index.html").write_text("<p>Startseite, alter Titel</p>", encoding="utf-8")
    (output / "404.html").write_text("<p>Nicht gefunden</p>", encoding="utf-8")
    (previews / "1" / "artikel" / "neu").mkdir(parents=True)
    (previews / "1" / "artikel" / "neu" / "index.html").write_text("<p>neuer Titel</p>", encoding="utf-8")
    (previews / "1" / "index.html").write_text("<p>Startseite, neuer Titel</p>", encoding="utf-8")

    with _serving_child(output) as (base, tell), \
            connect(base.replace("http", "ws") + "/livereload", open_timeout=10) as browser:
        _hello(browser, base + "/artikel/alt/")
        assert _status(base + "/artikel/neu/")[0] == 404
        tell("moved " + json.dumps({"artikel/alt/index.html": "artikel/neu/index.html"}))
        tell("preview " + json.dumps({"artikel/neu/index.html": str(previews / "1" / "artikel/neu/index.html"),
                                      "index.html": str(previews / "1" / "index.html")}))
        assert json.loads(browser.recv(timeout=10))["command"] == "reload"
        assert _status(base + "/artikel/alt/") == (302, "/artikel/neu/")
        assert _status(base + "/artikel/alt/index.html") == (302, "/artikel/neu/")
        assert _get(base + "/artikel/alt/") == "<p>neuer Titel</p>"  # where a reloading browser lands
        assert _get(base + "/artikel/neu/index.html") == "<p>neuer Titel</p>"
        assert _get(base + "/") == "<p>Startseite, neuer Titel</p>"

        tell("moved {}")  # e.g. the build failed: the last good site, as it was
        tell("problems " + json.dumps(["content/artikel/alt.md: Date: …"]))
        assert json.loads(browser.recv(timeout=10))["command"] == "reload"
        assert _status(base + "/artikel/alt/")[0] == 200
        assert _status(base + "/artikel/neu/")[0] == 404


def test_while_the_last_build_failed_every_page_shows_its_problems_on_top(tmp_path):
    output = tmp_path / "out"
    (output / "artikel" / "a").mkdir(parents=True)
    page = '<!doctype html><html lang="de"><head><title>A</title></head><body class="x"><main>Text</main></body></html>'
    (output / "artikel" / "a" / "index.html").write_text(page, encoding="utf-8")
    (output / "bild.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (output / "index.html").write_text("<p>Startseite</p>", encoding="utf-8")
    with _serving_child(output) as (base, tell):
        tell("problems " + json.dumps(["content/artikel/a.md: Date: '32.13.' is not a date <script>"]))
        deadline = time.monotonic() + 10
        while 'role="alert"' not in (shown := _get(base + "/artikel/a/")):
            assert time.monotonic() < deadline, shown
            time.sleep(0.05)
        head, rest = shown.split('<body class="x">', 1)
        assert 'role="alert"' not in head
        assert rest.startswith('<div class="notice" role="alert" lang="de">')
        assert "content/artikel/a.md: Date: &#x27;32.13.&#x27; is not a date &lt;script&gt;" in rest
        assert rest.endswith("<main>Text</main></body></html>")
        assert 'role="alert"' in _get(base + "/artikel/a/index.html")
        with urllib.request.urlopen(base + "/bild.png", timeout=10) as answer:
            assert answer.read() == b"\x89PNG\r\n\x1a\n"  # not a page: as it is
        tell("reload")
        deadline = time.monotonic() + 10
        while 'role="alert"' in (shown := _get(base + "/artikel/a/")):
            assert time.monotonic() < deadline, shown
            time.sleep(0.05)
        assert '<body class="x"><main>Text</main></body></html>' in shown
