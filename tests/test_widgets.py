"""``autograd_lab.widgets.BackwardStepper``, headless: the records it replays, its frames' styles,
its panel's numbers (checked against the math done by hand) and its widget wiring."""

from __future__ import annotations

import base64
import re
import shutil

import numpy as np
import pytest

pytest.importorskip("ipywidgets")
if shutil.which("dot") is None:
    pytest.skip("Graphviz's `dot` program is not installed (apt-get install graphviz); CI "
                "installs it", allow_module_level=True)

import autograd_lab as torch  # noqa: E402
from autograd_lab.printing import format_tensor  # noqa: E402
from autograd_lab.widgets import BackwardStepper  # noqa: E402

X0 = [0.3174, -1.1878, -1.8222]


def example():
    x = torch.tensor(X0, requires_grad=True)
    y = x + 2
    z = y * y * 2
    out = z.mean()
    return x, y, z, out


def t(a) -> str:
    return format_tensor(np.asarray(a, dtype=np.float32), dtype_name="float32")


@pytest.fixture
def stepper():
    x, y, z, out = example()
    s = BackwardStepper(out, names={"x": x, "y": y, "z": z, "out": out}, find_names=False)
    return s, x, y


def test_steps_and_highlighted_node(stepper):
    s, x, y = stepper
    names = [step.node.name() for step in s.steps]
    assert names == ["MeanBackward0", "MulBackward0", "MulBackward0", "AddBackward0",
                     "torch::autograd::AccumulateGrad"]
    assert s.index == 0 and s.current_node_id is None
    for k, step in enumerate(s.steps, 1):
        s.index = k
        nid = s.graph.id_of(step)
        assert s.current_node_id == nid
        svg = s.frame_svg()
        group = re.search(rf'<g id="{nid}" class="node">.*?</g>', svg, re.S).group()
        assert "#F0E442" in group  # the highlight's yellow fill
        for done in s.steps[:k - 1]:  # finished nodes: blue border
            g = re.search(rf'<g id="{s.graph.id_of(done)}" class="node">.*?</g>', svg, re.S)
            assert "#0072B2" in g.group()
    with pytest.raises(IndexError):
        s.index = len(s.steps) + 1


def test_panel_numbers_follow_the_chain_rule(stepper):
    s, x, y = stepper
    yv = np.array(X0, dtype=np.float32) + 2
    third = np.full(3, 1 / 3)
    assert "g = tensor(1.)" in s.panel_text(1)  # the seed at the output
    assert t(third) in s.panel_text(1)  # d(mean)/dz = 1/3
    assert "x: _expand(g / _numel(x.shape), x.shape)" in s.panel_text(1)  # the table's rule
    assert t(third * 2) in s.panel_text(2)  # (y*y)*2: d/d(y*y) = 2
    text = s.panel_text(3)  # y * y: the table's rule, and g * y sent to each input
    assert "x: g * y" in text and "y: g * x" in text
    sent = [line for line in text.splitlines() if line.lstrip().startswith("→ to input")]
    assert len(sent) == 2 and all(t(2 / 3 * yv) in line for line in sent)
    text = s.panel_text(4)  # y's node: two contributions arrive, and add
    assert text.count("arrived from MulBackward0") == 2
    assert "sum" in text and f"g = {t(4 * yv / 3)}" in text
    assert "x.grad = None" in text
    final = s.panel_text(5)
    assert f"x.grad = {t(4 * yv / 3)}" in final
    assert f"x.grad = {x.grad!r}" in final  # as print(x.grad) shows it


def test_grad_and_freeing_match_backward():
    x, _, _, out = example()
    BackwardStepper(out)
    x2, _, _, out2 = example()
    out2.backward()
    np.testing.assert_array_equal(x.grad.numpy(), x2.grad.numpy())
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        BackwardStepper(out)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        out.backward()


def test_retain_graph_allows_a_second_stepper():
    x, _, _, out = example()
    first = BackwardStepper(out, retain_graph=True)
    second = BackwardStepper(out, retain_graph=True)
    yv = np.array(X0, dtype=np.float32) + 2
    np.testing.assert_allclose(x.grad.numpy(), 2 * 4 * yv / 3, rtol=1e-6)  # accumulated twice
    assert f"x.grad = {t(4 * yv / 3)}" in first.panel_text(5)
    assert f"x.grad = {x.grad!r}" in second.panel_text(5)
    assert f"x.grad = {t(4 * yv / 3)}" in second.panel_text(0)  # what the first one left


def test_stepping_backward_and_buttons(stepper):
    s, _, _ = stepper
    s.next_button.click()
    s.next_button.click()
    assert s.index == 2
    s.prev_button.click()
    assert s.index == 1 and s.current_node_id == s.graph.id_of(s.steps[0])
    s.prev_button.click()
    s.prev_button.click()  # stays at 0
    assert s.index == 0
    s.index = 5
    s.next_button.click()
    assert s.index == 5
    s.reset_button.click()
    assert s.index == 0


