"""What the search step keeps between builds, in CACHE_PATH/search/index.cbor.

- the stand-in page of every document (packed, standins.pack), by a hash of
  its written page and its search metadata: a page that did not change is neither parsed nor split
  into compounds again;
- the compound terms of every stand-in page;
- the compound parts of every word seen (compounds.split is a pure function
  of the word): a changed page rarely brings a new word, so an incremental
  build does not even load the word lists.

It is a kit.datacache file (CBOR data, never code) keyed by the versions of
everything that shapes its content (this plugin's rules, Pagefind, simplemma,
wordfreq): a file written under other rules is outdated and rebuilt; one that
is damaged, foreign or of the wrong shape is discarded with a notice.
"""

import os
from importlib import metadata

from kit import datacache

FORMAT = 2
FILE = "index.cbor"


def package_version(*names):
    for name in names:
        try:
            return f"{name} {metadata.version(name)}"
        except metadata.PackageNotFoundError:
            continue
    return f"{names[0]} ?"


def _file(settings):
    return datacache.CacheFile(os.path.join(settings["CACHE_PATH"], "search", FILE), "search-index",
                               FORMAT, project=settings.get("PATH") or ".")


def _valid(value):
    if not (isinstance(value, dict) and all(isinstance(value.get(k), dict) for k in ("pages", "terms", "words"))):
        return False
    return (all(type(k) is bytes and (page is None or type(page) is bytes) for k, page in value["pages"].items())
            and all(type(d) is bytes and isinstance(t, str) for d, t in value["terms"].items())
            and all(isinstance(w, str) and isinstance(parts, list) and all(isinstance(x, str) for x in parts)
                    for w, parts in value["words"].items()))


def load(settings, rules):
    """The cached dict, or {} when missing, written under other rules, foreign or damaged."""
    return _file(settings).load(key=list(rules), valid=_valid) or {}


def save(settings, rules, value):
    _file(settings).save(value, key=list(rules))
