"""Matching German text: lemmas, compounds, hyphens, hashtags, negatives, scoring."""

import pytest

from topics import match, taxonomy, text
from topics.text import places_from_html, split_sentences

from .helpers import PROJECT_TAXONOMY


def found(matcher, body, title="", summary="", headings=()):
    html = "".join(f"<h2>{h}</h2>" for h in headings) + f"<p>{body}</p>"
    return matcher.analyze(places_from_html(title, summary, html))["topics"]


def words(matcher, body, slug):
    data = found(matcher, body).get(slug)
    return [e["word"] for e in data["evidence"]] if data else []


@pytest.mark.parametrize("sentence, word", [
    ("Das Vertrauen wächst.", "Vertrauen"),
    ("Wegen des Vertrauens kommen sie wieder.", "Vertrauens"),           # genitive
    ("Sie vertraute uns sofort.", "vertraute"),                         # verb form → lemma
    ("Das Kundenvertrauen ist hoch.", "Kundenvertrauen"),               # compound, part at the end
    ("Ein Vertrauensverlust droht.", "Vertrauensverlust"),               # part + Fugen-s + word
    ("Ein vertrauenswürdiger Anbieter.", "vertrauenswürdiger"),         # term, inflected
    ("Das Kunden-Vertrauen zählt.", "Kunden-Vertrauen"),                 # hyphenated
    ("Wir posten das unter #Vertrauen.", "#Vertrauen"),                 # hashtag
    ("Heute unter #kundenvertrauen.", "#kundenvertrauen"),               # lower-case hashtag compound
])
def test_trust_in_its_german_forms(matcher, sentence, word):
    assert words(matcher, sentence, "vertrauen") == [word]


@pytest.mark.parametrize("sentence", [
    "Der Vertrag läuft noch ein Jahr.",        # Vertrag is not Vertrauen
    "Die Vertragslaufzeit endet im Mai.",
    "Der Vertrauensarzt hat Sprechstunde.",    # a negative term of the topic
    "Wir haben uns damit vertraut gemacht.",  # "vertraut" = familiar
])
def test_words_that_only_look_like_trust(matcher, sentence):
    assert "vertrauen" not in found(matcher, sentence)


def test_hyphenated_phrase_and_camel_case_hashtag(matcher):
    assert words(matcher, "Unser Social-Media-Team hilft.", "social-media") == ["Social-Media-Team"]
    assert words(matcher, "Mehr unter #SocialMedia.", "social-media") == ["#SocialMedia"]
    assert words(matcher, "Wir sind in sozialen Netzwerken aktiv.", "social-media") == ["sozialen Netzwerken"]


def test_phrases_do_not_reach_across_punctuation(matcher):
    assert "social-media" not in found(matcher, "Das ist sozial, Netzwerke helfen.")


def test_posting_is_not_post(matcher):
    assert words(matcher, "Ihr Posting auf Mastodon.", "social-media") == ["Posting", "Mastodon"]
    assert "social-media" not in found(matcher, "Die Post kam heute spät, der Brief war nass.")


def test_whole_words_only(matcher):
    # "Störung" inside "Zerstörung" (an inseparable prefix), "ausfall" inside "Haarausfall"
    # (a negative term) and "echt" inside "Echtzeit" never count.
    assert found(matcher, "Die Zerstörung war groß. Haarausfall ist kein Thema. Echtzeit-Anzeige.") == {}
    assert words(matcher, "Eine Netzstörung in Köln.", "stoerung") == ["Netzstörung"]
    assert "stoerung" not in found(matcher, "Die Ruhestörung nervt.")


@pytest.mark.parametrize("sentence, counts", [
    ("Das ging echt schnell.", False),        # intensifier
    ("Das war echt ärgerlich für uns.", False),
    ("Echte Menschen antworten.", True),       # inflected adjective
    ("Die Antwort wirkt echt.", True),         # end of clause
    ("Sie wirkt echt und nahbar.", True),      # before a conjunction
    ("Ehrlich gesagt wissen wir es nicht.", False),  # negative phrase cancels "ehrlich"
])
def test_echt_only_counts_when_it_means_authentic(matcher, sentence, counts):
    assert ("authentizitaet" in found(matcher, sentence)) is counts


def test_evidence_keeps_the_sentence(matcher):
    data = found(matcher, "Erst kam der Regen. Dann fiel das Netz aus, eine Störung. Danach war Ruhe.")
    [item] = data["stoerung"]["evidence"]
    assert item == {"word": "Störung", "term": "störung", "place": "body",
                    "sentence": "Dann fiel das Netz aus, eine Störung."}


