"""A widget that replays a backward pass node by node: ``BackwardStepper(loss)``.

Creating the stepper *is* the backward pass: it drains ``autograd.backward_steps`` once, so the
leaves' ``.grad`` accumulate and saved tensors are freed exactly as ``loss.backward()`` would do
them. The widget then replays those ``Step`` records, and nothing else: moving the slider never
touches the engine. The graph is laid out once by ``dot`` (``viz.Graph.layout``); every frame is
that same SVG restyled (``Layout.frame``), so nodes never move. All frames are precomputed, shown
as inert ``<img>`` elements (``widgets.Image``) in a ``widgets.Stack`` whose ``selected_index`` is
``jslink``-ed to the slider (and the slider to the ``Play`` button): stepping needs no kernel.

``stepper.static()`` gives the same frames as plain SVG and text, for pages with no kernel.

This module imports ipywidgets; the core of autograd_lab never imports this module.

NB: PyTorch has no equivalent; the nearest are torchviz's ``make_dot`` drawings and micrograd's
``draw_dot``, which show a graph but not the walk.
"""

from __future__ import annotations

import ast
import base64
import html
import inspect
import os
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets
import numpy as np

from . import rules as _rules
from .autograd import _fit, backward_steps
from .graph import AccumulateGrad, Node
from .printing import format_tensor
from .viz import BLUE, VERMILLION, _Names, draw_graph

__all__ = ["BackwardStepper", "StaticStepper"]

_DONE = {"color": BLUE, "width": 2, "bold": True}  # finished: blue border and bold text
_DONE_EDGE = {"color": BLUE, "width": 2}
_CUT = {"opacity": 0.5}  # constants: no gradient goes there (viz already dashes them)
_NOW_EDGE = {"color": VERMILLION, "width": 3}


def _formulas() -> dict[str, tuple[str, ...]]:
    """Each rule of ``rules.RULES`` as written in the table: ``{"MulBackward0": ("g * y",
    "g * x")}`` (the source text of each lambda's body, read with ``inspect.getsource``)."""
    source = inspect.getsource(_rules)
    found: dict[str, tuple[str, ...]] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "RULES" for t in node.targets):
            for key, value in zip(node.value.keys, node.value.values):
                bodies = [" ".join(ast.get_source_segment(source, lam.body).split())
                          for lam in getattr(value, "elts", ()) if isinstance(lam, ast.Lambda)]
                found[key.value] = tuple(bodies)
    return found


_FORMULAS: dict | None = None


def _formula(node, i: int) -> str:
    global _FORMULAS
    if _FORMULAS is None:
        _FORMULAS = _formulas()
    bodies = _FORMULAS.get(node.name(), ())
    return bodies[i] if i < len(bodies) else "(rule not in the table)"


def _dtype_name(a: np.ndarray) -> str:
    from .dtypes import of_numpy

    return of_numpy(a.dtype).name


def _fmt(a) -> str:
    """Values as a tensor holding them prints (``tensor([0.3333, 0.3333])``)."""
    a = np.asarray(a)
    return format_tensor(a, dtype_name=_dtype_name(a))


def _indent(text: str, by: str) -> str:
    return text.replace("\n", "\n" + by)


