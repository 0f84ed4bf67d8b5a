"""Work in a forked child process, its log records replayed in the parent.

A forked child starts with the whole build in memory, so it can read,
render or index a share of the work without anything being sent to it; it
sends back a small result. Plugins use it for parallel work (reading and
rendering in the speed plugin) and for work whose memory should never count
against the build process (the search index, the social posts). A build
waits for every child it started before it ends (join_unjoined).

The fork policy, one rule for every caller: fork only when the calling
thread is the main thread and no other Python thread runs in this process.
A thread that holds a lock at the moment of the fork (a logging handler, an
import, a queue) leaves that lock held forever in the child, which would
then hang; POSIX allows only async-signal-safe calls in such a child, and
CPython warns about forking a threaded process for that reason. The
live-reload server (Tornado's IO loop) rebuilds on its main thread without
other threads, so it forks like a command-line build; a plugin that keeps
threads running (pipe readers, a timer) turns forking off while they run.
Whether forking is worth it (enough work, more than one core) is the
caller's `minimum` and `workers`.

The fallback, also one for every caller: when the rule says no, fork is
missing (not POSIX) or fails (no memory, too many processes), the work runs
in this process. Same result, same log records, only slower or with more
memory in the build process.

A child:
- keeps every log record it makes (none is printed by the child) and sends
  them with its result; the parent logs them again, in the child's order,
  through the same loggers, so the build's problem collector sees a warning
  of a child as if it had been made here (and `invoke check` fails on it);
- always ends with `os._exit`, never by running the parent's code on;
- sends back its result or its exception. The parent raises the child's own
  exception, as concurrent.futures does, so a caller handles a failure the
  same way whichever process met it; the child's traceback is attached as a
  note only when SITE_DEBUG is set. When the exception cannot travel, or the
  child died without an answer (killed, out of memory), the parent raises
  ChildFailed, which says so in one line.

Results and exceptions cross the pipe pickled. That is inter-process
communication inside one build, between a process and the copy of itself it
forked a moment before; nothing pickled is ever written to disk or read from
anywhere else (caches are data: kit.datacache).
"""

import contextlib
import dataclasses
import logging
import os
import pickle
import signal
import sys
import threading
import traceback

logger = logging.getLogger(__name__)

# Log record values that cross the pipe as they are.
PLAIN = (str, int, float, bool, type(None))
_RECORD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class ChildFailed(Exception):
    """Work in a child process failed in a way its own exception cannot tell.

    str() is one line for the build's report (the editor's own line when the
    child's exception was an editor mistake, then `editor_error` is True);
    `reason` is that line without the name of the work.
    """

    def __init__(self, what, reason, *, editor_text=None, child_traceback=None):
        message = editor_text or f"{what}: {reason}"
        if child_traceback and _debug():
            message += "\n" + child_traceback
        super().__init__(message)
        self.what = what
        self.reason = editor_text or reason
        self.editor_error = editor_text is not None
        self.child_traceback = child_traceback


def describe(exc):
    """One line for an exception from `run`, `start` or `split` (with SITE_DEBUG: and
    the traceback, the child's where there is one)."""
    if isinstance(exc, ChildFailed):
        text = exc.reason
        if _debug() and exc.child_traceback:
            text += "\n" + exc.child_traceback
        return text
    if getattr(exc, "editor_error", False):
        text = str(exc)
    else:
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    if _debug():
        text += "\n" + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return text


class EditorText(str):
    """A log argument that was an editor mistake in the child: the build's
    problem collector shows its text as the whole message, as it would have."""

    editor_error = True

    def __reduce__(self):
        return EditorText, (str(self),)


class ChildEditorError(Exception):
    """Stands for an editor mistake a child logged with its exception."""

    editor_error = True


@dataclasses.dataclass(frozen=True)
class LogEntry:
    """One log record as plain data: what a child sends, what a cache may keep."""

    name: str
    level: int
    msg: str
    args: tuple = ()
    extra: dict = dataclasses.field(default_factory=dict)
    editor: str | None = None

    @property
    def message(self):
        if not self.args:
            return self.msg
        try:
            return self.msg % self.args
        except (TypeError, ValueError):
            return self.msg


def _portable_arg(value):
    try:
        if getattr(value, "editor_error", False):
            return EditorText(str(value))
        if type(value) in PLAIN:
            return value
        return str(value)
    except Exception:  # noqa: BLE001 - the formatted message is sent instead
        return "<unprintable>"


def _editor_exception(record):
    exc = record.exc_info[1] if record.exc_info else None
    if exc is None:
        # Pelican logs some failures with exc_info=False inside the except block.
        exc = sys.exc_info()[1]
    return str(exc) if getattr(exc, "editor_error", False) else None


