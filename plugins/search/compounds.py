"""German compound splitting for the search index: "Kundenvertrauen" → Kunden, Vertrauen.

Pagefind matches whole words and word beginnings, so "Netz" already finds
"Netzausfall", but "Vertrauen" never finds "Kundenvertrauen": German writes
compounds as one word. The index therefore gets the parts as extra terms.

The method is the frequency-based one of Koehn & Knight (2003): a word is
split where the parts are, on average, more common words than the whole
(word frequencies from `wordfreq`, log scale), so "Kundenvertrauen" (rare)
splits into "Kunden" + "Vertrauen" (common), while "Donnerstag" does not
become "Donner" + "Stag" and "Hintergrund" not "Hint" + "Grund". On top:

- the right part - the head of a German compound - must be a noun
  (simplemma's German dictionary: its lemma is capitalized);
- linking elements between the parts are removed ("Störung-s-meldung");
- derivations with a prefix are no compounds ("Aus-fall", "Ver-trauen");
- long compounds are split again ("Kundenservicezentrum" → Kunden, Service,
  Zentrum).

Both word lists ship inside their packages (no download at build time).
Results are cached per word form, so thousands of pages cost little more than
their vocabulary, and kept between builds (cache.py), so a build whose pages
bring no new word never loads the word lists.
"""

import re

LANG = "de"
VERSION = "1"  # part of the index fingerprint: bump when the rules change

