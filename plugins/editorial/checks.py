"""Site-wide checks once every document is read and before anything is written:
every {filename}/{static}/{attach} link must point to a file, and every image
in a text needs an alt text (a missing alt is an accessibility defect)."""

import logging
import os
import posixpath
import re

from .errors import display_path

logger = logging.getLogger(__name__)

INTRASITE_LINK = re.compile(
    r"""<[^>]+?(?:href|src|poster|data|cite)\s*=\s*(["'])\{(filename|static|attach)\}(.*?)\1"""
)
IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
ALT_ATTR = re.compile(r"""\balt\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)
SRC_ATTR = re.compile(r"""\bsrc\s*=\s*(["'])(.*?)\1""", re.IGNORECASE)


def _documents(generators):
    for generator in generators:
        for attr in ("articles", "drafts", "hidden_articles", "pages", "hidden_pages", "draft_pages"):
            yield from getattr(generator, attr, None) or []
        yield from getattr(generator, "checked_documents", lambda: [])()


def check_links_and_images(generators):
    """all_generators_finalized handler."""
    seen = set()
    for document in _documents(generators):
        if id(document) in seen or not getattr(document, "_content", None):
            continue
        seen.add(id(document))
        _check_links(document)
        _check_images(document)


def _target_path(document, value):
    base = document.settings["PATH"]
    value = value.split("#", 1)[0].split("?", 1)[0]
    if value.startswith("/"):
        rel = value.lstrip("/")
    else:
        rel = posixpath.join(os.path.relpath(os.path.dirname(document.source_path), base), value)
    return posixpath.normpath(rel.replace(os.sep, "/"))


def _check_links(document):
    where = display_path(document.source_path, document.settings)
    for match in INTRASITE_LINK.finditer(document._content):
        what, value = match.group(2), match.group(3)
        target = _target_path(document, value)
        full = os.path.join(document.settings["PATH"], target)
        if not value or not os.path.isfile(full):
            logger.error(
                "%s: link {%s}%s: no file content/%s; expected a path inside content/, "
                "e.g. {filename}/artikel/<name>.md or {static}/bilder/<name>.png",
                where, what, value, target,
            )
        elif what == "filename" and target.endswith(".md"):
            generated = document._context.get("generated_content", {}) if document._context else {}
            if target not in generated:
                logger.error(
                    "%s: link {filename}%s: content/%s is not published (draft, scheduled or "
                    "has errors); expected a link to a published text",
                    where, value, target,
                )


def _check_images(document):
    where = display_path(document.source_path, document.settings)
    for tag in IMG_TAG.findall(document._content):
        alt = ALT_ATTR.search(tag)
        if alt is None or not alt.group(2).strip():
            src = SRC_ATTR.search(tag)
            name = src.group(2) if src else "?"
            logger.error(
                "%s: image %s: no alt text; expected a description in the brackets, "
                "e.g. ![Techniker prüft einen Verteilerkasten](%s)",
                where, name, name,
            )
