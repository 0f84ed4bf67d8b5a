"""What a warm process keeps in memory between builds (the live-reload server).

A build normally starts from the disk: it reads its caches, decodes every
cached document and hashes every content file. The live-reload server runs
many builds in one process, so with the setting SPEED_WARM it keeps those
results in memory instead: the cache files' contents (still written to disk
after each build, for the next cold start), every decoded document, and each
content file's key by its stat (size, mtime, inode), so an unchanged file is
neither read nor hashed again.

A document is handed out as a fresh (content, metadata, warnings) every
build: metadata values that are lists are copied, because plugins extend a
document's tag list in place; the tags, dates and strings in them are not
changed by anyone and are shared.
"""

import os

_files = {}  # cache file path → (key, value)
_decoded = {}  # reading cache name → {cache key of a document → (content, metadata, warnings)}
_keys = {}  # content file path → ((size, mtime_ns, inode), cache key)


def enabled(settings):
    return bool(settings.get("SPEED_WARM"))


def forget():
    """Start cold (tests; settings or code that changed)."""
    _files.clear()
    _decoded.clear()
    _keys.clear()


def load(path, key, read):
    """The cache file's value for `key`: kept in memory, else `read()`."""
    kept = _files.get(path)
    if kept is not None and kept[0] == key:
        return kept[1]
    value = read()
    _files[path] = (key, value)
    return value


def saved(path, key, value):
    _files[path] = (key, value)


def file_key(path, compute):
    """The cache key of a content file, computed only when its stat changed."""
    stat = os.stat(path)
    signature = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    known = _keys.get(path)
    if known is not None and known[0] == signature:
        return known[1]
    key = compute()
    _keys[path] = (signature, key)
    return key


def decoded(name, key, decode):
    """A fresh copy of a decoded document (see the module docstring)."""
    documents = _decoded.setdefault(name, {})
    found = documents.get(key)
    if found is None:
        found = documents[key] = decode()
    content, metadata, warnings = found
    return content, {k: list(v) if type(v) is list else v for k, v in metadata.items()}, warnings


def keep_only(name, keys):
    """Drop decoded documents the build no longer uses (deleted or edited files)."""
    documents = _decoded.get(name, {})
    for key in set(documents) - set(keys):
        del documents[key]
