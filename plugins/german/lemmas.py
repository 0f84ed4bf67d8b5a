"""Lemma access for German: simplemma behind a per-form cache, and a tokenizer.

simplemma ships its German dictionary and needs no download, but loading it
costs about a second and 110 MB, and each lookup a few microseconds. Plugins
that lemmatize many texts therefore go through this module: the dictionary is
loaded once per process, on first use, and every distinct word form is looked
up once. The first lookups use simplemma's `low_memory` backend, which reads
the same data without building a dict (0.4 s, 20 MB, about 10 µs a lookup);
after FULL_DICTIONARY_AFTER lookups (a big first build) the full dictionary
pays off and is loaded. Both give the same answers (same data; checked on
120,000 words and word-like strings).

The answers can outlive the process: `memo()` hands them to a caller that
stores them (the topics plugin keeps them under CACHE_PATH) and `remember()`
takes them back, so that a rebuild only loads simplemma's dictionary when a word
never seen before must be looked up. Stored answers are only valid for the same
`memo_fingerprint()` (this module's rules and simplemma's version).
"""

import importlib.metadata
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

# Bump when lemma() or is_known() would answer differently for some form:
# stored memos carry memo_fingerprint() and are discarded when it changed.
MEMO_VERSION = 1

# Lookups with the low-memory backend before the full dictionary is loaded.
FULL_DICTIONARY_AFTER = 30_000

_lemmas = {}
_known = {}
_simplemma = None
_fingerprint = None
_lookups = 0


def _module():
    global _simplemma
    if _simplemma is None:
        import simplemma

        _simplemma = simplemma
    return _simplemma


def _low_memory(count=1):
    """Use the low-memory backend for these `count` lookups? (See the module docstring.)"""
    global _lookups
    _lookups += count
    return _lookups <= FULL_DICTIONARY_AFTER


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
    result = _module().lemmatize(form, LANG, low_memory=_low_memory()) if form else form
    _lemmas[form] = result
    return result


def is_known(word):
    """True when simplemma's German dictionary has the word, as a noun or not."""
    try:
        return _known[word]
    except KeyError:
        pass
    module = _module()
    low = _low_memory(3) if word else True
    result = bool(word) and (
        module.is_known(word, LANG, low_memory=low)
        or module.is_known(word[:1].upper() + word[1:], LANG, low_memory=low)
        or module.is_known(word.lower(), LANG, low_memory=low)
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


def memo_fingerprint():
    """What the answers of lemma() and is_known() depend on, for stored memos.

    Read from the package metadata: importing simplemma just to ask costs 0.1 s.
    """
    global _fingerprint
    if _fingerprint is None:
        try:
            version = importlib.metadata.version("simplemma")
        except importlib.metadata.PackageNotFoundError:
            version = "unknown"
        _fingerprint = f"german.lemmas-{MEMO_VERSION}:simplemma-{version}:{LANG}"
    return _fingerprint


def memo():
    """(lemmas, known): copies of every answer this process has, to be stored."""
    return dict(_lemmas), dict(_known)


def memo_sizes():
    """(len(lemmas), len(known)): cheap check whether anything new was learned."""
    return len(_lemmas), len(_known)


def remember(lemma_answers, known_answers):
    """Take stored answers (valid for the current memo_fingerprint()) into the memo.

    Answers this process already has win; they are the same by construction.
    """
    for form, result in lemma_answers.items():
        _lemmas.setdefault(form, result)
    for word, result in known_answers.items():
        _known.setdefault(word, result)

