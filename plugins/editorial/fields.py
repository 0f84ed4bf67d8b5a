"""Checks of single metadata values once the reader has parsed them: Status,
the names that get pages of their own, Lang and Modified.

Each returns [(field, expected)], empty when the value is fine; the reader
turns them into one error line each.
"""

import datetime as dt
import re

from german.dates import BERLIN, site_now
from german.slugs import slugify

STATUSES = ("published", "draft", "hidden")
# Metadata whose values get a page of their own; an example name for each.
NAMED_KEYS = {"category": "Kundendialog", "tags": "Störung", "author": "Miriam Albers",
              "authors": "Miriam Albers"}


def display_key(name):
    return "-".join(part.capitalize() for part in name.split("-"))


def stamp(value):
    """A time as editors write it, with the offset only where Berlin's clock is ambiguous."""
    local = value.astimezone(BERLIN)
    text = local.strftime("%Y-%m-%d %H:%M")
    if local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset():
        offset = local.strftime("%z")
        text += f"{offset[:3]}:{offset[3:]}"
    return text


def status_problems(metadata):
    """Pelican's own message names the absolute path and its internal 'skip'."""
    status = str(metadata.get("status", "published")).strip().lower()
    if status in STATUSES:
        return []
    return [("Status", f"'{status}' is unknown; expected one of {', '.join(STATUSES)} "
                       "(draft: not published yet, hidden: published but not listed)")]


def name_problems(metadata):
    """A category, tag or author is a page of its own (/kategorie/<slug>/ …):
    a name without a letter or digit gives no address, and Pelican would only
    report a clash with the list page, naming no file."""
    problems = []
    for key, example in NAMED_KEYS.items():
        values = metadata.get(key)
        values = values if isinstance(values, (list, tuple)) else [values] if values else []
        for value in values:
            name = str(getattr(value, "name", value)).strip()
            if name and not re.search(r"[A-Za-z0-9]", name) and not slugify(name):
                problems.append((display_key(key), f"'{name}' gives no web address; expected a name "
                                                   f"with letters or digits, e.g. '{display_key(key)}: {example}'"))
    return problems


def language_problems(metadata, settings):
    """The site is German only: a page in another language would be written
    beside the site's addresses (Pelican's <slug>-en.html), marked lang="de"
    and half listed in feeds and sitemap. So Lang may only say what every text
    is anyway; it is written as DEFAULT_LANG, because Pelican compares the two
    literally and would take 'DE' for a translation."""
    if "lang" not in metadata:
        return []
    value = str(metadata["lang"]).strip()
    site = settings.get("DEFAULT_LANG") or "de"
    if value.lower() != site.lower():
        return [("Lang", f"'{value}' is not the language of the site; expected '{site}' or no Lang line "
                         "(the site is German only and has no addresses for texts in other languages)")]
    metadata["lang"] = site
    return []


def modified_problems(metadata, settings):
    """Modified is when the text was last changed: not after the build's "now"
    (JSON-LD and feeds would claim a change that has not happened) and not
    before Date (dateModified before datePublished). A future Date is a
    scheduled post (scheduling.py); a future Modified is a typo."""
    modified, date = metadata.get("modified"), metadata.get("date")
    if not isinstance(modified, dt.datetime):
        return []
    now = site_now(settings)
    if modified.astimezone(dt.UTC) > now.astimezone(dt.UTC):
        return [("Modified", f"{stamp(modified)} is after now ({stamp(now)}); expected the time of the "
                             "last change, which cannot lie in the future")]
    if isinstance(date, dt.datetime) and modified.astimezone(dt.UTC) < date.astimezone(dt.UTC):
        return [("Modified", f"{stamp(modified)} is before Date {stamp(date)}; expected the time of the "
                             "last change, at or after Date (or no Modified line)")]
    return []
