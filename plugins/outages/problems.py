"""Bad editor input as data: file, line, field and what was expected.

Validation collects every problem of a file instead of stopping at the first,
so an editor fixes them in one go; the generator logs them in the format of
docs/contracts.md and the commands print them before refusing to write.
"""

import logging
import os
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Problem:
    path: str  # as the editor sees it, e.g. content/stoerungen/x.md
    field: str  # metadata key or part of the file, e.g. "Components" or "update"
    expected: str  # plain words: what is wrong and what was expected
    line: int | None = None

    @property
    def source(self):
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self):
        return f"{self.source}: {self.field}: {self.expected}"


class OutageInputError(ValueError):
    """Raised with all problems of one file; str() is one line per problem."""

    editor_error = True

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path, settings):
    """Path relative to the project (the folder holding the content folder)."""
    base = os.path.dirname(os.path.abspath(settings["PATH"]))
    return os.path.relpath(os.path.abspath(path), base).replace(os.sep, "/")


def log_problems(problems):
    """Report each problem as one error line, as docs/contracts.md asks."""
    for problem in problems:
        logger.error("%s: %s: %s", problem.source, problem.field, problem.expected)
