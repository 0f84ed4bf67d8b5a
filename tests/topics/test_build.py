"""Pelican builds of tiny sites: tags, topic pages, feeds, the report, editor control."""

import json
import logging
import os
import subprocess
import sys

import feedparser
import pytest
from bs4 import BeautifulSoup
from pelican import signals

from build.run import reset_signals
from topics import cache as topics_cache

from .helpers import ROOT, build, entry, errors, report, settings_for

TRUST = """\
    Title: Warum Vertrauen im Service zählt
    Date: 2026-11-02 10:00

    Kundenvertrauen entsteht, wenn wir Zusagen halten.

    Ein Vertrauensverlust dagegen geht schnell. Der Vertrag allein schafft kein Vertrauen.
    """
OUTAGE = """\
    Title: Rückblick auf den Netzausfall
    Date: 2026-11-03 10:00
    Tags: Kiel
    Topics-Exclude: Transparenz

    Die Störung traf 4.000 Anschlüsse. Wir haben offen und transparent informiert,
    auch über die Ursache. Transparenz ist uns wichtig, Vertrauen auch.

    Beim nächsten Ausfall informieren wir noch schneller.
    """
PRIVACY_OFF = """\
    Title: Datenschutz im Kundendialog
    Date: 2026-11-04 10:00
    Tags: Datenschutz
    Topics: off

    Die DSGVO schützt personenbezogene Daten. Datenschutz ist Vertrauenssache.
    """
PAGE = """\
    Title: Impressum

    Vertrauen, Störung, Datenschutz: nichts davon wird hier getaggt.
    """
FILES = {"artikel/vertrauen.md": TRUST, "artikel/ausfall.md": OUTAGE,
         "artikel/datenschutz.md": PRIVACY_OFF, "seiten/impressum.md": PAGE}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(tmp_path_factory.mktemp("topics-site"), FILES)


def tag_names(output, slug):
    soup = BeautifulSoup((output / "artikel" / slug / "index.html").read_text(encoding="utf-8"), "html.parser")
    return {a.get_text(strip=True) for a in soup.select("a[href*='/themen/']")}


def test_automatic_topics_on_tag_pages_and_feeds(site):
    page = (site / "themen" / "vertrauen" / "index.html").read_text(encoding="utf-8")
    assert "Warum Vertrauen im Service zählt" in page
    feed = feedparser.parse((site / "feeds" / "themen" / "vertrauen.atom.xml").read_bytes())
    assert not feed.bozo
    assert [e.title for e in feed.entries] == ["Warum Vertrauen im Service zählt"]
    assert (site / "themen" / "stoerung" / "index.html").exists()
    assert {e.title for e in feedparser.parse((site / "feeds" / "themen" / "stoerung.atom.xml").read_bytes()).entries} \
        == {"Rückblick auf den Netzausfall"}


def test_editor_control(site):
    assert "Vertrauen" in tag_names(site, "warum-vertrauen-im-service-zaehlt")
    # Tags kept first, Transparenz excluded although the text is full of it.
    assert tag_names(site, "rueckblick-auf-den-netzausfall") >= {"Kiel", "Störung"}
    assert "Transparenz" not in tag_names(site, "rueckblick-auf-den-netzausfall")
    # Topics: off – only the editor's tag.
    assert tag_names(site, "datenschutz-im-kundendialog") == {"Datenschutz"}
    data = report(site)
    off = entry(data, "artikel/datenschutz.md")
    assert off["automatic"] is False and off["topics"] == []
    assert [t["name"] for t in off["manual_tags"]] == ["Datenschutz"]
    outage = entry(data, "artikel/ausfall.md")
    assert outage["excluded"] == ["Transparenz"]
    assert any(c["slug"] == "transparenz" and c["reason"] == "excluded" for c in outage["candidates"])


def test_report_json(site):
    data = report(site)
    assert [d["source"] for d in data["documents"]] == [
        "content/artikel/ausfall.md", "content/artikel/datenschutz.md", "content/artikel/vertrauen.md"]
    trust = entry(data, "artikel/vertrauen.md")
    assert trust["url"] == "/artikel/warum-vertrauen-im-service-zaehlt/"
    assert trust["title"] == "Warum Vertrauen im Service zählt" and trust["type"] == "article"
    [topic] = [t for t in trust["topics"] if t["slug"] == "vertrauen"]
    assert topic["score"] >= topic["threshold"]
    assert {"word": "Kundenvertrauen", "term": "vertrauen", "place": "body",
            "sentence": "Kundenvertrauen entsteht, wenn wir Zusagen halten."} in topic["evidence"]
    assert any(e["place"] == "title" for e in topic["evidence"])
    assert {t["slug"] for t in data["taxonomy"]} >= {"vertrauen", "authentizitaet", "datenschutz"}


