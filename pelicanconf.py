"""Settings of the Nordlicht Netz service weblog (development builds).

Only what this site wants different from Pelican and from the plugins'
own defaults. publishconf.py builds on this for production.
"""

import os
import sys

AUTHOR = "Serviceteam Nordlicht Netz"
SITENAME = "Nordlicht Netz – Service-Blog"
SITESUBTITLE = "Antworten, Hintergründe und Störungsmeldungen aus dem Kundenservice"
SITE_DESCRIPTION = (
    "Der Service-Blog von Nordlicht Netz: Antworten auf häufige Fragen, aktuelle "
    "Störungsmeldungen und Hintergründe zum Kundenservice in den sozialen Medien."
)
# Development builds use absolute links in feeds and the sitemap that point at
# the local server; pages themselves link relatively, so any port works.
SITEURL = os.environ.get("SITEURL", "http://127.0.0.1:8000").rstrip("/")
RELATIVE_URLS = True
FEED_DOMAIN = SITEURL
PRODUCTION = False

PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
TIMEZONE = "Europe/Berlin"
DEFAULT_LANG = "de"
DEFAULT_DATE_FORMAT = "%d.%m.%Y"  # never used by the theme: dates go through Babel filters

# The theme relies on autoescaping: every value is text unless a template
# marks it as HTML by design (`|safe`: rendered Markdown) or a plugin hands
# over Markup. Pelican's own defaults (trim/lstrip blocks) stay as they are.
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [],
    "autoescape": True,
}

PLUGIN_PATHS = ["plugins"]
# Pelican loads the plugins from PLUGIN_PATHS but does not put the folder on
# sys.path, where the plugins find their libraries (kit, german): a plain
# `pelican content` needs it as much as invoke does.
plugins_folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugins")
if plugins_folder not in sys.path:
    sys.path.insert(0, plugins_folder)
# Order matters: content plugins first, then speed (renders the queued pages
# when all generators are done), then the output-side plugins: the sitemap,
# and the search index last, over the finished pages.
PLUGINS = [
    "german", "editorial", "publishing", "topics", "outages", "faq", "social", "neighbours", "feeds",
    "speed", "seo", "search",
]

ARTICLE_PATHS = ["artikel"]
PAGE_PATHS = ["seiten"]
STATIC_PATHS = ["bilder"]
IGNORE_FILES = [".#*", "*~", "*.swp", "README.md"]

# URLs (design.md): every page is <dir>/index.html, linked as <dir>/
ARTICLE_URL = "artikel/{slug}/"
ARTICLE_SAVE_AS = "artikel/{slug}/index.html"
DRAFT_URL = "entwuerfe/{slug}/"
DRAFT_SAVE_AS = "entwuerfe/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
DRAFT_PAGE_URL = "entwuerfe/seiten/{slug}/"
DRAFT_PAGE_SAVE_AS = "entwuerfe/seiten/{slug}/index.html"
CATEGORY_URL = "kategorie/{slug}/"
CATEGORY_SAVE_AS = "kategorie/{slug}/index.html"
CATEGORIES_URL = "kategorie/"
CATEGORIES_SAVE_AS = "kategorie/index.html"
TAG_URL = "themen/{slug}/"
TAG_SAVE_AS = "themen/{slug}/index.html"
TAGS_URL = "themen/"
TAGS_SAVE_AS = "themen/index.html"
AUTHOR_URL = "autoren/{slug}/"
AUTHOR_SAVE_AS = "autoren/{slug}/index.html"
AUTHORS_URL = "autoren/"
AUTHORS_SAVE_AS = "autoren/index.html"
ARCHIVES_URL = "archiv/"
ARCHIVES_SAVE_AS = "archiv/index.html"
YEAR_ARCHIVE_URL = "archiv/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "archiv/{date:%Y}/index.html"
MONTH_ARCHIVE_URL = "archiv/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = "archiv/{date:%Y}/{date:%m}/index.html"
DAY_ARCHIVE_SAVE_AS = ""
INDEX_SAVE_AS = "index.html"
DIRECT_TEMPLATES = ["index", "categories", "tags", "authors", "archives", "404"]
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None}
DEFAULT_PAGINATION = 10
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/seite/{number}/", "{base_name}/seite/{number}/index.html"),
)

# Feeds in every build (design.md): Atom + RSS for everything, per category and tag.
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/kategorie/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/kategorie/{slug}.rss.xml"
TAG_FEED_ATOM = "feeds/themen/{slug}.atom.xml"
TAG_FEED_RSS = "feeds/themen/{slug}.rss.xml"
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
FEED_MAX_ITEMS = 20
RSS_FEED_SUMMARY_ONLY = False
JSON_FEED = "feeds/all.json"

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.sane_lists": {},
        "markdown.extensions.smarty": {},  # German quotes are set by the editorial plugin
    },
    "output_format": "html5",
}

# Authors shown with a short line on their page (German, written for this site).
AUTHOR_BIOS = {
    "Miriam Albers": "leitet das Social-Media-Team im Kundenservice.",
    "Jonas Petersen": "kümmert sich um Netzbetrieb und Störungskommunikation.",
    "Aylin Demir": "verantwortet Servicequalität und Schulungen.",
}

# The main menu: (URL, label, page_name of the page that is "current").
NAVIGATION = [
    ("themen/", "Themen", "tags"),
    ("kategorie/", "Kategorien", "categories"),
    ("archiv/", "Archiv", "archives"),
    ("faq/", "Häufige Fragen", "faq"),
    ("status/", "Status", "status"),
]
FOOTER_PAGES = ["impressum", "datenschutz", "kontakt"]

# Outage notices: the region named in CAP alerts when no component names one.
OUTAGES_AREA = "Schleswig-Holstein und Hamburg"

# Pelican's own content cache stays off: the speed plugin caches parsed
# content by hash (and replays its warnings) under CACHE_PATH.
CACHE_PATH = ".cache"
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

# Automatic summaries (articles without Summary:): the first paragraph, at most
# 55 words, so list pages never show a heading or list out of the article body.
SUMMARY_MAX_PARAGRAPHS = 1
SUMMARY_MAX_LENGTH = 55
