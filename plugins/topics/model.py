"""A second opinion on near misses: a lemma classifier trained on the tuning texts.

The matcher scores a topic by the words of themen.yml. Text written elsewhere
often carries a topic with words the taxonomy lacks, so most of its misses
score between half the threshold and the threshold: the matcher found
evidence, only not enough. For such a near miss a logistic regression per
topic over the lemmas of the whole text gives a second opinion; at a
probability of CONFIRMS or more the topic is assigned. The model never adds a
topic the matcher found no evidence for, so every topic keeps the evidence
the report shows (bench/topic_model.py measured the gain, leave one batch out).

The model file is data only (JSON: a vocabulary of lemmas, and per topic a bias
and one weight per lemma: lists, so that reading it makes no dict per topic), written
by `invoke topics-train` (train.py) from tests/data/topics/tuning/ and nothing
else; it records a hash of those texts, and a test checks that it still
matches them.
"""

import hashlib
import json
import math
import os
import re
from array import array

from german import lemmas
from kit.problems import EditorInputError

FORMAT = "topics-model-2"
CONFIRMS = 0.5  # probability from which a near miss becomes a topic
NEAR = 0.5  # share of the threshold from which the model is asked
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{3,}")
DEFAULT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "themen-modell.json")


class ModelError(EditorInputError):
    """A model file that cannot be used: one line with its path, field and what was expected."""


def features(places):
    """The lemmas (case-folded) of every word of three letters or more in a document's places.

    The lemmas go into german.lemmas' shared memo like the matcher's: it is saved
    with the cache, so a later build in a new process need not load simplemma."""
    words = set(WORD.findall("\n".join((places.title, places.summary, *places.headings, places.body))))
    lemma = lemmas.lemma
    return {lemma(word).casefold() for word in words}


def _sigmoid(z):
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


class Model:
    """Logistic regressions by topic slug over one shared vocabulary of lemmas.

    Weights are held as one array of floats per topic, indexed by the
    vocabulary: the file's 15 × 3,700 weights as dicts of strings to floats
    would take about 27 MB of the live-reload server's memory, the arrays take
    under 1 MB."""

    def __init__(self, vocabulary, topics, fingerprint):
        self.vocabulary = vocabulary  # lemma → index
        self.topics = topics  # slug → (bias, array of weights by index)
        self.fingerprint = fingerprint

    @classmethod
    def from_weights(cls, weights_by_topic, fingerprint):
        """From {slug: (bias, {lemma: weight})}."""
        vocabulary = {}
        for _bias, weights in weights_by_topic.values():
            for lemma in weights:
                vocabulary.setdefault(lemma, len(vocabulary))
        topics = {}
        for slug, (bias, weights) in weights_by_topic.items():
            dense = array("d", bytes(8 * len(vocabulary)))
            for lemma, weight in weights.items():
                dense[vocabulary[lemma]] = weight
            topics[slug] = (float(bias), dense)
        return cls(vocabulary, topics, fingerprint)

    def indices(self, found):
        """The vocabulary positions of the lemmas in `found` (a document's features)."""
        vocabulary = self.vocabulary
        return [vocabulary[lemma] for lemma in found if lemma in vocabulary]

    def probability(self, slug, indices):
        """P(topic | the document's lemmas at `indices`), or None for a topic the model lacks."""
        known = self.topics.get(slug)
        if known is None:
            return None
        bias, weights = known
        return _sigmoid(bias + sum(map(weights.__getitem__, indices)))

    def as_data(self):
        """Plain data for another process (the analysis worker)."""
        return {"vocabulary": list(self.vocabulary), "fingerprint": self.fingerprint,
                "topics": {slug: (bias, weights.tobytes()) for slug, (bias, weights) in self.topics.items()}}

    @classmethod
    def from_data(cls, data):
        topics = {}
        for slug, (bias, raw) in data["topics"].items():
            weights = array("d")
            weights.frombytes(raw)
            topics[slug] = (bias, weights)
        return cls({lemma: i for i, lemma in enumerate(data["vocabulary"])}, topics, data["fingerprint"])


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
    vocabulary, topics = data.get("vocabulary"), data.get("topics")
    if not (isinstance(vocabulary, list) and all(isinstance(v, str) for v in vocabulary)
            and len(set(vocabulary)) == len(vocabulary)):
        raise ModelError(shown, "vocabulary", f"expected a list of distinct lemmas; {expected}")
    if not isinstance(topics, dict):
        raise ModelError(shown, "topics", f"missing or not a mapping; {expected}")
    parsed = {}
    for slug, entry in topics.items():
        if not (isinstance(entry, dict) and _number(entry.get("bias")) and isinstance(entry.get("weights"), list)
                and len(entry["weights"]) == len(vocabulary) and all(map(_number, entry["weights"]))):
            raise ModelError(shown, f"topics.{slug}", "expected a bias and one weight (a number) per lemma "
                             f"of the vocabulary; {expected}")
        parsed[slug] = (float(entry["bias"]), array("d", map(float, entry["weights"])))
    return Model({lemma: i for i, lemma in enumerate(vocabulary)}, parsed,
                 hashlib.blake2b(raw, digest_size=8).hexdigest())


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
