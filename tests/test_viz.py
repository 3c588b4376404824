"""``autograd_lab.viz``: the drawing is tested as DOT text (no ``dot`` program needed); a smaller
set renders SVG and skips, saying so, where Graphviz is not installed (CI installs it)."""

from __future__ import annotations

import html
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import autograd_lab as torch
from autograd_lab import viz
from autograd_lab.autograd import backward_steps
from autograd_lab.viz import GraphvizNotFound, draw_graph

ROOT = Path(__file__).resolve().parents[1]
needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's `dot` program is not installed (apt-get install graphviz); CI installs it")
HOSTILE = ["<script>alert(1)</script>", '"a\nb"', "{x|y}", "\\l"]
# How each hostile name is drawn: text as typed, a newline shown as the two characters \n.
SHOWN = ["<script>alert(1)</script>", '"a\\nb"', "{x|y}", "\\l"]


# ------------------------------------------------------------------ the documents' graphs
def documents_example(lib):
    x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x + 2
    z = y * y * 2
    out = z.mean()
    return {"x": x, "y": y, "z": z, "out": out}, out


def logistic_example(lib):
    lib.manual_seed(0)
    x = lib.ones(5)
    y = lib.zeros(3)
    w = lib.randn(5, 3, requires_grad=True)
    b = lib.randn(3, requires_grad=True)
    z = lib.matmul(x, w) + b
    loss = lib.nn.functional.binary_cross_entropy_with_logits(z, y)
    return {"x": x, "y": y, "w": w, "b": b, "z": z, "loss": loss}, loss


def weights_example(lib):
    weights = lib.ones(4, requires_grad=True)
    return {"weights": weights}, (weights * 3).sum()


EXAMPLES = [documents_example, logistic_example, weights_example]


def dot_nodes(source: str) -> dict[str, str]:
    """DOT node id -> its whole attribute list."""
    return dict(re.findall(r"^\t(n\d+) \[(.*)\]$", source, re.MULTILINE))


def dot_labels(source: str) -> dict[str, str]:
    """DOT node id -> its HTML-like label alone."""
    return dict(re.findall(r"^\t(n\d+) \[label=<(.*?/>)>\s", source, re.MULTILINE))


def dot_edges(source: str) -> list[tuple[str, str]]:
    return re.findall(r"^\t(n\d+) -> (n\d+)", source, re.MULTILINE)


def svg_texts(svg: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)]


def test_documents_example_as_dot():
    names, out = documents_example(torch)
    graph = draw_graph(out, names=names, find_names=False)
    source = graph.source
    nodes = dot_nodes(source)
    assert [graph.nodes[i] for i in sorted(graph.nodes, key=lambda i: int(i[1:]))] == [
        ("grad_fn", "MeanBackward0"), ("grad_fn", "MulBackward0"), ("grad_fn", "MulBackward0"),
        ("constant", "constant"), ("grad_fn", "AddBackward0"),
        ("leaf", "torch::autograd::AccumulateGrad"), ("constant", "constant")]
    # Edges follow next_functions: from a node to its inputs; y * y gives two edges.
    assert dot_edges(source) == [("n0", "n1"), ("n1", "n2"), ("n1", "n3"), ("n2", "n4"),
                                 ("n2", "n4"), ("n4", "n5"), ("n4", "n6")]
    assert "<B>MeanBackward0</B>" in nodes["n0"] and "output: out, shape []" in nodes["n0"]
    assert "<B>x</B>" in nodes["n5"] and "AccumulateGrad" in nodes["n5"]
    assert "shape [3]" in nodes["n5"]
    assert "z, shape [3]" in nodes["n1"] and "y, shape [3]" in nodes["n4"]
    for constant in ("n3", "n6"):  # the 2s: dashed, titled constant, value shown
        assert "<B>constant</B>" in nodes[constant] and ">2<" in nodes[constant]
        assert "dashed" in nodes[constant]
    assert re.search(r"n1 -> n3 \[arrowhead=none [^\]]*style=dashed", source)
    assert "saves: y" in nodes["n2"] and "saves: constant 2" in nodes["n1"]
    assert "saves" not in nodes["n0"] and "saves" not in nodes["n4"]  # mean, add save nothing
    assert repr(graph) == "<Graph: 7 nodes, output MeanBackward0>"
    for nid in nodes:  # a stable SVG id and a tooltip on every node and edge
        assert f"id={nid}" in nodes[nid] and "tooltip=" in nodes[nid]
    assert all(f"id=e{i} " in source for i in range(7))


