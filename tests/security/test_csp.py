"""The Content-Security-Policy of the sample site: on every page, first in
<head>, word for word; nothing on any page that it would refuse; and the
browser checks of the suite really notice a violation."""

import pytest

from tests.support.browser import CspLog
from tests.support.html import html_pages
from tests.support.server import serve_directory
from tests.support.sites import build_fixture_site

from .pages import POLICY, SEARCH_POLICY, csp, injected, parse

INLINE_PAGE = f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{POLICY}">
<title>Probe</title></head>
<body><p id="probe">unverändert</p>
<script>document.getElementById("probe").textContent = "ausgeführt";</script>
<img src="../nirgends.png" alt="" onerror="document.getElementById('probe').textContent = 'Handler';">
</body></html>
"""


def test_every_page_carries_the_policy_right_after_its_charset(sample_site):
    pages = html_pages(sample_site)
    assert len(pages) > 50
    for path in pages:
        doc = parse(path)
        head = [e for e in doc.find("head") if isinstance(e.tag, str)]
        assert head[0].tag == "meta" and head[0].get("charset") == "utf-8", path
        assert head[1].get("http-equiv") == "Content-Security-Policy", path
        expected = SEARCH_POLICY if path.parent.name == "suche" else POLICY
        assert csp(doc) == [expected], path


def test_policy_allows_no_inline_script_no_other_host_and_no_plugins():
    for policy in (POLICY, SEARCH_POLICY):
        directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ")}
        assert directives["default-src"] == ["'self'"]
        assert directives["script-src"][0] == "'self'"
        assert set(directives["script-src"][1:]) <= {"'wasm-unsafe-eval'"}
        assert directives["object-src"] == ["'none'"]
        assert directives["base-uri"] == ["'self'"] and directives["form-action"] == ["'self'"]
        sources = [s for values in directives.values() for s in values]
        assert all(s.startswith("'") and s.endswith("'") for s in sources)  # keywords, no hosts
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources


def test_no_page_needs_what_the_policy_refuses(sample_site):
    """Inline scripts, handlers, style elements and style attributes would be
    refused by the browser: the theme and the sample texts use none."""
    for path in html_pages(sample_site):
        doc = parse(path)
        assert injected(doc) == [], path
        styled = [e.tag for e in doc.iter() if isinstance(e.tag, str) and e.get("style") is not None]
        assert styled == [], path


@pytest.mark.browser
def test_the_browser_checks_notice_a_violation(browser, tmp_path):
    """The `page` fixture's CSP check, tried on a page that breaks the policy:
    the inline script and the handler are refused and both are reported."""
    (tmp_path / "probe").mkdir()
    (tmp_path / "probe" / "index.html").write_text(INLINE_PAGE, encoding="utf-8")
    context = browser.new_context()
    log = CspLog()
    log.attach(context)
    try:
        with serve_directory(tmp_path) as url:
            page = context.new_page()
            page.goto(url + "/probe/")
            page.wait_for_load_state("load")
            page.wait_for_timeout(200)  # let the violation events arrive
            assert page.locator("#probe").text_content() == "unverändert"
    finally:
        context.close()
    assert any("script-src-elem" in v for v in log.violations), log.violations
    assert any("script-src-attr" in v for v in log.violations), log.violations


@pytest.mark.browser
def test_search_works_without_workers_under_the_policy(page, site_url):
    """Pagefind compiles its WebAssembly in a worker where it can and in the
    page otherwise (no workers, or a browser that gives the worker the page's
    policy): 'wasm-unsafe-eval' on the search page keeps the second way open."""
    page.add_init_script("delete window.Worker;")
    page.goto(site_url + "/suche/?q=Störung")
    page.locator("[data-search-status]").filter(has_text="Treffer").wait_for()
    assert page.evaluate("typeof Worker") == "undefined"
    assert page.locator(".search-result").count() > 0


def test_live_reload_builds_load_the_reload_client_as_a_file(tmp_path):
    """`invoke livereload` passes LIVERELOAD_PORT: the pages then load the
    reload client from the same server as a file (the library's own inline
    loader is refused by the policy); other builds do not mention it."""
    article = "Title: Ein Beitrag\nDate: 2026-11-01 10:00\nCategory: Test\n\nText.\n"
    result, output = build_fixture_site(tmp_path / "live", {"artikel/a.md": article},
                                        {"LIVERELOAD_PORT": 8765})
    assert result.ok, result.report()
    scripts = [s.get("src") for s in parse(output / "index.html").iter("script")]
    assert "/livereload.js?port=8765" in scripts
    assert csp(parse(output / "index.html")) == [POLICY]
    result, output = build_fixture_site(tmp_path / "plain", {"artikel/a.md": article})
    assert result.ok, result.report()
    assert "livereload" not in (output / "index.html").read_text(encoding="utf-8")
