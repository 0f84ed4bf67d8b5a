"""The compose cache: a build that reuses it writes exactly what a cold build
writes, composes only what changed, and never trusts a damaged file."""

import gc
import io
import json
import os
import pickle
import shutil

import cbor2
import pytest

import social.generator
import social.queue
from build.run import build
from kit import child, datacache
from social import cache as social_cache
from tests.support.sites import FIXED_NOW, ROOT, project_settings, write_files

from .conftest import ARTICLES, NOTICES, social_settings
from .test_build import PROBLEMS

SOCIAL_FILES = (
    "social/queue.json",
    "social/mastodon.atom.xml",
    "social/mastodon.json",
    "social/bluesky.atom.xml",
    "social/bluesky.json",
    "social/vorschau/index.html",
)


def build_in(base, files, strict=False, **extra):
    """Build `files` in the folder `base` (content/, output/, cache/ below it),
    always running every generator (force: the build runner would skip a
    build whose inputs did not change). Returns (result, {path: bytes})."""
    content = base / "content"
    shutil.rmtree(content, ignore_errors=True)
    write_files(content, files)
    values = {
        "PATH": str(content),
        "OUTPUT_PATH": str(base / "output"),
        "THEME": os.path.join(ROOT, "theme"),
        "SITE_NOW": FIXED_NOW,
        "CACHE_PATH": str(base / "cache"),
    }
    values.update(social_settings(**extra))
    result = build(settings=project_settings(values), strict=strict, force=True)
    outputs = {}
    for name in SOCIAL_FILES:
        path = base / "output" / name
        if path.exists():
            outputs[name] = path.read_bytes()
    return result, outputs


