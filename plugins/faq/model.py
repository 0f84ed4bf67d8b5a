"""The FAQ entry: a Pelican content object of its own, and the rules for its metadata.

FaqEntry is created by Pelican's readers (so `content_object_init` fires and
other plugins, e.g. topics, see it like any document). The metadata rules are
checked on exactly what the file says, before Pelican adds its defaults, so a
missing `Category:` is reported instead of silently becoming "misc".
"""

import difflib
import os
import re

from markupsafe import Markup
from pelican.contents import Content

from german.slugs import SLUG_MAX_LENGTH, shorten, slug_problem, slugify, title_problem

from .text import short_answer

# A Related entry: a slug, optionally with the kind in front ("faq/…", "artikel/…")
# for the rare case that an article and a FAQ entry share a slug.
RELATED_ITEM = re.compile(r"^(?:(faq|artikel)/)?([a-z0-9]+(?:-[a-z0-9]+)*)$")
STATUSES = ("published", "hidden", "draft")


def display_key(name):
    """'question' → 'Question', as the editor wrote it."""
    return "-".join(part.capitalize() for part in name.split("-"))


def _text(value):
    """Metadata value as plain text (Pelican may hand over wrappers or lists)."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    return str(getattr(value, "name", value)).strip()


def parse_related(value):
    """'a, faq/b' → [(None, 'a'), ('faq', 'b')]; raises ValueError naming the bad item."""
    items = []
    for raw in re.split(r"[,\n]", _text(value)):
        item = raw.strip()
        if not item:
            continue
        match = RELATED_ITEM.match(item)
        if not match:
            raise ValueError(item)
        items.append((match.group(1), match.group(2)))
    return items


def check_metadata(metadata, settings):
    """Problems with the metadata a FAQ file declares, as (field, expected) pairs."""
    problems = []
    allowed = set(settings["FAQ_METADATA_KEYS"])
    for key in sorted(metadata):
        if key in allowed:
            continue
        close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
        hint = f" (did you mean {display_key(close[0])}?)" if close else ""
        if key == "title":
            hint = " (a FAQ entry has 'Question:' instead of 'Title:')"
        names = ", ".join(display_key(k) for k in sorted(allowed))
        problems.append((display_key(key), f"unknown metadata key{hint}; expected one of {names}"))

    if not _text(metadata.get("question")):
        problems.append((
            "Question",
            "missing; expected the question as the first line, e.g. 'Question: Wie melde ich eine Störung?'",
        ))
    elif title_problem(_text(metadata.get("question")), "question"):
        problems.append(("Question", title_problem(_text(metadata.get("question")), "question")))
    if "slug" in metadata and slug_problem(_text(metadata["slug"])):
        problems.append(("Slug", slug_problem(_text(metadata["slug"]))))
    if not _text(metadata.get("category")):
        problems.append((
            "Category",
            "missing; expected the FAQ category, e.g. 'Category: Rechnung' (or Störung, Vertrag, Konto)",
        ))
    if "modified" not in metadata:
        problems.append((
            "Modified",
            "missing; expected the date of the last change, e.g. 'Modified: 2026-11-24 10:15'",
        ))
    order = _text(metadata.get("order"))
    if "order" in metadata and not re.fullmatch(r"\d{1,4}", order):
        problems.append(("Order", f"'{order}' is not a position; expected a whole number like 1, 2 or 3"))
    status = _text(metadata.get("status")).lower()
    if "status" in metadata and status not in STATUSES:
        problems.append(("Status", f"'{status}' is unknown; expected one of {', '.join(STATUSES)}"))
    if "related" in metadata:
        try:
            parse_related(metadata["related"])
        except ValueError as exc:
            problems.append((
                "Related",
                f"'{exc}' is not a slug; expected web addresses of articles or questions separated "
                "by commas, e.g. 'Related: wie-melde-ich-eine-stoerung, "
                "warum-wir-stoerungen-oeffentlich-machen'",
            ))
    return problems


def check_file(source_path, metadata, content):
    """Problems only the file itself shows: its name (the address) and its text."""
    problems = []
    if "slug" not in metadata:
        name = os.path.splitext(os.path.basename(source_path))[0]
        derived = slugify(name)
        if len(derived) > SLUG_MAX_LENGTH:
            problems.append((
                "file name",
                f"gives a web address of {len(derived)} characters; expected at most "
                f"{SLUG_MAX_LENGTH}: rename the file to {shorten(derived)}.md",
            ))
    status = _text(metadata.get("status")).lower()
    if status != "draft" and not re.sub(r"<!--.*?-->", "", content or "", flags=re.DOTALL).strip():
        problems.append((
            "text",
            "empty; expected the answer below the metadata, after one blank line "
            "(or 'Status: draft' while it is being written)",
        ))
    return problems


class FaqEntry(Content):
    """One question and its answer.

    The Question is the title; the slug comes from the file name (questions are
    long and may be reworded, the address and the `Related` references stay);
    the date is `Modified` (FAQ answers are living documents: what matters is
    when they were last checked).
    """

    mandatory_properties = ("title", "date")
    allowed_statuses = STATUSES
    default_status = "published"
    default_template = "faq_entry"

    def __init__(self, content, metadata=None, settings=None, source_path=None, context=None):
        metadata = dict(metadata or {})
        metadata["title"] = _text(metadata.get("question"))
        if "modified" in metadata:
            metadata.setdefault("date", metadata["modified"])
        if "slug" not in metadata and source_path:
            metadata["slug"] = slugify(os.path.splitext(os.path.basename(source_path))[0])
        if "order" in metadata:
            metadata["order"] = int(_text(metadata["order"]))
        metadata["related"] = parse_related(metadata.get("related"))
        # Filled by the generator once every document is known.
        self.related_articles = []
        self.related_questions = []
        self.has_own_summary = "summary" in metadata
        super().__init__(content, metadata, settings, source_path, context)

    def _expand_settings(self, key, klass=None):
        return super()._expand_settings(key, klass or "faq")

    @property
    def short_answer(self):
        """The answer in a sentence or two for /faq/, descriptions and the feed:
        the editor's Summary (HTML, reduced to running text by the reader),
        else the first paragraph of the answer as escaped text."""
        if self.has_own_summary:
            return Markup(self.summary)
        return Markup("<p>{}</p>").format(short_answer(self.content))

    @property
    def order_key(self):
        """Entries with an Order first (by number), the rest alphabetically."""
        order = self.metadata.get("order")
        return (order is None, order or 0, german_sort_key(self.title))


def german_sort_key(text):
    """Locale-independent German sort key: "Störung" sorts like "Stoerung", case-insensitively."""
    text = str(text).casefold()
    for char, replacement in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(char, replacement)
    return text
