"""Outage notices: parsing and validating a notice file, the Notice content
class Pelican's readers create, and a notice's state at the build's "now".

Times are aware datetimes in Europe/Berlin (what editors think in); they are
compared and subtracted in UTC, because Python compares two datetimes that
share a tzinfo by wall clock, which is wrong in the hour the clocks go back.
"""

import copy
import datetime as dt
import difflib
import os
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown import Markdown
from pelican.contents import Content
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify

from babel.dates import format_datetime

from german.dates import BERLIN, LOCALE, date_short, datetime_long, site_now
from german.slugs import SLUG_MAX_LENGTH, shorten, slug_problem, title_problem
from german.slugs import slugify as german_slugify

from . import vocabulary as v
from .components import ComponentRegistry, load_components
from .problems import OutageInputError, Problem, display_path
from .sanitize import text_html
from .timeline import HEADING_EXAMPLE, SEPARATOR_RE, format_time, parse_source, parse_time

UTC = dt.timezone.utc

KNOWN_KEYS = {
    "title": "Title", "kind": "Kind", "components": "Components", "impact": "Impact",
    "start": "Start", "end": "End", "scheduled-start": "Scheduled-Start",
    "scheduled-end": "Scheduled-End", "rescheduled-from": "Rescheduled-From",
    "slug": "Slug", "status": "Status", "summary": "Summary", "tags": "Tags",
    "author": "Author",
}
PUBLICATION_STATUSES = ("published", "draft")
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
    BLOCKS = {"p", "li", "br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre"}

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
    render = render or markdown_renderer({})
    known = dict(KNOWN_KEYS)
    known.update({key: "-".join(p.capitalize() for p in key.split("-")) for key in shared_keys})
    doc = parse_source(text)
    data = NoticeData()
    problems = []

    def problem(field_name, expected, line=None):
        problems.append(Problem(display, field_name, expected, line))

    meta = doc.meta
    for duplicate in doc.duplicates:
        problem(duplicate.key, f"given twice (first on line {meta[duplicate.key.lower()].line}); "
                "expected it once", duplicate.line)
    for key, meta_field in meta.items():
        if key not in known:
            close = _closest(key, known)
            hint = f" (did you mean {known[close]}?)" if close else ""
            problem(meta_field.key, f"unknown metadata key{hint}; expected one of "
                    + ", ".join(known.values()), meta_field.line)

    def value(key):
        return meta[key].value.strip() if key in meta else ""

    def line(key):
        return meta[key].line if key in meta else None

    def time_field(key):
        if not value(key):
            return None
        try:
            return parse_time(value(key))
        except ValueError as exc:
            problem(KNOWN_KEYS[key], str(exc), line(key))
            return None

    data.title = value("title")
    if not data.title:
        problem("Title", "missing; expected a line like 'Title: Internetstörung in Kiel' "
                "at the top", 1)
    elif title_problem(data.title):
        problem("Title", title_problem(data.title), line("title"))
    data.slug = value("slug") or None
    if "slug" in meta and slug_problem(value("slug")):
        problem("Slug", slug_problem(value("slug")), line("slug"))
    elif data.slug is None and data.title and not title_problem(data.title):
        derived = german_slugify(data.title)
        if len(derived) > SLUG_MAX_LENGTH:
            problem("Title", f"gives a web address of {len(derived)} characters; expected at most "
                    f"{SLUG_MAX_LENGTH}: shorten the title or add a line "
                    f"'Slug: {shorten(derived)}'", line("title"))
    if value("status"):
        data.publication_status = value("status").lower()
        if data.publication_status not in PUBLICATION_STATUSES:
            problem("Status", f"'{value('status')}' is unknown; expected published or draft "
                    "(the state of the outage goes into the updates)", line("status"))

    kind = value("kind").lower()
    if kind not in v.KINDS:
        what = f"'{value('kind')}' is unknown" if kind else "missing"
        problem("Kind", f"{what}; expected incident (Störung) or maintenance (Wartungsarbeiten)",
                line("kind") or 1)
        kind = None
    data.kind = kind or v.INCIDENT

    impact = value("impact").lower()
    if impact:
        if impact not in v.IMPACTS:
            problem("Impact", f"'{value('impact')}' is unknown{_suggest(impact, v.IMPACTS)}; "
                    "expected one of " + ", ".join(v.IMPACTS), line("impact"))
            impact = "none"
    elif data.kind == v.INCIDENT:
        problem("Impact", "missing; expected 'Impact: ' with one of " + ", ".join(v.IMPACTS),
                line("kind") or 1)
        impact = "none"
    else:
        impact = "maintenance"
    data.impact = impact

    # Components: "internet-kiel=major_outage, festnetz-kiel"
    allowed = [s for s in v.AFFECTED_STATUSES
               if data.kind == v.MAINTENANCE or s != v.UNDER_MAINTENANCE]
    if not value("components"):
        problem("Components", "missing; expected component ids from the components file, e.g. "
                "'Components: internet-kiel=major_outage, festnetz-kiel'", line("kind") or 1)
    seen = set()
    for item in [i.strip() for i in value("components").split(",") if i.strip()]:
        component_id, _, status = (part.strip() for part in item.partition("="))
        if component_id not in registry:
            known = ", ".join(c.id for c in registry) or "none defined"
            problem("Components", f"unknown component '{component_id}'"
                    f"{_suggest(component_id, [c.id for c in registry])}; expected one of "
                    f"{known} (defined in {registry.path})", line("components"))
            continue
        if component_id in seen:
            problem("Components", f"'{component_id}' is listed twice", line("components"))
            continue
        seen.add(component_id)
        if status:
            if status not in allowed:
                problem("Components", f"'{status}' is not a component status"
                        f"{_suggest(status, allowed)}; expected {component_id}=STATUS with "
                        "STATUS one of " + ", ".join(allowed), line("components"))
                continue
        elif data.kind == v.MAINTENANCE:
            status = v.UNDER_MAINTENANCE
        else:
            status = v.IMPACT_DEFAULT_STATUS[data.impact]
        data.affected.append((component_id, status))

    data.start = time_field("start")
    data.end = time_field("end")
    data.scheduled_start = time_field("scheduled-start")
    data.scheduled_end = time_field("scheduled-end")
    if value("rescheduled-from"):
        try:
            data.previous_windows = parse_windows(value("rescheduled-from"))
        except ValueError as exc:
            problem("Rescheduled-From", str(exc), line("rescheduled-from"))

    if data.kind == v.MAINTENANCE:
        missing = [KNOWN_KEYS[key] for key in ("scheduled-start", "scheduled-end")
                   if not value(key)]
        if missing:
            problem(", ".join(missing), "missing; a maintenance needs its window, e.g. "
                    "'Scheduled-Start: 2026-11-26 01:00' and 'Scheduled-End: 2026-11-26 05:00'",
                    line("kind") or 1)
        if data.scheduled_start and data.scheduled_end and \
                utc(data.scheduled_end) <= utc(data.scheduled_start):
            problem("Scheduled-End", f"{value('scheduled-end')} is not after Scheduled-Start "
                    f"{value('scheduled-start')}; expected the end of the window after its start",
                    line("scheduled-end"))
    else:
        for key in ("scheduled-start", "scheduled-end", "rescheduled-from"):
            if key in meta:
                problem(KNOWN_KEYS[key], "only a maintenance has a window; expected "
                        "'Kind: maintenance' or no such line", line(key))

    if data.start and data.end and utc(data.end) < utc(data.start):
        problem("End", f"{value('end')} is before Start {value('start')}; expected End after Start",
                line("end"))

    # The timeline.
    data.intro = doc.intro
    previous = None
    final_seen = None
    for raw in doc.updates:
        if raw.heading_problem:
            problem("update", raw.heading_problem, raw.line)
            continue
        try:
            time = parse_time(raw.time_text)
        except ValueError as exc:
            problem("update time", f"{exc}; the heading must look like {HEADING_EXAMPLE}", raw.line)
            continue
        status = _status_from_text(raw.status_text, data.kind)
        if status is None:
            choices = v.STATUSES[data.kind]
            names = ", ".join(f"{k} ({label})" for k, label in choices.items())
            problem("update status", f"'{raw.status_text}' is not a status of "
                    f"{KIND_ARTICLES[data.kind]}"
                    f"{_suggest(raw.status_text.lower(), choices)}; expected one of {names}",
                    raw.line)
            continue
        if previous is not None and utc(time) < utc(previous.time):
            problem("update time", f"{raw.time_text} is earlier than the update before it "
                    f"(line {previous.line}, {previous.time.strftime('%Y-%m-%d %H:%M')}); "
                    "expected the updates oldest first", raw.line)
        elif previous is not None and utc(time) == utc(previous.time):
            # Readers, feeds and CAP order updates by time: two at once have no order.
            problem("update time", f"{raw.time_text} is the same time as the update on line "
                    f"{previous.line}; expected each update later than the one before "
                    "(merge the two updates or correct one of the times)", raw.line)
        if now is not None and utc(time) > utc(now):
            problem("update time", f"{raw.time_text} is after now ({format_time(now)}); "
                    "expected only updates that have been posted: add each update when it "
                    "happens (planned maintenance goes into Scheduled-Start and "
                    "Scheduled-End)", raw.line)
        if final_seen and status != final_seen.status:
            problem("update status", f"'{status}' after '{final_seen.status}' on line "
                    f"{final_seen.line}; a finished notice stays finished — open a new notice "
                    "for a new problem", raw.line)
        if not raw.body:
            problem("update text", "empty; expected the text of the update below its heading",
                    raw.line)
        next_update = None
        if raw.next_update_text is not None:
            try:
                next_update = parse_time(raw.next_update_text)
            except ValueError as exc:
                problem("Nächstes Update", str(exc), raw.next_update_line)
            else:
                if utc(next_update) <= utc(time):
                    problem("Nächstes Update", f"{raw.next_update_text} is not after the update's "
                            f"time {raw.time_text}; expected a later time", raw.next_update_line)
        markup = render(raw.body)
        update = Update(
            index=len(data.updates) + 1,
            time=time,
            status=status,
            status_label=v.STATUSES[data.kind][status],
            text=html_to_text(markup),
            html=markup,
            next_update=next_update,
            line=raw.line,
            markdown=raw.body,
        )
        data.updates.append(update)
        previous = update
        if status in v.FINAL_STATUSES and final_seen is None:
            final_seen = update

    if not doc.updates:
        problem("updates", "none; expected at least one update below the metadata, like "
                f"{HEADING_EXAMPLE} followed by its text", doc.header_end + 1)
    for key in ("start", "end"):
        moment = getattr(data, key)
        if now is not None and moment is not None and utc(moment) > utc(now):
            problem(KNOWN_KEYS[key], f"{value(key)} is after now ({format_time(now)}); expected "
                    f"the time it {'began' if key == 'start' else 'ended'}, which cannot lie "
                    "in the future", line(key))
    first = data.updates[0] if data.updates else None
    start_ahead = now is not None and data.start is not None and utc(data.start) > utc(now)
    if data.kind == v.INCIDENT and data.start and first and utc(data.start) > utc(first.time) \
            and not start_ahead:  # one mistake, one message
        problem("Start", f"{value('start')} is after the first update (line {first.line}, "
                f"{format_time(first.time)}); expected when the problem began, at or before "
                "the first update", line("start"))
    if data.start is None and data.updates and data.kind == v.INCIDENT:
        data.start = data.updates[0].time

    last = data.updates[-1] if data.updates else None
    if last is not None and last.status in ("resolved", "completed") and data.end is None:
        problem("End", f"missing; the notice is '{last.status}' (line {final_seen.line}), "
                "so it needs 'End: <time>' when the service worked again, "
                f"{TIME_EXAMPLE}", final_seen.line)
    if data.end is not None and last is not None and final_seen is None:
        expected = "resolved" if data.kind == v.INCIDENT else "completed"
        problem("End", f"given, but the last update (line {last.line}) is '{last.status}'; "
                f"expected a last update with status {expected}, or no End yet", line("end"))
    return (None if problems else data), problems


