"""A build that is killed half way leaves the previous output/ complete."""

import os
import signal
import subprocess
import sys
import time

from tests.support.sites import ROOT, build_fixture_site, write_files

ARTICLE = """\
Title: Beitrag {n}
Date: 2026-11-0{n} 10:00
Category: Kundendialog

Text {n}.
"""

CHILD = r"""
import sys
sys.path[:0] = [{root!r}, {plugins!r}]
from tests.support.sites import project_settings, FIXED_NOW
from build.run import build
settings = project_settings({{
    "PATH": {content!r}, "OUTPUT_PATH": {output!r}, "THEME": {theme!r},
    "PLUGIN_PATHS": [{plugins!r}, {test_plugins!r}], "SITE_NOW": FIXED_NOW,
    "PLUGINS": ["german", "editorial", "slow_build"],
}})
build(settings=settings)
"""


def _tree(path):
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def test_killed_build_keeps_old_output_and_next_build_cleans_up(tmp_path):
    result, output = build_fixture_site(tmp_path, {"artikel/a.md": ARTICLE.format(n=1)})
    assert result.ok, result.report()
    before = _tree(output)

    write_files(tmp_path / "content", {"artikel/b.md": ARTICLE.format(n=2)})
    marker = tmp_path / "halfway"
    code = CHILD.format(
        root=ROOT, plugins=os.path.join(ROOT, "plugins"),
        test_plugins=os.path.join(os.path.dirname(__file__), "plugins"),
        content=str(tmp_path / "content"), output=str(output), theme=os.path.join(ROOT, "theme"),
    )
    child = subprocess.Popen([sys.executable, "-c", code], env={**os.environ, "SLOW_BUILD_MARKER": str(marker)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() < deadline, "the build never reached the half-way point"
            time.sleep(0.05)
        staging = marker.read_text()
        assert os.path.isdir(os.path.join(staging, "artikel", "beitrag-2")), "build was not half way"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()

    assert _tree(output) == before, "a killed build changed output/"
    assert os.path.isdir(staging), "expected the killed build's staging directory"

    result, output = build_fixture_site(tmp_path, {"artikel/b.md": ARTICLE.format(n=2)})
    assert result.ok, result.report()
    assert not os.path.exists(staging), "leftover of the killed build was not moved away"
    assert (output / "artikel" / "beitrag-2" / "index.html").exists()


def test_retired_tree_is_restored_when_killed_between_renames(tmp_path):
    from kit import staging

    output = tmp_path / "output"
    retired = tmp_path / f"output{staging.RETIRED}999999"
    retired.mkdir()
    (retired / "index.html").write_text("alt")
    staging.recover(str(output))
    assert (output / "index.html").read_text() == "alt"


def test_a_plugin_of_an_earlier_build_does_not_act_on_the_next(tmp_path):
    """Pelican's signals are global: the runner disconnects plugins between builds."""
    files = {"artikel/a.md": ARTICLE.format(n=1)}
    result, output = build_fixture_site(tmp_path / "one", files, {"PLUGINS": ["german", "editorial", "seo"]})
    assert result.ok and (output / "sitemap.xml").exists()
    result, output = build_fixture_site(tmp_path / "two", files, {"PLUGINS": ["german", "editorial"]})
    assert result.ok and not (output / "sitemap.xml").exists()


def test_old_trees_do_not_pile_up(tmp_path):
    import time

    files = {"artikel/a.md": ARTICLE.format(n=1)}
    for _ in range(3):
        result, _output = build_fixture_site(tmp_path, files)
        assert result.ok
    deadline = time.monotonic() + 20
    while list(tmp_path.glob("output.*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(tmp_path.glob("output.*")) == [], "previous trees were not deleted"


def test_a_linked_output_gets_the_new_site_where_the_link_leads(tmp_path):
    """output/ as a symbolic link to a web server's folder: every build replaces
    that folder (atomically, beside it), the link stays a link, nothing is left over."""
    web = tmp_path / "www" / "service"
    web.mkdir(parents=True)
    (web / "alt.html").write_text("alte Seite")
    (tmp_path / "output").symlink_to(web)
    for n in (1, 2):
        result, output = build_fixture_site(tmp_path, {"artikel/a.md": ARTICLE.format(n=n)}, force=True)
        assert result.ok, result.report()
        assert output.is_symlink() and os.readlink(output) == str(web)
        assert f"Text {n}." in (web / "artikel" / f"beitrag-{n}" / "index.html").read_text()
        assert not (web / "alt.html").exists()
    deadline = time.monotonic() + 20
    leftovers = None
    while time.monotonic() < deadline:
        leftovers = sorted(p.name for p in (tmp_path / "www").iterdir() if p.name != "service") + \
            sorted(p.name for p in tmp_path.glob("output.*"))
        if not [n for n in leftovers if not n.endswith(".lock")]:
            break
        time.sleep(0.1)
    assert [n for n in leftovers if not n.endswith(".lock")] == [], leftovers
