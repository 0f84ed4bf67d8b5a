"""The CI workflows as data, and the two checkers that audit them.

zizmor and actionlint come from PyPI (requirements.txt) with their binaries,
so they run the same on a developer's machine and in CI, offline: zizmor
with `--offline` (its online audits ask GitHub about tags and advisories),
actionlint never goes online.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from tests.support.sites import ROOT

WORKFLOWS = Path(ROOT, ".github", "workflows")
ZIZMOR_CONFIG = Path(ROOT, ".github", "zizmor.yml")
DEPLOY = WORKFLOWS / "deploy.yml"
BIN = Path(sys.executable).parent


def tool(name):
    """A checker's executable from the virtualenv that runs the tests."""
    path = BIN / name
    assert path.exists(), f"{path} is missing: run `make venv` (requirements.txt pins it)"
    return str(path)


def workflow_files(folder=WORKFLOWS):
    return sorted(p for p in Path(folder).iterdir() if p.suffix in (".yml", ".yaml"))


def load(path=DEPLOY):
    """A workflow as PyYAML reads it (YAML 1.1 turns the key `on` into True)."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def zizmor(github_folder, config=ZIZMOR_CONFIG):
    """zizmor's findings (regular persona) for a `.github` folder: its workflows,
    composite actions and Dependabot settings. Returns (findings, files audited)."""
    run = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", "--format=json",
         f"--config={config}", str(github_folder)],
        check=False, capture_output=True, text=True, timeout=120, env=_offline_env(),
    )
    # 0: nothing found; 10–14: findings (by highest severity); anything else: zizmor failed.
    assert run.returncode == 0 or 10 <= run.returncode <= 14, run.stderr
    audited = {Path(m) for m in re.findall(r"completed (\S+)", run.stderr)}
    return json.loads(run.stdout), audited


def actionlint(files):
    """actionlint's findings (with shellcheck on every `run:` script), as JSON."""
    run = subprocess.run(
        [tool("actionlint"), "-format={{json .}}", f"-shellcheck={tool('shellcheck')}",
         "-pyflakes=", *map(str, files)],
        check=False, capture_output=True, text=True, timeout=120, env=_offline_env(),
    )
    # 0: nothing found; 1: findings; 2 and 3: bad options or a crash.
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout or "[]")


def _offline_env():
    """No GitHub token: neither checker may reach out, even if a developer has one set."""
    env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN")}
    env["NO_COLOR"] = "1"
    return env


def describe(findings, key):
    return "\n".join(key(f) for f in findings)


def zizmor_line(finding):
    """`ident (severity) line N: annotation: the YAML it points at`, from the primary location."""
    primary = next(
        (loc for loc in finding["locations"] if loc["symbolic"]["kind"] == "Primary"),
        finding["locations"][0],
    )
    row = primary["concrete"]["location"]["start_point"]["row"] + 1
    feature = " ".join(primary["concrete"]["feature"].split())[:120]
    return (
        f"{finding['ident']} ({finding['determinations']['severity']}) line {row}: "
        f"{primary['symbolic']['annotation']}: {feature}"
    )


def actionlint_line(finding):
    return f"{finding['filepath']}:{finding['line']}: {finding['message']} [{finding['kind']}]"
