"""JSON Feed 1.1 next to Pelican's own Atom and RSS feeds; one id per Atom feed."""

from pelican import signals

from .ids import own_feed_id
from .jsonfeed import write_json_feed


def register():
    signals.article_writer_finalized.connect(write_json_feed)
    signals.feed_generated.connect(own_feed_id)
