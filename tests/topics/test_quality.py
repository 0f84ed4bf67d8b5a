"""The evaluation set and the quality gate (micro-F1 ≥ 0.80 on held-out texts)."""

import os
import re

import pytest

from topics import evaluate, taxonomy

from .helpers import PROJECT_TAXONOMY, ROOT

DATA = os.path.join(ROOT, "tests", "data", "topics")


@pytest.fixture(scope="module")
def tax():
    return taxonomy.load(PROJECT_TAXONOMY, "content/themen.yml")


@pytest.fixture(scope="module")
def halves(tax):
    return {split: evaluate.load_split(os.path.join(DATA, split), tax) for split in ("tuning", "heldout")}


def test_evaluation_set_is_big_varied_and_split(halves, tax):
    tuning, heldout = halves["tuning"], halves["heldout"]
    assert len(tuning) + len(heldout) >= 60 and len(heldout) >= 30
    names = [os.path.basename(s.path) for s in tuning + heldout]
    assert len(names) == len(set(names))
    for sample in tuning + heldout:
        assert 80 <= sample.words <= 300, sample.path
    assert {s.kind for s in heldout} == {"article", "faq", "notice"}
    gold = [slug for s in heldout for slug in s.gold]
    for topic in ("vertrauen", "authentizitaet", "transparenz", "social-media", "kundendialog", "stoerung",
                  "outsourcing", "erreichbarkeit", "datenschutz", "personalisierung"):
        assert gold.count(topic) >= 3, topic
    assert any(not s.gold for s in heldout)


@pytest.mark.parametrize("pattern", [r"\bVertrag\b", r"\becht (?:schnell|aufwendig|hilfreich|lang|stark)", r"\bPost\b",
                                     r"Dialogfenster", r"Ruhestörung", r"Datenvolumen"])
def test_hard_negatives_are_in_the_set(pattern):
    texts = []
    for split in ("tuning", "heldout"):
        for name in os.listdir(os.path.join(DATA, split)):
            with open(os.path.join(DATA, split, name), encoding="utf-8") as handle:
                texts.append(handle.read())
    assert any(re.search(pattern, t) for t in texts)


def test_malformed_sample_names_file_and_line(tmp_path, tax):
    path = tmp_path / "x.md"
    path.write_text("Title: X\nKind: article\nGold: Wetter\n\nText.\n", encoding="utf-8")
    with pytest.raises(evaluate.SampleError, match=r"x\.md:3: Gold: 'Wetter' is not a topic"):
        evaluate.load_sample(str(path), tax)


def test_quality_gate_on_the_held_out_half(halves, tax):
    result = evaluate.evaluate(tax, halves["heldout"], "heldout")
    table = evaluate.format_result(result)
    assert result.micro_f1 >= evaluate.GATE_MICRO_F1, table
    for topic in result.topics:
        if topic.precision is not None:
            assert topic.precision >= evaluate.GATE_PRECISION, table


def test_scores_are_computed_correctly():
    score = evaluate.TopicScore("x", "X", tp=3, fp=1, fn=2)
    assert score.precision == 0.75 and score.recall == 0.6
    assert score.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert evaluate.TopicScore("y", "Y").precision is None
    result = evaluate.Result("heldout", 2, [score, evaluate.TopicScore("y", "Y", tp=1, fp=3)])
    assert result.micro_precision == 0.5 and result.micro_recall == pytest.approx(4 / 6)
    assert result.gate_failures() == ["micro-F1 0.571 < 0.80", "precision of Y 0.25 < 0.70"]
