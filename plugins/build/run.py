"""One build: lock → settings → staging directory → Pelican → checks → swap.

Used by every invoke task that builds and by the tests, so they all get the
same guarantees: one build at a time per checkout (kit.lock), a failed build
leaves `output/` untouched and reports one line per problem, and a failure
of the file system (permissions, a full disk, an immutable folder) is one
line that names the path and what to do, never a traceback or a leftover
staging folder.
"""

import gc
import logging
import os
import re
import time
import traceback
from dataclasses import dataclass, field

from pelican import Pelican
from pelican.plugins import signals as pelican_signals
from pelican.settings import read_settings
from pelican.writers import FileOverwriteFailedError

from kit import child, lock, memory, outputs, pelican_door, provenance, signals, staging
from kit.problems import file_system_problem

from . import uptodate
from .problems import ByLevel, Problem, ProblemCollector


@dataclass
class BuildResult(ByLevel):
    ok: bool
    output: str
    problems: list = field(default_factory=list)
    seconds: float = 0.0
    skipped: bool = False

    def report(self):
        lines = [str(p) for p in self.problems]
        if self.ok and self.skipped:
            lines.append(f"Nothing changed since the last build ({self.seconds:.1f} s): {self.output} is up to date")
        elif self.ok:
            lines.append(f"Build finished in {self.seconds:.1f} s: {self.output}")
        else:
            lines.append(
                f"Build failed ({len(self.errors)} errors, {len(self.warnings)} warnings); "
                f"{self.output} was left unchanged."
            )
        return "\n".join(lines)


def reset_signals():
    """Disconnect every plugin from Pelican's signals (kit.signals)."""
    signals.disconnect_all()


def load_settings(settings_file="pelicanconf.py", overrides=None):
    return read_settings(settings_file, override=dict(overrides or {}))


def build(settings_file="pelicanconf.py", overrides=None, *, strict=False, settings=None, force=False,
          warm=False, what="build", lock_timeout=600.0, on_generators=None, source=None):
    """Build the site atomically. `strict` makes every warning fatal (invoke check);
    `force` builds even when nothing changed since the last good build; `warm` (the
    live-reload server, which knows something changed) skips the up-to-date check
    and its stamp altogether; `on_generators` is called with Pelican's generators
    once they have read everything (all_generators_finalized). `source` is the
    (settings file, overrides) that ready-made `settings` came from; it is recorded
    (kit.provenance) so that outage-publish can render with the same settings."""
    started = time.perf_counter()
    if settings is None:
        source = (settings_file, dict(overrides or {}))
        settings = load_settings(settings_file, overrides)
    output = staging.real_output(settings["OUTPUT_PATH"])  # a linked output/: swapped where it leads
    try:
        with lock.exclusive(output, what, timeout=lock_timeout):
            return _locked_build(settings, output, strict, force, started, warm, on_generators, source)
    except lock.LockTimeout as exc:
        return BuildResult(ok=False, output=output, problems=[Problem("error", str(exc))],
                           seconds=time.perf_counter() - started)
    except OSError as exc:  # the lock file itself
        return BuildResult(ok=False, output=output,
                           problems=[Problem("error", file_system_problem(exc, lock.lock_path(output),
                                                                        "taking the build lock"))],
                           seconds=time.perf_counter() - started)


def _overwrite_message(exc, stage):
    """Pelican refused to write one address twice: name the address and, from
    the register of addresses, the source that wrote it first."""
    quoted = re.search(r'"([^"]+)"', str(exc))
    path = quoted.group(1) if quoted else ""
    rel = os.path.relpath(path, stage).replace(os.sep, "/") if path else "?"
    first = outputs.owner(path) if path else None
    return (f"{first or 'a page of the site'}: address /{rel}: written a second time for another page; "
            "expected each address once (give one of them another Slug or title)")


def _failed(output, started, problems):
    return BuildResult(ok=False, output=output, problems=problems, seconds=time.perf_counter() - started)


