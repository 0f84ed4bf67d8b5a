"""An incremental build gives byte for byte the output of a cold build.

Each case copies the sample site (content and theme) into a temporary
directory, builds it, changes one thing, builds again with the cache and the
previous output, and compares the result with a cold build (no cache, no
previous output) of the changed site.
"""

import difflib
import os
import re
import shutil

import pytest

from build.run import build
from tests.support.sites import FIXED_NOW, ROOT, project_settings


def _tree(path):
    """Every file with its bytes and every folder (an empty one too: a folder made
    ahead for a page that is gone must not stay behind)."""
    return {str(p.relative_to(path)): p.read_bytes() if p.is_file() else None for p in sorted(path.rglob("*"))}


def _assert_same_tree(incremental, cold):
    a, b = _tree(incremental), _tree(cold)
    assert sorted(a) == sorted(b), (
        f"only incremental: {sorted(set(a) - set(b))[:10]}; only cold: {sorted(set(b) - set(a))[:10]}")
    different = [name for name in a if a[name] != b[name]]
    if different:
        name = different[0]
        diff = "\n".join(list(difflib.unified_diff(
            b[name].decode(errors="replace").splitlines(), a[name].decode(errors="replace").splitlines(),
            "cold", "incremental", lineterm=""))[:40])
        pytest.fail(f"{len(different)} files differ, e.g. {name}:\n{diff}")


class Site:
    """A private copy of the sample site that tests may edit."""

    def __init__(self, base):
        self.base = base
        self.content = base / "content"
        self.theme = base / "theme"
        shutil.copytree(os.path.join(ROOT, "content"), self.content)
        shutil.copytree(os.path.join(ROOT, "theme"), self.theme)
        self.overrides = {}

    def settings(self, output, cache):
        values = {
            "PATH": str(self.content), "THEME": str(self.theme), "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(cache), "PLUGIN_PATHS": [os.path.join(ROOT, "plugins")],
            "SITE_NOW": FIXED_NOW,
        }
        values.update(self.overrides)
        return project_settings(values)

    def build(self, output, cache, force=False):
        result = build(settings=self.settings(output, cache), force=force)
        assert result.ok, result.report()
        return result

    def article(self, slug):
        return self.content / "artikel" / f"{slug}.md"


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path / "site")
    site.build(tmp_path / "out", tmp_path / "cache")
    return site


def _check(site, tmp_path):
    site.build(tmp_path / "out", tmp_path / "cache")
    site.build(tmp_path / "cold", tmp_path / "cold-cache")
    _assert_same_tree(tmp_path / "out", tmp_path / "cold")


def _edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


SLUG = "kritik-ist-ein-geschenk"


def test_body_edited(site, tmp_path):
    _edit(site.article(SLUG), "## Die stille Mehrheit", "Ein neuer Absatz mit Netzausfall.\n\n## Die stille Mehrheit")
    _check(site, tmp_path)


def test_title_edited(site, tmp_path):
    _edit(site.article(SLUG), "Title: Kritik ist ein Geschenk", "Title: Beschwerden sind wertvoll")
    _check(site, tmp_path)


def test_tag_added_and_removed(site, tmp_path):
    _edit(site.article(SLUG), "Tags: Kritik, Kundendialog, Vertrauen", "Tags: Kritik, Vertrauen, Lob")
    _check(site, tmp_path)


def test_article_added(site, tmp_path):
    (site.content / "artikel" / "ein-neuer-beitrag.md").write_text(
        "Title: Ein neuer Beitrag\nDate: 2026-11-23 08:00\nCategory: Kundendialog\n"
        "Tags: Vertrauen, Störung\nAuthors: Aylin Demir\n\nNeuer Text über Transparenz.\n", encoding="utf-8")
    _check(site, tmp_path)


def test_article_deleted(site, tmp_path):
    for path in site.content.rglob("*.md"):  # nothing may link to it
        if path != site.article(SLUG) and f"{SLUG}.md" in path.read_text(encoding="utf-8"):
            text = path.read_text(encoding="utf-8")
            path.write_text(re.sub(rf"\[([^\]]*)\]\(\{{filename\}}/artikel/{SLUG}\.md\)", r"\1", text),
                            encoding="utf-8")
    site.article(SLUG).unlink()
    _check(site, tmp_path)
    assert not (tmp_path / "out" / "artikel" / SLUG).exists()


def test_template_edited(site, tmp_path):
    _edit(site.theme / "templates" / "partials" / "macros.html", "Weiterlesen<span", "Mehr lesen<span")
    _check(site, tmp_path)


def test_setting_changed(site, tmp_path):
    site.overrides["SITESUBTITLE"] = "Ein geänderter Untertitel"
    _check(site, tmp_path)


def test_taxonomy_changed(site, tmp_path):
    # a lower default threshold gives more automatic topics: tags, topic pages,
    # tag feeds, related documents and the report all change
    _edit(site.content / "themen.yml", "threshold: 2.0\n", "threshold: 1.5\n")
    _check(site, tmp_path)


def test_outage_update_added(site, tmp_path):
    notice = site.content / "stoerungen" / "wartung-mobilfunk-hamburg-2026-11-25.md"
    text = notice.read_text(encoding="utf-8").rstrip("\n")
    notice.write_text(text + "\n\n## 2026-11-24 11:30 – scheduled\n\nDie Arbeiten finden wie geplant statt.\n",
                      encoding="utf-8")
    _check(site, tmp_path)


def test_two_cold_builds_are_identical(site, tmp_path):
    site.build(tmp_path / "cold-a", tmp_path / "cache-a")
    site.build(tmp_path / "cold-b", tmp_path / "cache-b")
    _assert_same_tree(tmp_path / "cold-a", tmp_path / "cold-b")


def test_unchanged_rebuild_renders_nothing(site, tmp_path, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="speed.settings")
    assert site.build(tmp_path / "out", tmp_path / "cache").skipped
    # the whole pipeline (no up-to-date shortcut) renders nothing either
    site.build(tmp_path / "out", tmp_path / "cache", force=True)
    assert "speed: 0 files rendered" in caplog.text
    _check(site, tmp_path)


def test_report_pages_an_edit_re_renders_the_page_that_lists_the_text(site, tmp_path):
    """The readable topics report comes in pages; one edited text re-renders its
    own page (and the first, whose overview may count it), not the whole report."""
    from bs4 import BeautifulSoup

    site.overrides["TOPICS_REPORT_PER_PAGE"] = 5
    out = tmp_path / "out"
    site.build(out, tmp_path / "cache")
    report = out / "themen" / "bericht"
    pages = sorted(report.rglob("index.html"))
    assert len(pages) >= 4
    second = BeautifulSoup((report / "seite" / "2" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert second.find("h1").get_text() == "Themenbericht – Seite 2"
    assert f"Seite 2 von {len(pages)}" in second.get_text()
    assert second.select_one('a[rel="prev"]')["href"].endswith("/themen/bericht/")
    assert second.find("link", rel="canonical")["href"].endswith("/themen/bericht/seite/2/")
    assert not second.find(id="themen-ueberblick")  # the overview is on the first page only
    before = {p: p.stat().st_ino for p in pages}
    _edit(site.article(SLUG), "## Die stille Mehrheit", "Ein neuer Satz.\n\n## Die stille Mehrheit")
    _check(site, tmp_path)
    listing = [p for p in pages if f"content/artikel/{SLUG}.md" in p.read_text(encoding="utf-8")]
    changed = [p for p in pages if p.stat().st_ino != before[p]]
    assert len(listing) == 1 and listing[0] in changed
    assert set(changed) <= {listing[0], report / "index.html"}
