"""Collects what went wrong during a build, in words an editor can act on.

Pelican and the plugins log problems; this handler keeps them so the runner
can decide (errors always fail, warnings fail in strict mode) and print one
line per problem instead of log noise and tracebacks.
"""

import logging
import sys
from dataclasses import dataclass

from kit.problems import is_notice

# Pelican messages that our own checks already report more precisely.
SUPERSEDED = (
    "Empty alt attribute for image",  # editorial.checks: image without alt text
    "Unable to find '",  # editorial.checks: broken {filename} link
    "Skipping %s: could not find information about",  # editorial.reader: Title
)


@dataclass(frozen=True)
class Problem:
    level: str  # "error", "warning" or "notice" (shown, never fails a build)
    message: str

    def __str__(self):
        return f"{self.level}: {self.message}"


def _editor_message(record):
    """The clear message of an EditorInputError inside Pelican's log line."""
    for arg in record.args if isinstance(record.args, tuple) else ():
        if getattr(arg, "editor_error", False):
            return str(arg)
    exc = record.exc_info[1] if record.exc_info else None
    if exc is None:
        # Pelican logs reader failures with logger.exception(exc_info=False);
        # the handler runs inside that except block, so the error is still here.
        exc = sys.exc_info()[1]
    if getattr(exc, "editor_error", False):
        return str(exc)
    return None


class ByLevel:
    """`errors`, `warnings` and `notices` of an object's `problems`."""

    @property
    def errors(self):
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self):
        return [p for p in self.problems if p.level == "warning"]

    @property
    def notices(self):
        return [p for p in self.problems if p.level == "notice"]


class ProblemCollector(ByLevel, logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.problems = []

    def emit(self, record):
        raw = str(record.msg)
        if any(raw.startswith(s) for s in SUPERSEDED):
            return
        message = _editor_message(record)
        if message is None:
            try:
                message = record.getMessage()
            except Exception:  # noqa: BLE001 - a broken log call must not hide the rest
                message = raw
            message = " ".join(message.split())
        if record.levelno >= logging.ERROR:
            level = "error"
        else:
            level = "notice" if is_notice(record) else "warning"
        problem = Problem(level, message)
        if problem not in self.problems:
            self.problems.append(problem)

