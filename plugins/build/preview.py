"""The edited page first: what `make serve` shows while the rest of the site is built.

A whole warm build takes seconds on a big site, and the editor is looking at
one page. So after an edit to the text of one article or page (its metadata
lines unchanged) the warm server renders that page at once from the last good
build's state with the new text, the serving child shows it in place of the
built file and the browsers reload; then the whole site is built as always
and served in its place. `hugo server` works the same way (it serves the
edited page first and renders the rest after).

The preview lives in a folder of its own and is never written into output/:
output/ is always one complete build. Until the build is done, the preview
shows the last build's values for what depends on other documents or is
derived from the whole site (lists, topic tags, related articles); the build
that follows puts every page right. If that build fails, the preview is
withdrawn and the browsers show the last good site, with the problems on top.

Anything else goes straight to the build: a new, moved or deleted file,
changed metadata lines, several files at once, a document a plugin makes (FAQ
entries, outage notices), a theme file, a text with a mistake the reader
reports, or a Pelican the kit's door was not checked with.
"""

import logging
import os
import re
import shutil
import tempfile

from pelican.generators import ArticlesGenerator, PagesGenerator

from kit import atomic, pelican_door

MARKDOWN = (".md", ".markdown", ".mkd", ".mdown")
HEADER_LIMIT = 64 * 1024
BLANK_LINE = re.compile(rb"\r?\n[ \t]*\r?\n")


def metadata_lines(path):
    """The bytes before the first blank line of a Markdown file (its metadata),
    None when unreadable or when there is no blank line near the top."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEADER_LIMIT)
    except OSError:
        return None
    end = BLANK_LINE.search(head)
    return head[:end.start()] if end else None


class _Quiet(logging.Handler):
    """Takes the place of the console while a preview renders: the build that
    follows reports every problem, once; any warning means no preview."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record):
        self.seen = True


class Preview:
    """The last good build's documents, and the metadata lines of every Markdown file."""

    def __init__(self, folder=None):
        self.folder = folder or tempfile.mkdtemp(prefix="live-preview-")
        self.documents = {}  # source path → (generator, document) of the last good build
        self.headers = {}  # source path → metadata lines as the files were last seen
        self.changed_since_build = set()
        self.count = 0

    def keep(self, generators):
        """After a good build: remember its articles and pages (published ones)."""
        self.documents = {}
        content = None
        for generator in generators:
            if isinstance(generator, ArticlesGenerator):
                groups = (generator.articles, generator.translations)
            elif isinstance(generator, PagesGenerator):
                groups = (generator.pages, generator.translations)
            else:
                continue
            content = content or generator.path
            for group in groups:
                for document in group:
                    self.documents[os.path.abspath(document.source_path)] = (generator, document)
        if not self.headers and content:
            self._scan(content)
        self.changed_since_build.clear()

    def forget(self):
        """Let a build that starts now use the memory (the documents are replaced after it)."""
        self.documents = {}

    def _scan(self, content):
        for folder, _dirs, names in os.walk(content):
            for name in names:
                if name.endswith(MARKDOWN):
                    path = os.path.join(folder, name)
                    self.headers[path] = metadata_lines(path)

    def noticed(self, paths):
        """The files in `paths` changed: [the only one] when it may be previewed, else []."""
        candidates = []
        for path in (os.path.abspath(p) for p in paths):
            if not path.endswith(MARKDOWN):
                if os.path.lexists(path):
                    candidates.append(None)
                # else: gone already, as the temporary files some editors write
                # while saving (vim's "4913"); the build does not see it either
                continue
            before, now = self.headers.get(path), metadata_lines(path)
            self.headers[path] = now
            body_only = before is not None and now == before and path not in self.changed_since_build
            if not body_only:
                self.changed_since_build.add(path)
            candidates.append(path if body_only else None)
        return candidates if len(candidates) == 1 and candidates[0] else []

    def render(self, path):
        """(output name, preview file) of the page of the text at `path`, or None."""
        known = self.documents.get(os.path.abspath(path))
        if known is None or not pelican_door.is_open():
            return None
        generator, document = known
        if generator.settings.get("TYPOGRIFY"):
            return None  # Pelican's reader pipeline adds to the reader's HTML then
        reader = generator.readers.readers.get(os.path.splitext(path)[1].lstrip("."))
        if reader is None:
            return None
        quiet = _Quiet()
        root = logging.getLogger()
        console, root.handlers = root.handlers, [quiet]
        try:
            html, metadata = reader.read(path)
            if quiet.seen or metadata.get("title") != document.metadata.get("title"):
                return None
            page = pelican_door.own_page(generator, pelican_door.with_new_text(document, html))
        except Exception:  # noqa: BLE001 - whatever it is, the build that follows reports it
            return None
        finally:
            root.handlers = console
        if page is None or quiet.seen:
            return None
        name, text = page
        self.count += 1
        file = os.path.join(self.folder, str(self.count), name)
        try:
            os.makedirs(os.path.dirname(file), exist_ok=True)
            atomic.write_text(file, text)
        except OSError:
            return None  # e.g. the disk is full: the build that follows says so
        return name.replace(os.sep, "/"), file

    def close(self):
        shutil.rmtree(self.folder, ignore_errors=True)
