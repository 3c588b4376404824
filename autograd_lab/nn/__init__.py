"""Neural-network building blocks: ``Parameter``, ``Module``, ``Linear`` and ``functional``.

NB: PyTorch's are in ``torch/nn/``; ours keep the parts a first model needs.
"""

from . import functional, init
from .modules import Linear, Module, ReLU, Sequential, Sigmoid, Tanh
from .parameter import Parameter

__all__ = ["Linear", "Module", "Parameter", "ReLU", "Sequential", "Sigmoid", "Tanh",
           "functional", "init"]
