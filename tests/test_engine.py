"""The backward engine as a whole: scale, memory, the steppable walk, gradient bookkeeping
and the errors a learner meets.

Expected values come from calculus (written out next to each check) or from PyTorch 2.13's
documented behaviour (``torch_spec.md``, whose section 16 lists the exact error messages).
Nothing here is copied from the engine's own output.
"""

from __future__ import annotations

import gc
import math
import re
import sys
import tracemalloc
import warnings
import weakref
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lab as torch
import autograd_lab.nn.functional as F
from autograd_lab import autograd, nn
from autograd_lab.autograd import backward_steps
from autograd_lab.graph import AccumulateGrad, Node
from autograd_lab.tensor import Tensor

# ---------------------------------------------------------------------------------------------
# helpers


def f64(values, requires_grad=True):
    return torch.tensor(values, dtype=torch.float64, requires_grad=requires_grad)


def arr(g) -> np.ndarray:
    """A gradient (numpy array, or a tensor with create_graph) as a numpy array."""
    if isinstance(g, Tensor):
        return g.detach().numpy()
    return np.asarray(g)


@contextmanager
def raises_exactly(exc_type: type, message: str):
    """The block raises exactly ``exc_type`` (not a subclass, such as numpy's AxisError for
    IndexError) with exactly ``message``."""
    with pytest.raises(BaseException) as info:
        yield info
    assert type(info.value) is exc_type, (
        f"expected {exc_type.__name__}, got {type(info.value).__module__}."
        f"{type(info.value).__name__}: {info.value}")
    assert str(info.value) == message


FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)
NO_GRAD_FN = "element 0 of tensors does not require grad and does not have a grad_fn"
SCALAR_ONLY = "grad can be implicitly created only for scalar outputs"


def inplace_message(kind: str, shape: list, op: str, now: int, expected: int) -> str:
    return ("one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [torch.{kind} {shape}], which is output 0 of {op}, is at "
            f"version {now}; expected version {expected} instead. Hint: enable anomaly "
            "detection to find the operation that failed to compute its gradient, with "
            "torch.autograd.set_detect_anomaly(True, check_nan=False).")


# ---------------------------------------------------------------------------------------------
# 1. scale: deep chains, wide sums, one tensor feeding many ops

CPYTHON_DEFAULT_RECURSION_LIMIT = 1000


@contextmanager
def default_recursion_limit():
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(CPYTHON_DEFAULT_RECURSION_LIMIT)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def test_100k_op_chain_backpropagates_with_the_default_recursion_limit():
    n, c = 100_000, 1.00001
    with default_recursion_limit():
        x = f64(1.5)
        limits_during_backward = []
        x.register_hook(lambda g: limits_during_backward.append(sys.getrecursionlimit()))
        y = x
        for _ in range(n):
            y = y * c
        # y = x * c**n, so dy/dx = c**n (= e**(n*ln c), about e)
        expected = c ** n
        assert y.item() == pytest.approx(1.5 * expected, rel=1e-9)
        (gx,) = torch.autograd.grad(y, x, retain_graph=True)
        assert gx.item() == pytest.approx(expected, rel=1e-9)
        y.backward()
        assert x.grad.item() == pytest.approx(expected, rel=1e-9)
        assert sys.getrecursionlimit() == CPYTHON_DEFAULT_RECURSION_LIMIT
        # the leaf hook ran in autograd.grad and in backward, both under the default limit
        assert limits_during_backward == [CPYTHON_DEFAULT_RECURSION_LIMIT] * 2
        del y, gx  # dropping the 100,000-node graph must not overflow either
        gc.collect()


def test_100k_op_chain_steps_once_per_node():
    n = 100_000
    with default_recursion_limit():
        x = f64([1.0, 2.0])
        y = x
        for _ in range(n):
            y = y + 1.0
        steps = list(backward_steps(y.sum()))
        # SumBackward0, n AddBackward0 nodes, one AccumulateGrad
        assert len(steps) == n + 2
        assert len({id(s.node) for s in steps}) == n + 2
        np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])


def test_a_recorded_op_leaves_one_object_for_the_garbage_collector():
    # Python's collector rescans every tracked object a graph keeps alive, so a long
    # forward pass costs time in proportion to them: a node is one object, its parents
    # included (a tuple of parents would be a second one per op).
    n = 10_000
    x = f64([1.0, 2.0])
    for op in (lambda t: t * 1.0001, lambda t: t + x, lambda t: -t):
        gc.collect()
        before = len(gc.get_objects())
        y = x
        for _ in range(n):
            y = op(y)
        gc.collect()
        assert len(gc.get_objects()) - before < 1.1 * n
        assert len(y.grad_fn.parents) == len(y.grad_fn.rules)
        del y


def test_wide_sum_of_5000_leaves():
    n = 5000
    leaves = [f64(float(i)) for i in range(n)]
    total = sum(w * (i + 1) for i, w in enumerate(leaves))  # a 5,000-term sum
    # d/dw_i sum_j (j+1) w_j = i + 1 and the value is sum_i i (i+1)
    assert total.item() == pytest.approx(sum(i * (i + 1) for i in range(n)))
    total.backward()
    assert [w.grad.item() for w in leaves] == [float(i + 1) for i in range(n)]


def test_wide_sum_of_5000_leaves_as_a_balanced_tree():
    n = 5000
    leaves = [f64(1.0) for _ in range(n)]
    terms = [w * (i % 7 - 3) for i, w in enumerate(leaves)]
    while len(terms) > 1:
        terms = [terms[i] + terms[i + 1] if i + 1 < len(terms) else terms[i]
                 for i in range(0, len(terms), 2)]
    terms[0].backward()
    assert [w.grad.item() for w in leaves] == [float(i % 7 - 3) for i in range(n)]


def test_one_tensor_feeding_5000_ops():
    n = 5000
    x = f64(np.linspace(-1.0, 1.0, n))
    total = x[0] * 0
    for i in range(n):
        total = total + x[i] * i
    # d/dx_i sum_j j x_j = i: 5,000 Select nodes each send a gradient to the same leaf
    total.backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.arange(n, dtype=np.float64))


def test_deep_graph_where_one_leaf_feeds_every_level():
    n = 20_000
    with default_recursion_limit():
        x = f64([0.5, -2.0])
        y = x
        for _ in range(n):
            y = y + x  # y_n = (n + 1) x
        loss = (y * y).sum()  # d/dx sum((n+1)^2 x^2) = 2 (n+1)^2 x
        steps = list(backward_steps(loss))
        accumulations = [s for s in steps if isinstance(s.node, AccumulateGrad)]
        assert len(accumulations) == 1, "x's gradient must be summed before it is accumulated"
        assert accumulations[0] is steps[-1]
        np.testing.assert_allclose(x.grad.numpy(), 2 * (n + 1) ** 2 * np.array([0.5, -2.0]))


# ---------------------------------------------------------------------------------------------
# 2. memory


def live_graph_objects() -> tuple[int, int]:
    gc.collect()
    objects = gc.get_objects()
    tensors = sum(issubclass(type(o), Tensor) for o in objects)  # type(): no __class__ lookups
    nodes = sum(issubclass(type(o), (Node, AccumulateGrad)) for o in objects)
    return tensors, nodes


def run_training(step, steps: int = 1000, checkpoint: int = 100) -> dict:
    """Run ``step()`` ``steps`` times; report traced memory and live tensors/nodes after the
    ``checkpoint``-th and after the last step (the last loss is still referenced, as in a loop
    that logs it)."""
    report = {}
    gc.collect()
    tracemalloc.start()
    try:
        loss = None
        for i in range(1, steps + 1):
            loss = step()
            if i == 1:
                report["first_loss"] = loss.item()
            if i in (checkpoint, steps):
                counts = live_graph_objects()
                report[i] = (tracemalloc.get_traced_memory()[0], *counts)
        report["last_loss"] = loss.item()
    finally:
        tracemalloc.stop()
    return report


MEMORY_SLACK = 32 * 1024  # a leak of one small tensor per step over 900 steps is far more


