"""German language helpers shared by the other plugins (the one allowed import).

Registering it sets the German slug rules and the Babel date filters, so that
templates never depend on the machine's locale.
"""

from pelican import signals

from .settings import apply_german_defaults


def register():
    signals.initialized.connect(apply_german_defaults)
