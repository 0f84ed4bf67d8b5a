"""Reading: content parsed in parallel and cached by content hash.

Before Pelican's ArticlesGenerator and PagesGenerator read their files one by
one, this fills their reader cache (Pelican's own `Readers` cache, keyed by a
hash stamp of each file) with the parsed result, so Pelican takes it from
there and everything after reading (signals, content objects, plugins) stays
Pelican's. Results come from our cache when the file's bytes and the build's
fingerprint are unchanged, else they are parsed now, in forked workers when
there are enough of them. The warnings a file produced while being read are
stored with it and shown again on every build, so `invoke check` never
misses a problem because a file was cached. A file that fails to parse is
left to Pelican, which reports the error as usual.
"""

import functools
import hashlib
import logging
import os
import time

from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.urlwrappers import URLWrapper
from pelican.utils import slugify

from kit import child, pelican_door

from . import store, warm
from .settings import global_fingerprint

logger = logging.getLogger(__name__)
PARALLEL_MINIMUM = 32
WHAT_IS_READ = {ArticlesGenerator: ("ARTICLE_PATHS", "ARTICLE_EXCLUDES"),
                PagesGenerator: ("PAGE_PATHS", "PAGE_EXCLUDES")}


def _valid_entries(value):
    return isinstance(value, dict) and all(
        isinstance(k, str) and type(v) is bytes for k, v in value.items())


def _key(rel, data):
    return hashlib.blake2b(rel.encode() + b"\0" + data, digest_size=20).hexdigest()


def _file_key(rel, path):
    with open(path, "rb") as handle:
        return _key(rel, handle.read())


def _dumps(value):
    """Cache bytes of a parse result, or None when it holds a type the cache does not keep."""
    try:
        return store.encode_parsed(value)
    except TypeError as exc:
        logger.debug("speed: not cached (%s)", exc)
        return None


def _parse(readers, path):
    """(content, metadata, warnings) for one file, or None when it fails.

    The warnings are shown now and kept with the result, so a build that takes
    the result from the cache shows them again."""
    reader = readers.readers.get(path.rsplit(".", 1)[-1])
    if reader is None:
        return None
    with child.recording() as entries:
        try:
            content, metadata = reader.read(path)
        except Exception:  # noqa: BLE001 - Pelican reads it again and reports it
            return None
        # Pelican drops "discard" markers (e.g. an empty Tags: line) after reading;
        # cached data must look exactly like what Pelican would keep.
        metadata = {k: v for k, v in metadata.items() if type(v) is not object}
        _precompute_slugs(metadata, reader.settings)
    warnings = [[e.name, e.level, e.message] for e in entries if e.level >= logging.WARNING]
    return content, metadata, warnings


_SLUGS = {}


def forget_slugs():
    """Slug rules can change between builds (settings): start each build afresh."""
    _SLUGS.clear()


def _precompute_slugs(metadata, settings):
    """Slugs are 50 regex substitutions each; compute them once, keep them cached.

    Tags, categories and authors cache their slug on first use, so touching it
    here stores it with the cached result. The document's own slug is what
    Pelican's Content would compute from the title (same function, settings);
    skipped when typogrify would change the title before Pelican slugifies it.
    """
    for value in metadata.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, URLWrapper) and pelican_door.cached_slug(item) is None:
                # The same tag on a thousand articles is slugified once.
                key = (type(item), item.name)
                known = _SLUGS.get(key)
                if known is None:
                    known = _SLUGS[key] = item.slug
                else:
                    pelican_door.set_cached_slug(item, known)
    if ("slug" not in metadata and "title" in metadata and settings["SLUGIFY_SOURCE"] == "title"
            and not settings.get("TYPOGRIFY")):
        metadata["slug"] = slugify(
            metadata["title"], regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
            preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
            use_unicode=settings.get("SLUGIFY_USE_UNICODE", False))


def _parse_all(readers, paths, settings):
    """{path: cache bytes of the result} for the files that parse, in forked
    children when there are enough of them (kit.child)."""

    def parse(share):
        out = {}
        for path in share:
            parsed = _parse(readers, path)
            if parsed is not None:
                out[path] = _dumps(parsed)
        return out

    results = {}
    try:
        for part in child.split(parse, paths, workers=child.workers(settings.get("SPEED_WORKERS")),
                                minimum=PARALLEL_MINIMUM, what="speed: reading content"):
            results.update(part)
    except child.ChildFailed as exc:
        # A child died (killed, out of memory): Pelican reads what is missing itself.
        logger.debug("%s", exc)
    return results


def prefetch(generator):
    """generator_init handler for the articles and pages generators."""
    keys = next((v for cls, v in WHAT_IS_READ.items() if type(generator) is cls), None)
    settings = generator.settings
    if keys is None or not settings.get("SPEED_INCREMENTAL", True) or not pelican_door.is_open():
        return
    started = time.perf_counter()
    forget_slugs()
    readers = generator.readers
    files = sorted(generator.get_files(settings[keys[0]], exclude=settings[keys[1]],
                                       extensions=readers.extensions))
    name = f"read-{type(generator).__name__}"
    fingerprint = global_fingerprint(settings)
    is_warm = warm.enabled(settings)
    if is_warm:
        cached = warm.load(store.path(settings, name), fingerprint,
                           lambda: store.load(settings, name, fingerprint, valid=_valid_entries) or {})
    else:
        cached = store.load(settings, name, fingerprint, valid=_valid_entries) or {}
    fresh, wanted, missing = {}, {}, []
    for rel in files:
        path = os.path.abspath(os.path.join(generator.path, rel))
        if is_warm:
            key = warm.file_key(path, functools.partial(_file_key, rel, path))
        else:
            key = _file_key(rel, path)
        wanted[path] = key
        if key in cached:
            fresh[key] = cached[key]
        else:
            missing.append(path)
    parsed = _parse_all(readers, missing, settings)
    for path, data in parsed.items():
        if data is not None:
            fresh[wanted[path]] = data
    tags = store.parsed_tags(settings)
    for path, key in wanted.items():
        if key not in fresh:
            continue  # failed to parse or not cacheable: Pelican reads it and reports any problem
        try:
            if is_warm:
                content, metadata, warnings = warm.decoded(
                    name, key, functools.partial(store.decode_parsed, fresh[key], tags))
            else:
                content, metadata, warnings = store.decode_parsed(fresh[key], tags)
        except Exception as exc:  # noqa: BLE001 - a damaged entry is parsed again by Pelican
            logger.debug("speed: damaged cache entry for %s (%r); read again", path, exc)
            del fresh[key]
            continue
        if path not in parsed:  # parsed now: its warnings were shown as it was read
            child.replay([child.LogEntry(*warning) for warning in warnings])
        pelican_door.seed_reader_cache(readers, path, content, metadata)
    if is_warm:
        if fresh != cached:
            store.save(settings, name, fingerprint, fresh)
        warm.saved(store.path(settings, name), fingerprint, fresh)
        warm.keep_only(name, fresh)
    else:
        store.save(settings, name, fingerprint, fresh)
    logger.info("speed: %s: %d files, %d parsed, %d from cache in %.2f s", type(generator).__name__,
                len(files), len(parsed), len(files) - len(missing), time.perf_counter() - started)
