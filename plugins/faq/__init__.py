"""FAQ: one question per Markdown file under content/faq/, with its own
generator (never an article), /faq/ grouped by category, /faq/<slug>/, an Atom
feed, FAQPage JSON-LD and back links from the articles an entry names."""

from pelican import signals

from . import generator, settings


def register():
    signals.initialized.connect(settings.apply_defaults)
    signals.get_generators.connect(generator.get_generators)