def assert_flat(report: dict, steps: int = 1000, checkpoint: int = 100):
    (mem_a, tensors_a, nodes_a), (mem_b, tensors_b, nodes_b) = report[checkpoint], report[steps]
    assert tensors_b == tensors_a, f"live tensors grew from {tensors_a} to {tensors_b}"
    assert nodes_b == nodes_a, f"live graph nodes grew from {nodes_a} to {nodes_b}"
    assert mem_b - mem_a < MEMORY_SLACK, f"traced memory grew by {mem_b - mem_a} bytes"


def one_by_one_sgd(params, lr):
    """The SGD step written out per parameter: what the optimizer must compute."""
    with torch.no_grad():
        for p in params:
            p.add_(p.grad, alpha=-lr)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@settings(max_examples=25, deadline=None)
@given(shapes=st.lists(st.lists(st.integers(1, 5), max_size=3), min_size=1, max_size=5),
       seed=st.integers(0, 2**31 - 1))
def test_sgd_updates_every_parameter_to_the_bits_of_add_(dtype, shapes, seed):
    def make():
        rng = np.random.default_rng(seed)
        params = []
        for shape in shapes:
            p = torch.tensor(rng.standard_normal(shape) * 3, dtype=dtype, requires_grad=True)
            scale = 10.0 ** rng.integers(-6, 3)
            p.grad = torch.tensor(rng.standard_normal(shape) * scale, dtype=dtype)
            params.append(p)
        return params

    together, alone = make(), make()
    torch.optim.SGD(together, lr=0.37).step()
    one_by_one_sgd(alone, 0.37)
    for a, b in zip(together, alone):
        assert a.detach().numpy().tobytes() == b.detach().numpy().tobytes()
        assert a._version == b._version == 1


def test_sgd_skips_parameters_without_a_gradient():
    a, b, c = (torch.tensor([1.0, 2.0], requires_grad=True) for _ in range(3))
    a.grad, c.grad = torch.tensor([1.0, 1.0]), torch.tensor([2.0, 2.0])
    torch.optim.SGD([a, b, c], lr=0.5).step()
    assert a.tolist() == [0.5, 1.5] and b.tolist() == [1.0, 2.0] and c.tolist() == [0.0, 1.0]
    assert (a._version, b._version, c._version) == (1, 0, 1)
    torch.optim.SGD([b], lr=0.5, momentum=0.9).step()  # the general path: nothing to do
    assert b.tolist() == [1.0, 2.0]


def overlapping_views():
    base = torch.arange(6.0)
    return [base[0:3].requires_grad_(), base[2:5].requires_grad_()]


def transposed_and_plain():
    return [torch.ones(2, 3).t().requires_grad_(), torch.ones(3).requires_grad_()]


@pytest.mark.parametrize("make_params", [overlapping_views, transposed_and_plain])
def test_sgd_on_shared_or_transposed_parameters_updates_them_in_turn(make_params):
    # Each update must see the ones before it, and land in the parameter's own storage,
    # exactly as a loop of add_ calls does.
    def make():
        params = make_params()
        for i, p in enumerate(params):
            p.grad = torch.full(p.shape, i + 1.5)
        return params

    together, alone = make(), make()
    torch.optim.SGD(together, lr=0.5).step()
    one_by_one_sgd(alone, 0.5)
    for a, b in zip(together, alone):
        assert a.tolist() == b.tolist()
    if make_params is overlapping_views:  # p0's last element is p1's first: 2 - 0.75 - 1.25
        assert [p.tolist() for p in together] == [[-0.75, 0.25, 0.0], [0.0, 1.75, 2.75]]
    else:
        assert together[0].tolist() == [[0.25, 0.25], [0.25, 0.25], [0.25, 0.25]]


def test_sgd_stops_at_a_read_only_parameter_as_add_does():
    # A tensor over a read-only numpy array cannot be written in place: the step updates
    # the parameters before it, then fails with add_'s error (not numpy's), the rest untouched.
    def make():
        frozen = np.ones(2, np.float32)
        frozen.flags.writeable = False
        params = [torch.ones(2, requires_grad=True), torch.from_numpy(frozen).requires_grad_(),
                  torch.ones(2, requires_grad=True)]
        for p in params:
            p.grad = torch.full((2,), 1.5)
        return params

    together, alone = make(), make()
    with pytest.raises(RuntimeError) as stepped:
        torch.optim.SGD(together, lr=0.5).step()
    with pytest.raises(RuntimeError) as added:
        one_by_one_sgd(alone, 0.5)
    assert str(stepped.value) == str(added.value)
    assert [p.tolist() for p in together] == [[0.25, 0.25], [1.0, 1.0], [1.0, 1.0]]
    assert [p.tolist() for p in together] == [p.tolist() for p in alone]


def test_logistic_regression_with_sgd_does_not_grow_memory_over_1000_steps():
    torch.manual_seed(0)
    X = torch.randn(64, 3)
    Y = (X @ torch.tensor([1.5, -2.0, 0.5]) > 0).float()
    model = nn.Linear(3, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)

    def step():
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(X).squeeze(1), Y)
        loss.backward()
        opt.step()
        return loss

    report = run_training(step)
    assert report["last_loss"] < report["first_loss"] / 2  # it did learn
    assert_flat(report)


