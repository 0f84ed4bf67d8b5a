"""A notice file, parsed and validated: every problem of a file at once.

`parse_notice` reads the metadata header and the update timeline (timeline.py
gives both with line numbers) and checks them section by section — the keys,
what the notice is (title, address, status), what kind and impact, which
components, its times and window, the updates, and how the times fit
together — collecting every problem, so an editor fixes them in one go.

Times are aware datetimes in Europe/Berlin (what editors think in); they are
compared in UTC (`utc`), because Python compares two datetimes that share a
tzinfo by wall clock, which is wrong in the hour the clocks go back.
"""

import datetime as dt
import difflib
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown import Markdown

from german.slugs import SLUG_MAX_LENGTH, shorten, slug_problem, title_problem
from german.slugs import slugify as german_slugify
from kit.problems import Problem

from . import vocabulary as v
from .sanitize import text_html
from .timeline import HEADING_EXAMPLE, SEPARATOR_RE, format_time, parse_source, parse_time

UTC = dt.UTC

KNOWN_KEYS = {
    "title": "Title", "kind": "Kind", "components": "Components", "impact": "Impact",
    "start": "Start", "end": "End", "scheduled-start": "Scheduled-Start",
    "scheduled-end": "Scheduled-End", "rescheduled-from": "Rescheduled-From",
    "slug": "Slug", "status": "Status", "summary": "Summary", "tags": "Tags",
    "author": "Author",
}
PUBLICATION_STATUSES = ("published", "draft")
# Short values: one cut over two lines is a mistake, not a long text going on
# (Title, Summary, Components and Rescheduled-From may go on over indented lines).
ONE_LINE_KEYS = ("kind", "impact", "start", "end", "scheduled-start", "scheduled-end", "slug", "status")
KIND_ARTICLES = {v.INCIDENT: "an incident", v.MAINTENANCE: "a maintenance"}
TIME_EXAMPLE = "e.g. 2026-11-24 10:15"


def utc(value):
    """For comparing and subtracting: aware datetimes in UTC."""
    return value.astimezone(UTC)


@dataclass
class Update:
    """One entry of a notice's timeline (fields as docs/contracts.md lists)."""

    index: int  # 1-based, oldest first
    time: dt.datetime
    status: str
    status_label: str
    text: str  # plain text
    html: str
    next_update: dt.datetime | None = None
    line: int | None = None
    markdown: str = ""
    id: str = ""  # stable: "<slug>-<index>", used by feeds, API and CAP

    @property
    def anchor(self):
        return f"update-{self.index}"


@dataclass
class NoticeData:
    """What a valid notice file says, before Pelican wraps it in a Notice."""

    title: str = ""
    slug: str | None = None
    publication_status: str = "published"
    kind: str = v.INCIDENT
    impact: str = "none"
    affected: list = field(default_factory=list)  # [(component id, status)]
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    scheduled_start: dt.datetime | None = None
    scheduled_end: dt.datetime | None = None
    previous_windows: list = field(default_factory=list)  # [(start, end)]
    intro: str = ""
    updates: list = field(default_factory=list)


