"""The two scripts of deploy.yml that move the social ledger, run against a local repository.

`social` restores the ledger before posting and remembers the commit it came
from; `ledger` commits the posted ledger on top of exactly that commit and
pushes without force. Here the scripts are taken from deploy.yml as they are
and run with GitHub's bash options against a bare repository on disk that
stands in for the GitHub one (the token header they add is simply unused).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.ci.workflows import load

BASH = shutil.which("bash")
GIT = shutil.which("git")


def script(job, name):
    return next(s["run"] for s in load()["jobs"][job]["steps"] if s.get("name") == name)


RESTORE = script("social", "Restore the ledger")
PUSH = script("ledger", "Push the ledger to the social-ledger branch")


def git(*args, cwd):
    return subprocess.run(
        [GIT, *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=60
    ).stdout.strip()


class Remote:
    """A bare repository at `<server>/<owner>/<name>.git`, as GITHUB_SERVER_URL and
    GITHUB_REPOSITORY name it, plus the work tree a checkout would leave."""

    def __init__(self, tmp_path):
        self.server = tmp_path / "server"
        self.bare = self.server / "nordlicht" / "blog.git"
        self.bare.mkdir(parents=True)
        git("init", "--quiet", "--bare", str(self.bare), cwd=tmp_path)
        self.workspace = tmp_path / "workspace"
        self.workspace.mkdir()
        git("init", "--quiet", cwd=self.workspace)
        git("remote", "add", "origin", self.bare.as_uri(), cwd=self.workspace)
        self.temp = tmp_path / "runner-temp"
        self.home = tmp_path / "home"
        self.run_id = 0

    def env(self, **extra):
        self.run_id += 1
        output = self.temp / f"output-{self.run_id}"
        self.temp.mkdir(exist_ok=True)
        self.home.mkdir(exist_ok=True)
        output.touch()
        return {
            "PATH": os.environ["PATH"],
            "HOME": str(self.home),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GITHUB_SERVER_URL": self.server.as_uri(),
            "GITHUB_REPOSITORY": "nordlicht/blog",
            "GITHUB_OUTPUT": str(output),
            "GITHUB_RUN_ID": str(self.run_id),
            "RUNNER_TEMP": str(self.temp),
            "TOKEN": "not-a-real-token",
            **extra,
        }

    def run(self, code, env, cwd):
        """A step's script as GitHub runs it on Linux (`bash --noprofile --norc -eo pipefail`)."""
        return subprocess.run(
            [BASH, "--noprofile", "--norc", "-eo", "pipefail", "-c", code],
            cwd=cwd, env=env, check=False, capture_output=True, text=True, timeout=60,
        )

    def restore(self):
        """Run `Restore the ledger`; (result, base output, ledger text or None)."""
        ledger = self.workspace / "social-ledger.json"
        ledger.unlink(missing_ok=True)
        env = self.env()
        done = self.run(RESTORE, env, self.workspace)
        lines = Path(env["GITHUB_OUTPUT"]).read_text().splitlines()
        outputs = dict(line.split("=", 1) for line in lines)
        return done, outputs.get("base"), ledger.read_text() if ledger.exists() else None

    def push(self, ledger_text, base):
        """Run `Push the ledger…` with the artifact holding `ledger_text`."""
        artifact = self.temp / "ledger"
        shutil.rmtree(artifact, ignore_errors=True)
        shutil.rmtree(self.temp / "social-ledger", ignore_errors=True)
        artifact.mkdir(parents=True)
        (artifact / "social-ledger.json").write_text(ledger_text)
        return self.run(PUSH, self.env(BASE=base), self.temp)

    def head(self):
        done = subprocess.run(
            [GIT, "rev-parse", "--verify", "--quiet", "refs/heads/social-ledger"],
            cwd=self.bare, check=False, capture_output=True, text=True, timeout=60,
        )
        return done.stdout.strip() or None

    def branch_ledger(self):
        return json.loads(git("show", "social-ledger:social-ledger.json", cwd=self.bare))


