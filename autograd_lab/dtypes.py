"""Data types and PyTorch's type-promotion rules.

NB: PyTorch's equivalents are ``torch.dtype`` objects and ``torch.result_type``;
each of our dtypes wraps the numpy dtype that stores its values.
"""

from __future__ import annotations

import builtins

import numpy as np


class dtype:
    """A tensor's element type, printed the way PyTorch prints it (``torch.float32``)."""

    __slots__ = ("name", "numpy", "is_floating_point", "kind", "legacy_name")

    def __init__(self, name: str, numpy_type, kind: int, legacy_name: str):
        self.name = name
        self.numpy = np.dtype(numpy_type)
        self.kind = kind  # 0 bool, 1 integer, 2 floating: the promotion category
        self.is_floating_point = kind == 2
        self.legacy_name = legacy_name  # "FloatTensor", as in PyTorch's error messages

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self):
        return self.name


bool = dtype("bool", np.bool_, 0, "BoolTensor")  # noqa: A001 (PyTorch's name)
uint8 = dtype("uint8", np.uint8, 1, "ByteTensor")
int8 = dtype("int8", np.int8, 1, "CharTensor")
int16 = dtype("int16", np.int16, 1, "ShortTensor")
int32 = dtype("int32", np.int32, 1, "IntTensor")
int64 = dtype("int64", np.int64, 1, "LongTensor")
float16 = dtype("float16", np.float16, 2, "HalfTensor")
float32 = dtype("float32", np.float32, 2, "FloatTensor")
float64 = dtype("float64", np.float64, 2, "DoubleTensor")

short, int, long = int16, int32, int64  # noqa: A001
half, float, double = float16, float32, float64  # noqa: A001

ALL = (bool, uint8, int8, int16, int32, int64, float16, float32, float64)
FROM_NUMPY = {d.numpy: d for d in ALL}

_default_float = float32


def get_default_dtype() -> dtype:
    """The dtype of float literals and of ``ones``/``randn``...; ``torch.get_default_dtype``."""
    return _default_float


def set_default_dtype(d: dtype) -> None:
    """Make float32 or float64 the default floating dtype (``torch.set_default_dtype``)."""
    global _default_float
    if d not in (float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _default_float = d


def of_numpy(np_dtype) -> dtype:
    """Our dtype for a numpy dtype; a clear TypeError for types we do not model (complex, str)."""
    try:
        return FROM_NUMPY[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(
            f"autograd_lab does not support tensors of numpy dtype {np_dtype}; "
            "use bool, integer or floating-point data"
        ) from None


def promote(a: dtype, b: dtype) -> dtype:
    """``torch.promote_types``: the smallest dtype that holds both."""
    if a is b:
        return a
    if a.kind != b.kind:
        return a if a.kind > b.kind else b
    return of_numpy(np.promote_types(a.numpy, b.numpy))


def result_type(a, b) -> dtype:
    """``torch.result_type`` for two operands, each a Tensor or a Python number.

    Three groups are promoted separately, then combined by category (bool < integer < float):
    dimensioned tensors win over 0-dim tensors, which win over Python numbers, unless the
    weaker group is of a higher category (``int_tensor * 2.5`` is the default float dtype).
    """
    from .tensor import Tensor  # the one cycle in the core: tensors are made of dtypes

    groups = [None, None, None]  # dimensioned, 0-dim, Python numbers
    for x in (a, b):
        if isinstance(x, Tensor):
            group, d = (0 if x._data.ndim else 1), x.dtype
        else:
            group, d = 2, _python_number_dtype(x)
        groups[group] = d if groups[group] is None else promote(groups[group], d)
    return _combine(groups[0], _combine(groups[1], groups[2]))


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    if higher is None:
        return lower
    if lower is None or higher.kind == 2:
        return higher
    if higher is bool or lower.kind == 2:
        return promote(higher, lower)
    return higher


def _python_number_dtype(x) -> dtype:
    if isinstance(x, (builtins.bool, np.bool_)):
        return bool
    if isinstance(x, (builtins.int, np.integer)):
        return int64
    if isinstance(x, (builtins.float, np.floating)):
        return get_default_dtype()
    raise TypeError(f"unsupported operand type: {type(x).__name__}")


_NUMBERS: dict = {}


def number_as(number, dtype: np.dtype) -> np.ndarray:
    """A Python number as a 0-d array of a float dtype: the value numpy would use for the
    number, and ufuncs are quicker with the array. The first 256 asked for are kept."""
    try:
        return _NUMBERS[number, dtype]
    except KeyError:
        value = np.array(number, dtype)
        if number and len(_NUMBERS) < 256:  # (0.0 == -0.0, so zeros are not kept)
            value.flags.writeable = False
            _NUMBERS[number, dtype] = value
        return value
