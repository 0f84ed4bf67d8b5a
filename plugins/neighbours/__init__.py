"""Newer/older links on every article ("neighbours"), computed once per build."""

from pelican import signals

from .links import link_neighbours


def register():
    signals.article_generator_finalized.connect(link_neighbours)
