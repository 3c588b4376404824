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
        if not isinstance(answer, str):
            return f"the answer should be a string, not {type(answer).__name__}."
        cleaned = answer.strip().strip("<>'\" ").removesuffix("()")
        return None if cleaned == expected else f"{answer!r} is not the name we are looking for."
    if isinstance(expected, (list, tuple)) and expected and isinstance(expected[0], str):
        if not isinstance(answer, (list, tuple)) or not all(isinstance(a, str) for a in answer):
            return "the answer should be a list of strings."
        if len(answer) != len(expected):
            return f"the list should have {len(expected)} names, not {len(answer)}."
        wrong = [i for i, (a, e) in enumerate(zip(answer, expected))
                 if _difference(a, e, tolerance) is not None]
        return None if not wrong else f"the names at positions {wrong} are not right."
    return _numeric_difference(answer, np.asarray(expected, dtype=np.float64), tolerance)


def _numeric_difference(answer: Any, expected: np.ndarray, tolerance: float) -> str | None:
    values = _as_array(answer)
    if values is None:
        return f"the answer should be a number or a tensor, not {type(answer).__name__}."
    if values.shape != expected.shape:
        return (f"the answer has shape {list(values.shape)}, "
                f"but the right answer has shape {list(expected.shape)}.")
    close = np.isclose(values, expected, rtol=tolerance, atol=tolerance)
    if close.all():
        return None
    if values.ndim == 0:
        return "that number is not the right value."
    wrong = [list(map(int, i)) if len(i) > 1 else int(i[0]) for i in np.argwhere(~close)]
    return f"{int((~close).sum())} of {close.size} elements are not right (at {wrong[:6]})."


def _as_array(answer: Any) -> np.ndarray | None:
    if isinstance(answer, (bool, np.bool_, str)):
        return None
    if hasattr(answer, "tolist"):  # autograd_lab or PyTorch tensors, numpy arrays
        answer = answer.tolist()
    try:
        values = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return values if values.dtype != object else None


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
    if not answer.dtype.is_floating_point:
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
