"""Every cache file of a build is data, checked before it is trusted.

CI restores `.cache` from earlier runs in a job that holds deploy and
posting credentials, so nothing read back from it may run code, and no
damage may change the site or fail a build (strict builds included): each
damaged file is discarded with one notice and the output equals a build
without caches.
"""

import os
import pickle

import cbor2
import pytest

from kit import datacache
from tests.support.sites import build_sample_site


class RunsCode:
    """Unpickling this creates a file: proof that a reader trusted a pickle."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _tree(root):
    found = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                found[os.path.relpath(path, root)] = handle.read()
    return found


def _cache_files(cache):
    return sorted(os.path.join(folder, name) for folder, _dirs, names in os.walk(cache) for name in names
                  if not name.startswith(".") and name != "stamp.json")


@pytest.fixture(scope="module")
def clean_build(tmp_path_factory):
    """The sample site built without caches, and the caches it left behind."""
    out = tmp_path_factory.mktemp("clean") / "output"
    result = build_sample_site(out)
    assert result.ok, result.report()
    return out, _tree(out)


def _header_of(data):
    decoder = cbor2.CBORDecoder(__import__("io").BytesIO(data[len(datacache.MAGIC):]))
    return decoder.decode()


DAMAGE = {
    "empty JSON list": lambda data, marker: b"[]",
    "JSON null": lambda data, marker: b"null",
    "truncated": lambda data, marker: data[: len(data) // 2],
    "random bytes": lambda data, marker: os.urandom(257),
    "a pickle that runs code": lambda data, marker: pickle.dumps(RunsCode(marker)),
    "a pickle behind our magic": lambda data, marker: datacache.MAGIC + pickle.dumps(RunsCode(marker)),
    "right header, empty list": lambda data, marker:
        datacache.MAGIC + cbor2.dumps(_header_of(data)) + cbor2.dumps([]),
    "right header, null": lambda data, marker:
        datacache.MAGIC + cbor2.dumps(_header_of(data)) + cbor2.dumps(None),
    "right header, wrong types": lambda data, marker:
        datacache.MAGIC + cbor2.dumps(_header_of(data)) + cbor2.dumps({"entries": [1], "pages": "x"}),
}


def test_a_build_leaves_only_data_caches(clean_build):
    out, _files = clean_build
    files = _cache_files(str(out) + ".cache")
    assert len(files) >= 8, files  # speed, search, topics, social, seo
    for path in files:
        with open(path, "rb") as handle:
            assert handle.read(len(datacache.MAGIC)) == datacache.MAGIC, path


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_damaged_caches_are_discarded_with_a_notice_and_change_nothing(clean_build, tmp_path, kind):
    _out, expected = clean_build
    out = tmp_path / "output"
    first = build_sample_site(out)
    assert first.ok, first.report()
    marker = str(tmp_path / "code-ran")
    damaged = []
    for path in _cache_files(str(out) + ".cache"):
        with open(path, "rb") as handle:
            data = handle.read()
        with open(path, "wb") as handle:
            handle.write(DAMAGE[kind](data, marker))
        damaged.append(path)
    result = build_sample_site(out, strict=True, force=True)
    assert result.ok, result.report()
    assert not os.path.exists(marker), "a cache file ran code"
    assert not result.errors and not result.warnings, result.report()
    assert _tree(out) == expected
    # Each damaged file that was read got its notice; the others (evidence shards
    # of a discarded analysis) were never read and are replaced.
    noticed = {p.message.split(":", 1)[0] for p in result.notices}
    assert noticed and noticed <= set(damaged), result.report()
    unread = {os.path.basename(p) for p in set(damaged) - noticed}
    others = sorted(name for name in unread if not name.startswith("evidence-"))
    assert not others, others
    for path in _cache_files(str(out) + ".cache"):
        with open(path, "rb") as handle:
            assert handle.read(len(datacache.MAGIC)) == datacache.MAGIC, path
