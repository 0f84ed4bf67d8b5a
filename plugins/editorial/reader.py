"""A Markdown reader that turns every editor mistake into one clear message.

Pelican's own reader reports a bad date as "'x' is not a valid date" without
naming the field, reads "03.04.2026" as 4 March, and accepts any metadata key.
This subclass keeps Pelican's behaviour and adds German date forms, required
fields, known keys per content type and a German apostrophe fix.
"""

import difflib
import logging
import os
import re
import xml.etree.ElementTree as ET

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor
from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED, BaseReader, MarkdownReader
from pelican.utils import SafeDatetime

from german.dates import parse_wall_clock
from german.slugs import SLUG_MAX_LENGTH, shorten, slug_problem, slugify, title_problem
from kit.problems import EditorInputError, Problem, display_path

from . import fields
from .body import body_problems
from .fields import display_key as _display_key
from .header import scan_header
from .sanitize import text_html
from .scaffold import AUTHOR_PLACEHOLDER, BODY_PLACEHOLDER, SUMMARY_PLACEHOLDER
from .settings import ADDRESS_KEYS

logger = logging.getLogger(__name__)

DATE_KEYS = ("date", "modified")
SMARTY = "markdown.extensions.smarty"
# Everything smarty can change; a text without any of these is the same with
# or without it, and smarty more than doubles the conversion time.
SMARTY_TRIGGERS = ('"', "'", "--", "...", "<<", ">>")
STATIC_PREFIX = re.compile(r"^\{(static|attach|filename)\}/?")
# After smarty: a closing single quote between two letters is an apostrophe.
APOSTROPHE = re.compile(r"(?<=\w)(?:&lsquo;|‘|&rsquo;)(?=\w)")
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Bytes that never occur in a text file; file types editors might save as .md by mistake.
BINARY_SIGNATURES = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
                     b"%PDF": "a PDF document", b"PK\x03\x04": "a Word or ZIP file",
                     b"\xd0\xcf\x11\xe0": "an old Word file"}


class GermanApostrophes(Postprocessor):
    """"geht's" must become "geht’s", not the German closing quote "geht‘s"."""

    def run(self, text):
        return APOSTROPHE.sub("’", text)


def _has_trigger(text):
    return bool(text) and any(t in text for t in SMARTY_TRIGGERS)


class SelectiveSmarty(Treeprocessor):
    """Runs smarty's own tree processor only on the top-level blocks it can change.

    Smarty walks every text node of a document with fifteen quote patterns,
    which more than doubles the conversion time; most paragraphs contain no
    quote, dash or ellipsis at all. Each block that does is processed exactly
    as smarty would (inside a root-like wrapper, so ancestors are the same);
    when a top-level tail could be affected, the whole tree is processed.
    """

    def __init__(self, md, inner):
        super().__init__(md)
        self.inner = inner

    def run(self, root):
        if _has_trigger(root.text) or any(_has_trigger(block.tail) for block in root):
            return self.inner.run(root)
        for block in list(root):
            if any(_has_trigger(text) for text in block.itertext()):
                wrapper = ET.Element(root.tag)
                wrapper.append(block)  # ElementTree keeps no parent links: block stays in root
                self.inner.run(wrapper)
        return None


class GermanTypographyExtension(Extension):
    def extendMarkdown(self, md):
        md.postprocessors.register(GermanApostrophes(md), "german_apostrophes", 1)
        if "smarty" in md.treeprocessors:
            inner = md.treeprocessors["smarty"]
            md.treeprocessors.register(SelectiveSmarty(md, inner), "smarty", 6)


class RefusedFormatReader(BaseReader):
    """Stands in for Pelican's reStructuredText and HTML readers.

    Only Markdown goes through the editor's checks (known keys, addresses,
    dates); a `.rst` or `.html` file with `save_as: index.html` would replace
    the home page unchecked. So such a file is one error, not a page."""

    enabled = True
    file_extensions = ("rst", "html", "htm")

    def read(self, source_path):
        raise EditorInputError(
            display_path(source_path, self.settings), "file type",
            f"'.{source_path.rsplit('.', 1)[-1]}' files are not read; expected a Markdown file (.md): "
            "save the text as Markdown, or move the file out of content/")


def install_reader(readers):
    """readers_init handler: use this reader for every Markdown extension, and
    refuse every other text format Pelican would read."""
    for ext in EditorialMarkdownReader.file_extensions:
        if ext in readers.reader_classes:
            readers.reader_classes[ext] = EditorialMarkdownReader
    for ext in RefusedFormatReader.file_extensions:
        readers.reader_classes[ext] = RefusedFormatReader


