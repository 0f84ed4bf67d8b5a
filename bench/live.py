"""Live reload as an editor sees it: time from saving a file to the new page being served.

A server (this project's `invoke livereload`, what `make serve` runs, or
`hugo server`) runs as a child process on a free port of 127.0.0.1 with the
corpus as its content. Once its first build is served, one article is
edited a few times and the served pages are fetched over HTTP until they
carry the new text:

- body edit: a paragraph appended; done when the article page shows it;
- title edit: the title changed; done when the home page lists the new title
  and the article page (found through the home page's link, since Pelican
  derives the address from the title) shows it.

Before each edit the server must be at rest (its process group uses almost
no CPU): an edit never waits for the rebuild of the one before. How long
after the save the server came to rest is kept too (`rest`): a server may
serve the edited page before its rebuild ends (hugo server does), while the
browser reloads only when the rebuild is over.

Every wait is bounded; the server is stopped (SIGINT, as Ctrl+C, then
SIGTERM and SIGKILL to its process group if it does not end) and its peak
memory read before it ends (VmHWM) and from its exit (largest process of its
tree).
"""

import contextlib
import html
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from .measure import Measurement, clock_env

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPEATS = 3
POLL_INTERVAL = 0.03
REST = "at rest (whole site rebuilt)"
IDLE_WINDOW, IDLE_SHARE = 1.0, 0.15  # a server using less than 15 % of a core for a second is at rest
PROJECT_FILES = ("tasks.py", "pelicanconf.py", "plugins", "theme")


def _interruptible():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Timeout(Exception):
    pass


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def project_checkout(target, content):
    """A checkout of this project whose content/ is `content`: the code, theme and
    settings are links to this one, so `invoke livereload` there is exactly what
    `make serve` runs, on the corpus. Returns its path (output and cache start empty)."""
    import shutil

    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(target)
    for name in PROJECT_FILES:
        os.symlink(os.path.join(ROOT, name), os.path.join(target, name))
    shutil.copytree(content, os.path.join(target, "content"), symlinks=True)
    return target


def project_command(checkout, port):
    return [sys.executable, "-m", "invoke", "livereload", "--port", str(port)], checkout


def hugo_command(site, port, hugo="hugo"):
    return [hugo, "server", "--source", site, "--bind", "127.0.0.1", "--port", str(port),
            "--baseURL", "http://127.0.0.1/", "--cacheDir", os.path.join(site, ".hugo-cache")], site


def fetch(url, timeout):
    """The page's text, or None while the server does not answer 200."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            if answer.status != 200:
                return None
            return html.unescape(answer.read().decode("utf-8", errors="replace"))
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _links(page, base, text):
    """Addresses of the links on `page` whose visible text is `text`."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    return [urllib.parse.urljoin(base, a["href"]) for a in soup.find_all("a", href=True)
            if " ".join(a.get_text().split()) == text]


class Session:
    """One server child process on `port`, its log in `log_path`."""

    def __init__(self, argv, cwd, port, log_path):
        self.base = f"http://127.0.0.1:{port}/"
        self.log_path = log_path
        self.started = time.perf_counter()
        with open(log_path, "wb") as log:
            # Own session: the server and everything it starts form one process group to stop.
            # Ctrl+C must reach it as in a terminal, also when the benchmark itself was
            # started in the background (`invoke bench &`), where the shell ignores SIGINT
            # for it and every child would inherit that.
            self.process = subprocess.Popen(argv, cwd=cwd, env=clock_env(), stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True,
                                            preexec_fn=_interruptible)
        self.own_peak_mb = float("nan")
        self.tree_peak_mb = float("nan")
        self.cpu = float("nan")
        self.leftovers = False

    def alive(self):
        return self.process.poll() is None

    def wait_for(self, url, texts, deadline):
        """perf_counter() when `url` first answers with every one of `texts`, and the page."""
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise Timeout(f"{url} did not show {texts!r} in time")
            if not self.alive():
                raise Timeout(f"the server ended (exit code {self.process.returncode}); see {self.log_path}")
            page = fetch(url, timeout=max(0.5, min(remaining, 60)))
            if page is not None and all(text in page for text in texts):
                return time.perf_counter(), page
            time.sleep(POLL_INTERVAL)

    def group_cpu(self):
        """CPU seconds used so far by the server's process group, reaped children included."""
        ticks = 0
        for pid in filter(str.isdigit, os.listdir("/proc")):
            with contextlib.suppress(OSError, ValueError, IndexError):
                with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                if int(fields[2]) == self.process.pid:  # process group
                    ticks += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
        return ticks / os.sysconf("SC_CLK_TCK")

    def wait_idle(self, deadline):
        """perf_counter() when the server stopped working (it used under IDLE_SHARE of a core
        for IDLE_WINDOW seconds): its rebuild is over, and the next edit is measured alone."""
        before, since = self.group_cpu(), time.perf_counter()
        while time.perf_counter() < deadline and self.alive():
            time.sleep(IDLE_WINDOW)
            now, used = time.perf_counter(), self.group_cpu()
            if used - before < IDLE_SHARE * (now - since):
                return since
            before, since = used, now
        raise Timeout(f"the server did not come to rest in time; see {self.log_path}")

    def sample_memory(self):
        """The server process's own peak RSS so far (VmHWM), in MB."""
        with contextlib.suppress(OSError, StopIteration, ValueError):
            with open(f"/proc/{self.process.pid}/status", encoding="ascii") as handle:
                kb = next(int(line.split()[1]) for line in handle if line.startswith("VmHWM"))
            self.own_peak_mb = kb / 1024
        return self.own_peak_mb

    def stop(self):
        """Ctrl+C as an editor stops it; then ever harder, always bounded."""
        self.sample_memory()
        for sig, grace in ((signal.SIGINT, 30), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            if self.process.returncode is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                if sig == signal.SIGINT:
                    os.kill(self.process.pid, sig)
                else:
                    os.killpg(self.process.pid, sig)
            end = time.monotonic() + grace
            while time.monotonic() < end:
                pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
                if pid:
                    self.process.returncode = os.waitstatus_to_exitcode(status)
                    self.tree_peak_mb = usage.ru_maxrss / 1024
                    self.cpu = usage.ru_utime + usage.ru_stime
                    break
                time.sleep(0.1)
        # Anything the server started and left behind (its group outlives it) is ended too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, 0)
            self.leftovers = True
            os.killpg(self.process.pid, signal.SIGKILL)

    def tail(self, lines=15):
        with open(self.log_path, encoding="utf-8", errors="replace") as handle:
            return "".join(handle.readlines()[-lines:])


def _append(path, text):
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def _replace_title(path, old, new, key):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if key == "title":  # YAML front matter (Hugo)
        import yaml

        old_line, new_line = (yaml.safe_dump({"title": t}, allow_unicode=True).strip() for t in (old, new))
    else:
        old_line, new_line = f"Title: {old}", f"Title: {new}"
    if old_line not in text:
        raise ValueError(f"{path}: the line {old_line!r} is not there")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.replace(old_line, new_line, 1))


