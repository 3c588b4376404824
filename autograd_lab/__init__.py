"""autograd_lab: PyTorch's autograd, rebuilt small on numpy so it can be read and watched.

``import autograd_lab as torch`` runs the classic autograd tutorials unchanged and prints
what PyTorch 2.13 prints. The core is six modules: ``tensor`` (the Tensor and its ops),
``indexing``, ``rules`` (the derivative table), ``graph`` (grad_fn nodes), ``autograd`` (the
backward walk, as a generator of steps) and ``grad_mode``.
"""

import warnings as _warnings

from . import autograd, dtypes, nn, optim
from . import random as _random
from .creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .dtypes import (
    bool,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    set_default_dtype,
    short,
    uint8,
)
from .functional import *  # noqa: F403  (torch.exp, torch.sum, ...)
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .printing import get_printoptions, set_printoptions
from .random import Generator, initial_seed, manual_seed, seed
from .tensor import Size, Tensor, matmul, maximum, minimum, where

__version__ = "0.1.0"

# PyTorch prints inf and nan without a word; numpy would warn from inside the engine.
_warnings.filterwarnings("ignore", category=RuntimeWarning, module="autograd_lab")
default_generator = _random.default_generator


def get_rng_state() -> Tensor:
    """The default generator's state as a uint8 tensor (``torch.get_rng_state``)."""
    return from_numpy(_random.get_rng_state())


def set_rng_state(new_state: Tensor) -> None:
    """Restore a state from ``get_rng_state()`` (``torch.set_rng_state``)."""
    _random.set_rng_state(new_state.numpy() if isinstance(new_state, Tensor) else new_state)


class linalg:  # noqa: N801  (a namespace, as torch.linalg)
    """``torch.linalg.norm`` and ``torch.linalg.vector_norm``."""

    @staticmethod
    def vector_norm(x, ord=2, dim=None, keepdim=False):
        return x.norm(ord, dim, keepdim)

    norm = vector_norm
