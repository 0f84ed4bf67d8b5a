"""The evidence report: why each document has its topics.

`themen/bericht.json` in every build; the readable page `/themen/bericht/` in
non-production builds (template topics_report.html); `invoke topics-report`
prints the same entries as a table. Sorted by source path, no timestamps:
two builds of the same input write the same bytes.
"""

import hashlib
import json
import logging
import os

from kit import atomic, outputs

from . import cache, match
from .engine import code_fingerprint
from .evidence import PLACE_LABELS
from .settings import display_path

logger = logging.getLogger(__name__)

REASON_LABELS = {
    "below-threshold": "unter der Schwelle",
    "one-place": "nur an einer Stelle",
    "limit": "Höchstzahl automatischer Themen erreicht",
    "excluded": "von der Redaktion ausgeschlossen (Topics-Exclude)",
    "manual": "schon von der Redaktion vergeben",
}
KINDS = {
    "Article": ("article", "Artikel"),
    "FaqEntry": ("faq", "Häufige Frage"),
    "Notice": ("notice", "Störungsmeldung"),
}
STATUS_LABELS = {"published": "veröffentlicht", "draft": "Entwurf", "hidden": "versteckt"}


def kind_of(doc):
    """("faq", "Häufige Frage") etc.; maintenance notices read "Wartungsarbeiten"."""
    name = type(doc).__name__
    kind, label = KINDS.get(name, (name.lower(), "Beitrag"))
    if kind == "notice" and getattr(doc, "kind", None) == "maintenance":
        label = "Wartungsarbeiten"
    return kind, label


