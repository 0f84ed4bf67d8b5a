"""Compound splitters compared on the gold list tests/data/compounds/gold.tsv.

    .venv/bin/python -m bench.compounds            # this project's splitter only
    .venv/bin/python -m bench.compounds --others   # also the splitters on PyPI

With --others the PyPI splitters are installed into a virtual environment of
their own (bench/.compound-venv, made on first use with `pip`; nothing is added
to the project's environment or requirements.txt) and each runs there in a
child process that reads the words on stdin and writes its splits as JSON.
A splitter that does not install or import is reported as skipped, with the
reason.

Measured per splitter, on all words and on the two halves of the list (even
and odd lines; the rules of plugins/search/compounds.py were developed
looking at the even half only):
- split points: a point is where a new part begins; a linking element belongs
  to the part before it, an elided -e moves nothing. Precision and recall
  over all points of all words (non-compounds have none, so every point a
  splitter puts into one is a false one);
- words: compounds cut exactly like the gold, and non-compounds left whole;
- time per word after loading, and the load time.

Splitters that return the parts of a word (not positions) are aligned to the
word: each part is looked for where the previous one ends, give or take a
linking element or an elided -e.
"""

import argparse
import itertools
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLD = os.path.join(ROOT, "tests", "data", "compounds", "gold.tsv")
VENV = os.path.join(ROOT, "bench", ".compound-venv")
# PyPI packages compared (pinned so that runs compare like with like).
PACKAGES = {
    "compound-split": "compound-split==1.0.2",
    "german-nouns": "german-nouns==1.2.5",
    "split-words": "split-words==0.1.3",
    "charsplit-fst": "charsplit-fst==0.1.4",
}


def load_gold(path=GOLD):
    """[(word, [split points])] in file order."""
    entries = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            segmented = line.split("\t", 1)[0]
            pieces = segmented.split("|")
            points, at = [], 0
            for piece in pieces[:-1]:
                at += len(piece)
                points.append(at)
            entries.append(("".join(pieces), points))
    return entries


def align(word, parts):
    """Split points of `word` for a list of parts, or None when they do not fit it."""
    lower = word.lower()
    parts = [p.lower() for p in parts if p]
    if len(parts) < 2:
        return []
    points, at = [], 0
    for part, following in itertools.pairwise(parts):
        probe = following[: min(len(following), 4)]
        found = None
        for start in range(max(at + 1, at + len(part) - 2), min(len(lower), at + len(part) + 4)):
            if lower.startswith(probe, start):
                found = start
                break
        if found is None:
            return None
        points.append(found)
        at = found
    return points


def score(entries, predicted):
    """Precision, recall, F1 of split points; exact compounds; whole non-compounds."""
    tp = fp = fn = 0
    exact = compounds = whole = simple = 0
    for word, gold in entries:
        points = predicted.get(word)
        if points is None:  # could not be aligned: one wrong point
            points = [-1]
        gold_set, points_set = set(gold), set(points)
        tp += len(gold_set & points_set)
        fp += len(points_set - gold_set)
        fn += len(gold_set - points_set)
        if gold:
            compounds += 1
            exact += points_set == gold_set
        else:
            simple += 1
            whole += not points_set
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1,
            "exact": exact / compounds if compounds else 0.0,
            "whole": whole / simple if simple else 0.0}


# -- this project's splitter ------------------------------------------------


def ours(words):
    sys.path.insert(0, os.path.join(ROOT, "plugins"))
    from search import compounds

    started = time.perf_counter()
    compounds.split("Kundenservice")  # loads both word lists
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    points = {}
    for word in words:
        cut, at = [], 0
        for surface, _base in compounds.segments(word) if compounds.split(word) else []:
            at += len(surface)
            cut.append(at)
        points[word] = cut[:-1]
    return points, loaded, (time.perf_counter() - started) / len(words)


# -- the others, run inside their own environment ---------------------------

