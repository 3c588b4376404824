"""The Tensor: a numpy array plus what autograd needs to know about it.

A tensor made by the user is a leaf. An op on tensors that require grad, while grad mode is
on, returns a non-leaf whose ``grad_fn`` is a node of the backward graph (``graph.py``); the
node's derivative rules live in ``rules.py`` and the backward walk in ``autograd.py``.

NB: PyTorch's Tensor is ``torch._C.TensorBase`` in C++ plus ``torch/_tensor.py``; ops record
their nodes in generated code (``VariableType``) the way ``_record`` does here.
"""

from __future__ import annotations

import builtins
import functools
import math
import warnings
from collections import namedtuple

import numpy as np

from . import dtypes
from .dtypes import result_type
from .grad_mode import STATE
from .graph import NODES, RemovableHandle, accumulator
from .printing import format_tensor
from .random import _fma
from .rules import _count
from .rules import _mm as _product


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``torch.Size([2, 3])``."""

    __slots__ = ()
    __module__ = "torch"

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    def numel(self) -> int:
        return int(np.prod(self, dtype=np.int64))


def _return_type(name: str) -> type:
    """``torch.return_types.max``: a (values, indices) pair that prints like PyTorch's."""
    cls = namedtuple(name, ["values", "indices"])
    cls.__module__ = "torch.return_types"
    cls.__repr__ = lambda self: (f"torch.return_types.{name}(\nvalues={self.values!r},"
                                 f"\nindices={self.indices!r})")
    return cls


RETURN_TYPES = {"Max": _return_type("max"), "Min": _return_type("min")}


_allocate = object.__new__


def _new(data: np.ndarray, vc: list | None = None) -> Tensor:
    """Wrap an array as a leaf that does not require grad (the fast internal constructor)."""
    t = _allocate(Tensor)
    t._data = data if type(data) is np.ndarray else np.asarray(data)  # numpy gives 0-d scalars
    t._requires_grad = False
    t.grad_fn = None
    t._vc = vc
    t._base = None
    if STATE.inference:
        t._inference = True
    return t


def _counter(t: Tensor) -> list:
    """The tensor's version counter, made on first need and shared by views and ``detach()``:
    ``[version, name of the op that wrote it last]`` (the name is for error messages)."""
    if t._vc is None:
        t._vc = [0, t.grad_fn.op if t.grad_fn is not None else ""]
    return t._vc


def _bump(t: Tensor) -> list:
    """Count an in-place change of the tensor: its version goes up, and the change is stamped
    with the node clock (``LAST_CHANGE``). Returns the counter."""
    counter = _counter(t)
    counter[0] += 1
    LAST_CHANGE[0] = next(_next_seq)
    return counter


# The node clock's reading at the last in-place change of any tensor. A node made after it
# (node.seq greater) saved tensors none of which has changed since: backward need not
# compare their versions one by one.
LAST_CHANGE = [0]


def _record(data: np.ndarray, name: str, inputs: tuple, params: dict | None = None,
            vc: list | None = None) -> Tensor:
    """Wrap an op's result and, when grad mode is on and an input requires grad, give it a
    ``grad_fn``: a node holding its parents and what its rules will read in backward."""
    out = _new(data, vc)
    if not STATE.enabled:
        return out
    cls = NODES[name]
    node = _allocate(cls)  # dropped again below when no input needs a gradient
    # Point the node's parent slots at each input's node (its grad_fn, a leaf's
    # AccumulateGrad, or None where the input needs no gradient), noting in two bitmasks the
    # inputs that need a gradient and the inputs that are tensors.
    arity = len(inputs)
    if arity == 1:  # the usual arities, unrolled: this runs for every op
        (a,) = inputs  # (a one-input op's input is always a tensor)
        if not a._requires_grad:
            return out
        # (its grad_fn, else the leaf's AccumulateGrad while alive, else a new one)
        node.parent0 = a.grad_fn or (a._acc and a._acc()) or accumulator(a)
        mask, tensors, values = 1, 1, (a._data,)
    elif arity == 2:
        a, b = inputs
        mask = tensors = 0
        parent_a = parent_b = None
        if isinstance(a, Tensor):
            if a._requires_grad:
                parent_a = a.grad_fn or (a._acc and a._acc()) or accumulator(a)
                mask = 1
            a, tensors = a._data, 1
        if isinstance(b, Tensor):
            if b._requires_grad:
                parent_b = b.grad_fn or (b._acc and b._acc()) or accumulator(b)
                mask |= 2
            b, tensors = b._data, tensors | 2
        node.parent0, node.parent1 = parent_a, parent_b
        values = (a, b)
    else:
        mask = tensors = 0
        parents, values = [], []
        for i, x in enumerate(inputs):
            parent = None
            if isinstance(x, Tensor):
                if x._requires_grad:
                    parent, mask = _node_of(x), mask | 1 << i
                x, tensors = x._data, tensors | 1 << i
            parents.append(parent)
            values.append(x)
        node.parents = parents
        values = tuple(values)
    if not mask:
        return out
    positions, saves_out, saves, saved_bits = cls.saved_for[mask]  # a Saves
    # The node keeps the inputs' values, not the tensor objects (as PyTorch's SavedVariable):
    # intermediate tensors can then be freed, and the garbage collector has less to scan.
    node.inputs = values
    node.params = params
    node.hooks = None
    node.seq = next(_next_seq)
    node.saves = saves
    node.out = data if saves_out else None
    # The saved tensors' versions now, for backward's check (``_versions``), with the usual
    # cases written out as the arities above: the first or the first two inputs, or the
    # output alone. (``x._vc or``: a counter, once made, is a non-empty list.)
    saved = tensors & saved_bits  # (the saved inputs that are tensors, as bits)
    if saves_out:
        if saved or out._vc is not None:
            node.versions = _versions(inputs, positions, out)
        else:  # a new tensor: a new counter
            out._vc = counter = [0, ""]
            node.versions = [(-1, counter, 0)]
    elif saved == 3:
        a, b = inputs[0], inputs[1]
        if a._inference or b._inference:
            raise RuntimeError(_INFERENCE_SAVED)
        counter_a, counter_b = a._vc or _counter(a), b._vc or _counter(b)
        node.versions = [(0, counter_a, counter_a[0]), (1, counter_b, counter_b[0])]
    elif saved == 1:
        a = inputs[0]
        if a._inference:
            raise RuntimeError(_INFERENCE_SAVED)
        counter_a = a._vc or _counter(a)
        node.versions = [(0, counter_a, counter_a[0])]
    elif saved:
        node.versions = _versions(inputs, positions, None)
    else:  # it saves no tensor (perhaps a number): no version to check
        node.versions = ()
    out._requires_grad = True
    out.grad_fn = node
    return out


