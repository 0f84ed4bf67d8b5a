"""Dates and times in German, through Babel, in Europe/Berlin.

Never the machine's locale: a build on a server without de_DE must print
"24. November 2026" all the same.
"""

import datetime as dt
import functools
import os
import re
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime

BERLIN = ZoneInfo("Europe/Berlin")
# The formatting functions below are memoised: a list page shows the same
# dates again and again. Babel parses a locale given by name on every call;
# a Locale object it takes as it is.
LOCALE = Locale.parse("de_DE")
NOW_ENVIRONMENT_VARIABLE = "SITE_NOW"


def to_berlin(value):
    """An aware datetime in Europe/Berlin; naive values are taken as Berlin time."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=BERLIN)
        return value.astimezone(BERLIN)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=BERLIN)
    raise TypeError(f"expected a date or datetime, got {type(value).__name__}")


def parse_datetime(text):
    """Parse an editor's time ("2026-11-24 10:15", ISO 8601, optional offset).

    Times without an offset are Europe/Berlin. Raises ValueError with the
    accepted forms in its message.
    """
    cleaned = str(text).strip().replace(" Uhr", "")
    for fmt in ("%d.%m.%Y %H:%M", "%d.%m.%Y, %H:%M", "%d.%m.%Y"):
        try:
            return to_berlin(dt.datetime.strptime(cleaned, fmt))
        except ValueError:
            pass
    try:
        parsed = dt.datetime.fromisoformat(cleaned.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"'{text}' is not a date and time; expected e.g. "
            "2026-11-24 10:15, 2026-11-24T10:15+01:00 or 24.11.2026 10:15"
        ) from None
    return to_berlin(parsed)


OFFSET_RE = re.compile(r"(?:[+-]\d{2}:?\d{2}|Z)\s*$")


def parse_wall_clock(text):
    """parse_datetime, refusing a time the clocks skip or show twice in Berlin.

    In the night the clocks jump forward, 02:30 does not exist; in the night
    they go back, 02:30 happens twice. Without an offset either would be a
    guess (Python silently picks one), so the ValueError says what to write.
    """
    value = parse_datetime(text)
    if OFFSET_RE.search(str(text).strip()):
        return value
    naive = value.replace(tzinfo=None)
    first = naive.replace(tzinfo=BERLIN, fold=0)
    second = naive.replace(tzinfo=BERLIN, fold=1)
    if first.utcoffset() == second.utcoffset():
        return value
    stamp = naive.strftime("%Y-%m-%d %H:%M")
    if first.astimezone(dt.UTC).astimezone(BERLIN).replace(tzinfo=None) != naive:
        raise ValueError(
            f"'{text}' does not exist in Europe/Berlin (the clocks jump forward "
            f"that night); expected a time before or after the change, or an offset "
            f"like {stamp}+01:00"
        )
    raise ValueError(
        f"'{text}' happens twice in Europe/Berlin (the clocks go back that night); "
        f"write {stamp}+02:00 for summer time (MESZ) or {stamp}+01:00 for winter time (MEZ)"
    )


def site_now(settings=None):
    """The build's "now": SITE_NOW from the settings or environment, else the clock.

    Fixing it makes scheduled posts, outage banners and tests deterministic.
    """
    fixed = (settings or {}).get("SITE_NOW") or os.environ.get(NOW_ENVIRONMENT_VARIABLE)
    if fixed:
        if isinstance(fixed, dt.datetime):
            return to_berlin(fixed)
        return parse_datetime(fixed)
    return dt.datetime.now(BERLIN)


def _instant(value):
    """The memo key of a date or time: its instant in UTC.

    Two datetimes of one tzinfo compare and hash by wall clock and ignore
    `fold`, so the first and the second 02:30 of the night the clocks go back
    would share one memoised answer (whichever came first in the process).
    """
    if isinstance(value, dt.datetime):
        return to_berlin(value).astimezone(dt.UTC)
    return value


def _memoised(function):
    cached = functools.lru_cache(maxsize=65536)(function)

    @functools.wraps(function)
    def by_instant(value):
        return cached(_instant(value))

    by_instant.cache_clear = cached.cache_clear
    return by_instant


@_memoised
def date_long(value):
    """24. November 2026"""
    return format_date(to_berlin(value), "long", locale=LOCALE)


@_memoised
def date_short(value):
    """24.11.2026"""
    return format_date(to_berlin(value), "dd.MM.yyyy", locale=LOCALE)


@_memoised
def datetime_long(value):
    """24.11.2026, 10:15 Uhr (MEZ) — the zone tells readers whether it is summer time."""
    return format_datetime(
        to_berlin(value), "dd.MM.yyyy, HH:mm 'Uhr' (z)", locale=LOCALE, tzinfo=BERLIN
    )


@_memoised
def month_year(value):
    """November 2026"""
    return format_date(to_berlin(value), "LLLL yyyy", locale=LOCALE)


@functools.lru_cache(maxsize=65536)
def month_name(month):
    """Name of a month number, e.g. 3 → März."""
    return format_date(dt.date(2000, int(month), 1), "LLLL", locale=LOCALE)


@_memoised
def iso(value):
    """ISO 8601 with offset, for <time datetime>, JSON-LD and APIs."""
    return to_berlin(value).isoformat(timespec="seconds")
