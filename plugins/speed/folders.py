"""Output folders made ahead of the writer, while the build process computes.

An incremental build starts from an empty staging tree (build/staging.py) and
links the unchanged pages of the previous output into it. Every article page
lives in a folder of its own, and making some 4,500 folders one after the
other costs about 0.6 s at 4,000 articles, most of it waiting for the file
system. So at `initialized` a small separate process makes the folders of the
previous output in the staging tree, while Pelican reads and builds its
context in Python; the writer then finds them there. Once the pages are
written, a folder made ahead that stayed empty is removed again: the tree is
exactly the one a cold build writes.
"""

import os
import subprocess
import sys

from kit import child, pelican_door

_active = []

# Run by a separate Python: a thread of the build process would need the GIL
# after every mkdir and wait for it behind the busy build (5 ms a switch).
_MAKER = r"""
import os, sys
previous, staging = sys.argv[1], sys.argv[2]
pending, made = [""], []
while pending:
    rel = pending.pop()
    try:
        with os.scandir(os.path.join(previous, rel)) as scan:
            names = sorted(e.name for e in scan if e.is_dir(follow_symlinks=False))
    except OSError:
        continue  # the previous output changed meanwhile: fewer folders made ahead
    children = []
    for name in names:
        child = os.path.join(rel, name)
        try:
            os.mkdir(os.path.join(staging, child))
            made.append(child)
        except FileExistsError:
            pass  # a writer was quicker: in use, never removed
        except FileNotFoundError:
            sys.exit(0)  # the staging tree is gone: the build failed and was discarded
        except OSError:
            continue
        children.append(child)
    pending.extend(reversed(children))  # in name order, as the writer mostly goes
# Only now: a pipe holds 64 KB, and the folders must not wait for the build to read it.
sys.stdout.write("\0".join(made))
"""


class FolderMaker:
    """The maker process. Tracked by kit.child until finished: a build that fails
    before its pages are written must not delete its staging tree while the
    maker still makes folders in it (they would be left behind)."""

    what = "speed: making folders ahead"

    def __init__(self, previous, staging):
        self.staging = staging
        self.made = None
        self.process = subprocess.Popen([sys.executable, "-I", "-S", "-c", _MAKER, previous, staging],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, close_fds=True)
        child.track(self)

    def join(self):
        """kit.child.join_unjoined: the build ends before its pages were written."""
        if self in _active:
            _active.remove(self)
        self.finish()

    def finish(self, used=()):
        """Wait for the maker; remove the folders made ahead that nothing wrote into.
        `used`: absolute folders known to hold files (not even tried)."""
        child.untrack(self)
        if self.made is not None:
            return
        try:
            made, _ = self.process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            made, _ = self.process.communicate()
        self.made = made
        names = [n for n in made.decode("utf-8", "surrogateescape").split("\0") if n]
        for rel in reversed(names):  # every folder was made after its parent
            path = os.path.join(self.staging, rel)
            if path in used:
                continue
            try:
                os.rmdir(path)
            except OSError:
                pass  # not empty: in use


def start(pelican):
    """initialized handler: make the previous output's folders in the staging tree."""
    settings = pelican.settings
    previous, staging = settings.get("FINAL_OUTPUT_PATH"), settings.get("OUTPUT_PATH")
    finish()  # a failed build's maker
    if (not pelican_door.is_open() or not settings.get("SPEED_INCREMENTAL", True)
            or settings.get("DELETE_OUTPUT_DIRECTORY")
            or not previous or not staging or not os.path.isdir(previous) or not os.path.isdir(staging)
            or os.path.abspath(previous) == os.path.abspath(staging)):
        return
    try:
        _active.append(FolderMaker(os.path.abspath(previous), os.path.abspath(staging)))
    except OSError:
        pass  # the writer makes every folder itself, as it would anyway


def finish(used=()):
    """After the writer's pages are written (see FolderMaker.finish)."""
    while _active:
        _active.pop().finish(used)
