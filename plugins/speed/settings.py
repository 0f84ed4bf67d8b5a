"""Defaults, the start of each build and the global fingerprint of the speed plugin."""

import logging
import os
import time

from pelican.plugins import signals

from kit import pelican_door

from . import folders, memory, receivers
from .fingerprint import Digester, _h, code_fingerprint
from .writer import IncrementalWriter, take_active_writer

logger = logging.getLogger(__name__)
# Settings that differ between two builds of the same site without changing any
# page by themselves. "Now" (SITE_NOW, and BUILD_VALID_UNTIL derived from it)
# changes a page only through the values the page shows, which its own
# fingerprint covers; in the global fingerprint it would re-render every page.
VOLATILE = {"OUTPUT_PATH", "FINAL_OUTPUT_PATH", "SEARCH_INDEX", "SPEED_GLOBAL_FINGERPRINT",
            "SPEED_WORKERS", "DELETE_OUTPUT_DIRECTORY", "CACHE_PATH", "PLUGIN_PATHS",
            "SITE_NOW", "BUILD_VALID_UNTIL", "SPEED_WARM"}


def apply_defaults(pelican):
    """initialized handler (the plugin's first): defaults, and whether Pelican is as
    expected (pelican_door.check; if not, every other handler leaves the build alone)."""
    pelican.settings.setdefault("SPEED_WORKERS", None)  # None: one per CPU core
    pelican.settings.setdefault("SPEED_INCREMENTAL", True)
    pelican_door.check()


def global_fingerprint(settings):
    """All settings that can change a page, plus the code that renders it."""
    digester = Digester(opaque_as_repr=True)
    stable = {k: v for k, v in settings.items() if k not in VOLATILE}
    plugin_paths = [os.path.abspath(p) for p in settings.get("PLUGIN_PATHS", [])]
    return _h(digester.value(stable), code_fingerprint(plugin_paths, settings.get("PLUGINS")))


def writer_class(pelican):
    """get_writer handler: fingerprint the settings now that every plugin set its defaults."""
    if not pelican_door.is_open():
        return None  # Pelican's own Writer
    settings = pelican.settings
    receivers.warn_if_too_early(signals.content_written, signals.finalized, flush_writer)
    if not settings.get("SPEED_INCREMENTAL", True):
        settings["FINAL_OUTPUT_PATH"] = None
    started = time.perf_counter()
    settings["SPEED_GLOBAL_FINGERPRINT"] = global_fingerprint(settings)
    logger.debug("speed: global fingerprint in %.3f s", time.perf_counter() - started)
    return IncrementalWriter


def flush_writer(pelican):
    """finalized handler (before sitemap and search): render what is queued."""
    writer = take_active_writer()
    if writer is None or not pelican_door.is_open() or writer.output_path != pelican.output_path:
        folders.finish()
        return
    started = time.perf_counter()
    try:
        rendered = writer.flush()
    finally:
        memory.unfreeze()
        folders.finish(writer.folders)
    logger.info("speed: %d files rendered, %d reused in %.2f s", rendered, writer.linked,
                time.perf_counter() - started)
