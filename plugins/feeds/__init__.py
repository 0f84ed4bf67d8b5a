"""JSON Feed 1.1 next to Pelican's own Atom and RSS feeds; in Pelican's feeds,
plain-text titles named like the pages, one id per Atom feed and the language."""

from pelican import signals

from .ids import own_feed_id
from .jsonfeed import write_json_feed
from .language import feed_language
from .titles import literal_titles


def register():
    signals.article_writer_finalized.connect(write_json_feed)
    signals.feed_generated.connect(literal_titles)
    signals.feed_generated.connect(own_feed_id)
    signals.feed_generated.connect(feed_language)
