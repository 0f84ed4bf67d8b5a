"""The serving half of `make serve`: output/ over HTTP, with live reload.

Started by build.live as a child process. It serves the built site (the
site's own 404 page for a miss, build.server) and the live-reload websocket
that pages connect to, and watches nothing itself: the builder tells it on
its standard input when a build is in place ("reload"), and it tells the
browsers at once. When the builder goes away (its end of the pipe closes),
it stops too.

    python -m build.live_server ROOT HOST PORT
"""

import sys


def main(root, host, port):
    from livereload.handlers import LiveReloadHandler
    from tornado import ioloop

    from .server import livereload_server

    # No watching in this process: the builder watches with inotify and says when.
    LiveReloadHandler.start_tasks = classmethod(lambda cls: None)
    loop = ioloop.IOLoop.current()
    commands = sys.stdin.buffer

    def on_command(fd, events):
        line = commands.readline()
        if not line:
            loop.stop()
        elif line.strip() == b"reload":
            LiveReloadHandler.reload_waiters(path="*")

    loop.add_handler(commands.fileno(), on_command, ioloop.IOLoop.READ)
    server = livereload_server()
    server.serve(host=host, port=int(port), root=root, default_filename="index.html",
                 open_url_delay=None, restart_delay=0)


if __name__ == "__main__":
    main(*sys.argv[1:4])
