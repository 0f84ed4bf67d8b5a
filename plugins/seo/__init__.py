"""Findability: sitemap.xml and robots.txt, written from the finished output."""

from pelican import signals

from .sitemap import remember_context, write_robots_and_sitemap


def register():
    signals.all_generators_finalized.connect(remember_context)
    signals.finalized.connect(write_robots_and_sitemap)
