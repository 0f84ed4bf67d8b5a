"""The edited page first: what `make serve` shows while the rest of the site is built.

A whole warm build takes seconds on a big site, and the editor is looking at
one page. So after an edit to the text of one article or page (its metadata
lines unchanged) the warm server renders that page at once from the last good
build's state with the new text, the serving child shows it in place of the
built file and the browsers reload; then the whole site is built as always
and served in its place. `hugo server` works the same way (it serves the
edited page first and renders the rest after).

A new title (the Title line the only metadata line changed) changes more: the
address, when the slug comes from the title, and every list and neighbour
that names the document. Then the document takes its new state for a moment
(kit.pelican_door.retitled) while its generator writes its pages once more
into a stand-in writer that keeps only the pages showing the document; those
are rendered (the document's own page at its new address, the pages of the
index, archives, categories, tags and authors that list it, its neighbours)
and served, and the old address redirects to the new one (`moved`). Feeds,
search and what plugins derive from the title follow with the build.

The preview lives in a folder of its own and is never written into output/:
output/ is always one complete build. Until the build is done, the preview
shows the last build's values for what depends on other documents or is
derived from the whole site (lists, topic tags, related articles); the build
that follows puts every page right. If that build fails, the preview is
withdrawn and the browsers show the last good site, with the problems on top.

Anything else goes straight to the build: a new, moved or deleted file,
other changed metadata lines, several files at once, a document a plugin makes (FAQ
entries, outage notices), a theme file, a text with a mistake the reader
reports, or a Pelican the kit's door was not checked with.
"""

import logging
import os
import re
import shutil
import tempfile
from typing import NamedTuple

from pelican.contents import Content
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.paginator import Page

from kit import atomic, pelican_door

MARKDOWN = (".md", ".markdown", ".mkd", ".mdown")
HEADER_LIMIT = 64 * 1024
BLANK_LINE = re.compile(rb"\r?\n[ \t]*\r?\n")
TITLE_LINE = re.compile(rb"^\s*title\s*:", re.IGNORECASE)
# A title shown on more pages than this is left to the build (rendering them
# would take about as long).
MOST_PAGES = 400


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


def only_title_changed(before, now):
    """Do two sets of metadata lines differ in the Title line alone?"""
    if before is None or now is None:
        return False
    old, new = before.splitlines(), now.splitlines()
    if len(old) != len(new):
        return False
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    return len(changed) == 1 and all(TITLE_LINE.match(line) for line in changed[0])


class Shown(NamedTuple):
    """A preview: the edited document's page, every page served from the preview,
    and the output names that moved ({old: new})."""

    page: tuple  # (output name, file)
    pages: dict  # {output name: file}
    moved: dict


def _holds(value, document):
    return type(value) in (list, tuple) and document in value  # Content has no __eq__: identity


def _names(value, document):
    """Is `document` the value, in it (a list), or a neighbour or related document of it?"""
    if value is document or _holds(value, document):
        return True
    if isinstance(value, Content):
        attributes = vars(value).values()
        return document in attributes or any(_holds(item, document) for item in attributes)
    return False


def shows(values, document):
    """Does a page with these own template values show `document`: as itself, in
    the list of its page of a paginated list, in a whole list (archives), or
    as a neighbour or related document of the page's document? The full lists
    beside a paginated page's own are not shown (fingerprint.py: PAGINATION)."""
    paginated = any(isinstance(value, Page) for value in values.values())
    for name, value in values.items():
        if isinstance(value, Page):
            if _holds(value.object_list, document):
                return True
        elif (not paginated or not isinstance(value, (list, tuple))) and name != "all_articles" \
                and _names(value, document):
            return True
    return False