RUNNERS = {
    # name: (package, code that defines load() → split(word) → list of parts)
    "compound-split (maximal_split)": ("compound-split", """
def load():
    from compound_split import doc_split
    doc_split.maximal_split("Kundenservice")
    return doc_split.maximal_split
"""),
    "compound-split (char_split, best binary)": ("compound-split", """
def load():
    from compound_split import char_split
    def split(word):
        score, left, right = char_split.split_compound(word)[0]
        return [left, right] if score > 0 else [word]
    return split
"""),
    "german-nouns (parse_compound)": ("german-nouns", """
def load():
    from german_nouns.lookup import Nouns
    nouns = Nouns()
    return lambda word: nouns.parse_compound(word) or [word]
"""),
    "split-words (recursive on the modifier)": ("split-words", """
def load():
    from split_words import Splitter
    splitter = Splitter()
    def split(word):
        score, left, right = splitter.split_compound(word)[0]
        if score <= 0 or len(left) < 3 or len(right) < 3:
            return [word]
        return split(left) + [right]
    return split
"""),
    "charsplit-fst": ("charsplit-fst", """
def load():
    import charsplit_fst
    splitter = charsplit_fst.Splitter()
    def split(word):
        score, left, right = splitter.split_compound(word)[0]
        return [left, right] if score > 0 else [word]
    return split
"""),
}

CHILD = """
import json, sys, time
{code}
started = time.perf_counter()
split = load()
loaded = time.perf_counter() - started
words = json.load(sys.stdin)
started = time.perf_counter()
out = {{}}
for word in words:
    try:
        out[word] = [str(p) for p in split(word)]
    except Exception:
        out[word] = [word]
json.dump({{"parts": out, "loaded": loaded, "per_word": (time.perf_counter() - started) / len(words)}},
          sys.stdout)
"""


def _venv_python():
    return os.path.join(VENV, "bin", "python")


def _install(package):
    """(ok, reason): the package in the comparison's own environment."""
    if not os.path.exists(_venv_python()):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    done = subprocess.run([_venv_python(), "-m", "pip", "install", "-q", PACKAGES[package]],
                          capture_output=True, text=True, check=False)
    if done.returncode:
        lines = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
        return False, (lines[0] if lines else done.stderr.strip()[-200:])
    return True, ""


def other(name, words, timeout=1800):
    package, code = RUNNERS[name]
    ok, reason = _install(package)
    if not ok:
        return None, reason
    done = subprocess.run([_venv_python(), "-c", CHILD.format(code=code)], input=json.dumps(words),
                          capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode:
        return None, (done.stderr.strip().splitlines() or ["failed"])[-1]
    result = json.loads(done.stdout)
    points = {word: align(word, parts) for word, parts in result["parts"].items()}
    return (points, result["loaded"], result["per_word"]), ""


def _row(name, entries, points, loaded, per_word):
    cells = []
    for part in (entries, entries[0::2], entries[1::2]):  # all, even (development), odd
        s = score(part, points)
        cells.append(f"{s['precision']:.2f} / {s['recall']:.2f} / {s['f1']:.2f}")
    s = score(entries, points)
    return (f"| {name} | {cells[0]} | {cells[1]} | {cells[2]} | {s['exact']:.2f} | {s['whole']:.2f} | "
            f"{per_word * 1000:.2f} | {loaded:.1f} |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--others", action="store_true", help="also install and run the PyPI splitters")
    parser.add_argument("--errors", action="store_true", help="list this project's mistakes on the even half")
    args = parser.parse_args(argv)
    entries = load_gold()
    words = [word for word, _points in entries]
    compounds = sum(1 for _w, p in entries if p)
    print(f"Gold list: {len(entries)} words, {compounds} compounds "
          f"({sum(1 for _w, p in entries if len(p) == 1)} of two parts, "
          f"{sum(1 for _w, p in entries if len(p) == 2)} of three, "
          f"{sum(1 for _w, p in entries if len(p) == 3)} of four), {len(entries) - compounds} non-compounds\n")
    print("| splitter | split points P / R / F1 (all) | even half | odd half | compounds exact | "
          "non-compounds whole | ms per word | load s |")
    print("| --- | --- | --- | --- | ---: | ---: | ---: | ---: |")
    points, loaded, per_word = ours(words)
    print(_row("this project (plugins/search/compounds.py)", entries, points, loaded, per_word), flush=True)
    if args.others:
        for name in RUNNERS:
            result, reason = other(name, words)
            if result is None:
                print(f"| {name} | skipped: {reason} | | | | | | |", flush=True)
            else:
                print(_row(name, entries, *result), flush=True)
    if args.errors:
        gold = dict(entries[0::2])
        print("\nMistakes on the even half (word: gold points / ours):")
        for word, expected in gold.items():
            if set(points[word]) != set(expected):
                print(f"  {word}: {expected} / {points[word]}")


if __name__ == "__main__":
    main()
