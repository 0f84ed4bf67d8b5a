"""Site-wide checks once every document is read and before anything is written:
every {filename}/{static}/{attach} link must point to a file, every image in a
text needs an alt text (a missing alt is an accessibility defect), and a
`Template:` must name a template of the theme."""

import logging
import os
import posixpath
import re
from html.parser import HTMLParser

from jinja2 import TemplateSyntaxError, meta
from pelican.contents import Article, Page
from pelican.generators import PelicanTemplateNotFound

from kit import pelican_door
from kit.problems import display_path, report

logger = logging.getLogger(__name__)

INTRASITE_LINK = re.compile(
    r"""<[^>]+?(?:href|src|poster|data|cite)\s*=\s*(["'])\{(filename|static|attach)\}(.*?)\1"""
)


class _ImageFinder(HTMLParser):
    """(src, alt) of every <img>, as a browser reads the attributes: quoted or
    not, and `alt` only as the attribute itself (not `data-alt`)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.images = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            values = {}
            for name, value in attrs:
                values.setdefault(name, value)  # the first of a repeated attribute counts
            self.images.append((values.get("src"), values.get("alt")))

    handle_startendtag = handle_starttag


def images_of(html):
    if not html or "<img" not in html.lower():  # most texts have no image: no parsing
        return []
    finder = _ImageFinder()
    finder.feed(html or "")
    finder.close()
    return finder.images


def _documents(generators):
    for generator in generators:
        for attr in ("articles", "drafts", "hidden_articles", "pages", "hidden_pages", "draft_pages"):
            yield from getattr(generator, attr, None) or []
        yield from getattr(generator, "checked_documents", list)()


def check_links_and_images(generators):
    """all_generators_finalized handler."""
    check_templates(generators)
    seen = set()
    for document in _documents(generators):
        if id(document) in seen or not getattr(document, "_content", None):
            continue
        seen.add(id(document))
        _check_links(document)
        _check_images(document)


def _target_path(document, value):
    base = document.settings["PATH"]
    value = value.split("#", 1)[0].split("?", 1)[0]
    if value.startswith("/"):
        rel = value.lstrip("/")
    else:
        rel = posixpath.join(os.path.relpath(os.path.dirname(document.source_path), base), value)
    return posixpath.normpath(rel.replace(os.sep, "/"))


def _check_links(document):
    where = display_path(document.source_path, document.settings)
    for match in INTRASITE_LINK.finditer(pelican_door.raw_content(document)):
        what, value = match.group(2), match.group(3)
        target = _target_path(document, value)
        full = os.path.join(document.settings["PATH"], target)
        field = f"link {{{what}}}{value}"
        if target == ".." or target.startswith("../") or os.path.isabs(target):
            report(logger, where, field, "leads outside content/; expected a path inside content/, "
                                         "e.g. {static}/bilder/<name>.png")
        elif not value or not os.path.isfile(full):
            report(logger, where, field, f"no file content/{target}; expected a path inside content/, "
                                         "e.g. {filename}/artikel/<name>.md or {static}/bilder/<name>.png")
        elif what == "filename" and target.endswith(".md"):
            if target not in pelican_door.published_sources(document):
                report(logger, where, field, f"content/{target} is not published (draft, scheduled or "
                                             "has errors); expected a link to a published text")


def _check_images(document):
    where = display_path(document.source_path, document.settings)
    for src, alt in images_of(pelican_door.raw_content(document)):
        if not (alt or "").strip():
            name = src or "?"
            report(logger, where, f"image {name}", "no alt text; expected a description in the brackets, "
                                                   f"e.g. ![Techniker prüft einen Verteilerkasten]({name})")


def _theme_templates(generator):
    """{name without .html: source} of the theme's own top-level templates."""
    found = {}
    for folder in reversed(pelican_door.template_folders(generator)):  # overrides win, as in Pelican
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            stem, ext = os.path.splitext(name)
            if ext in generator.settings["TEMPLATE_EXTENSIONS"] and os.path.isfile(os.path.join(folder, name)):
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    found[stem] = handle.read()
    return found


def _templates_showing(generator, variable):
    """Templates that render one document: those reading the variable Pelican
    passes it in ('article' or 'page') without defining it themselves."""
    names = []
    for name, source in _theme_templates(generator).items():
        try:
            used = meta.find_undeclared_variables(generator.env.parse(source))
        except TemplateSyntaxError:  # reported when it is rendered
            continue
        if variable in used:
            names.append(name)
    return names


def check_templates(generators):
    """`Template: gibtsnicht` would stop the build while pages are written, with
    Pelican's message naming no file; here it names the file and the choices."""
    generator = next((g for g in generators if hasattr(g, "get_template") and hasattr(g, "env")), None)
    if generator is None:
        return
    seen = set()
    for document in _documents(generators):
        name = document.metadata.get("template")
        if not name or id(document) in seen or not isinstance(document, (Article, Page)):
            continue
        seen.add(id(document))
        try:
            generator.get_template(name)
        except PelicanTemplateNotFound:
            variable = "article" if isinstance(document, Article) else "page"
            choices = _templates_showing(generator, variable) or sorted(_theme_templates(generator))
            report(logger, display_path(document.source_path, document.settings), "Template",
                   f"'{name}' is not a template of the theme; expected one of {', '.join(choices)} "
                   "(files in theme/templates/ without .html), or no Template line for the usual one")
            # The build fails on the error above; the default template lets it
            # go on to report every other problem instead of stopping here.
            document.template = document.default_template
