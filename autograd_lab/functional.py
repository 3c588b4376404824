"""Functions on tensors under PyTorch's names: ``torch.exp``, ``torch.sum``, ``torch.matmul``...

Each forwards to the Tensor method of the same name, so ``torch.exp(x)`` and ``x.exp()``
record the same node.

NB: in PyTorch these are the ``torch.*`` functions generated from ``native_functions.yaml``.
"""

from __future__ import annotations

from .tensor import Tensor, matmul, maximum, minimum, where  # noqa: F401  (re-exported)


def _method(name: str):
    def function(input: Tensor, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)

    function.__name__ = name
    function.__doc__ = f"``torch.{name}(input, ...)``: the same as ``input.{name}(...)``."
    return function


_NAMES = ("add sub mul div pow neg square reciprocal exp log sqrt abs sign sin cos relu sigmoid "
          "tanh clamp clip sum mean max min argmax argmin norm mm dot mv t transpose reshape "
          "flatten squeeze unsqueeze permute clone detach numel").split()
globals().update({name: _method(name) for name in _NAMES})
subtract, multiply, divide, true_divide, negative = sub, mul, div, div, neg  # noqa: F821

__all__ = [*_NAMES, "subtract", "multiply", "divide", "true_divide", "negative", "is_tensor",
           "is_floating_point", "allclose", "equal"]


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    return input.is_floating_point()


def allclose(a: Tensor, b: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    import numpy as np

    return bool(np.allclose(a._data, b._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def equal(a: Tensor, b: Tensor) -> bool:
    return a.shape == b.shape and bool((a._data == b._data).all())
