"""The backward pass: one iterative walk of the graph, written as a generator of steps.

``backward_steps`` visits the nodes in the order PyTorch's engine runs them (a node runs
once every gradient flowing into it has arrived; among ready nodes, the most recently
created first) and yields one ``Step`` per node: the gradient that arrived, the gradient
it sent to each input (already summed back to the input's shape), and, at an
``AccumulateGrad`` node, the leaf's ``.grad`` after adding. ``Tensor.backward`` and
``grad`` simply drain it; the stepper widget replays the very same records. (Without
records, ``backward()`` runs the leaves' accumulation last, which no value can tell apart,
and so needs no pass over the graph before it starts: see ``_walk_unordered``.)

NB: PyTorch's walk is ``torch::autograd::Engine::execute`` in ``engine.cpp``.
"""

from __future__ import annotations

import collections
import heapq
import math
import operator
from collections.abc import Iterator, Sequence

import numpy as np

from . import dtypes
from .grad_mode import STATE
from .graph import AccumulateGrad
from .tensor import (
    LAST_CHANGE,
    Tensor,
    _add_reduce,
    _new,
    _node_of,
    _ones,
    _sum_leading,
    warn_once,
)

__all__ = ["Step", "backward", "backward_steps", "grad"]

_FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)
_NO_GRAD_FN = "element 0 of tensors does not require grad and does not have a grad_fn"
_CREATE_GRAPH_CYCLE = (
    "Using backward() with create_graph=True will create a reference cycle between the "
    "parameter and its gradient which can cause a memory leak. We recommend using "
    "autograd.grad when creating the graph to avoid this. If you have to use this function, "
    "make sure to reset the .grad fields of your parameters to None after use to break the "
    "cycle and avoid the leak."
)


class Step(tuple):
    """What the engine did at one node (a tuple, so that recording it costs next to nothing).

    ``node``: the grad_fn (or ``AccumulateGrad``) processed. ``grad_in``: the gradient that
    arrived at its output (the sum of every contribution, after hooks). ``grads_out``: one
    entry per input, the gradient sent to that input (``None`` where none is needed).
    ``leaf`` and ``leaf_grad``: at an ``AccumulateGrad``, the leaf tensor and the values of
    its ``.grad`` right after this step. Gradients are numpy arrays (tensors with
    ``create_graph=True``).
    """

    __slots__ = ()
    node = property(operator.itemgetter(0))
    grad_in = property(operator.itemgetter(1))
    grads_out = property(operator.itemgetter(2))
    leaf = property(operator.itemgetter(3))
    leaf_grad = property(operator.itemgetter(4))

    def __new__(cls, node, grad_in, grads_out=(), leaf=None, leaf_grad=None):
        return _tuple_new(cls, (node, grad_in, grads_out, leaf, leaf_grad))

    def __repr__(self) -> str:
        return f"Step({self.node.name()})"


_tuple_new = tuple.__new__


def backward_steps(outputs, grad_outputs=None, retain_graph: bool | None = None,
                   create_graph: bool = False, capture: dict | None = None, *,
                   records: bool = True) -> Iterator[Step | None]:
    """Run backward from ``outputs`` (seeded with ``grad_outputs``), yielding a ``Step`` per node.

    Gradients accumulate into the ``.grad`` of every leaf reached, unless ``capture`` maps
    nodes to slots: then the gradient arriving at each of those nodes is stored in its slot
    (a dict filled in place) and no ``.grad`` changes, which is what ``grad()`` uses.
    ``records=False`` builds no records and yields nothing: the walk does the same work
    (``backward()`` and ``grad()`` read no steps, so they skip them).
    """
    outputs, seeds = _seeds(outputs, grad_outputs, create_graph)
    retain = create_graph if retain_graph is None else retain_graph
    if len(outputs) == 1:
        pending = {_node_of(outputs[0]): seeds[0]}
    else:
        pending = {}
        for t, seed in zip(outputs, seeds):
            node = _node_of(t)
            pending[node] = pending[node] + seed if node in pending else seed
    plain = not create_graph and capture is None
    if plain and not records and len(pending) == 1:  # backward(): nobody watches the order
        order = _walk_unordered(pending, retain)
    else:
        order = _execution_order(list(pending))
    for node in order:
        g = pending.pop(node)
        if not plain or node.hooks:
            step = _visit(node, g, retain, create_graph, capture, pending, records)
        elif node.__class__ is AccumulateGrad:  # the usual steps, kept short
            step = _accumulate(node, g, False, None, records)
        else:
            step = _send(node, g, False, retain, pending, records)
        if records:
            yield step


