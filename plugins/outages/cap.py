"""CAP 1.2 (OASIS Common Alerting Protocol) per notice: /status/cap/<slug>.xml.

Each update is one CAP message; the file holds the latest. Its msgType is
Alert for a notice's first update, Update for later ones and Cancel when a
maintenance was called off, and `references` lists every earlier message
(sender,identifier,sent) so receivers can chain them. A resolved incident
is an Update with urgency Past and responseType AllClear: the all-clear,
not a withdrawal of what was said before.

A maintenance also moves by the clock: when its window opens or closes
without an editor's update, the file holds a message of its own for that
moment (its own identifier, sent at the window's start or end, referencing
every update). Receivers keep the first message they saw under an
identifier, so a changed state must never reuse the last update's one.
"""

from dataclasses import dataclass
from urllib.parse import urlparse

from lxml import etree

from german.dates import BERLIN, datetime_long

from . import vocabulary as v
from .model import utc

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
SEVERITY = {"critical": "Severe", "major": "Moderate", "minor": "Minor", "none": "Minor",
            "maintenance": "Minor"}


def cap_time(value):
    """CAP's dateTime: offset required, no fractions, UTC as -00:00."""
    text = value.astimezone(BERLIN).replace(microsecond=0).isoformat()
    return text.replace("+00:00", "-00:00")


def sender_for(settings):
    host = urlparse(settings["SITEURL"]).hostname or "localhost"
    return settings["OUTAGES_CAP_SENDER"] or f"stoerungen@{host}"


def identifier(sender, update):
    """Unique per message; CAP forbids spaces, commas, '<' and '&'."""
    domain = sender.split("@")[-1]
    return f"{domain}.stoerung.{getattr(update, 'identifier_part', None) or update.id}"


def _urgency(notice):
    if notice.is_finished:
        return "Past"
    if notice.is_upcoming:
        return "Future"
    return "Immediate"


def _certainty(notice):
    if notice.is_upcoming:
        return "Likely"
    return "Observed"


# What a message moved by the clock says (the editors wrote nothing then).
CLOCK_TEXTS = {
    "in_progress": "Das angekündigte Zeitfenster hat begonnen; die Wartungsarbeiten laufen "
                   "bis voraussichtlich {end}.",
    "completed": "Das angekündigte Zeitfenster ist vorbei; die Wartungsarbeiten sind "
                 "abgeschlossen.",
}


@dataclass
class Message:
    """The one message a CAP file holds: an editor's update or a clock event."""

    identifier_part: str
    index: int  # 1 for a notice's very first message
    time: object
    status_label: str
    text: str
    next_update: object
    earlier: list  # the updates sent before this message


def latest_message(notice):
    latest = notice.last_update
    if notice.current_status == latest.status:
        return Message(latest.id, latest.index, latest.time, latest.status_label,
                       latest.text, latest.next_update, notice.updates[:-1])
    # The window opened or closed after the last update: a message of its own,
    # after the one for the window's opening if that was the clock's, too.
    earlier = list(notice.updates)
    if notice.current_status == "completed" and latest.status == "scheduled":
        earlier.append(_clock_message(notice, "in_progress", earlier))
    return _clock_message(notice, notice.current_status, earlier)


def _clock_message(notice, status, earlier):
    latest = notice.last_update
    moment = notice.scheduled_end if status == "completed" else notice.scheduled_start
    moment = max(moment, latest.time, key=utc)  # never before the update it follows
    text = CLOCK_TEXTS[status].format(end=datetime_long(notice.scheduled_end))
    return Message(f"{latest.id}.{status}", len(earlier) + 1, moment,
                   v.STATUSES[notice.kind][status], text, None, list(earlier))


def build_cap(notice, settings, registry):
    """The CAP XML of a notice's latest message, as bytes."""
    site_url = settings["SITEURL"].rstrip("/")
    sender = sender_for(settings)
    latest = latest_message(notice)

    def sub(parent, name, text=None):
        element = etree.SubElement(parent, f"{{{CAP_NS}}}{name}")
        if text is not None:
            element.text = str(text)
        return element

    alert = etree.Element(f"{{{CAP_NS}}}alert", nsmap={None: CAP_NS})
    sub(alert, "identifier", identifier(sender, latest))
    sub(alert, "sender", sender)
    sub(alert, "sent", cap_time(latest.time))
    sub(alert, "status", "Actual")
    if notice.cancelled:
        msg_type = "Cancel"
    elif latest.index == 1:
        msg_type = "Alert"
    else:
        msg_type = "Update"
    sub(alert, "msgType", msg_type)
    sub(alert, "scope", "Public")
    if notice.cancelled:
        sub(alert, "note", "Die angekündigten Wartungsarbeiten finden nicht statt.")
    if latest.earlier:
        earlier = [f"{sender},{identifier(sender, u)},{cap_time(u.time)}" for u in latest.earlier]
        sub(alert, "references", " ".join(earlier))

    info = sub(alert, "info")
    sub(info, "language", "de-DE")
    sub(info, "category", "Infra")
    sub(info, "event", v.KIND_LABELS[notice.kind])
    sub(info, "responseType", "AllClear" if notice.is_finished else "Monitor")
    sub(info, "urgency", _urgency(notice))
    sub(info, "severity", SEVERITY.get(notice.impact, "Unknown"))
    sub(info, "certainty", _certainty(notice))
    sub(info, "effective", cap_time(latest.time))
    onset = notice.effective_start or notice.scheduled_start or notice.start
    if onset is not None:
        sub(info, "onset", cap_time(onset))
    # Valid until the promised next update or the end of the window; an
    # all-clear has no expiry.
    if notice.is_finished:
        expires = None
    elif notice.kind == v.MAINTENANCE:
        expires = notice.scheduled_end
    else:
        expires = latest.next_update
    if expires is not None:
        sub(info, "expires", cap_time(expires))
    sub(info, "senderName", settings["SITENAME"])
    sub(info, "headline", f"[{latest.status_label}] {notice.title}"[:160])
    sub(info, "description", latest.text)
    if latest.next_update is not None and not notice.is_finished:
        sub(info, "instruction", "Wir informieren Sie spätestens zum nächsten Update unter "
            f"{site_url}/{notice.url}.")
    sub(info, "web", f"{site_url}/{notice.url}")
    parameter = sub(info, "parameter")
    sub(parameter, "valueName", "Komponenten")
    sub(parameter, "value", ", ".join(notice.affected_names()))
    area = sub(info, "area")
    areas = []
    for component in notice.components:
        name = registry[component["id"]].area
        if name and name not in areas:
            areas.append(name)
    sub(area, "areaDesc", ", ".join(areas) or settings["OUTAGES_AREA"])
    return etree.tostring(alert, xml_declaration=True, encoding="UTF-8", pretty_print=True)
