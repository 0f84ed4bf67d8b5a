"""Independent validators for the output that programs read.

None of them uses the project's own code: feeds go through the strict
parser `atoma` and through feedparser (whose `bozo` flag marks anything a
feed reader had to guess at), CAP and sitemaps through their published XSDs
(tests/data/schemas), iCalendar through the RFC 5545 line rules and
dateutil's independent VTIMEZONE reader compared with zoneinfo. Each
function returns a list of problems (empty: valid), so a test can show all
of them at once.
"""

import datetime as dt
import io
import json
import os
import re
from functools import cache
from zoneinfo import ZoneInfo

import atoma
import feedparser
from bs4 import BeautifulSoup
from lxml import etree

SCHEMAS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "schemas")
ATOM = "{http://www.w3.org/2005/Atom}"
UTC = dt.UTC


# -- feeds -----------------------------------------------------------------------


def feed_kind(path):
    name = str(path)
    if name.endswith(".atom.xml"):
        return "atom"
    if name.endswith(".rss.xml"):
        return "rss"
    if name.endswith(".json"):
        return "json"
    return None


def feed_problems(data, url, kind):
    """Problems of one feed file served at `url` (atom, rss or json)."""
    problems = []
    parse = {"atom": atoma.parse_atom_bytes, "rss": atoma.parse_rss_bytes,
             "json": atoma.parse_json_feed_bytes}[kind]
    try:
        parse(data)
    except Exception as exc:  # noqa: BLE001 - every refusal of the strict parser counts
        problems.append(f"atoma refuses it: {exc}")
    if kind != "json":  # feedparser 6.0 reads XML feeds only
        parsed = feedparser.parse(data)
        if parsed.bozo:
            problems.append(f"feedparser bozo: {parsed.get('bozo_exception')}")
    checks = {"atom": _atom_problems, "rss": _rss_problems, "json": _json_feed_problems}
    try:
        problems += checks[kind](data, url)
    except (etree.XMLSyntaxError, ValueError, AttributeError):
        pass  # not even parseable: the parsers above have said so
    return problems


def atom_id(data):
    return etree.fromstring(data).findtext(f"{ATOM}id")


def _atom_problems(data, url):
    root = etree.fromstring(data)
    problems = []
    selves = [link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    if selves != [url]:
        problems.append(f"atom:link rel=self is {selves}, expected [{url!r}] (RFC 4287 4.2.7.2)")
    if not root.findtext(f"{ATOM}id"):
        problems.append("no atom:id")
    return problems


def _rss_problems(data, url):
    channel = etree.fromstring(data).find("channel")
    problems = []
    selves = [link.get("href") for link in channel.findall(f"{ATOM}link")
              if link.get("rel") == "self"]
    if selves != [url]:
        problems.append(f"atom:link rel=self is {selves}, expected [{url!r}]")
    link = channel.findtext("link")
    if link == url or (link or "").endswith((".xml", ".json")):
        problems.append(f"channel <link> is {link!r}: RSS 2.0 wants the web site, not the feed")
    return problems


def _json_feed_problems(data, url):
    feed = json.loads(data)
    problems = []
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append(f"version is {feed.get('version')!r}")
    if feed.get("feed_url") != url:
        problems.append(f"feed_url is {feed.get('feed_url')!r}, expected {url!r}")
    for item in feed.get("items", []):
        summary = item.get("summary")
        if summary is not None and BeautifulSoup(summary, "html.parser").find() is not None:
            problems.append(f"{item.get('id')}: summary holds HTML; JSON Feed 1.1 wants plain text")
        if "content_html" not in item and "content_text" not in item:
            problems.append(f"{item.get('id')}: neither content_html nor content_text")
    return problems


def is_json_feed(data):
    try:
        document = json.loads(data)
    except ValueError:
        return False
    return isinstance(document, dict) and str(document.get("version", "")).startswith(
        "https://jsonfeed.org/version/")


def site_feeds(output):
    """(path, kind) of every feed file in a built site."""
    found = []
    for path in sorted(output.rglob("*")):
        kind = feed_kind(path)
        if kind is None or not path.is_file():
            continue
        if kind == "json" and not is_json_feed(path.read_bytes()):
            continue  # other JSON: the Statuspage API, the social queue, badges …
        found.append((path, kind))
    return found


# -- XML schemas -------------------------------------------------------------------


@cache
def schema(name):
    return etree.XMLSchema(etree.parse(os.path.join(SCHEMAS, name)))


def xsd_problems(data, name):
    validator = schema(name)
    if validator.validate(etree.fromstring(data)):
        return []
    return [f"line {e.line}: {e.message}" for e in validator.error_log]


# -- iCalendar ----------------------------------------------------------------------

CONTENT_LINE = re.compile(
    r'^[A-Za-z0-9-]+(;[A-Za-z0-9-]+=("[^"]*"|[^";:,]*)(,("[^"]*"|[^";:,]*))*)*:')


def ics_line_problems(data):
    """RFC 5545 3.1: CRLF line ends, at most 75 octets a line, folding by a
    leading space or tab, UTF-8 intact in every physical line, and content
    lines of the form NAME;PARAM=…:VALUE between balanced BEGIN/END."""
    problems = []
    if not data.endswith(b"\r\n"):
        problems.append("does not end with CRLF")
    physical = data.split(b"\r\n")
    if physical and physical[-1] == b"":
        physical.pop()
    logical = []
    for number, line in enumerate(physical, 1):
        if b"\n" in line or b"\r" in line:
            problems.append(f"line {number}: a line break that is not CRLF")
        if len(line) > 75:
            problems.append(f"line {number}: {len(line)} octets, more than 75")
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"line {number}: folded inside a UTF-8 character")
            text = line.decode("utf-8", "replace")
        if text[:1] in (" ", "\t"):
            if not logical:
                problems.append(f"line {number}: continuation without a line before it")
                continue
            logical[-1] = (logical[-1][0], logical[-1][1] + text[1:])
        else:
            logical.append((number, text))
    stack = []
    for number, text in logical:
        if not CONTENT_LINE.match(text):
            problems.append(f"line {number}: not a content line: {text[:40]!r}")
            continue
        name, _, value = text.partition(":")
        if name == "BEGIN":
            stack.append(value)
        elif name == "END" and (not stack or stack.pop() != value):
            problems.append(f"line {number}: END:{value} does not close the open component")
    if stack:
        problems.append(f"components left open: {stack}")
    if logical and (logical[0][1] != "BEGIN:VCALENDAR" or logical[-1][1] != "END:VCALENDAR"):
        problems.append("not one VCALENDAR from the first line to the last")
    return problems


