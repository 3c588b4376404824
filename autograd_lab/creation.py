"""Making tensors: ``tensor``, ``ones``, ``zeros``, ``randn``... with PyTorch's dtype rules.

Python floats give the default dtype (float32), Python ints give int64, bools give bool;
numpy arrays keep their dtype. Only floating tensors may be created with
``requires_grad=True``.

NB: PyTorch's factories are ``torch.tensor`` (``torch/csrc/utils/tensor_new.cpp``) and the
``native_functions.yaml`` ops ``ones``, ``randn``...
"""

from __future__ import annotations

import builtins
import warnings

import numpy as np

from . import dtypes
from . import random as _random
from .tensor import Tensor, _new, _shape_arg, _to_nested

_FLOAT_REQUIRES_GRAD = "Only Tensors of floating point and complex dtype can require gradients"


def _leaf(values: np.ndarray, requires_grad: bool) -> Tensor:
    t = _new(values)
    if requires_grad:
        if values.dtype.kind != "f":
            raise RuntimeError(_FLOAT_REQUIRES_GRAD)
        t._requires_grad = True
    return t


def _np(dtype: dtypes.dtype | None, default: dtypes.dtype | None = None):
    chosen = dtype or default or dtypes.get_default_dtype()
    if not isinstance(chosen, dtypes.dtype):
        raise TypeError(f"dtype must be a torch.dtype (e.g. torch.float32), not {chosen!r}")
    return chosen.numpy


