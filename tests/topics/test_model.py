"""The near-miss model (plugins/topics/model.py): what it may decide, where it comes from,
and what a broken model file gives."""

import json
import logging
import os

import pytest

from topics import match, model, train
from topics import taxonomy as taxonomy_module
from topics.engine import Engine
from topics.report import document_entry, format_table

from .helpers import PROJECT_TAXONOMY, ROOT, build, errors, report
from .test_build import FILES

TUNING = os.path.join(ROOT, "tests", "data", "topics", "tuning")
NEAR_MISS = """\
    Title: Neues aus dem Service
    Date: 2026-11-05 10:00

    Unser Service hat neue Öffnungszeiten im Laden.

    Im Newsletter berichten wir über die Gründe.

    Die Hotline bleibt gleich.

    """ + "Der Laden liegt am Hafen, gleich neben der Bäckerei, und hat einen hellen Raum mit Tischen. " * 8


@pytest.fixture(scope="module")
def taxonomy():
    return taxonomy_module.load(PROJECT_TAXONOMY)


def _analysis(slug, score, places=2, probability=None, words=200):
    data = {"score": score, "places": places, "title": False}
    if probability is not None:
        data["model"] = probability
    return {"words": words, "topics": {slug: data}}


def test_a_near_miss_becomes_a_topic_only_when_the_model_finds_it_likely(taxonomy):
    topic = taxonomy.by_slug()["transparenz"]
    near = round(topic.threshold * 0.75, 3)
    assert match.decide(_analysis("transparenz", near, probability=0.8), taxonomy)[0] == ["transparenz"]
    assert match.decide(_analysis("transparenz", near, probability=0.3), taxonomy)[1] == [
        ("transparenz", "below-threshold")]
    assert match.decide(_analysis("transparenz", near), taxonomy)[0] == []
    # Far below the threshold the matcher found too little: no probability makes it a topic.
    far = round(topic.threshold * model.NEAR * 0.9, 3)
    assert match.decide(_analysis("transparenz", far, probability=0.99), taxonomy)[0] == []
    # The other rules still hold: one place in a long text is not a topic, an excluded one stays out.
    assert match.decide(_analysis("transparenz", near, places=1, probability=0.99), taxonomy)[0] == []
    assert match.decide(_analysis("transparenz", near, probability=0.99), taxonomy,
                        exclude={"transparenz"})[0] == []


def test_the_engine_asks_the_model_only_about_near_misses(taxonomy):
    always = model.Model.from_weights({t.slug: (30.0, {}) for t in taxonomy.topics}, "always")
    engine = Engine(taxonomy, model=always)
    body = "".join(f"<p>{line.strip()}</p>" for line in NEAR_MISS.split("\n\n")[1:])
    _key, analysis = engine.analyze("Neues aus dem Service", "", body + "<p>Die Störung im Netz ist behoben. "
                                    "Der Ausfall dauerte zwei Stunden, die Störung traf Kiel.</p>")
    thresholds = {t.slug: t.threshold for t in taxonomy.topics}
    assert any("model" in data for data in analysis["topics"].values()), analysis
    assert any(data["score"] >= thresholds[slug] for slug, data in analysis["topics"].items()), analysis
    factor = match.short_text_factor(analysis["words"])
    for slug, data in analysis["topics"].items():
        asked = thresholds[slug] * model.NEAR <= data["score"] and not match.score_enough(
            data, thresholds[slug], factor)
        assert ("model" in data) == asked, (slug, data)
    assert Engine(taxonomy).fingerprint != engine.fingerprint != Engine(
        taxonomy, model=model.Model.from_weights({}, "other")).fingerprint


def test_the_bundled_model_is_trained_on_the_tuning_half_and_nothing_else(taxonomy):
    with open(model.DEFAULT_PATH, encoding="utf-8") as handle:
        bundled = json.load(handle)
    assert bundled["trained_on"]["fingerprint"] == train.texts_fingerprint(TUNING), (
        "the tuning texts changed since the model was trained: run `invoke topics-train`")
    again = train.train(taxonomy, TUNING)
    assert sorted(again["topics"]) == sorted(bundled["topics"])
    assert again["vocabulary"] == bundled["vocabulary"]
    for slug, entry in again["topics"].items():
        kept = bundled["topics"][slug]
        assert entry["bias"] == pytest.approx(kept["bias"], abs=1e-3)
        assert entry["weights"] == pytest.approx(kept["weights"], abs=1e-3), slug

