"""The benchmark itself works: every scenario builds, the table and the JSON
carry every figure. (Speed is reported by `invoke bench`, never asserted.)"""

import json

from bench import run


def test_a_small_benchmark_runs_every_scenario(tmp_path, capsys):
    report = run.main(12, base=str(tmp_path / "work"), results_dir=str(tmp_path / "results"))
    printed = capsys.readouterr().out
    scenarios = [r["scenario"] for r in report["results"]]
    for name in ("vanilla cold", "cold", "cold, without topics", "rebuild, nothing changed", "edit one body", "edit one title",
                 "add one article", "search index", "outage-publish"):
        assert name in scenarios
        assert f"| {name} |" in printed
    failed = [r for r in report["results"] if not r["ok"]]
    assert not failed, failed[0]["note"]
    for result in report["results"]:
        assert result["wall"] > 0 and result["peak_rss_mb"] > 0
        if result["scenario"] != "search index":
            assert result["own_rss_mb"] > 0  # NaN when the build did not report it
    cold = next(r for r in report["results"] if r["scenario"] == "cold")
    assert cold["pages"] > 12  # articles, lists, FAQ, notices
    written = list((tmp_path / "results").glob("bench-12-*.json"))
    assert len(written) == 1 and json.loads(written[0].read_text(encoding="utf-8"))["n"] == 12
    assert "peak memory of the build process:" in printed
    assert "topic tagging adds" in printed
