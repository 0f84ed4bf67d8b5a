"""The benchmark itself works: every scenario builds or serves, the table and
the JSON carry every figure, and no server is left running. (Speed is
reported by `invoke bench`, never asserted.)"""

import json
import math
import os
import shutil

import pytest

from bench import report, run
from bench.live import REPEATS, REST
from bench.measure import Measurement

LIVE = ["live reload: started, first page served", report.BODY_LIVE, report.TITLE_LIVE,
        f"live reload: body edit, saved → {REST}", f"live reload: title edit, saved → {REST}"]
HUGO = ["Hugo: cold build", "hugo server: started, first page served", "hugo server: body edit, saved → served",
        "hugo server: title edit, saved → served on article and home page"]


def _processes_working_in(folder):
    """Processes whose working directory lies inside `folder` (a server left running)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            continue
        if cwd == folder or cwd.startswith(folder + os.sep):
            found.append(pid)
    return found


@pytest.mark.timeout(900)
def test_a_small_benchmark_runs_every_scenario(tmp_path, capsys, monkeypatch):
    # The benchmark runs with the clock, whatever the caller's shell fixes.
    monkeypatch.setenv("SITE_NOW", "2020-01-01T12:00:00+01:00")
    report_data = run.main(12, base=str(tmp_path / "work"), results_dir=str(tmp_path / "results"))
    printed = capsys.readouterr().out
    by_name = {r["scenario"]: r for r in report_data["results"]}
    for name in ["vanilla cold", "cold", "cold, without topics", "rebuild, nothing changed", "edit one body",
                 "edit one title", "add one article", "search index", "outage-publish"] + LIVE + HUGO:
        assert name in by_name
        assert f"| {name} |" in printed
    failed = [r for r in report_data["results"] if not r["ok"]]
    assert not failed, failed[0]["note"]
    hugo_installed = shutil.which("hugo") is not None
    for result in report_data["results"]:
        if result["scenario"] in HUGO and not hugo_installed:
            assert result["note"] == report.SKIPPED_HUGO and math.isnan(result["wall"])
            continue
        assert result["wall"] > 0 and result["peak_rss_mb"] > 0
        if result["scenario"] != "search index":
            assert result["own_rss_mb"] > 0  # NaN when the build did not report it
    for name in LIVE[1:] + (HUGO[2:] if hugo_installed else []):
        assert len(by_name[name]["runs"]) == REPEATS
        assert by_name[name]["wall"] == sorted(by_name[name]["runs"])[REPEATS // 2]
    if hugo_installed:
        assert by_name[report.BODY_LIVE]["ratio_to_hugo"] > 0
        assert by_name["Hugo: cold build"]["pages"] > 12
    else:
        assert "skipped (hugo not installed)" in printed
    assert not _processes_working_in(str(tmp_path)), "a server was left running"
    # The clock was running: the corpus's open incident is on the status page of the build.
    status = (tmp_path / "work" / "out-12" / "status" / "index.html").read_text(encoding="utf-8")
    assert "Längere Wartezeiten an der Service-Hotline" in status
    cold = by_name["cold"]
    assert cold["pages"] > 12  # articles, lists, FAQ, notices
    written = list((tmp_path / "results").glob("bench-12-*.json"))
    assert len(written) == 1 and json.loads(written[0].read_text(encoding="utf-8"))["n"] == 12
    assert "peak memory of the build process:" in printed
    assert "peak memory of the warm live-reload server:" in printed
    assert "topic tagging adds" in printed
    assert "load average" in printed


def test_hugo_scenarios_without_hugo_are_skipped_not_failed():
    """A machine without hugo still gets a table: the Hugo rows say why they are empty."""
    vanilla = Measurement(scenario="vanilla cold", wall=10.0, cpu=10.0, peak_rss_mb=90)
    ours = Measurement(scenario=report.BODY_LIVE, wall=2.0, cpu=float("nan"), peak_rss_mb=120, runs=[1.5, 2.0, 3.0])
    skipped = run._skipped("hugo server: body edit, saved → served")
    results = [vanilla, ours, skipped]
    run._compare_with_hugo(results)
    assert math.isnan(ours.ratio_to_hugo)
    printed = report.table(results, vanilla)
    assert "| hugo server: body edit, saved → served | skipped (hugo not installed) |" in printed
    assert "| 2.00 (1.50–3.00) |" in printed
    assert "≤ 1.0 × Hugo: no Hugo figure" in printed
    assert "FAILED" not in printed


def test_the_corpus_dates_are_times_the_build_accepts():
    """Ten years of articles cross twenty clock changes: none may sit in the hour the
    clocks skip or show twice, which the editorial reader refuses without an offset."""
    from bench import corpus
    from german.dates import parse_wall_clock

    headers = [text.split("\n\n", 1)[0] for _name, text in corpus.article_files(4000)]
    dates = [line.split(": ", 1)[1] for header in headers for line in header.splitlines()
             if line.startswith("Date: ")]
    assert len(dates) == 4000
    for value in dates:
        parse_wall_clock(value)
