"""One atom:id per Atom feed.

Pelican gives every feed the site's home page as its id (feedgenerator's
default: the feed's link), so the main feed and each category and topic feed
claim to be the same feed. RFC 4287 wants a permanent id that belongs to one
feed only; the feed's own address is that, and it never changes while the
feed exists.
"""

from feedgenerator import Atom1Feed


def own_feed_id(context, feed):
    """feed_generated handler: the feed's URL becomes its id."""
    if isinstance(feed, Atom1Feed) and feed.feed.get("feed_url"):
        feed.feed["id"] = feed.feed["feed_url"]
