"""content/themen.yml: loading, and one clear error per malformed case."""

import pytest

from topics import taxonomy
from topics.taxonomy import TaxonomyError

from .helpers import PROJECT_TAXONOMY

VALID = """\
topics:
  - label: Vertrauen
    description: Vertrauen im Service.
    terms: [Vertrauen]
"""


def problems(text):
    with pytest.raises(TaxonomyError) as info:
        taxonomy.parse(text, "content/themen.yml")
    return info.value.problems


def test_valid_taxonomy_gets_slug_from_label():
    tax = taxonomy.parse(VALID + "  - label: Störung über Großkunden\n    description: x\n    terms: [Ausfall]\n")
    assert [t.slug for t in tax.topics] == ["vertrauen", "stoerung-ueber-grosskunden"]
    assert tax.find("vertrauen").label == "Vertrauen"
    assert tax.find("Störung über Großkunden").slug == "stoerung-ueber-grosskunden"


def test_missing_label_names_the_line():
    text = VALID + "  - description: Ohne Namen.\n    terms: [Transparenz]\n"
    assert problems(text) == [("content/themen.yml:5", "label",
                               "missing; every topic needs a label, the name readers see")]


def test_duplicate_slug_names_both_lines():
    text = VALID + "  - label: Vertrauen (neu)\n    slug: vertrauen\n    description: x\n    terms: [Glaube]\n"
    [(where, field, expected)] = problems(text)
    assert (where, field) == ("content/themen.yml:6", "slug")
    assert "already used by the topic in line 2" in expected


def test_duplicate_slug_from_labels():
    text = VALID + "  - label: vertrauen\n    description: x\n    terms: [Glaube]\n"
    [(where, field, expected)] = problems(text)
    assert (where, field) == ("content/themen.yml:5", "slug") and "line 2" in expected


def test_unknown_key_names_the_line_and_the_allowed_keys():
    text = VALID.replace("    terms: [Vertrauen]\n", "    terms: [Vertrauen]\n    synonyme: [Zutrauen]\n")
    [(where, field, expected)] = problems(text)
    assert (where, field) == ("content/themen.yml:5", "synonyme")
    assert "unknown key in a topic" in expected and "negative" in expected


def test_unknown_top_level_key():
    found = problems("themen:\n  - label: x\n")
    assert found[0][:2] == ("content/themen.yml:1", "themen")
    assert found[1][:2] == ("content/themen.yml:1", "topics")


def test_key_written_twice():
    text = VALID.replace("    terms: [Vertrauen]\n", "    terms: [Vertrauen]\n    terms: [Zutrauen]\n")
    [(where, field, expected)] = problems(text)
    assert (where, field) == ("content/themen.yml:5", "terms") and "twice" in expected


def test_yaml_syntax_error_names_the_line():
    [(where, field, expected)] = problems(VALID + "  - label: [kaputt\n")
    assert field == "YAML" and where.startswith("content/themen.yml:")
    assert "expected valid YAML" in expected


def test_missing_description_and_terms():
    found = problems("topics:\n  - label: Leer\n")
    assert [(w, f) for w, f, _ in found] == [("content/themen.yml:2", "description"),
                                             ("content/themen.yml:2", "terms")]


@pytest.mark.parametrize("term, message", [
    ("{term: Vertrauen, weight: -1}", "greater than zero"),
    ("{term: Vertrauen, weight: viel}", "greater than zero"),
    ("{weight: 2}", "needs 'term: <word>'"),
    ("'Vertrauen!'", "not a word or phrase"),
    ("{term: echt, intensifier: vielleicht}", "true or false"),
    ("{term: geplant, heading: 1}", "true or false"),
    ("{term: daten, head: true}", "only for compound parts"),
])
def test_bad_term_entries(term, message):
    text = VALID.replace("terms: [Vertrauen]", f"terms: [{term}]")
    assert any(message in expected for _w, _f, expected in problems(text))


def test_bad_slug():
    text = VALID.replace("    description:", "    slug: Vertrauen Thema\n    description:")
    [(where, field, expected)] = problems(text)
    assert (where, field) == ("content/themen.yml:3", "slug") and "'vertrauen'" in expected


def test_missing_file(tmp_path):
    with pytest.raises(TaxonomyError) as info:
        taxonomy.load(str(tmp_path / "themen.yml"), "content/themen.yml")
    assert info.value.problems[0][:2] == ("content/themen.yml", "file")


def test_project_taxonomy_has_the_required_topics():
    tax = taxonomy.load(PROJECT_TAXONOMY, "content/themen.yml")
    labels = {t.label for t in tax.topics}
    assert {"Vertrauen", "Authentizität", "Transparenz", "Social Media", "Kundendialog", "Störung",
            "Outsourcing", "Erreichbarkeit", "Datenschutz", "Personalisierung"} <= labels
    for topic in tax.topics:
        assert topic.description and (topic.terms or topic.parts)