def _walk_unordered(pending: dict, retain: bool) -> list:
    """The walk when only the leaves' ``.grad`` is wanted: the same steps, found as the walk
    goes (no first pass over the graph), every AccumulateGrad deferred to the end. Returns
    the nodes left for the caller to run (none, unless a hook stopped the walk).

    Other nodes still run in descending creation order (the node created last among those
    reached runs next: its consumers were all created after it, so have all run). Where a
    leaf's accumulation runs changes no value; only a hook or an error could notice. So at
    the first hook the walk stops and returns the rest of the exact order for the caller to
    run, and on an error it first accumulates into the leaves PyTorch would have reached.

    A node's step is ``_send``'s, written out below for nodes of one or two inputs, with
    ``_deliver`` and ``_release`` inside: this loop runs for every node of every
    ``backward()``, and there a function call costs more than many a rule."""
    ((root, seed),) = pending.items()
    if root.__class__ is AccumulateGrad:
        return [root]
    leaves, waiting, reached = [], [], []  # waiting: a heap of (-seq, node) still to run
    node = root
    try:
        while True:
            if node.hooks:
                return _not_yet_run(root, node.seq)
            g = pending.pop(node)
            inputs = node.inputs
            if inputs is None or (node.versions and LAST_CHANGE[0] > node.seq):
                _check_saved(node)
            arity = len(inputs)
            if arity > 2:
                _send(node, g, False, retain, pending, False, reached)
            else:  # _send for one or two inputs, written out
                params, ans = node.params, node.out
                if arity == 1:  # (its one input needs a gradient, or there would be no node)
                    (x,), (rule_x,), y = inputs, node.rules, None
                    parent_x, parent_y = node.parent0, None
                    if (not (retain or node.saves) and x.__class__ is np.ndarray
                            and parent_x.__class__ is not AccumulateGrad):
                        x = _shape_of(x)  # _release first: a gradient as large as x (a sum's)
                        inputs = node.inputs = (x,)  # can then take over the memory x held
                    gx = rule_x(g, ans, x, **params) if params else rule_x(g, ans, x)
                else:
                    (x, y), (rule_x, rule_y) = inputs, node.rules
                    parent_x, parent_y = node.parent0, node.parent1
                    if parent_x is not None:
                        gx = rule_x(g, ans, x, y, **params) if params else rule_x(g, ans, x, y)
                    if parent_y is not None:
                        gy = rule_y(g, ans, x, y, **params) if params else rule_y(g, ans, x, y)
                if parent_x is not None:  # _deliver, for each input in turn
                    if gx.shape != x.shape or gx.dtype is not x.dtype:
                        gx = _fit(gx, x.shape, x.dtype)
                    earlier = pending.get(parent_x)
                    if earlier is None:
                        pending[parent_x] = gx
                        reached.append(parent_x)
                    else:
                        pending[parent_x] = earlier + gx
                if parent_y is not None:
                    if gy.shape != y.shape or gy.dtype is not y.dtype:
                        gy = _fit(gy, y.shape, y.dtype)
                    earlier = pending.get(parent_y)
                    if earlier is None:
                        pending[parent_y] = gy
                        reached.append(parent_y)
                    else:
                        pending[parent_y] = earlier + gy
                if not retain:  # _release
                    if node.saves:
                        node.inputs = node.out = None
                    elif arity == 2:
                        node.inputs = (_shape_of(x) if x.__class__ is np.ndarray
                                       and parent_x.__class__ is not AccumulateGrad else x,
                                       _shape_of(y) if y.__class__ is np.ndarray
                                       and parent_y.__class__ is not AccumulateGrad else y)
            if len(reached) == 1 and not waiting and reached[0].__class__ is not AccumulateGrad:
                node = reached.pop()  # a chain: the one node reached runs next
                continue
            alone = None  # a node reached while none waits: it runs next if no other joins it
            for parent in reached:
                if parent.__class__ is AccumulateGrad:
                    if parent.variable._hooks:
                        return _not_yet_run(root, node.seq - 1)
                    leaves.append(parent)
                elif alone is None and not waiting:
                    alone = parent
                else:
                    heapq.heappush(waiting, (-parent.seq, parent))
            reached.clear()
            if alone is not None:
                if not waiting:
                    node = alone
                    continue
                heapq.heappush(waiting, (-alone.seq, alone))
            if not waiting:
                break
            node = heapq.heappop(waiting)[1]
    except Exception:
        for late in _execution_order([root]):  # the leaves placed before the failed node
            if late is node:
                break
            if late.__class__ is AccumulateGrad and late in pending:
                _accumulate(late, pending.pop(late), False, None, False)
        raise
    given = set()  # the deferred accumulations (no leaf has a hook: see above)
    for acc in leaves:
        g = pending.pop(acc)
        # A gradient array the walk made (not the caller's seed, not a view) that no other
        # leaf receives is held by nothing else once the walk is over (rules return g, a
        # view of it or a new array): it can become the leaf's .grad without a copy, as
        # PyTorch's AccumulateGrad takes a gradient nothing else refers to. (A small one
        # is copied: that costs less than finding out.)
        owned = False
        if g.__class__ is np.ndarray and g.size >= _KEEP_FROM:
            owned = (g.base is None and g is not seed and g.flags.writeable
                     and id(g) not in given)
            given.add(id(g))
        leaf = acc.variable
        data = leaf._data
        if leaf._grad is None and g.shape == data.shape and g.dtype is data.dtype:
            leaf._grad = _new(g if owned else g.copy())  # (_add_to_grad's usual case)
        else:
            _add_to_grad(leaf, g, owned)
    return []


