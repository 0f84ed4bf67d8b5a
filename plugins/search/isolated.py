"""The heavy part of the search step, in a forked copy of the build process.

Splitting compounds loads simplemma's and wordfreq's word lists (about 70 MB)
and Pagefind hands the whole index back in one answer (about 50 MB while it
is decoded). Done in a forked child (kit.child), none of that ever counts
against the build process, which keeps only the stand-in pages (packed); the
child writes the bundle and the cache and sends back a small result. Its
warnings and errors are logged here, so they reach the build's problem
collector. Where kit.child does not fork, the work is done in this process:
same files, more memory.
"""

import logging

from kit import child

logger = logging.getLogger(__name__)


def run(work):
    """work()'s result, or None after logging why the index could not be built."""
    try:
        return child.run(work, "search index")
    except Exception as exc:  # noqa: BLE001 - one error line for the build's report
        logger.error("search index: could not be built: %s", child.describe(exc))
        return None
