"""CAP 1.2 (OASIS Common Alerting Protocol) per notice: /status/cap/<slug>.xml.

Each update is one CAP message; the file holds the latest. Its msgType is
Alert for a notice's first update, Update for later ones and Cancel when a
maintenance was called off, and `references` lists every earlier message
(sender,identifier,sent) so receivers can chain them. A resolved incident
is an Update with urgency Past and responseType AllClear: the all-clear,
not a withdrawal of what was said before.
"""

from urllib.parse import urlparse

from lxml import etree

from german.dates import BERLIN

from . import vocabulary as v

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
SEVERITY = {"critical": "Severe", "major": "Moderate", "minor": "Minor", "none": "Minor",
            "maintenance": "Minor"}


def cap_time(value):
    """CAP's dateTime: offset required, no fractions, UTC as -00:00."""
    text = value.astimezone(BERLIN).replace(microsecond=0).isoformat()
    return text.replace("+00:00", "-00:00")


def sender_for(settings):
    host = urlparse(settings.get("SITEURL", "")).hostname or "localhost"
    return settings.get("OUTAGES_CAP_SENDER") or f"stoerungen@{host}"


def identifier(sender, update):
    """Unique per message; CAP forbids spaces, commas, '<' and '&'."""
    domain = sender.split("@")[-1]
    return f"{domain}.stoerung.{update.id}"


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


def build_cap(notice, settings, registry):
    """The CAP XML of a notice's latest update, as bytes."""
    site_url = settings.get("SITEURL", "").rstrip("/")
    sender = sender_for(settings)
    latest = notice.last_update

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
    if latest.index > 1:
        earlier = [
            f"{sender},{identifier(sender, u)},{cap_time(u.time)}" for u in notice.updates[:-1]
        ]
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
    sub(info, "senderName", settings.get("SITENAME", sender))
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
    sub(area, "areaDesc", ", ".join(areas) or settings.get("OUTAGES_AREA", "Versorgungsgebiet"))
    return etree.tostring(alert, xml_declaration=True, encoding="UTF-8", pretty_print=True)
