"""Settings the german plugin sets when Pelican starts (unless pelicanconf did)."""

from . import dates, slugs

DATE_FILTERS = {
    "datum": dates.date_long,
    "datum_kurz": dates.date_short,
    "datum_zeit": dates.datetime_long,
    "monat_jahr": dates.month_year,
    "monatsname": dates.month_name,
    "iso": dates.iso,
}


def apply_german_defaults(pelican):
    """Slug rules and Jinja date filters; pelicanconf may still override slugs."""
    settings = pelican.settings
    subs = slugs.slug_substitutions()
    settings["SLUGIFY_USE_UNICODE"] = True
    for kind in ("SLUG", "TAG", "CATEGORY", "AUTHOR"):
        settings[f"{kind}_REGEX_SUBSTITUTIONS"] = subs
    settings.setdefault("JINJA_FILTERS", {})
    for name, func in DATE_FILTERS.items():
        settings["JINJA_FILTERS"].setdefault(name, func)
    settings["JINJA_FILTERS"].setdefault("slug", slugs.slugify)
    settings.setdefault("TIMEZONE", "Europe/Berlin")
    settings.setdefault("DEFAULT_LANG", "de")
