"""Analysis results kept between builds, keyed by a hash of taxonomy and text.

A rebuild where a text did not change then costs one hash instead of one
analysis. Keys are content hashes, never modification times (a fresh CI
checkout has new mtimes everywhere). A file that cannot be read or was written
by something else is discarded with a warning and rebuilt, never trusted.
"""

import logging
import os
import pickle
import tempfile

logger = logging.getLogger(__name__)

FORMAT = "nordlicht-topics-cache-1"
FILENAME = "analysis.pickle"


def cache_dir(settings):
    configured = settings.get("TOPICS_CACHE_PATH")
    if configured:
        return configured
    return os.path.join(settings.get("CACHE_PATH") or "cache", "topics")


def load(directory, engine_fingerprint):
    """Entries for this engine, or {} (missing, foreign, corrupt or outdated file)."""
    path = os.path.join(directory, FILENAME)
    try:
        with open(path, "rb") as handle:
            data = pickle.load(handle)
    except FileNotFoundError:
        return {}
    except Exception as exc:  # noqa: BLE001 - any unreadable cache is discarded
        logger.warning("%s: cache: unreadable (%s); expected a topics cache, discarded and rebuilt",
                       path, type(exc).__name__)
        return {}
    if not (isinstance(data, dict) and data.get("format") == FORMAT
            and isinstance(data.get("entries"), dict)):
        logger.warning("%s: cache: not written by the topics plugin; discarded and rebuilt", path)
        return {}
    if data.get("engine") != engine_fingerprint:
        logger.info("%s: taxonomy or matcher changed; topics are computed afresh", path)
        return {}
    entries = data["entries"]
    if not all(isinstance(v, dict) and "topics" in v for v in entries.values()):
        logger.warning("%s: cache: damaged entries; discarded and rebuilt", path)
        return {}
    return entries


def save(directory, engine_fingerprint, entries):
    """Write atomically: a half-written cache must never be read back."""
    os.makedirs(directory, exist_ok=True)
    data = {"format": FORMAT, "engine": engine_fingerprint, "entries": entries}
    handle = tempfile.NamedTemporaryFile("wb", dir=directory, prefix=".analysis-", delete=False)
    try:
        with handle:
            pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, os.path.join(directory, FILENAME))
    except BaseException:
        try:
            os.unlink(handle.name)
        except OSError:
            pass
        raise
