"""Drawing a computational graph with Graphviz: ``draw_graph(loss)`` shows what backward will walk.

The drawing follows ``grad_fn.next_functions``, so it works on autograd_lab tensors and on real
PyTorch tensors alike (a lesson can put both side by side: the structure is the same).

How a graph is drawn:

- **Nodes** are ``grad_fn`` objects with PyTorch's names (``MulBackward0``). A node whose tensor
  has a name in your namespace says so (``z, shape [3]``); the output is marked ``output`` and
  filled green.
- **Leaves** (``AccumulateGrad``) are blue, labelled with the variable's name, found in ``names=``
  (``{name: tensor or module}``), else in the caller's locals and globals and ``__main__`` (the
  notebook); module parameters read as ``model.weight``. Names starting with ``_`` are skipped.
- **Edges** point the way ``next_functions`` and the gradient go: from a node to its inputs. The
  default ``rankdir="BT"`` puts the output at the bottom and the leaves on top, as code reads.
- **Constants** (inputs that need no gradient) are small dashed white nodes titled ``constant``
  (or the tensor's name, when its array is the very one a named tensor holds), showing the value
  when it is short and the shape otherwise, joined by a dashed grey edge with no arrowhead:
  no gradient goes there. PyTorch does not keep those values, so its constants show no value.
- **Saved tensors**: a node whose derivative rules read values (``graph.py``'s ``saved_for``)
  lists them in the learner's words, ``saves: y`` or ``saves: constant 2`` (``input 1`` when
  unnamed, ``result`` for the op's output); PyTorch nodes list their ``_saved_*`` names
  (``self``, ``other``). After backward frees them the line ends ``(freed)``; one changed in place
  since it was saved (``versions``) says ``(modified in place)``: backward would fail.
- ``max_nodes`` caps the nodes drawn, nearest the output first; the rest become one dashed node
  that says how many were left out.
- **Highlight**: Okabe-Ito vermilion double border on Okabe-Ito yellow (told apart by colour-blind
  learners, and by the second border without colour); highlighted edges are thick vermilion.

Node ids count ``n0, n1, ...`` and edge ids ``e0, e1, ...`` in the order the walk meets them
(breadth first from the output), so the DOT text is the same run after run. Each id is the SVG
``id`` of its ``<g>`` element, and each node and edge carries a tooltip saying what it is.
Every piece of learner text is escaped once, in an HTML-like label (``html.escape``) or in a
quoted attribute (``graphviz.escape``).

For a stepper: ``graph.layout()`` runs ``dot`` once (without highlights);
``layout.frame(highlight=..., styles=...)`` returns that SVG restyled by editing the attributes of
the ``<g id=...>`` elements (colours, widths, bold, opacity; the double border is drawn in place as
a wide border split by a stripe), without running ``dot`` again, so nodes never move.
``graph.id_of(step)`` names the node of a backward ``Step``; ``graph.nodes``/``graph.edges`` list
the ids.

A drawing is a snapshot: values, gradients and names are read when ``draw_graph`` runs.

NB: the nearest equivalent for PyTorch is torchviz's ``make_dot(var, params=...)``.
"""

from __future__ import annotations

import html
import inspect
import re
import sys
from collections import deque
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from .autograd import Step
from .graph import Node
from .tensor import Tensor

if TYPE_CHECKING:
    import graphviz

__all__ = ["Graph", "GraphvizNotFound", "Layout", "draw_graph"]

# Okabe-Ito colours (told apart with the common colour-vision deficiencies), for styles; leaves
# and the output are filled with light tints of sky blue and bluish green.
VERMILLION, YELLOW, BLUE, SKY_BLUE, BLUISH_GREEN = "#D55E00", "#F0E442", "#0072B2", "#56B4E9", \
    "#009E73"
