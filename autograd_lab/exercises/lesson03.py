"""Lesson 3, backward() on a scalar: the exercises' right answers."""

from . import EXERCISES, Exercise, grad_of


def _doc003_variant() -> list:
    """x.grad of mean((x + 5) ** 2 + 10) at a 2x2 grid of ones."""
    return grad_of(lambda x: ((x + 5) * (x + 5) + 10).mean(), [[1.0, 1.0], [1.0, 1.0]])


EXERCISES["03.1"] = Exercise(
    "the gradient of out with respect to x",
    lambda: grad_of(lambda x: (x ** 3).sum() / 2, [1.0, -2.0, 3.0]),
    mistakes=(([3.0, 12.0, 27.0], "That is the derivative of the sum of cubes; out also divides "
                                  "by 2."),
              ([1.5, -6.0, 13.5], "Check the sign of the second element: the derivative of x³ "
                                  "is 3x², and a square is never negative."),
              ([0.5, 2.0, 4.5], "The derivative of x³ is 3x², not x².")))
EXERCISES["03.2"] = Exercise(
    "the gradient x.grad", _doc003_variant,
    mistakes=(([[1.5, 1.5], [1.5, 1.5]], "That is the gradient of the original example; here "
                                         "y is 1 + 5."),
              ([[12.0, 12.0], [12.0, 12.0]], "The mean divides by the number of elements (4), "
                                             "and so does its gradient."),
              ([[6.0, 6.0], [6.0, 6.0]], "The derivative of y² is 2y; and the mean divides "
                                         "by 4.")))
EXERCISES["03.3"] = Exercise(
    "the gradient of out with respect to y (y.grad)", lambda: [6.0, 12.0],
    mistakes=(([18.0, 36.0], "That is x.grad: one step further down the chain rule (times 3). "
                             "We want the gradient at y itself."),
              ([2.0, 4.0], "The derivative of y² is 2y, and y is x times 3.")))
