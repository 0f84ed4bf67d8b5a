"""The composed posts of each source document, kept between builds.

Composing a post (sentence splitting, counting graphemes the way each network
counts, choosing hashtags) costs about a millisecond per article and network;
a 4,000-article site paid ~3.5 s for it on every build. So the outcome for
each document (its posts, already encoded as they appear in queue.json, its
problems and exclusions) is stored in ``CACHE_PATH/social/compose.cbor``
and reused when a hash of exactly what composition read is unchanged
(queue.py builds that hash; see `_Builder._article_key`).

Trust, but verify: it is a kit.datacache file (CBOR data, never code). A
file that is not ours or does not load, or whose entries are not what this
code writes, is discarded with a notice and rebuilt. A file
from other code (the build modules of this plugin, the `german` modules it
uses, the Python, regex, lxml, Babel, atproto, feedgen or Pelican version) or
other settings (SITEURL, every SOCIAL_* setting) is silently rebuilt: that is
a change, not damage. Entries are keyed by the path relative to the content
folder, so a checkout in another place (a CI runner) reuses them. The file
is written to a temporary name and renamed, so a killed build never leaves
half a cache.
"""

import datetime as dt
import gc
import glob
import hashlib
import importlib.metadata
import logging
import marshal
import os
import sys
import unicodedata

from kit import datacache

logger = logging.getLogger(__name__)

FORMAT = 2
FILE = os.path.join("social", "compose.cbor")
# Libraries whose behaviour ends up in a post.
VERSIONED = ("regex", "lxml", "babel", "atproto", "pelican", "feedgen")
# The modules of `german` that this plugin uses (a test keeps the list
# complete), and this plugin's modules that only post (they never shape a post).
GERMAN_MODULES = ("__init__", "dates", "hashtags", "sentences")
POSTING_MODULES = ("clients", "commands", "ledger", "post")


class CacheDamaged(ValueError):
    """A cache entry is not what this code writes: the whole file is distrusted."""


def digest(*parts):
    """Short, stable hash of strings (repr of plain data for anything else)."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        if not isinstance(part, bytes):
            part = (part if isinstance(part, str) else repr(part)).encode("utf-8", "surrogatepass")
        hasher.update(len(part).to_bytes(8, "little"))
        hasher.update(part)
    return hasher.digest()


def key_digest(parts):
    """Hash of a tuple of plain data (str, int, float, bool, None, bytes,
    tuples). marshal format 2 writes values only (no references, no interning
    marks), so equal data gives equal bytes; it is ~3 times faster than repr,
    and the key is computed for every document in every build."""
    try:
        data = b"m" + marshal.dumps(parts, 2)
    except ValueError:  # e.g. a str subclass: slower, just as exact
        data = b"r" + repr(parts).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).digest()


def stable(value):
    """Plain, deterministic data for hashing: what composition reads of a value.
    Raises TypeError for anything it cannot see through (then: no caching)."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dt.datetime):
        return ("datetime", value.isoformat(), value.fold, str(value.tzinfo))
    if isinstance(value, (dt.date, dt.time)):
        return (type(value).__name__, value.isoformat())
    if isinstance(value, (list, tuple)):
        return tuple(stable(v) for v in value)
    if isinstance(value, dict):
        return ("dict", tuple(sorted((repr(stable(k)), stable(v)) for k, v in value.items())))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted(repr(stable(v)) for v in value)))
    raise TypeError(f"cannot hash a {type(value).__name__} for the social cache")


_CODE = None


def code_version():
    """Hash of the code that composes: the sources of this plugin's build
    modules and of the `german` modules it uses, as they were when first
    asked (the code that runs), and library versions."""
    global _CODE
    if _CODE is None:
        import german  # the one shared library; its sentence rules shape every post

        parts = [sys.version, unicodedata.unidata_version]
        for name in VERSIONED:
            try:
                parts.append(f"{name}={importlib.metadata.version(name)}")
            except importlib.metadata.PackageNotFoundError:
                parts.append(f"{name}=-")
        here = os.path.dirname(os.path.abspath(__file__))
        paths = [
            path
            for path in sorted(glob.glob(os.path.join(here, "*.py")))
            if os.path.basename(path)[:-3] not in POSTING_MODULES
        ]
        german_folder = os.path.dirname(os.path.abspath(german.__file__))
        paths += [os.path.join(german_folder, f"{name}.py") for name in GERMAN_MODULES]
        for path in paths:
            with open(path, "rb") as handle:
                parts += [os.path.relpath(path, os.path.dirname(here)), handle.read()]
        _CODE = digest(*parts)
    return _CODE


