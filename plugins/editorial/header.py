"""The metadata header as the editor wrote it: each key with its line and the
indented lines that continue its value.

Python-Markdown's meta extension hands over every value as a list of lines and
does not say whether a second entry is a repeated key (`Tags:` twice, a
mistake) or a continuation line (a long title wrapped onto an indented second
line, which the extension's documentation allows). Pelican takes both for a
list of values, so a wrapped title became a Python list on the page. This scan
follows the extension's own rules (its regular expressions, the same end of
the header) and keeps the two apart.
"""

from dataclasses import dataclass

from markdown.extensions.meta import BEGIN_RE, END_RE, META_MORE_RE, META_RE

TAB_LENGTH = 4  # Python-Markdown's default; its first preprocessor expands tabs to it


@dataclass
class Definition:
    """One `Key: value` line and the indented lines below it."""

    key: str  # as written, e.g. "Image-Alt"
    line: int  # 1-based line of the key
    lines: list  # stripped values: the key's line first, then each continuation line

    @property
    def wrapped(self):
        return len(self.lines) > 1


def scan_header(text):
    """{lower-case key: [Definition, …]} in the order of the file."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found = {}
    current = None
    index = 1 if lines and BEGIN_RE.match(lines[0]) else 0
    for number in range(index, len(lines)):
        line = lines[number].expandtabs(TAB_LENGTH)
        if line.strip() == "" or END_RE.match(line):
            break
        key = META_RE.match(line)
        if key:
            current = Definition(key.group("key"), number + 1, [key.group("value").strip()])
            found.setdefault(key.group("key").lower().strip(), []).append(current)
            continue
        more = META_MORE_RE.match(line)
        if not (more and current):
            break
        current.lines.append(more.group("value").strip())
    return found
