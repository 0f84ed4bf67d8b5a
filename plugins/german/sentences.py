"""German sentence splitting, for summaries cut at a sentence boundary.

A period ends far fewer German sentences than it seems to: "z. B.", "bzw.",
"Nr. 5", "am 3. Oktober", "die 2. Stufe" and "1.500 Kunden" all carry one.
Generic splitters (and "cut after N characters") get these wrong, which is how
a post ends up saying "Wir melden uns z." on Mastodon. The rules here are
deliberately conservative: when in doubt, a period is *not* a sentence end,
because a sentence that runs on is harmless while a cut one is wrong.

A boundary is a run of ``.``, ``!``, ``?`` or ``…`` (plus closing quotes or
brackets), then whitespace, then something that can start a sentence: an
upper-case letter, a digit or an opening quote/bracket. A blank line always
ends a sentence. A period does not end a sentence when the word before it is

- a known abbreviation ("bzw.", "Nr.", "ca.", "Dr.", "usw.", "Okt." …),
- a single letter ("z. B.", "d. h.", "A. Müller") or a dotted form ("z.B."),
- a number of one to three digits (ordinals and dates: "2. Stufe",
  "3. Oktober", "am 24.11. um 10 Uhr"); years ("im Jahr 2024.") do end one,
  and so does a number after a noun label ("auf Seite 3. Danach"), unless a
  month follows ("bis Freitag, 3. Oktober").
"""

import re

__all__ = ["ABBREVIATIONS", "iter_sentences", "leading_sentences", "split_sentences"]

# Lower-case forms without the trailing period. Compared case-insensitively.
ABBREVIATIONS = frozenset(
    """
    abb abs abschn abt adr allg anh anm art aufl ausg az bd betr bes bez bsp bspw
    bzgl bzw ca chr dgl dipl dr dt ebd eig einschl engl entspr erg etc ev evtl exkl
    fa ff fr frl gegr geb gem ges gest ggf ggü gr hr hrn hrsg inkl insb ing jh jhd
    jr kap kfm kl kw lfd lt mag max mind min mio mrd mwst nachm nr od pkt pl prof
    rd rel sek sog spez st std str tab tel tsd usf usw uvm verf vgl vj vorm vs wg
    zb zt zzgl zz zit zus jan feb febr mär apr jun jul aug sep sept okt nov dez
    """.split()
)

# Weekday abbreviations clash with ordinary words ("so.", "do."), so they only
# count in their capitalised abbreviation form.
CASE_SENSITIVE_ABBREVIATIONS = frozenset({"Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"})

MONTHS = frozenset(
    """
    januar jänner februar märz april mai juni juli august september oktober
    november dezember jan feb febr mär apr jun jul aug sep sept okt nov dez
    """.split()
)

# Words before a number that make it an ordinal ("am 3.", "die 2.", "ab 1.").
# A capitalised word not in this list is a label ("Seite 3.", "Version 2."),
# after which the number is a plain number and the period can end a sentence.
_ORDINAL_LEAD = frozenset(
    """
    am an ab auf aus bei beim bis dem den der des die das durch ein eine einem
    einen einer eines für im in jede jedem jeden jeder jedes mit nach seit über um
    unter vom von vor zu zum zur
    """.split()
)

_OPENING = "\"'„‚“‘«»(["
_CLOSING = "\"'“”‘’»«)]"
_BOUNDARY = re.compile(r"(?P<mark>[.!?…]+)(?P<close>[" + re.escape(_CLOSING) + r"]*)(?P<space>\s+)")
_PARAGRAPHS = re.compile(r"\n[ \t]*\n\s*")
_WORD_BEFORE = re.compile(r"(?:(\S+)\s+)?(\S+)$")
_WORD_AFTER = re.compile(r"[^\W\d_]+")
_DOTTED = re.compile(r"^(?:\w\.)+\w$")  # z.B, d.h, u.a
_SHORT_NUMBER = re.compile(r"^\d{1,3}$")  # ordinals, days of the month
_DAY_MONTH = re.compile(r"^\d{1,2}\.\d{1,2}$")  # "am 24.11. um …"


def _is_ordinal(previous, following):
    """A short number before "." is an ordinal or a day, unless it follows a
    noun label ("Seite 3. Danach") and no month comes next."""
    next_word = _WORD_AFTER.match(following)
    if next_word and next_word.group(0).lower() in MONTHS:
        return True
    previous = (previous or "").lstrip(_OPENING)
    if previous[-1:] in ("!", "?", ":") or (
        previous.endswith(".") and not _period_is_not_an_end(None, previous[:-1], "")
    ):
        return True  # a numbered step at the start of a sentence: "… fertig. 2. Stufe"
    # A capitalised word that is not an article or preposition is a label.
    return not (previous[:1].isupper() and previous.lower() not in _ORDINAL_LEAD)


def _period_is_not_an_end(previous, word, following):
    word = word.lstrip(_OPENING)
    if not word:
        return False
    if word in CASE_SENSITIVE_ABBREVIATIONS:
        return True
    if word.lower() in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():
        return True
    if _DOTTED.match(word):
        return True
    if _DAY_MONTH.match(word):
        return True
    if _SHORT_NUMBER.match(word):
        return _is_ordinal(previous, following)
    return False


def _can_start_sentence(char):
    return char.isupper() or char.isdigit() or char in _OPENING


def _split_paragraph(text):
    """Sentences of one paragraph, lazily (a summary needs only the first few)."""
    start = 0
    for match in _BOUNDARY.finditer(text):
        after = match.end()
        if after >= len(text) or not _can_start_sentence(text[after]):
            continue
        if match.group("mark") == ".":
            # Only the two words around the period matter; look at a window,
            # not the whole text, or long texts take quadratic time.
            window = text[max(0, match.start() - 80) : match.start()]
            before = _WORD_BEFORE.search(window)
            following = text[after : after + 40]
            if before and _period_is_not_an_end(before.group(1), before.group(2), following):
                continue
        sentence = text[start : match.end("close")].strip()
        if sentence:
            yield sentence
        start = after
    rest = text[start:].strip()
    if rest:
        yield rest


def iter_sentences(text):
    """The sentences of a German plain text, in order, one at a time."""
    for paragraph in _PARAGRAPHS.split(text or ""):
        yield from _split_paragraph(paragraph)


def split_sentences(text):
    """The sentences of a German plain text, in order, whitespace inside kept.

    >>> split_sentences("Wir helfen z. B. am 3. Oktober. Danach ist Ruhe.")
    ['Wir helfen z. B. am 3. Oktober.', 'Danach ist Ruhe.']
    """
    return list(iter_sentences(text))


def leading_sentences(text, fits, max_sentences=None):
    """The longest run of whole sentences from the start for which `fits(candidate)`
    is true, joined with single spaces; "" when not even the first one fits.

    `text` is a plain text or its sentences, already split (a caller that asks
    about one text several times splits it once). `fits` lets the caller count
    however its medium counts (graphemes, URLs as 23 characters, bytes)
    without this module knowing about any of it.
    """
    sentences = iter_sentences(text) if isinstance(text, str) else text
    chosen = ""
    for count, sentence in enumerate(sentences, start=1):
        if max_sentences is not None and count > max_sentences:
            break
        candidate = f"{chosen} {sentence}" if chosen else sentence
        candidate = " ".join(candidate.split())
        if not fits(candidate):
            break
        chosen = candidate
    return chosen
