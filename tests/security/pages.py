"""Built pages read the way a browser reads them (html5lib implements the
WHATWG parsing algorithm), and the questions the hostile-content tests ask
about them."""

import json

import html5lib

# The policy every page carries, word for word; the search page adds
# WebAssembly for Pagefind to script-src.
POLICY = ("default-src 'self'; script-src 'self'; object-src 'none'; "
          "base-uri 'self'; form-action 'self'")
SEARCH_POLICY = POLICY.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")
SITE_SCRIPTS = ("theme/js/status-banner.js", "theme/js/search.js", "theme/js/faq-filter.js")
DATA_SCRIPT_TYPES = ("application/ld+json",)


def parse(path):
    with open(path, "rb") as handle:
        return html5lib.parse(handle.read(), treebuilder="etree", namespaceHTMLElements=False)


def text(element):
    """The text of an element as the browser's textContent, spaces collapsed."""
    return " ".join("".join(element.itertext()).split())


def find_all(doc, tag):
    return list(doc.iter(tag))


def meta(doc, **attributes):
    """content of every <meta> whose attributes match (name=…, property=…)."""
    found = []
    for element in doc.iter("meta"):
        if all(element.get(key) == value for key, value in attributes.items()):
            found.append(element.get("content"))
    return found


def csp(doc):
    return meta(doc, **{"http-equiv": "Content-Security-Policy"})


def json_blocks(doc):
    """Every <script type="application/ld+json"> as parsed JSON (raises on invalid JSON)."""
    return [json.loads("".join(s.itertext())) for s in doc.iter("script")
            if s.get("type") in DATA_SCRIPT_TYPES]


def injected(doc):
    """Everything in a page that a payload could have added: elements with an
    event handler attribute, scripts that are neither the site's own files
    nor data, images and frames that are not the site's, style elements,
    meta refreshes, script links."""
    problems = []
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        for name in element.attrib:
            if name.lower().startswith("on"):
                problems.append(f"<{element.tag} {name}=…>")
        if element.tag == "script":
            source = element.get("src")
            if element.get("type") in DATA_SCRIPT_TYPES and not source:
                continue
            if not source or not source.endswith(SITE_SCRIPTS):
                problems.append(f"<script src={source!r}>{text(element)[:60]}")
        elif element.tag in ("img", "iframe", "object", "embed", "frame", "base", "form"):
            source = element.get("src") or element.get("data") or element.get("href") or ""
            action = element.get("action") or ""
            if element.tag in ("img",) and "/bilder/" in source:
                continue
            if element.tag == "form" and action.endswith("suche/"):
                continue
            problems.append(f"<{element.tag} {source or action!r}>")
        elif element.tag == "style" or (element.tag == "meta" and element.get("http-equiv")
                                        and element.get("http-equiv") != "Content-Security-Policy"):
            problems.append(f"<{element.tag} {element.get('http-equiv') or ''}>")
        href = (element.get("href") or "").strip().lower()
        if href.startswith(("javascript:", "data:", "vbscript:")):
            problems.append(f"<{element.tag} href={href[:40]!r}>")
    return problems


def is_complete(doc):
    """The page was parsed to its end: nothing (a stray comment or an open
    element) swallowed the footer."""
    footers = [f for f in doc.iter("footer") if "site-footer" in (f.get("class") or "")]
    return bool(footers) and "ohne Tracking" in text(footers[0])
