"""The evidence report: why each document has its topics.

`themen/bericht.json` in every build; the readable page `/themen/bericht/` in
non-production builds (template topics_report.html); `invoke topics-report`
prints the same entries as a table. Sorted by source path, no timestamps:
two builds of the same input write the same bytes.
"""

import json
import logging
import os

from pelican.generators import Generator

from .settings import report_page_enabled

logger = logging.getLogger(__name__)

PLACE_LABELS = {"title": "Titel", "summary": "Zusammenfassung", "heading": "Zwischenüberschrift",
                "body": "Text"}
REASON_LABELS = {
    "below-threshold": "unter der Schwelle",
    "one-place": "nur an einer Stelle",
    "limit": "Höchstzahl automatischer Themen erreicht",
    "excluded": "von der Redaktion ausgeschlossen (Topics-Exclude)",
    "manual": "schon von der Redaktion vergeben",
}
STATUS_LABELS = {"published": "veröffentlicht", "draft": "Entwurf", "hidden": "versteckt"}


def _topic_entry(topic, data):
    return {
        "slug": topic.slug,
        "label": topic.label,
        "score": data["score"],
        "threshold": topic.threshold,
        "places": data["places"],
        "evidence": data["evidence"],
    }


def document_entry(taxonomy, *, source, url, title, kind, kind_label, status, editor_tags, result,
                   topics=None):
    """One document's report entry (plain data: JSON, template and terminal).

    Evidence items are {word, term, place, sentence}; `place` is one of
    PLACE_LABELS' keys (title, summary, heading, body).
    """
    topics = topics or taxonomy.by_slug()
    analysis = (result.get("analysis") or {}).get("topics", {})
    manual = []
    for tag in editor_tags:
        slug = getattr(tag, "slug", None) or str(tag)
        entry = {"name": str(tag), "slug": slug, "topic": slug in topics}
        if slug in analysis and slug in topics:
            entry["confirmed"] = _topic_entry(topics[slug], analysis[slug])
        manual.append(entry)
    automatic = [_topic_entry(topics[s], analysis[s]) for s in result.get("auto") or []]
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
    return {
        "source": source,
        "url": url,
        "title": title,
        "type": kind,
        "type_label": kind_label,
        "status": status,
        "status_label": STATUS_LABELS.get(status, status),
        "manual_tags": manual,
        "automatic": bool(result.get("on", True)),
        "excluded": [topics[s].label for s in result.get("exclude") or [] if s in topics],
        "topics": automatic,
        "candidates": candidates,
    }


def _source(doc, settings):
    """content/artikel/x.md — from Pelican's relative path, without touching the disk."""
    relative = getattr(doc, "relative_source_path", None)
    if relative:
        base = os.path.basename(os.path.normpath(settings["PATH"]))
        return f"{base}/{relative}".replace(os.sep, "/")
    from .assign import display_path

    return display_path(getattr(doc, "source_path", None), settings)


def build(state, published, drafts=()):
    """The whole report for a build (see module docstring)."""
    from .finalize import kind_of

    taxonomy = state.taxonomy
    by_slug = taxonomy.by_slug()
    documents = []
    for doc in list(published) + list(drafts):
        result = doc.__dict__.get("topics_result")
        if result is None:
            continue
        kind, label = kind_of(doc)
        documents.append(document_entry(
            taxonomy,
            source=_source(doc, state.settings),
            url="/" + str(doc.url).lstrip("/") if getattr(doc, "url", None) else None,
            title=str(getattr(doc, "title", "") or doc.metadata.get("title", "")),
            kind=kind,
            kind_label=label,
            status=str(getattr(doc, "status", "published") or "published"),
            editor_tags=doc.__dict__.get("topics_editor_tags") or [],
            result=result,
            topics=by_slug,
        ))
    documents.sort(key=lambda d: (d["source"], d["url"] or ""))
    counts = {t.slug: {"automatic": 0, "manual": 0} for t in taxonomy.topics}
    for entry in documents:
        if entry["status"] != "published":
            continue
        for topic in entry["topics"]:
            counts[topic["slug"]]["automatic"] += 1
        for tag in entry["manual_tags"]:
            if tag["slug"] in counts:
                counts[tag["slug"]]["manual"] += 1
    tag_url = state.settings.get("TAG_URL", "tag/{slug}.html")
    return {
        "taxonomy": [
            {"slug": t.slug, "label": t.label, "threshold": t.threshold,
             "url": "/" + tag_url.format(slug=t.slug, name=t.label).lstrip("/"),
             "documents_automatic": counts[t.slug]["automatic"],
             "documents_manual": counts[t.slug]["manual"]}
            for t in taxonomy.topics
        ],
        "documents": documents,
    }


def to_json(data):
    """One taxonomy entry or document per line: readable in a diff, and written by
    the C encoder (an indented dump uses the pure-Python one: seconds at 4,000)."""
    def dump(value):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    lines = ['{"documents":[']
    lines.append(",\n".join(dump(d) for d in data["documents"]))
    lines.append('],\n"taxonomy":[')
    lines.append(",\n".join(dump(t) for t in data["taxonomy"]))
    lines.append("]}")
    return "\n".join(lines) + "\n"


def page_enabled(settings):
    return report_page_enabled(settings)


class TopicsReportGenerator(Generator):
    """Writes themen/bericht.json and, outside production, /themen/bericht/."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        from .assign import get_state

        state = get_state(self.settings)
        if state.report is None:
            return
        json_path = self.settings.get("TOPICS_REPORT_JSON_SAVE_AS")
        if json_path:
            target = os.path.join(self.output_path, json_path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(to_json(state.report))
        if not page_enabled(self.settings):
            return
        try:
            template = self.get_template("topics_report")
        except Exception:  # noqa: BLE001 - Pelican raises its own PelicanTemplateNotFound
            logger.warning("theme: topics_report.html: missing; expected the template of the "
                           "page /themen/bericht/ (plugins/topics)")
            return
        writer.write_file(
            self.settings["TOPICS_REPORT_SAVE_AS"],
            template,
            self.context,
            relative_urls=self.settings.get("RELATIVE_URLS", False),
            url=self.settings["TOPICS_REPORT_URL"],
            topics_report=state.report,
            topics_place_labels=PLACE_LABELS,
            page_name="topics_report",
            template_name="topics_report",
        )


def get_generators(pelican):
    from .assign import enabled

    return TopicsReportGenerator if enabled(pelican.settings) else None


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
            lines.append(f"  + {topic['label']:<24} {topic['score']:5.2f} / {topic['threshold']:.2f}  "
                         f"({topic['places']} Stellen)")
            for item in topic["evidence"]:
                lines.append(f"      {item['word']} [{PLACE_LABELS[item['place']]}]: {item['sentence']}")
        if show_candidates:
            for topic in entry["candidates"]:
                lines.append(f"  - {topic['label']:<24} {topic['score']:5.2f} / {topic['threshold']:.2f}  "
                             f"{topic['reason_label']}")
                for item in topic["evidence"][:2]:
                    lines.append(f"      {item['word']} [{PLACE_LABELS[item['place']]}]: {item['sentence']}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
