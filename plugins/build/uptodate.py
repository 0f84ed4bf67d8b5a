"""Skip a build whose inputs have not changed since the last good one.

The inputs are everything a build reads: the settings, every file under the
content folder, the theme and the plugins (by content hash, never by mtime),
the versions of the installed Python packages and the build's "now" when it
is fixed (SITE_NOW). When they hash to the same value as the last successful
build, `output/` is still the tree that build wrote, and time has not moved
past the moment its output would change, the build is skipped: the result
would be byte for byte the same.

Plugins whose output depends on the clock say until when their output holds
by lowering the setting BUILD_VALID_UNTIL (an aware datetime) during the
build; when "now" is not fixed, a build after that moment is never skipped.
The problems (warnings) of the skipped build are reported again, so a strict
`invoke check` still fails on them.
"""

import datetime as dt
import hashlib
import importlib.metadata
import json
import logging
import os
import re
import sys

from german.dates import NOW_ENVIRONMENT_VARIABLE, parse_datetime, site_now
from kit import atomic
from kit.problems import notice

logger = logging.getLogger(__name__)

STAMP_VERSION = 1
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _stable(value):
    """A repr that is the same in every process for the same settings value."""
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda i: repr(i[0]))
        return "{" + ",".join(f"{_stable(k)}:{_stable(v)}" for k, v in items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_stable(v) for v in value) + "]"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(_stable(v) for v in value)) + "}"
    if callable(value) and hasattr(value, "__qualname__"):
        return f"<{getattr(value, '__module__', '')}.{value.__qualname__}>"
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return f"<{type(value).__qualname__} {_stable(vars(value))}>"
    return _ADDRESS.sub("", repr(value))


def _hash_tree(digest, root):
    if not root or not os.path.exists(root):
        digest.update(f"missing:{root}".encode())
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        # A symbolic link is hashed by where it points (a linked folder is not
        # walked: what it holds either lies in this tree or is refused by the build).
        for name in dirs + sorted(files):
            path = os.path.join(folder, name)
            if name.endswith((".pyc", "~")) or (name in dirs and not os.path.islink(path)):
                continue
            digest.update(os.path.relpath(path, root).encode() + b"\0")
            if os.path.islink(path):
                digest.update(b"link:" + os.fsencode(os.readlink(path)) + b"\0")
                if name in dirs:
                    continue
            try:
                with open(path, "rb") as handle:
                    digest.update(hashlib.blake2b(handle.read(), digest_size=16).digest())
            except OSError as exc:  # the build itself reports the unreadable file
                digest.update(f"unreadable:{exc.errno}".encode())


def input_fingerprint(settings):
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"v{STAMP_VERSION};python {sys.version}".encode())
    digest.update(_stable(dict(settings.items())).encode())
    digest.update(f"now={os.environ.get(NOW_ENVIRONMENT_VARIABLE, '')}".encode())
    versions = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    digest.update(";".join(versions).encode())
    roots = [settings["PATH"], settings["THEME"]]
    for base in settings["PLUGIN_PATHS"]:  # the plugins this build loads
        roots += [os.path.join(base, name) for name in sorted(settings["PLUGINS"] or [])
                  if isinstance(name, str) and os.path.isdir(os.path.join(base, name))]
    for root in roots:
        digest.update(f"tree:{root}".encode())
        _hash_tree(digest, root and os.path.abspath(root))
    return digest.hexdigest()


def output_signature(output):
    """Cheap identity of an output tree: its inode plus count, size and newest
    mtime of its files (a file changed or removed by hand changes it)."""
    try:
        root = os.stat(output)
    except OSError:
        return None
    files = size = newest = 0
    for folder, _, names in os.walk(output):
        for name in names:
            stat = os.stat(os.path.join(folder, name))
            files += 1
            size += stat.st_size
            newest = max(newest, stat.st_mtime_ns)
    return [root.st_ino, files, size, newest]


def stamp_path(settings):
    return os.path.join(settings["CACHE_PATH"], "build", "stamp.json")


def _valid(stamp):
    problems = stamp.get("problems")
    output = stamp.get("output")
    until = stamp.get("valid_until")
    return (isinstance(stamp.get("inputs"), str)
            and (output is None or (isinstance(output, list) and all(type(n) is int for n in output)))
            and (until is None or isinstance(until, str))
            and isinstance(problems, list)
            and all(isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p)
                    for p in problems))


def load(settings):
    """The stamp of the last good build, or None (missing, older format or damaged)."""
    path = stamp_path(settings)
    try:
        with open(path, encoding="utf-8") as handle:
            stamp = json.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        notice(logger, "%s: build stamp unreadable (%s); discarded, this build runs in full",
               path, type(exc).__name__)
        return None
    if not isinstance(stamp, dict) or stamp.get("version") != STAMP_VERSION:
        return None
    if not _valid(stamp):
        notice(logger, "%s: build stamp damaged; discarded, this build runs in full", path)
        return None
    return stamp


def fixed_now(settings):
    return bool(settings.get("SITE_NOW") or os.environ.get(NOW_ENVIRONMENT_VARIABLE))


def still_valid(stamp, fingerprint, output, settings):
    """True when a build with these inputs would write exactly `output` again."""
    if not stamp or stamp.get("inputs") != fingerprint:
        return False
    if stamp.get("output") != output_signature(output):
        return False
    until = stamp.get("valid_until")
    if until and not fixed_now(settings):
        try:
            expires = parse_datetime(until)
        except (TypeError, ValueError):
            return False
        if site_now(settings) >= expires:
            return False
    return True


def save(settings, fingerprint, output, valid_until, problems):
    """Record the good build; raises OSError when the stamp cannot be written."""
    path = stamp_path(settings)
    stamp = {
        "version": STAMP_VERSION,
        "inputs": fingerprint,
        "output": output_signature(output),
        "valid_until": valid_until.isoformat() if isinstance(valid_until, dt.datetime) else None,
        "problems": problems,
    }
    atomic.write_text(path, json.dumps(stamp))


def forget(settings):
    """No stamp: the next build runs in full (after the output changed without one)."""
    try:
        os.unlink(stamp_path(settings))
    except OSError:
        pass
