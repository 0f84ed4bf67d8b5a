"""Plugins from the Pelican ecosystem see the whole site on incremental builds.

Every page fires `content_written`, reused pages included, so pelican-sitemap
(installed from PyPI) writes the same sitemap after an edit as after a cold
build; and a plugin that rewrites each page in place (as minifiers and
precompressors do) never writes into the previous build's files, which are
the live site until the new build is swapped in.
"""

import textwrap

from lxml import etree

from kit import staging
from tests.speed.test_incremental_equivalence import SLUG, Site, _assert_same_tree, _edit
from tests.support.sites import build_fixture_site

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _with_sitemap(site):
    """pelican-sitemap after speed (it collects pages until the build ends); the
    project's own sitemap plugin (seo) is left out: both would write sitemap.xml."""
    plugins = [p for p in site.settings("o", "c")["PLUGINS"] if p != "seo"]
    site.overrides.update({"PLUGINS": plugins + ["pelican.plugins.sitemap"], "SITEMAP": {"format": "xml"}})


def _locations(output):
    tree = etree.parse(str(output / "sitemap.xml"))
    return [loc.text for loc in tree.findall("s:url/s:loc", NS)]


def _written_pages(output, site):
    """The URL of every HTML page the build wrote but drafts (what pelican-sitemap lists)."""
    base = site.settings("o", "c")["SITEURL"]
    urls = set()
    for path in output.rglob("*.html"):
        rel = path.relative_to(output).as_posix()
        if rel.startswith("entwuerfe/"):
            continue
        urls.add(f"{base}/{rel.removesuffix('index.html')}")
    return urls


def test_pelican_sitemap_sees_every_page_of_an_incremental_build(tmp_path):
    site = Site(tmp_path / "site")
    _with_sitemap(site)
    site.build(tmp_path / "out", tmp_path / "cache")
    _edit(site.article(SLUG), "## Die stille Mehrheit", "Ein neuer Absatz.\n\n## Die stille Mehrheit")
    site.build(tmp_path / "out", tmp_path / "cache")
    site.build(tmp_path / "cold", tmp_path / "cold-cache")
    incremental = (tmp_path / "out" / "sitemap.xml").read_bytes()
    assert incremental == (tmp_path / "cold" / "sitemap.xml").read_bytes()
    locations = _locations(tmp_path / "out")
    assert len(locations) == len(set(locations))
    assert set(locations) == _written_pages(tmp_path / "out", site)
    _assert_same_tree(tmp_path / "out", tmp_path / "cold")


REWRITER = '''
"""Rewrites every page in place, as a minifier does (same file, new bytes)."""

from pelican import signals

MARK = b"<!-- rewritten in place -->\\n"


def rewrite(path, context):
    with open(path, "r+b") as handle:
        data = handle.read()
        if not data.endswith(MARK):
            handle.write(MARK)


def register():
    signals.content_written.connect(rewrite)
'''


def _snapshot(tree):
    return {p.relative_to(tree).as_posix(): (p.read_bytes(), p.stat().st_ino)
            for p in sorted(tree.rglob("*")) if p.is_file()}


def test_a_plugin_that_rewrites_pages_in_place_never_touches_the_previous_output(tmp_path, monkeypatch, caplog):
    extra = tmp_path / "elsewhere"
    extra.mkdir()
    (extra / "rewrite_in_place.py").write_text(textwrap.dedent(REWRITER), encoding="utf-8")
    site = Site(tmp_path / "site")
    settings = site.settings("o", "c")
    site.overrides.update({"PLUGIN_PATHS": settings["PLUGIN_PATHS"] + [str(extra)],
                           "PLUGINS": settings["PLUGINS"] + ["rewrite_in_place"]})
    out = tmp_path / "out"
    site.build(out, tmp_path / "cache")
    pages = list(out.rglob("*.html"))
    assert pages and all(p.read_bytes().endswith(b"<!-- rewritten in place -->\n") for p in pages)

    before = _snapshot(out)
    checked = []
    swap_in = staging.swap_in

    def swap_after_checking(stage, output):
        assert _snapshot(out) == before, "the previous output changed before the swap"
        checked.append(output)
        swap_in(stage, output)

    monkeypatch.setattr(staging, "swap_in", swap_after_checking)
    _edit(site.article(SLUG), "## Die stille Mehrheit", "Ein neuer Absatz.\n\n## Die stille Mehrheit")
    caplog.set_level("INFO", logger="speed.settings")
    site.build(out, tmp_path / "cache")
    monkeypatch.setattr(staging, "swap_in", swap_in)
    assert checked == [str(out)]
    assert "reused" in caplog.text and ", 0 reused" not in caplog.text  # pages were reused, as copies
    after = _snapshot(out)
    shared = {rel for rel in after if rel.endswith(".html") and rel in before and after[rel][1] == before[rel][1]}
    assert not shared, f"pages still linked to the previous output: {sorted(shared)[:5]}"
    site.build(tmp_path / "cold", tmp_path / "cold-cache")
    _assert_same_tree(out, tmp_path / "cold")

    # The rewritten files are what the manifest knows: the next build reuses them.
    caplog.clear()
    site.build(out, tmp_path / "cache", force=True)
    assert "speed: 0 files rendered" in caplog.text, caplog.text


ARTICLE = """\
Title: Beitrag
Date: 2026-11-01 10:00
Category: Kundendialog
Authors: Miriam Albers

Text.
"""


def _fixture_plugin(tmp_path, name, code):
    folder = tmp_path / "elsewhere"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.py").write_text(textwrap.dedent(code), encoding="utf-8")
    return str(folder)


def test_a_collecting_plugin_listed_before_speed_is_one_warning(tmp_path):
    from tests.support.sites import project_settings

    plugins = project_settings()["PLUGINS"]
    at = plugins.index("speed")
    early = plugins[:at] + ["pelican.plugins.sitemap"] + plugins[at:]
    result, _ = build_fixture_site(tmp_path, {"artikel/a.md": ARTICLE}, {"PLUGINS": early})
    assert [p.message for p in result.warnings] == [(
        'speed: PLUGINS: pelican.plugins.sitemap.sitemap acts when the build ends, before speed has '
        'written the pages it collects; expected it after "speed" in PLUGINS')]


CLAIMING = '''
"""Writes a file of its own at the address of the topics overview, which
Pelican's writer (speed's) writes later."""

from pelican import signals

from kit import outputs


def write(generators):
    output = generators[0].settings["OUTPUT_PATH"]
    outputs.write_text(output + "/themen/index.html", "mine", "the claiming plugin")


def register():
    signals.all_generators_finalized.connect(write)
'''


def test_an_address_claimed_by_another_source_is_an_error_naming_both(tmp_path):
    """The writer's own claim: without the publishing plugin, which would also
    refuse the page once it is written."""
    from tests.support.sites import project_settings

    settings = project_settings()
    extra = _fixture_plugin(tmp_path, "claiming", CLAIMING)
    plugins = [p for p in settings["PLUGINS"] if p != "publishing"] + ["claiming"]
    result, _ = build_fixture_site(tmp_path, {"artikel/a.md": ARTICLE}, {
        "PLUGIN_PATHS": settings["PLUGIN_PATHS"] + [extra], "PLUGINS": plugins})
    assert not result.ok
    assert [p.message for p in result.errors] == [(
        "the claiming plugin: address /themen/index.html: also written for page 'themen/index'; "
        "expected each address once (give one of them another Slug or title)")]
