"""CPU time of topic tagging alone on the benchmark corpus, in a fresh process.

    .venv/bin/python -m bench.tagging [-n 4000] [--root DIR] [--repeat 3] [--dump FILE]

Writes the corpus of bench/corpus.py (N articles, FAQ entries and notices),
renders each text's Markdown once (not timed) and then times what the topics
worker does for every text: analysis and decision with a cold lemma memo. Each
repetition is a new process; the smallest CPU time is printed, because a
shared machine only ever makes a run slower. `--root` measures another
checkout (e.g. an export of an older commit) on the same corpus, so changes to
the matcher or content/themen.yml can be compared like with like. `--dump`
writes every text's analysis (scores, evidence) and decision as JSON lines, so
that two checkouts can be shown to tag identically (compare the files; set
SITE_NOW for both, as the corpus's outage notices are placed around "now").
"""

import argparse
import datetime as dt
import glob
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _texts(corpus):
    import markdown

    md = markdown.Markdown(extensions=["extra"])
    texts = []
    for path in sorted(glob.glob(os.path.join(corpus, "**", "*.md"), recursive=True)):
        with open(path, encoding="utf-8") as handle:
            head, body = handle.read().split("\n\n", 1)
        meta = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
        md.reset()
        texts.append((meta.get("Title") or meta.get("Question") or "", meta.get("Summary", ""), md.convert(body)))
    return texts


def measure(root, corpus, dump=None):
    """(CPU seconds, texts, automatic tags) of tagging every text of `corpus` with `root`'s code.

    With `dump`, every text's analysis and decision are written there (after timing)."""
    sys.path.insert(0, os.path.join(root, "plugins"))
    texts = _texts(corpus)
    from topics import taxonomy
    from topics.engine import Engine

    started = time.process_time()
    try:  # the near-miss model, where `root`'s code has one (it is part of what a build does)
        from topics import model
        near_misses = model.load(model.DEFAULT_PATH)
    except ImportError:
        near_misses = None
    engine = (Engine(taxonomy.load(os.path.join(root, "content", "themen.yml")), model=near_misses)
              if near_misses else Engine(taxonomy.load(os.path.join(root, "content", "themen.yml"))))
    tags = 0
    results = []
    for title, summary, html in texts:
        _key, analysis = engine.analyze(title, summary, html)
        decision = engine.decide(analysis)
        tags += len(decision[0])
        if dump:
            results.append((analysis, decision))
    cpu = time.process_time() - started
    if dump:
        with open(dump, "w", encoding="utf-8") as handle:
            for (title, _summary, _html), (analysis, decision) in zip(texts, results, strict=True):
                record = {"title": title, "analysis": analysis, "decision": decision}
                handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
    return cpu, len(texts), tags


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=4000, help="articles in the corpus")
    parser.add_argument("--root", default=ROOT, help="checkout whose plugins and themen.yml are measured")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dump", help="write every text's analysis and decision to this JSON-lines file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        cpu, count, tags = measure(os.path.abspath(args.root), args.child, args.dump)
        print(f"{cpu:.3f} {count} {tags}")
        return
    sys.path[:0] = [os.path.join(ROOT, "plugins"), ROOT]
    from bench import corpus

    target = os.path.join(ROOT, "bench", "corpus", f"tagging-{args.n}")
    # SITE_NOW fixes the times in the outage notices, so two dumps can be compared.
    now = dt.datetime.fromisoformat(os.environ["SITE_NOW"]) if os.environ.get("SITE_NOW") else None
    content = corpus.write_corpus(target, args.n, os.path.join(ROOT, "content"), now=now)
    runs = []
    for run in range(args.repeat):
        dump = ["--dump", os.path.abspath(args.dump)] if args.dump and run == 0 else []
        done = subprocess.run([sys.executable, "-m", "bench.tagging", "--root", args.root, "--child", content, *dump],
                              cwd=ROOT, capture_output=True, text=True, check=True)
        cpu, count, tags = done.stdout.split()
        runs.append(float(cpu))
    print(f"topic tagging of {count} texts ({args.root}): CPU {min(runs):.2f} s "
          f"(runs: {', '.join(f'{r:.2f}' for r in runs)}), {tags} automatic tags")


if __name__ == "__main__":
    main()
