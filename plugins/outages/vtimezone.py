"""A VTIMEZONE (RFC 5545, 3.6.5) computed from the IANA zone in zoneinfo.

icalendar's `add_missing_timezones` writes the local time *after* a change
as the observance's DTSTART. RFC 5545 wants the local time *before* it,
in the TZOFFSETFROM offset: Europe/Berlin changes to summer time at 02:00
(+01:00), not at 03:00. A client that believes 03:00 shows times between
01:00 and 02:00 UTC on that day an hour early. So the calendar builds its
VTIMEZONE here, from the transitions zoneinfo knows.

A series of changes that happens every year on the same weekday of the same
month at the same local time (the EU rule: last Sunday of March and of
October) becomes one observance with an RRULE, as calendar programs write
it themselves; open-ended when the series runs to the end of the covered
years, because zoneinfo's own rule for later years continues it, else with
a COUNT. Anything irregular is listed with RDATE.
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

UTC = dt.UTC
_STEP = dt.timedelta(hours=12)  # no zone changes twice within 12 hours
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Transition:
    instant: dt.datetime  # UTC
    offset_from: dt.timedelta
    offset_to: dt.timedelta
    is_dst: bool  # after the change
    name: str  # after the change, e.g. "CEST"

    @property
    def local_start(self):
        """The wall-clock time the change happens at, read before the change."""
        return (self.instant + self.offset_from).replace(tzinfo=None)


def _state(zone, instant):
    local = instant.astimezone(zone)
    return local.utcoffset(), local.dst(), local.tzname()


def _is_daylight(offset_from, offset_to, dst):
    """DAYLIGHT for a change that puts the clocks forward, STANDARD for one
    that puts them back. Calendar programs (dateutil among them) resolve the
    doubled hour in autumn by that reading; tzdata's own DST flag would call
    Dublin's winter time "daylight" (it has a negative DST there)."""
    if offset_to != offset_from:
        return offset_to > offset_from
    return (dst or dt.timedelta(0)) > dt.timedelta(0)


def transitions(zone, start, end):
    """Every change of offset, DST flag or name between two UTC instants."""
    found = []
    previous_time, previous = start, _state(zone, start)
    time = start
    while time < end:
        time = min(time + _STEP, end)
        current = _state(zone, time)
        if current != previous:
            low, high = previous_time, time  # the change lies in (low, high]
            while high - low > dt.timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if middle <= low:
                    break
                if _state(zone, middle) == previous:
                    low = middle
                else:
                    high = middle
            found.append(Transition(high, previous[0], current[0],
                                    _is_daylight(previous[0], current[0], current[1]),
                                    current[2]))
        previous_time, previous = time, current
    return found


def _yearly_rule(onsets):
    """The RRULE for these onsets if they follow one yearly rule, else None."""
    if len(onsets) < 2:
        return None
    first = onsets[0]
    weekday = first.weekday()
    days_in_month = calendar.monthrange(first.year, first.month)[1]
    last_of_month = first.day + 7 > days_in_month
    week = -1 if last_of_month else (first.day - 1) // 7 + 1
    for year_offset, onset in enumerate(onsets):
        month_days = calendar.monthrange(onset.year, onset.month)[1]
        onset_week = -1 if last_of_month else (onset.day - 1) // 7 + 1
        if (onset.year != first.year + year_offset or onset.month != first.month
                or onset.weekday() != weekday or onset.time() != first.time()
                or onset_week != week or (last_of_month and onset.day + 7 <= month_days)):
            return None
    return {"FREQ": "YEARLY", "BYMONTH": first.month, "BYDAY": f"{week}{_WEEKDAYS[weekday]}"}


def vtimezone(tzid, first, last):
    """A VTIMEZONE for `tzid` that is right for every instant from `first` to
    `last` (aware datetimes or dates); the observance in force at `first`
    is included, so events at the very start resolve too."""
    zone = ZoneInfo(tzid)
    start = _instant(first)
    end = _instant(last)
    # A year more on both sides: the observance in force at `first`, and
    # whether each yearly series goes on after `last` (no UNTIL then).
    changes = transitions(zone, start - dt.timedelta(days=400), end + dt.timedelta(days=400))
    component = Timezone()
    component.add("tzid", tzid)
    if not changes:  # a zone without changes in these years
        offset, is_dst, name = _state(zone, start)
        component.add_component(_observance(is_dst, offset, offset, name,
                                            dt.datetime(1970, 1, 1)))
        return component

    groups = {}
    for change in changes:
        key = (change.is_dst, change.offset_from, change.offset_to, change.name)
        groups.setdefault(key, []).append(change)
    ordered = sorted(groups.items(), key=lambda item: item[1][0].instant)
    for (is_dst, offset_from, offset_to, name), members in ordered:
        onsets = [m.local_start for m in members]
        observance = _observance(is_dst, offset_from, offset_to, name, onsets[0])
        recurrence = _yearly_rule(onsets)
        if recurrence is not None:
            if members[-1].instant < end:  # the series stopped within the years covered
                # COUNT, not UNTIL: UNTIL is UTC while DTSTART is local time,
                # and readers that compare the two lose the last change.
                recurrence["COUNT"] = len(onsets)
            observance.add("rrule", recurrence)
        elif len(onsets) > 1:
            observance.add("rdate", onsets[1:])
        component.add_component(observance)
    return component


def _observance(is_dst, offset_from, offset_to, name, onset):
    observance = TimezoneDaylight() if is_dst else TimezoneStandard()
    observance.add("dtstart", onset)
    observance.add("tzoffsetfrom", offset_from)
    observance.add("tzoffsetto", offset_to)
    observance.add("tzname", name)
    return observance


def _instant(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(UTC)
    return dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