def test_two_layer_tanh_net_with_manual_updates_does_not_grow_memory():
    torch.manual_seed(1)
    X = torch.randn(32, 2)
    Y = (X[:, 0] * X[:, 1]).unsqueeze(1)
    W1 = (torch.randn(2, 8) * 0.5).requires_grad_()
    b1 = torch.zeros(8, requires_grad=True)
    W2 = (torch.randn(8, 1) * 0.5).requires_grad_()
    b2 = torch.zeros(1, requires_grad=True)
    params = [W1, b1, W2, b2]

    def step():
        hidden = (X @ W1 + b1).tanh()
        loss = ((hidden @ W2 + b2 - Y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= 0.1 * p.grad
                p.grad = None
        return loss

    report = run_training(step)
    assert report["last_loss"] < report["first_loss"]
    assert all(p.is_leaf and p.requires_grad for p in params)
    assert_flat(report)


def storage(t: Tensor) -> weakref.ref:
    """A weak reference to the array holding ``t``'s values (``detach()`` shares it)."""
    return weakref.ref(t.detach().numpy())


def test_backward_frees_saved_tensors():
    x = f64([1.0, 2.0, 3.0])
    h = x * 2
    loss = (h * h).sum()  # MulBackward0 saves h (twice)
    mul = loss.grad_fn.next_functions[0][0]
    assert mul.name() == "MulBackward0" and mul.inputs is not None
    saved = storage(h)
    del h
    assert saved() is not None  # the graph needs h's values until backward
    loss.backward()
    assert mul.inputs is None
    assert saved() is None, "backward must release the tensors it saved"
    np.testing.assert_allclose(x.grad.numpy(), 8 * np.array([1.0, 2.0, 3.0]))  # d 4x^2 = 8x
    with raises_exactly(RuntimeError, FREED):
        loss.backward()


def test_retain_graph_keeps_saved_tensors_until_a_plain_backward():
    x = f64([1.0, 2.0])
    h = x.exp()  # ExpBackward0 saves its output h
    loss = (h * 3).sum()
    saved = storage(h)
    exp_node = h.grad_fn
    del h
    loss.backward(retain_graph=True)
    assert saved() is not None and exp_node.inputs is not None
    loss.backward()
    assert saved() is None and exp_node.inputs is None
    np.testing.assert_allclose(x.grad.numpy(), 6 * np.exp([1.0, 2.0]))  # twice 3 exp(x)


def test_plain_backward_makes_no_first_pass_over_the_graph(monkeypatch):
    # backward() finds the nodes as it goes; the exact order (a pass over the whole graph
    # first) is worked out only once a hook could observe it.
    passes = []
    whole_order = autograd._execution_order
    monkeypatch.setattr(autograd, "_execution_order",
                        lambda roots: passes.append(roots) or whole_order(roots))
    x = f64([1.0, 2.0])
    w = f64([3.0, 4.0])
    (x * w + x.exp()).sum().backward()
    assert passes == []
    np.testing.assert_allclose(x.grad.numpy(), [3 + np.exp(1), 4 + np.exp(2)])
    w.register_hook(lambda g: g * 10)
    (x * w).sum().backward()
    assert len(passes) == 1
    np.testing.assert_allclose(w.grad.numpy(), [1 + 10, 2 + 20])


def test_backward_does_not_keep_intermediates_that_no_node_saves():
    # In PyTorch the graph holds only what backward needs (AddBackward0 and SumBackward0
    # keep sizes, not values), so once backward has run nothing of the forward pass is
    # alive while the loss object is still referenced.
    x = f64([1.0, 2.0, 3.0])
    h = x.exp()
    k = h * h
    m = k + 1
    loss = m.sum()
    refs = {"h": storage(h), "k": storage(k), "m": storage(m)}
    del h, k, m
    loss.backward()
    alive = sorted(name for name, ref in refs.items() if ref() is not None)
    assert alive == [], f"values still held by the graph after backward: {alive}"
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp(2 * np.array([1.0, 2.0, 3.0])))


def test_a_sum_lets_go_of_its_input_before_it_makes_the_gradient(monkeypatch):
    # SumBackward0 needs only its input's shape, so backward drops the input's values before
    # the rule runs: the full-size gradient the rule makes can take over that memory (a
    # large matmul's backward then needs no more memory than numpy's by hand).
    x = f64(np.ones((64, 64)))
    h = x + 1  # (AddBackward0 saves nothing either)
    loss = h.sum()
    held = storage(h)
    del h
    seen = []
    sum_node = loss.grad_fn
    (expand,) = sum_node.rules
    monkeypatch.setattr(type(sum_node), "rules",
                        (lambda g, ans, x: seen.append(held() is None) or expand(g, ans, x),))
    loss.backward()
    assert seen == [True], "the sum's input was still alive while its gradient was made"
    np.testing.assert_array_equal(x.grad.numpy(), np.ones((64, 64)))
    loss.backward()  # the shape is all it needs: a second backward needs no retain_graph
    assert seen == [True, True]
    np.testing.assert_array_equal(x.grad.numpy(), np.full((64, 64), 2.0))


def live_nodes() -> int:
    return sum(issubclass(type(o), (Node, AccumulateGrad)) for o in gc.get_objects())


@contextmanager
def cyclic_gc_disabled():
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.mark.parametrize("run_backward", [False, True], ids=["before-backward", "after-backward"])
def test_dropping_the_loss_frees_the_graph(run_backward):
    # grad_fn objects can't be weakly referenced (in PyTorch neither), so count the live
    # nodes, with the cyclic collector off: plain reference counting must free the graph.
    x = f64([1.0, 2.0])
    with cyclic_gc_disabled():
        before = live_nodes()
        e = x.exp()
        loss = (e * 3).sum()
        saved = storage(e)
        del e
        assert live_nodes() == before + 4  # Sum, Mul, Exp, AccumulateGrad
        if run_backward:
            loss.backward(retain_graph=True)
        del loss
        assert live_nodes() == before
        assert saved() is None
    assert (x.grad is None) != run_backward


# ---------------------------------------------------------------------------------------------
# 3. the steppable walk: backward_steps records


def _index(steps) -> dict:
    return {id(s.node): i for i, s in enumerate(steps)}


def assert_topological(steps):
    position = _index(steps)
    assert len(position) == len(steps), "a node was processed twice"
    for i, s in enumerate(steps):
        for parent, _ in s.node.next_functions:
            if parent is not None:
                assert id(parent) in position, f"{parent.name()} was never processed"
                assert position[id(parent)] > i, (
                    f"{parent.name()} ran before its consumer {s.node.name()}")


def assert_grad_in_is_sum_of_contributions(steps, seed):
    arrived: dict = {}
    for s in steps:
        for (parent, _), g in zip(s.node.next_functions, s.grads_out, strict=True):
            if parent is not None:
                arrived[id(parent)] = arrived.get(id(parent), 0) + arr(g)
    np.testing.assert_allclose(arr(steps[0].grad_in), seed)
    for s in steps[1:]:
        np.testing.assert_allclose(arr(s.grad_in), arrived[id(s.node)])


def test_two_contributions_arrive_at_the_leaf_as_one_summed_grad_in():
    x = f64([1.0, -2.0, 3.0])
    y = x * 2
    z = x * 3
    loss = (y + z).sum()
    steps = list(backward_steps(loss))
    assert [s.node.name() for s in steps[:2]] == ["SumBackward0", "AddBackward0"]
    muls = [s for s in steps if s.node.name() == "MulBackward0"]
    assert {id(s.node) for s in muls} == {id(y.grad_fn), id(z.grad_fn)}
    for s, factor in ((next(m for m in muls if m.node is y.grad_fn), 2.0),
                      (next(m for m in muls if m.node is z.grad_fn), 3.0)):
        np.testing.assert_allclose(arr(s.grad_in), np.ones(3))
        np.testing.assert_allclose(arr(s.grads_out[0]), np.full(3, factor))
        assert s.grads_out[1] is None  # the Python number gets no gradient
    leaf_steps = [s for s in steps if isinstance(s.node, AccumulateGrad)]
    assert len(leaf_steps) == 1 and leaf_steps[0] is steps[-1]
    (acc,) = leaf_steps
    assert acc.leaf is x and acc.node.variable is x
    np.testing.assert_allclose(arr(acc.grad_in), np.full(3, 5.0))  # 2 + 3, summed once
    np.testing.assert_allclose(arr(acc.leaf_grad), x.grad.numpy())
    np.testing.assert_allclose(x.grad.numpy(), np.full(3, 5.0))
    assert_topological(steps)
    assert_grad_in_is_sum_of_contributions(steps, 1.0)


def _graph(x, b):
    """L = sum(exp(x * b) + x) + mean(exp(x * b)) * 2, with b of shape (3,) broadcast
    against x of shape (2, 3)."""
    xb = x * b
    e = xb.exp()
    s = (e + x).sum()
    m = e.mean() * 2
    return s + m, dict(xb=xb, e=e, s=s, m=m)


X0 = np.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]])
B0 = np.array([1.0, -1.5, 0.5])


def test_step_records_match_the_chain_rule():
    x, b = f64(X0), f64(B0)
    loss, parts = _graph(x, b)
    steps = list(backward_steps(loss))
    assert_topological(steps)
    assert_grad_in_is_sum_of_contributions(steps, 1.0)

    e = np.exp(X0 * B0)
    mean_node = parts["m"].grad_fn.next_functions[0][0]
    # what each node's derivative rule must send, written from calculus
    expected = {
        id(loss.grad_fn): lambda g: [g, g],  # d(s + m)
        id(parts["s"].grad_fn): lambda g: [g * np.ones((2, 3))],  # d sum = 1
        id(parts["m"].grad_fn): lambda g: [g * 2, None],  # d(2 m)
        id(mean_node): lambda g: [g * np.full((2, 3), 1 / 6)],  # d mean = 1/numel
        id(parts["s"].grad_fn.next_functions[0][0]): lambda g: [g, g],  # d(e + x)
        id(parts["e"].grad_fn): lambda g: [g * e],  # d exp = exp
        # d(x * b): b for x; x for b, summed over the broadcast dimension 0
        id(parts["xb"].grad_fn): lambda g: [g * B0, (g * X0).sum(axis=0)],
    }
    seen = set()
    for s in steps:
        if isinstance(s.node, AccumulateGrad):
            continue
        seen.add(id(s.node))
        want = expected[id(s.node)](arr(s.grad_in))
        assert len(s.grads_out) == len(want)
        for got, w in zip(s.grads_out, want, strict=True):
            if w is None:
                assert got is None
            else:
                assert arr(got).shape == np.shape(w)
                np.testing.assert_allclose(arr(got), w, rtol=1e-12)
    assert seen == set(expected)

    # the leaves: d/dx = 1 + e*b + (2/6) e*b, d/db = sum_0 (e*x + (2/6) e*x)
    dx = 1 + e * B0 * (1 + 1 / 3)
    db = (e * X0 * (1 + 1 / 3)).sum(axis=0)
    by_leaf = {id(s.leaf): s for s in steps if isinstance(s.node, AccumulateGrad)}
    assert set(by_leaf) == {id(x), id(b)}
    for leaf, want in ((x, dx), (b, db)):
        s = by_leaf[id(leaf)]
        assert arr(s.grad_in).shape == tuple(leaf.shape)
        np.testing.assert_allclose(arr(s.grad_in), want, rtol=1e-12)
        np.testing.assert_allclose(arr(s.leaf_grad), leaf.grad.numpy())
        np.testing.assert_allclose(leaf.grad.numpy(), want, rtol=1e-12)


