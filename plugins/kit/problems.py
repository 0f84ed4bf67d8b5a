"""The editor-problem format: `path: field: what was expected`.

Every plugin reports bad input the same way (docs/contracts.md): one line
that names the file as the editor sees it in the repository, the metadata
key or part of the file, and in plain words what was expected. The build
runner shows these lines without a traceback.

Three levels reach the editor: `logger.error` always fails the build,
`logger.warning` fails strict builds (`invoke check`, `invoke preview`), and
a *notice* (`notice()`: a warning record marked as such) is shown but never
fails a build — for things that do not change the result, such as a damaged
cache that was discarded and computed afresh.
"""

import errno
import logging
import os
from dataclasses import dataclass

NOTICE_ATTRIBUTE = "kit_notice"


def display_path(path, settings):
    """`path` as the editor sees it: relative to the folder that holds the content folder."""
    base = os.path.dirname(os.path.abspath(settings["PATH"]))
    if os.path.isabs(path) and path.startswith(base + os.sep) and os.path.normpath(path) == path:
        # What relpath gives for a normalised path below `base`, without its
        # abspath calls: builds ask this for every document, several times.
        return path[len(base) + 1:].replace(os.sep, "/")
    return os.path.relpath(os.path.abspath(path), base).replace(os.sep, "/")


def line(source, field, expected):
    return f"{source}: {field}: {expected}"


@dataclass(frozen=True)
class Problem:
    """One problem as data, for code that collects several before reporting them."""

    path: str
    field: str
    expected: str
    line: int | None = None

    @property
    def source(self):
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self):
        return line(self.source, self.field, self.expected)


class EditorInputError(ValueError):
    """Bad editor input raised from code that cannot log (readers, commands).

    `str()` is the whole message (one line per problem); the build runner
    shows it without a traceback because of `editor_error`.
    """

    editor_error = True

    def __init__(self, path_or_problems, field=None, expected=None):
        if field is None:
            self.problems = list(path_or_problems)
        else:
            self.problems = [Problem(path_or_problems, field, expected)]
        first = self.problems[0] if self.problems else None
        self.path = first.path if isinstance(first, Problem) else None
        self.field = first.field if isinstance(first, Problem) else None
        self.expected = first.expected if isinstance(first, Problem) else None
        super().__init__("\n".join(str(p) for p in self.problems))


def report(logger, source, field, expected, *, level=logging.ERROR):
    logger.log(level, "%s: %s: %s", source, field, expected)


def log_problems(logger, problems, *, level=logging.ERROR):
    for problem in problems:
        report(logger, problem.source, problem.field, problem.expected, level=level)


# What to do about a file-system error, by errno.
ADVICE = {
    errno.ENOSPC: "the disk is full; free some space and try again",
    errno.EDQUOT: "the disk quota is used up; free some space and try again",
    errno.EACCES: "permission denied; make it writable for this user (chmod/chown) and try again",
    errno.EPERM: "the system refuses the change; check the folder's permissions and attributes "
                 "(ls -ld, lsattr -d; chattr -i removes the immutable flag) and try again",
    errno.EROFS: "the file system is read-only; use a writable one",
    errno.EBUSY: "the folder is in use (a mount point?); use a plain folder",
    errno.ENOTEMPTY: "the folder is in the way; remove it and try again",
    errno.EXDEV: "output/ and its staging folder must be on one file system",
}


def file_system_problem(exc, fallback_path, doing):
    """One line for an editor: the path, what failed, what to do."""
    path = exc.filename or fallback_path
    advice = ADVICE.get(exc.errno, "check that the folder exists and is writable, then try again")
    return f"{path}: {doing} failed ({exc.strerror or exc}); {advice}"


def notice(logger, message, *args):
    """A warning the editor should see that never fails a build."""
    logger.warning(message, *args, extra={NOTICE_ATTRIBUTE: True})


def is_notice(record):
    return bool(getattr(record, NOTICE_ATTRIBUTE, False))
