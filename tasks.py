"""Invoke tasks: the names pelican-quickstart users know, plus this site's own.

Tasks are thin: they parse arguments and print; the work is in plugins/
(plugins/build runs every build atomically and collects problems).
"""

import os
import shlex
import shutil
import sys

from invoke import task
from invoke.exceptions import Exit

ROOT = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(ROOT, "plugins"))
os.chdir(ROOT)

from build import run as site_build  # noqa: E402
from kit import lock, staging  # noqa: E402
from outages import commands as outages  # noqa: E402

DEV_SETTINGS = "pelicanconf.py"
PUBLISH_SETTINGS = "publishconf.py"
HOST, PORT = "127.0.0.1", 8000
WATCHED = ["content", "theme", "plugins", DEV_SETTINGS]


def _build(settings_file=DEV_SETTINGS, strict=False, search=True, quiet=False, exit_on_error=True,
           force=False, what="invoke build", extra=None):
    overrides = {} if search else {"SEARCH_INDEX": False}
    overrides.update(extra or {})
    try:
        result = site_build.build(settings_file, overrides, strict=strict, force=force, what=what)
    except SystemExit as exc:  # publishconf.py explains a missing SITEURL this way
        raise Exit(str(exc), code=2) from None
    if not quiet or not result.ok:
        print(result.report(), file=sys.stdout if result.ok else sys.stderr)
    if not result.ok and exit_on_error:
        raise Exit(code=1)
    return result


@task(help={"no-search": "skip the search index (faster; the previous index stays)",
            "force": "build even when nothing changed since the last build"})
def build(c, no_search=False, force=False):
    """Build the site with the development settings into output/."""
    _build(search=not no_search, force=force)


@task
def clean(c):
    """Remove output/ and the build caches (after any running build has finished)."""
    settings = site_build.load_settings(DEV_SETTINGS)
    output = staging.real_output(settings["OUTPUT_PATH"])  # a linked output/: its folder; the link stays
    with lock.exclusive(output, "invoke clean"):
        for path in [output, settings["CACHE_PATH"]]:
            shutil.rmtree(path, ignore_errors=True)
        staging.recover(output)


@task
def rebuild(c):
    """clean, then build."""
    clean(c)
    build(c)


@task
def check(c):
    """Strict build: every warning is fatal; one line per problem (file, field, what was expected)."""
    _build(strict=True, what="invoke check")
    print("check: no problems found.")


@task
def preview(c):
    """Production build (publishconf.py, SITEURL from the environment), strict."""
    _build(PUBLISH_SETTINGS, strict=True, what="invoke preview")


def _watch_and_rebuild(on_success=None, search=False):
    from watchfiles import watch

    for changes in watch(*WATCHED, raise_interrupt=False):
        names = sorted({os.path.relpath(path) for _, path in changes})
        print(f"Changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}")
        result = _build(search=search, exit_on_error=False, what="invoke regenerate")
        if result.ok and on_success:
            on_success()


@task
def regenerate(c):
    """Rebuild whenever content, theme, plugins or settings change (no server)."""
    _build(search=False, exit_on_error=False)
    _watch_and_rebuild()


@task(help={"port": f"port on {HOST} (default {PORT})",
            "directory": "the folder to serve (default output), e.g. a copy of a preview build"})
