"""One tagging engine per taxonomy: analysis by content hash, then the decision.

The expensive part (reading the text) depends only on the taxonomy and the
text, so it is cached by a hash of both; editor controls (Tags, Topics: off,
Topics-Exclude) are applied afterwards and cost nothing. The cache lives in
memory during a build and in CACHE_PATH between builds (see cache.py).

An analysis is {"words": n, "topics": {slug: {"score", "places", "title",
"evidence", "negative"}}}. Deciding and ranking need only the numbers; the
evidence (most of the bytes) is only read for the report, so the build keeps
it apart, packed (compressed CBOR, about a quarter of the size): analyses
from the worker arrive split, and those from the disk cache come without it;
`evidence_of()` unpacks one document's evidence when the report renders it.
Held as objects, the evidence of 4,000 texts would cost the build about 60 MB.
"""

import hashlib
import os
import zlib

from german import lemmas
from kit import datacache

from . import match, text
from . import model as model_module

DEFAULT_MAX_AUTO = 5
EVIDENCE_KEYS = ("evidence", "negative")
_CODE = []


def code_fingerprint():
    """Hash of this plugin's code and the lemma rules: a cache written by other
    code is never trusted (cheaper and safer than remembering to bump versions)."""
    if not _CODE:
        digest = hashlib.blake2b(digest_size=16)
        here = os.path.dirname(os.path.abspath(__file__))
        paths = sorted(os.path.join(here, n) for n in os.listdir(here) if n.endswith(".py"))
        paths.append(lemmas.__file__)
        for path in paths:
            with open(path, "rb") as handle:
                digest.update(os.path.basename(path).encode() + b"\0" + handle.read())
        digest.update(lemmas.memo_fingerprint().encode())
        _CODE.append(digest.hexdigest())
    return _CODE[0]


def split_evidence(analysis):
    """(numbers, evidence): the analysis without its evidence, and the evidence by slug."""
    numbers, evidence = {}, {}
    for slug, data in analysis["topics"].items():
        numbers[slug] = {k: v for k, v in data.items() if k not in EVIDENCE_KEYS}
        evidence[slug] = tuple(data.get(k, []) for k in EVIDENCE_KEYS)
    return {"words": analysis["words"], "topics": numbers}, evidence


def pack_evidence(evidence):
    """Evidence as it is kept in memory and in the cache: compressed CBOR bytes
    (data only: the cache is read back in CI, where a pickle could run code)."""
    return zlib.compress(datacache.encode(evidence), 1)


def _valid_evidence(evidence):
    """{slug: [evidence items, negative items]}, each item a dict of strings."""
    return isinstance(evidence, dict) and all(
        isinstance(slug, str) and isinstance(pair, list) and len(pair) == len(EVIDENCE_KEYS)
        and all(isinstance(items, list) and all(
            isinstance(item, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in item.items())
            for item in items) for items in pair)
        for slug, pair in evidence.items())


def unpack_evidence(data):
    """Evidence from packed bytes; raises ValueError when they are damaged."""
    evidence = datacache.decode(zlib.decompress(data))
    if not _valid_evidence(evidence):
        raise ValueError("not topic evidence")
    return evidence


def split_packed(analysis):
    """(numbers, packed evidence) of a whole analysis: what the worker sends."""
    numbers, evidence = split_evidence(analysis)
    return numbers, pack_evidence(evidence)


def has_evidence(analysis):
    return all("evidence" in data for data in analysis["topics"].values())


def attach_evidence(analysis, evidence):
    """Put evidence stored apart back into an analysis (in place); False if it does not fit."""
    topics = analysis["topics"]
    if set(evidence) != set(topics):
        return False
    for slug, data in topics.items():
        data.update(zip(EVIDENCE_KEYS, evidence[slug], strict=True))
    return True


def joined(numbers, evidence):
    """A new whole analysis from numbers and evidence (`numbers` stays as it is), or None."""
    if set(evidence) != set(numbers["topics"]):
        return None
    topics = {slug: dict(data, **dict(zip(EVIDENCE_KEYS, evidence[slug], strict=True)))
              for slug, data in numbers["topics"].items()}
    return {"words": numbers["words"], "topics": topics}


