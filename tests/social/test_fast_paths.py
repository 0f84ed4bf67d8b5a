"""The shortcuts that make composing fast give what the plain ways give."""

import ast
import datetime as dt
import glob
import json
import os
import random

import lxml.html
import pytest
import regex
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from social import cache as social_cache
from social import compose as c
from social import jsonout
from social import queue as q

from tests.support.sites import ROOT

MASTODON, BLUESKY = c.networks_from_settings({})
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
    """prose_text as it was written with lxml.html."""
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


def test_display_path_shortcut():
    settings = {"PATH": "/site/content"}
    paths = ("/site/content/artikel/a.md", "/site/content/../content/a.md", "/other/a.md", "r/a.md")
    for path in paths:
        expected = os.path.relpath(os.path.abspath(path), "/site").replace(os.sep, "/")
        assert q.display_path(path, settings) == expected


# -- URLs ---------------------------------------------------------------------


def article(template="artikel/{slug}/", **metadata):
    settings = dict(DEFAULT_CONFIG, ARTICLE_URL=template, PATH="/site/content")
    values = {"title": "Titel", "date": dt.datetime(2026, 11, 24, 10, 0)}
    values.update(metadata)
    return Article("<p>x</p>", metadata=values, settings=settings, source_path="/site/content/a.md")


@pytest.mark.parametrize(
    "template",
    [
        "artikel/{slug}/",
        "{date:%Y}/{date:%m}/{slug}/",
        "{category}/{slug}.html",
        "{lang}/{slug}",
        "{author}/{slug}",
        "{serie}/{slug}",
    ],
)
def test_url_key_describes_the_url(template):
    """Equal keys, equal URLs; the key is computed without asking for the URL."""
    one = article(template, slug="eins", serie="s1")
    assert q._url_key(one)[0] == "formatted"
    same = article(template, slug="eins", serie="s1")
    assert q._url_key(same) == q._url_key(one) and same.url == one.url
    other = article(template, slug="zwei", serie="s2", date=dt.datetime(2025, 1, 1))
    if other.url != one.url:
        assert q._url_key(other) != q._url_key(one)


def test_url_key_falls_back_to_the_url():
    assert q._url_key(article("{path}"))[0] == "url"
    overridden = article(url="ganz/woanders/", save_as="ganz/woanders/index.html")
    assert q._url_key(overridden) == ("url", "ganz/woanders/")


# -- JSON ---------------------------------------------------------------------


def random_value(rng, depth=0):
    scalars = [None, True, False, 0, -7, 10**20, 1.5, float("nan"), float("inf"), "", "x"]
    scalars.append("ä\"\\\n\u2028\x00😀")
    if depth > 4 or rng.random() < 0.4:
        return rng.choice(scalars)
    if rng.random() < 0.4:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if rng.random() < 0.3:  # the shape of a facet, and near misses
        feature = {"$type": "t", rng.choice(["uri", "tag", 1]): rng.choice(scalars)}
        index = {"byteStart": rng.choice([1, True, "x"]), "byteEnd": 2}
        return {"index": index, "features": [feature]}
    keys = ["a", "ö", 1, 2.5, True, None, "k\"ey"]
    return {rng.choice(keys): random_value(rng, depth + 1) for _ in range(rng.randint(0, 5))}


def test_jsonout_writes_what_json_writes():
    rng = random.Random(6)
    for _ in range(5000):
        value = random_value(rng)
        assert jsonout.dumps(value) == json.dumps(value, ensure_ascii=False, indent=1)
    with pytest.raises(TypeError):
        jsonout.dumps({"a": object()})


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
