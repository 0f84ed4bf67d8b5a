"""Building sites for tests through the project's build runner (Pelican's API)."""

import os
import textwrap

from build.run import build, load_settings

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXED_NOW = "2026-11-24T12:00:00+01:00"


def project_settings(overrides=None, settings_file="pelicanconf.py"):
    """The project's settings with paths made absolute, so tests run from anywhere."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        settings = load_settings(os.path.join(ROOT, settings_file), overrides)
    finally:
        os.chdir(cwd)
    return settings


def build_sample_site(output, overrides=None, strict=False, force=False):
    values = {
        "PATH": os.path.join(ROOT, "content"),
        "OUTPUT_PATH": str(output),
        "THEME": os.path.join(ROOT, "theme"),
        "PLUGIN_PATHS": [os.path.join(ROOT, "plugins")],
        "SITE_NOW": FIXED_NOW,
        "CACHE_PATH": str(output) + ".cache",
    }
    values.update(overrides or {})
    return build(settings=project_settings(values), strict=strict, force=force)


def write_files(base, files):
    """files: {"artikel/a.md": "Title: …"} → files under base (text dedented)."""
    for rel, text in files.items():
        path = os.path.join(base, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        mode = "wb" if isinstance(text, bytes) else "w"
        with open(path, mode, **({} if isinstance(text, bytes) else {"encoding": "utf-8"})) as handle:
            handle.write(text if isinstance(text, bytes) else textwrap.dedent(text).lstrip())


def build_fixture_site(tmp_path, files, overrides=None, strict=False, force=False):
    """A small site from `files` with the project's theme, plugins and settings.

    `force` builds even when nothing changed (a skipped build reads no cache)."""
    content = tmp_path / "content"
    write_files(content, files)
    output = tmp_path / "output"
    values = {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "THEME": os.path.join(ROOT, "theme"),
        "PLUGIN_PATHS": [os.path.join(ROOT, "plugins")],
        "SITE_NOW": FIXED_NOW,
        "CACHE_PATH": str(tmp_path / "cache"),
    }
    values.update(overrides or {})
    return build(settings=project_settings(values), strict=strict, force=force), output
