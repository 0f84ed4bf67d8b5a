"""Defaults of the faq plugin; pelicanconf.py only sets what the site wants different."""

# Metadata keys a FAQ file may carry (lower case, as Pelican's readers deliver
# them). Other plugins may add their own in an `initialized` handler; any other
# key is an error, so that a typo like "Realted:" never silently drops links.
BASE_FAQ_KEYS = {
    "question", "category", "order", "tags", "related", "summary", "modified",
    "slug", "status",
}

# How a value that goes on over indented lines is read (the editorial reader
# reads every Markdown file; see its settings): a wrapped question is one
# sentence, Related goes on with more slugs, a wrapped Order is a mistake.
WRAPPED_VALUES = {"METADATA_TEXT_KEYS": {"question"}, "METADATA_LIST_KEYS": {"related"},
                  "METADATA_ONE_LINE_KEYS": {"order"}}

DEFAULTS = {
    "FAQ_PATH": "faq",
    "FAQ_EXCLUDES": [],
    "FAQ_URL": "faq/{slug}/",
    "FAQ_SAVE_AS": "faq/{slug}/index.html",
    "FAQ_INDEX_URL": "faq/",
    "FAQ_INDEX_SAVE_AS": "faq/index.html",
    "FAQ_FEED_ATOM": "feeds/faq.atom.xml",
    # Order of the categories on /faq/; categories not listed follow alphabetically.
    "FAQ_CATEGORY_ORDER": [],
}


def apply_defaults(pelican):
    """initialized handler: defaults, and keep FAQ files out of articles and pages.

    Excluding FAQ_PATH from ARTICLE_/PAGE_EXCLUDES matters when a site reads
    articles from the whole content folder (ARTICLE_PATHS = [""]).
    """
    settings = pelican.settings
    for key, value in DEFAULTS.items():
        settings.setdefault(key, list(value) if isinstance(value, list) else value)
    settings.setdefault("FAQ_METADATA_KEYS", set()).update(BASE_FAQ_KEYS)
    for key, names in WRAPPED_VALUES.items():
        settings.setdefault(key, set()).update(names)
    folder = settings["FAQ_PATH"].strip("/")
    # Answers get the editorial reader's check of what a text may contain.
    checked = settings.setdefault("CHECKED_TEXT_PATHS", [])
    if folder and folder not in checked:
        checked.append(folder)
    for key in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES"):
        excludes = list(settings[key])
        if folder and folder not in excludes:
            excludes.append(folder)
        settings[key] = excludes
