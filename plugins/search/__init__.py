"""Site search with Pagefind, built as the very last step of a build.

Only articles, FAQ entries and outage notices are indexed; German compounds
get their parts as extra search terms ("Vertrauen" finds "Kundenvertrauen");
an unchanged set of indexed pages reuses the previous index.
"""

from pelican import signals

from . import documents, index, page, settings


def register():
    signals.initialized.connect(settings.apply_defaults)
    signals.get_generators.connect(page.get_generators)
    signals.all_generators_finalized.connect(documents.remember_documents)
    signals.finalized.connect(index.build_index)
