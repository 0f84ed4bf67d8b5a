"""Each kind of bad editor input gives one clear error and no output at all."""

import pytest

from tests.support.sites import build_fixture_site

GOOD = """\
Title: Ein gültiger Beitrag
Date: 2026-11-01 10:00
Category: Kundendialog
Tags: Vertrauen
Authors: Miriam Albers
Summary: Ein kurzer Satz.

Text mit einem Absatz.
"""

CASES = {
    "missing title": (
        "Date: 2026-11-01 10:00\nCategory: Kundendialog\n\nText.\n",
        ["content/artikel/kaputt.md", "Title", "missing"],
    ),
    "unparseable date": (
        "Title: Kaputtes Datum\nDate: 32.13.2026\nCategory: Kundendialog\n\nText.\n",
        ["content/artikel/kaputt.md", "Date", "32.13.2026", "2026-11-24 10:15"],
    ),
    "unknown key": (
        "Title: Tippfehler\nDate: 2026-11-01\nTgas: Vertrauen\n\nText.\n",
        ["content/artikel/kaputt.md", "Tgas", "unknown metadata key", "did you mean Tags?"],
    ),
    "broken filename link": (
        "Title: Link ins Leere\nDate: 2026-11-01\n\nSiehe [hier]({filename}/artikel/gibt-es-nicht.md).\n",
        ["content/artikel/kaputt.md", "{filename}/artikel/gibt-es-nicht.md", "no file"],
    ),
    "image without alt": (
        "Title: Bild ohne Text\nDate: 2026-11-01\n\n![]({static}/bilder/foto.png)\n",
        ["content/artikel/kaputt.md", "bilder/foto.png", "no alt text"],
    ),
    "raw html image without alt": (
        'Title: Bild ohne Text\nDate: 2026-11-01\n\n<img src="{static}/bilder/foto.png">\n',
        ["content/artikel/kaputt.md", "no alt text"],
    ),
    "first-level heading in the text": (
        "Title: Doppelte Überschrift\nDate: 2026-11-01\n\n# Noch ein Titel\n\nText.\n",
        ["content/artikel/kaputt.md", "text", "'##'"],
    ),
    "image metadata pointing nowhere": (
        "Title: Bild fehlt\nDate: 2026-11-01\nImage: {static}/bilder/fehlt.png\nImage-Alt: Ein Foto\n\nText.\n",
        ["content/artikel/kaputt.md", "Image", "content/bilder/fehlt.png"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_fails_with_one_clear_message_and_writes_nothing(tmp_path, case):
    text, expected = CASES[case]
    files = {"artikel/gut.md": GOOD, "artikel/kaputt.md": text, "bilder/foto.png": b"\x89PNG\r\n\x1a\n"}
    result, output = build_fixture_site(tmp_path, files)
    assert not result.ok
    assert len(result.errors) == 1, result.report()
    message = result.errors[0].message
    for part in expected:
        assert part in message, message
    assert "Traceback" not in result.report()
    assert not output.exists(), "a failed build must not write output/"
    assert not list(tmp_path.glob("output.*")), "staging directory left behind"


def test_failed_build_leaves_previous_output_untouched(tmp_path):
    result, output = build_fixture_site(tmp_path, {"artikel/gut.md": GOOD})
    assert result.ok, result.report()
    before = sorted(p.relative_to(output) for p in output.rglob("*"))
    page = output / "artikel" / "ein-gueltiger-beitrag" / "index.html"
    original = page.read_bytes()

    broken = GOOD.replace("Date: 2026-11-01 10:00", "Date: irgendwann")
    result, output = build_fixture_site(tmp_path, {"artikel/gut.md": broken})
    assert not result.ok
    assert sorted(p.relative_to(output) for p in output.rglob("*")) == before
    assert page.read_bytes() == original


def test_german_day_first_date_is_not_read_as_month_first(tmp_path):
    text = GOOD.replace("Date: 2026-11-01 10:00", "Date: 03.04.2026 09:30")
    result, output = build_fixture_site(tmp_path, {"artikel/gut.md": text})
    assert result.ok, result.report()
    html = (output / "artikel" / "ein-gueltiger-beitrag" / "index.html").read_text()
    assert "3. April 2026" in html


def test_scheduled_article_is_held_back_until_its_date(tmp_path):
    future = GOOD.replace("Title: Ein gültiger Beitrag", "Title: Kommt noch").replace(
        "Date: 2026-11-01 10:00", "Date: 2026-12-24 08:00")
    files = {"artikel/gut.md": GOOD, "artikel/spaeter.md": future}
    result, output = build_fixture_site(tmp_path, files)
    assert result.ok, result.report()
    assert not (output / "artikel" / "kommt-noch").exists()
    assert "Kommt noch" not in (output / "feeds" / "all.atom.xml").read_text()
    assert "Kommt noch" not in (output / "index.html").read_text()

    result, output = build_fixture_site(tmp_path, files, {"SITE_NOW": "2026-12-24T08:00:00+01:00"})
    assert result.ok
    assert (output / "artikel" / "kommt-noch" / "index.html").exists()


def test_german_quotes_and_apostrophes(tmp_path):
    text = GOOD.replace("Text mit einem Absatz.", "Er sagte \"so\" und 'so', und es geht's gut.")
    result, output = build_fixture_site(tmp_path, {"artikel/gut.md": text})
    assert result.ok, result.report()
    html = (output / "artikel" / "ein-gueltiger-beitrag" / "index.html").read_text()
    assert "„so“" in html and "‚so‘" in html and "geht’s" in html


def test_strict_mode_makes_warnings_fatal(tmp_path):
    # Pelican warns when {filename} links to an image ({static} is meant);
    # a normal build shows the warning, `invoke check` (strict) fails on it.
    text = GOOD.replace("Text mit einem Absatz.", "Siehe [Bild]({filename}/bilder/foto.png).")
    files = {"artikel/gut.md": text, "bilder/foto.png": b"\x89PNG\r\n\x1a\n"}
    result, output = build_fixture_site(tmp_path, files)
    assert result.ok and result.warnings, result.report()
    assert any("{static}" in p.message for p in result.warnings)
    result, output = build_fixture_site(tmp_path / "strict", files, strict=True)
    assert not result.ok
    assert not output.exists()


def test_duplicate_metadata_is_an_error_not_a_silent_choice(tmp_path):
    text = GOOD.replace("Tags: Vertrauen", "Tags: Vertrauen\nCategory: Social Media")
    result, _output = build_fixture_site(tmp_path, {"artikel/gut.md": text})
    assert not result.ok
    assert [p.message for p in result.errors] == [
        "content/artikel/gut.md: Category: given 2 times; expected it once"]


def test_every_problem_of_a_file_is_reported_in_one_build(tmp_path):
    text = ("Title: Viele Fehler\nDate: 2026-11-01\nKatgory: Kundendialog\n"
            "Image: {static}/bilder/fehlt.png\nImage-Alt: Ein Foto\n\n# Noch ein Titel\n\nText.\n")
    result, output = build_fixture_site(tmp_path, {"artikel/gut.md": GOOD, "artikel/kaputt.md": text})
    assert not result.ok
    messages = [p.message for p in result.errors]
    assert len(messages) == 3, result.report()
    assert any("Katgory" in m and "unknown metadata key" in m for m in messages)
    assert any(": text:" in m and "'##'" in m for m in messages)
    assert any(": Image:" in m and "content/bilder/fehlt.png" in m for m in messages)
    assert all(m.startswith("content/artikel/kaputt.md: ") for m in messages)
    assert "Traceback" not in result.report()
    assert not output.exists()


def test_an_unfilled_new_post_scaffold_is_refused_by_check(tmp_path):
    from editorial.scaffold import new_post

    content = tmp_path / "scaffold"
    path = new_post("Glasfaser für Kiel", content_path=str(content),
                    settings={"SITE_NOW": "2026-11-02T09:00:00+01:00"})
    text = open(path, encoding="utf-8").read()
    files = {"artikel/gut.md": GOOD, "artikel/glasfaser-fuer-kiel.md": text}
    result, output = build_fixture_site(tmp_path / "normal", files)
    assert result.ok, result.report()  # the development build shows the draft
    fields = {p.message.split(": ")[1] for p in result.warnings
              if p.message.startswith("content/artikel/glasfaser-fuer-kiel.md")}
    assert fields == {"Authors", "Summary", "text"}, result.report()
    result, output = build_fixture_site(tmp_path / "strict", files, strict=True)
    assert not result.ok and not output.exists()
    filled = (text.replace("Vorname Nachname", "Miriam Albers")
              .replace("Ein Satz, der sagt, worum es geht (erscheint in Listen, Feeds und Suchmaschinen).",
                       "Was der Ausbau für Kiel bedeutet.")
              .replace("Der erste Absatz ist der Einstieg.", "Ab März bauen wir in Kiel aus."))
    result, output = build_fixture_site(tmp_path / "filled", {"artikel/gut.md": GOOD,
                                                              "artikel/glasfaser-fuer-kiel.md": filled},
                                        strict=True)
    assert result.ok, result.report()
