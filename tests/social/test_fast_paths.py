"""The shortcuts that make composing fast give what the plain ways give."""

import ast
import glob
import json
import os
import random

import lxml.html
import regex

from social import cache as social_cache
from social import compose as c
from social import queue as q
from social.settings import with_defaults
from tests.support.sites import ROOT

MASTODON, BLUESKY = c.networks_from_settings(with_defaults({}))
CLUSTER = regex.compile(r"\X")

# Characters that make counting hard: combining marks, ZWJ sequences, flags,
# Hangul jamo, a Prepend letter (U+0D4E), CR/LF, URLs, mentions, tags.
NASTY = [
    "a", "Ä", "ß", " ", "\n", "\r", "\r\n", "e\u0301", "\u0301", "\u200d", "👩", "\u200d👧",
    "🇩", "🇪", "\u1100", "\u1161", "\u11a8", "\u0d4e", "\u0903", "\ufe0f", "–", "…",
    "https://example.org/a_(b)", "http://x.de.", "@team@mastodon.social", "#Tag", "z. B.", ".",
]


def nasty_text(rng, size=12):
    return "".join(rng.choice(NASTY) for _ in range(rng.randint(0, size)))


# -- counting -----------------------------------------------------------------


def test_grapheme_shortcut_for_every_code_point_below_u0300():
    for code in range(0x300):
        for text in (chr(code), chr(code) * 2, "a" + chr(code) + "\n", "\r\n" + chr(code)):
            assert c.graphemes(text) == len(CLUSTER.findall(text)), hex(code)


def test_graphemes_match_the_cluster_count():
    rng = random.Random(1)
    for _ in range(5000):
        text = nasty_text(rng)
        assert c.graphemes(text) == len(CLUSTER.findall(text)), repr(text)


def test_lengths_add_up_across_blank_lines():
    """What compose's `measure` relies on: pieces joined by blank lines
    count as much as the pieces and the blank lines (unless a piece ends in CR)."""
    rng = random.Random(2)
    for _ in range(5000):
        pieces = [nasty_text(rng, 6) for _ in range(rng.randint(1, 4))]
        if any(piece.endswith("\r") for piece in pieces):
            continue
        text = "\n\n".join(pieces)
        for network in (MASTODON, BLUESKY):
            total = sum(network.length(piece) for piece in pieces) + 2 * (len(pieces) - 1)
            assert network.length(text) == total, (network.name, pieces)


def test_joining_characters_do_not_join_across_a_line_break():
    joining = [chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000]
    joining = [ch for ch in joining if c._JOINING.match(ch)]
    assert len(joining) > 1000
    for ch in joining:
        if ch == "\r":
            continue
        alone = len(CLUSTER.findall(ch))
        assert len(CLUSTER.findall(ch + "\n\n" + ch)) == 2 * alone + 2, hex(ord(ch))


def test_composed_length_is_the_length_of_the_text():
    rng = random.Random(3)
    for _ in range(1500):
        network = rng.choice((MASTODON, BLUESKY))
        try:
            composed = c.compose(
                network,
                link=rng.choice(["https://example.org/a/", "https://example.org/" + "x" * 60]),
                head=rng.choice(["", nasty_text(rng, 5)]),
                source=" ".join(nasty_text(rng, 8) + rng.choice([". ", "! "]) for _ in range(5)),
                tags=[nasty_text(rng, 3) for _ in range(rng.randint(0, 5))],
                max_sentences=rng.choice([None, 1, 2]),
            )
        except c.CompositionError:
            continue
        assert composed.length == network.length(composed.text)
        assert network.fits(composed.text)


def test_display_link_shortcut():
    for url in (
        "https://example.org/" + "a" * 80,
        "https://example.org/" + "ä" * 80,
        "https://example.org/" + "e\u0301" * 50,
        "https://example.org/kurz/",
    ):
        shown = c._SCHEME.sub("", url)
        clusters = CLUSTER.findall(shown)
        expected = shown if len(clusters) <= 40 else "".join(clusters[:39]) + c.ELLIPSIS
        assert c.display_link(url) == expected


# -- HTML ---------------------------------------------------------------------


def lxml_html_text(html):
    """plain_text the way it is done for any HTML (lxml.html)."""
    separated = q._BLOCK_END.sub(
        lambda m: m.group(0) + ("\n" if m.group(0)[1] == "b" else "\n\n"), html
    )
    return c.clean_text(q._fragment(separated).text_content())


MAX = 0x10FFFF


