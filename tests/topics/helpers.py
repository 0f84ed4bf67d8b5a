"""Tiny Pelican sites for the topics tests (plugins german + topics only)."""

import json
import logging
import os
import textwrap

from pelican import Pelican
from pelican.settings import read_settings

from build.run import reset_signals

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROJECT_TAXONOMY = os.path.join(ROOT, "content", "themen.yml")


def write(base, files):
    for rel, text in files.items():
        path = os.path.join(base, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(textwrap.dedent(text).lstrip())


def settings_for(tmp_path, **overrides):
    values = {
        "PATH": str(tmp_path / "content"),
        "OUTPUT_PATH": str(tmp_path / "output"),
        "CACHE_PATH": str(tmp_path / "cache"),
        "PLUGIN_PATHS": [os.path.join(ROOT, "plugins")],
        "PLUGINS": ["german", "topics"],
        "SITEURL": "https://example.org",
        "TIMEZONE": "Europe/Berlin",
        "ARTICLE_PATHS": ["artikel"],
        "PAGE_PATHS": ["seiten"],
        "ARTICLE_URL": "artikel/{slug}/",
        "ARTICLE_SAVE_AS": "artikel/{slug}/index.html",
        "PAGE_URL": "{slug}/",
        "PAGE_SAVE_AS": "{slug}/index.html",
        "TAG_URL": "themen/{slug}/",
        "TAG_SAVE_AS": "themen/{slug}/index.html",
        "TAG_FEED_ATOM": "feeds/themen/{slug}.atom.xml",
        "FEED_DOMAIN": "https://example.org",
        "TOPICS_WORKER": False,
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
    }
    values.update(overrides)
    return read_settings(override=values)


def build(tmp_path, files, taxonomy=None, **overrides):
    """Write `files` under content/, add the taxonomy, build; returns the output dir."""
    content = tmp_path / "content"
    write(content, files)
    if taxonomy is None:
        with open(PROJECT_TAXONOMY, encoding="utf-8") as handle:
            taxonomy = handle.read()
    (content / "themen.yml").write_text(taxonomy, encoding="utf-8")
    try:
        Pelican(settings_for(tmp_path, **overrides)).run()
    finally:
        reset_signals()  # signals are global: leave no plugin acting on the next test's build
    return tmp_path / "output"


def report(output):
    with open(output / "themen" / "bericht.json", encoding="utf-8") as handle:
        return json.load(handle)


def entry(data, source_suffix):
    return next(d for d in data["documents"] if d["source"].endswith(source_suffix))


def errors(caplog):
    return [r for r in caplog.records if r.levelno >= logging.ERROR]
