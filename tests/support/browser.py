"""Playwright + Debian Chromium fixtures, request recording and axe-core checks.

A missing browser fails the browser tests with instructions; it never skips.
"""

import os
import shutil
from urllib.parse import urlsplit

import pytest

from .server import serve_directory

CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium_path():
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if os.path.exists(configured) else None
    for candidate in CHROMIUM_CANDIDATES:
        if os.path.exists(candidate):
            return candidate
    found = shutil.which("chromium")
    return found


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        pytest.fail(
            "No Chromium found for the browser tests. Install Debian's package "
            "(sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium/Chrome binary.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def site_url(sample_site):
    with serve_directory(sample_site) as url:
        yield url


class RequestLog:
    """Every request a page makes; any host other than 127.0.0.1 is a failure."""

    def __init__(self):
        self.urls = []

    def record(self, request):
        self.urls.append(request.url)

    def foreign(self):
        bad = []
        for url in self.urls:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.hostname != "127.0.0.1":
                bad.append(url)
        return bad


# Runs in every document before the page's own scripts (Playwright injects it
# through the DevTools protocol, so the page's CSP does not apply to it) and
# hands every violation the browser reports to the test.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.__reportCspViolation(event.violatedDirective + " blocked " + (event.blockedURI || "inline")
    + " on " + event.documentURI);
});
"""


class CspLog:
    """Content-Security-Policy violations: securitypolicyviolation events and
    the console messages Chromium writes for them (one net catches what the
    other might miss, e.g. a violation before the listener ran)."""

    def __init__(self):
        self.violations = []

    def attach(self, context):
        context.expose_function("__reportCspViolation", self.record)
        context.add_init_script(CSP_LISTENER)
        context.on("console", self.console)

    def record(self, text):
        self.violations.append(text)

    def console(self, message):
        if "content security policy" in message.text.lower():
            self.violations.append(f"console: {message.text}")


@pytest.fixture
def page(browser):
    """A page that fails its test on a request to another host or on any
    Content-Security-Policy violation."""
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    context.set_default_timeout(10_000)
    log = RequestLog()
    context.on("request", log.record)
    csp = CspLog()
    csp.attach(context)
    page = context.new_page()
    page.request_log = log
    page.csp_log = csp
    yield page
    context.close()
    assert log.foreign() == [], f"requests to other hosts: {log.foreign()}"
    assert csp.violations == [], f"Content-Security-Policy violations: {csp.violations}"


def axe_violations(page):
    """axe-core WCAG 2.1 A/AA violations on the current page, as readable strings."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    found = []
    for violation in results.response["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
        found.append(f"{violation['id']}: {violation['help']} → {targets}")
    return found
