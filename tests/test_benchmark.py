"""The speed benchmark's harness: how it interleaves the backends it compares."""

import importlib.util
import pathlib
from collections import Counter

HARNESS = pathlib.Path(__file__).parent.parent / "benchmarks" / "engine.py"


def load_harness():
    spec = importlib.util.spec_from_file_location("benchmark_engine", HARNESS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_order(backends: list[str], repeats: int) -> list[str]:
    calls = []
    load_harness().measure({name: lambda name=name: calls.append(name) for name in backends},
                           repeats, inner=1)
    return calls[len(backends):]  # after the warm-up call of each


def test_each_backend_follows_every_other_equally_often_and_never_itself():
    calls = run_order(["a", "b", "c"], repeats=8)
    assert Counter(calls) == {"a": 8, "b": 8, "c": 8}
    pairs = Counter(zip(calls, calls[1:]))
    assert all(before != after for before, after in pairs)
    followers = Counter(after for _, after in pairs)
    # 23 consecutive pairs: each of the six ordered pairs 4 times, less the one cut off at the end
    assert sorted(pairs.values()) == [3, 4, 4, 4, 4, 4]
    assert max(followers.values()) - min(followers.values()) <= 1


def test_two_backends_simply_alternate():
    assert run_order(["a", "b"], repeats=4) == ["a", "b"] * 4
