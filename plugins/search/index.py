"""The Pagefind index: the last step of every build (`finalized`).

For each searchable document (see documents.py) the main content - the
element marked `data-pagefind-body` - is cut out of the written page and put
into a small stand-in page together with what the search page needs:

- filters "Typ", "Kategorie", "Thema" and the meta fields "title", "datum"
  as `<meta>` tags (one per value, so commas in names are safe);
- the parts of German compounds as the meta field "begriffe": Pagefind 1.5
  searches meta fields but never shows them in excerpts, so "Vertrauen" finds
  "Kundenvertrauen" without junk in the result text.

Umlauts need no extra terms: Pagefind 1.5 folds diacritics ("Störung" is also
indexed as "storung") and its German Snowball stemmer reads "oe" as "ö", at
build time and in the browser alike, so "Störung", "Stoerung" and "Storung"
find the same pages (tests/search proves all three in the browser; a Pagefind
upgrade that changed this would fail them).

The stand-in pages are hashed; when the hash equals the one stored with the
previous index (in FINAL_OUTPUT_PATH, the last good build), that index is
copied instead of rebuilt. Pagefind runs once for the whole set
(`add_directory` on a temporary folder): one round trip to its service
instead of one per page.
"""

import asyncio
import concurrent.futures
import hashlib
import html
import logging
import os
import re
import shutil
import tempfile
import time
from importlib import metadata

from . import compounds
from .documents import documents_for
from .reproducible import canonicalize

logger = logging.getLogger(__name__)

FORMAT_VERSION = "1"  # bump when the stand-in pages change shape
FINGERPRINT_FILE = "fingerprint.txt"
ENTRY_FILE = "pagefind-entry.json"

HTML_LANG = re.compile(r"<html\b[^>]*?\blang=[\"']?([A-Za-z-]+)", re.I)
TAG = re.compile(r"<[^>]+>")
IGNORED = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.S | re.I)


def _start_tag(attribute):
    return re.compile(
        rf"<([a-zA-Z][a-zA-Z0-9-]*)(?=[^>]*?\s{attribute}(?:[\s=>/]))[^>]*>", re.S
    )


VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
}
BODY_START = _start_tag("data-pagefind-body")
IGNORE_START = _start_tag("data-pagefind-ignore")


