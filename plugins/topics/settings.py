"""Settings of the topics plugin, with their defaults (pelicanconf may override).

The defaults are set here and only here (`apply_defaults`, when the plugin's
state for a build is made); the other modules read `settings["TOPICS_…"]`.
"""

from kit import problems

from .engine import DEFAULT_MAX_AUTO
from .evidence import evidence_html
from .model import DEFAULT_PATH as DEFAULT_MODEL_PATH

DEFAULTS = {
    # The taxonomy, relative to PATH (content/).
    "TOPICS_TAXONOMY": "themen.yml",
    # At most this many automatic topics per document (editor tags come on top).
    "TOPICS_MAX_AUTO": DEFAULT_MAX_AUTO,
    # "Verwandte Beiträge": at most this many per document.
    "TOPICS_RELATED_MAX": 5,
    # Caches between builds (analyses, lemmas, report fingerprints; cache.py);
    # None: <CACHE_PATH>/topics.
    "TOPICS_CACHE": True,
    "TOPICS_CACHE_PATH": None,
    # The evidence report: JSON always, the readable page only when this is true;
    # None means "when PRODUCTION is not true" (pelicanconf / publishconf).
    "TOPICS_REPORT_JSON_SAVE_AS": "themen/bericht.json",
    "TOPICS_REPORT_URL": "themen/bericht/",
    "TOPICS_REPORT_SAVE_AS": "themen/bericht/index.html",
    "TOPICS_REPORT_PAGE": None,
    # The readable report is split into pages of this many documents, so that
    # editing one text re-renders one page, and a browser never opens 40 MB.
    "TOPICS_REPORT_PER_PAGE": 100,
    "TOPICS_REPORT_PAGE_URL": "themen/bericht/seite/{number}/",
    "TOPICS_REPORT_PAGE_SAVE_AS": "themen/bericht/seite/{number}/index.html",
    # Analyze texts in a second process ("auto": when the machine has two cores
    # and the site at least MIN_DOCS texts). It starts as Pelican starts when
    # nothing is cached, else once enough texts miss the cache (worker.py).
    "TOPICS_WORKER": "auto",
    "TOPICS_WORKER_MIN_DOCS": 400,
    "TOPICS_WORKERS": None,  # None: one per spare CPU core (cores - 1), at least one, at most three
    # Weights of the places of a text (see match.PLACE_WEIGHTS); {} keeps them.
    "TOPICS_PLACE_WEIGHTS": {},
    # The model that decides near misses (model.py; `invoke topics-train` writes
    # it); None tags by the taxonomy alone.
    "TOPICS_MODEL": DEFAULT_MODEL_PATH,
}

# Metadata keys editors may write; the editorial plugin rejects unknown keys.
METADATA_KEYS = {"topics", "topics-exclude"}

OFF_VALUES = {"off", "aus", "nein", "no", "false", "0"}
ON_VALUES = {"on", "an", "ein", "ja", "yes", "true", "1"}


def apply_defaults(settings):
    for key, value in DEFAULTS.items():
        settings.setdefault(key, value)
    settings.setdefault("JINJA_FILTERS", {}).setdefault("topics_evidence", evidence_html)
    # Articles (editorial plugin), FAQ entries (faq) and notices (outages) check
    # their keys; all of them accept Topics and Topics-Exclude.
    for name in ("ARTICLE_METADATA_KEYS", "FAQ_METADATA_KEYS", "SHARED_METADATA_KEYS"):
        value = settings.get(name)
        if isinstance(value, set):
            value.update(METADATA_KEYS)
        else:
            settings[name] = set(value or ()) | METADATA_KEYS


def report_page_enabled(settings):
    value = settings["TOPICS_REPORT_PAGE"]
    if value is None:
        return not settings.get("PRODUCTION")
    return bool(value)


def enabled(settings):
    """Is this plugin in the build's PLUGINS? Pelican's signals are global: once
    registered in a process, our handlers also see later builds without us."""
    for plugin in (settings or {}).get("PLUGINS") or ():
        name = plugin if isinstance(plugin, str) else getattr(plugin, "__name__", "")
        if name.rsplit(".", 1)[-1] == "topics":
            return True
    return False


def display_path(path, settings):
    """A document's path as editors see it in messages and the report ("?" when unknown)."""
    if not path:
        return "?"
    return problems.display_path(path, settings)
