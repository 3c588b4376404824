"""Lesson 1, tensors that track history: the exercises' right answers."""

from . import EXERCISES, Exercise, needs_float_grad

EXERCISES["01.1"] = Exercise(
    "the three values of is_leaf, as a list", lambda: [True, True, False],
    mistakes=(([True, False, False], "A tensor you create is a leaf even when it does not "
                                     "require gradients: is_leaf is about where it came from."),))
EXERCISES["01.2"] = Exercise(
    "a floating-point tensor with the values of ages that requires gradients",
    lambda: [12.0, 15.0, 17.0], judge=needs_float_grad)
EXERCISES["01.3"] = Exercise(
    "the name of r.grad_fn", lambda: "SumBackward0",
    mistakes=(("DivBackward0", "The division happened first; grad_fn belongs to the *last* "
                               "operation."),))
