"""The benchmark's table and summary lines, with the project's targets.

A target is a ratio to a reference measured in the same run: vanilla
Pelican's cold build, or Hugo's figure for the same work (its cold build for
a fresh `invoke build` after an edit, `hugo server` on the same edit for
live reload).
"""

import math

VANILLA, HUGO = "vanilla", "Hugo"
BODY_LIVE = "live reload: body edit, saved → served"
TITLE_LIVE = "live reload: title edit, saved → served on article and home page"
TARGETS = {
    "cold": (VANILLA, 0.85),
    "search index": (VANILLA, 0.35),
    "rebuild, nothing changed": (VANILLA, 0.10),
    "edit one body": (HUGO, 1.0),
    "edit one title": (HUGO, 1.0),
    "search index after one edit (whole build)": (HUGO, 1.0),
    "outage-publish": (VANILLA, 0.07),
    BODY_LIVE: (HUGO, 1.0),
    TITLE_LIVE: (HUGO, 2.0),
}
RSS_TARGET_MB = 300
TAGGING_TARGET_S = 1.5
SCALE_TARGET = 4.4
SKIPPED_HUGO = "skipped (hugo not installed)"


def _number(value, digits=2):
    return "–" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def _wall(m):
    if m.note == SKIPPED_HUGO:
        return SKIPPED_HUGO
    if len(m.runs) > 1:
        return f"{_number(m.wall)} ({min(m.runs):.2f}–{max(m.runs):.2f})"
    return _number(m.wall)


def _verdict(m, vanilla_ratio):
    if not m.ok:
        return "FAILED"
    target = TARGETS.get(m.scenario)
    if target is None:
        return ""
    basis, limit = target
    ratio = vanilla_ratio if basis == VANILLA else m.ratio_to_hugo
    if math.isnan(ratio):
        return f"≤ {limit} × {basis}: no {basis} figure"
    return f"≤ {limit} × {basis} {'✓' if ratio <= limit else '✗'}"


def table(results, vanilla):
    lines = [("| scenario | wall s (median, min–max) | CPU s | peak RSS MB: process / largest | pages/s | "
              "÷ vanilla cold | ÷ Hugo | target |"),
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for m in results:
        ratio = m.wall / vanilla.wall if vanilla.wall else float("nan")
        pages = _number(m.pages_per_second, 0) if m.pages else "–"
        lines.append(f"| {m.scenario} | {_wall(m)} | {_number(m.cpu)} | {_number(m.own_rss_mb, 0)} / "
                     f"{_number(m.peak_rss_mb, 0)} | {pages} | {_number(ratio, 3)} | "
                     f"{_number(m.ratio_to_hugo, 2)} | {_verdict(m, ratio)} |")
    return "\n".join(lines)


def summary(results):
    """The lines under the table: tagging's share and peak memory, each with its target."""
    lines = []
    cold = next(m for m in results if m.scenario == "cold")
    bare = next((m for m in results if m.scenario == "cold, without topics"), None)
    if bare is not None:
        added = cold.wall - bare.wall
        lines.append(f"topic tagging adds {added:.2f} s to the cold build ({cold.pages - bare.pages} more pages; "
                     f"target ≤ {TAGGING_TARGET_S} s {'✓' if added <= TAGGING_TARGET_S else '✗'})")
    builds = [m for m in results[1:]
              if not math.isnan(m.own_rss_mb) and not m.scenario.startswith(("live", "Hugo", "hugo"))]
    nan = float("nan")
    own = max((m.own_rss_mb for m in builds), default=nan)
    tree = max((m.peak_rss_mb for m in builds if "search" not in m.scenario), default=nan)
    pagefind = max((m.peak_rss_mb for m in builds), default=nan)
    lines.append(f"peak memory of the build process: {_number(own, 0)} MB (target ≤ {RSS_TARGET_MB} MB "
                 f"{'✓' if own <= RSS_TARGET_MB else '✗'}); largest helper process without search "
                 f"{_number(tree, 0)} MB, with Pagefind {_number(pagefind, 0)} MB")
    for label, ours in (("the warm live-reload server", "live reload"), ("hugo server, for comparison", "hugo server")):
        first = next((m for m in results if m.scenario == f"{ours}: started, first page served"), None)
        last = next((m for m in results if m.scenario.startswith(f"{ours}: title edit")), None)
        if first is None or last is None or math.isnan(last.own_rss_mb):
            continue
        edits = len(last.runs) * 2
        verdict = f" (target ≤ {RSS_TARGET_MB} MB {'✓' if last.own_rss_mb <= RSS_TARGET_MB else '✗'})"
        lines.append(f"peak memory of {label}: {_number(first.own_rss_mb, 0)} MB through its first build, "
                     f"{last.own_rss_mb:.0f} MB after {edits} edits{verdict if ours == 'live reload' else ''}; "
                     f"largest process of its tree {_number(last.peak_rss_mb, 0)} MB")
    return lines
