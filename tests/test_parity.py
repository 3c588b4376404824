"""autograd_lab against real PyTorch, snippet by snippet.

Every case of ``tests/parity/cases.py`` runs under PyTorch 2.13 and under autograd_lab (with
``import autograd_lab as torch``); the transcripts (prints, warnings, errors, notebook displays; see
``tests/parity/harness.py``) must be identical. Cases that quote the spec are also checked against
the installed PyTorch, so a different PyTorch build shows up as a failure of the reference, not of
the engine.

The module is skipped when torch is not installed. It is *not* skipped when autograd_lab fails to
import: then every comparison fails.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import re

import pytest

torch = pytest.importorskip(
    "torch", reason="PyTorch 2.13 is the reference; install the [reference] extra"
)

from parity.cases import CASES, Case  # noqa: E402  (after the skip on purpose)
from parity.harness import normalize, run_snippet  # noqa: E402

try:
    import IPython  # noqa: F401

    HAVE_IPYTHON = True
except ImportError:  # pragma: no cover - depends on the environment
    HAVE_IPYTHON = False

SPEC_CASES = [case for case in CASES if case.spec is not None]
_IPYTHON_ONLY = re.compile(r"<\w+ at 0x")  # IPython's form of an object without its own repr


@pytest.fixture(scope="module")
def engine():
    """The module under test; an ImportError here fails every test that uses it."""
    return importlib.import_module("autograd_lab")


@functools.cache
def torch_transcript(case: Case) -> str:
    return run_snippet(case.code, torch, notebook=case.notebook, fresh_process=case.fresh_process)


def _report(case: Case, expected: str, actual: str, expected_label: str, actual_label: str) -> str:
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=expected_label,
            tofile=actual_label,
        )
    )
    return (
        f"{case.id}: transcripts differ\n"
        f"--- snippet{' (notebook cells)' if case.notebook else ''} ---\n{case.code}"
        f"--- diff ---\n{diff}"
    )


def test_reference_is_pytorch_2_13():
    assert torch.__version__.startswith("2.13."), (
        f"the parity cases were measured on PyTorch 2.13; found {torch.__version__}"
    )


@pytest.mark.parametrize("case", SPEC_CASES, ids=[case.id for case in SPEC_CASES])
def test_reference_matches_spec(case: Case):
    """The installed PyTorch prints what the spec recorded (guards the reference itself)."""
    if not HAVE_IPYTHON and _IPYTHON_ONLY.search(case.spec):
        pytest.skip("this display was measured with IPython's pretty-printer")
    expected = normalize(case.spec)
    actual = torch_transcript(case)
    if actual != expected:
        pytest.fail(_report(case, expected, actual, "spec", "torch"), pytrace=False)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_matches_pytorch(case: Case, engine):
    expected = torch_transcript(case)
    actual = run_snippet(
        case.code, engine, notebook=case.notebook, fresh_process=case.fresh_process
    )
    if actual != expected:
        pytest.fail(_report(case, expected, actual, "torch", "autograd_lab"), pytrace=False)
