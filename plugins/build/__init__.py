"""Safe builds: a library used by tasks.py and the tests, not a Pelican plugin.

It runs Pelican into a staging directory, collects every problem editors must
fix, and swaps the staging directory in for `output/` only when the build was
clean. It needs no signals; `register()` exists so that listing it in PLUGINS
by mistake does no harm.
"""


def register():
    pass
