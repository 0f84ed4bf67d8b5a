"""kit.memory gives freed heap memory back to the operating system (glibc)."""

import pytest

from kit import memory


def _rss_mb():
    with open("/proc/self/status", encoding="ascii") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("VmRSS")) / 1024


@pytest.mark.skipif(not memory._load(), reason="no malloc_trim (not glibc)")
def test_freed_holes_between_live_objects_go_back_to_the_system():
    # Big strings (malloc, not Python's small-object pools) with a survivor every
    # 50: the holes between survivors stay in the process until trimmed.
    strings = [str(i).rjust(4096, "x") for i in range(40_000)]
    survivors = strings[::50]
    del strings
    before = _rss_mb()
    memory.release_freed_memory()
    after = _rss_mb()
    assert before - after > 50, (before, after)
    assert len(survivors) == 800


def test_it_is_harmless_to_call_any_time():
    memory.release_freed_memory()
    memory.release_freed_memory()
