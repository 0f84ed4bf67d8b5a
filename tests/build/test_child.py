"""kit.child: work in forked children, their log records replayed here, one fallback."""

import logging
import os
import threading
import time

import pytest

from build.problems import ProblemCollector
from kit import child
from kit.pelican_door import reset_log_deduplication
from kit.problems import EditorInputError, is_notice, notice

log = logging.getLogger("tests.child")
pytestmark = pytest.mark.forks


def _pids_and_doubles(share):
    return [(os.getpid(), item * 2) for item in share]


def _reaped(pid):
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_split_works_in_children_and_gives_what_one_process_gives():
    items = list(range(40))
    shares = child.split(_pids_and_doubles, items, workers=3, minimum=10, what="doubling")
    pids = {pid for share in shares for pid, _ in share}
    assert len(shares) == 3 and len(pids) == 3 and os.getpid() in pids
    assert sorted(v for share in shares for _, v in share) == [i * 2 for i in items]
    assert all(_reaped(pid) for pid in pids - {os.getpid()})


def test_too_little_work_stays_in_this_process():
    shares = child.split(_pids_and_doubles, range(5), workers=3, minimum=10, what="doubling")
    assert shares == [[(os.getpid(), i * 2) for i in range(5)]]


def test_no_fork_while_another_thread_runs(caplog):
    release = threading.Event()
    waiter = threading.Thread(target=release.wait, daemon=True, name="pipe-reader")
    waiter.start()
    try:
        assert not child.may_fork()
        with caplog.at_level(logging.DEBUG, logger="kit.child"):
            assert child.run(os.getpid, "asking") == os.getpid()
            shares = child.split(_pids_and_doubles, range(40), workers=2, minimum=1, what="doubling")
        assert {pid for share in shares for pid, _ in share} == {os.getpid()}
        # Why it stayed in one process is said, for whoever wonders where the second core went.
        said = [r.getMessage() for r in caplog.records if r.name == "kit.child"]
        assert "asking: no child process (other threads are running: pipe-reader); done in this process" in said
        assert "doubling: one process instead of 2 (other threads are running: pipe-reader)" in said
    finally:
        release.set()
        waiter.join()
    assert child.may_fork()
    assert child.run(os.getpid, "asking") != os.getpid()


def test_a_failing_fork_leaves_the_work_to_this_process(monkeypatch):
    def no_fork():
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert child.run(os.getpid, "asking") == os.getpid()
    shares = child.split(_pids_and_doubles, range(40), workers=2, minimum=1, what="doubling")
    assert sorted(v for share in shares for _, v in share) == [i * 2 for i in range(40)]


def _noisy():
    log.warning("Skipping %s: could not find information about '%s'", "content/a.md", "title")
    notice(log, "%s: cache is damaged; discarded", "cache/x.cbor")
    log.info("a detail")
    log.error("%s: %s: %s", "content/b.md", "Date", "expected a date like 2026-11-24")
    return os.getpid()


@pytest.fixture(autouse=True)
def _fresh_pelican_log_filter():
    """Pelican logs each warning once per process; every test here is a new build."""
    reset_log_deduplication()


def test_the_records_of_a_child_are_logged_here_in_its_order(caplog):
    caplog.set_level(logging.INFO, logger="tests.child")
    pid = child.run(_noisy, "logging")
    assert pid != os.getpid()
    records = [r for r in caplog.records if r.name == "tests.child"]
    assert [r.getMessage() for r in records] == [
        "Skipping content/a.md: could not find information about 'title'",
        "cache/x.cbor: cache is damaged; discarded",
        "a detail",
        "content/b.md: Date: expected a date like 2026-11-24",
    ]
    assert records[0].msg.startswith("Skipping %s")  # filters that match templates still match
    assert [is_notice(r) for r in records] == [False, True, False, False]
    assert all(r.process == os.getpid() for r in records)


def test_a_warning_in_a_child_reaches_the_build_s_problem_collector():
    collector = ProblemCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        child.run(_noisy, "logging")
    finally:
        root.removeHandler(collector)
    assert [str(p) for p in collector.problems] == [
        "notice: cache/x.cbor: cache is damaged; discarded",
        "error: content/b.md: Date: expected a date like 2026-11-24",
    ]  # "Skipping …" is one Pelican message the collector leaves out, as in this process


def test_an_editor_error_logged_with_its_exception_keeps_its_line():
    def work():
        try:
            raise EditorInputError("content/c.md", "Title", "expected a title")
        except EditorInputError as exc:
            # as Pelican logs a reader's failure: the exception as an argument, no traceback
            logging.getLogger("tests.child").exception(
                "Could not process %s\n%s", "c.md", exc, exc_info=False)

    collector = ProblemCollector()
    logging.getLogger().addHandler(collector)
    try:
        child.run(work, "reading")
    finally:
        logging.getLogger().removeHandler(collector)
    assert [str(p) for p in collector.problems] == ["error: content/c.md: Title: expected a title"]


