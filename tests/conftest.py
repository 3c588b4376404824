"""Shared test setup. With AUTOGRAD_LAB_REQUIRE_REFERENCE=1 (set by CI) a missing PyTorch is an
error, not a reason to skip: the comparisons with the reference must run."""

import importlib.util
import os

import pytest


def pytest_sessionstart(session):
    if os.environ.get("AUTOGRAD_LAB_REQUIRE_REFERENCE") and not importlib.util.find_spec("torch"):
        pytest.exit("PyTorch (the [reference] extra) is required here but is not installed",
                    returncode=1)
