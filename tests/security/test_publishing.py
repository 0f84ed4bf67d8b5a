"""Only content/ is published, and no text takes another page's address.

Each case starts from a good build, adds one hostile or careless change and
builds again: the build fails with one line that names the file and what was
expected, and `output/` is exactly the good build's (nothing from elsewhere
on the machine was copied, no page was replaced).
"""

import os

import pytest

from tests.support.sites import ROOT, build_fixture_site
from tests.support.trees import snapshot

GOOD = """\
Title: Ein gültiger Beitrag
Date: 2026-11-01 10:00
Category: Kundendialog
Tags: Vertrauen
Authors: Miriam Albers
Summary: Ein kurzer Satz.

Text mit einem Absatz.
"""

PAGE = """\
Title: Status unserer Dienste
Slug: status

Eine Seite, die wie die Statusseite heißt.
"""

FILES = {"artikel/gut.md": GOOD, "bilder/foto.png": b"\x89PNG\r\n\x1a\n"}


def _article(title, extra="", text="Text mit einem Absatz."):
    return (f"Title: {title}\nDate: 2026-11-02 10:00\nCategory: Kundendialog\nTags: Vertrauen\n"
            f"Authors: Miriam Albers\nSummary: Ein Satz.\n{extra}\n{text}\n")