def test_leaf_grad_records_show_accumulation_across_walks():
    x = f64([1.0, 2.0])
    (x * 3).sum().backward()
    steps = list(backward_steps((x * x).sum()))
    (acc,) = [s for s in steps if isinstance(s.node, AccumulateGrad)]
    np.testing.assert_allclose(arr(acc.grad_in), [2.0, 4.0])  # d x^2 = 2x
    np.testing.assert_allclose(arr(acc.leaf_grad), [5.0, 7.0])  # 3 + 2x, after adding
    np.testing.assert_allclose(x.grad.numpy(), [5.0, 7.0])


def test_leaf_records_stay_as_they_were_and_records_can_be_left_out():
    x = f64([1.0, 2.0])
    first = list(backward_steps((x * 3).sum()))
    (x * x).sum().backward()  # adds into the same .grad array in place
    (acc,) = [s for s in first if isinstance(s.node, AccumulateGrad)]
    np.testing.assert_allclose(arr(acc.leaf_grad), [3.0, 3.0])  # a copy: later walks leave it
    lean = list(backward_steps((x * 2).sum(), records=False))
    assert lean == []  # no records at all: the walk just runs to its end
    np.testing.assert_allclose(x.grad.numpy(), [7.0, 9.0])  # 3 + 2x + 2: still accumulated


def test_draining_backward_steps_equals_backward():
    x1, b1 = f64(X0), f64(B0)
    x2, b2 = f64(X0), f64(B0)
    loss1, _ = _graph(x1, b1)
    loss2, _ = _graph(x2, b2)
    for _ in backward_steps(loss1):
        pass
    loss2.backward()
    np.testing.assert_array_equal(x1.grad.numpy(), x2.grad.numpy())
    np.testing.assert_array_equal(b1.grad.numpy(), b2.grad.numpy())
    assert x1.grad.shape == x1.shape and b1.grad.shape == b1.shape
    with raises_exactly(RuntimeError, FREED):  # the drained walk freed the graph, too
        loss1.backward()


def test_broadcast_gradients_are_reduced_to_each_input_shape_in_grads_out():
    c = f64([[1.0], [2.0], [3.0]])  # (3, 1)
    r = f64([[1.0, 10.0, 100.0, 1000.0]])  # (1, 4)
    s = f64(2.0)  # 0-d
    loss = (c * r * s).sum()
    steps = list(backward_steps(loss))
    outer = next(st_ for st_ in steps if st_.node is loss.grad_fn.next_functions[0][0])
    inner = next(st_ for st_ in steps if st_.node is outer.node.next_functions[0][0])
    assert arr(outer.grads_out[0]).shape == (3, 4)  # c * r, the broadcast result
    assert arr(outer.grads_out[1]).shape == ()  # s
    assert arr(inner.grads_out[0]).shape == (3, 1)
    assert arr(inner.grads_out[1]).shape == (1, 4)
    # d/dc = s * sum_j r_j, d/dr = s * sum_i c_i, d/ds = sum_ij c_i r_j
    np.testing.assert_allclose(arr(inner.grads_out[0]), np.full((3, 1), 2 * 1111.0))
    np.testing.assert_allclose(arr(inner.grads_out[1]), np.full((1, 4), 2 * 6.0))
    np.testing.assert_allclose(arr(outer.grads_out[1]), 6 * 1111.0)
    assert s.grad.shape == torch.Size([])


@pytest.mark.parametrize("rows", [3, 16, 17, 200, 1000])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_a_bias_gradient_is_the_batch_sum_of_the_upstream_gradient(rows, dtype):
    # Summing a batch (few rows or many, whichever way the engine adds them) must agree
    # between the forward sum(0) / mean(0) and the reduction backward does for broadcasting,
    # to the last bit, and be as accurate as adding the rows in float64 and rounding.
    gen = torch.Generator().manual_seed(rows)
    g = torch.randn(rows, 2, 5, generator=gen, dtype=dtype)
    b = torch.zeros(2, 5, dtype=dtype, requires_grad=True)
    (torch.zeros(rows, 2, 5, dtype=dtype) + b).backward(g)
    assert torch.equal(b.grad, g.sum(0))
    assert torch.equal(g.sum(0, keepdim=True), g.sum(0).reshape(1, 2, 5))
    assert torch.equal(g.mean(0), g.sum(0) / rows)
    exact = g.numpy().astype(np.float64).sum(0)
    eps = np.finfo(g.numpy().dtype).eps
    bound = rows * eps * np.abs(g.numpy()).astype(np.float64).sum(0)  # worst case, row by row
    assert (np.abs(b.grad.numpy() - exact) <= bound).all()
    both = g.sum((0, 1), keepdim=True)  # several leading dims at once
    assert both.shape == (1, 1, 5)
    np.testing.assert_allclose(both.numpy()[0, 0], exact.sum(0), rtol=1e-5, atol=1e-5)


def test_a_paused_walk_leaves_grad_mode_alone():
    x = f64([1.0, 2.0])
    loss = (x * 2).sum()
    walk = backward_steps(loss)
    try:
        first = next(walk)
        assert first.node is loss.grad_fn
        # The stepper hands control back between steps; the learner's code keeps recording.
        assert torch.is_grad_enabled()
        assert (x * 3).requires_grad
        list(walk)
    finally:
        walk.close()
        torch.set_grad_enabled(True)
    assert torch.is_grad_enabled()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])


def test_same_tensor_twice_lists_the_node_twice_and_gets_twice_the_gradient():
    x = f64([1.0, -2.0, 3.0])
    y = x * x
    (first, i0), (second, i1) = y.grad_fn.next_functions
    assert first is second and isinstance(first, AccumulateGrad) and first.variable is x
    assert i0 == i1 == 0
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.array([1.0, -2.0, 3.0]))  # d x^2 = 2x

    h = x + 2
    q = h * h
    assert q.grad_fn.next_functions[0][0] is q.grad_fn.next_functions[1][0] is h.grad_fn
    x.grad = None
    steps = list(backward_steps(q.sum()))
    (add_step,) = [s for s in steps if s.node is h.grad_fn]
    np.testing.assert_allclose(arr(add_step.grad_in), 2 * (np.array([1.0, -2.0, 3.0]) + 2))
    np.testing.assert_allclose(x.grad.numpy(), 2 * (np.array([1.0, -2.0, 3.0]) + 2))


# ---------------------------------------------------------------------------------------------
# 4. hooks, retain_grad, accumulation, higher order, autograd.grad, retain_graph


def test_leaf_hook_sees_the_gradient_and_can_be_removed():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    handle = x.register_hook(lambda g: seen.append(g.clone()))
    (x * 3).sum().backward()
    assert len(seen) == 1 and seen[0].tolist() == [3.0, 3.0]
    assert x.grad.tolist() == [3.0, 3.0]
    assert type(handle).__name__ == "RemovableHandle"
    handle.remove()
    (x * 3).sum().backward()
    assert len(seen) == 1 and x.grad.tolist() == [6.0, 6.0]


def test_hook_return_value_replaces_the_gradient():
    x2 = torch.tensor([1.0, 2.0], requires_grad=True)
    x2.register_hook(lambda g: g * 10)
    (x2 * x2).sum().backward()
    assert x2.grad.tolist() == [20.0, 40.0]  # 10 * 2x
    x3 = torch.tensor([1.0, 2.0], requires_grad=True)
    m = x3 * 2
    m.register_hook(lambda g: g * 100)
    m.sum().backward()
    assert x3.grad.tolist() == [200.0, 200.0]  # the replacement flows upstream: 100 * 2
    with raises_exactly(RuntimeError,
                        "cannot register a hook on a tensor that doesn't require gradient"):
        torch.tensor([1.0, 2.0]).register_hook(lambda g: g)


