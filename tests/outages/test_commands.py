"""The editors' commands: validated edits of notice files, and outage-publish."""

import json
import os

import pytest

from outages.commands import (
    CommandError,
    find_notice,
    load_project_settings,
    new_notice,
    publish,
    reschedule_notice,
    resolve_notice,
    update_notice,
)
from outages.components import load_components
from outages.notice_file import parse_notice
from tests.support.sites import ROOT, project_settings

from .samples import ACTIVE, ARTICLE, COMPONENTS, NOW, UPCOMING, build_outage_site, with_outages


@pytest.fixture
def settings(tmp_path):
    content = tmp_path / "content"
    (content / "status").mkdir(parents=True)
    (content / "stoerungen").mkdir()
    (content / "status" / "komponenten.yml").write_text(COMPONENTS, encoding="utf-8")
    return load_project_settings(os.path.join(ROOT, "pelicanconf.py"),
                                 {"PATH": str(content), "SITE_NOW": NOW})


def parsed(settings, path):
    components = os.path.join(settings["PATH"], "status", "komponenten.yml")
    registry, _ = load_components(components, "k.yml")
    data, problems = parse_notice(open(path, encoding="utf-8").read(), path, registry)
    assert problems == [], problems
    return data


def test_outage_new_writes_a_valid_notice(settings):
    path = new_notice(settings, "Internet-Störung in Köln", ["internet-kiel=major_outage"],
                      impact="major")
    assert path.endswith("stoerungen/internet-stoerung-in-koeln-2026-11-24.md")
    text = open(path, encoding="utf-8").read()
    assert text.startswith(
        "Title: Internet-Störung in Köln\nSlug: internet-stoerung-in-koeln-2026-11-24\n"
        "Kind: incident\nImpact: major\nComponents: internet-kiel=major_outage\n"
        "Start: 2026-11-24 12:00\n\n## 2026-11-24 12:00 – investigating\n\n")
    data = parsed(settings, path)
    assert [u.status for u in data.updates] == ["investigating"]
    # The same title the same day gets its own file.
    second = new_notice(settings, "Internet-Störung in Köln", ["internet-kiel"], impact="minor")
    assert second.endswith("internet-stoerung-in-koeln-2026-11-24-2.md")


def test_outage_new_maintenance_needs_a_window(settings):
    with pytest.raises(CommandError, match="--window-start/--window-end: missing"):
        new_notice(settings, "Wartung", ["kundenportal"], kind="maintenance")
    with pytest.raises(CommandError, match="--window-start/--window-end: missing"):
        new_notice(settings, "Wartung", ["kundenportal"], kind="maintenance", window=("2026-11-26 01:00", None))
    path = new_notice(settings, "Wartung Portal", ["kundenportal"], kind="maintenance",
                      window=("2026-11-26 01:00", "2026-11-26 03:00"))
    data = parsed(settings, path)
    assert data.kind == "maintenance" and data.updates[0].status == "scheduled"
    assert data.scheduled_start.hour == 1 and data.scheduled_end.hour == 3


@pytest.mark.parametrize("kwargs, words", [
    ({"components": ["internet-koeln"], "impact": "major"}, ["Components", "unknown component"]),
    ({"components": ["internet-kiel"], "impact": "riesig"}, ["Impact", "'riesig' is unknown"]),
    ({"components": ["internet-kiel"]}, ["--impact: missing"]),
    ({"components": ["internet-kiel"], "impact": "major", "status": "fixed"},
     ["--status: 'fixed'", "investigating"]),
])
def test_outage_new_refuses_bad_values_and_writes_nothing(settings, kwargs, words):
    with pytest.raises(CommandError) as error:
        new_notice(settings, "Störung", **kwargs)
    for word in words:
        assert word in str(error.value)
    assert os.listdir(os.path.join(settings["PATH"], "stoerungen")) == []


def test_outage_update_appends_a_timestamped_update(settings):
    path = os.path.join(settings["PATH"], "stoerungen", "kiel.md")
    open(path, "w", encoding="utf-8").write(ACTIVE)
    assert find_notice(settings, "internetstoerung-kiel") == path
    update_notice(settings, "internetstoerung-kiel", "monitoring", "Das Kabel ist repariert.",
                  next_update="2026-11-24 14:00")
    text = open(path, encoding="utf-8").read()
    assert text.endswith("## 2026-11-24 12:00 – monitoring\n\nDas Kabel ist repariert.\n\n"
                         "Nächstes Update: 2026-11-24 14:00\n")
    data = parsed(settings, path)
    assert [u.status for u in data.updates] == ["investigating", "identified", "monitoring"]


