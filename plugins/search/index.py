"""The Pagefind index: the last step of every build (`finalized`).

Each searchable document (documents.py) becomes a stand-in page
(standins.py): its main text plus filters, meta fields and the parts of its
German compounds. Pagefind indexes those pages; reproducible.py then makes
its output byte-for-byte reproducible.

Umlauts need no extra terms: Pagefind 1.5 folds diacritics ("Störung" is also
indexed as "storung") and its German Snowball stemmer reads "oe" as "ö", at
build time and in the browser alike, so "Störung", "Stoerung" and "Storung"
find the same pages (tests/search proves all three in the browser; a Pagefind
upgrade that changed this would fail them).

What keeps the step fast without changing the index:

- Stand-in pages, their compound terms and the compound splits of every word
  are cached between builds (cache.py): only new or changed pages are cut
  and split, and a build whose pages bring no new word does not even load
  the word lists.
- When the stand-in pages hash to the fingerprint stored with the previous
  index (in FINAL_OUTPUT_PATH, the last good build), that index is
  hard-linked instead of rebuilt.
- Otherwise the pages go to one `pagefind --service` process through its
  stdin (service.py), in a fixed order: no temporary files, Pagefind parses
  each page while the next one is prepared, and the index does not depend on
  the order in which a file system lists a folder.
- Compounds, Pagefind and the bundle are handled in a forked copy of the
  build process (isolated.py), whose word lists and Pagefind answer never
  take up the build's memory.
- The bundle comes back in memory and is written there, once (filter files
  already in canonical order): a file identical to the one in the previous
  index - the fragment (one per page) of an unchanged page, Pagefind's
  scripts - is hard-linked instead of written. Creating thousands of files is
  what costs on a slow file system, not linking them.

Pagefind itself still parses every page and builds and compresses the whole
index on every rebuild: its format has no partial update.
"""

import hashlib
import logging
import os
import shutil
import time
import zlib

from . import cache, compounds, isolated
from .documents import documents_for
from .reproducible import canonical, page_count
from .service import PagefindError, PagefindService
from .standins import collect_pages, compound_terms, unpack, with_terms

logger = logging.getLogger(__name__)

FORMAT_VERSION = "3"  # bump when the stand-in pages change shape (3: kept packed)
FINGERPRINT_FILE = "fingerprint.txt"
ENTRY_FILE = "pagefind-entry.json"


def rules(settings):
    """What besides the pages shapes the index; part of the fingerprint and of the cache."""
    return (
        FORMAT_VERSION, compounds.VERSION, cache.package_version("pagefind_bin", "pagefind"),
        cache.package_version("simplemma"), cache.package_version("wordfreq"),
        str(settings.get("SEARCH_COMPOUND_PARTS", True)),
    )


def _digest(packed):
    """Of the page itself, not of its packed bytes (which another zlib may pack otherwise)."""
    return hashlib.sha256(zlib.decompress(packed)).digest()


def fingerprint(pages, settings, digests=None):
    """Hash of everything the index is built from: stand-in pages and rules.

    Compound terms are left out: they follow from a page and the rules."""
    digest = hashlib.sha256()
    for part in rules(settings):
        digest.update(part.encode() + b"\0")
    for path, page in sorted(pages.items()):
        digest.update(path.encode() + b"\0" + (digests[path] if digests else _digest(page)))
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


def run_pagefind(pages, meanwhile=None):
    """Index `pages` (iterable of (source path, html), taken in this order);
    the bundle as {relative path: bytes}. `meanwhile` is called once all pages
    are in, while Pagefind builds the index."""
    started = time.perf_counter()
    with PagefindService() as service:
        sent = [service.add_html_file(path, page) for path, page in pages]
        for message_id in sent:
            service.answer(message_id, "IndexedFile")
        parsed = time.perf_counter()
        files = service.get_files(meanwhile)
    logger.debug("Pagefind: pages parsed in %.2f s, index built in %.2f s",
                 parsed - started, time.perf_counter() - parsed)
    return files


def _same_file(path, data):
    try:
        with open(path, "rb") as handle:
            return handle.read(len(data) + 1) == data
    except OSError:
        return False


