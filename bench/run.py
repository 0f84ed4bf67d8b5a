"""The benchmark: this project's build against vanilla Pelican, same corpus, same run.

Scenarios (each a fresh child process, measured by bench.measure):
vanilla cold; project cold (everything except the search index); search
index step; rebuild with nothing changed; after editing one article's body;
after editing its title; after adding an article; outage-publish after an
outage update; optionally a cold build at 4 × N to check scaling.
"""

import datetime as dt
import json
import math
import os
import platform
import re
import shutil
import sys

from . import corpus
from .measure import Measurement, run

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The project's performance targets: wall time as a ratio to vanilla Pelican's cold build.
TARGETS = {
    "cold": 0.45, "search index": 0.35, "rebuild, nothing changed": 0.10,
    "edit one body": 0.15, "edit one title": 0.15, "outage-publish": 0.07,
}
RSS_TARGET_MB = 300
SCALE_TARGET = 4.4


def _python():
    return sys.executable


def _count_pages(output):
    return sum(1 for _, _, files in os.walk(output) for f in files if f.endswith(".html"))


SEARCH_LINE = re.compile(r"Search index: .*?in ([0-9.]+) s")


def _build(scenario, work, search=False, force=False):
    argv = [_python(), "-m", "bench.build_once", "project", work["content"], work["output"], work["cache"]]
    if search:
        argv.append("--search")
    if force:
        argv.append("--force")
    measurement, output = run(scenario, argv, cwd=ROOT)
    measurement.pages = _count_pages(work["output"])
    measurement.log = output
    return measurement


def _without_topics(content, base, n):
    """The cold build without the topics plugin: what tagging costs (its target: under 1.5 s)."""
    work = {"content": content, "output": os.path.join(base, f"out-{n}-no-topics"),
            "cache": os.path.join(base, f"cache-{n}-no-topics")}
    for path in (work["output"], work["cache"]):
        shutil.rmtree(path, ignore_errors=True)
    argv = [_python(), "-m", "bench.build_once", "project", work["content"], work["output"], work["cache"],
            "--without", "topics"]
    measurement, output = run("cold, without topics", argv, cwd=ROOT)
    measurement.pages = _count_pages(work["output"])
    return measurement


def _search_step(work, scenario):
    """The search plugin's own time for the index step, from its log line."""
    measurement = _build(scenario + " (whole build)", work, search=True)
    found = SEARCH_LINE.findall(measurement.log)
    step = Measurement(scenario=scenario, wall=float(found[-1]) if found else float("nan"),
                       cpu=float("nan"), peak_rss_mb=measurement.peak_rss_mb, pages=measurement.pages,
                       own_rss_mb=measurement.own_rss_mb,
                       ok=measurement.ok and bool(found))
    step.note = next((line for line in measurement.log.splitlines() if "Search index" in line), "")
    return [measurement, step]


def _outage_publish(work):
    from outages import commands

    settings = commands.load_project_settings(os.path.join(ROOT, "pelicanconf.py"), {
        "PATH": work["content"], "OUTPUT_PATH": work["output"], "SITE_NOW": "2026-11-24T12:00:00+01:00"})
    commands.update_notice(settings, "wartung-mobilfunk-hamburg-2026-11-25", "scheduled",
                           "Die Arbeiten finden wie geplant statt.", when="2026-11-24 12:00")
    argv = [_python(), "-m", "bench.build_once", "outage-publish", work["content"], work["output"], work["cache"]]
    measurement, output = run("outage-publish", argv, cwd=ROOT)
    measurement.pages = _count_pages(work["output"])
    return measurement


def _edit(path, transform):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(transform(text))


