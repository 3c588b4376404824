"""Shared test setup. With AUTOGRAD_LAB_STRICT=1 (set by CI) a missing PyTorch or Graphviz
`dot` is an error, not a reason to skip: the comparisons and renderings must run."""

import importlib.util
import os
import shutil

import pytest


def pytest_sessionstart(session):
    if not os.environ.get("AUTOGRAD_LAB_STRICT"):
        return
    if not importlib.util.find_spec("torch"):
        pytest.exit("PyTorch (the [reference] extra) is required here but is not installed",
                    returncode=1)
    if not shutil.which("dot"):
        pytest.exit("Graphviz's dot is required here but is not installed", returncode=1)
