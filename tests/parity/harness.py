"""Run a code snippet against a torch-like module and return what a learner would see.

The transcript of a snippet is, in the order things happened:

* everything printed to stdout;
* each warning, as one line ``<Category>: <message>``;
* a trailing expression's value, for snippets that emulate notebook cells, displayed the way
  IPython displays ``Out[n]`` (``IPython.lib.pretty.pretty``, or ``repr`` when IPython is absent);
* an uncaught exception, as ``<ExceptionTypeName>: <message>`` (it ends the snippet, or the cell).

The same snippet is run with ``torch`` bound to real PyTorch and to ``autograd_lab``; the two
transcripts must be equal.

Normalisation (applied by :func:`normalize`, to both sides alike), limited to what no engine can or
should reproduce:

* object addresses ``0x...`` are masked (they change from run to run);
* PyTorch's C++ warnings end in `` (Triggered internally at <C++ file>:<line>.)``; that suffix
  names a file of PyTorch's build and is stripped.

Things deliberately *not* exercised by the cases, for the same reason: ``type(node).__module__``
(``builtins`` for PyTorch's C++ node classes), ``data_ptr()`` values, the exact C++ source
location of a warning, and the repr of ``torch.manual_seed``'s ``torch._C.Generator``.

Some PyTorch warnings are issued once per process (``TORCH_WARN_ONCE``: ``backward(create_graph=
True)``, ``x.T`` on a tensor that is not 2-D, ``float()`` of a tensor that requires grad). A
snippet that shows one runs with ``fresh_process=True``: in a new interpreter, as a learner's fresh
kernel would, so its transcript does not depend on which snippets ran before it.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import traceback
import warnings
from types import ModuleType

try:  # IPython is optional: without it, notebook values are shown with repr().
    from IPython.lib.pretty import pretty as _pretty
except ImportError:  # pragma: no cover - depends on the environment
    _pretty = repr

__all__ = ["CELL_MARKER", "normalize", "run_snippet", "split_cells"]

#: A line starting with this marker begins a new notebook cell (the jupytext / VS Code convention).
CELL_MARKER = "# %%"

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_TRIGGERED = re.compile(r" \(Triggered internally at [^)]*\)")


def normalize(text: str) -> str:
    """Mask object addresses and drop PyTorch's ``(Triggered internally at ...)`` suffixes."""
    return _ADDRESS.sub("0x...", _TRIGGERED.sub("", text))


def split_cells(code: str) -> list[tuple[str | None, str]]:
    """Split ``code`` at lines starting with :data:`CELL_MARKER`.

    Returns ``(marker_line, cell_source)`` pairs; the text before the first marker (if any) has
    ``marker_line`` None.
    """
    cells: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in code.splitlines():
        if line.startswith(CELL_MARKER):
            cells.append((line.rstrip(), []))
        else:
            cells[-1][1].append(line)
    return [
        (marker, "\n".join(lines)) for marker, lines in cells if marker or "".join(lines).strip()
    ]


def _aliased_import(torch_module: ModuleType):
    """An ``__import__`` that resolves ``torch`` and ``torch.*`` to ``torch_module`` (and its
    submodules), so a snippet's own ``import torch`` gets the module under test."""
    real_import = builtins.__import__
    target = torch_module.__name__

    def _import(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and (name == "torch" or name.startswith("torch.")):
            name = target + name[len("torch") :]
        return real_import(name, globals, locals, fromlist, level)

    return _import


def _namespace(torch_module: ModuleType) -> dict:
    snippet_builtins = dict(vars(builtins))
    snippet_builtins["__import__"] = _aliased_import(torch_module)
    return {
        "__name__": "__snippet__",
        "__builtins__": snippet_builtins,
        "torch": torch_module,
        "F": torch_module.nn.functional,
    }


def _format_exception(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _run_cell(source: str, namespace: dict, *, display: bool) -> None:
    """Execute one cell; with ``display``, show a trailing expression like IPython's ``Out[n]``."""
    tree = ast.parse(source, mode="exec")
    last = None
    if display and tree.body and isinstance(tree.body[-1], ast.Expr):
        # IPython shows nothing for a cell whose last line ends with ';'.
        if not source.rstrip().endswith(";"):
            last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, "<snippet>", "exec"), namespace)
    if last is not None:
        value = eval(compile(last, "<snippet>", "eval"), namespace)
        if value is not None:
            print(_pretty(value))


