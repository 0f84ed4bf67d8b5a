"""Defaults of the search plugin; pelicanconf.py only sets what the site wants different."""

DEFAULTS = {
    # False for `invoke build --no-search` and livereload: the previous index is copied.
    "SEARCH_INDEX": True,
    "SEARCH_URL": "suche/",
    "SEARCH_SAVE_AS": "suche/index.html",
    # The Pagefind bundle (pagefind.js, index, fragments) below the output folder.
    "SEARCH_BUNDLE_DIR": "pagefind",
    # Add the parts of German compounds as hidden search terms.
    "SEARCH_COMPOUND_PARTS": True,
}


def apply_defaults(pelican):
    for key, value in DEFAULTS.items():
        pelican.settings.setdefault(key, value)
