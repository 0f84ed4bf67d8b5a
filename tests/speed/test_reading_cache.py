"""The content cache: by hash, warnings replayed, damaged caches discarded."""

import logging

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


def test_cached_build_reports_the_same_warnings(tmp_path):
    files = {"artikel/a.md": ARTICLE, "bilder/foto.png": b"png"}
    first, _ = build_fixture_site(tmp_path, files)
    second, _ = build_fixture_site(tmp_path, files)
    assert first.warnings and [str(p) for p in first.warnings] == [str(p) for p in second.warnings]
    strict, _ = build_fixture_site(tmp_path, files, strict=True)
    assert not strict.ok


def test_corrupt_cache_is_discarded_with_a_warning(tmp_path, caplog):
    files = {"artikel/a.md": ARTICLE.replace("{filename}", "{static}"), "bilder/foto.png": b"png"}
    result, output = build_fixture_site(tmp_path, files)
    assert result.ok
    caches = list((tmp_path / "cache" / "speed").glob("*.pickle"))
    assert caches
    for path in caches:
        path.write_bytes(path.read_bytes()[:40] + b"garbage")
    caplog.set_level(logging.WARNING)
    (tmp_path / "cache" / "build" / "stamp.json").unlink()  # do not let the build be skipped
    result, output = build_fixture_site(tmp_path, files)
    assert result.ok
    assert any("cache is corrupt or foreign" in p.message for p in result.warnings)
    assert (output / "artikel" / "beitrag" / "index.html").exists()


def test_foreign_cache_is_discarded_with_a_warning(tmp_path):
    files = {"artikel/a.md": ARTICLE.replace("{filename}", "{static}"), "bilder/foto.png": b"png"}
    build_fixture_site(tmp_path / "one", files, {"CACHE_PATH": str(tmp_path / "shared")})
    result, _ = build_fixture_site(tmp_path / "two", files, {"CACHE_PATH": str(tmp_path / "shared")})
    assert any("another project" in p.message for p in result.warnings), result.report()
