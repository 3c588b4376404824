"""``Parameter``: a leaf tensor that a ``Module`` registers as trainable.

NB: PyTorch's is ``torch/nn/parameter.py``.
"""

from __future__ import annotations

from ..tensor import Tensor, _init_leaf


class Parameter(Tensor):
    """A tensor that requires grad by default and prints as ``Parameter containing:``."""

    __slots__ = ()
    __module__ = "torch.nn.parameter"

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True):
        from ..creation import empty

        data = empty(0) if data is None else data
        return _init_leaf(object.__new__(cls), data._data, requires_grad)

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
