"""Defaults and the global fingerprint of the speed plugin."""

import logging
import os
import time

from . import folders, memory
from .fingerprint import Digester, _h, code_fingerprint
from .writer import IncrementalWriter, active_writer

logger = logging.getLogger(__name__)
# Settings that differ between two builds of the same site without changing any page.
VOLATILE = {"OUTPUT_PATH", "FINAL_OUTPUT_PATH", "SEARCH_INDEX", "SPEED_GLOBAL_FINGERPRINT", "BUILD_VALID_UNTIL",
            "SPEED_WORKERS", "DELETE_OUTPUT_DIRECTORY", "CACHE_PATH", "PLUGIN_PATHS"}


def apply_defaults(pelican):
    pelican.settings.setdefault("SPEED_WORKERS", None)  # None: one per CPU core
    pelican.settings.setdefault("SPEED_INCREMENTAL", True)


def global_fingerprint(settings):
    """All settings that can change a page, plus the code that renders it."""
    digester = Digester(opaque_as_repr=True)
    stable = {k: v for k, v in settings.items() if k not in VOLATILE}
    plugin_paths = [os.path.abspath(p) for p in settings.get("PLUGIN_PATHS", [])]
    return _h(digester.value(stable), code_fingerprint(plugin_paths, settings.get("PLUGINS")))


def writer_class(pelican):
    """get_writer handler: fingerprint the settings now that every plugin set its defaults."""
    settings = pelican.settings
    if not settings.get("SPEED_INCREMENTAL", True):
        settings["FINAL_OUTPUT_PATH"] = None
    started = time.perf_counter()
    settings["SPEED_GLOBAL_FINGERPRINT"] = global_fingerprint(settings)
    logger.debug("speed: global fingerprint in %.3f s", time.perf_counter() - started)
    return IncrementalWriter


def flush_writer(pelican):
    """finalized handler (before sitemap and search): render what is queued."""
    writer = active_writer()
    if writer is None or writer.output_path != pelican.output_path:
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
