"""Cache files that are data only, checked before they are trusted.

CI restores caches from earlier runs, in a job that holds deploy and posting
credentials, so reading a cache must never run code. A cache file here is
CBOR (RFC 8949): a magic line, then a header item and a value item. CBOR
decodes to plain values; the few types a caller needs beyond them (e.g. a
datetime) are tags the caller registers with a constructor, and any other tag
fails the load. After decoding, the value is walked once: anything but None,
bool, int, float, str, bytes, list, dict or a registered type fails too.

The header names what the file is (`kind`), the format `version`, the
project it belongs to and the `key` of the inputs it was computed from. Then:

- missing file: None, silently;
- another version or key: None (outdated, rebuilt; a debug line);
- anything else wrong (not CBOR, truncated, a foreign kind or project, a
  value of the wrong shape, random bytes): the file is deleted, one notice
  names it (shown, never failing a build, strict or not), and None tells the
  caller to compute afresh — the output is the same as with no cache at all.

Writing goes through a temporary file and a rename (kit.atomic); a cache
that cannot be written is reported once as a notice and the build goes on.
"""

import io
import logging
import os

import cbor2

from . import atomic
from .problems import notice

logger = logging.getLogger(__name__)

MAGIC = b"NLKIT-CBOR-1\n"
PLAIN = (type(None), bool, int, float, str, bytes)


class CacheShapeError(ValueError):
    """The decoded value is not what the caller stores in this cache."""


def _the_tag(args):
    """The CBORTag among a tag hook's arguments (cbor2 releases differ in their order)."""
    return next(a for a in args if isinstance(a, cbor2.CBORTag))


def _refuse_tag(*args):
    raise CacheShapeError(f"unexpected CBOR tag {_the_tag(args).tag}")


def _check_plain(value, allowed):
    """Walk the decoded value: only plain data and the registered types."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind in PLAIN or kind in allowed:
            continue
        if kind is list:
            stack.extend(item)
        elif kind is dict:
            stack.extend(item.keys())
            stack.extend(item.values())
        else:
            raise CacheShapeError(f"unexpected {kind.__name__} in the cache")


def _tag_hook(tags):
    def hook(*args):
        tag = _the_tag(args)
        entry = tags.get(tag.tag)
        if entry is None:
            raise CacheShapeError(f"unexpected CBOR tag {tag.tag}")
        return entry[1](tag.value)
    return hook


def decode(data, tags=None):
    """Plain data from CBOR bytes; raises on anything else.

    `tags` maps a CBOR tag number to (type, constructor): the constructor turns
    the tagged value back into that type, the only non-plain type allowed.
    """
    tags = tags or {}
    value = cbor2.loads(data, tag_hook=_tag_hook(tags))
    _check_plain(value, {kind for kind, _make in tags.values()})
    return value


def _dump(value, handle, encoders=None):
    """`encode`, written into an open file."""
    try:
        cbor2.dump(value, handle, encoders=encoders, default=_refuse_type)
    except cbor2.CBOREncodeError as exc:
        raise TypeError(str(exc)) from exc


def encode(value, encoders=None):
    """CBOR bytes of plain data. `encoders` maps a type to `fn(encoder, obj)` that
    encodes it as `encoder.encode(cbor2.CBORTag(number, plain value))`; any other
    type fails with TypeError (never pickled, never guessed)."""
    buffer = io.BytesIO()
    _dump(value, buffer, encoders)
    return buffer.getvalue()


def _refuse_type(encoder, value):
    raise TypeError(f"{type(value).__name__} cannot be kept in a data cache")


class CacheFile:
    """One cache file: `load()` a checked value or None, `save(value)`."""

    def __init__(self, path, kind, version, *, project=None, tags=None, encoders=None):
        self.path = path
        self.kind = kind
        self.version = version
        self.project = os.path.abspath(project) if project else None
        self.tags = tags
        self.encoders = encoders

    def _header(self, key):
        return {"kind": self.kind, "version": self.version, "project": self.project, "key": key}

    def load(self, key=None, valid=None):
        """The stored value if it was written for `key` and `valid(value)` holds, else None."""
        try:
            handle = open(self.path, "rb")
        except FileNotFoundError:
            return None
        except OSError as exc:
            notice(logger, "%s: cache cannot be read (%s); expected a readable file, "
                   "the build computes it afresh", self.path, exc.strerror or exc)
            return None
        try:
            with handle:
                data = handle.read()
            if not data.startswith(MAGIC):
                raise CacheShapeError("not a cache file of this project")
            tags = self.tags or {}
            decoder = cbor2.CBORDecoder(io.BytesIO(memoryview(data)[len(MAGIC):]),
                                        tag_hook=_tag_hook(tags))
            header = decoder.decode()
            if not isinstance(header, dict) or header.get("kind") != self.kind:
                raise CacheShapeError(f"not a {self.kind} cache")
            if header.get("project") != self.project:
                raise CacheShapeError("written for another project")
            if header.get("version") != self.version or header.get("key") != key:
                logger.debug("%s: written by other code or for other inputs; rebuilt", self.path)
                return None
            value = decoder.decode()
            _check_plain(value, {kind for kind, _make in tags.values()})
            if valid is not None and not valid(value):
                raise CacheShapeError("unexpected content")
            return value
        except Exception as exc:  # noqa: BLE001 - any damage means: do not trust it
            self.discard(exc)
            return None

    def discard(self, reason):
        """Delete a damaged file with one notice (also for damage found later by the caller)."""
        detail = reason if isinstance(reason, str) else (
            type(reason).__name__ + (f": {reason}" if str(reason) else ""))
        notice(logger, "%s: cache is damaged or foreign (%s); discarded, the build computes it afresh",
               self.path, detail)
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def save(self, value, key=None):
        """Write atomically; False (with one notice) when the file system refuses.
        Encoded straight into the file: a cache of 20 MB never exists in memory
        as bytes (and a copy of them) beside the values it is made of."""
        try:
            with atomic.replacing(self.path) as handle:
                handle.write(MAGIC)
                _dump(self._header(key), handle)
                _dump(value, handle, self.encoders)
        except OSError as exc:
            notice(logger, "%s: cache could not be written (%s); the next build computes it afresh. "
                   "Expected a writable folder with free space", self.path, exc.strerror or exc)
            return False
        return True
