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


WORDS = [
    "Kundenvertrauen", "Netzausfall", "Störungsmeldung", "Wartungsarbeiten", "Vertragslaufzeit",
    "Freizeichen", "Wartezeit", "Vertragsende", "Vertrauen", "Ausfall", "Donnerstag", "Hintergrund",
    "Mitarbeitende", "Leserinnen", "Einsehen", "Herunterladen", "Kundschaft", "Glasfaserausbau",
    "Rückrufservice", "Rechnungsadresse", "Zahlungserinnerung", "Kundenservicezentrum",
]


def _splits_with(monkeypatch, full_after):
    from search import compounds

    for name in ("_splits", "_noun", "_zipf"):
        monkeypatch.setattr(compounds, name, {})
    monkeypatch.setattr(compounds, "_lookups", 0)
    monkeypatch.setattr(compounds, "FULL_DICTIONARY_AFTER", full_after)
    return {word: split(word) for word in WORDS}


def test_both_dictionary_backends_split_alike(monkeypatch):
    """simplemma's low-memory backend (used first) and its full dictionary answer alike."""
    low = _splits_with(monkeypatch, 10**9)
    full = _splits_with(monkeypatch, 0)
    assert low == full
    assert low["Glasfaserausbau"] and low["Donnerstag"] == []  # the words do get split
