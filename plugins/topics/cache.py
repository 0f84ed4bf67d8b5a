"""What topics keeps between builds, under <CACHE_PATH>/topics/.

- `analysis.cbor`: the numbers of every analysis (scores, places) by content
  key, a hash of engine and text; small, read at the start of every build.
- `evidence-<shard>-<token>.cbor`: the matched words and sentences (nine
  tenths of the bytes), packed as the engine keeps them, in 16 shards by the key's first hex digit, read only
  when the report needs them; an edit rewrites one shard, not all. The
  summary names the shard files it belongs with, so a crash between writes
  never pairs a summary with other shards.
- `lemmas.cbor`: every answer simplemma gave (word form → lemma, word →
  known), so that a rebuild only loads simplemma's dictionary (about a
  second) when a word never seen before must be looked up.
- `report.cbor`: fingerprints of the last report (report.py).
- `related.cbor`: the related documents of the last build (related.py).

Keys are content hashes, never modification times (a fresh CI checkout has
new mtimes everywhere). Every file is a kit.datacache file: CBOR data, never
code, written to a temporary file and renamed. A file that cannot be read,
was written by something else or holds the wrong shape is discarded with a
notice and rebuilt, never trusted; one written by other code or for another
taxonomy is simply outdated and replaced.
"""

import logging
import os
import secrets

from german import lemmas
from kit import datacache

from . import engine as engine_module

logger = logging.getLogger(__name__)

FORMAT = 4
FILENAME = "analysis.cbor"
LEMMAS = "lemmas.cbor"
REPORT = "report.cbor"
EVIDENCE_PREFIX = "evidence-"
SHARDS = "0123456789abcdef"


def cache_dir(settings):
    """TOPICS_CACHE_PATH, else the topics folder in the site's CACHE_PATH."""
    return settings["TOPICS_CACHE_PATH"] or os.path.join(settings["CACHE_PATH"], "topics")


def shard_of(key):
    return key[:1]


# -- files -------------------------------------------------------------------


def _file(path, kind):
    return datacache.CacheFile(path, f"topics-{kind}", FORMAT)


def read(path, kind, key=None):
    """The dict stored at `path` if it is a topics cache file of `kind` written
    for `key` (e.g. the engine's fingerprint), else None.

    Missing or outdated: None, silently. Damaged or foreign: None and a notice.
    """
    return _file(path, kind).load(key=key, valid=lambda value: isinstance(value, dict))


def discard(path, kind, reason):
    """A file whose content turned out not to fit: deleted with a notice."""
    _file(path, kind).discard(reason)


def write(path, data, key=None):
    """Write atomically (a half-written cache is never read back); False with a
    notice when the file system refuses: the next build computes it again."""
    return _file(path, data["kind"]).save(data, key=key)


# -- analyses ----------------------------------------------------------------


def _valid_numbers(entries):
    """{key: {"words": n, "topics": {slug: {"score": x, "places": n, "title": bool}}}}"""
    return isinstance(entries, dict) and all(
        isinstance(k, str) and isinstance(v, dict) and type(v.get("words")) is int
        and isinstance(v.get("topics"), dict)
        and all(isinstance(slug, str) and isinstance(data, dict)
                and all(type(x) in (int, float, bool) for x in data.values())
                for slug, data in v["topics"].items())
        for k, v in entries.items())


def _valid_shards(shards):
    return isinstance(shards, dict) and all(
        isinstance(shard, str) and len(shard) == 1 and shard in SHARDS
        and isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)
        and value[0].isalnum() and isinstance(value[1], list) and all(isinstance(k, str) for k in value[1])
        for shard, value in shards.items())