def write_bundle(bundle, files, previous=None):
    """Write `files` ({relative path: bytes}) into the new folder `bundle`. A file
    identical to the same file of the `previous` bundle is hard-linked from there
    (nobody writes into an index file later, so sharing it is safe).
    Returns how many files were linked."""
    folders = set()
    linked = 0
    for rel, data in sorted(files.items()):
        if os.path.isabs(rel) or ".." in rel.split("/"):
            raise ValueError(f"{rel}: a bundle file outside the bundle")
        target = os.path.join(bundle, rel)
        folder = os.path.dirname(target)
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        if previous and _same_file(os.path.join(previous, rel), data):
            try:
                os.link(os.path.join(previous, rel), target)
                linked += 1
                continue
            except OSError:
                pass  # e.g. another file system: write it
        with open(target, "xb") as handle:
            handle.write(data)
    return linked


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
    if not (previous and os.path.abspath(previous) != bundle and _is_complete(previous)):
        previous = None

    if not settings.get("SEARCH_INDEX", True):
        if previous:
            _copy_previous(previous, bundle)
            logger.info("Search index: skipped (SEARCH_INDEX is False); kept the previous index")
        else:
            logger.info("Search index: skipped (SEARCH_INDEX is False); there is no previous index")
        return

    phases = _Phases(started)
    memory = _Memory(settings)
    pages = collect_pages(documents, output, memory.old["pages"], memory.new["pages"])
    phases.done(f"{len(pages)} pages read, {memory.pages_changed()} of them new or changed")
    if not pages:
        logger.info("Search index: nothing to index (no articles, FAQ entries or notices)")
        return
    digests = {path: _digest(page) for path, page in pages.items()}
    current = fingerprint(pages, settings, digests)
    if previous and _read_fingerprint(previous) == current:
        _copy_previous(previous, bundle)
        memory.keep(digests.values())
        memory.save()
        logger.info(
            "Search index: no indexed page changed, reused the previous index (%d pages, %.2f s)",
            len(pages), time.perf_counter() - started,
        )
        return

    # In a forked child (isolated.py): the word lists and Pagefind's answer
    # never take up the build process's memory.
    outcome = isolated.run(lambda: _index(pages, digests, memory, settings, current, bundle, previous))
    if outcome is None:
        return  # the problem was logged
    count, done = outcome
    phases.parts += done
    logger.debug("Search index: %s", phases)
    logger.info("Search index: %d pages indexed in %.2f s", count, time.perf_counter() - started)


def _index(pages, digests, memory, settings, current, bundle, previous):
    """Pagefind over the stand-in pages, the bundle written, the cache saved:
    (pages indexed, phase timings), or None after logging the problem."""
    phases = _Phases(time.perf_counter())
    order = sorted(pages)  # a fixed order: Pagefind numbers the pages as they come
    compound_parts = settings.get("SEARCH_COMPOUND_PARTS", True)
    try:
        files = canonical(run_pagefind(
            _with_compound_terms(order, pages, digests, memory, compound_parts), memory.save))
        count = page_count(files)
    except (PagefindError, OSError, ValueError, KeyError) as exc:
        logger.error(
            "search index: Pagefind: could not build the index (%s); expected the package "
            "pagefind[bin] from requirements.txt to be installed", exc,
        )
        return None
    if count != len(pages) or "pagefind.js" not in files:
        logger.error(
            "search index: Pagefind: indexed %d of %d pages; expected all of them",
            count, len(pages),
        )
        return None
    phases.done("Pagefind")
    files[FINGERPRINT_FILE] = (current + "\n").encode("utf-8")
    shutil.rmtree(bundle, ignore_errors=True)
    linked = write_bundle(bundle, files, previous)
    phases.done(f"{len(files) - linked} files written, {linked} linked")
    return count, phases.parts


def _with_compound_terms(order, pages, digests, memory, compound_parts):
    """The stand-in pages with their compound terms, one by one, so that Pagefind
    parses the pages already sent while the next ones are prepared."""
    for path in order:
        digest = digests[path]
        page = unpack(pages[path])
        terms = memory.old["terms"].get(digest) if compound_parts else ""
        if terms is None:
            terms = compound_terms(page)
        memory.new["terms"][digest] = terms
        yield path, with_terms(page, terms)


class _Memory:
    """The step's cache (cache.py) during one build: what earlier builds left
    (`old`) and what this build used (`new`, the part that is saved)."""

    PARTS = ("pages", "terms")

    def __init__(self, settings):
        self.settings = settings
        self.rules = rules(settings)
        stored = cache.load(settings, self.rules)
        self.old = {part: stored.get(part, {}) for part in self.PARTS}
        self.new = {part: {} for part in self.PARTS}
        compounds.remember_splits(stored.get("words", {}))
        self.words = len(compounds.known_splits())

    def pages_changed(self):
        return len(self.new["pages"].keys() - self.old["pages"].keys())

    def keep(self, digests):
        """The previous index is reused: keep the terms of its pages."""
        self.new["terms"] = {d: self.old["terms"][d] for d in digests if d in self.old["terms"]}

    def save(self):
        words = compounds.known_splits()
        if len(words) == self.words and all(
                self.new[part].keys() == self.old[part].keys() for part in self.PARTS):
            return
        cache.save(self.settings, self.rules, dict(self.new, words=dict(words)))


class _Phases:
    """Where the time of the step went, for the debug log."""

    def __init__(self, started):
        self.last = started
        self.parts = []

    def done(self, what):
        now = time.perf_counter()
        self.parts.append(f"{what} {now - self.last:.2f} s")
        self.last = now

    def __str__(self):
        return ", ".join(self.parts)