def test_retain_grad_keeps_a_non_leaf_gradient():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
        assert y.grad is None
    y.retain_grad()
    assert y.retains_grad and not x.retains_grad and not y.is_leaf
    (y * y).sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert y.grad.tolist() == [6.0, 12.0]  # d y^2 = 2y
    assert x.grad.tolist() == [18.0, 36.0]  # 2y * 3
    x.retain_grad()
    assert not x.retains_grad
    with raises_exactly(RuntimeError, "can't retain_grad on Tensor that has requires_grad=False"):
        torch.tensor([1.0]).retain_grad()


def test_accumulation_keeps_the_same_grad_object_zero_and_none_reset():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    assert x.grad is None
    (x * 2).sum().backward()
    g = x.grad
    assert g.tolist() == [2.0, 2.0, 2.0]
    assert not g.requires_grad and g.grad_fn is None and g.shape == x.shape
    (x * x).sum().backward()
    assert x.grad is g and x.grad.tolist() == [4.0, 6.0, 8.0]  # 2 + 2x, added in place
    x.grad.zero_()
    assert x.grad is g and g.tolist() == [0.0, 0.0, 0.0]
    x.grad = None
    assert x.grad is None
    (x * 2).sum().backward()
    assert x.grad is not g and x.grad.tolist() == [2.0, 2.0, 2.0]
    assert g.tolist() == [0.0, 0.0, 0.0]  # the old tensor is not touched any more


