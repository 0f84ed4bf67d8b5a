"""A second opinion on near misses: a lemma classifier trained on the tuning texts.

The matcher scores a topic by the words of themen.yml. Text written elsewhere
often carries a topic with words the taxonomy lacks, so most of its misses
score between half the threshold and the threshold: the matcher found
evidence, only not enough. For such a near miss a logistic regression per
topic over the lemmas of the whole text gives a second opinion; at a
probability of CONFIRMS or more the topic is assigned. The model never adds a
topic the matcher found no evidence for, so every topic keeps the evidence
the report shows (bench/topic_model.py measured the gain, leave one batch out).

The model file is data only (JSON: per topic a bias and lemma weights), written
by `invoke topics-train` (train.py) from tests/data/topics/tuning/ and nothing
else; it records a hash of those texts, and a test checks that it still
matches them.
"""

import hashlib
import json
import math
import os
import re
from itertools import repeat

from german import lemmas

FORMAT = "topics-model-1"
CONFIRMS = 0.5  # probability from which a near miss becomes a topic
NEAR = 0.5  # share of the threshold from which the model is asked
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{3,}")
DEFAULT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "themen-modell.json")


class ModelError(ValueError):
    """A model file that cannot be used: (path, field, what was expected)."""

    def __init__(self, path, field, expected):
        self.path, self.field, self.expected = path, field, expected
        super().__init__(f"{path}: {field}: {expected}")


def features(places):
    """The lemmas (case-folded) of every word of three letters or more in a document's places."""
    words = set(WORD.findall("\n".join((places.title, places.summary, *places.headings, places.body))))
    lemma = lemmas.lemma
    return {lemma(word).casefold() for word in words}


def _sigmoid(z):
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


class Model:
    """Per topic slug: (bias, {lemma: weight})."""

    def __init__(self, topics, fingerprint):
        self.topics = topics
        self.fingerprint = fingerprint

    def probability(self, slug, found):
        """P(topic | lemmas found), or None when the model does not know the topic."""
        known = self.topics.get(slug)
        if known is None:
            return None
        bias, weights = known
        return _sigmoid(bias + sum(map(weights.get, found, repeat(0.0))))

    def strongest(self, slug, found, count=5):
        """The lemmas of `found` that speak most for the topic (for the report)."""
        weights = self.topics.get(slug, (0.0, {}))[1]
        ranked = sorted((w, lemma) for lemma in found if (w := weights.get(lemma, 0.0)) > 0)
        return [lemma for _w, lemma in reversed(ranked[-count:])]

    def as_data(self):
        return {"topics": {slug: [bias, weights] for slug, (bias, weights) in self.topics.items()},
                "fingerprint": self.fingerprint}

    @classmethod
    def from_data(cls, data):
        return cls({slug: (bias, weights) for slug, (bias, weights) in data["topics"].items()},
                   data["fingerprint"])


def load(path, shown=None):
    """The model in the file at `path`; ModelError naming the file (as `shown`) otherwise."""
    shown = shown or path
    expected = "expected the file `invoke topics-train` writes"
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise ModelError(shown, "file", f"cannot be read ({exc.strerror}); {expected}, "
                         "or TOPICS_MODEL = None to tag by the taxonomy alone") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ModelError(shown, "JSON", f"not valid JSON ({exc}); {expected}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelError(shown, "format", f"not a topic model of format {FORMAT!r}; {expected}")
    topics = data.get("topics")
    if not isinstance(topics, dict):
        raise ModelError(shown, "topics", f"missing or not a mapping; {expected}")
    parsed = {}
    for slug, entry in topics.items():
        if not (isinstance(entry, dict) and _number(entry.get("bias")) and isinstance(entry.get("weights"), dict)
                and all(isinstance(k, str) and _number(v) for k, v in entry["weights"].items())):
            raise ModelError(shown, f"topics.{slug}", f"expected a bias and lemma weights (numbers); {expected}")
        parsed[slug] = (float(entry["bias"]), {k: float(v) for k, v in entry["weights"].items()})
    return Model(parsed, hashlib.blake2b(raw, digest_size=8).hexdigest())


_LOADED = {}


def file_key(path):
    """What says the file is the one read last: (inode, size, mtime), None when missing."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def load_cached(path, shown=None):
    """load(), read again only when the file changed (a live-reload server builds often)."""
    key = (path, file_key(path))
    if key not in _LOADED:
        _LOADED.clear()
        _LOADED[key] = load(path, shown)
    return _LOADED[key]


def _number(value):
    return type(value) in (int, float) and math.isfinite(value)
