"""/feeds/all.json in JSON Feed 1.1 (https://jsonfeed.org/version/1.1).

Pelican writes Atom and RSS itself; it has no JSON Feed. Same articles, same
limit (FEED_MAX_ITEMS), absolute links and full content like the other feeds.
Titles, tags and names are plain text, as everywhere on the site; json.dumps
escapes whatever needs it.
"""

import json
import os

from markupsafe import Markup

from german.dates import iso
from kit import outputs


def _item(article, base):
    url = f"{base}/{article.url}"
    item = {
        "id": url,
        "url": url,
        "title": article.title,
        "content_html": article.get_content(base),
        "date_published": iso(article.date),
        "language": "de",
    }
    summary = getattr(article, "summary", None)
    if summary and "summary" in article.metadata:
        # JSON Feed 1.1: "summary" is plain text; Pelican's summary is HTML.
        item["summary"] = Markup(summary).striptags()
    if getattr(article, "modified", None):
        item["date_modified"] = iso(article.modified)
    authors = getattr(article, "authors", None) or []
    if authors:
        item["authors"] = [{"name": a.name, "url": f"{base}/{a.url}"} for a in authors]
    tags = [t.name for t in getattr(article, "tags", None) or []]
    if tags:
        item["tags"] = tags
    image = article.metadata.get("image")
    if image:
        item["image"] = f"{base}/{image}"
    return item


def write_json_feed(generator, writer):
    """article_writer_finalized handler."""
    settings = generator.settings
    path = settings.get("JSON_FEED")
    if not path:
        return
    base = (settings["FEED_DOMAIN"] or settings["SITEURL"]).rstrip("/")
    articles = generator.articles[: settings["FEED_MAX_ITEMS"]]
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": settings["SITENAME"],
        "home_page_url": f"{base}/",
        "feed_url": f"{base}/{path}",
        "description": settings.get("SITESUBTITLE", ""),
        "language": "de",
        "authors": [{"name": settings.get("AUTHOR") or settings["SITENAME"]}],
        "items": [_item(a, base) for a in articles],
    }
    outputs.write_text(os.path.join(generator.output_path, path),
                       json.dumps(feed, ensure_ascii=False, indent=1) + "\n", "the feeds plugin")
