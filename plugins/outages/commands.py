"""The logic behind the editors' invoke tasks (tasks.py only parses arguments).

    outage-new       a new notice file with its first update
    outage-update    append a timestamped update to a notice
    outage-resolve   append the final update and set End
    outage-publish   render only the outage outputs into the existing site

Every edit is validated with the same rules as the build before the file is
touched, so a command never leaves a notice the build would refuse. Files
are replaced atomically.

outage-publish exists for speed during an outage: it renders /status/, the
notice pages, /api/v2/, the feeds, the calendar, CAP files and badges, and
swaps them into the built site together, in well under a second, without the
rest of the build. Other pages keep the banner they were built with until the full build
that follows (`invoke build` / CI); until then status-banner.js on those
pages already reads the new /api/v2/summary.json.
"""

import datetime as dt
import glob
import logging
import os
import time
from dataclasses import dataclass, field

from pelican import Pelican
from pelican.generators import PagesGenerator
from pelican.settings import read_settings
from pelican.utils import sanitised_join

from german.dates import BERLIN, site_now
from german.slugs import slugify
from kit import atomic, lock, provenance, signals, staging
from kit.problems import Problem, display_path, file_system_problem

from . import vocabulary as v
from .components import load_components
from .generator import OutagesGenerator, serialise
from .model import window_text
from .notice_file import KIND_ARTICLES, format_window, parse_notice
from .settings import set_defaults
from .timeline import format_time, format_update, parse_source, parse_time

DEFAULT_TEXTS = {
    "investigating": "Wir haben eine Störung festgestellt und untersuchen sie. "
                     "Sobald wir mehr wissen, melden wir uns hier.",
    "scheduled": "Wir führen in diesem Zeitfenster Wartungsarbeiten durch.",
    "resolved": "Die Störung ist behoben, alle betroffenen Dienste funktionieren wieder. "
                "Danke für Ihre Geduld.",
    "completed": "Die Wartungsarbeiten sind abgeschlossen, alle Dienste funktionieren wieder.",
}


class CommandError(Exception):
    """A refused command; str() lists every problem, one per line."""

    def __init__(self, problems):
        self.problems = [p if isinstance(p, (str, Problem)) else str(p) for p in problems]
        super().__init__("\n".join(str(p) for p in self.problems))


def load_project_settings(settings_file="pelicanconf.py", overrides=None):
    """The site's settings plus this plugin's defaults, without starting Pelican."""
    settings = read_settings(settings_file, override=dict(overrides or {}))
    set_defaults(settings)
    return settings


def _now(settings, when=None):
    value = parse_time(when) if isinstance(when, str) else (when or site_now(settings))
    return value.astimezone(BERLIN).replace(second=0, microsecond=0)


def _registry(settings):
    path = os.path.join(settings["PATH"], settings["OUTAGES_COMPONENTS_FILE"])
    registry, problems = load_components(path, display_path(path, settings))
    if problems:
        raise CommandError(problems)
    return registry


def _notice_folder(settings):
    return os.path.join(settings["PATH"], settings["OUTAGES_PATH"])


def _validate(text, path, settings, registry):
    """Refuse text the build would refuse; returns the parsed notice."""
    data, problems = parse_notice(text, display_path(path, settings), registry,
                                  shared_keys=sorted(settings.get("SHARED_METADATA_KEYS") or ()))
    if problems:
        raise CommandError(problems)
    return data


def find_notice(settings, slug):
    """Path of the notice with this slug (Slug: line, title or file name)."""
    for path in sorted(glob.glob(os.path.join(_notice_folder(settings), "*.md"))):
        with open(path, encoding="utf-8") as handle:
            doc = parse_source(handle.read())
        candidates = {os.path.splitext(os.path.basename(path))[0]}
        if "slug" in doc.meta:
            candidates = {doc.meta["slug"].value.strip()}
        elif "title" in doc.meta:
            candidates.add(slugify(doc.meta["title"].value))
        if slug in candidates:
            return path
    raise CommandError([f"{settings['OUTAGES_PATH']}: no notice with the slug '{slug}'; "
                        "expected the last part of its address, e.g. "
                        "internetstoerung-kiel-2026-11-18"])


