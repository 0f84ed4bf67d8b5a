import pytest

from tests.search.sites import site_with_faq_and_search
from tests.support.forking import pytest_pyfunc_call  # noqa: F401 - marker `forks`
from tests.support.server import serve_directory


@pytest.fixture(scope="session")
def full_site(request, tmp_path_factory):
    """The sample content built with the faq and search plugins (once per session)."""
    return site_with_faq_and_search(request, tmp_path_factory)


@pytest.fixture(scope="session")
def full_site_url(full_site):
    with serve_directory(full_site) as url:
        yield url
