"""Which settings built `output/`, for commands that add pages to a built site.

A command that renders a few pages into an existing site (outage-publish)
must render them exactly as the build that made the site did: with the same
settings file (development or production), the same SITEURL (which the
settings files read from the environment), the same overrides (live reload's
port) and the same site-wide flags that plugins put into the shared template
context (e.g. `faq_published`, which shows the FAQ entry in every page's menu,
known only after reading every FAQ entry).

Every successful build records that here (CACHE_PATH/build/site, a checked
data cache: kit.datacache), along
with the identity (inode) of the tree it swapped in; a command that swaps in
a copy adds the copy's identity before the swap (a rename keeps it), so a
kill at any moment leaves a record that still describes `output/`. A command reads the
record and re-reads the same settings file under the same environment; when
there is no record for the tree now at `output/` (built by hand, by another
checkout, or before this record existed), it refuses: it cannot know how the
site was built, and a guess would write wrong addresses into a live site.

A record names a settings file, which is Python: only a file in the folder of
the settings file the command starts from (the project's) is read, and
overrides are plain values, so a cache restored from elsewhere cannot make a
command run code or load plugins from another place.
"""

import contextlib
import os

from pelican.settings import read_settings

from . import datacache

VERSION = 1
KIND = "site-record"
# Settings a record may override: plain values that name no code (no PLUGINS,
# PLUGIN_PATHS, THEME or Jinja options).
_CODE_SETTINGS = ("PLUGINS", "PLUGIN_PATHS", "THEME", "THEME_TEMPLATES_OVERRIDES", "JINJA_ENVIRONMENT",
                  "JINJA_FILTERS", "JINJA_GLOBALS", "JINJA_TESTS", "READERS")
# Settings files read these from the environment (pelicanconf.py, publishconf.py).
ENVIRONMENT = ("SITEURL",)


class UnknownBuild(Exception):
    """No usable record for the tree at `output/`; str() is one line for the editor."""


def record_path(settings):
    return os.path.join(settings["CACHE_PATH"], "build", "site")


def _cache(settings):
    return datacache.CacheFile(record_path(settings), KIND, VERSION)


def _plain(value):
    return value is None or isinstance(value, (bool, int, float, str))


def _well_formed(data):
    return (isinstance(data, dict)
            and isinstance(data.get("trees"), list) and all(type(t) is int for t in data["trees"])
            and (data.get("settings_file") is None or isinstance(data.get("settings_file"), str))
            and isinstance(data.get("overrides"), dict)
            and all(isinstance(k, str) and k not in _CODE_SETTINGS and _plain(v)
                    for k, v in data["overrides"].items())
            and isinstance(data.get("environment"), dict)
            and all(isinstance(v, (str, type(None))) for v in data["environment"].values())
            and isinstance(data.get("siteurl"), str) and isinstance(data.get("relative_urls"), bool)
            and isinstance(data.get("flags"), dict)
            and all(isinstance(k, str) and isinstance(v, bool) for k, v in data["flags"].items()))


def _tree_id(output):
    try:
        return os.stat(output).st_ino
    except OSError:
        return None


def site_flags(context):
    """The flags plugins publish for the shared layout: lowercase context names
    with a True/False value (settings are upper case, content lists are lists)."""
    return {name: value for name, value in context.items()
            if isinstance(value, bool) and not name.isupper()}


def save(settings, output, source, flags):
    """Record a successful build of `output`. `source` is (settings file, overrides)
    or None when the build got ready-made settings (the record then says so).
    False (with one notice) when the record cannot be written."""
    settings_file, overrides = source if source else (None, None)
    overrides = dict(overrides or {})
    if not all(k not in _CODE_SETTINGS and _plain(v) for k, v in overrides.items()):
        settings_file, overrides = None, {}  # settings a command must not repeat from a cache
    data = {
        "trees": [_tree_id(output)],
        "settings_file": os.path.abspath(settings_file) if settings_file else None,
        "overrides": overrides,
        "environment": {name: os.environ.get(name) for name in ENVIRONMENT},
        "siteurl": settings.get("SITEURL", ""),
        "relative_urls": bool(settings.get("RELATIVE_URLS")),
        "flags": dict(flags or {}),
    }
    return _cache(settings).save(data, key=os.path.abspath(output))


def forget(settings):
    with contextlib.suppress(OSError):
        os.unlink(record_path(settings))


def load(settings, output):
    """The record of the build that made the tree now at `output`.

    Raises UnknownBuild (one line) when there is none."""
    shown = os.path.relpath(output) if not os.path.relpath(output).startswith("..") else output
    data = _cache(settings).load(key=os.path.abspath(output), valid=_well_formed)
    if data is None or _tree_id(output) not in data["trees"]:
        raise UnknownBuild(f"{shown}/: no record of the build that made it, so its settings "
                           "(development or production, SITEURL) are unknown; expected a site "
                           "built here: run invoke build (or invoke preview) first")
    return data


def still_recorded(settings, output):
    """True when the record describes the tree now at `output`."""
    try:
        load(settings, output)
    except UnknownBuild:
        return False
    return True


def copied(settings, output, copy, record):
    """`copy` (a tree about to replace `output`, with a few pages rendered anew
    with the same settings) is described by the same record as `output`.
    False (with one notice) when that cannot be recorded."""
    data = dict(record, trees=[_tree_id(output), _tree_id(copy)])
    return _cache(settings).save(data, key=os.path.abspath(output))


@contextlib.contextmanager
def _environment(values):
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def settings_of(record, shown_output, project_settings_file):
    """The settings that built the recorded site, read afresh from its settings
    file under the environment of that build. Raises UnknownBuild."""
    settings_file = record.get("settings_file")
    if not settings_file:
        raise UnknownBuild(f"{shown_output}/: built from settings given in code, not from a "
                           "settings file; expected a site built with invoke build or invoke preview")
    project = os.path.dirname(os.path.abspath(project_settings_file))
    if os.path.dirname(settings_file) != project or not settings_file.endswith(".py"):
        raise UnknownBuild(f"{shown_output}/: built with the settings file {settings_file}, outside "
                           f"this project; expected a settings file in {project}: build again here")
    if not os.path.isfile(settings_file):
        raise UnknownBuild(f"{settings_file}: settings file of the last build is gone; "
                           "expected it in place, or build again (invoke build)")
    environment = {name: record.get("environment", {}).get(name) for name in ENVIRONMENT}
    try:
        with _environment(environment):
            settings = read_settings(settings_file, override=dict(record.get("overrides") or {}))
    except SystemExit as exc:  # publishconf.py explains a missing SITEURL this way
        raise UnknownBuild(str(exc)) from None
    if settings.get("SITEURL", "") != record.get("siteurl"):
        raise UnknownBuild(f"{settings_file}: SITEURL: now '{settings.get('SITEURL', '')}', but "
                           f"{shown_output}/ was built with '{record.get('siteurl')}'; expected "
                           "the settings file unchanged since the build, or build again")
    return settings
