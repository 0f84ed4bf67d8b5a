"""What the HTML of a text may not contain: elements that act on their own and
images or media loaded from other hosts.

Markdown lets editors type raw HTML, and a text goes unchanged into the page
and into the Atom, RSS and JSON feeds. A `<meta http-equiv="refresh">` sends
readers to another site (a Content-Security-Policy does not govern
navigation), `<base>` moves every link, `<form>` posts what readers type
elsewhere; `<script>`, `<style>`, `<link>`, `<iframe>`, `<object>` and
`<embed>` load or run something that is not text. An image from another host
is blocked on the site by the CSP, but feed readers load it and tell that host
who read the text. None of this is needed for a customer-service text, so each
is refused, naming what was found.

The rendered HTML is parsed (not searched with patterns), so `<img src=x>`
without quotes counts and `` `<script>` `` in code, which Markdown escapes,
does not.
"""

import re
from html.parser import HTMLParser

REFUSED_ELEMENTS = {
    "meta": "can send readers to another site",
    "base": "changes where every link of the page leads",
    "form": "would send what readers type to another site",
    "script": "would run a program in the readers' browsers",
    "style": "would change the look of the whole page",
    "link": "would load a file from elsewhere into the page",
    "iframe": "would show another site inside the page",
    "frame": "would show another site inside the page",
    "frameset": "would show another site inside the page",
    "object": "would embed a file or program from elsewhere",
    "embed": "would embed a file or program from elsewhere",
    "applet": "would embed a file or program from elsewhere",
}
# Attributes whose URL the browser (or a feed reader) loads without a click.
LOADED_ATTRIBUTES = ("src", "srcset", "poster", "data", "background", "lowsrc", "dynsrc")
# SVG elements that load what their href names.
LOADING_HREF_ELEMENTS = {"image", "use", "feimage"}
CSS_URL = re.compile(r"""url\(\s*(["']?)(.*?)\1\s*\)""", re.IGNORECASE)
# {static}/bilder/x.png, {attach}x.pdf, {filename}/…: Pelican links to a file of the site.
INTRASITE = re.compile(r"^\{(static|attach|filename)\}")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
IMAGE_EXAMPLE = "![Beschreibung]({static}/bilder/name.png)"
# Texts without any of these cannot hold a problem: most are paragraphs and
# links only, and parsing each of thousands of texts costs build time.
WORTH_PARSING = re.compile(
    r"<(?:" + "|".join(sorted(REFUSED_ELEMENTS.keys() | LOADING_HREF_ELEMENTS)) + r")\b"
    r"|(?:" + "|".join((*LOADED_ATTRIBUTES, "ping", "style")) + r")\s*=",
    re.IGNORECASE,
)


def is_own_file(url):
    """A URL of this site: relative, site-relative or one of Pelican's {static} forms."""
    url = (url or "").strip()
    if INTRASITE.match(url):
        return True
    # Browsers ignore tabs and line breaks inside URLs, and read "\" as "/".
    compact = re.sub(r"[\t\n\r]", "", url).replace("\\", "/")
    return not compact.startswith("//") and not SCHEME.match(compact)


def _srcset_urls(value):
    return [candidate.split()[0] for candidate in value.split(",") if candidate.split()]


class _BodyScanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []  # (field, expected) in the order of the text

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_starttag(self, tag, attrs):
        tag = tag.lower()
        if tag in REFUSED_ELEMENTS:
            self.found.append((
                "text",
                f"{'an' if tag[0] in 'aeiou' else 'a'} <{tag}> element, which {REFUSED_ELEMENTS[tag]}; "
                "expected Markdown text only "
                "(links as [Text](https://…), images from content/bilder/ as " + IMAGE_EXAMPLE + ")",
            ))
            return
        urls = []
        for name, value in attrs:
            name, value = name.lower(), value or ""
            if name in LOADED_ATTRIBUTES:
                urls += _srcset_urls(value) if name == "srcset" else [value]
            elif name in ("href", "xlink:href") and tag in LOADING_HREF_ELEMENTS:
                urls.append(value)
            elif name == "ping" and value.strip():
                self.found.append((f"<{tag}> ping", "reports each click to another address; expected a "
                                                    "plain link, [Text](https://…)"))
            elif name == "style":
                urls += [match.group(2) for match in CSS_URL.finditer(value)]
        for url in urls:
            if not is_own_file(url):
                what = "image" if tag in ("img", "picture", "source", "image", "input") else f"<{tag}>"
                self.found.append((
                    f"{what} {url.strip()}",
                    "is loaded from another host (feed readers would load it and tell that host who "
                    "read the text; the site blocks it); expected a file saved in content/bilder/, "
                    "e.g. " + IMAGE_EXAMPLE,
                ))


def body_problems(html):
    """[(field, expected)] for what the text's HTML may not contain."""
    if not html or not WORTH_PARSING.search(html):
        return []
    scanner = _BodyScanner()
    scanner.feed(html or "")
    scanner.close()
    return scanner.found
