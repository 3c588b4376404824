"""``import autograd_lab`` needs only numpy: not the notebook stack (graphviz, ipywidgets,
IPython, jupyter), which is the optional ``[lessons]`` extra, and not PyTorch, which is only
the reference the parity tests compare against.

Each test runs a fresh interpreter, so modules the test session already imported don't count.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

NOTEBOOK_PACKAGES = ["graphviz", "ipywidgets", "IPython", "jupyter", "jupyter_core",
                     "jupyter_client", "jupyterlab", "ipykernel", "ipython_genutils", "nbformat"]

# Installs a finder that makes the given top-level packages unimportable, then imports
# autograd_lab and uses it; prints what happened as JSON on the last line.
PROGRAM = textwrap.dedent("""
    import json
    import sys

    BLOCKED = set(json.loads(sys.argv[1]))
    preloaded = sorted(n for n in sys.modules if n.partition(".")[0] in BLOCKED)
    attempted = []


    class Block:
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in BLOCKED:
                attempted.append(name)
                raise ImportError(f"No module named {name!r} (blocked by the test)", name=name)
            return None


    if BLOCKED:
        sys.meta_path.insert(0, Block())

    import autograd_lab as torch
    import autograd_lab.autograd
    import autograd_lab.nn
    import autograd_lab.nn.functional as F
    import autograd_lab.optim

    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    loss = (x * x).sum()
    loss.backward()
    model = torch.nn.Linear(3, 1)
    out = F.binary_cross_entropy_with_logits(model(x.detach().unsqueeze(0)).squeeze(1),
                                             torch.ones(1))
    out.backward()
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    text = repr(loss) + repr(x) + repr(loss.grad_fn) + repr(model)
    steps = [s.node.name() for s in torch.autograd.backward_steps((x * 2).sum())]

    loaded = sorted(n for n in sys.modules
                    if n.partition(".")[0] in BLOCKED | {"torch"})
    print(json.dumps({"preloaded": preloaded, "attempted": attempted, "loaded": loaded,
                      "grad": x.grad.tolist(), "steps": steps, "printed": bool(text)}))
""")


def run(blocked: list[str]) -> dict:
    done = subprocess.run([sys.executable, "-c", PROGRAM, json.dumps(blocked)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_works_without_the_notebook_packages():
    result = run(NOTEBOOK_PACKAGES)
    assert result["preloaded"] == []  # the interpreter itself did not bring them in
    assert result["loaded"] == [], f"imported anyway: {result['loaded']}"
    # d/dx sum(x^2) = 2x, then d/dx sum(2x) = 2 added by the stepped walk
    assert result["grad"] == [4.0, 6.0, 8.0]
    assert result["steps"] == ["SumBackward0", "MulBackward0",
                               "torch::autograd::AccumulateGrad"]
    assert result["printed"]


def test_import_does_not_import_torch():
    result = run([])
    assert not [n for n in result["loaded"] if n.partition(".")[0] == "torch"], result["loaded"]
    assert result["grad"] == [4.0, 6.0, 8.0]


def test_import_works_with_torch_unimportable():
    result = run(["torch"])
    assert result["loaded"] == []
    assert result["attempted"] == [], "autograd_lab tried to import torch"
    assert result["grad"] == [4.0, 6.0, 8.0]
