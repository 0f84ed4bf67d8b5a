"""The language of Pelican's Atom and RSS feeds.

Pelican creates its feeds without a language, so a feed reader (or a screen
reader reading one aloud) has to guess; the site's own feeds (FAQ, outages,
JSON Feed) say German. feedgenerator writes `xml:lang` on an Atom feed and
`<language>` in an RSS channel when the feed has a `language`.
"""


def feed_language(context, feed):
    """feed_generated handler: the site's language (DEFAULT_LANG) on every feed."""
    if not feed.feed.get("language"):
        feed.feed["language"] = context.get("DEFAULT_LANG") or "de"
