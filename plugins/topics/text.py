"""HTML of a document → plain text by place: title, summary, headings, body.

Regular expressions and str methods instead of an HTML parser: Markdown output
is regular enough, and BeautifulSoup would cost about 5 ms per document, which
is 20 s on a 4,000-article site.

Block ends (paragraphs, list items, table cells) become BOUNDARY tokens: a list
item without a full stop is still a sentence of its own. Sentences are found on
whitespace-separated tokens (`sentence_starts`), which lets the matcher work on
one `str.split()` of the text instead of tokenizing twice.
"""

import html
import re
from dataclasses import dataclass

BOUNDARY = "\x00"
_BREAK = f" {BOUNDARY} "

DROP = re.compile(r"<(script|style|pre|code|svg|math|template)\b[^>]*>.*?</\1\s*>", re.S | re.I)
DROP_HINT = re.compile(r"<(?:script|style|pre|code|svg|math|template)\b", re.I)
COMMENT = re.compile(r"<!--.*?-->", re.S)
HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.S | re.I)
BLOCK = re.compile(
    r"</?(?:p|div|li|ul|ol|dl|dt|dd|tr|td|th|table|blockquote|section|article|aside|"
    r"figure|figcaption|header|footer|details|summary|br|hr|h[1-6])\b[^>]*>",
    re.I,
)
TAG = re.compile(r"<[^>]*>")
INVISIBLE = ("\u00ad", "\u200b", "\u200c", "\u200d", "\u2060")  # soft hyphen, zero widths

ENDERS = ".!?…"
CLOSERS = "\"'“”‚‘’»«)]"
OPENERS = "\"'„“‚‘»«(["
# Abbreviations that never end a sentence (not "so", "do": they are also words).
ABBREVIATIONS = frozenset(
    """z.b b.a u.a d.h bzw ca nr usw etc dr prof hr fr std min tel inkl ggf evtl vgl
    s abs art bspw mio mrd max mind zzgl sog o.ä u.ä jan feb mär apr jun jul aug sep sept
    okt nov dez str mo di mi z.t i.d.r v.a u.u""".split()
)
AFTER_ORDINAL = frozenset(
    """Januar Februar März April Mai Juni Juli August September Oktober November Dezember
    Jahrhundert Kalenderwoche Quartal Mal Stock Etage Platz Advent""".split()
)

# How a token can end a sentence: 0 no, 1 yes, 2 a number with a dot ("3."),
# which ends a sentence unless a month or similar follows ("am 3. Oktober").
_ending_cache = {}


@dataclass
class Places:
    """Plain text of one document by place (BOUNDARY marks block ends)."""

    title: str
    summary: str
    headings: list
    body: str


def _plain(fragment):
    if "<" in fragment:
        text = TAG.sub("", BLOCK.sub(_BREAK, fragment))
    else:
        text = fragment
    if "&" in text:
        text = html.unescape(text)
    for char in INVISIBLE:
        if char in text:
            text = text.replace(char, "")
    return text


def _one_line(fragment):
    return " ".join(_plain(fragment).replace(BOUNDARY, " ").split())


def places_from_html(title, summary_html, content_html):
    """Split a rendered document into its places; headings leave the body."""
    content = content_html or ""
    if "<!--" in content:
        content = COMMENT.sub(" ", content)
    if DROP_HINT.search(content):
        content = DROP.sub(" ", content)
    headings = []
    if "<h" in content or "<H" in content:
        pieces = HEADING.split(content)
        # split() gives text, level, heading, text, level, heading, …
        headings = [_one_line(pieces[i]) for i in range(2, len(pieces), 3)]
        content = _BREAK.join(pieces[i] for i in range(0, len(pieces), 3))
    return Places(
        title=_one_line(title or ""),
        summary=_plain(summary_html) if summary_html else "",
        headings=[h for h in headings if h],
        body=_plain(content),
    )


def ending(token):
    """0, 1 or 2 (see _ending_cache) for a whitespace-separated token."""
    try:
        return _ending_cache[token]
    except KeyError:
        pass
    core = token.rstrip(CLOSERS)
    result = 0
    if core and core[-1] in ENDERS:
        result = 1
        if core[-1] == "." and not core.endswith(".."):
            word = core.lstrip(OPENERS)[:-1]
            if word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                result = 0
            elif "." in word and all(len(p) <= 2 for p in word.split(".")):
                result = 0  # "z.B.", "u.a."
            elif word.isdigit():
                result = 2
    if len(_ending_cache) < 200_000:
        _ending_cache[token] = result
    return result


def _starts_sentence(token):
    first = token.lstrip(OPENERS)[:1]
    return bool(first) and (first.isupper() or first.isdigit() or first in "#@")


def sentence_starts(words, enders=None):
    """Indices where sentences start in a list of whitespace-separated tokens.

    `enders` may name the indices of tokens that can end a sentence (found by
    the caller with C-speed list.index); otherwise every token is checked.
    """
    if enders is None:
        enders = [i for i, w in enumerate(words) if w == BOUNDARY or ending(w)]
    starts = [0]
    last = len(words) - 1
    for i in enders:
        if i >= last:
            continue
        token, following = words[i], words[i + 1]
        if token == BOUNDARY:
            starts.append(i + 1)
            continue
        kind = ending(token)
        if kind and following != BOUNDARY and _starts_sentence(following):
            if kind == 2 and following.strip(OPENERS + CLOSERS + ".,") in AFTER_ORDINAL:
                continue
            starts.append(i + 1)
    return starts


def sentence_text(words, starts, number):
    """The text of sentence `number` (single spaces, no boundary marks)."""
    begin = starts[number]
    end = starts[number + 1] if number + 1 < len(starts) else len(words)
    # A BOUNDARY only ever closes a sentence, so it can only sit at the end.
    while end > begin and words[end - 1] == BOUNDARY:
        end -= 1
    return " ".join(words[begin:end])


def split_sentences(text):
    """German sentences of a text: "z. B.", "bzw.", "Nr. 5" and "3. Oktober" do not end one."""
    words = text.replace("\n", _BREAK).split()
    starts = sentence_starts(words)
    sentences = (sentence_text(words, starts, n) for n in range(len(starts)))
    return [s for s in sentences if s]
