"""German sentence splitting: periods that do not end a sentence."""

import pytest

from german.sentences import leading_sentences, split_sentences


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Wir helfen gern. Rufen Sie an!", ["Wir helfen gern.", "Rufen Sie an!"]),
        (
            "Das gilt z. B. für Kiel. Danach kommt Lübeck.",
            ["Das gilt z. B. für Kiel.", "Danach kommt Lübeck."],
        ),
        ("Das gilt z.B. für Kiel. Ende.", ["Das gilt z.B. für Kiel.", "Ende."]),
        ("Bitte anrufen bzw. schreiben. Danke.", ["Bitte anrufen bzw. schreiben.", "Danke."]),
        ("Siehe Nr. 5 der Liste. Ende.", ["Siehe Nr. 5 der Liste.", "Ende."]),
        ("Äpfel, Birnen usw. Das reicht.", ["Äpfel, Birnen usw. Das reicht."]),
        ("Es dauert ca. Zehn Minuten sind es.", ["Es dauert ca. Zehn Minuten sind es."]),
        (
            "Dr. Müller antwortet. Prof. Schmidt auch.",
            ["Dr. Müller antwortet.", "Prof. Schmidt auch."],
        ),
        ("Am 3. Oktober war Ruhe. Danach nicht.", ["Am 3. Oktober war Ruhe.", "Danach nicht."]),
        ("Bis Freitag, 3. Oktober bleibt es so.", ["Bis Freitag, 3. Oktober bleibt es so."]),
        ("Die 2. Stufe greift. Gut.", ["Die 2. Stufe greift.", "Gut."]),
        ("Erst das. 2. Stufe: jetzt.", ["Erst das.", "2. Stufe: jetzt."]),
        ("Es waren 1.500 Anrufe. Zu viele.", ["Es waren 1.500 Anrufe.", "Zu viele."]),
        ("Im Jahr 2024. Dann kam 2025.", ["Im Jahr 2024.", "Dann kam 2025."]),
        ("Siehe Seite 3. Fertig.", ["Siehe Seite 3.", "Fertig."]),
        ("Am 24.11. Um zehn Uhr.", ["Am 24.11. Um zehn Uhr."]),
        ("Er sagte: „Wir kommen.“ Dann ging er.", ["Er sagte: „Wir kommen.“", "Dann ging er."]),
        ("Wirklich? Ja! Und dann … nichts.", ["Wirklich?", "Ja!", "Und dann … nichts."]),
        ("Das ist so. Wir bleiben.", ["Das ist so.", "Wir bleiben."]),
        ("Offen am So. Abend ruhen wir.", ["Offen am So. Abend ruhen wir."]),
        (
            "Erster Absatz ohne Punkt\n\nZweiter Absatz.",
            ["Erster Absatz ohne Punkt", "Zweiter Absatz."],
        ),
        ("ein www.example.org-Link. Dann mehr.", ["ein www.example.org-Link.", "Dann mehr."]),
        ("", []),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_a_lower_case_word_after_a_period_continues_the_sentence():
    assert split_sentences("Es kostet ca. zehn Euro. Fertig.") == [
        "Es kostet ca. zehn Euro.",
        "Fertig.",
    ]


def test_leading_sentences_takes_whole_sentences_that_fit():
    text = "Erster Satz. Zweiter Satz ist länger. Dritter."
    assert leading_sentences(text, lambda s: len(s) <= 20) == "Erster Satz."
    assert (
        leading_sentences(text, lambda s: len(s) <= 40) == "Erster Satz. Zweiter Satz ist länger."
    )
    assert leading_sentences(text, lambda s: True, max_sentences=1) == "Erster Satz."
    assert leading_sentences(text, lambda s: len(s) < 5) == ""


def test_leading_sentences_joins_paragraphs_with_a_single_space():
    assert leading_sentences("Eins.\n\nZwei  drei.", lambda s: True) == "Eins. Zwei drei."


def test_leading_sentences_of_already_split_sentences():
    """A caller that splits once (social: one text, several networks) gets the same answer."""
    text = "Erster Satz. Zweiter Satz ist länger. Dritter."
    for fits in (lambda s: len(s) <= 20, lambda s: len(s) <= 40, lambda s: True, lambda s: False):
        assert leading_sentences(split_sentences(text), fits) == leading_sentences(text, fits)
    assert leading_sentences(iter(["Eins.", "Zwei  drei."]), lambda s: True, max_sentences=1) == "Eins."