_LEAF_FILL, _OUTPUT_FILL, _FN_FILL, _GREY = "#D5ECFA", "#BFE6DA", "#F2F2F2", "#666666"
HIGHLIGHT = {"color": VERMILLION, "fill": YELLOW, "width": 2, "double": True}
EDGE_HIGHLIGHT = {"color": VERMILLION, "width": 3}
_DOT_HIGHLIGHT = {"color": VERMILLION, "fillcolor": YELLOW, "penwidth": "2", "peripheries": "2"}
_DOT_EDGE_HIGHLIGHT = {"color": VERMILLION, "penwidth": "3"}
_INSTALL = (
    "Drawing needs Graphviz's `dot` program, which was not found on PATH. Install Graphviz: "
    "`apt-get install graphviz` (Debian/Ubuntu), `conda install graphviz` (conda), "
    "`brew install graphviz` (macOS) or `winget install graphviz` (Windows); see "
    "https://graphviz.org/download/. The DOT text is available without it as `.source`."
)


class GraphvizNotFound(RuntimeError):
    """Graphviz's ``dot`` program is not installed (the message says how to install it)."""


def draw_graph(output: Any, *, show_values: bool = False, show_grads: bool = False,
               names: Mapping[str, Any] | None = None, find_names: bool = True,
               highlight: Any = None, rankdir: str = "BT", max_nodes: int = 100) -> Graph:
    """Draw the graph behind ``output`` (a tensor, or a list/tuple of tensors).

    ``show_values``/``show_grads`` add values and ``.grad`` to leaves and named tensors;
    ``names`` maps names to tensors or modules (``find_names=False``: use only those);
    ``highlight`` is a node, tensor, node id or a collection of them; ``rankdir`` is ``"BT"``,
    ``"TB"``, ``"LR"`` or ``"RL"``; at most ``max_nodes`` nodes are drawn.
    """
    if rankdir not in ("BT", "TB", "LR", "RL"):
        raise ValueError(f"rankdir must be 'BT', 'TB', 'LR' or 'RL', not {rankdir!r}")
    if max_nodes < 1:
        raise ValueError("max_nodes must be at least 1")
    outputs = list(output) if isinstance(output, (list, tuple)) else [output]
    graph = _Builder(_Names(names, find_names), show_values, show_grads, max_nodes).build(outputs)
    graph.rankdir = rankdir  # set once, before anything is rendered
    graph.highlighted = frozenset(graph.id_of(h) for h in _collection(highlight))
    return graph


