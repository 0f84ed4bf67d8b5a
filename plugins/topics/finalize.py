"""After every generator has read its documents, before anything is written.

Sets, for the templates:
- `related_documents` on every published article, FAQ entry and notice (at most
  TOPICS_RELATED_MAX, best first), and `topic_document_kind` (German label:
  "Artikel", "Häufige Frage", "Störungsmeldung" or "Wartungsarbeiten");
- context `topic_documents`: tag slug → links ({"title", "url"}, newest first)
  to the FAQ entries and notices with that topic, for the topic pages
  (Pelican's tag pages only list articles). Links, not the content objects:
  every topic page reads this dict, and a page is rendered again whenever a
  value it mentions changes (the speed plugin) — an active notice's duration
  changes every minute, its title and address do not;
- context `topic_pages`: slugs that have a page /themen/<slug>/ (Pelican writes
  tag pages only for tags of articles; link other tags only when listed here);
- context `topics_report_url`: the /themen/bericht/ page when it is built.
Then the report (report.py) is prepared and the caches are written.
"""

import datetime as dt
import logging

from pelican.generators import ArticlesGenerator

from . import cache, related, report
from .assign import get_state
from .report import kind_of
from .settings import enabled, report_page_enabled

logger = logging.getLogger(__name__)

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _timestamp(doc):
    for attr in ("date", "modified"):
        value = getattr(doc, attr, None)
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=dt.UTC)
            return value.timestamp()
    return EPOCH.timestamp() - 1


def rank(docs):
    """Newest first, then by URL: the order of lists and tie-breaks everywhere."""
    return sorted(docs, key=lambda d: (-_timestamp(d), str(getattr(d, "url", "")),
                                       str(getattr(d, "source_path", ""))))


def topic_weights(doc, thresholds):
    """{slug: 1 or 2}: editor tags and clear automatic topics weigh 2."""
    result = doc.__dict__.get("topics_result")
    analysis = (result.get("analysis") or {}).get("topics", {}) if result is not None else {}
    auto = set(result.get("auto") or []) if result is not None else set()
    weights = {}
    for tag in getattr(doc, "tags", None) or []:
        slug = getattr(tag, "slug", None) or str(tag)
        if slug in auto:
            score = analysis.get(slug, {}).get("score", 0)
            weights[slug] = 2 if score >= 2 * thresholds.get(slug, float("inf")) else 1
        else:
            weights[slug] = 2
    return weights


def _unique(docs):
    seen, out = set(), []
    for doc in docs:
        if id(doc) not in seen:
            seen.add(id(doc))
            out.append(doc)
    return out


def on_all_generators_finalized(generators):
    if not generators:
        return
    context = generators[0].context
    settings = generators[0].settings
    if not enabled(settings):
        return
    state = get_state(settings)
    context.setdefault("topic_taxonomy", {})
    context["topic_documents"] = {}
    context["topic_pages"] = set()
    if state.engine is None:
        return
    try:
        _finalize(generators, context, settings, state)
    finally:
        state.close_worker()


def _finalize(generators, context, settings, state):
    state.finish_waiting()
    articles_generator = next((g for g in generators if isinstance(g, ArticlesGenerator)), None)
    articles = list(getattr(articles_generator, "articles", None) or [])
    others = list(context.get("faq_entries") or []) + list(context.get("outage_notices") or [])
    for doc in others:
        state.ensure_current(doc)
    published = rank(_unique(articles + others))

    thresholds = {t.slug: t.threshold for t in state.taxonomy.topics}
    weights = [topic_weights(doc, thresholds) for doc in published]
    limit = settings["TOPICS_RELATED_MAX"]
    directory = cache.cache_dir(settings) if settings["TOPICS_CACHE"] else None
    for doc, chosen in zip(published, related.cached(weights, limit, directory), strict=True):
        doc.related_documents = [published[j] for j in chosen]

    topic_documents = {}
    for doc in published:
        kind, label = kind_of(doc)
        doc.topic_document_kind = label  # "Artikel", "Häufige Frage", "Störungsmeldung", …
        if kind == "article":
            continue
        for tag in getattr(doc, "tags", None) or []:
            topic_documents.setdefault(tag.slug, []).append({"title": doc.title, "url": doc.url})
    context["topic_documents"] = topic_documents
    tags = getattr(articles_generator, "tags", None) or {}
    context["topic_pages"] = {tag.slug for tag in (tags.keys() if hasattr(tags, "keys") else [t for t, _ in tags])}

    # Drafts only appear in the report of non-production builds.
    drafts = []
    if articles_generator is not None and report_page_enabled(settings):
        drafts = rank(list(articles_generator.drafts) + list(articles_generator.hidden_articles))
    state.report = report.build(state, published, drafts)
    if report_page_enabled(settings):
        context["topics_report_url"] = settings["TOPICS_REPORT_URL"]

    # Every text is analysed now: the worker may go, and what it learnt is kept.
    state.close_worker()
    for doc in published + drafts:
        result = doc.__dict__.get("topics_result")
        if result is not None and result.key and result.analysis is not None:
            state.engine.memory.setdefault(result.key, result.analysis)
            state.engine.used.add(result.key)
    state.finish_outputs(len(published) + len(drafts))


def on_finalized(pelican):
    """The report JSON and the caches are written (State.finish_outputs) before the build ends.
    Then the state lets go of the report: it holds every document of the build, and
    a process that builds again (live reload) would carry them into its next build."""
    if enabled(pelican.settings):
        state = get_state(pelican.settings)
        state.join_background()
        state.report = None
