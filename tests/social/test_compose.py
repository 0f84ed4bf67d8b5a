"""Composition: counting as the networks count, cutting, hashtags, facets."""

import pytest

from social.compose import (
    CompositionError,
    Network,
    compose,
    cut_words,
    display_link,
    display_segments,
    graphemes,
    mastodon_length,
    networks_from_settings,
)
from social.settings import with_defaults

MASTODON, BLUESKY = networks_from_settings(with_defaults({}))
LINK = "https://example.org/artikel/ein-sehr-langer-slug-fuer-einen-artikel-ueber-vertrauen/"


def facet_texts(composed):
    data = composed.text.encode("utf-8")
    return [
        (data[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode("utf-8"), f["features"][0])
        for f in composed.facets
    ]


# -- counting -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, count",
    [
        ("Störung", 7),
        ("Sto\u0308rung", 7),  # o + combining diaeresis is one character
        ("👩‍👩‍👧", 1),  # a family: one grapheme, five code points
        ("🇩🇪", 1),
        ("👍🏽", 1),
        ("e\u0301", 1),
    ],
)
def test_graphemes(text, count):
    assert graphemes(text) == count


def test_mastodon_counts_every_url_as_23_characters():
    short, long = "https://a.de", LINK
    assert mastodon_length(f"Lies {short}") == 5 + 23
    assert mastodon_length(f"Lies {long}") == 5 + 23
    assert mastodon_length(f"Lies {long}.") == 5 + 23 + 1  # the period is not part of the URL


def test_mastodon_counts_urls_only_with_a_scheme():
    assert mastodon_length("Siehe example.org") == len("Siehe example.org")


def test_mastodon_counts_a_remote_mention_as_its_local_part():
    assert mastodon_length("Hallo @service@social.example.org") == len("Hallo @service")


def test_mastodon_counts_graphemes_not_code_points():
    assert mastodon_length("👩‍👩‍👧 Störung") == 1 + 1 + 7


def test_bluesky_limit_is_graphemes_and_bytes():
    assert BLUESKY.fits("ä" * 300)
    assert not BLUESKY.fits("ä" * 301)
    tight = Network("bluesky", "Bluesky", limit=300, max_bytes=20)
    assert not tight.fits("👩‍👩‍👧👩‍👩‍👧")  # 2 graphemes, 36 bytes


def test_unknown_network_in_settings_is_an_error():
    with pytest.raises(ValueError, match="twitter"):
        networks_from_settings(with_defaults({"SOCIAL_NETWORKS": ["twitter"]}))


# -- facets -------------------------------------------------------------------


def test_bluesky_facets_use_utf8_byte_offsets_with_umlauts_and_emoji():
    composed = compose(
        BLUESKY,
        link=LINK,
        text="Größte Störung 👩‍👩‍👧 – behoben.",
        tags=["Störung", "Social Media"],
    )
    texts = facet_texts(composed)
    link_text, link_feature = texts[0]
    assert link_feature == {"$type": "app.bsky.richtext.facet#link", "uri": LINK}
    assert link_text == display_link(LINK)
    assert texts[1] == ("#Störung", {"$type": "app.bsky.richtext.facet#tag", "tag": "Störung"})
    assert texts[2] == (
        "#SocialMedia",
        {"$type": "app.bsky.richtext.facet#tag", "tag": "SocialMedia"},
    )
    first = composed.facets[0]["index"]["byteStart"]
    prefix = composed.text.encode("utf-8")[:first].decode("utf-8")
    assert len(prefix.encode("utf-8")) != len(prefix)  # umlauts and emoji: bytes ≠ characters
    assert prefix == "Größte Störung 👩‍👩‍👧 – behoben.\n\n"