def _node_of(t: Tensor):
    """Where a gradient for ``t`` goes: its grad_fn, or for a leaf its AccumulateGrad."""
    return t.grad_fn if t.grad_fn is not None else accumulator(t)


def _versions(inputs: tuple, positions: tuple, out: Tensor | None) -> list:
    """(position, counter, version now) for each saved tensor; -1 stands for the output."""
    versions = []
    for i in positions:
        x = inputs[i]
        if isinstance(x, Tensor):
            if x._inference:
                raise RuntimeError(_INFERENCE_SAVED)
            counter = _counter(x)
            versions.append((i, counter, counter[0]))
    if out is not None:
        counter = _counter(out)
        versions.append((-1, counter, counter[0]))
    return versions


from .graph import _sequence as _next_seq  # noqa: E402  (one counter for all nodes)

_INFERENCE_SAVED = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
    "inference mode in computation tracked by autograd. To work around this, you can make a "
    "clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead of "
    "`torch.inference_mode()`."
)
_NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead. See github.com/pytorch/pytorch/pull/30531 for more information."
)
_LEAF_FLAGS = (
    "you can only change requires_grad flags of leaf variables. If you want to use a computed "
    "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
)


def _operand(x):
    """A Python number stays as it is (PyTorch wraps it); arrays and lists become tensors."""
    if isinstance(x, (Tensor, builtins.int, builtins.float, builtins.bool)):
        return x
    if isinstance(x, (np.ndarray, np.generic, list, tuple)):
        return _new(np.asarray(x))
    return NotImplemented


def _binary(a, b, ufunc, name: str, params=None):
    """Elementwise ``ufunc(a, b)`` with PyTorch's broadcasting and type promotion."""
    ad = a._data
    dtype = ad.dtype
    kind = dtype.kind
    if isinstance(b, Tensor):
        bd = b._data
        same = dtype == bd.dtype
    else:
        if b.__class__ is not builtins.float and b.__class__ is not builtins.int:
            b = _operand(b)  # bool, numpy scalars, arrays and lists
            if b is NotImplemented or isinstance(b, Tensor):
                return b if b is NotImplemented else _binary(a, b, ufunc, name, params)
        same = kind == "f" or (isinstance(b, builtins.int) and kind in "iu")
        if kind == "f":
            bd = dtypes.number_as(b, dtype)
        elif same and dtype.itemsize < 8:  # wraps around, as in C
            bd = np.array(b).astype(dtype)
        else:
            bd = b
    if not same or (ufunc is np.true_divide and kind != "f"):
        common = result_type(a, b)
        if ufunc is np.true_divide and not common.is_floating_point:
            common = dtypes.get_default_dtype()
        ad = ad.astype(common.numpy, copy=False)
        if isinstance(b, Tensor):
            bd = bd.astype(common.numpy, copy=False)
    try:
        data = ufunc(ad, bd)
    except ValueError:
        raise RuntimeError(_broadcast_message(a.shape, Size(np.shape(bd)))) from None
    return _record(data, name, (a, b), params)


def _compare(a, b, ufunc) -> Tensor:
    b = _operand(b)
    if b is NotImplemented:
        return NotImplemented
    bd = b._data if isinstance(b, Tensor) else b
    try:
        return _new(ufunc(a._data, bd))
    except ValueError:
        raise RuntimeError(_broadcast_message(a.shape, Size(np.shape(bd)))) from None


def _broadcast_message(sa, sb) -> str:
    for i in range(1, min(len(sa), len(sb)) + 1):
        if sa[-i] != sb[-i] and 1 not in (sa[-i], sb[-i]):
            return (f"The size of tensor a ({sa[-i]}) must match the size of tensor b ({sb[-i]}) "
                    f"at non-singleton dimension {max(len(sa), len(sb)) - i}")
    return f"shapes {tuple(sa)} and {tuple(sb)} cannot be broadcast together"


def _dim(d: int, ndim: int) -> int:
    """A dimension index checked and made non-negative, with PyTorch's IndexError."""
    n = max(ndim, 1)
    if not -n <= d < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {d})")
    return d % n


# Up to 17 rows, numpy's row-by-row order is PyTorch's for rows 4 wide or a multiple of 32
# wide (the widths measured); beyond 17 rows neither adds in PyTorch's order, and BLAS is faster.
_BLAS_ROWS = 17


def _add_reduce(a: np.ndarray, axes: tuple | None, keepdims: bool = False) -> np.ndarray:
    """``np.add.reduce(a, axes)`` in ``a``'s dtype (leading axes: ``_sum_leading``)."""
    # (axes are sorted and distinct: they are the leading ones when the last is len(axes) - 1)
    if axes and axes[-1] == len(axes) - 1 and len(axes) < a.ndim:
        total = _sum_leading(a, len(axes))
        return total.reshape((1,) * len(axes) + total.shape) if keepdims else total
    return np.add.reduce(a, axes, a.dtype, keepdims=keepdims)


def _sum_leading(a: np.ndarray, lead: int) -> np.ndarray:
    """``a`` summed over its first ``lead`` dimensions, in its dtype. A float array of many
    rows (a batch, as for a bias gradient) goes through BLAS as ``ones @ rows``: numpy adds
    rows one at a time, which is several times slower and less accurate."""
    shape, dtype = a.shape, a.dtype
    rows = shape[0] if lead == 1 else math.prod(shape[:lead])
    if rows > _BLAS_ROWS and dtype.char in "fd" and a.flags.c_contiguous and a.size:
        matrix = a if lead == 1 and len(shape) == 2 else a.reshape(rows, -1)
        total = _ones((rows,), dtype).dot(matrix)
        return total if matrix is a else total.reshape(shape[lead:])
    return np.add.reduce(a, tuple(range(lead)), dtype)


@functools.lru_cache(maxsize=32)
def _ones(shape: tuple, dtype: np.dtype) -> np.ndarray:
    """A read-only array of ones, for the last few shapes asked (seeds, batch sums)."""
    ones = np.ones(shape, dtype)
    ones.flags.writeable = False
    return ones


def _dims(dim, ndim: int) -> tuple:
    """Dimensions to reduce, checked and sorted; a 0-d tensor accepts 0 and -1 and has none."""
    if dim is None:
        return tuple(range(ndim))
    dims = sorted(_dim(d, ndim) for d in (dim if isinstance(dim, (tuple, list)) else (dim,)))
    for a, b in zip(dims, dims[1:]):
        if a == b:
            raise RuntimeError(f"dim {a} appears multiple times in the list of dims")
    return tuple(dims) if ndim else ()


def _shape_arg(shape) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        shape = shape[0]
    return tuple(builtins.int(s) for s in shape)


