"""Every test file is part of `make test`: pytest's defaults skip folders with
some names (e.g. "build"), which once left tests/build out without a word."""

import subprocess
import sys
from pathlib import Path

from tests.support.sites import ROOT


def test_every_test_file_is_collected():
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    collected = {line.split("::", 1)[0] for line in done.stdout.splitlines() if "::" in line}
    files = {path.relative_to(ROOT).as_posix() for path in Path(ROOT, "tests").rglob("test_*.py")
             if "fixture_plugins" not in path.parts}
    assert files - collected == set()
    assert "tests/build/test_faults.py" in collected
