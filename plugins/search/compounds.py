"""German compound splitting for the search index: "Routerersatzlieferung" →
Router, Ersatz, Lieferung, Ersatzlieferung.

Pagefind matches whole words and word beginnings, so "Router" already finds
"Routerersatzlieferung", but "Lieferung" or "Ersatz" never do: German writes
compounds as one word. The index therefore gets the parts as extra terms.

The method extends the frequency-based one of Koehn & Knight (2003) from two
parts to any number: every way of cutting the word into known words is
scored by the mean Zipf frequency of its parts (word frequencies from
`wordfreq`), and the best one wins if its parts are, on average, more common
than the whole word. So "Kundenvertrauen" (rare) splits into "Kunden" +
"Vertrauen" (common), "Glasfaserhausanschluss" into Glas, Faser, Haus,
Anschluss, while "Donnerstag" does not become "Donner" + "Stag" and
"Software" not "Soft" + "Ware". A dynamic programme over the cut positions
finds the best cut for each number of parts in O(length²). On top:

- the last part - the head of a German compound - must be a noun
  (simplemma's German dictionary: its lemma is capitalized), and never a
  suffix that also is a noun ("Kund|schaft", "Zeit|ung");
- the parts before it are nouns (the form that is the more common word:
  "Nummer" in "Rufnummernmitnahme", "Kunden" in "Kundenvertrauen"),
  adjectives or verb stems ("Fest|netz",
  "Warte|zeit"), with or without a linking element ("Störung-s-meldung",
  "Nummer-n-mitnahme", "Kind-er-garten"), or with an elided final -e
  ("Schul|bus", "Sprach|nachricht");
- a part that is a verb prefix or a preposition is no part: "Aus|fall",
  "Ver|trauen" and "An|schrift" are derivations, not compounds.

`split()` gives the parts (the head as written, the others in their base
form) and the compounds inside the word that a reader might search for: the
head compounds ("Ersatzlieferung", "Hausanschluss") and, when they are
words of their own, the modifier compounds ("Glasfaser", "Rufnummer").
`tests/data/compounds/gold.tsv` and `bench/compounds.py` measure the rules.

Both word lists ship inside their packages (no download at build time).
Results are cached per word form, so thousands of pages cost little more than
their vocabulary, and kept between builds (cache.py), so a build whose pages
bring no new word never loads the word lists.
"""

import math
import re

LANG = "de"
VERSION = "2"  # part of the index fingerprint: bump when the rules change

MIN_WORD = 6
MIN_PART = 3
MAX_PARTS = 5
MIN_PART_ZIPF = 2.5  # rarer "words" are noise of the word list (e.g. "Stag")
MODIFIER_ZIPF = 4.0  # adjectives and other non-nouns before the head ("Fest", "Frei")
PART_PENALTY = 0.6  # each part beyond two must raise the mean Zipf by this much
# Three-letter words are parts only if they are among these common nouns and
# adjectives: the word lists hold too many short English words and names
# ("Hot-line", "New-sletter").
SHORT_NOUNS = frozenset("""amt arm bad bau bot bus eis fax gas hof hut ort rad rat ruf see tag tal
    tor tee tür weg zoo zug not akt art lok ohr""".split())