def _grad_mode(torch_module: ModuleType):
    is_enabled = getattr(torch_module, "is_grad_enabled", None)
    return is_enabled() if callable(is_enabled) else None


def _restore_grad_mode(torch_module: ModuleType, enabled) -> None:
    setter = getattr(torch_module, "set_grad_enabled", None)
    if enabled is not None and callable(setter) and _grad_mode(torch_module) != enabled:
        setter(enabled)


def run_snippet(
    code: str, torch_module: ModuleType, *, notebook: bool = False, fresh_process: bool = False
) -> str:
    """Run ``code`` in a fresh namespace with ``torch = torch_module`` and return its transcript.

    ``notebook=False``: the snippet is a script; an uncaught exception ends it.
    ``notebook=True``: the snippet is one or more notebook cells separated by lines starting with
    ``# %%``; each cell's trailing expression is displayed, an exception ends only its cell (as in a
    notebook run cell by cell), and when there are several cells each cell's output is preceded by
    its marker line.

    The grad mode in force before the call is restored afterwards, so a snippet that fails inside
    ``set_grad_enabled(False)`` cannot leak into the next one.

    ``fresh_process=True`` runs the snippet in a new Python interpreter (same ``sys.path``), for
    behaviour that depends on process state, such as warnings PyTorch issues only once.
    """
    if fresh_process:
        return _run_in_fresh_process(code, torch_module.__name__, notebook)
    namespace = _namespace(torch_module)
    buffer = io.StringIO()

    def show_warning(message, category, filename, lineno, file=None, line=None):
        buffer.write(f"{category.__name__}: {message}\n")

    cells = split_cells(code) if notebook else [(None, code)]
    with_headers = notebook and len(cells) > 1
    grad_mode = _grad_mode(torch_module)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(buffer):
            warnings.simplefilter("always")
            # autograd_lab silences numpy's floating-point RuntimeWarnings in its own code (as
            # PyTorch prints inf/nan without a warning); keep that filter active here too.
            warnings.filterwarnings("ignore", category=RuntimeWarning, module="autograd_lab")
            warnings.showwarning = show_warning
            for marker, source in cells:
                if with_headers and marker is not None:
                    print(marker)
                try:
                    _run_cell(source, namespace, display=notebook)
                except SyntaxError:
                    raise  # a broken case, not a behaviour to compare
                except Exception as exc:  # every error is part of the transcript
                    print(_format_exception(exc))
                    if not notebook:
                        break
    finally:
        _restore_grad_mode(torch_module, grad_mode)
    return normalize(buffer.getvalue())


_RESULT_MARKER = "\n@@parity-transcript@@"

_CHILD = """
import importlib, importlib.util, json, sys
request = json.loads(sys.stdin.read())
sys.path[:0] = request["path"]
spec = importlib.util.spec_from_file_location("parity_harness_child", request["harness"])
harness = importlib.util.module_from_spec(spec)
spec.loader.exec_module(harness)
module = importlib.import_module(request["module"])
transcript = harness.run_snippet(request["code"], module, notebook=request["notebook"])
sys.stdout.write(harness._RESULT_MARKER + json.dumps(transcript))
"""


def _run_in_fresh_process(code: str, module_name: str, notebook: bool) -> str:
    request = {
        "path": [entry or os.getcwd() for entry in sys.path],
        "harness": os.path.abspath(__file__),
        "module": module_name,
        "code": code,
        "notebook": notebook,
    }
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=600,
    )
    _, found, result = proc.stdout.rpartition(_RESULT_MARKER)
    if not found:
        raise RuntimeError(
            f"running a snippet with {module_name} in a fresh process failed "
            f"(exit code {proc.returncode}):\n{proc.stderr}"
        )
    return json.loads(result)


def _main(argv: list[str]) -> int:  # pragma: no cover - a debugging aid
    """``python -m tests.parity.harness torch|autograd_lab [case-name ...]``: print transcripts."""
    import importlib

    from .cases import CASES

    module = importlib.import_module(argv[0] if argv else "torch")
    wanted = set(argv[1:])
    for case in CASES:
        if wanted and case.name not in wanted:
            continue
        print(f"===== {case.group}/{case.name}")
        try:
            transcript = run_snippet(
                case.code, module, notebook=case.notebook, fresh_process=case.fresh_process
            )
            print(transcript, end="")
        except Exception:
            traceback.print_exc()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_main(sys.argv[1:]))
