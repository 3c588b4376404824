"""Nodes of the backward graph: the objects behind ``tensor.grad_fn``.

One class per entry of the derivative table (``MulBackward0``...), plus ``AccumulateGrad``,
the node that writes into a leaf's ``.grad``. A node keeps its parents (one per input, in
argument order; ``None`` for inputs that need no gradient), the tensors its rules read
(freed after backward unless ``retain_graph=True``) and their versions at save time.

NB: PyTorch's nodes are C++ ``torch::autograd::Node`` subclasses generated from
``derivatives.yaml``; like them, ours print as ``<MulBackward0 object at 0x...>``.
"""

from __future__ import annotations

import dis
import itertools
import operator
import weakref
from typing import NamedTuple

from .rules import RULES

_sequence = itertools.count()
_METADATA = {"shape", "size", "ndim", "dtype"}


class Node:
    """A backward function. ``next_functions`` lists ``(parent, 0)`` per input, as in PyTorch."""

    # One per input: its node, or None when the input needs no gradient. Each node class
    # keeps them in slots of its own (parent0, parent1...: see _parents()), not in a tuple:
    # a tuple per node would double the objects Python's garbage collector scans, and on a
    # 100,000-op chain the collector took a fifth of the time.
    parents: tuple
    __slots__ = (
        "inputs",  # the op's inputs (tensors or numbers); None once freed after backward
        "out",  # the op's output data, when a rule reads it (``ans``)
        "versions",  # (input position or -1 for the output, counter, version) per saved tensor
        "params",  # the op's settings (dim, keepdim...), passed to its rules as keywords
        "hooks",  # functions run on the arriving gradient (tensor hooks, retain_grad)
        "seq",  # creation number: the engine runs later nodes first
        "saves",  # whether the rules read saved tensors (then a second backward needs them)
    )
    __module__ = "builtins"  # so IPython shows <MulBackward0 at 0x...> like PyTorch
    rules: tuple = ()
    op = ""  # the forward op's name, as PyTorch's messages name it: "Mul", "Exp"...
    arg_names: tuple = ()  # the rules' names for the inputs: ("x", "y")
    saved_for: dict = {}  # needed-inputs bitmask -> Saves: what backward will read

    def name(self) -> str:
        return type(self).__name__

    @property
    def next_functions(self) -> tuple:
        return tuple((p, 0) for p in self.parents)

    def register_hook(self, hook):
        """Run ``hook(grad)`` on the gradient arriving here; it may return a replacement."""
        if self.hooks is None:
            self.hooks = []
        self.hooks.append(hook)
        return RemovableHandle(self.hooks, hook)


class AccumulateGrad:
    """The node that ends every path at a leaf: it adds the arriving gradient to ``.grad``."""

    __slots__ = ("variable", "seq", "__weakref__")
    __module__ = "builtins"
    parents = ()
    next_functions = ()
    hooks = None

    def __init__(self, variable):
        self.variable = variable
        self.seq = 0  # set by each backward walk: see autograd._execution_order

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"


def accumulator(leaf) -> AccumulateGrad:
    """The leaf's one AccumulateGrad node (held weakly by the leaf, strongly by the graph)."""
    acc = leaf._acc() if leaf._acc is not None else None
    if acc is None:
        acc = AccumulateGrad(leaf)
        leaf._acc = weakref.ref(acc)
    return acc


class RemovableHandle:
    """Returned by ``register_hook``; ``remove()`` unregisters the hook."""

    __slots__ = ("_hooks", "_hook")
    __module__ = "torch.utils.hooks"

    def __init__(self, hooks: list, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


def _reads(rule) -> set:
    """Names of the arguments a rule reads for their values (not just for ``.shape``)."""
    code = rule.__code__
    params = set(code.co_varnames[: code.co_argcount + code.co_kwonlyargcount])
    instructions = list(dis.get_instructions(rule))
    read = set()
    for i, ins in enumerate(instructions):
        if not ins.opname.startswith("LOAD_FAST"):  # also 3.13's LOAD_FAST_LOAD_FAST pairs
            continue
        names = ins.argval if isinstance(ins.argval, tuple) else (ins.argval,)
        after = instructions[i + 1] if i + 1 < len(instructions) else None
        only_metadata = after is not None and after.opname == "LOAD_ATTR" and (
            after.argval in _METADATA)
        for k, name in enumerate(names):
            if name in params and not (only_metadata and k == len(names) - 1):
                read.add(name)
    return read


class Saves(NamedTuple):
    """What a node's rules read, for one combination of inputs that need a gradient."""

    positions: tuple  # the inputs read, by position
    output: bool  # the op's output (``ans``) is read
    anything: bool  # something is read: a second backward then needs retain_graph=True
    position_bits: int  # ``positions`` as a bitmask


def _node_class(name: str, rules: tuple) -> type:
    """Build ``MulBackward0`` and friends from their table entry."""
    arg_names = rules[0].__code__.co_varnames[2 : 2 + len(rules)]  # after g, ans
    reads = [_reads(rule) for rule in rules]
    saved_for = {}
    for mask in range(1, 1 << len(rules)):
        names = set().union(*(reads[i] for i in range(len(rules)) if mask >> i & 1))
        positions = tuple(i for i, a in enumerate(arg_names) if a in names)
        saved_for[mask] = Saves(positions, "ans" in names, bool(positions) or "ans" in names,
                                sum(1 << i for i in positions))
    op = name.split("Backward")[0]
    slots = tuple(f"parent{i}" for i in range(len(rules)))
    return type(name, (Node,), {"__slots__": slots, "parents": _parents(slots),
                                "__module__": "builtins", "rules": rules, "op": op,
                                "saved_for": saved_for, "arg_names": arg_names})


def _parents(slots: tuple) -> property:
    """``node.parents``: the parent slots read (or written) as one ordered tuple."""

    def write(node, parents):
        for slot, parent in zip(slots, parents, strict=True):
            setattr(node, slot, parent)

    if len(slots) == 1:
        return property(lambda node: (node.parent0,), write)
    return property(operator.attrgetter(*slots), write)


NODES = {name: _node_class(name, rules) for name, rules in RULES.items()}

