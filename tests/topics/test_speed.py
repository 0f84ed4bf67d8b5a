"""Speed never changes a result: caches, the worker and background writing.

Every build here is compared with a cold build of the same content (no cache):
tags, automatic topics, related documents and the bytes of bericht.json.
Builds that follow one another get the previous output as FINAL_OUTPUT_PATH,
as the build runner does, so the report JSON is reused where it can be.
"""

import collections
import json
import logging
import os
import random
import subprocess
import sys
import weakref

import pytest
from pelican import Pelican, signals

from build.run import reset_signals
from kit import datacache
from topics import assign, cache, match, report, worker

from .helpers import PROJECT_TAXONOMY, ROOT, settings_for

TUNING = os.path.join(ROOT, "tests", "data", "topics", "tuning")


def corpus(count=14):
    """Articles made from texts of the evaluation set (realistic, varied German)."""
    files = {}
    for number, name in enumerate(sorted(os.listdir(TUNING))[:count], start=1):
        with open(os.path.join(TUNING, name), encoding="utf-8") as handle:
            head, body = handle.read().split("\n\n", 1)
        meta = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
        # A slug of its own: some titles of the set would give addresses over the length limit.
        lines = [f"Title: {meta['Title']}", f"Slug: text-{number:02d}", f"Date: 2026-10-{number:02d} 10:00"]
        if meta.get("Summary"):
            lines.append(f"Summary: {meta['Summary']}")
        if number % 4 == 0:
            lines.append("Tags: Kiel, Datenschutz")
        files[f"artikel/{name}"] = "\n".join(lines) + "\n\n" + body
    return files


def run_build(base, files, name, cache_dir, final=None, **overrides):
    """Build `files` into base/<name>; returns what topics decided and the report bytes."""
    content = base / "content"
    if not content.exists():
        content.mkdir(parents=True)
        with open(PROJECT_TAXONOMY, encoding="utf-8") as handle:
            (content / "themen.yml").write_text(handle.read(), encoding="utf-8")
    for rel, text in files.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    values = {"OUTPUT_PATH": str(base / name), "CACHE_PATH": str(cache_dir), "TOPICS_REPORT_PAGE": False}
    if final is not None:
        values["FINAL_OUTPUT_PATH"] = str(base / final)
    values.update(overrides)
    captured = {}

    def grab(generators):
        captured["articles"] = list(generators[0].articles)

    signals.all_generators_finalized.connect(grab)
    try:
        Pelican(settings_for(base, **values)).run()
    finally:
        signals.all_generators_finalized.disconnect(grab)
        reset_signals()
    decided = {
        a.relative_source_path: ([(t.name, t.slug) for t in a.tags], a.metadata["auto_topics"],
                                 [d.relative_source_path for d in a.related_documents])
        for a in captured["articles"]
    }
    return decided, (base / name / "themen" / "bericht.json").read_bytes()


MODES = {
    "in the build process": ({}, {}),
    "report and cache written in the background": ({}, {"BACKGROUND_MINIMUM": 0}),
    "analysis worker with a forked helper": (
        {"TOPICS_WORKER": True, "TOPICS_WORKER_MIN_DOCS": 0},
        {"WORKER_AFTER_MISSES": 1, "SPLIT_MINIMUM": 2},
    ),
}


@pytest.mark.parametrize("mode", MODES)
def test_warm_and_incremental_builds_equal_cold_builds(tmp_path, monkeypatch, mode):
    overrides, constants = MODES[mode]
    for name, value in constants.items():
        monkeypatch.setattr(assign if hasattr(assign, name) else worker, name, value)
    files = corpus()
    site, reference = tmp_path / "site", tmp_path / "reference"
    warm = tmp_path / "cache"

    cold = run_build(site, files, "out1", warm, **overrides)
    assert any(auto for _tags, auto, _related in cold[0].values())  # the texts do get topics
    assert any(related for _tags, _auto, related in cold[0].values())
    # Nothing changed: the same, and bericht.json is the previous file, hard-linked.
    assert run_build(site, files, "out2", warm, final="out1", **overrides) == cold
    assert os.stat(site / "out2/themen/bericht.json").st_ino == os.stat(site / "out1/themen/bericht.json").st_ino

    # One body edited; then a title changed and a tag added: each as a cold build would have it.
    edited = dict(files)
    first, second = sorted(files)[3], sorted(files)[8]
    edited[first] = files[first].replace("\n\n", "\n\nDas Vertrauen unserer Kundschaft wächst. ", 1)
    incremental = run_build(site, edited, "out3", warm, final="out2", **overrides)
    assert incremental == run_build(reference, edited, "cold3", tmp_path / "fresh3", **overrides)
    assert incremental != cold
    edited[second] = edited[second].replace("Title: ", "Title: Neu: ", 1).replace(
        "\n\n", "\nTags: Hotline\n\n", 1)
    incremental = run_build(site, edited, "out4", warm, final="out3", **overrides)
    assert incremental == run_build(reference, edited, "cold4", tmp_path / "fresh4", **overrides)