def test_simple_paragraph_shortcut_gives_what_lxml_gives():
    rng = random.Random(4)
    checked = 0
    for _ in range(4000):
        inner = "".join(
            chr(rng.choice([rng.randint(0x20, 0x2FF), rng.randint(0, 0xFFFF), rng.randint(0, MAX)]))
            for _ in range(rng.randint(0, 12))
        )
        html = f"<p>{inner}</p>"
        if q._SIMPLE_PARAGRAPH.fullmatch(html):
            checked += 1
            assert q.plain_text(html) == lxml_html_text(html), repr(inner)
    assert checked > 1000


def lxml_html_prose(html, enough=1500):
    """prose_text the plain way, with lxml.html (what the shortcuts must match)."""
    html = q._prefix(str(html or ""))
    if "<p" not in html:
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for mark in root.xpath(".//sup | .//script | .//style"):
        mark.drop_tree()
    paragraphs, size = [], 0
    for paragraph in root.xpath(q._PROSE_XPATH):
        text = " ".join(c.clean_text(paragraph.text_content()).split())
        if text:
            paragraphs.append(text)
            size += len(text)
            if size >= enough:
                break
    return "\n\n".join(paragraphs)


PARTS = [
    "<p>", "</p>", "<sup>1</sup>", "<script>x<p>y</p></script>", "<style>p{}</style>",
    "<blockquote><p>Zitat.</p></blockquote>", "<pre>code</pre>",
    "<table><tr><td><p>t</p></td></tr></table>", "<div>", "</div>", "<aside><p>a</p></aside>",
    "<br>", "&amp;", "&nbsp;", " Satz eins. Satz zwei! ", "\n", "<em>e</em>", "<p class='x'>",
    "<body>", "<html>", "<!-- c -->", "<ul><li>", "</li></ul>", "<figure><p>f</p></figure>", "ä",
    "<details><p>d</p></details>", "<p><sup>2</sup>Fußnote</p>",
]


def test_prose_text_gives_what_lxml_html_gives():
    rng = random.Random(5)
    for _ in range(3000):
        html = "".join(rng.choice(PARTS) for _ in range(rng.randint(0, 25)))
        if rng.random() < 0.05:
            html = "<!doctype html>" + html
        assert q.prose_text(html) == lxml_html_prose(html), repr(html)


# -- JSON ---------------------------------------------------------------------


AWKWARD = ["", "x", "ä\"\\\n\r\t\u2028\u2029\x00😀", "}\n ]\n}", "  \n  "]


def test_queue_chunks_write_what_json_dumps_writes():
    """Posts stored as nested JSON fragments and joined give json.dumps of the
    whole document, for texts with line breaks, escapes and separators."""
    rng = random.Random(6)
    records = []
    for index in range(40):
        post = {"key": f"k{index}", "text": rng.choice(AWKWARD) + rng.choice(AWKWARD),
                "facets": [{"index": {"byteStart": 0, "byteEnd": index}, "features": [{"$type": "t"}]}]
                if index % 2 else [], "card": None if index % 3 else {"title": rng.choice(AWKWARD)},
                "update": None, "hashtags": [rng.choice(AWKWARD)] * (index % 4), "limit": 1.5}
        records.append(q.PostRecord((index, "s", 0, "mastodon"), q.post_json(post)))
    settings = with_defaults({"SITEURL": "https://example.org", "SITE_NOW": "2026-11-24T12:00:00+01:00"})
    for chosen in (records, records[:1], []):
        result = q.QueueResult(records=list(chosen), networks=c.networks_from_settings(settings))
        written = b"".join(q.queue_chunks(result, settings)).decode("utf-8")
        document = json.loads(written)
        assert [p["key"] for p in document["posts"]] == [r.post["key"] for r in chosen]
        assert written == json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def test_queue_json_is_json_dumps_of_the_document(tmp_path):
    from .conftest import ARTICLES, build_site

    result, output = build_site(tmp_path, ARTICLES)
    assert result.ok, result.report()
    written = (output / "social" / "queue.json").read_text(encoding="utf-8")
    document = json.loads(written)
    assert written == json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    assert len(document["posts"]) == 12


# -- the cache's code version ---------------------------------------------------


def test_the_code_version_covers_every_german_module_in_use():
    used = set()
    for path in glob.glob(os.path.join(ROOT, "plugins", "social", "*.py")):
        if os.path.basename(path)[:-3] in social_cache.POSTING_MODULES:
            continue
        for node in ast.walk(ast.parse(open(path, encoding="utf-8").read())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("german"):
                used.add(node.module.split(".")[1] if "." in node.module else "__init__")
            elif isinstance(node, ast.Import):
                used.update(
                    alias.name.split(".")[1] if "." in alias.name else "__init__"
                    for alias in node.names
                    if alias.name.startswith("german")
                )
    assert used and used <= set(social_cache.GERMAN_MODULES), used
