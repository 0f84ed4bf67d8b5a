"""Status badges: a shields.io endpoint JSON and a static SVG per component
and one for the whole site (id "gesamt").

The SVG is drawn here so it works without shields.io (no external requests);
its colours are dark enough for white text (WCAG AA), and the status is in
the text, never only in the colour.
"""

from html import escape

from . import vocabulary as v

OVERALL_ID = "gesamt"
COLOURS = {  # white text on these has a contrast of at least 4.5:1
    v.OPERATIONAL: "1a7f37",
    "degraded_performance": "8a5a00",
    "partial_outage": "a04f00",
    "major_outage": "c5221f",
    v.UNDER_MAINTENANCE: "0b5cad",
}
LABEL_COLOUR = "4a5260"
# Rough advance widths of Verdana 11px, enough to size the boxes.
NARROW = set("fijlrtI.,:;!|'()[] ")
WIDE = set("mwMWÄÖÜ%@")


def text_width(text):
    width = 0.0
    for char in text:
        if char in NARROW:
            width += 3.9
        elif char in WIDE:
            width += 10.0
        elif char.isupper() or char.isdigit():
            width += 7.6
        else:
            width += 6.6
    return round(width)


def endpoint(label, message, status):
    """https://shields.io/badges/endpoint-badge schema."""
    return {
        "schemaVersion": 1,
        "label": label,
        "message": message,
        "color": COLOURS[status],
        "labelColor": LABEL_COLOUR,
        "cacheSeconds": 300,
    }


def svg(label, message, status):
    left, right = text_width(label) + 12, text_width(message) + 12
    total = left + right
    title = escape(f"{label}: {message}")
    label_text, message_text = escape(label), escape(message)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" '
        f'aria-label="{title}">'
        f"<title>{title}</title>"
        f'<rect width="{left}" height="20" fill="#{LABEL_COLOUR}"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="#{COLOURS[status]}"/>'
        f'<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" '
        f'text-anchor="middle">'
        f'<text x="{left / 2:.1f}" y="14">{label_text}</text>'
        f'<text x="{left + right / 2:.1f}" y="14">{message_text}</text>'
        f"</g></svg>\n"
    )


def build_badges(state, settings):
    """{path: str or dict} for every badge (JSON dicts, SVG strings)."""
    pattern = settings["OUTAGES_BADGE_PATH"]
    files = {}
    overall_status = state.css_status
    entries = [(OVERALL_ID, settings["OUTAGES_BADGE_LABEL"], state.sentence,
                overall_status)]
    entries += [(c.id, c.name, c.status_label, c.status) for c in state.components]
    for badge_id, label, message, status in entries:
        files[pattern.format(id=badge_id, ext="json")] = endpoint(label, message, status)
        files[pattern.format(id=badge_id, ext="svg")] = svg(label, message, status)
    return files