class BackwardStepper(widgets.VBox):
    """Step through the backward pass of ``output`` (seeded with ``gradient``) node by node.

    Creating it runs backward, exactly like ``output.backward(gradient, retain_graph=...)``:
    every leaf's ``.grad`` accumulates, and unless ``retain_graph=True`` the saved tensors are
    freed, so a second backward (or a second stepper) on the same graph raises PyTorch's
    "Trying to backward through the graph a second time" error.

    ``.steps`` holds the ``Step`` records it replays (one per node, in the engine's order).
    ``.index`` is the step shown, from 0 to ``len(steps)``: 0 is *before* any step (the seed
    gradient about to enter at the output), ``k`` shows step ``k`` (``steps[k - 1]``) being
    processed, with steps ``1 .. k - 1`` finished. Setting it moves the slider and the view.

    In a frame: the node being processed has a vermilion double border on yellow, the edges it
    sends gradients along are thick vermilion; finished nodes have a blue border and bold text,
    used edges are blue; constants (no gradient) are dashed and faded. Colours are Okabe-Ito.
    The panel beside it shows the chain rule at that node: the gradient that arrived (each
    contribution and their sum where a tensor fed several ops), the table's rule per input, the
    values it used, each gradient sent on (and the broadcast reduction, if any), and every
    leaf's ``.grad`` so far.

    Keyboard: Prev, Next, Reset and Play are buttons (Tab to them, Enter or Space to press);
    the slider, once focused, moves with the arrow keys (Home/End: first/last step).

    With the environment variable ``AUTOGRAD_LAB_STATIC_STEPPERS`` set (non-empty, e.g. ``1``),
    displaying a stepper shows ``self.static()``, all its frames, instead of the live widget:
    ``python -m autograd_lab.export`` sets it for pages read with no kernel.
    """

    def __init__(self, output, gradient=None, *, names: Mapping[str, Any] | None = None,
                 retain_graph: bool | None = None, find_names: bool = True,
                 interval: int = 1200):
        self.graph = draw_graph(output, names=names, find_names=find_names)
        self._names = _Names(names, find_names)
        self._output_name = self.graph.nodes[self.graph.outputs[0]][1].replace(
            "torch::autograd::", "")
        saved = _saved_values(output)  # what the rules read, to show their numbers
        leaves = sorted(_leaves(output), key=lambda t: int(self.graph.id_of(t)[1:]))
        before = {id(t): (None if t._grad is None else t._grad._data.copy()) for t in leaves}
        self._seed = None if gradient is None else np.asarray(
            gradient._data if hasattr(gradient, "_data") else gradient)
        self.steps = list(backward_steps(output, gradient, retain_graph))  # the backward pass
        self._texts = self._panel_texts(saved, leaves, before)
        del saved  # the replay keeps only the records and the texts made from them
        layout = self.graph.layout()
        self._svgs = [layout.frame(**self._frame_args(k)) for k in range(len(self.steps) + 1)]
        self._build(interval)

    # ------------------------------------------------------------ the public face
    @property
    def index(self) -> int:
        return self.slider.value

    @index.setter
    def index(self, k: int) -> None:
        k = int(k)
        if not 0 <= k <= len(self.steps):
            raise IndexError(f"index must be between 0 and {len(self.steps)}, not {k}")
        self.slider.value = k  # the observer (and, in the page, jslink) moves the views

    @property
    def current_node_id(self) -> str | None:
        """The drawn id (``n3``) of the node processed at ``.index`` (None at 0)."""
        return self.node_id(self.index)

    def node_id(self, k: int) -> str | None:
        return None if k == 0 else self.graph.id_of(self.steps[k - 1])

    def panel_text(self, k: int | None = None) -> str:
        """The panel's text at step ``k`` (default: the step shown)."""
        return self._texts[self.index if k is None else k]

    def frame_svg(self, k: int | None = None) -> str:
        """The graph's SVG at step ``k`` (default: the step shown)."""
        return self._svgs[self.index if k is None else k]

    def static(self, step: int | None = None) -> StaticStepper:
        """Plain SVG and text (no widgets, no kernel) for one step, or all steps if None."""
        ks = range(len(self.steps) + 1) if step is None else [step]
        return StaticStepper([(k, self._svgs[k], self._texts[k]) for k in ks], repr(self))

    def _repr_mimebundle_(self, **kwargs) -> dict:
        if not os.environ.get("AUTOGRAD_LAB_STATIC_STEPPERS"):
            return super()._repr_mimebundle_(**kwargs)
        frames = self.static()
        return {"text/plain": repr(frames), "text/html": frames._repr_html_()}

    def __repr__(self) -> str:
        return f"<BackwardStepper: {len(self.steps)} steps, output {self._output_name}>"

    # ------------------------------------------------------------ widgets
    def _build(self, interval: int) -> None:
        n = len(self.steps)
        self.play = widgets.Play(value=0, min=0, max=n, step=1, interval=interval,
                                 tooltip="play the backward pass")
        self.slider = widgets.IntSlider(value=0, min=0, max=n, description="step",
                                        tooltip="step (arrow keys move it once focused)")
        self.prev_button = widgets.Button(description="◀ Prev", tooltip="previous step")
        self.next_button = widgets.Button(description="Next ▶", tooltip="next step")
        self.reset_button = widgets.Button(description="Reset", tooltip="before the first step")
        self.prev_button.on_click(lambda _: self._move(self.index - 1))
        self.next_button.on_click(lambda _: self._move(self.index + 1))
        self.reset_button.on_click(lambda _: self._move(0))
        images = [widgets.Image(value=svg.encode(), format="svg+xml") for svg in self._svgs]
        panels = [widgets.HTML(value="<pre style='margin:0;font-size:12px'>"
                               f"{html.escape(text)}</pre>") for text in self._texts]
        for w in images:
            w.add_class("agl-stepper-graph")
        for w in panels:
            w.add_class("agl-stepper-panel")
        self.graph_view = widgets.Stack(images, selected_index=0)
        self.panel_view = widgets.Stack(panels, selected_index=0)
        self.links = [widgets.jslink((self.play, "value"), (self.slider, "value")),
                      widgets.jslink((self.slider, "value"), (self.graph_view, "selected_index")),
                      widgets.jslink((self.slider, "value"), (self.panel_view, "selected_index"))]
        self.slider.observe(self._follow, "value")  # the same, kernel side (and for Python use)
        controls = widgets.HBox([self.play, self.prev_button, self.next_button,
                                 self.reset_button, self.slider])
        super().__init__([controls, widgets.HBox([self.graph_view, self.panel_view])])
        self.add_class("agl-stepper")

    def _move(self, k: int) -> None:
        self.index = min(max(k, 0), len(self.steps))

    def _follow(self, change) -> None:
        k = change["new"]
        self.graph_view.selected_index = self.panel_view.selected_index = k
        if self.play.value != k:
            self.play.value = k

    # ------------------------------------------------------------ frames
    def _frame_args(self, k: int) -> dict:
        graph = self.graph
        styles: dict[str, dict] = {}
        for nid, (kind, _) in graph.nodes.items():
            if kind == "constant":
                styles[nid] = dict(_CUT)
        for eid, _, head in graph.edges:
            if graph.nodes.get(head, ("",))[0] == "constant":
                styles[eid] = dict(_CUT)
        highlight = []
        for j, step in enumerate(self.steps[:k]):
            nid = graph.id_of(step)
            now = j == k - 1
            if now:
                highlight.append(nid)
            else:
                styles[nid] = dict(_DONE)
            for eid, g in zip(self._edges_of(nid, step.node), step.grads_out):
                if eid is not None and g is not None:
                    styles[eid] = dict(_NOW_EDGE if now else _DONE_EDGE)
        return {"highlight": highlight, "styles": styles}

    def _edges_of(self, nid: str, node) -> list:
        """The edge drawn for each input of ``node`` (None where not drawn)."""
        out = [eid for eid, tail, _ in self.graph.edges if tail == nid]
        parents = getattr(node, "parents", ())
        return out if len(out) == len(parents) else [None] * len(parents)

    # ------------------------------------------------------------ panel text
    def _describe(self, node) -> str:
        try:
            nid = self.graph.id_of(node)
        except ValueError:
            nid = "not drawn"
        if isinstance(node, AccumulateGrad):
            return f"leaf {self._names.name_of(node.variable) or '(unnamed)'} ({nid})"
        return f"{node.name()} ({nid})"

    def _leaf_name(self, t) -> str:
        return self._names.name_of(t) or "(unnamed leaf)"

    def _panel_texts(self, saved: dict, leaves: list, before: dict) -> list[str]:
        n = len(self.steps)
        first = self.steps[0] if self.steps else None
        seed = first.grad_in if first is not None else None
        lines = [f"Before step 1 of {n}: nothing has run yet."]
        if first is not None:
            how = "the gradient you passed" if self._seed is not None else \
                "ones (the output has one element)"
            lines.append(f"The seed gradient enters at the output {self._describe(first.node)}:")
            lines.append(f"  g = {_indent(_fmt(seed), '      ')}   ({how})")
            if self._seed is not None:
                lines.append("  Each step computes a vector-Jacobian product: g_input = g · J.")
        lines += self._leaf_lines(leaves, before)
        texts = ["\n".join(lines)]
        grads = dict(before)
        for k, step in enumerate(self.steps, 1):
            if step.leaf is not None:
                grads[id(step.leaf)] = None if step.leaf_grad is None else np.asarray(
                    step.leaf_grad)
            texts.append(self._step_text(k, step, saved, leaves, grads))
        return texts

    def _leaf_lines(self, leaves: list, grads: dict) -> list[str]:
        lines = ["", "Leaves' .grad so far:"]
        for t in leaves:
            g = grads.get(id(t))
            text = "None" if g is None else format_tensor(g, dtype_name=t.dtype.name)
            name = self._leaf_name(t)
            lines.append(f"  {name}.grad = {_indent(text, ' ' * (len(name) + 10))}")
        return lines

    def _step_text(self, k: int, step, saved: dict, leaves: list, grads: dict) -> str:
        node, g = step.node, step.grad_in
        lines = [f"Step {k} of {len(self.steps)}: {self._describe(node)}"]
        arrived = [(self._describe(s.node), i, go) for s in self.steps[:k - 1]
                   for i, (p, go) in enumerate(zip(getattr(s.node, "parents", ()), s.grads_out))
                   if p is node and go is not None]
        if k == 1:
            arrived.insert(0, ("the seed", None, g))
        lines.append("Incoming gradient g (arriving at this node's output):")
        if len(arrived) > 1:
            for who, i, go in arrived:
                where = "" if i is None else f", its input {i}"
                lines.append(f"  arrived from {who}{where}: {_indent(_fmt(go), '    ')}")
            lines.append("  sum (one tensor fed several uses, so the contributions add):")
        lines.append(f"  g = {_indent(_fmt(g), '      ')}")
        if isinstance(node, AccumulateGrad):
            name = self._leaf_name(step.leaf)
            lines.append(f"AccumulateGrad: {name}.grad += g")
        elif isinstance(node, Node):
            lines += self._rule_lines(node, g, step, saved.get(node))
        lines += self._leaf_lines(leaves, grads)
        return "\n".join(lines)

    def _rule_lines(self, node, g, step, saved) -> list[str]:
        names = node.arg_names
        lines = ["Local rule (rules.py, per input: gradient sent = rule):"]
        lines += [f"  {a}: {_formula(node, i)}" for i, a in enumerate(names)]
        if saved is not None:
            inputs, out, params = saved
            shown = [f"  {a} = {_indent(_fmt(v), '    ')}" for a, v in zip(names, inputs)
                     if isinstance(v, np.ndarray) and v.size <= 16 or np.isscalar(v)]
            if isinstance(out, np.ndarray) and out.size <= 16:
                shown.append(f"  ans = {_indent(_fmt(out), '      ')}")
            if params:
                shown.append("  " + ", ".join(f"{p}={v!r}" for p, v in params.items()))
            if shown:
                lines.append("With the values saved in the forward pass:")
                lines += shown
        lines.append("Gradients sent on:")
        for i, (p, go) in enumerate(zip(node.parents, step.grads_out)):
            a = names[i] if i < len(names) else f"input {i}"
            if p is None or go is None:
                lines.append(f"  → to input {i} ({a}): none (a constant: needs no gradient)")
                continue
            lines.append(f"  → to input {i} ({a}) {self._describe(p)}: "
                         f"{_indent(_fmt(go), '    ')}")
            raw = _raw_shape(node, i, g, saved)
            if raw is not None and raw != np.shape(go):
                lines.append(f"    the rule gave shape {raw}; summed over broadcast dimensions "
                             f"to {a}'s shape {np.shape(go)}")
            jacobian = _jacobian(node, i, g, go, saved)
            if jacobian is not None:
                lines.append(f"    J = d(output)/d({a}), one row per output element (the rule "
                             f"applied to each unit vector):\n      "
                             f"{_indent(_fmt(jacobian), '      ')}")
                vjp = _fmt(np.reshape(g, -1) @ jacobian)
                lines.append(f"    g · J = {_indent(vjp, '    ')} (the vector-Jacobian product: "
                             "the gradient sent, flattened)")
        return lines


