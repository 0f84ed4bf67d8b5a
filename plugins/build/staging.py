"""Atomic replacement of the output directory.

A build writes into `<output>.staging-<pid>` next to `output/`. Only after a
clean build is the old tree moved aside (`<output>.previous-<pid>`) and the
new one renamed into place: two renames on the same file system,
microseconds apart. A build that fails or is killed leaves `output/` as it
was; if a kill falls exactly between the two renames, the next build puts the
previous tree back.

Deleting an old tree (thousands of directories) takes longer than an
incremental build and is not needed for the result, so it is renamed to
`<output>.trash-<token>` and removed by a detached process while the build
returns. Trash that is still there ten minutes later is removed again.
"""

import glob
import os
import shutil
import subprocess
import sys
import time
import uuid

STAGING = ".staging-"
RETIRED = ".previous-"
TRASH = ".trash-"
STALE_TRASH_SECONDS = 600


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner_pid(path, marker):
    try:
        return int(path.rsplit(marker, 1)[1])
    except (IndexError, ValueError):
        return None


def _matching(output, marker):
    return sorted(glob.glob(glob.escape(output) + marker + "*"))


def discard_later(path, output):
    """Rename `path` out of the way and delete it in a detached process."""
    trash = f"{output}{TRASH}{uuid.uuid4().hex[:12]}"
    try:
        os.rename(path, trash)
    except OSError:
        return
    _spawn_deleter(trash)


def _spawn_deleter(path):
    subprocess.Popen(
        [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)", path],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, close_fds=True,
    )


def recover(output):
    """Undo or clean up what killed or finished builds left behind."""
    for marker in (STAGING, RETIRED):
        for path in _matching(output, marker):
            pid = _owner_pid(path, marker)
            if pid is not None and pid != os.getpid() and _pid_alive(pid):
                continue  # another build is running right now
            if marker == RETIRED and not os.path.exists(output):
                os.rename(path, output)
            else:
                discard_later(path, output)
    for path in _matching(output, TRASH):
        try:
            if time.time() - os.stat(path).st_mtime > STALE_TRASH_SECONDS:
                _spawn_deleter(path)
        except OSError:
            pass


def staging_path(output):
    return f"{output}{STAGING}{os.getpid()}"


def prepare(output):
    """A fresh, empty staging directory for this process."""
    recover(output)
    path = staging_path(output)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def discard(staging):
    shutil.rmtree(staging, ignore_errors=True)


def swap_in(staging, output):
    """Replace `output` by `staging`; the old tree is deleted in the background."""
    retired = f"{output}{RETIRED}{os.getpid()}"
    if os.path.exists(output):
        os.rename(output, retired)
    os.rename(staging, output)
    if os.path.exists(retired):
        discard_later(retired, output)
