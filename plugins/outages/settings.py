"""Defaults of the outages plugin; pelicanconf.py only sets what differs."""

from german.slugs import slugify

DEFAULTS = {
    "OUTAGES_PATH": "stoerungen",  # below PATH: one Markdown file per notice
    "OUTAGES_COMPONENTS_FILE": "status/komponenten.yml",  # below PATH
    "OUTAGES_STATUS_URL": "status/",
    "OUTAGES_STATUS_SAVE_AS": "status/index.html",
    "NOTICE_URL": "stoerungen/{slug}/",
    "NOTICE_SAVE_AS": "stoerungen/{slug}/index.html",
    "NOTICE_LANG_URL": "stoerungen/{slug}-{lang}/",
    "NOTICE_LANG_SAVE_AS": "stoerungen/{slug}-{lang}/index.html",
    "OUTAGES_FEED_ATOM": "feeds/stoerungen.atom.xml",
    "OUTAGES_FEED_RSS": "feeds/stoerungen.rss.xml",
    "OUTAGES_COMPONENT_FEED_ATOM": "feeds/stoerungen/{id}.atom.xml",
    "OUTAGES_COMPONENT_FEED_RSS": "feeds/stoerungen/{id}.rss.xml",
    "OUTAGES_FEED_MAX_ITEMS": 100,
    "OUTAGES_CALENDAR": "status/wartungen.ics",
    "OUTAGES_CAP_PATH": "status/cap/{slug}.xml",
    "OUTAGES_BADGE_PATH": "status/badges/{id}.{ext}",
    "OUTAGES_BADGE_LABEL": "Status",
    "OUTAGES_BANNER_LEAD_HOURS": 24,  # show upcoming maintenance this long before
    "OUTAGES_CAP_SENDER": None,  # default: stoerungen@<host of SITEURL>
    "OUTAGES_AREA": "Versorgungsgebiet",  # CAP areaDesc when no component names one
    "OUTAGES_PAGE_ID": None,  # Statuspage page id; default: slug of SITENAME
    "OUTAGES_SINCE": None,  # start of the availability record; default: first notice
    # invoke outage-publish loads only these plugins (their work shows on outage pages)
    "OUTAGES_PUBLISH_PLUGINS": ["german", "editorial", "outages"],
}


def apply_defaults(pelican):
    """initialized handler."""
    set_defaults(pelican.settings)


def set_defaults(settings):
    """The plugin's defaults where `settings` has none, and notices kept out of
    articles and pages (also for the commands, which run before Pelican starts)."""
    for key, value in DEFAULTS.items():
        settings.setdefault(key, value)
    if not settings["OUTAGES_PAGE_ID"]:
        settings["OUTAGES_PAGE_ID"] = slugify(settings["SITENAME"]) or "status"
    folder = settings["OUTAGES_PATH"].strip("/")
    for key in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES"):
        excludes = list(settings[key])
        if folder not in excludes:
            excludes.append(folder)
        settings[key] = excludes
