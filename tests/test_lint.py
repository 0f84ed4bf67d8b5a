"""Ruff checks the whole code base with the rules in pyproject.toml: what a
reviewer would otherwise flag by hand (unused names, unsorted imports, loops
whose closures see the last value, zip() over lists of different lengths …)."""

import os
import subprocess
import sys

from tests.support.sites import ROOT

RUFF = os.path.join(os.path.dirname(sys.executable), "ruff")


def test_ruff_finds_nothing():
    done = subprocess.run([RUFF, "check", "--no-cache", "--output-format", "concise", "."], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_would_find_a_mistake(tmp_path):
    """The check is not vacuous: an unused import in a plugin is reported."""
    (tmp_path / "pyproject.toml").write_text(open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8").read())
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "x.py").write_text("import os\n")
    done = subprocess.run([RUFF, "check", "--no-cache", "--output-format", "concise", "."], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1 and "plugins/x.py:1:8: F401" in done.stdout, done.stdout
