"""Checked exercises for the lessons: ``check("03.1", answer)`` says whether an answer is right.

Each exercise has an id (lesson number, exercise number), the right answer, computed here so the
notebook does not show it, and the wrong answers learners often give, each with a hint saying
what went wrong. A check never raises, so "Run All" goes through an unanswered notebook:

* ``answer = ...`` (not answered yet) gives a reminder;
* a right answer gives a tick;
* a wrong one says *what* is wrong (type, shape, which elements, or a known mistake's hint)
  without giving the right answer away.

Answers may be numbers, lists, numpy arrays, autograd_lab tensors or real PyTorch tensors,
strings (for a ``grad_fn`` name, say) or booleans. The right answers live in one
module per lesson (``lesson01.py``...), each adding its exercises to ``EXERCISES``. This package
needs numpy and the core only.

NB: PyTorch has no equivalent; d2l and fast.ai courses use similar in-notebook checks.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["EXERCISES", "Exercise", "Feedback", "check", "grad_of", "needs_float_grad"]


@dataclass(frozen=True)
class Feedback:
    """The outcome of a check: ``passed`` is True, False, or None for "not answered yet"."""

    passed: bool | None
    message: str

    def __bool__(self) -> bool:
        return self.passed is True

    def __repr__(self) -> str:
        mark = {True: "✓", False: "✗", None: "…"}[self.passed]
        return f"{mark} {self.message}"

    def _repr_html_(self) -> str:
        colour = {True: "#009E73", False: "#D55E00", None: "#555555"}[self.passed]
        return (f"<div style='border-left:4px solid {colour};padding:2px 8px'>"
                f"{html.escape(repr(self))}</div>")


@dataclass(frozen=True)
class Exercise:
    """What ``check`` compares with: ``expected()`` gives the right answer.

    ``what`` names the answer in messages; ``mistakes`` pairs common wrong answers with a hint;
    ``judge``, if given, looks at the answer itself first (its dtype, ``requires_grad``...) and
    returns what is wrong with it, or None.
    """

    what: str
    expected: Callable[[], Any]
    mistakes: tuple[tuple[Any, str], ...] = ()
    judge: Callable[[Any], str | None] | None = None
    tolerance: float = 1e-4


def check(exercise_id: str, answer: Any) -> Feedback:
    """Compare ``answer`` with exercise ``exercise_id``'s right answer and say what is wrong."""
    exercise = EXERCISES.get(exercise_id)
    if exercise is None:
        raise KeyError(f"there is no exercise {exercise_id!r}; "
                       f"the exercises are {', '.join(sorted(EXERCISES))}")
    if answer is ... or answer is None:
        return Feedback(None, f"Not answered yet: replace the ... with {exercise.what}.")
    problem = exercise.judge(answer) if exercise.judge else None
    if problem is not None:
        return Feedback(False, f"Not quite: {problem}")
    expected = exercise.expected()
    problem = _difference(answer, expected, exercise.tolerance)
    if problem is None:
        return Feedback(True, f"Correct: you have {exercise.what}.")
    for mistake, hint in exercise.mistakes:
        if _difference(answer, mistake, exercise.tolerance) is None:
            return Feedback(False, f"Not quite. {hint}")
    return Feedback(False, f"Not quite: {problem}")