class Result:
    """What topics decided for one document (`doc.topics_result`).

    Not a dict on purpose: page caches (the speed plugin) hash what plugins
    attach to documents, and hashing every analysis with its evidence costs
    seconds per build. Its repr names everything it holds, the analysis by its
    key (a hash of engine and text), so it is a faithful fingerprint.
    """

    __slots__ = ("analysis", "auto", "candidates", "engine", "exclude", "key", "on")

    def __init__(self, engine, key, on, exclude, auto, candidates, analysis):
        self.engine, self.key, self.on, self.exclude = engine, key, on, exclude
        self.auto, self.candidates, self.analysis = auto, candidates, analysis

    def get(self, name, default=None):
        value = getattr(self, name, default)
        return default if value is None else value

    def __getitem__(self, name):
        return getattr(self, name)

    def __repr__(self):
        return (f"Result({self.engine!r}, {self.key!r}, {self.on!r}, {self.exclude!r}, "
                f"{self.auto!r}, {self.candidates!r}, {self.analysis is not None!r})")

    def __getstate__(self):
        return {name: getattr(self, name) for name in self.__slots__}

    def __setstate__(self, state):
        for name in self.__slots__:
            setattr(self, name, state.get(name))


class Engine:
    def __init__(self, taxonomy, place_weights=None, max_auto=DEFAULT_MAX_AUTO, model=None):
        self.taxonomy = taxonomy
        self.place_weights = dict(match.PLACE_WEIGHTS, **(place_weights or {}))
        self._matcher = None
        self.max_auto = max_auto
        self.model = model  # model.Model: a second opinion on near misses, or None
        self._by_slug = taxonomy.by_slug()
        self.fingerprint = hashlib.sha256(
            repr((match.ENGINE_VERSION, code_fingerprint(), taxonomy.fingerprint,
                  sorted(self.place_weights.items()), max_auto,
                  model.fingerprint if model else None)).encode("utf-8")
        ).hexdigest()[:16]
        self.memory = {}  # content key → analysis
        self.loaded_keys = set()  # what the disk cache held when the build started
        self.used = set()  # keys looked up in this build (what the disk cache keeps)
        self.evidence_source = None  # callable(keys) → {key: evidence}, set by the disk cache
        self.packed = {}  # content key → packed evidence of an analysis kept without it

    @property
    def matcher(self):
        """Compiled on first use: a rebuild served from the cache never needs it."""
        if self._matcher is None:
            self._matcher = match.Matcher(self.taxonomy, self.place_weights)
        return self._matcher

    def key(self, title, summary_html, content_html):
        digest = hashlib.blake2b(digest_size=16)
        for part in (self.fingerprint, title or "", summary_html or "", content_html or ""):
            data = part.encode("utf-8", "surrogatepass")
            digest.update(len(data).to_bytes(8, "little"))
            digest.update(data)
        return digest.hexdigest()

    def analyze(self, title, summary_html, content_html, fresh=False):
        """(key, analysis) for a document's text, from the cache when possible."""
        key = self.key(title, summary_html, content_html)
        self.used.add(key)
        analysis = None if fresh else self.memory.get(key)
        if analysis is None:
            places = text.places_from_html(title, summary_html, content_html)
            analysis = self.matcher.analyze(places)
            if self.model is not None:
                self._ask_model(places, analysis)
            self.memory[key] = analysis
        return key, analysis

    def _ask_model(self, places, analysis):
        """The model's probability ("model") for each near miss (match.near_miss); a topic the
        score alone makes, or one far below its threshold, is not the model's to decide."""
        found = None
        factor = match.short_text_factor(analysis["words"])
        for slug, data in analysis["topics"].items():
            topic = self._by_slug.get(slug)
            if topic is None or not match.near_miss(data, topic.threshold, factor):
                continue
            if found is None:
                found = self.model.indices(model_module.features(places))
            probability = self.model.probability(slug, found)
            if probability is not None:
                data["model"] = round(probability, 3)

    def keep(self, key, numbers, packed):
        """An analysis that arrived split (from the worker): numbers now, evidence packed."""
        self.memory[key] = numbers
        self.packed[key] = packed

    def evidence_of(self, keys):
        """{key: evidence} for those of `keys` whose evidence is kept or on disk."""
        found = {k: unpack_evidence(self.packed[k]) for k in keys if k in self.packed}
        rest = [k for k in keys if k not in found]
        if rest and self.evidence_source is not None:
            found.update(self.evidence_source(rest))
        return found

    def complete(self, keys):
        """Attach the evidence to analyses that lack it (in place); the keys still without."""
        missing = [k for k in keys if k in self.memory and not has_evidence(self.memory[k])]
        if missing:
            found = self.evidence_of(missing)
            missing = [k for k in missing
                       if not (k in found and attach_evidence(self.memory[k], found[k]))]
        return missing

    def decide(self, analysis, exclude=(), present=()):
        return match.decide(analysis, self.taxonomy, self.max_auto, exclude, present)