_KEEP_FROM = 4096  # elements: a gradient at least this large is kept rather than copied


def _not_yet_run(root, last_seq: int) -> list:
    """The exact order's nodes that ``_walk_unordered`` has not run: all AccumulateGrads, and
    the other nodes created at or before ``last_seq``."""
    return [node for node in _execution_order([root])
            if node.__class__ is AccumulateGrad or node.seq <= last_seq]


def _visit(node, g, retain: bool, create_graph: bool, capture, pending: dict,
           records: bool) -> Step | None:
    """One step with everything that can happen at a node: hooks, capture for ``grad()``, a
    leaf's accumulation, and with ``create_graph`` the rules recorded as a graph of their own."""
    if create_graph:  # the rules then run on tensors, and are recorded
        STATE.enabled, user_mode = True, STATE.enabled
    try:
        if node.hooks:
            g = _run_hooks(node.hooks, g, create_graph)
        if capture is not None and node in capture:
            capture[node] = g
        if node.__class__ is AccumulateGrad:
            return _accumulate(node, g, create_graph, capture, records)
        return _send(node, g, create_graph, retain, pending, records)
    finally:
        if create_graph:
            STATE.enabled = user_mode


def _release(node) -> None:
    """Free what a node saved once backward has passed it (then a second backward through it
    fails, as in PyTorch). A node that saved nothing keeps only its inputs' shapes and dtypes
    (all its rules read) in place of the arrays that only the graph kept alive, so that the
    graph holds no value of the forward pass either way (a leaf's values it keeps: the leaf,
    held by its AccumulateGrad, holds them anyway)."""
    if node.saves:
        node.inputs = node.out = None
        return
    node.inputs = tuple([_shape_of(x) if x.__class__ is np.ndarray
                         and parent.__class__ is not AccumulateGrad else x
                         for x, parent in zip(node.inputs, node.parents)])


class _Shape(tuple):
    """An input's shape and dtype (a tuple, so that making one costs next to nothing)."""

    __slots__ = ()
    shape = property(operator.itemgetter(0))
    dtype = property(operator.itemgetter(1))


def _shape_of(x: np.ndarray) -> _Shape:
    return _tuple_new(_Shape, (x.shape, x.dtype))


