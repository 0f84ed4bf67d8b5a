"""Social-ready feeds: one Atom feed (feedgen) and one JSON Feed per network.

The entries carry the exact post text, so a tool that only reads feeds
(an IFTTT applet, a bridge someone runs elsewhere) sends what the build
checked, not its own truncation. Entry ids are UUIDs derived from the post
key, so they do not change when SITEURL or a slug changes.
"""

import datetime as dt
import json
import os
import uuid

from feedgen.feed import FeedGenerator

from german.dates import site_now
from kit import outputs

from .cache import digest

SOURCE = "the social plugin"

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:social-posts")


def entry_id(key):
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, key)}"


def feed_paths(settings, network):
    return (
        settings["SOCIAL_ATOM_SAVE_AS"].format(network=network),
        settings["SOCIAL_JSON_SAVE_AS"].format(network=network),
    )


def _atom(posts, network, settings, url):
    base = settings["SITEURL"].rstrip("/")
    feed = FeedGenerator()
    feed.id(entry_id(f"feed:{network.name}"))
    feed.title(f"{settings['SITENAME']} – Beiträge für {network.label}")
    feed.subtitle(f"Die Texte, wie sie auf {network.label} erscheinen")
    feed.author({"name": settings.get("AUTHOR") or settings["SITENAME"]})
    feed.link(href=f"{base}/", rel="alternate")
    feed.link(href=f"{base}/{url}", rel="self")
    feed.language("de")
    newest = max((dt.datetime.fromisoformat(p["date"]) for p in posts), default=site_now(settings))
    feed.updated(newest)
    for post in posts:  # oldest first in the queue; newest first in the feed
        entry = feed.add_entry(order="prepend")
        entry.id(entry_id(post["key"]))
        entry.title(post["title"])
        entry.link(href=post["link"], rel="alternate")
        entry.content(post["text"], type="text")
        date = dt.datetime.fromisoformat(post["date"])
        entry.published(date)
        entry.updated(date)
        for name in post["hashtags"]:
            entry.category(term=name, label=f"#{name}")
    return feed.atom_str(pretty=True)


def _json_feed(posts, network, settings, url):
    base = settings["SITEURL"].rstrip("/")
    items = []
    for post in reversed(posts):
        item = {
            "id": entry_id(post["key"]),
            "url": post["link"],
            "title": post["title"],
            "content_text": post["text"],
            "date_published": post["date"],
            "language": "de",
            "_social": {
                "key": post["key"],
                "network": post["network"],
                "length": post["length"],
                "limit": post["limit"],
                "reply_to": post["reply_to"],
                "facets": post["facets"],
                "card": post["card"],
            },
        }
        if post["hashtags"]:
            item["tags"] = post["hashtags"]
        items.append(item)
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"{settings['SITENAME']} – Beiträge für {network.label}",
        "home_page_url": f"{base}/",
        "feed_url": f"{base}/{url}",
        "language": "de",
        "items": items,
    }


def _feed_key(records, network, settings, atom_url, json_url):
    """Hash of everything the two feeds of a network are made of."""
    return digest(
        "feeds",
        repr((network.name, network.label, atom_url, json_url)),
        repr([settings.get(k) for k in ("SITEURL", "SITENAME", "AUTHOR")]),
        # Only an empty feed shows the build's time.
        "" if records else site_now(settings).isoformat(),
        *(record.fragment for record in records),
    )


def write_feeds(result, settings, output_path, cache=None):
    """Write every network's Atom and JSON feed; returns the written paths.
    With a `cache.ComposeCache`, unchanged feeds are not made again."""
    written = []
    for network in result.networks:
        # The newest ones: a bridge reading the feed needs what is new, and a
        # 4,000-article site must not write 4,000 entries per build.
        limit = int(settings["SOCIAL_FEED_MAX_ITEMS"] or 0)
        records = result.network_records(network.name, limit)
        atom_url, json_url = feed_paths(settings, network.name)

        def make(records=records, network=network, atom_url=atom_url, json_url=json_url):
            posts = [record.post for record in records]
            feed = json.dumps(_json_feed(posts, network, settings, json_url), ensure_ascii=False, indent=1)
            return _atom(posts, network, settings, atom_url), feed.encode("utf-8")

        if cache is None:
            atom, feed = make()
        else:
            key = _feed_key(records, network, settings, atom_url, json_url)
            atom, feed = cache.output(f"feeds:{network.name}", key, make)
        for url, data in ((atom_url, atom), (json_url, feed)):
            path = os.path.join(output_path, url)
            outputs.write_bytes(path, data, SOURCE)
            written.append(path)
    return written


__all__ = ["entry_id", "feed_paths", "write_feeds"]