@pytest.fixture
def secret(tmp_path):
    """A file and a folder outside the content folder, as /etc/passwd would be."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "passwort.txt").write_text("geheim\n", encoding="utf-8")
    (folder / "schluessel.pem").write_text("-----BEGIN PRIVATE KEY-----\n", encoding="utf-8")
    return folder


def _good_site(tmp_path):
    result, output = build_fixture_site(tmp_path, FILES)
    assert result.ok, result.report()
    return output, snapshot(output)


def _assert_refused(result, output, before, *words):
    assert not result.ok
    assert len(result.errors) == 1, result.report()
    message = result.errors[0].message
    for word in words:
        assert word in message, message
    assert "Traceback" not in result.report()
    assert snapshot(output) == before
    assert not [p for p in os.listdir(output.parent) if ".staging-" in p]


def test_a_symlink_to_a_file_outside_content_is_refused(tmp_path, secret):
    output, before = _good_site(tmp_path)
    os.symlink(secret / "passwort.txt", tmp_path / "content" / "bilder" / "logo.png")
    result, _ = build_fixture_site(tmp_path, FILES)
    _assert_refused(result, output, before, "content/bilder/logo.png", "outside content/",
                    "expected a file inside content/")
    assert not any(b"geheim" in data for data in snapshot(output).values())


def test_a_symlink_to_a_folder_outside_content_is_refused(tmp_path, secret):
    output, before = _good_site(tmp_path)
    os.symlink(secret, tmp_path / "content" / "bilder" / "fremd")
    result, _ = build_fixture_site(tmp_path, FILES)
    assert not result.ok
    assert any("content/bilder/fremd" in p.message and "folder" in p.message for p in result.errors), \
        result.report()
    assert snapshot(output) == before


def test_a_symlinked_text_from_outside_content_is_refused(tmp_path, secret):
    output, before = _good_site(tmp_path)
    (secret / "fremd.md").write_text(_article("Von draußen"), encoding="utf-8")
    os.symlink(secret / "fremd.md", tmp_path / "content" / "artikel" / "fremd.md")
    result, _ = build_fixture_site(tmp_path, FILES)
    _assert_refused(result, output, before, "content/artikel/fremd.md", "outside content/")


def test_a_symlink_that_stays_inside_content_is_fine(tmp_path):
    _good_site(tmp_path)
    os.symlink("foto.png", tmp_path / "content" / "bilder" / "noch-ein-foto.png")
    result, output = build_fixture_site(tmp_path, FILES)
    assert result.ok, result.report()
    assert (output / "bilder" / "noch-ein-foto.png").read_bytes() == FILES["bilder/foto.png"]


@pytest.mark.parametrize("link", ["{static}/../../../../../../etc/hostname", "{static}../../elsewhere/passwort.txt",
                                  "{attach}/../elsewhere/passwort.txt"])
def test_a_static_link_leading_out_of_content_is_refused(tmp_path, secret, link):
    output, before = _good_site(tmp_path)
    files = dict(FILES, **{"artikel/link.md": _article("Ein Link", text=f"Siehe [hier]({link}).")})
    result, _ = build_fixture_site(tmp_path, files)
    assert not result.ok
    assert any("content/artikel/link.md" in p.message and "outside content/" in p.message
               for p in result.errors), result.report()
    assert snapshot(output) == before


@pytest.mark.parametrize("line", ["Save_as: index.html", "Save_as: api/v2/summary.json",
                                  "Save_as: theme/js/status-banner.js", "URL: status/", "Save-as: index.html"])
def test_a_text_cannot_choose_its_address(tmp_path, line):
    output, before = _good_site(tmp_path)
    files = dict(FILES, **{"artikel/kapern.md": _article("Kapern", extra=line + "\n")})
    result, _ = build_fixture_site(tmp_path, files)
    _assert_refused(result, output, before, "content/artikel/kapern.md", "cannot choose its own address", "Slug")
    assert line.split(":")[0].lower() in result.errors[0].message.lower()


def test_two_articles_with_one_address_name_both_files(tmp_path):
    output, before = _good_site(tmp_path)
    files = dict(FILES, **{"artikel/zweit.md": _article("Ein gültiger Beitrag")})
    result, _ = build_fixture_site(tmp_path, files)
    _assert_refused(result, output, before, "content/artikel/gut.md", "content/artikel/zweit.md",
                    "/artikel/ein-gueltiger-beitrag/", "expected each address once")


def test_a_page_named_like_a_generated_page_is_refused(tmp_path):
    output, before = _good_site(tmp_path)
    files = dict(FILES, **{"seiten/status.md": PAGE})
    result, _ = build_fixture_site(tmp_path, files)
    assert not result.ok
    assert any("content/seiten/status.md" in p.message and "/status/index.html" in p.message
               for p in result.errors), result.report()
    assert snapshot(output) == before


def test_a_topic_named_like_the_topic_report_is_refused(tmp_path):
    with open(os.path.join(ROOT, "content", "themen.yml"), encoding="utf-8") as handle:
        taxonomy = handle.read()
    files = dict(FILES, **{"themen.yml": taxonomy})
    result, output = build_fixture_site(tmp_path, files)
    assert result.ok and (output / "themen" / "bericht" / "index.html").exists(), result.report()
    before = snapshot(output)
    files["artikel/bericht.md"] = _article("Jahresbericht").replace("Tags: Vertrauen", "Tags: Bericht")
    result, _ = build_fixture_site(tmp_path, files)
    assert not result.ok
    assert any("themen/bericht/index.html" in p.message and "'Bericht'" in p.message
               for p in result.errors), result.report()
    assert snapshot(output) == before


@pytest.mark.parametrize("links, reported, words", [
    ({"artikel/schleife": "."}, "content/artikel/schleife", "leads back into its own folder"),
    ({"bilder/alles": ".."}, "content/bilder/alles", "leads back into the folder content, which holds it"),
    ({"artikel/a/weiter": "../b", "artikel/b/zurueck": "../a"}, "content/artikel/b/zurueck",
     "leads back into the folder content/artikel/a, which holds it"),
])
def test_a_symlink_loop_in_content_is_one_line(tmp_path, links, reported, words):
    """Pelican follows links when it looks for files: a loop would give every text
    again at ever longer paths (hundreds of errors); it is one error instead."""
    output, before = _good_site(tmp_path)
    for link, target in links.items():
        path = tmp_path / "content" / link
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, path)
    result, _ = build_fixture_site(tmp_path, FILES)
    assert not result.ok
    assert [p.message for p in result.problems if p.level != "notice"] == [
        f"{reported}: symbolic link: {words}"
        ", so the content would repeat without end; expected a link to a file, or to a folder that "
        "does not hold the link (or no link: move the files)"], result.report()
    assert snapshot(output) == before
