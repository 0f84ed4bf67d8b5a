import pytest

from german.slugs import slugify


@pytest.mark.parametrize("title, slug", [
    ("Störung über Großkunden", "stoerung-ueber-grosskunden"),
    ("Ärger mit der Öffnungszeit", "aerger-mit-der-oeffnungszeit"),
    ("STRASSE und Straße", "strasse-und-strasse"),
    ("Social-Media-Team: Wer antwortet?", "social-media-team-wer-antwortet"),
    ("Café, Crème & Señor", "cafe-creme-senor"),
    ("100 % Erreichbarkeit – rund um die Uhr", "100-erreichbarkeit-rund-um-die-uhr"),
    ("Emoji 🎉 bleiben draußen", "emoji-bleiben-draussen"),
])
def test_german_transliteration(title, slug):
    assert slugify(title) == slug
