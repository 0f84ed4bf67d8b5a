"""Who listens to a Pelican signal: this project's plugins, or plugins from elsewhere.

This project's plugins (the folder that holds this one) follow its
contracts (docs/contracts.md): a receiver of `content_written`,
`feed_generated` or `feed_written` may read the file it is told about,
never write into it. A plugin from anywhere else (installed with pip, like
pelican-sitemap, or from another folder of PLUGIN_PATHS) may rewrite the
file in place, so the writer gives it files of its own (writer.py).
"""

import inspect
import logging
import os
import weakref

logger = logging.getLogger(__name__)
PROJECT_PLUGINS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _resolved(signal):
    for receiver in list(signal.receivers.values()):
        target = receiver() if isinstance(receiver, weakref.ref) else receiver
        if target is not None:
            yield target


def _code_file(receiver):
    function = getattr(receiver, "__func__", receiver)
    for candidate in (function, type(receiver)):
        try:
            return os.path.abspath(inspect.getfile(candidate))
        except TypeError:
            continue
    return None


def is_own(receiver):
    """True for a receiver whose code lives in this project's plugins folder."""
    path = _code_file(receiver)
    return path is not None and path.startswith(PROJECT_PLUGINS + os.sep)


def foreign(signal):
    """The receivers of `signal` that are not this project's own."""
    return [r for r in _resolved(signal) if not is_own(r)]


def _module(receiver):
    function = getattr(receiver, "__func__", receiver)
    return getattr(function, "__module__", None) or type(receiver).__module__


def warn_if_too_early(content_written, finalized, flush):
    """A plugin that collects pages from content_written and acts at `finalized`
    must come after speed in PLUGINS: speed sends content_written in its own
    `finalized` handler (`flush`). Warn about each one that comes before."""
    collecting = {_module(r) for r in foreign(content_written)}
    for receiver in _resolved(finalized):
        if receiver is flush or getattr(receiver, "__func__", None) is flush:
            return
        module = _module(receiver)
        if module in collecting:
            logger.warning(
                "speed: PLUGINS: %s acts when the build ends, before speed has written the pages "
                "it collects; expected it after \"speed\" in PLUGINS", module)
            collecting.discard(module)
