"""`invoke new-faq "Frage?" --category Rechnung`: a new FAQ file with the metadata filled in."""

import difflib
import os
import re

from german.dates import site_now
from german.slugs import shorten, slugify, title_problem
from kit import atomic

SUMMARY_PLACEHOLDER = "Die Antwort in einem Satz (steht auf /faq/, in Suchergebnissen und im Feed)."
BODY_PLACEHOLDER = "Die Antwort in ganzen Sätzen: zuerst das Wichtigste, dann die Schritte."

TEMPLATE = """Question: {question}
Category: {category}
{optional}Summary: """ + SUMMARY_PLACEHOLDER + """
Modified: {modified}

""" + BODY_PLACEHOLDER + """

1. Nummerierte Schritte, wenn Kundinnen und Kunden etwas tun sollen.
2. Ein Schritt pro Zeile.

Verwandte Artikel und Fragen tragen Sie oben in einer Zeile `Related:` ein (ihre
Adressen, durch Kommas getrennt); sie erscheinen dann unter der Antwort.
"""


class ScaffoldError(ValueError):
    editor_error = True


def existing_categories(folder):
    """Categories the FAQ files in `folder` use, so a new file can reuse the spelling."""
    found = set()
    if not os.path.isdir(folder):
        return found
    for name in os.listdir(folder):
        if not name.endswith(".md"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    break  # metadata ends at the first blank line
                match = re.match(r"(?i)category:\s*(.+)", line)
                if match:
                    found.add(match.group(1).strip())
    return found


def new_faq(question, category, content_path="content", folder="faq", tags="", related="", settings=None):
    """Create content/faq/<slug>.md and return its path; never overwrite."""
    question = " ".join(str(question).split())
    category = " ".join(str(category or "").split())
    # One line each: a line break in --tags would start a metadata line of its own.
    tags, related = (" ".join(str(value or "").split()) for value in (tags, related))
    slug = shorten(slugify(question))  # the file name is the address: at most 80 characters
    if not question or not slug:
        raise ScaffoldError(
            f"new-faq: question: '{question}' gives no web address; expected a question with letters, "
            'e.g. invoke new-faq "Wie ändere ich meine Bankverbindung?" --category Rechnung'
        )
    if title_problem(question, "question"):
        raise ScaffoldError(f"new-faq: question: {title_problem(question, 'question')}")
    target_folder = os.path.join(content_path, folder)
    known = existing_categories(target_folder)
    if not category:
        names = ", ".join(sorted(known)) or "Rechnung, Störung, Vertrag, Konto"
        raise ScaffoldError(
            f"new-faq: category: missing; expected one of {names} or a new one, e.g. --category Rechnung"
        )
    if category not in known:
        lowered = {k.lower(): k for k in known}
        close = lowered.get(category.lower()) or next(
            iter(difflib.get_close_matches(category, sorted(known), n=1, cutoff=0.75)), None
        )
        if close:
            raise ScaffoldError(
                f"new-faq: category: '{category}' is new; expected the existing spelling '{close}' "
                "(a new category needs a name that differs clearly)"
            )
    path = os.path.join(target_folder, f"{slug}.md")
    if os.path.exists(path):
        raise ScaffoldError(f"new-faq: {path}: exists already; expected a new question")
    optional = ""
    if tags.strip():
        optional += f"Tags: {tags.strip()}\n"
    if related.strip():
        optional += f"Related: {related.strip()}\n"
    text = TEMPLATE.format(
        question=question, category=category, optional=optional,
        modified=site_now(settings).strftime("%Y-%m-%d %H:%M"),
    )
    atomic.create_text(path, text)
    return path
