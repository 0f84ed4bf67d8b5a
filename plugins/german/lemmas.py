"""Lemma access for German: simplemma behind a per-form cache, and a tokenizer.

simplemma ships its German dictionary and needs no download, but loading it
costs about half a second and each lookup a few microseconds. Plugins that
lemmatize many texts therefore go through this module: the dictionary is loaded
once per process, on first use, and every distinct word form is looked up once.
"""

import re

LANG = "de"

# A word starts with a letter and may hold digits ("G5", "Wi-Fi6"); hyphenated
# compounds ("Social-Media-Team") stay one token; a leading "#" marks a hashtag.
WORD = re.compile(r"#?[^\W\d_][^\W_]*(?:[-‐‑][^\W_]+)*")
# The same, plus single punctuation marks, for code that must see clause ends.
WORD_OR_MARK = re.compile(r"#?[^\W\d_][^\W_]*(?:[-‐‑][^\W_]+)*|[^\w\s]")
HYPHENS = re.compile(r"[-‐‑]")
# "SocialMedia" → "Social", "Media"; "KundenService" → "Kunden", "Service".
CAMEL = re.compile(r"[A-ZÄÖÜ][a-zäöüß]+|[A-ZÄÖÜ]+(?![a-zäöüß])|[a-zäöüß]+|\d+")

_lemmas = {}
_known = {}
_simplemma = None


def _module():
    global _simplemma
    if _simplemma is None:
        import simplemma

        _simplemma = simplemma
    return _simplemma


def tokenize(text):
    """Word tokens of a German text, in order (punctuation dropped)."""
    return WORD.findall(text)


def tokenize_with_marks(text):
    """Word tokens and punctuation marks, for clause-aware matching."""
    return WORD_OR_MARK.findall(text)


def lemma(form):
    """The lemma of one word form (case as simplemma returns it), cached per form."""
    try:
        return _lemmas[form]
    except KeyError:
        pass
    result = _module().lemmatize(form, LANG) if form else form
    _lemmas[form] = result
    return result


def is_known(word):
    """True when simplemma's German dictionary has the word, as a noun or not."""
    try:
        return _known[word]
    except KeyError:
        pass
    module = _module()
    result = bool(word) and (
        module.is_known(word, LANG)
        or module.is_known(word[:1].upper() + word[1:], LANG)
        or module.is_known(word.lower(), LANG)
    )
    _known[word] = result
    return result


def split_hyphens(token):
    """"Social-Media-Team" → ["Social", "Media", "Team"]."""
    return [part for part in HYPHENS.split(token) if part]


def split_camel(word):
    """"SocialMedia" → ["Social", "Media"]; a word without inner capitals stays whole."""
    parts = CAMEL.findall(word)
    return parts if len(parts) > 1 and "".join(parts) == word else [word]


def cache_size():
    """How many distinct forms were lemmatized in this process (for benchmarks)."""
    return len(_lemmas)
