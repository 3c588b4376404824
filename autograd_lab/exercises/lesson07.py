"""Lesson 7, a tiny model: the exercises' right answers."""

import numpy as np

from . import EXERCISES, Exercise, grad_of

_X = np.array([1., 2., 0., -1., 3.])
_Y = np.array([0., 1., 0.])
_Z = np.array([0.5, -1.0, 2.0])
_Y2 = np.array([1., 0., 0.])


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _grad_at_zero() -> list:
    """w.grad of the loss of x @ w + b at w = 0, b = 0."""
    from ..creation import tensor
    from ..nn.functional import binary_cross_entropy_with_logits

    x, y = tensor(_X.tolist()), tensor(_Y.tolist())
    return grad_of(lambda w: binary_cross_entropy_with_logits(x @ w, y), [[0.0] * 3] * 5)


def _three_passes() -> list:
    from ..creation import tensor
    from ..nn.functional import binary_cross_entropy_with_logits

    z = tensor(_Z.tolist(), requires_grad=True)
    loss = binary_cross_entropy_with_logits(z, tensor(_Y2.tolist()))
    for _ in range(3):
        loss.backward(retain_graph=True)
    return z.grad.tolist()


_POINTS = np.array([[1., 1.], [0., 2.], [-1., 0.]])
_LOGITS = _POINTS @ np.array([2.0, -1.0]) + 0.5


def _no_graph(answer) -> str | None:
    parts = answer if isinstance(answer, (list, tuple)) else [answer]
    if any(getattr(part, "requires_grad", False) for part in parts):
        return ("the tensor still carries a graph (requires_grad=True): compute it inside "
                "torch.no_grad(), or detach it.")
    return None


EXERCISES["07.1"] = Exercise(
    "the gradient w.grad, as a 5×3 tensor", _grad_at_zero,
    mistakes=((np.outer(_X, 0.5 - _Y).tolist(), "Close: the loss is a *mean* over the 3 "
                                                 "outputs, so each term is divided by 3."),
              (np.outer(_X, np.full(3, 0.5 / 3)).tolist(), "The gradient is σ(z) − y, not σ(z): "
                                                           "the target of the second output is "
                                                           "1."),
              (np.outer(np.ones(5), (0.5 - _Y) / 3).tolist(), "That would be right if x were all "
                                                              "ones; row i is multiplied by x_i.")))
EXERCISES["07.2"] = Exercise(
    "the gradient z.grad after three passes", _three_passes,
    mistakes=((((_sigmoid(_Z) - _Y2) / 3).tolist(), "That is the gradient of one pass; with "
                                                     "retain_graph=True each pass adds to .grad."),
              (_sigmoid(_Z).tolist(), "The gradient is σ(z) − y: the first target is 1.")))
EXERCISES["07.3"] = Exercise(
    "the three probabilities, computed without a graph", lambda: _sigmoid(_LOGITS).tolist(),
    mistakes=((_LOGITS.tolist(), "Those are the logits; the probabilities are their sigmoid."),),
    judge=_no_graph)
