"""How fast ``BackwardStepper`` is: (a) its first render, construction included (backward, the
one ``dot`` layout and every frame's SVG and widgets), for a graph of about 50 nodes (target
150 ms); (b) setting ``.index`` until the widgets show the new step (target 10 ms per step).

Run: ``python benchmarks/stepper.py`` (needs Graphviz's ``dot`` and ipywidgets). Prints medians.
"""

from __future__ import annotations

import statistics
import time

import autograd_lab as torch
from autograd_lab.widgets import BackwardStepper

RUNS = 7


def fifty_node_graph():
    """Two leaves and a chain of 48 ops (add, then mul and tanh, in turn): 51 drawn nodes."""
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    w = torch.tensor([1.5, 0.25, -0.5], requires_grad=True)
    h = x
    for i in range(32):
        h = (h * w).tanh() if i % 2 else h + w
    return h.sum()


def main() -> None:
    first, steps, nodes = [], [], 0
    for _ in range(RUNS):
        out = fifty_node_graph()
        start = time.perf_counter()
        stepper = BackwardStepper(out, find_names=False)
        first.append(time.perf_counter() - start)
        nodes = len(stepper.graph.nodes)
        n = len(stepper.steps)
        start = time.perf_counter()
        for k in list(range(1, n + 1)) + list(range(n - 1, -1, -1)):
            stepper.index = k
            assert stepper.graph_view.selected_index == k
        steps.append((time.perf_counter() - start) / (2 * n))
    print(f"graph: {nodes} nodes drawn, {n} steps; medians of {RUNS} runs")
    print(f"(a) first render (backward + layout + all frames): "
          f"{statistics.median(first) * 1e3:.1f} ms (target 150 ms)")
    print(f"(b) set .index -> widgets updated: {statistics.median(steps) * 1e3:.3f} ms per step "
          f"(target 10 ms)")


if __name__ == "__main__":
    main()
