"""`make serve`: a warm live-reload server.

Two processes:

- this one, the builder, watches the content and the theme with inotify
  (watchfiles) and builds when a file changes. It keeps what a build learns
  in memory for the next one: the modules stay imported, the compiled
  templates (an in-memory Jinja bytecode cache), the parsed documents, the
  speed plugin's caches and which file has which content hash (SPEED_WARM,
  speed/warm.py). It skips the up-to-date check (it knows what changed).
  Each build is still a complete build with the same guarantees as
  `invoke build`: atomic swap of output/, the build lock, one line per
  problem; so the result is byte for byte what a cold build writes.
- a child (build.live_server) serves output/ and the live-reload websocket,
  also while a build runs, and reloads the browsers when the builder says a
  new build is in place.

After an edit to the text of one article or page, the builder first renders
that page alone from the last good build and the child serves it in place of
the built file (build.preview), then it builds the whole site.

The builder has no threads, so its builds fork their reading and rendering
workers like any build (kit.child). A change to plugins or settings restarts
the builder (code and settings are imported once per process). A build with
problems prints them; the browsers keep the last good site, every page with
the problems at its top.
"""

import fnmatch
import json
import os
import subprocess
import sys
import time

from jinja2 import BytecodeCache

from . import run
from .preview import Preview

WATCH_DEBOUNCE_MS = 30


_COMPILED = {}  # template key → (checksum of its source, compiled code)


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept for the next build in this process (never on disk:
    Jinja's file cache holds code, which a cache directory must not). It holds no
    state of its own, so as a settings value it hashes the same in every build."""

    def load_bytecode(self, bucket):
        code = _COMPILED.get(bucket.key)
        if code is not None and code[0] == bucket.checksum:
            bucket.code = code[1]

    def dump_bytecode(self, bucket):
        _COMPILED[bucket.key] = (bucket.checksum, bucket.code)


class WarmBuilder:
    """Builds in this process, keeping what can be kept (see the module docstring)."""

    def __init__(self, settings_file, overrides=None, search=False):
        self.settings_file = settings_file
        self.overrides = dict(overrides or {})
        self.overrides["SPEED_WARM"] = True
        self.search = search
        self.templates = MemoryBytecodeCache()
        self.generators = []
        self.ignore_files = ()

    def _keep_generators(self, generators):
        self.generators = list(generators)

    def build(self, search=None):
        """One build; the search index only when asked (the previous one is kept otherwise).
        After a good build, `generators` holds its generators (for build.preview)."""
        overrides = dict(self.overrides, SEARCH_INDEX=self.search if search is None else search)
        settings = run.load_settings(self.settings_file, overrides)
        environment = dict(settings.get("JINJA_ENVIRONMENT") or {})
        environment["bytecode_cache"] = self.templates
        settings["JINJA_ENVIRONMENT"] = environment
        self.ignore_files = tuple(settings.get("IGNORE_FILES") or ())
        self.generators = []
        result = run.build(settings=settings, what="invoke livereload", warm=True,
                           on_generators=self._keep_generators, source=(self.settings_file, overrides))
        if not result.ok:
            self.generators = []
        return result


def _kind(path, root, ignore_files=()):
    """'content', 'restart' (plugins, settings) or None for a path the build ignores
    (also a content or theme file matching IGNORE_FILES: an editor's swap or backup file)."""
    rel = os.path.relpath(path, root)
    top = rel.split(os.sep, 1)[0]
    if top in ("content", "theme"):
        name = os.path.basename(path)
        if any(fnmatch.fnmatch(name, pattern) for pattern in ignore_files):
            return None
        return "content"
    if (top == "plugins" and rel.endswith(".py")) or rel in ("pelicanconf.py", "publishconf.py"):
        return "restart"
    return None


class LiveServer:
    """The builder's loop around the serving child."""

    def __init__(self, root, host, port, builder, restart, preview=True):
        self.root, self.host, self.port = root, host, int(port)
        self.builder = builder
        self.restart = restart
        self.server = None
        self.preview = Preview() if preview else None
        self.kept()

    def kept(self):
        """Hand the builder's last good build to the preview."""
        if self.preview is not None and self.builder.generators:
            self.preview.keep(self.builder.generators)
            self.builder.generators = []

    def start_serving(self, output):
        plugins = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [plugins, os.environ.get("PYTHONPATH")])))
        self.server = subprocess.Popen(
            [sys.executable, "-m", "build.live_server", os.path.abspath(output), self.host, str(self.port)],
            stdin=subprocess.PIPE, cwd=self.root, env=env)

    def _tell(self, line):
        if self.server is None:
            return
        try:
            self.server.stdin.write(line.encode("utf-8") + b"\n")
            self.server.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def _tell_moved(self):
        """The old addresses of documents whose address changed while serving redirect."""
        if self.preview is not None:
            self._tell("moved " + json.dumps(self.preview.moved))

    def reload(self):
        self._tell_moved()
        self._tell("reload")

    def failed(self, result):
        """The serving child shows the problems where there is no site to show."""
        self._tell_moved()  # as after the last good build (a preview's are withdrawn)
        self._tell("problems " + json.dumps([str(p) for p in result.problems if p.level == "error"]))

    def show_preview(self, paths, started):
        """Serve the edited page at once when build.preview can render it alone."""
        if self.preview is None:
            return
        for path in self.preview.noticed(paths):
            shown = self.preview.render(path)
            if shown is not None:
                name, _file = shown.page
                if shown.moved != self.preview.moved:
                    self._tell("moved " + json.dumps(shown.moved))
                self._tell("preview " + json.dumps(shown.pages))
                more = f" and {len(shown.pages) - 1} pages that list it" if len(shown.pages) > 1 else ""
                print(f"Preview of /{name.removesuffix('index.html')}{more} served "
                      f"{time.perf_counter() - started:.2f} s after the change; building the site …",
                      flush=True)

    def rebuild(self, names, paths=()):
        started = time.perf_counter()
        shown = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
        print(f"Changed: {shown}", flush=True)
        self.show_preview(paths, started)
        if self.preview is not None:
            self.preview.forget()
        result = self.builder.build()
        self.kept()
        print(result.report(), flush=True)
        if result.ok:
            self.reload()
            print(f"Reloaded the browsers {time.perf_counter() - started:.2f} s after the change.", flush=True)
        else:
            self.failed(result)
            print("The browsers show the last good build, with these problems on top, until they are fixed.",
                  flush=True)
        return result

    def watch(self, stop_event=None):
        from watchfiles import watch

        paths = [os.path.join(self.root, p) for p in ("content", "theme", "plugins", "pelicanconf.py",
                                                       "publishconf.py")]
        paths = [p for p in paths if os.path.exists(p)]
        for changes in watch(*paths, debounce=WATCH_DEBOUNCE_MS, step=WATCH_DEBOUNCE_MS,
                             stop_event=stop_event, raise_interrupt=False):
            kinds = {path: _kind(path, self.root, self.builder.ignore_files) for _change, path in changes}
            changes = {(change, path) for change, path in changes if kinds[path] is not None}
            names = sorted({os.path.relpath(path, self.root) for _change, path in changes})
            if "restart" in kinds.values():
                print("Plugins or settings changed: restarting the live-reload server.", flush=True)
                self.stop()
                self.restart()
                return
            if "content" in kinds.values():
                self.rebuild(names, sorted({path for _change, path in changes}))

    def stop(self):
        if self.preview is not None:
            self.preview.close()
        if self.server is not None and self.server.poll() is None:
            try:
                self.server.stdin.close()
            except OSError:
                pass
            try:
                self.server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait(timeout=5)
