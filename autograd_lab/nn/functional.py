"""Losses and activations as functions (``torch.nn.functional``, usually imported as ``F``).

NB: PyTorch's are in ``torch/nn/functional.py``; each loss here is one node, as there.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..rules import _mm, _one, _zero
from ..tensor import Tensor, _operand, _record, matmul

_REDUCTIONS = ("mean", "sum", "none")


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    return input.relu_() if inplace else input.relu()


def sigmoid(input: Tensor) -> Tensor:
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    return input.tanh()


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``; for a batch of rows with a bias, one ``AddmmBackward0``."""
    if bias is None:
        return matmul(input, weight.t())
    if input.ndim != 2:  # as PyTorch: rows in a matrix, one addmm, then the original shape
        rows = linear(input.reshape(-1, input.shape[-1]), weight, bias)
        return rows.reshape(input.shape[:-1] + (weight.shape[0],))
    wt = weight.t()
    if input.shape[1] != wt.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({input.shape[0]}x"
                           f"{input.shape[1]} and {wt.shape[0]}x{wt.shape[1]})")
    data = bias._data + _mm(input._data, wt._data)
    return _record(data, "AddmmBackward0", (bias, input, wt))


def _reduce(loss: np.ndarray, reduction: str) -> np.ndarray:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if reduction == "none":
        return loss
    total = np.add.reduce(loss, None)  # then / size: Tensor.mean's arithmetic
    return np.asarray(total / loss.size if reduction == "mean" else total, dtype=loss.dtype)


def _target(input: Tensor, target) -> Tensor:
    target = _operand(target)
    if not isinstance(target, Tensor):
        raise TypeError(f"target must be a Tensor, not {type(target).__name__}")
    return target


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight=None,
                                     size_average=None, reduce=None,
                                     reduction: str = "mean", pos_weight=None) -> Tensor:
    """Binary cross-entropy of ``sigmoid(input)`` against ``target``, computed stably from the
    logits: ``(1 - t) * z - log_sigmoid(z)``."""
    target = _target(input, target)
    if target._data.shape != input._data.shape:
        raise ValueError(f"Target size ({target.shape!r}) must be the same as input size "
                         f"({input.shape!r})")
    z, t = input._data, target._data.astype(input._data.dtype, copy=False)
    log_sigmoid = np.minimum(z, _zero(z)) - np.log1p(np.exp(-np.abs(z)))
    loss = (_one(t) - t) * z - log_sigmoid
    return _record(_reduce(loss, reduction), "BinaryCrossEntropyWithLogitsBackward0",
                   (input, target), {"reduction": reduction})


def binary_cross_entropy(input: Tensor, target: Tensor, weight=None, size_average=None,
                         reduce=None, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of probabilities ``input`` against ``target`` (logs clamped at -100)."""
    target = _target(input, target)
    if target._data.shape != input._data.shape:
        raise ValueError(f"Using a target size ({target.shape!r}) that is different to the input "
                         f"size ({input.shape!r}) is deprecated. Please ensure they have the same "
                         "size.")
    p, t = input._data, target._data.astype(input._data.dtype, copy=False)
    if ((p < 0) | (p > 1) | np.isnan(p)).any():
        raise RuntimeError("all elements of input should be between 0 and 1")
    loss = (t - 1) * np.maximum(np.log1p(-p), -100) - t * np.maximum(np.log(p), -100)
    return _record(_reduce(loss, reduction), "BinaryCrossEntropyBackward0", (input, target),
                   {"reduction": reduction})


def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
             reduction: str = "mean") -> Tensor:
    """Mean squared error ``mean((input - target)**2)``."""
    target = _target(input, target)
    if target._data.shape != input._data.shape:
        warnings.warn(f"Using a target size ({target.shape!r}) that is different to the input "
                      f"size ({input.shape!r}). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", UserWarning,
                      stacklevel=2)
    diff = input._data - target._data
    return _record(_reduce(diff * diff, reduction), "MseLossBackward0", (input, target),
                   {"reduction": reduction})