class Tensor:
    """A multi-dimensional array that can record the operations made on it (``torch.Tensor``)."""

    # The attributes every op sets are slots; the rest keep their class default until set.
    __slots__ = ("_data", "_requires_grad", "grad_fn",
                 "_vc",  # version counter [n], shared with views and detach(); see _counter
                 "_base",  # the tensor this one is a view of, when it requires grad
                 "__dict__", "__weakref__")
    _grad = None  # .grad
    _hooks = None  # a leaf's register_hook functions
    _retains_grad = False
    _acc = None  # weak reference to a leaf's AccumulateGrad node
    _inference = False  # made under inference_mode
    __module__ = "torch"
    __array_priority__ = 1000

    def __init__(self, *data):
        """``torch.Tensor(data)`` or ``torch.Tensor(2, 3)``: a float32 leaf (legacy constructor)."""
        if len(data) == 1 and not isinstance(data[0], builtins.int):
            values = np.array(_to_nested(data[0]), dtype=dtypes.get_default_dtype().numpy)
        else:
            values = np.zeros(_shape_arg(data), dtype=dtypes.get_default_dtype().numpy)
        _init_leaf(self, values)

    # ---------------------------------------------------------------- attributes
    @property
    def data(self) -> Tensor:
        """The same storage as a leaf that does not require grad and has its own version counter,
        so autograd cannot see changes made through it (prefer ``detach()``)."""
        return _new(self._data)

    @data.setter
    def data(self, value: Tensor) -> None:
        self._data = value._data

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        self._set_requires_grad(flag, "only Tensors of floating point and complex dtype "
                                      "can require gradients")

    def _set_requires_grad(self, flag, dtype_message: str) -> None:
        if self.grad_fn is not None:
            if not flag:
                raise RuntimeError(_LEAF_FLAGS)
            return
        if flag and self._data.dtype.kind != "f":
            raise RuntimeError(dtype_message)
        if flag and self._inference and not STATE.inference:
            raise RuntimeError("Setting requires_grad=True on inference tensor outside "
                               "InferenceMode is not allowed.")
        self._requires_grad = builtins.bool(flag)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place and return ``self``; leaves only."""
        self._set_requires_grad(requires_grad, "only Tensors of floating point dtype can "
                                               "require gradients")
        return self

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def grad(self) -> Tensor | None:
        if self.grad_fn is not None and not self._retains_grad and self._grad is None:
            warnings.warn(_NON_LEAF_GRAD, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad "
                                f"of type {type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError("assigned grad has data of a different size")
            if value.dtype is not self.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{_C_NAMES[value.dtype.name]}' "
                    f"to a tensor with grad_dtype '{self.dtype.legacy_name[:-6]}'. The gradient "
                    "must match the tensor's grad_dtype (defaults to the tensor's dtype). You can "
                    "set the tensor's grad_dtype attribute with a specific dtype, or None to allow "
                    "any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and "
                    "its gradient may break downstream systems that assume they match.")
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    @property
    def dtype(self) -> dtypes.dtype:
        return dtypes.FROM_NUMPY[self._data.dtype]

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def _version(self) -> int:
        return 0 if self._vc is None else self._vc[0]

    @property
    def device(self) -> str:
        return _CPU

    @property
    def is_cuda(self) -> bool:
        return False

    def size(self, dim: int | None = None):
        return self.shape if dim is None else self._data.shape[_dim(dim, self.ndim)]

    def dim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def is_inference(self) -> bool:
        return self._inference

    def is_contiguous(self) -> bool:
        return self._data.flags.c_contiguous

    def contiguous(self) -> Tensor:
        """Itself when its values are laid out row by row; else such a copy (CloneBackward0)."""
        if self._data.flags.c_contiguous:
            return self
        return _record(np.ascontiguousarray(self._data), "CloneBackward0", (self,))

    def data_ptr(self) -> int:
        return self._data.__array_interface__["data"][0]

    def element_size(self) -> int:
        return self._data.itemsize

    # ---------------------------------------------------------------- conversion
    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted "
                               "to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The values as a numpy array sharing memory (``Tensor.numpy``)."""
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.numpy(), dtype=dtype)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """Numpy functions on tensors become tensor ops (this is how the derivative rules
        run on tensors during ``create_graph=True``)."""
        op = _UFUNC_OPS.get(ufunc) if method == "__call__" and not kwargs else None
        if op is None:
            return NotImplemented
        args = [x if isinstance(x, Tensor) else _operand(x) for x in inputs]
        return op(*args)

    def __len__(self) -> int:
        if not self._data.ndim:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if not self._data.ndim:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            amount = "more than one" if self._data.size else "no"
            raise RuntimeError(f"Boolean value of Tensor with {amount} values is ambiguous")
        return builtins.bool(self._data.reshape(()))

    def __float__(self) -> float:
        self._warn_if_scalar_of_graph()
        return builtins.float(self.item())

    def __int__(self) -> int:
        self._warn_if_scalar_of_graph()
        return builtins.int(self.item())

    def _warn_if_scalar_of_graph(self) -> None:
        if self._requires_grad:
            warn_once("Converting a tensor with requires_grad=True to a scalar may lead to "
                      "unexpected behavior.\nConsider using tensor.detach() first.", stacklevel=3)

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return builtins.int(self.item())

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __repr__(self) -> str:
        return format_tensor(self._data, dtype_name=self.dtype.name,
                             grad_fn_name=self.grad_fn.name() if self.grad_fn else None,
                             requires_grad=self._requires_grad)

    __hash__ = object.__hash__

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._data.copy(), self._requires_grad))

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol at the moment.")
        return _init_leaf(type(self).__new__(type(self)), self._data.copy(), self._requires_grad)

    # ---------------------------------------------------------------- autograd
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (``Tensor.backward``)."""
        autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self) -> Tensor:
        """The same storage and version counter, cut off from the graph."""
        out = _new(self._data, _counter(self))
        if self._inference:  # (a view, as in PyTorch: an inference tensor too)
            out._inference = True
        return out

    def detach_(self) -> Tensor:
        self.grad_fn = None
        self._requires_grad = False
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf after backward (a no-op on leaves)."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        self._retains_grad = True
        self.grad_fn.register_hook(_GradKeeper(self))

    def register_hook(self, hook) -> RemovableHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned tensor
        replaces the gradient. Returns a handle whose ``remove()`` undoes it."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn.register_hook(hook)
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return RemovableHandle(self._hooks, hook)

    # ---------------------------------------------------------------- arithmetic
    def __add__(self, other):
        return _binary(self, other, np.add, "AddBackward0")

    def __radd__(self, other):
        return self.__add__(other)

    def __sub__(self, other):
        _check_subtraction(self, other)
        return _binary(self, other, np.subtract, "SubBackward0")

    def __rsub__(self, other):
        _check_subtraction(other, self)
        other = _operand(other)
        if isinstance(other, Tensor):
            return other.__sub__(self)
        return _record(_binary_values(other, self, np.subtract), "RsubBackward1", (self,),
                       {"other": other})

    def __mul__(self, other):
        return _binary(self, other, np.multiply, "MulBackward0")

    def __rmul__(self, other):
        return self.__mul__(other)

    def __truediv__(self, other):
        return _binary(self, other, np.true_divide, "DivBackward0")

    def __rtruediv__(self, other):
        other = _operand(other)
        if isinstance(other, Tensor):
            return other.__truediv__(self)
        return self.reciprocal() * other  # as PyTorch: MulBackward0 after ReciprocalBackward0

    def __floordiv__(self, other):
        return _binary(self, other, np.floor_divide, "NotImplemented")

    def __mod__(self, other):
        return _binary(self, other, np.remainder, "RemainderBackward0")

    def __pow__(self, exponent):
        if isinstance(exponent, Tensor):
            return _binary(self, exponent, np.power, "PowBackward1")
        exponent = _operand(exponent)
        if isinstance(exponent, Tensor):
            return _binary(self, exponent, np.power, "PowBackward1")
        return _record(_power(self, exponent), "PowBackward0", (self,), {"exponent": exponent})

    def __rpow__(self, base):
        base = _operand(base)
        if isinstance(base, Tensor):
            return base.__pow__(self)
        return _record(_binary_values(base, self, np.power), "PowBackward2", (self,),
                       {"base": base})

    def __matmul__(self, other):
        if other.__class__ is Tensor and self._data.ndim == 2 == other._data.ndim and (
                self._data.dtype == other._data.dtype):  # two matrices: straight to mm
            return _mm(self, other)
        other = _operand(other)
        return NotImplemented if other is NotImplemented else matmul(self, other)

    def __rmatmul__(self, other):
        other = _operand(other)
        return NotImplemented if other is NotImplemented else matmul(other, self)

    def __neg__(self):
        if self._data.dtype == np.bool_:
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. "
                               "If you are trying to invert a mask, use the `~` or "
                               "`logical_not()` operator instead.")
        return _record(-self._data, "NegBackward0", (self,))

    def __pos__(self):
        return self

    def __abs__(self):
        return self.abs()

    def __invert__(self):
        if self._data.dtype.kind not in "biu":
            raise TypeError(f"~ (bitwise not) is only supported for integer and bool tensors, "
                            f"not {self.dtype}")
        return _new(~self._data)

    def _bitwise(self, other, ufunc, name: str):
        if self._data.dtype.kind not in "biu":
            raise NotImplementedError(f'"{name}_cpu" not implemented for '
                                      f"'{self.dtype.legacy_name[:-6]}'")
        return _compare(self, other, ufunc)

    def __and__(self, other):
        return self._bitwise(other, np.bitwise_and, "bitwise_and")

    def __or__(self, other):
        return self._bitwise(other, np.bitwise_or, "bitwise_or")

    def __xor__(self, other):
        return self._bitwise(other, np.bitwise_xor, "bitwise_xor")

    def __eq__(self, other):
        return _compare(self, other, np.equal)

    def __ne__(self, other):
        return _compare(self, other, np.not_equal)

    def __lt__(self, other):
        return _compare(self, other, np.less)

    def __le__(self, other):
        return _compare(self, other, np.less_equal)

    def __gt__(self, other):
        return _compare(self, other, np.greater)

    def __ge__(self, other):
        return _compare(self, other, np.greater_equal)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def add(self, other, *, alpha=1):
        """``self + alpha * other``."""
        if alpha.__class__ is builtins.int and alpha == 1:
            return self + other
        return _fused_add(self, other, alpha, "AddBackward0", {"alpha": alpha})

    def sub(self, other, *, alpha=1):
        """``self - alpha * other``."""
        if alpha.__class__ is builtins.int and alpha == 1:
            return self - other
        _check_subtraction(self, other)
        return _fused_add(self, other, -alpha, "SubBackward0", {"alpha": alpha})

    def mul(self, other):
        return self * other

    def div(self, other):
        return self / other

    def pow(self, exponent):
        return self ** exponent

    def neg(self):
        return -self

    negative, multiply, divide, true_divide, subtract = neg, mul, div, div, sub

    def square(self):
        return self ** 2

    def reciprocal(self):
        return _record(1 / _floating(self._data), "ReciprocalBackward0", (self,))

    # ---------------------------------------------------------------- elementwise functions
    def exp(self):
        return _record(np.exp(_floating(self._data)), "ExpBackward0", (self,))

    def log(self):
        return _record(np.log(_floating(self._data)), "LogBackward0", (self,))

    def sqrt(self):
        return _record(np.sqrt(_floating(self._data)), "SqrtBackward0", (self,))

    def abs(self):
        return _record(np.abs(self._data), "AbsBackward0", (self,))

    def sign(self):
        return _record(np.sign(self._data), "SignBackward0", (self,))

    def sin(self):
        return _record(np.sin(_floating(self._data)), "SinBackward0", (self,))

    def cos(self):
        return _record(np.cos(_floating(self._data)), "CosBackward0", (self,))

    def relu(self):
        return _record(np.maximum(self._data, 0).astype(self._data.dtype, copy=False),
                       "ReluBackward0", (self,))

    def sigmoid(self):
        x = _floating(self._data)
        return _record(1 / (1 + np.exp(-x)), "SigmoidBackward0", (self,))

    def tanh(self):
        return _record(np.tanh(_floating(self._data)), "TanhBackward0", (self,))

    def clamp(self, min=None, max=None):
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        data = self._data
        if min is not None:
            data = np.maximum(data, min)
        if max is not None:
            data = np.minimum(data, max)
        return _record(data.astype(self._data.dtype, copy=False), "ClampBackward1", (self,),
                       {"min": min, "max": max})

    clip = clamp

    # ---------------------------------------------------------------- reductions
    def sum(self, dim=None, keepdim=False, *, dtype=None, axis=None):
        dim = axis if dim is None else dim
        data = self._data if dtype is None else self._data.astype(dtype.numpy)
        if data.dtype.kind in "biu" and dtype is None:  # integers sum as int64
            data = data.astype(np.int64)
        if dim is None:
            return _record(np.add.reduce(data, None, data.dtype), "SumBackward0", (self,))
        dims = _dims(dim, self.ndim)
        return _record(_add_reduce(data, dims, keepdims=keepdim), "SumBackward1",
                       (self,), {"dim": dims, "keepdim": keepdim})

    def mean(self, dim=None, keepdim=False, *, dtype=None, axis=None):
        dim = axis if dim is None else dim
        if self._data.dtype.kind != "f" and dtype is None:
            raise RuntimeError(
                "mean(): could not infer output dtype. Input dtype must be either a floating "
                f"point or complex dtype. Got: {self.dtype.legacy_name[:-6]}")
        data = self._data if dtype is None else self._data.astype(dtype.numpy)
        if dim is None:  # a sum in the input's dtype, then a division (as numpy's mean does)
            return _record(np.add.reduce(data, None) / data.size, "MeanBackward0", (self,))
        dims = _dims(dim, self.ndim)
        return _record(_add_reduce(data, dims, keepdims=keepdim) / _count(data.shape, dims),
                       "MeanBackward1",
                       (self,), {"dim": dims, "keepdim": keepdim})

    def max(self, dim=None, keepdim=False):
        return self._extreme(dim, keepdim, np.max, np.argmax, "Max")

    def min(self, dim=None, keepdim=False):
        return self._extreme(dim, keepdim, np.min, np.argmin, "Min")

    def _extreme(self, dim, keepdim, reduce, arg, kind: str):
        if isinstance(dim, Tensor):
            return (maximum if kind == "Max" else minimum)(self, dim)
        if self._data.size == 0:
            raise RuntimeError(f"{kind.lower()}(): Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the 'dim' "
                               "argument.")
        if dim is None:
            return _record(np.asarray(reduce(self._data)), f"{kind}Backward1", (self,))
        d = _dim(dim, self.ndim)
        index = np.expand_dims(arg(self._data, axis=d), d)
        onehot = np.arange(self._data.shape[d]).reshape((-1,) + (1,) * (self.ndim - d - 1)) \
            == index
        values = np.take_along_axis(self._data, index, d)
        if not keepdim:
            values, index = values.squeeze(d), index.squeeze(d)
        result = _record(values, f"{kind}Backward0", (self,),
                         {"dim": (d,), "keepdim": keepdim, "onehot": onehot})
        return RETURN_TYPES[kind](result, _new(index.astype(np.int64)))

    def argmax(self, dim=None, keepdim=False):
        return self._arg(np.argmax, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return self._arg(np.argmin, dim, keepdim)

    def _arg(self, fn, dim, keepdim):
        if dim is None:
            return _new(np.asarray(fn(self._data), dtype=np.int64))
        return _new(np.asarray(fn(self._data, axis=_dim(dim, self.ndim), keepdims=keepdim),
                               dtype=np.int64))

    def norm(self, p="fro", dim=None, keepdim=False):
        """The vector norm (2 by default) over all elements or ``dim`` (``LinalgVectorNorm``)."""
        ord = 2 if p in ("fro", None) else p
        x = _floating(self._data)
        dims = _dims(dim, self.ndim)
        absx = np.abs(x)
        if ord == 2:
            data = np.sqrt((x * x).sum(axis=dims, keepdims=keepdim))
        elif ord == float("inf"):
            data = absx.max(axis=dims, keepdims=keepdim)
        elif ord == -float("inf"):
            data = absx.min(axis=dims, keepdims=keepdim)
        else:
            data = (absx ** ord).sum(axis=dims, keepdims=keepdim) ** (1 / ord)
        return _record(np.asarray(data, dtype=x.dtype), "LinalgVectorNormBackward0", (self,),
                       {"ord": ord, "dim": dims, "keepdim": keepdim})

    # ---------------------------------------------------------------- linear algebra
    def matmul(self, other):
        return matmul(self, other)

    def mm(self, other):
        return self._checked_matmul(other, (2, 2), "self must be a matrix", "mat2 must be a matrix")

    def dot(self, other):
        return self._checked_matmul(other, (1, 1), "1D tensors expected, but got {}D and {}D "
                                    "tensors", None)

    def mv(self, other):
        return self._checked_matmul(other, (2, 1), "vector + matrix @ vector expected, got {}, "
                                    "{}", None)

    def _checked_matmul(self, other, ranks: tuple, message: str, second: str | None):
        """``mm``/``dot``/``mv``: ``matmul`` restricted to one pair of ranks."""
        if not isinstance(other, Tensor):
            raise TypeError(f"expected Tensor as argument 2, but got {type(other).__name__}")
        if (self.ndim, other.ndim) != ranks:
            if second is not None and self.ndim == ranks[0]:
                raise RuntimeError(second)
            raise RuntimeError(message.format(self.ndim, other.ndim))
        return matmul(self, other)

    # ---------------------------------------------------------------- shapes (views)
    def _view(self, data, name, params=None):
        """A result sharing this tensor's storage and version counter."""
        out = _record(data, name, (self,), params, vc=_counter(self))
        if out._requires_grad:
            out._base = self if self._base is None else self._base
        if self._inference:  # a view of an inference tensor is one too
            out._inference = True
        return out

    def reshape(self, *shape):
        shape = _shape_arg(shape)
        try:
            data = self._data.reshape(shape)
        except ValueError:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size "
                               f"{self._data.size}") from None
        if np.may_share_memory(data, self._data) or not data.size:
            return self._view(data, "ViewBackward0", {"shape": shape})
        return _record(data, "UnsafeViewBackward0", (self,), {"shape": shape})

    def view(self, *shape):
        if not self._data.flags.c_contiguous and self.ndim > 1:
            raise RuntimeError("view size is not compatible with input tensor's size and stride "
                               "(at least one dimension spans across two contiguous subspaces). "
                               "Use .reshape(...) instead.")
        return self.reshape(*shape)

    def view_as(self, other):
        return self.view(other.shape)

    def reshape_as(self, other):
        return self.reshape(other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        if self.ndim == 0:
            return self.reshape(1)
        s, e = _dim(start_dim, self.ndim), _dim(end_dim, self.ndim)
        shape = self.shape
        return self.reshape(shape[:s] + (int(np.prod(shape[s:e + 1])),) + shape[e + 1:])

    def t(self):
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                               f"{self.ndim}D")
        return self._view(self._data.T, "TBackward0")

    @property
    def T(self):
        if self.ndim != 2:
            warn_once("The use of `x.T` on tensors of dimension other than 2 to reverse their "
                      "shape is deprecated and it will throw an error in a future release. "
                      "Consider `x.mT` to transpose batches of matrices or "
                      "`x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions "
                      "of a tensor.", stacklevel=2)
        return self.permute(*range(self.ndim - 1, -1, -1))

    @property
    def mT(self):
        return self.transpose(-2, -1)

    def transpose(self, dim0, dim1):
        d0, d1 = _dim(dim0, self.ndim), _dim(dim1, self.ndim)
        data = self._data.swapaxes(d0, d1) if self.ndim else self._data
        return self._view(data, "TransposeBackward0",
                          {"dim0": d0, "dim1": d1})

    swapaxes = swapdims = transpose

    def permute(self, *dims):
        dims = tuple(_dim(d, self.ndim) for d in _shape_arg(dims))
        if len(dims) != self.ndim:
            raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input "
                               f"does not match the length of the desired ordering of dimensions "
                               f"i.e. input.dim() = {self.ndim} is not equal to len(dims) = "
                               f"{len(dims)}")
        if len(set(dims)) != len(dims):
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        return self._view(self._data.transpose(dims), "PermuteBackward0", {"dims": dims})

    def unsqueeze(self, dim):
        d = _dim(dim, self.ndim + 1)
        return self._view(np.expand_dims(self._data, d), "UnsqueezeBackward0", {"dim": d})

    def squeeze(self, dim=None):
        if dim is None:
            return self._view(self._data.squeeze(), "SqueezeBackward0")
        d = _dim(dim, self.ndim)
        data = self._data.squeeze(d) if self._data.shape[d] == 1 else self._data
        return self._view(data, "SqueezeBackward1", {"dim": d})

    def expand(self, *shape):
        shape = _shape_arg(shape)
        lead = len(shape) - self.ndim
        if any(s == -1 for s in shape[:lead]):
            at = shape.index(-1)
            raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                               f"non-existing dimension {at}")
        full = tuple(self._data.shape[i - lead] if s == -1 else s for i, s in enumerate(shape))
        try:
            data = np.broadcast_to(self._data, full)
        except ValueError:
            raise RuntimeError(f"The expanded size of the tensor ({full[-1]}) must match the "
                               f"existing size ({self.shape[-1] if self.ndim else 1}) at "
                               f"non-singleton dimension {len(full) - 1}.  Target sizes: "
                               f"{list(shape)}.  Tensor sizes: {list(self.shape)}") from None
        return self._view(data, "ExpandBackward0", {"shape": full})

    def expand_as(self, other):
        return self.expand(other.shape)

    def __getitem__(self, index):
        return indexing.get(self, index)

    # ---------------------------------------------------------------- copies and types
    def clone(self):
        return _record(self._data.copy(), "CloneBackward0", (self,))

    def to(self, *args, dtype=None, **kwargs):
        target = dtype or next((a for a in args if isinstance(a, dtypes.dtype)), None)
        if target is None or target.numpy == self._data.dtype:
            return self
        return _record(self._data.astype(target.numpy), "ToCopyBackward0", (self,))

    def type(self, dtype=None):
        if dtype is None:
            return f"torch.{self.dtype.legacy_name}"
        return self.to(dtype)

    def float(self):
        return self.to(dtypes.float32)

    def double(self):
        return self.to(dtypes.float64)

    def half(self):
        return self.to(dtypes.float16)

    def long(self):
        return self.to(dtypes.int64)

    def int(self):
        return self.to(dtypes.int32)

    def bool(self):
        return self.to(dtypes.bool)

    def type_as(self, other):
        return self.to(other.dtype)

    def cpu(self):
        return self

    # new_*: the factories of creation.py, with this tensor's dtype by default
    def new_tensor(self, data, dtype=None, requires_grad=False):
        return creation.tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, requires_grad=False):
        return creation.ones(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, requires_grad=False):
        return creation.zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, requires_grad=False):
        return creation.full(size, fill_value, dtype=dtype or self.dtype,
                             requires_grad=requires_grad)

    # ---------------------------------------------------------------- in place
    def _check_inplace(self) -> None:
        if self._inference and not STATE.inference:
            raise RuntimeError("Inplace update to inference tensor outside InferenceMode is not "
                               "allowed.You can make a clone to get a normal tensor before doing "
                               "inplace update.See https://github.com/pytorch/rfcs/pull/17 for "
                               "more details.")
        if not STATE.enabled or not self._requires_grad:
            return
        if self.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                               "operation.")
        if self._base is not None:
            if self._base.grad_fn is None:
                raise RuntimeError("a view of a leaf Variable that requires grad is being used in "
                                   "an in-place operation.")
            raise RuntimeError("autograd_lab does not support in-place operations on a view of a "
                               "tensor that requires grad; apply the operation out of place, "
                               "e.g. y = y * 2, or assign into the tensor itself with y[i] = v")

    def _inplace(self, result_of, other=None) -> Tensor:
        """Run an out-of-place op on this tensor's current value, then make its result this
        tensor's new value and history (``grad_fn`` becomes the op's node)."""
        self._check_inplace()
        tracked = STATE.enabled and (self._requires_grad or _any_requires_grad(other))
        old = self
        if tracked:
            old = _new(self._data.copy())  # the value before the change, as PyTorch saves it
            old._requires_grad, old.grad_fn = self._requires_grad, self.grad_fn
        result = result_of(old) if callable(result_of) else result_of
        if result._data.dtype != self._data.dtype and not np.can_cast(
                result._data.dtype, self._data.dtype, "same_kind"):
            raise RuntimeError(f"result type {result.dtype.legacy_name[:-6]} can't be cast to the "
                               f"desired output type {self.dtype.legacy_name[:-6]}")
        try:
            self._data[...] = result._data
        except ValueError as e:
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast "
                               f"shape {list(result.shape)}" if "broadcast" in str(e) else
                               "unsupported operation: more than one element of the written-to "
                               "tensor refers to a single memory location. Please clone() the "
                               "tensor before performing the operation.") from None
        counter = _bump(self)
        if tracked and result.grad_fn is not None:
            for i, (position, _, _) in enumerate(result.grad_fn.versions):
                if position == -1:  # the result saved itself: it is now this tensor
                    result.grad_fn.versions[i] = (-1, counter, counter[0])
            self.grad_fn, self._requires_grad = result.grad_fn, True
            counter[1] = result.grad_fn.op
        return self

    def add_(self, other, *, alpha=1):
        if self._can_update(other, alpha):  # an optimizer's step, say: nothing else to do
            return self._update(_scaled_sum(self._data, other._data, alpha))
        return self._inplace(lambda old: old.add(other, alpha=alpha), other)

    def sub_(self, other, *, alpha=1):
        if self._can_update(other, alpha):
            return self._update(_scaled_sum(self._data, other._data, -alpha))
        return self._inplace(lambda old: old.sub(other, alpha=alpha), other)

    def _can_update(self, other, alpha) -> bool:
        """Whether ``self + alpha * other`` can go straight into this tensor, with no history
        to record and nothing to check: floats of one dtype and shape, a number for alpha, not
        an inference tensor, nothing tracked."""
        return (other.__class__ is Tensor and not self._inference
                and not (STATE.enabled and (self._requires_grad or other._requires_grad))
                and other._data.shape == self._data.shape and self._data.dtype.kind == "f"
                and other._data.dtype == self._data.dtype and self._data.flags.writeable
                and alpha.__class__ is not builtins.bool)

    def _update(self, values: np.ndarray) -> Tensor:
        """Write ``values`` (cast to this dtype) into the storage; the version goes up."""
        self._data[...] = values
        _bump(self)
        return self

    def mul_(self, other):
        return self._inplace(lambda old: old * other, other)

    def div_(self, other):
        return self._inplace(lambda old: old / other, other)

    def pow_(self, exponent):
        return self._inplace(lambda old: old ** exponent, exponent)

    def exp_(self):
        return self._inplace(lambda old: old.exp())

    def neg_(self):
        return self._inplace(lambda old: -old)

    def clamp_(self, min=None, max=None):
        return self._inplace(lambda old: old.clamp(min, max))

    def relu_(self):
        return self._inplace(lambda old: old.relu())

    def zero_(self):
        return self.fill_(0)

    def copy_(self, src):
        """Overwrite the values with ``src``'s (broadcast, cast to this dtype)."""
        src = _operand(src)
        values = src._data if isinstance(src, Tensor) else np.asarray(src)
        try:
            values = np.broadcast_to(values.astype(self._data.dtype, copy=False), self.shape)
        except ValueError:
            raise RuntimeError(_broadcast_message(self.shape, Size(values.shape))) from None
        return self._inplace(lambda old: _record(values.copy(), "CopyBackwards", (old, src)), src)

    def fill_(self, value):
        value = value.item() if isinstance(value, Tensor) else value
        name = "ZeroBackward0" if value == 0 else "FillBackward0"
        return self._inplace(lambda old: _record(np.full_like(old._data, value), name, (old,)))

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        from .random import normal_array

        return self._fill_random(normal_array(self.shape, self._data.dtype, mean, std, generator))

    def uniform_(self, a=0.0, b=1.0, *, generator=None):
        from .random import uniform_array

        return self._fill_random(uniform_array(self.shape, self._data.dtype, a, b, generator))

    def _fill_random(self, values):
        self._check_inplace()
        self._data[...] = values
        _bump(self)
        return self

    def __setitem__(self, index, value):
        indexing.put(self, index, value)

    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)