def _components_value(values):
    """['internet-kiel', 'festnetz-kiel=partial_outage'] → the Components: value
    (the ids and statuses are then checked with the whole file)."""
    items = []
    for value in values:
        items += [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise CommandError(["--components: missing; expected ids from the components file, "
                            "e.g. --components internet-kiel"])
    return ", ".join(items)


def new_notice(settings, title, components, impact=None, kind=v.INCIDENT, text=None,
               status=None, start=None, window=None, when=None, next_update=None):
    """Create content/stoerungen/<slug>.md with its first update. Returns its path."""
    registry = _registry(settings)
    now = _now(settings, when)
    if kind not in v.KINDS:
        raise CommandError([f"--kind: '{kind}' is unknown; expected incident or maintenance"])
    if kind == v.INCIDENT and impact is None:
        raise CommandError(["--impact: missing; expected one of " + ", ".join(v.IMPACTS)])
    status = status or ("investigating" if kind == v.INCIDENT else "scheduled")
    _check_status(status, kind)
    title = " ".join(title.split())
    base = slugify(title)
    if not base:
        raise CommandError([f"title: '{title}' gives an empty web address; use latin letters"])
    slug = f"{base}-{now:%Y-%m-%d}"
    folder = _notice_folder(settings)
    path = os.path.join(folder, f"{slug}.md")
    counter = 2
    while os.path.exists(path):
        slug = f"{base}-{now:%Y-%m-%d}-{counter}"
        path = os.path.join(folder, f"{slug}.md")
        counter += 1

    lines = [f"Title: {title}", f"Slug: {slug}", f"Kind: {kind}"]
    if impact:
        lines.append(f"Impact: {impact}")
    lines.append(f"Components: {_components_value(components)}")
    if kind == v.INCIDENT:
        begin = parse_time(start) if isinstance(start, str) else (start or now)
        lines.append(f"Start: {format_time(begin)}")
    if kind == v.MAINTENANCE:
        if not window or len(window) != 2 or not all(window):
            raise CommandError(["--window-start/--window-end: missing; a maintenance needs its window, "
                                "e.g. --window-start '2026-11-26 01:00' --window-end '2026-11-26 05:00'"])
        window_start, window_end = (_time_argument(name, w)
                                    for name, w in zip(("--window-start", "--window-end"), window, strict=True))
        lines.append(f"Scheduled-Start: {format_time(window_start)}")
        lines.append(f"Scheduled-End: {format_time(window_end)}")
        if start:
            lines.append(f"Start: {format_time(_time_argument('--start', start))}")
    text = text or DEFAULT_TEXTS.get(status, "")
    follow = _time_argument("--next-update", next_update) if next_update else None
    document = "\n".join(lines) + "\n\n" + format_update(now, status, text, follow)
    _validate(document, path, settings, registry)
    atomic.write_text(path, document)
    return path


def _time_argument(option, value):
    if isinstance(value, dt.datetime):
        return value
    try:
        return parse_time(value)
    except ValueError as exc:
        raise CommandError([f"{option}: {exc}"]) from None


def _check_status(status, kind):
    if status not in v.STATUSES[kind]:
        names = ", ".join(f"{k} ({label})" for k, label in v.STATUSES[kind].items())
        raise CommandError([f"--status: '{status}' is not a status of {KIND_ARTICLES[kind]}; "
                            f"expected one of {names}"])


def _read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def set_metadata(text, key, value):
    """Replace or add one 'Key: value' line in the header of a notice."""
    doc = parse_source(text)
    lines = text.splitlines()
    existing = doc.meta.get(key.lower())
    if existing is not None:
        lines[existing.line - 1] = f"{existing.key}: {value}"
    else:
        insert_at = max((m.line for m in doc.meta.values()), default=0)
        lines.insert(insert_at, f"{key}: {value}")
    return "\n".join(lines) + "\n"


def _append(text, block):
    return text.rstrip("\n") + "\n\n" + block


def update_notice(settings, slug, status, text, next_update=None, when=None):
    """Append a timestamped update. Returns the notice's path."""
    registry = _registry(settings)
    path = find_notice(settings, slug)
    current = _read(path)
    data = _validate(current, path, settings, registry)
    _check_status(status, data.kind)
    if not (text or "").strip():
        raise CommandError(["--text: missing; expected what customers should know now"])
    now = _now(settings, when)
    follow = _time_argument("--next-update", next_update) if next_update else None
    new = _append(current, format_update(now, status, text, follow))
    if status in ("resolved", "completed") and data.end is None:
        new = set_metadata(new, "End", format_time(now))
    _validate(new, path, settings, registry)
    atomic.write_text(path, new)
    return path


def resolve_notice(settings, slug, text=None, when=None, end=None):
    """Final update (resolved / completed) and End. Returns the notice's path."""
    registry = _registry(settings)
    path = find_notice(settings, slug)
    current = _read(path)
    data = _validate(current, path, settings, registry)
    status = "resolved" if data.kind == v.INCIDENT else "completed"
    if data.updates and data.updates[-1].status in v.FINAL_STATUSES:
        raise CommandError([f"{display_path(path, settings)}: already "
                            f"'{data.updates[-1].status}'; nothing to do"])
    now = _now(settings, when)
    finished = _time_argument("--end", end) if end else now
    new = _append(current, format_update(now, status, text or DEFAULT_TEXTS[status]))
    new = set_metadata(new, "End", format_time(finished))
    _validate(new, path, settings, registry)
    atomic.write_text(path, new)
    return path


def reschedule_notice(settings, slug, start, end, text=None, when=None):
    """Move a maintenance window; the old one goes to Rescheduled-From, so the
    calendar's SEQUENCE grows and subscribers' calendars follow."""
    registry = _registry(settings)
    path = find_notice(settings, slug)
    current = _read(path)
    data = _validate(current, path, settings, registry)
    if data.kind != v.MAINTENANCE:
        raise CommandError([f"{display_path(path, settings)}: Kind: only a maintenance has a "
                            "window to move"])
    new_start, new_end = _time_argument("--window", start), _time_argument("--window", end)
    previous = data.previous_windows + [(data.scheduled_start, data.scheduled_end)]
    now = _now(settings, when)
    new = set_metadata(current, "Scheduled-Start", format_time(new_start))
    new = set_metadata(new, "Scheduled-End", format_time(new_end))
    new = set_metadata(new, "Rescheduled-From", "; ".join(format_window(s, e) for s, e in previous))
    text = text or f"Die Wartungsarbeiten werden verschoben: neues Zeitfenster " \
                   f"{window_text(new_start, new_end)}."
    new = _append(new, format_update(now, "scheduled", text))
    _validate(new, path, settings, registry)
    atomic.write_text(path, new)
    return path


@dataclass
class PublishResult:
    ok: bool
    written: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    seconds: float = 0.0

    def report(self):
        if not self.ok:
            lines = [f"error: {p}" for p in self.problems]
            lines.append("Nothing was published; the site is unchanged.")
            return "\n".join(lines)
        return (f"Published {len(self.written)} files in {self.seconds:.2f} s. "
                "The full build follows (invoke build / CI) so every page's "
                "built-in banner catches up; until then the banner script on "
                "those pages reads the new /api/v2/summary.json.")


def publish(settings_file="pelicanconf.py", overrides=None, settings=None):
    """Render only the outage outputs and swap them into the built site at once.

    The pages must be exactly what the full build would write, so they are
    rendered with the settings that built `output/` (kit.provenance: the same
    settings file, SITEURL and overrides, and the site-wide flags such as the
    FAQ menu entry); `settings_file` only says where `output/` and that record
    are. Ready-made `settings` (tests) must agree with the record. Without a
    record, nothing is published: a guess would put wrong addresses into a
    live site.

    Everything is validated and rendered in memory first; on any problem
    nothing is written. Then a copy of `output/` made of hard links (no bytes
    copied) gets the new files, and replaces `output/` in one atomic step
    (kit.staging), under the build lock: a reader sees the old state of every
    outage file or the new state of all of them, never a mix, and a kill at
    any moment leaves no temporary file in `output/`. Problems come back in
    the result only: while it runs, a handler on the root logger keeps
    Python's last-resort handler from printing each logged one a second time.
    """
    quiet = logging.NullHandler()
    logging.getLogger().addHandler(quiet)
    try:
        if settings is None:
            where = read_settings(settings_file, override=dict(overrides or {}))
            output = staging.real_output(where["OUTPUT_PATH"])
            settings = provenance.settings_of(provenance.load(where, output), display_path(output, where),
                                              settings_file)
        set_defaults(settings)
        output = staging.real_output(settings["OUTPUT_PATH"])
        with lock.exclusive(output, "invoke outage-publish"):
            signals.disconnect_all()  # only the plugins of these settings act on this run
            try:
                return _publish(settings, output)
            finally:
                signals.disconnect_all()
    except (lock.LockTimeout, provenance.UnknownBuild) as exc:
        return PublishResult(False, problems=[str(exc)])
    finally:
        logging.getLogger().removeHandler(quiet)


def _built_with(settings, output):
    """The record of the build that made `output/`, checked against `settings`."""
    record = provenance.load(settings, output)
    shown = display_path(output, settings)
    for name, key in (("SITEURL", "siteurl"), ("RELATIVE_URLS", "relative_urls")):
        value = settings.get(name, "") if name == "SITEURL" else bool(settings.get(name))
        if value != record.get(key):
            raise provenance.UnknownBuild(
                f"{shown}/: {name}: built with {record.get(key)!r}, these settings have {value!r}; "
                "expected the settings that built it (invoke outage-publish reads them itself)")
    return record


def _publish(settings, output):
    started = time.perf_counter()
    # Only the plugins whose work shows in the outage outputs: the others
    # (topics, search, social …) cost start-up time and change nothing here.
    wanted = settings["OUTAGES_PUBLISH_PLUGINS"]
    settings["PLUGINS"] = [p for p in settings["PLUGINS"] if p in wanted]
    if "outages" not in settings["PLUGINS"]:  # publishing outages needs this plugin
        settings["PLUGINS"] = list(settings["PLUGINS"]) + ["outages"]
    if not os.path.isdir(output) or not os.listdir(output):
        return PublishResult(False, problems=[
            f"{display_path(output, settings)}: no built site there; run the full build (invoke build) first"])
    record = _built_with(settings, output)

    pelican = Pelican(settings)  # loads the plugins: filters, defaults, signals
    settings = pelican.settings
    context = settings.copy()
    # The flags the other plugins set in the full build (the FAQ menu entry …):
    # their generators do not run here, their flags shape every page's layout.
    context.update(record["flags"])
    context.update(generated_content={}, static_links=set(), static_content={},
                   localsiteurl=settings["SITEURL"])
    common = {"context": context, "settings": settings, "path": settings["PATH"],
                  "theme": settings["THEME"], "output_path": output}
    # Pages feed the footer navigation of base.html; articles are not needed.
    PagesGenerator(**common).generate_context()
    generator = OutagesGenerator(**common)
    generator.generate_context()
    if generator.problems:
        return PublishResult(False, problems=list(generator.problems),
                             seconds=time.perf_counter() - started)

    files = {path: serialise(data) for path, data in generator.data_files().items()}
    files.update(generator.render_pages())
    stage = None
    try:
        stage = staging.clone(output)
        for path, data in sorted(files.items()):
            atomic.write_bytes(sanitised_join(stage, path),
                               data.encode("utf-8") if isinstance(data, str) else data)
        recorded = provenance.copied(settings, output, stage, record)  # the swap keeps the copy's identity
        if recorded:
            staging.swap_in(stage, output)
    except OSError as exc:
        if stage is not None:
            staging.discard(stage)
        return PublishResult(False, problems=[file_system_problem(exc, output, "publishing the outage pages")],
                             seconds=time.perf_counter() - started)
    if not recorded:
        staging.discard(stage)
        return PublishResult(False, problems=[
            f"{display_path(provenance.record_path(settings), settings)}: could not be written; expected a "
            "writable cache folder (CACHE_PATH), where the record of the build is kept"],
            seconds=time.perf_counter() - started)
    return PublishResult(True, written=sorted(files), seconds=time.perf_counter() - started)