class Graph:
    """A drawn graph: ``.source`` (DOT), ``.digraph``, ``.svg()``, ``.layout()``, ``id_of``.

    ``nodes`` maps each id to ``(kind, name)``: kind is ``grad_fn``, ``leaf``, ``constant``,
    ``tensor`` (an output without history) or ``more`` (the collapsed rest); ``edges`` lists
    ``(edge id, from id, to id)``.
    """

    def __init__(self) -> None:
        self.nodes: dict[str, tuple[str, str]] = {}
        self.edges: list[tuple[str, str, str]] = []
        self.outputs: list[str] = []
        self.rankdir = "BT"
        self.highlighted: frozenset[str] = frozenset()
        self.left_out = 0  # nodes not drawn (max_nodes)
        self._dot_nodes: list[tuple[str, str, dict]] = []  # (id, HTML label, attributes)
        self._dot_edges: list[tuple[str, str, str, dict]] = []
        self._ids: dict = {}  # ("fn", id(node)) or ("leaf", id(tensor)) -> drawn id
        self._keep: list = []  # the objects behind those keys, kept alive
        self._edge_ids: set[str] = set()
        self._svg: str | None = None
        self._layout: Layout | None = None

    def id_of(self, obj: Any) -> str:
        """The drawn id of a node (``grad_fn``, ``AccumulateGrad``, a ``Step``'s node), a tensor
        (its grad_fn, or its leaf), or an id string; nodes left out map to the collapsed node."""
        if isinstance(obj, str):
            if obj in self.nodes or obj in self._edge_ids:
                return obj
        elif isinstance(obj, Step):
            return self.id_of(obj.node)
        else:
            key = _key(obj) if hasattr(obj, "next_functions") else _tensor_key(obj)
            if key in self._ids:
                return self._ids[key]
        raise ValueError(f"{_describe(obj)} is not part of this graph")

    @property
    def source(self) -> str:
        """The DOT text (no ``dot`` program needed)."""
        return self.digraph.source

    @property
    def digraph(self) -> graphviz.Digraph:
        """A new ``graphviz.Digraph`` of this drawing (change it freely)."""
        return self._digraph(self.highlighted)

    def svg(self) -> str:
        """The drawing as SVG (runs ``dot`` once; raises ``GraphvizNotFound`` without it)."""
        if self._svg is None:
            self._svg = _run_dot(self._digraph(self.highlighted))
        return self._svg

    def layout(self) -> Layout:
        """Lay the graph out once, without highlights, for restyled frames (``Layout.frame``)."""
        if self._layout is None:
            self._layout = Layout(self, _run_dot(self._digraph(frozenset())))
        return self._layout

    def __repr__(self) -> str:
        more = f" ({self.left_out} more not drawn)" if self.left_out else ""
        names = ", ".join(self.nodes[i][1].replace("torch::autograd::", "") for i in self.outputs)
        plural = "s" if len(self.outputs) > 1 else ""
        return f"<Graph: {len(self.nodes)} nodes{more}, output{plural} {names}>"

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = {"text/plain": repr(self)}
        try:
            bundle["image/svg+xml"] = self.svg()
        except GraphvizNotFound as error:  # the notebook shows the reason, not a traceback
            bundle["text/plain"] += "\n" + str(error)
        return {k: v for k, v in bundle.items()
                if (include is None or k in include) and (exclude is None or k not in exclude)}

    def _repr_svg_(self) -> str | None:
        try:
            return self.svg()
        except GraphvizNotFound:
            return None

    def _digraph(self, highlighted: frozenset) -> graphviz.Digraph:
        graphviz = _graphviz()
        dot = graphviz.Digraph(
            "computational graph",
            graph_attr={"rankdir": self.rankdir, "ordering": "out", "nodesep": "0.3",
                        "ranksep": "0.35"},
            node_attr={"shape": "box", "style": "filled", "fillcolor": "white",
                       "fontname": "Helvetica", "fontsize": "11", "margin": "0.12,0.05"},
            edge_attr={"arrowsize": "0.7"})
        for nid, label, attrs in self._dot_nodes:
            extra = _DOT_HIGHLIGHT if nid in highlighted else {}
            dot.node(nid, label, _attributes=_tooltips(graphviz, {**attrs, **extra}))
        for eid, tail, head, attrs in self._dot_edges:
            extra = _DOT_EDGE_HIGHLIGHT if eid in highlighted else {}
            dot.edge(tail, head, _attributes=_tooltips(graphviz, {**attrs, **extra}))
        return dot


class Layout:
    """One run of ``dot``, restyled per frame without moving a node.

    ``styles`` maps nodes, tensors, node ids or edge ids to a style: ``color`` (border or line),
    ``fill``, ``width`` (line width), ``double`` (a second border), ``bold`` (text),
    ``opacity``. ``highlight`` applies ``HIGHLIGHT`` (``EDGE_HIGHLIGHT`` to edges).
    """

    _STYLE_KEYS = {"color", "fill", "width", "double", "bold", "opacity"}

    def __init__(self, graph: Graph, svg: str):
        self.graph, self.svg = graph, svg
        self._parts = _split_groups(svg)
        self._restyled: dict = {}  # (group id, style) -> its SVG: frames share most of them

    def frame(self, highlight: Any = None, styles: Mapping[Any, Mapping] | None = None) -> str:
        """The laid-out SVG with some nodes and edges restyled (no ``dot`` run); ``highlight``
        takes what ``draw_graph`` takes, and ``Step`` records too."""
        by_id: dict[str, dict] = {}
        for key, style in (styles or {}).items():
            unknown = set(style) - self._STYLE_KEYS
            if unknown:
                raise ValueError(f"unknown style keys {sorted(unknown)}: "
                                 f"use {sorted(self._STYLE_KEYS)}")
            by_id.setdefault(self.graph.id_of(key), {}).update(style)
        for key in _collection(highlight):
            gid = self.graph.id_of(key)
            by_id.setdefault(gid, {}).update(
                HIGHLIGHT if gid in self.graph.nodes else EDGE_HIGHLIGHT)
        return "".join(part if isinstance(part, str) else
                       self._styled(part, by_id[part[0]]) if part[0] in by_id
                       else part[2] for part in self._parts)

    def _styled(self, part: tuple, style: dict) -> str:
        key = (part[0], tuple(sorted(style.items())))
        if key not in self._restyled:
            self._restyled[key] = _restyle(part[2], style, part[1] == "edge")
        return self._restyled[key]