def test_saved_values_freed_and_values_and_grads_after_backward():
    names, out = documents_example(torch)
    before = dot_labels(draw_graph(out, names=names, find_names=False).source)
    assert "value" not in before["n5"] and "grad" not in before["n5"]
    out.backward()
    graph = draw_graph(out, names=names, find_names=False, show_values=True, show_grads=True)
    nodes = dot_labels(graph.source)
    assert "saves: y (freed)" in nodes["n2"]
    assert "value [1., 2., 3.]" in nodes["n5"] and "grad [4.0000, 5.3333, 6.6667]" in nodes["n5"]
    assert "value 33.3333" in nodes["n0"]
    assert "value freed by backward" in nodes["n3"]  # MulBackward0 dropped its inputs
    assert ">2<" in nodes["n6"]  # AddBackward0 saved nothing: its constant is still known


def test_in_place_change_of_a_saved_tensor_is_flagged():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = a * 1
    c = b * b
    b.add_(1)
    label = dot_nodes(draw_graph(c, names={"b": b}, find_names=False).source)["n0"]
    assert "saves: b (modified in place)" in label


def test_logistic_regression_example_as_dot():
    names, loss = logistic_example(torch)
    graph = draw_graph(loss, names=names, find_names=False)
    nodes = dot_nodes(graph.source)
    kinds = {graph.nodes[i][1] for i in graph.nodes}
    assert {"BinaryCrossEntropyWithLogitsBackward0", "AddBackward0", "SqueezeBackward4",
            "MmBackward0"} <= kinds
    assert "output: loss" in nodes["n0"]
    leaves = {re.search(r"<B>(\w+)</B>", nodes[i]).group(1)
              for i, (kind, _) in graph.nodes.items() if kind == "leaf"}
    assert leaves == {"w", "b"}
    # The target y needs no grad: a constant, named because its array is the one y holds.
    target = [i for i, (kind, _) in graph.nodes.items() if kind == "constant"
              and "<B>y</B>" in nodes[i]]
    assert target and ("n0", target[0]) in dot_edges(graph.source)


def test_weights_example_and_module_parameter_names():
    names, out = weights_example(torch)
    nodes = dot_nodes(draw_graph(out, names=names).source)
    assert "<B>SumBackward0</B>" in nodes["n0"] and "<B>weights</B>" in nodes["n2"]
    assert ">3<" in nodes["n3"]
    model = torch.nn.Linear(2, 1)
    loss = model(torch.ones(1, 2)).sum()
    source = draw_graph(loss, names={"model": model}, find_names=False).source
    assert "<B>model.weight</B>" in source and "<B>model.bias</B>" in source


def test_names_come_from_names_then_the_callers_namespace():
    x = torch.ones(2, requires_grad=True)
    out = (x * 2).sum()
    assert "<B>x</B>" in draw_graph(out).source
    assert "<B>input</B>" in draw_graph(out, names={"input": x}).source
    unnamed = draw_graph(out, find_names=False).source
    assert "<B>leaf</B>" in unnamed and "output: shape []" in unnamed


def test_several_outputs_leaf_output_and_no_grad_output():
    x = torch.ones(2, requires_grad=True)
    a, b = (x * 2).sum(), (x * 3).sum()
    graph = draw_graph([a, b])
    assert graph.outputs == ["n0", "n1"]
    assert repr(graph) == "<Graph: 7 nodes, outputs SumBackward0, SumBackward0>"
    assert sum(kind == "leaf" for kind, _ in graph.nodes.values()) == 1  # x drawn once
    leaf = draw_graph(x)
    assert leaf.nodes == {"n0": ("leaf", "torch::autograd::AccumulateGrad")}
    assert "output" in leaf.source
    plain = draw_graph(torch.ones(2))
    assert plain.nodes == {"n0": ("tensor", "tensor")} and "no grad_fn" in plain.source


def test_same_graph_drawn_twice_gives_the_same_dot():
    first = draw_graph(documents_example(torch)[1], show_values=True).source
    second = draw_graph(documents_example(torch)[1], show_values=True).source
    assert first == second
    assert "0x" not in first


