"""Tests for autograd_lab.random: bit-for-bit agreement with PyTorch's CPU generator."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd_lab import random as agl_random

F32, F64 = np.float32, np.float64
SEEDS = [0, 1, 42, 1234, 2**31 - 1, 2**32 + 7, 2**63 + 5, 2**64 - 1]
SIZES = [*range(1, 41), 100, 1000, 4097]
SHAPES = [(5, 3), (2, 2), (3, 3), (4, 4), (2, 3, 5), (16, 3), ()]
seeds = st.one_of(st.integers(0, 2**32 - 1), st.integers(-(2**63), 2**64 - 1))


def bits(a):
    """Raw bytes plus dtype and shape, so that equality means bit-for-bit equality."""
    a = np.asarray(a)
    return a.dtype.str, a.shape, a.tobytes()


# ---------------------------------------------------------------------------------------------
# Without torch: known values and properties
# ---------------------------------------------------------------------------------------------


def test_known_randn_values():
    agl_random.manual_seed(0)
    np.testing.assert_allclose(agl_random.normal_array((3,), F32), [1.5410, -0.2934, -2.1788],
                               atol=1e-4)
    np.testing.assert_allclose(agl_random.normal_array((3,), F32), [0.5684, -1.0845, -1.3986],
                               atol=1e-4)
    agl_random.manual_seed(0)
    np.testing.assert_allclose(agl_random.normal_array((5, 3), F32)[0], [1.5410, -0.2934, -2.1788],
                               atol=1e-4)


def test_known_exact_bits():
    """Values recorded from torch 2.13 (CPU, this machine) after manual_seed(0)."""
    agl_random.manual_seed(0)
    assert agl_random.normal_array((20,), F32)[:4].view(np.uint32).tolist() == [
        3213892485, 3214114954, 3196079062, 3202229597]
    agl_random.manual_seed(0)
    assert agl_random.uniform_array((4,), F32).view(np.uint32).tolist() == [
        1056839000, 1061464623, 1035285416, 1040659200]
    agl_random.manual_seed(0)
    assert agl_random.normal_array((4,), F64).tolist() == [
        1.5409961082440433, -0.2934289057609464, -2.1787893820745574, 0.5684312772806678]
    agl_random.manual_seed(0)
    assert agl_random.randint_array(0, 100, (6,)).tolist() == [44, 39, 33, 60, 63, 79]
    assert agl_random.randperm_array(6).tolist() == [1, 4, 3, 2, 5, 0]


def test_mt19937_reference_outputs():
    # The C++ standard pins std::mt19937 seeded with 5489: first output and 10000th output.
    draws = agl_random.Generator().manual_seed(5489)._random(10000)
    assert int(draws[0]) == 3499211612
    assert int(draws[-1]) == 4123659995


def test_seeds_use_low_32_bits_but_remember_all_64():
    a = agl_random.Generator().manual_seed(7).get_state()
    gen = agl_random.Generator().manual_seed(2**32 + 7)
    assert gen.initial_seed() == 2**32 + 7
    assert np.array_equal(gen.get_state()[24:], a[24:])
    assert agl_random.Generator().manual_seed(-1).initial_seed() == 2**64 - 1
    assert agl_random.Generator().manual_seed(1.5).initial_seed() == 1
    for bad in (2**64, -(2**63) - 1):
        with pytest.raises(ValueError, match="Overflow"):
            agl_random.manual_seed(bad)


def test_generator_api():
    assert agl_random.Generator().initial_seed() == 67280421310721
    assert agl_random.Generator("cpu").device == "cpu"
    with pytest.raises(RuntimeError, match="CPU"):
        agl_random.Generator("cuda")
    gen = agl_random.Generator()
    assert gen.manual_seed(3) is gen
    assert agl_random.manual_seed(5) is agl_random.default_generator
    assert agl_random.initial_seed() == 5
    s = agl_random.seed()
    assert 0 <= s < 2**64 and agl_random.initial_seed() == s
    assert 0 <= agl_random.default_generator.initial_seed() < 2**64


@pytest.mark.parametrize("dtype", [F32, F64])
def test_state_roundtrip_includes_cached_normal(dtype):
    gen = agl_random.Generator().manual_seed(11)
    agl_random.normal_array((3,), dtype, generator=gen)  # leaves a cached second sample
    state = gen.get_state()
    assert state.dtype == np.uint8 and state.shape == (5056,)
    first = [bits(agl_random.normal_array((n,), dtype, generator=gen)) for n in (1, 17, 2)]
    gen.set_state(state)
    assert [bits(agl_random.normal_array((n,), dtype, generator=gen)) for n in (1, 17, 2)] == first


def test_generators_are_independent():
    a, b = agl_random.Generator().manual_seed(9), agl_random.Generator().manual_seed(9)
    agl_random.manual_seed(1)
    x = agl_random.normal_array((5,), F32, generator=a)
    agl_random.normal_array((50,), F32)  # the default generator does not disturb a or b
    assert bits(agl_random.normal_array((5,), F32, generator=b)) == bits(x)


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("shape", [(0,), (1,), (15,), (16,), (33,), (4, 5), ()])
def test_shapes_dtypes_and_ranges(dtype, shape):
    gen = agl_random.Generator().manual_seed(0)
    u = agl_random.uniform_array(shape, dtype, -2.0, 3.0, generator=gen)
    z = agl_random.normal_array(shape, dtype, 1.0, 2.0, generator=gen)
    for a in (u, z):
        assert a.dtype == dtype and a.shape == shape and np.isfinite(a).all()
    assert ((u >= -2) & (u < 3)).all()
    r = agl_random.randint_array(-3, 4, shape, generator=gen)
    assert r.dtype == np.int64 and r.shape == shape and ((r >= -3) & (r < 4)).all()


def test_randperm_is_a_permutation():
    for n in (0, 1, 2, 10, 1000):
        p = agl_random.randperm_array(n, generator=agl_random.Generator().manual_seed(n))
        assert p.dtype == np.int64 and sorted(p.tolist()) == list(range(n))


def test_errors_match_torch_wording():
    with pytest.raises(RuntimeError, match="normal expects std >= 0.0"):
        agl_random.normal_array((3,), F32, std=-1.0)
    with pytest.raises(RuntimeError, match="uniform_ expects to return a"):
        agl_random.uniform_array((3,), F32, 2.0, 1.0)
    with pytest.raises(RuntimeError, match="random_ expects 'from' to be less than 'to'"):
        agl_random.randint_array(3, 3, (2,))
    with pytest.raises(TypeError):
        agl_random.normal_array((3,), np.int32)


def _round_exact(q, dtype):
    """Fraction ``q`` rounded to nearest (ties to even) in ``dtype``."""
    f = dtype(float(q))  # maybe off by one unit after double rounding: pick the best neighbour
    cands = [np.nextafter(f, dtype(-np.inf)), f, np.nextafter(f, dtype(np.inf))]
    return min(cands, key=lambda c: (abs(Fraction(float(c)) - q),
                                     int(np.array(c).view(np.uint32 if dtype == F32 else np.uint64))
                                     & 1))


def _moderate(lo, hi, width):  # no overflow, and no underflow of products
    mag = st.floats(lo, hi, width=width)
    return st.one_of(st.just(0.0), mag, mag.map(lambda v: -v))


finite32 = _moderate(2.0**-20, 2.0**20, 32)
finite64 = _moderate(2.0**-200, 2.0**200, 64)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(finite32, finite32, finite32), min_size=1, max_size=8))
def test_fma_float32_rounds_once(triples):
    a, b, c = (np.array(v, F32) for v in zip(*triples, strict=True))
    got = agl_random._fma(a, b, c, F32)
    want = [_round_exact(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z)), F32)
            for x, y, z in triples]
    assert bits(got) == bits(np.array(want, F32))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(finite64, finite64, finite64), min_size=1, max_size=8))
def test_fma_float64_rounds_once(triples):
    a, b, c = (np.array(v, F64) for v in zip(*triples, strict=True))
    got = agl_random._fma(a, b, c, F64)
    want = [float(Fraction(x) * Fraction(y) + Fraction(z)) for x, y, z in triples]
    assert bits(got) == bits(np.array(want, F64))



@pytest.mark.parametrize("dtype", [F32, F64])
def test_fma_keeps_the_sign_of_an_exact_zero(dtype):
    # a*b + c with a zero product: -0 + -0 is -0, +0 + -0 is +0 (IEEE, as the hardware FMA);
    # a normal of std 0 and mean -0 is made so. (Fractions cannot tell the zeros apart.)
    got = agl_random._fma(np.array([0.3, -0.2, 0.0, -0.0], dtype), dtype(0), dtype(-0.0), dtype)
    assert np.signbit(got).tolist() == [False, True, False, True]
    assert not got.any()

def test_fma_float32_double_rounding_trap():
    # a*b + c = 1 + 3*2**-24 - 2**-70: float64 rounds it to the float32 midpoint 1 + 3*2**-24,
    # whose tie goes up to 1 + 2**-22; rounding once gives 1 + 2**-23.
    a, b, c = F32(1 + 2**-23), F32(2**-24 * (1 - 2**-23)), F32(1 + 2**-23)
    assert F32(np.float64(a) * np.float64(b) + np.float64(c)) == F32(1 + 2**-22)
    assert agl_random._fma(np.array([a]), b, c, F32)[0] == F32(1 + 2**-23)


def test_batched_fma32_flags_only_an_inexact_halfway_sum():
    trap = (F32(1 + 2**-23), F32(2**-24 * (1 - 2**-23)), F32(1 + 2**-23))  # as above
    exact_tie = (F32(1), F32(2**-24), F32(1))  # lands halfway too, but exactly: no harm
    rng = np.random.default_rng(3)
    a, b, c = (rng.standard_normal((4, 8)).astype(F32) for _ in range(3))
    batch = agl_random._BatchedFma32()
    assert bits(batch(a, b, c)) == bits(agl_random._fma(a, b, c, F32))
    tie = batch(np.full((4, 8), exact_tie[0]), exact_tie[1], exact_tie[2])
    assert (tie == F32(1)).all() and batch.exact()
    got = batch(np.full((4, 8), trap[0]), trap[1], trap[2])
    assert got[0, 0] == F32(1 + 2**-22)  # rounded twice: only exact() can tell
    assert not batch.exact()


@pytest.mark.parametrize("exact", [True, False])
def test_box_muller_redoes_an_inexact_batch_with_checked_fmas(monkeypatch, exact):
    u = np.random.default_rng(4).random((3, 16)).astype(F32)
    want = agl_random._box_muller_16(u, F32(0), F32(1), np.dtype(F32))
    checked, batched = [], []
    monkeypatch.setattr(agl_random._BatchedFma32, "exact",
                        lambda self: batched.append(len(self.terms)) or exact)
    monkeypatch.setattr(agl_random, "_fma32", lambda *abc: checked.append(1) or
                        agl_random._fma(*abc, F32))
    assert bits(agl_random._box_muller_16(u, F32(0), F32(1), np.dtype(F32))) == bits(want)
    assert batched[0] > 0
    assert len(checked) == (0 if exact else batched[0])  # every FMA of the batch, checked


# ---------------------------------------------------------------------------------------------
# Against torch, bit for bit
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch", reason="torch is the reference for bit-exact checks")


def tdtype(torch, dtype):
    return torch.float32 if dtype == F32 else torch.float64


def same(ours, theirs):
    assert bits(ours) == bits(theirs.numpy())


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("seed", SEEDS)
def test_randn_rand_match_torch(torch, seed, dtype):
    td = tdtype(torch, dtype)
    for n in SIZES:
        torch.manual_seed(seed)
        agl_random.manual_seed(seed)
        same(agl_random.normal_array((n,), dtype), torch.randn(n, dtype=td))
        same(agl_random.normal_array((n,), dtype), torch.randn(n, dtype=td))  # cached sample
        same(agl_random.uniform_array((n,), dtype), torch.rand(n, dtype=td))
        same(agl_random.normal_array((n,), dtype, -1.25, 0.3),
             torch.empty(n, dtype=td).normal_(-1.25, 0.3))
        same(agl_random.uniform_array((n,), dtype, -2.5, 3.7),
             torch.empty(n, dtype=td).uniform_(-2.5, 3.7))
        same(agl_random.get_rng_state(), torch.get_rng_state())


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("shape", SHAPES)
def test_shapes_match_torch(torch, shape, dtype):
    td = tdtype(torch, dtype)
    for seed in (0, 42, 2**40 + 3):
        torch.manual_seed(seed)
        agl_random.manual_seed(seed)
        same(agl_random.normal_array(shape, dtype), torch.randn(shape, dtype=td))
        same(agl_random.uniform_array(shape, dtype), torch.rand(shape, dtype=td))
        same(agl_random.normal_array(shape, dtype, 2.0, 5.0), torch.normal(2.0, 5.0, shape,
                                                                           dtype=td))


@pytest.mark.parametrize("low,high", [
    (0, 1), (0, 10), (-3, 10), (-(2**27), 2**27 - 1), (0, 2**28 - 1), (0, 2**28), (-5, 2**28 - 5),
    (0, 2**31), (0, 2**32 - 1), (0, 2**32), (-(2**40), 2**40), (-(2**63), 2**63 - 1),
])
def test_randint_matches_torch(torch, low, high):
    for seed in (0, 7, 2**33):
        torch.manual_seed(seed)
        agl_random.manual_seed(seed)
        for shape in [(1,), (17,), (3, 4), ()]:
            same(agl_random.randint_array(low, high, shape), torch.randint(low, high, shape))


def test_randperm_matches_torch(torch):
    for seed in (0, 3, 99):
        torch.manual_seed(seed)
        agl_random.manual_seed(seed)
        for n in (0, 1, 2, 3, 8, 50, 1000, 70000):
            same(agl_random.randperm_array(n), torch.randperm(n))


def test_explicit_generators_match_torch(torch):
    g, ours = torch.Generator(), agl_random.Generator()
    assert g.initial_seed() == ours.initial_seed()
    same(agl_random.normal_array((7,), F32, generator=ours), torch.randn(7, generator=g))
    g.manual_seed(2**50 + 1)
    ours.manual_seed(2**50 + 1)
    for n in (3, 20, 5):
        same(agl_random.normal_array((n,), F64, generator=ours),
             torch.randn(n, generator=g, dtype=torch.float64))
        same(agl_random.uniform_array((n,), F32, generator=ours), torch.rand(n, generator=g))
        same(agl_random.randint_array(-9, 9, (n,), generator=ours), torch.randint(-9, 9, (n,),
                                                                                  generator=g))
        same(agl_random.randperm_array(n, generator=ours), torch.randperm(n, generator=g))
    same(ours.get_state(), g.get_state())


def test_state_interop_with_torch(torch):
    torch.manual_seed(5)
    same(agl_random.manual_seed(5).get_state(), torch.get_rng_state())  # fresh state too
    torch.randn(3)  # leaves a cached normal in torch's generator
    torch.rand(700)  # and moves past a twist of the Mersenne state
    agl_random.set_rng_state(torch.get_rng_state().numpy())
    same(agl_random.normal_array((5,), F32), torch.randn(5))
    torch.set_rng_state(torch.from_numpy(agl_random.get_rng_state()))
    same(agl_random.normal_array((33,), F32), torch.randn(33))
    assert agl_random.initial_seed() == torch.initial_seed() == 5


def test_seed_matches_torch_range(torch):
    # torch seeds its default generator from the OS at start-up, with the full 64 bits.
    s = agl_random.seed()
    torch.manual_seed(s)
    same(agl_random.normal_array((9,), F32), torch.randn(9))


OPS = st.sampled_from(["randn", "rand", "normal", "uniform", "randint", "randperm"])
CALLS = st.lists(st.tuples(OPS, st.integers(0, 70), st.sampled_from([F32, F64]),
                           st.floats(-3, 3), st.floats(0, 4)), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=seeds, calls=CALLS)
def test_call_sequences_match_torch(torch, seed, calls):
    torch.manual_seed(seed)
    agl_random.manual_seed(seed)
    for op, n, dtype, a, b in calls:
        td = tdtype(torch, dtype)
        if op == "randn":
            same(agl_random.normal_array((n,), dtype), torch.randn(n, dtype=td))
        elif op == "rand":
            same(agl_random.uniform_array((n,), dtype), torch.rand(n, dtype=td))
        elif op == "normal":
            same(agl_random.normal_array((n,), dtype, a, b), torch.empty(n, dtype=td).normal_(a, b))
        elif op == "uniform":
            same(agl_random.uniform_array((n,), dtype, a, a + b),
                 torch.empty(n, dtype=td).uniform_(a, a + b))
        elif op == "randint":
            lo, hi = int(a * 1e9), int(a * 1e9) + 1 + int(b * 1e8)
            same(agl_random.randint_array(lo, hi, (n,)), torch.randint(lo, hi, (n,)))
        else:
            same(agl_random.randperm_array(n), torch.randperm(n))
    same(agl_random.get_rng_state(), torch.get_rng_state())


# Crafted states: torch.set_rng_state lets us choose the next 32-bit draws exactly (the state
# words are the draws before MT19937's "tempering", which we undo), so we can feed the float32
# Box-Muller kernel chosen uniforms, edge cases included.

def _untemper(y):
    """Invert MT19937's output tempering: each xor-shift step is undone by iterating it."""
    y = y.astype(np.uint64)
    y ^= y >> np.uint64(18)
    for shift, mask, times in [(-15, 0xEFC60000, 3), (-7, 0x9D2C5680, 5), (11, 0xFFFFFFFF, 3)]:
        x = y
        for _ in range(times):
            moved = x << np.uint64(-shift) if shift < 0 else x >> np.uint64(shift)
            x = y ^ (moved & np.uint64(mask))
        y = x
    return y


