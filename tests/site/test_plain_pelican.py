"""Pelican's own command builds the site with every plugin, as a Pelican user
would run it: the plugins find their libraries (kit, german) without invoke."""

import os
import subprocess
import sys

from tests.support.sites import ROOT

PELICAN = os.path.join(os.path.dirname(sys.executable), "pelican")


def test_plain_pelican_loads_every_plugin_and_builds_the_site(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [PELICAN, "content", "-s", "pelicanconf.py", "-o", str(tmp_path / "out"),
         "-e", f'CACHE_PATH="{tmp_path / "cache"}"', 'SITE_NOW="2026-11-24T12:00:00+01:00"'],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    assert "Cannot load plugin" not in log and "ModuleNotFoundError" not in log, log
    for page in ("index.html", "status/index.html", "faq/index.html", "themen/bericht.json",
                 "social/queue.json", "pagefind/pagefind.js", "sitemap.xml"):
        assert (tmp_path / "out" / page).is_file(), page
