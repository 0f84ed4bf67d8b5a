"""Search finds a page by any part of a long compound, in headless Chromium.

Each article uses one compound of three or four parts; the searched part
occurs nowhere else in the index (checked first), so only the hidden compound
terms can lead to the page."""

import re

import pytest

from tests.search.sites import index_fragments, plugins_with_faq_and_search
from tests.search.test_search_browser import result_links, search_for, show_all
from tests.support.server import serve_directory
from tests.support.sites import build_fixture_site

pytestmark = pytest.mark.browser

ARTICLES = {
    "routerersatzlieferung": ("Wenn der Router streikt",
                              "Die Routerersatzlieferung kommt in zwei Werktagen per Paket."),
    "tarifwechselgebuehr": ("Was ein neuer Tarif kostet",
                            "Eine Tarifwechselgebühr verlangen wir nicht."),
    "rufnummernmitnahmeformular": ("Mit der alten Nummer umziehen",
                                   "Das Rufnummernmitnahmeformular steht im Kundenportal."),
    "glasfaserhausanschluss": ("Glasfaser im Altbau",
                               "Für den Glasfaserhausanschluss bohren wir ein kleines Loch."),
    "stoerungsannahmezeiten": ("Wann wir Meldungen entgegennehmen",
                               "Unsere Störungsannahmezeiten: rund um die Uhr, auch sonntags."),
}
SEARCHES = [
    ("Lieferung", "Routerersatzlieferung"), ("Ersatz", "Routerersatzlieferung"),
    ("Gebühr", "Tarifwechselgebühr"), ("Wechsel", "Tarifwechselgebühr"),
    ("Formular", "Rufnummernmitnahmeformular"), ("Mitnahme", "Rufnummernmitnahmeformular"),
    ("Hausanschluss", "Glasfaserhausanschluss"), ("Anschluss", "Glasfaserhausanschluss"),
    ("Annahme", "Störungsannahmezeiten"),
]


def _files():
    files = {}
    for number, (name, (title, text)) in enumerate(ARTICLES.items(), start=1):
        files[f"artikel/{name}.md"] = (
            f"Title: {title}\nDate: 2026-10-{number:02d} 10:00\nCategory: Service\n"
            f"Topics: off\n\n{text}\n"
        )
    return files


@pytest.fixture(scope="module")
def compound_site(tmp_path_factory):
    result, output = build_fixture_site(tmp_path_factory.mktemp("compound-search"), _files(),
                                        {"PLUGINS": plugins_with_faq_and_search()})
    assert result.ok, result.report()
    records = index_fragments(output)
    with serve_directory(output) as url:
        yield url, records


@pytest.mark.parametrize("term, compound", SEARCHES)
def test_any_part_of_a_long_compound_finds_the_page(page, compound_site, term, compound):
    url, records = compound_site
    [target] = [u for u, record in records.items() if compound in record["content"]]
    for record in records.values():  # the precondition: no page says the part itself
        assert not re.search(rf"(?<!\w){re.escape(term)}", record["content"], re.IGNORECASE)
    search_for(page, url, term)
    show_all(page)
    assert result_links(page) == [target]
