"""/status/wartungen.ics: the maintenance windows as an iCalendar feed.

Calendar clients match events by UID and apply a change only when SEQUENCE
grows, so the UID is the notice slug and SEQUENCE counts how often the window
was moved (Rescheduled-From) plus one for a cancellation. Times carry
TZID=Europe/Berlin with a VTIMEZONE (vtimezone.py), so the window stays right
across DST.

With METHOD:PUBLISH, DTSTAMP is when this calendar object was created
(RFC 5545, 3.8.7.2): the build's "now". When the event itself last changed
is LAST-MODIFIED, the time of the notice's latest update.
"""

import datetime as dt
from urllib.parse import urlparse

from icalendar import Calendar, Event

from german.dates import datetime_long

from . import vocabulary as v
from .model import utc, window_text
from .vtimezone import vtimezone

TZID = "Europe/Berlin"
ZONE_YEARS_AHEAD = 5


def event_sequence(notice):
    return notice.sequence + (1 if notice.cancelled else 0)


def build_calendar(state, settings):
    """The .ics file as bytes."""
    site_url = settings["SITEURL"].rstrip("/")
    host = urlparse(site_url).hostname or "localhost"
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings['SITENAME']}//Wartungsarbeiten//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Wartungsarbeiten – {settings['SITENAME']}")
    calendar.add("x-wr-timezone", TZID)

    created = utc(state.now).replace(microsecond=0)
    maintenances = [n for n in state.notices if n.kind == v.MAINTENANCE]
    maintenances.sort(key=lambda n: utc(n.scheduled_start))
    for notice in maintenances:
        event = Event()
        first, last = notice.updates[0], notice.last_update
        event.add("uid", f"{notice.slug}@{host}")
        event.add("dtstamp", created)
        event.add("created", utc(first.time))
        event.add("last-modified", utc(last.time))
        event.add("sequence", event_sequence(notice))
        event.add("status", "CANCELLED" if notice.cancelled else "CONFIRMED")
        event.add("dtstart", notice.scheduled_start)
        event.add("dtend", notice.scheduled_end)
        event.add("summary", f"Wartungsarbeiten: {notice.title}")
        lines = [
            f"Zeitfenster: {window_text(notice.scheduled_start, notice.scheduled_end)}",
            "Betroffen: " + ", ".join(notice.affected_names()),
            f"Stand {datetime_long(last.time)} – {last.status_label}: {last.text}",
            f"Details: {site_url}/{notice.url}",
        ]
        event.add("description", "\n\n".join(lines))
        event.add("url", f"{site_url}/{notice.url}")
        event.add("categories", ["Wartungsarbeiten"])
        event.add("transp", "TRANSPARENT")  # a maintenance must not block anyone's diary
        calendar.add_component(event)

    if maintenances:
        # The zone's rules from before the first window to years after the
        # last one (or after today, whichever is later).
        first = min(utc(n.scheduled_start) for n in maintenances)
        last = max([utc(n.scheduled_end) for n in maintenances] + [utc(state.now)])
        zone = vtimezone(TZID, first, last + dt.timedelta(days=366 * ZONE_YEARS_AHEAD))
        calendar.subcomponents.insert(0, zone)
    return calendar.to_ical()
