""".ci/system-packages: `make test` installs Chromium and Java on a fresh Debian machine.

The script runs against stand-ins for `id`, `sudo`, `apt-get`, `chromium` and
`java` in a folder that is the whole PATH, so nothing is installed for real;
each stand-in writes its command line into the same log as the script's own
output, which shows what ran in which order.
"""

import os
import shutil
import subprocess

import pytest

from tests.support.sites import ROOT

SCRIPT = os.path.join(ROOT, ".ci", "system-packages")
BASH = shutil.which("bash")
CHMOD = shutil.which("chmod")
LOGGING_STUB = '#!{bash}\necho "{name} $*" >> "$STUB_LOG"\n'
# apt-get "installs" by creating the stand-ins of the programs it was asked for.
APT_GET = LOGGING_STUB + """\
if [ "$1" = install ]; then
  for package in "$@"; do
    case "$package" in
      chromium) printf '#!{bash}\\n' > "$STUB_BIN/chromium"; {chmod} +x "$STUB_BIN/chromium" ;;
      default-jre-headless) printf '#!{bash}\\n' > "$STUB_BIN/java"; {chmod} +x "$STUB_BIN/java" ;;
      nodejs|npm|g++|make) name="$package"; [ "$package" = nodejs ] && name=node
        printf '#!{bash}\\n' > "$STUB_BIN/$name"; {chmod} +x "$STUB_BIN/$name" ;;
    esac
  done
fi
"""


# Node.js, npm and a compiler for the Bluesky server of the posting tests.
NODE = ("node", "npm", "g++", "make")


def write_stub(folder, name, text):
    path = folder / name
    path.write_text(text.replace("{bash}", BASH).replace("{name}", name).replace("{chmod}", CHMOD))
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path):
    """A stand-in machine: returns run(uid, programs) → (exit code, log lines)."""
    stub_bin = tmp_path / "bin"
    stub_bin.mkdir()
    log = tmp_path / "log"
    os.symlink(shutil.which("env"), stub_bin / "env")

    def run(uid=1000, programs=("apt-get", "sudo") + NODE, environment=None):
        for name in programs:
            if not (stub_bin / name).exists():
                text = {"apt-get": APT_GET,
                        "sudo": LOGGING_STUB + 'exec "$@"\n'}.get(name, LOGGING_STUB)
                write_stub(stub_bin, name, text)
        write_stub(stub_bin, "id", f"#!{BASH}\necho {uid}\n")
        env = {"PATH": str(stub_bin), "STUB_LOG": str(log), "STUB_BIN": str(stub_bin)}
        env.update(environment or {})
        log.write_text("")
        with open(log, "a") as output:
            done = subprocess.run([BASH, SCRIPT], env=env, stdout=output, stderr=output, timeout=60, check=False)
        return done.returncode, log.read_text().splitlines()

    return run


def test_nothing_happens_when_chromium_and_java_are_there(machine):
    assert machine(programs=("apt-get", "sudo", "chromium", "java") + NODE) == (0, [])


def test_fresh_machine_as_user_says_what_it_does_then_installs_through_sudo(machine):
    code, lines = machine(uid=1000)
    assert code == 0, lines
    assert lines[0] == ("make test: installing chromium default-jre-headless from Debian (Chromium "
                        "for the browser tests and Java for the HTML checker) with sudo apt-get "
                        "(it may ask for your password)")
    commands = list(lines[1:])
    assert commands == [
        "sudo apt-get update -q",
        "apt-get update -q",
        "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "
        "chromium default-jre-headless",
        "apt-get install -y -q --no-install-recommends chromium default-jre-headless",
    ]
    assert machine(uid=1000) == (0, []), "a second run must find everything and do nothing"


def test_as_root_without_sudo_and_only_what_is_missing(machine):
    code, lines = machine(uid=0, programs=("apt-get", "chromium") + NODE)
    assert code == 0, lines
    assert lines == [
        "make test: installing default-jre-headless from Debian (Java for the HTML checker) with apt-get",
        "apt-get update -q",
        "apt-get install -y -q --no-install-recommends default-jre-headless",
    ]


def test_user_without_sudo_is_told_the_command(machine):
    code, lines = machine(uid=1000, programs=("apt-get", "java") + NODE)
    assert code == 1
    assert lines == ["make test: missing Chromium for the browser tests; as root, run: apt-get install chromium"]


def test_machine_without_apt_get_is_told_what_is_missing(machine):
    code, lines = machine(programs=("sudo",) + NODE)
    assert code == 1
    assert len(lines) == 1 and "missing Chromium for the browser tests and Java for the HTML checker" in lines[0]
    assert "no apt-get" in lines[0]


def test_chromium_path_pointing_nowhere_is_refused(machine, tmp_path):
    code, lines = machine(programs=("apt-get", "sudo", "java") + NODE,
                          environment={"CHROMIUM_PATH": str(tmp_path / "chrome")})
    assert code == 1
    assert lines == [f"make test: CHROMIUM_PATH={tmp_path / 'chrome'} is not a program; expected the "
                     "path of a Chromium or Chrome binary, or no CHROMIUM_PATH to use Debian's chromium"]


def test_a_machine_without_node_gets_node_npm_and_a_compiler(machine):
    code, lines = machine(uid=0, programs=("apt-get", "chromium", "java"))
    assert code == 0, lines
    assert lines == [
        "make test: installing nodejs npm g++ make from Debian (Node.js for the Bluesky server of "
        "the posting tests) with apt-get",
        "apt-get update -q",
        "apt-get install -y -q --no-install-recommends nodejs npm g++ make",
    ]


def test_make_test_and_ci_install_before_the_tests_run():
    planned = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True,
                             timeout=60, check=False).stdout.splitlines()
    assert ".ci/system-packages" in planned
    assert planned.index(".ci/system-packages") < next(
        i for i, line in enumerate(planned) if "-m pytest" in line)
    with open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8") as handle:
        commands = [line for line in handle.read().splitlines() if line and not line.startswith("#")]
    assert commands[-1] == "exec make test"
    assert not any("apt-get" in line for line in commands)