class _PagesShowing:
    """Takes the writer's place while a generator writes its pages again: keeps the
    pages that show `document` (output name, template, context, own values);
    writes nothing."""

    def __init__(self, settings, document):
        self.settings, self.document = settings, document
        self.pages = []

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        document = self.document
        if not any(_names(value, document) for key, value in kwargs.items() if key != "all_articles") \
                and not any(_holds(value, document) for value in (paginated or {}).values()):
            return  # none of this write's pages can show it: skip it before paginating
        for output_name, values in pelican_door.pages_to_write(
                self.settings, name, url, kwargs, paginated, template_name, holding=document):
            if shows(values, document):
                self.pages.append((output_name, template, context,
                                   pelican_door.page_values(output_name, values, relative_urls)))

    def write_feed(self, *_args, **_kwargs):
        return None  # feeds follow with the build


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
        self.retitled = set()  # noticed with only the Title line changed
        self.moved = {}  # output name → output name, for the documents that moved while serving
        self.output_names = {}  # source path → output name, in the last good build
        self.count = 0

    def keep(self, generators):
        """After a good build: remember its articles and pages (published ones), and
        which of their output names moved since the last good build."""
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
        before, now = self.output_names, {path: doc.save_as for path, (_g, doc) in self.documents.items()}
        changes = {before[path]: name for path, name in now.items() if path in before and before[path] != name}
        self.moved = moved_to(self.moved, changes, set(now.values()))
        self.output_names = now

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
            as_built = path not in self.changed_since_build
            body_only = before is not None and now == before and as_built
            title_only = as_built and only_title_changed(before, now)
            if not body_only:
                self.changed_since_build.add(path)
            if title_only:
                self.retitled.add(path)
            else:
                self.retitled.discard(path)
            candidates.append(path if body_only or title_only else None)
        return candidates if len(candidates) == 1 and candidates[0] else []

    def render(self, path):
        """The preview (Shown) of the edit to the text at `path`, or None."""
        path = os.path.abspath(path)
        known = self.documents.get(path)
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
        moved = {}
        try:
            html, metadata = reader.read(path)
            title = metadata.get("title")
            if quiet.seen or not title:
                return None
            if path not in self.retitled:
                if title != document.metadata.get("title"):
                    return None
                page = pelican_door.own_page(generator, pelican_door.with_new_text(document, html))
                pages = None if page is None else [page]
            else:
                state = pelican_door.retitled(document, metadata, html)
                if state is None:
                    return None
                before = document.save_as
                with pelican_door.standing_in(document, state):
                    pages = self._pages_showing(generator, document)
                if pages is not None and pages[0][0] != before:
                    moved = {before: pages[0][0]}
        except Exception:  # noqa: BLE001 - whatever it is, the build that follows reports it
            return None
        finally:
            root.handlers = console
            # Pelican memoises what the render asked of other documents; that would
            # keep the whole last build alive through the next one.
            pelican_door.forget_memoised_content()
        if pages is None or quiet.seen:
            return None
        return self._write(pages, moved)

    def _pages_showing(self, generator, document):
        """[(output name, HTML)] of the pages that show the retitled `document`, its own
        page first; None when there are too many or its new address is taken."""
        own = document.save_as
        if any(other.save_as == own for _generator, other in self.documents.values() if other is not document):
            return None  # the build says which text has that address
        writer = _PagesShowing(generator.settings, document)
        generator.generate_output(writer)
        mine = [page for page in writer.pages if page[0] == own]
        if len(mine) != 1 or len(writer.pages) > MOST_PAGES:
            return None
        pages = []
        for name, template, context, values in mine + [page for page in writer.pages if page[0] != own]:
            local = pelican_door.shared_context(context)
            local.update(values)
            pages.append((name, pelican_door.render_page(template, local, context)))
        return pages

    def _write(self, pages, moved):
        self.count += 1
        files = {}
        try:
            for name, text in pages:
                file = os.path.join(self.folder, str(self.count), name)
                os.makedirs(os.path.dirname(file), exist_ok=True)
                atomic.write_text(file, text)
                files[name.replace(os.sep, "/")] = file
        except OSError:
            return None  # e.g. the disk is full: the build that follows says so
        first = pages[0][0].replace(os.sep, "/")
        moved = {old.replace(os.sep, "/"): new.replace(os.sep, "/") for old, new in moved.items()}
        return Shown(page=(first, files[first]), pages=files, moved=moved_to(self.moved, moved, None))

    def close(self):
        shutil.rmtree(self.folder, ignore_errors=True)


def moved_to(moved, changes, names):
    """The redirects after `changes` ({old output name: new}): earlier ones follow
    a document that moved again, none leads to itself, and none starts at an
    output name that is a page again (in `changes` or in `names`, the documents'
    output names of the build, when known)."""
    result = {old: changes.get(new, new) for old, new in moved.items()}
    result.update(changes)
    for new in changes.values():
        result.pop(new, None)
    return {old: new for old, new in result.items() if old != new and not (names and old in names)}