# ---------------------------------------------------------------- walking the graph
class _LeafRoot:
    """Stands for the AccumulateGrad of a leaf given as an output (PyTorch makes none)."""

    next_functions = ()

    def __init__(self, variable):
        self.variable = variable

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"


def _key(fn) -> tuple:
    return ("leaf", id(fn.variable)) if hasattr(fn, "variable") else ("fn", id(fn))


def _tensor_key(t) -> tuple:
    fn = getattr(t, "grad_fn", None)
    return ("fn", id(fn)) if fn is not None else ("leaf", id(t))


class _Builder:
    def __init__(self, names: _Names, show_values: bool, show_grads: bool, max_nodes: int):
        self.names, self.show_values, self.show_grads = names, show_values, show_grads
        self.max_nodes, self.graph, self.count = max_nodes, Graph(), 0
        self.more = f"n{max_nodes}"
        self.output_keys: dict = {}

    def build(self, outputs: list) -> Graph:
        graph, queue = self.graph, deque()
        roots = []
        for t in outputs:
            fn = t.grad_fn if t.grad_fn is not None else _LeafRoot(t) if t.requires_grad else None
            roots.append(fn)
            if fn is not None:
                self.output_keys.setdefault(_key(fn), t)
        for t, fn in zip(outputs, roots):
            if fn is None:
                nid = self._add("tensor", "tensor", lambda t=t: self._tensor_label(t),
                                key=("leaf", id(t)), keep=t)
            else:
                nid = graph._ids.get(_key(fn)) or self._visit(fn, queue)
            if nid not in graph.outputs:
                graph.outputs.append(nid)
        while queue:
            fn = queue.popleft()
            tail = graph._ids[_key(fn)]
            to_more = False
            for i, (parent, _) in enumerate(fn.next_functions):
                if parent is None:
                    head = self._add("constant", "constant",
                                     lambda fn=fn, i=i: self._constant_label(fn, i))
                else:
                    head = graph._ids.get(_key(parent)) or self._visit(parent, queue)
                if tail == self.more or (head == self.more and to_more):
                    continue
                to_more = to_more or head == self.more
                self._edge(tail, head, fn, i, parent)
        graph.left_out = max(0, self.count - self.max_nodes)
        if graph.left_out:
            graph.nodes[self.more] = ("more", "more")
            text = f"{graph.left_out} more nodes not drawn (max_nodes={self.max_nodes})"
            graph._dot_nodes.append((self.more, _label(text), {
                "id": self.more, "shape": "note", "style": "dashed", "fontcolor": _GREY,
                "tooltip": text}))
        return graph

    def _visit(self, fn, queue: deque) -> str:
        queue.append(fn)
        leaf = hasattr(fn, "variable")
        label = (lambda: self._leaf_label(fn)) if leaf else (lambda: self._fn_label(fn))
        return self._add("leaf" if leaf else "grad_fn", fn.name(), label, _key(fn), fn)

    def _add(self, kind: str, name: str, label, key=None, keep=None) -> str:
        """Give the next node its id (or the collapsed node's, past max_nodes); ``label()``
        gives its label and attributes, and runs only for nodes that are drawn."""
        nid = f"n{self.count}" if self.count < self.max_nodes else self.more
        self.count += 1
        if key is not None:
            self.graph._ids[key] = nid
            self.graph._keep.append(keep)
        if nid != self.more:
            text, attrs = label()
            self.graph.nodes[nid] = (kind, name)
            self.graph._dot_nodes.append((nid, text, {"id": nid, **attrs}))
        return nid

    def _edge(self, tail: str, head: str, fn, i: int, parent) -> None:
        eid = f"e{len(self.graph.edges)}"
        self.graph.edges.append((eid, tail, head))
        self.graph._edge_ids.add(eid)
        name = fn.name()
        if head == self.more:
            attrs = {"style": "dashed", "tooltip": f"{name} continues into nodes not drawn"}
        elif parent is None:
            attrs = {"style": "dashed", "color": _GREY, "arrowhead": "none",
                     "tooltip": f"input {i} of {name} is a constant: no gradient goes to it"}
        else:
            attrs = {"tooltip": f"{name} sends a gradient to its input {i}: "
                                f"{self._describe_node(parent)}"}
        self.graph._dot_edges.append((eid, tail, head, {"id": eid, **attrs}))

    def _describe_node(self, fn) -> str:
        if hasattr(fn, "variable"):
            return f"leaf {self.names.name_of(fn.variable) or '(unnamed)'}"
        return fn.name()

    # ------------------------------------------------------------ labels
    def _leaf_label(self, fn) -> tuple[str, dict]:
        t = fn.variable
        name = self.names.name_of(t)
        lines = ["AccumulateGrad", f"shape {_shape(t.shape)}"]
        lines += self._value_lines(t)
        output = _key(fn) in self.output_keys
        fill = _OUTPUT_FILL if output else _LEAF_FILL
        if output:
            lines.insert(0, "output")
        tooltip = f"leaf tensor {name or '(unnamed)'}: backward adds its gradient into .grad"
        return _label(name or "leaf", lines), {"fillcolor": fill, "tooltip": tooltip}

    def _fn_label(self, fn) -> tuple[str, dict]:
        output = self.output_keys.get(_key(fn))
        t = output if output is not None else self.names.tensor_of(fn)
        lines, about = [], "an unnamed intermediate result"
        if t is not None:
            name = self.names.name_of(t)
            shape = f"shape {_shape(t.shape)}"
            lines.append(f"{'output: ' if output is not None else ''}{name + ', ' if name else ''}"
                         f"{shape}")
            about = f"{name or ('the output' if output is not None else 'a tensor')}, {shape}"
            lines += self._value_lines(t)
        saves = self._saves(fn)
        if saves:
            lines.append(saves)
        tooltip = f"{fn.name()}: backward node of {about}"
        attrs = {"fillcolor": _OUTPUT_FILL if output is not None else _FN_FILL, "tooltip": tooltip}
        return _label(fn.name(), lines), attrs

    def _saves(self, fn) -> str:
        """The ``saves: ...`` line of a node (empty when it saves nothing)."""
        if not isinstance(fn, Node):
            return _torch_saves(fn)
        mask = sum(1 << i for i, p in enumerate(fn.parents) if p is not None)
        positions, saves_out = fn.saved_for[mask][:2]
        stale = {p for p, counter, version in fn.versions if counter[0] != version}
        names = []
        for p in positions + ((-1,) if saves_out else ()):
            name = self._saved_name(fn, p) + (" (modified in place)" if p in stale else "")
            if name not in names:
                names.append(name)
        if not names:
            return ""
        return "saves: " + ", ".join(names) + (" (freed)" if fn.inputs is None else "")

    def _saved_name(self, fn, position: int) -> str:
        """A saved value in the learner's words: a tensor's name, a constant, the result."""
        for p, counter, _ in fn.versions:  # the tensor itself, even if it has moved on since
            if p == position and id(counter) in self.names.by_counter:
                return self.names.by_counter[id(counter)]
        if position == -1:
            return self.names.name_of(self.names.tensor_of(fn)) or "result"
        parent = fn.parents[position]
        if parent is None:
            value = fn.inputs[position] if fn.inputs is not None else None
            if isinstance(value, (int, float, np.generic)) or (
                    isinstance(value, np.ndarray) and value.size == 1):
                return f"constant {_array_lines(value)[0]}"
            return self.names.name_of_array(value) or "constant"
        if hasattr(parent, "variable"):
            return self.names.name_of(parent.variable) or f"input {position}"
        return self.names.name_of(self.names.tensor_of(parent)) or f"input {position}"

    def _constant_label(self, fn, i: int) -> tuple[str, dict]:
        inputs = getattr(fn, "inputs", None)
        value = inputs[i] if inputs is not None and i < len(inputs) else None
        name = self.names.name_of_array(value)
        lines = ["no grad"]
        if isinstance(value, np.ndarray) and (value.size <= 4 or self.show_values):
            lines.append(f"shape {_shape(value.shape)}" if value.ndim else "")
            lines += _array_lines(value)
        elif value is not None and hasattr(value, "shape"):  # an array, or its shape once freed
            lines.append(f"shape {_shape(value.shape)}")
        elif isinstance(value, (int, float, bool, np.generic)):
            lines.append(str(value))
        elif inputs is None and isinstance(fn, Node):
            lines.append("value freed by backward")
        about = f" ({name})" if name else ""
        tooltip = f"constant input {i} of {fn.name()}{about}: needs no gradient"
        attrs = {"style": "dashed,filled", "color": _GREY, "fontsize": "9", "tooltip": tooltip}
        return _label(name or "constant", [x for x in lines if x]), attrs

    def _tensor_label(self, t) -> tuple[str, dict]:
        name = self.names.name_of(t)
        lines = ["output, no grad_fn", f"shape {_shape(t.shape)}"] + self._value_lines(t)
        tooltip = f"{name or 'tensor'}: requires_grad=False, so it has no graph"
        return _label(name or "tensor", lines), {"style": "dashed,filled", "tooltip": tooltip}

    def _value_lines(self, t) -> list[str]:
        lines = []
        if self.show_values:
            lines += _array_lines(_values(t), "value ")
        if self.show_grads and (t.is_leaf or getattr(t, "retains_grad", False)):
            grad = t.grad
            lines += ["grad None"] if grad is None else _array_lines(_values(grad), "grad ")
        return lines


