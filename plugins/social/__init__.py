"""Social posting: exact German summaries for Mastodon and Bluesky, checked in
the build, posted once after deploy by `invoke social-post` (see README.md)."""

from pelican import signals

from .generator import get_generators, on_get_writer
from .settings import apply_defaults


def register():
    signals.initialized.connect(apply_defaults)
    signals.get_generators.connect(get_generators)
    signals.get_writer.connect(on_get_writer)
