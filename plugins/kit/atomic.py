"""Files and folders replaced in one step, never seen half-written.

A file is written to a temporary name in its own folder and renamed over the
target, so a reader (a web server, a feed reader, the next build) sees the
old bytes or the new ones. A folder tree is swapped with the kernel's
RENAME_EXCHANGE where the file system offers it (Linux ≥ 3.15: one atomic
step, `target` is never missing); elsewhere with two renames microseconds
apart, and `recover_tree` puts the old tree back if a kill fell between them.

Written files get the permissions a plain `open()` would give (0666 minus the
umask), not the 0600 of temporary files: a web server running as another
user must be able to read what the build publishes.
"""

import contextlib
import ctypes
import ctypes.util
import errno
import os
import tempfile

TEMP_PREFIX = ".tmp-"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _file_mode():
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


FILE_MODE = _file_mode()


@contextlib.contextmanager
def replacing(path, mode="wb", *, encoding=None, newline=None, durable=False):
    """Open a temporary file beside `path`; on success it replaces `path`.

    On any exception the temporary file is removed and `path` is unchanged.
    `durable` flushes the bytes to disk before the rename and the folder's entry
    after it (for files whose loss after a power cut matters more than speed:
    ledgers, journals); when the call returns, the new file survives a crash.
    """
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as handle:
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    if durable:
        sync_folder(folder)


def sync_folder(folder):
    """Flush a folder's entries to disk: a rename is durable only after this."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_bytes(path, data, *, durable=False):
    with replacing(path, "wb", durable=durable) as handle:
        handle.write(data)


def write_text(path, text, *, encoding="utf-8", durable=False):
    """Text written exactly as given (no newline translation)."""
    with replacing(path, "w", encoding=encoding, newline="", durable=durable) as handle:
        handle.write(text)


def create_text(path, text, *, encoding="utf-8"):
    """A new file with `text`, never replacing one: FileExistsError if `path` exists.

    The text is written under a temporary name and linked to `path` (a link
    refuses an existing name), so the file appears complete or not at all; a
    watcher (`invoke serve`) never reads half of it.
    """
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
        try:
            os.link(temporary, path)
        except OSError as exc:  # a file system without hard links; an existing `path` raises
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                raise
            with open(path, "x", encoding=encoding, newline="") as handle:
                handle.write(text)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _libc_renameat2():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _libc_renameat2()


def exchange(first, second):
    """Swap two existing paths atomically; False where the system cannot.

    Raises OSError for real failures (permissions, an immutable folder).
    """
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), second)


def replace_tree(new, target, retired):
    """Put the folder `new` in place of `target`.

    Returns the path that now holds the old tree (for the caller to delete),
    or None when there was no old tree. `retired` is the name the old tree
    gets when the swap takes two renames; `recover_tree` undoes a kill
    between them.
    """
    if not os.path.lexists(target):
        os.rename(new, target)
        return None
    if exchange(new, target):
        return new
    os.rename(target, retired)
    try:
        os.rename(new, target)
    except OSError:
        os.rename(retired, target)
        raise
    return retired


def recover_tree(target, retired):
    """After a kill between the two renames of replace_tree: the old tree back."""
    if os.path.isdir(retired) and not os.path.lexists(target):
        os.rename(retired, target)
        return True
    return False