def test_highlight_in_dot():
    names, out = documents_example(torch)
    graph = draw_graph(out, names=names, highlight=[names["z"], names["x"], "e5"])
    nodes = dot_nodes(graph.source)
    assert graph.highlighted == {"n1", "n5", "e5"}
    for nid in ("n1", "n5"):
        assert 'color="#D55E00"' in nodes[nid] and "peripheries=2" in nodes[nid]
        assert 'fillcolor="#F0E442"' in nodes[nid] and "penwidth=2" in nodes[nid]
    assert "peripheries" not in nodes["n0"]
    assert re.search(r'n4 -> n5 \[color="#D55E00" [^\]]*penwidth=3', graph.source)
    # A grad_fn node, or any Step of the backward walk, names its drawn node.
    assert draw_graph(out, highlight=out.grad_fn).highlighted == {"n0"}
    ids = [graph.id_of(step) for step in backward_steps(out, retain_graph=True)]
    assert sorted(ids) == ["n0", "n1", "n2", "n4", "n5"]
    with pytest.raises(ValueError, match="not part of this graph"):
        draw_graph(out, highlight=torch.ones(1, requires_grad=True))


def test_max_nodes_collapses_the_rest_into_one_node():
    x = torch.ones(1, requires_grad=True)
    y = x
    for _ in range(300):
        y = y.tanh()
    graph = draw_graph(y, max_nodes=10)
    assert len(graph.nodes) == 11 and graph.left_out == 291
    assert graph.nodes["n10"] == ("more", "more")
    assert "291 more nodes not drawn (max_nodes=10)" in dot_nodes(graph.source)["n10"]
    assert dot_edges(graph.source)[-1] == ("n9", "n10")
    assert repr(graph) == "<Graph: 11 nodes (291 more not drawn), output TanhBackward0>"
    assert graph.id_of(x) == "n10"  # a node left out is found in the collapsed node
    assert len(draw_graph(y, max_nodes=1000).nodes) == 301
    with pytest.raises(ValueError):
        draw_graph(y, rankdir="sideways")
    assert "rankdir=LR" in draw_graph(y, max_nodes=3, rankdir="LR").source


def test_hostile_names_are_escaped_in_dot():
    leaves = [torch.ones(2, requires_grad=True) for _ in HOSTILE]
    out = sum((t * 2 for t in leaves[1:]), leaves[0] * 2).sum()
    source = draw_graph(out, names=dict(zip(HOSTILE, leaves)), find_names=False).source
    assert "<B>&lt;script&gt;alert(1)&lt;/script&gt;</B>" in source
    assert "<B>&quot;a\\nb&quot;</B>" in source and "<B>{x|y}</B>" in source
    assert "<B>\\l</B>" in source
    # Outside quoted tooltips (escaped for DOT here, for XML by dot) no tag survives.
    assert "<script" not in re.sub(r'tooltip="(?:[^"\\]|\\.)*"', "", source)
    assert "\n" not in "".join(dot_nodes(source).values())  # no raw newline from a name


