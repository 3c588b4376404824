"""Engine speed: each workload on autograd_lab, PyTorch (when installed) and hand-written numpy.

The same code runs on autograd_lab and on PyTorch (it is written against the torch API);
runs are interleaved in one process and the median of several repeats is reported, with
ratios against PyTorch (lesson-sized workloads) or against numpy (the large matmul).

    python benchmarks/engine.py            # full run
    python benchmarks/engine.py --quick    # fewer repeats
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time

import numpy as np

import autograd_lab

try:
    import torch
except ImportError:  # the comparison column is then left out
    torch = None


# ----------------------------------------------------------------------------- workloads
ELEMENTWISE = (lambda t: t * 1.5, lambda t: t + 2.0, lambda t: t.tanh(), lambda t: t.exp(),
               lambda t: -t, lambda t: t / 3.0, lambda t: t.sigmoid(), lambda t: t ** 2)


def elementwise_ops(lib, n=2000):
    """n elementwise ops on a 3-element tensor, each one's forward then its backward."""
    x = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
    v = lib.tensor([1.0, 0.5, 0.25])
    for i in range(n):
        ELEMENTWISE[i % len(ELEMENTWISE)](x).backward(v)
    return x.grad


def elementwise_numpy(n=2000):
    x = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    v = np.array([1.0, 0.5, 0.25], dtype=np.float32)
    grad = np.zeros_like(x)
    for i in range(n):  # the same forward values and vector-Jacobian products, by hand
        k = i % 8
        if k == 0:
            y, d = x * np.float32(1.5), v * np.float32(1.5)
        elif k == 1:
            y, d = x + np.float32(2.0), v
        elif k == 2:
            y = np.tanh(x)
            d = v * (1 - y * y)
        elif k == 3:
            y = np.exp(x)
            d = v * y
        elif k == 4:
            y, d = -x, -v
        elif k == 5:
            y, d = x / np.float32(3.0), v / np.float32(3.0)
        elif k == 6:
            y = 1 / (1 + np.exp(-x))
            d = v * y * (1 - y)
        else:
            y, d = x * x, v * 2 * x
        grad += d
    return grad


def documents(lib):
    """The documents' example: y = x + 2; z = y * y * 2; z.mean().backward()."""
    x = lib.tensor([0.3174, -1.1878, -1.8222], requires_grad=True)
    y = x + 2
    z = y * y * 2
    z.mean().backward()
    return x.grad


def documents_numpy():
    x = np.array([0.3174, -1.1878, -1.8222], dtype=np.float32)
    y = x + 2
    z = y * y * 2
    z.mean()
    return 4 * y / 3


def mlp(lib, steps=100):
    """A 2-16-16-1 tanh MLP on 200 points, trained with SGD."""
    lib.manual_seed(0)
    X = lib.randn(200, 2)
    Y = (X[:, 0:1] * X[:, 1:2] > 0).float()
    params = [lib.randn(2, 16) * 0.5, lib.zeros(16), lib.randn(16, 16) * 0.25, lib.zeros(16),
              lib.randn(16, 1) * 0.25, lib.zeros(1)]
    params = [p.requires_grad_() for p in params]
    W1, b1, W2, b2, W3, b3 = params
    opt = lib.optim.SGD(params, lr=0.1)
    for _ in range(steps):
        h = (X @ W1 + b1).tanh()
        h = (h @ W2 + b2).tanh()
        loss = lib.nn.functional.binary_cross_entropy_with_logits(h @ W3 + b3, Y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss


def mlp_numpy(steps=100):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 2)).astype(np.float32)
    Y = (X[:, :1] * X[:, 1:] > 0).astype(np.float32)
    W1, W2, W3 = (rng.standard_normal(s).astype(np.float32) * 0.3
                  for s in ((2, 16), (16, 16), (16, 1)))
    b1, b2, b3 = np.zeros(16, np.float32), np.zeros(16, np.float32), np.zeros(1, np.float32)
    for _ in range(steps):
        h1 = np.tanh(X @ W1 + b1)
        h2 = np.tanh(h1 @ W2 + b2)
        z = h2 @ W3 + b3
        g = (1 / (1 + np.exp(-z)) - Y) / z.size
        gW3, gb3 = h2.T @ g, g.sum(0)
        g2 = (g @ W3.T) * (1 - h2 * h2)
        gW2, gb2 = h1.T @ g2, g2.sum(0)
        g1 = (g2 @ W2.T) * (1 - h1 * h1)
        gW1, gb1 = X.T @ g1, g1.sum(0)
        for p, gp in ((W1, gW1), (b1, gb1), (W2, gW2), (b2, gb2), (W3, gW3), (b3, gb3)):
            p -= np.float32(0.1) * gp
    return z


def chain(lib, n=100_000):
    """A chain of n tiny ops, forward then backward (no recursion limit may stop it)."""
    x = lib.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0
    y.sum().backward()
    return x.grad