_CPU = "cpu"
_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
            "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool"}  # the C++ type names in PyTorch's messages


class _GradKeeper:
    """The hook behind ``retain_grad()``: stores the gradient arriving at a non-leaf."""

    __slots__ = ("tensor",)

    def __init__(self, tensor):
        import weakref

        self.tensor = weakref.ref(tensor)

    def __call__(self, grad):
        t = self.tensor()
        if t is not None:
            if t._grad is None:
                t._grad = grad.detach().clone() if grad.grad_fn is None else grad
            else:
                t._grad = t._grad + grad
        return None


def _init_leaf(t: Tensor, values: np.ndarray, requires_grad: bool = False) -> Tensor:
    """Fill the slots of a freshly allocated tensor (or Parameter) as a leaf."""
    t._data, t._requires_grad, t.grad_fn, t._vc, t._base = values, requires_grad, None, None, None
    return t


def _rebuild(data, requires_grad):
    """Unpickle a tensor (``__reduce_ex__``): a leaf again."""
    return _init_leaf(_allocate(Tensor), data, requires_grad)


def _floating(data: np.ndarray) -> np.ndarray:
    """Integer inputs to float functions (exp, sqrt...) compute in the default float dtype."""
    return data if data.dtype.kind == "f" else data.astype(dtypes.get_default_dtype().numpy)


