"""The evaluation set and the quality gate on its test half (see plugins/topics/evaluate.py)."""

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
    return {split: evaluate.load_split(os.path.join(DATA, split), tax) for split in evaluate.SPLITS}


def test_evaluation_set_is_big_varied_and_split(halves, tax):
    tuning, test = halves["tuning"], halves["test"]
    assert len(tuning) + len(test) >= 120 and len(test) >= 60
    names = [os.path.basename(s.path) for s in tuning + test]
    assert len(names) == len(set(names))
    for sample in tuning + test:
        fewest, most = evaluate.KINDS[sample.kind]
        assert fewest <= sample.words <= most, sample.path
    for half in (tuning, test):
        assert {s.kind for s in half} == set(evaluate.KINDS)
        assert any(not s.gold for s in half)
    gold = [slug for s in test for slug in s.gold]
    for topic in tax.topics:
        assert gold.count(topic.slug) >= 3, topic.slug


@pytest.mark.parametrize("pattern", [r"\bVertrag\b", r"\becht (?:schnell|aufwendig|hilfreich|lang|stark)", r"\bPost\b",
                                     r"Dialogfenster", r"Ruhestörung", r"Datenvolumen"])
def test_hard_negatives_are_in_the_set(pattern):
    texts = []
    for split in evaluate.SPLITS:
        for name in os.listdir(os.path.join(DATA, split)):
            with open(os.path.join(DATA, split, name), encoding="utf-8") as handle:
                texts.append(handle.read())
    assert any(re.search(pattern, t) for t in texts)


def test_malformed_sample_names_file_and_line(tmp_path, tax):
    path = tmp_path / "x.md"
    path.write_text("Title: X\nKind: article\nGold: Wetter\n\nText.\n", encoding="utf-8")
    with pytest.raises(evaluate.SampleError, match=r"x\.md:3: Gold: 'Wetter' is not a topic"):
        evaluate.load_sample(str(path), tax)


def test_quality_gate_on_the_test_half(halves, tax):
    result = evaluate.evaluate(tax, halves["test"], "test")
    table = evaluate.format_result(result)
    assert result.micro_f1 >= evaluate.GATE_MICRO_F1, table
    assert result.micro_precision >= evaluate.GATE_MICRO_PRECISION, table
    assert not result.gate_failures(), table


def test_scores_are_computed_correctly():
    score = evaluate.TopicScore("x", "X", tp=3, fp=1, fn=2)
    assert score.precision == 0.75 and score.recall == 0.6
    assert score.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert evaluate.TopicScore("y", "Y").precision is None
    result = evaluate.Result("test", 2, [score, evaluate.TopicScore("y", "Y", tp=1, fp=4)])
    assert result.micro_precision == pytest.approx(4 / 9) and result.micro_recall == pytest.approx(4 / 6)
    assert result.gate_failures() == ["micro-F1 0.533 < 0.80", "micro-precision 0.444 < 0.80",
                                      "precision of Y 0.20 < 0.70"]
    few = evaluate.Result("test", 2, [evaluate.TopicScore("z", "Z", tp=1, fp=3)])  # four predictions
    assert few.gate_failures() == ["micro-F1 0.400 < 0.80", "micro-precision 0.250 < 0.80"]
