"""Test content for the outages tests: a components file, notices, small sites."""

import textwrap

from tests.support.sites import build_fixture_site, project_settings

NOW = "2026-11-24T12:00:00+01:00"

COMPONENTS = """\
components:
  - id: internet-kiel
    name: Internet Kiel
    group: Internet
    description: DSL- und Glasfaseranschlüsse in Kiel
    area: Kiel
  - id: internet-hamburg
    name: Internet Hamburg
    group: Internet
    area: Hamburg
  - id: festnetz-kiel
    name: Festnetz Kiel
    group: Festnetz
  - id: kundenportal
    name: Kundenportal
    group: Kundenportal
    description: Rechnungen und Vertragsdaten online
"""


def notice(text):
    return textwrap.dedent(text).lstrip()


# An unresolved major incident (banner role=alert), with a next update.
ACTIVE = notice("""\
    Title: Internetstörung in Kiel
    Slug: internetstoerung-kiel
    Kind: incident
    Impact: major
    Components: internet-kiel=major_outage, festnetz-kiel
    Start: 2026-11-24 08:10

    Viele Anschlüsse in Kiel sind ohne Internet.

    ## 2026-11-24 08:25 – investigating

    Wir prüfen die Technik.

    ## 2026-11-24 09:40 – Ursache gefunden

    Ein Kabel ist beschädigt.

    Nächstes Update: 2026-11-24 13:00
    """)

# A resolved incident with four updates, two days ago.
RESOLVED = notice("""\
    Title: Internet-Störung in Hamburg
    Slug: internet-stoerung-hamburg
    Kind: incident
    Impact: minor
    Components: internet-hamburg=partial_outage
    Start: 2026-11-22 10:00
    End: 2026-11-22 14:00

    ## 2026-11-22 10:05 – investigating

    Langsame Verbindungen in Hamburg.

    ## 2026-11-22 11:00 – identified

    Ein Router ist überlastet.

    ## 2026-11-22 12:00 – monitoring

    Last verteilt.

    ## 2026-11-22 14:05 – resolved

    Alles läuft wieder.
    """)

# Upcoming maintenance within 24 hours, moved once.
UPCOMING = notice("""\
    Title: Wartung Kundenportal
    Slug: wartung-kundenportal
    Kind: maintenance
    Components: kundenportal
    Scheduled-Start: 2026-11-25 01:00
    Scheduled-End: 2026-11-25 03:00
    Rescheduled-From: 2026-11-23 01:00 – 2026-11-23 03:00

    ## 2026-11-20 09:00 – scheduled

    Das Portal ist nachts kurz nicht erreichbar.

    ## 2026-11-22 18:00 – scheduled

    Die Wartung wird um zwei Nächte verschoben.
    """)

# A completed maintenance and a cancelled one, both in the past.
COMPLETED = notice("""\
    Title: Wartung Festnetz Kiel
    Slug: wartung-festnetz-kiel
    Kind: maintenance
    Components: festnetz-kiel
    Scheduled-Start: 2026-11-10 02:00
    Scheduled-End: 2026-11-10 04:00
    Start: 2026-11-10 02:00
    End: 2026-11-10 03:30

    ## 2026-11-03 10:00 – scheduled

    Nachts wird die Vermittlungstechnik erneuert.

    ## 2026-11-10 02:00 – in_progress

    Die Arbeiten laufen.

    ## 2026-11-10 03:30 – completed

    Fertig.
    """)

CANCELLED = notice("""\
    Title: Abgesagte Wartung Hamburg
    Slug: abgesagte-wartung-hamburg
    Kind: maintenance
    Components: internet-hamburg
    Scheduled-Start: 2026-11-28 01:00
    Scheduled-End: 2026-11-28 02:00

    ## 2026-11-15 10:00 – scheduled

    Geplanter Tausch eines Verteilers.

    ## 2026-11-21 10:00 – cancelled

    Der Tausch ist nicht mehr nötig.
    """)

# A fresh minor incident with a single update (CAP msgType Alert).
FRESH = notice("""\
    Title: Langsames Internet in Hamburg
    Slug: langsames-internet-hamburg
    Kind: incident
    Impact: minor
    Components: internet-hamburg
    Start: 2026-11-24 11:30

    ## 2026-11-24 11:45 – investigating

    Einige Anschlüsse in Hamburg sind langsam.
    """)

ARTICLE = notice("""\
    Title: Ein Beitrag
    Date: 2026-11-01 10:00
    Category: Kundendialog
    Tags: Vertrauen
    Authors: Miriam Albers
    Summary: Ein kurzer Satz.

    Text mit einem Absatz.
    """)

ALL_NOTICES = {
    "stoerungen/internetstoerung-kiel.md": ACTIVE,
    "stoerungen/internet-stoerung-hamburg.md": RESOLVED,
    "stoerungen/wartung-kundenportal.md": UPCOMING,
    "stoerungen/wartung-festnetz-kiel.md": COMPLETED,
    "stoerungen/abgesagte-wartung-hamburg.md": CANCELLED,
    "stoerungen/langsames-internet-hamburg.md": FRESH,
}


def with_outages(overrides=None):
    """Build settings with the outages plugin on, whatever pelicanconf lists."""
    plugins = list(project_settings()["PLUGINS"])
    if "outages" not in plugins:
        plugins.append("outages")
    values = {"PLUGINS": plugins, "SITE_NOW": NOW, "SITEURL": "https://status.example.org"}
    values.update(overrides or {})
    return values


def build_outage_site(tmp_path, notices, overrides=None, extra=None, components=COMPONENTS):
    files = {"artikel/beitrag.md": ARTICLE}
    if components is not None:
        files["status/komponenten.yml"] = components
    files.update(notices)
    files.update(extra or {})
    return build_fixture_site(tmp_path, files, with_outages(overrides))