_warned: set = set()


def warn_once(message: str, stacklevel: int = 2) -> None:
    """A UserWarning shown once per process, as PyTorch's TORCH_WARN_ONCE."""
    if message not in _warned:
        _warned.add(message)
        warnings.warn(message, UserWarning, stacklevel=stacklevel + 1)


def _fused_add(a: Tensor, b, alpha, name: str, params: dict) -> Tensor:
    """``a + alpha * b`` rounded once, as PyTorch computes ``add(alpha=)`` (a fused
    multiply-add): for float32 the product and sum are exact in float64 before rounding."""
    b = _operand(b)
    ad = a._data
    if isinstance(b, Tensor) and b._data.dtype == ad.dtype:  # the usual case: one dtype
        bd = b._data
    else:
        common = result_type(a, b).numpy
        ad = ad.astype(common, copy=False)
        bd = b._data.astype(common, copy=False) if isinstance(b, Tensor) else b
    kind, given = ad.dtype.kind, params["alpha"]  # (alpha itself is negated for sub)
    if given.__class__ is builtins.bool and kind != "b":
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if kind in "biu" and isinstance(given, builtins.float):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating "
                           "point number.")
    try:
        data = _scaled_sum(ad, bd, alpha)
        data = data.astype(np.float32) if ad.dtype == np.float32 else data
    except ValueError:
        raise RuntimeError(_broadcast_message(a.shape, Size(np.shape(bd)))) from None
    return _record(data, name, (a, b), params)


