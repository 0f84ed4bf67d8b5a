"""Atomic replacement of the output directory.

Used by the build runner (plugins/build) and by every command that changes a
built site in place (outage-publish): both write a complete new tree and
swap it in, so a reader of `output/` sees the old site or the new one.

A build writes into `<output>.staging-<pid>` next to `output/`. Only after a
clean build does the new tree take the place of the old one, in one atomic
exchange where the file system offers it (kit.atomic.replace_tree), else in
two renames microseconds apart (the old tree briefly named
`<output>.previous-<pid>`). A build that fails or is killed leaves `output/`
as it was; if a kill falls exactly between the two renames, the next build
puts the previous tree back.

When `output` is a symbolic link (to a web server's folder, say), the swap
happens at the folder it points to (`real_output`): the staging tree is made
beside that folder and takes its place, so the link keeps pointing at the
newest site, as an operator who linked it expects. Swapping the link itself
would replace it with a plain folder and leave the web server's folder with
the old site for ever.

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

from . import atomic

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
            if marker == RETIRED and atomic.recover_tree(output, path):
                continue
            else:
                discard_later(path, output)
    for path in _matching(output, TRASH):
        try:
            if time.time() - os.stat(path).st_mtime > STALE_TRASH_SECONDS:
                _spawn_deleter(path)
        except OSError:
            pass


def real_output(output):
    """The folder a build replaces: `output` itself, or where it leads when it
    is a symbolic link (also a link to a folder that does not exist yet)."""
    return os.path.realpath(os.path.abspath(output))


def staging_path(output):
    return f"{output}{STAGING}{os.getpid()}"


def prepare(output):
    """A fresh, empty staging directory for this process."""
    recover(output)
    path = staging_path(output)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def clone(output):
    """A staging tree that starts as the current `output/`, file for file.

    Files are hard links (no bytes copied), so the caller must replace a file
    (kit.atomic writes a new file and renames it over the link), never write
    into one: that would change the live site's file too.
    """
    stage = prepare(output)
    _link_tree(output, stage)
    return stage


def _link_tree(source, target):
    with os.scandir(source) as entries:
        for entry in entries:
            there = os.path.join(target, entry.name)
            if entry.is_dir(follow_symlinks=False):
                os.mkdir(there)
                _link_tree(entry.path, there)
            elif entry.is_symlink():
                os.symlink(os.readlink(entry.path), there)
            else:
                os.link(entry.path, there)


def discard(staging):
    shutil.rmtree(staging, ignore_errors=True)


def swap_in(staging, output):
    """Replace `output` by `staging`; the old tree is deleted in the background.

    Raises OSError when `output` cannot be replaced; `output` is then unchanged
    and `staging` still exists (the caller discards it).
    """
    old = atomic.replace_tree(staging, output, f"{output}{RETIRED}{os.getpid()}")
    if old is not None:
        discard_later(old, output)
