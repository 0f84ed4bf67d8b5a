"""HTML → plain text for places that must not carry markup (JSON-LD answers)."""

import re
from html.parser import HTMLParser

BLOCKS = {
    "p", "div", "section", "article", "blockquote", "pre", "table",
    "tr", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "dl", "dt", "dd",
}
SKIP = {"script", "style", "template"}


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = 0
        self.lists = []  # per open list: the next number, or None for bullets

    def handle_starttag(self, tag, attrs):
        if tag in SKIP:
            self.skipping += 1
        elif tag in ("ul", "ol"):
            self.lists.append(1 if tag == "ol" else None)
            self.parts.append("\n\n")
        elif tag == "li":
            number = self.lists[-1] if self.lists else None
            if number is None:
                self.parts.append("\n- ")
            else:
                self.parts.append(f"\n{number}. ")
                self.lists[-1] = number + 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.parts.append("\n\n")
        elif tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html):
    """Readable plain text: paragraphs separated by a blank line, list items as '- …' or '1. …'."""
    parser = _TextParser()
    parser.feed(html or "")
    parser.close()
    text = "".join(parser.parts)
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    # A list item directly after its introduction needs no blank line before it.
    text = re.sub(r"\n\n(?=- |\d+\. )", "\n", text)
    return text.strip()


def first_paragraph(html):
    """Plain text of the first paragraph (or of the whole text when it has none)."""
    match = re.search(r"<p\b[^>]*>(.*?)</p>", html or "", re.S | re.I)
    return html_to_text(match.group(1) if match else html)


def short_answer(html):
    """A one-paragraph answer for lists: the first paragraph, without a trailing
    sentence that only announces a list ("Gehen Sie so vor:")."""
    text = first_paragraph(html)
    if text.endswith(":"):
        sentences = re.split(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ0-9„\"])", text)
        text = " ".join(sentences[:-1]) if len(sentences) > 1 else text[:-1].rstrip() + "."
    return text
