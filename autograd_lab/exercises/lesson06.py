"""Lesson 6, turning tracking off: the exercises' right answers."""

from . import EXERCISES, Exercise


def _half_inside_no_grad() -> list:
    from ..creation import tensor
    from ..grad_mode import no_grad

    a = tensor([1., 2., 3.], requires_grad=True)
    with no_grad():
        scale = a * 2
    (scale * a).sum().backward()
    return a.grad.tolist()


def _silent_data_bug() -> list:
    from ..creation import tensor

    a = tensor([1., 2.], requires_grad=True)
    out = (a ** 3).sum()
    a.data.mul_(2)
    out.backward()
    return a.grad.tolist()


EXERCISES["06.1"] = Exercise(
    "the gradient a.grad, as a list", _half_inside_no_grad,
    mistakes=(([4., 8., 12.], "That is the gradient of 2·a², as if scale had been recorded. It "
                              "was made under no_grad, so backward treats it as a constant."),
              ([2., 2., 2.], "scale is a constant, but it is not 2 everywhere: it holds a * 2 "
                             "element by element.")))
EXERCISES["06.2"] = Exercise(
    "the four requires_grad values, as a list", lambda: [False, True, False, False],
    mistakes=(([False, False, False, False], "enable_grad switches recording back on inside a "
                                             "no_grad block."),
              ([False, True, True, False], "r is computed with recording on, but from p and a "
                                           "number: does any of them require gradients?"),
              ([False, True, False, True], "a.detach() does not require gradients, so neither "
                                           "does anything computed from it alone.")))
EXERCISES["06.3"] = Exercise(
    "the gradient a.grad after the change through .data, as a list", _silent_data_bug,
    mistakes=(([3., 12.], "That would be the right gradient of the forward pass, but backward "
                          "reads the saved a, which .data has changed without autograd "
                          "noticing."),
              ([6., 24.], "The rule is 3a², with a as it is at backward time: square the new "
                          "values, do not just double the old gradient.")))
