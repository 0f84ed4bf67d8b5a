"""With the clock moving, an incremental build still writes byte for byte what
a cold build at the same moment writes, and renders only the pages whose
output the time changed (the status page's "Stand", an active notice's
duration, a banner that appears, an article that goes live)."""

import logging
import re

import pytest

from tests.speed.test_incremental_equivalence import Site, _assert_same_tree
from tests.support.sites import FIXED_NOW

RENDERED = re.compile(r"speed: (\d+) files rendered, (\d+) reused")


def _counts(caplog):
    found = [RENDERED.search(r.getMessage()) for r in caplog.records]
    found = [m for m in found if m]
    assert found, "the speed plugin did not report what it rendered"
    return int(found[-1].group(1)), int(found[-1].group(2))


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path / "site")
    site.overrides["SITE_NOW"] = FIXED_NOW
    site.build(tmp_path / "out", tmp_path / "cache")
    return site


def _at(site, tmp_path, moment, caplog):
    site.overrides["SITE_NOW"] = moment
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="speed"):
        site.build(tmp_path / "out", tmp_path / "cache")
    counts = _counts(caplog)
    cold = tmp_path / "cold"
    site.build(cold, tmp_path / "cold-cache")  # no cache, no previous output
    _assert_same_tree(tmp_path / "out", cold)
    return counts


def test_a_minute_later_only_the_pages_that_show_the_time_render(site, tmp_path, caplog):
    rendered, reused = _at(site, tmp_path, "2026-11-24T12:01:00+01:00", caplog)
    # /status/ ("Stand") and the active incident's page (its duration so far);
    # nothing else shows the time.
    assert rendered <= 3 and reused > 100, (rendered, reused)


@pytest.mark.parametrize("moment", [
    "2026-11-25T02:00:00+01:00",  # a maintenance is running: the banner changes on every page
    "2026-11-25T06:00:00+01:00",  # it is over without an update: completed by the clock
    "2026-12-15T10:01:00+01:00",  # an article dated ahead is due
])
def test_the_clock_passing_a_moment_that_changes_pages_gives_a_cold_builds_output(
        site, tmp_path, caplog, moment):
    _at(site, tmp_path, moment, caplog)


def test_hours_in_small_steps_equal_one_cold_build(site, tmp_path, caplog):
    """Several incremental builds in a row, each an hour later."""
    for hour in ("13", "14", "15"):
        site.overrides["SITE_NOW"] = f"2026-11-24T{hour}:00:00+01:00"
        site.build(tmp_path / "out", tmp_path / "cache")
    _at(site, tmp_path, "2026-11-24T16:00:00+01:00", caplog)
