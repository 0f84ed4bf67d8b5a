"""Stand-in pages: what Pagefind indexes for each searchable document.

The main content - the element marked `data-pagefind-body` - is cut out of
the written page and put into a small page together with what the search
page needs:

- filters "Typ", "Kategorie", "Thema" and the meta fields "title", "datum"
  as `<meta>` tags (one per value, so commas in names are safe);
- the parts of German compounds as the meta field "begriffe": Pagefind 1.5
  searches meta fields but never shows them in excerpts, so "Vertrauen" finds
  "Kundenvertrauen" without junk in the result text.

Pages are cut with regular expressions and slicing, not an HTML parser: the
templates write well-formed HTML, and this runs for thousands of pages.

Between being cut and being sent to Pagefind a stand-in page is kept packed
(`pack`, compressed UTF-8, in memory and in the cache): 4,000 of them are
about 50 MB as Python strings and 8 MB packed, and one is unpacked at a time.
"""

import hashlib
import html
import logging
import os
import re
import zlib

from . import compounds

logger = logging.getLogger(__name__)

HTML_LANG = re.compile(r"<html\b[^>]*?\blang=[\"']?([A-Za-z-]+)", re.I)
TAG = re.compile(r"<[^>]+>")
IGNORED = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.S | re.I)
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
}
BODY_ATTRIBUTE = "data-pagefind-body"
IGNORE_ATTRIBUTE = "data-pagefind-ignore"


def _start_tag(attribute):
    return re.compile(
        rf"<([a-zA-Z][a-zA-Z0-9-]*)(?=[^>]*?\s{attribute}(?:[\s=>/]))[^>]*>", re.S
    )


START_TAGS = {attribute: _start_tag(attribute) for attribute in (BODY_ATTRIBUTE, IGNORE_ATTRIBUTE)}


def _next_start_tag(page, attribute, position):
    """The next start tag from `position` that carries `attribute`, or None.

    Same result as searching with the start-tag pattern from `position`, but
    the pattern only runs from the last ">" before the attribute's next
    occurrence: a matching tag holds the attribute with no ">" before it, so
    it cannot start earlier. (The plain search tries every tag of the page.)"""
    found = page.find(attribute, position)
    if found < 0:
        return None
    return START_TAGS[attribute].search(page, max(position, page.rfind(">", position, found) + 1))


def element_spans(page, attribute):
    """(start, end) of every top-level element whose start tag carries `attribute`."""
    spans = []
    position = 0
    while True:
        start = _next_start_tag(page, attribute, position)
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
    return [page[start:end] for start, end in element_spans(page, BODY_ATTRIBUTE)]


def indexed_text(fragment):
    """The text Pagefind indexes in an HTML fragment (ignored parts and scripts left out)."""
    pieces = []
    position = 0
    for start, end in element_spans(fragment, IGNORE_ATTRIBUTE):
        pieces.append(fragment[position:start])
        position = end
    pieces.append(fragment[position:])
    return html.unescape(TAG.sub(" ", IGNORED.sub(" ", " ".join(pieces))))


def _meta(kind, name, value):
    value = html.escape(value, quote=True)
    return f'<meta data-pagefind-{kind}="{name}[content]" content="{value}">'


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


def compound_terms(page):
    """The meta field "begriffe" of a stand-in page: compound parts it does not contain as words."""
    return " ".join(compounds.extra_terms(indexed_text(page.split("<body>", 1)[1])))


def with_terms(page, terms):
    """`page` with the meta field "begriffe" (none when `terms` is empty)."""
    if not terms:
        return page
    return page.replace("</head>", _meta("meta", "begriffe", terms) + "</head>", 1)


def pack(page):
    return zlib.compress(page.encode("utf-8"), 1)


def unpack(packed):
    return zlib.decompress(packed).decode("utf-8")


def page_key(document, data):
    """What a stand-in page is made of: the bytes of the written page and the
    document's search metadata (title, type, category, tags, dates, path)."""
    digest = hashlib.blake2b(repr(document).encode("utf-8"), digest_size=20)
    digest.update(b"\0")
    digest.update(data)
    return digest.digest()


def source_path(document):
    """The page's path in the output; Pagefind makes the result URL from it."""
    rel = document.save_as if document.save_as.endswith(".html") else \
        os.path.join(document.save_as, "index.html")
    return rel.replace(os.sep, "/")


def _stand_in(document, data):
    page = data.decode("utf-8")
    bodies = extract_bodies(page)
    if not bodies:
        return None
    lang_match = HTML_LANG.search(page)
    return stand_in_page(document, bodies, lang_match.group(1) if lang_match else "de")


_MISSING = object()


def collect_pages(documents, output_path, earlier=None, used=None):
    """{source path: packed stand-in page (without compound terms)} for every
    document whose written page has a main text to index.

    `earlier` maps page keys (`page_key`) to stand-in pages of earlier builds
    (None: that page has no main text), so an unchanged page is not cut again;
    `used` receives the keys and pages of this build."""
    pages = {}
    for document in documents:
        try:
            with open(os.path.join(output_path, document.save_as), "rb") as handle:
                data = handle.read()
        except OSError:
            continue  # e.g. a document whose page a plugin chose not to write
        key = page_key(document, data)
        page = earlier.get(key, _MISSING) if earlier else _MISSING
        if page is _MISSING:
            page = _stand_in(document, data)
            page = None if page is None else pack(page)
        if used is not None:
            used[key] = page
        if page is None:
            logger.warning(
                "%s: %s: no element with data-pagefind-body; expected the template to mark the "
                "main text, the page is left out of the search",
                document.save_as, "template",
            )
            continue
        pages[source_path(document)] = page
    return pages
