"""Tests marked `forks` run where kit.child may fork (tests/support/forking.py)."""

from tests.support.forking import pytest_pyfunc_call  # noqa: F401 - marker `forks`
