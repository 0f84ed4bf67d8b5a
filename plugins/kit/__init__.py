"""Build mechanics every plugin needs the same way (a library, not a plugin).

- `problems`: the editor-problem format `path: field: expected` and its error type;
- `atomic`: files and folders replaced in one step, never seen half-written;
- `datacache`: cache files that are data only (CBOR), checked before they are trusted;
- `lock`: one build at a time per checkout;
- `outputs`: which source claimed which output address, so nothing overwrites another page;
- `child`: work in a forked child, its log records replayed in the parent.
- `provenance`: which settings built `output/`, for commands that add pages to it;
- `memory`: freed memory given back to the operating system between pages and builds;
- `pelican_door`: every use of Pelican's private names, checked when a build starts.

It imports no plugin; plugins import it as `kit` (pelicanconf.py, tasks.py and the
tests put plugins/ on sys.path; Pelican's PLUGIN_PATHS alone does not).
"""