def chain_numpy(n=100_000):
    x = np.array([1.0], dtype=np.float32)
    y = x
    for _ in range(n):
        y = y * np.float32(1.0)
    g = np.ones_like(x)
    for _ in range(n):
        g = g * np.float32(1.0)
    return g


def matmul(lib, size=1024):
    """A size x size matmul, forward and backward."""
    a = lib.ones(size, size, requires_grad=True)
    b = lib.ones(size, size, requires_grad=True)
    (a @ b).sum().backward()
    return a.grad


def matmul_numpy(size=1024):
    a = np.ones((size, size), np.float32)
    b = np.ones((size, size), np.float32)
    (a @ b).sum()
    g = np.ones((size, size), np.float32)
    return g @ b.T, a.T @ g


# ----------------------------------------------------------------------------- harness
WORKLOADS = [
    # name, library version, numpy version, reference for the ratio, target ratio
    ("2,000 elementwise ops, each fwd+bwd", elementwise_ops, elementwise_numpy, "torch", 0.5),
    ("documents' example (x+2, y*y*2, mean)", documents, documents_numpy, "torch", 0.5),
    ("2-16-16-1 tanh MLP, 100 SGD steps", mlp, mlp_numpy, "torch", 0.6),
    ("100,000-op chain", chain, chain_numpy, "torch", 0.5),
    ("1024x1024 matmul, forward+backward", matmul, matmul_numpy, "numpy", 1.05),
]


def _time(fn, inner: int) -> float:
    start = time.perf_counter()
    for _ in range(inner):
        fn()
    return (time.perf_counter() - start) / inner


def measure(fn_by_backend: dict, repeats: int, inner: int) -> dict:
    """Median seconds per call for each backend, the backends interleaved in every repeat.

    A run pays for what the run before it left behind (caches filled with other data, memory
    handed back to the system), so the repeats alternate between two orders, A B C and
    A C B, which together put every backend right after each other one equally often and
    never after itself (with two backends: A B A B). An even number of repeats keeps that
    balance exact."""
    samples = {name: [] for name in fn_by_backend}
    for fn in fn_by_backend.values():
        fn()  # warm up
    first = list(fn_by_backend.items())
    orders = (first, first[:1] + first[:0:-1])
    for repeat in range(repeats):
        for name, fn in orders[repeat % 2]:
            samples[name].append(_time(fn, inner))
    return {name: statistics.median(s) for name, s in samples.items()}


def chain_linearity(repeats: int) -> list[tuple[int, float]]:
    return [(n, measure({"a": lambda n=n: chain(autograd_lab, n)}, repeats, 1)["a"])
            for n in (25_000, 50_000, 100_000)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args(argv)
    repeats = 4 if args.quick else 8
    print(f"autograd_lab {autograd_lab.__version__}, numpy {np.__version__}, "
          f"torch {torch.__version__ if torch else '(not installed)'}; median of {repeats}")
    header = f"{'workload':40s} {'autograd_lab':>13s} {'torch':>11s} {'numpy':>11s} {'ratio':>16s}"
    print(header)
    print("-" * len(header))
    if torch is not None:
        torch.set_num_threads(1)  # lesson-sized work: one thread is PyTorch's fastest here
    # The objects the imports and first calls make (PyTorch's are many: it builds caches and
    # op tables on first use) belong to no workload: run every workload once on every
    # backend, then keep the garbage collector from rescanning those objects, for all alike.
    for _, lib_fn, numpy_fn, _, _ in WORKLOADS:
        numpy_fn()
        for lib in (autograd_lab, torch):
            if lib is not None:
                lib_fn(lib)
    gc.collect()
    gc.freeze()
    met = True
    for name, lib_fn, numpy_fn, reference, target in WORKLOADS:
        small = lib_fn is not chain and lib_fn is not matmul
        inner = 200 if lib_fn is documents else (1 if not small else 2)
        backends = {"autograd_lab": lambda f=lib_fn: f(autograd_lab), "numpy": numpy_fn}
        if torch is not None:
            backends["torch"] = lambda f=lib_fn: f(torch)
        t = measure(backends, repeats, inner)
        ratio = t["autograd_lab"] / t[reference] if reference in t else float("nan")
        ok = ratio <= target
        met &= ok or reference not in t
        torch_col = f"{t['torch'] * 1e3:9.3f}ms" if "torch" in t else f"{'-':>11s}"
        print(f"{name:40s} {t['autograd_lab'] * 1e3:11.3f}ms {torch_col} "
              f"{t['numpy'] * 1e3:9.3f}ms {ratio:6.2f}x {reference:5s} "
              f"{'ok' if ok else 'SLOW'} (target {target}x)")
    print("\nchain length vs time (linear growth expected):")
    for n, seconds in chain_linearity(3 if args.quick else 5):
        print(f"  {n:>7,d} ops: {seconds * 1e3:8.1f} ms  ({seconds / n * 1e6:.2f} us/op)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