def tensor(data, dtype: dtypes.dtype | None = None, device=None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new leaf tensor holding a copy of ``data`` (``torch.tensor``)."""
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.detach().clone() or sourceTensor.detach().clone()."
                      "requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    return _leaf(_values(data, dtype), requires_grad)


def _values(data, dtype) -> np.ndarray:
    if isinstance(data, (str, bytes)) or isinstance(data, complex):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if data.__class__ is list and data and data[0].__class__ is float and dtype is None and (
            all([x.__class__ is float for x in data])):  # a row of floats: one conversion
        return np.array(data, dtypes.get_default_dtype().numpy)
    from_python = not isinstance(data, (np.ndarray, np.generic, Tensor))
    values = None
    if from_python:
        try:
            values = np.array(data)
        except (ValueError, RuntimeError):  # ragged, or tensors that require grad inside
            values = None
        if values is not None and values.dtype == np.float64 and dtype is None:
            return values.astype(dtypes.get_default_dtype().numpy)  # floats, nested or mixed
    if values is None or values.dtype.kind == "O":  # tensors inside: take their values
        try:
            values = np.array(_to_nested(data))
        except ValueError as e:
            raise ValueError(f"expected a rectangular list of numbers: {e}") from None
    if values.dtype.kind == "O" or values.dtype.kind in "USc":
        raise TypeError(f"Could not infer dtype of {type(data).__name__}: tensors hold numbers")
    if dtype is not None:
        return values.astype(_np(dtype))
    if from_python and values.dtype.kind == "f" or values.size == 0 and values.dtype.kind == "f":
        return values.astype(dtypes.get_default_dtype().numpy)
    if values.dtype.kind in "iu" and from_python:
        return values.astype(np.int64)
    return np.array(values, dtype=dtypes.of_numpy(values.dtype).numpy, copy=True)


def as_tensor(data, dtype: dtypes.dtype | None = None) -> Tensor:
    """``data`` as a tensor, sharing memory with a numpy array or tensor when it can."""
    if isinstance(data, Tensor) and (dtype is None or dtype is data.dtype):
        return data
    if isinstance(data, np.ndarray) and (dtype is None or dtype.numpy == data.dtype):
        return from_numpy(data)
    return _leaf(_values(data, dtype), False)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with a numpy array (``torch.from_numpy``)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    dtypes.of_numpy(array.dtype)
    return _new(array)


def _filled(value, size, dtype, default, requires_grad) -> Tensor:
    return _leaf(np.full(_shape_arg(size), value, dtype=_np(dtype, default)), requires_grad)


def ones(*size, dtype=None, requires_grad=False, device=None) -> Tensor:
    return _filled(1, size, dtype, None, requires_grad)


def zeros(*size, dtype=None, requires_grad=False, device=None) -> Tensor:
    return _filled(0, size, dtype, None, requires_grad)


def empty(*size, dtype=None, requires_grad=False, device=None) -> Tensor:
    """Like PyTorch's ``empty``, but the memory is zeroed so lessons stay reproducible."""
    return _filled(0, size, dtype, None, requires_grad)


def full(size, fill_value, *, dtype=None, requires_grad=False, device=None) -> Tensor:
    """A tensor of ``fill_value``; its dtype follows the value (int64 for an int)."""
    default = dtypes.bool if isinstance(fill_value, builtins.bool) else (
        dtypes.int64 if isinstance(fill_value, builtins.int) else None)
    return _filled(fill_value, (size,), dtype, default, requires_grad)


def _like(t: Tensor, value, dtype, requires_grad) -> Tensor:
    return _leaf(np.full(t._data.shape, value, dtype=_np(dtype, t.dtype)), requires_grad)


def ones_like(input: Tensor, *, dtype=None, requires_grad=False) -> Tensor:
    """Ones of ``input``'s shape and dtype; ``requires_grad`` is not copied."""
    return _like(input, 1, dtype, requires_grad)


def zeros_like(input: Tensor, *, dtype=None, requires_grad=False) -> Tensor:
    return _like(input, 0, dtype, requires_grad)


def full_like(input: Tensor, fill_value, *, dtype=None, requires_grad=False) -> Tensor:
    return _like(input, fill_value, dtype, requires_grad)


def empty_like(input: Tensor, *, dtype=None, requires_grad=False) -> Tensor:
    return _like(input, 0, dtype, requires_grad)


def eye(n: int, m: int | None = None, *, dtype=None, requires_grad=False) -> Tensor:
    return _leaf(np.eye(n, n if m is None else m, dtype=_np(dtype)), requires_grad)


def arange(start, end=None, step=1, *, dtype=None, requires_grad=False) -> Tensor:
    """``[start, end)`` in steps; int64 when every argument is an int."""
    if end is None:
        start, end = 0, start
    integral = all(isinstance(v, (builtins.int, np.integer)) for v in (start, end, step))
    default = dtypes.int64 if integral else None
    if step == 0:
        raise RuntimeError("step must be nonzero")
    return _leaf(np.arange(start, end, step, dtype=np.float64).astype(_np(dtype, default)),
                 requires_grad)


def linspace(start, end, steps: int, *, dtype=None, requires_grad=False) -> Tensor:
    return _leaf(np.linspace(start, end, steps).astype(_np(dtype)), requires_grad)


def randn(*size, generator=None, dtype=None, requires_grad=False, device=None) -> Tensor:
    """Standard normal samples, the same numbers PyTorch draws after the same ``manual_seed``."""
    values = _random.normal_array(_shape_arg(size), _np(dtype), generator=generator)
    return _leaf(values, requires_grad)


def rand(*size, generator=None, dtype=None, requires_grad=False, device=None) -> Tensor:
    """Uniform samples on [0, 1), the same numbers PyTorch draws after the same seed."""
    values = _random.uniform_array(_shape_arg(size), _np(dtype), generator=generator)
    return _leaf(values, requires_grad)


def randint(low, high=None, size=None, *, generator=None, dtype=None,
            requires_grad=False) -> Tensor:
    """Integers on [low, high), int64 by default (``torch.randint``)."""
    if size is None:
        low, high, size = 0, low, high
    values = _random.randint_array(low, high, _shape_arg((size,)), generator=generator)
    return _leaf(values.astype(_np(dtype, dtypes.int64)), requires_grad)


def randperm(n: int, *, generator=None, dtype=None) -> Tensor:
    return _leaf(_random.randperm_array(n, generator=generator).astype(_np(dtype, dtypes.int64)),
                 False)


def randn_like(input: Tensor, *, dtype=None, requires_grad=False) -> Tensor:
    return randn(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def rand_like(input: Tensor, *, dtype=None, requires_grad=False) -> Tensor:
    return rand(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)
