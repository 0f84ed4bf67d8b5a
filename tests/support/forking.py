"""Tests of work in forked children run where kit.child may fork.

kit.child forks only when the process runs no other thread, and a test
process often does (the session's static servers, Playwright's helpers).
A test marked `forks` therefore runs in this process when it has no other
thread, and otherwise alone in a fresh pytest process, so what it asserts
about child processes is always checked, whatever ran before it.
"""

import os
import subprocess
import sys
import threading

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FRESH = "TESTS_FRESH_PROCESS"


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    if pyfuncitem.get_closest_marker("forks") is None or threading.active_count() == 1:
        return None
    if os.environ.get(FRESH):
        pytest.fail(f"threads run even in a fresh process: {[t.name for t in threading.enumerate()]}")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", pyfuncitem.nodeid],
        cwd=ROOT, env=dict(os.environ, **{FRESH: "1"}), capture_output=True, text=True, timeout=600,
        check=False)
    if done.returncode != 0:
        pytest.fail(f"in a fresh process (this one runs threads):\n{done.stdout[-6000:]}{done.stderr[-2000:]}")
    return True
