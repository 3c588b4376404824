"""Reading and running the lesson notebooks for ``tests/test_lessons.py``.

* ``lessons()``: the lesson notebooks (``notebooks/NN_*.ipynb``, the index excluded).
* ``text_outputs(cell)``: what a learner reads from a cell (stdout, stderr, the text of each
  result, errors), sanitized with the same patterns nbval uses.
* ``run_with_pytorch(nb)``: the notebook executed by a kernel with real PyTorch in place of
  autograd_lab (``import torch``); a ``BackwardStepper`` becomes the ``backward()`` call it makes.
* ``run_in_process(nb, start, stop, namespace)``: code cells ``start..stop`` executed here.
"""

from __future__ import annotations

import configparser
import contextlib
import io
import re
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
ENGINE_IMPORT = "import autograd_lab as torch"
STEPPER_IMPORT = "from autograd_lab.widgets import BackwardStepper"
# In the PyTorch run a stepper is the backward pass it would have made, and nothing else.
STEPPER_STAND_IN = '''\
def BackwardStepper(output, gradient=None, *, retain_graph=None, **_):
    output.backward(gradient, retain_graph=retain_graph)
'''


def lessons() -> list[Path]:
    return sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb") if not p.name.startswith("00"))


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _sanitizers() -> list[tuple[re.Pattern, str]]:
    config = configparser.ConfigParser(interpolation=None)
    config.read(NOTEBOOKS / "nbval_sanitize.cfg")
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]


SANITIZERS = _sanitizers()


def sanitize(text: str) -> str:
    for pattern, replacement in SANITIZERS:
        text = pattern.sub(replacement, text)
    return text


def text_outputs(cell) -> dict[str, object]:
    """The cell's outputs as a learner reads them: streams joined, results' text, errors."""
    streams = {"stdout": "", "stderr": ""}
    results, errors = [], []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            streams[out["name"]] += out["text"]
        elif out["output_type"] == "error":
            errors.append(f"{out['ename']}: {out['evalue']}")
        elif "text/plain" in out.get("data", {}):
            results.append(out["data"]["text/plain"])
    return {k: sanitize(v) for k, v in streams.items()} | {
        "results": [sanitize(r) for r in results], "errors": [sanitize(e) for e in errors]}


def uses_stepper(cell) -> bool:
    return "BackwardStepper(" in cell.source


def unstable(cell) -> bool:
    """nbval's mark for a cell whose output cannot be the same twice (a timing)."""
    return "nbval-ignore-output" in tags(cell) or "# NBVAL_IGNORE_OUTPUT" in cell.source


def with_pytorch(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose code imports real PyTorch as ``torch``."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = (cell.source.replace(ENGINE_IMPORT, "import torch")
                           .replace(STEPPER_IMPORT, STEPPER_STAND_IN))
            cell.outputs = []
    return nb


def run_with_pytorch(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    swapped = with_pytorch(nb)
    NotebookClient(swapped, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return swapped


def run_in_process(nb: nbformat.NotebookNode, start: int, stop: int, namespace: dict) -> dict:
    """Execute code cells ``start .. stop`` (inclusive) of ``nb`` in ``namespace``, quietly.

    Cells tagged ``raises-exception`` must raise; no other cell may.
    """
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not start <= index <= stop:
            continue
        raises = "raises-exception" in tags(cell)
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                exec(compile(cell.source, f"<cell {index}>", "exec"), namespace)
            except Exception:
                if not raises:
                    raise
            else:
                if raises:
                    raise AssertionError(f"cell {index} is tagged raises-exception but did not "
                                         f"raise:\n{cell.source}")
    return namespace


SOLUTION = re.compile(r"<details>.*?```python\n(.*?)```.*?</details>", re.S)
CHECK_CALL = re.compile(r"""check\(\s*["'](\d\d\.\d+)["']\s*,\s*answer\s*\)""")


def exercises(nb: nbformat.NotebookNode) -> list[tuple[str, int, str | None]]:
    """``(exercise id, index of its code cell, its solution's code or None)`` for each."""
    found = []
    for index, cell in enumerate(nb.cells):
        match = CHECK_CALL.search(cell.source) if cell.cell_type == "code" else None
        if match:
            after = nb.cells[index + 1] if index + 1 < len(nb.cells) else None
            solution = SOLUTION.search(after.source) if after and after.cell_type == "markdown" \
                else None
            found.append((match.group(1), index, solution.group(1) if solution else None))
    return found
