"""Quality measurement on the project's evaluation set (tests/data/topics).

Each text is one Markdown file with a Pelican-like header::

    Title: Warum wir Fehler öffentlich machen
    Kind: article            (article | faq | notice | reply)
    Gold: Vertrauen, Transparenz    (labels from content/themen.yml; empty: none)
    Summary: …               (optional)

    Text in Markdown …

`tuning/` may be looked at while changing the taxonomy or the matcher;
`test/` is only measured (tests/data/topics/README.md says how it was made).

The quality gate on the test half (CI fails below it) guards against getting
worse: micro-F1 ≥ GATE_MICRO_F1, micro-precision ≥ GATE_MICRO_PRECISION, and
every topic predicted at least GATE_MIN_PREDICTIONS times has a precision ≥
GATE_PRECISION (fewer predictions say nothing about a topic). The goal the
matcher is meant to reach, TARGET_MICRO_F1, is reported beside it; it is not
reached yet, and the gate was not lowered to the target's level by tuning on
the test half.
"""

import os
import re
from dataclasses import dataclass, field

import markdown

from . import model
from .engine import Engine

HEADER = re.compile(r"^([A-Za-z][A-Za-z-]*):\s*(.*)$")
HEADER_KEYS = {"title", "kind", "gold", "summary", "note"}
# Kind → (fewest, most) words: a social-media reply is short.
KINDS = {"article": (80, 300), "faq": (80, 300), "notice": (80, 300), "reply": (20, 120)}
SPLITS = ("tuning", "test")
GATE_SPLIT = "test"
TARGET_MICRO_F1 = 0.85
# Measured 0.67 when the test half became the gate, 0.73 after the second round, 0.80 after the
# third, 0.80 (0.805) after the fourth and 0.81 (0.812) with the near-miss model: just below.
GATE_MICRO_F1 = 0.80
GATE_MICRO_PRECISION = 0.80
GATE_PRECISION = 0.70
GATE_MIN_PREDICTIONS = 5


class SampleError(ValueError):
    pass


@dataclass
class Sample:
    path: str
    title: str
    kind: str
    gold: list
    summary_html: str
    content_html: str
    words: int


@dataclass
class TopicScore:
    slug: str
    label: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self):
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self):
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self):
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)


@dataclass
class Result:
    split: str
    samples: int
    topics: list
    mistakes: list = field(default_factory=list)
    with_model: bool = False  # the near-miss model (trained on the tuning half) took part

    def totals(self):
        tp = sum(t.tp for t in self.topics)
        fp = sum(t.fp for t in self.topics)
        fn = sum(t.fn for t in self.topics)
        return tp, fp, fn

    @property
    def micro_precision(self):
        tp, fp, _ = self.totals()
        return tp / (tp + fp) if tp + fp else 0.0

    @property
    def micro_recall(self):
        tp, _, fn = self.totals()
        return tp / (tp + fn) if tp + fn else 0.0

    @property
    def micro_f1(self):
        p, r = self.micro_precision, self.micro_recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def gate_failures(self):
        """Reasons the quality gate fails; empty when it passes."""
        failures = []
        if self.micro_f1 < GATE_MICRO_F1:
            failures.append(f"micro-F1 {self.micro_f1:.3f} < {GATE_MICRO_F1:.2f}")
        if self.micro_precision < GATE_MICRO_PRECISION:
            failures.append(f"micro-precision {self.micro_precision:.3f} < {GATE_MICRO_PRECISION:.2f}")
        for topic in self.topics:
            if topic.tp + topic.fp >= GATE_MIN_PREDICTIONS and topic.precision < GATE_PRECISION:
                failures.append(f"precision of {topic.label} {topic.precision:.2f} < {GATE_PRECISION:.2f}")
        return failures


def _markdown():
    return markdown.Markdown(extensions=["extra", "sane_lists", "smarty"], output_format="html5")