_FLOAT32, _FLOAT64 = np.dtype(np.float32), np.dtype(np.float64)  # (astype takes these quicker)


def _add_grads_scaled(params: list, alpha) -> list:
    """``p.add_(p.grad, alpha=alpha)`` for each parameter with a gradient, in turn, as an
    optimizer's plain step makes it (under ``no_grad``; PyTorch's CPU step updates the
    parameters one after another): the values straight into each storage, one fused
    multiply-add per element (``_scaled_sum``). For floats with a gradient of their dtype and
    shape, writable, not inference tensors: from the first parameter that is not, returns
    the rest, left for the general path in the same order."""
    alpha32 = _float32_factor(float(alpha))
    LAST_CHANGE[0] = next(_next_seq)  # (see _bump: the clock is stamped once for them all)
    for i, t in enumerate(params):
        grad = t._grad
        if grad is None:
            continue
        data, value = t._data, grad._data
        dtype = data.dtype
        if (value.dtype != dtype or value.shape != data.shape or dtype.kind != "f"
                or t._inference):
            return params[i:]
        try:
            if dtype is _FLOAT32:  # _scaled_sum's float32 arithmetic, the factor ready
                data[...] = data.astype(_FLOAT64) + value.astype(_FLOAT64) * alpha32
            else:
                data[...] = _scaled_sum(data, value, alpha)
        except ValueError:  # a read-only storage (cheaper to find out so than by data.flags):
            return params[i:]  # the general path raises PyTorch's error
        (t._vc or _counter(t))[0] += 1  # (a counter is never empty: never false)
    return []


