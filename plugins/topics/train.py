"""Training the near-miss model (model.py) on the tuning half of the evaluation set.

    invoke topics-train

Only tests/data/topics/tuning/ is read: the test half stays unseen, so its
figure still says how the tagging does on text nobody tuned for. Logistic
regression per topic with balanced classes and L2 regularisation, fitted by
full-batch gradient descent with Adagrad steps: a few seconds in pure Python,
no randomness, so the same texts always give the same file.
"""

import hashlib
import json
import math
import os

from kit import atomic

from . import evaluate, model, text

EPOCHS = 60
STEP = 0.3
L2 = 1.0
MIN_POSITIVES = 3  # a topic with fewer gold texts gets no model
DIGITS = 4


def texts_fingerprint(directory):
    """Hash of the names and bytes of the evaluation texts in `directory`."""
    digest = hashlib.blake2b(digest_size=16)
    for name in sorted(n for n in os.listdir(directory) if n.endswith(".md")):
        with open(os.path.join(directory, name), "rb") as handle:
            data = handle.read()
        digest.update(name.encode() + b"\0" + len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def fit(documents, labels):
    """(bias, {lemma: weight}) of a balanced, L2-regularised logistic regression."""
    count, positives = len(documents), sum(labels)
    weight_of = {True: count / (2 * positives), False: count / (2 * (count - positives))}
    vocabulary = sorted({lemma for found in documents for lemma in found})
    index = {lemma: i for i, lemma in enumerate(vocabulary)}
    rows = [[index[lemma] for lemma in sorted(found)] for found in documents]
    weights, squares = [0.0] * len(vocabulary), [1e-8] * len(vocabulary)
    bias, bias_square = 0.0, 1e-8
    for _ in range(EPOCHS):
        gradient, bias_gradient = [0.0] * len(vocabulary), 0.0
        for row, label in zip(rows, labels, strict=True):
            z = bias + sum(weights[i] for i in row)
            error = (1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))) - label) * weight_of[label]
            bias_gradient += error
            for i in row:
                gradient[i] += error
        for i in range(len(vocabulary)):
            g = (gradient[i] + L2 * weights[i]) / count
            squares[i] += g * g
            weights[i] -= STEP * g / math.sqrt(squares[i])
        bias_gradient /= count
        bias_square += bias_gradient * bias_gradient
        bias -= STEP * bias_gradient / math.sqrt(bias_square)
    kept = {lemma: round(weights[i], DIGITS) for lemma, i in index.items() if round(weights[i], DIGITS)}
    return round(bias, DIGITS), kept


def train(taxonomy, directory):
    """The model file's data for `taxonomy`, trained on the evaluation texts in `directory`."""
    samples = evaluate.load_split(directory, taxonomy)
    documents = [model.features(text.places_from_html(s.title, s.summary_html, s.content_html))
                 for s in samples]
    fitted = {}
    for topic in taxonomy.topics:
        labels = [topic.slug in s.gold for s in samples]
        if sum(labels) >= MIN_POSITIVES and sum(labels) < len(labels):
            fitted[topic.slug] = fit(documents, labels)
    vocabulary = sorted({lemma for _bias, weights in fitted.values() for lemma in weights})
    return {
        "format": model.FORMAT,
        "trained_on": {"texts": len(samples), "fingerprint": texts_fingerprint(directory),
                       "epochs": EPOCHS, "step": STEP, "l2": L2},
        "vocabulary": vocabulary,
        "topics": {slug: {"bias": bias, "weights": [weights.get(lemma, 0.0) for lemma in vocabulary]}
                   for slug, (bias, weights) in fitted.items()},
    }


def write(data, path):
    """One line per topic and for the vocabulary: a diff shows which topics changed."""
    lines = ["{", f' "format": {json.dumps(data["format"])},',
             f' "trained_on": {json.dumps(data["trained_on"], sort_keys=True)},',
             f' "vocabulary": {json.dumps(data["vocabulary"], ensure_ascii=False)},', ' "topics": {']
    topics = sorted(data["topics"].items())
    for number, (slug, entry) in enumerate(topics):
        comma = "," if number < len(topics) - 1 else ""
        lines.append(f"  {json.dumps(slug)}: {json.dumps(entry, sort_keys=True)}{comma}")
    lines += [" }", "}"]
    atomic.write_text(path, "\n".join(lines) + "\n")
