"""Which pages the search index holds, and what it knows about each.

Only articles, FAQ entries and outage notices are searchable. They are taken
from the shared context (contracts.md: `articles`, `faq_entries`,
`outage_notices`), not guessed from the HTML: a list page or the status page
may carry `data-pagefind-body` too, but it is not a search result.
"""

from dataclasses import dataclass

from german.dates import date_long, iso

# Context key → value of the "Typ" filter shown in the search page.
KINDS = (("articles", "Artikel"), ("faq_entries", "FAQ"), ("outage_notices", "Störungsmeldung"))
NOTICE_CATEGORIES = {"incident": "Störung", "maintenance": "Wartungsarbeiten"}


@dataclass(frozen=True)
class SearchDocument:
    save_as: str
    url: str
    kind: str
    title: str
    category: str
    tags: tuple
    date: str  # "24. November 2026", shown in the result list
    sort_date: str  # ISO 8601, for sorting by date


def plain(text):
    """Titles and names are plain text on this site (the theme escapes them):
    the search shows them as typed, markup-like characters included."""
    return str(text or "").strip()


def _category(doc, kind):
    if kind == "Störungsmeldung":
        return NOTICE_CATEGORIES.get(getattr(doc, "kind", ""), "")
    category = getattr(doc, "category", None)
    return plain(getattr(category, "name", category or ""))


def _date(doc, kind):
    updates = getattr(doc, "updates", None) if kind == "Störungsmeldung" else None
    if updates:
        return updates[-1].time
    return getattr(doc, "date", None)


def collect(context):
    """SearchDocument for every published article, FAQ entry and outage notice."""
    found = {}
    for key, kind in KINDS:
        for doc in context.get(key) or []:
            if getattr(doc, "status", "published") != "published" or not getattr(doc, "save_as", ""):
                continue
            when = _date(doc, kind)
            found.setdefault(doc.save_as, SearchDocument(
                save_as=doc.save_as,
                url=doc.url,
                kind=kind,
                title=plain(doc.title),
                category=_category(doc, kind),
                tags=tuple(sorted({plain(t.name) for t in getattr(doc, "tags", None) or []})),
                date=date_long(when) if when else "",
                sort_date=iso(when) if when else "",
            ))
    return sorted(found.values(), key=lambda d: d.save_as)


_pending = None


def remember_documents(generators):
    """all_generators_finalized: `finalized` gets no context, so keep what it needs."""
    global _pending
    if generators:
        settings = generators[0].settings
        # Without an index this build only keeps the previous one: nothing to collect.
        _pending = (settings, collect(generators[0].context) if settings.get("SEARCH_INDEX", True) else [])


def documents_for(settings):
    """The documents remembered for this build (None if this build did not collect any)."""
    global _pending
    if _pending is None or _pending[0] is not settings:
        return None
    documents = _pending[1]
    _pending = None
    return documents