def _middle_article(content):
    names = sorted(os.listdir(os.path.join(content, "artikel")))
    return os.path.join(content, "artikel", names[len(names) // 2])


def _machine():
    cpus = os.cpu_count()
    try:
        with open("/proc/cpuinfo") as handle:
            model = next((l.split(":", 1)[1].strip() for l in handle if l.startswith("model name")), "")
    except OSError:
        model = platform.processor()
    try:
        with open("/proc/meminfo") as handle:
            memory = int(handle.readline().split()[1]) // 1024 // 1024
    except OSError:
        memory = 0
    return f"{cpus} cores ({model}), {memory} GB RAM, Python {platform.python_version()}"


def scenarios(n, base, extra_steps=(), cold_only=False):
    """Run every scenario for a corpus of n articles under `base`; list of Measurements
    (with cold_only: vanilla's and this project's cold build only, for the scaling check)."""
    sys.path[:0] = [os.path.join(ROOT, "plugins")]
    content = corpus.write_corpus(os.path.join(base, f"corpus-{n}"), n, os.path.join(ROOT, "content"))
    work = {"content": content, "output": os.path.join(base, f"out-{n}"), "cache": os.path.join(base, f"cache-{n}")}
    for path in (work["output"], work["cache"]):
        shutil.rmtree(path, ignore_errors=True)
    results = []
    vanilla_out = os.path.join(base, f"vanilla-{n}")
    shutil.rmtree(vanilla_out, ignore_errors=True)
    measurement, _ = run("vanilla cold", [_python(), "-m", "bench.build_once", "vanilla", content, vanilla_out], cwd=ROOT)
    measurement.pages = _count_pages(vanilla_out)
    results.append(measurement)

    results.append(_build("cold", work))
    if cold_only:
        return results
    results.append(_without_topics(content, base, n))
    results.append(_build("rebuild, nothing changed", work))
    results.append(_build("rebuild, nothing changed (whole pipeline, --force)", work, force=True))
    article = _middle_article(content)
    _edit(article, lambda t: t.rstrip("\n") + "\n\nEin neuer Absatz am Ende des Beitrags.\n")
    results.append(_build("edit one body", work))
    _edit(article, lambda t: t.replace("Title: ", "Title: Neu: ", 1))
    results.append(_build("edit one title", work))
    with open(os.path.join(content, "artikel", "bench-neuer-beitrag.md"), "w", encoding="utf-8") as handle:
        handle.write("Title: Ein ganz neuer Beitrag\nDate: 2026-11-20 10:00\nCategory: Tipps\n"
                     "Tags: Vertrauen, Störung\nAuthors: Lea Wagner\n\nEin neuer Text.\n")
    results.append(_build("add one article", work))
    results += _search_step(work, "search index")
    _edit(article, lambda t: t.rstrip("\n") + "\n\nNoch ein Absatz.\n")
    results += _search_step(work, "search index after one edit")
    results.append(_build("search index, no indexed page changed (whole build)", work, search=True))
    results.append(_outage_publish(work))
    for step in extra_steps:
        results.append(step(work))
    return results


def _mb(value):
    return "–" if math.isnan(value) else f"{value:.0f}"


def table(results, vanilla):
    lines = ["| scenario | wall s | CPU s | peak RSS MB: build / largest process | pages/s | wall ÷ vanilla cold | target |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for m in results:
        ratio = m.wall / vanilla.wall if not math.isnan(m.wall) else float("nan")
        target = TARGETS.get(m.scenario)
        verdict = "" if target is None else f"≤ {target} {'✓' if ratio <= target else '✗'}"
        if not m.ok:
            verdict = "FAILED"
        cpu = "–" if math.isnan(m.cpu) else f"{m.cpu:.2f}"
        lines.append(f"| {m.scenario} | {m.wall:.2f} | {cpu} | {_mb(m.own_rss_mb)} / {m.peak_rss_mb:.0f} | "
                     f"{m.pages_per_second:.0f} | {ratio:.3f} | {verdict} |")
    return "\n".join(lines)


def main(n=4000, scale=False, base=None, steps=(), results_dir=None):
    base = base or os.path.join(ROOT, "bench", "corpus")
    os.makedirs(base, exist_ok=True)
    results = scenarios(n, base, steps)
    vanilla = results[0]
    report = {"date": dt.datetime.now().isoformat(timespec="seconds"), "n": n, "machine": _machine(),
              "results": [m.as_dict() for m in results]}
    print(f"Benchmark: {n} articles on {report['machine']}\n")
    print(table(results, vanilla))
    builds = [m for m in results[1:] if not math.isnan(m.own_rss_mb)]
    own = max(m.own_rss_mb for m in builds)
    tree = max(m.peak_rss_mb for m in builds if "search" not in m.scenario)
    pagefind = max(m.peak_rss_mb for m in builds)
    cold = next(m for m in results if m.scenario == "cold")
    bare = next((m for m in results if m.scenario == "cold, without topics"), None)
    if bare is not None:
        added = cold.wall - bare.wall
        print(f"\ntopic tagging adds {added:.2f} s to the cold build "
              f"({cold.pages - bare.pages} more pages; target < 1.5 s {'✓' if added < 1.5 else '✗'})")
    print(f"\npeak memory of the build process: {own:.0f} MB (target ≤ {RSS_TARGET_MB} MB "
          f"{'✓' if own <= RSS_TARGET_MB else '✗'}); "
          f"largest helper process without search {tree:.0f} MB, with Pagefind {pagefind:.0f} MB")
    if scale:
        big = scenarios(n * 4, base, cold_only=True)[1]
        cold = next(m for m in results if m.scenario == "cold")
        factor = big.wall / cold.wall
        report["scale"] = {"n": n * 4, "cold": big.as_dict(), "factor": factor}
        print(f"cold build at {n * 4} articles: {big.wall:.2f} s = {factor:.2f} × the {n} figure "
              f"(target ≤ {SCALE_TARGET} {'✓' if factor <= SCALE_TARGET else '✗'})")
    results_dir = results_dir or os.path.join(ROOT, "bench", "results")
    os.makedirs(results_dir, exist_ok=True)
    path = os.path.join(results_dir, f"bench-{n}-{dt.datetime.now():%Y%m%d-%H%M%S}.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=1, ensure_ascii=False)
    print(f"\nwritten to {os.path.relpath(path, ROOT)}")
    return report
