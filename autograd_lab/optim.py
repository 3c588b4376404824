"""Optimizers: ``SGD`` with momentum and weight decay, as ``torch.optim.SGD`` computes it.

NB: PyTorch's is ``torch/optim/sgd.py``.
"""

from __future__ import annotations

from .grad_mode import no_grad
from .tensor import _add_grads_scaled


class Optimizer:
    """Holds parameters; ``zero_grad()`` resets their ``.grad`` (to None by default)."""

    def __init__(self, params, defaults: dict):
        params = list(params)
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        self.defaults = defaults
        self.param_groups = [{**defaults, **g, "params": list(g["params"])} for g in groups]
        self.state: dict = {}

    def zero_grad(self, set_to_none: bool = True) -> None:
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p._grad = None  # (what the .grad setter does with None)
                elif p._grad is not None:
                    p._grad.zero_()

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines + [")"])


class SGD(Optimizer):
    """``p -= lr * (grad + weight_decay * p)``, with an optional momentum buffer.

    ``foreach``, ``differentiable`` and ``fused`` choose PyTorch's kernels; they are kept (and
    printed) as PyTorch keeps them, and change nothing here.
    """

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False,
                 fused: bool | None = None):
        if lr < 0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    def step(self, closure=None):
        """Update every parameter that has a gradient (under ``no_grad``, as PyTorch does)."""
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            params = group["params"]
            if not (group["momentum"] or group["weight_decay"] or group["maximize"]):
                params = _add_grads_scaled(params, -group["lr"])
            params = [p for p in params if p._grad is not None] if params else ()
            if params:
                with no_grad():
                    self._step_each(group, params)
        return loss

    def _step_each(self, group: dict, params: list) -> None:
        """The step through the tensors' own ops: with momentum, weight decay or maximize, or
        for a parameter the plain step cannot write straight into (``_add_grads_scaled``)."""
        lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
        decay, nesterov = group["weight_decay"], group["nesterov"]
        for p in params:
            d_p = -p._grad if group["maximize"] else p._grad
            if decay:
                d_p = d_p.add(p, alpha=decay)
            if momentum:
                buf = self.state.get(p)
                if buf is None:
                    buf = self.state[p] = d_p.clone()
                else:
                    buf.mul_(momentum).add_(d_p, alpha=1 - dampening)
                d_p = d_p.add(buf, alpha=momentum) if nesterov else buf
            p.add_(d_p, alpha=-lr)
