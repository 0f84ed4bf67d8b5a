"""Outage notices: the Notice content class Pelican's readers create, and a
notice's state at the build's "now" (the file itself is read and checked in
notice_file.py).

Times are aware datetimes in Europe/Berlin (what editors think in); they are
compared and subtracted in UTC (`utc`), because Python compares two datetimes
that share a tzinfo by wall clock, which is wrong in the hour the clocks go back.
"""

import copy
import datetime as dt
import os
from dataclasses import dataclass

from babel.dates import format_datetime
from pelican.contents import Content
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify

from german.dates import BERLIN, LOCALE, date_short, datetime_long, site_now
from kit.problems import EditorInputError, display_path

from . import vocabulary as v
from .components import ComponentRegistry, load_components
from .notice_file import PUBLICATION_STATUSES, markdown_renderer, parse_notice, utc


def duration_text(seconds):
    """'2 Stunden und 10 Minuten' — German, with plural forms."""
    minutes = round(seconds / 60)
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
    path = os.path.join(settings["PATH"], settings["OUTAGES_COMPONENTS_FILE"])
    registry, problems = load_components(path, display_path(path, settings))
    if problems:
        raise EditorInputError(problems)
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
            raise EditorInputError(problems)

        slug = data.slug or slugify(
            data.title,
            regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"],
            preserve_case=settings["SLUGIFY_PRESERVE_CASE"],
            use_unicode=settings["SLUGIFY_USE_UNICODE"],
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
        self.banner_lead_hours = float(settings["OUTAGES_BANNER_LEAD_HOURS"])
        self.evaluate(site_now(settings))
        super().__init__(render(data.intro), metadata, settings, source_path, context)

    # -- state at "now" ---------------------------------------------------

    def evaluate(self, now):
        """Compute everything that depends on the build's "now".

        A maintenance moves by the clock: it counts as running inside its
        window and as completed after it, unless an editor posted an update
        at or after its end (it overran).

        `now` itself is not kept: a page's fingerprint (the speed plugin)
        covers the attributes of the notices it shows, and only what a page
        prints may change it — here the status and the duration in minutes.
        """
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
            self.duration_text = duration_text(max(0.0, elapsed.total_seconds()))
        else:
            self.duration_text = ""
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

    def intervals(self, now):
        """The spans this notice affected each component, clipped to `now`."""
        now = utc(now)
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