def _with_draws(draws):
    """An RNG state (torch layout) whose next ``len(draws)`` <= 623 raw outputs are ``draws``."""
    state = np.frombuffer(agl_random.Generator().manual_seed(0).get_state().tobytes(),
                          agl_random._STATE_LAYOUT)[0].copy()
    state["key"][1:1 + len(draws)] = _untemper(np.asarray(draws, np.uint64))
    state["left"], state["next"] = 624, 1
    return np.frombuffer(state.tobytes(), np.uint8).copy()


def test_crafted_draws_reach_the_generator():
    draws = np.random.default_rng(0).integers(0, 2**32, 600, dtype=np.uint64)
    gen = agl_random.Generator().set_state(_with_draws(draws))
    assert np.array_equal(gen._random(600), draws)


@pytest.mark.parametrize("mean,std", [(0.0, 1.0), (0.7, 2.3)])
def test_float32_box_muller_on_chosen_uniforms(torch, mean, std):
    top = 2**24
    edges = [0, 1, 2, 3, top - 1, top - 2, 4913933, 4913934]  # 1 - u near 2**-k and sqrt(1/2)
    edges += [top - 2**k + d for k in range(24) for d in (-1, 0, 1)]
    edges += [2**21 * k + d for k in range(8) for d in (-1, 0, 1)]  # octants of 2*pi*u
    ks = np.concatenate([edges, np.random.default_rng(1).integers(0, top, 60000)]) % top
    ks = np.resize(ks, -(-ks.size // 304) * 304).astype(np.uint64)
    rng = np.random.default_rng(2)
    blocks = np.concatenate([ks.reshape(-1, 8), rng.permutation(ks).reshape(-1, 8)], axis=1)
    blocks |= rng.integers(0, 256, blocks.shape, dtype=np.uint64) << np.uint64(24)  # ignored bits
    for chunk in blocks.reshape(-1, 608):  # each value as a radius and as an angle input
        state = _with_draws(chunk)
        torch.set_rng_state(torch.from_numpy(state))
        agl_random.set_rng_state(state)
        same(agl_random.normal_array((608,), F32, mean, std),
             torch.empty(608).normal_(mean, std))


def test_rng_state_tensor_round_trip():
    """torch.get_rng_state() gives a uint8 tensor that set_rng_state() takes back."""
    import autograd_lab as agl

    agl.manual_seed(7)
    state = agl.get_rng_state()
    first = agl.randn(5)
    agl.set_rng_state(state)
    assert state.dtype is agl.uint8 and state.shape == (5056,)
    assert agl.equal(first, agl.randn(5))


@pytest.mark.parametrize("std", [2.225073858507203e-309, 1e-300, 1e300])
def test_float64_normal_with_extreme_std_matches_torch(torch, std):
    """The single-rounding z * std + mean stays exact where products underflow or are huge."""
    torch.manual_seed(0)
    agl_random.manual_seed(0)
    same(agl_random.normal_array((20,), F64, 0.5, std),
         torch.empty(20, dtype=torch.float64).normal_(0.5, std))
    same(agl_random.normal_array((3,), F64, 0.0, std),
         torch.empty(3, dtype=torch.float64).normal_(0.0, std))