class StaticStepper:
    """Frames of a ``BackwardStepper`` as plain SVG images and escaped text (no widgets)."""

    def __init__(self, frames: list, title: str):
        self.frames, self.title = frames, title

    def __repr__(self) -> str:
        return "\n\n".join([self.title] + [text for _, _, text in self.frames])

    def _repr_html_(self) -> str:
        parts = [f"<div class='agl-stepper-static'><p>{html.escape(self.title)}</p>"]
        for k, svg, text in self.frames:
            data = base64.b64encode(svg.encode()).decode("ascii")
            parts.append(f"<div><img alt='backward graph at step {k}' "
                         f"src='data:image/svg+xml;base64,{data}'/>"
                         f"<pre>{html.escape(text)}</pre></div>")
        return "".join(parts) + "</div>"


def _nodes(output) -> list:
    """Every node reachable from ``output``'s grad_fn."""
    root = getattr(output, "grad_fn", None)
    seen, stack = ({root} if root is not None else set()), [root] if root is not None else []
    while stack:
        for p in getattr(stack.pop(), "parents", ()):
            if p is not None and p not in seen:
                seen.add(p)
                stack.append(p)
    return list(seen)


def _saved_values(output) -> dict:
    """Each node's inputs, output and settings as saved now (before backward frees them)."""
    return {n: (n.inputs, n.out, n.params) for n in _nodes(output)
            if isinstance(n, Node) and n.inputs is not None}