def _torch_saves(fn) -> str:
    """A PyTorch node's saved tensors, by PyTorch's names (its ``_saved_*`` attributes)."""
    names, freed = [], False
    for attr in dir(fn):
        if attr.startswith("_saved_"):
            try:
                value = getattr(fn, attr)
            except RuntimeError:  # freed by backward
                freed = True
                names.append(attr[7:])
                continue
            if _is_tensor(value):
                names.append(attr[7:])
    return f"saves: {', '.join(names)}{' (freed)' if freed else ''}" if names else ""


class _Names:
    """Where learners' names for tensors come from: ``names=``, then the caller's namespace."""

    def __init__(self, names: Mapping[str, Any] | None, search: bool):
        self.by_tensor: dict[int, str] = {}
        self.by_fn: dict[int, Any] = {}
        self.by_array: dict[int, str] = {}
        self.by_counter: dict[int, str] = {}  # a version counter is shared by views and detach
        self._keep: list = []
        for name, value in (names or {}).items():
            self._add(str(name), value)
        if search:
            for namespace in _namespaces():
                for name, value in list(namespace.items()):
                    if isinstance(name, str) and not name.startswith("_"):
                        self._add(name, value)

    def _add(self, name: str, value) -> None:
        if _is_tensor(value):
            if id(value) not in self.by_tensor:
                self.by_tensor[id(value)] = name
                self._keep.append(value)
                fn = value.grad_fn  # kept alive, so that PyTorch keeps the same wrapper
                if fn is not None and id(fn) not in self.by_fn:
                    self.by_fn[id(fn)] = value
                    self._keep.append(fn)
                if isinstance(value, Tensor):
                    self.by_array.setdefault(id(value._data), name)
                    if value._vc is not None:
                        self.by_counter.setdefault(id(value._vc), name)
        elif _is_module(value):
            for pname, p in value.named_parameters():
                self._add(f"{name}.{pname}", p)

    def name_of(self, t) -> str:
        return self.by_tensor.get(id(t), "")

    def tensor_of(self, fn):
        return self.by_fn.get(id(fn))

    def name_of_array(self, value) -> str:
        return self.by_array.get(id(value), "") if isinstance(value, np.ndarray) else ""


