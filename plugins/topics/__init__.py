"""Automatic topic tags for German texts, with evidence.

See assign.py for how the plugin meets Pelican, match.py for how topics are
found, and content/themen.yml for the taxonomy editors maintain.
"""

from pelican import signals

from . import assign, finalize, report_pages


def register():
    signals.initialized.connect(assign.on_initialized)
    signals.article_generator_init.connect(assign.on_article_generator_init)
    signals.content_object_init.connect(assign.on_content_object_init)
    signals.article_generator_pretaxonomy.connect(assign.on_article_generator_pretaxonomy)
    signals.all_generators_finalized.connect(finalize.on_all_generators_finalized)
    signals.finalized.connect(finalize.on_finalized)
    signals.get_generators.connect(report_pages.get_generators)