def duration_text(seconds):
    """'2 Stunden und 10 Minuten' — German, with plural forms."""
    minutes = int(round(seconds / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    for amount, one, many in ((days, "Tag", "Tage"), (hours, "Stunde", "Stunden"),
                              (minutes, "Minute", "Minuten")):
        if amount:
            parts.append(f"{amount} {one if amount == 1 else many}")
    if not parts:
        return "weniger als eine Minute"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " und " + parts[-1]


@dataclass
class Interval:
    """A span of time one component was affected, for bars and availability."""

    component: str
    start: dt.datetime  # UTC
    end: dt.datetime  # UTC
    status: str
    kind: str


def _registry_for(settings, context):
    registry = (context or {}).get("outage_components")
    if isinstance(registry, ComponentRegistry):
        return registry
    path = os.path.join(settings["PATH"], settings.get("OUTAGES_COMPONENTS_FILE",
                                                       "status/komponenten.yml"))
    registry, problems = load_components(path, display_path(path, settings))
    if problems:
        raise OutageInputError(problems)
    return registry


class Notice(Content):
    """An outage notice or maintenance window (content/stoerungen/*.md).

    Created by Pelican's readers (so content_object_init fires); the parsed
    model is attached before that signal, as attributes and in `metadata`.
    """

    mandatory_properties = ("title",)
    allowed_statuses = PUBLICATION_STATUSES
    default_status = "published"
    default_template = "notice"

    def __init__(self, content, metadata=None, settings=None, source_path=None, context=None):
        settings = settings if settings is not None else copy.deepcopy(DEFAULT_CONFIG)
        metadata = dict(metadata or {})
        registry = _registry_for(settings, context)
        with open(source_path, encoding="utf-8") as handle:
            text = handle.read()
        render = markdown_renderer(settings)
        data, problems = parse_notice(text, display_path(source_path, settings), registry, render,
                                      sorted(settings.get("SHARED_METADATA_KEYS") or ()),
                                      now=site_now(settings))
        if problems:
            raise OutageInputError(problems)

        slug = data.slug or slugify(
            data.title,
            regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
            preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
            use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
        )
        for update in data.updates:
            update.id = f"{slug}-{update.index}"
        self.registry = registry
        self.data = data
        model = {
            "slug": slug,
            "kind": data.kind,
            "kind_label": v.KIND_LABELS[data.kind],
            "impact": data.impact,
            "components": [registry[c].as_dict() for c, _ in data.affected],
            "component_statuses": dict(data.affected),
            "updates": data.updates,
            "start": data.start,
            "end": data.end,
            "scheduled_start": data.scheduled_start,
            "scheduled_end": data.scheduled_end,
            "previous_windows": data.previous_windows,
            "date": data.start or data.scheduled_start or data.updates[0].time,
            "modified": data.updates[-1].time,
        }
        metadata.update(model)
        for key in ("scheduled-start", "scheduled-end", "rescheduled-from"):
            metadata.pop(key, None)
        metadata.setdefault("tags", [])
        if "summary" not in metadata:
            metadata["summary"] = data.updates[-1].html
        for key, value in model.items():
            setattr(self, key, value)
        self.banner_lead_hours = float(settings.get("OUTAGES_BANNER_LEAD_HOURS", 24))
        self.evaluate(site_now(settings))
        super().__init__(render(data.intro), metadata, settings, source_path, context)

    # -- state at "now" ---------------------------------------------------

    def evaluate(self, now):
        """Compute everything that depends on the build's "now".

        A maintenance moves by the clock: it counts as running inside its
        window and as completed after it, unless an editor posted an update
        at or after its end (it overran).
        """
        self.now = now
        last = self.updates[-1]
        status = last.status
        self.auto_completed = False
        if self.kind == v.MAINTENANCE and status not in v.FINAL_STATUSES:
            if utc(now) >= utc(self.scheduled_end) and utc(last.time) < utc(self.scheduled_end):
                status, self.auto_completed = "completed", True
            elif utc(now) >= utc(self.scheduled_start) and status == "scheduled":
                status = "in_progress"
        self.current_status = status
        self.current_status_label = v.STATUSES[self.kind][status]
        self.is_finished = status in v.FINAL_STATUSES
        self.cancelled = status == "cancelled"
        self.is_upcoming = self.kind == v.MAINTENANCE and status == "scheduled"
        self.is_active = not self.is_finished and not self.is_upcoming
        if self.kind == v.MAINTENANCE:
            started = self.start or (self.scheduled_start
                                     if utc(now) >= utc(self.scheduled_start) else None)
            self.effective_start = None if self.cancelled else started
            self.effective_end = self.end or (self.scheduled_end if self.auto_completed else None)
        else:
            self.effective_start = self.start
            self.effective_end = self.end
        soon = dt.timedelta(hours=getattr(self, "banner_lead_hours", 24))
        self.in_banner = self.is_active or (
            self.is_upcoming and utc(self.scheduled_start) - utc(now) <= soon
        )
        self.banner_role = (
            "alert"
            if self.kind == v.INCIDENT and self.is_active and self.impact in ("major", "critical")
            else "status"
        )
        self.last_update = last
        self.resolved_at = self.effective_end if self.is_finished and not self.cancelled else None
        if self.effective_start and (self.effective_end or self.is_active):
            until = self.effective_end or now
            elapsed = utc(until) - utc(self.effective_start)
            self.duration_seconds = max(0.0, elapsed.total_seconds())
            self.duration_text = duration_text(self.duration_seconds)
        else:
            self.duration_seconds, self.duration_text = None, ""
        return self

    @property
    def sort_time(self):
        """Newest activity first in lists: the last update's time."""
        return utc(self.updates[-1].time)

    @property
    def window_text(self):
        if self.kind != v.MAINTENANCE:
            return ""
        return window_text(self.scheduled_start, self.scheduled_end)

    @property
    def previous_window_texts(self):
        return [window_text(start, end) for start, end in self.previous_windows]

    @property
    def impact_label(self):
        return v.IMPACT_LABELS[self.impact]

    @property
    def sequence(self):
        """iCalendar SEQUENCE: how often the window was moved."""
        return len(self.previous_windows)

    def current_component_statuses(self):
        """{component id: status} this notice imposes right now (empty once over)."""
        if not self.is_active:
            return {}
        return dict(self.component_statuses)

    def intervals(self, now=None):
        """The spans this notice affected each component, clipped to `now`."""
        now = utc(now or self.now)
        if self.effective_start is None or self.cancelled:
            return []
        start = utc(self.effective_start)
        end = utc(self.effective_end) if self.effective_end else now
        end = min(end, now)
        if end <= start:
            return []
        return [Interval(c, start, end, s, self.kind) for c, s in self.component_statuses.items()]

    def affected_names(self):
        return [c["name"] for c in self.components]


def window_text(start, end):
    """'26.11.2026, 01:00 bis 05:00 Uhr (MEZ)'; both dates when it spans midnight."""
    same_day = start.astimezone(BERLIN).date() == end.astimezone(BERLIN).date()
    same_zone = zone_name(start) == zone_name(end)
    if same_day and same_zone:
        return (f"{date_short(start)}, {_clock(start)} bis {_clock(end)} Uhr "
                f"({zone_name(end)})")
    return f"{datetime_long(start)} bis {datetime_long(end)}"


def _clock(value):
    return value.astimezone(BERLIN).strftime("%H:%M")


def zone_name(value):
    """MEZ or MESZ, through Babel like german.dates.datetime_long."""
    return format_datetime(value, "z", locale=LOCALE, tzinfo=BERLIN)
