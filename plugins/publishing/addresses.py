"""Every address of the site is written for one source only.

Two texts with one slug, a page whose slug is the status page's address, or
a topic named like the topic report would silently replace one page by
another. The build runner keeps a register of addresses (kit.outputs); here
every document claims its address before anything is written, so a clash
between two texts names both files, and every page Pelican writes claims its
own (`content_written`), so a clash with a page a plugin writes is refused
as well.
"""

import logging
import os

from pelican.contents import Content
from pelican.utils import sanitised_join

from kit import outputs
from kit.problems import display_path

logger = logging.getLogger(__name__)


def _documents(generator):
    """Every content object a generator holds in a list attribute (articles,
    drafts, pages, FAQ entries, notices, static files …), once each."""
    seen = set()
    for value in vars(generator).values():
        if isinstance(value, list):
            for item in value:
                if isinstance(item, Content) and id(item) not in seen:
                    seen.add(id(item))
                    yield item


def _claim(path, source):
    other = outputs.claim(path, source)
    if other is not None:
        rel = os.path.relpath(path, outputs.root_of(path) or os.path.dirname(path)).replace(os.sep, "/")
        logger.error("%s", outputs.collision_message(rel, other, source))


TAXONOMY = (("tags", "topic"), ("categories", "category"), ("authors", "author"))


def _taxonomy_pages(generator):
    """(save_as, source) of the tag, category and author pages Pelican writes."""
    for attribute, label in TAXONOMY:
        value = vars(generator).get(attribute)
        if isinstance(value, dict):
            items = value.keys()
        elif isinstance(value, list):
            items = [pair[0] for pair in value if isinstance(pair, tuple) and pair]
        else:
            continue
        for wrapper in items:
            save_as = getattr(wrapper, "save_as", None)
            if save_as:
                yield save_as, f"{label} '{wrapper.name}'"


def claim_document_addresses(generators):
    """all_generators_finalized: each text's and each topic's address, before
    anything is written."""
    if not generators:
        return
    settings = generators[0].settings
    output = settings["OUTPUT_PATH"]
    for generator in generators:
        for save_as, source in _taxonomy_pages(generator):
            _claim(sanitised_join(output, save_as), source)
        for document in _documents(generator):
            save_as = getattr(document, "save_as", None)
            if not save_as or not getattr(document, "source_path", None):
                continue
            try:
                path = sanitised_join(output, save_as)
            except RuntimeError:
                logger.error("%s: address: '%s' lies outside the site; expected an address inside it",
                             display_path(document.source_path, settings), save_as)
                continue
            _claim(path, display_path(document.source_path, settings))


def claim_written_page(path, context):
    """content_written: the page Pelican just wrote."""
    _claim(path, outputs.describe(context))