def load_sample(path, taxonomy, md=None):
    """Read one evaluation text; raises SampleError naming file and line."""
    md = md or _markdown()
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    meta, body_start = {}, len(lines)
    for number, line in enumerate(lines):
        if not line.strip():
            body_start = number + 1
            break
        found = HEADER.match(line)
        if not found or found.group(1).lower() not in HEADER_KEYS:
            raise SampleError(f"{path}:{number + 1}: header: expected 'Key: value' with one of "
                              f"{', '.join(sorted(HEADER_KEYS))}")
        meta[found.group(1).lower()] = (found.group(2).strip(), number + 1)
    for required in ("title", "kind", "gold"):
        if required not in meta:
            raise SampleError(f"{path}: {required.capitalize()}: missing")
    kind = meta["kind"][0]
    if kind not in KINDS:
        raise SampleError(f"{path}:{meta['kind'][1]}: Kind: expected one of {', '.join(sorted(KINDS))}")
    gold = []
    for label in filter(None, (part.strip() for part in meta["gold"][0].split(","))):
        topic = taxonomy.find(label)
        if topic is None:
            raise SampleError(f"{path}:{meta['gold'][1]}: Gold: '{label}' is not a topic of the taxonomy")
        gold.append(topic.slug)
    body = "\n".join(lines[body_start:])
    md.reset()
    content_html = md.convert(body)
    summary_html = ""
    if "summary" in meta:
        md.reset()
        summary_html = md.convert(meta["summary"][0])
    words = len(re.findall(r"\w+", meta["title"][0] + " " + meta.get("summary", ("", 0))[0] + " " + body))
    return Sample(path=path, title=meta["title"][0], kind=kind, gold=sorted(set(gold)),
                  summary_html=summary_html, content_html=content_html, words=words)


def load_split(directory, taxonomy):
    md = _markdown()
    names = sorted(n for n in os.listdir(directory) if n.endswith(".md"))
    return [load_sample(os.path.join(directory, name), taxonomy, md) for name in names]


def predict(engine, sample):
    _key, analysis = engine.analyze(sample.title, sample.summary_html, sample.content_html)
    assigned, _candidates = engine.decide(analysis)
    return sorted(assigned)


def evaluate(taxonomy, samples, split=GATE_SPLIT, engine=None):
    """Scores of the default engine (with the bundled near-miss model) or of `engine`."""
    engine = engine or Engine(taxonomy, model=model.load(model.DEFAULT_PATH))
    scores = {t.slug: TopicScore(t.slug, t.label) for t in taxonomy.topics}
    mistakes = []
    for sample in samples:
        predicted = set(predict(engine, sample))
        gold = set(sample.gold)
        for slug in predicted & gold:
            scores[slug].tp += 1
        for slug in predicted - gold:
            scores[slug].fp += 1
        for slug in gold - predicted:
            scores[slug].fn += 1
        if predicted != gold:
            mistakes.append((os.path.basename(sample.path), sorted(predicted - gold), sorted(gold - predicted)))
    return Result(split=split, samples=len(samples), topics=[scores[t.slug] for t in taxonomy.topics],
                  mistakes=mistakes, with_model=engine.model is not None)


def _fmt(value):
    return "   –" if value is None else f"{value:.2f}"


def format_result(result, show_mistakes=False):
    """The table `invoke topics-eval` prints."""
    width = max([len(t.label) for t in result.topics] + [5])
    lines = [f"Auswertung: {result.split} ({result.samples} Texte)", "",
             f"{'Thema':<{width}}  Präz.  Rec.    F1   TP  FP  FN"]
    for t in result.topics:
        lines.append(f"{t.label:<{width}}  {_fmt(t.precision)}  {_fmt(t.recall)}  {_fmt(t.f1)}  "
                     f"{t.tp:3d} {t.fp:3d} {t.fn:3d}")
    tp, fp, fn = result.totals()
    lines.append("")
    lines.append(f"{'Mikro':<{width}}  {result.micro_precision:.2f}  {result.micro_recall:.2f}  "
                 f"{result.micro_f1:.2f}  {tp:3d} {fp:3d} {fn:3d}")
    lines.append("")
    if result.split == GATE_SPLIT:
        failures = result.gate_failures()
        lines.append("Qualitätsschwelle: bestanden" if not failures
                     else "Qualitätsschwelle: NICHT bestanden – " + "; ".join(failures))
        reached = result.micro_f1 >= TARGET_MICRO_F1
        lines.append(f"Ziel Mikro-F1 {TARGET_MICRO_F1:.2f}: " + ("erreicht" if reached else "noch nicht erreicht"))
    else:
        lines.append("(Abstimmungshälfte: keine Qualitätsschwelle"
                     + (". Das Modell für knappe Fälle ist auf diesen Texten trainiert: die Zahlen hier "
                        "sind zu günstig.)" if result.with_model else ")"))
    if show_mistakes and result.mistakes:
        lines.append("")
        lines.append("Abweichungen (Datei: zu viel / fehlt):")
        for name, extra, missing in result.mistakes:
            lines.append(f"  {name}: +{', '.join(extra) or '–'} / -{', '.join(missing) or '–'}")
    return "\n".join(lines)
