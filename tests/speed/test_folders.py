"""Folders made ahead in the staging tree (plugins/speed/folders.py)."""

import os
import types

from kit import pelican_door
from speed import folders


def _previous(tmp_path):
    previous = tmp_path / "output"
    for rel in ("artikel/a", "artikel/b", "themen/x", "feeds"):
        (previous / rel).mkdir(parents=True)
        (previous / rel / "index.html").write_text("x", encoding="utf-8")
    return previous


def test_the_previous_folders_are_made_and_those_left_empty_removed(tmp_path):
    previous, staging = _previous(tmp_path), tmp_path / "staging"
    staging.mkdir()
    maker = folders.FolderMaker(str(previous), str(staging))
    maker.process.wait(timeout=30)
    made = sorted(str(p.relative_to(staging)) for p in staging.rglob("*"))
    assert made == ["artikel", "artikel/a", "artikel/b", "feeds", "themen", "themen/x"]
    # This build writes artikel/a and feeds; artikel/b and themen/x are gone from the site.
    (staging / "artikel/a/index.html").write_text("y", encoding="utf-8")
    (staging / "feeds/all.atom.xml").write_text("z", encoding="utf-8")
    maker.finish(used={str(staging / "feeds")})
    left = sorted(str(p.relative_to(staging)) for p in staging.rglob("*"))
    assert left == ["artikel", "artikel/a", "artikel/a/index.html", "feeds", "feeds/all.atom.xml"]


def test_a_discarded_staging_tree_is_not_made_again(tmp_path):
    previous, staging = _previous(tmp_path), tmp_path / "staging"
    maker = folders.FolderMaker(str(previous), str(staging))  # staging never existed (a failed build)
    maker.finish()
    assert maker.process.returncode == 0
    assert not staging.exists()


def test_only_builds_into_a_staging_tree_make_folders_ahead(tmp_path):
    previous = _previous(tmp_path)
    assert pelican_door.check()  # as at the start of a build

    Pelican = types.SimpleNamespace(settings={"FINAL_OUTPUT_PATH": str(previous), "OUTPUT_PATH": str(previous)})
    folders.start(Pelican)
    assert folders._active == []
    Pelican.settings = {"FINAL_OUTPUT_PATH": str(previous), "OUTPUT_PATH": str(tmp_path / "staging"),
                        "DELETE_OUTPUT_DIRECTORY": True}
    (tmp_path / "staging").mkdir()
    folders.start(Pelican)
    assert folders._active == []
    Pelican.settings["DELETE_OUTPUT_DIRECTORY"] = False
    folders.start(Pelican)
    assert len(folders._active) == 1
    folders.finish()
    assert folders._active == [] and list((tmp_path / "staging").iterdir()) == []
    assert os.path.isdir(previous / "artikel" / "a")  # the previous output is only read


ARTICLE = "Title: {title}\nDate: 2026-11-20 10:00\nSummary: Kurz.\n\nText über {title}.\n"


def test_a_failed_build_waits_for_its_folder_maker_before_its_staging_tree_goes(tmp_path, monkeypatch):
    """The maker runs while Pelican reads; a build that fails then (an editor's
    mistake) deletes its staging tree only once the maker is done, so no folder
    it makes can be left behind."""
    from tests.support.sites import build_fixture_site

    files = {f"artikel/a{n}.md": ARTICLE.format(title=f"Artikel {n}") for n in range(5)}
    good, output = build_fixture_site(tmp_path, files)
    assert good.ok, good.report()
    makers = []
    original = folders.FolderMaker.__init__

    def recording(self, previous, staging):
        original(self, previous, staging)
        makers.append(self)

    # A slow maker: it starts making folders a moment after the build failed.
    monkeypatch.setattr(folders, "_MAKER", "import time; time.sleep(0.5)\n" + folders._MAKER)
    monkeypatch.setattr(folders.FolderMaker, "__init__", recording)
    failed, _ = build_fixture_site(tmp_path, {**files, "artikel/kaputt.md": "Title: Kaputt\nDate: gestern\n\nText.\n"},
                                   force=True)
    assert not failed.ok
    assert "content/artikel/kaputt.md" in failed.report()
    assert len(makers) == 1 and makers[0].process.returncode is not None  # waited for
    assert folders._active == []
    assert not list(tmp_path.glob("output.*")), "staging tree left behind"
    assert (output / "artikel").is_dir()  # the last good site is untouched
