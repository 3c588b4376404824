"""The lessons: PyTorch prints what they print, they have their parts, their exercises work,
and every cell of the five documents has its place in them.

nbval (``make test``) checks that each committed output is what autograd_lab prints now; the
swap test here checks that real PyTorch prints the same, so a lesson shows what PyTorch shows.
"""

from __future__ import annotations

import ast
import importlib.util
import io
import re
import tokenize

import numpy as np
import pytest
from lesson_support import (
    NOTEBOOKS,
    exercises,
    lessons,
    read,
    run_in_process,
    run_with_pytorch,
    tags,
    text_outputs,
    unstable,
    uses_stepper,
)
from parity.cases import CASES

import autograd_lab as engine
from autograd_lab.exercises import EXERCISES, check

LESSONS = lessons()
NAMES = [p.name for p in LESSONS]
needs_torch = pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                                 reason="PyTorch (the [reference] extra) is not installed")


def test_there_are_lessons_and_an_index():
    assert len(LESSONS) >= 7
    assert (NOTEBOOKS / "00_index.ipynb").exists()


# ------------------------------------------------------------------ PyTorch prints the same

@needs_torch
@pytest.mark.parametrize("path", LESSONS, ids=NAMES)
def test_pytorch_prints_what_the_lesson_shows(path):
    committed = read(path)
    swapped = run_with_pytorch(committed)
    compared = 0
    for index, (ours, theirs) in enumerate(zip(committed.cells, swapped.cells)):
        if ours.cell_type != "code" or uses_stepper(ours) or unstable(ours):
            continue
        assert text_outputs(theirs) == text_outputs(ours), (
            f"{path.name}, cell {index}, prints differently under PyTorch:\n{ours.source}")
        compared += 1
    assert compared >= 10


# ------------------------------------------------------------------ the parts of a lesson

def _markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("path", LESSONS, ids=NAMES)
def test_lesson_has_its_parts(path):
    nb = read(path)
    number = int(path.name[:2])
    first = nb.cells[0].source
    assert first.startswith(f"# Lesson {number} ·"), "the title names the lesson"
    assert "**What you'll learn**" in first
    text = _markdown(nb)
    for heading in ("## Summary", "## Exercises"):
        assert re.search(rf"^{heading}\s*$", text, re.M), f"no {heading!r} section"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert any("draw_graph(" in c.source for c in code), "the lesson draws its graphs"
    assert sum(bool(c.outputs) for c in code) >= 0.8 * len(code), "cells show what they do"
    run = 0
    for cell in nb.cells:  # a paragraph of why before the code: at most two code cells in a row
        run = run + 1 if cell.cell_type == "code" else 0
        assert run <= 2, f"three code cells in a row with no explanation:\n{cell.source}"


@pytest.mark.parametrize("path", LESSONS, ids=NAMES)
def test_errors_on_purpose_are_tagged_and_nothing_else_fails(path):
    for cell in read(path).cells:
        if cell.cell_type != "code":
            continue
        failed = any(o["output_type"] == "error" for o in cell.outputs)
        assert failed == ("raises-exception" in tags(cell)), cell.source
        assert not any(o.get("name") == "stderr" for o in cell.outputs), (
            f"a warning or error text reaches the learner:\n{cell.source}")


# ------------------------------------------------------------------ exercises