def _fails():
    raise ValueError("kaputt")


def test_the_child_s_exception_is_raised_here_without_its_traceback(monkeypatch):
    monkeypatch.delenv("SITE_DEBUG", raising=False)
    with pytest.raises(ValueError, match=r"^kaputt$") as caught:
        child.run(_fails, "working")
    assert not getattr(caught.value, "__notes__", None)
    assert child.describe(caught.value) == "ValueError: kaputt"


def test_with_site_debug_the_child_s_traceback_comes_along(monkeypatch):
    monkeypatch.setenv("SITE_DEBUG", "1")
    with pytest.raises(ValueError) as caught:
        child.run(_fails, "working")
    note = "\n".join(caught.value.__notes__)
    assert "working, in a child process" in note and "in _fails" in note


def test_an_editor_error_in_a_child_is_one_clear_line(monkeypatch):
    monkeypatch.delenv("SITE_DEBUG", raising=False)

    def work():
        raise EditorInputError("content/faq/x.md", "Frage", "expected a question ending in '?'")

    with pytest.raises(child.ChildFailed) as caught:
        child.run(work, "reading")
    assert caught.value.editor_error
    assert str(caught.value) == "content/faq/x.md: Frage: expected a question ending in '?'"


def test_a_child_that_dies_is_one_clear_exception():
    def work():
        os.kill(os.getpid(), 9)

    with pytest.raises(child.ChildFailed) as caught:
        child.run(work, "rendering pages")
    assert str(caught.value) == (
        "rendering pages: the child process was killed by SIGKILL (out of memory?) without an answer")


def test_a_result_that_cannot_travel_is_one_clear_exception():
    with pytest.raises(child.ChildFailed, match=r"^indexing: its result could not be sent back"):
        child.run(lambda: threading.Lock(), "indexing")


def test_a_child_never_runs_the_parent_s_code_on(tmp_path):
    parent = os.getpid()
    marks = tmp_path / "marks"
    with pytest.raises(ValueError):
        child.run(_fails, "working")
    child.run(os.getpid, "asking")
    with open(marks, "a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()}\n")
    if os.getpid() != parent:  # only reached if a child came back: the test must see it
        os._exit(0)
    assert marks.read_text(encoding="utf-8").split() == [str(parent)]


def test_every_child_is_waited_for_and_the_first_error_is_raised(tmp_path):
    def work(share):
        (tmp_path / str(os.getpid())).write_text("", encoding="utf-8")
        if 0 in share or 1 in share:
            raise ValueError(f"share of {share[0]} failed")
        return share

    with pytest.raises(ValueError, match="share of 0 failed"):
        child.split(work, range(30), workers=3, minimum=1, what="working")
    pids = {int(p.name) for p in tmp_path.iterdir()}
    assert len(pids) == 3 and all(_reaped(pid) for pid in pids - {os.getpid()})


def test_a_started_job_runs_while_this_process_goes_on(tmp_path):
    gate = tmp_path / "gate"

    def work():
        for _ in range(3000):  # at most 30 s
            if gate.exists():
                return "done"
            time.sleep(0.01)
        return "the gate never opened"

    job = child.start(work, "waiting")
    gate.write_text("open", encoding="utf-8")  # the child could only finish after this
    assert job.join() == "done"


def test_children_nobody_joined_are_waited_for_when_asked(tmp_path, caplog):
    """The build runner's last word on a build (join_unjoined): a child a failed
    build left running is done writing before its folder goes; its records are
    logged here, and its owner may still join it later and gets the same answer."""
    target = tmp_path / "written-late"

    def late():
        time.sleep(0.3)
        target.write_text("late", encoding="utf-8")
        log.warning("written after the build")
        return "late result"

    def failing():
        raise ValueError("no such thing")

    jobs = [child.start(late, "late work"), child.start(failing, "failing work")]
    assert all(job.pid is not None for job in jobs)
    caplog.set_level(logging.DEBUG)
    child.join_unjoined()
    assert target.read_text(encoding="utf-8") == "late"
    assert all(_reaped(job.pid) for job in jobs)
    assert "written after the build" in caplog.text
    assert "failing work: ended after its build" in caplog.text and "no such thing" in caplog.text
    assert jobs[0].join() == "late result"
    with pytest.raises(ValueError, match="no such thing"):
        jobs[1].join()
    child.join_unjoined()  # nothing left: returns at once
