"""Work for after the build has moved on: the report JSON and the caches.

After all generators are done (`all_generators_finalized`), the build process
spends seconds fingerprinting and queueing pages on one core while the other
idles. Writing bericht.json (44 MB at 4,000 articles, about a second to make)
and the analysis cache is independent of that work, so a forked copy of the
build process does it meanwhile; `finalized` waits for it before the pages
are rendered and the output is swapped in. Fork, as the speed plugin's writer
does: the copy has every analysis in memory already.

The child forwards its warnings and errors to the parent, which logs them (an
error still fails the build). Without fork (or if it fails) the work is done
in the build process: same files, only later.
"""

import logging
import os
import pickle
import traceback

logger = logging.getLogger(__name__)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []

    def emit(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001
            message = str(record.msg)
        self.records.append((record.name, record.levelno, message))


def available():
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1


class Job:
    """One forked child running `work()`; join() waits and replays its log."""

    def __init__(self, work, label):
        self.label = label
        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: do the work, report, leave without cleanup
            os.close(read_end)
            status, payload = 0, {"records": [], "error": None}
            collector = _Collect()
            root = logging.getLogger()
            root.handlers = [collector]
            try:
                work()
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                status = 1
                payload["error"] = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            payload["records"] = collector.records
            try:
                with os.fdopen(write_end, "wb") as pipe:
                    pickle.dump(payload, pipe)
            finally:
                os._exit(status)
        os.close(write_end)
        self.pipe = read_end

    def join(self):
        """Wait for the child; its warnings are logged here, a failure as an error."""
        if self.pid is None:
            return
        with os.fdopen(self.pipe, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        try:
            payload = pickle.loads(data) if data else None
        except Exception:  # noqa: BLE001
            payload = None
        if payload is None:
            payload = {"records": [], "error": f"the process ended unexpectedly ({status})"}
        for name, level, message in payload["records"]:
            logging.getLogger(name).log(level, "%s", message)
        if payload.get("error"):
            logger.error("topics: %s: failed: %s", self.label, payload["error"])


def start(work, label):
    """A Job running `work` in a forked child, or None (then the caller runs it)."""
    if not available():
        return None
    try:
        return Job(work, label)
    except OSError as exc:
        logger.info("topics: %s: no background process (%s); done in the build process", label, exc)
        return None
