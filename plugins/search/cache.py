"""What the search step keeps between builds, in CACHE_PATH/search/index.pickle.

- the stand-in page of every document (packed, standins.pack), by a hash of
  its written page and its search metadata: a page that did not change is neither parsed nor split
  into compounds again;
- the compound terms of every stand-in page;
- the compound parts of every word seen (compounds.split is a pure function
  of the word): a changed page rarely brings a new word, so an incremental
  build does not even load the word lists.

The file starts with a magic string and a header naming the format, the
project and the versions of everything that shapes its content (this
plugin's rules, Pagefind, simplemma, wordfreq). A file that does not match is
ignored; one that cannot be read is discarded with a warning, never trusted.
It is written to a temporary name and renamed, so a killed build never leaves
half a file.
"""

import logging
import os
import pickle
import tempfile
from importlib import metadata

logger = logging.getLogger(__name__)

MAGIC = b"NLSEARCH"
FORMAT = 1
FILE = "index.pickle"


def package_version(*names):
    for name in names:
        try:
            return f"{name} {metadata.version(name)}"
        except metadata.PackageNotFoundError:
            continue
    return f"{names[0]} ?"


def _path(settings):
    return os.path.join(settings.get("CACHE_PATH") or "cache", "search", FILE)


def _header(settings, rules):
    project = os.path.abspath(settings.get("PATH") or ".")
    return {"format": FORMAT, "project": project, "rules": rules}


def load(settings, rules):
    """The cached dict, or {} when missing, written under other rules, foreign or corrupt."""
    path = _path(settings)
    try:
        handle = open(path, "rb")
    except OSError:
        return {}
    with handle:
        try:
            if handle.read(len(MAGIC)) != MAGIC:
                raise ValueError("not a cache file of the search plugin")
            unpickler = pickle.Unpickler(handle)
            header = unpickler.load()
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise ValueError("unknown cache format")
            if header != _header(settings, rules):
                logger.debug("%s: written for another project or other rules; rebuilding", path)
                return {}
            value = unpickler.load()
            if not isinstance(value, dict) or not all(
                    isinstance(value.get(key), dict) for key in ("pages", "terms", "words")) or not all(
                    page is None or type(page) is bytes for page in value["pages"].values()):
                raise ValueError("unexpected content")
            return value
        except Exception as exc:  # noqa: BLE001 - any damage means: do not trust it
            logger.warning("%s: cache is corrupt or foreign (%s); discarded and rebuilt",
                           path, exc.__class__.__name__ + (f": {exc}" if str(exc) else ""))
    try:
        os.unlink(path)
    except OSError:
        pass
    return {}


def save(settings, rules, value):
    path = _path(settings)
    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".index-", dir=folder)
    except OSError as exc:
        logger.warning("%s: could not write the search cache (%s)", path, exc)
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC)
            pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.dump(_header(settings, rules))
            pickler.dump(value)
        os.replace(temporary, path)
    except BaseException as exc:
        if os.path.exists(temporary):
            os.unlink(temporary)
        if not isinstance(exc, OSError):
            raise
        logger.warning("%s: could not write the search cache (%s)", path, exc)
