"""JSON Feed next to Pelican's own Atom and RSS feeds, and plain-text titles
in Pelican's feeds."""

from pelican import signals

from .jsonfeed import write_json_feed
from .titles import literal_titles


def register():
    signals.article_writer_finalized.connect(write_json_feed)
    signals.feed_generated.connect(literal_titles)
