"""One build of the benchmark corpus, as the child process `bench.run` measures.

usage: python -m bench.build_once project CONTENT OUTPUT CACHE [--search] [--force] [--without PLUGIN]
       python -m bench.build_once vanilla CONTENT OUTPUT
       python -m bench.build_once outage-publish CONTENT OUTPUT CACHE

The project build prints the search plugin's own timing line, so the
benchmark can report the index step on its own. "Now" is the clock, as in
every real build: the parent removes SITE_NOW from the environment.
"""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _overrides(content, output, cache, search=False):
    return {"PATH": content, "OUTPUT_PATH": output, "CACHE_PATH": cache, "SEARCH_INDEX": search}


def project(content, output, cache, search, force, without=None):
    sys.path[:0] = [os.path.join(ROOT, "plugins"), ROOT]
    os.chdir(ROOT)
    import logging

    from build.run import build

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    for name in ("search.index", "speed.settings", "speed.reading"):
        logging.getLogger(name).addHandler(handler)
        logging.getLogger(name).setLevel(logging.INFO)
    overrides = _overrides(content, output, cache, search)
    if without:  # what one plugin costs: the same build without it
        from pelican.settings import read_settings

        overrides["PLUGINS"] = [p for p in read_settings("pelicanconf.py")["PLUGINS"] if p != without]
    result = build("pelicanconf.py", overrides, force=force)
    print(result.report())
    if not result.ok:
        sys.exit(1)


def outage_publish(content, output, cache):
    """What `invoke outage-publish` does, on the benchmark corpus."""
    sys.path[:0] = [os.path.join(ROOT, "plugins"), ROOT]
    os.chdir(ROOT)
    from outages import commands

    result = commands.publish("pelicanconf.py", _overrides(content, output, cache))
    print(result.report())
    if not result.ok:
        sys.exit(1)


def vanilla(content, output):
    """Pelican as it comes: default settings and theme, no plugins, no cache."""
    from pelican import Pelican
    from pelican.settings import read_settings

    settings = read_settings(override={
        "PATH": content, "ARTICLE_PATHS": ["artikel"], "OUTPUT_PATH": output,
        "DEFAULT_PAGINATION": 10, "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False,
        "SITENAME": "Benchmark", "PLUGINS": [],
    })
    Pelican(settings).run()


def _print_own_peak():
    """The build process's own peak RSS (VmHWM), apart from its helper processes."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            peak = next(int(line.split()[1]) for line in handle if line.startswith("VmHWM"))
    except (OSError, StopIteration, ValueError):
        return
    print(f"{OWN_PEAK}{peak}")


OWN_PEAK = "bench: own peak RSS KB: "

if __name__ == "__main__":
    kind, *args = sys.argv[1:]
    if kind == "vanilla":
        vanilla(*args[:2])
    elif kind == "outage-publish":
        outage_publish(*args[:3])
    else:
        without = args[args.index("--without") + 1] if "--without" in args else None
        project(*args[:3], search="--search" in args, force="--force" in args, without=without)
    _print_own_peak()