def settings_fingerprint(settings):
    """Everything global that composition reads: code, SITEURL, SOCIAL_*
    (what it reads of PATH, the shown paths, is part of each entry's key).
    Raises TypeError when a SOCIAL_* value cannot be hashed reliably."""
    social = sorted((k, stable(v)) for k, v in settings.items() if k.startswith("SOCIAL_"))
    return digest(
        FORMAT,
        code_version(),
        settings["SITEURL"].rstrip("/"),
        repr(social),
    )


def _as_tuples(value):
    """CBOR has one kind of array; the events and keys of this cache are tuples."""
    if type(value) is list:
        return tuple(_as_tuples(v) for v in value)
    return value


def _valid(body):
    if not isinstance(body, dict):
        return False
    entries, outputs = body.get("entries"), body.get("outputs")
    return (isinstance(entries, dict) and isinstance(outputs, dict)
            and all(isinstance(k, str) for k in entries) and all(isinstance(k, str) for k in outputs)
            and all(type(v) is tuple and len(v) == 3 and type(v[0]) is bytes
                    and (v[1] is None or type(v[1]) is bytes) and type(v[2]) is tuple
                    for v in entries.values())
            and all(type(v) is tuple and len(v) == 2 and type(v[0]) is bytes and type(v[1]) is tuple
                    and all(type(part) is bytes for part in v[1]) for v in outputs.values()))


class ComposeCache:
    """Entries by source path relative to the content folder: (key, body
    hash or None, events), and a few outputs made from the posts (the feeds)
    by name: (key, bytes…). Only what this build used is written back, so
    deleted documents drop out."""

    def __init__(self, settings):
        self.enabled = bool(settings["SOCIAL_CACHE"])
        self.path = os.path.join(settings["CACHE_PATH"], FILE)
        self.fingerprint = None
        if self.enabled:
            try:
                self.fingerprint = settings_fingerprint(settings)
            except TypeError as exc:
                logger.debug("social cache off for this build: %s", exc)
                self.enabled = False
        self.previous, self.previous_outputs = self._load() if self.enabled else ({}, {})
        self.current = {}
        self.current_outputs = {}
        self.changed = False

    # -- reading ------------------------------------------------------
    def _file(self):
        return datacache.CacheFile(self.path, "social-compose", FORMAT)

    def _load(self):
        enabled = gc.isenabled()
        # Thousands of small tuples: a full collection per batch would cost more than the load.
        gc.disable()
        try:
            def valid(body):
                if isinstance(body, dict):
                    for part in ("entries", "outputs"):
                        if isinstance(body.get(part), dict):
                            body[part] = {k: _as_tuples(v) for k, v in body[part].items()}
                return _valid(body)

            body = self._file().load(key=self.fingerprint, valid=valid)
        finally:
            if enabled:
                gc.enable()
        if body is None:
            return {}, {}
        return body["entries"], body["outputs"]

    def discard(self, exc):
        """A damaged entry found while replaying: forget the file (with a notice) and rebuild."""
        self._file().discard(exc)
        self.previous, self.previous_outputs = {}, {}
        self.changed = True

    def get(self, source, key, body_hash):
        """The cached events for `source` if its key matches, else None.
        `body_hash()` is called only when the entry depends on the body."""
        entry = self.previous.get(source)
        if entry is None or entry[0] != key:
            return None
        if entry[1] is not None and entry[1] != body_hash():
            return None
        self.current[source] = entry
        return entry[2]

    def output(self, name, key, produce):
        """The parts (bytes) of an output made from the posts: stored ones if
        `key` is unchanged, else `produce()`'s."""
        old = self.previous_outputs.get(name) if self.enabled else None
        if old is not None and old[0] == key:
            parts = old[1]
        else:
            parts = tuple(produce())
            self.changed = True
        if self.enabled:
            self.current_outputs[name] = (key, parts)
        return parts

    # -- writing ------------------------------------------------------
    def put(self, source, key, body, events):
        self.current[source] = (key, body, events)
        self.changed = True

    def save(self):
        """Write the entries of this build if anything changed (atomically)."""
        if not self.enabled:
            return
        if (
            not self.changed
            and self.current.keys() == self.previous.keys()
            and self.current_outputs.keys() == self.previous_outputs.keys()
        ):
            return
        # Written whether or not it works: the output is right either way, and
        # the next build composes again.
        self._file().save({"entries": self.current, "outputs": self.current_outputs}, key=self.fingerprint)
