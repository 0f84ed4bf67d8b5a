"""kit: new files that never replace one, durable replacement, claimed build
files written piece by piece, and the editor's view of a path."""

import os

import pytest

from kit import atomic, outputs
from kit.problems import display_path


def test_create_text_makes_a_new_file_and_never_replaces_one(tmp_path):
    path = tmp_path / "artikel" / "neu.md"
    atomic.create_text(path, "Title: Neu\n\nÄrger? Nein.\r\n")
    assert path.read_bytes() == "Title: Neu\n\nÄrger? Nein.\r\n".encode()
    with pytest.raises(FileExistsError):
        atomic.create_text(path, "anders")
    assert path.read_text(encoding="utf-8").startswith("Title: Neu")
    assert sorted(os.listdir(path.parent)) == ["neu.md"]  # no temporary file left
    assert oct(path.stat().st_mode & 0o777) == oct(atomic.FILE_MODE)


def test_durable_replacement_flushes_the_file_and_its_folder(tmp_path, monkeypatch):
    synced = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real(fd))
    atomic.write_text(tmp_path / "ledger.json", "{}\n")
    assert synced == []
    atomic.write_text(tmp_path / "ledger.json", "{}\n", durable=True)
    assert len(synced) == 2


def test_a_claimed_file_written_piece_by_piece(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    outputs.begin(output)
    try:
        with outputs.replacing(output / "social" / "queue.json", "the social plugin") as handle:
            handle.writelines([b"{", b"}\n"])
        assert (output / "social" / "queue.json").read_bytes() == b"{}\n"
        with (pytest.raises(outputs.AddressTaken, match=r"social/queue\.json: also written for content/x\.md"),
              outputs.replacing(output / "social" / "queue.json", "content/x.md") as handle):
            handle.write(b"nein")
        assert (output / "social" / "queue.json").read_bytes() == b"{}\n"
        with pytest.raises(outputs.AddressTaken):
            outputs.reserve(output / "social" / "queue.json", "content/y.md")
        outputs.reserve(output / "social" / "queue.json", "the social plugin")  # its own again: fine
    finally:
        outputs.end(output)


def test_display_path_shortcut_gives_what_relpath_gives():
    settings = {"PATH": "/site/content"}
    paths = ("/site/content/artikel/a.md", "/site/content/../content/a.md", "/site/content//a.md",
             "/other/a.md", "r/a.md", "/site/contentx/a.md", "/site/a.md")
    for path in paths:
        expected = os.path.relpath(os.path.abspath(path), "/site").replace(os.sep, "/")
        assert display_path(path, settings) == expected, path