def _execution_order(roots: list) -> list:
    """Every node reachable from the roots, in the order PyTorch's engine runs them.

    PyTorch runs the ready node that was created last. A node is created after its inputs'
    nodes, so that is simply descending creation order (``seq``), except that a leaf's
    AccumulateGrad runs as soon as its last consumer is done (PyTorch gives it the highest
    priority): for this walk its ``seq`` is put just below its earliest consumer's, leaves
    of one consumer in the order of its inputs (as that consumer hands them to PyTorch's
    ready queue), all above the next node that was created before the consumer.
    """
    seen = set(roots)
    found = list(roots)
    for root in roots:
        if root.__class__ is AccumulateGrad:
            root.seq = math.inf
    for node in found:  # breadth-first, growing the list it walks: no recursion at any depth
        for i, parent in enumerate(node.parents):
            if parent is None:
                continue
            if parent.__class__ is AccumulateGrad:  # just below node, lower for a later input
                place = node.seq - 0.5 - i / 8  # (the leaf is ready at its last edge from node)
                parent.seq = min(parent.seq, place) if parent in seen else place
            if parent not in seen:
                seen.add(parent)
                found.append(parent)
    found.sort(key=_BY_SEQ, reverse=True)  # found is nearly in that order already: fast
    return found


_BY_SEQ = operator.attrgetter("seq")


def _send(node, g, create_graph: bool, retain: bool, pending: dict, records: bool,
          reached: list | None = None) -> Step | None:
    """Apply the node's rules and add each input's gradient (summed back to the input's shape
    and cast to its dtype) to what is pending for the input's node (noting in ``reached`` the
    nodes that had nothing pending); then, unless ``retain``, free what the node saved.
    Returns the step, with those gradients (None without records)."""
    inputs = node.inputs
    if inputs is None or (node.versions and LAST_CHANGE[0] > node.seq):
        _check_saved(node)
    if create_graph:
        args = [_as_tensor(x, parent) for x, parent in zip(inputs, node.parents)]
        ans = _saved_output(node)
    else:
        args = inputs
        ans = node.out
    params = node.params
    grads = [] if records else None
    for parent, rule, x in zip(node.parents, node.rules, inputs):
        if parent is None:
            if records:
                grads.append(None)
            continue
        gi = _deliver(rule(g, ans, *args, **params) if params else rule(g, ans, *args), x,
                      parent, pending, reached)
        if records:
            grads.append(gi)
    if not retain:
        _release(node)
    return _tuple_new(Step, (node, g, grads, None, None)) if records else None


def _check_saved(node) -> None:
    """PyTorch's errors for saved tensors freed by an earlier backward (without
    ``retain_graph``) or modified in place since they were saved. (Callers skip it for a
    node that has its inputs and either saved no tensor or was made after the last in-place
    change of any tensor: nothing can have changed.)"""
    if node.inputs is None:
        raise RuntimeError(_FREED)
    for position, counter, version in node.versions:
        if counter[0] != version:
            _version_error(node, position, counter, version)


def _deliver(gi, x, parent, pending: dict, reached: list | None):
    """Sum the gradient ``gi`` back to its input ``x``'s shape and dtype and add it to what is
    pending for the input's node, noting in ``reached`` a node that had nothing pending.
    Returns ``gi`` as sent."""
    if gi.shape != x.shape or gi.dtype is not x.dtype:  # (numpy keeps one object per dtype;
        gi = _fit(gi, x.shape, x.dtype)  # an equal one that is another object: _fit checks)
    earlier = pending.get(parent)
    if earlier is None:
        pending[parent] = gi
        if reached is not None:
            reached.append(parent)
    else:
        pending[parent] = earlier + gi
    return gi


def _fit(gi, shape: tuple, dtype: np.dtype):
    """Sum a gradient over broadcast dimensions back to an input's shape; cast to its dtype."""
    given = gi.shape
    if given != shape:
        lead = len(given) - len(shape)
        if given[lead:] == shape and gi.__class__ is np.ndarray:  # only new leading
            gi = _sum_leading(gi, lead)  # dimensions (a bias): a plain sum
        else:
            axes = tuple(range(lead)) + tuple(
                i + lead for i, n in enumerate(shape) if n == 1 and given[i + lead] != 1)
            if isinstance(gi, Tensor):
                gi = gi.sum(dim=axes, keepdim=True) if axes else gi
                gi = gi.reshape(shape)
            else:
                gi = (_add_reduce(gi, axes, keepdims=True) if axes else gi).reshape(shape)
    if gi.dtype != dtype:
        gi = gi.to(dtypes.of_numpy(dtype)) if isinstance(gi, Tensor) else gi.astype(dtype)
    return gi