def _leaves(output) -> list:
    """The leaves backward reaches."""
    if getattr(output, "grad_fn", None) is None:
        return [output]
    return [n.variable for n in _nodes(output) if isinstance(n, AccumulateGrad)]


def _jacobian(node, i: int, g, go, saved, largest: int = 4) -> np.ndarray | None:
    """The node's Jacobian for input ``i`` when it is small: row j is the rule applied to the
    j-th unit vector (a vector-Jacobian product with a one-hot v), summed to the input's shape."""
    if saved is None or not 1 < np.size(g) * np.size(go) <= largest * largest:
        return None
    if np.size(g) > largest or np.size(go) > largest:
        return None
    inputs, out, params = saved
    rows = []
    for j in range(np.size(g)):
        unit = np.zeros(np.size(g), dtype=np.asarray(g).dtype)
        unit[j] = 1
        try:
            row = node.rules[i](unit.reshape(np.shape(g)), out, *inputs, **(params or {}))
        except Exception:  # a rule that needs more than we kept: show no Jacobian
            return None
        rows.append(_fit(np.asarray(row), np.shape(go), np.asarray(go).dtype).reshape(-1))
    return np.stack(rows)


def _raw_shape(node, i: int, g, saved) -> tuple | None:
    """The shape the rule itself returns (before the engine sums it to the input's shape)."""
    if saved is None:
        return None
    inputs, out, params = saved
    try:
        raw = node.rules[i](g, out, *inputs, **(params or {}))
    except Exception:  # a rule that needs more than we kept: say nothing rather than guess
        return None
    return np.shape(raw)