def test_training_gives_the_same_file_every_time(taxonomy, tmp_path):
    texts = tmp_path / "tuning"
    texts.mkdir()
    for name in sorted(os.listdir(TUNING))[:60]:
        (texts / name).write_bytes(open(os.path.join(TUNING, name), "rb").read())
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    train.write(train.train(taxonomy, str(texts)), str(first))
    train.write(train.train(taxonomy, str(texts)), str(second))
    assert first.read_bytes() == second.read_bytes()
    loaded = model.load(str(first))
    assert loaded.topics and all(len(w) == len(loaded.vocabulary) for _b, w in loaded.topics.values())


@pytest.mark.parametrize("content, field, words", [
    (None, "file", "cannot be read"),
    (b"{nicht json", "JSON", "not valid JSON"),
    (b'{"format": "anders", "topics": {}}', "format", "not a topic model"),
    (json.dumps({"format": model.FORMAT, "vocabulary": ["a", "a"], "topics": {}}).encode(),
     "vocabulary", "expected a list of distinct lemmas"),
    (json.dumps({"format": model.FORMAT, "vocabulary": ["a"], "topics": {"vertrauen": {"bias": 1, "weights": ["x"]}}}
                ).encode(), "topics.vertrauen", "one weight (a number) per lemma"),
    (json.dumps({"format": model.FORMAT, "vocabulary": ["a"], "topics": {"vertrauen": {"bias": 1, "weights": []}}}
                ).encode(), "topics.vertrauen", "one weight (a number) per lemma"),
    (json.dumps({"format": model.FORMAT, "vocabulary": [], "topics": {"vertrauen": {"bias": float("nan"),
                                                                                  "weights": []}}}).encode(),
     "topics.vertrauen", "one weight (a number) per lemma"),
])
def test_a_broken_model_file_names_the_file_and_field(tmp_path, content, field, words):
    path = tmp_path / "modell.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(model.ModelError) as caught:
        model.load(str(path), "modell.json")
    assert str(caught.value).startswith(f"modell.json: {field}: ")
    assert words in str(caught.value)


def test_a_build_with_a_broken_model_gives_one_error_and_no_topics(tmp_path, caplog):
    caplog.set_level(logging.ERROR)
    broken = tmp_path / "modell.json"
    broken.write_text("[]", encoding="utf-8")
    output = build(tmp_path / "site", FILES, TOPICS_MODEL=str(broken))
    messages = [r.getMessage() for r in errors(caplog)]
    assert len(messages) == 1 and ": format: not a topic model" in messages[0], messages
    assert not any(r.exc_info for r in caplog.records)
    assert not (output / "themen" / "vertrauen").exists()


def test_confirmed_topics_keep_their_evidence_and_say_so(tmp_path, taxonomy):
    """A model that finds every topic likely: every near miss becomes a topic, with the
    matcher's evidence, in the build process and in the worker alike."""
    likely = tmp_path / "immer.json"
    likely.write_text(json.dumps({"format": model.FORMAT, "vocabulary": [], "topics": {
        t.slug: {"bias": 30, "weights": []} for t in taxonomy.topics}}), encoding="utf-8")
    files = {**FILES, "artikel/service.md": NEAR_MISS}
    plain = report(build(tmp_path / "plain", files, TOPICS_MODEL=None))
    inline = report(build(tmp_path / "inline", files, TOPICS_MODEL=str(likely)))
    worker = report(build(tmp_path / "worker", files, TOPICS_MODEL=str(likely), TOPICS_WORKER=True,
                          TOPICS_WORKER_MIN_DOCS=0, TOPICS_CACHE=False))
    assert worker["documents"] == inline["documents"]
    confirmed = []
    for before, after in zip(plain["documents"], inline["documents"], strict=True):
        assert {t["slug"] for t in before["topics"]} <= {t["slug"] for t in after["topics"]}
        for topic in after["topics"]:
            assert topic["evidence"], topic
            if topic["slug"] not in {t["slug"] for t in before["topics"]}:
                assert topic["model"] == 1.0 and topic["threshold"] * model.NEAR <= topic["score"] < topic["threshold"]
                confirmed.append(after)
    assert confirmed, "the sample texts have no near miss: the test proves nothing"
    assert "vom Modell bestätigt (100%)" in format_table(confirmed[:1])


