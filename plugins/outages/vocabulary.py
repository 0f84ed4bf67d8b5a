"""The fixed words of the model: statuses, impacts and their German labels.

The identifiers are Atlassian Statuspage's, so the JSON API can use them
unchanged; the labels are what readers see (design.md glossary).
"""

INCIDENT = "incident"
MAINTENANCE = "maintenance"
KINDS = (INCIDENT, MAINTENANCE)
KIND_LABELS = {INCIDENT: "Störung", MAINTENANCE: "Wartungsarbeiten"}

INCIDENT_STATUSES = {
    "investigating": "Wir untersuchen das Problem",
    "identified": "Ursache gefunden",
    "monitoring": "Wird beobachtet",
    "resolved": "Behoben",
}
# "cancelled" is ours (Statuspage deletes cancelled maintenance); the API
# reports it as "completed", the calendar as STATUS:CANCELLED, CAP as Cancel.
MAINTENANCE_STATUSES = {
    "scheduled": "Geplant",
    "in_progress": "Läuft",
    "verifying": "Wird geprüft",
    "completed": "Abgeschlossen",
    "cancelled": "Abgesagt",
}
STATUSES = {INCIDENT: INCIDENT_STATUSES, MAINTENANCE: MAINTENANCE_STATUSES}
FINAL_STATUSES = {"resolved", "completed", "cancelled"}

IMPACTS = ("none", "minor", "major", "critical")
IMPACT_RANK = {"none": 0, "maintenance": 0, "minor": 1, "major": 2, "critical": 3}
IMPACT_LABELS = {
    "none": "Keine Auswirkung",
    "minor": "Geringe Auswirkung",
    "major": "Erhebliche Auswirkung",
    "critical": "Kritische Auswirkung",
    "maintenance": "Wartungsarbeiten",
}

OPERATIONAL = "operational"
UNDER_MAINTENANCE = "under_maintenance"
COMPONENT_STATUSES = {
    OPERATIONAL: "Funktioniert",
    "degraded_performance": "Eingeschränkt",
    "partial_outage": "Teilweise gestört",
    "major_outage": "Ausgefallen",
    UNDER_MAINTENANCE: "Wartungsarbeiten",
}
# Statuses an editor may give a component in a notice.
AFFECTED_STATUSES = ("degraded_performance", "partial_outage", "major_outage", UNDER_MAINTENANCE)
# Worse first wins when several notices touch one component.
COMPONENT_RANK = {
    OPERATIONAL: 0,
    UNDER_MAINTENANCE: 1,
    "degraded_performance": 2,
    "partial_outage": 3,
    "major_outage": 4,
}
# Decorative symbols; the label is always printed next to them.
COMPONENT_ICONS = {
    OPERATIONAL: "✓",
    UNDER_MAINTENANCE: "⚙",
    "degraded_performance": "▲",
    "partial_outage": "◆",
    "major_outage": "✕",
}
# The component status an impact implies when the editor names none.
IMPACT_DEFAULT_STATUS = {
    "none": "degraded_performance",
    "minor": "degraded_performance",
    "major": "partial_outage",
    "critical": "major_outage",
}
# Share of the time a component counts as unavailable (written on /status/).
DOWNTIME_WEIGHT = {
    "major_outage": 1.0,
    "partial_outage": 0.5,
    "degraded_performance": 0.25,
    UNDER_MAINTENANCE: 0.0,
    OPERATIONAL: 0.0,
}

# Overall indicator (Statuspage status.json) and its German sentence.
INDICATOR_SENTENCES = {
    "none": "Alle Systeme funktionieren",
    "minor": "Teilweise Störung",
    "major": "Größere Störung",
    "critical": "Größere Störung",
    "maintenance": "Wartungsarbeiten",
}