MIN_WORD = 6
MIN_HEAD = 3
MIN_TAIL = 3
MIN_PART_ZIPF = 2.5  # rarer "words" are noise of the word list (e.g. "Stag")
SHORT_PART_ZIPF = 4.0  # three-letter parts must be common nouns ("Bau", "Tag", "Ruf")
# Linking elements (Fugenelemente); the head form with the best frequency wins.
LINKS = ("", "s", "es", "n", "en", "e", "er", "ens", "ns")
# Word beginnings that make derivations, not compounds: "Aus|fall", "Ver|trauen".
PREFIXES = {
    "ab", "an", "auf", "aus", "be", "bei", "da", "dar", "durch", "ein", "emp", "ent",
    "er", "fort", "ge", "gegen", "her", "hin", "hinter", "los", "miss", "mit", "nach",
    "neben", "ob", "über", "um", "un", "unter", "ur", "ver", "voll", "vor", "vorn", "weg",
    "wider", "wieder", "zer", "zu", "zurück", "zusammen",
}
# Nouns that are also derivational suffixes: "Kund|schaft" is no compound.
SUFFIX_NOUNS = {"schaft", "ling", "chen", "lein", "tum", "nis", "heit", "keit", "ung", "ion", "rei", "erei"}
PARTICIPLE_ENDINGS = {"ende", "enden", "endes", "ender"}
FEMININE_ENDINGS = {"rin", "rinnen", "in", "innen"}
# Words that look like compounds to the statistics but are read as one word.
NO_SPLIT = {"montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "sonnabend"}
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
VOWEL = re.compile(r"[aeiouyäöü]", re.IGNORECASE)

# simplemma's low-memory backend reads the same data as its full dictionary and
# gives the same answers, but loads in 0.4 s and 20 MB instead of 1 s and 110 MB
# (in the build process); a lookup costs 10 µs instead of 2 µs, so after this
# many lookups (a big vocabulary) the full dictionary is worth loading.
FULL_DICTIONARY_AFTER = 30_000

_modules = {}
_zipf = {}
_noun = {}
_splits = {}
_lookups = 0


def _module(name):
    if name not in _modules:
        if name == "simplemma":
            import simplemma as module
        else:
            import wordfreq as module
        _modules[name] = module
    return _modules[name]


def _low_memory():
    global _lookups
    _lookups += 1
    return _lookups <= FULL_DICTIONARY_AFTER


def _known(word):
    return _module("simplemma").is_known(word, LANG, low_memory=_low_memory())


def _lemma(word):
    return _module("simplemma").lemmatize(word, LANG, low_memory=_low_memory())


def zipf(word):
    """Frequency of a word form on the Zipf scale (0 = unknown, 7 = "die")."""
    key = word.lower()
    try:
        return _zipf[key]
    except KeyError:
        pass
    value = _module("wordfreq").zipf_frequency(key, LANG)
    _zipf[key] = value
    return value


def is_noun(word):
    """True for a known noun form: its lemma is capitalized, as German nouns are."""
    word = word[:1].upper() + word[1:]
    try:
        return _noun[word]
    except KeyError:
        pass
    result = _known(word) and _lemma(word)[:1].isupper()
    _noun[word] = result
    return result


def _is_verb(word):
    """True when the dictionary knows `word` as a verb infinitive ("einsehen")."""
    lower = word.lower()
    return _known(lower) and _lemma(lower) == lower


def _is_verb_stem(stem):
    """"Such" in "Suchfunktion", "Warte" in "Wartezeit": the stem of a verb."""
    return _is_verb(stem + ("n" if stem.endswith("e") else "en"))


def _head_zipf(stem):
    """Frequency of a plausible left part, or 0 when it is no good part."""
    if len(stem) < MIN_HEAD or stem.lower() in PREFIXES or not VOWEL.search(stem):
        return 0.0
    frequency = zipf(stem)
    if is_noun(stem):
        return frequency if frequency >= (SHORT_PART_ZIPF if len(stem) == 3 else MIN_PART_ZIPF) else 0.0
    if len(stem) < 4:
        return 0.0
    # Adjectives ("Fest-netz", "Frei-zeichen") and verb stems ("Warte-zeit").
    if frequency >= SHORT_PART_ZIPF or (frequency >= MIN_PART_ZIPF and _is_verb_stem(stem)):
        return frequency
    return 0.0


def _tail_zipf(word, left, tail):
    """Frequency of a plausible right part (the compound's head noun), or 0.

    `left` is everything before the tail, linking element included."""
    lower = tail.lower()
    if lower in SUFFIX_NOUNS or not VOWEL.search(tail) or not is_noun(tail):
        return 0.0
    if lower in PARTICIPLE_ENDINGS and _is_verb_stem(left):
        return 0.0  # "Mitarbeit-ende" is a participle, not "Mitarbeit" + "Ende"
    if lower in FEMININE_ENDINGS and word.lower().endswith(("in", "innen")):
        return 0.0  # "Lese-rinnen" is "Leserinnen", not "Lese" + "Rinnen"
    frequency = zipf(tail)
    return frequency if frequency >= (SHORT_PART_ZIPF if len(tail) == 3 else MIN_PART_ZIPF) else 0.0


def _best_head(head):
    """(zipf, form) of the most common form of a left part without its linking element."""
    best = (0.0, head)
    for link in LINKS:
        if link and not head.endswith(link):
            continue
        stem = head[: len(head) - len(link)] if link else head
        frequency = _head_zipf(stem)
        if frequency > best[0]:
            best = (frequency, stem)
    return best


def _split_once(word):
    """(head, tail) where the parts beat the whole word in frequency, else None."""
    best_score, best = zipf(word), None
    for cut in range(MIN_HEAD, len(word) - MIN_TAIL + 1):
        left = word[:cut]
        if left.lower() in PREFIXES:
            continue  # "Neben-produkt" must not become "Nebe" + "Produkt"
        head_zipf, head = _best_head(left)
        if not head_zipf:
            continue
        tail = word[cut:]
        tail_zipf = _tail_zipf(word, left, tail)
        if not tail_zipf:
            continue
        score = (head_zipf + tail_zipf) / 2  # log of the geometric mean
        if score > best_score:
            best_score, best = score, (head, tail)
    return best


def _is_noun_or_unknown(word):
    """Nominalized verbs ("Einsehen") and adjectives at a sentence start are no compounds."""
    if _is_verb(word):
        return False
    return not _known(word) or _lemma(word)[:1].isupper()


def _capitalize(word):
    return word[:1].upper() + word[1:]


def split(word):
    """Parts of a compound noun, e.g. "Kundenvertrauen" → ["Kunden", "Vertrauen"]; [] if none."""
    try:
        return _splits[word]
    except KeyError:
        pass
    parts = []
    if (len(word) >= MIN_WORD and word[:1].isupper() and word.isalpha()
            and word.lower() not in NO_SPLIT and _is_noun_or_unknown(word)):
        found = _split_once(word)
        if found:
            head, tail = _capitalize(found[0]), _capitalize(found[1])
            for half in (head, tail):
                parts.extend(split(half) or [half])
            # The halves of a three-part compound are words too ("Kundenservice").
            for half in (head, tail):
                if half not in parts:
                    parts.append(half)
    _splits[word] = parts
    return parts


def extra_terms(text):
    """Compound parts in `text` that the text does not already contain as words."""
    words = dict.fromkeys(WORD.findall(text))
    splits = _splits
    present = None
    terms = {}
    for word in words:
        parts = splits.get(word)
        if parts is None:
            parts = split(word)
        if not parts:
            continue
        if present is None:
            present = {w.lower() for w in words}
        for part in parts:
            key = part.lower()
            if key not in present:
                terms.setdefault(key, part)
    return list(terms.values())


def known_splits():
    """Every word split so far and its parts (for the cache between builds)."""
    return _splits


def remember_splits(splits):
    """Take split results of an earlier build (same rules and word lists) as known."""
    for word, parts in splits.items():
        _splits.setdefault(word, parts)