class AnalysisStore:
    """The analyses of one engine on disk: numbers at once, evidence on demand."""

    def __init__(self, directory, engine_fingerprint):
        self.directory = directory
        self.fingerprint = engine_fingerprint
        self.shards = {}  # shard → (file token, frozenset of keys it holds)
        self.loaded = {}  # shard → {key: packed evidence} read in this process

    def path(self, name):
        return os.path.join(self.directory, name)

    def _shard_file(self, shard, token):
        return self.path(f"{EVIDENCE_PREFIX}{shard}-{token}.cbor")

    def load(self):
        """{key: analysis without evidence} for this engine, or {}."""
        self.shards, self.loaded = {}, {}
        path = self.path(FILENAME)
        data = read(path, "analysis", key=self.fingerprint)  # another taxonomy or matcher: None
        if data is None:
            return {}
        entries, shards = data.get("entries"), data.get("shards")
        if not (_valid_numbers(entries) and _valid_shards(shards)):
            discard(path, "analysis", "damaged entries")
            return {}
        try:
            present = set(os.listdir(self.directory))
        except OSError:
            present = set()
        for shard, (token, keys) in shards.items():
            if os.path.basename(self._shard_file(shard, token)) in present:
                self.shards[shard] = (token, frozenset(keys))
        return entries

    def evidence(self, keys):
        """{key: evidence} for those of `keys` whose evidence is on disk."""
        found = {}
        for shard in sorted({shard_of(k) for k in keys}):
            stored = self._load_shard(shard)
            for key in keys:
                if shard_of(key) == shard and key in stored:
                    try:
                        found[key] = engine_module.unpack_evidence(stored[key])
                    except Exception:  # noqa: BLE001 - damaged: the text is analysed again
                        discard(self._shard_file(shard, self.shards[shard][0]), "evidence",
                                "damaged evidence")
                        stored.pop(key)
        return found

    def _load_shard(self, shard):
        if shard in self.loaded:
            return self.loaded[shard]
        stored = {}
        if shard in self.shards:
            token, keys = self.shards[shard]
            path = self._shard_file(shard, token)
            data = read(path, "evidence", key=self.fingerprint)
            entries = data.get("entries") if data else None
            if data is not None and (data.get("engine") != self.fingerprint or not isinstance(entries, dict)
                                     or set(entries) != keys
                                     or not all(type(v) is bytes for v in entries.values())):
                discard(path, "evidence", f"does not belong with {FILENAME}")
                entries = None
            if entries is None:
                self.shards.pop(shard)  # rewritten at the next save
            else:
                stored = entries
        self.loaded[shard] = stored
        return stored

    def _changed_shards(self, keys):
        wanted = {}
        for key in keys:
            wanted.setdefault(shard_of(key), set()).add(key)
        return wanted, [s for s in SHARDS
                        if wanted.get(s, set()) != (self.shards[s][1] if s in self.shards else set())]

    def files(self):
        """The files this store reads and writes: the numbers and the shards it knows."""
        return [self.path(FILENAME)] + [self._shard_file(s, t) for s, (t, _k) in sorted(self.shards.items())]

    def adopt(self, shards):
        """The shard map another process wrote (State.join_background): shards
        read here whose file was replaced are read again when needed."""
        for shard in list(self.loaded):
            if self.shards.get(shard) != shards.get(shard):
                del self.loaded[shard]
        self.shards = dict(shards)

    def keep_readable(self, keys):
        """Read now the shards save(keys) will replace: save() deletes their files, and a
        save in a background process must not pull them from under this process."""
        for shard in self._changed_shards(keys)[1]:
            self._load_shard(shard)

    def needs_save(self, keys):
        """Would save() with these keys write anything?"""
        return bool(self._changed_shards(keys)[1]) or not os.path.exists(self.path(FILENAME))

    def save(self, analyses, packed=None):
        """Keep exactly `analyses` ({key: analysis}); rewrite only what changed.

        An analysis without evidence takes it from `packed` ({key: packed
        evidence}, the engine's) or keeps the evidence its shard has on disk;
        where there is none (a lost shard), the key stays in the numbers and its
        evidence is computed again when the report needs it. False when nothing
        had to be written.
        """
        wanted, changed = self._changed_shards(analyses)
        if not changed and os.path.exists(self.path(FILENAME)):
            return False
        new_shards, obsolete = dict(self.shards), []
        for shard in changed:
            old = new_shards.pop(shard, None)
            if old is not None:
                obsolete.append(self._shard_file(shard, old[0]))
            keys = wanted.get(shard)
            if not keys:
                continue
            stored, entries = None, {}
            for key in sorted(keys):
                analysis = analyses[key]
                if engine_module.has_evidence(analysis):
                    entries[key] = engine_module.split_packed(analysis)[1]
                elif packed and key in packed:
                    entries[key] = packed[key]
                else:
                    if stored is None:
                        stored = self._load_shard(shard)
                    if key in stored:
                        entries[key] = stored[key]
            token = secrets.token_hex(6)
            write(self._shard_file(shard, token),
                  {"format": FORMAT, "kind": "evidence", "engine": self.fingerprint, "entries": entries},
                  key=self.fingerprint)
            new_shards[shard] = (token, frozenset(entries))
        numbers = {key: engine_module.split_evidence(a)[0] if engine_module.has_evidence(a) else a
                   for key, a in analyses.items()}
        write(self.path(FILENAME), {"format": FORMAT, "kind": "analysis", "engine": self.fingerprint,
                                    "entries": numbers,
                                    "shards": {s: [t, sorted(k)] for s, (t, k) in new_shards.items()}},
              key=self.fingerprint)
        self.shards = new_shards
        keep = {os.path.basename(self._shard_file(s, t)) for s, (t, _k) in new_shards.items()}
        try:
            names = os.listdir(self.directory)
        except OSError:
            names = []
        for name in names:  # shards of earlier builds, of another taxonomy or of a crashed build
            if name.startswith(EVIDENCE_PREFIX) and name not in keep:
                obsolete.append(self.path(name))
        for path in set(obsolete):
            try:
                os.unlink(path)
            except OSError:
                pass
        return True


# -- lemmas ------------------------------------------------------------------


def load_lemmas(directory):
    """Take the stored simplemma answers into german.lemmas.

    Returns how many (lemmas, known) answers the file holds: the memo holds at
    least those, and the file is written again when the memo has more.
    """
    path = os.path.join(directory, LEMMAS)
    data = read(path, "lemmas", key=lemmas.memo_fingerprint())  # outdated: None, looked up afresh
    if data is not None:
        found, known = data.get("lemmas"), data.get("known")
        if (isinstance(found, dict) and isinstance(known, dict)
                and all(type(k) is str and type(v) is str for k, v in found.items())
                and all(type(k) is str and type(v) is bool for k, v in known.items())):
            lemmas.remember(found, known)
            return len(found), len(known)
        discard(path, "lemmas", "damaged entries")
    return 0, 0


def save_lemmas(directory):
    found, known = lemmas.memo()
    write(os.path.join(directory, LEMMAS),
          {"format": FORMAT, "kind": "lemmas", "lemmas": found, "known": known},
          key=lemmas.memo_fingerprint())
    return len(found), len(known)
