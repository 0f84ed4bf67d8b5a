"""Automatic topic tags for German texts, with evidence (issue 6).

See assign.py for how the plugin meets Pelican, match.py for how topics are
found, and content/themen.yml for the taxonomy editors maintain.
"""

import os
import sys

from pelican import signals

# The shared language helpers (plugins/german) and, for the analysis worker
# process, this package itself must be importable by name.
_PLUGINS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _PLUGINS not in sys.path:
    sys.path.append(_PLUGINS)

from . import assign, finalize, report  # noqa: E402


def register():
    signals.initialized.connect(assign.on_initialized)
    signals.article_generator_init.connect(assign.on_article_generator_init)
    signals.content_object_init.connect(assign.on_content_object_init)
    signals.article_generator_pretaxonomy.connect(assign.on_article_generator_pretaxonomy)
    signals.all_generators_finalized.connect(finalize.on_all_generators_finalized)
    signals.finalized.connect(finalize.on_finalized)
    signals.get_generators.connect(report.get_generators)