@pytest.mark.parametrize("args, words", [
    (("internetstoerung-kiel", "geloest", "Text"), ["--status: 'geloest'", "resolved (Behoben)"]),
    (("internetstoerung-kiel", "completed", "Text"), ["--status: 'completed'", "an incident"]),
    (("internetstoerung-kiel", "monitoring", "  "), ["--text: missing"]),
    (("gibt-es-nicht", "monitoring", "Text"), ["no notice with the slug 'gibt-es-nicht'"]),
])
def test_outage_update_refuses_bad_values_and_leaves_the_file(settings, args, words):
    path = os.path.join(settings["PATH"], "stoerungen", "kiel.md")
    open(path, "w", encoding="utf-8").write(ACTIVE)
    with pytest.raises(CommandError) as error:
        update_notice(settings, *args)
    for word in words:
        assert word in str(error.value)
    assert open(path, encoding="utf-8").read() == ACTIVE


def test_outage_update_refuses_a_time_before_the_last_update(settings):
    path = os.path.join(settings["PATH"], "stoerungen", "kiel.md")
    open(path, "w", encoding="utf-8").write(ACTIVE)
    with pytest.raises(CommandError, match="earlier than the update before it"):
        update_notice(settings, "internetstoerung-kiel", "monitoring", "Text",
                      when="2026-11-24 09:00")
    assert open(path, encoding="utf-8").read() == ACTIVE


def test_outage_resolve_sets_end_and_refuses_twice(settings):
    path = os.path.join(settings["PATH"], "stoerungen", "kiel.md")
    open(path, "w", encoding="utf-8").write(ACTIVE)
    resolve_notice(settings, "internetstoerung-kiel", "Alles wieder gut.")
    text = open(path, encoding="utf-8").read()
    assert "\nStart: 2026-11-24 08:10\nEnd: 2026-11-24 12:00\n\n" in text
    assert text.endswith("## 2026-11-24 12:00 – resolved\n\nAlles wieder gut.\n")
    data = parsed(settings, path)
    assert data.updates[-1].status == "resolved" and data.end.hour == 12
    with pytest.raises(CommandError, match="already 'resolved'"):
        resolve_notice(settings, "internetstoerung-kiel")


def test_reschedule_moves_the_window_and_raises_the_sequence(settings):
    path = os.path.join(settings["PATH"], "stoerungen", "portal.md")
    open(path, "w", encoding="utf-8").write(UPCOMING)
    reschedule_notice(settings, "wartung-kundenportal", "2026-11-27 01:00", "2026-11-27 04:00")
    data = parsed(settings, path)
    assert (data.scheduled_start.day, data.scheduled_end.hour) == (27, 4)
    assert [(s.day, e.day) for s, e in data.previous_windows] == [(23, 23), (25, 25)]
    assert data.updates[-1].text == ("Die Wartungsarbeiten werden verschoben: neues Zeitfenster "
                                     "27.11.2026, 01:00 bis 04:00 Uhr (MEZ).")


# -- outage-publish ------------------------------------------------------------------


def _publish_settings(tmp_path):
    values = with_outages({
        "PATH": str(tmp_path / "content"), "OUTPUT_PATH": str(tmp_path / "output"),
        "THEME": os.path.join(ROOT, "theme"), "PLUGIN_PATHS": [os.path.join(ROOT, "plugins")],
        "CACHE_PATH": str(tmp_path / "cache"),
    })
    return project_settings(values)


def snapshot(output):
    return {p.relative_to(output).as_posix(): p.read_bytes()
            for p in output.rglob("*") if p.is_file()}


def test_outage_publish_updates_only_the_outage_outputs(tmp_path):
    result, output = build_outage_site(tmp_path, {"stoerungen/kiel.md": ACTIVE})
    assert result.ok, result.report()
    before = snapshot(output)
    settings = load_project_settings(os.path.join(ROOT, "pelicanconf.py"),
                                     {"PATH": str(tmp_path / "content"), "SITE_NOW": NOW})
    resolve_notice(settings, "internetstoerung-kiel", "Behoben.", when="2026-11-24 11:50")
    # An article broken after the build proves publish never reads articles.
    (tmp_path / "content" / "artikel" / "beitrag.md").write_text(
        ARTICLE.replace("Date: 2026-11-01 10:00", "Date: irgendwann"), encoding="utf-8")

    published = publish(settings=_publish_settings(tmp_path))
    assert published.ok, published.report()
    after = snapshot(output)
    changed = {path for path in after if after[path] != before.get(path)}
    assert "status/index.html" in changed
    assert "stoerungen/internetstoerung-kiel/index.html" in changed
    assert "api/v2/summary.json" in changed and "status/cap/internetstoerung-kiel.xml" in changed
    assert "feeds/stoerungen.atom.xml" in changed
    outage_prefixes = ("status/", "stoerungen/", "api/v2/", "feeds/stoerungen")
    assert all(path.startswith(outage_prefixes) for path in changed), sorted(changed)
    assert set(published.written) >= changed
    assert after["artikel/ein-beitrag/index.html"] == before["artikel/ein-beitrag/index.html"]
    assert not [p for p in after if ".tmp-" in p], "temporary files left behind"

    summary = json.loads(after["api/v2/summary.json"])
    assert summary["incidents"] == []
    assert summary["status"]["indicator"] == "none"
    status = after["status/index.html"].decode()
    assert "Alle Systeme funktionieren" in status
    assert "The full build follows" in published.report()


