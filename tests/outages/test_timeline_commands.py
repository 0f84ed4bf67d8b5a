"""The timeline rules hold on the editors' fast path too: outage-update and outage-publish."""

import os

import pytest

from outages.commands import CommandError, load_project_settings, publish, update_notice
from tests.support.sites import ROOT, project_settings
from tests.support.trees import snapshot

from .samples import ACTIVE, COMPONENTS, NOW, build_outage_site, with_outages


def _settings(tmp_path):
    return load_project_settings(os.path.join(ROOT, "pelicanconf.py"),
                                 {"PATH": str(tmp_path / "content"), "SITE_NOW": NOW})


def _publish_settings(tmp_path):
    return project_settings(with_outages({
        "PATH": str(tmp_path / "content"), "OUTPUT_PATH": str(tmp_path / "output"),
        "THEME": os.path.join(ROOT, "theme"), "PLUGIN_PATHS": [os.path.join(ROOT, "plugins")],
        "CACHE_PATH": str(tmp_path / "cache"),
    }))


def test_outage_publish_refuses_an_update_dated_a_year_ahead(tmp_path):
    result, output = build_outage_site(tmp_path, {"stoerungen/kiel.md": ACTIVE})
    assert result.ok, result.report()
    before = snapshot(output)
    ahead = ACTIVE + "\n## 2027-11-24 09:00 – resolved\n\nAlles gut.\n"
    (tmp_path / "content" / "stoerungen" / "kiel.md").write_text(
        ahead.replace("Start: 2026-11-24 08:10", "Start: 2026-11-24 08:10\nEnd: 2026-11-24 11:00"),
        encoding="utf-8")
    published = publish(settings=_publish_settings(tmp_path))
    assert not published.ok
    assert [str(p) for p in published.problems] == [
        "content/stoerungen/kiel.md:21: update time: 2027-11-24 09:00 is after now (2026-11-24 12:00); "
        "expected only updates that have been posted: add each update when it happens (planned "
        "maintenance goes into Scheduled-Start and Scheduled-End)"]
    assert snapshot(output) == before


def test_outage_update_refuses_a_second_update_at_the_same_minute(tmp_path):
    (tmp_path / "content" / "stoerungen").mkdir(parents=True)
    (tmp_path / "content" / "status").mkdir()
    (tmp_path / "content" / "status" / "komponenten.yml").write_text(COMPONENTS, encoding="utf-8")
    path = tmp_path / "content" / "stoerungen" / "kiel.md"
    path.write_text(ACTIVE, encoding="utf-8")
    with pytest.raises(CommandError, match=r"2026-11-24 09:40 is the same time as the update on line 14"):
        update_notice(_settings(tmp_path), "internetstoerung-kiel", "monitoring", "Text",
                      when="2026-11-24 09:40")
    assert path.read_text(encoding="utf-8") == ACTIVE