@pytest.mark.parametrize("path", LESSONS, ids=NAMES)
def test_exercises_accept_the_solution_and_reject_wrong_answers(path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = read(path)
    found = exercises(nb)
    prefix = path.name[:2] + "."
    assert len(found) >= 2, "at least two checked exercises"
    namespace: dict = {}
    done = -1
    for exercise_id, index, solution in found:
        assert exercise_id.startswith(prefix), f"{exercise_id} belongs to another lesson"
        assert solution is not None, f"exercise {exercise_id} has no folded-away solution"
        run_in_process(nb, done + 1, index, namespace)
        done = index
        assert namespace["answer"] is ..., "the committed exercise is left for the learner"
        assert check(exercise_id, ...).passed is None
        trial = dict(namespace)
        exec(solution, trial)
        answer = trial["answer"]
        feedback = check(exercise_id, answer)
        assert feedback.passed, f"{exercise_id}: the solution is rejected: {feedback}"
        wrong = _wrong_version_of(answer)
        feedback = check(exercise_id, wrong)
        assert feedback.passed is False and "Not quite" in repr(feedback), (exercise_id, wrong)
        for mistake, hint in EXERCISES[exercise_id].mistakes:
            assert repr(check(exercise_id, mistake)) == f"✗ Not quite. {hint}"


def _wrong_version_of(answer):
    if isinstance(answer, bool):
        return not answer
    if isinstance(answer, str):
        return answer + "Backward1" if not answer.endswith("Backward1") else "MulBackward0"
    if isinstance(answer, (list, tuple)) and answer and isinstance(answer[0], str):
        return list(reversed(answer)) if len(set(answer)) > 1 else [*answer, answer[0]]
    if isinstance(answer, (list, tuple)) and answer and isinstance(answer[0], (bool, np.bool_)):
        return [not a for a in answer]
    values = answer.detach().tolist() if hasattr(answer, "detach") else answer
    return (np.asarray(values, dtype=float) + 1).tolist()


def test_every_exercise_is_in_a_lesson_and_every_check_has_an_exercise():
    in_lessons = {eid for p in LESSONS for eid, _, _ in exercises(read(p))}
    assert in_lessons == set(EXERCISES)


def test_check_says_what_is_wrong():
    assert repr(check("01.2", engine.tensor([12, 15, 17]))).startswith("✗ Not quite: the tensor")
    assert "should have 3 entries, not 2" in repr(check("01.1", [True, False]))
    assert not check("01.1", [1, 1, 0])  # numbers are not booleans
    with pytest.raises(KeyError, match="there is no exercise '99.9'"):
        check("99.9", 1)


def test_check_takes_what_learners_type_and_never_raises():
    x = engine.tensor(1.5, requires_grad=True)
    (first,) = engine.autograd.grad(x ** 4, x, create_graph=True)
    (second,) = engine.autograd.grad(first, x, create_graph=True)
    assert check("08.1", second)  # a tensor that requires grad is read through detach()
    tupled = check("08.1", (engine.tensor(27.0),))
    assert "unpack it" in repr(tupled)
    q = engine.ones(2, requires_grad=True)
    r = (q / 4).sum()
    assert check("01.3", r.grad_fn) and check("01.3", repr(r.grad_fn))  # the node, its repr
    for odd in (10 ** 400, "27", ["20", "-40"], object(), [[1], [2, 3]], float("nan")):
        assert check("08.1", odd).passed is False
    assert "0 of" not in repr(check("08.2", [20.0, float("nan")]))
    assert check("08.2", [engine.tensor(20.0, requires_grad=True), -40])


# ------------------------------------------------------------------ the documents' cells

def _code_lines(source: str) -> list[str]:
    """The source's code lines with comments, blank lines and spacing differences removed."""
    kept = []
    for token in tokenize.generate_tokens(io.StringIO(source + "\n").readline):
        if token.type == tokenize.COMMENT:
            continue
        kept.append(token)
    lines: dict[int, list[str]] = {}
    for token in kept:
        if token.type in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                          tokenize.ENDMARKER):
            continue
        lines.setdefault(token.start[0], []).append(token.string)
    return ["".join(parts) for _, parts in sorted(lines.items())]


def _document_cells() -> list[tuple[str, str]]:
    cells = []
    for case in CASES:
        if case.group == "doc_seeded" and case.name.endswith("_as_written"):
            for chunk in re.split(r"^# %% ", case.code, flags=re.M)[1:]:
                label, _, source = chunk.partition("\n")
                cells.append((f"{case.name[:6]} {label}", source))
    return cells


def _contains(haystack: list[str], needle: list[str]) -> bool:
    return any(haystack[i:i + len(needle)] == needle for i in range(len(haystack) + 1))


def test_every_document_cell_has_its_place_in_a_lesson():
    lesson_cells = [_code_lines(c.source) for p in LESSONS for c in read(p).cells
                    if c.cell_type == "code"]
    documents = _document_cells()
    assert len(documents) >= 60  # the five documents have 60 code cells
    missing = []
    for label, source in documents:
        needle = [line for line in _code_lines(source) if line != "importtorch"]
        if needle and not any(_contains(cell, needle) for cell in lesson_cells):
            missing.append(f"{label}:\n{source}")
    assert not missing, "document cells with no counterpart in the lessons:\n" + "\n".join(missing)


def test_every_lesson_imports_the_engine_under_pytorchs_name():
    for path in LESSONS:
        setup = next(c for c in read(path).cells if c.cell_type == "code")
        tree = ast.parse(setup.source)
        assert any(isinstance(n, ast.Import) and n.names[0].name == "autograd_lab"
                   and n.names[0].asname == "torch" for n in tree.body), path.name


def test_the_index_maps_every_lesson_and_document():
    index = _markdown(read(NOTEBOOKS / "00_index.ipynb"))
    for path in LESSONS:
        assert f"]({path.name})" in index, f"the index does not link {path.name}"
    for number in range(5):
        assert f"00{number}" in index, f"the index does not place document 00{number}"
