"""The benchmark: this project's build against vanilla Pelican and Hugo, same corpus, same run.

Every build runs with the clock as "now" (no SITE_NOW), as in real use.
Scenarios (each build a fresh child process, measured by bench.measure):
vanilla cold; project cold (everything except the search index); the same
without topic tagging; search index step; rebuild with nothing changed;
after editing one article's body; after editing its title; after adding an
article; outage-publish after an outage update; Hugo's cold build of the
same corpus (bench.hugo_site); live reload, saved → served, for a body edit
and a title edit with this project's `invoke livereload` and with `hugo
server` (bench.live); optionally a cold build at 4 × N to check scaling.
"""

import datetime as dt
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys

from . import corpus, hugo_site, live, report
from .measure import Measurement, run

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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
    measurement, _ = run("cold, without topics", argv, cwd=ROOT)
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
    """An editor's update to the upcoming maintenance at the real time, then `invoke outage-publish`."""
    from german.dates import BERLIN
    from outages import commands

    now = dt.datetime.now(BERLIN).replace(second=0, microsecond=0)
    # The clock's time, given explicitly: a SITE_NOW in the caller's environment does not apply.
    settings = commands.load_project_settings(os.path.join(ROOT, "pelicanconf.py"), {
        "PATH": work["content"], "OUTPUT_PATH": work["output"], "SITE_NOW": now.isoformat()})
    commands.update_notice(settings, corpus.notice_slug(work["content"]), "scheduled",
                           "Die Arbeiten finden wie geplant statt.", when=now)
    argv = [_python(), "-m", "bench.build_once", "outage-publish", work["content"], work["output"], work["cache"]]
    measurement, _ = run("outage-publish", argv, cwd=ROOT)
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
            model = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "")
    except OSError:
        model = platform.processor()
    try:
        with open("/proc/meminfo") as handle:
            memory = int(handle.readline().split()[1]) // 1024 // 1024
    except OSError:
        memory = 0
    return f"{cpus} cores ({model}), {memory} GB RAM, Python {platform.python_version()}"


def _new_article():
    from german.dates import BERLIN

    date = dt.datetime.now(BERLIN) - dt.timedelta(minutes=5)
    return ("Title: Ein ganz neuer Beitrag\n"
            f"Date: {date:%Y-%m-%d %H:%M}\nCategory: Tipps\n"
            "Tags: Vertrauen, Störung\nAuthors: Lea Wagner\n\nEin neuer Text.\n")


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
    measurement, _ = run("vanilla cold", [_python(), "-m", "bench.build_once", "vanilla", content, vanilla_out],
                         cwd=ROOT)
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
        handle.write(_new_article())
    results.append(_build("add one article", work))
    results += _search_step(work, "search index")
    _edit(article, lambda t: t.rstrip("\n") + "\n\nNoch ein Absatz.\n")
    results += _search_step(work, "search index after one edit")
    results.append(_build("search index, no indexed page changed (whole build)", work, search=True))
    results.append(_outage_publish(work))
    for step in extra_steps:
        results.append(step(work))
    results += live_and_hugo(n, base, content)
    _compare_with_hugo(results)
    return results


def _hugo():
    """The hugo binary, or None when it is not installed (its scenarios are then skipped)."""
    return shutil.which("hugo")


def _skipped(scenario):
    return Measurement(scenario=scenario, wall=float("nan"), cpu=float("nan"), peak_rss_mb=float("nan"),
                       note=report.SKIPPED_HUGO)


def _title(path):
    with open(path, encoding="utf-8") as handle:
        return next(line[len("Title: "):].strip() for line in handle if line.startswith("Title: "))


