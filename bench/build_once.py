"""One build of the benchmark corpus, as the child process `bench.run` measures.

usage: python -m bench.build_once project CONTENT OUTPUT CACHE [--search]
       python -m bench.build_once vanilla CONTENT OUTPUT
"""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXED_NOW = "2026-11-24T12:00:00+01:00"


def project(content, output, cache, search):
    sys.path[:0] = [os.path.join(ROOT, "plugins"), ROOT]
    os.chdir(ROOT)
    from build.run import build

    overrides = {"PATH": content, "OUTPUT_PATH": output, "CACHE_PATH": cache,
                 "SITE_NOW": FIXED_NOW, "SEARCH_INDEX": search}
    result = build("pelicanconf.py", overrides)
    if not result.ok:
        print(result.report())
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


if __name__ == "__main__":
    kind, *args = sys.argv[1:]
    if kind == "vanilla":
        vanilla(*args[:2])
    else:
        project(*args[:3], search="--search" in args)