def _version_error(node, position: int, counter: list, expected: int):
    now = counter[0]
    if position == -1:
        data, writer = node.out, node.op
    else:
        data, writer = node.inputs[position], counter[1]
    origin = f", which is output 0 of {writer}," if writer else ""
    kind = _new(data).dtype.legacy_name
    raise RuntimeError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [torch.{kind} {list(data.shape)}]{origin} is at version "
        f"{now}; expected version {expected} instead. Hint: enable anomaly detection to find "
        "the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False).")


def _saved_output(node):
    """The saved output as a tensor whose grad_fn is this node (for double backward)."""
    if node.out is None:
        return None
    t = _new(node.out)
    t._requires_grad, t.grad_fn = True, node
    return t


def _as_tensor(x, parent):
    """A saved input as a tensor again, joined to the graph at its node (double backward)."""
    if not isinstance(x, np.ndarray):
        return x
    if parent.__class__ is AccumulateGrad:
        return parent.variable
    t = _new(x)
    if parent is not None:
        t._requires_grad, t.grad_fn = True, parent
    return t


def _run_hooks(hooks, g, create_graph: bool):
    """Call each hook on the gradient (as a tensor), with grad mode on only for create_graph."""
    if not create_graph and not g.flags.writeable:
        g = g.copy()  # the cached seed of ones: a hook may change its gradient in place
    user_mode, STATE.enabled = STATE.enabled, create_graph
    try:
        for hook in list(hooks):
            result = hook(g if create_graph else _new(g))
            if result is not None:
                g = result if create_graph else result._data
    finally:
        STATE.enabled = user_mode
    return g


def _accumulate(node: AccumulateGrad, g, create_graph: bool, capture, records: bool
                ) -> Step | None:
    leaf = node.variable
    if leaf._hooks:
        g = _run_hooks(leaf._hooks, g, create_graph)
        if capture is not None and node in capture:
            capture[node] = g
    if capture is not None:
        return Step(node, g, (), leaf, _snapshot(leaf._grad)) if records else None
    g = _add_to_grad(leaf, g, create_graph=create_graph)
    return _tuple_new(Step, (node, g, (), leaf, _snapshot(leaf._grad))) if records else None


def _add_to_grad(leaf: Tensor, g, owned: bool = False, create_graph: bool = False):
    """Add ``g`` (summed back to the leaf's shape and cast to its dtype first) into
    ``leaf.grad``; returns ``g`` as added. An array goes in place once ``.grad`` exists, as
    PyTorch does, and the first ``.grad`` is a copy of it (it may have been sent to other
    inputs too) unless the caller ``owned`` it. With ``create_graph``, ``g`` is a tensor and
    the sum is recorded."""
    data = leaf._data
    if g.shape != data.shape or g.dtype != data.dtype:
        g = _fit(g, data.shape, data.dtype)
    if create_graph:
        leaf._grad = _first_grad(g) if leaf._grad is None else leaf._grad + g
    elif leaf._grad is None:
        leaf._grad = _new(g if owned else g.copy())
    else:
        leaf._grad._data += g
    return g


def _snapshot(grad: Tensor | None):
    """``.grad`` as it is now: later steps add into the same tensor in place."""
    if grad is None or grad._requires_grad:
        return grad
    return grad._data.copy()


def _first_grad(g: Tensor) -> Tensor:
    """The ``.grad`` first stored by ``backward(create_graph=True)``: a copy into a fresh
    tensor, recorded as PyTorch records it (``CopyBackwards``) when ``g`` requires grad."""
    if not g._requires_grad:
        return _new(g._data.copy())
    return _new(np.empty_like(g._data)).copy_(g)


