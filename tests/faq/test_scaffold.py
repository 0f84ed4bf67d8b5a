"""`invoke new-faq "Frage?" --category Rechnung` (logic in plugins/faq/scaffold.py)."""

import pytest

from faq.scaffold import ScaffoldError, new_faq
from tests.faq.test_faq_build import FAQ_PLUGINS, site_files
from tests.support.sites import FIXED_NOW, build_fixture_site, write_files


def test_new_faq_writes_a_file_that_builds(tmp_path):
    content = tmp_path / "content"
    write_files(content, site_files())
    path = new_faq("Wie ändere ich meine  Bankverbindung?", "Rechnung", content_path=str(content),
                   tags="Rechnung, Konto", related="rechnung-finden", settings={"SITE_NOW": FIXED_NOW})
    assert path == str(content / "faq" / "wie-aendere-ich-meine-bankverbindung.md")
    text = (content / "faq" / "wie-aendere-ich-meine-bankverbindung.md").read_text(encoding="utf-8")
    assert text.startswith("Question: Wie ändere ich meine Bankverbindung?\nCategory: Rechnung\n")
    assert "Tags: Rechnung, Konto\nRelated: rechnung-finden\n" in text
    assert "Modified: 2026-11-24 12:00\n" in text

    result, output = build_fixture_site(tmp_path, {}, {"PLUGINS": FAQ_PLUGINS})
    assert result.ok, result.report()
    assert (output / "faq" / "wie-aendere-ich-meine-bankverbindung" / "index.html").exists()
    # Its example sentences are fine for the preview, not for publishing.
    placeholders = sorted(p.message.split(": ")[1] for p in result.warnings
                          if p.message.startswith("content/faq/wie-aendere-ich-meine-bankverbindung.md"))
    assert placeholders == ["Summary", "text"], result.report()
    strict, output = build_fixture_site(tmp_path / "strict", {}, {"PLUGINS": FAQ_PLUGINS, "PATH": str(content)},
                                        strict=True)
    assert not strict.ok


def test_new_faq_never_overwrites(tmp_path):
    new_faq("Wie geht das?", "Konto", content_path=str(tmp_path))
    with pytest.raises(ScaffoldError, match="exists already"):
        new_faq("Wie geht das?", "Konto", content_path=str(tmp_path))


@pytest.mark.parametrize("question, category, message", [
    ("???", "Konto", "gives no web address"),
    ("Wie geht das?", "", "category: missing"),
    ("Wie geht das?", "rechnung", "expected the existing spelling 'Rechnung'"),
    ("Wie geht das?", "Rechnungen", "expected the existing spelling 'Rechnung'"),
])
def test_new_faq_explains_bad_arguments(tmp_path, question, category, message):
    write_files(tmp_path / "content", site_files())
    with pytest.raises(ScaffoldError, match=message):
        new_faq(question, category, content_path=str(tmp_path / "content"))


def test_new_faq_keeps_tags_and_related_on_their_lines(tmp_path):
    """A line break typed into --tags or --related would start a metadata line of its own."""
    path = new_faq("Wie geht das?", "Konto", content_path=str(tmp_path), tags="Konto\nSlug: index",
                   related="a,\r\nStatus: hidden")
    with open(path, encoding="utf-8") as handle:
        header = handle.read().split("\n\n", 1)[0].splitlines()
    assert sorted(line.split(":", 1)[0] for line in header) == [
        "Category", "Modified", "Question", "Related", "Summary", "Tags"], header
    assert "Tags: Konto Slug: index" in header
