"""Outage notices (Störungsmeldungen): status page, site-wide banner,
Statuspage-compatible JSON, feeds, iCalendar, CAP and badges."""

from pelican import signals

from . import generator, settings


def register():
    signals.initialized.connect(settings.apply_defaults)
    signals.get_generators.connect(generator.get_generators)