def content_kind(source_path, settings):
    """'article', 'page' or None for files other plugins own (FAQ, notices)."""
    base = os.path.abspath(settings["PATH"])
    rel = os.path.relpath(os.path.abspath(source_path), base).replace(os.sep, "/")
    for kind, key in (("article", "ARTICLE_PATHS"), ("page", "PAGE_PATHS")):
        for folder in settings[key]:
            folder = folder.strip("/")
            if folder in ("", ".") or rel.startswith(folder + "/"):
                return kind
    return None


def check_text_encoding(source_path, where):
    """The file as text, or EditorInputError naming the first line that is not UTF-8.

    Python's decoder would only say "can't decode byte 0xfc in position 812";
    an editor needs the line and what to do about it.
    """
    with open(source_path, "rb") as handle:
        data = handle.read()
    kind = next((name for magic, name in BINARY_SIGNATURES.items() if data.startswith(magic)), None)
    if kind or b"\0" in data:
        what = f"{kind}, not text" if kind else "binary data, not text"
        raise EditorInputError(
            where, "file",
            f"is {what}; expected a Markdown text saved as UTF-8 (images belong in content/bilder/ "
            "and are linked with ![Beschreibung]({static}/bilder/name.png))",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        start = data.rfind(b"\n", 0, exc.start) + 1
        end = data.find(b"\n", exc.start)
        raw_line = data[start:end if end >= 0 else len(data)]
        guess = raw_line.decode("cp1252", errors="replace").strip()
        shown = guess if len(guess) <= 60 else guess[:59] + "…"
        raise EditorInputError(
            f"{where}:{line}", "encoding",
            f"line {line} is not UTF-8 (byte 0x{data[exc.start]:02x}; in Windows-1252 it would read "
            f"'{shown}'); expected the file saved as UTF-8 (in the editor: save with encoding UTF-8)",
        ) from None


class EditorialMarkdownReader(MarkdownReader):
    file_extensions = MarkdownReader.file_extensions

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        extensions = self.settings["MARKDOWN"]["extensions"]
        if not any(isinstance(e, GermanTypographyExtension) for e in extensions):
            extensions.append(GermanTypographyExtension())

    def _markdown(self, text, with_meta):
        """One reused Markdown instance per kind (Pelican builds one per file)."""
        smart = any(t in text for t in SMARTY_TRIGGERS)
        key = (smart, with_meta)
        instances = self.__dict__.setdefault("_instances", {})
        if key not in instances:
            config = dict(self.settings["MARKDOWN"])
            extensions = [e for e in config.get("extensions", [])
                          if (smart or e != SMARTY) and (with_meta or e != "markdown.extensions.meta")]
            config["extensions"] = extensions
            config["extension_configs"] = {
                k: v for k, v in config.get("extension_configs", {}).items() if k in extensions}
            instances[key] = Markdown(**config)
        md = instances[key]
        md.reset()
        return md

    def _parse_metadata(self, meta, header):
        """Pelican's rules (formatted fields, duplicates, lists) with reused instances;
        formatted fields (Summary) keep only the HTML of running text (sanitize.py).

        `header` (header.scan_header) tells a repeated key from a value that goes
        on over indented lines; how such a value is read depends on the key
        (settings METADATA_TEXT_KEYS, _LIST_KEYS, _ONE_LINE_KEYS)."""
        settings = self.settings
        text_keys = settings.get("METADATA_TEXT_KEYS") or ()
        list_keys = settings.get("METADATA_LIST_KEYS") or ()
        one_line_keys = settings.get("METADATA_ONE_LINE_KEYS") or ()
        formatted = settings["FORMATTED_FIELDS"]
        output = {}
        for name, value in meta.items():
            name = name.lower()
            definitions = header.get(name) or []
            known = name in text_keys or name in list_keys or name in one_line_keys or name in formatted
            once = known or not DUPLICATES_DEFINITIONS_ALLOWED.get(name, True)
            if once and len(definitions) > 1:
                raise EditorInputError(
                    self._where(), _display_key(name),
                    f"given {len(definitions)} times; expected it once",
                )
            wrapped = definitions[0] if len(definitions) == 1 and definitions[0].wrapped else None
            if wrapped and name in one_line_keys:
                raise EditorInputError([Problem(
                    self._where(), wrapped.key,
                    f"goes on over the indented line {wrapped.line + 1}; "
                    "expected the whole value on one line (only texts such as Title or Summary "
                    "may go on over indented lines)", wrapped.line)])
            if name == "tags":
                self._check_tags(value)
            if name in formatted:
                text = "\n".join(value)
                html = text_html(self._markdown(text, False).convert(text))
                output[name] = self.process_metadata(name, html)
            elif wrapped and name in list_keys:
                separator = ";" if any(";" in line for line in value) else ","
                output[name] = self.process_metadata(name, separator.join(value))
            elif wrapped and name in text_keys:
                output[name] = self.process_metadata(name, " ".join(line for line in value if line))
            elif not DUPLICATES_DEFINITIONS_ALLOWED.get(name, True):
                if len(value) > 1:
                    raise EditorInputError(
                        self._where(), _display_key(name),
                        f"given {len(value)} times; expected it once",
                    )
                output[name] = self.process_metadata(name, value[0])
            elif len(value) > 1:
                output[name] = self.process_metadata(name, value)
            else:
                output[name] = self.process_metadata(name, value[0])
        return output

    def _check_tags(self, lines):
        """'Tags: ,,, ,' gives no tag at all; Pelican would drop the line silently.

        A warning, not an error: readers see nothing wrong (the text simply has
        no tags of its own), but the editor meant to write something, so
        `invoke check` and CI refuse it until the line is filled or removed.
        """
        raw = ",".join(lines)
        if raw.strip() and not any(item.strip() for item in raw.split(",")):
            logger.warning("%s", EditorInputError(
                self._where(), "Tags",
                f"'{raw.strip()}' holds no tag; expected tags separated by commas, "
                "e.g. 'Tags: Störung, Kiel', or no Tags line",
            ))

    def _convert(self, source_path):
        text = check_text_encoding(source_path, self._where())
        md = self._markdown(text, True)
        content = md.convert(text)
        metadata = self._parse_metadata(md.Meta, scan_header(text)) if getattr(md, "Meta", None) else {}
        return content, metadata

    def _where(self):
        return display_path(self._source_path, self.settings)

    def process_metadata(self, name, value):
        if name in DATE_KEYS:
            return self._parse_date(name, value)
        try:
            return super().process_metadata(name, value)
        except Exception as exc:  # noqa: BLE001 - any processor failure is bad input
            raise EditorInputError(self._where(), _display_key(name), str(exc)) from None

    def _parse_date(self, name, value):
        try:
            parsed = parse_wall_clock(value)
        except ValueError as exc:
            raise EditorInputError(self._where(), _display_key(name), str(exc)) from None
        return SafeDatetime(
            parsed.year, parsed.month, parsed.day, parsed.hour, parsed.minute,
            parsed.second, tzinfo=parsed.tzinfo, fold=parsed.fold,  # fold: the second 02:30 in October
        )

    def read(self, source_path):
        self._source_path = source_path
        content, metadata = self._convert(source_path)
        kind = content_kind(source_path, self.settings)
        checks = []
        if kind:
            checks += [lambda: self._check_keys(kind, metadata), lambda: self._check_title(metadata),
                       lambda: self._check_address(metadata), lambda: self._check_body(content),
                       lambda: self._check_text(kind, metadata, content),
                       lambda: self._check_image_description(metadata),
                       lambda: self._check_fields(fields.language_problems(metadata, self.settings)),
                       lambda: self._check_fields(fields.status_problems(metadata))]
        if kind or self._other_checked_text(source_path):
            checks.append(lambda: self._check_body_safety(content))
        checks.append(lambda: self._check_fields(fields.modified_problems(metadata, self.settings)))
        checks.append(lambda: self._check_fields(fields.name_problems(metadata)))
        if "image" in metadata:
            def resolve_image():
                metadata["image"] = self._resolve_image(metadata["image"])
            checks.append(resolve_image)
        problems = []
        for check in checks:  # every problem of the file at once, not one per build
            try:
                check()
            except EditorInputError as problem:  # one line each, also when a check finds several
                problems += [EditorInputError([one]) for one in problem.problems]
        if problems:
            for problem in problems[1:]:
                logger.error("%s", problem)
            raise problems[0]
        if kind == "article":
            self._check_placeholders(metadata, content)
        return content, metadata

    def _check_placeholders(self, metadata, content):
        """Text that `invoke new-post` wrote and nobody replaced: a warning, so
        `invoke check` and `invoke preview` (CI) refuse to publish it."""
        found = []
        authors = metadata.get("authors") or []
        if isinstance(authors, str):
            authors = [authors]
        if any(str(a).strip() == AUTHOR_PLACEHOLDER for a in authors):
            found.append(("Authors", f"still '{AUTHOR_PLACEHOLDER}' from new-post; expected the author's name"))
        if SUMMARY_PLACEHOLDER in re.sub(r"<[^>]+>", "", str(metadata.get("summary", ""))):
            found.append(("Summary", "still the example sentence from new-post; expected one sentence "
                                     "of your own that says what the article is about"))
        if BODY_PLACEHOLDER in content:
            found.append(("text", "still starts with the example paragraph from new-post; expected "
                                  "your own first paragraph"))
        for field, expected in found:
            logger.warning("%s", EditorInputError(self._where(), field, expected))

    def _check_keys(self, kind, metadata):
        allowed = set(self.settings["ARTICLE_METADATA_KEYS" if kind == "article" else "PAGE_METADATA_KEYS"])
        if kind == "article":
            # keys other plugins handle on every content type (Social, Topics …)
            allowed |= set(self.settings.get("SHARED_METADATA_KEYS") or ())
        for key in metadata:
            if key in ADDRESS_KEYS:
                raise EditorInputError(
                    self._where(), _display_key(key),
                    "a text cannot choose its own address (it could replace another page); "
                    "expected no such line: the address follows from the Slug, e.g. 'Slug: neue-tarife'",
                )
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
                hint = f" (did you mean {_display_key(close[0])}?)" if close else ""
                names = ", ".join(_display_key(k) for k in sorted(allowed))
                raise EditorInputError(
                    self._where(), _display_key(key),
                    f"unknown metadata key{hint}; expected one of {names}",
                )

    def _check_title(self, metadata):
        title = str(metadata.get("title", "")).strip()
        if not title:
            raise EditorInputError(
                self._where(), "Title",
                "missing; expected a line like 'Title: Warum wir Störungen öffentlich machen' at the top",
            )
        problem = title_problem(title)
        if problem:
            raise EditorInputError(self._where(), "Title", problem)
        # Only a title without any latin letter or digit can give an empty slug.
        if "slug" not in metadata and not re.search(r"[A-Za-z0-9]", title) and not slugify(title):
            raise EditorInputError(
                self._where(), "Title",
                f"'{title}' gives an empty web address; add a line 'Slug: …' with latin letters",
            )

    def _check_address(self, metadata):
        """The slug is one segment of the web address: only a-z, 0-9, hyphens, at most
        80 characters. Without a Slug line the title gives it, so a long title needs one."""
        if "slug" in metadata:
            problem = slug_problem(metadata["slug"])
            if problem:
                raise EditorInputError(self._where(), "Slug", problem)
            return
        title = str(metadata.get("title", "")).strip()
        derived = slugify(title)
        if len(derived) > SLUG_MAX_LENGTH and not title_problem(title):  # that one says enough
            raise EditorInputError(
                self._where(), "Title",
                f"gives a web address of {len(derived)} characters; expected at most "
                f"{SLUG_MAX_LENGTH}: shorten the title or add a line 'Slug: {shorten(derived)}'",
            )

    def _check_text(self, kind, metadata, content):
        """A published text without any text is an empty page for readers; a draft may be empty."""
        if str(metadata.get("status", "")).strip().lower() == "draft":
            return
        if not HTML_COMMENT.sub("", content or "").strip():
            what = "the article" if kind == "article" else "the page"
            raise EditorInputError(
                self._where(), "text",
                f"empty; expected the text of {what} below the metadata, after one blank line "
                "(or 'Status: draft' while it is being written)",
            )

    def _check_image_description(self, metadata):
        """Image: is shown on social networks and in link previews, to screen-reader
        users too: like every image in the text it needs a description."""
        if "image" in metadata and not str(metadata.get("image-alt", "")).strip():
            raise EditorInputError(
                self._where(), "Image-Alt",
                "missing; the image given in 'Image:' needs a description for screen readers and "
                "social posts, e.g. 'Image-Alt: Techniker prüft einen Verteilerkasten'",
            )

    def _check_fields(self, found):
        """Raise the (field, expected) pairs of fields.py as one error line each."""
        if found:
            raise EditorInputError([Problem(self._where(), field, expected) for field, expected in found])

    def _other_checked_text(self, source_path):
        """Texts of other plugins whose body gets the safety check (setting
        CHECKED_TEXT_PATHS, e.g. the FAQ plugin's folder)."""
        rel = os.path.relpath(os.path.abspath(source_path), os.path.abspath(self.settings["PATH"]))
        rel = rel.replace(os.sep, "/")
        return any(rel.startswith(folder.strip("/") + "/")
                   for folder in self.settings.get("CHECKED_TEXT_PATHS") or () if folder.strip("/"))

    def _check_body_safety(self, content):
        """No element that acts on its own, no image from another host (body.py)."""
        found = body_problems(content)
        if found:
            raise EditorInputError([Problem(self._where(), field, expected) for field, expected in found])

    def _check_body(self, content):
        if re.search(r"<h1[\s>]", content):
            raise EditorInputError(
                self._where(), "text",
                "a heading with a single '#' in the text; the title is the only first-level "
                "heading, start headings in the text with '##'",
            )

    def _resolve_image(self, value):
        """'{static}/bilder/x.png' → 'bilder/x.png' (site-relative), checked to exist."""
        value = str(value).strip()
        path = STATIC_PREFIX.sub("", value).lstrip("/")
        if not os.path.isfile(os.path.join(self.settings["PATH"], path)):
            raise EditorInputError(
                self._where(), "Image",
                f"no file content/{path}; expected e.g. '{{static}}/bilder/name.png'",
            )
        return path