def entry_of(record):
    """A LogEntry with the same message; the template and its arguments are kept
    when plain values reproduce the message (filters match on the template)."""
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken log call must not lose the record
        message = str(record.msg)
    msg, args = message, ()
    if isinstance(record.msg, str) and isinstance(record.args, tuple) and record.args:
        portable = tuple(_portable_arg(a) for a in record.args)
        try:
            if record.msg % portable == message:
                msg, args = record.msg, portable
        except (TypeError, ValueError):
            pass
    extra = {key: value for key, value in vars(record).items()
             if key not in _RECORD_ATTRIBUTES and type(value) in PLAIN}
    return LogEntry(record.name, record.levelno, msg, args, extra, _editor_exception(record))


def replay(entries):
    """Log the entries here, through their loggers (filters and handlers as usual)."""
    for entry in entries:
        log = logging.getLogger(entry.name).log
        if entry.editor is None:
            log(entry.level, entry.msg, *entry.args, extra=entry.extra or None)
            continue
        # As the child logged it: while its editor mistake was being handled, no
        # traceback shown (the build's problem collector reads the mistake's line).
        try:
            raise ChildEditorError(entry.editor)
        except ChildEditorError:
            log(entry.level, entry.msg, *entry.args, extra=entry.extra or None)


class _Keep(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.NOTSET)
        self.entries = []

    def emit(self, record):
        self.entries.append(entry_of(record))


@contextlib.contextmanager
def recording():
    """Keep a copy of every log record the block makes (they are shown as usual).

    Yields the list the LogEntry objects go to, e.g. for a cache that shows
    them again on a later build with `replay`.
    """
    keep = _Keep()
    root = logging.getLogger()
    root.addHandler(keep)
    try:
        yield keep.entries
    finally:
        root.removeHandler(keep)


# -- the policy -------------------------------------------------------------------


def may_fork():
    """The fork policy (see the module docstring): POSIX fork, main thread, no other thread."""
    return why_not_fork() is None


def why_not_fork():
    """None when the policy allows a fork, else the reason in a few words. Logged at
    debug level where work stays in this process: the result is the same, but a
    build that should use two cores and uses one is otherwise hard to notice."""
    if not hasattr(os, "fork"):
        return "this system has no fork"
    if threading.current_thread() is not threading.main_thread():
        return f"called from thread {threading.current_thread().name!r}, not the main thread"
    others = [t.name for t in threading.enumerate() if t is not threading.current_thread()]
    if others:
        return "other threads are running: " + ", ".join(sorted(others)[:5])
    return None


def workers(setting=None):
    """Processes for parallel work: the setting, else the cores this process may use."""
    if setting:
        return max(1, int(setting))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# -- the child ----------------------------------------------------------------------


def _debug():
    return bool(os.environ.get("SITE_DEBUG"))


