"""The hostile site, built once per session in development and in production."""

import os

import pytest

from build.run import build
from tests.support.sites import FIXED_NOW, ROOT, project_settings

from .hostile import write_content

PRODUCTION_URL = "https://service.example.org"


def build_hostile_site(tmp, settings_file="pelicanconf.py", content=None):
    """(result, output) of a strict-free build of the hostile content."""
    content = content or write_content(str(tmp / "content"))
    output = tmp / "output"
    values = {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "THEME": os.path.join(ROOT, "theme"),
        "PLUGIN_PATHS": [os.path.join(ROOT, "plugins")],
        "SITE_NOW": FIXED_NOW,
        "CACHE_PATH": str(tmp / "cache"),
    }
    return build(settings=project_settings(values, settings_file)), output


@pytest.fixture(scope="session")
def hostile_dev(tmp_path_factory):
    result, output = build_hostile_site(tmp_path_factory.mktemp("hostile-dev"))
    assert result.ok, result.report()
    return output


@pytest.fixture(scope="session")
def hostile_prod(tmp_path_factory):
    """publishconf.py reads SITEURL from the environment, as in CI."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITEURL", PRODUCTION_URL)
        result, output = build_hostile_site(tmp_path_factory.mktemp("hostile-prod"), "publishconf.py")
    assert result.ok, result.report()
    return output


@pytest.fixture(scope="session", params=["development", "production"])
def hostile_site(request):
    return request.getfixturevalue("hostile_dev" if request.param == "development" else "hostile_prod")