def test_import_and_source_without_graphviz_program(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # `dot` cannot be found
    graph = draw_graph(documents_example(torch)[1])
    assert graph.source.startswith('digraph "computational graph"')
    with pytest.raises(GraphvizNotFound) as error:
        graph.svg()
    message = str(error.value)
    for hint in ("apt-get install graphviz", "conda install graphviz", "brew install graphviz"):
        assert hint in message
    assert isinstance(error.value, RuntimeError) and error.value.__cause__ is None
    with pytest.raises(GraphvizNotFound):
        graph.layout()
    bundle = graph._repr_mimebundle_()
    assert "image/svg+xml" not in bundle and "apt-get install graphviz" in bundle["text/plain"]
    assert graph._repr_svg_() is None


def test_viz_imports_graphviz_only_when_drawing():
    program = textwrap.dedent("""
        import json, sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.partition(".")[0] == "graphviz":
                    raise ImportError("blocked by the test")

        sys.meta_path.insert(0, Block())
        import autograd_lab as torch
        from autograd_lab.viz import draw_graph
        try:
            graph = draw_graph((torch.ones(1, requires_grad=True) * 2).sum())
            outcome = repr(graph)  # the walk needs no graphviz; the DOT text does
            graph.source
        except ModuleNotFoundError as error:
            outcome = str(error)
        print(json.dumps(["graphviz" in sys.modules, outcome]))
    """)
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    loaded, outcome = json.loads(done.stdout.splitlines()[-1])
    assert not loaded and "pip install graphviz" in outcome


# ------------------------------------------------------------------ rendered with dot
@needs_dot
def test_svg_rendering_and_notebook_display():
    names, out = documents_example(torch)
    graph = draw_graph(out, names=names, find_names=False)
    svg = graph.svg()
    ET.fromstring(svg.encode())  # well-formed XML
    assert '<g id="n0" class="node">' in svg and '<g id="e0" class="edge">' in svg
    assert "MeanBackward0: backward node of out, shape []" in html.unescape(svg)
    assert {"MeanBackward0", "x", "output: out, shape []"} <= set(svg_texts(svg))
    bundle = graph._repr_mimebundle_()
    assert bundle["image/svg+xml"] == svg == graph._repr_svg_()
    assert bundle["text/plain"] == "<Graph: 7 nodes, output MeanBackward0>"
    assert draw_graph(out, names=names, find_names=False).svg() == svg  # reproducible


@needs_dot
def test_hostile_names_render_as_text():
    leaves = [torch.ones(2, requires_grad=True) for _ in HOSTILE]
    out = sum((t * 2 for t in leaves[1:]), leaves[0] * 2).sum()
    graph = draw_graph(out, names=dict(zip(HOSTILE, leaves)), find_names=False,
                       highlight=leaves[0])
    for svg in (graph.svg(), graph.layout().frame(highlight=leaves[1])):
        ET.fromstring(svg.encode())  # the DOT parsed and the SVG is well-formed
        assert "<script" not in svg.lower()
        texts = svg_texts(svg)
        for shown in SHOWN:
            assert shown in texts
        titles = [html.unescape(t) for t in re.findall(r'xlink:title="([^"]*)"', svg)]
        assert "leaf tensor <script>alert(1)</script>: backward adds its gradient into .grad" \
            in titles
        assert not re.search(r"<(?!/?(svg|g|a|title|polygon|path|ellipse|text|polyline)\b)"
                             r"[a-zA-Z]", svg.split("<svg", 1)[1])  # no tag from a label


def shape_positions(svg: str) -> dict[str, str]:
    """Node id -> the points of its outline, from each node's first shape element."""
    return {gid: re.search(r'points="([^"]*)"', group).group(1) for gid, group in
            re.findall(r'<g id="(n\d+)" class="node"[^>]*>(.*?)</g>\n</g>', svg, re.DOTALL)}


@needs_dot
def test_layout_once_then_restyled_frames(monkeypatch):
    names, out = documents_example(torch)
    graph = draw_graph(out, names=names, find_names=False, highlight=names["x"])
    runs = []
    run_dot = viz._run_dot
    monkeypatch.setattr(viz, "_run_dot", lambda digraph: runs.append(1) or run_dot(digraph))
    layout = graph.layout()
    steps = list(backward_steps(out, retain_graph=True))
    frames = [layout.frame(highlight=step) for step in steps]
    frames.append(layout.frame(styles={"e3": {"color": "#0072B2", "width": 3},
                                       names["y"]: {"opacity": 0.4, "bold": True}}))
    assert len(runs) == 1 and graph.layout() is layout
    assert "peripheries" not in str(layout.svg) and layout.svg.count("#D55E00") == 0
    positions = shape_positions(layout.svg)
    assert len(positions) == 7
    for frame in frames:
        ET.fromstring(frame.encode())
        assert shape_positions(frame) == positions
    assert frames[0] != frames[1]
    first = re.search(r'<g id="n0" class="node">.*?</g>\n</g>', frames[0], re.DOTALL).group()
    assert 'stroke="#D55E00"' in first and 'fill="#F0E442"' in first
    assert first.count("<polygon") == 2  # the double border, drawn in place
    assert '<g id="n4" class="node" opacity="0.4">' in frames[-1]
    edge = re.search(r'<g id="e3" class="edge">.*?</g>\n</g>', frames[-1], re.DOTALL).group()
    assert 'stroke="#0072B2"' in edge and 'stroke-width="3"' in edge
    with pytest.raises(ValueError, match="unknown style keys"):
        layout.frame(styles={"n0": {"colour": "red"}})


# ------------------------------------------------------------------ side by side with PyTorch
@pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                    reason="PyTorch (the [reference] extra) is not installed")
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda f: f.__name__)
def test_same_structure_as_pytorch(example):
    import torch as real

    ours_names, ours = example(torch)
    theirs_names, theirs = example(real)
    mine = draw_graph(ours, names=ours_names, find_names=False)
    pytorch = draw_graph(theirs, names=theirs_names, find_names=False)
    assert mine.nodes == pytorch.nodes
    assert mine.edges == pytorch.edges
    leaf_titles = re.findall(r"<B>(\w+)</B><BR/><FONT[^>]*>AccumulateGrad", pytorch.source)
    assert leaf_titles == re.findall(r"<B>(\w+)</B><BR/><FONT[^>]*>AccumulateGrad", mine.source)
    assert "output: " in dot_nodes(pytorch.source)["n0"]
    if "saves" in pytorch.source:
        theirs.backward()
        assert "(freed)" in draw_graph(theirs, names=theirs_names, find_names=False).source
