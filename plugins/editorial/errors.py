"""The one error type for bad editor input: file, field, what was expected."""

import os


def display_path(source_path, settings):
    """Path as an editor sees it in the repository, e.g. content/artikel/x.md."""
    base = os.path.dirname(os.path.abspath(settings["PATH"]))
    return os.path.relpath(os.path.abspath(source_path), base).replace(os.sep, "/")


class EditorInputError(ValueError):
    """Raised by the reader; Pelican logs it as an error and skips the file.

    `str()` is the whole message, so Pelican's own log line stays readable and
    the build runner can show it without a traceback.
    """

    editor_error = True

    def __init__(self, path, field, expected):
        self.path, self.field, self.expected = path, field, expected
        super().__init__(f"{path}: {field}: {expected}")
