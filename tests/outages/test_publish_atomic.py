"""outage-publish killed at any moment: output/ shows the old state of every
outage file or the new state of all of them, never a mix, and never holds a
temporary file; the next command cleans up after the killed one."""

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from outages.commands import load_project_settings, publish, resolve_notice
from tests.support.sites import ROOT

from .samples import ACTIVE, NOW, build_outage_site
from .test_commands import _publish_settings, snapshot

# A child process that publishes, but halts at one moment (a marker file says
# where) until the test kills it.
CHILD = r"""
import os, sys, time
sys.path[:0] = [{root!r}, {plugins!r}]
from kit import atomic, staging
from outages.commands import publish
from tests.outages.test_commands import _publish_settings
from pathlib import Path

moment, marker = {moment!r}, {marker!r}

def halt():
    with open(marker, "w") as handle:
        handle.write("here")
    time.sleep(60)

if moment == "while cloning":
    original_link = os.link
    count = [0]
    def link(*args, **kwargs):
        count[0] += 1
        if count[0] == 5:
            halt()
        return original_link(*args, **kwargs)
    os.link = link
elif moment == "while writing":
    original_write = atomic.write_bytes
    count = [0]
    def write(*args, **kwargs):
        count[0] += 1
        if count[0] == 6:
            halt()
        return original_write(*args, **kwargs)
    atomic.write_bytes = write
elif moment == "before the swap":
    original_swap = staging.swap_in
    def swap(*args):
        halt()
        return original_swap(*args)
    staging.swap_in = swap
elif moment == "after the swap":
    original_later = staging.discard_later
    def later(*args):
        halt()
        return original_later(*args)
    staging.discard_later = later

publish(settings=_publish_settings(Path({site!r})))
"""

MOMENTS = ["while cloning", "while writing", "before the swap", "after the swap"]


def _resolve(site):
    settings = load_project_settings(os.path.join(ROOT, "pelicanconf.py"),
                                     {"PATH": str(site / "content"), "SITE_NOW": NOW})
    resolve_notice(settings, "internetstoerung-kiel", "Behoben.", when="2026-11-24 11:50")


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """The site before and after publishing the resolution, each as {path: bytes}."""
    site = tmp_path_factory.mktemp("published")
    result, output = build_outage_site(site, {"stoerungen/kiel.md": ACTIVE})
    assert result.ok, result.report()
    old = snapshot(output)
    _resolve(site)
    assert publish(settings=_publish_settings(site)).ok
    new = snapshot(output)
    changed = sorted(p for p in new if new[p] != old.get(p))
    assert len(changed) > 10, changed  # many files change together: a mix would show
    return old, new


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_killed_outage_publish_leaves_old_or_new_never_a_mix(tmp_path, states, moment):
    old, new = states
    result, output = build_outage_site(tmp_path, {"stoerungen/kiel.md": ACTIVE})
    assert result.ok and snapshot(output) == old
    _resolve(tmp_path)
    marker = tmp_path / "halted"
    code = CHILD.format(root=ROOT, plugins=os.path.join(ROOT, "plugins"), moment=moment,
                        marker=str(marker), site=str(tmp_path))
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, child.stderr.read()
            assert time.monotonic() < deadline, "outage-publish never reached " + moment
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()

    now = snapshot(output)
    assert now in (old, new), sorted(p for p in now if now[p] not in (old.get(p), new.get(p)))
    assert now == (new if moment == "after the swap" else old)
    assert not [p for p in now if ".tmp-" in p], "a temporary file in output/"

    # The next run finishes the job and leaves nothing of the killed one behind.
    again = publish(settings=_publish_settings(tmp_path))
    assert again.ok, again.report()
    assert snapshot(output) == new
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        leftovers = [n for n in os.listdir(tmp_path) if n.startswith("output.")]
        if not leftovers:
            break
        time.sleep(0.1)
    assert leftovers == []


def test_outage_publish_on_an_immutable_output_is_one_line(tmp_path):
    result, output = build_outage_site(tmp_path, {"stoerungen/kiel.md": ACTIVE})
    assert result.ok
    before = snapshot(output)
    _resolve(tmp_path)
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(output)]).returncode != 0:
        pytest.skip("chattr +i is not possible here")
    try:
        published = publish(settings=_publish_settings(tmp_path))
    finally:
        subprocess.run(["chattr", "-i", str(output)])
    assert not published.ok
    assert len(published.problems) == 1
    assert str(output) in published.problems[0] and "chattr -i" in published.problems[0]
    assert "Nothing was published" in published.report()
    assert snapshot(output) == before
    assert [n for n in os.listdir(tmp_path) if n.startswith("output.")] == []
