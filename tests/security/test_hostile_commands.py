"""The editors' outage commands (the logic behind `invoke outage-new` and
`invoke outage-update`) with hostile titles and texts: the files they write
build into pages that show the text and run nothing."""

import datetime as dt
import json
import os

import pytest
from lxml import etree

from outages.commands import load_project_settings, new_notice, update_notice
from tests.support.html import html_pages
from tests.support.sites import FIXED_NOW, ROOT

from . import hostile as h
from .conftest import build_hostile_site
from .pages import injected, is_complete, json_blocks, parse, text

CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
# The first update comes before the second: two updates at one minute are refused.
EARLIER = dt.datetime.fromisoformat(FIXED_NOW) - dt.timedelta(minutes=20)


def title(key):
    return f"Befehl {h.PAYLOADS[key]}"


@pytest.fixture(scope="module")
def commanded(tmp_path_factory):
    """{payload key: notice slug} and the output of a build of what the commands wrote."""
    tmp = tmp_path_factory.mktemp("commands")
    content = tmp / "content"
    (content / "status").mkdir(parents=True)
    (content / "stoerungen").mkdir()
    (content / "status" / "komponenten.yml").write_text(h.components_file(), encoding="utf-8")
    settings = load_project_settings(os.path.join(ROOT, "pelicanconf.py"),
                                     {"PATH": str(content), "SITE_NOW": FIXED_NOW})
    slugs = {}
    for key, payload in h.PAYLOADS.items():
        path = new_notice(settings, title(key), [f"netz-{key}"], impact="major",
                          text=f"Erste Meldung {payload}", when=EARLIER)
        slugs[key] = os.path.splitext(os.path.basename(path))[0]
        update_notice(settings, slugs[key], "identified", f"Neue Lage {payload} {h.SCRIPT_LINK}")
    result, output = build_hostile_site(tmp, content=content)
    assert result.ok, result.report()
    return slugs, output


def test_pages_built_from_command_output_carry_no_payload_markup(commanded):
    _, output = commanded
    for path in html_pages(output):
        doc = parse(path)
        assert injected(doc) == [], path
        assert is_complete(doc), path
        json_blocks(doc)


@pytest.mark.parametrize("key", h.PAYLOADS)
def test_command_title_and_texts_are_shown_as_typed(commanded, key):
    slugs, output = commanded
    doc = parse(output / "stoerungen" / slugs[key] / "index.html")
    assert text(next(doc.iter("h1"))) == title(key)
    [announcement] = [b for b in json_blocks(doc) if b.get("@type") == "SpecialAnnouncement"]
    assert announcement["name"] == title(key)
    updates = [text(e) for e in doc.iter("div") if e.get("class") == "prose"]
    assert updates[0].startswith("Neue Lage") and updates[-1].startswith("Erste Meldung")
    if key in ("cdata", "template"):
        assert updates[0] == f"Neue Lage {h.PAYLOADS[key]} mehr"
    cap = etree.parse(str(output / "status" / "cap" / f"{slugs[key]}.xml"))
    assert cap.findtext(f".//{CAP}headline") == f"[Ursache gefunden] {title(key)}"
    api = json.loads((output / "api" / "v2" / "incidents.json").read_text(encoding="utf-8"))
    assert title(key) in {i["name"] for i in api["incidents"]}
