"""The whole status at one moment: component statuses, the overall sentence,
90-day bars, availability and history — computed once per build and shared
by the status page, the JSON API, badges and the banner.

Availability rule (also printed on /status/): over the last 30 or 90 days,
a component's unavailable time is the time covered by incidents, weighted by
the component's status in them — major_outage 100 %, partial_outage 50 %,
degraded_performance 25 %. Planned maintenance is left out on both sides:
it is neither counted as unavailable nor as time the service had to run.
Where incidents overlap, the worst status counts once.
"""

import datetime as dt
import itertools
import math
from dataclasses import dataclass, field

from babel.numbers import format_decimal

from german.dates import BERLIN, LOCALE, date_short, month_year

from . import vocabulary as v
from .model import utc

BAR_DAYS = 90
AVAILABILITY_WINDOWS = (30, 90)
AVAILABILITY_RULE = (
    "Die Verfügbarkeit ergibt sich aus der Dauer der Störungen in den letzten 30 "
    "beziehungsweise 90 Tagen: Ein Ausfall zählt voll als nicht verfügbar, eine "
    "teilweise Störung zur Hälfte und eingeschränkte Leistung zu einem Viertel. "
    "Angekündigte Wartungsarbeiten werden nicht mitgerechnet – weder als Ausfall "
    "noch als Betriebszeit. Überschneiden sich Störungen, zählt die schwerere."
)


@dataclass
class DayCell:
    date: dt.date
    status: str
    label: str
    has_data: bool = True

    @property
    def date_text(self):
        return date_short(self.date)


@dataclass
class DayRun:
    """Consecutive days of the bar with the same worst state: one mark on
    /status/ instead of one per day, so the page stays small however many
    components and days it shows."""

    offset: int  # index of the first day in the bar
    cells: list

    @property
    def length(self):
        return len(self.cells)

    @property
    def status(self):
        return self.cells[0].status

    @property
    def label(self):
        return self.cells[0].label

    @property
    def has_data(self):
        return self.cells[0].has_data

    @property
    def dates_text(self):
        """'22.11.2026' or '25.08.2026 bis 21.11.2026'."""
        first, last = self.cells[0], self.cells[-1]
        if first is last:
            return first.date_text
        return f"{first.date_text} bis {last.date_text}"

    @property
    def text(self):
        return f"{self.dates_text}: {self.label}"


def day_runs(cells):
    """The bar's days grouped into runs of the same state, in order."""
    runs = []
    for index, cell in enumerate(cells):
        if runs and runs[-1].status == cell.status and runs[-1].has_data == cell.has_data:
            runs[-1].cells.append(cell)
        else:
            runs.append(DayRun(index, [cell]))
    return runs


@dataclass
class ComponentView:
    component: object
    status: str
    status_label: str
    icon: str
    updated_at: dt.datetime | None
    availability: dict = field(default_factory=dict)  # days → fraction or None
    days: list = field(default_factory=list)
    runs: list = field(default_factory=list)  # days grouped: [DayRun]
    bar_text: str = ""
    notices: list = field(default_factory=list)  # active notices touching it

    def __getattr__(self, name):
        # id, name, group, description … come from the component itself.
        if name in ("component",):
            raise AttributeError(name)
        return getattr(self.component, name)

    def availability_text(self, days):
        return format_availability(self.availability.get(days))


@dataclass
class StatusState:
    now: dt.datetime
    indicator: str
    sentence: str
    components: list  # [ComponentView] in file order
    groups: list  # [(group name, [ComponentView])]
    notices: list  # published notices, newest activity first
    active_incidents: list
    active_maintenances: list
    upcoming_maintenances: list
    history: list  # [(month label, [Notice])], newest first
    rule: str = AVAILABILITY_RULE

    @property
    def icon(self):
        if self.indicator in ("major", "critical"):
            return "✕"
        return {"none": "✓", "maintenance": "⚙"}.get(self.indicator, "▲")

    @property
    def css_status(self):
        return {"none": v.OPERATIONAL, "minor": "degraded_performance",
                "major": "partial_outage", "critical": "major_outage",
                "maintenance": v.UNDER_MAINTENANCE}[self.indicator]

    def component(self, component_id):
        return next(c for c in self.components if c.id == component_id)