def _difference(answer: Any, expected: Any, tolerance: float) -> str | None:
    """None when ``answer`` matches ``expected``, else a sentence saying how it differs."""
    if isinstance(expected, bool):
        if not isinstance(answer, (bool, np.bool_)):
            return f"the answer should be True or False, not {type(answer).__name__}."
        return None if answer == expected else "that is the opposite of what happens."
    if isinstance(expected, str):
        name = _node_name(answer)
        if name is None:
            return f"the answer should be a name such as 'AddBackward0', not {answer!r}."
        return None if name == expected else f"{name!r} is not the name we are looking for."
    if isinstance(expected, (list, tuple)) and expected and isinstance(expected[0], (str, bool)):
        if not isinstance(answer, (list, tuple)):
            return f"the answer should be a list of {len(expected)}."
        if len(answer) != len(expected):
            return f"the list should have {len(expected)} entries, not {len(answer)}."
        problems = [_difference(a, e, tolerance) for a, e in zip(answer, expected)]
        wrong = [i for i, problem in enumerate(problems) if problem is not None]
        return None if not wrong else f"the entries at positions {wrong} are not right."
    return _numeric_difference(answer, np.asarray(expected, dtype=np.float64), tolerance)


_NODE_NAME = re.compile(r"\w+Backward\d+|AccumulateGrad")


def _node_name(answer: Any) -> str | None:
    """The node name in a string ("<SumBackward0 object at ...>") or of a grad_fn itself."""
    text = answer if isinstance(answer, str) else type(answer).__name__
    found = _NODE_NAME.search(text)
    if found:
        return found.group()
    return answer.strip().strip("'\"") if isinstance(answer, str) else None


def _numeric_difference(answer: Any, expected: np.ndarray, tolerance: float) -> str | None:
    values = _as_array(answer)
    if values is None:
        return f"the answer should be a number or a tensor, not {type(answer).__name__}."
    if values.shape != expected.shape:
        unpack = (" It is a tuple of one: unpack it, as in (answer,) = ..."
                  if isinstance(answer, tuple) and len(answer) == 1 else "")
        return (f"the answer has shape {list(values.shape)}, "
                f"but the right answer has shape {list(expected.shape)}.{unpack}")
    close = np.isclose(values, expected, rtol=tolerance, atol=tolerance)
    if close.all():
        return None
    if values.ndim == 0:
        return "that number is not the right value."
    wrong = [list(map(int, i)) if len(i) > 1 else int(i[0]) for i in np.argwhere(~close)]
    return f"{int((~close).sum())} of {close.size} elements are not right (at {wrong[:6]})."


def _as_array(answer: Any) -> np.ndarray | None:
    """The answer's numbers as a float array, or None when it is not made of numbers."""
    try:
        values = np.asarray(_numbers(answer), dtype=np.float64)
    except Exception:  # strings, objects, numbers too large for a float...
        return None
    return values if values.dtype.kind == "f" else None


def _numbers(answer: Any) -> Any:
    """Plain numbers from tensors (autograd_lab or PyTorch, tracked or not), numpy arrays and
    nested lists of them; a string or a boolean is not a number here."""
    if isinstance(answer, (str, bytes, bool, np.bool_)):
        raise TypeError("not a number")
    if hasattr(answer, "detach"):
        answer = answer.detach()
    if hasattr(answer, "tolist"):
        return answer.tolist()
    if isinstance(answer, (list, tuple)):
        return [_numbers(a) for a in answer]
    return answer


def grad_of(fn: Callable, x: Any) -> list:
    """The gradient of the scalar ``fn(x)`` at ``x`` (a list of numbers), by the engine itself."""
    from ..creation import tensor

    leaf = tensor(x, requires_grad=True)
    fn(leaf).backward()
    return leaf.grad.tolist()


def needs_float_grad(answer: Any) -> str | None:
    """A ``judge``: the answer must be a floating-point tensor that requires gradients."""
    if not getattr(answer, "requires_grad", False):
        return "the tensor does not require gradients yet."
    if not getattr(getattr(answer, "dtype", None), "is_floating_point", False):
        return f"the tensor's dtype is {answer.dtype}; it must be a floating-point dtype."
    return None


EXERCISES: dict[str, Exercise] = {}


def _load_lessons() -> None:
    """Fill ``EXERCISES`` from the lessons' answer modules (``lesson01.py``, ...)."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("lesson"):
            importlib.import_module(f"{__name__}.{info.name}")


_load_lessons()
