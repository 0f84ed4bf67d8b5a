"""The editor's notice file, line by line: metadata header and update timeline.

Pelican's Markdown reader gives us metadata and HTML but no line numbers, and
an error "updates out of order" is only useful with the line. So the raw file
is parsed here as well; Pelican's reader still produces the content object.

The update syntax (documented in plugins/outages/README.md):

    ## 2026-11-20 08:20 – investigating

    Text of the update, Markdown.

    Nächstes Update: 2026-11-20 09:30

One second-level heading per update, oldest first: time, a dash (– or -) or
a bar, then the status (identifier or German label). Everything between two
headings is the update's text; a line "Nächstes Update: <time>" in it is
taken out and shown as the time of the next update. Text above the first
update heading is the notice's introduction.
"""

import re
from dataclasses import dataclass, field

from german.dates import BERLIN, parse_wall_clock

# The same header rules as Python-Markdown's meta extension.
META_RE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
META_MORE_RE = re.compile(r"^[ ]{4,}(?P<value>.*)")
BEGIN_RE = re.compile(r"^-{3}(\s.*)?$")
END_RE = re.compile(r"^(-{3}|\.{3})(\s.*)?$")

HEADING_RE = re.compile(r"^##(?!#)\s*(?P<text>.*?)\s*#*\s*$")
SEPARATOR_RE = re.compile(r"\s+(?:–|—|-|\|)\s+")
NEXT_UPDATE_RE = re.compile(r"^\s*nächstes update\s*:\s*(?P<value>.*?)\s*$", re.IGNORECASE)
FENCE_RE = re.compile(r"^\s*(```|~~~)")

HEADING_EXAMPLE = "'## 2026-11-24 10:15 – identified' (time, dash, status)"


@dataclass
class MetaField:
    key: str  # as written, e.g. "Scheduled-Start"
    value: str
    line: int
    continued_on: int | None = None  # the first indented line that goes on with the value


@dataclass
class RawUpdate:
    line: int  # line of the heading
    time_text: str
    status_text: str
    body: str
    next_update_text: str | None = None
    next_update_line: int | None = None
    heading_problem: str | None = None


@dataclass
class SourceDocument:
    meta: dict = field(default_factory=dict)  # lower-case key → MetaField (first)
    duplicates: list = field(default_factory=list)  # MetaField repeated keys
    header_end: int = 0  # number of lines the header takes (incl. blank line)
    intro: str = ""
    intro_line: int = 0
    updates: list = field(default_factory=list)
    lines: list = field(default_factory=list)


def parse_source(text):
    """Split a notice file into header fields, introduction and raw updates."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    doc = SourceDocument(lines=lines)
    index = 0
    if lines and BEGIN_RE.match(lines[0]):
        index = 1
    key = None
    while index < len(lines):
        line = lines[index]
        if line.strip() == "" or END_RE.match(line):
            index += 1
            break
        match = META_RE.match(line)
        if match:
            key = match.group("key").lower()
            meta_field = MetaField(match.group("key"), match.group("value").strip(), index + 1)
            if key in doc.meta:
                doc.duplicates.append(meta_field)
            else:
                doc.meta[key] = meta_field
            index += 1
            continue
        more = META_MORE_RE.match(line)
        if more and key:
            doc.meta[key].value = (doc.meta[key].value + " " + more.group("value").strip()).strip()
            if doc.meta[key].continued_on is None:
                doc.meta[key].continued_on = index + 1
            index += 1
            continue
        break
    doc.header_end = index

    intro, current, in_fence = [], None, False
    doc.intro_line = index + 1
    for number in range(index, len(lines)):
        line = lines[number]
        if FENCE_RE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else HEADING_RE.match(line)
        if heading:
            current = _start_update(heading.group("text"), number + 1)
            doc.updates.append(current)
            continue
        if current is None:
            intro.append(line)
            continue
        next_update = None if in_fence else NEXT_UPDATE_RE.match(line)
        if next_update and current.next_update_text is None:
            current.next_update_text = next_update.group("value")
            current.next_update_line = number + 1
            continue
        current.body += line + "\n"
    doc.intro = "\n".join(intro).strip()
    for update in doc.updates:
        update.body = update.body.strip()
    return doc


def _start_update(heading, line):
    parts = SEPARATOR_RE.split(heading, maxsplit=1)
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        return RawUpdate(line, heading, "", "", heading_problem=(
            f"'## {heading}' is not an update heading; expected {HEADING_EXAMPLE}. "
            "Use '###' for headings inside the text"))
    return RawUpdate(line, parts[0].strip(), parts[1].strip(), "")


def parse_time(text):
    """An editor's time as an aware Europe/Berlin datetime; a wall-clock time
    that does not exist or exists twice in Berlin needs an offset (guessing
    there would put updates out of order)."""
    return parse_wall_clock(text)


def format_time(value):
    """An editor-friendly time for the files the commands write.

    An offset is added only when the wall-clock time alone would be ambiguous.
    """
    local = value.astimezone(BERLIN)
    stamp = local.strftime("%Y-%m-%d %H:%M")
    if local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset():
        offset = local.strftime("%z")
        return f"{stamp}{offset[:3]}:{offset[3:]}"
    return stamp


def format_update(time, status, text, next_update=None):
    """One update block in the documented syntax, as the commands append it."""
    block = f"## {format_time(time)} – {status}\n\n{text.strip()}\n"
    if next_update is not None:
        block += f"\nNächstes Update: {format_time(next_update)}\n"
    return block