@functools.lru_cache(maxsize=8)
def _float32_factor(alpha) -> np.ndarray:
    """A float32 step's factor, exactly, in float64 (the learning rate rarely changes)."""
    factor = np.array(np.float32(alpha), np.float64)
    factor.flags.writeable = False
    return factor


def _scaled_sum(ad: np.ndarray, bd, alpha) -> np.ndarray:
    """``ad + alpha * bd`` as PyTorch's kernel computes it, a fused multiply-add (one rounding).
    float32 goes through float64, where the product is exact and the caller rounds the sum
    once more: the same result, unless the float64 sum lands exactly halfway between two
    float32s (about once in 2**29 draws). float64 gets an exact emulation (``random._fma``)."""
    if ad.dtype == np.float32:
        return ad.astype(np.float64) + bd.astype(np.float64) * float(np.float32(alpha))
    if ad.dtype == np.float64:
        return _fma(bd, np.float64(alpha), ad, np.float64)
    if ad.dtype == np.bool_:  # alpha is then a truth value
        return ad | bd if alpha else ad.copy()
    return ad + alpha * bd


def _check_subtraction(a, b) -> None:
    """PyTorch subtracts no bools (a Python bool counts as one)."""
    bools = _is_bool(a) + _is_bool(b)
    if bools == 2:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if bools:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")


