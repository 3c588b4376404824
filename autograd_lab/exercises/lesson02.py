"""Lesson 2, the computational graph: the exercises' right answers."""

from . import EXERCISES, Exercise


def _doubling_nodes() -> int:
    """The number of multiplications document 003's doubling loop records from (0.3, 0.4, 0)."""
    from ..creation import tensor

    x = tensor([0.3, 0.4, 0.0], requires_grad=True)
    y, count = x * 2, 1
    while y.data.norm() < 1000:
        y, count = y * 2, count + 1
    return count


EXERCISES["02.1"] = Exercise(
    "the three grad_fn names, as a list of strings",
    lambda: ["MulBackward0", "MeanBackward0", "SubBackward0"],
    mistakes=((["SumBackward0", "DivBackward0", "SubBackward0"],
               "grad_fn names the *last* operation of each expression, not the first one."),
              (["SumBackward0", "DivBackward0", "MeanBackward0"],
               "grad_fn names the *last* operation of each expression, not the first one.")))
EXERCISES["02.2"] = Exercise(
    "the list of node names from the output down to the leaf",
    lambda: ["DivBackward0", "AddBackward0", "SumBackward0", "MulBackward0", "AccumulateGrad"],
    mistakes=((["AccumulateGrad", "MulBackward0", "SumBackward0", "AddBackward0", "DivBackward0"],
               "Those are the right nodes, but in the order they were built; the walk starts at "
               "the output, h.grad_fn."),
              (["MulBackward0", "SumBackward0", "AddBackward0", "DivBackward0"],
               "Those are the nodes in the order they were built; the walk starts at the "
               "output and ends at the leaf's AccumulateGrad node.")))
EXERCISES["02.3"] = Exercise(
    "the number of MulBackward0 nodes", _doubling_nodes,
    mistakes=((10, "The multiplication before the loop, y = x * 2, is recorded too."),
              (12, "The loop stops as soon as the length reaches 1000; count the doublings "
                   "again, starting from a length of 0.5.")))