def test_the_report_entry_carries_the_probability(taxonomy):
    result = {"on": True, "auto": ["transparenz"], "candidates": []}
    analysis = _analysis("transparenz", 1.0, probability=0.812)
    analysis["topics"]["transparenz"].update(evidence=[], negative=[])
    entry = document_entry(taxonomy, source="a.md", url="/a/", title="A", kind="article", kind_label="Artikel",
                           status="published", editor_tags=[], result=result, analysis=analysis)
    assert entry["topics"][0]["model"] == 0.812 and entry["topics"][0]["model_confirmed"]
    assert "vom Modell bestätigt (81%)" in format_table([entry])
    # A short text's topic that its score makes (the threshold shrinks) is not the model's doing.
    short = _analysis("transparenz", 1.0, probability=0.1, words=40)
    short["topics"]["transparenz"].update(evidence=[], negative=[])
    entry = document_entry(taxonomy, source="a.md", url="/a/", title="A", kind="article", kind_label="Artikel",
                           status="published", editor_tags=[], result=result, analysis=short)
    assert not entry["topics"][0]["model_confirmed"] and "vom Modell" not in format_table([entry])


def test_topics_train_writes_the_model_and_says_what_it_learnt(tmp_path):
    import io

    from topics import commands

    target = tmp_path / "modell.json"
    out = io.StringIO()
    assert commands.train_command(data_dir=os.path.join(ROOT, "tests", "data", "topics"),
                                  taxonomy_path=PROJECT_TAXONOMY, model_path=str(target), out=out) == 0
    assert model.load(str(target)).topics
    assert out.getvalue().startswith(f"{target}: ") and "Texten der Abstimmungshälfte" in out.getvalue()


def test_the_model_is_small_in_memory_and_the_same_in_the_worker(taxonomy):
    """The live-reload server keeps the model between builds (memory target 300 MB), and
    the analysis worker gets it through a pipe: both see the same probabilities."""
    import tracemalloc

    tracemalloc.start()
    try:
        loaded = model.load(model.DEFAULT_PATH)
        size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size < 2_000_000 and peak < 5_000_000, (size, peak)
    again = model.Model.from_data(model.Model.from_data(loaded.as_data()).as_data())
    found = loaded.indices({"offenlegen", "ursache", "zahl", "fehler", "wort", "kein-lemma"})
    assert found and again.fingerprint == loaded.fingerprint
    for slug in loaded.topics:
        assert again.probability(slug, found) == loaded.probability(slug, found)



def test_a_process_that_builds_again_follows_a_retrained_model(tmp_path, taxonomy):
    """The live-reload server keeps its topics state between builds; a model file
    written since (invoke topics-train) must decide the next build, not the old one."""
    path = tmp_path / "modell.json"
    files = {**FILES, "artikel/service.md": NEAR_MISS}

    def write(bias):
        path.write_text(json.dumps({"format": model.FORMAT, "vocabulary": [], "topics": {
            t.slug: {"bias": bias, "weights": []} for t in taxonomy.topics}}), encoding="utf-8")

    def service_topics(name):
        build(tmp_path / "site", files, TOPICS_MODEL=str(path), OUTPUT_PATH=str(tmp_path / name))
        data = report(tmp_path / name)
        return {t["slug"] for t in next(d for d in data["documents"] if d["source"].endswith("service.md"))["topics"]}

    write(-30)
    never = service_topics("out1")
    write(30)
    always = service_topics("out2")
    assert never < always
    write(-30)
    assert service_topics("out3") == never