def test_title_weighs_more_and_counts_as_a_strong_place(small_taxonomy, matcher):
    in_title = matcher.analyze(places_from_html("Ausfall in Kiel", "", "<p>Nichts weiter.</p>"))
    in_body = matcher.analyze(places_from_html("", "", "<p>Ein Ausfall in Kiel.</p>"))
    assert in_title["topics"]["stoerung"]["score"] == 3.0
    assert in_body["topics"]["stoerung"]["score"] == 1.0
    assert match.decide(in_title, small_taxonomy)[0] == ["stoerung"]     # title alone is enough
    assert match.decide(in_body, small_taxonomy)[0] == []


def test_two_places_needed_below_the_title(small_taxonomy, matcher):
    one_sentence = found(matcher, "Die Hotline ist rund um die Uhr da.")   # 2.0 ≥ 1.5, one place
    assert one_sentence["erreichbarkeit"]["places"] == 1
    analysis = {"topics": {"erreichbarkeit": one_sentence["erreichbarkeit"]}}
    assert match.decide(analysis, small_taxonomy) == ([], [("erreichbarkeit", "one-place")])
    two = matcher.analyze(places_from_html("", "", "<p>Die Hotline hilft.</p><p>Sie ist rund um die Uhr da.</p>"))
    assert match.decide(two, small_taxonomy)[0] == ["erreichbarkeit"]


def test_repetitions_count_less_and_long_texts_need_more(matcher):
    once = found(matcher, "Eine Störung. Noch ein Satz.")["stoerung"]["score"]
    thrice = found(matcher, "Eine Störung. Wieder eine Störung. Die Störung bleibt.")["stoerung"]["score"]
    assert once == 1.0 and thrice == pytest.approx(1 + 1 / 2 + 1 / 3, abs=0.01)
    filler = " ".join(["Heute scheint die Sonne über dem Hafen."] * 150)
    long_text = found(matcher, "Eine Störung. Ein Ausfall. " + filler)["stoerung"]["score"]
    assert long_text < 2.0 / 1.5


def test_at_most_five_automatic_topics_sorted_by_score(small_taxonomy):
    analysis = {"topics": {slug: {"score": score, "places": 3, "title": False}
                           for slug, score in [("vertrauen", 4), ("authentizitaet", 9), ("social-media", 5),
                                               ("stoerung", 5), ("vertrag", 7), ("erreichbarkeit", 6)]}}
    assigned, candidates = match.decide(analysis, small_taxonomy)
    assert assigned == ["authentizitaet", "vertrag", "erreichbarkeit", "social-media", "stoerung"]
    assert candidates == [("vertrauen", "limit")]
    assigned, candidates = match.decide(analysis, small_taxonomy, exclude={"vertrag"}, present={"stoerung"})
    assert assigned == ["authentizitaet", "erreichbarkeit", "social-media", "vertrauen"]
    assert ("vertrag", "excluded") in candidates and ("stoerung", "manual") in candidates


def test_deterministic_across_matchers(small_taxonomy):
    html = ("<p>Echte Menschen, echtes Vertrauen. #SocialMedia und Kundenvertrauen.</p>"
            "<h2>Störung</h2><p>Ein Ausfall.</p>")
    first = match.Matcher(small_taxonomy).analyze(places_from_html("Vertrauen", "", html))
    second = match.Matcher(small_taxonomy).analyze(places_from_html("Vertrauen", "", html))
    assert first == second


def test_project_taxonomy_finds_compounds_derivations_and_near_synonyms():
    matcher = match.Matcher(taxonomy.load(PROJECT_TAXONOMY, "content/themen.yml"))
    for word in ("Kundenvertrauen", "vertrauenswürdig", "Vertrauensverlust"):
        assert "vertrauen" in found(matcher, f"Das {word} zählt.")
    for sentence in ("Das wirkt authentisch.", "Authentizität zählt.", "Echte Menschen antworten."):
        assert "authentizitaet" in found(matcher, sentence)
    assert "authentizitaet" not in found(matcher, "Das ging echt schnell.")
    assert "social-media" in found(matcher, "Unser Social-Media-Team antwortet.")
    assert "social-media" not in found(matcher, "Die Post bringt die Rechnung.")
    assert "vertrauen" not in found(matcher, "Der Vertrag läuft aus.")