def zoneinfo_transitions(tzid, start, end):
    """UTC instants where zoneinfo's offset changes, found hour by hour (no
    shortcut that could share a mistake with the code under test)."""
    zone = ZoneInfo(tzid)
    changes = []
    time = start.replace(minute=0, second=0, microsecond=0)
    previous = time.astimezone(zone).utcoffset()
    while time < end:
        time += dt.timedelta(hours=1)
        offset = time.astimezone(zone).utcoffset()
        if offset != previous:
            changes.append(time)
            previous = offset
    return changes


def vtimezone_problems(data, tzid, start, end):
    """Where the calendar's VTIMEZONE, read by dateutil's tzical, puts a UTC
    instant at another offset than zoneinfo: around every transition from
    `start` to `end`, and at the middle of every month."""
    from dateutil import tz

    text = data.decode("utf-8")
    try:
        ical_zone = tz.tzical(io.StringIO(text)).get(tzid)
    except Exception as exc:  # noqa: BLE001 - a VTIMEZONE dateutil cannot read is a finding
        return [f"dateutil cannot read the VTIMEZONE: {exc}"]
    if ical_zone is None:
        return [f"no VTIMEZONE with TZID {tzid}"]
    zone = ZoneInfo(tzid)
    probes = []
    for change in zoneinfo_transitions(tzid, start, end):
        for minutes in (-90, -60, -30, -1, 0, 1, 30, 60, 90):
            probes.append(change + dt.timedelta(minutes=minutes))
    month = dt.datetime(start.year, start.month, 15, tzinfo=UTC)
    while month < end:
        probes.append(month)
        month = (month + dt.timedelta(days=31)).replace(day=15)
    problems = []
    for instant in probes:
        expected = instant.astimezone(zone)
        found = instant.astimezone(ical_zone)
        if found.utcoffset() != expected.utcoffset():
            problems.append(f"{instant:%Y-%m-%d %H:%M} UTC: the VTIMEZONE says "
                            f"{found:%H:%M%z}, zoneinfo {expected:%H:%M%z}")
    return problems


# -- HTML ----------------------------------------------------------------------------


def dom_elements(html):
    """Elements as a browser builds the DOM (html5lib), as Lighthouse counts them."""
    return len(BeautifulSoup(html, "html5lib").find_all(True))