# A published FAQ entry: every page's menu then links /faq/, a flag only the faq
# plugin's generator sets, which outage-publish does not run.
FAQ_ENTRY = """\
    Question: Wo sehe ich, ob eine Störung bekannt ist?
    Category: Störung
    Summary: Auf der Statusseite stehen alle bekannten Störungen und Wartungen.
    Modified: 2026-11-01 10:00

    Öffnen Sie die Statusseite: Dort stehen alle bekannten Störungen.
    """


def _assert_same_as_full_build(published, written, full):
    assert written, "nothing was published"
    for path in written:
        assert published[path] == full[path], path


def test_outage_publish_renders_what_the_full_build_renders(tmp_path):
    result, output = build_outage_site(tmp_path, {"stoerungen/kiel.md": ACTIVE},
                                       extra={"faq/stoerung.md": FAQ_ENTRY})
    assert result.ok, result.report()
    settings = load_project_settings(os.path.join(ROOT, "pelicanconf.py"),
                                     {"PATH": str(tmp_path / "content"), "SITE_NOW": NOW})
    update_notice(settings, "internetstoerung-kiel", "monitoring", "Läuft wieder.")
    done = publish(settings=_publish_settings(tmp_path))
    assert done.ok, done.report()
    published = snapshot(output)

    rebuilt, full = build_outage_site(tmp_path / "again", {
        "stoerungen/kiel.md": (tmp_path / "content" / "stoerungen" / "kiel.md").read_text()},
        extra={"faq/stoerung.md": FAQ_ENTRY})
    assert rebuilt.ok, rebuilt.report()
    full = snapshot(full)
    assert '<a href="../../faq/">Häufige Fragen</a>' in full["stoerungen/internetstoerung-kiel/index.html"].decode()
    _assert_same_as_full_build(published, done.written, full)


def _build_with_settings_file(project, settings_file, siteurl, monkeypatch):
    """The sample content built as invoke does: from a settings file, SITEURL from the
    environment (a production build needs it, a development build may have it)."""
    from build.run import build

    if siteurl:
        monkeypatch.setenv("SITEURL", siteurl)
    else:
        monkeypatch.delenv("SITEURL", raising=False)
    overrides = {"OUTPUT_PATH": str(project / "output"), "CACHE_PATH": str(project / "cache"),
                 "SITE_NOW": NOW, "SEARCH_INDEX": False, "PATH": os.path.join(ROOT, "content")}
    result = build(os.path.join(ROOT, settings_file), overrides, force=True)
    assert result.ok, result.report()
    return overrides, project / "output"


@pytest.mark.parametrize("settings_file, built_with, published_with", [
    ("publishconf.py", "https://service.example.org", None),
    ("publishconf.py", "https://service.example.org", "https://anders.example.org"),
    ("pelicanconf.py", None, "https://service.example.org"),
])
def test_outage_publish_renders_with_the_settings_that_built_output(tmp_path, monkeypatch, settings_file,
                                                                    built_with, published_with):
    """Whatever settings file and SITEURL built output/, and whatever SITEURL is set
    when outage-publish runs: it writes the bytes the full build wrote."""
    overrides, output = _build_with_settings_file(tmp_path, settings_file, built_with, monkeypatch)
    full = snapshot(output)
    if published_with:
        monkeypatch.setenv("SITEURL", published_with)
    else:
        monkeypatch.delenv("SITEURL", raising=False)
    done = publish(os.path.join(ROOT, "pelicanconf.py"), {"OUTPUT_PATH": overrides["OUTPUT_PATH"],
                                                          "CACHE_PATH": overrides["CACHE_PATH"]})
    assert done.ok, done.report()
    assert "status/index.html" in done.written and "feeds/stoerungen.atom.xml" in done.written
    _assert_same_as_full_build(snapshot(output), done.written, full)


