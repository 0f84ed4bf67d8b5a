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
import fcntl
import hashlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
import uuid

PACKAGE = os.path.join(os.path.dirname(__file__), "pds")
INSTALL_SECONDS = 600
START_SECONDS = 90


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
        env = dict(os.environ, NODE_PATH=os.path.join(target, "node_modules"),
                   NODE_ENV="test", LOG_ENABLED="false", TMPDIR=self.data)
        # A file, not a pipe: a full pipe would stop the server mid-test.
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            ["node", os.path.join(PACKAGE, "pds.js")], cwd=target, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.url = self._wait_for_url()

    def _wait_for_url(self):
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 1.0)
            if ready:
                line = self.process.stdout.readline()
                if line.startswith("{"):
                    return json.loads(line)["url"]
            if self.process.poll() is not None:
                break
        self.log.seek(0)
        error = self.log.read()
        self.stop()
        raise PdsUnavailable(f"the PDS did not start within {START_SECONDS} s {error[-2000:]}")

    def account(self):
        """(handle, password, did) of a new account."""
        from atproto import Client, models

        handle = f"dienst-{uuid.uuid4().hex[:10]}.test"
        password = f"pw-{uuid.uuid4().hex}"
        client = Client(base_url=self.url)
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
        with contextlib.suppress(OSError):
            self.process.stdout.close()
        shutil.rmtree(self.data, ignore_errors=True)
        self.log.close()
