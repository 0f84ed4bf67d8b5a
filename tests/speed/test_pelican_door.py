"""The speed plugin's door to Pelican's internals: checked at the start of each
build; when Pelican is not what it expects, speed is off with one warning and
the build, on Pelican's own path, gives the same site."""

import importlib.metadata
import re
from pathlib import Path

import pytest
from pelican import cache as pelican_cache

from kit import pelican_door
from speed import reading, writer
from tests.speed.test_incremental_equivalence import _assert_same_tree
from tests.support.sites import ROOT, build_sample_site

DOOR_WARNING = "is not what the speed plugin was checked with"


def test_the_installed_pelican_is_the_one_the_door_was_checked_with():
    # Fails after an upgrade of Pelican until pelican_door.py is checked against it.
    assert pelican_door.problems() == []


# Private names of Pelican's classes that this project reads or sets. A subclass's
# own `_expand_settings` (faq/model.py) is Pelican's hook for content types, as
# its Article and Page use it, and not listed.
PELICAN_PRIVATE_NAMES = ("_content", "_context", "_summary", "_get_content", "_templates_path", "_cache",
                         "_get_file_stamp", "_slug", "_slug_from_name", "_raised_messages", "_group_count",
                         "_open_w", "_written_files", "_overridden_files", "_update_content", "_localcontext")


def test_no_module_but_the_door_touches_a_private_name_of_pelican():
    plugins = Path(ROOT) / "plugins"
    pattern = re.compile(r"(?<!self)(?<!cls)\.(" + "|".join(PELICAN_PRIVATE_NAMES) + r")\b")
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in sorted(plugins.rglob("*.py")) if path.name != "pelican_door.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if pattern.search(line) and not line.lstrip().startswith("#")]
    assert found == []


def _newer_pelican(monkeypatch):
    version = importlib.metadata.version

    def pretend(name):
        return "4.13.0" if name == "pelican" else version(name)

    monkeypatch.setattr(pelican_door.importlib.metadata, "version", pretend)
    return "version 4.13.0, checked with 4.12.x"


def _moved_reader_cache(monkeypatch):
    """A Pelican whose reader cache keeps its entries somewhere else than `_cache`."""
    cacher = pelican_cache.FileStampDataCacher

    def cache_data(self, filename, data):
        if self._cache_data_policy:
            self.__dict__.setdefault("_entries", {})[filename] = (self._get_file_stamp(filename), data)

    def get_cached_data(self, filename, default=None):
        stamp, data = self.__dict__.get("_entries", {}).get(filename, (None, default))
        return data if stamp == self._get_file_stamp(filename) else default

    monkeypatch.setattr(cacher, "cache_data", cache_data)
    monkeypatch.setattr(cacher, "get_cached_data", get_cached_data)
    return "the reader cache (Readers._cache, _get_file_stamp) changed"


def _changed_write_file(monkeypatch):
    """A Pelican whose Writer.write_file differs from the one speed repeats."""
    from pelican.writers import Writer

    original = Writer.write_file

    def write_file(self, name, template, context, *args, **kwargs):
        return original(self, name, template, context, *args, **kwargs)

    monkeypatch.setattr(Writer, "write_file", write_file)
    return "Writer.write_file (pagination and page context repeated here) changed"


@pytest.mark.parametrize("unexpected", [_newer_pelican, _moved_reader_cache, _changed_write_file])
def test_an_unexpected_pelican_turns_speed_off_with_one_warning_and_the_same_site(
        unexpected, sample_site, tmp_path, monkeypatch):
    normal = build_sample_site(tmp_path / "normal", force=True)
    what = unexpected(monkeypatch)

    def not_now(*args, **kwargs):
        raise AssertionError("speed used Pelican's internals although the door is shut")

    monkeypatch.setattr(pelican_door, "seed_reader_cache", not_now)
    monkeypatch.setattr(reading, "_parse", not_now)
    monkeypatch.setattr(writer.IncrementalWriter, "__init__", not_now)
    monkeypatch.setattr(pelican_door, "memoise_urls", not_now)
    result = build_sample_site(tmp_path / "output", force=True)
    assert result.ok, result.report()
    door = [p for p in result.warnings if DOOR_WARNING in p.message]
    assert len(door) == 1 and what in door[0].message, result.report()
    assert [p for p in result.problems if p not in door] == normal.problems
    _assert_same_tree(tmp_path / "output", sample_site)

    strict = build_sample_site(tmp_path / "checked", strict=True, force=True)
    assert not strict.ok  # `invoke check` fails until the new Pelican is looked at


def test_the_door_opens_again_for_the_next_build_when_pelican_is_as_expected(tmp_path, monkeypatch):
    _newer_pelican(monkeypatch)
    assert not pelican_door.check() and not pelican_door.is_open()
    monkeypatch.undo()
    assert pelican_door.check() and pelican_door.is_open()
