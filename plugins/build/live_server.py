"""The serving half of `make serve`: output/ over HTTP, with live reload.

Started by build.live as a child process. It serves the built site (the
site's own 404 page for a miss, build.server) and the live-reload websocket
that pages connect to, and watches nothing itself: the builder tells it on
its standard input when a build is in place ("reload"), when one failed
("problems" and the problems as a JSON list) and when it has the preview of
an edited page ("preview" and {output name: file}, build.preview), and it
tells the browsers at once. A preview is served in place of the built file
(or at an address the built site does not have yet) until the next build is
in place, or withdrawn when that build failed. "moved" and {old output name:
new} are the documents whose address changed while serving (a new title):
the old address redirects to the new one, so a browser that reloads the page
it showed finds the document.
While the last build failed, every page of the last good site shows its
problems at the top.
While there is no site at all (the first build failed), every address shows
the problems in German and reloads by itself once a build succeeds.
When the builder goes away (its end of the pipe closes), it stops too.

    python -m build.live_server ROOT HOST PORT
"""

import html
import json
import os
import sys

PAGE = """<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<script src="/livereload.js?port={port}" defer></script>
</head>
<body>
<main>
<h1>{title}</h1>
<p>{text}</p>
{problems}
</main>
</body>
</html>
"""


def _listing(problems):
    return "<ul>" + "".join(f"<li><code>{html.escape(line)}</code></li>" for line in problems) + "</ul>"


def page_without_site(problems, port):
    """What every address shows while there is no site to serve."""
    if problems:
        title = "Die Website konnte nicht gebaut werden"
        text = ("Diese Stellen müssen korrigiert werden. Sobald Sie die Datei gespeichert haben "
                "und der Build gelingt, lädt diese Seite von selbst neu.")
        listing = _listing(problems)
    else:
        title = "Die Website wird gebaut"
        text = "Diese Seite lädt von selbst neu, sobald der Build fertig ist."
        listing = ""
    return PAGE.format(title=title, text=text, problems=listing, port=int(port)).encode("utf-8")


def problems_notice(problems):
    """What the top of every page shows while the last build failed (None when it did not)."""
    if not problems:
        return None
    return ('<div class="notice" role="alert" lang="de"><p><strong>Die letzte Änderung ist noch nicht '
            "zu sehen:</strong> Der Build ist fehlgeschlagen, diese Seite zeigt den letzten fehlerfreien "
            f"Stand. Bitte korrigieren Sie:</p>{_listing(problems)}<p>Sobald die Datei gespeichert ist und der "
            "Build gelingt, lädt die Seite von selbst neu.</p></div>").encode()


def main(root, host, port):
    from livereload.handlers import LiveReloadHandler
    from tornado import ioloop

    from .server import livereload_server

    # No watching in this process: the builder watches with inotify and says when.
    LiveReloadHandler.start_tasks = classmethod(lambda cls: None)
    loop = ioloop.IOLoop.current()
    commands = sys.stdin.fileno()
    problems = []
    previews = {}
    moved = {}
    unread = bytearray()

    def on_command(fd, events):
        # Read what is there and handle every whole line: the builder often says
        # two things at once ("moved", then "reload"), and a buffered readline
        # would leave the second in its buffer with nothing left to wake us.
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            loop.stop()
            return
        unread.extend(chunk)
        while (end := unread.find(b"\n")) >= 0:
            line = bytes(unread[:end])
            del unread[:end + 1]
            handle(line.decode("utf-8").strip())

    def handle(line):
        command, _, rest = line.partition(" ")
        if command == "reload":
            problems.clear()
            previews.clear()
            LiveReloadHandler.reload_waiters(path="*")
        elif command == "preview":
            previews.update(json.loads(rest))
            LiveReloadHandler.reload_waiters(path="*")
        elif command == "moved":
            moved.clear()
            moved.update(json.loads(rest))
        elif command == "problems":
            # Back to the last good site (without a preview), with the problems on top.
            problems[:] = json.loads(rest)
            previews.clear()
            LiveReloadHandler.reload_waiters(path="*")

    loop.add_handler(commands, on_command, ioloop.IOLoop.READ)
    server = livereload_server(without_site=lambda: page_without_site(problems, port), previews=previews,
                               moved=moved, notice=lambda: problems_notice(problems))
    server.serve(host=host, port=int(port), root=root, default_filename="index.html",
                 open_url_delay=None, restart_delay=0)


if __name__ == "__main__":
    main(*sys.argv[1:4])
