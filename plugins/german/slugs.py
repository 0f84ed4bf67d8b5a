"""German slugs: ä→ae, ö→oe, ü→ue, ß→ss, then Pelican's own rules.

Pelican transliterates with Unidecode *before* its regex substitutions, which
turns "ä" into "a". We therefore let Pelican keep Unicode (SLUGIFY_USE_UNICODE)
and do the transliteration ourselves as substitutions: German letters first,
then other Latin letters grouped by their ASCII form, then anything left that
is not ASCII is dropped. Everything stays inside Pelican's settings mechanism.
"""

import re
import string
import unicodedata
from collections import defaultdict

from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify as pelican_slugify
from unidecode import unidecode

GERMAN_LETTERS = [("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("ẞ", "ss")]


def _folds_to_ascii(char):
    """True for letters such as "ǌ" or "ſ" that Pelican's NFKC step or
    re.IGNORECASE would turn into plain ASCII inside a character class."""
    if unicodedata.normalize("NFKC", char) != char:
        return True
    pattern = re.compile(re.escape(char), re.IGNORECASE)
    return any(pattern.fullmatch(a) for a in string.ascii_letters)


def _latin_substitutions():
    """One substitution per ASCII target for the Latin letters Unidecode knows."""
    by_target = defaultdict(list)
    german = {c for c, _ in GERMAN_LETTERS} | {c.upper() for c, _ in GERMAN_LETTERS}
    for code in range(0xC0, 0x250):
        char = chr(code)
        if char in german or not char.isalpha() or _folds_to_ascii(char):
            continue
        target = unidecode(char).lower()
        if target and target.isascii() and target.isalpha():
            by_target[target].append(char.lower())
    return [
        ("[" + "".join(sorted(set(chars))) + "]", target)
        for target, chars in sorted(by_target.items())
    ]


def slug_substitutions():
    """The full SLUG_REGEX_SUBSTITUTIONS list for German slugs."""
    return (
        [(re.escape(c), r) for c, r in GERMAN_LETTERS]
        + _latin_substitutions()
        + list(DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])
        # Whatever survived (other scripts, symbols) is not allowed in a URL slug.
        + [(r"[^\x00-\x7f]+", ""), (r"-{2,}", "-"), (r"^-|-$", "")]
    )


_SUBSTITUTIONS = slug_substitutions()


def slugify(text):
    """Slug for a title, tag or category, exactly as Pelican will make it here."""
    text = unicodedata.normalize("NFC", text)
    return pelican_slugify(text, regex_subs=_SUBSTITUTIONS, use_unicode=True)


# Limits editors see in error messages (README "Writing a post"). A title is
# read in lists, search results, browser tabs and social posts, where about
# 120 characters still read as one line of thought; a web address of more
# than 80 characters is cut off in search results and hard to share. Both
# also keep every file name far below the file system's 255 bytes.
TITLE_MAX_LENGTH = 120
SLUG_MAX_LENGTH = 80
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


# Invisible characters that turn the direction of the text that follows
# (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates). German
# never needs them; left open in a title they reverse the rest of the browser
# tab, the feed reader's line or the social post, and can disguise what a
# title says.
BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def title_problem(title, label="title"):
    """What is wrong with a title in plain words (length, invisible direction
    controls), or None."""
    control = next((char for char in str(title) if char in BIDI_CONTROLS), None)
    if control is not None:
        return (f"contains the invisible writing-direction character U+{ord(control):04X}; expected "
                f"plain text: delete the {label} and type it again")
    if len(title) > TITLE_MAX_LENGTH:
        return (f"is {len(title)} characters long; expected at most {TITLE_MAX_LENGTH}: "
                f"a {label} is read in lists, search results and social posts, "
                "details belong in the Summary or the text")
    return None


def slug_problem(value):
    """What is wrong with a slug an editor wrote, in plain words, or None.

    A slug is one path segment of the web address: lower-case a–z, digits and
    single hyphens. Anything else ('/', '..', spaces, umlauts, capitals)
    would put the page at an address the editor did not mean, or outside
    the site.
    """
    value = str(value).strip()
    shown = value if len(value) <= 60 else value[:59] + "…"
    if not value:
        return "empty; expected a web address like 'Slug: stoerung-in-kiel', or no Slug line"
    if not SLUG_PATTERN.fullmatch(value):
        suggestion = shorten(slugify(value.replace("/", "-").replace(".", "-")))
        hint = f", e.g. 'Slug: {suggestion}'" if suggestion else ""
        return (f"'{shown}' is not a web address; expected lower-case letters a–z, digits and "
                f"hyphens only (no '/', '.', spaces or umlauts){hint}")
    if len(value) > SLUG_MAX_LENGTH:
        return (f"'{shown}' is {len(value)} characters long; expected at most {SLUG_MAX_LENGTH}, "
                f"e.g. 'Slug: {shorten(value)}'")
    return None


def shorten(slug, limit=SLUG_MAX_LENGTH):
    """The slug cut at the last hyphen that keeps it within `limit` characters."""
    if len(slug) <= limit:
        return slug
    cut = slug[:limit + 1].rsplit("-", 1)[0] if "-" in slug[:limit + 1] else slug[:limit]
    return cut.strip("-") or slug[:limit]
