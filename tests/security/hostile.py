"""Hostile content: the same payloads in every field an editor fills.

Each payload stands for one way text breaks out of its place when it is not
escaped: closing a script element, closing an attribute and adding an
element with a handler, a bare quote in an attribute, an HTML comment that
swallows the rest of the page, the end of an XML CDATA section, template
syntax and an entity that must stay text. Every article, FAQ entry, notice,
page and component carries one payload in all of its text fields, so every
page of the built site is full of them.
"""

import os
import shutil

import yaml

from tests.support.sites import ROOT

PAYLOADS = {
    "script": "Störung </script><script>alert(1)</script>",
    "img": '"><img src=x onerror=alert(1)>',
    "quote": 'Was heißt "Flatrate"?',
    "comment": "Tarif <!-- intern",
    "cdata": "Daten ]]> Ende",
    "template": "Rechnung {{ 7*7 }}",
    "entity": "Strom &amp; Gas",
}
# A link only a script can follow, in the Markdown texts (summaries, updates).
SCRIPT_LINK = "[mehr](javascript:alert(1))"
IMAGE = "netzausfall-zeitleiste.png"


def listed(payload):
    """The payload as one item of Tags: or Authors:. Pelican splits those
    lists at ';' when there is one (else at ','), so the entity loses its
    semicolon: '&amp' without it is still an entity to a careless parser."""
    return payload.replace(";", "")


def article_title(key):
    return PAYLOADS[key]


def category(key):
    return f"Kategorie {PAYLOADS[key]}"


def tag(key):
    return f"Thema {listed(PAYLOADS[key])}"


def author(key):
    return f"Autor {listed(PAYLOADS[key])}"


def image_alt(key):
    return f"Bild {PAYLOADS[key]}"


def social_text(key):
    return f"Neu im Blog: {PAYLOADS[key]}"


def question(key):
    return f"Frage {PAYLOADS[key]}"


def faq_category(key):
    return f"Bereich {PAYLOADS[key]}"


def incident_title(key):
    return PAYLOADS[key]


def maintenance_title(key):
    return f"Wartung {PAYLOADS[key]}"


def component_name(key):
    return f"Netz {PAYLOADS[key]}"


def component_group(key):
    return f"Gruppe {PAYLOADS[key]}"


def component_description(key):
    return f"Beschreibung {PAYLOADS[key]}"


def component_area(key):
    return f"Gebiet {PAYLOADS[key]}"


def page_title(key):
    return f"Seite {PAYLOADS[key]}"


def _article(index, key):
    payload = PAYLOADS[key]
    return (
        f"Title: {article_title(key)}\n"
        f"Slug: angriff-{key}\n"
        f"Date: 2026-11-{index + 1:02d} 10:00\n"
        f"Category: {category(key)}\n"
        f"Tags: {tag(key)}, Vertrauen\n"
        f"Authors: {author(key)}\n"
        f"Summary: Zusammenfassung {payload} {SCRIPT_LINK}\n"
        f"Image: {{static}}/bilder/{IMAGE}\n"
        f"Image-Alt: {image_alt(key)}\n"
        f"Social: {social_text(key)}\n"
        "\n"
        f"Ein Beitrag über Vertrauen im Kundenservice, Nummer {index + 1}, mit genug Text "
        "für eine Vorschau in Listen und Feeds.\n"
    )


def _faq(index, key):
    payload = PAYLOADS[key]
    return (
        f"Question: {question(key)}\n"
        f"Category: {faq_category(key)}\n"
        f"Order: {index + 1}\n"
        f"Summary: Antwort {payload} {SCRIPT_LINK}\n"
        "Modified: 2026-10-02 11:00\n"
        "\n"
        f"Die ausführliche Antwort auf Frage {index + 1} steht in diesem Absatz.\n"
    )


def update_text(key):
    return f"Update {PAYLOADS[key]} {SCRIPT_LINK}"


def _incident(key):
    return (
        f"Title: {incident_title(key)}\n"
        f"Slug: stoerung-{key}\n"
        "Kind: incident\n"
        "Impact: major\n"
        f"Components: netz-{key}=major_outage\n"
        f"Summary: Kurz {PAYLOADS[key]}\n"
        "Start: 2026-11-24 08:10\n"
        "\n"
        f"Einleitung {PAYLOADS[key]}\n"
        "\n"
        "## 2026-11-24 08:25 – investigating\n"
        "\n"
        f"{update_text(key)}\n"
        "\n"
        "## 2026-11-24 09:40 – identified\n"
        "\n"
        f"Zweites {update_text(key)}\n"
        "\n"
        "Nächstes Update: 2026-11-24 13:00\n"
    )


def _maintenance(key):
    return (
        f"Title: {maintenance_title(key)}\n"
        f"Slug: wartung-{key}\n"
        "Kind: maintenance\n"
        f"Components: netz-{key}\n"
        "Scheduled-Start: 2026-11-25 01:00\n"
        "Scheduled-End: 2026-11-25 03:00\n"
        "\n"
        "## 2026-11-20 10:00 – scheduled\n"
        "\n"
        f"{update_text(key)}\n"
    )


def _page(key):
    return (
        f"Title: {page_title(key)}\n"
        f"Slug: seite-{key}\n"
        "\n"
        "Eine statische Seite mit einem Absatz Text.\n"
    )


def components_file():
    components = [
        {
            "id": f"netz-{key}",
            "name": component_name(key),
            "group": component_group(key),
            "description": component_description(key),
            "area": component_area(key),
        }
        for key in PAYLOADS
    ]
    return yaml.safe_dump({"components": components}, allow_unicode=True, sort_keys=False)


def write_content(content):
    """The hostile site's content/ folder; returns its path."""
    files = {"status/komponenten.yml": components_file()}
    for index, key in enumerate(PAYLOADS):
        files[f"artikel/angriff-{key}.md"] = _article(index, key)
        files[f"faq/frage-{key}.md"] = _faq(index, key)
        files[f"stoerungen/stoerung-{key}.md"] = _incident(key)
        files[f"stoerungen/wartung-{key}.md"] = _maintenance(key)
        files[f"seiten/seite-{key}.md"] = _page(key)
    for rel, text in files.items():
        path = os.path.join(content, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    # The sample taxonomy: automatic topics, and the topic report in
    # development builds, quote titles and sentences as evidence.
    shutil.copy(os.path.join(ROOT, "content", "themen.yml"), os.path.join(content, "themen.yml"))
    os.makedirs(os.path.join(content, "bilder"), exist_ok=True)
    shutil.copy(os.path.join(ROOT, "content", "bilder", IMAGE), os.path.join(content, "bilder", IMAGE))
    return content
