"""Post texts per network: counted the way each network counts, cut at German
sentence boundaries, with hashtags and (for Bluesky) facets.

Why not "cut after N characters" like the feed-to-toot tools: Mastodon counts
grapheme clusters and every URL as 23 characters whatever its length; Bluesky
counts 300 graphemes *and* 3,000 UTF-8 bytes and only links what the post's
facets say, by byte offset. A count that is off by one emoji or one umlaut is a
rejected post in CI, long after the editor has gone home. So counting lives
here, in one place, and the build checks every post before it is queued.
"""

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from german.hashtags import hashtag_name as _hashtag_name_uncached
from german.sentences import iter_sentences, leading_sentences

ELLIPSIS = "…"
PARAGRAPH = "\n\n"

LINK = "app.bsky.richtext.facet#link"
TAG = "app.bsky.richtext.facet#tag"

# Mastodon links only URLs with a scheme (it extracts entities with
# extract_url_without_protocol: false), so only those get the 23-character rate.
_URL = re.compile(r"https?://[^\s<>\"“”„]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?'\"’»"
# Mastodon counts a remote mention "@name@server" as "@name".
_REMOTE_MENTION = re.compile(r"(?<![\w/@])(@\w+)@[\w.-]+\w", re.UNICODE)
_HASHTAG = regex.compile(r"(?<![\w/#])#([\p{L}\p{M}\p{N}_]*\p{L}[\p{L}\p{M}\p{N}_]*)")
_INVISIBLE = "\u00ad\u200b\u2060\ufeff"
_GRAPHEME = regex.compile(r"\X")
# Code points that can share a grapheme cluster with a neighbour (UAX #29
# rules GB3, GB6-GB9b, GB11-GB13). A text without any of them has one cluster
# per code point, so it is counted by len() instead of by splitting it into
# clusters (a 4,000-article build counts ~50,000 texts).
_JOINING = regex.compile(
    r"[\r"
    + "".join(
        rf"\p{{Grapheme_Cluster_Break={name}}}"
        for name in ("Extend", "ZWJ", "SpacingMark", "Prepend", "Regional_Indicator",
                     "L", "V", "T", "LV", "LVT")
    )
    + "]"
)
_BLANK_LINES = re.compile(r"\n{3,}")
_SCHEME = re.compile(r"^https?://(www\.)?", re.IGNORECASE)
# What a domain in atproto's URL pattern starts with: an ASCII letter,
# letters or digits, a dot and a letter or digit.
_DOMAIN_START = re.compile(r"[A-Za-z][A-Za-z0-9]*\.[A-Za-z0-9]")


class CompositionError(ValueError):
    """A post cannot be made. `str()` is the English log message (file and
    network are added by the caller); `german` is the same for the preview page."""

    def __init__(self, message, german):
        super().__init__(message)
        self.german = german


@lru_cache(maxsize=4096)
def graphemes(text):
    """User-perceived characters (extended grapheme clusters, UAX #29).

    Memoised: the same sentences are counted for each network and the card."""
    if text.isascii() or max(text) < "\u0300":
        # Below U+0300 nothing extends a cluster; only CR LF is one cluster.
        return len(text) - text.count("\r\n")
    if _JOINING.search(text) is None:
        return len(text)
    return len(_GRAPHEME.findall(text))


def utf8_length(text):
    return len(text.encode("utf-8"))


def url_spans(text):
    """(start, end) of each http(s) URL, trailing punctuation excluded, as
    twitter-text (Mastodon) and the Bluesky apps do."""
    spans = []
    if "://" not in text:  # every match has one
        return spans
    for match in _URL.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in _URL_TRAILING:
            end -= 1
        if end > start and text[end - 1] == ")" and "(" not in text[start:end]:
            end -= 1
        spans.append((start, end))
    return spans


def mastodon_length(text, url_length=23):
    """Length as Mastodon's StatusLengthValidator computes it: graphemes, with
    every URL counted as `url_length` and remote mentions as their local part."""
    pieces, last = [], 0
    for start, end in url_spans(text):
        pieces.append(text[last:start])
        pieces.append("x" * url_length)
        last = end
    if pieces:
        pieces.append(text[last:])
        text = "".join(pieces)
    if "@" in text:
        text = _REMOTE_MENTION.sub(r"\1", text)
    return graphemes(text)


@dataclass(frozen=True)
class Network:
    """What a network allows. `url_length` None means URLs count as written."""

    name: str
    label: str
    limit: int
    max_bytes: int | None = None
    url_length: int | None = None
    facets: bool = False
    card: bool = False

    def length(self, text):
        if self.url_length is not None:
            return mastodon_length(text, self.url_length)
        return graphemes(text)

    def fits(self, text):
        if self.length(text) > self.limit:
            return False
        return self.max_bytes is None or utf8_length(text) <= self.max_bytes

    def measure(self, text):
        """Human-readable length against the limit, for messages."""
        used = f"{self.length(text)} of {self.limit} characters"
        if self.max_bytes is not None and utf8_length(text) > self.max_bytes:
            used += f" ({utf8_length(text)} of {self.max_bytes} bytes)"
        return used


def networks_from_settings(settings):
    """The networks the site posts to, with the limits from the settings."""
    known = {
        "mastodon": Network(
            "mastodon",
            "Mastodon",
            limit=int(settings["SOCIAL_MASTODON_LIMIT"]),
            url_length=int(settings["SOCIAL_MASTODON_URL_LENGTH"]),
        ),
        "bluesky": Network(
            "bluesky",
            "Bluesky",
            limit=int(settings["SOCIAL_BLUESKY_LIMIT"]),
            max_bytes=int(settings["SOCIAL_BLUESKY_BYTES"]),
            facets=True,
            card=True,
        ),
    }
    names = settings["SOCIAL_NETWORKS"]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(
            f"SOCIAL_NETWORKS: unknown network {unknown[0]!r}; expected mastodon or bluesky"
        )
    return [known[name] for name in names]


def remove_invisible(text):
    """Without soft hyphens, zero-width spaces and joiners, BOMs."""
    # str.replace, not str.translate: translate with a table is ~20 times
    # slower on non-ASCII text, and the build cleans every article's text.
    for invisible in _INVISIBLE:
        if invisible in text:
            text = text.replace(invisible, "")
    return text


def clean_text(text):
    """Editor text as it will be posted: no soft hyphens or zero-width spaces,
    no-break spaces as spaces, single spaces, line breaks kept."""
    text = remove_invisible(str(text or ""))
    text = text.replace("\u00a0", " ").replace("\r\n", "\n")
    text = "\n".join([" ".join(line.split()) for line in text.split("\n")])
    if "\n\n\n" in text:  # what _BLANK_LINES needs
        text = _BLANK_LINES.sub(PARAGRAPH, text)
    return text.strip()


def display_link(url, max_graphemes=40):
    """How a link reads in a Bluesky post: host and path without the scheme,
    shortened with "…" like the Bluesky apps do; the facet carries the full URL."""
    shown = _SCHEME.sub("", url.split("#", 1)[0])
    if graphemes(shown) > max_graphemes:
        if shown.isascii() and "\r" not in shown:  # one cluster per character
            return shown[: max_graphemes - 1] + ELLIPSIS
        clusters = _GRAPHEME.findall(shown)
        shown = "".join(clusters[: max_graphemes - 1]) + ELLIPSIS
    return shown


def cut_words(text, fits):
    """The longest start of `text` ending at a word boundary plus " …" that
    fits; "" if not even one word does. German sets the ellipsis for omitted
    words apart with a space (Duden)."""
    words = text.split()
    best = ""
    start = ""
    for count in range(1, len(words)):
        # The same candidates as " ".join(words[:count]), built incrementally.
        start = f"{start} {words[count - 1]}" if count > 1 else words[0]
        candidate = start.rstrip(",;:–—-") + " " + ELLIPSIS
        if not fits(candidate):
            break
        best = candidate
    return best


class _Sentences:
    """The sentences of one text, split once (lazily: a post needs only the
    first few), however often the posts for each network and the card ask."""

    __slots__ = ("_iterator", "_split")

    def __init__(self, text):
        self._iterator = iter_sentences(text)
        self._split = []

    def __iter__(self):
        index = 0
        while True:
            if index == len(self._split):
                sentence = next(self._iterator, None)
                if sentence is None:
                    return
                self._split.append(sentence)
            yield self._split[index]
            index += 1


@lru_cache(maxsize=64)
def _prepared(source):
    """(clean text, its sentences) – an article's text serves several posts."""
    cleaned = clean_text(source)
    return cleaned, _Sentences(cleaned)


def take_text(source, fits, max_sentences=None, cut=True):
    """Whole leading sentences that fit; else (if `cut`) the first sentence cut
    at a word boundary with "…"; "" if nothing fits."""
    source, sentences = _prepared(str(source or ""))
    if not source:
        return ""
    chosen = leading_sentences(sentences, fits, max_sentences=max_sentences)
    if chosen or not cut:
        return chosen
    first = next(iter(sentences), "")
    return cut_words(" ".join(first.split()), fits) if first else ""


@dataclass
class Segment:
    text: str
    feature: dict | None = None


@dataclass
class Composed:
    text: str
    facets: list = field(default_factory=list)
    hashtags: list = field(default_factory=list)
    length: int = 0


def _facet(start, end, feature):
    return {"index": {"byteStart": start, "byteEnd": end}, "features": [feature]}


_FACET_PATTERNS = []


def _facet_patterns():
    """atproto's URL and #tag patterns without importing atproto_client (its
    models cost 0.4 s to import, which an incremental build cannot afford for
    one changed article): the module holding them imports only `re`. [] when
    an atproto version keeps them elsewhere – then the detector always runs."""
    if not _FACET_PATTERNS:
        patterns = None
        try:
            import importlib.util

            package = importlib.util.find_spec("atproto_client")
            path = os.path.join(os.path.dirname(package.origin), "utils", "facet_regexes.py")
            spec = importlib.util.spec_from_file_location("_social_facet_regexes", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            patterns = (module.URL_REGEX, module.TAG_REGEX)
        except Exception:  # noqa: BLE001 - only a shortcut; the detector decides
            patterns = None
        _FACET_PATTERNS.append(patterns)
    return _FACET_PATTERNS[0]


def _detected_facets(text):
    """Links and #tags an editor typed into the text, found the way the Bluesky
    apps find them (atproto's port of the TypeScript detector)."""
    if "http" not in text and "#" not in text and "." not in text:
        return []
    patterns = _facet_patterns()
    if patterns is not None:
        # The detector makes link facets only from URL matches and tag facets
        # only from #tag matches (cashtags are dropped below). A URL match
        # needs "://" or a dot before a letter or digit, a tag match "#" or "＃"
        # (cheap tests first: prose has many dots, few of them in a domain).
        url, tag = patterns
        maybe_url = "://" in text or _DOMAIN_START.search(text) is not None
        maybe_tag = "#" in text or "＃" in text
        if not (maybe_url and url.search(text)) and not (maybe_tag and tag.search(text)):
            return []
    from atproto_client.utils.facet_detection import detect_facets  # costs 0.4 s; only when needed

    facets = []
    for found in detect_facets(text):
        feature = found.features[0]
        if getattr(feature, "uri", None):
            item = {"$type": LINK, "uri": feature.uri}
        elif getattr(feature, "tag", None) and not feature.tag.startswith("$"):
            item = {"$type": TAG, "tag": feature.tag}
        else:
            continue
        facets.append(_facet(found.index.byte_start, found.index.byte_end, item))
    return facets


def render(segments, with_facets):
    """Join segments into the post text; facets by UTF-8 byte offsets."""
    if not with_facets:
        return "".join(segment.text for segment in segments), []
    text, facets, offset = "", [], 0
    for segment in segments:
        size = utf8_length(segment.text)
        if with_facets:
            if segment.feature is not None:
                facets.append(_facet(offset, offset + size, segment.feature))
            else:
                for found in _detected_facets(segment.text):
                    found["index"]["byteStart"] += offset
                    found["index"]["byteEnd"] += offset
                    facets.append(found)
        text += segment.text
        offset += size
    return text, facets


# A site has a few hundred tags and asks for each of them twice per article.
hashtag_name = lru_cache(maxsize=4096)(_hashtag_name_uncached)


def _hashtag_names(tags, present):
    """Hashtag names of the tags, not yet present, in order – lazily: usually
    the first three fit and the rest are never needed."""
    seen = {name.casefold() for name in present}
    for tag in tags:
        name = hashtag_name(tag)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            yield name


def compose(
    network,
    *,
    link,
    head="",
    text=None,
    source=None,
    tags=(),
    max_tags=3,
    max_sentences=None,
    text_optional=False,
    what="text",
):
    """One post for `network`.

    - `head`: fixed lines that must appear in full (the outage pattern).
    - `text`: the editor's exact wording (never cut; too long is an error).
    - `source`: text to take leading sentences from, cut to fit.
    - `tags`: tag names; at most `max_tags` become hashtags, only if they fit.
    - `text_optional`: the source text may be left out (outage posts say what
      matters in `head`; half a sentence of the update would say less).
    Raises CompositionError with a message for the editor.
    """
    link_segment = (
        Segment(display_link(link), {"$type": LINK, "uri": link})
        if network.facets
        else Segment(link)
    )

    def segments(body, names):
        parts = [Segment(p) for p in (head, body) if p]
        parts.append(link_segment)
        result = []
        for part in parts:
            if result:
                result.append(Segment(PARAGRAPH))
            result.append(part)
        if names:
            result.append(Segment(PARAGRAPH))
            for i, name in enumerate(names):
                if i:
                    result.append(Segment(" "))
                result.append(Segment(f"#{name}", {"$type": TAG, "tag": name}))
        return result

    def plain(body, names=()):
        """"".join of the segments' texts, without making the segments."""
        text = PARAGRAPH.join([p for p in (head, body) if p] + [link_segment.text])
        return text + PARAGRAPH + "#" + " #".join(names) if names else text

    counted = {}

    def count(piece):
        known = counted.get(piece)
        if known is None:
            known = counted[piece] = (network.length(piece), utf8_length(piece))
        return known

    # A CR before the blank line would join it (CR LF): then count whole texts.
    additive = not (head.endswith("\r") or link_segment.text.endswith("\r"))

    def measure(body, names=()):
        """(network.length, UTF-8 bytes) of plain(body, names), from the
        lengths of its pieces: they are joined by blank lines, and neither
        clusters (UAX #29 always breaks around a line feed, except CR LF) nor
        URLs or mentions reach across a line break, so the lengths add up.
        Each piece is counted once, however many candidates it is part of."""
        if not additive or body.endswith("\r"):
            text = plain(body, names)
            return network.length(text), utf8_length(text)
        length, size = counted.get(link_segment.text) or count(link_segment.text)
        for piece in (head, body, "#" + " #".join(names) if names else ""):
            if piece:
                piece_length, piece_size = counted.get(piece) or count(piece)
                length += piece_length + len(PARAGRAPH)
                size += piece_size + len(PARAGRAPH)
        return length, size

    def fits(body, names=()):
        """network.fits(plain(body, names))"""
        length, size = measure(body, names)
        if length > network.limit:
            return False
        return network.max_bytes is None or size <= network.max_bytes

    if not fits(""):
        raise CompositionError(
            f"the fixed part of the post with the link is {network.measure(plain(''))}; "
            f"expected at most {network.limit}",
            f"Schon der feste Teil mit Link ist {network.length(plain(''))} Zeichen lang; "
            f"erlaubt sind {network.limit}.",
        )

    if text is not None:
        body = clean_text(text)
        if not body:
            raise CompositionError(
                f"the {what} is empty; expected the wording of the post",
                "Der Text für den Beitrag ist leer.",
            )
        if not fits(body):
            raise CompositionError(
                f"the {what} gives a post of {network.measure(plain(body))} with the link; "
                f"expected at most {network.limit}, so shorten it",
                f"Der Beitrag ist mit Link {network.length(plain(body))} Zeichen lang; "
                f"erlaubt sind {network.limit}. Bitte den Text kürzen.",
            )
    else:
        body = take_text(source or "", fits, max_sentences=max_sentences, cut=not text_optional)
        if not body and not text_optional:
            raise CompositionError(
                f"no usable {what}: not even the first words fit into {network.limit} characters "
                "with the link; expected a shorter first sentence or a 'Social:' line",
                "Kein verwendbarer Text: Schon die ersten Wörter passen nicht in den Beitrag. "
                "Bitte eine Zeile „Social:“ mit einem kürzeren Text ergänzen.",
            )

    present = (
        [m.group(1) for m in _HASHTAG.finditer(f"{head}\n{body}")]
        if "#" in head or "#" in body  # the pattern needs one
        else []
    )
    chosen = []
    for name in _hashtag_names(tags, present):
        if len(chosen) + len(present) >= max_tags:
            break
        if fits(body, chosen + [name]):
            chosen.append(name)

    if network.facets:
        final, facets = render(segments(body, chosen), True)
    else:
        final, facets = plain(body, chosen), []
    return Composed(final, facets, chosen, measure(body, chosen)[0])


def card_description(source, max_graphemes=200):
    """Short description for a link card: whole sentences, else cut words."""

    def fits(candidate):
        return graphemes(candidate) <= max_graphemes

    return take_text(source or "", fits)


def display_segments(text, facets=None):
    """Text split into plain/link/hashtag pieces for the preview page: by the
    facets for Bluesky (what the network will link), else by the patterns
    Mastodon links (URLs with a scheme, hashtags)."""
    pieces = []
    if facets is not None:
        data = text.encode("utf-8")
        position = 0
        for facet in sorted(facets, key=lambda f: f["index"]["byteStart"]):
            start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
            if start < position:
                continue
            feature = facet["features"][0]
            pieces.append({"kind": "text", "text": data[position:start].decode("utf-8")})
            kind = "link" if feature.get("$type") == LINK else "tag"
            pieces.append(
                {
                    "kind": kind,
                    "text": data[start:end].decode("utf-8"),
                    "href": feature.get("uri") if kind == "link" else None,
                }
            )
            position = end
        pieces.append({"kind": "text", "text": data[position:].decode("utf-8")})
    else:
        marks = [(s, e, "link") for s, e in url_spans(text)]
        for match in _HASHTAG.finditer(text):
            if not any(s <= match.start() < e for s, e, _ in marks):
                marks.append((match.start(), match.end(), "tag"))
        position = 0
        for start, end, kind in sorted(marks):
            pieces.append({"kind": "text", "text": text[position:start]})
            pieces.append(
                {
                    "kind": kind,
                    "text": text[start:end],
                    "href": text[start:end] if kind == "link" else None,
                }
            )
            position = end
        pieces.append({"kind": "text", "text": text[position:]})
    return [p for p in pieces if p["text"]]