def test_outage_publish_refuses_a_site_it_cannot_tell_how_was_built(tmp_path, monkeypatch):
    overrides, output = _build_with_settings_file(tmp_path, "pelicanconf.py", None, monkeypatch)
    (tmp_path / "cache" / "build" / "site").unlink()
    before = snapshot(output)
    done = publish(os.path.join(ROOT, "pelicanconf.py"), {"OUTPUT_PATH": overrides["OUTPUT_PATH"],
                                                          "CACHE_PATH": overrides["CACHE_PATH"]})
    assert not done.ok
    assert len(done.problems) == 1 and "\n" not in done.problems[0]
    assert "no record of the build that made it" in done.problems[0]
    assert "invoke build (or invoke preview)" in done.problems[0]
    assert snapshot(output) == before

    # The build it asks for is not skipped as "up to date": it has a record to write.
    from build.run import build

    assert build(os.path.join(ROOT, "pelicanconf.py"), overrides).ok
    again = publish(os.path.join(ROOT, "pelicanconf.py"), {"OUTPUT_PATH": overrides["OUTPUT_PATH"],
                                                           "CACHE_PATH": overrides["CACHE_PATH"]})
    assert again.ok, again.report()


def test_outage_publish_refuses_settings_other_than_those_that_built_output(tmp_path):
    result, output = build_outage_site(tmp_path, {"stoerungen/kiel.md": ACTIVE})
    assert result.ok, result.report()
    before = snapshot(output)
    settings = _publish_settings(tmp_path)
    settings["SITEURL"] = "http://127.0.0.1:8000"
    done = publish(settings=settings)
    assert not done.ok
    assert done.problems == ["output/: SITEURL: built with 'https://status.example.org', these settings "
                             "have 'http://127.0.0.1:8000'; expected the settings that built it "
                             "(invoke outage-publish reads them itself)"]
    assert snapshot(output) == before


def test_outage_publish_writes_nothing_on_bad_input(tmp_path):
    result, output = build_outage_site(tmp_path, {"stoerungen/kiel.md": ACTIVE})
    assert result.ok, result.report()
    before = snapshot(output)
    (tmp_path / "content" / "stoerungen" / "kiel.md").write_text(
        ACTIVE.replace("Impact: major", "Impact: riesig"), encoding="utf-8")
    published = publish(settings=_publish_settings(tmp_path))
    assert not published.ok
    assert [str(p) for p in published.problems] == [
        "content/stoerungen/kiel.md:4: Impact: 'riesig' is unknown; "
        "expected one of none, minor, major, critical"]
    assert "Nothing was published" in published.report()
    assert snapshot(output) == before


def test_outage_publish_reports_each_problem_once(tmp_path, capsys):
    """The result carries the problems; nothing else may print them (as Python's
    last-resort handler does when the root logger has no handler, e.g. in invoke)."""
    import logging

    result, _output = build_outage_site(tmp_path, {"stoerungen/kiel.md": ACTIVE})
    assert result.ok, result.report()
    (tmp_path / "content" / "stoerungen" / "kiel.md").write_text(
        ACTIVE.replace("Impact: major", "Impact: riesig"), encoding="utf-8")
    root = logging.getLogger()
    handlers, root.handlers = root.handlers, []  # as outside pytest
    try:
        capsys.readouterr()
        published = publish(settings=_publish_settings(tmp_path))
    finally:
        root.handlers = handlers
    assert not published.ok
    assert "riesig" not in capsys.readouterr().err


def test_outage_publish_needs_a_built_site(tmp_path):
    (tmp_path / "content").mkdir()
    published = publish(settings=_publish_settings(tmp_path))
    assert not published.ok
    assert "run the full build (invoke build) first" in published.report()


def test_outage_publish_works_before_the_plugin_is_listed_in_pelicanconf(tmp_path):
    result, output = build_outage_site(tmp_path, {"stoerungen/kiel.md": ACTIVE})
    assert result.ok, result.report()
    settings = _publish_settings(tmp_path)
    settings["PLUGINS"] = [p for p in settings["PLUGINS"] if p != "outages"]
    (output / "api" / "v2" / "summary.json").unlink()
    published = publish(settings=settings)
    assert published.ok, published.report()
    assert (output / "api" / "v2" / "summary.json").exists()


def test_outage_publish_into_a_linked_output_replaces_the_folder_it_leads_to(tmp_path):
    web = tmp_path / "www"
    web.mkdir()
    (tmp_path / "output").symlink_to(web)
    result, output = build_outage_site(tmp_path, {"stoerungen/kiel.md": ACTIVE})
    assert result.ok, result.report()
    settings = load_project_settings(os.path.join(ROOT, "pelicanconf.py"),
                                     {"PATH": str(tmp_path / "content"), "SITE_NOW": NOW})
    resolve_notice(settings, "internetstoerung-kiel", "Behoben.", when="2026-11-24 11:50")
    published = publish(settings=_publish_settings(tmp_path))
    assert published.ok, published.report()
    assert output.is_symlink() and os.readlink(output) == str(web)
    assert "Alle Systeme funktionieren" in (web / "status" / "index.html").read_text()
