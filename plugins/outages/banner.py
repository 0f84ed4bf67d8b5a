"""The site-wide banner: a plain dict the theme renders on every page.

It exists while an incident is unresolved, a maintenance runs, or one starts
within OUTAGES_BANNER_LEAD_HOURS (24). status-banner.js rebuilds the same
markup from /api/v2/summary.json, so both must say the same thing; the
wording lives here and in that script only.
"""

from german.dates import datetime_long, iso

from . import vocabulary as v
from .model import utc, window_text


def item_text(notice):
    """One sentence per notice, e.g. 'Störung: Internet Kiel – Ursache gefunden'."""
    if notice.kind == v.INCIDENT:
        return f"{notice.current_status_label}."
    if notice.is_upcoming:
        return f"Geplant für {window_text(notice.scheduled_start, notice.scheduled_end)}."
    until = datetime_long(notice.scheduled_end)
    return f"{notice.current_status_label}, voraussichtlich bis {until}."


def build_banner(state):
    """{'role', 'level', 'entries': [...]} or None when all is well.

    Only what the banner shows: the dict is part of every page's fingerprint
    (the speed plugin), so a value it does not print — such as the build's
    "now" — would re-render every page on every build.
    """
    notices = [n for n in state.notices if n.in_banner]
    if not notices:
        return None
    # Incidents first (worst impact first), then running, then upcoming maintenance.
    notices.sort(key=lambda n: (
        n.kind != v.INCIDENT,
        -v.IMPACT_RANK.get(n.impact, 0),
        n.is_upcoming,
        utc(n.scheduled_start or n.start or n.updates[0].time),
    ))
    items = []
    for notice in notices:
        items.append({
            "slug": notice.slug,
            "url": notice.url,
            "kind": notice.kind,
            "kind_label": ("Geplante Wartungsarbeiten" if notice.is_upcoming
                           else v.KIND_LABELS[notice.kind]),
            "title": notice.title,
            "impact": notice.impact,
            "status": notice.current_status,
            "status_label": notice.current_status_label,
            "text": item_text(notice),
            "role": notice.banner_role,
            "updated": iso(notice.last_update.time),
        })
    role = "alert" if any(i["role"] == "alert" for i in items) else "status"
    level = "maintenance" if all(i["kind"] == v.MAINTENANCE for i in items) else max(
        (i["impact"] for i in items if i["kind"] == v.INCIDENT),
        key=lambda impact: v.IMPACT_RANK[impact],
    )
    return {"role": role, "level": level, "entries": items}