def format_availability(value):
    """'99,87 %', rounded down so a short outage never shows as 100,00 %."""
    if value is None:
        return "keine Angabe"
    floored = math.floor(value * 10000) / 100
    return format_decimal(floored, "0.00", locale=LOCALE) + "\u00a0%"


def worst(statuses):
    return max(statuses, key=lambda s: v.COMPONENT_RANK[s], default=v.OPERATIONAL)


def _segments(intervals, start, end):
    """Cut [start, end) at every interval boundary; yields (a, b)."""
    points = {start, end}
    for interval in intervals:
        for point in (interval.start, interval.end):
            if start < point < end:
                points.add(point)
    ordered = sorted(points)
    return itertools.pairwise(ordered)


def availability(intervals, start, end):
    """Fraction of [start, end) a component was available (rule above)."""
    if end <= start:
        return None
    relevant = [i for i in intervals if i.end > start and i.start < end]
    down = maintenance = 0.0
    for a, b in _segments(relevant, start, end):
        covering = [i for i in relevant if i.start <= a and i.end >= b]
        seconds = (b - a).total_seconds()
        if any(i.kind == v.MAINTENANCE for i in covering):
            maintenance += seconds
            continue
        weights = [v.DOWNTIME_WEIGHT[i.status] for i in covering]
        down += seconds * max(weights, default=0.0)
    counted = (end - start).total_seconds() - maintenance
    if counted <= 0:
        return None
    return max(0.0, 1.0 - down / counted)


def day_bounds(day):
    """Start and end of a Berlin calendar day in UTC (23 or 25 hours at DST)."""
    start = dt.datetime(day.year, day.month, day.day, tzinfo=BERLIN)
    following = day + dt.timedelta(days=1)
    end = dt.datetime(following.year, following.month, following.day, tzinfo=BERLIN)
    return utc(start), utc(end)


def day_cells(intervals, now, since=None, days=BAR_DAYS):
    today = now.astimezone(BERLIN).date()
    cells = []
    for offset in range(days - 1, -1, -1):
        day = today - dt.timedelta(days=offset)
        start, end = day_bounds(day)
        if since is not None and utc(since) >= end:
            cells.append(DayCell(day, "nodata", "keine Daten", has_data=False))
            continue
        statuses = [i.status for i in intervals if i.start < end and i.end > start]
        status = worst(statuses)
        cells.append(DayCell(day, status, v.COMPONENT_STATUSES[status]))
    return cells


def bar_text(cells):
    """The text equivalent of a 90-day bar (shown and read out): every day
    that was not fine, consecutive days with the same state together."""
    counted = [c for c in cells if c.has_data]
    good = sum(1 for c in counted if c.status == v.OPERATIONAL)
    bad = [r for r in day_runs(cells) if r.has_data and r.status != v.OPERATIONAL]
    first = f"Letzte {len(cells)} Tage: "
    if not bad:
        return first + f"an allen {len(counted)} Tagen ohne Einschränkung."
    details = "; ".join(run.text for run in bad)
    days_word = "Tag" if good == 1 else "Tagen"
    return first + f"an {good} {days_word} ohne Einschränkung; {details}."


