"""Defaults of the editorial plugin; pelicanconf.py may extend them."""

# Metadata keys an article or static page may carry. Other plugins add their
# own (e.g. "social", "topics") in their `initialized` handler; an unknown key
# is an error so that a typo like "Tgas:" never silently drops the tags.
# `Lang` is accepted for 'de' only and `Translation` not at all: the site is
# German only, and Pelican's translations would put a text beside the site's
# addresses (reader.py, _check_language).
BASE_ARTICLE_KEYS = {
    "title", "date", "modified", "category", "tags", "author", "authors",
    "summary", "slug", "status", "lang", "template", "image", "image-alt",
}
BASE_PAGE_KEYS = {
    "title", "date", "modified", "summary", "slug", "status", "lang",
    "template", "image", "image-alt",
}
# How a value that goes on over indented lines is read (the meta extension
# allows this for long values): text is one sentence, its lines joined with a
# space; a list goes on with more items; a short value (a date, an address, a
# choice) cut in two is a mistake and an error. Other plugins add their keys;
# keys in none of these sets reach their plugin as Pelican gives them.
TEXT_KEYS = {"title", "author", "image-alt"}
LIST_KEYS = {"tags", "authors"}
ONE_LINE_KEYS = {
    "date", "modified", "slug", "status", "lang", "category", "template", "image",
}
# Keys Pelican reads to put a text on any address it names. No text may choose
# its own output path: it could replace the home page, the status API or a
# script of the theme. The address follows from the Slug and the site's URL
# settings.
ADDRESS_KEYS = {"save_as", "url", "save-as", "page_url", "page_save_as", "article_url", "article_save_as"}

GERMAN_QUOTES = {
    "left-double-quote": "„",
    "right-double-quote": "“",
    "left-single-quote": "‚",
    "right-single-quote": "‘",
}


def apply_defaults(pelican):
    settings = pelican.settings
    settings.setdefault("ARTICLE_METADATA_KEYS", set()).update(BASE_ARTICLE_KEYS)
    settings.setdefault("PAGE_METADATA_KEYS", set()).update(BASE_PAGE_KEYS)
    settings.setdefault("METADATA_TEXT_KEYS", set()).update(TEXT_KEYS)
    settings.setdefault("METADATA_LIST_KEYS", set()).update(LIST_KEYS)
    settings.setdefault("METADATA_ONE_LINE_KEYS", set()).update(ONE_LINE_KEYS)
    markdown = settings.setdefault("MARKDOWN", {})
    configs = markdown.setdefault("extension_configs", {})
    configs.setdefault("markdown.extensions.smarty", {}).setdefault(
        "substitutions", dict(GERMAN_QUOTES)
    )
