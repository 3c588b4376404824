"""The derivative table: one vector-Jacobian product per differentiable input of every op.

Each entry maps a ``grad_fn`` name to one rule per input. A rule is written in terms of
``g`` (the gradient arriving at the op's output), ``ans`` (the op's output) and the op's
inputs, with the op's settings as keywords. It returns the gradient for its input at the
shape of ``g``'s broadcast result; the engine sums it back to the input's own shape
(broadcasting is undone once, in ``autograd.py``) and casts it to the input's dtype. A rule
returns ``g`` itself, a view of it or a new array, never a saved value: a new array can then
become a leaf's ``.grad`` without a copy.

Rules are plain numpy expressions. During ``backward(create_graph=True)`` the same rules
receive Tensors instead, and numpy hands every ufunc to ``Tensor.__array_ufunc__``, so the
backward pass is itself recorded and can be differentiated again.

What a rule reads is what its node saves for backward (as in PyTorch, whose
``tools/autograd/derivatives.yaml`` generates ``MulBackward0`` and friends); a node that
saves nothing can be backpropagated twice without ``retain_graph=True``.

NB: PyTorch's table is ``derivatives.yaml``; the names here are the names PyTorch 2.13 gives.
"""

from __future__ import annotations

import math

import numpy as np

RULES = {
    # arithmetic
    "AddBackward0": (  # g itself when alpha is 1 (no copy), as PyTorch's maybe_multiply
        lambda g, ans, x, y, alpha=1: g,
        lambda g, ans, x, y, alpha=1: g if alpha == 1 else g * alpha,
    ),
    "SubBackward0": (
        lambda g, ans, x, y, alpha=1: g,
        lambda g, ans, x, y, alpha=1: -g if alpha == 1 else -g * alpha,
    ),
    "RsubBackward1": (lambda g, ans, x, other: -g,),
    "MulBackward0": (lambda g, ans, x, y: g * y, lambda g, ans, x, y: g * x),
    "DivBackward0": (lambda g, ans, x, y: g / y, lambda g, ans, x, y: -g * x / (y * y)),
    "NegBackward0": (lambda g, ans, x: -g,),
    "RemainderBackward0": (lambda g, ans, x, y: g, lambda g, ans, x, y: -g * np.floor(x / y)),
    "ReciprocalBackward0": (lambda g, ans, x: -g * ans * ans,),
    "PowBackward0": (lambda g, ans, x, exponent: _pow_grad(g, x, exponent),),
    "PowBackward1": (  # zero where the exponent is 0, and where a 0 base meets y >= 0
        lambda g, ans, x, y: _where(y == 0, 0.0, g * y * x ** (y - 1)),
        lambda g, ans, x, y: _where((x == 0) & (y >= 0), 0.0, g * ans * np.log(x)),
    ),
    "PowBackward2": (lambda g, ans, x, base: _pow_base_grad(g, ans, x, base),),
    # elementwise functions
    "ExpBackward0": (lambda g, ans, x: g * ans,),
    "LogBackward0": (lambda g, ans, x: g / x,),
    "SqrtBackward0": (lambda g, ans, x: g / (2 * ans),),
    "AbsBackward0": (lambda g, ans, x: g * np.sign(x),),
    "SinBackward0": (lambda g, ans, x: g * np.cos(x),),
    "CosBackward0": (lambda g, ans, x: -g * np.sin(x),),
    "ReluBackward0": (lambda g, ans, x: g * (ans > 0),),
    "SigmoidBackward0": (lambda g, ans, x: g * ans * (_one(ans) - ans),),
    "TanhBackward0": (lambda g, ans, x: g * (_one(ans) - ans * ans),),
    "ClampBackward1": (lambda g, ans, x, min=None, max=None: g * _inside(x, min, max),),
    "SignBackward0": (lambda g, ans, x: g * 0,),
    "MaximumBackward0": (
        lambda g, ans, x, y: g * ((x > y) + (x == y) * 0.5),  # ties share the gradient
        lambda g, ans, x, y: g * ((y > x) + (x == y) * 0.5),
    ),
    "MinimumBackward0": (
        lambda g, ans, x, y: g * ((x < y) + (x == y) * 0.5),
        lambda g, ans, x, y: g * ((y < x) + (x == y) * 0.5),
    ),
    "WhereBackward0": (
        lambda g, ans, x, y, condition: g * condition,
        lambda g, ans, x, y, condition: g * ~condition,
    ),
    "ZeroBackward0": (lambda g, ans, x: g * 0,),
    "FillBackward0": (lambda g, ans, x: g * 0,),
    "NotImplemented": (
        lambda g, ans, x, y: _not_implemented("aten::floor_divide"),
        lambda g, ans, x, y: _not_implemented("aten::floor_divide"),
    ),
    # reductions
    "SumBackward0": (lambda g, ans, x: _expand(g, x.shape),),
    "SumBackward1": (lambda g, ans, x, dim, keepdim: _expand(_keep(g, dim, keepdim), x.shape),),
    "MeanBackward0": (lambda g, ans, x: _expand(g / _numel(x.shape), x.shape),),
    "MeanBackward1": (
        lambda g, ans, x, dim, keepdim: _expand(_keep(g, dim, keepdim) / _count(x.shape, dim),
                                                x.shape),
    ),
    "MaxBackward1": (lambda g, ans, x: g * (x == ans) / (x == ans).sum(),),  # ties share
    "MinBackward1": (lambda g, ans, x: g * (x == ans) / (x == ans).sum(),),
    "MaxBackward0": (lambda g, ans, x, dim, keepdim, onehot: _keep(g, dim, keepdim) * onehot,),
    "MinBackward0": (lambda g, ans, x, dim, keepdim, onehot: _keep(g, dim, keepdim) * onehot,),
    "LinalgVectorNormBackward0": (
        lambda g, ans, x, ord, dim, keepdim: _norm_grad(g, ans, x, ord, dim, keepdim),
    ),
    # linear algebra
    "MmBackward0": (lambda g, ans, x, y: _mm(g, y.T), lambda g, ans, x, y: _mm(x.T, g)),
    "MvBackward0": (lambda g, ans, m, v: _outer(g, v), lambda g, ans, m, v: g @ m),
    "AddmmBackward0": (
        lambda g, ans, bias, m1, m2: g,
        lambda g, ans, bias, m1, m2: _mm(g, m2.T),
        lambda g, ans, bias, m1, m2: _mm(m1.T, g),
    ),
    "DotBackward0": (lambda g, ans, x, y: g * y, lambda g, ans, x, y: g * x),
    "BmmBackward0": (
        lambda g, ans, x, y: g @ _mT(y),
        lambda g, ans, x, y: _mT(x) @ g,
    ),
    # shapes and copies (they save nothing but sizes)
    "ViewBackward0": (lambda g, ans, x, shape: g.reshape(x.shape),),
    "UnsafeViewBackward0": (lambda g, ans, x, shape: g.reshape(x.shape),),
    "TBackward0": (lambda g, ans, x: g.T if _is_array(g) else g.t(),),
    "PermuteBackward0": (lambda g, ans, x, dims: _permute(g, np.argsort(dims)),),
    "TransposeBackward0": (lambda g, ans, x, dim0, dim1: g.swapaxes(dim0, dim1),),
    "UnsqueezeBackward0": (lambda g, ans, x, dim: g.reshape(x.shape),),
    "SqueezeBackward0": (lambda g, ans, x: g.reshape(x.shape),),
    "SqueezeBackward1": (lambda g, ans, x, dim: g.reshape(x.shape),),
    "SqueezeBackward4": (lambda g, ans, x, dim: g.reshape(x.shape),),
    "ExpandBackward0": (lambda g, ans, x, shape: g,),  # the engine sums g back to x.shape
    "CloneBackward0": (lambda g, ans, x: g,),
    "AliasBackward0": (lambda g, ans, x: g,),
    "ToCopyBackward0": (lambda g, ans, x: g,),
    "CopyBackwards": (lambda g, ans, x, src: g * 0, lambda g, ans, x, src: g),
    "SelectBackward0": (lambda g, ans, x, dim, index: _scatter(g, x.shape, _at(dim, index)),),
    "SliceBackward0": (lambda g, ans, x, dim, piece: _scatter(g, x.shape, _at(dim, piece)),),
    "IndexBackward0": (lambda g, ans, x, index: _scatter(g, x.shape, index),),
    "IndexPutBackward0": (lambda g, ans, x, index: g[index],),
    "CopySlices": (
        lambda g, ans, x, value, index: g * _outside(x.shape, index),
        lambda g, ans, x, value, index: g[index],
    ),
    # losses
    "MseLossBackward0": (
        lambda g, ans, x, t, reduction: _reduce_grad(g * 2 * (x - t), reduction, x.shape),
        lambda g, ans, x, t, reduction: _reduce_grad(g * -2 * (x - t), reduction, x.shape),
    ),
    "BinaryCrossEntropyBackward0": (
        lambda g, ans, p, t, reduction: _reduce_grad(
            g * (p - t) / np.maximum((1 - p) * p, 1e-12), reduction, p.shape
        ),
        lambda g, ans, p, t, reduction: _reduce_grad(
            g * (np.log(1 - p) - np.log(p)), reduction, p.shape
        ),
    ),
    "BinaryCrossEntropyWithLogitsBackward0": (
        lambda g, ans, z, t, reduction: _reduce_grad(g * (_sigmoid(z) - t), reduction, z.shape),
        lambda g, ans, z, t, reduction: _reduce_grad(-g * z, reduction, z.shape),
    ),
}