def social_warnings(result):
    return sorted(p.message for p in result.warnings if "Social (" in p.message)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The fixture site (with its problems) built once: output and cache."""
    folder = tmp_path_factory.mktemp("base")
    result, outputs = build_in(folder, {**ARTICLES, **PROBLEMS})
    assert result.ok, result.report()
    assert (folder / "cache" / "social" / "compose.cbor").exists()
    return folder, outputs


class _Recorded:
    """Links appended to a file: calls made in a forked child (the social
    plugin composes in one where it may) are counted too."""

    def __init__(self, path):
        self.path = path

    def append(self, link):
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {link}\n")

    def _lines(self):
        try:
            with open(self.path, encoding="utf-8") as handle:
                return [line.split(" ", 1) for line in handle.read().splitlines()]
        except FileNotFoundError:
            return []

    def _links(self):
        return [link for _pid, link in self._lines()]

    def processes(self):
        return {int(pid) for pid, _link in self._lines()}

    def __len__(self):
        return len(self._links())

    def __iter__(self):
        return iter(self._links())

    def __eq__(self, other):
        return self._links() == list(other)


@pytest.fixture
def composed(monkeypatch, tmp_path):
    """The sources composed in a build (not taken from the cache)."""
    calls = _Recorded(tmp_path / "composed.txt")
    original = social.queue.compose

    def counting(network, **kwargs):
        calls.append(kwargs["link"])
        return original(network, **kwargs)

    monkeypatch.setattr(social.queue, "compose", counting)
    return calls


def warm_and_cold(base, tmp_path, files, **extra):
    """(warm outputs, cold outputs, warm result): the edit built on a copy of
    the base site with its cache, and built from scratch."""
    folder, _ = base
    warm_dir = tmp_path / "warm"
    shutil.copytree(folder, warm_dir)
    warm, warm_outputs = build_in(warm_dir, files, **extra)
    cold, cold_outputs = build_in(tmp_path / "cold", files, **extra)
    assert warm.ok and cold.ok, warm.report() + cold.report()
    assert social_warnings(warm) == social_warnings(cold)
    return warm_outputs, cold_outputs, warm


def edited(name, old, new):
    files = {**ARTICLES, **PROBLEMS}
    assert old in files[name], (name, old)
    files[name] = files[name].replace(old, new, 1)
    return files


EDITS = {
    "title": (
        edited("artikel/vertrauen.md", "entsteht im Kleinen", "wächst im Kleinen"),
        {},
    ),
    "summary": (
        edited("artikel/vertrauen.md", "Wir zeigen, wie", "Wir zeigen heute, wie"),
        {},
    ),
    "tag added": (
        edited("artikel/netzausfall.md", "Störung, Transparenz", "Störung, Kiel, Transparenz"),
        {},
    ),
    "tag removed": (
        edited("artikel/vertrauen.md", "Tags: Vertrauen, Social Media,", "Tags: Vertrauen,"),
        {},
    ),
    "body without summary": (
        edited("artikel/netzausfall.md", "griff nach zehn Minuten", "griff nach fünf Minuten"),
        {},
    ),
    "social text": (
        edited("artikel/eigener-text.md", "– die Öffnungszeiten.", "– alle Öffnungszeiten."),
        {},
    ),
    "slug": (
        edited("artikel/vertrauen.md", "Date:", "Slug: neuer-slug\n        Date:"),
        {},
    ),
    "image alt": (
        edited("artikel/vertrauen.md", "an seinen Schreibtischen", "am Schreibtisch"),
        {},
    ),
    "article added": (
        {
            **ARTICLES,
            **PROBLEMS,
            "artikel/neu.md": """
                Title: Ganz neu
                Date: 2026-11-23 08:00
                Category: Team
                Tags: Team

                Ein neuer Artikel. Mit zwei Sätzen.
                """,
        },
        {},
    ),
    "article deleted": (
        {k: v for k, v in {**ARTICLES, **PROBLEMS}.items() if k != "artikel/netzausfall.md"},
        {},
    ),
    "SITEURL": ({**ARTICLES, **PROBLEMS}, {"SITEURL": "https://neu.example.net"}),
    "URL setting": (
        {**ARTICLES, **PROBLEMS},
        {
            "ARTICLE_URL": "beitrag/{date:%Y}/{slug}/",
            "ARTICLE_SAVE_AS": "beitrag/{date:%Y}/{slug}/index.html",
        },
    ),
    "SOCIAL setting": ({**ARTICLES, **PROBLEMS}, {"SOCIAL_BLUESKY_LIMIT": 200}),
    "hashtags setting": ({**ARTICLES, **PROBLEMS}, {"SOCIAL_HASHTAGS_MAX": 1}),
    "outage update added": (
        {**ARTICLES, **PROBLEMS},
        {
            "FAKE_OUTAGE_NOTICES": [
                {
                    **NOTICES[0],
                    "updates": NOTICES[0]["updates"][:3]
                    + [
                        {
                            "time": "2026-11-24T11:40:00+01:00",
                            "status": "resolved",
                            "label": "Behoben",
                            "text": "Nachtrag: Die Ursache ist behoben.",
                        }
                    ],
                }
            ]
        },
    ),
    "later now": ({**ARTICLES, **PROBLEMS}, {"SITE_NOW": "2026-11-25T09:00:00+01:00"}),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_build_from_the_cache_writes_what_a_cold_build_writes(base, tmp_path, edit):
    files, extra = EDITS[edit]
    warm, cold, _ = warm_and_cold(base, tmp_path, files, **extra)
    assert set(warm) == set(cold) == set(SOCIAL_FILES)
    for name in SOCIAL_FILES:
        assert warm[name] == cold[name], f"{edit}: {name} differs from a cold build"
    _, before = base
    assert warm["social/queue.json"] != before["social/queue.json"], f"{edit} changed nothing"


def test_later_now_brings_scheduled_article_and_update(base, tmp_path):
    files, extra = EDITS["later now"]
    warm, _, _ = warm_and_cold(base, tmp_path, files, **extra)
    keys = {p["key"] for p in json.loads(warm["social/queue.json"])["posts"]}
    assert "stoerungen/internet-kiel.md:update-4:mastodon" in keys


def test_only_changed_documents_are_composed(base, tmp_path, composed):
    files, _ = EDITS["title"]
    folder, _ = base
    shutil.copytree(folder, tmp_path / "site")
    result, _ = build_in(tmp_path / "site", files)
    assert result.ok, result.report()
    # one article, two networks: everything else came from the cache
    assert len(composed) == 2
    assert all("/artikel/vertrauen-waechst-im-kleinen/" in link for link in composed)


def test_nothing_is_composed_when_nothing_changed(base, tmp_path, composed):
    folder, before = base
    shutil.copytree(folder, tmp_path / "site")
    result, outputs = build_in(tmp_path / "site", {**ARTICLES, **PROBLEMS})
    assert result.ok, result.report()
    assert composed == []
    assert outputs == before


def test_problems_are_reported_again_from_the_cache(base, tmp_path, composed):
    folder, _ = base
    shutil.copytree(folder, tmp_path / "site")
    normal, _ = build_in(tmp_path / "site", {**ARTICLES, **PROBLEMS})
    strict, _ = build_in(tmp_path / "site", {**ARTICLES, **PROBLEMS}, strict=True)
    assert composed == []  # both from the cache
    assert len(social_warnings(normal)) == 3
    assert normal.ok
    assert not strict.ok
    assert social_warnings(strict) == social_warnings(normal)


def cache_file(folder):
    return folder / "cache" / "social" / "compose.cbor"


def read_cache(path):
    """(header, body) of a cache file: two CBOR items after the magic line."""
    data = path.read_bytes()
    assert data.startswith(datacache.MAGIC)
    decoder = cbor2.CBORDecoder(io.BytesIO(data[len(datacache.MAGIC):]))
    return decoder.decode(), decoder.decode()


def write_cache(path, header, body):
    path.write_bytes(datacache.MAGIC + cbor2.dumps(header) + cbor2.dumps(body))


def damage_by(kind, path, folder):
    data = path.read_bytes()
    if kind == "garbage":
        path.write_bytes(b"not a cache at all")
    elif kind == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif kind == "code in a pickle":
        # A pickle that would call os.system when loaded by a trusting reader.
        path.write_bytes(datacache.MAGIC + pickle.dumps({"x": os.system}, protocol=4))
    elif kind == "wrong entries":
        header, _ = read_cache(path)
        write_cache(path, header, {"entries": {"x": ["not", "an", "entry"]}, "outputs": {}})
    elif kind == "wrong events":
        header, body = read_cache(path)
        source, (key, hashed, _) = next(iter(body["entries"].items()))
        body["entries"][source] = [key, hashed, [["post", "no sort key", b"{}"]]]
        write_cache(path, header, body)
    elif kind == "empty list":
        header, _ = read_cache(path)
        write_cache(path, header, [])
    elif kind == "null":
        header, _ = read_cache(path)
        write_cache(path, header, None)
    else:
        raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    ["garbage", "truncated", "code in a pickle", "wrong entries", "wrong events", "empty list", "null"],
)
def test_a_damaged_or_foreign_cache_is_discarded_with_a_notice(base, tmp_path, kind, monkeypatch):
    folder, before = base
    shutil.copytree(folder, tmp_path / "site")
    damage_by(kind, cache_file(tmp_path / "site"), folder)
    monkeypatch.setattr(os, "system", lambda *a: pytest.fail("the cache ran code"))
    result, outputs = build_in(tmp_path / "site", {**ARTICLES, **PROBLEMS})
    assert result.ok, result.report()
    messages = [p.message for p in result.problems if "compose.cbor" in p.message]
    assert len(messages) == 1 and "cache is damaged or foreign" in messages[0], messages
    assert [p.level for p in result.problems if "compose.cbor" in p.message] == ["notice"]
    assert outputs == before
    # rebuilt: the next build trusts it again, without a word
    again, _ = build_in(tmp_path / "site", {**ARTICLES, **PROBLEMS})
    assert not [p for p in again.problems if "compose.cbor" in p.message]


def test_a_cache_of_another_format_version_is_rebuilt_quietly(base, tmp_path):
    folder, before = base
    shutil.copytree(folder, tmp_path / "site")
    path = cache_file(tmp_path / "site")
    header, body = read_cache(path)
    header["version"] = social_cache.FORMAT + 1
    write_cache(path, header, body)
    result, outputs = build_in(tmp_path / "site", {**ARTICLES, **PROBLEMS})
    assert result.ok and not [p for p in result.problems if "compose.cbor" in p.message]
    assert outputs == before


def test_other_code_or_settings_rebuild_quietly(base, tmp_path, monkeypatch, composed):
    folder, before = base
    shutil.copytree(folder, tmp_path / "site")
    monkeypatch.setattr(social_cache, "_CODE", b"other code")
    result, outputs = build_in(tmp_path / "site", {**ARTICLES, **PROBLEMS})
    assert result.ok
    assert not [p for p in result.problems if "compose.cbor" in p.message]
    assert len(composed) > 2  # everything composed again
    assert outputs == before


def test_without_the_cache_setting_nothing_is_written(tmp_path):
    result, outputs = build_in(tmp_path, ARTICLES, SOCIAL_CACHE=False)
    assert result.ok, result.report()
    assert not cache_file(tmp_path).exists()
    assert "social/queue.json" in outputs


def test_the_build_is_valid_until_the_next_update_falls_due(tmp_path):
    """The build runner may skip an unchanged build only until the queue
    would change: here the update of 15:00 (before the scheduled article)."""
    result, _ = build_in(tmp_path, ARTICLES)
    assert result.ok, result.report()
    stamp = json.loads((tmp_path / "cache" / "build" / "stamp.json").read_text())
    assert stamp["valid_until"] == "2026-11-24T15:00:00+01:00"


@pytest.mark.forks
def test_composing_in_a_child_or_here_gives_the_same_site(tmp_path, monkeypatch, composed):
    """The posts are composed in a forked child where the fork policy allows
    (its memory never counts against a long-running server), else here."""
    assert child.why_not_fork() is None
    forked, forked_outputs = build_in(tmp_path / "forked", {**ARTICLES, **PROBLEMS})
    assert forked.ok, forked.report()
    in_child = len(composed)
    assert composed.processes() and os.getpid() not in composed.processes()
    monkeypatch.setattr(child, "why_not_fork", lambda: "the test says so")
    here, here_outputs = build_in(tmp_path / "here", {**ARTICLES, **PROBLEMS})
    assert here.ok, here.report()
    assert in_child > 0 and len(composed) == 2 * in_child
    assert os.getpid() in composed.processes()
    assert social_warnings(here) == social_warnings(forked) and len(social_warnings(here)) == 3
    assert here_outputs == forked_outputs
    assert any(path.endswith("queue.json") for path in here_outputs)


@pytest.mark.forks
def test_a_build_that_fails_after_the_posts_were_started_leaves_no_child(tmp_path, monkeypatch):
    """The posts start when Pelican asks for its writer; a build that fails after
    that (here: while writing the articles) waits for that child before it deletes
    its staging folder, and the next build still joins it without a problem."""
    from pelican.generators import ArticlesGenerator

    jobs = []
    start = child.start

    def recording(work, what):
        job = start(work, what)
        if what.startswith("social:"):
            jobs.append(job)
        return job

    def failing(self, writer):
        raise OSError("disk full")

    monkeypatch.setattr(child, "start", recording)
    with monkeypatch.context() as patch:
        patch.setattr(ArticlesGenerator, "generate_output", failing)
        failed, _ = build_in(tmp_path / "site", {**ARTICLES, **PROBLEMS})
    assert not failed.ok
    assert len(jobs) == 1 and jobs[0].pid is not None  # started, in a child
    gc.collect()
    assert social.generator._building() is None  # the failed build's context is not kept
    # The build waited for the child before deleting its staging folder.
    with pytest.raises(ChildProcessError):
        os.waitpid(jobs[0].pid, os.WNOHANG)
    assert not list((tmp_path / "site").glob("output.*"))
    fine, outputs = build_in(tmp_path / "site", {**ARTICLES, **PROBLEMS})
    assert fine.ok, fine.report()
    assert "social/queue.json" in outputs
    assert len(jobs) == 2
    for job in jobs:
        with pytest.raises(ChildProcessError):
            os.waitpid(job.pid, os.WNOHANG)  # collected: not even a zombie is left
