"""The write-ahead ledger: durable, atomic, never silently empty."""

import json
import os

import pytest

from social import ledger as ledger_module
from social.clients import Remote
from social.ledger import Ledger, LedgerError

POST = {
    "key": "artikel/a.md:mastodon",
    "network": "mastodon",
    "link": "https://e.org/a/",
    "source": "artikel/a.md",
    "update": None,
    "text": "Text",
}


def test_intent_then_done_each_written_through_fsync_and_rename(tmp_path, monkeypatch):
    path = tmp_path / "l" / "ledger.json"
    synced, replaced = [], []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(ledger_module.os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    monkeypatch.setattr(
        ledger_module.os, "replace", lambda a, b: replaced.append((a, b)) or real_replace(a, b)
    )
    ledger = Ledger.load(path)
    assert not ledger.existed
    ledger.record_intent(POST)
    assert json.loads(path.read_text())["posts"][POST["key"]]["state"] == "intent"
    ledger.record_done(POST, Remote("1", "https://m.example/@s/1"), via="posted")
    entry = json.loads(path.read_text())["posts"][POST["key"]]
    assert entry["state"] == "done" and entry["remote_id"] == "1" and entry["via"] == "posted"
    assert len(replaced) == 2 and all(b == str(path) for _, b in replaced)
    assert len(synced) == 4  # the file and the directory, twice
    assert os.listdir(path.parent) == ["ledger.json"]  # no temporary files left


def test_a_crash_while_writing_leaves_the_previous_ledger(tmp_path, monkeypatch):
    path = tmp_path / "ledger.json"
    ledger = Ledger.load(path)
    ledger.record_done(POST, None, via="init")
    before = path.read_text()

    def broken_dump(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ledger_module.json, "dump", broken_dump)
    with pytest.raises(OSError):
        ledger.record_intent({**POST, "key": "artikel/b.md:mastodon"})
    assert path.read_text() == before
    assert os.listdir(tmp_path) == ["ledger.json"]


def test_an_unreadable_ledger_is_an_error_not_an_empty_ledger(tmp_path):
    path = tmp_path / "ledger.json"
    path.write_text("{not json")
    with pytest.raises(LedgerError, match="cannot be read"):
        Ledger.load(path)
    path.write_text('{"version": 99, "posts": {}}')
    with pytest.raises(LedgerError, match="version 1"):
        Ledger.load(path)


def test_refused_posts_become_failed_but_unknown_ones_stay_intent(tmp_path):
    ledger = Ledger.load(tmp_path / "ledger.json")
    ledger.record_intent(POST)
    ledger.record_failed(POST, "HTTP 422", arrived_unknown=False)
    assert ledger.state(POST["key"]) == "failed"
    ledger.record_intent(POST)
    ledger.record_failed(POST, "timeout", arrived_unknown=True)
    assert ledger.state(POST["key"]) == "intent"
    assert ledger.get(POST["key"])["attempts"] == 2


def test_only_one_run_at_a_time(tmp_path):
    first = Ledger.load(tmp_path / "ledger.json")
    second = Ledger.load(tmp_path / "ledger.json")
    with (
        first.locked(),
        pytest.raises(LedgerError, match="another social-post run"),
        second.locked(),
    ):
        pass
    with second.locked():
        pass