def test_places_from_html():
    places = places_from_html(
        "Titel &amp; mehr", "<p>Kurz gesagt.</p>",
        "<p>Erster Satz.</p><h2>Zwischen<em>titel</em></h2><pre><code>Vertrauen()</code></pre>"
        "<ul><li>Punkt eins</li><li>Punkt zwei</li></ul><!-- Störung -->",
    )
    assert places.title == "Titel & mehr"
    assert places.headings == ["Zwischentitel"]
    assert "Vertrauen" not in places.body and "Störung" not in places.body
    assert split_sentences(places.body) == ["Erster Satz.", "Punkt eins", "Punkt zwei"]


def test_sentence_splitting_knows_german_abbreviations():
    sample = "Wir sind z. B. am 3. Oktober da. Das ist gut! Nr. 5 ist frei. Er sagte: „So.“ Dann ging er."
    assert split_sentences(sample) == [
        "Wir sind z. B. am 3. Oktober da.", "Das ist gut!", "Nr. 5 ist frei.", "Er sagte: „So.“", "Dann ging er."]
    assert text.split_sentences("Um 10 Uhr. Danach ging es weiter.") == ["Um 10 Uhr.", "Danach ging es weiter."]


SEPARABLE_TAXONOMY = """\
defaults:
  threshold: 1.0
topics:
  - label: Transparenz
    description: Offenheit.
    terms: [offenlegen, {term: offen sagen, weight: 0.8}, {term: offen, weight: 0.4}]
  - label: Störung
    description: Ausfälle.
    terms: [ausfallen]
  - label: Erreichbarkeit
    description: Rückrufe.
    terms: [zurückrufen]
  - label: Rechnung
    description: Kosten.
    terms: [Pauschale, {term: Tarif, weight: 0.7}]
"""


@pytest.fixture(scope="module")
def separable():
    return match.Matcher(taxonomy.parse(SEPARABLE_TAXONOMY, "content/themen.yml"))


def evidence(matcher, title, body):
    topics = matcher.analyze(places_from_html(title, "", f"<p>{body}</p>"))["topics"]
    return {slug: [(e["word"], e["term"]) for e in data["evidence"]] for slug, data in topics.items()}


@pytest.mark.parametrize("sentence, slug, word, term", [
    ("Wir legen offen, was schiefging.", "transparenz", "legen … offen", "offenlegen"),
    ("Zum dritten Mal legen wir alle Zahlen offen.", "transparenz", "legen … offen", "offenlegen"),
    ("Das sagen wir offen.", "transparenz", "sagen … offen", "offen sagen"),          # adverb + verb term
    ("Bei Sturm fällt das Netz manchmal aus.", "stoerung", "fällt … aus", "ausfallen"),  # strong verb
    ("Wir rufen Sie morgen gegen zehn zurück!", "erreichbarkeit", "rufen … zurück", "zurückrufen"),
])
def test_separable_verbs_count_where_the_particle_ends_the_clause(separable, sentence, slug, word, term):
    assert evidence(separable, "", sentence)[slug] == [(word, term)]


def test_a_particle_ending_a_title_joins_its_verb(separable):
    assert evidence(separable, "Wir legen die Zahlen offen", "Nichts weiter.")["transparenz"] == [
        ("legen … offen", "offenlegen")]


@pytest.mark.parametrize("sentence", [
    "Die Tür steht offen.",                      # no verb of the term in the clause
    "Wir legen los, die Tür bleibt offen.",      # the verb is in another clause
    "Das Netz fällt selten aus dem Takt.",       # "aus" does not end the clause
])
def test_particles_without_their_verb_do_not_make_one(separable, sentence):
    found_terms = {term for items in evidence(separable, "", sentence).values() for _w, term in items}
    assert not found_terms & {"offenlegen", "offen sagen", "ausfallen"}


def test_a_noun_term_counts_inside_compounds_a_little_weaker(separable):
    topics = separable.analyze(places_from_html("", "", "<p>Die Versandpauschale entfällt.</p>"))["topics"]
    assert topics["rechnung"]["score"] == pytest.approx(0.7)
    assert [e["word"] for e in topics["rechnung"]["evidence"]] == ["Versandpauschale"]
    # Short terms do not: "Tarif" (five letters) does, "Chat" would not.
    assert "rechnung" in separable.analyze(places_from_html("", "", "<p>Der Tarifrechner.</p>"))["topics"]


