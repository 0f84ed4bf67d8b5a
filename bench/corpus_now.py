"""The part of the benchmark corpus whose meaning depends on the clock.

Outage notices and a scheduled article are written relative to `now`, so a
build with the clock running sees what an editor's build sees on an ordinary
day: one incident still open (the banner and status page show it), windows
of maintenance ahead (the calendar and "upcoming" API list them), a
cancelled one, and resolved or completed ones in the past. All times lie
far enough from `now` that none of them changes state during a benchmark
run of a few hours. Texts avoid calendar dates, so they read right on any
day; the addresses carry the date like the sample site's do.
"""

import datetime as dt
import random

from german.dates import BERLIN

TIME = "%Y-%m-%d %H:%M"
UPCOMING_MAINTENANCE = "wartung-mobilfunk-hamburg"  # the notice outage-publish updates


def _minute(value):
    return value.astimezone(BERLIN).replace(second=0, microsecond=0)


def _night(now, days, hour, minute=0):
    """Local time `hour:minute` on the day `days` after now's date (Europe/Berlin)."""
    day = now.date() + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN)


def _t(value):
    return value.astimezone(BERLIN).strftime(TIME)


def _notice(meta, intro, updates):
    head = "\n".join(f"{key}: {value}" for key, value in meta)
    parts = [head, intro]
    for when, status, text, next_update in updates:
        block = f"## {_t(when)} – {status}\n\n{text}"
        if next_update is not None:
            block += f"\n\nNächstes Update: {_t(next_update)}"
        parts.append(block)
    return "\n\n".join(parts) + "\n"


def open_incident(now):
    start = _minute(now - dt.timedelta(hours=2, minutes=35))
    slug = f"hotline-wartezeiten-{start:%Y-%m-%d}"
    return slug, _notice(
        [("Title", "Längere Wartezeiten an der Service-Hotline"), ("Slug", slug), ("Kind", "incident"),
         ("Impact", "minor"), ("Components", "service-hotline=degraded_performance"), ("Start", _t(start))],
        "Anrufe bei der Service-Hotline dauern gerade länger als gewohnt. Eine Störung an "
        "Ihrem Anschluss können Sie währenddessen auch im Kundenportal melden.",
        [(start + dt.timedelta(minutes=20), "investigating",
          ("Viele Anrufe landen in einer langen Warteschleife, manche brechen ab. Wir suchen "
           "nach der Ursache; Ihre Anschlüsse selbst funktionieren."), start + dt.timedelta(hours=2)),
         (_minute(now - dt.timedelta(minutes=35)), "identified",
          ("Ein Teil der Telefonanlage nimmt nach einer Umstellung keine Gespräche an. Die "
           "Technik setzt sie gerade zurück. Wir rufen Sie auf Wunsch zurück, wenn Sie uns über "
           "das Kontaktformular schreiben."), _minute(now + dt.timedelta(hours=3)))],
    )


def upcoming_maintenance(now):
    start, end = _night(now, 2, 1), _night(now, 2, 5)
    slug = f"{UPCOMING_MAINTENANCE}-{start:%Y-%m-%d}"
    return slug, _notice(
        [("Title", "Netzumbau Mobilfunk in Hamburg-Altona"), ("Slug", slug), ("Kind", "maintenance"),
         ("Components", "mobilfunk-hamburg"), ("Scheduled-Start", _t(start)), ("Scheduled-End", _t(end))],
        "An drei Standorten in Altona und Ottensen bauen wir neue 5G-Antennen ein.",
        [(_minute(now - dt.timedelta(days=4, hours=3)), "scheduled",
          ("In der angekündigten Nacht kann der Mobilfunk in Altona und Ottensen zwischen 1 und "
           "5 Uhr mehrmals für bis zu eine halbe Stunde ausfallen. Notrufe gehen über andere "
           "Netze weiter."), None)],
    )


def later_maintenance(now):
    start, end = _night(now, 9, 1), _night(now, 9, 4)
    slug = f"wartung-festnetz-luebeck-{start:%Y-%m-%d}"
    return slug, _notice(
        [("Title", "Wartungsarbeiten am Festnetz in Lübeck"), ("Slug", slug), ("Kind", "maintenance"),
         ("Components", "festnetz-luebeck"), ("Scheduled-Start", _t(start)), ("Scheduled-End", _t(end))],
        "Wir tauschen die Vermittlungstechnik für Lübeck und Ostholstein aus.",
        [(_minute(now - dt.timedelta(days=1, hours=2)), "scheduled",
          ("Zwischen 1 und 4 Uhr kann das Festnetztelefon zweimal für einige Minuten ausfallen. "
           "Internet und Mobilfunk laufen weiter."), None)],
    )