@pytest.fixture
def remote(tmp_path):
    return Remote(tmp_path)


def posted(*keys):
    return json.dumps({"version": 1, "entries": {k: {"state": "done"} for k in keys}})


def test_first_run_starts_the_branch_and_the_next_run_gets_the_ledger_back(remote):
    done, base, text = remote.restore()
    assert done.returncode == 0, done.stderr
    assert "first run" in done.stdout and base == "" and text is None

    done = remote.push(posted("a"), base)
    assert done.returncode == 0, done.stderr
    first = remote.head()
    assert remote.branch_ledger() == json.loads(posted("a"))
    message = git("log", "--format=%s", "social-ledger", cwd=remote.bare)
    assert message == "Social ledger after run 2"

    done, base, text = remote.restore()
    assert done.returncode == 0, done.stderr
    assert base == first and json.loads(text) == json.loads(posted("a"))

    done = remote.push(posted("a", "b"), base)
    assert done.returncode == 0, done.stderr
    assert git("rev-parse", "social-ledger^", cwd=remote.bare) == first
    assert remote.branch_ledger() == json.loads(posted("a", "b"))


def test_an_unchanged_ledger_makes_no_commit(remote):
    remote.push(posted("a"), "")
    head = remote.head()
    done, base, text = remote.restore()
    done = remote.push(text, base)
    assert done.returncode == 0, done.stderr
    assert "did not change" in done.stdout
    assert remote.head() == head


def test_an_older_ledger_never_replaces_a_newer_one(remote):
    """A re-run of an old run hands over a ledger restored from an older commit."""
    remote.push(posted("a"), "")
    _, old_base, _ = remote.restore()
    remote.push(posted("a", "b"), old_base)
    newer = remote.head()

    done = remote.push(posted("a", "stale"), old_base)
    assert done.returncode != 0
    assert "rejected" in done.stderr
    assert remote.head() == newer and remote.branch_ledger() == json.loads(posted("a", "b"))


def test_a_first_run_ledger_does_not_replace_a_branch_that_appeared_meanwhile(remote):
    remote.push(posted("a"), "")
    head = remote.head()
    done = remote.push(posted("other"), "")
    assert done.returncode != 0
    assert remote.head() == head and remote.branch_ledger() == json.loads(posted("a"))


def test_an_unreadable_branch_stops_the_job_instead_of_counting_as_a_first_run(remote):
    gone = (remote.server / "gone.git").as_uri()
    git("remote", "set-url", "origin", gone, cwd=remote.workspace)
    done, base, text = remote.restore()
    assert done.returncode != 0
    assert "cannot be read" in done.stdout
    assert base is None and text is None


def test_a_branch_without_the_file_stops_the_job(remote):
    remote.push(posted("a"), "")
    tree = git("mktree", cwd=remote.bare)  # empty tree
    empty = git("commit-tree", tree, "-p", "social-ledger", "-m", "emptied", cwd=remote.bare)
    git("update-ref", "refs/heads/social-ledger", empty, cwd=remote.bare)
    done, _, text = remote.restore()
    assert done.returncode != 0 and text is None


@pytest.mark.parametrize("base", ["main", "HEAD~1", "0" * 39, "$(touch pwned)", "a" * 40 + "\n"])
def test_a_base_that_is_not_a_commit_id_is_refused(remote, base):
    remote.push(posted("a"), "")
    head = remote.head()
    done = remote.push(posted("a", "b"), base)
    assert done.returncode != 0 and "not a commit id" in done.stdout
    assert remote.head() == head
    assert not (remote.temp / "pwned").exists()


@pytest.mark.parametrize("ledger", ["[]", "null", "{", "", "<html>"])
def test_a_ledger_that_is_not_a_json_object_is_not_pushed(remote, ledger):
    done = remote.push(ledger, "")
    assert done.returncode != 0
    assert remote.head() is None
