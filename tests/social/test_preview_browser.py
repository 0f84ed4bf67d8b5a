"""The preview page in headless Chromium: accessible (axe-core, WCAG 2.1 A/AA,
light and dark) and without requests to other hosts."""

import pytest

from tests.support.browser import axe_violations
from tests.support.server import serve_directory

from .conftest import build_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def preview_url(tmp_path_factory):
    # Development settings: pages link relatively, as `invoke build` makes them.
    result, output = build_site(tmp_path_factory.mktemp("preview"), RELATIVE_URLS=True)
    assert result.ok, result.report()
    with serve_directory(output) as url:
        yield url + "/social/vorschau/"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_preview_page_is_accessible(page, preview_url, scheme):
    page.emulate_media(color_scheme=scheme)
    response = page.goto(preview_url)
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Vorschau der Social-Media-Beiträge"
    assert page.locator(".social-post").count() == 12
    image = page.locator(".social-card img").first
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 1", arg=image.element_handle()
    )
    assert axe_violations(page) == []
