"""The local servers: the site's 404 page for a missing file, one line for a busy port.

Servers run in child processes on free ports of 127.0.0.1; every wait is
bounded and every child is stopped by the test that started it.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.support.server import free_port, stop_group
from tests.support.sites import ROOT

INVOKE = os.path.join(os.path.dirname(sys.executable), "invoke")
PLUGINS = os.path.join(ROOT, "plugins")
NOT_FOUND = "<!doctype html><title>Seite nicht gefunden</title><h1>Diese Seite gibt es nicht</h1>\n"


@contextlib.contextmanager
def running(command, port, timeout=60):
    """Start `command`, wait until `port` accepts connections, stop it afterwards."""
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if child.poll() is not None:
                pytest.fail(f"server ended early: {child.stderr.read().decode()}")
            if time.monotonic() > deadline:
                pytest.fail(f"server did not listen on port {port} within {timeout} s")
            time.sleep(0.1)
        yield
    finally:
        stop_group(child)
        child.stdout.close()
        child.stderr.close()


def fetch(url, method="GET"):
    """(status, body) without raising on 4xx."""
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


@pytest.fixture
def site(tmp_path):
    (tmp_path / "artikel" / "a").mkdir(parents=True)
    (tmp_path / "index.html").write_text("<p>Start</p>")
    (tmp_path / "artikel" / "a" / "index.html").write_text("<p>Artikel</p>")
    (tmp_path / "404.html").write_text(NOT_FOUND)
    return tmp_path


def test_invoke_serve_answers_a_missing_file_with_the_sites_404_page(site):
    port = free_port()
    with running([INVOKE, "serve", "--port", str(port), "--directory", str(site)], port):
        base = f"http://127.0.0.1:{port}"
        assert fetch(base + "/") == (200, b"<p>Start</p>")
        assert fetch(base + "/artikel/a/") == (200, b"<p>Artikel</p>")
        assert fetch(base + "/artikel/a") == (200, b"<p>Artikel</p>")  # redirect to the folder
        for missing in ("/gibt-es-nicht/", "/artikel/b", "/bilder/x.png", "/../etc/passwd"):
            status, body = fetch(base + missing)
            assert (status, body.decode()) == (404, NOT_FOUND), missing
        assert fetch(base + "/gibt-es-nicht/", method="HEAD") == (404, b"")


def test_livereload_server_answers_a_missing_file_with_the_sites_404_page(site):
    """`make serve` runs this server; `invoke livereload` builds the real site first,
    so its server is started here on the test folder alone."""
    port = free_port()
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from build.server import livereload_server; "
            "livereload_server().serve(host='127.0.0.1', port=int(sys.argv[2]), root=sys.argv[3])")
    with running([sys.executable, "-c", code, PLUGINS, str(port), str(site)], port):
        base = f"http://127.0.0.1:{port}"
        status, body = fetch(base + "/artikel/a/")
        assert status == 200 and b"<p>Artikel</p>" in body
        status, body = fetch(base + "/gibt-es-nicht/")
        assert status == 404
        assert b"Diese Seite gibt es nicht" in body and b"Traceback" not in body


@pytest.mark.parametrize("command", ["serve", "livereload"])
def test_busy_port_is_one_line_naming_the_port(command):
    with socket.socket() as occupant:
        occupant.bind(("127.0.0.1", 0))
        occupant.listen()
        port = occupant.getsockname()[1]
        done = subprocess.run([INVOKE, command, "--port", str(port)], cwd=ROOT, capture_output=True,
                              text=True, timeout=120, check=False)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"port {port} on 127.0.0.1 is already in use" in lines[0]
    assert f"invoke {command} --port " in lines[0]
    assert "Traceback" not in done.stderr + done.stdout
    assert "Serving" not in done.stdout


def test_port_that_is_not_a_number_is_one_line():
    done = subprocess.run([INVOKE, "serve", "--port", "achtzig"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert done.stderr.strip() == "serve: port 'achtzig' is not a number; expected e.g. --port 8001"


def test_serving_a_folder_that_does_not_exist_says_to_build_first(tmp_path):
    done = subprocess.run([INVOKE, "serve", "--port", str(free_port()), "--directory", str(tmp_path / "fehlt")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "does not exist" in done.stderr and "invoke build" in done.stderr
    assert "Traceback" not in done.stderr
