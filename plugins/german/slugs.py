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