def element_spans(page, start_tag):
    """(start, end) of every top-level element whose start tag matches `start_tag`."""
    spans = []
    position = 0
    while True:
        start = start_tag.search(page, position)
        if not start:
            return spans
        name = start.group(1)
        if name.lower() in VOID_ELEMENTS:
            spans.append((start.start(), start.end()))
            position = start.end()
            continue
        tags = re.compile(rf"<(/?){re.escape(name)}\b[^>]*>", re.I)
        depth = 0
        end = None
        for tag in tags.finditer(page, start.start()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = tag.end()
                break
        if end is None:  # unclosed element: take the rest, as a browser would
            end = len(page)
        spans.append((start.start(), end))
        position = end


def extract_bodies(page):
    """Outer HTML of every top-level element carrying `data-pagefind-body`."""
    return [page[start:end] for start, end in element_spans(page, BODY_START)]


def indexed_text(fragment):
    """The text Pagefind indexes in an HTML fragment (ignored parts and scripts left out)."""
    pieces = []
    position = 0
    for start, end in element_spans(fragment, IGNORE_START):
        pieces.append(fragment[position:start])
        position = end
    pieces.append(fragment[position:])
    return html.unescape(TAG.sub(" ", IGNORED.sub(" ", " ".join(pieces))))


def _meta(kind, name, value):
    return f'<meta data-pagefind-{kind}="{name}[content]" content="{html.escape(value, quote=True)}">'


def stand_in_page(document, bodies, lang):
    """The page Pagefind indexes for `document` (without compound terms)."""
    head = [
        '<meta charset="utf-8">',
        _meta("meta", "title", document.title),
        _meta("filter", "Typ", document.kind),
    ]
    if document.category:
        head.append(_meta("filter", "Kategorie", document.category))
    head.extend(_meta("filter", "Thema", tag) for tag in document.tags)
    if document.date:
        head.append(_meta("meta", "datum", document.date))
        head.append(_meta("sort", "datum", document.sort_date))
    return (
        f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head>{"".join(head)}</head>'
        f'<body>{"".join(bodies)}</body></html>'
    )


def with_compound_terms(page):
    """Add the meta field "begriffe": compound parts the page does not contain as words."""
    terms = compounds.extra_terms(indexed_text(page.split("<body>", 1)[1]))
    if not terms:
        return page
    return page.replace("</head>", _meta("meta", "begriffe", " ".join(terms)) + "</head>", 1)


def _pagefind_version():
    for name in ("pagefind_bin", "pagefind"):
        try:
            return f"{name} {metadata.version(name)}"
        except metadata.PackageNotFoundError:
            continue
    return "pagefind ?"


def fingerprint(pages, settings):
    """Hash of everything the index is built from: pages, rules, Pagefind version."""
    digest = hashlib.sha256()
    for part in (FORMAT_VERSION, compounds.VERSION, _pagefind_version(),
                 str(settings.get("SEARCH_COMPOUND_PARTS", True))):
        digest.update(part.encode() + b"\0")
    for path, page in sorted(pages.items()):
        digest.update(path.encode() + b"\0" + hashlib.sha256(page.encode()).digest())
    return digest.hexdigest()


def _read_fingerprint(bundle):
    try:
        with open(os.path.join(bundle, FINGERPRINT_FILE), encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError:
        return None


def _is_complete(bundle):
    return os.path.isfile(os.path.join(bundle, ENTRY_FILE)) and os.path.isfile(
        os.path.join(bundle, "pagefind.js")
    )


def _link_or_copy(source, target):
    """Hard links cost nothing; nobody writes into an index file after it was
    written (a rebuild writes a fresh folder), so sharing them is safe."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _copy_previous(previous, bundle):
    shutil.rmtree(bundle, ignore_errors=True)
    shutil.copytree(previous, bundle, copy_function=_link_or_copy)


def collect_pages(documents, output_path):
    """{relative path: stand-in page} for every document whose page has a body to index."""
    pages = {}
    for document in documents:
        path = os.path.join(output_path, document.save_as)
        try:
            with open(path, encoding="utf-8") as handle:
                page = handle.read()
        except OSError:
            continue  # e.g. a document whose page a plugin chose not to write
        bodies = extract_bodies(page)
        if not bodies:
            logger.warning(
                "%s: %s: no element with data-pagefind-body; expected the template to mark the "
                "main text, the page is left out of the search",
                document.save_as, "template",
            )
            continue
        lang_match = HTML_LANG.search(page)
        lang = lang_match.group(1) if lang_match else "de"
        rel = document.save_as if document.save_as.endswith(".html") else \
            os.path.join(document.save_as, "index.html")
        pages[rel.replace(os.sep, "/")] = stand_in_page(document, bodies, lang)
    return pages


async def _run_pagefind(source, bundle):
    from pagefind.index import PagefindIndex

    # Leaving the context writes the files to the configured output_path.
    async with PagefindIndex(config={"output_path": bundle}) as index:
        result = await index.add_directory(source)
    return result.get("page_count", 0)


def run_pagefind(source, bundle):
    """Pagefind's Python API is asyncio; run it in a thread of its own, so that
    a caller that already has an event loop (e.g. a test browser) is not disturbed."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _run_pagefind(source, bundle)).result()


def build_index(pelican):
    """finalized handler: write (or reuse) the search index into the output."""
    settings = pelican.settings
    documents = documents_for(settings)
    if documents is None:
        return  # the build stopped before the content was known
    started = time.perf_counter()
    output = os.path.abspath(pelican.output_path)
    bundle_dir = settings["SEARCH_BUNDLE_DIR"].strip("/")
    bundle = os.path.join(output, bundle_dir)
    final = settings.get("FINAL_OUTPUT_PATH")
    previous = os.path.join(os.path.abspath(final), bundle_dir) if final else None
    has_previous = previous and os.path.abspath(previous) != bundle and _is_complete(previous)

    if not settings.get("SEARCH_INDEX", True):
        if has_previous:
            _copy_previous(previous, bundle)
            logger.info("Search index: skipped (SEARCH_INDEX is False); kept the previous index")
        else:
            logger.info("Search index: skipped (SEARCH_INDEX is False); there is no previous index")
        return

    pages = collect_pages(documents, output)
    if not pages:
        logger.info("Search index: nothing to index (no articles, FAQ entries or notices)")
        return
    current = fingerprint(pages, settings)
    if has_previous and _read_fingerprint(previous) == current:
        _copy_previous(previous, bundle)
        logger.info(
            "Search index: no indexed page changed, reused the previous index (%d pages, %.2f s)",
            len(pages), time.perf_counter() - started,
        )
        return

    with tempfile.TemporaryDirectory(prefix="search-index-") as source:
        for rel, page in pages.items():
            if settings.get("SEARCH_COMPOUND_PARTS", True):
                page = with_compound_terms(page)
            target = os.path.join(source, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(page)
        shutil.rmtree(bundle, ignore_errors=True)
        try:
            count = run_pagefind(source, bundle)
        except Exception as exc:  # noqa: BLE001 - one clear line instead of a traceback
            logger.error(
                "search index: Pagefind: could not build the index (%s); expected the package "
                "pagefind[bin] from requirements.txt to be installed", exc,
            )
            return
    if count != len(pages) or not _is_complete(bundle):
        logger.error(
            "search index: Pagefind: indexed %d of %d pages; expected all of them",
            count, len(pages),
        )
        return
    canonicalize(bundle)
    with open(os.path.join(bundle, FINGERPRINT_FILE), "w", encoding="utf-8") as handle:
        handle.write(current + "\n")
    logger.info("Search index: %d pages indexed in %.2f s", count, time.perf_counter() - started)
