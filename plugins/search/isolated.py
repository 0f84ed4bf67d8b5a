"""The heavy part of the search step, in a forked copy of the build process.

Splitting compounds loads simplemma's and wordfreq's word lists (about 70 MB)
and Pagefind hands the whole index back in one answer (about 50 MB while it
is decoded). Done in a forked child, none of that ever counts against the
build process, which keeps only the stand-in pages (packed); the child
writes the bundle and the cache and sends back a small result.

Its warnings and errors are replayed here, so they still reach the build's
problem collector (an error fails the build). Without fork, or if fork
fails, the work is done in this process: same files, more memory.
"""

import logging
import os
import pickle
import sys
import traceback

logger = logging.getLogger(__name__)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []

    def emit(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken log call must not lose the record
            message = str(record.msg)
        self.records.append((record.name, record.levelno, message))


def _child(work, write_end):
    status, payload = 0, {"records": [], "result": None, "error": None}
    collector = _Collect()
    for other in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(other, logging.Logger):
            other.handlers = []  # everything goes to the parent, once
    logging.getLogger().handlers = [collector]
    try:
        payload["result"] = work()
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        status = 1
        payload["error"] = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    payload["records"] = collector.records
    try:
        with os.fdopen(write_end, "wb") as pipe:
            pickle.dump(payload, pipe, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        os._exit(status)


def run(work):
    """work()'s (picklable) result, computed in a forked child when possible."""
    if not hasattr(os, "fork"):
        return work()
    sys.stdout.flush()  # else the child would print what this process had buffered
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError as exc:
        os.close(read_end)
        os.close(write_end)
        logger.debug("search index: no forked process (%s); built in the build process", exc)
        return work()
    if pid == 0:
        os.close(read_end)
        _child(work, write_end)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    try:
        payload = pickle.loads(data) if data else None
    except Exception:  # noqa: BLE001 - a child that died mid-write
        payload = None
    if payload is None:
        payload = {"records": [], "result": None, "error": f"the process ended unexpectedly ({status})"}
    for name, level, message in payload["records"]:
        logging.getLogger(name).log(level, "%s", message)
    if payload["error"]:
        logger.error("search index: could not be built: %s", payload["error"])
    return payload["result"]
