"""The logic behind `invoke topics-report` and `invoke topics-eval`."""

import io
import os
import re

from topics import commands

from .helpers import ROOT, reset_signals, write


def test_topics_report_prints_topics_with_evidence(tmp_path, capsys):
    write(tmp_path, {
        "pelicanconf.py": f"""\
            PATH = {str(tmp_path / 'content')!r}
            PLUGIN_PATHS = [{os.path.join(ROOT, 'plugins')!r}]
            PLUGINS = ["german", "topics"]
            ARTICLE_PATHS = ["artikel"]
            TIMEZONE = "Europe/Berlin"
            """,
        "content/artikel/entwurf.md": """\
            Title: Vertrauen braucht Zeit
            Date: 2026-11-24
            Tags: Kiel

            Kundenvertrauen entsteht im Alltag. Ein Vertrauensverlust geht schnell.
            """,
    })
    with open(os.path.join(ROOT, "content", "themen.yml"), encoding="utf-8") as handle:
        (tmp_path / "content" / "themen.yml").write_text(handle.read(), encoding="utf-8")
    out = io.StringIO()
    code = commands.report_command([str(tmp_path / "content" / "artikel" / "entwurf.md")],
                                   settings_file=str(tmp_path / "pelicanconf.py"), out=out)
    text = out.getvalue()
    assert code == 0
    assert "content/artikel/entwurf.md  „Vertrauen braucht Zeit“" in text
    assert "Tags der Redaktion: Kiel" in text
    assert "+ Vertrauen" in text
    assert "Kundenvertrauen [Text]: Kundenvertrauen entsteht im Alltag." in text
    # A missing file is reported, not a traceback.
    code = commands.report_command([str(tmp_path / "content" / "artikel" / "fehlt.md")],
                                   settings_file=str(tmp_path / "pelicanconf.py"), out=io.StringIO())
    assert code == 1 and "fehlt.md: file: not found" in capsys.readouterr().err


def test_topics_report_reads_a_fresh_new_post_file_with_empty_tags(tmp_path, capsys):
    """`invoke new-post` writes an empty `Tags:` line; the report must not trip over it."""
    write(tmp_path, {
        "pelicanconf.py": f"""\
            PATH = {str(tmp_path / 'content')!r}
            PLUGIN_PATHS = [{os.path.join(ROOT, 'plugins')!r}]
            PLUGINS = ["german", "editorial", "topics"]
            ARTICLE_PATHS = ["artikel"]
            TIMEZONE = "Europe/Berlin"
            """,
    })
    (tmp_path / "content").mkdir()
    with open(os.path.join(ROOT, "content", "themen.yml"), encoding="utf-8") as handle:
        (tmp_path / "content" / "themen.yml").write_text(handle.read(), encoding="utf-8")
    from editorial.scaffold import new_post

    path = new_post("Glasfaser für Kiel: Was ändert sich?", content_path=str(tmp_path / "content"),
                    settings={"SITE_NOW": "2026-11-24T10:00:00+01:00"})
    assert "Tags: \n" in open(path, encoding="utf-8").read()
    out = io.StringIO()
    code = commands.report_command([path], settings_file=str(tmp_path / "pelicanconf.py"), out=out)
    assert code == 0, capsys.readouterr().err
    assert "„Glasfaser für Kiel: Was ändert sich?“" in out.getvalue()
    assert "Tags der Redaktion: –" in out.getvalue()


def test_topics_eval_reports_both_halves_and_passes_the_gate():
    out = io.StringIO()
    code = commands.eval_command(data_dir=os.path.join(ROOT, "tests", "data", "topics"),
                                 taxonomy_path=os.path.join(ROOT, "content", "themen.yml"), out=out)
    text = out.getvalue()
    model, tuning, test = re.split(r"Auswertung: (?:tuning|test) \(", text)
    assert model.startswith("Modell für knappe Fälle: ") and model.rstrip().endswith("themen-modell.json")
    assert "keine Qualitätsschwelle" in tuning and "trainiert" in tuning
    assert "Mikro" in test and "Qualitätsschwelle: bestanden" in test and code == 0
    assert "Vertrauen" in text and "Authentizität" in text


def test_topics_eval_of_one_half_and_of_an_unknown_one(capsys):
    data = os.path.join(ROOT, "tests", "data", "topics")
    taxonomy = os.path.join(ROOT, "content", "themen.yml")
    out = io.StringIO()
    assert commands.eval_command(data_dir=data, split="tuning", taxonomy_path=taxonomy, out=out) == 0
    assert "Auswertung: tuning (" in out.getvalue() and "Auswertung: test" not in out.getvalue()
    assert commands.eval_command(data_dir=data, split="heldout", taxonomy_path=taxonomy, out=out) == 2
    assert "--split: 'heldout' is not a half of the evaluation set; expected tuning or test" in \
        capsys.readouterr().err


def test_topics_report_names_faq_entries_and_notices_by_the_folders_their_plugins_read(tmp_path):
    """The kind comes from the faq and outages plugins' own settings (FAQ_PATH,
    OUTAGES_PATH), so a site that moves those folders gets the right labels."""
    write(tmp_path, {
        "pelicanconf.py": f"""\
            PATH = {str(tmp_path / 'content')!r}
            PLUGIN_PATHS = [{os.path.join(ROOT, 'plugins')!r}]
            PLUGINS = ["german", "faq", "outages", "topics"]
            ARTICLE_PATHS = ["artikel"]
            FAQ_PATH = "fragen"
            OUTAGES_PATH = "meldungen/netz"
            TIMEZONE = "Europe/Berlin"
            """,
    })
    text = "Title: Vertrauen im Alltag\nDate: 2026-11-24\n\nKundenvertrauen entsteht im Alltag.\n"
    kinds = {
        "fragen/vertrauen.md": ("faq", "Häufige Frage"),
        "meldungen/netz/vertrauen.md": ("notice", "Störungsmeldung"),
        # The faq and outages plugins' default folders, not the ones this site set:
        "faq/vertrauen.md": ("article", "Artikel"),
        "stoerungen/vertrauen.md": ("article", "Artikel"),
        # A folder whose name only begins like FAQ_PATH:
        "fragenkatalog/vertrauen.md": ("article", "Artikel"),
        "artikel/vertrauen.md": ("article", "Artikel"),
    }
    write(tmp_path / "content", dict.fromkeys(kinds, text))
    with open(os.path.join(ROOT, "content", "themen.yml"), encoding="utf-8") as handle:
        (tmp_path / "content" / "themen.yml").write_text(handle.read(), encoding="utf-8")
    errors = []
    try:
        entries = commands.report_entries([str(tmp_path / "content" / rel) for rel in kinds],
                                          settings_file=str(tmp_path / "pelicanconf.py"), errors=errors)
    finally:
        reset_signals()  # the faq and outages plugins' handlers must not reach later builds
    assert errors == []
    found = {entry["source"].split("/", 1)[1]: (entry["type"], entry["type_label"]) for entry in entries}
    assert found == kinds
