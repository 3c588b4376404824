"""Every rule of the derivative table, checked against finite differences in float64.

Each entry of ``RULES`` must have a case here (a test fails otherwise), so no rule can be
added unchecked. A case builds the op from Hypothesis-drawn inputs (broadcasting shapes
where the op broadcasts); the check compares the vector-Jacobian product that backward
computes with central differences along a random direction, for first and second order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes

import autograd_lab as torch
import autograd_lab.nn.functional as F
from autograd_lab.rules import RULES


@dataclass
class Case:
    op: Callable  # builds the output from float64 tensors that require grad
    shapes: Callable  # draw -> list of input shapes
    values: Callable = lambda a: a  # maps drawn values in [-2, 2] into the op's domain
    second_order: bool = True  # rules whose gradient is itself smooth
    eps: float = 1e-6  # finite-difference step


def one(min_dims=0, max_dims=3):
    return lambda draw: [draw(array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1,
                                           max_side=4))]


def broadcasting(n=2):
    def shapes(draw):
        drawn = draw(mutually_broadcastable_shapes(num_shapes=n, max_dims=3, min_side=1,
                                                   max_side=4))
        return list(drawn.input_shapes)

    return shapes


def fixed(*shapes):
    return lambda draw: [tuple(s) for s in shapes]


def matrices(draw):
    n, k, m = (draw(st.integers(1, 4)) for _ in range(3))
    return [(n, k), (k, m)]


def positive(a):
    return np.abs(a) + 0.5


def away_from_zero(a):
    return np.where(a >= 0, a + 0.3, a - 0.3)


def distinct(a):
    """Values whose pairwise gaps are wide, so max/min/clamp/relu/abs have no ties or kinks."""
    ranks = np.argsort(np.argsort(a.ravel())).reshape(a.shape)
    return ranks * 0.7 - 1.75 + 0.05 * np.tanh(a)


def probabilities(a):
    return 0.1 + 0.8 / (1 + np.exp(-a))


CASES = {
    "AddBackward0": Case(lambda x, y: x + y, broadcasting()),
    "SubBackward0": Case(lambda x, y: x - y, broadcasting()),
    "RsubBackward1": Case(lambda x: 2.5 - x, one()),
    "MulBackward0": Case(lambda x, y: x * y, broadcasting()),
    "DivBackward0": Case(lambda x, y: x / y, broadcasting(), away_from_zero),
    "NegBackward0": Case(lambda x: -x, one()),
    # x/y stays in (1.5, 2): floor(x / y) = 1 all around, away from the jumps
    "RemainderBackward0": Case(lambda x, y: (x * 0.2 + 5.5) % (y * 0.1 + 3.2), broadcasting()),
    "ReciprocalBackward0": Case(lambda x: x.reciprocal(), one(), away_from_zero),
    "PowBackward0": Case(lambda x: x ** 3.5, one(), positive),
    "PowBackward1": Case(lambda x, y: x ** y, broadcasting(), positive),
    "PowBackward2": Case(lambda x: 1.7 ** x, one()),
    "ExpBackward0": Case(lambda x: x.exp(), one()),
    "LogBackward0": Case(lambda x: x.log(), one(), positive),
    "SqrtBackward0": Case(lambda x: x.sqrt(), one(), positive),
    "AbsBackward0": Case(lambda x: x.abs(), one(), away_from_zero),
    "SinBackward0": Case(lambda x: x.sin(), one()),
    "CosBackward0": Case(lambda x: x.cos(), one()),
    "ReluBackward0": Case(lambda x: x.relu(), one(), away_from_zero),
    "SigmoidBackward0": Case(lambda x: x.sigmoid(), one()),
    "TanhBackward0": Case(lambda x: x.tanh(), one()),
    "ClampBackward1": Case(lambda x: x.clamp(-0.6, 0.6), one(), distinct),
    "SignBackward0": Case(lambda x: x.sign(), one(), away_from_zero),
    "MaximumBackward0": Case(lambda x, y: torch.maximum(x, y + 0.37), broadcasting(),
                             distinct),
    "MinimumBackward0": Case(lambda x, y: torch.minimum(x, y + 0.37), broadcasting(),
                             distinct),
    "WhereBackward0": Case(lambda x, y: torch.where(x.detach() > 0, x, y), broadcasting(),
                           away_from_zero),
    "ZeroBackward0": Case(lambda x: (x * 1).zero_(), one()),
    "FillBackward0": Case(lambda x: (x * 1).fill_(2.0), one()),
    "NotImplemented": None,  # floor division: checked to raise in test_not_implemented
    "SumBackward0": Case(lambda x: x.sum(), one()),
    "SumBackward1": Case(lambda x: x.sum(-1, keepdim=False), one(min_dims=1)),
    "MeanBackward0": Case(lambda x: x.mean(), one()),
    "MeanBackward1": Case(lambda x: x.mean(0, keepdim=True), one(min_dims=1)),
    "MaxBackward1": Case(lambda x: x.max(), one(), distinct),
    "MinBackward1": Case(lambda x: x.min(), one(), distinct),
    "MaxBackward0": Case(lambda x: x.max(0).values, one(min_dims=1), distinct),
    "MinBackward0": Case(lambda x: x.min(-1, keepdim=True).values, one(min_dims=1), distinct),
    "LinalgVectorNormBackward0": Case(lambda x: x.norm() + x.norm(p=1, dim=-1).sum(),
                                      one(min_dims=1), away_from_zero),
    "MmBackward0": Case(lambda a, b: a @ b, matrices),
    "MvBackward0": Case(lambda m, v: m @ v, fixed((3, 4), (4,))),
    "DotBackward0": Case(lambda x, y: x @ y, fixed((5,), (5,))),
    "BmmBackward0": Case(lambda a, b: a @ b, fixed((2, 3, 4), (2, 4, 2))),
    "AddmmBackward0": Case(lambda b, x, w: F.linear(x, w, b), fixed((3,), (4, 2), (3, 2))),
    "ViewBackward0": Case(lambda x: x.reshape(-1), one()),
    "UnsafeViewBackward0": Case(lambda x: x.t().reshape(-1), fixed((2, 3))),
    "TBackward0": Case(lambda x: x.t(), one(max_dims=2)),
    "PermuteBackward0": Case(lambda x: x.permute(2, 0, 1), fixed((2, 3, 4))),
    "TransposeBackward0": Case(lambda x: x.transpose(0, -1), one(min_dims=1)),
    "UnsqueezeBackward0": Case(lambda x: x.unsqueeze(0), one()),
    "SqueezeBackward0": Case(lambda x: x.squeeze(), fixed((1, 3, 1))),
    "SqueezeBackward1": Case(lambda x: x.squeeze(1), fixed((2, 1, 3))),
    "SqueezeBackward4": Case(lambda v, m: v @ m, fixed((3,), (3, 2))),
    "ExpandBackward0": Case(lambda x: x.expand(2, 3, 4), fixed((3, 1))),
    "CloneBackward0": Case(lambda x: x.clone(), one()),
    "AliasBackward0": Case(lambda x: x[...], one()),
    "ToCopyBackward0": Case(lambda x: x.float().double() * 1, one(), second_order=False,
                            eps=0.25),  # linear: a wide step avoids float32 rounding
    "CopyBackwards": Case(lambda x, s: (x * 1).copy_(s), fixed((2, 3), (3,))),
    "SelectBackward0": Case(lambda x: x[1], fixed((3, 2))),
    "SliceBackward0": Case(lambda x: x[1:, ::2], fixed((3, 4))),
    "IndexBackward0": Case(lambda x: x[[0, 2, 0]], fixed((3, 2))),
    "IndexPutBackward0": None,  # exists only inside double backward of indexing (second order)
    "CopySlices": Case(lambda x, v: _assign(x, v), fixed((3, 4), (4,))),
    "MseLossBackward0": Case(lambda x, t: F.mse_loss(x, t), fixed((2, 3), (2, 3))),
    "BinaryCrossEntropyBackward0": Case(lambda p, t: F.binary_cross_entropy(p, t),
                                        fixed((4,), (4,)), probabilities),
    "BinaryCrossEntropyWithLogitsBackward0": Case(
        lambda z, t: F.binary_cross_entropy_with_logits(z, t, reduction="sum"),
        fixed((2, 3), (2, 3))),
}


def _assign(x, v):
    y = x * 1
    y[1] = v
    return y


def test_every_rule_has_a_case():
    assert set(CASES) == set(RULES)


def _inputs(draw, case):
    arrays = []
    for shape in case.shapes(draw):
        raw = draw(st.lists(st.floats(-2, 2), min_size=int(np.prod(shape)),
                            max_size=int(np.prod(shape))))
        arrays.append(case.values(np.array(raw, dtype=np.float64).reshape(shape)))
    return arrays


def _leaves(arrays):
    return [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]


def _numeric_directional(f, arrays, i, direction, v, eps=1e-6):
    """d/dt of sum(v * f(..., x_i + t*direction, ...)) at t=0, by central differences."""
    def at(t):
        shifted = [a + t * direction if j == i else a for j, a in enumerate(arrays)]
        out = f(*[torch.tensor(s, dtype=torch.float64) for s in shifted])
        return np.sum(v * out.detach().numpy())

    return (at(eps) - at(-eps)) / (2 * eps)


ACTIVE = sorted(name for name, case in CASES.items() if case is not None)


@pytest.mark.parametrize("name", ACTIVE)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_rule_matches_finite_differences(name, data):
    case = CASES[name]
    arrays = _inputs(data.draw, case)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    leaves = _leaves(arrays)
    out = case.op(*leaves)
    assert _names_in_graph(out) >= {name}, f"the case for {name} does not exercise it"
    v = rng.standard_normal(out.shape)
    grads = torch.autograd.grad(out, leaves, grad_outputs=torch.tensor(v), allow_unused=True,
                                materialize_grads=True)
    for i, (a, g) in enumerate(zip(arrays, grads)):
        assert g.shape == leaves[i].shape and g.dtype == torch.float64
        direction = rng.standard_normal(a.shape)
        numeric = _numeric_directional(case.op, arrays, i, direction, v, case.eps)
        analytic = np.sum(g.numpy() * direction)
        assert np.isclose(analytic, numeric, rtol=1e-5, atol=1e-6), (name, i, analytic, numeric)


SECOND_ORDER = [n for n in ACTIVE if CASES[n].second_order]


@pytest.mark.parametrize("name", SECOND_ORDER)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_rule_second_order(name, data):
    """The rule run on tensors (create_graph=True) is itself differentiated correctly."""
    case = CASES[name]
    arrays = _inputs(data.draw, case)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    v = rng.standard_normal(case.op(*_leaves(arrays)).shape)
    w = [rng.standard_normal(a.shape) for a in arrays]

    def first_order_probe(*xs):
        """sum_i <w_i, VJP_i(v)>: a scalar function of the inputs through the first gradient."""
        xs = [x if x.requires_grad else x.detach().requires_grad_() for x in xs]
        grads = torch.autograd.grad(case.op(*xs), xs, grad_outputs=torch.tensor(v),
                                    create_graph=True, allow_unused=True, materialize_grads=True)
        return sum((g * torch.tensor(wi)).sum() for g, wi in zip(grads, w))

    leaves = _leaves(arrays)
    probe = first_order_probe(*leaves)
    if not probe.requires_grad:  # linear op: the first gradient does not depend on the inputs
        return
    second = torch.autograd.grad(probe, leaves, allow_unused=True, materialize_grads=True)
    for i, (a, g) in enumerate(zip(arrays, second)):
        direction = rng.standard_normal(a.shape)
        numeric = _numeric_directional(first_order_probe, arrays, i, direction, 1.0, eps=1e-5)
        assert np.isclose(np.sum(g.numpy() * direction), numeric, rtol=1e-4, atol=1e-5), (name, i)


def _names_in_graph(out) -> set:
    names, stack = set(), [out.grad_fn]
    while stack:
        node = stack.pop()
        if node is not None and node.name() not in names:
            names.add(node.name())
            stack.extend(p for p in node.parents if p is not None)
    return names


def test_not_implemented():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x // 2
    assert y.grad_fn.name() == "NotImplemented"
    with pytest.raises(RuntimeError, match="derivative for aten::floor_divide is not implemented"):
        y.sum().backward()


def test_copy_backwards():
    x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    (x ** 3).backward(create_graph=True)
    assert x.grad.grad_fn.name() == "CopyBackwards"
    g = x.grad
    x.grad = None
    g.backward()
    assert x.grad.item() == pytest.approx(12.0)  # d(3x^2)/dx = 6x


def test_index_put_backward_in_double_backward():
    x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad((x[[0, 0, 2]] ** 2).sum(), x, create_graph=True)
    assert "IndexPutBackward0" in _names_in_graph(g)
    (h,) = torch.autograd.grad(g.sum(), x)
    assert h.tolist() == [4.0, 0.0, 2.0]  # d/dx of (4x0, 0, 2x2): the repeated index counts twice


@pytest.mark.parametrize("name, mask, saved_inputs, saves_output", [
    ("AddBackward0", 0b11, (), False),  # sizes only: a second backward works
    ("SumBackward0", 0b1, (), False),
    ("MeanBackward1", 0b1, (), False),
    ("MulBackward0", 0b01, (1,), False),  # x's gradient g * y needs y only
    ("MulBackward0", 0b11, (0, 1), False),
    ("ExpBackward0", 0b1, (), True),  # g * ans: the output, not the input
    ("LogBackward0", 0b1, (0,), False),
    ("MmBackward0", 0b10, (0,), False),
    ("TanhBackward0", 0b1, (), True),
])
def test_what_each_node_saves(name, mask, saved_inputs, saves_output):
    """Read from the rules' bytecode; this pins it on every Python version CI runs."""
    from autograd_lab.graph import NODES

    positions, out, saves, bits = NODES[name].saved_for[mask]
    assert bits == sum(1 << i for i in saved_inputs)
    assert (positions, out, saves) == (saved_inputs, saves_output,
                                      bool(saved_inputs) or saves_output)