def test_first_grads_share_memory_with_nothing_else():
    # backward() may hand a leaf the gradient array it made instead of copying it (for large
    # gradients); it must never do so with an array anything else still holds.
    n = autograd._KEEP_FROM
    ones = np.ones(n)
    a, b = f64(ones), f64(2 * ones)
    (a + b).sum().backward()  # AddBackward0 sends one and the same gradient to both leaves
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    (a * 3).sum().backward()  # adds into a.grad in place: b.grad must not move
    assert (a.grad.numpy() == 4).all() and (b.grad.numpy() == 1).all()

    x = f64(ones)
    seed = torch.tensor(5 * ones, dtype=torch.float64)
    x.clone().backward(seed)  # CloneBackward0 passes the caller's gradient on as it is
    assert not np.shares_memory(x.grad.numpy(), seed.numpy())
    seed.mul_(0)
    assert (x.grad.numpy() == 5).all()

    m = f64(ones.reshape(2, -1))
    out = m.t() * 2  # TBackward0 sends a transposed view of the gradient it receives
    out.backward(torch.ones(n // 2, 2, dtype=torch.float64))
    (m * 1).sum().backward()
    assert (m.grad.numpy() == 3).all()

    w = f64(ones)
    (w * 2).sum().backward()  # a new array from the rule, held by nothing else
    (w * 1).sum().backward()  # and then added into in place
    assert (w.grad.numpy() == 3).all()


def test_grads_accumulate_over_a_training_loop_without_zeroing():
    weights = torch.ones(4, requires_grad=True)
    for epoch in range(100):
        (weights * 3).sum().backward()
        assert weights.grad.tolist() == [3.0 * (epoch + 1)] * 4


def polynomial(x):
    return x ** 4 - 3 * x ** 3 + 2 * x


def test_create_graph_higher_order_on_a_polynomial():
    x = f64(1.5)
    a = 1.5
    f1 = 4 * a ** 3 - 9 * a ** 2 + 2
    f2 = 12 * a ** 2 - 18 * a
    f3 = 24 * a - 18
    (d1,) = torch.autograd.grad(polynomial(x), x, create_graph=True)
    (d2,) = torch.autograd.grad(d1, x, create_graph=True)
    (d3,) = torch.autograd.grad(d2, x, create_graph=True)
    (d4,) = torch.autograd.grad(d3, x)
    assert d1.requires_grad and d1.grad_fn is not None
    assert [d.item() for d in (d1, d2, d3, d4)] == pytest.approx([f1, f2, f3, 24.0], rel=1e-12)
    assert x.grad is None  # autograd.grad does not touch .grad


def test_backward_create_graph_stores_a_differentiable_grad():
    sys.modules["autograd_lab.tensor"]._warned.clear()  # PyTorch warns once per process
    x = f64(2.0)
    with pytest.warns(UserWarning, match="create a reference cycle"):
        (x ** 3).backward(create_graph=True)
    assert x.grad.item() == pytest.approx(12.0)  # 3x^2
    assert x.grad.grad_fn is not None and x.grad.grad_fn.name() == "CopyBackwards"
    g = x.grad
    x.grad = None
    g.backward()
    assert x.grad.item() == pytest.approx(12.0)  # 6x
    assert x.grad.grad_fn is None


def test_hessian_vector_product_of_a_vector_polynomial():
    v = f64([1.0, -1.0, 0.5])
    (g,) = torch.autograd.grad(polynomial(v).sum(), v, create_graph=True)
    (hg,) = torch.autograd.grad((g * g).sum(), v)
    a = np.array([1.0, -1.0, 0.5])
    grad = 4 * a ** 3 - 9 * a ** 2 + 2
    np.testing.assert_allclose(hg.numpy(), 2 * grad * (12 * a ** 2 - 18 * a))  # d (f')^2


def test_autograd_grad_options():
    x = torch.tensor(2.0, requires_grad=True)
    assert [t.item() for t in torch.autograd.grad(x ** 3, x)] == [12.0]
    v = torch.tensor([1.0, 2.0], requires_grad=True)
    (gv,) = torch.autograd.grad(v * v, v, grad_outputs=torch.tensor([1.0, 10.0]))
    assert gv.tolist() == [2.0, 40.0]
    a = torch.tensor([1.0], requires_grad=True)
    b = torch.tensor([2.0], requires_grad=True)
    ga, gb = torch.autograd.grad((a * 2).sum(), [a, b], allow_unused=True)
    assert ga.tolist() == [2.0] and gb is None
    ga, gb = torch.autograd.grad((a * 2).sum(), [a, b], allow_unused=True,
                                 materialize_grads=True)
    assert ga.tolist() == [2.0] and gb.tolist() == [0.0] and gb.shape == b.shape
    with raises_exactly(RuntimeError, "The differentiated Tensor at index 1 appears to not have "
                                      "been used in the graph. Set allow_unused=True if this is "
                                      "the desired behavior."):
        torch.autograd.grad((a * 2).sum(), [a, b])
    with raises_exactly(RuntimeError, SCALAR_ONLY):
        torch.autograd.grad(v * v, v)
    assert a.grad is None and b.grad is None and v.grad is None


def test_retain_graph_twice_accumulates_then_frees():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    loss = (x * x).sum()
    loss.backward(retain_graph=True)
    assert x.grad.tolist() == [2.0, 4.0, 6.0]
    loss.backward(retain_graph=True)
    assert x.grad.tolist() == [4.0, 8.0, 12.0]
    loss.backward()
    assert x.grad.tolist() == [6.0, 12.0, 18.0]
    with raises_exactly(RuntimeError, FREED):
        loss.backward()


@pytest.mark.parametrize("build, grad", [
    (lambda x: (x + 2).sum(), [1.0, 1.0, 1.0]),
    (lambda x: (x + 2).mean(), [1 / 3, 1 / 3, 1 / 3]),
    (lambda x: (x + x).sum(), [2.0, 2.0, 2.0]),
], ids=["add-sum", "add-mean", "x+x"])
def test_graphs_that_save_nothing_can_run_again_without_retain_graph(build, grad):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    loss = build(x)
    loss.backward()
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.array(grad), rtol=1e-6)


@pytest.mark.parametrize("build", [lambda x: (x * 3).sum(), lambda x: x.exp().sum()],
                         ids=["mul-scalar", "exp"])
def test_graphs_that_save_cannot_run_again_without_retain_graph(build):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    loss = build(x)
    loss.backward()
    with raises_exactly(RuntimeError, FREED):
        loss.backward()


# ---------------------------------------------------------------------------------------------
# 5. bad input: PyTorch's exception type and exact message (torch_spec.md section 16)


def test_integer_tensors_cannot_require_grad_in_any_of_the_three_ways():
    with raises_exactly(RuntimeError,
                        "Only Tensors of floating point and complex dtype can require gradients"):
        torch.tensor([1, 2], requires_grad=True)
    with raises_exactly(RuntimeError, "only Tensors of floating point dtype can require gradients"):
        torch.tensor([1, 2]).requires_grad_()
    t = torch.tensor([1, 2])
    with raises_exactly(RuntimeError,
                        "only Tensors of floating point and complex dtype can require gradients"):
        t.requires_grad = True
    assert not t.requires_grad


def test_requires_grad_flags_of_non_leaves():
    y = torch.tensor([1.0, 2.0], requires_grad=True) * 2
    assert y.requires_grad_(True) is y
    message = ("you can only change requires_grad flags of leaf variables. If you want to use a "
               "computed variable in a subgraph that doesn't require differentiation use "
               "var_no_grad = var.detach().")
    with raises_exactly(RuntimeError, message):
        y.requires_grad_(False)
    with raises_exactly(RuntimeError, message):
        y.requires_grad = False


def test_backward_on_a_non_scalar_without_gradient():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with raises_exactly(RuntimeError, SCALAR_ONLY):
        (x * 2).backward()
    (x[:1] * 5).backward()  # one element of shape (1,) is fine
    assert x.grad.tolist() == [5.0, 0.0, 0.0]


def test_backward_with_a_gradient_of_the_wrong_shape():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with raises_exactly(RuntimeError, "Mismatch in shape: grad_output[0] has a shape of "
                                      "torch.Size([2]) and output[0] has a shape of "
                                      "torch.Size([3])."):
        (x * 2).backward(torch.ones(2))
    with raises_exactly(RuntimeError, "Mismatch in shape: grad_output[0] has a shape of "
                                      "torch.Size([1]) and output[0] has a shape of "
                                      "torch.Size([])."):
        (x * 2).sum().backward(torch.tensor([1.0]))
    assert x.grad is None


def test_backward_on_a_tensor_without_grad_fn():
    with raises_exactly(RuntimeError, NO_GRAD_FN):
        torch.tensor(1.0).backward()
    with raises_exactly(RuntimeError, NO_GRAD_FN):  # reported before the scalar check
        torch.tensor([1.0, 2.0]).backward()
    with raises_exactly(RuntimeError, NO_GRAD_FN):
        torch.tensor([1.0, 2.0]).backward(torch.ones(2))
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.no_grad():
        y = (x * 2).sum()
    assert y.grad_fn is None and not y.requires_grad
    with raises_exactly(RuntimeError, NO_GRAD_FN):
        y.backward()
    assert x.grad is None


def test_second_backward_through_a_freed_graph():
    x = torch.ones(5)
    w = torch.tensor([[0.1, 0.2, -0.3]] * 5, requires_grad=True)
    b = torch.tensor([0.5, -1.0, 0.25], requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(torch.matmul(x, w) + b, torch.zeros(3))
    loss.backward()
    with raises_exactly(RuntimeError, FREED):
        loss.backward()


def test_inplace_change_of_a_saved_output_names_exp():
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = a.exp()  # ExpBackward0 saves its output
    b.add_(1)
    assert b._version == 1 and b.grad_fn.name() == "AddBackward0"
    with raises_exactly(RuntimeError, inplace_message("FloatTensor", [3], "Exp", 1, 0)):
        b.sum().backward()


def test_inplace_change_of_a_saved_input_names_mul():
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = a * 2
    c = b * b  # MulBackward0 saves b
    b.mul_(2)
    with raises_exactly(RuntimeError, inplace_message("FloatTensor", [3], "Mul", 1, 0)):
        c.sum().backward()


def test_inplace_change_through_detach_is_seen():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = a.exp()
    b.detach().zero_()
    with raises_exactly(RuntimeError, inplace_message("FloatTensor", [2], "Exp", 1, 0)):
        b.sum().backward()


def test_inplace_change_of_an_unsaved_tensor_is_fine():
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = a * 2
    b.add_(1)
    b.sum().backward()
    assert a.grad.tolist() == [2.0, 2.0, 2.0]


def test_saved_versions_are_checked_whenever_an_inplace_change_came_after_the_node():
    # backward skips comparing saved versions for nodes made after the last in-place change
    # anywhere; every way of changing a tensor in place must count as such a change.
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = a * 2
    b.add_(1)  # before the node that saves b: fine
    c = b * b
    torch.ones(2).add_(1)  # after it, but another tensor: the check runs and passes
    c.sum().backward()
    assert a.grad.tolist() == [12.0, 20.0, 28.0]  # d(2a+1)^2 = 4(2a+1)

    def changes(step):
        x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2
        z = y * y  # MulBackward0 saves y
        with torch.no_grad():
            step(y)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.sum().backward()

    changes(lambda y: y.__setitem__(0, 5.0))  # indexing
    changes(lambda y: y[1:].mul_(2))  # through a view
    changes(lambda y: y.uniform_())  # a random fill

    def sgd_step(y):  # an optimizer's plain step
        y.grad = torch.ones(3)
        torch.optim.SGD([y], lr=0.1).step()

    changes(sgd_step)


def test_an_inference_tensor_cannot_be_saved_wherever_it_sits():
    # The versions of saved tensors are taken by several paths (one saved input, two, the
    # output, more); each refuses an inference tensor with PyTorch's error.
    z = torch.tensor([0.5, -1.0], requires_grad=True)
    w, b = torch.tensor([[0.5, -1.0]], requires_grad=True), torch.tensor([0.1], requires_grad=True)
    with torch.inference_mode():
        t = torch.tensor([1.0, 0.0]) * 1
    cases = [
        lambda: t * z,  # MulBackward0 saves t for z's gradient (input 0 alone)
        lambda: z * t,  # (input 1 alone)
        lambda: F.binary_cross_entropy_with_logits(z * 1, t),  # both inputs saved
        lambda: F.linear(t.reshape(1, 2), w, b),  # AddmmBackward0: one of three inputs
    ]
    for make in cases:
        with pytest.raises(RuntimeError, match="Inference tensors cannot be saved for backward"):
            make()
    # (as in PyTorch, views of an inference tensor, and detach(), are inference tensors too)
    assert t.reshape(1, 2).is_inference() and t[0:1].is_inference() and t.detach().is_inference()
    assert not (t + 1).is_inference() and not t.clone().is_inference()


def test_inplace_on_a_leaf_that_requires_grad_and_on_a_view_of_one():
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with raises_exactly(RuntimeError,
                        "a leaf Variable that requires grad is being used in an in-place "
                        "operation."):
        a.add_(1)
    with raises_exactly(RuntimeError,
                        "a leaf Variable that requires grad is being used in an in-place "
                        "operation."):
        a += 1
    with raises_exactly(RuntimeError,
                        "a view of a leaf Variable that requires grad is being used in an "
                        "in-place operation."):
        a[0].add_(1)
    assert a.tolist() == [1.0, 2.0, 3.0] and a._version == 0
    with torch.no_grad():
        a.add_(1)
        a -= 0.5
    assert a.tolist() == [1.5, 2.5, 3.5] and a.is_leaf and a.grad_fn is None
    assert a._version == 2 and a.requires_grad


def test_numpy_and_item_misuse():
    with raises_exactly(RuntimeError, "Can't call numpy() on Tensor that requires grad. Use "
                                      "tensor.detach().numpy() instead."):
        torch.tensor([1.0, 2.0, 3.0], requires_grad=True).numpy()
    with raises_exactly(RuntimeError, "a Tensor with 3 elements cannot be converted to Scalar"):
        torch.tensor([1.0, 2.0, 3.0]).item()


@pytest.mark.parametrize("a_shape, b_shape, message", [
    ((3,), (2,), "inconsistent tensor size, expected tensor [3] and src [2] to have the same "
                 "number of elements, but got 3 and 2 elements respectively"),
    ((2, 3), (2,), "size mismatch, got input (2), mat (2x3), vec (2)"),
    ((2, 3), (2, 3), "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)"),
    ((2,), (3, 4), "mat1 and mat2 shapes cannot be multiplied (1x2 and 3x4)"),
    ((), (3,), "both arguments to matmul need to be at least 1D, but they are 0D and 1D"),
], ids=["1D@1D", "2D@1D", "2D@2D", "1D@2D", "0D@1D"])
def test_matmul_shape_mismatch(a_shape, b_shape, message):
    a = torch.ones(*a_shape, requires_grad=True)
    b = torch.ones(*b_shape)
    with raises_exactly(RuntimeError, message):
        a @ b
    with raises_exactly(RuntimeError, message):
        torch.matmul(a, b)


def test_broadcasting_mismatch():
    with raises_exactly(RuntimeError, "The size of tensor a (3) must match the size of tensor b "
                                      "(2) at non-singleton dimension 1"):
        torch.ones(2, 3, requires_grad=True) + torch.ones(2, 2)
    with raises_exactly(RuntimeError, "The size of tensor a (3) must match the size of tensor b "
                                      "(5) at non-singleton dimension 1"):
        torch.ones(2, 3, 4) * torch.ones(5, 4)


def test_binary_cross_entropy_with_logits_size_mismatch():
    with raises_exactly(ValueError, "Target size (torch.Size([2])) must be the same as input "
                                    "size (torch.Size([3]))"):
        F.binary_cross_entropy_with_logits(torch.ones(3, requires_grad=True), torch.ones(2))


def test_reshape_to_an_impossible_shape():
    with raises_exactly(RuntimeError, "shape '[4, 2]' is invalid for input of size 6"):
        torch.ones(2, 3, requires_grad=True).reshape(4, 2)
    with raises_exactly(RuntimeError, "shape '[-1, 4]' is invalid for input of size 6"):
        torch.ones(2, 3).reshape(-1, 4)


def test_index_out_of_range():
    m = torch.ones(2, 3, requires_grad=True)
    with raises_exactly(IndexError, "index 5 is out of bounds for dimension 0 with size 2"):
        m[5]
    with raises_exactly(IndexError, "index 7 is out of bounds for dimension 1 with size 3"):
        m[0, 7]
    with raises_exactly(IndexError, "too many indices for tensor of dimension 2"):
        m[0, 0, 0]


def test_advanced_index_out_of_range():
    x = torch.ones(3, requires_grad=True)
    with raises_exactly(IndexError, "index 5 is out of bounds for dimension 0 with size 3"):
        x[[0, 5]]


def test_dimension_out_of_range():
    m = torch.ones(2, 3, requires_grad=True)
    with raises_exactly(IndexError,
                        "Dimension out of range (expected to be in range of [-2, 1], but got 2)"):
        m.sum(2)
    with raises_exactly(IndexError,
                        "Dimension out of range (expected to be in range of [-2, 1], but got 3)"):
        m.transpose(0, 3)
    with raises_exactly(IndexError,
                        "Dimension out of range (expected to be in range of [-2, 1], but got 3)"):
        torch.ones(3).unsqueeze(3)
    with raises_exactly(IndexError,
                        "Dimension out of range (expected to be in range of [-1, 0], but got 1)"):
        torch.ones(()).sum(1)


def test_backward_through_floor_divide():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with raises_exactly(RuntimeError, "derivative for aten::floor_divide is not implemented"):
        (x // 2).sum().backward()


# ---------------------------------------------------------------------------------------------
# 6. property tests: misuse raises PyTorch's errors, never numpy's

NUMPY_WORDING = ("numpy", "ndarray", "axis", "operands could not be broadcast", "remapped",
                 "core dimension", "gufunc", "array of dimension")

shapes = st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple)
PROPERTY = settings(max_examples=150, deadline=None, database=None)


def outcome(fn):
    try:
        return fn(), None
    except Exception as e:  # the test inspects whatever escaped
        return None, e


def assert_torch_error(error, expected_type: type, pattern: str | None = None):
    assert error is not None
    assert type(error) is expected_type, (
        f"expected {expected_type.__name__}, got {type(error).__module__}."
        f"{type(error).__name__}: {error}")
    message = str(error)
    leaked = [w for w in NUMPY_WORDING if w in message.lower()]
    assert not leaked, f"numpy wording {leaked} in: {message}"
    if pattern is not None:
        assert re.fullmatch(pattern, message), message


def leaf(shape, seed=0):
    values = np.random.default_rng(seed).standard_normal(shape)
    return torch.tensor(values, dtype=torch.float64, requires_grad=True)


def broadcast_shape(sa, sb):
    try:
        return tuple(np.broadcast_shapes(sa, sb))
    except ValueError:
        return None


def matmul_shape(sa, sb):
    """torch.matmul's documented result shape, or None when the shapes don't multiply."""
    if not sa or not sb:
        return None
    a = (1,) + sa if len(sa) == 1 else sa
    b = sb + (1,) if len(sb) == 1 else sb
    if a[-1] != b[-2]:
        return None
    batch = broadcast_shape(a[:-2], b[:-2])
    if batch is None:
        return None
    out = batch + (a[-2],) + (b[-1],)
    if len(sb) == 1:
        out = out[:-1]
    if len(sa) == 1:
        out = out[:-2] + out[-1:] if len(sb) > 1 else out[:-1]
    return out


def test_matmul_shape_reference():
    # the reference itself, against torch.matmul's documentation
    assert matmul_shape((3,), (3,)) == ()
    assert matmul_shape((2, 3), (3,)) == (2,)
    assert matmul_shape((3,), (3, 4)) == (4,)
    assert matmul_shape((5, 2, 3), (3,)) == (5, 2)
    assert matmul_shape((3,), (5, 3, 4)) == (5, 4)
    assert matmul_shape((5, 1, 2, 3), (4, 3, 6)) == (5, 4, 2, 6)
    assert matmul_shape((2, 3), (2, 3)) is None
    assert matmul_shape((2, 2, 3), (5, 3, 4)) is None


@PROPERTY
@given(sa=shapes, sb=shapes)
def test_add_succeeds_or_raises_torch_error(sa, sb):
    result, error = outcome(lambda: leaf(sa) + leaf(sb, 1))
    expected = broadcast_shape(sa, sb)
    if expected is None:
        assert_torch_error(error, RuntimeError, r"The size of tensor a \(\d+\) must match the "
                                                r"size of tensor b \(\d+\) at non-singleton "
                                                r"dimension \d+")
    else:
        assert error is None, f"{type(error).__name__}: {error}"
        assert tuple(result.shape) == expected


MATMUL_2D_MESSAGES = {
    (1, 1): "inconsistent tensor size, expected tensor [{a0}] and src [{b0}] to have the same "
            "number of elements, but got {a0} and {b0} elements respectively",
    (2, 1): "size mismatch, got input ({a0}), mat ({a0}x{a1}), vec ({b0})",
    (2, 2): "mat1 and mat2 shapes cannot be multiplied ({a0}x{a1} and {b0}x{b1})",
    (1, 2): "mat1 and mat2 shapes cannot be multiplied (1x{a0} and {b0}x{b1})",
}


@PROPERTY
@given(sa=shapes, sb=shapes)
def test_matmul_succeeds_or_raises_torch_error(sa, sb):
    result, error = outcome(lambda: leaf(sa) @ leaf(sb, 1))
    expected = matmul_shape(sa, sb)
    if expected is None:
        template = MATMUL_2D_MESSAGES.get((len(sa), len(sb)))
        pattern = None
        if template is not None:
            fields = {**dict(zip(("a0", "a1"), sa, strict=False)),
                      **dict(zip(("b0", "b1"), sb, strict=False))}
            pattern = re.escape(template.format(**fields))
        assert_torch_error(error, RuntimeError, pattern)
    else:
        assert error is None, f"{type(error).__name__}: {error}"
        assert tuple(result.shape) == expected


@PROPERTY
@given(shape=shapes, dim=st.integers(-4, 4), keepdim=st.booleans())
def test_sum_and_mean_over_a_dim_succeed_or_raise_torch_error(shape, dim, keepdim):
    n = max(len(shape), 1)
    data = np.random.default_rng(2).standard_normal(shape)
    for reduce, np_reduce in (("sum", np.sum), ("mean", np.mean)):
        x = torch.tensor(data, dtype=torch.float64, requires_grad=True)
        result, error = outcome(lambda r=reduce, t=x: getattr(t, r)(dim, keepdim=keepdim))
        if not -n <= dim < n:
            assert_torch_error(error, IndexError, re.escape(
                f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                f"but got {dim})"))
            continue
        assert error is None, f"{reduce}({dim}) on {shape}: {type(error).__name__}: {error}"
        if not shape:
            want = data
        else:
            want = np_reduce(data, axis=dim % n, keepdims=keepdim)
        assert tuple(result.shape) == want.shape
        np.testing.assert_allclose(result.detach().numpy(), want, rtol=1e-12)
        result.sum().backward()
        assert x.grad.shape == x.shape


@PROPERTY
@given(shape=shapes, target=st.lists(st.integers(1, 6), min_size=1, max_size=3),
       infer=st.integers(-1, 2))
def test_reshape_succeeds_or_raises_torch_error(shape, target, infer):
    if 0 <= infer < len(target):
        target[infer] = -1
    size = math.prod(shape)
    known = math.prod(s for s in target if s != -1)
    if -1 in target:
        valid = size % known == 0
        expected = tuple(size // known if s == -1 else s for s in target)
    else:
        valid = known == size
        expected = tuple(target)
    x = leaf(shape)
    result, error = outcome(lambda: x.reshape(*target))
    if not valid:
        assert_torch_error(error, RuntimeError,
                           re.escape(f"shape '{list(target)}' is invalid for input of size {size}"))
    else:
        assert error is None, f"{type(error).__name__}: {error}"
        assert tuple(result.shape) == expected
        result.sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), np.ones(shape))


@PROPERTY
@given(shape=shapes, d0=st.integers(-4, 4), d1=st.integers(-4, 4))
def test_transpose_succeeds_or_raises_torch_error(shape, d0, d1):
    n = max(len(shape), 1)
    x = leaf(shape)
    result, error = outcome(lambda: x.transpose(d0, d1))
    bad = next((d for d in (d0, d1) if not -n <= d < n), None)
    if bad is not None:
        assert_torch_error(error, IndexError, re.escape(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {bad})"))
    else:
        assert error is None, f"transpose({d0}, {d1}) on {shape}: {type(error).__name__}: {error}"
        want = list(shape)
        if shape:
            want[d0 % n], want[d1 % n] = want[d1 % n], want[d0 % n]
        assert tuple(result.shape) == tuple(want)


@PROPERTY
@given(shape=shapes, index=st.lists(st.integers(-5, 5), min_size=1, max_size=4),
       advanced=st.booleans())
def test_indexing_succeeds_or_raises_torch_error(shape, index, advanced):
    x = leaf(shape)
    if advanced:  # a list of positions along dimension 0
        result, error = outcome(lambda: x[list(index)])
        if not shape:
            assert_torch_error(error, IndexError)
            return
        bad = next((i for i in index if not -shape[0] <= i < shape[0]), None)
        if bad is not None:
            assert_torch_error(error, IndexError, re.escape(
                f"index {bad} is out of bounds for dimension 0 with size {shape[0]}"))
            return
        assert error is None, f"{type(error).__name__}: {error}"
        assert tuple(result.shape) == (len(index),) + shape[1:]
        result.sum().backward()
        counts = np.zeros(shape[0])
        for i in index:
            counts[i] += 1  # repeated positions accumulate
        np.testing.assert_array_equal(x.grad.numpy().reshape(shape[0], -1)[:, 0], counts)
        return
    result, error = outcome(lambda: x[tuple(index)])
    if len(index) > len(shape):
        assert_torch_error(error, IndexError)
        return
    bad = next(((d, i) for d, i in enumerate(index) if not -shape[d] <= i < shape[d]), None)
    if bad is not None:
        d, i = bad
        assert_torch_error(error, IndexError, re.escape(
            f"index {i} is out of bounds for dimension {d} with size {shape[d]}"))
        return
    assert error is None, f"{type(error).__name__}: {error}"
    assert tuple(result.shape) == shape[len(index):]


def linear_gradient(f, a: np.ndarray) -> np.ndarray:
    """The gradient of a function linear in ``a``: its value at each unit array."""
    out = np.zeros(a.shape)
    for i in np.ndindex(*a.shape):
        unit = np.zeros(a.shape)
        unit[i] = 1.0
        out[i] = f(unit)
    return out


@PROPERTY
@given(sa=shapes, sb=shapes)
def test_add_and_matmul_gradients_have_input_shapes_and_values(sa, sb):
    a, b = leaf(sa), leaf(sb, 1)
    av, bv = a.detach().numpy().copy(), b.detach().numpy().copy()
    if broadcast_shape(sa, sb) is not None:
        (a + b).sum().backward()
        out_size = math.prod(broadcast_shape(sa, sb))
        # each element of a is added into out_size / a.size elements of the result
        np.testing.assert_allclose(a.grad.numpy(), np.full(sa, out_size / math.prod(sa)))
        np.testing.assert_allclose(b.grad.numpy(), np.full(sb, out_size / math.prod(sb)))
        a.grad = b.grad = None
    if matmul_shape(sa, sb) is not None:
        (a @ b).sum().backward()
        assert a.grad.shape == a.shape and b.grad.shape == b.shape
        # sum(a @ b) is linear in each of a and b
        want_a = linear_gradient(lambda u: np.matmul(u, bv).sum(), av)
        want_b = linear_gradient(lambda u: np.matmul(av, u).sum(), bv)
        np.testing.assert_allclose(a.grad.numpy(), want_a, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(b.grad.numpy(), want_b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("n", [3, 127, 129, 200])
def test_mm_and_its_gradients_on_both_sides_of_the_dot_matmul_switch(n):
    """Small matrices go to numpy's ``dot``, large ones to ``matmul``: both give the product,
    and backward gives d/dA sum(W * (A @ B)) = W @ B.T and d/dB = A.T @ W (float64 here)."""
    rng = np.random.default_rng(n)
    av, bv, wv = (rng.standard_normal(shape) for shape in ((n, n), (n, 5), (n, 5)))
    a = torch.tensor(av, requires_grad=True)
    b = torch.tensor(bv, requires_grad=True)
    out = a.mm(b)
    np.testing.assert_allclose(out.detach().numpy(), av @ bv, rtol=1e-12, atol=1e-12)
    (out * torch.tensor(wv)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), wv @ bv.T, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), av.T @ wv, rtol=1e-12, atol=1e-12)


def test_step_records_keep_the_leaf_grad_of_their_moment():
    """A replay must show .grad as it was at that step, not as later backward passes left it."""
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    first = list(backward_steps((x * 3).sum()))
    (x * 5).sum().backward()
    assert x.grad.tolist() == [8.0, 8.0]
    (leaf_step,) = [s for s in first if s.leaf is not None]
    assert leaf_step.leaf is x
    assert np.asarray(leaf_step.leaf_grad).tolist() == [3.0, 3.0]


def test_inf_and_nan_come_without_numpy_warnings():
    """PyTorch prints inf and nan silently; numpy's RuntimeWarnings must not leak out."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning would fail the test ...
        warnings.filterwarnings("ignore", category=RuntimeWarning, module="autograd_lab")
        # ... except the engine's own filter, re-installed because simplefilter replaced it
        x = torch.tensor([0.0, -1.0, 1.0], requires_grad=True)
        y = x.log() + x.sqrt() + 1 / x + (x * 1e30) * 1e30 + (-x * 100).sigmoid()
        y.sum().backward()
    assert np.isnan(y.detach().numpy()[1]) and not np.isfinite(x.grad.numpy()[0])


def test_a_fresh_interpreter_sees_no_numpy_warnings_from_the_engine():
    """The filter is installed by ``import autograd_lab`` (pytest resets filters per test,
    so this runs in a new interpreter with Python's default filters)."""
    import subprocess

    code = ("import autograd_lab as torch\n"
            "x = torch.tensor([0., 1.], requires_grad=True)\n"
            "(x.log() / x).sum().backward()\n"
            "import numpy as np; np.log(np.zeros(1))  # the user's own numpy still warns\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert "autograd_lab" not in result.stderr
    assert result.stderr.count("RuntimeWarning") == 1
