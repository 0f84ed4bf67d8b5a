"""The reference Bluesky PDS from npm (@atproto/dev-env) on 127.0.0.1.

Installed on first use with `npm ci` from tests/social/pds/package-lock.json
into the user's cache (`$XDG_CACHE_HOME` or `~/.cache`, folder
`nordlicht-tests/pds-<hash of the lock file>`), so a fresh machine needs
nothing but Node.js and the npm registry, and later runs and fresh clones
reuse it. better-sqlite3 builds from source there (g++, make and Node's
headers, which Debian's nodejs package ships). Every step has a time limit;
a missing Node.js or a failed install fails the tests with what to do, it
never skips them.
"""

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import uuid

import requests

from .fakes import FakeServer

PACKAGE = os.path.join(os.path.dirname(__file__), "pds")
INSTALL_SECONDS = 600
START_SECONDS = 90
# A bound for one request from the tests, not a measure: on a loaded machine
# the PDS may need seconds (an account takes scrypt), and these tests are about
# what it stores; what happens when an answer is late is tested on purpose.
REQUEST_SECONDS = 60


class PdsUnavailable(Exception):
    """The PDS could not be installed or started; the message says why."""


def install_dir():
    with open(os.path.join(PACKAGE, "package-lock.json"), "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()[:16]
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "nordlicht-tests", f"pds-{digest}")


def ensure_installed():
    """The folder with node_modules; `npm ci` once (one process at a time)."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise PdsUnavailable(f"{tool} is not installed; the Bluesky PDS tests need Node.js "
                                 "20 and npm (Debian: apt-get install nodejs npm)")
    target = install_dir()
    os.makedirs(os.path.dirname(target), exist_ok=True)
    done = os.path.join(target, ".installed")
    with open(target + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other xdist worker waits here
        if os.path.exists(done):
            return target
        shutil.rmtree(target, ignore_errors=True)
        os.makedirs(target)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(os.path.join(PACKAGE, name), target)
        try:
            result = subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=target, capture_output=True, text=True, timeout=INSTALL_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise PdsUnavailable(f"npm ci in {target} took longer than {INSTALL_SECONDS} s"
                                 ) from None
        if result.returncode != 0:
            raise PdsUnavailable(f"npm ci in {target} failed:\n{result.stderr[-3000:]}")
        with open(done, "w") as handle:
            handle.write("ok\n")
    return target


class RealPds:
    """A running PDS; `account()` makes a fresh account for one test."""

    def __init__(self):
        target = ensure_installed()
        # The PDS keeps its SQLite files and blobs under TMPDIR: one of our own.
        self.data = tempfile.mkdtemp(prefix="pds-")
        # Its log (JSON lines on stdout) names every request, how long it took
        # and whether the client waited for the answer: what a failed test
        # shows (`requests_seen`). A thread reads it, so the pipe never fills.
        env = dict(os.environ, NODE_PATH=os.path.join(target, "node_modules"),
                   NODE_ENV="test", LOG_ENABLED="true", LOG_LEVEL="info", TMPDIR=self.data)
        env.pop("LOG_DESTINATION", None)
        # A file, not a pipe: nobody reads stderr while the server runs.
        self.log = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            ["node", os.path.join(PACKAGE, "pds.js")], cwd=target, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.requests = []  # (end time, XRPC method, status or "request aborted", ms)
        self._url = None
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read_stdout, daemon=True)
        self._reader.start()
        self.url = self._wait_for_url()

    def _read_stdout(self):
        for line in self.process.stdout:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if "url" in entry and "level" not in entry:  # pds.js: the server is ready
                self._url = entry["url"]
                self._ready.set()
                continue
            url = (entry.get("req") or {}).get("url", "")
            if url.startswith("/xrpc/") and "time" in entry:
                status = (entry.get("res") or {}).get("statusCode") or entry.get("msg")
                self.requests.append((entry["time"] / 1000, url.split("?")[0][6:], status,
                                      entry.get("responseTime")))
        self._ready.set()  # the process ended

    def _wait_for_url(self):
        self._ready.wait(START_SECONDS)
        if self._url:
            return self._url
        self.log.seek(0)
        error = self.log.read()
        self.stop()
        raise PdsUnavailable(f"the PDS did not start within {START_SECONDS} s {error[-2000:]}")

    def client(self):
        """An atproto client of the tests' own (not the poster's)."""
        from atproto import Client
        from atproto_client.request import Request

        return Client(base_url=self.url, request=Request(timeout=REQUEST_SECONDS))

    def requests_seen(self, *methods, since=0.0):
        """One line per XRPC request to `methods` (short names) that the PDS
        logged as ended after `since` (epoch seconds), oldest first: when it
        ended, method, status ("request aborted": the client stopped waiting,
        the server went on) and how long it took."""
        return [f"{dt.datetime.fromtimestamp(end, dt.UTC).isoformat(timespec='milliseconds')} "
                f"{method} {status} after {ms} ms"
                for end, method, status, ms in list(self.requests)
                if end >= since and method.rsplit(".", 1)[-1] in methods]

    def account(self):
        """(handle, password, did) of a new account."""
        from atproto import models

        handle = f"dienst-{uuid.uuid4().hex[:10]}.test"
        password = f"pw-{uuid.uuid4().hex}"
        client = self.client()
        created = client.com.atproto.server.create_account(
            models.ComAtprotoServerCreateAccount.Data(
                handle=handle, email=f"{handle}@example.org", password=password))
        return handle, password, created.did

    def stop(self):
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()  # pds.js closes the network and exits
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._reader.join(timeout=5)  # it ends at the end of the output
        with contextlib.suppress(OSError):
            self.process.stdout.close()
        shutil.rmtree(self.data, ignore_errors=True)
        self.log.close()


class PdsProxy(FakeServer):
    """Stands between the poster and the PDS and passes every XRPC request on,
    so that faults can be injected on the wire (`fault`, as on the fakes): for
    example the PDS storing a record only after the client gave up and looked."""

    def __init__(self, target):
        super().__init__()
        self.target = target.rstrip("/")
        self.session = requests.Session()
        self.timeout_delay = 0  # a dropped answer is dropped at once

    def routes(self):
        return []

    def match(self, method, path):
        """Routes are named like the fakes': "POST createRecord"."""
        name = path.rsplit(".", 1)[-1] if path.startswith("/xrpc/") else path
        return f"{method} {name}", self.forward, {}

    def forward(self, request):
        headers = {name: request["headers"][name] for name in ("Authorization", "Content-Type")
                   if name in request["headers"]}
        answer = self.session.request(
            request["method"], self.target + request["path"], params=request["query"],
            headers=headers, data=request["body"] or None, timeout=REQUEST_SECONDS)
        return answer.status_code, answer.content, {
            "Content-Type": answer.headers.get("Content-Type", "application/json")}