def test_lost_or_damaged_cache_files_are_rebuilt_with_a_warning(tmp_path, caplog):
    files = corpus(8)
    site, directory = tmp_path / "site", tmp_path / "cache"
    cold = run_build(site, files, "out1", directory)
    topics_dir = directory / "topics"
    shards = sorted(p for p in topics_dir.iterdir() if p.name.startswith(cache.EVIDENCE_PREFIX))
    assert shards and (topics_dir / cache.LEMMAS).exists()
    shards[0].write_bytes(b"not a cache")
    shards[1].unlink()  # lost: its evidence is computed again, silently
    with open(topics_dir / cache.LEMMAS, "wb") as handle:
        handle.write(datacache.MAGIC + datacache.encode({"kind": "speed-manifest", "version": 2,
                                                         "project": None, "key": None}))  # not a topics cache
    caplog.set_level(logging.WARNING)
    # Without the previous output the report is written afresh and needs every evidence.
    assert run_build(site, files, "out2", directory) == cold
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(shards[0].name in m and "cache is damaged or foreign" in m for m in messages)
    assert any(cache.LEMMAS in m and "not a topics-lemmas cache" in m for m in messages)
    assert not any(r.levelno >= logging.ERROR for r in caplog.records)
    # The next build finds the caches repaired.
    caplog.clear()
    assert run_build(site, files, "out3", directory) == cold
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and "cache" in r.getMessage()]


def test_changed_taxonomy_or_code_invalidates_the_analysis_cache(tmp_path, monkeypatch):
    files = corpus(6)
    site, directory = tmp_path / "site", tmp_path / "cache"
    run_build(site, files, "out1", directory)
    calls = []
    original = match.Matcher.analyze
    monkeypatch.setattr(match.Matcher, "analyze", lambda self, places: calls.append(1) or original(self, places))
    run_build(site, files, "out2", directory)
    assert calls == []
    from topics import engine

    monkeypatch.setattr(engine, "_CODE", ["other code"])
    run_build(site, files, "out3", directory)
    assert len(calls) == len(files)


SUBPROCESS_BUILD = """
import json, sys
sys.path[:0] = [{root!r}, {plugins!r}]
from pathlib import Path
from simplemma.strategies.dictionaries import dictionary_factory
asked = []
original = dictionary_factory.CachingDictionaryFactory.get_dictionary
def counting(self, lang):
    asked.append(lang)
    return original(self, lang)
dictionary_factory.CachingDictionaryFactory.get_dictionary = counting
from tests.topics.test_speed import run_build
files = json.loads(sys.argv[1])
decided, data = run_build(Path(sys.argv[2]), files, sys.argv[3], Path(sys.argv[4]), **json.loads(sys.argv[5]))
print(json.dumps({{"asked": len(asked), "decided": sorted(decided.items()), "json": data.decode()}}))
"""