def _namespaces() -> list:
    """The locals and globals of the first caller outside autograd_lab, and ``__main__``."""
    frame = inspect.currentframe()
    try:
        while frame is not None and frame.f_globals.get("__name__", "").partition(".")[0] == \
                "autograd_lab":
            frame = frame.f_back
        spaces = [] if frame is None else [frame.f_locals, frame.f_globals]
    finally:
        del frame
    main = sys.modules.get("__main__")
    if main is not None and all(vars(main) is not s for s in spaces):
        spaces.append(vars(main))
    return spaces


def _torch_attr(name: str):
    torch = sys.modules.get("torch")  # PyTorch, only if the learner imported it
    if torch is None:
        return None
    if name == "Module":
        return getattr(getattr(torch, "nn", None), "Module", None)
    return getattr(torch, name, None)


def _is_tensor(value) -> bool:
    if isinstance(value, Tensor):
        return True
    cls = _torch_attr("Tensor")
    return isinstance(cls, type) and isinstance(value, cls)


def _is_module(value) -> bool:
    from .nn import Module

    cls = _torch_attr("Module")
    return isinstance(value, Module) or (isinstance(cls, type) and isinstance(value, cls))


def _values(t) -> np.ndarray:
    if isinstance(t, Tensor):
        return t._data
    return t.detach().cpu().numpy()


