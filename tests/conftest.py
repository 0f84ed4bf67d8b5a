"""Fixtures shared by all tests: building sites, serving them, driving Chromium."""

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLUGINS = os.path.join(ROOT, "plugins")
if PLUGINS not in sys.path:
    sys.path.insert(0, PLUGINS)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.support.sites import FIXED_NOW, build_sample_site  # noqa: E402

pytest_plugins = ["tests.support.browser"]


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory):
    """The German sample content built once per session with a fixed "now"."""
    out = tmp_path_factory.mktemp("sample") / "output"
    result = build_sample_site(out)
    assert result.ok, result.report()
    return out


@pytest.fixture(scope="session")
def fixed_now():
    return FIXED_NOW
