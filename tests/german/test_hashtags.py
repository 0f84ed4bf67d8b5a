"""Tags as hashtags: CamelCase, umlauts kept, nothing a hashtag cannot hold."""

import pytest

from german.hashtags import hashtag, hashtag_name


@pytest.mark.parametrize(
    "tag, expected",
    [
        ("Störung", "#Störung"),
        ("störung", "#Störung"),
        ("Social Media", "#SocialMedia"),
        ("social media", "#SocialMedia"),
        ("E-Mail-Support", "#EMailSupport"),
        ("Kundenservice", "#Kundenservice"),
        ("Straße & Öffnungszeiten", "#StraßeÖffnungszeiten"),
        ("KI im Service", "#KIImService"),
        ("iPhone", "#iPhone"),
        ("Kunden’s Wünsche", "#KundensWünsche"),
        ("5G-Netz", "#5GNetz"),
        ("🎉 Feier!", "#Feier"),
        ("über_uns", "#ÜberUns"),
        ("2026", None),
        ("", None),
        ("!!!", None),
        ("x" * 65, None),
    ],
)
def test_hashtag(tag, expected):
    assert hashtag(tag) == expected


def test_hashtag_name_has_no_hash_sign():
    assert hashtag_name("Social Media") == "SocialMedia"


def test_decomposed_umlauts_are_composed():
    assert hashtag("Sto\u0308rung") == "#Störung"
