"""The record of how output/ was built: what a command may repeat from it."""

import os

import pytest

from kit import provenance


def _settings(tmp_path):
    return {"CACHE_PATH": str(tmp_path / "cache"), "SITEURL": "https://service.example.org",
            "RELATIVE_URLS": False}


def test_a_record_describes_only_the_tree_it_was_written_for(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    settings = _settings(tmp_path)
    assert provenance.save(settings, str(output), (str(tmp_path / "pelicanconf.py"), {"SEARCH_INDEX": False}),
                           {"faq_published": True})
    record = provenance.load(settings, str(output))
    assert record["flags"] == {"faq_published": True} and record["overrides"] == {"SEARCH_INDEX": False}
    output.rename(tmp_path / "old")
    output.mkdir()  # another tree at the same place: built by something else
    with pytest.raises(provenance.UnknownBuild, match="no record of the build that made it"):
        provenance.load(settings, str(output))


def test_overrides_that_name_code_are_never_repeated(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    settings = _settings(tmp_path)
    provenance.save(settings, str(output), (str(tmp_path / "pelicanconf.py"), {"PLUGIN_PATHS": ["/elsewhere"]}), {})
    record = provenance.load(settings, str(output))
    assert record["settings_file"] is None and record["overrides"] == {}
    with pytest.raises(provenance.UnknownBuild, match="not from a settings file"):
        provenance.settings_of(record, "output", str(tmp_path / "pelicanconf.py"))


def test_a_settings_file_outside_the_project_is_never_read(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "evil.py").write_text("raise SystemExit('ran')\n")
    record = {"settings_file": str(elsewhere / "evil.py"), "overrides": {}, "environment": {},
              "siteurl": "", "relative_urls": True, "flags": {}, "trees": []}
    project = tmp_path / "project"
    project.mkdir()
    with pytest.raises(provenance.UnknownBuild, match="outside this project") as refused:
        provenance.settings_of(record, "output", str(project / "pelicanconf.py"))
    assert "ran" not in str(refused.value) and "\n" not in str(refused.value)
    assert os.path.isfile(elsewhere / "evil.py")
