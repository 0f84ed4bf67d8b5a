"""Faults of the machine, not of the editor: a second build at the same time,
a killed build, an output folder that cannot be replaced, a full disk, a
stamp or cache that cannot be written. Each ends in one line that names the
path and what to do, no traceback, no leftover staging folder, and either the
new site in place (and the command says so) or the old one untouched."""

import errno
import os
import signal
import subprocess
import sys
import time

import pytest

from kit import atomic
from tests.support.sites import ROOT, build_fixture_site, write_files
from tests.support.trees import snapshot

ARTICLE = """\
Title: Beitrag {n}
Date: 2026-11-0{n} 10:00
Category: Kundendialog
Tags: Vertrauen
Authors: Miriam Albers
Summary: Ein Satz.

Text {n}.
"""

SLOW_CHILD = r"""
import sys
sys.path[:0] = [{root!r}, {plugins!r}]
from tests.support.sites import project_settings, FIXED_NOW
from build.run import build
settings = project_settings({{
    "PATH": {content!r}, "OUTPUT_PATH": {output!r}, "THEME": {theme!r}, "CACHE_PATH": {cache!r},
    "PLUGIN_PATHS": [{plugins!r}, {test_plugins!r}], "SITE_NOW": FIXED_NOW,
    "PLUGINS": ["german", "editorial", "slow_build"],
}})
result = build(settings=settings, what="the slow test build", force=True)
print(result.report())
sys.exit(0 if result.ok else 1)
"""


def _leftovers(output):
    """Staging, retired or trash trees beside output/. The old tree of a good
    build is deleted by a detached process: give it a moment."""
    deadline = time.monotonic() + 30
    while True:
        found = sorted(name for name in os.listdir(output.parent)
                       if name.startswith(output.name + ".") and name != output.name)
        if not any(".trash-" in name for name in found) or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def _start_slow_build(tmp_path, output, seconds):
    """A build in another process that halts half way; returns it once it holds the lock."""
    marker = tmp_path / "halfway"
    code = SLOW_CHILD.format(
        root=ROOT, plugins=os.path.join(ROOT, "plugins"),
        test_plugins=os.path.join(os.path.dirname(__file__), "plugins"),
        content=str(tmp_path / "content"), output=str(output), theme=os.path.join(ROOT, "theme"),
        cache=str(tmp_path / "cache"),
    )
    env = {**os.environ, "SLOW_BUILD_MARKER": str(marker), "SLOW_BUILD_SECONDS": str(seconds)}
    child = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not marker.exists():
        if child.poll() is not None:
            raise AssertionError(child.stderr.read())
        if time.monotonic() > deadline:
            child.kill()
            raise AssertionError("the slow build never got half way")
        time.sleep(0.05)
    return child


@pytest.fixture
def site(tmp_path):
    result, output = build_fixture_site(tmp_path, {"artikel/a.md": ARTICLE.format(n=1)})
    assert result.ok, result.report()
    write_files(tmp_path / "content", {"artikel/b.md": ARTICLE.format(n=2)})
    return tmp_path, output


def test_a_second_build_waits_for_the_first_and_says_so(site, capfd):
    tmp_path, output = site
    child = _start_slow_build(tmp_path, output, seconds=2)
    try:
        result, _ = build_fixture_site(tmp_path, {}, force=True)
        child_out, child_err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, child_out + child_err
    assert result.ok, result.report()
    waited = capfd.readouterr().err
    assert f"Waiting for process {child.pid} (the slow test build" in waited
    assert (output / "artikel" / "beitrag-2" / "index.html").exists()
    assert _leftovers(output) == []


def test_the_lock_of_a_killed_build_is_taken_over_at_once(site, capfd):
    tmp_path, output = site
    before = snapshot(output)
    child = _start_slow_build(tmp_path, output, seconds=60)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert snapshot(output) == before
    result, _ = build_fixture_site(tmp_path, {}, force=True)
    assert result.ok, result.report()
    assert "Waiting" not in capfd.readouterr().err
    assert (output / "artikel" / "beitrag-2" / "index.html").exists()
    assert _leftovers(output) == []


