"""Lesson 5, accumulating and zeroing gradients: the exercises' right answers."""

from . import EXERCISES, Exercise


def _fitted_w(zero_grad: bool) -> float:
    """w after lesson 5's five-epoch SGD fit of y = 2x, with or without zero_grad()."""
    from .. import optim
    from ..creation import tensor

    X, Y = tensor([1., 2., 3., 4.]), tensor([2., 4., 6., 8.])
    w = tensor(0.0, requires_grad=True)
    optimizer = optim.SGD([w], lr=0.01)
    for _ in range(5):
        if zero_grad:
            optimizer.zero_grad()
        ((w * X - Y) ** 2).mean().backward()
        optimizer.step()
    return w.item()


EXERCISES["05.1"] = Exercise(
    "the gradient w.grad after the loop", lambda: [10.0, 20.0, 30.0],
    mistakes=(([2.0, 4.0, 6.0], "That is the gradient of one pass. Nothing clears w.grad, so "
                                "every pass adds to it."),))
EXERCISES["05.2"] = Exercise(
    "the value of w after the fixed loop", lambda: _fitted_w(zero_grad=True),
    mistakes=((3.105039358139038, "That is the value with the bug still in: the step uses the "
                                  "gradients of all the epochs so far, added up. Clear them "
                                  "once per epoch."),
              (0.0, "That is where w starts: run the fixed loop first.")))
EXERCISES["05.3"] = Exercise(
    "the weights after three steps", lambda: [0.8 ** 3, -2 * 0.8 ** 3],
    mistakes=(([0.4, -0.8], "The gradient 2 * weights is recomputed from the current weights "
                            "at every step, so it shrinks as the weights do."),
              ([0.8, -1.6], "That is after one step; the loop makes three.")))
