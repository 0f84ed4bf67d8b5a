"""A build whose inputs did not change is skipped; anything that changes the
output (content, theme, settings, time passing a scheduled article) is not."""

import os

from tests.support.sites import build_fixture_site, write_files

ARTICLE = """\
Title: Beitrag {n}
Date: 2026-11-0{n} 10:00
Category: Kundendialog

Text {n}.
"""
PLUGINS = {"PLUGINS": ["german", "editorial", "speed", "seo"]}


def test_unchanged_inputs_skip_the_build_with_the_same_problems(tmp_path):
    files = {"artikel/a.md": ARTICLE.format(n=1) + "\nSiehe [Bild]({filename}/bilder/x.png).\n",
             "bilder/x.png": b"png"}
    first, _output = build_fixture_site(tmp_path, files, PLUGINS)
    assert first.ok and not first.skipped and first.warnings
    second, _ = build_fixture_site(tmp_path, files, PLUGINS)
    assert second.ok and second.skipped
    assert [str(p) for p in second.problems] == [str(p) for p in first.problems]
    strict, _ = build_fixture_site(tmp_path, files, PLUGINS, strict=True)
    assert strict.skipped and not strict.ok, "check must still fail on the remembered warning"


def test_any_input_change_rebuilds(tmp_path):
    files = {"artikel/a.md": ARTICLE.format(n=1)}
    assert build_fixture_site(tmp_path, files, PLUGINS)[0].ok
    write_files(tmp_path / "content", {"artikel/b.md": ARTICLE.format(n=2)})
    result, output = build_fixture_site(tmp_path, {}, PLUGINS)
    assert not result.skipped and (output / "artikel" / "beitrag-2").exists()
    result, _ = build_fixture_site(tmp_path, {}, {**PLUGINS, "SITENAME": "Anders"})
    assert not result.skipped


def test_output_changed_by_hand_rebuilds(tmp_path):
    files = {"artikel/a.md": ARTICLE.format(n=1)}
    result, output = build_fixture_site(tmp_path, files, PLUGINS)
    os.unlink(output / "artikel" / "beitrag-1" / "index.html")
    result, output = build_fixture_site(tmp_path, files, PLUGINS)
    assert not result.skipped and (output / "artikel" / "beitrag-1" / "index.html").exists()


def test_a_scheduled_article_is_published_once_its_time_has_come(tmp_path, monkeypatch):
    future = ARTICLE.format(n=1).replace("2026-11-01 10:00", "2026-12-01 10:00")
    files = {"artikel/a.md": ARTICLE.format(n=2), "artikel/b.md": future}
    overrides = {**PLUGINS, "SITE_NOW": None}
    monkeypatch.setenv("SITE_NOW", "")
    from german import dates

    monkeypatch.setattr(dates, "site_now", lambda settings=None: dates.parse_datetime("2026-11-24 12:00"))
    import build.uptodate as uptodate
    import editorial.scheduling as scheduling

    monkeypatch.setattr(uptodate, "site_now", dates.site_now)
    monkeypatch.setattr(scheduling, "site_now", dates.site_now)
    result, output = build_fixture_site(tmp_path, files, overrides)
    assert result.ok and not (output / "artikel" / "beitrag-1").exists()
    result, _ = build_fixture_site(tmp_path, files, overrides)
    assert result.skipped, "nothing changed and the scheduled time is still ahead"
    later = lambda settings=None: dates.parse_datetime("2026-12-01 10:05")  # noqa: E731
    monkeypatch.setattr(dates, "site_now", later)
    monkeypatch.setattr(uptodate, "site_now", later)
    monkeypatch.setattr(scheduling, "site_now", later)
    result, output = build_fixture_site(tmp_path, files, overrides)
    assert not result.skipped and (output / "artikel" / "beitrag-1" / "index.html").exists()
