"""Lesson 8, beyond first gradients: the exercises' right answers."""

from . import EXERCISES, Exercise

EXERCISES["08.1"] = Exercise(
    "the second derivative at x = 1.5", lambda: 27.0,
    mistakes=((13.5, "That is the first derivative, 4x³. Differentiate once more."),))
EXERCISES["08.2"] = Exercise(
    "the gradient p.grad", lambda: [20.0, -40.0],
    mistakes=(([2.0, -4.0], "The hook's return value replaces the gradient at q: it is 10 times "
                            "larger before it reaches p."),))
EXERCISES["08.3"] = Exercise(
    "whether g requires gradients", lambda: True,
    mistakes=((False, "create_graph=True records the backward pass, so its results are "
                      "tracked."),))