# Helpers longer than one expression. Each works on numpy arrays and, for double
# backward, on Tensors (which expose the same methods).


def _one(like):
    """1 as a 0-d array of ``like``'s float dtype, else the number 1: numpy computes with a
    0-d array of the other operand's dtype quicker than with a Python number, same values."""
    return _ONES.get(like.dtype, 1)


def _zero(like):
    """0 as ``_one`` gives 1."""
    return _ZEROS.get(like.dtype, 0)


def _constants(value) -> dict:
    constants = {}
    for t in (np.float16, np.float32, np.float64):
        constants[np.dtype(t)] = array = np.array(value, t)
        array.flags.writeable = False
    return constants


_ONES, _ZEROS = _constants(1), _constants(0)


def _is_array(a) -> bool:
    return isinstance(a, _ARRAYS)


_ARRAYS = (np.ndarray, np.generic)  # numpy turns 0-d results into scalars


def _expand(g, shape):
    """``g`` repeated to ``shape`` (a fresh array: faster than ``np.broadcast_to`` when small)."""
    if not isinstance(g, _ARRAYS):
        return g.expand(shape)
    out = np.empty(shape, g.dtype)
    out[...] = g
    return out


def _keep(g, dims, keepdim):
    """Put back the reduced dimensions of ``g`` as size 1 so it broadcasts to the input."""
    if keepdim:
        return g
    if _is_array(g):
        return np.expand_dims(g, dims)
    for d in sorted(dims):
        g = g.unsqueeze(d)
    return g