def build_in_new_process(base, files, name, cache_dir, **overrides):
    script = SUBPROCESS_BUILD.format(root=ROOT, plugins=os.path.join(ROOT, "plugins"))
    done = subprocess.run([sys.executable, "-c", script, json.dumps(files), str(base), name, str(cache_dir),
                           json.dumps(overrides)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("overrides", [{}, {"TOPICS_WORKER": True, "TOPICS_WORKER_MIN_DOCS": 0}])
def test_rebuild_asks_simplemma_only_for_words_never_seen(tmp_path, overrides):
    """Lemmas come from the cache: an unchanged rebuild (or one with known words only)
    does not load simplemma's dictionary, which costs about a second."""
    files = corpus(6)
    directory = tmp_path / "cache"
    cold = build_in_new_process(tmp_path, files, "out1", directory, **overrides)
    unchanged = build_in_new_process(tmp_path, files, "out2", directory, **overrides)
    assert unchanged["asked"] == 0
    assert (unchanged["decided"], unchanged["json"]) == (cold["decided"], cold["json"])
    # Known words in a new order: still nothing to look up.
    first = sorted(files)[0]
    files[first] = files[first].replace("\n\n", "\n\nVertrauen und Transparenz. ", 1)
    assert build_in_new_process(tmp_path, files, "out3", directory, **overrides)["asked"] == 0
    # A word never seen before is looked up (and then remembered).
    files[first] = files[first].replace("\n\n", "\n\nDer Vertrauensbruchs wegen. ", 1)
    assert build_in_new_process(tmp_path, files, "out4", directory, **overrides)["asked"] > 0
    assert build_in_new_process(tmp_path, files, "out5", directory, **overrides)["asked"] == 0


def _neutralize_pairwise(hits):
    """The former quadratic _neutralize, as the reference for the faster one.

    Of two single-word hits of one topic on one token the heavier stays (a
    separable verb on its particle beats the particle's own weaker term), as
    the general case ranks them too."""
    if len(hits) < 2:
        return hits
    if all(h[5] - h[4] == 1 and not h[2].negative for h in hits):
        unique = {}
        for hit in hits:
            old = unique.get((hit[4], hit[1]))
            if old is None or (hit[2].weight, hit[2].term) > (old[2].weight, old[2].term):
                unique[(hit[4], hit[1])] = hit
        return list(unique.values()) if len(unique) < len(hits) else hits
    negatives = {}
    for hit in hits:
        if hit[2].negative:
            negatives.setdefault(hit[1], []).append((hit[4], hit[5]))
    ranked = sorted((h for h in hits if not h[2].negative),
                    key=lambda h: (-(h[5] - h[4]), -h[2].weight, h[4], h[2].term))
    kept, taken = [], {}
    for hit in ranked:
        topic, start, end = hit[1], hit[4], hit[5]
        if any(s < end and start < e for s, e in negatives.get(topic, ())):
            continue
        spans = taken.setdefault(topic, [])
        if any(s < end and start < e for s, e in spans):
            continue
        spans.append((start, end))
        kept.append(hit)
    kept += [h for h in hits if h[2].negative]
    kept.sort(key=lambda h: (h[4], h[1], h[2].negative))
    return kept


RANDOM_REFS = [match.Ref(topic, term, weight, negative)
               for topic in range(3) for term, weight in (("a", 1.0), ("b", 0.5), ("c d", 1.0))
               for negative in (False, True)]


def _random_hits(rnd):
    """Up to 14 hits of one- to three-token terms on 21 tokens, overlapping at random."""
    hits = []
    for _ in range(rnd.randint(0, 14)):
        first = rnd.randint(0, 20)
        ref = rnd.choice(RANDOM_REFS)
        hits.append((0, ref.topic, ref, "w", first, first + rnd.choice((1, 1, 1, 2, 3))))
    return hits


def test_overlap_check_by_positions_equals_pairwise_comparison():
    rnd = random.Random(11)
    for _ in range(3000):
        hits = _random_hits(rnd)
        assert match._neutralize(list(hits)) == _neutralize_pairwise(list(hits))


def test_plain_hits_resolve_as_if_they_competed():
    """Hits the scan knows to be plain (one-word, positive, alone on their token
    and topic) give the same result as when all hits compete."""
    rnd = random.Random(12)
    split_some = 0
    for _ in range(3000):
        hits = _random_hits(rnd)
        hits.sort(key=lambda h: h[4])  # a scan finds hits in reading order
        singles = collections.Counter((h[4], h[1]) for h in hits if h[5] - h[4] == 1 and not h[2].negative)
        plain = [h for h in hits if h[5] - h[4] == 1 and not h[2].negative
                 and singles[(h[4], h[1])] == 1 and rnd.random() < 0.7]
        rest = [h for h in hits if h not in plain]
        split_some += bool(plain and rest)
        assert match._neutralize(rest, plain) == _neutralize_pairwise(list(hits))
    assert split_some > 1000


def test_report_is_hashed_by_its_fingerprint_only(tmp_path):
    """A page cache hashing the report (the speed plugin) sees one short attribute that
    changes with the content; the entries themselves are plain dicts with attributes."""
    site, directory = tmp_path / "site", tmp_path / "cache"
    files = corpus(4)
    states = []
    original = assign.State.finish_outputs

    def keep(self, documents):
        states.append(self.report)
        return original(self, documents)

    assign.State.finish_outputs = keep
    try:
        run_build(site, files, "out1", directory)
        run_build(site, files, "out2", directory)
        first = sorted(files)[0]
        files[first] = files[first].replace("Title: ", "Title: Neu: ", 1)
        run_build(site, files, "out3", directory)
    finally:
        assign.State.finish_outputs = original
    assert [list(vars(r)) for r in states] == [["fingerprint"]] * 3
    assert states[0].fingerprint == states[1].fingerprint != states[2].fingerprint
    entry = states[2].documents[0]
    assert isinstance(entry, report.Entry) and entry.title == entry["title"]
    assert json.loads(report._dump(entry)) == json.loads(json.dumps(dict(entry)))


def test_incremental_build_with_the_project_runner_analyzes_only_the_edited_text(tmp_path, monkeypatch):
    """Through the build runner (staging directory, previous output), with the report
    page and background writing: one edited article is analysed once, and the
    report page and JSON equal those of a cold build."""
    from build.run import build
    from tests.support.sites import FIXED_NOW, project_settings

    monkeypatch.setattr(assign, "BACKGROUND_MINIMUM", 0)
    files = corpus(10)

    def project_build(base, cache_dir):
        values = {"PATH": str(base / "content"), "OUTPUT_PATH": str(base / "output"),
                  "THEME": os.path.join(ROOT, "theme"), "PLUGIN_PATHS": [os.path.join(ROOT, "plugins")],
                  "PLUGINS": ["german", "topics"], "CACHE_PATH": str(cache_dir), "SITE_NOW": FIXED_NOW,
                  "TOPICS_WORKER": False, "PRODUCTION": False}
        content = base / "content"
        content.mkdir(parents=True, exist_ok=True)
        (content / "themen.yml").write_text(open(PROJECT_TAXONOMY, encoding="utf-8").read(), encoding="utf-8")
        for rel, text in files.items():
            (content / rel).parent.mkdir(parents=True, exist_ok=True)
            (content / rel).write_text(text, encoding="utf-8")
        result = build(settings=project_settings(values), force=True)
        assert result.ok, result.report()
        return [(base / "output" / p).read_bytes() for p in ("themen/bericht.json", "themen/bericht/index.html")]

    site = tmp_path / "site"
    project_build(site, tmp_path / "cache")
    first = sorted(files)[2]
    files[first] = files[first].replace("\n\n", "\n\nEin Ausfall traf die Hotline. ", 1)
    calls = []
    original = match.Matcher.analyze
    monkeypatch.setattr(match.Matcher, "analyze", lambda self, places: calls.append(1) or original(self, places))
    incremental = project_build(site, tmp_path / "cache")
    assert len(calls) == 1
    assert incremental == project_build(tmp_path / "reference", tmp_path / "fresh")


class _Engine:
    """Stands in for topics.engine.Engine in the helper tests: a title is its analysis."""

    def __init__(self, failing=None):
        self.memory, self.failing = {}, failing

    def analyze(self, title, summary, content):
        if title == self.failing:
            raise RuntimeError("helper breaks down")
        return title, {"words": len(content), "topics": {}}


def test_worker_helper_forwards_results_and_gives_back_what_it_could_not_do():
    texts = [(f"k{i}", f"t{i}", "", "x" * i) for i in range(60)]
    sent = []
    left, learnt = worker._Helper(_Engine(), texts, {}, {}, sent.append).finish()
    assert left == [] and isinstance(learnt, dict)
    assert [key for message in sent for key, _numbers, _packed in message] == [t[0] for t in texts]
    sent = []
    left, learnt = worker._Helper(_Engine(failing="t30"), texts, {}, {}, sent.append).finish()
    done = [key for message in sent for key, _numbers, _packed in message]
    assert done == [t[0] for t in texts[:24]]  # the first batch; the second fails
    assert left == texts[24:] and learnt is None


def test_lemma_memo_is_stored_for_one_simplemma_version_only(tmp_path, monkeypatch, caplog):
    from german import lemmas

    directory = str(tmp_path)
    monkeypatch.setattr(lemmas, "_lemmas", {"Kundenvertrauens": "Kundenvertrauen"})
    monkeypatch.setattr(lemmas, "_known", {"kunden": True})
    assert cache.save_lemmas(directory) == (1, 1)
    monkeypatch.setattr(lemmas, "_lemmas", {})
    monkeypatch.setattr(lemmas, "_known", {})
    assert cache.load_lemmas(directory) == (1, 1)

    class Unavailable:
        def __getattr__(self, name):
            raise AssertionError("simplemma was asked")

    monkeypatch.setattr(lemmas, "_simplemma", Unavailable())
    assert lemmas.lemma("Kundenvertrauens") == "Kundenvertrauen" and lemmas.is_known("kunden")
    # Written for another simplemma: not used, and not a warning either (just outdated).
    monkeypatch.setattr(lemmas, "memo_fingerprint", lambda: "german.lemmas-1:simplemma-0.1:de")
    monkeypatch.setattr(lemmas, "_lemmas", {})
    monkeypatch.setattr(lemmas, "_known", {})
    caplog.set_level(logging.INFO)
    assert cache.load_lemmas(directory) == (0, 0) and lemmas.memo_sizes() == (0, 0)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_cache_of_an_older_plugin_version_is_replaced_without_a_warning(tmp_path, caplog):
    path = tmp_path / cache.FILENAME
    older = datacache.CacheFile(str(path), "topics-analysis", cache.FORMAT - 1)
    older.save({"engine": "x", "entries": {}}, key="x")
    caplog.set_level(logging.DEBUG)
    assert cache.read(str(path), "analysis") is None
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    cache.write(str(path), {"format": cache.FORMAT, "kind": "analysis", "engine": "x",
                            "entries": {}, "shards": {"0": ["bad"]}}, key="x")
    store = cache.AnalysisStore(str(tmp_path), "x")
    assert store.load() == {} and "damaged entries" in caplog.records[-1].getMessage()
    assert caplog.records[-1].levelno == logging.WARNING


def test_related_documents_are_computed_again_only_when_weights_change(tmp_path, monkeypatch):
    from topics import related

    rnd = random.Random(3)
    weights = [{f"t{i}": rnd.choice((1, 2)) for i in rnd.sample(range(12), rnd.randint(1, 4))} for _ in range(200)]
    expected = related.related(range(200), weights, 5)
    calls = []
    original = related.related
    monkeypatch.setattr(related, "related", lambda *args: calls.append(1) or original(*args))
    assert related.cached(weights, 5, str(tmp_path)) == expected
    assert related.cached(weights, 5, str(tmp_path)) == expected
    assert len(calls) == 1
    weights[7] = {"t1": 2}
    assert related.cached(weights, 5, str(tmp_path)) == original(range(200), weights, 5)
    assert len(calls) == 2


def test_low_memory_and_full_dictionary_give_the_same_lemmas(monkeypatch):
    """german.lemmas starts with simplemma's low-memory backend and switches to the
    full dictionary after many lookups; the answers must not depend on which."""
    import re

    from german import lemmas

    words = set()
    for name in sorted(os.listdir(TUNING))[:20]:
        with open(os.path.join(TUNING, name), encoding="utf-8") as handle:
            words.update(re.findall(r"[^\W\d_][^\W_]*", handle.read()))
    words |= {"Kundenvertrauens", "vertrauenswürdiger", "misstraut", "Störungsmeldungen", "xqzt"}
    answers = []
    for switch in (10**9, 0):
        monkeypatch.setattr(lemmas, "_lemmas", {})
        monkeypatch.setattr(lemmas, "_known", {})
        monkeypatch.setattr(lemmas, "FULL_DICTIONARY_AFTER", switch)
        answers.append([(lemmas.lemma(w), lemmas.is_known(w), lemmas.is_known(w.lower())) for w in sorted(words)])
    assert len(words) > 500 and answers[0] == answers[1]


@pytest.mark.parametrize("background", [False, True], ids=["cache written here", "cache written in a child"])
def test_a_process_that_builds_again_keeps_its_analyses_unless_the_files_changed(tmp_path, monkeypatch,
                                                                                 background):
    """Live reload builds again and again in one process: the analyses of the last
    build are kept, not decoded from the disk again, as long as the cache files are
    the ones this process last read or wrote and the taxonomy is the same."""
    if background:
        monkeypatch.setattr(assign, "BACKGROUND_MINIMUM", 0)
    files = corpus(8)
    site, directory = tmp_path / "site", tmp_path / "cache"
    cold = run_build(site, files, "out1", directory)
    loads = []
    original = cache.AnalysisStore.load
    monkeypatch.setattr(cache.AnalysisStore, "load", lambda self: loads.append(1) or original(self))
    assert run_build(site, files, "out2", directory, final="out1") == cold
    assert loads == []
    # Another process wrote the file again (same bytes, a new file): read again.
    numbers = directory / "topics" / cache.FILENAME
    data = numbers.read_bytes()
    numbers.unlink()
    numbers.write_bytes(data)
    assert run_build(site, files, "out3", directory, final="out2") == cold
    assert loads == [1]
    assert run_build(site, files, "out4", directory, final="out3") == cold
    assert loads == [1]
    # The taxonomy file changed (here only a comment): a new engine, read again,
    # once the last state is gone (a process never holds two sets of analyses).
    last = weakref.ref(assign._states[0])
    monkeypatch.setattr(cache.AnalysisStore, "load",
                        lambda self: loads.append(last() is None) or original(self))
    taxonomy = site / "content" / "themen.yml"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8") + "\n# Kommentar\n", encoding="utf-8")
    assert run_build(site, files, "out5", directory, final="out4") == cold
    assert loads == [1, True]