def test_a_build_that_waits_too_long_gives_up_with_one_line(site):
    from build.run import build
    from tests.support.sites import project_settings

    tmp_path, output = site
    before = snapshot(output)
    child = _start_slow_build(tmp_path, output, seconds=60)
    try:
        settings = project_settings({"PATH": str(tmp_path / "content"), "OUTPUT_PATH": str(output),
                                     "THEME": os.path.join(ROOT, "theme"), "CACHE_PATH": str(tmp_path / "c2"),
                                     "PLUGIN_PATHS": [os.path.join(ROOT, "plugins")]})
        result = build(settings=settings, force=True, lock_timeout=1)
    finally:
        child.kill()
        child.wait(timeout=10)
    assert not result.ok
    assert [p.level for p in result.problems] == ["error"]
    message = result.problems[0].message
    assert f"process {child.pid} (the slow test build" in message and "still held" in message
    assert snapshot(output) == before


def _chattr(flag, path):
    try:
        done = subprocess.run(["chattr", flag, str(path)], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def test_an_immutable_output_folder_is_one_line_and_the_old_site_stays(site):
    tmp_path, output = site
    before = snapshot(output)
    if not _chattr("+i", output):
        pytest.skip("chattr +i is not possible here (see the permission-denied stand-in below)")
    try:
        result, _ = build_fixture_site(tmp_path, {}, force=True)
    finally:
        _chattr("-i", output)
    assert not result.ok
    assert len(result.errors) == 1, result.report()
    message = result.errors[0].message
    assert str(output) in message and "chattr -i" in message and "previous site is unchanged" in message
    assert "Traceback" not in result.report()
    assert snapshot(output) == before
    assert _leftovers(output) == []


def test_permission_denied_on_the_swap_is_one_line_and_the_old_site_stays(site, monkeypatch):
    tmp_path, output = site
    before = snapshot(output)

    def refuse(new, target, retired):
        raise PermissionError(errno.EACCES, "Permission denied", target)

    monkeypatch.setattr(atomic, "replace_tree", refuse)
    result, _ = build_fixture_site(tmp_path, {}, force=True)
    assert not result.ok
    assert [str(p) for p in result.errors] == [
        f"error: {output}: replacing output/ with the new site failed (Permission denied); permission denied; "
        "make it writable for this user (chmod/chown) and try again; the previous site is unchanged"]
    assert snapshot(output) == before
    assert _leftovers(output) == []


def test_a_full_disk_while_writing_is_one_line_and_the_old_site_stays(site, monkeypatch):
    import speed.writer

    tmp_path, output = site
    before = snapshot(output)

    def full(path, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", path)

    monkeypatch.setattr(speed.writer, "open", full, raising=False)
    result, _ = build_fixture_site(tmp_path, {}, force=True)
    assert not result.ok
    assert len(result.errors) == 1, result.report()
    message = result.errors[0].message
    assert "No space left on device" in message and "the disk is full; free some space" in message
    assert ".staging-" in message  # names the file that could not be written
    assert snapshot(output) == before
    assert _leftovers(output) == []


def test_a_stamp_that_cannot_be_written_still_publishes_and_says_so(site, monkeypatch):
    import build.uptodate

    tmp_path, output = site

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "cache" / "build" / "stamp.json"))

    monkeypatch.setattr(build.uptodate, "save", refuse)
    result, _ = build_fixture_site(tmp_path, {}, force=True, strict=True)
    assert result.ok, result.report()
    notes = [p.message for p in result.notices]
    assert any("stamp.json" in n and "the new site is in place" in n for n in notes), result.report()
    assert (output / "artikel" / "beitrag-2" / "index.html").exists()
    assert _leftovers(output) == []


def test_caches_that_cannot_be_written_are_a_notice_not_a_failure(site, monkeypatch):
    tmp_path, output = site
    original = atomic.replacing
    cache = str(tmp_path / "cache")

    def refuse_in_cache(path, *args, **kwargs):
        # Every atomic write goes through replacing; the data caches are the .cbor files
        # (the up-to-date stamp has its own test above).
        if str(path).startswith(cache) and str(path).endswith(".cbor"):
            raise OSError(errno.ENOSPC, "No space left on device", path)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(atomic, "replacing", refuse_in_cache)
    result, _ = build_fixture_site(tmp_path, {}, force=True, strict=True)
    assert result.ok, result.report()
    assert result.notices and all("could not be written" in p.message for p in result.notices
                                  if "cache" in p.message), result.report()
    assert (output / "artikel" / "beitrag-2" / "index.html").exists()