def _locked_build(settings, output, strict, force, started, warm=False, on_generators=None, source=None):
    if warm:
        inputs = None
        uptodate.forget(settings)  # the output is about to change without a stamp of its own
    else:
        inputs = uptodate.input_fingerprint(settings)
    stamp = None if warm else uptodate.load(settings)
    # Without a record of how output/ was built (kit.provenance) the build runs, to write one;
    # a damaged record is discarded with a notice, reported with this build's problems.
    early = ProblemCollector()
    logging.getLogger().addHandler(early)
    try:
        recorded = provenance.still_recorded(settings, output)
    finally:
        logging.getLogger().removeHandler(early)
    if not (force or warm) and recorded and uptodate.still_valid(stamp, inputs, output, settings):
        problems = [Problem(level, message) for level, message in stamp.get("problems", [])]
        failed = any(p.level == "error" for p in problems) or (
            strict and any(p.level == "warning" for p in problems))
        return BuildResult(ok=not failed, output=output, problems=problems,
                           seconds=time.perf_counter() - started, skipped=True)
    try:
        stage = staging.prepare(output)
    except OSError as exc:
        return _failed(output, started, [Problem("error", file_system_problem(
            exc, staging.staging_path(output), "making the staging folder beside output/"))])
    settings["OUTPUT_PATH"] = stage
    # Plugins that reuse work of the previous build (e.g. the search index)
    # find the last good output here; it is only replaced after success.
    settings["FINAL_OUTPUT_PATH"] = output
    # A fresh staging directory has nothing to delete; never let Pelican touch output/.
    settings["DELETE_OUTPUT_DIRECTORY"] = False

    collector = ProblemCollector()
    collector.problems.extend(early.problems)
    root = logging.getLogger()
    root.addHandler(collector)
    pelican_door.reset_log_deduplication()
    reset_signals()
    flags = {}

    def keep_flags(generators):
        flags.update(provenance.site_flags(generators[0].context) if generators else {})

    pelican_signals.all_generators_finalized.connect(keep_flags)
    if on_generators is not None:
        pelican_signals.all_generators_finalized.connect(on_generators)
    outputs.begin(stage)  # every address is claimed by one source (kit.outputs)
    try:
        Pelican(settings).run()
    except OSError as exc:
        if not collector.errors:
            # An address written twice (kit.outputs) is the editor's to fix, not the disk's.
            detail = str(exc) if getattr(exc, "editor_error", False) else file_system_problem(
                exc, stage, "writing the site")
            collector.problems.append(Problem("error", detail))
    except Exception as exc:  # noqa: BLE001 - reported below, never as a bare traceback
        if not collector.errors:
            if getattr(exc, "editor_error", False):
                detail = str(exc)
            elif isinstance(exc, FileOverwriteFailedError):
                detail = _overwrite_message(exc, stage)
            else:
                detail = "the build stopped: " + "".join(
                    traceback.format_exception_only(type(exc), exc)).strip()
            if os.environ.get("SITE_DEBUG"):
                detail += "\n" + traceback.format_exc()
            collector.problems.append(Problem("error", detail))
    finally:
        # No child of this build may still be writing when its folder is swapped in or deleted.
        child.join_unjoined()
        outputs.end(stage)
        pelican_door.forget_memoised_content()
        memory.release_freed_memory()  # for the next build in this process (live reload)
        root.removeHandler(collector)
        reset_signals()  # leave no plugin connected for whatever runs next in this process
        gc.unfreeze()  # a plugin may have frozen objects (speed); a failed build must not keep them

    problems = list(collector.problems)
    failed = bool(collector.errors) or (strict and bool(collector.warnings))
    if failed:
        staging.discard(stage)
        return _failed(output, started, problems)
    try:
        staging.swap_in(stage, output)
    except OSError as exc:
        staging.discard(stage)
        problems.append(Problem("error", file_system_problem(exc, output, "replacing output/ with the new site")
                                + "; the previous site is unchanged"))
        return _failed(output, started, problems)
    recording = ProblemCollector()  # a record that cannot be written is a notice of this build
    logging.getLogger().addHandler(recording)
    try:
        if not provenance.save(settings, output, source, flags):
            provenance.forget(settings)
    finally:
        logging.getLogger().removeHandler(recording)
    problems += recording.problems
    if warm:
        return BuildResult(ok=True, output=output, problems=problems, seconds=time.perf_counter() - started)
    try:
        uptodate.save(settings, inputs, output, settings.get("BUILD_VALID_UNTIL"),
                      [[p.level, p.message] for p in problems if p.level != "notice"])
    except OSError as exc:
        problems.append(Problem("notice", file_system_problem(
            exc, uptodate.stamp_path(settings), "recording the build (up-to-date stamp)")
            + "; the new site is in place, the next build runs in full"))
    return BuildResult(ok=True, output=output, problems=problems, seconds=time.perf_counter() - started)
