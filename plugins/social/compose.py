"""Post texts per network: counted the way each network counts, cut at German
sentence boundaries, with hashtags and (for Bluesky) facets.

Why not "cut after N characters" like the feed-to-toot tools: Mastodon counts
grapheme clusters and every URL as 23 characters whatever its length; Bluesky
counts 300 graphemes *and* 3,000 UTF-8 bytes and only links what the post's
facets say, by byte offset. A count that is off by one emoji or one umlaut is a
rejected post in CI, long after the editor has gone home. So counting lives
here, in one place, and the build checks every post before it is queued.
"""

import re
from dataclasses import dataclass, field

import regex
from german.hashtags import hashtag_name
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
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))
_GRAPHEME = regex.compile(r"\X")


class CompositionError(ValueError):
    """A post cannot be made. `str()` is the English log message (file and
    network are added by the caller); `german` is the same for the preview page."""

    def __init__(self, message, german):
        super().__init__(message)
        self.german = german


def graphemes(text):
    """User-perceived characters (extended grapheme clusters, UAX #29)."""
    return len(_GRAPHEME.findall(text))


def utf8_length(text):
    return len(text.encode("utf-8"))


def url_spans(text):
    """(start, end) of each http(s) URL, trailing punctuation excluded, as
    twitter-text (Mastodon) and the Bluesky apps do."""
    spans = []
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
    pieces.append(text[last:])
    countable = _REMOTE_MENTION.sub(r"\1", "".join(pieces))
    return graphemes(countable)


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
            limit=int(settings.get("SOCIAL_MASTODON_LIMIT", 500)),
            url_length=int(settings.get("SOCIAL_MASTODON_URL_LENGTH", 23)),
        ),
        "bluesky": Network(
            "bluesky",
            "Bluesky",
            limit=int(settings.get("SOCIAL_BLUESKY_LIMIT", 300)),
            max_bytes=int(settings.get("SOCIAL_BLUESKY_BYTES", 3000)),
            facets=True,
            card=True,
        ),
    }
    names = settings.get("SOCIAL_NETWORKS", ["mastodon", "bluesky"])
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(
            f"SOCIAL_NETWORKS: unknown network {unknown[0]!r}; expected mastodon or bluesky"
        )
    return [known[name] for name in names]


def clean_text(text):
    """Editor text as it will be posted: no soft hyphens or zero-width spaces,
    no-break spaces as spaces, single spaces, line breaks kept."""
    text = str(text or "").translate(_INVISIBLE).replace("\u00a0", " ").replace("\r\n", "\n")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", PARAGRAPH, "\n".join(lines)).strip()


def display_link(url, max_graphemes=40):
    """How a link reads in a Bluesky post: host and path without the scheme,
    shortened with "…" like the Bluesky apps do; the facet carries the full URL."""
    shown = re.sub(r"^https?://(www\.)?", "", url.split("#", 1)[0], flags=re.IGNORECASE)
    clusters = _GRAPHEME.findall(shown)
    if len(clusters) > max_graphemes:
        shown = "".join(clusters[: max_graphemes - 1]) + ELLIPSIS
    return shown


def cut_words(text, fits):
    """The longest start of `text` ending at a word boundary plus " …" that
    fits; "" if not even one word does. German sets the ellipsis for omitted
    words apart with a space (Duden)."""
    words = text.split()
    best = ""
    for count in range(1, len(words)):
        candidate = " ".join(words[:count]).rstrip(",;:–—-") + " " + ELLIPSIS
        if not fits(candidate):
            break
        best = candidate
    return best


def take_text(source, fits, max_sentences=None, cut=True):
    """Whole leading sentences that fit; else (if `cut`) the first sentence cut
    at a word boundary with "…"; "" if nothing fits."""
    source = clean_text(source)
    if not source:
        return ""
    chosen = leading_sentences(source, fits, max_sentences=max_sentences)
    if chosen or not cut:
        return chosen
    first = next(iter_sentences(source), "")
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


def _detected_facets(text):
    """Links and #tags an editor typed into the text, found the way the Bluesky
    apps find them (atproto's port of the TypeScript detector)."""
    if "http" not in text and "#" not in text and "." not in text:
        return []
    from atproto_client.utils.facet_detection import detect_facets  # costs 0.5 s; only when needed

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


def _hashtag_names(tags, present):
    seen = {name.casefold() for name in present}
    names = []
    for tag in tags:
        name = hashtag_name(tag)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


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
        return "".join(s.text for s in segments(body, list(names)))

    def fits(body, names=()):
        return network.fits(plain(body, names))

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

    present = [m.group(1) for m in _HASHTAG.finditer(f"{head}\n{body}")]
    chosen = []
    for name in _hashtag_names(tags, present):
        if len(chosen) + len(present) >= max_tags:
            break
        if fits(body, chosen + [name]):
            chosen.append(name)

    final, facets = render(segments(body, chosen), network.facets)
    return Composed(final, facets, chosen, network.length(final))


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