SHORT_ADJECTIVES = frozenset("neu alt nah".split())
# The linking -s- ("Störung-s-meldung") is no word form of its own; the other
# linking elements ("Kunde-n-", "Kind-er-", "Bund-es-") make forms the
# dictionary knows (plurals, genitives) and need no rule.
LINKS = ("s",)
# Endings by which a noun form in a compound may differ from its dictionary form.
INFLECTIONS = frozenset(("n", "en", "s", "es", "er", "ns", "ens"))
# Word beginnings that make derivations, not compounds: "Aus|fall", "Ver|trauen".
PREFIXES = {
    "ab", "an", "auf", "aus", "be", "bei", "da", "dar", "durch", "ein", "emp", "ent",
    "er", "fort", "ge", "gegen", "her", "hin", "hinter", "los", "miss", "mit", "nach",
    "neben", "ob", "rück", "über", "um", "un", "unter", "ur", "ver", "voll", "vor", "vorn", "weg",
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
_frequencies = []


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
    """Frequency of a word form on the Zipf scale (0 = unknown, 7 = "die").

    Read from wordfreq's frequency table directly: the same numbers as
    wordfreq.zipf_frequency for a single word, without its tokenizer, which
    costs more than the lookup when every substring of a word is asked about."""
    key = word.casefold()
    try:
        return _zipf[key]
    except KeyError:
        pass
    if not _frequencies:
        _frequencies.append(_module("wordfreq").get_frequency_dict(LANG, "best"))
    frequency = _frequencies[0].get(key)
    value = round(math.log10(frequency) + 9, 2) if frequency else 0.0
    value = max(value, 0.0)
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


def _infinitive(stem):
    """"such" → suchen, "warte" → warten, "liefer" → liefern."""
    return stem + ("n" if stem.endswith(("e", "er", "el")) else "en")


def _is_verb_stem(stem):
    """"Such" in "Suchfunktion", "Warte" in "Wartezeit": the stem of a verb."""
    return _is_verb(_infinitive(stem))


def _part_zipf(stem):
    """Zipf of a noun `stem` if it is a good part, else 0 (three letters: SHORT_NOUNS)."""
    if len(stem) == 3 and stem.lower() not in SHORT_NOUNS:
        return 0.0
    frequency = zipf(stem)
    if frequency < MIN_PART_ZIPF:
        return 0.0
    return frequency if is_noun(stem) else 0.0


def _stem_candidates(stem):
    """(zipf, base form) of one reading of a modifier without its linking element."""
    if len(stem) < MIN_PART or stem.lower() in PREFIXES or not VOWEL.search(stem):
        return None
    frequency = _part_zipf(stem)
    if frequency:
        return frequency, stem
    if len(stem) < 4:
        return (zipf(stem), stem) if stem.lower() in SHORT_ADJECTIVES else None
    # An elided final -e: "Schul-bus" (Schule), "Sprach-nachricht" (Sprache).
    frequency = _part_zipf(stem + "e")
    if frequency:
        return frequency, stem + "e"
    # Adjectives ("Fest-netz", "Frei-zeichen").
    frequency = zipf(stem)
    if frequency >= MODIFIER_ZIPF:
        return frequency, stem
    # Verb stems ("Warte-zeit", "Ansprech-partner"), as common as their infinitive.
    infinitive = _infinitive(stem.lower())
    frequency = zipf(infinitive)
    if frequency >= MIN_PART_ZIPF and _is_verb(infinitive):
        return frequency, stem
    return None


def _modifier(chunk):
    """(zipf, base form) of the best reading of `chunk` as a part before the head, or None.

    `chunk` may end in a linking element ("Störungs", "Nummern", "Kinder")."""
    best = _stem_candidates(chunk)
    for link in LINKS:
        if chunk.endswith(link) and len(chunk) - len(link) >= MIN_PART:
            found = _stem_candidates(chunk[: -len(link)])
            if found and (best is None or found[0] > best[0]):
                best = found
    return best


def _head(word, start):
    """Zipf of word[start:] as the head noun of `word`, or 0."""
    tail, left = word[start:], word[:start]
    lower = tail.lower()
    if lower in SUFFIX_NOUNS or not VOWEL.search(tail) or lower.startswith(("ß",)):
        return 0.0
    if lower in PARTICIPLE_ENDINGS and _is_verb_stem(left):
        return 0.0  # "Mitarbeit-ende" is a participle, not "Mitarbeit" + "Ende"
    if lower in FEMININE_ENDINGS and word.lower().endswith(("in", "innen")):
        return 0.0  # "Lese-rinnen" is "Leserinnen", not "Lese" + "Rinnen"
    return _part_zipf(tail)


def segments(word, depth=0):
    """The best cut of `word` into parts: [(surface, base form), …] with the
    linking element kept in the surface ("Störungs", "Störung"), or [] when the
    word is better read whole."""
    n = len(word)
    modifiers = {}

    def modifier(i, j):
        key = (i, j)
        if key not in modifiers:
            modifiers[key] = _modifier(word[i:j])
        return modifiers[key]

    # best[k][i]: (sum of zipf, cut positions) of word[i:] in k parts, the last the head.
    best = [None, {}]
    for i in range(MIN_PART, n - MIN_PART + 1):
        frequency = _head(word, i)
        if frequency:
            best[1][i] = (frequency, (i,))
    for k in range(2, MAX_PARTS + 1):
        level = {}
        for i in range(n - MIN_PART * k + 1):
            for j, (rest, cuts) in best[k - 1].items():
                if j - i < MIN_PART:
                    continue
                found = modifier(i, j)
                if not found:
                    continue
                total = found[0] + rest
                if i not in level or total > level[i][0]:
                    level[i] = (total, (i,) + cuts)
        best.append(level)
    chosen, score, whole_zipf = None, 0.0, zipf(word)
    for k in range(2, MAX_PARTS + 1):
        found = best[k].get(0)
        if found and found[0] / k > whole_zipf and found[0] / k - PART_PENALTY * (k - 2) > score:
            chosen, score = found[1], found[0] / k - PART_PENALTY * (k - 2)
    if chosen is None:
        return []
    bounds = list(chosen[1:]) + [n]
    parts = []
    for i, j in zip(chosen, bounds, strict=True):
        surface = word[i:j]
        base = surface if j == n else modifier(i, j)[1]
        # A part may be a compound itself ("Glasfaser|haus|anschluss"): cut it too.
        inner = []
        if len(base) >= MIN_WORD and depth < MAX_PARTS and surface.lower().startswith(base.lower()):
            inner = segments(_capitalize(base), depth + 1)
        if not inner:
            parts.append((surface, base))
            continue
        at = 0
        for number, (inner_surface, inner_base) in enumerate(inner):
            end = len(surface) if number == len(inner) - 1 else at + len(inner_surface)
            parts.append((surface[at:end], inner_base))
            at = end
    return parts


def _capitalize(word):
    return word[:1].upper() + word[1:]


def _base(surface):
    """The dictionary form of a noun form when it is the form's beginning
    ("Rufnummern" → "Rufnummer", "Landtags" → "Landtag"; "Daten" stays)."""
    word = _capitalize(surface)
    lemma = _lemma(word) if is_noun(word) else word
    if word.startswith(lemma) and len(lemma) >= MIN_PART and word[len(lemma):] in INFLECTIONS:
        return lemma
    return word


def _known_modifier(surface):
    """The base form of a modifier compound ("Rufnummern" → "Rufnummer") if it is a word."""
    for link in LINKS + ("",):
        stem = surface[: len(surface) - len(link)] if link else surface
        if (not link or surface.endswith(link)) and len(stem) >= MIN_WORD and zipf(stem) > 0:
            return _base(stem)
    return None


def _is_noun_or_unknown(word):
    """Nominalized verbs ("Einsehen") and adjectives at a sentence start are no compounds."""
    if _is_verb(word):
        return False
    return not _known(word) or _lemma(word)[:1].isupper()


def split(word):
    """Parts of a compound noun and the compounds inside it, e.g.
    "Vertragslaufzeit" → ["Vertrag", "Lauf", "Zeit", "Laufzeit"]; [] if none."""
    try:
        return _splits[word]
    except KeyError:
        pass
    terms = []
    if (len(word) >= MIN_WORD and word[:1].isupper() and word.isalpha()
            and word.lower() not in NO_SPLIT and _is_noun_or_unknown(word)):
        parts = segments(word)
        terms = [_capitalize(base) if number == len(parts) - 1 else _base(base)
                 for number, (_surface, base) in enumerate(parts)]
        count = len(parts)
        # Head compounds are compounds too ("Ersatzlieferung" in "Routerersatzlieferung"):
        # the last two parts unless a linking element joins them, longer ones if they are words.
        for first in range(count - 2, 0, -1):
            surface = _capitalize("".join(s for s, _b in parts[first:]))
            plain = first == count - 2 and parts[first][0].lower() == parts[first][1].lower()
            if plain or zipf(surface) > 0:
                terms.append(surface)
        # Modifier compounds when they are words ("Glasfaser" in "Glasfaserhausanschluss").
        for last in range(2, count):
            found = _known_modifier("".join(s for s, _b in parts[:last]))
            if found:
                terms.append(found)
        terms = list(dict.fromkeys(terms))
    _splits[word] = terms
    return terms


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