def _is_bool(x) -> bool:
    return x.__class__ is builtins.bool or isinstance(x, Tensor) and x._data.dtype == np.bool_


def _binary_values(a, t: Tensor, ufunc) -> np.ndarray:
    """``ufunc(number, tensor)`` with PyTorch's dtype for the result."""
    common = result_type(t, a)
    return ufunc(a, t._data.astype(common.numpy, copy=False))


def _power(t: Tensor, exponent) -> np.ndarray:
    """``t ** exponent`` as PyTorch computes it (x*x for 2, sqrt for 0.5...), to the last bit."""
    x = t._data
    if x.dtype.kind != "f":
        x = x.astype(result_type(t, exponent).numpy, copy=False)
    if x.dtype.kind != "f":
        if exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        return np.power(x, exponent)
    if exponent == 2:
        return x * x
    if exponent == 3:
        return x * x * x
    if exponent == 0.5:
        return np.sqrt(x)
    if exponent == -1:
        return 1 / x
    if exponent == -2:
        return 1 / (x * x)
    if exponent == -0.5:
        return 1 / np.sqrt(x)
    return np.power(x, x.dtype.type(exponent))


def matmul(a, b) -> Tensor:
    """``a @ b`` with PyTorch's nodes by rank: Dot, Mv, Mm, and for a 1-D left operand
    Unsqueeze, Mm, Squeeze; batched products are one ``BmmBackward0`` node."""
    a, b = _operand(a), _operand(b)
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        raise TypeError("matmul(): argument 'other' must be Tensor")
    if a._data.dtype != b._data.dtype:
        names = [t.dtype.legacy_name[:-6].lower() for t in (a, b)]
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{names[0]} != {names[1]}")
    sa, sb = a._data.shape, b._data.shape
    if not sa or not sb:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{len(sa)}D and {len(sb)}D")
    if len(sa) == 1 and len(sb) == 1:
        if sa[0] != sb[0]:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{sa[0]}] and src "
                               f"[{sb[0]}] to have the same number of elements, but got {sa[0]} "
                               f"and {sb[0]} elements respectively")
        return _record(np.asarray(a._data @ b._data), "DotBackward0", (a, b))
    if len(sa) == 2 and len(sb) == 1:
        if sa[1] != sb[0]:
            raise RuntimeError(f"size mismatch, got input ({sa[0]}), mat ({sa[0]}x{sa[1]}), "
                               f"vec ({sb[0]})")
        return _record(a._data @ b._data, "MvBackward0", (a, b))
    if len(sa) == 1 and len(sb) == 2:
        product = _mm(a.unsqueeze(0), b)
        return product._view(product._data.squeeze(0), "SqueezeBackward4", {"dim": 0})
    if len(sa) == 2 and len(sb) == 2:
        return _mm(a, b)
    if sa[-1] != sb[-2 if len(sb) > 1 else 0]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{sa[-1]}] but got: [{sb[-2] if len(sb) > 1 else sb[0]}].")
    if len(sa) == 1:  # a vector on either side of a batch: a matrix of one row or column
        return matmul(a.unsqueeze(0), b).squeeze(-2)
    if len(sb) == 1:
        return matmul(a, b.unsqueeze(-1)).squeeze(-1)
    try:
        np.broadcast_shapes(sa[:-2], sb[:-2])  # the batch dimensions must broadcast
    except ValueError:
        raise RuntimeError(_broadcast_message(sa[:-2], sb[:-2])) from None
    if len(sb) == 2:  # as PyTorch: fold the batch into rows, one mm, unfold
        product = _mm(a.reshape(-1, sa[-1]), b)
        shape = sa[:-1] + (sb[1],)
        return _record(product._data.reshape(shape), "UnsafeViewBackward0", (product,),
                       {"shape": shape})
    product = _record(np.matmul(a._data, b._data), "BmmBackward0", (a, b))
    return _record(product._data, "UnsafeViewBackward0", (product,), {"shape": product.shape})


def _mm(a: Tensor, b: Tensor) -> Tensor:
    (n, k), (k2, m) = a._data.shape, b._data.shape
    if k != k2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({n}x{k} and {k2}x{m})")
    return _record(_product(a._data, b._data), "MmBackward0", (a, b))


def maximum(a, b):
    return _binary(a, _operand(b), np.maximum, "MaximumBackward0")


def minimum(a, b):
    return _binary(a, _operand(b), np.minimum, "MinimumBackward0")


def where(condition, x, y):
    """``torch.where(condition, x, y)``: x where condition holds, else y."""
    x, y = _operand(x), _operand(y)
    if isinstance(condition, Tensor) and condition._data.dtype != np.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {condition.dtype.legacy_name[:-6]}")
    cond = condition._data if isinstance(condition, Tensor) else np.asarray(condition, bool)
    xt = x if isinstance(x, Tensor) else None
    yt = y if isinstance(y, Tensor) else None
    common = result_type(x, y)
    data = np.where(cond, x._data if xt is not None else x, y._data if yt is not None else y)
    return _record(data.astype(common.numpy, copy=False), "WhereBackward0", (x, y),
                   {"condition": cond})


def _any_requires_grad(x) -> bool:
    return isinstance(x, Tensor) and x._requires_grad


def _to_nested(data):
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (list, tuple)):
        return [_to_nested(d) for d in data]
    return data


_UFUNC_OPS = {
    np.add: Tensor.__add__,
    np.subtract: Tensor.__sub__,
    np.multiply: Tensor.__mul__,
    np.true_divide: Tensor.__truediv__,
    np.power: Tensor.__pow__,
    np.negative: Tensor.__neg__,
    np.matmul: matmul,
    np.exp: Tensor.exp,
    np.log: Tensor.log,
    np.sqrt: Tensor.sqrt,
    np.sign: Tensor.sign,
    np.abs: Tensor.abs,
    np.sin: Tensor.sin,
    np.cos: Tensor.cos,
    np.tanh: Tensor.tanh,
    np.floor: lambda t: _new(np.floor(t._data)),  # piecewise constant: no gradient
    np.maximum: maximum,
    np.minimum: minimum,
    np.equal: Tensor.__eq__,
    np.not_equal: Tensor.__ne__,
    np.greater: Tensor.__gt__,
    np.greater_equal: Tensor.__ge__,
    np.less: Tensor.__lt__,
    np.less_equal: Tensor.__le__,
    np.invert: Tensor.__invert__,
}


from . import autograd, creation, indexing  # noqa: E402  (they build on this module)
