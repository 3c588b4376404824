"""Indexing as PyTorch records it: ``x[i]``, ``x[1:]``, ``x[[0, 2]]``, ``x[mask]`` and
assignment ``x[i] = v``.

Basic indexing is a chain of views, one ``SelectBackward0`` per integer, ``SliceBackward0``
per cut slice and ``UnsqueezeBackward0`` per ``None``; advanced indexing (lists, tensors,
masks) is one ``IndexBackward0`` copy. Assignment into a tensor that is part of a graph is
the ``CopySlices`` node.

NB: PyTorch's are ``torch/csrc/autograd/python_variable_indexing.cpp`` and ``copy_slices``.
"""

from __future__ import annotations

import numpy as np

from .grad_mode import STATE
from .tensor import Tensor, _any_requires_grad, _bump, _operand, _record


def get(t: Tensor, index) -> Tensor:
    """``t[index]`` (``Tensor.__getitem__``)."""
    index = _index_arg(index)
    if _is_basic(index):
        return _basic_index(t, index)
    try:
        data = t._data[index]
    except IndexError as e:
        raise IndexError(str(e).replace("axis", "dimension")) from None
    return _record(data, "IndexBackward0", (t,), {"index": index})


def put(t: Tensor, index, value) -> None:
    """``t[index] = value`` (``Tensor.__setitem__``): in place, recorded as ``CopySlices`` when
    ``t`` or ``value`` is part of a graph."""
    index = _index_arg(index)
    value = _operand(value)
    if isinstance(value, Tensor) and not value._data.dtype == t._data.dtype:
        value = value.to(t.dtype)
    if STATE.enabled and t._requires_grad and t.grad_fn is None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")  # x[i] = v writes through a view of x
    if not (STATE.enabled and (t._requires_grad or _any_requires_grad(value))):
        t._check_inplace()
        _assign(t._data, index, value)
        _bump(t)
        return
    t._inplace(lambda old: _copy_slices(old, value, index), value)


def scatter_into(g: Tensor, shape, index) -> Tensor:
    """Double backward of indexing: ``g`` added at ``index`` into zeros (a recorded op)."""
    data = np.zeros(shape, g._data.dtype)
    np.add.at(data, index, g._data)
    return _record(data, "IndexPutBackward0", (g,), {"index": index})


def _copy_slices(old: Tensor, value, index) -> Tensor:
    data = old._data.copy()
    _assign(data, index, value)
    return _record(data, "CopySlices", (old, value), {"index": index})


def _assign(data: np.ndarray, index, value) -> None:
    """``data[index] = value`` with PyTorch's errors instead of numpy's."""
    values = value._data if isinstance(value, Tensor) else value
    try:
        data[index] = values
    except IndexError as e:
        raise IndexError(str(e).replace("axis", "dimension")) from None
    except ValueError:
        target, source = list(np.shape(data[index])), list(np.shape(values))
        raise RuntimeError(f"The expanded size of the tensor ({target[-1] if target else 1}) "
                           f"must match the existing size ({source[-1] if source else 1}) at "
                           f"non-singleton dimension {max(len(target) - 1, 0)}.  Target sizes: "
                           f"{target}.  Tensor sizes: {source}") from None


def _index_arg(index):
    """Tensors inside an index become numpy arrays; a lone list is an advanced index."""
    if isinstance(index, tuple):
        return tuple(_index_part(i) for i in index)
    return _index_part(index)


def _index_part(i):
    if isinstance(i, Tensor):
        return i._data if i._data.ndim or i._data.dtype == np.bool_ else int(i._data)
    if isinstance(i, list):
        return np.asarray([_index_part(j) for j in i])
    return i


def _is_basic(index) -> bool:
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis
               for p in parts)


def _basic_index(t: Tensor, index) -> Tensor:
    """Basic indexing as PyTorch records it: one Select per integer, one Slice per cut slice,
    one Unsqueeze per None, dimension by dimension."""
    parts = list(index) if isinstance(index, tuple) else [index]
    if Ellipsis in parts:
        at = parts.index(Ellipsis)
        fill = t.ndim - sum(p is not None and p is not Ellipsis for p in parts)
        parts[at:at + 1] = [slice(None)] * fill
        if all(p == slice(None) for p in parts) and len(parts) == t.ndim:
            return t._view(t._data[...], "AliasBackward0")
    if sum(p is not None for p in parts) > t.ndim:
        raise IndexError(f"too many indices for tensor of dimension {t.ndim}")
    out, dim, source_dim = t, 0, 0  # dim in the result so far; source_dim in t, for messages
    for p in parts:
        source_dim += p is not None
        if p is None:
            out = out.unsqueeze(dim)
            dim += 1
        elif isinstance(p, slice):
            size = out._data.shape[dim]
            if p.indices(size) != (0, size, 1):
                if p.step is not None and p.step <= 0:
                    raise ValueError("step must be greater than zero")
                out = out._view(out._data[(slice(None),) * dim + (p,)], "SliceBackward0",
                                {"dim": dim, "piece": p})
            dim += 1
        else:
            size = out._data.shape[dim]
            if not -size <= p < size:
                raise IndexError(f"index {p} is out of bounds for dimension {source_dim - 1} "
                                 f"with size {size}")
            out = out._view(out._data[(slice(None),) * dim + (p,)], "SelectBackward0",
                            {"dim": dim, "index": int(p)})
    return out if out is not t else t._view(t._data[()], "AliasBackward0")
