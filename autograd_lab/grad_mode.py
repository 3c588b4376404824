"""Switching graph recording off and on: ``no_grad``, ``enable_grad``, ``set_grad_enabled``,
``inference_mode``. Each works as a context manager and as a decorator.

NB: PyTorch keeps the same switches in ``torch.autograd.grad_mode`` (thread-local in C++).
"""

from __future__ import annotations

import functools


class _State:
    __slots__ = ("enabled", "inference")

    def __init__(self):
        self.enabled = True  # ops record the graph
        self.inference = False  # tensors made now are inference tensors


STATE = _State()


def is_grad_enabled() -> bool:
    return STATE.enabled


def is_inference_mode_enabled() -> bool:
    return STATE.inference


class _Mode:
    """Sets ``STATE`` on entry and restores it on exit; as a decorator, around every call."""

    enabled = True
    inference = None  # None leaves inference mode as it is (only inference_mode sets it)
    _args: tuple = ()  # what a decorator passes to a fresh instance around each call

    def __enter__(self):
        self._saved = (STATE.enabled, STATE.inference)
        STATE.enabled = self.enabled
        if self.inference is not None:
            STATE.inference = self.inference
        return None

    def __exit__(self, *exc_info) -> bool:
        STATE.enabled, STATE.inference = self._saved
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.__class__(*self._args):
                return func(*args, **kwargs)

        return wrapper

    def __repr__(self) -> str:
        return f"<torch.autograd.grad_mode.{type(self).__name__} object>"


class no_grad(_Mode):
    """Ops inside record no graph: results have ``requires_grad=False`` (``torch.no_grad``)."""

    enabled = False


class enable_grad(_Mode):
    """Turns recording back on inside a ``no_grad`` block (``torch.enable_grad``)."""

    enabled = True


class set_grad_enabled(_Mode):
    """``set_grad_enabled(False)`` switches recording off at once; as a context manager it
    also restores the previous mode on exit (``torch.set_grad_enabled``)."""

    def __init__(self, mode: bool):
        self._args = (mode,)
        self.enabled = bool(mode)
        self._saved = (STATE.enabled, STATE.inference)
        STATE.enabled = self.enabled

    def __enter__(self):
        return None

    def __call__(self, func):
        STATE.enabled = self._saved[0]  # as a decorator it changes nothing until called
        return super().__call__(func)


class inference_mode(_Mode):
    """Like ``no_grad``, and tensors made inside are inference tensors that can never join a
    graph later (``torch.inference_mode``)."""

    def __init__(self, mode: bool = True):
        self._args = (mode,)
        self.enabled = not mode
        self.inference = bool(mode)