class Entry(dict):
    """A dict whose keys are also its attributes; report entries are made of them.

    Jinja looks `item.word` up with getattr() first and only then as
    item["word"]; on a plain dict the first try raises AttributeError, which
    costs half the rendering time of /themen/bericht/ (two million lookups at
    4,000 articles). The data and the JSON are the same as with plain dicts.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__ = self


def _topic_entry(topic, data, words=None):
    """A topic of a report entry; `words` (the body's word count) is given for assigned
    topics, which then say whether the model decided them (model_confirmed)."""
    confirmed = words is not None and "model" in data and not match.score_enough(
        data, topic.threshold, match.short_text_factor(words))
    return Entry(
        slug=topic.slug,
        label=topic.label,
        score=data["score"],
        threshold=topic.threshold,
        places=data["places"],
        # The near-miss model's probability (model.py) when it was asked, else None.
        model=data.get("model"),
        model_confirmed=confirmed,
        # Plain dicts: only Python reads them (the filter topics_evidence, the JSON).
        evidence=list(data["evidence"]),
    )


def document_entry(taxonomy, *, source, url, title, kind, kind_label, status, editor_tags, result,
                   topics=None, analysis=None):
    """One document's report entry (plain data: JSON, template and terminal).

    Evidence items are {word, term, place, sentence}; `place` is one of
    PLACE_LABELS' keys (title, summary, heading, body). `analysis`, when
    given, is the result's analysis with its evidence.
    """
    topics = topics or taxonomy.by_slug()
    whole = analysis or result.get("analysis") or {}
    analysis, words = whole.get("topics", {}), whole.get("words", match.SHORT_TEXT_WORDS)
    manual = []
    for tag in editor_tags:
        slug = getattr(tag, "slug", None) or str(tag)
        entry = Entry(name=str(tag), slug=slug, topic=slug in topics)
        if slug in analysis and slug in topics:
            entry["confirmed"] = _topic_entry(topics[slug], analysis[slug])
        manual.append(entry)
    automatic = [_topic_entry(topics[s], analysis[s], words) for s in result.get("auto") or []]
    candidates = []
    for slug, reason in result.get("candidates") or []:
        if reason == "manual" or slug not in topics:
            continue
        if reason == "below-threshold" and analysis[slug]["score"] < topics[slug].threshold / 2:
            continue  # a passing mention; listing it would only bury the near misses
        candidate = _topic_entry(topics[slug], analysis[slug])
        candidate["reason"] = reason
        candidate["reason_label"] = REASON_LABELS.get(reason, reason)
        candidates.append(candidate)
    return Entry(
        source=source,
        url=url,
        title=title,
        type=kind,
        type_label=kind_label,
        status=status,
        status_label=STATUS_LABELS.get(status, status),
        manual_tags=manual,
        automatic=bool(result.get("on", True)),
        excluded=[topics[s].label for s in result.get("exclude") or [] if s in topics],
        topics=automatic,
        candidates=candidates,
    )


def _source(doc, settings):
    """content/artikel/x.md — from Pelican's relative path, without touching the disk."""
    relative = getattr(doc, "relative_source_path", None)
    if relative:
        base = os.path.basename(os.path.normpath(settings["PATH"]))
        return f"{base}/{relative}".replace(os.sep, "/")
    return display_path(getattr(doc, "source_path", None), settings)


def _head(doc, state, kind, label):
    """Everything a document's report entry is made of, cheaply (no evidence)."""
    return {
        "source": _source(doc, state.settings),
        "url": "/" + str(doc.url).lstrip("/") if getattr(doc, "url", None) else None,
        "title": str(getattr(doc, "title", "") or doc.metadata.get("title", "")),
        "kind": kind,
        "kind_label": label,
        "status": str(getattr(doc, "status", "published") or "published"),
        "editor_tags": list(doc.__dict__.get("topics_editor_tags") or []),
        "result": doc.__dict__.get("topics_result"),
    }


def _head_fingerprint(head):
    """A head's identity: the result's repr names its analysis by content key."""
    tags = [(str(t), getattr(t, "slug", None) or str(t)) for t in head["editor_tags"]]
    return hashlib.blake2b(repr((head["source"], head["url"], head["title"], head["kind"],
                                 head["kind_label"], head["status"], tags, head["result"])).encode(
        "utf-8", "surrogatepass"), digest_size=16).hexdigest()


class Report:
    """The report of one build: the entries are only made when something reads them.

    A rebuild that changed nothing needs neither the evidence (most of the
    analysis cache) nor the entries: the JSON and the page are reused. The one
    attribute, `fingerprint`, stands for the whole content (code, taxonomy and
    every document's head), so caches that hash the objects a page is rendered
    from (the speed plugin) hash 32 characters instead of megabytes; the data
    is reached through the properties `documents` and `taxonomy` (or ["…"]).
    """

    __slots__ = ("__dict__", "_data", "_docs", "_fingerprints", "_heads", "_state")

    def __init__(self, state, heads, docs, taxonomy_section):
        self._state, self._heads, self._docs = state, heads, docs
        self._data = {"taxonomy": taxonomy_section, "documents": None}
        self._fingerprints = [_head_fingerprint(h) for h in heads]
        digest = hashlib.blake2b(digest_size=16)
        digest.update(repr((code_fingerprint(), taxonomy_section)).encode("utf-8"))
        for fingerprint in self._fingerprints:
            digest.update(fingerprint.encode("ascii"))
        self.fingerprint = digest.hexdigest()

    @property
    def head_fingerprints(self):
        """One fingerprint per document entry, in the order of `documents`."""
        return self._fingerprints

    @property
    def taxonomy(self):
        return self._data["taxonomy"]

    @property
    def documents(self):
        if self._data["documents"] is None:
            self._data["documents"] = [self.entry(i) for i in range(len(self._heads))]
        return self._data["documents"]

    def __getitem__(self, name):
        if name not in ("documents", "taxonomy"):
            raise KeyError(name)
        return getattr(self, name)

    def entry(self, index):
        """The report entry of document `index`, with its evidence (State.whole_analysis)."""
        documents = self._data["documents"]
        if documents is not None:
            return documents[index]
        head = self._heads[index]
        return document_entry(self._state.taxonomy, topics=self._state.taxonomy.by_slug(),
                              **{k: v for k, v in head.items() if k != "result"}, result=head["result"],
                              analysis=self._state.whole_analysis(self._docs[index]))


def build(state, published, drafts=()):
    """The whole report for a build (see module docstring and Report)."""
    heads, docs = [], []
    for doc in list(published) + list(drafts):
        if doc.__dict__.get("topics_result") is None:
            continue
        kind, label = kind_of(doc)
        heads.append(_head(doc, state, kind, label))
        docs.append(doc)
    order = sorted(range(len(heads)), key=lambda i: (heads[i]["source"], heads[i]["url"] or ""))
    heads, docs = [heads[i] for i in order], [docs[i] for i in order]
    taxonomy = state.taxonomy
    counts = {t.slug: {"automatic": 0, "manual": 0} for t in taxonomy.topics}
    for head in heads:
        if head["status"] != "published":
            continue
        for slug in head["result"].get("auto") or []:
            counts[slug]["automatic"] += 1
        for tag in head["editor_tags"]:
            slug = getattr(tag, "slug", None) or str(tag)
            if slug in counts:
                counts[slug]["manual"] += 1
    tag_url = state.settings["TAG_URL"]
    section = [
        Entry(slug=t.slug, label=t.label, threshold=t.threshold,
              url="/" + tag_url.format(slug=t.slug, name=t.label).lstrip("/"),
              documents_automatic=counts[t.slug]["automatic"],
              documents_manual=counts[t.slug]["manual"])
        for t in taxonomy.topics
    ]
    return Report(state, heads, docs, section)


def _dump(value):
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _old_document_lines(path, count):
    """The document lines of a report JSON written by JsonWriter, or None."""
    try:
        with open(path, encoding="utf-8") as handle:
            parts = handle.read().split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    if count < 1 or len(parts) < count + 3 or parts[0] != '{"documents":[' or parts[count + 1] != "],":
        return None
    lines = parts[1:count + 1]
    if any(not line.endswith(",") for line in lines[:-1]):
        return None
    return [line[:-1] for line in lines[:-1]] + [lines[-1]]


def _stat(path):
    info = os.stat(path)
    return (info.st_ino, info.st_size, info.st_mtime_ns)


class JsonWriter:
    """Writes themen/bericht.json, reusing the previous build's file or its lines.

    The previous build's output (FINAL_OUTPUT_PATH, only ever read) holds the
    file we wrote last time, if its inode, size and mtime say it is untouched;
    report.pickle in the cache says for which fingerprints. Unchanged: the file
    is hard-linked (the staging tree replaces output/ as a whole; nothing
    writes into it afterwards). Changed: entries of unchanged documents are
    copied as lines, the others made afresh. Same bytes either way.

    The address is claimed (kit.outputs) when the writer is made, in the build
    process: `run` may happen in a forked background process.
    """

    def __init__(self, report, settings, target, rel):
        outputs.reserve(target, "the topics plugin")
        self.report, self.settings, self.target, self.rel = report, settings, target, rel
        self.sidecar = os.path.join(cache.cache_dir(settings), cache.REPORT)
        previous = settings.get("FINAL_OUTPUT_PATH")
        old = cache.read(self.sidecar, "report") if previous and settings["TOPICS_CACHE"] else None
        self.old_path = os.path.join(previous, rel) if previous else None
        if old is not None and not (
                isinstance(old.get("json"), str) and isinstance(old.get("fingerprint"), str)
                and isinstance(old.get("stat"), list) and all(type(n) is int for n in old["stat"])):
            cache.discard(self.sidecar, "report", "damaged entries")
            old = None
        if old is not None:
            try:
                intact = old.get("json") == rel and tuple(old["stat"]) == _stat(self.old_path)
            except OSError:
                intact = False
            if not intact:
                old = None
        self.old = old

    @property
    def unchanged(self):
        """The previous file is right as it is: writing is a hard link."""
        return self.old is not None and self.old.get("fingerprint") == self.report.fingerprint

    def run(self):
        """Write the file (True when the previous one was linked) and remember it."""
        report, target = self.report, self.target
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.lexists(target):
            os.unlink(target)
        reused = False
        if self.unchanged:
            try:
                os.link(self.old_path, target)
                reused = True
            except OSError:
                pass
        if not reused:
            self._write()
        if self.settings["TOPICS_CACHE"]:
            cache.write(self.sidecar, {"format": cache.FORMAT, "kind": "report", "json": self.rel,
                                       "fingerprint": report.fingerprint, "stat": list(_stat(target)),
                                       "documents": list(report.head_fingerprints)})
        return reused

    def _write(self):
        report, old = self.report, self.old
        lines = {}
        if old is not None and isinstance(old.get("documents"), list):
            found = _old_document_lines(self.old_path, len(old["documents"]))
            if found is not None:
                lines = dict(zip(old["documents"], found, strict=True))
        fingerprints = report.head_fingerprints

        def document_lines():
            # One entry at a time: the entries of 4,000 documents never exist together.
            for i, fp in enumerate(fingerprints):
                yield lines.get(fp) or _dump(report.entry(i))

        documents = document_lines()
        # Written piece by piece: no 44 MB string is joined twice.
        with atomic.replacing(self.target) as handle:
            handle.write(b'{"documents":[\n')
            separator = b""
            for line in documents:
                handle.write(separator)
                handle.write(line.encode("utf-8"))
                separator = b",\n"
            handle.write(b"\n")
            handle.write(b'],\n"taxonomy":[\n')
            handle.write(",\n".join(_dump(t) for t in report.taxonomy).encode("utf-8"))
            handle.write(b"\n]}\n")


def format_table(documents, show_candidates=True):
    """Terminal form of report entries: one block per document."""
    lines = []
    for entry in documents:
        lines.append(f"{entry['source']}  „{entry['title']}“")
        manual = ", ".join(t["name"] for t in entry["manual_tags"]) or "–"
        lines.append(f"  Tags der Redaktion: {manual}")
        if not entry["automatic"]:
            lines.append("  Automatische Themen: aus (Topics: off)")
            lines.append("")
            continue
        if entry["excluded"]:
            lines.append(f"  Ausgeschlossen: {', '.join(entry['excluded'])}")
        if not entry["topics"]:
            lines.append("  Automatische Themen: keine")
        for topic in entry["topics"]:
            confirmed = (f"; unter der Schwelle, vom Modell bestätigt ({topic['model']:.0%})"
                         if topic.get("model_confirmed") else "")
            lines.append(f"  + {topic['label']:<24} {topic['score']:5.2f} / {topic['threshold']:.2f}  "
                         f"({topic['places']} Stellen{confirmed})")
            for item in topic["evidence"]:
                lines.append(f"      {item['word']} [{PLACE_LABELS[item['place']]}]: {item['sentence']}")
        if show_candidates:
            for topic in entry["candidates"]:
                said = f" (Modell: {topic['model']:.0%})" if topic.get("model") is not None else ""
                lines.append(f"  - {topic['label']:<24} {topic['score']:5.2f} / {topic['threshold']:.2f}  "
                             f"{topic['reason_label']}{said}")
                for item in topic["evidence"][:2]:
                    lines.append(f"      {item['word']} [{PLACE_LABELS[item['place']]}]: {item['sentence']}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
