"""Helpers shared by the FAQ and search tests: the sample site with both plugins,
and reading what Pagefind put into the index."""

import gzip
import json

from tests.support.sites import build_sample_site, project_settings


def plugins_with_faq_and_search():
    """The project's PLUGINS plus faq and search (search last), whatever pelicanconf lists."""
    plugins = [p for p in project_settings()["PLUGINS"] if p not in ("faq", "search")]
    return plugins + ["faq", "search"]


def project_has_faq_and_search():
    plugins = list(project_settings()["PLUGINS"])
    return "faq" in plugins and plugins[-1:] == ["search"]


_built = {}


def site_with_faq_and_search(request, tmp_path_factory):
    """The session's sample site when pelicanconf enables both plugins, else one built
    here - once per session, shared by tests/faq and tests/search."""
    if project_has_faq_and_search():
        return request.getfixturevalue("sample_site")
    if "output" not in _built:
        out = tmp_path_factory.mktemp("sample-faq-search") / "output"
        result = build_sample_site(out, {"PLUGINS": plugins_with_faq_and_search()})
        assert result.ok, result.report()
        _built["output"] = out
    return _built["output"]


def index_fragments(output, bundle="pagefind"):
    """Every page record in the Pagefind index: {url: {"content", "meta", "filters", ...}}."""
    records = {}
    for path in sorted((output / bundle / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(b"pagefind_dcd"), path
        record = json.loads(raw[len(b"pagefind_dcd"):])
        records[record["url"]] = record
    return records