def measure_server(label, argv, cwd, port, article, title, title_key, ready_timeout, edit_timeout,
                   log_path, repeats=REPEATS):
    """Start a server, measure `repeats` body edits and title edits of `article`
    (whose title is `title`; `title_key` is how its file spells the title key);
    returns the Measurements: first build served, body edit, title edit."""
    session = Session(argv, cwd, port, log_path)
    first = Measurement(scenario=f"{label}: started, first page served", wall=float("nan"),
                        cpu=float("nan"), peak_rss_mb=float("nan"))
    body = Measurement(scenario=f"{label}: body edit, saved → served", wall=float("nan"), cpu=float("nan"),
                       peak_rss_mb=float("nan"))
    retitle = Measurement(scenario=f"{label}: title edit, saved → served on article and home page",
                          wall=float("nan"), cpu=float("nan"), peak_rss_mb=float("nan"))
    results = [first, body, retitle]
    current = first
    try:
        served, home = session.wait_for(session.base, [title], time.perf_counter() + ready_timeout)
        first.wall = served - session.started
        first.runs.append(first.wall)
        links = _links(home, session.base, title)
        if not links:
            raise Timeout(f"the home page has no link named {title!r}")
        article_url = links[0]
        current = body
        session.wait_idle(time.perf_counter() + edit_timeout)
        first.own_rss_mb = session.sample_memory()  # the server's peak through its first build
        for index in range(1, repeats + 1):
            token = f"Nachtrag {index} ({label}): Diese Zeile misst, wann die Änderung zu sehen ist."
            _append(article, f"\n{token}\n")
            saved = time.perf_counter()
            done, _ = session.wait_for(article_url, [token], saved + edit_timeout)
            body.runs.append(done - saved)
            body.rest.append(session.wait_idle(saved + edit_timeout) - saved)
        body.own_rss_mb = session.sample_memory()  # … and after the body edits' rebuilds
        current = retitle
        old = title
        for index in range(1, repeats + 1):
            new = f"{title} (Fassung {index})"
            _replace_title(article, old, new, title_key)
            saved = time.perf_counter()
            deadline = saved + edit_timeout
            _, home = session.wait_for(session.base, [new], deadline)
            links = _links(home, session.base, new)
            if not links:
                raise Timeout(f"the home page shows {new!r} but links no article by that name")
            done, _ = session.wait_for(links[0], [new], deadline)
            retitle.runs.append(done - saved)
            retitle.rest.append(session.wait_idle(deadline) - saved)
            old = new
        current = None
    except Timeout as problem:
        current.ok = False
        current.note = f"{problem}\n{session.tail()}"
        for later in results[results.index(current) + 1:]:
            later.ok, later.note = False, "not measured: an earlier step failed"
    finally:
        session.stop()
    for m in results:
        if m.runs:
            m.wall = statistics.median(m.runs)
        if math.isnan(m.own_rss_mb) or m is retitle:
            m.own_rss_mb = session.own_peak_mb  # the peak when the server was stopped
        m.peak_rss_mb = session.tree_peak_mb
    for m, edit in ((body, "body edit"), (retitle, "title edit")):
        if m.rest:  # the whole rebuild: a server may serve the edited page before it is done
            done = Measurement(scenario=f"{label}: {edit}, saved → {REST}",
                               wall=statistics.median(m.rest), cpu=float("nan"), peak_rss_mb=m.peak_rss_mb,
                               own_rss_mb=m.own_rss_mb, ok=m.ok, runs=list(m.rest))
            results.insert(results.index(m) + 1, done)
    first.cpu = session.cpu  # the whole session's CPU time, on the row that stands for the server
    if session.leftovers:
        first.ok = False
        first.note = (first.note + "\n" if first.note else "") + "left processes behind; ended them"
    return results
