"""Cache files of the speed plugin: data only, checked before they are trusted.

Each file is a kit.datacache file keyed by the global fingerprint of the
build that wrote it: one written by other settings or code is outdated and
rebuilt; one that is damaged, foreign or of the wrong shape is discarded with
a notice and rebuilt, never used.

The parsed documents of the reading cache hold a few Pelican types besides
plain data (dates, tags, categories, authors); `encode_parsed` and
`decode_parsed` turn them into CBOR tags and back, and refuse every other
type, so a document with unexpected metadata is simply not cached.
"""

import datetime as dt
import os
import zoneinfo

import cbor2
from pelican.urlwrappers import Author, Category, Tag
from pelican.utils import SafeDatetime

from kit import datacache, pelican_door

FORMAT = 2
DATETIME_TAGS = {40100: SafeDatetime, 40101: dt.datetime}
TAG_OF_DATETIME = {cls: number for number, cls in DATETIME_TAGS.items()}
WRAPPER_TAGS = {40110: Tag, 40111: Category, 40112: Author}
TAG_OF_WRAPPER = {cls: number for number, cls in WRAPPER_TAGS.items()}


def cache_dir(settings):
    return os.path.join(settings["CACHE_PATH"], "speed")


def path(settings, name):
    return os.path.join(cache_dir(settings), f"{name}.cbor")


def _file(settings, name):
    return datacache.CacheFile(path(settings, name), f"speed-{name}", FORMAT,
                               project=settings.get("PATH") or ".")


def load(settings, name, fingerprint, valid=None):
    """The cached value, or None when missing, outdated, foreign, damaged or of the wrong shape."""
    return _file(settings, name).load(key=fingerprint, valid=valid)


def save(settings, name, fingerprint, value):
    return _file(settings, name).save(value, key=fingerprint)


# -- parsed documents ---------------------------------------------------------


def _zone(tzinfo):
    if tzinfo is None:
        return None
    if isinstance(tzinfo, zoneinfo.ZoneInfo):
        return tzinfo.key
    offset = tzinfo.utcoffset(None)
    if isinstance(tzinfo, dt.timezone) and offset is not None:
        return int(offset.total_seconds())
    raise TypeError(f"time zone {tzinfo!r} is not cached")


def _encode_datetime(encoder, value):
    encoder.encode(cbor2.CBORTag(TAG_OF_DATETIME[type(value)], [
        value.replace(tzinfo=None).isoformat(), _zone(value.tzinfo), value.fold]))


def _encode_wrapper(encoder, value):
    encoder.encode(cbor2.CBORTag(TAG_OF_WRAPPER[type(value)], pelican_door.wrapper_state(value)))


ENCODERS = {**dict.fromkeys(TAG_OF_DATETIME, _encode_datetime),
            **dict.fromkeys(TAG_OF_WRAPPER, _encode_wrapper)}


def encode_parsed(parsed):
    """CBOR bytes of (content, metadata, warnings); TypeError for types it does not know."""
    return datacache.encode(parsed, ENCODERS)


def _datetime_maker(cls):
    def make(value):
        text, zone, fold = value
        moment = cls.fromisoformat(text).replace(fold=fold)
        if isinstance(zone, str):
            return moment.replace(tzinfo=zoneinfo.ZoneInfo(zone))
        if isinstance(zone, int):
            return moment.replace(tzinfo=dt.timezone(dt.timedelta(seconds=zone)))
        return moment
    return make


def _wrapper_maker(cls, settings):
    def make(value):
        if not (isinstance(value, (list, tuple)) and len(value) == 3):
            raise datacache.CacheShapeError("not a tag, category or author")
        return pelican_door.wrapper_from_state(cls, settings, list(value))
    return make


def parsed_tags(settings):
    tags = {number: (cls, _datetime_maker(cls)) for number, cls in DATETIME_TAGS.items()}
    tags.update({number: (cls, _wrapper_maker(cls, settings)) for number, cls in WRAPPER_TAGS.items()})
    return tags


def decode_parsed(data, tags):
    """(content, metadata, warnings) from `encode_parsed` bytes; raises when damaged."""
    content, metadata, warnings = datacache.decode(data, tags)
    if not (isinstance(content, str) and isinstance(metadata, dict) and isinstance(warnings, list)
            and all(isinstance(k, str) for k in metadata)
            and all(isinstance(w, list) and len(w) == 3 and isinstance(w[0], str)
                    and type(w[1]) is int and isinstance(w[2], str) for w in warnings)):
        raise datacache.CacheShapeError("not a parsed document")
    return content, metadata, warnings