def _portable_error(exc):
    summary = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    try:
        copy = pickle.loads(pickle.dumps(exc, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 - it cannot travel: described instead
        copy = None
    travels = exc if type(copy) is type(exc) and str(copy) == str(exc) else None
    return {"exception": travels, "summary": summary, "traceback": text,
            "editor": str(exc) if getattr(exc, "editor_error", False) else None}


def _send(write_end, payload):
    try:
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - an answer that cannot travel is a failure
        payload = {"entries": payload["entries"], "error": {
            "exception": None, "editor": None, "traceback": traceback.format_exc(),
            "summary": f"its result could not be sent back ({type(exc).__name__}: {exc})"}}
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    with os.fdopen(write_end, "wb") as pipe:
        pipe.write(data)
    return "error" not in payload


def _quiet_loggers(keep):
    """Every record of the child goes to `keep`, none to a console or file."""
    for other in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(other, logging.Logger) and other.handlers:
            other.handlers = [] if other.propagate else [keep]
    logging.getLogger().handlers = [keep]


def _child(work, write_end):
    """Run in the forked child: work, answer, leave. Never returns."""
    status = 1
    try:
        keep = _Keep()
        _quiet_loggers(keep)
        payload = {"entries": keep.entries}
        try:
            payload["result"] = work()
        except BaseException as exc:  # noqa: BLE001 - everything is reported to the parent
            payload["error"] = _portable_error(exc)
        if _send(write_end, payload):
            status = 0
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(status)


def _ended(status):
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        hint = " (out of memory?)" if -code == signal.SIGKILL else ""
        return f"was killed by {name}{hint}"
    return f"ended with status {code}"


class Job:
    """Work started in a child (or done here, see the fallback); join() for its result."""

    def __init__(self, what):
        self.what = what
        self.pid = None
        self._pipe = None
        self._done = False
        self._result = None
        self._error = None

    @classmethod
    def here(cls, work, what):
        """The fallback: the work done in this process right away."""
        job = cls(what)
        try:
            job._result = work()
        except Exception as exc:  # noqa: BLE001 - raised by join(), as for a child
            job._error = exc
        job._done = True
        return job

    @classmethod
    def forked(cls, work, what):
        """The work in a forked child; OSError when the fork fails."""
        with contextlib.suppress(Exception):
            sys.stdout.flush()  # else the child's copy of the buffer is printed again
            sys.stderr.flush()
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            raise
        if pid == 0:
            os.close(read_end)
            _child(work, write_end)  # never returns
        os.close(write_end)
        job = cls(what)
        job.pid, job._pipe = pid, read_end
        _unjoined.add(job)
        return job

    def join(self):
        """The result; the child's log records are replayed first, its exception raised."""
        if not self._done:
            self._collect()
        if self._error is not None:
            raise self._error
        return self._result

    def _collect(self):
        with os.fdopen(self._pipe, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self._done = True
        _unjoined.discard(self)
        try:
            payload = pickle.loads(data) if data else None
        except Exception:  # noqa: BLE001 - a child that died while writing
            payload = None
        if payload is None:
            self._error = ChildFailed(self.what, f"the child process {_ended(status)} without an answer")
            return
        replay(payload["entries"])
        error = payload.get("error")
        if error is None:
            self._result = payload["result"]
            return
        exc = error["exception"]
        if exc is None:
            exc = ChildFailed(self.what, error["summary"], editor_text=error["editor"],
                              child_traceback=error["traceback"])
        elif _debug():
            exc.add_note(f"{self.what}, in a child process:\n{error['traceback']}")
        self._error = exc


_unjoined = set()  # forked jobs and tracked helper processes nobody has joined yet


def track(helper):
    """Count a helper process of a plugin (an object with `join()`) as part of the
    build until `untrack`: join_unjoined() waits for it too."""
    _unjoined.add(helper)


def untrack(helper):
    _unjoined.discard(helper)


def join_unjoined():
    """Wait for every child this process forked, and every tracked helper, that
    nobody joined yet.

    The build runner calls it when a build ends, before the staging folder is
    swapped in or deleted: a build that failed part-way may have left work
    running in a child (a plugin joins its own work in a later signal, which
    never came), and that child must not write into a folder being deleted.
    Their log records are replayed as usual; their results are dropped, their
    failures logged at debug level (the build has failed already). A job
    joined here can still be joined again by its owner: join() answers the same.
    """
    for job in list(_unjoined):
        try:
            job.join()
        except Exception as exc:  # noqa: BLE001 - the build that started it has ended
            logger.debug("%s: ended after its build: %s", getattr(job, "what", job), describe(exc))
        _unjoined.discard(job)


def start(work, what):
    """work() in a forked child while this process goes on; join() the Job for its result.

    Where the fork policy says no or the fork fails, work() runs here and now.
    `what` names the work in messages ("rendering pages").
    """
    reason = why_not_fork()
    if reason is None:
        try:
            return Job.forked(work, what)
        except OSError as exc:
            logger.debug("%s: no child process (%s); done in this process", what, exc)
    else:
        logger.debug("%s: no child process (%s); done in this process", what, reason)
    return Job.here(work, what)


def run(work, what):
    """work()'s result, computed in a forked child when the policy allows."""
    return start(work, what).join()


def split(work, items, *, workers, minimum, what):
    """work(share) for `workers` shares of `items`: [result of each share].

    Shares are every n-th item (item i goes to share i % workers). This
    process works on the first share meanwhile. Fewer than `minimum` items,
    one worker, or a policy that says no: one share, done here. Every child is
    waited for; then the first exception (this process's own first) is raised.
    """
    items = list(items)
    workers = min(workers, len(items))
    if workers < 2 or len(items) < minimum:
        return [work(items)]
    reason = why_not_fork()
    if reason is not None:
        logger.debug("%s: one process instead of %d (%s)", what, workers, reason)
        return [work(items)]
    shares = [items[index::workers] for index in range(workers)]
    jobs = []
    for share in shares[1:]:
        try:
            jobs.append(Job.forked(lambda share=share: work(share), what))
        except OSError as exc:
            logger.debug("%s: no child process (%s); done in this process", what, exc)
            jobs.append(Job.here(lambda share=share: work(share), what))
    results, first_error = [], None
    try:
        results.append(work(shares[0]))
    except BaseException as exc:  # noqa: BLE001 - raised once every child is collected
        first_error = exc
    for job in jobs:
        try:
            results.append(job.join())
        except BaseException as exc:  # noqa: BLE001 - the first one is raised below
            first_error = first_error or exc
    if first_error is not None:
        raise first_error
    return results