def _one(data: np.ndarray):
    """The implicit gradient of a one-element output: a 1 of its dtype, as a numpy scalar for
    a 0-d output (numpy's scalar arithmetic is several times quicker than a 0-d array's)."""
    if data.ndim:
        return _ones(data.shape, data.dtype)
    one = _SCALAR_ONES.get(data.dtype)
    if one is None:
        one = _SCALAR_ONES[data.dtype] = data.dtype.type(1)  # (immutable, so kept)
    return one


_SCALAR_ONES = {}


def _seeds(outputs, grad_outputs, create_graph: bool):
    """Check the outputs and their starting gradients (ones for one-element outputs)."""
    if not create_graph and isinstance(outputs, Tensor) and outputs._requires_grad:
        data = outputs._data  # the usual loss.backward() and y.backward(v): one output
        if grad_outputs is None and data.size == 1:
            return (outputs,), (_one(data),)
        if isinstance(grad_outputs, Tensor) and grad_outputs._data.shape == data.shape:
            return (outputs,), (grad_outputs._data.astype(data.dtype, copy=False),)
    outputs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
    if grad_outputs is None or isinstance(grad_outputs, Tensor):
        grad_outputs = (grad_outputs,) * len(outputs) if grad_outputs is None else (grad_outputs,)
    seeds = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if not out._requires_grad:
            raise RuntimeError(_NO_GRAD_FN.replace("0", str(i), 1))
        if g is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            seed = _one(out._data)
        else:
            g = g if isinstance(g, Tensor) else _new(np.asarray(g))
            if g._data.shape != out._data.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                                   f"{g.shape!r} and output[{i}] has a shape of {out.shape!r}.")
            if create_graph:  # the seed joins the recorded backward graph as it is
                seeds.append(g if g._data.dtype == out._data.dtype else g.to(out.dtype))
                continue
            seed = g._data.astype(out._data.dtype, copy=False)
        seeds.append(_new(seed) if create_graph else seed)
    return outputs, seeds


_drain = collections.deque(maxlen=0).extend  # runs an iterator to its end, keeping nothing


def backward(tensors, grad_tensors=None, retain_graph: bool | None = None,
             create_graph: bool = False, inputs=None) -> None:
    """Add the gradients of ``tensors`` into the leaves' ``.grad`` (``torch.autograd.backward``)."""
    if create_graph:
        warn_once(_CREATE_GRAPH_CYCLE, stacklevel=3)
    if inputs is not None:
        tensors = (tensors,) if isinstance(tensors, Tensor) else tuple(tensors)
        targets = [inputs] if isinstance(inputs, Tensor) else list(inputs)
        targets = list({id(t): t for t in targets}.values())  # each tensor once
        found = grad(tensors, targets, grad_tensors, retain_graph, create_graph,
                     allow_unused=True, materialize_grads=True)
        for leaf, g in zip(targets, found):  # (grad() returned fresh arrays unless create_graph)
            if leaf._grad is not None:
                leaf._grad = leaf._grad + g
            else:
                leaf._grad = _first_grad(g) if create_graph else g
        return
    _drain(backward_steps(tensors, grad_tensors, retain_graph, create_graph, records=False))


def grad(outputs, inputs, grad_outputs=None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool | None = None,
         materialize_grads: bool = False) -> tuple:
    """The gradients of ``outputs`` with respect to each of ``inputs``, as a tuple; no
    ``.grad`` is touched (``torch.autograd.grad``)."""
    single = isinstance(inputs, Tensor)
    inputs: Sequence[Tensor] = (inputs,) if single else tuple(inputs)
    nodes = []
    for x in inputs:
        if not x._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        nodes.append(_node_of(x))
    capture = dict.fromkeys(nodes)
    _drain(backward_steps(outputs, grad_outputs, retain_graph, create_graph, capture,
                          records=False))
    results = []
    for i, (x, node) in enumerate(zip(inputs, nodes)):
        g = capture[node]
        if g is None:
            if not (allow_unused or materialize_grads):
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have "
                                   "been used in the graph. Set allow_unused=True if this is the "
                                   "desired behavior.")
            results.append(_new(np.zeros_like(x._data)) if materialize_grads else None)
            continue
        g = _fit(g, x._data.shape, x._data.dtype)
        results.append(g if isinstance(g, Tensor) else _new(np.array(g, copy=True)))
    return tuple(results)