def serve(c, port=None, directory="output"):
    """Serve output/ at http://127.0.0.1:8000/ (no rebuilding); a missing page gets the site's 404 page."""
    from build.server import PortUnavailable, make_server

    port = PORT if port is None else port  # checked by make_server, so "--port abc" is one line
    try:
        server = make_server(directory, HOST, port, command="serve")
    except PortUnavailable as problem:
        raise Exit(str(problem), code=1) from None
    if not os.path.isdir(directory):
        server.server_close()
        raise Exit(f"serve: {directory}/: does not exist; expected a built site: run invoke build first",
                   code=1)
    print(f"Serving {directory.rstrip('/')}/ at http://{HOST}:{port}/ (Ctrl+C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@task(help={"port": f"port on {HOST} (default {PORT})", "search": "also build the search index on every change"})
def livereload(c, port=None, search=False):
    """Build, serve with live reload, rebuild on every change (warm: see plugins/build/live.py).

    A build with errors prints them and keeps serving the last good site.
    """
    from build.live import LiveServer, WarmBuilder
    from build.server import port_problem

    port = PORT if port is None else port
    # Before the first build: an editor should not wait for a build that cannot be served.
    problem = port_problem(HOST, port, "livereload")
    if problem:
        raise Exit(problem, code=1)

    # The pages load the reload client as a file (theme: LIVERELOAD_PORT): the
    # loader the library writes into each page is inline script, which the
    # Content-Security-Policy refuses.
    builder = WarmBuilder(DEV_SETTINGS, {"LIVERELOAD_PORT": int(port)}, search=search)

    def restart():
        # Plugin code and settings are imported once per process: start afresh.
        os.execv(sys.executable, [sys.executable, "-m", "invoke", "livereload",
                                  "--port", str(port)] + (["--search"] if search else []))

    first = builder.build(search=True)  # the first build makes the search index too
    print(first.report(), file=sys.stdout if first.ok else sys.stderr)
    server = LiveServer(ROOT, HOST, port, builder, restart)
    server.start_serving(os.path.join(ROOT, "output"))
    if not first.ok:
        server.failed(first)
    print(f"Serving with live reload at http://{HOST}:{port}/", flush=True)
    try:
        server.watch()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@task(help={"title": "the title of the new article (German, with umlauts)",
            "category": "category (default Kundendialog)", "tags": "comma-separated tags",
            "author": "author name"})
def new_post(c, title, category="Kundendialog", tags="", author=""):
    """Create content/artikel/<slug>.md with the metadata skeleton, dated now (Europe/Berlin)."""
    from editorial.scaffold import ScaffoldError
    from editorial.scaffold import new_post as scaffold

    try:
        path = scaffold(title, category=category, tags=tags, author=author)
    except ScaffoldError as exc:
        raise Exit(str(exc), code=2) from None
    print(f"Created {path}")


@task(help={"question": "the question, e.g. \"Wie ändere ich meine Bankverbindung?\"",
            "category": "FAQ category (e.g. Rechnung, Störung, Vertrag, Konto)",
            "tags": "comma-separated tags", "related": "comma-separated slugs of articles or questions"})
def new_faq(c, question, category="", tags="", related=""):
    """Create content/faq/<slug>.md with the metadata filled in, Modified now (Europe/Berlin)."""
    from faq.scaffold import ScaffoldError
    from faq.scaffold import new_faq as scaffold

    try:
        path = scaffold(question, category, tags=tags, related=related)
    except ScaffoldError as exc:
        raise Exit(str(exc), code=2) from None
    print(f"Created {path}")


def _require_env(name, example):
    value = os.environ.get(name, "").strip()
    if not value:
        raise Exit(f"publish: {name}: not set; expected e.g. {name}={example}", code=2)
    return value


@task
def publish(c):
    """Production build, then rsync over ssh to $PUBLISH_SSH_HOST:$PUBLISH_SSH_TARGET_DIR."""
    host = _require_env("PUBLISH_SSH_HOST", "www.example.org")
    target = _require_env("PUBLISH_SSH_TARGET_DIR", "/var/www/service")
    user = os.environ.get("PUBLISH_SSH_USER", "").strip()
    port = os.environ.get("PUBLISH_SSH_PORT", "22").strip()
    preview(c)
    destination = f"{user + '@' if user else ''}{host}:{target.rstrip('/')}/"
    c.run(
        f"rsync -e {shlex.quote('ssh -p ' + port)} -P -rvzc --delete-after "
        f"output/ {shlex.quote(destination)}",
        pty=False,
    )


@task(help={"push": "push the gh-pages branch to origin"})
def gh_pages(c, push=False):
    """Production build, then commit output/ to the gh-pages branch with ghp-import."""
    preview(c)
    c.run(
        f"{shlex.quote(sys.executable)} -m ghp_import -b gh-pages -n "
        f"-m {shlex.quote('Publish site')} {'-p ' if push else ''}output"
    )


# ---- Topics (plugin topics) ----------------------------------------------


@task(iterable=["file"], help={"file": "a Markdown text to check (repeatable), or list texts after --; "
                                       "default: every text"})
def topics_report(c, file=None):
    """Automatic topics with their evidence, as a table: check a draft before publishing."""
    from topics import commands as topics

    code = topics.report_command(list(file or []) + shlex.split(c.remainder or ""))
    if code:
        raise Exit(code=code)


@task(help={"split": "only one half: tuning, or test (the quality gate); default both",
            "details": "list the texts whose topics differ from the gold topics (read them on "
                       "the tuning half only)",
            "without-model": "the taxonomy alone, without the model that decides near misses"})
def topics_eval(c, split=None, details=False, without_model=False):
    """Precision, recall and F1 per topic and the micro-F1 of both halves; fails when the
    test half is below the quality gate."""
    from topics import commands as topics

    code = topics.eval_command(split=split, show_mistakes=details,
                               **({"model_path": None} if without_model else {}))
    if code:
        raise Exit(code=code)


@task
def topics_train(c):
    """Train the model that decides near misses (plugins/topics/themen-modell.json) on the
    tuning half of tests/data/topics; run it after changing those texts."""
    from topics import commands as topics

    code = topics.train_command()
    if code:
        raise Exit(code=code)


# ---- Social posting (plugin social) -------------------------------------


@task(help={
    "dry-run": "print exactly what would be sent; send nothing, change nothing",
    "init": "first run on a site that posted before: mark all current posts as done",
    "network": "only mastodon or only bluesky",
    "ledger": "ledger file (default: SOCIAL_LEDGER_PATH = social-ledger.json)",
    "settings": f"Pelican settings of the deployed build (default: {PUBLISH_SETTINGS})",
})
def social_post(c, dry_run=False, init=False, network=None, ledger=None, settings=None):
    """After deploy: post new articles and outage updates to Mastodon and Bluesky, once."""
    from social import commands

    settings_file = settings or PUBLISH_SETTINGS
    if not os.path.isfile(settings_file):
        raise Exit(f"{settings_file}: no such settings file; expected a Pelican settings "
                   f"file such as {PUBLISH_SETTINGS}", code=2)
    try:
        config = commands.load_config(settings_file, ledger)
    except SystemExit as exc:  # publishconf.py explains a missing SITEURL this way
        raise Exit(str(exc), code=2) from None
    code = commands.run(config, dry_run=dry_run, init=init, only=network)
    if code:
        raise Exit(code=code)


# ---- Outage notices (plugin outages) ------------------------------------


def _outage(action, *args, **kwargs):
    """Run an outage command; a refusal is printed, never a traceback."""
    try:
        return action(outages.load_project_settings(DEV_SETTINGS), *args, **kwargs)
    except outages.CommandError as error:
        raise Exit(f"Refused:\n{error}", code=1) from None


@task(iterable=["components"], help={
    "components": "component ids, optionally id=status; repeat or separate with commas",
    "impact": "incident: none, minor, major or critical",
    "kind": "incident (default) or maintenance",
    "text": "text of the first update (a default text otherwise)",
    "window-start": "maintenance: start of the window, e.g. '2026-11-26 01:00'",
    "window-end": "maintenance: end of the window",
    "next-update": "when the next update is due, e.g. '2026-11-24 12:00'",
})
def outage_new(c, title, components=None, impact=None, kind="incident", text=None,
               window_start=None, window_end=None, next_update=None):
    """Create a notice in content/stoerungen/ with its first update."""
    window = (window_start, window_end) if window_start or window_end else None
    path = _outage(outages.new_notice, title, components or [], impact=impact, kind=kind,
                   text=text, window=window, next_update=next_update)
    print(f"Created {os.path.relpath(path)}. Publish it now: invoke outage-publish")


@task(help={"status": "new status, e.g. identified", "text": "what customers should know now",
            "next-update": "when the next update is due"})
def outage_update(c, slug, status, text, next_update=None):
    """Append a timestamped update to a notice."""
    path = _outage(outages.update_notice, slug, status, text, next_update=next_update)
    print(f"Updated {os.path.relpath(path)}. Publish it now: invoke outage-publish")


@task(help={"text": "closing words (a default text otherwise)"})
def outage_resolve(c, slug, text=None):
    """Close a notice: final update (resolved/completed) and End."""
    path = _outage(outages.resolve_notice, slug, text)
    print(f"Resolved {os.path.relpath(path)}. Publish it now: invoke outage-publish")


@task(help={"start": "new start of the window", "end": "new end of the window",
            "text": "explanation (a default text otherwise)"})
def outage_reschedule(c, slug, start, end, text=None):
    """Move a maintenance window (the calendar entry follows)."""
    path = _outage(outages.reschedule_notice, slug, start, end, text)
    print(f"Rescheduled {os.path.relpath(path)}. Publish it now: invoke outage-publish")


@task
def outage_publish(c):
    """Publish outage changes into output/ in under a second, with the settings that
    built output/ (invoke build or invoke preview); the full build (invoke build, CI)
    follows so that every page's built-in banner catches up."""
    result = outages.publish(DEV_SETTINGS)  # only says where output/ is
    print(result.report(), file=sys.stdout if result.ok else sys.stderr)
    if not result.ok:
        raise Exit(code=1)


# ---- Benchmark (bench/) -------------------------------------------------


@task(help={"n": "number of articles in the corpus (default 4000; invoke writes it -n)",
            "scale": "also build 4 × n articles cold to check how the build scales"})
def bench(c, n=4000, scale=False):
    """Our builds and live reload against vanilla Pelican and Hugo, with the targets.

    A generated German corpus, the clock running as in real use. Run it on an otherwise
    idle machine: every scenario is timed as a child process. Without hugo installed,
    its scenarios are reported as skipped.
    """
    from bench import run as benchmark

    benchmark.main(int(n), scale=scale)
