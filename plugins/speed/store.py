"""Cache files of the speed plugin: checked before they are trusted.

Each file starts with a header (magic, format version, the global
fingerprint of the build that wrote it). A file from another project,
another version of the plugins or settings, or one that does not unpickle
is discarded with a warning and rebuilt, never used. Files are written to a
temporary name and renamed, so a killed build never leaves half a cache.
"""

import logging
import os
import pickle
import tempfile

logger = logging.getLogger(__name__)
MAGIC = b"NLSPEED1"
FORMAT = 1


def cache_dir(settings):
    return os.path.join(settings.get("CACHE_PATH") or "cache", "speed")


def _project(settings):
    """Which content tree a cache belongs to."""
    return os.path.abspath(settings.get("PATH") or ".")


def _path(settings, name):
    return os.path.join(cache_dir(settings), f"{name}.pickle")


def load(settings, name, fingerprint, persistent_load=None):
    """The cached object, or None when missing, foreign or corrupt."""
    path = _path(settings, name)
    try:
        handle = open(path, "rb")
    except OSError:
        return None
    with handle:
        try:
            if handle.read(len(MAGIC)) != MAGIC:
                raise ValueError("not a cache file of this project")
            unpickler = pickle.Unpickler(handle)
            if persistent_load is not None:
                unpickler.persistent_load = persistent_load
            header = unpickler.load()
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise ValueError("unknown cache format")
            if header.get("project") != _project(settings):
                raise ValueError("written for another project")
            if header.get("fingerprint") != fingerprint:
                logger.debug("%s: written for other settings or code; rebuilding", path)
                return None
            return unpickler.load()
        except Exception as exc:  # noqa: BLE001 - any damage means: do not trust it
            logger.warning("%s: cache is corrupt or foreign (%s); discarded and rebuilt",
                           path, exc.__class__.__name__ + (f": {exc}" if str(exc) else ""))
    try:
        os.unlink(path)
    except OSError:
        pass
    return None


def save(settings, name, fingerprint, value, persistent_id=None):
    folder = cache_dir(settings)
    os.makedirs(folder, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{name}-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC)
            pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
            if persistent_id is not None:
                pickler.persistent_id = persistent_id
            pickler.dump({"format": FORMAT, "project": _project(settings), "fingerprint": fingerprint})
            pickler.dump(value)
        os.replace(temporary, _path(settings, name))
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
