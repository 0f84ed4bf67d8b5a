"""`make serve` end to end: a saved edit is served and the browsers are told to
reload; a saved mistake keeps the last good site on screen, with the problems
on top of every page.

The warm builder (build.live) runs in a child process on a copy of the sample
site and a free port of 127.0.0.1; a websocket client stands in for the
browser's live-reload script. Every wait is bounded; the test stops the child.
"""

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from websockets.sync.client import connect

from build import live
from tests.speed.test_incremental_equivalence import Site
from tests.support.server import free_port, stop_group
from tests.support.sites import FIXED_NOW, ROOT, project_settings

PLUGINS = os.path.join(ROOT, "plugins")

DRIVER = """
import json, sys
sys.path.insert(0, sys.argv[1])
from build.live import LiveServer, WarmBuilder
root, settings_file, overrides, port = sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), int(sys.argv[5])
builder = WarmBuilder(settings_file, overrides)
first = builder.build(search=True)
print(first.report(), flush=True)
server = LiveServer(root, "127.0.0.1", port, builder, restart=lambda: None)
server.start_serving(overrides["OUTPUT_PATH"])
if not first.ok:
    server.failed(first)
try:
    server.watch()
finally:
    server.stop()
"""


class Lines:
    """The child's output, read in a thread so waits can be bounded."""

    def __init__(self, stream):
        self.seen = []
        self._queue = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream):
        for line in iter(stream.readline, ""):
            self._queue.put(line)

    def wait_for(self, text, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return line
        pytest.fail(f"no line with {text!r} within {timeout} s; output was:\n{''.join(self.seen)}")


def _page(url):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read().decode("utf-8")


def _answer(url):
    """(status, text) without raising on an error status."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode("utf-8")


def _serving(url, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            return _page(url)
        time.sleep(0.2)
    pytest.fail(f"{url} was not served within {timeout} s")


def _hello(browser, url):
    """The live-reload handshake of the browser's client script, for the page at `url`."""
    browser.send(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    assert json.loads(browser.recv(timeout=10))["command"] == "hello"
    browser.send(json.dumps({"command": "info", "url": url, "plugins": {}}))
    # The server answers nothing to "info", and only then does it count this browser
    # among those it reloads. A second hello is answered after the info was handled,
    # so a reload sent after this returns reaches the browser.
    browser.send(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    assert json.loads(browser.recv(timeout=10))["command"] == "hello"


@contextlib.contextmanager
def _running(site, tmp_path):
    """The live-reload server on `site`: (base URL, its output lines, output folder)."""
    port = free_port()
    overrides = {"PATH": str(site.content), "THEME": str(site.theme), "OUTPUT_PATH": str(tmp_path / "out"),
                 "CACHE_PATH": str(tmp_path / "cache"), "PLUGIN_PATHS": [PLUGINS], "SITE_NOW": FIXED_NOW,
                 "LIVERELOAD_PORT": port}
    child = subprocess.Popen(
        [sys.executable, "-c", DRIVER, PLUGINS, str(site.base), os.path.join(ROOT, "pelicanconf.py"),
         json.dumps(overrides), str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        yield f"http://127.0.0.1:{port}", Lines(child.stdout), tmp_path / "out"
    finally:
        stop_group(child)
        child.stdout.close()


@pytest.fixture
def live_site(tmp_path):
    site = Site(tmp_path / "site")
    with _running(site, tmp_path) as (base, output, built):
        yield site, base, output, built


def _article(site, output):
    """An article's file and the address of its page (found by its title in the built site)."""
    return _article_at(sorted((site.content / "artikel").glob("*.md"))[1], output)


def _article_at(path, output):
    title = path.read_text(encoding="utf-8").split("\n", 1)[0].removeprefix("Title: ")
    pages = [page for page in sorted(output.glob("artikel/*/index.html"))
             if f"<h1>{title}</h1>" in page.read_text(encoding="utf-8")]
    assert len(pages) == 1, title
    return path, "/" + pages[0].parent.relative_to(output).as_posix() + "/"


def test_a_saved_edit_is_served_and_a_mistake_keeps_the_last_good_site_with_its_problems_on_top(live_site):
    site, base, output, built = live_site
    assert "<html" in _serving(base + "/")
    path, address = _article(site, built)
    original = path.read_text(encoding="utf-8")
    assert "Gerade gespeichert" not in _page(base + address)

    with connect(base.replace("http", "ws") + "/livereload", open_timeout=10) as browser:
        _hello(browser, base + address)

        path.write_text(original.rstrip("\n") + "\n\nGerade gespeichert: ein neuer Absatz.\n", encoding="utf-8")
        output.wait_for(f"Preview of {address} served")  # the edited page first (build.preview) …
        assert json.loads(browser.recv(timeout=10))["command"] == "reload"
        assert "Gerade gespeichert: ein neuer Absatz." in _page(base + address)
        output.wait_for("Reloaded the browsers")  # … then the whole site
        assert json.loads(browser.recv(timeout=10))["command"] == "reload"
        assert "Gerade gespeichert: ein neuer Absatz." in _page(base + address)

        path.write_text(original.replace("Date: ", "Date: 32.13.", 1), encoding="utf-8")
        output.wait_for("Changed: ")
        problem = output.wait_for(path.name)
        assert "Date" in problem, problem
        output.wait_for("show the last good build, with these problems on top")
        assert json.loads(browser.recv(timeout=10))["command"] == "reload"  # to show the problems
        page = _page(base + address)
        assert "Gerade gespeichert: ein neuer Absatz." in page  # the last good build …
        assert 'role="alert"' in page and "Der Build ist fehlgeschlagen" in page  # … with its problems
        assert f"content/artikel/{path.name}: Date: &#x27;32.13." in page

        path.write_text(original, encoding="utf-8")  # fixed
        output.wait_for("Reloaded the browsers")
        assert "Der Build ist fehlgeschlagen" not in _page(base + address)
    assert "Traceback" not in "".join(output.seen)


def test_after_a_new_title_the_browser_on_the_old_address_lands_on_the_retitled_article(live_site):
    site, base, output, built = live_site
    assert "<html" in _serving(base + "/")
    texts = {p: p.read_text(encoding="utf-8") for p in site.content.rglob("*.md")}
    # An article no other text links to by its address: the new title moves it.
    path, address = next((p, a) for p in sorted((site.content / "artikel").glob("*.md"))
                         for _p, a in [_article_at(p, built)]
                         if not any(a.strip("/").split("/")[-1] in text for q, text in texts.items() if q != p))
    original = texts[path]
    title = original.split("\n", 1)[0].removeprefix("Title: ")

    with connect(base.replace("http", "ws") + "/livereload", open_timeout=10) as browser:
        _hello(browser, base + address)
        path.write_text(original.replace(f"Title: {title}", "Title: Ganz anders genannt", 1), encoding="utf-8")
        line = output.wait_for("Preview of /artikel/ganz-anders-genannt/ and ")  # with the pages listing it
        assert "pages that list it served" in line
        assert json.loads(browser.recv(timeout=10))["command"] == "reload"
        for moment in ("preview", "build"):
            with urllib.request.urlopen(base + address, timeout=10) as answer:  # follows the redirect
                assert answer.url == base + "/artikel/ganz-anders-genannt/", moment
                assert "<h1>Ganz anders genannt</h1>" in answer.read().decode("utf-8"), moment
            assert "Ganz anders genannt" in _page(base + "/"), moment
            if moment == "preview":
                output.wait_for("Reloaded the browsers")
                assert json.loads(browser.recv(timeout=10))["command"] == "reload"
        assert not (built / address.strip("/") / "index.html").exists()  # the build has no page there
    assert "Traceback" not in "".join(output.seen)


def test_when_the_first_build_fails_every_address_shows_the_problems_until_the_fix_is_saved(tmp_path):
    site = Site(tmp_path / "site")
    broken = site.content / "artikel" / "kaputt.md"
    broken.write_text("Title: Kaputt\nDate: 32.13.2026\n\nText.\n", encoding="utf-8")
    with _running(site, tmp_path) as (base, output, _built):
        output.wait_for("Build failed")
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                status, text = _answer(base + "/artikel/irgendwas/")
                if "Die Website konnte nicht gebaut werden" in text:
                    break
            assert time.monotonic() < deadline, "no page with the problems"
            time.sleep(0.2)
        assert status == 503 and '<html lang="de">' in text
        assert "content/artikel/kaputt.md: Date: &#x27;32.13.2026&#x27; is not a date and time" in text
        assert "/livereload.js?port=" in text  # it reloads by itself once fixed
        with connect(base.replace("http", "ws") + "/livereload", open_timeout=10) as browser:
            _hello(browser, base + "/")
            broken.write_text("Title: Repariert\nDate: 2026-11-02 10:00\n\nText.\n", encoding="utf-8")
            output.wait_for("Reloaded the browsers")
            assert json.loads(browser.recv(timeout=10))["command"] == "reload"
        status, text = _answer(base + "/")
        assert status == 200 and "Die Website konnte nicht gebaut werden" not in text


@pytest.mark.parametrize(("path", "kind"), [
    ("content/artikel/neu.md", "content"),
    ("content/bilder/foto.png", "content"),
    ("theme/templates/article.html", "content"),
    ("plugins/topics/match.py", "restart"),
    ("pelicanconf.py", "restart"),
    ("publishconf.py", "restart"),
    ("plugins/topics/README.md", None),
    ("output/index.html", None),
    (".cache/speed/manifest.cbor", None),
    ("content/artikel/.neu.md.swp", None),
    ("content/artikel/neu.md~", None),
    ("content/artikel/.#neu.md", None),
    ("theme/templates/.article.html.swp", None),
])
def test_what_a_change_means_to_the_builder(tmp_path, path, kind):
    """Content and theme rebuild warm; code and settings are imported once per
    process, so a change there restarts the builder; anything else is ignored,
    also the swap and backup files of editors that the build ignores (IGNORE_FILES)."""
    ignore_files = project_settings()["IGNORE_FILES"]
    assert live._kind(str(tmp_path / path), str(tmp_path), ignore_files) == kind