def cancelled_maintenance(now):
    start, end = _night(now, 5, 0, 30), _night(now, 5, 1, 45)
    slug = f"wartung-internet-flensburg-{start:%Y-%m-%d}"
    return slug, _notice(
        [("Title", "Wartungsarbeiten am Internet in Flensburg"), ("Slug", slug), ("Kind", "maintenance"),
         ("Components", "internet-flensburg"), ("Scheduled-Start", _t(start)), ("Scheduled-End", _t(end))],
        "Geplant war eine neue Software für zwei Verteilerstandorte in Flensburg.",
        [(_minute(now - dt.timedelta(days=8, hours=5)), "scheduled",
          ("DSL-Anschlüsse in Flensburg können in dieser Nacht bis zu 20 Minuten ohne "
           "Verbindung sein."), None),
         (_minute(now - dt.timedelta(days=2, hours=1)), "cancelled",
          ("Die Arbeiten entfallen: Der Hersteller hat die Software zurückgezogen. Einen neuen "
           "Termin kündigen wir hier an."), None)],
    )


def resolved_incident(now, days_ago, component, index, rng):
    start = _night(now, -days_ago, rng.randint(6, 20), rng.choice((0, 15, 30, 45)))
    end = start + dt.timedelta(hours=rng.randint(1, 5), minutes=rng.choice((5, 20, 40)))
    slug = f"stoerung-{component}-{start:%Y-%m-%d}-{index}"
    return slug, _notice(
        [("Title", f"Störung bei {component.replace('-', ' ').title()}"), ("Slug", slug),
         ("Kind", "incident"), ("Impact", rng.choice(("minor", "major"))),
         ("Components", component), ("Start", _t(start)), ("End", _t(end))],
        "Ein Teil der Anschlüsse in der Region war für einige Zeit gestört.",
        [(start + dt.timedelta(minutes=25), "investigating",
          "Uns erreichen Meldungen über Ausfälle. Wir prüfen die Technik vor Ort.",
          start + dt.timedelta(minutes=85)),
         (end + dt.timedelta(minutes=10), "resolved",
          "Alles läuft wieder. Danke für Ihre Geduld und Ihre Hinweise.", None)],
    )


def completed_maintenance(now):
    start, end = _night(now, -25, 0), _night(now, -25, 4)
    began, done = start + dt.timedelta(minutes=2), start + dt.timedelta(hours=3, minutes=10)
    slug = f"wartung-kundenportal-{start:%Y-%m-%d}"
    return slug, _notice(
        [("Title", "Wartungsarbeiten am Kundenportal"), ("Slug", slug), ("Kind", "maintenance"),
         ("Components", "kundenportal"), ("Scheduled-Start", _t(start)), ("Scheduled-End", _t(end)),
         ("Start", _t(began)), ("End", _t(done))],
        "Das Kundenportal bekommt eine neue Version; während der Arbeiten ist keine Anmeldung möglich.",
        [(start - dt.timedelta(days=6, hours=10), "scheduled",
          "Zwischen 0 und 4 Uhr ist das Kundenportal nicht erreichbar.", None),
         (began, "in_progress", "Die Arbeiten haben begonnen.", None),
         (done, "completed", "Fertig: Das Kundenportal ist wieder erreichbar.", None)],
    )


PAST_COMPONENTS = ["internet-kiel", "festnetz-kiel", "internet-hamburg", "mobilfunk-schleswig-holstein",
                   "festnetz-luebeck", "internet-flensburg", "mobilfunk-hamburg"]


def notice_files(now, n_articles, seed=400):
    """(relative path, text) of every notice, relative to the aware datetime `now`."""
    rng = random.Random(seed)
    makers = [open_incident(now), upcoming_maintenance(now), later_maintenance(now),
              cancelled_maintenance(now), completed_maintenance(now),
              resolved_incident(now, 6, "internet-kiel", 0, rng)]
    for index in range(1, n_articles // 400 + 1):
        makers.append(resolved_incident(now, 6 + index * 37, rng.choice(PAST_COMPONENTS), index, rng))
    for slug, text in makers:
        yield f"stoerungen/{slug}.md", text


def scheduled_article(now, body):
    """An article dated a few days ahead: held back until then, as an editor's scheduled post."""
    date = _night(now, 3, 8)
    return "artikel/vorschau-neue-servicezeiten-der-hotline.md", (
        "Title: Vorschau: neue Servicezeiten der Hotline\n"
        f"Date: {date:%Y-%m-%d %H:%M}\nCategory: In eigener Sache\nTags: Hotline, Öffnungszeiten\n"
        f"Authors: Aylin Demir\n\n{body}")
