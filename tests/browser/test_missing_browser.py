"""Without a browser the browser tests fail loudly with instructions, never skip."""

import os
import subprocess
import sys

from tests.support.sites import ROOT

PROBE = '''
def test_needs_browser(browser):
    pass
'''


def test_missing_chromium_fails_with_install_instructions(tmp_path):
    (tmp_path / "test_probe.py").write_text(PROBE)
    (tmp_path / "conftest.py").write_text("pytest_plugins = ['tests.support.browser']\n")
    env = {**os.environ, "CHROMIUM_PATH": str(tmp_path / "no-such-chromium"), "PYTHONPATH": ROOT}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "1 error" in done.stdout or "1 failed" in done.stdout, done.stdout
    assert "skipped" not in done.stdout
    assert "apt-get install chromium" in done.stdout and "CHROMIUM_PATH" in done.stdout