def live_and_hugo(n, base, content):
    """Hugo's cold build, then live reload saved → served: this project's server, then hugo server.

    Both start from a copy of the corpus as the build scenarios left it and
    edit the same article: the newest, which the home page lists.
    """
    hugo = _hugo()
    checkout = live.project_checkout(os.path.join(base, f"live-{n}"), content)
    article = os.path.relpath(corpus.newest_article(content, n), content)
    title = _title(os.path.join(content, article))
    ready_timeout, edit_timeout = 120 + 0.25 * n, 60 + 0.05 * n
    results = []
    site = None
    if hugo:
        site = hugo_site.convert(content, os.path.join(base, f"hugo-{n}"))
        public = os.path.join(base, f"hugo-{n}-public")
        measurement, _ = run("Hugo: cold build", [hugo, "--source", site, "--destination", public, "--quiet",
                                                  "--cacheDir", os.path.join(site, ".hugo-cache")], cwd=site)
        measurement.pages = _count_pages(public)
        measurement.own_rss_mb = measurement.peak_rss_mb  # one process: its own peak is the tree's
        results.append(measurement)
    else:
        results.append(_skipped("Hugo: cold build"))
    port = live.free_port()
    argv, cwd = live.project_command(checkout, port)
    results += live.measure_server("live reload", argv, cwd, port, os.path.join(checkout, "content", article),
                                   title, "Title", ready_timeout, edit_timeout,
                                   os.path.join(base, f"live-{n}.log"))
    if hugo:
        port = live.free_port()
        argv, cwd = live.hugo_command(site, port, hugo)
        hugo_article = os.path.join(site, "content", article)
        results += live.measure_server("hugo server", argv, cwd, port, hugo_article, title, "title",
                                       ready_timeout, edit_timeout, os.path.join(base, f"hugo-{n}-server.log"))
    else:
        results += [_skipped(f"hugo server: {what}") for what in (
            "started, first page served", "body edit, saved → served",
            "title edit, saved → served on article and home page")]
    return results


def _compare_with_hugo(results):
    """Each figure that has a Hugo counterpart gets its ratio to it."""
    by_name = {m.scenario: m for m in results}
    pairs = [(name, "Hugo: cold build") for name in
             ("cold", "edit one body", "edit one title", "add one article",
              "search index after one edit (whole build)")]
    pairs += [(f"live reload: {what}", f"hugo server: {what}") for what in (
        "started, first page served", "body edit, saved → served",
        "title edit, saved → served on article and home page", f"body edit, saved → {live.REST}",
        f"title edit, saved → {live.REST}")]
    for ours, theirs in pairs:
        if ours in by_name and theirs in by_name:
            reference = by_name[theirs].wall
            if reference and not math.isnan(reference):
                by_name[ours].ratio_to_hugo = by_name[ours].wall / reference


def _hugo_version(hugo):
    if not hugo:
        return report.SKIPPED_HUGO
    done = subprocess.run([hugo, "version"], capture_output=True, text=True, check=False, timeout=60)
    return done.stdout.strip().split(" BuildDate")[0]


def _load():
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def main(n=4000, scale=False, base=None, steps=(), results_dir=None):
    base = base or os.path.join(ROOT, "bench", "corpus")
    os.makedirs(base, exist_ok=True)
    load_before = _load()
    results = scenarios(n, base, steps)
    load_after = _load()
    vanilla = results[0]
    report_data = {"date": dt.datetime.now().isoformat(timespec="seconds"), "n": n, "machine": _machine(),
                   "hugo": _hugo_version(_hugo()), "load_average": {"before": load_before, "after": load_after},
                   "results": [m.as_dict() for m in results]}
    print(f"Benchmark: {n} articles on {report_data['machine']}; {report_data['hugo']}; clock running\n"
          f"load average (1, 5, 15 min): {load_before} before, {load_after} after\n")
    print(report.table(results, vanilla))
    print()
    print("\n".join(report.summary(results)))
    if scale:
        big = scenarios(n * 4, base, cold_only=True)[1]
        cold = next(m for m in results if m.scenario == "cold")
        factor = big.wall / cold.wall
        report_data["scale"] = {"n": n * 4, "cold": big.as_dict(), "factor": factor}
        print(f"cold build at {n * 4} articles: {big.wall:.2f} s = {factor:.2f} × the {n} figure "
              f"(target ≤ {report.SCALE_TARGET} {'✓' if factor <= report.SCALE_TARGET else '✗'})")
    results_dir = results_dir or os.path.join(ROOT, "bench", "results")
    os.makedirs(results_dir, exist_ok=True)
    path = os.path.join(results_dir, f"bench-{n}-{dt.datetime.now():%Y%m%d-%H%M%S}.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(report_data, handle, indent=1, ensure_ascii=False)
    print(f"\nwritten to {os.path.relpath(path, ROOT)}")
    return report_data
