"""Editorial safety: a Markdown reader that checks what editors write, and
site-wide checks (links, alt texts, scheduling) before anything is rendered."""

from pelican import signals

from . import checks, reader, scheduling, settings


def register():
    signals.initialized.connect(settings.apply_defaults)
    signals.readers_init.connect(reader.install_reader)
    signals.article_generator_context.connect(scheduling.hold_back_future_articles)
    signals.all_generators_finalized.connect(checks.check_links_and_images)
