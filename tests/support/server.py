"""A static file server on 127.0.0.1 for browser tests, started and stopped by
fixtures, and the stopping of servers that tests run as child processes."""

import contextlib
import functools
import http.server
import os
import signal
import socket
import subprocess
import threading


def free_port():
    """A port of 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop_group(child):
    """Stop a child started with start_new_session and all it started: SIGTERM,
    then SIGKILL when it has not ended within 10 s."""
    os.killpg(child.pid, signal.SIGTERM)
    try:
        child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=10)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def end_headers(self):
        # Like static hosting with revalidation: tests see every rebuild at once.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()


@contextlib.contextmanager
def serve_directory(directory):
    """Serve `directory` on an ephemeral port; yields the base URL without slash."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
