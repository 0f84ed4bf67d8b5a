"""Test-only plugin: halts a build half way so a test can kill it there."""

import os
import time

from pelican import signals


def _halt(generator, writer):
    marker = os.environ["SLOW_BUILD_MARKER"]
    with open(marker, "w") as handle:
        handle.write(generator.output_path)
    time.sleep(float(os.environ.get("SLOW_BUILD_SECONDS", "60")))


def register():
    signals.article_writer_finalized.connect(_halt)