def test_static_pages_are_not_tagged(site):
    html = (site / "impressum" / "index.html").read_text(encoding="utf-8")
    assert "/themen/" not in html


def test_metadata_and_related_documents(tmp_path):
    captured = {}

    def grab(generators):
        captured["articles"] = list(generators[0].articles)
        captured["context"] = generators[0].context

    signals.all_generators_finalized.connect(grab)
    try:
        build(tmp_path, dict(FILES, **{
            "artikel/vertrauen-2.md": TRUST.replace("Warum Vertrauen", "Noch mehr Vertrauen")
                                            .replace("2026-11-02", "2026-11-05")}))
    finally:
        signals.all_generators_finalized.disconnect(grab)
    by_title = {a.title: a for a in captured["articles"]}
    trust = by_title["Warum Vertrauen im Service zählt"]
    assert trust.metadata["auto_topics"] == ["Vertrauen"]
    assert [t.name for t in trust.tags] == ["Vertrauen"]
    assert [d.title for d in trust.related_documents][:1] == ["Noch mehr Vertrauen im Service zählt"]
    assert trust not in trust.related_documents
    assert captured["context"]["topic_taxonomy"]["vertrauen"]["label"] == "Vertrauen"
    assert "vertrauen" in captured["context"]["topic_pages"]


def test_bad_editor_metadata_is_an_error_naming_file_and_field(tmp_path, caplog):
    caplog.set_level(logging.ERROR)
    controls = "Topics: vielleicht\n    Topics-Exclude: Wetter\n    Date:"
    build(tmp_path, {"artikel/a.md": TRUST.replace("Date:", controls)})
    messages = sorted(r.getMessage() for r in errors(caplog))
    assert messages[0].startswith("content/artikel/a.md: Topics-Exclude: 'Wetter' is not a topic in content/themen.yml")
    assert messages[1].startswith("content/artikel/a.md: Topics: 'vielleicht' is not understood; expected 'off'")
    assert not any(r.exc_info for r in caplog.records)


def test_malformed_taxonomy_is_a_build_error_with_the_line(tmp_path, caplog):
    caplog.set_level(logging.ERROR)
    output = build(tmp_path, {"artikel/a.md": TRUST},
                   taxonomy="topics:\n  - label: Vertrauen\n    description: x\n    terms: [Vertrauen]\n"
                            "  - description: ohne Label\n    terms: [Glaube]\n")
    assert [r.getMessage() for r in errors(caplog)] == [
        "content/themen.yml:5: label: missing; every topic needs a label, the name readers see"]
    assert not (output / "themen" / "vertrauen").exists()


def test_rebuild_uses_the_analysis_cache(tmp_path, monkeypatch, caplog):
    build(tmp_path, FILES)
    first = report(tmp_path / "output")
    from topics import match

    calls = []
    original = match.Matcher.analyze
    monkeypatch.setattr(match.Matcher, "analyze", lambda self, places: calls.append(1) or original(self, places))
    build(tmp_path, FILES)
    assert calls == [] and report(tmp_path / "output") == first
    # A changed text is analyzed again; a corrupt cache is discarded with a warning.
    (tmp_path / "content" / "artikel" / "vertrauen.md").write_text(
        TRUST.replace("    ", "").replace("schnell", "sehr schnell"), encoding="utf-8")
    build(tmp_path, FILES | {"artikel/vertrauen.md": TRUST.replace("schnell", "sehr schnell")})
    assert calls == [1]
    with open(os.path.join(tmp_path, "cache", "topics", topics_cache.FILENAME), "wb") as handle:
        handle.write(b"not a cache")
    caplog.set_level(logging.WARNING)
    build(tmp_path, FILES)
    assert any("cache is damaged or foreign" in r.getMessage() and r.levelno == logging.WARNING
               for r in caplog.records)
    assert report(tmp_path / "output") == first


def test_worker_process_gives_the_same_result_and_prints_nothing(tmp_path, capfd):
    inline = build(tmp_path / "inline", FILES)
    capfd.readouterr()
    worker = build(tmp_path / "worker", FILES, TOPICS_WORKER=True, TOPICS_WORKER_MIN_DOCS=0, TOPICS_CACHE=False)
    assert (worker / "themen" / "bericht.json").read_bytes() == (inline / "themen" / "bericht.json").read_bytes()
    # The worker writes to the editor's terminal too: no warning about how it was started.
    assert "Warning" not in capfd.readouterr().err


