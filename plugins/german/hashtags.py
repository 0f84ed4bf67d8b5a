"""Tags as hashtags: "Social Media" → #SocialMedia, "Störung" → #Störung.

Hashtags cannot contain spaces or hyphens, so multi-word tags are joined in
CamelCase, which keeps them readable (and screen readers read them word by
word). Umlauts and ß stay: #Störung is what German users type and search for;
both Mastodon and Bluesky match hashtags as Unicode. Everything that cannot be
part of a hashtag (punctuation, emoji, symbols) is dropped. A tag of digits
only ("2026") is not a hashtag on either network and gives None.
"""

import unicodedata

import regex

__all__ = ["MAX_GRAPHEMES", "hashtag", "hashtag_name"]

# Bluesky ignores tags longer than 64 graphemes; Mastodon accepts them, but a
# tag that long is no use to anyone.
MAX_GRAPHEMES = 64

# Apostrophes join ("Kunden’s" → "Kundens"); every other non-word character
# separates words. "_" separates as well: CamelCase is the readable form.
_APOSTROPHES = regex.compile(r"['’‘`´]")
_WORDS = regex.compile(r"[\p{L}\p{M}\p{N}]+")


def _camel(word):
    """Capitalise the first letter, but leave words that already mix cases
    ("iPhone", "KI", "eBay") as the editor wrote them."""
    if any(c.isupper() for c in word):
        return word
    return word[:1].upper() + word[1:]


def hashtag_name(tag):
    """The hashtag without "#" (for Bluesky tag facets), or None."""
    text = unicodedata.normalize("NFC", str(tag or ""))
    text = _APOSTROPHES.sub("", text)
    name = "".join(_camel(word) for word in _WORDS.findall(text))
    if not name or not regex.search(r"\p{L}", name):
        return None
    if len(regex.findall(r"\X", name)) > MAX_GRAPHEMES:
        return None
    return name


def hashtag(tag):
    """'#CamelCase' form of a tag, or None when no hashtag can be made of it."""
    name = hashtag_name(tag)
    return f"#{name}" if name else None
