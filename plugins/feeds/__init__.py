"""JSON Feed 1.1 next to Pelican's own Atom and RSS feeds."""

from pelican import signals

from .jsonfeed import write_json_feed


def register():
    signals.article_writer_finalized.connect(write_json_feed)