def test_handles_and_signatures_of_replies_are_not_words():
    matcher = match.Matcher(taxonomy.load(PROJECT_TAXONOMY, "content/themen.yml"))
    assert "vertrauen" not in found(matcher, "@misstrauisch Danke für die Nachricht! ^jk")
    assert "vertrauen" in found(matcher, "Wir sind misstrauisch geworden.")


def test_short_texts_need_a_smaller_score_and_one_place(small_taxonomy):
    one_hit = {"score": 1.2, "places": 1, "title": False}
    reply = {"words": 40, "topics": {"stoerung": one_hit}}
    article = {"words": 250, "topics": {"stoerung": one_hit}}
    assert match.decide(reply, small_taxonomy)[0] == ["stoerung"]          # 1.2 ≥ 2.0 × 0.55, one place
    assert match.decide(article, small_taxonomy)[1] == [("stoerung", "below-threshold")]
    assert match.short_text_factor(40) == match.SHORT_TEXT_FACTOR
    assert match.short_text_factor(80) == pytest.approx(0.8) and match.short_text_factor(300) == 1.0


def test_a_single_word_is_never_a_topic_however_short_the_text(small_taxonomy):
    """Low thresholds shrink further for replies; one full-weight word must still not be enough."""
    one_word = {"words": 30, "topics": {"vertrauen": {"score": 1.0, "places": 1, "title": False}}}
    two_words = {"words": 30, "topics": {"vertrauen": {"score": 1.5, "places": 1, "title": False}}}
    low = taxonomy.parse(SMALL_TAXONOMY_LOW, "content/themen.yml")
    assert match.decide(one_word, low)[1] == [("vertrauen", "below-threshold")]
    assert match.decide(two_words, low)[0] == ["vertrauen"]


def test_weaker_words_in_two_places_of_a_reply_are_enough():
    """Two half-weight words: not in one sentence (it could be one phrase), but in two."""
    one_sentence = {"words": 30, "topics": {"vertrauen": {"score": 0.9, "places": 1, "title": False}}}
    two_sentences = {"words": 30, "topics": {"vertrauen": {"score": 0.9, "places": 2, "title": False}}}
    too_weak = {"words": 30, "topics": {"vertrauen": {"score": 0.7, "places": 2, "title": False}}}
    low = taxonomy.parse(SMALL_TAXONOMY_LOW, "content/themen.yml")
    assert match.decide(one_sentence, low)[0] == []
    assert match.decide(two_sentences, low)[0] == ["vertrauen"]
    assert match.decide(too_weak, low)[0] == []


SMALL_TAXONOMY_LOW = """\
topics:
  - label: Vertrauen
    description: Vertrauen.
    threshold: 1.0
    terms: [Vertrauen]
"""

HEADING_TAXONOMY = """\
topics:
  - label: Wartungsarbeiten
    description: Geplante Arbeiten.
    threshold: 1.0
    terms:
      - Wartung
      - {term: geplant, weight: 0.6, heading: true}
      - {term: abgeschlossen, weight: 0.4, heading: true}
"""


def test_heading_terms_count_only_in_headings_and_titles():
    matcher = match.Matcher(taxonomy.parse(HEADING_TAXONOMY, "content/themen.yml"))
    headings = ("15.04.2027, 12:00 Uhr – Geplant", "22.04.2027, 23:05 Uhr – Abgeschlossen")
    notice = found(matcher, "Die App ist nicht verfügbar.", headings=headings)["wartungsarbeiten"]
    assert notice["score"] == pytest.approx(2 * 0.6 + 2 * 0.4) and notice["places"] == 2
    assert {e["word"] for e in notice["evidence"]} == {"Geplant", "Abgeschlossen"}
    assert "wartungsarbeiten" not in found(matcher, "Wie geplant ist alles abgeschlossen.")
    assert "wartungsarbeiten" in found(matcher, "Nichts.", title="Geplant: neue App")
    # Not inside compounds or as separable verbs either: "Planung" or "geplante" in a sentence stay out.
    assert "wartungsarbeiten" not in found(matcher, "Die geplante Feier ist abgeschlossen.")


HEAD_TAXONOMY = """\
defaults:
  threshold: 0.1
topics:
  - label: Datenschutz
    description: Daten.
    terms: [{term: Daten, exact: true}]
    parts: [{term: daten, weight: 0.5, head: true}]
  - label: Personalisierung
    description: Zugeschnitten.
    terms: [persönlich, zugeschnitten, {term: persönliche Ansprache, weight: 2.0}]
"""