def _numel(shape) -> int:
    return math.prod(shape)


def _count(shape, dims) -> int:
    return int(np.prod([shape[d] for d in dims]))


def _pow_grad(g, x, exponent):
    if exponent == 0:
        return g * 0
    return g * exponent * x ** (exponent - 1)


def _pow_base_grad(g, ans, x, base):
    """d(base ** x)/dx = base ** x * log(base); 0 for a 0 base where x >= 0, as PyTorch."""
    if base == 0:
        return _where(x >= 0, 0.0, g * ans * -math.inf)
    return g * ans * math.log(base)


def _where(condition, a, b):
    """``a`` where ``condition`` holds, else ``b``: numpy's where, or on tensors the recorded
    ``torch.where`` (double backward)."""
    if any(hasattr(v, "grad_fn") for v in (condition, a, b)):
        from .tensor import where

        return where(condition, a, b)
    return np.where(condition, a, b)


def _inside(x, low, high):
    """1 where clamp let x through (bounds included), else 0."""
    mask = True
    if low is not None:
        mask = mask * (x >= low)
    if high is not None:
        mask = mask * (x <= high)
    return mask


def _norm_grad(g, ans, x, ord, dim, keepdim):
    g, ans = _keep(g, dim, keepdim), _keep(ans, dim, keepdim)
    if ord == 1:
        return g * np.sign(x)
    if ord == 2:
        return g * x / (ans + (ans == 0))  # x is all zeros where the norm is 0: gradient 0
    if ord in (math.inf, -math.inf):  # to the largest (smallest) |x|; ties share
        hits = np.abs(x) == ans
        count = hits.sum(axis=dim, keepdims=True) if _is_array(hits) else hits.sum(dim, True)
        return g * np.sign(x) * hits / count
    return g * np.sign(x) * np.abs(x) ** (ord - 1) / ans ** (ord - 1)


def _mm(a, b):
    """``a @ b`` for two matrices. On arrays, ``dot`` and ``matmul`` give the same values:
    the array's ``dot`` method has less overhead (several times faster for a column times a
    row), ``matmul`` is a few percent faster once the matrices are large."""
    if not isinstance(a, _ARRAYS):
        return a @ b
    return a.dot(b) if a.size < DOT_BELOW else np.matmul(a, b)


DOT_BELOW = 16384  # elements in the left matrix: 128 x 128 and up go to matmul (measured)


def _outer(g, v):
    return g[:, None] * v[None, :] if _is_array(g) else g.unsqueeze(1) * v.unsqueeze(0)


def _mT(a):
    return a.swapaxes(-1, -2)


def _permute(g, dims):
    return g.transpose(dims) if _is_array(g) else g.permute(*dims.tolist())


def _sigmoid(z):
    one = _one(z)
    return one / (one + np.exp(-z))


def _reduce_grad(elementwise, reduction, shape):
    return elementwise / _numel(shape) if reduction == "mean" else elementwise


def _at(dim, index):
    return (slice(None),) * dim + (index,)


def _scatter(g, shape, index):
    """The gradient of indexing: ``g`` put back at ``index`` of zeros; repeats add up."""
    if not _is_array(g):
        from .indexing import scatter_into  # double backward: a recorded op

        return scatter_into(g, shape, index)
    out = np.zeros(shape, dtype=g.dtype)
    np.add.at(out, index, g)
    return out


def _outside(shape, index):
    """1 everywhere except at ``index``: what ``x[index] = v`` leaves of x."""
    mask = np.ones(shape, dtype=bool)
    mask[index] = False
    return mask


def _not_implemented(op: str):
    raise RuntimeError(f"derivative for {op} is not implemented")
