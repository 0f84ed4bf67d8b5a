"""The content cache: by hash, warnings replayed, damaged caches discarded."""

import pytest

from tests.support.sites import build_fixture_site

ARTICLE = """\
Title: Beitrag
Date: 2026-11-01 10:00
Category: Kundendialog
Tags:
Authors: Miriam Albers

Siehe [Bild]({filename}/bilder/foto.png).
"""


def test_empty_list_metadata_is_dropped_like_pelican_does(tmp_path):
    result, output = build_fixture_site(tmp_path, {"artikel/a.md": ARTICLE, "bilder/foto.png": b"png"})
    assert result.ok, result.report()
    assert "tag-list" not in (output / "artikel" / "beitrag" / "index.html").read_text()


def _no_parsing(monkeypatch):
    """From now on, parsing a file fails the test: neither the speed plugin nor
    Pelican may read it, only the cache may answer (a build that skipped the
    cache altogether fails too)."""
    from pelican.readers import MarkdownReader

    from editorial.reader import EditorialMarkdownReader
    from speed import reading

    def refuse(*args):
        raise AssertionError(f"{args[-1]} was parsed again instead of read from the cache")

    monkeypatch.setattr(reading, "_parse", refuse)
    monkeypatch.setattr(MarkdownReader, "read", refuse)
    monkeypatch.setattr(EditorialMarkdownReader, "read", refuse)


def test_second_build_takes_parsed_documents_from_the_cache(tmp_path, monkeypatch):
    files = {"artikel/a.md": ARTICLE, "bilder/foto.png": b"png"}
    _first, output = build_fixture_site(tmp_path, files)
    page = (output / "artikel" / "beitrag" / "index.html").read_bytes()
    _no_parsing(monkeypatch)
    second, output = build_fixture_site(tmp_path, files, force=True)
    assert second.ok and not second.skipped, second.report()
    assert (output / "artikel" / "beitrag" / "index.html").read_bytes() == page


def test_cached_build_reports_the_same_warnings(tmp_path, monkeypatch):
    files = {"artikel/a.md": ARTICLE, "bilder/foto.png": b"png"}
    first, _ = build_fixture_site(tmp_path, files)
    _no_parsing(monkeypatch)
    second, _ = build_fixture_site(tmp_path, files, force=True)
    assert not second.skipped
    assert first.warnings and [str(p) for p in first.warnings] == [str(p) for p in second.warnings]
    strict, _ = build_fixture_site(tmp_path, files, strict=True, force=True)
    assert not strict.ok


def test_damaged_cache_is_discarded_with_a_notice(tmp_path):
    files = {"artikel/a.md": ARTICLE.replace("{filename}", "{static}"), "bilder/foto.png": b"png"}
    result, output = build_fixture_site(tmp_path, files)
    assert result.ok
    page = (output / "artikel" / "beitrag" / "index.html").read_bytes()
    caches = list((tmp_path / "cache" / "speed").glob("*.cbor"))
    assert caches
    for path in caches:
        path.write_bytes(path.read_bytes()[:40] + b"garbage")
    result, output = build_fixture_site(tmp_path, files, strict=True, force=True)
    assert result.ok, result.report()
    assert any("cache is damaged or foreign" in p.message for p in result.notices), result.report()
    assert (output / "artikel" / "beitrag" / "index.html").read_bytes() == page


def test_foreign_cache_is_discarded_with_a_notice(tmp_path):
    files = {"artikel/a.md": ARTICLE.replace("{filename}", "{static}"), "bilder/foto.png": b"png"}
    build_fixture_site(tmp_path / "one", files, {"CACHE_PATH": str(tmp_path / "shared")})
    result, _ = build_fixture_site(tmp_path / "two", files, {"CACHE_PATH": str(tmp_path / "shared")})
    assert result.ok
    assert any("another project" in p.message for p in result.notices), result.report()


def _many_articles(bad_at):
    """40 articles (enough for forked reading); the one at `bad_at` has an empty Tags line."""
    files = {}
    for n in range(40):
        tags = "Tags: ,,, ," if n == bad_at else "Tags: Kundendialog"
        files[f"artikel/a{n:02}.md"] = (f"Title: Beitrag {n}\nDate: 2026-11-01 10:{n:02}\n"
                                        f"Category: Kundendialog\n{tags}\nAuthors: Miriam Albers\n\nText {n}.\n")
    return files


@pytest.mark.forks
def test_a_warning_met_while_reading_in_a_child_process_fails_a_strict_build(tmp_path, monkeypatch):
    import os

    from speed import reading

    readers_pids = tmp_path / "pids"
    parse = reading._parse

    def spying(readers, path):
        if path.endswith("a01.md"):  # the second file: not this process's share
            readers_pids.write_text(str(os.getpid()), encoding="utf-8")
        return parse(readers, path)

    monkeypatch.setattr(reading, "_parse", spying)
    files = _many_articles(bad_at=1)
    site = tmp_path / "site"
    result, _ = build_fixture_site(site, files, {"SPEED_WORKERS": 2}, strict=True)
    assert int(readers_pids.read_text(encoding="utf-8")) != os.getpid(), "a01.md was read in this process"
    assert not result.ok
    expected = ("content/artikel/a01.md: Tags: ',,, ,' holds no tag; expected tags separated by commas, "
                "e.g. 'Tags: Störung, Kiel', or no Tags line")
    assert [p.message for p in result.warnings] == [expected]
    # From the cache, the same warning: a strict build still fails.
    _no_parsing(monkeypatch)
    again, _ = build_fixture_site(site, files, {"SPEED_WORKERS": 2}, strict=True, force=True)
    assert [p.message for p in again.warnings] == [expected]


@pytest.mark.forks
def test_parsing_in_forked_workers_fills_the_cache_like_parsing_here(tmp_path, monkeypatch):
    """Enough files to parse them in forked children (PARALLEL_MINIMUM)."""
    from speed import reading

    count = reading.PARALLEL_MINIMUM + 2
    files = {f"artikel/a{n}.md": ARTICLE.replace("Title: Beitrag", f"Title: Beitrag {n}")
             .replace("2026-11-01", f"2026-10-{n % 28 + 1:02d}") for n in range(count)}
    files["bilder/foto.png"] = b"png"
    forked, output = build_fixture_site(tmp_path / "forked", files, {"SPEED_WORKERS": 2})
    assert forked.ok, forked.report()
    here, _ = build_fixture_site(tmp_path / "here", files, {"SPEED_WORKERS": 1})
    # the same problems (forked render workers report them in their own order)
    assert sorted(str(p) for p in forked.problems) == sorted(str(p) for p in here.problems)
    page = (output / "artikel" / "beitrag-7" / "index.html").read_bytes()
    assert page == (tmp_path / "here" / "output" / "artikel" / "beitrag-7" / "index.html").read_bytes()
    _no_parsing(monkeypatch)
    again, output = build_fixture_site(tmp_path / "forked", files, {"SPEED_WORKERS": 2}, force=True)
    assert again.ok, again.report()
    assert (output / "artikel" / "beitrag-7" / "index.html").read_bytes() == page