@pytest.fixture(scope="module")
def heads():
    return match.Matcher(taxonomy.parse(HEAD_TAXONOMY, "content/themen.yml"))


@pytest.mark.parametrize("sentence, counts", [
    ("Wir geben Kundendaten nie weiter.", True),
    ("Ihre Kontodaten bleiben bei uns.", True),          # inflected head
    ("Das Datenvolumen ist aufgebraucht.", False),      # modifier, not head
    ("Die Datenrate sinkt am Abend.", False),
])
def test_a_head_part_counts_only_at_the_end_of_a_compound(heads, sentence, counts):
    assert ("datenschutz" in found(heads, sentence)) is counts


@pytest.mark.parametrize("title, word", [
    ("Persönliche Empfehlungen", "Persönliche"),
    ("Zugeschnittene Angebote", "Zugeschnittene"),
])
def test_a_capitalized_adjective_opening_a_title_counts(heads, title, word):
    topics = heads.analyze(places_from_html(title, "", "<p>Mehr dazu unten.</p>"))["topics"]
    assert [e["word"] for e in topics["personalisierung"]["evidence"]] == [word]



CASE_TAXONOMY = """\
defaults:
  threshold: 0.1
topics:
  - label: Rechnung
    description: Bezahlen.
    terms: [zahlen, kündigen]
"""


@pytest.mark.parametrize("sentence, counts", [
    ("Sie zahlen ab Mai weniger.", True),
    ("Die Zahlen zeigen es deutlich.", False),       # the noun "Zahl", not the verb
    ("Kündigen Sie bequem online.", True),           # a verb opening a sentence
])
def test_a_lower_case_term_is_not_a_capitalized_noun_of_the_same_spelling(sentence, counts):
    matcher = match.Matcher(taxonomy.parse(CASE_TAXONOMY, "content/themen.yml"))
    assert ("rechnung" in found(matcher, sentence)) is counts


def test_forms_of_a_regular_verb_term_that_simplemma_keeps_as_words_of_their_own():
    """simplemma knows "beschönigt" as a word and does not lead it back to "beschönigen"."""
    small = taxonomy.parse("defaults:\n  threshold: 0.1\ntopics:\n  - label: Transparenz\n    description: Offen.\n"
                           "    terms: [beschönigen, offenlegen]\n", "content/themen.yml")
    matcher = match.Matcher(small)
    for sentence, word in [("Wir haben nichts beschönigt.", "beschönigt"),
                           ("Sie beschönigte den Fehler.", "beschönigte"),
                           ("Alles wird offengelegt.", "offengelegt")]:
        assert words(matcher, sentence, "transparenz") == [word]


@pytest.mark.parametrize("verb, forms", [
    ("begründen", {"begründet", "begründete", "begründeten"}),   # -et after d and t
    ("zahlen", {"zahlt", "zahlte", "zahlten", "gezahlt"}),
    ("umstellen", {"umstellt", "umstellte", "umstellten", "umgestellt"}),  # particle + ge
    ("duzen", {"duzt", "duzte", "duzten", "geduzt"}),              # a short verb
    ("vermasseln", {"vermasselt", "vermasselte", "vermasselten"}),  # -eln keeps its e
    ("auslagern", {"auslagert", "auslagerte", "auslagerten", "ausgelagert"}),  # -ern
    ("Vertrauen", set()),                                          # a noun has no verb forms
])
def test_weak_verb_forms(verb, forms):
    assert match.weak_verb_forms(verb) == forms


@pytest.mark.parametrize("sentence, slug, counts", [
    ("Wir kündigen die Arbeiten eine Woche vorher an.", "vertrag", False),   # ankündigen
    ("Sie kündigen den Vertrag zum Monatsende.", "vertrag", True),
    ("Wir teilen Ihnen den neuen Termin mit.", "social-media", False),        # mitteilen
    ("Bitte teilen Sie unseren Beitrag.", "social-media", True),
])
def test_a_verb_whose_clause_ends_in_its_particle_is_another_verb(sentence, slug, counts):
    small = taxonomy.parse("defaults:\n  threshold: 0.1\ntopics:\n"
                           "  - label: Vertrag\n    description: V.\n    terms: [kündigen]\n"
                           "  - label: Social Media\n    description: S.\n    terms: [teilen, Beitrag]\n",
                           "content/themen.yml")
    matcher = match.Matcher(small)
    assert (("kündigen" if slug == "vertrag" else "teilen") in words(matcher, sentence, slug)) is counts
