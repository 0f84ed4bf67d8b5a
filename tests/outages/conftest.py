"""Fixtures of the outages tests."""

import pytest

from .samples import ALL_NOTICES, build_outage_site


@pytest.fixture(scope="module")
def outage_site(tmp_path_factory):
    """All kinds of notices built once; the tests below only read it."""
    tmp = tmp_path_factory.mktemp("outages")
    result, output = build_outage_site(tmp, ALL_NOTICES)
    assert result.ok, result.report()
    return output