def test_widget_wiring_and_classes(stepper):
    s, _, _ = stepper
    import ipywidgets as widgets

    links = {(link.source[1], link.target[1]): link for link in s.links}
    assert isinstance(links[("value", "value")], widgets.widget_link.Link)
    assert links[("value", "value")].source[0] is s.play
    assert {link.target[0] for link in s.links} == {s.slider, s.graph_view, s.panel_view}
    s.index = 3
    assert s.slider.value == s.play.value == 3
    assert s.graph_view.selected_index == s.panel_view.selected_index == 3
    assert "agl-stepper" in s._dom_classes
    assert all("agl-stepper-graph" in w._dom_classes for w in s.graph_view.children)
    assert all("agl-stepper-panel" in w._dom_classes for w in s.panel_view.children)
    images = s.graph_view.children
    assert len(images) == len(s.steps) + 1
    assert all(isinstance(w, widgets.Image) and w.format == "svg+xml" for w in images)
    assert bytes(images[3].value).decode() == s.frame_svg(3)
    assert all("<svg" not in w.value for w in s.panel_view.children)  # text only
    # the layout is computed once: every frame puts every label at the same place
    places = {tuple(re.findall(r'<text[^>]* x="([^"]*)" y="([^"]*)"', s.frame_svg(k)))
              for k in range(len(s.steps) + 1)}
    assert len(places) == 1 and len(next(iter(places))) > 5


def test_text_repr_is_short_and_stable(stepper):
    s, _, _ = stepper
    assert repr(s) == "<BackwardStepper: 5 steps, output MeanBackward0>"
    bundle = s._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert bundle["text/plain"] == repr(s)


def test_vector_gradient():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    v = torch.tensor([1.0, 0.5, 0.25])
    s = BackwardStepper(y, v, names={"x": x, "y": y}, find_names=False)
    assert "(the gradient you passed)" in s.panel_text(0)
    assert t([1.0, 0.5, 0.25]) in s.panel_text(0)
    assert "vector-Jacobian" in s.panel_text(0)
    x2 = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x2 * x2).backward(v)
    np.testing.assert_array_equal(x.grad.numpy(), x2.grad.numpy())
    assert f"x.grad = {x2.grad!r}" in s.panel_text(len(s.steps))


def test_broadcasting_shows_the_reduction():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = torch.tensor(0.5, requires_grad=True)
    out = (x + b).sum()
    s = BackwardStepper(out, names={"x": x, "b": b}, find_names=False)
    add = next(k for k, step in enumerate(s.steps, 1) if step.node.name() == "AddBackward0")
    text = s.panel_text(add)
    assert "summed over broadcast dimensions to y's shape ()" in text
    assert "tensor(3.)" in text
    assert f"b.grad = {b.grad!r}" in s.panel_text(len(s.steps)) and b.grad.item() == 3.0


def test_constants_are_drawn_cut_off():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    c = torch.tensor([3.0, 4.0])
    out = (x * c.detach()).sum()
    s = BackwardStepper(out, names={"x": x, "c": c}, find_names=False)
    constants = [nid for nid, (kind, _) in s.graph.nodes.items() if kind == "constant"]
    assert constants
    for k in range(len(s.steps) + 1):
        for nid in constants:
            group = re.search(rf'<g id="{nid}" class="node"[^>]*>', s.frame_svg(k)).group()
            assert 'opacity="0.5"' in group
    mul = next(k for k, step in enumerate(s.steps, 1) if step.node.name() == "MulBackward0")
    assert "none (a constant: needs no gradient)" in s.panel_text(mul)


def test_static_form(stepper):
    s, _, _ = stepper
    one = s.static(2)._repr_html_()
    assert one.count("<img") == 1 and "<script" not in one.lower()
    data = re.search(r"src='data:image/svg\+xml;base64,([^']+)'", one).group(1)
    assert base64.b64decode(data).decode() == s.frame_svg(2)
    every = s.static()
    html_all = every._repr_html_()
    assert html_all.count("<img") == len(s.steps) + 1
    assert "&gt;" in html_all and "→" in html_all  # panel text escaped (<BackwardStepper...>)
    assert repr(every).startswith(repr(s)) and "0x" not in repr(every)


def test_hostile_names_stay_text():
    x = torch.tensor([1.0], requires_grad=True)
    out = (x * 2).sum()
    s = BackwardStepper(out, names={"<script>alert(1)</script>": x}, find_names=False)
    assert "<script" not in s.static()._repr_html_()
    assert all("<script" not in w.value for w in s.panel_view.children)
    assert all(b"<script" not in bytes(w.value) for w in s.graph_view.children)


def test_core_does_not_import_ipywidgets():
    import subprocess
    import sys

    code = "import sys, autograd_lab; print('ipywidgets' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True).stdout.strip() == "False"


def test_small_jacobians_are_shown_with_the_vector_jacobian_product():
    """backward(v) computes vᵀJ: for y = W @ x the panel shows J = W and g · J = Wᵀv."""
    W = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    x = torch.tensor([1.0, -1.0, 2.0], requires_grad=True)
    s = BackwardStepper(W @ x, torch.tensor([1.0, 10.0]), names={"W": W, "x": x})
    text = s.panel_text(1)
    assert "J = d(output)/d(v)" in text
    assert _indent_free(t(W.detach().numpy())) in _indent_free(text)  # J is W itself
    assert f"g · J = {t(np.array([41.0, 52.0, 63.0]))}" in text
    assert x.grad.tolist() == [41.0, 52.0, 63.0]  # what the stepper's backward stored


def _indent_free(text: str) -> str:
    return " ".join(text.split())
