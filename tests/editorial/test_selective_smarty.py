"""Smarty on only the blocks it can change gives exactly smarty's output."""

import glob
import os

import markdown
import pytest

from editorial.reader import GermanApostrophes, GermanTypographyExtension
from editorial.settings import GERMAN_QUOTES
from tests.support.sites import ROOT

EXTENSIONS = ["markdown.extensions.extra", "markdown.extensions.meta",
              "markdown.extensions.sane_lists", "markdown.extensions.smarty"]
CONFIG = {"markdown.extensions.smarty": {"substitutions": GERMAN_QUOTES}}
TRICKY = [
    'Er sagte "hallo" -- und \'so\'... `code "q"` <b title="a\'b">x</b> "offen',
    '* a "b"\n* c\n\n> Zitat "x"\n\nText\n',
    "'Anfang\n\nEnde'",
    '| a | "b" |\n|---|---|\n| \'c\' | d |\n',
    'Ein [Link "mit" Titel](http://example.org "Titel") und ![Bild](x.png "T")',
    "Zeile mit Fußnote[^1].\n\n[^1]: Sie sagt \"ja\".\n",
]


@pytest.fixture(scope="module")
def converters():
    full = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIG)
    full.postprocessors.register(GermanApostrophes(full), "german_apostrophes", 1)
    selective = markdown.Markdown(extensions=EXTENSIONS + [GermanTypographyExtension()], extension_configs=CONFIG)
    return full, selective


def _texts():
    for path in sorted(glob.glob(os.path.join(ROOT, "content", "**", "*.md"), recursive=True)):
        with open(path, encoding="utf-8") as handle:
            yield os.path.relpath(path, ROOT), handle.read()
    for index, text in enumerate(TRICKY):
        yield f"tricky-{index}", text


@pytest.mark.parametrize("name, text", list(_texts()))
def test_same_html_as_smarty_everywhere(converters, name, text):
    full, selective = converters
    full.reset()
    selective.reset()
    assert selective.convert(text) == full.convert(text)
    assert "„" in full.convert(TRICKY[0])
