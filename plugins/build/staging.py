"""Atomic replacement of the output directory.

A build writes into `<output>.staging-<pid>` next to `output/`. Only after a
clean build is the old tree moved aside and the new one renamed into place (two
renames on the same file system, microseconds apart); a build that fails or is
killed leaves `output/` as it was. Leftovers of killed builds are removed, and
if a kill fell exactly between the two renames the previous tree is restored.
"""

import glob
import os
import shutil

STAGING = ".staging-"
RETIRED = ".previous-"


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


def recover(output):
    """Undo what a killed build left behind."""
    for marker in (STAGING, RETIRED):
        for path in sorted(glob.glob(glob.escape(output) + marker + "*")):
            pid = _owner_pid(path, marker)
            if pid is not None and pid != os.getpid() and _pid_alive(pid):
                continue  # another build is running right now
            if marker == RETIRED and not os.path.exists(output):
                os.rename(path, output)
            else:
                shutil.rmtree(path, ignore_errors=True)


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
    """Replace `output` by `staging`."""
    retired = f"{output}{RETIRED}{os.getpid()}"
    if os.path.exists(output):
        os.rename(output, retired)
    os.rename(staging, output)
    shutil.rmtree(retired, ignore_errors=True)
