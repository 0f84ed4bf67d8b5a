"""Defaults of the editorial plugin; pelicanconf.py may extend them."""

# Metadata keys an article or static page may carry. Other plugins add their
# own (e.g. "social", "topics") in their `initialized` handler; an unknown key
# is an error so that a typo like "Tgas:" never silently drops the tags.
BASE_ARTICLE_KEYS = {
    "title", "date", "modified", "category", "tags", "author", "authors",
    "summary", "slug", "status", "lang", "translation", "template", "image",
    "image-alt",
}
BASE_PAGE_KEYS = {
    "title", "date", "modified", "summary", "slug", "status", "lang",
    "translation", "template", "image", "image-alt",
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
    markdown = settings.setdefault("MARKDOWN", {})
    configs = markdown.setdefault("extension_configs", {})
    configs.setdefault("markdown.extensions.smarty", {}).setdefault(
        "substitutions", dict(GERMAN_QUOTES)
    )