def test_worker_results_keep_their_evidence_packed_until_the_report_renders_it(tmp_path):
    """Memory: the build keeps the numbers of each analysis and its evidence as packed
    bytes; the report unpacks one entry at a time and still shows every evidence."""
    from topics import assign

    kept = {}

    def grab(generators):
        engine = assign.get_state(generators[0].settings).engine
        kept.update(memory=dict(engine.memory), packed=dict(engine.packed))

    signals.all_generators_finalized.connect(grab)
    try:
        output = build(tmp_path, FILES, TOPICS_WORKER=True, TOPICS_WORKER_MIN_DOCS=0, TOPICS_CACHE=False)
    finally:
        signals.all_generators_finalized.disconnect(grab)
    assert kept["packed"] and set(kept["packed"]) <= set(kept["memory"])
    for key in kept["packed"]:
        assert all("evidence" not in data for data in kept["memory"][key]["topics"].values())
        assert isinstance(kept["packed"][key], bytes)
    trust = entry(report(output), "vertrauen.md")
    assert trust["topics"] and all(topic["evidence"] for topic in trust["topics"])


def test_same_input_same_bytes_whatever_the_hash_seed(tmp_path):
    outputs = []
    for seed in ("1", "2"):
        target = tmp_path / seed
        script = (f"import sys; sys.path[:0] = [{ROOT!r}, {os.path.join(ROOT, 'plugins')!r}]; "
                  f"from pathlib import Path; from tests.topics.helpers import build; "
                  f"from tests.topics.test_build import FILES; build(Path({str(target)!r}), FILES)")
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                              env=dict(os.environ, PYTHONHASHSEED=seed))
        assert done.returncode == 0, done.stderr
        outputs.append((target / "output" / "themen" / "bericht.json").read_bytes())
    assert outputs[0] == outputs[1]
    json.loads(outputs[0])


def _project_build(tmp_path, **overrides):
    """The tiny site with the project's pelicanconf and theme (plugins german + topics)."""
    from tests.support.sites import project_settings

    content = tmp_path / "content"
    build_files = dict(FILES)
    from .helpers import PROJECT_TAXONOMY, write

    write(content, build_files)
    (content / "themen.yml").write_text(open(PROJECT_TAXONOMY, encoding="utf-8").read(), encoding="utf-8")
    from pelican import Pelican

    values = {"PATH": str(content), "OUTPUT_PATH": str(tmp_path / "output"), "THEME": os.path.join(ROOT, "theme"),
              "PLUGIN_PATHS": [os.path.join(ROOT, "plugins")], "PLUGINS": ["german", "topics"],
              "CACHE_PATH": str(tmp_path / "cache"), "SITE_NOW": "2026-11-24T12:00:00+01:00",
              "TOPICS_WORKER": False}
    values.update(overrides)
    try:
        Pelican(project_settings(values)).run()
    finally:
        reset_signals()  # signals are global: leave no plugin acting on the next test's build
    return tmp_path / "output"


def test_report_page_in_development_builds_only(tmp_path):
    dev = _project_build(tmp_path / "dev", PRODUCTION=False)
    html = (dev / "themen" / "bericht" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("h1").get_text() == "Themenbericht"
    assert soup.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
    marks = [m.get_text() for m in soup.select("mark")]
    assert "Kundenvertrauen" in marks
    assert "content/artikel/vertrauen.md" in soup.get_text()
    # The overview table gets the theme's table rules (borders, padding): site.css
    # styles tables inside .prose, and the stylesheet is linked.
    overview = soup.find(id="themen-ueberblick").find_parent("section")
    assert overview.select(".prose table") and overview.select(".prose th") and overview.select(".prose td")
    assert any("site.css" in link["href"] for link in soup.select("link[rel=stylesheet]"))
    with open(os.path.join(ROOT, "theme", "static", "css", "site.css"), encoding="utf-8") as handle:
        assert ".prose th, .prose td { border:" in handle.read()
    # The page shows the three strongest evidence items of a topic; the JSON keeps all.
    data = json.loads((dev / "themen" / "bericht.json").read_text(encoding="utf-8"))
    automatic = soup.find("dt", string="Automatische Themen").find_next_sibling("dd")
    shown = {li.find("strong").get_text(): len(li.select("ul.evidence > li"))
             for li in automatic.select(":scope > ul > li")}
    first = next(d for d in data["documents"] if soup.find("code", string=d["source"]))
    assert shown == {t["label"]: min(3, len(t["evidence"])) for t in first["topics"]}
    longest = max((t for d in data["documents"] for t in d["topics"]), key=lambda t: len(t["evidence"]))
    assert len(longest["evidence"]) > 3
    prod = _project_build(tmp_path / "prod", PRODUCTION=True)
    assert (prod / "themen" / "bericht.json").exists()
    assert not (prod / "themen" / "bericht").exists()


def test_settings_defaults_do_not_override_the_site(tmp_path):
    (tmp_path / "content").mkdir()
    settings = settings_for(tmp_path, TOPICS_MAX_AUTO=2)
    from topics.settings import apply_defaults

    apply_defaults(settings)
    assert settings["TOPICS_MAX_AUTO"] == 2 and settings["TOPICS_RELATED_MAX"] == 5
    assert {"topics", "topics-exclude"} <= settings["ARTICLE_METADATA_KEYS"]
