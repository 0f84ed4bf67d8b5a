"""/feeds/faq.atom.xml: new and updated FAQ entries, newest change first (feedgen).

An answer that is revised keeps its id and gets a new <updated>, so feed
readers show it again as updated instead of as a new item.
"""

import os

from feedgen.feed import FeedGenerator

from german.dates import to_berlin
from kit import outputs

from .jsonld import absolute


def write_atom(entries, settings, output_path):
    feed_path = settings["FAQ_FEED_ATOM"]
    siteurl = settings["FEED_DOMAIN"] or settings["SITEURL"]
    newest_first = sorted(entries, key=lambda e: (e.date, e.slug), reverse=True)
    limit = settings["FEED_MAX_ITEMS"]
    if limit:
        newest_first = newest_first[: int(limit)]

    feed = FeedGenerator()
    feed.id(absolute(settings, feed_path))
    feed.title(f"Häufige Fragen – {settings['SITENAME']}")
    feed.subtitle("Neue und aktualisierte Antworten auf häufige Fragen unserer Kundinnen und Kunden")
    feed.link(href=absolute(settings, feed_path), rel="self", type="application/atom+xml")
    feed.link(href=absolute(settings, settings["FAQ_INDEX_URL"]), rel="alternate", type="text/html")
    feed.language("de")
    feed.author({"name": settings.get("AUTHOR") or settings["SITENAME"]})
    feed.updated(to_berlin(newest_first[0].date))
    for entry in reversed(newest_first):  # feedgen prepends: add oldest first
        item = feed.add_entry()
        url = absolute(settings, entry.url)
        item.id(url)
        item.title(entry.title)
        item.link(href=url, rel="alternate", type="text/html")
        item.updated(to_berlin(entry.date))
        item.category(term=entry.category.slug, label=entry.category.name)
        item.summary(str(entry.short_answer), type="html")
        item.content(entry.get_content(siteurl), type="html")

    outputs.write_bytes(os.path.join(output_path, feed_path), feed.atom_str(pretty=True), "the FAQ plugin")
