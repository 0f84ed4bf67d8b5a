"""The write-ahead ledger: what was posted where, written before and after
every network call.

Before a post is sent its entry is written in state "intent"; after the
network answered, in state "done" with the remote id and URL. Every write goes
to a temporary file in the same directory, is fsynced and renamed over the
ledger (then the directory is fsynced: kit.atomic's durable write), so a
crash leaves either the old or the new ledger, never a torn one. An entry left in "intent" means "may or may
not have arrived": the poster then looks for the post on the account's own
timeline before sending anything again.

The ledger holds no credentials: keys, links, record keys, remote ids and
URLs only.
"""

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os

from kit import atomic

VERSION = 1

INTENT = "intent"
DONE = "done"
FAILED = "failed"  # the network refused it; nothing arrived, safe to send again


class LedgerError(Exception):
    """The ledger cannot be used; posting must stop rather than guess."""


def _now():
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def text_fingerprint(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class Ledger:
    def __init__(self, path, entries=None, existed=False):
        self.path = os.path.abspath(path)
        self.entries = entries if entries is not None else {}
        self.existed = existed

    @classmethod
    def load(cls, path):
        """The ledger at `path`; empty if the file does not exist. A file that
        cannot be read is an error, never "empty": that would post everything again."""
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError) as exc:
            raise LedgerError(
                f"{path}: cannot be read ({exc}); expected the JSON ledger "
                "of earlier runs. Restore it, or delete it and run with --init"
            ) from None
        if (
            not isinstance(data, dict)
            or data.get("version") != VERSION
            or not isinstance(data.get("posts"), dict)
        ):
            raise LedgerError(
                f"{path}: not a ledger of version {VERSION}; expected "
                '{"version": 1, "posts": {...}}'
            )
        return cls(path, data["posts"], existed=True)

    # -- reading ----------------------------------------------------------
    def get(self, key):
        return self.entries.get(key)

    def state(self, key):
        entry = self.entries.get(key)
        return entry["state"] if entry else None

    def is_done(self, key):
        return self.state(key) == DONE

    # -- writing (each one is durable before it returns) ------------------
    def _entry(self, post):
        entry = self.entries.setdefault(post["key"], {})
        entry.update(
            network=post["network"],
            link=post["link"],
            source=post.get("source"),
            update=post.get("update"),
            text_sha256=text_fingerprint(post["text"]),
        )
        return entry

    def record_intent(self, post, record_key=None):
        """`record_key`: the key every attempt at this post sends (Bluesky's
        record key), written before the first attempt so that a later run
        sends the same one and can look the post up by it."""
        entry = self._entry(post)
        if record_key:
            entry["record_key"] = record_key
        entry["state"] = INTENT
        entry["attempts"] = entry.get("attempts", 0) + 1
        entry["intent_at"] = _now()
        # The first attempt is the earliest the post can be on the account.
        entry.setdefault("first_intent_at", entry["intent_at"])
        entry.pop("error", None)
        self.save()

    def record_done(self, post, remote, via, save=True):
        entry = self._entry(post)
        entry.update(state=DONE, done_at=_now(), via=via)
        entry.pop("first_intent_at", None)
        entry.pop("error", None)
        if remote is not None:
            entry.update(remote_id=remote.id, remote_url=remote.url)
            if remote.cid:
                entry["remote_cid"] = remote.cid
        if save:
            self.save()

    def record_failed(self, post, message, arrived_unknown=False):
        """A refused post becomes "failed" (send again next run); one whose fate
        is unknown stays "intent" (look for it before sending again)."""
        entry = self._entry(post)
        if not arrived_unknown:
            entry["state"] = FAILED
            entry.pop("first_intent_at", None)  # refused: nothing of it arrived
        entry["error"] = message
        self.save()

    def save(self):
        document = {"version": VERSION, "posts": self.entries}
        with atomic.replacing(self.path, "w", encoding="utf-8", durable=True) as handle:
            json.dump(document, handle, ensure_ascii=False, indent=1, sort_keys=True)
            handle.write("\n")
        self.existed = True

    @contextlib.contextmanager
    def locked(self):
        """One poster at a time per ledger (two CI runs must not both post)."""
        directory = os.path.dirname(self.path)
        os.makedirs(directory, exist_ok=True)
        with open(self.path + ".lock", "a") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise LedgerError(
                    f"{self.path}: another social-post run is using the ledger"
                ) from None
            try:
                yield self
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
