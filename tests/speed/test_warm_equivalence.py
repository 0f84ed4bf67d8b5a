"""The live-reload server's warm builds write byte for byte what a cold build
writes: the same cases as the incremental equivalence tests, built one after
another in one warm process (parsed documents, caches and compiled templates
kept in memory), with the clock moving between them."""

import gc
import os
from pathlib import Path

import pytest
from pelican.contents import Content

from build.live import WarmBuilder
from speed import warm
from tests.speed.test_incremental_equivalence import Site, _assert_same_tree
from tests.support.sites import FIXED_NOW, ROOT


@pytest.fixture
def live(tmp_path):
    """A copy of the sample site and a warm builder for it (the live-reload path)."""
    warm.forget()
    site = Site(tmp_path / "site")
    overrides = {"PATH": str(site.content), "THEME": str(site.theme), "OUTPUT_PATH": str(tmp_path / "out"),
                 "CACHE_PATH": str(tmp_path / "cache"), "PLUGIN_PATHS": [os.path.join(ROOT, "plugins")],
                 "SITE_NOW": FIXED_NOW}
    builder = WarmBuilder(os.path.join(ROOT, "pelicanconf.py"), overrides, search=True)
    result = builder.build()
    assert result.ok, result.report()
    yield site, builder
    warm.forget()


def _warm_then_cold(site, builder, scratch):
    """Build warm, then cold into `scratch`, and compare the two trees."""
    result = builder.build()
    assert result.ok, result.report()
    site.overrides["SITE_NOW"] = builder.overrides["SITE_NOW"]
    site.build(scratch / "cold", scratch / "cold-cache")
    _assert_same_tree(Path(builder.overrides["OUTPUT_PATH"]), scratch / "cold")


def _edit(path, change):
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def test_a_sequence_of_edits_in_one_warm_process_equals_cold_builds(live, tmp_path):
    site, builder = live
    article = sorted((site.content / "artikel").glob("*.md"))[3]
    steps = [
        lambda: _edit(article, lambda t: t.rstrip("\n") + "\n\nEin neuer Absatz am Ende.\n"),
        lambda: _edit(article, lambda t: t.replace("Title: ", "Title: Neu: ", 1)),
        lambda: _edit(article, lambda t: t.replace("Tags: ", "Tags: Rückruf, ", 1)),
        lambda: (site.content / "artikel" / "ganz-neu.md").write_text(
            "Title: Ganz neu im Service-Blog\nDate: 2026-11-20 10:00\nCategory: Kundendialog\n"
            "Tags: Vertrauen\nAuthors: Miriam Albers\nSummary: Ein neuer Beitrag.\n\nText.\n",
            encoding="utf-8"),
        lambda: (site.content / "artikel" / "ganz-neu.md").unlink(),
        lambda: _edit(site.theme / "templates" / "article.html",
                      lambda t: t.replace("</article>", "<!-- x --></article>", 1)),
    ]
    for number, step in enumerate(steps):
        step()
        _warm_then_cold(site, builder, tmp_path / f"step-{number}")


def test_the_clock_moving_between_warm_builds(live, tmp_path):
    site, builder = live
    for moment in ("2026-11-24T12:01:00+01:00", "2026-11-25T02:00:00+01:00", "2026-12-15T10:01:00+01:00"):
        builder.overrides["SITE_NOW"] = moment
        _warm_then_cold(site, builder, tmp_path / moment[:13])


def test_an_edit_with_a_mistake_keeps_the_last_good_site_and_the_fix_builds(live, tmp_path):
    site, builder = live
    article = sorted((site.content / "artikel").glob("*.md"))[2]
    before = {p: p.read_bytes() for p in sorted((tmp_path / "out").rglob("*")) if p.is_file()}
    good = article.read_text(encoding="utf-8")
    article.write_text(good.replace("Date: ", "Date: 32.13.", 1), encoding="utf-8")
    result = builder.build()
    assert not result.ok and any("Date" in p.message for p in result.errors), result.report()
    assert {p: p.read_bytes() for p in sorted((tmp_path / "out").rglob("*")) if p.is_file()} == before
    article.write_text(good.rstrip("\n") + "\n\nBerichtigt.\n", encoding="utf-8")
    _warm_then_cold(site, builder, tmp_path / "fixed")


def _live_documents():
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Content))


def test_warm_builds_do_not_keep_the_documents_of_earlier_builds(live):
    """Pelican memoises get_content and get_summary on the class, keyed by the
    document: a server that builds again and again must not keep every build's
    documents (a leak of about 60 MB per edit at 4,000 articles)."""
    site, builder = live
    article = sorted((site.content / "artikel").glob("*.md"))[1]
    after_one = _live_documents()
    for number in range(3):
        _edit(article, lambda t, n=number: t.rstrip("\n") + f"\n\nAbsatz {n}.\n")
        assert builder.build().ok
    assert after_one > 0
    assert _live_documents() <= after_one
