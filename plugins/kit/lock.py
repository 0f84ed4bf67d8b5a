"""One build at a time per checkout.

Every command that writes `output/` (build, check, preview, outage-publish,
a live-reload rebuild, clean) holds an exclusive lock on `.output.lock`
beside the output folder. A second command waits, says once whom it waits
for, and goes on when the first is done; after `timeout` seconds it gives up
with one line naming the process.

The lock is a POSIX record lock (fcntl): the kernel releases it when the
holder exits, however it exits, so a killed build never leaves a stale lock
behind (the file stays, with the dead holder's description, and is simply
taken over). Record locks belong to a process, not to its forked children,
so a render worker that outlives a killed build does not hold it either.
Within one process the lock is re-entrant by nature (a process never waits
for itself); `held_here` tells nested callers it is theirs already.
"""

import contextlib
import datetime as dt
import fcntl
import os
import sys
import time

POLL_SECONDS = 0.2
_held = {}  # lock path → depth, in this process


def tell_waiting(holder):
    print(f"Waiting for {holder} to finish with output/ …", file=sys.stderr, flush=True)


class LockTimeout(Exception):
    """Another process kept the lock longer than the caller would wait."""


def lock_path(output):
    """`.output.lock` beside `output/`: hidden, and outside the output.* names of
    staging and retired trees that clean-ups remove."""
    folder, name = os.path.split(os.path.abspath(output).rstrip(os.sep))
    return os.path.join(folder, f".{name}.lock")


def held_here(output):
    return _held.get(lock_path(output), 0) > 0


def _describe(handle):
    try:
        handle.seek(0)
        text = handle.read(400).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "another process"


@contextlib.contextmanager
def exclusive(output, what, *, timeout=600.0, on_wait=tell_waiting):
    """Hold the build lock of `output` while the block runs.

    `what` describes this command for whoever waits on it (e.g. "invoke build").
    `on_wait(description)` is called once when another process holds the lock
    (by default a line on stderr).
    """
    path = lock_path(output)
    if _held.get(path):
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    handle = os.fdopen(fd, "r+b", buffering=0)
    try:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                holder = _describe(handle)
                if not told and on_wait is not None:
                    on_wait(holder)
                    told = True
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"{path}: still held by {holder} after {timeout:.0f} s; expected it to finish. "
                        "If that process hangs, stop it and run the command again") from None
                time.sleep(POLL_SECONDS)
        started = dt.datetime.now().astimezone().strftime("%H:%M:%S")
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()} ({what}, since {started})".encode())
        _held[path] = 1
        try:
            yield
        finally:
            _held.pop(path, None)
            with contextlib.suppress(OSError):
                handle.seek(0)
                handle.truncate()
            # closing the file releases the record lock
    finally:
        handle.close()