class _TextExtractor(HTMLParser):
    BLOCKS = frozenset({"p", "li", "br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(markup):
    """Plain text for feeds, the JSON API, CAP and social posts."""
    parser = _TextExtractor()
    parser.feed(markup or "")
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    paragraphs, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def markdown_renderer(settings):
    """Markdown → HTML with the site's extensions, minus the metadata header
    (an update starting with "Ursache: …" must stay text), reduced to the
    HTML of running text (sanitize.py)."""
    config = (settings or {}).get("MARKDOWN") or {}
    configs = {
        name: value
        for name, value in dict(config.get("extension_configs") or {}).items()
        if name != "markdown.extensions.meta"
    }
    extensions = [e for e in config.get("extensions") or [] if e != "markdown.extensions.meta"]
    extensions += [name for name in configs if name not in extensions]
    md = Markdown(
        extensions=extensions,
        extension_configs=configs,
        output_format=config.get("output_format", "html5"),
    )

    def render(text):
        md.reset()
        return text_html(md.convert(text or ""))

    return render


def _closest(word, choices):
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def _suggest(word, choices):
    close = _closest(word, choices)
    return f" (did you mean {close}?)" if close else ""


def _status_from_text(text, kind):
    """An update status from its identifier or German label, or None."""
    wanted = text.strip().lower().replace(" ", "_")
    for identifier, label in v.STATUSES[kind].items():
        if wanted == identifier or text.strip().lower() == label.lower():
            return identifier
    return None


def parse_windows(text):
    """'START – END; START – END' → [(start, end)]; raises ValueError."""
    windows = []
    for part in [p for p in text.split(";") if p.strip()]:
        pieces = SEPARATOR_RE.split(part.strip(), maxsplit=1)
        if len(pieces) != 2:
            pieces = part.strip().split(" bis ", 1)
        if len(pieces) != 2:
            raise ValueError(
                f"'{part.strip()}' is not a window; expected 'START – END', "
                "e.g. 2026-11-26 01:00 – 2026-11-26 05:00, several separated by ';'"
            )
        start, end = parse_time(pieces[0]), parse_time(pieces[1])
        if utc(end) <= utc(start):
            raise ValueError(f"'{part.strip()}' ends before it starts")
        windows.append((start, end))
    return windows


def format_window(start, end):
    """The editor syntax of one window, as Rescheduled-From holds it."""
    return f"{format_time(start)} – {format_time(end)}"


def parse_notice(text, display, registry, render=None, shared_keys=(), now=None):
    """Validate a notice file. Returns (NoticeData or None, [Problem]).

    `shared_keys`: metadata keys other plugins handle on every content type
    (setting SHARED_METADATA_KEYS, e.g. Social, Topics); they are accepted here.
    `now`: the build's "now"; when given, no time of the timeline may lie
    after it (an update dated ahead would show as current in the API, feeds
    and CAP long before it happened).
    """
    return _NoticeParser(text, display, registry, render, shared_keys, now).parse()


class _NoticeParser:
    """One pass over one file; each section adds to `data` and `problems`."""

    def __init__(self, text, display, registry, render, shared_keys, now):
        self.display, self.registry, self.now = display, registry, now
        self.render = render or markdown_renderer({})
        self.known = dict(KNOWN_KEYS)
        self.known.update({key: "-".join(p.capitalize() for p in key.split("-")) for key in shared_keys})
        self.doc = parse_source(text)
        self.meta = self.doc.meta
        self.data = NoticeData()
        self.problems = []
        self.final_seen = None  # the first update with a final status
        self.cut_fields = set()  # fields whose value goes on over lines: reported once, not again

    def parse(self):
        self.keys()
        self.identity()
        self.kind_and_impact()
        self.components()
        self.times()
        self.timeline()
        self.times_against_timeline()
        return (None if self.problems else self.data), self.problems

    # -- helpers -------------------------------------------------------

    def problem(self, field_name, expected, line=None):
        if field_name in self.cut_fields:
            return
        self.problems.append(Problem(self.display, field_name, expected, line))

    def value(self, key):
        return self.meta[key].value.strip() if key in self.meta else ""

    def line(self, key):
        return self.meta[key].line if key in self.meta else None

    def time_field(self, key):
        if not self.value(key):
            return None
        try:
            return parse_time(self.value(key))
        except ValueError as exc:
            self.problem(KNOWN_KEYS[key], str(exc), self.line(key))
            return None

    # -- sections ------------------------------------------------------

    def keys(self):
        """Each key once, and only keys a notice knows."""
        meta, known = self.meta, self.known
        for duplicate in self.doc.duplicates:
            self.problem(duplicate.key, f"given twice (first on line {meta[duplicate.key.lower()].line}); "
                         "expected it once", duplicate.line)
        for key, meta_field in meta.items():
            if key in ONE_LINE_KEYS and meta_field.continued_on:
                self.problem(meta_field.key, f"goes on over the indented line {meta_field.continued_on}; "
                             "expected the whole value on one line (only texts such as Title or Summary "
                             "may go on over indented lines)", meta_field.line)
                self.cut_fields.add(KNOWN_KEYS[key])
            if key not in known:
                close = _closest(key, known)
                hint = f" (did you mean {known[close]}?)" if close else ""
                self.problem(meta_field.key, f"unknown metadata key{hint}; expected one of "
                             + ", ".join(known.values()), meta_field.line)

    def identity(self):
        """Title, address and publication status."""
        data, value, line = self.data, self.value, self.line
        data.title = value("title")
        if not data.title:
            self.problem("Title", "missing; expected a line like 'Title: Internetstörung in Kiel' "
                         "at the top", 1)
        elif title_problem(data.title):
            self.problem("Title", title_problem(data.title), line("title"))
        data.slug = value("slug") or None
        if "slug" in self.meta and slug_problem(value("slug")):
            self.problem("Slug", slug_problem(value("slug")), line("slug"))
        elif data.slug is None and data.title and not title_problem(data.title):
            derived = german_slugify(data.title)
            if len(derived) > SLUG_MAX_LENGTH:
                self.problem("Title", f"gives a web address of {len(derived)} characters; expected at most "
                             f"{SLUG_MAX_LENGTH}: shorten the title or add a line "
                             f"'Slug: {shorten(derived)}'", line("title"))
        if value("status"):
            data.publication_status = value("status").lower()
            if data.publication_status not in PUBLICATION_STATUSES:
                self.problem("Status", f"'{value('status')}' is unknown; expected published or draft "
                             "(the state of the outage goes into the updates)", line("status"))

    def kind_and_impact(self):
        data, value, line = self.data, self.value, self.line
        kind = value("kind").lower()
        if kind not in v.KINDS:
            what = f"'{value('kind')}' is unknown" if kind else "missing"
            self.problem("Kind", f"{what}; expected incident (Störung) or maintenance (Wartungsarbeiten)",
                         line("kind") or 1)
            kind = None
        data.kind = kind or v.INCIDENT

        impact = value("impact").lower()
        if impact:
            if impact not in v.IMPACTS:
                self.problem("Impact", f"'{value('impact')}' is unknown{_suggest(impact, v.IMPACTS)}; "
                             "expected one of " + ", ".join(v.IMPACTS), line("impact"))
                impact = "none"
        elif data.kind == v.INCIDENT:
            self.problem("Impact", "missing; expected 'Impact: ' with one of " + ", ".join(v.IMPACTS),
                         line("kind") or 1)
            impact = "none"
        else:
            impact = "maintenance"
        data.impact = impact

    def components(self):
        """'Components: internet-kiel=major_outage, festnetz-kiel'"""
        data, value, line, registry = self.data, self.value, self.line, self.registry
        allowed = [s for s in v.AFFECTED_STATUSES
                   if data.kind == v.MAINTENANCE or s != v.UNDER_MAINTENANCE]
        if not value("components"):
            self.problem("Components", "missing; expected component ids from the components file, e.g. "
                         "'Components: internet-kiel=major_outage, festnetz-kiel'", line("kind") or 1)
        seen = set()
        for item in [i.strip() for i in value("components").split(",") if i.strip()]:
            component_id, _, status = (part.strip() for part in item.partition("="))
            if component_id not in registry:
                known = ", ".join(c.id for c in registry) or "none defined"
                self.problem("Components", f"unknown component '{component_id}'"
                             f"{_suggest(component_id, [c.id for c in registry])}; expected one of "
                             f"{known} (defined in {registry.path})", line("components"))
                continue
            if component_id in seen:
                self.problem("Components", f"'{component_id}' is listed twice", line("components"))
                continue
            seen.add(component_id)
            if status:
                if status not in allowed:
                    self.problem("Components", f"'{status}' is not a component status"
                                 f"{_suggest(status, allowed)}; expected {component_id}=STATUS with "
                                 "STATUS one of " + ", ".join(allowed), line("components"))
                    continue
            elif data.kind == v.MAINTENANCE:
                status = v.UNDER_MAINTENANCE
            else:
                status = v.IMPACT_DEFAULT_STATUS[data.impact]
            data.affected.append((component_id, status))

    def times(self):
        """Start, End, and a maintenance's window (and earlier windows)."""
        data, value, line, meta = self.data, self.value, self.line, self.meta
        data.start = self.time_field("start")
        data.end = self.time_field("end")
        data.scheduled_start = self.time_field("scheduled-start")
        data.scheduled_end = self.time_field("scheduled-end")
        if value("rescheduled-from"):
            try:
                data.previous_windows = parse_windows(value("rescheduled-from"))
            except ValueError as exc:
                self.problem("Rescheduled-From", str(exc), line("rescheduled-from"))

        if data.kind == v.MAINTENANCE:
            missing = [KNOWN_KEYS[key] for key in ("scheduled-start", "scheduled-end")
                       if not value(key)]
            if missing:
                self.problem(", ".join(missing), "missing; a maintenance needs its window, e.g. "
                             "'Scheduled-Start: 2026-11-26 01:00' and 'Scheduled-End: 2026-11-26 05:00'",
                             line("kind") or 1)
            if data.scheduled_start and data.scheduled_end and \
                    utc(data.scheduled_end) <= utc(data.scheduled_start):
                self.problem("Scheduled-End", f"{value('scheduled-end')} is not after Scheduled-Start "
                             f"{value('scheduled-start')}; expected the end of the window after its start",
                             line("scheduled-end"))
        else:
            for key in ("scheduled-start", "scheduled-end", "rescheduled-from"):
                if key in meta:
                    self.problem(KNOWN_KEYS[key], "only a maintenance has a window; expected "
                                 "'Kind: maintenance' or no such line", line(key))

        if data.start and data.end and utc(data.end) < utc(data.start):
            self.problem("End", f"{value('end')} is before Start {value('start')}; expected End after Start",
                         line("end"))

    def timeline(self):
        """The updates, oldest first, each later than the one before and not after now."""
        data, now = self.data, self.now
        data.intro = self.doc.intro
        previous = None
        for raw in self.doc.updates:
            if raw.heading_problem:
                self.problem("update", raw.heading_problem, raw.line)
                continue
            try:
                time = parse_time(raw.time_text)
            except ValueError as exc:
                self.problem("update time", f"{exc}; the heading must look like {HEADING_EXAMPLE}", raw.line)
                continue
            status = _status_from_text(raw.status_text, data.kind)
            if status is None:
                choices = v.STATUSES[data.kind]
                names = ", ".join(f"{k} ({label})" for k, label in choices.items())
                self.problem("update status", f"'{raw.status_text}' is not a status of "
                             f"{KIND_ARTICLES[data.kind]}"
                             f"{_suggest(raw.status_text.lower(), choices)}; expected one of {names}",
                             raw.line)
                continue
            if previous is not None and utc(time) < utc(previous.time):
                self.problem("update time", f"{raw.time_text} is earlier than the update before it "
                             f"(line {previous.line}, {previous.time.strftime('%Y-%m-%d %H:%M')}); "
                             "expected the updates oldest first", raw.line)
            elif previous is not None and utc(time) == utc(previous.time):
                # Readers, feeds and CAP order updates by time: two at once have no order.
                self.problem("update time", f"{raw.time_text} is the same time as the update on line "
                             f"{previous.line}; expected each update later than the one before "
                             "(merge the two updates or correct one of the times)", raw.line)
            if now is not None and utc(time) > utc(now):
                self.problem("update time", f"{raw.time_text} is after now ({format_time(now)}); "
                             "expected only updates that have been posted: add each update when it "
                             "happens (planned maintenance goes into Scheduled-Start and "
                             "Scheduled-End)", raw.line)
            final_seen = self.final_seen
            if final_seen and status != final_seen.status:
                self.problem("update status", f"'{status}' after '{final_seen.status}' on line "
                             f"{final_seen.line}; a finished notice stays finished — open a new notice "
                             "for a new problem", raw.line)
            if not raw.body:
                self.problem("update text", "empty; expected the text of the update below its heading",
                             raw.line)
            update = self._update(raw, time, status)
            data.updates.append(update)
            previous = update
            if status in v.FINAL_STATUSES and self.final_seen is None:
                self.final_seen = update

        if not self.doc.updates:
            self.problem("updates", "none; expected at least one update below the metadata, like "
                         f"{HEADING_EXAMPLE} followed by its text", self.doc.header_end + 1)

    def _update(self, raw, time, status):
        next_update = None
        if raw.next_update_text is not None:
            try:
                next_update = parse_time(raw.next_update_text)
            except ValueError as exc:
                self.problem("Nächstes Update", str(exc), raw.next_update_line)
            else:
                if utc(next_update) <= utc(time):
                    self.problem("Nächstes Update", f"{raw.next_update_text} is not after the update's "
                                 f"time {raw.time_text}; expected a later time", raw.next_update_line)
        markup = self.render(raw.body)
        return Update(
            index=len(self.data.updates) + 1,
            time=time,
            status=status,
            status_label=v.STATUSES[self.data.kind][status],
            text=html_to_text(markup),
            html=markup,
            next_update=next_update,
            line=raw.line,
            markdown=raw.body,
        )

    def times_against_timeline(self):
        """Start and End against now and the updates; Start from the first update."""
        data, now, value, line = self.data, self.now, self.value, self.line
        for key in ("start", "end"):
            moment = getattr(data, key)
            if now is not None and moment is not None and utc(moment) > utc(now):
                self.problem(KNOWN_KEYS[key], f"{value(key)} is after now ({format_time(now)}); expected "
                             f"the time it {'began' if key == 'start' else 'ended'}, which cannot lie "
                             "in the future", line(key))
        first = data.updates[0] if data.updates else None
        start_ahead = now is not None and data.start is not None and utc(data.start) > utc(now)
        if data.kind == v.INCIDENT and data.start and first and utc(data.start) > utc(first.time) \
                and not start_ahead:  # one mistake, one message
            self.problem("Start", f"{value('start')} is after the first update (line {first.line}, "
                         f"{format_time(first.time)}); expected when the problem began, at or before "
                         "the first update", line("start"))
        if data.start is None and data.updates and data.kind == v.INCIDENT:
            data.start = data.updates[0].time

        last = data.updates[-1] if data.updates else None
        final_seen = self.final_seen
        if last is not None and last.status in ("resolved", "completed") and data.end is None:
            self.problem("End", f"missing; the notice is '{last.status}' (line {final_seen.line}), "
                         "so it needs 'End: <time>' when the service worked again, "
                         f"{TIME_EXAMPLE}", final_seen.line)
        if data.end is not None and last is not None and final_seen is None:
            expected = "resolved" if data.kind == v.INCIDENT else "completed"
            self.problem("End", f"given, but the last update (line {last.line}) is '{last.status}'; "
                         f"expected a last update with status {expected}, or no End yet", line("end"))