def test_links_and_tags_typed_by_the_editor_get_facets_too():
    composed = compose(BLUESKY, link=LINK, text="Mehr auf https://example.org/hilfe. #Hilfe")
    features = [feature for _, feature in facet_texts(composed)]
    assert {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.org/hilfe"} in features
    assert {"$type": "app.bsky.richtext.facet#tag", "tag": "Hilfe"} in features


def test_mastodon_posts_have_no_facets_and_the_full_url():
    composed = compose(MASTODON, link=LINK, text="Text.")
    assert composed.facets == []
    assert composed.text == f"Text.\n\n{LINK}"


def test_display_link_drops_scheme_and_fragment_and_shortens():
    assert display_link("https://www.example.org/a/#update-2") == "example.org/a/"
    shown = display_link(LINK)
    assert shown.startswith("example.org/artikel/") and shown.endswith("…")
    assert graphemes(shown) == 40


# -- cutting ------------------------------------------------------------------


def test_summary_is_cut_at_a_german_sentence_boundary_without_ellipsis():
    source = "Wir helfen z. B. am 3. Oktober. Der zweite Satz ist" + " sehr" * 60 + " lang. Drei."
    composed = compose(BLUESKY, link=LINK, source=source)
    assert composed.text.startswith("Wir helfen z. B. am 3. Oktober.\n\n")
    assert "…" not in composed.text.split("\n\n")[0]


def test_max_sentences_limits_the_article_text():
    composed = compose(MASTODON, link=LINK, source="Eins. Zwei. Drei.", max_sentences=2)
    assert composed.text.startswith("Eins. Zwei.\n\n")


def test_a_first_sentence_that_is_too_long_is_cut_between_words_with_ellipsis():
    sentence = " ".join(["Kundenkommunikation"] * 40) + "."
    composed = compose(BLUESKY, link=LINK, source=sentence)
    body = composed.text.split("\n\n")[0]
    assert body.endswith(" …")
    assert set(body[:-2].split()) == {"Kundenkommunikation"}  # never half a word
    assert BLUESKY.fits(composed.text)


def test_cut_words_strips_trailing_punctuation_and_returns_nothing_if_nothing_fits():
    assert cut_words("Eins, zwei, drei", lambda s: len(s) <= 12) == "Eins, zwei …"
    assert cut_words("Eins, zwei, drei", lambda s: len(s) <= 11) == "Eins …"
    assert cut_words("Eins zwei", lambda s: False) == ""


def test_editor_text_is_never_cut_and_too_long_is_an_error():
    with pytest.raises(CompositionError, match=r"expected at most 300") as caught:
        compose(BLUESKY, link=LINK, text="Wort " * 80)
    assert "300" in caught.value.german


def test_no_usable_text_is_an_error():
    with pytest.raises(CompositionError, match="no usable"):
        compose(
            Network("x", "X", limit=30),
            link="https://e.org/a",
            source="Unzerteilbareswortohneende.",
        )


def test_fixed_part_too_long_is_an_error():
    with pytest.raises(CompositionError, match="fixed part"):
        compose(BLUESKY, link=LINK, head="Störung " * 50, source="Text.")


def test_optional_text_is_left_out_rather_than_cut():
    composed = compose(
        Network("x", "X", limit=60),
        link="https://e.org/a",
        head="Störung: Kiel",
        source="Ein langer Satz, der hier nicht mehr hineinpasst, weil er lang ist.",
        text_optional=True,
    )
    assert composed.text == "Störung: Kiel\n\nhttps://e.org/a"


# -- hashtags -----------------------------------------------------------------


def test_at_most_three_hashtags_in_camel_case():
    composed = compose(
        MASTODON,
        link=LINK,
        text="Text.",
        tags=["Vertrauen", "Social Media", "E-Mail-Support", "Vier"],
    )
    assert composed.hashtags == ["Vertrauen", "SocialMedia", "EMailSupport"]
    assert composed.text.endswith("#Vertrauen #SocialMedia #EMailSupport")


def test_hashtags_only_when_they_fit():
    tight = Network("x", "X", limit=len("Text.\n\nhttps://e.org/a\n\n#Kurz"))
    composed = compose(
        tight, link="https://e.org/a", text="Text.", tags=["Sehr langer Tag", "Kurz"]
    )
    assert composed.hashtags == ["Kurz"]
    assert tight.fits(composed.text)


def test_hashtags_the_editor_wrote_count_and_are_not_repeated():
    composed = compose(
        MASTODON, link=LINK, text="Heute #Störung in Kiel.", tags=["Störung", "A", "B", "C"]
    )
    assert composed.text.count("#Störung") == 1
    assert composed.hashtags == ["A", "B"]


def test_tags_without_a_hashtag_form_are_skipped():
    composed = compose(MASTODON, link=LINK, text="Text.", tags=["2026", "Störung"])
    assert composed.hashtags == ["Störung"]


# -- preview segments -----------------------------------------------------------


def test_display_segments_follow_facets_for_bluesky_and_patterns_for_mastodon():
    bluesky = compose(BLUESKY, link=LINK, text="Öffnung.", tags=["Störung"])
    pieces = display_segments(bluesky.text, bluesky.facets)
    assert [p["kind"] for p in pieces] == ["text", "link", "text", "tag"]
    assert pieces[1]["href"] == LINK
    mastodon = compose(MASTODON, link=LINK, text="Öffnung.", tags=["Störung"])
    pieces = display_segments(mastodon.text)
    assert [p["kind"] for p in pieces] == ["text", "link", "text", "tag"]
    assert "".join(p["text"] for p in pieces) == mastodon.text
