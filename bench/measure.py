"""Run one command as a child process and measure it: wall time, CPU time
(user + system, including the child's own worker processes) and peak RSS.
Children run with the clock as "now" (no SITE_NOW), as every real build does."""

import os
import re
import statistics
import subprocess
import time
from dataclasses import asdict, dataclass, field


@dataclass
class Measurement:
    scenario: str
    wall: float
    cpu: float
    peak_rss_mb: float  # the largest process of the build's tree (Pagefind and forked helpers included)
    own_rss_mb: float = float("nan")  # the build process itself
    pages: int = 0
    ok: bool = True
    note: str = ""
    log: str = ""
    runs: list = field(default_factory=list)  # each repetition's wall time; wall is their median
    rest: list = field(default_factory=list)  # live reload: save → the server at rest again, per repetition
    ratio_to_hugo: float = float("nan")  # wall ÷ Hugo's figure for the same work, where one exists

    @property
    def pages_per_second(self):
        return self.pages / self.wall if self.wall else 0.0

    def as_dict(self):
        data = asdict(self)
        data.pop("log", None)
        data["pages_per_second"] = round(self.pages_per_second, 1)
        if self.runs:
            data["spread"] = [min(self.runs), max(self.runs)]
            data["stdev"] = statistics.stdev(self.runs) if len(self.runs) > 1 else 0.0
        return data


def clock_env():
    """The environment for a measured child: "now" is the clock, as in real use."""
    env = dict(os.environ)
    env.pop("SITE_NOW", None)
    return env


def run(scenario, argv, env=None, cwd=None):
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=clock_env() if env is None else env, cwd=cwd,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = b""
    # wait4 gives the child's resource usage, including the workers it forked and reaped.
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    measurement = Measurement(
        scenario=scenario, wall=wall, cpu=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024, ok=process.returncode == 0,
    )
    text = output.decode(errors="replace")
    found = re.findall(r"bench: own peak RSS KB: (\d+)", text)
    if found:
        measurement.own_rss_mb = int(found[-1]) / 1024
    if process.returncode != 0:
        measurement.note = output.decode(errors="replace")[-2000:]
    return measurement, output.decode(errors="replace")
