"""German compound splitting for the search index (plugins/search/compounds.py)."""

import pytest

from search.compounds import extra_terms, split


@pytest.mark.parametrize("word, parts", [
    ("Kundenvertrauen", ["Kunden", "Vertrauen"]),
    ("Netzausfall", ["Netz", "Ausfall"]),
    ("Störungsmeldung", ["Störung", "Meldung"]),            # linking s removed
    ("Wartungsarbeiten", ["Wartung", "Arbeiten"]),
    ("Vertragslaufzeit", ["Vertrag", "Lauf", "Zeit", "Laufzeit"]),  # split again
    ("Freizeichen", ["Frei", "Zeichen"]),                      # adjective + noun
    ("Wartezeit", ["Warte", "Zeit"]),                          # verb stem + noun
    ("Vertragsende", ["Vertrag", "Ende"]),
])
def test_compounds_are_split(word, parts):
    assert split(word) == parts


@pytest.mark.parametrize("word", [
    "Vertrauen", "Ausfall",              # prefix + stem, no compound
    "Donnerstag", "Hintergrund",         # the parts are rarer than the whole word
    "Adresse", "Abteilungen", "Diskussionen", "Authentisch",
    "Mitarbeitende", "Leserinnen",       # participle and feminine endings
    "Einsehen", "Herunterladen",         # nominalized verbs
    "Kundschaft", "Netz", "kundenvertrauen",  # suffix; too short; not capitalized (no noun)
])
def test_other_words_stay_whole(word):
    assert split(word) == []


def test_extra_terms_are_only_parts_the_text_lacks():
    text = "Über Kundenvertrauen wird viel gesprochen. Ein Netzausfall zeigt, ob das Netz hält."
    assert extra_terms(text) == ["Kunden", "Vertrauen", "Ausfall"]
