"""`invoke new-post`: a new article file with the metadata skeleton filled in."""

import os

from german.dates import site_now
from german.slugs import SLUG_MAX_LENGTH, shorten, slugify, title_problem
from kit import atomic

AUTHOR_PLACEHOLDER = "Vorname Nachname"
SUMMARY_PLACEHOLDER = "Ein Satz, der sagt, worum es geht (erscheint in Listen, Feeds und Suchmaschinen)."
BODY_PLACEHOLDER = "Der erste Absatz ist der Einstieg."

TEMPLATE = """Title: {title}
{slug_line}Date: {date}
Category: {category}
Tags: {tags}
Authors: {author}
Summary: """ + SUMMARY_PLACEHOLDER + """

""" + BODY_PLACEHOLDER + """ Schreiben Sie hier, was Leserinnen und Leser
erfahren und warum es sie betrifft.

## Erste Zwischenüberschrift

Zwischenüberschriften beginnen mit `##`; der Titel oben ist die einzige
Hauptüberschrift.
"""


def one_line(value):
    """The value with every run of whitespace (line breaks too) as one space."""
    return " ".join(str(value or "").split())


class ScaffoldError(ValueError):
    editor_error = True


def new_post(title, content_path="content", folder="artikel", category="Kundendialog",
             tags="", author="", settings=None):
    """Create content/artikel/<slug>.md and return its path; never overwrite.

    Every value is put on one line (line breaks and tabs become spaces): a
    line break in `--category` would otherwise start a metadata line of its own.
    """
    title, category, tags, author = (one_line(value) for value in (title, category, tags, author))
    slug = slugify(title)
    if not title or not slug:
        raise ScaffoldError(
            f"new-post: title: '{title}' gives no web address; expected a title with letters, "
            'e.g. invoke new-post "Warum wir Störungen öffentlich machen"'
        )
    if title_problem(title):
        raise ScaffoldError(f"new-post: title: {title_problem(title)}")
    # A title whose address would be too long gets a shorter Slug line the editor can adjust.
    slug_line = ""
    if len(slug) > SLUG_MAX_LENGTH:
        slug = shorten(slug)
        slug_line = f"Slug: {slug}\n"
    path = os.path.join(content_path, folder, f"{slug}.md")
    if os.path.exists(path):
        raise ScaffoldError(f"new-post: {path}: exists already; expected a new title")
    now = site_now(settings)
    text = TEMPLATE.format(
        title=title, slug_line=slug_line, date=now.strftime("%Y-%m-%d %H:%M"), category=category,
        tags=tags, author=author or AUTHOR_PLACEHOLDER,
    )
    atomic.create_text(path, text)
    return path