def compute_state(notices, registry, now, since_default=None):
    """Everything /status/, the API, badges and the banner show, at `now`."""
    published = sorted(notices, key=lambda n: n.sort_time, reverse=True)
    now_utc = utc(now)
    by_component = {c.id: [] for c in registry}
    for notice in published:
        for interval in notice.intervals(now):
            by_component.setdefault(interval.component, []).append(interval)

    views = []
    for component in registry:
        touching = [n for n in published if component.id in n.current_component_statuses()]
        status = worst(n.current_component_statuses()[component.id] for n in touching)
        since = component.since or since_default
        changes = [since] if since else []
        for notice in published:
            if component.id not in notice.component_statuses:
                continue
            changes += [u.time for u in notice.updates if utc(u.time) <= now_utc]
            changes += [t for t in (notice.effective_start, notice.effective_end)
                        if t is not None and utc(t) <= now_utc]
        updated = max(changes, key=utc) if changes else None  # never changed
        intervals = by_component.get(component.id, [])
        view = ComponentView(
            component=component,
            status=status,
            status_label=v.COMPONENT_STATUSES[status],
            icon=v.COMPONENT_ICONS[status],
            updated_at=updated,
            notices=touching,
        )
        for days in AVAILABILITY_WINDOWS:
            start = now_utc - dt.timedelta(days=days)
            if since is not None:
                start = max(start, utc(since))
            view.availability[days] = availability(intervals, start, now_utc)
        view.days = day_cells(intervals, now, since)
        view.runs = day_runs(view.days)
        view.bar_text = bar_text(view.days)
        views.append(view)

    groups = {}
    for view in views:
        groups.setdefault(view.group, []).append(view)

    active_incidents = [n for n in published if n.kind == v.INCIDENT and n.is_active]
    active_maintenances = [n for n in published if n.kind == v.MAINTENANCE and n.is_active]
    upcoming = sorted((n for n in published if n.is_upcoming),
                      key=lambda n: utc(n.scheduled_start))

    indicator = "none"
    rank = 0
    for notice in active_incidents:
        if v.IMPACT_RANK[notice.impact] > rank:
            indicator, rank = notice.impact, v.IMPACT_RANK[notice.impact]
    from_components = {"degraded_performance": "minor", "partial_outage": "major",
                       "major_outage": "critical"}
    for view in views:
        implied = from_components.get(view.status)
        if implied and v.IMPACT_RANK[implied] > rank:
            indicator, rank = implied, v.IMPACT_RANK[implied]
    if indicator == "none" and (active_maintenances or any(
            view.status == v.UNDER_MAINTENANCE for view in views)):
        indicator = "maintenance"

    history = {}
    for notice in published:
        if notice.is_finished:
            when = notice.effective_start or notice.scheduled_start or notice.updates[0].time
            key = when.astimezone(BERLIN).strftime("%Y-%m")
            history.setdefault(key, (month_year(when), []))[1].append(notice)
    ordered_history = [history[key] for key in sorted(history, reverse=True)]

    return StatusState(
        now=now,
        indicator=indicator,
        sentence=v.INDICATOR_SENTENCES[indicator],
        components=views,
        groups=list(groups.items()),
        notices=published,
        active_incidents=active_incidents,
        active_maintenances=active_maintenances,
        upcoming_maintenances=upcoming,
        history=ordered_history,
    )


def valid_until(notices, now, lead_hours, freshness_minutes=15):
    """Until when the outage outputs built at `now` stay right (see BUILD_VALID_UNTIL).

    They change at the next Berlin midnight (the 90-day bars), at every time a
    notice names that lies ahead (a maintenance window opening or closing, the
    banner's lead time before it, a dated update), and the status page shows
    the time it was built: it is never treated as fresh for longer than
    `freshness_minutes` (CI builds every 15 minutes).
    """
    local = now.astimezone(BERLIN)
    midnight = (local + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    candidates = [midnight, now + dt.timedelta(minutes=freshness_minutes)]
    for notice in notices:
        times = [getattr(notice, "scheduled_start", None), getattr(notice, "scheduled_end", None),
                 getattr(notice, "effective_start", None), getattr(notice, "effective_end", None)]
        times += [u.time for u in getattr(notice, "updates", [])]
        if getattr(notice, "scheduled_start", None):
            times.append(notice.scheduled_start - dt.timedelta(hours=lead_hours))
        candidates += [t for t in times if t is not None and utc(t) > utc(now)]
    return min(candidates, key=utc)