# ---------------------------------------------------------------- text and escaping
def _printable(text: str, limit: int = 60) -> str:
    """Learner text made visible: control characters as escapes (``\\n``), long text clipped."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Rows(str):
    """A line of a multi-line array: set in a monospaced font and aligned left."""


def _label(title: str, lines: Iterable[str] = ()) -> str:
    """An HTML-like label: each piece of text escaped here, once."""
    body = f"<B>{html.escape(_printable(title))}</B><BR/>"
    for line in lines:
        text = html.escape(_printable(line, 80))
        if isinstance(line, _Rows):
            body += f'<FONT POINT-SIZE="9" FACE="monospace">{text}</FONT><BR ALIGN="LEFT"/>'
        else:
            body += f'<FONT POINT-SIZE="9">{text}</FONT><BR/>'
    return f"<{body}>"


def _tooltips(graphviz, attrs: dict) -> dict:
    """Attributes with the tooltip escaped once, as a whole (graphviz.escape)."""
    if "tooltip" not in attrs:
        return attrs
    return {**attrs, "tooltip": graphviz.escape(_printable(attrs["tooltip"], 200))}


def _shape(shape) -> str:
    return "[" + ", ".join(str(int(n)) for n in shape) + "]"


def _array_lines(a, prefix: str = "") -> list[str]:
    """Values as PyTorch shows them (``[4.0000, 5.3333]``, ``[1., 2.]``), a few per row."""
    text = np.array2string(np.asarray(a), precision=4, threshold=12, edgeitems=2,
                           separator=", ", max_line_width=44, floatmode="maxprec_equal")
    lines = [prefix + text] if "\n" not in text else [
        _Rows((prefix if i == 0 else " " * len(prefix)) + row)
        for i, row in enumerate(text.split("\n"))]
    return lines


def _collection(obj) -> list:
    if obj is None:
        return []
    if isinstance(obj, (str, Step)) or hasattr(obj, "next_functions") or hasattr(obj, "grad_fn"):
        return [obj]
    return list(obj)


def _describe(obj) -> str:
    if hasattr(obj, "name") and hasattr(obj, "next_functions"):
        return f"node {obj.name()}"
    return f"id {_printable(obj)!r}" if isinstance(obj, str) else type(obj).__name__


# ---------------------------------------------------------------- running dot, restyling SVG
def _graphviz():
    try:
        import graphviz
    except ImportError:
        raise ModuleNotFoundError("autograd_lab.viz needs the graphviz Python package: "
                                  "pip install graphviz (or the [lessons] extra)") from None
    return graphviz


def _run_dot(digraph) -> str:
    """Render to SVG with ``dot``: the one place the program runs."""
    graphviz = _graphviz()
    try:
        svg = digraph.pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFound(_INSTALL) from None
    if re.search(r"<\s*script", svg, re.IGNORECASE):  # labels are escaped: this cannot happen
        raise ValueError("refusing an SVG that contains a <script> element")
    return svg


_GROUP = re.compile(r'<g id="([^"]*)" class="(node|edge)">')
_G_TAG = re.compile(r"<g\b|</g>")


def _split_groups(svg: str) -> list:
    """The SVG as text pieces and ``(id, 'node'|'edge', group text)`` for each node and edge."""
    parts, pos = [], 0
    for match in _GROUP.finditer(svg):
        if match.start() < pos:
            continue
        depth, end = 1, match.end()
        for tag in _G_TAG.finditer(svg, match.end()):
            depth += 1 if tag.group() == "<g" else -1
            if depth == 0:
                end = tag.end()
                break
        parts += [svg[pos:match.start()], (match.group(1), match.group(2), svg[match.start():end])]
        pos = end
    parts.append(svg[pos:])
    return parts


_SHAPE = re.compile(r"<(polygon|ellipse|path)\b[^>]*/>")
_TEXT = re.compile(r"<text\b[^>]*>")


def _set(tag: str, **attrs) -> str:
    """An element's start tag with attributes set (underscores in names become hyphens)."""
    for name, value in attrs.items():
        name = name.replace("_", "-")
        tag = re.sub(rf'\s{name}="[^"]*"', "", tag)
        end = len(tag) - (2 if tag.endswith("/>") else 1)
        tag = f'{tag[:end]} {name}="{html.escape(str(value), quote=True)}"{tag[end:]}'
    return tag


def _restyle(group: str, style: Mapping, edge: bool) -> str:
    color, fill, width = style.get("color"), style.get("fill"), style.get("width")
    stroke = {k: v for k, v in (("stroke", color), ("stroke_width", width)) if v is not None}
    if edge:
        group = _SHAPE.sub(lambda m: _set(m.group(), **stroke, **(
            {"fill": color} if color and m.group(1) == "polygon" else {})), group)
    else:
        first = _SHAPE.search(group)
        if first:
            shape = _set(first.group(), **stroke, **({"fill": fill} if fill else {}))
            if style.get("double"):  # a band in the border colour, split by a stripe of fill
                w = float(width or 1)
                stripe = _set(first.group(), fill="none", stroke=fill or "white",
                              stroke_width=f"{w:g}")
                shape = _set(shape, stroke_width=f"{3 * w:g}") + "\n" + stripe
            group = group[:first.start()] + shape + group[first.end():]
    if style.get("bold"):
        group = _TEXT.sub(lambda m: _set(m.group(), font_weight="bold"), group)
    if style.get("opacity") is not None:
        group = _set(group[:group.index(">") + 1], opacity=style["opacity"]) + \
            group[group.index(">") + 1:]
    return group
