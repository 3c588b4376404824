"""Tests for autograd_lab.printing: measured PyTorch 2.13 output, then a live comparison."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd_lab import dtypes
from autograd_lab.printing import format_tensor, get_printoptions, set_printoptions

nan, inf = math.nan, math.inf
GRAD = {"requires_grad": True}
ADD, MUL = {"grad_fn_name": "AddBackward0"}, {"grad_fn_name": "MulBackward0"}


def f32(x):
    return np.array(x, dtype=np.float32)


def show(arr, **suffix):
    return format_tensor(arr, dtype_name=arr.dtype.name, **suffix)


@pytest.fixture
def reset_options():
    yield
    set_printoptions(profile="default")
    dtypes.set_default_dtype(dtypes.float32)


# --- 1. Output measured on PyTorch 2.13 (torch_spec.md, sections 2.1 - 2.7) ------------------

ARANGE30 = """\
tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,
        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29])"""
ARANGE30_7 = """\
tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,
        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,
        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,
        3.8571, 4.0000, 4.1429])"""
SUMMARY_40x50 = """\
tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 4.7000e+01, 4.8000e+01,
         4.9000e+01],
        [5.0000e+01, 5.1000e+01, 5.2000e+01,  ..., 9.7000e+01, 9.8000e+01,
         9.9000e+01],
        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.4700e+02, 1.4800e+02,
         1.4900e+02],
        ...,
        [1.8500e+03, 1.8510e+03, 1.8520e+03,  ..., 1.8970e+03, 1.8980e+03,
         1.8990e+03],
        [1.9000e+03, 1.9010e+03, 1.9020e+03,  ..., 1.9470e+03, 1.9480e+03,
         1.9490e+03],
        [1.9500e+03, 1.9510e+03, 1.9520e+03,  ..., 1.9970e+03, 1.9980e+03,
         1.9990e+03]])"""

SPEC_CASES = [
    # 2.1 scalars
    ("tensor(3.)", f32(3.0), {}),
    ("tensor(3)", np.array(3), {}),
    ("tensor(0.5000)", f32(0.5), {}),
    ("tensor(-0.5000)", f32(-0.5), {}),
    ("tensor(1.0000e-05)", f32(1e-5), {}),
    ("tensor(1.2346e+08)", f32(123456789.0), {}),
    ("tensor(True)", np.array(True), {}),
    ("tensor(2.5000, dtype=torch.float64)", np.array(2.5), {}),
    ("tensor(27., grad_fn=<MeanBackward0>)", f32(27.0), {"grad_fn_name": "MeanBackward0"}),
    ("tensor(1.3804, requires_grad=True)", f32(1.3804), GRAD),
    # 2.2 1-D floats
    ("tensor([1., 2., 3.])", f32([1, 2, 3]), {}),
    ("tensor([ 1., -2.,  3.])", f32([1, -2, 3]), {}),
    ("tensor([1.5000, 2.0000, 3.0000])", f32([1.5, 2, 3]), {}),
    ("tensor([2.3174, 0.8122, 0.1778])", f32([2.3174, 0.8122, 0.1778]), {}),
    ("tensor([10.7404,  1.3193,  0.0632])", f32([10.7404, 1.3193, 0.0632]), {}),
    ("tensor([0.1000, 1.0000, 0.0010])", f32([0.1, 1.0, 0.001]), {}),
    ("tensor([-1513.8644,  -498.0468,  1011.6290])", f32([-1513.8644, -498.0468, 1011.6290]), {}),
    ("tensor([ 512.0000, 5120.0000, 2048.1128])", f32([512.0, 5120.0, 2048.1128]), {}),
    ("tensor([1.1235])", f32([1.123456789]), {}),
    ("tensor([0.0001])", f32([0.00012345]), {}),
    ("tensor([0.9999])", f32([0.99995]), {}),
    ("tensor([4.0000])", f32([3.99999]), {}),
    ("tensor([0.0000, 1.5000])", f32([0.0, 1.5]), {}),
    ("tensor([0., 0.])", f32([0.0, 0.0]), {}),
    ("tensor([-0., 1.])", f32([-0.0, 1.0]), {}),
    ("tensor([-1.,  0.])", f32([-1.0, 0.0]), {}),
    ("tensor([ 0.3333, -0.0000, -0.6667])", f32([0.3333, -0.0, -0.6667]), {}),
    # 2.3 scientific notation
    ("tensor([   1., 1000.])", f32([1.0, 1000.0]), {}),
    ("tensor([1.0000e+00, 1.0010e+03])", f32([1.0, 1001.0]), {}),
    ("tensor([5.0000e-01, 5.0050e+02])", f32([0.5, 500.5]), {}),
    ("tensor([100000000.])", f32([100000000.0]), {}),
    ("tensor([1.0000e+09])", f32([1e9]), {}),
    ("tensor([1.0000e-04, 1.0000e+00])", f32([1e-4, 1.0]), {}),
    ("tensor([1.0000e-01, 1.0000e+00, 1.0000e-04])", f32([0.1, 1.0, 0.0001]), {}),
    ("tensor([1.0000e-05, 1.0000e+00])", f32([1e-5, 1.0]), {}),
    ("tensor([[1.0000e-05, 1.0000e+00],\n        [2.0000e+00, 3.0000e+00]])",
     f32([[1e-5, 1.0], [2.0, 3.0]]), {}),
    ("tensor([123456.])", f32([123456.0]), {}),
    ("tensor([123456.5000])", f32([123456.5]), {}),
    ("tensor([0.0000e+00, 1.0000e-05])", f32([0.0, 1e-5]), {}),
    ("tensor([ 0.0000e+00, -1.0000e-05])", f32([0.0, -1e-5]), {}),
    ("tensor([5.1200e+01, 5.1200e+02, 5.1200e-02])", f32([51.2, 512.0, 0.0512]), {}),
    # 2.4 nan / inf
    ("tensor([nan, 1.])", f32([nan, 1.0]), {}),
    ("tensor([   inf,   -inf, 2.5000])", f32([inf, -inf, 2.5]), {}),
    ("tensor([       inf, 1.0000e-06])", f32([inf, 1e-6]), {}),
    ("tensor([nan])", f32([nan]), {}),
    # 2.5 integer, bool, non-default dtypes, empty tensors
    ("tensor([1, 2, 3])", np.array([1, 2, 3]), {}),
    ("tensor([  1, -20, 300])", np.array([1, -20, 300]), {}),
    ("tensor([[ 1,  2],\n        [ 3, 40]])", np.array([[1, 2], [3, 40]]), {}),
    ("tensor([ True, False])", np.array([True, False]), {}),
    ("tensor([1, 2], dtype=torch.int32)", np.array([1, 2], dtype=np.int32), {}),
    ("tensor([1., 2.], dtype=torch.float64)", np.array([1.0, 2.0]), {}),
    ("tensor([1.5000, 2.0000], dtype=torch.float64, requires_grad=True)",
     np.array([1.5, 2.0]), GRAD),
    ("tensor([3., 4.], dtype=torch.float64, grad_fn=<MulBackward0>)", np.array([3.0, 4.0]), MUL),
    ("tensor([])", f32([]), {}),
    ("tensor([], size=(0, 3))", np.zeros((0, 3), np.float32), {}),
    ("tensor([], dtype=torch.int64)", np.array([], dtype=np.int64), {}),
    ("tensor([], requires_grad=True)", f32([]), GRAD),
    # 2.6 2-D / 3-D layout
    ("tensor([[1., 1.],\n        [1., 1.]], requires_grad=True)",
     np.ones((2, 2), np.float32), GRAD),
    ("tensor([[3., 3., 3.],\n        [3., 3., 3.],\n        [3., 3., 3.]], grad_fn=<AddBackward0>)",
     np.full((3, 3), 3, np.float32), ADD),
    ("tensor([[ 1.5000, -2.2500],\n        [10.0000,  0.0000]])",
     f32([[1.5, -2.25], [10.0, 0.0]]), {}),
    ("tensor([[ 0.,  1.,  2.,  3.],\n        [ 4.,  5.,  6.,  7.],\n        [ 8.,  9., 10., 11.]])",
     np.arange(12, dtype=np.float32).reshape(3, 4), {}),
    ("tensor([[[1., 1.],\n         [1., 1.],\n         [1., 1.]],\n\n"
     "        [[1., 1.],\n         [1., 1.],\n         [1., 1.]]])",
     np.ones((2, 3, 2), np.float32), {}),
    ("tensor([" + ",\n        ".join(["[0.1400, 0.3240, 0.0067]"] * 5) + "])",
     np.tile(f32([[0.1400, 0.3240, 0.0067]]), (5, 1)), {}),
    # 2.7 line wrapping, suffix wrapping, summarisation
    (ARANGE30, np.arange(30), {}),
    (ARANGE30_7, np.arange(30, dtype=np.float32) / np.float32(7), {}),
    ("tensor([ 0.0000,  1.1000,  2.2000,  3.3000,  4.4000,  5.5000,  6.6000,  7.7000,\n"
     "         8.8000,  9.9000, 11.0000, 12.1000], grad_fn=<MulBackward0>)",
     np.arange(12, dtype=np.float32) * np.float32(1.1), MUL),
    ("tensor([0.0000, 1.1000, 2.2000, 3.3000, 4.4000, 5.5000, 6.6000, 7.7000, 8.8000,\n"
     "        9.9000], grad_fn=<MulBackward0>)",
     np.arange(10, dtype=np.float32) * np.float32(1.1), MUL),
    ("tensor([1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000],\n"
     "       grad_fn=<MulBackward0>)", np.full(8, 1.5, np.float32), MUL),
    ("tensor([1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000],\n"
     "       dtype=torch.float64, grad_fn=<MulBackward0>)", np.full(7, 1.5), MUL),
    ("tensor([[1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000],\n"
     "        [1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000]],\n"
     "       grad_fn=<MulBackward0>)", np.full((2, 8), 1.5, np.float32), MUL),
    ("tensor([0.3133, 0.6931, 0.1269],\n       grad_fn=<BinaryCrossEntropyWithLogitsBackward0>)",
     f32([0.3133, 0.6931, 0.1269]), {"grad_fn_name": "BinaryCrossEntropyWithLogitsBackward0"}),
    ("tensor([   0,    1,    2,  ..., 1997, 1998, 1999])", np.arange(2000), {}),
    ("tensor([0.0000, 0.0010, 0.0020,  ..., 0.9980, 0.9990, 1.0000])",
     np.arange(1001, dtype=np.float32) / np.float32(1000), {}),
    (SUMMARY_40x50, np.arange(2000, dtype=np.float32).reshape(40, 50), {}),
]


@pytest.mark.parametrize(("expected", "arr", "suffix"), SPEC_CASES)
def test_measured_pytorch_output(expected, arr, suffix):
    assert show(arr, **suffix) == expected


def test_printoptions_defaults_and_profiles(reset_options):
    assert get_printoptions() == {"precision": 4, "threshold": 1000, "edgeitems": 3,
                                  "linewidth": 80, "sci_mode": None}
    set_printoptions(profile="full", precision=2)
    assert get_printoptions()["threshold"] == inf and get_printoptions()["precision"] == 2
    set_printoptions(threshold=5)  # sci_mode resets, the rest stays
    assert show(np.arange(10)) == "tensor([0, 1, 2,  ..., 7, 8, 9])"
    assert show(f32([1.12345])) == "tensor([1.12])"
    set_printoptions(profile="default")
    assert show(f32([1.12345])) == "tensor([1.1235])"


def test_float64_default_dtype(reset_options):
    dtypes.set_default_dtype(dtypes.float64)
    assert show(np.array([1.5])) == "tensor([1.5000])"
    assert show(f32([1.5])) == "tensor([1.5000], dtype=torch.float32)"
    assert show(np.array([])) == "tensor([])"


# --- 2. Live comparison with PyTorch ---------------------------------------------------------

@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch", reason="PyTorch is needed to compare with its real repr")


DTYPES = [*["float32"] * 4, *["float64"] * 2, "float16",  # weighted towards the common ones
          "int64", "int64", "int32", "int16", "int8", "uint8", "bool"]
SMALL_SHAPES = st.lists(st.integers(0, 6), max_size=3).map(tuple)
LARGE_SHAPES = st.sampled_from([(1001,), (2500,), (40, 50), (2, 600), (1200, 1), (12, 10, 10),
                                (3, 7, 50), (1, 1, 1500), (9, 2, 80), (2, 2, 3, 2), (8, 8, 4, 5)])
SPECIALS = st.sampled_from([0.0, -0.0, nan, inf, -inf])


@st.composite
def float_values(draw, size):
    """Floats with magnitudes in a band drawn from 1e-6..1e10, mixed with integers and specials."""
    low = draw(st.integers(-6, 10))
    high = min(10, low + draw(st.sampled_from([0, 0, 1, 2, 4])))
    number = st.builds(lambda sign, m, e: sign * m * 10.0**e, st.sampled_from([1, -1]),
                       st.floats(1, 9.999), st.integers(low, high))
    integral = number.map(lambda v: float(round(v)))
    kinds = draw(st.lists(st.sampled_from([number, number, integral, SPECIALS]),
                          min_size=1, max_size=3))
    if size <= 64:
        return draw(st.lists(st.one_of(kinds), min_size=size, max_size=size))
    rng = np.random.default_rng(draw(st.integers(0, 2**32)))  # big arrays: fast numpy values
    pool = np.array(draw(st.lists(st.one_of(kinds), min_size=1, max_size=20)))
    scale = 10.0 ** rng.integers(0, high - low + 1, size) if number in kinds else 1.0
    return rng.choice(pool, size) * np.where(rng.random(size) < 0.5, scale, 1.0)


@st.composite
def arrays(draw):
    """A numpy array of any supported dtype: small shapes mostly, some big enough to summarise."""
    name = draw(st.sampled_from(DTYPES))
    shape = draw(LARGE_SHAPES if draw(st.integers(0, 4)) == 0 else SMALL_SHAPES)
    size = math.prod(shape)
    if name.startswith("float"):
        with np.errstate(over="ignore"):  # 1e10 overflows float16 to inf, as in torch
            return np.asarray(draw(float_values(size)), np.float64).astype(name).reshape(shape)
    if name == "bool":
        elements = st.booleans()
    else:
        info = np.iinfo(name)
        elements = st.one_of(st.integers(max(info.min, -9), 99), st.integers(info.min, info.max))
    values = draw(st.lists(elements, min_size=min(size, 64), max_size=min(size, 64)))
    return np.resize(np.array(values, dtype=name), shape)  # big arrays repeat the drawn values


def torch_repr(torch, arr, suffix):
    """The real repr; ``suffix`` None, "requires_grad" or "grad_fn" (floats only)."""
    t = torch.from_numpy(arr.copy())
    if suffix == "requires_grad":
        t.requires_grad_()
    elif suffix == "grad_fn":
        t = t.requires_grad_() * 1  # exact for every float value, gives MulBackward0
    return repr(t)


def ours(arr, suffix):
    grad_fn = "MulBackward0" if suffix == "grad_fn" else None
    return format_tensor(arr, dtype_name=arr.dtype.name, grad_fn_name=grad_fn,
                         requires_grad=suffix == "requires_grad")


SUFFIXES = st.sampled_from([None, None, "requires_grad", "grad_fn"])


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arr=arrays(), suffix=SUFFIXES)
def test_matches_torch(torch, arr, suffix):
    """Any array, any supported dtype, default options: identical to ``repr`` in PyTorch."""
    if arr.dtype.kind != "f":
        suffix = None
    assert ours(arr, suffix) == torch_repr(torch, arr, suffix)


OPTIONS = st.fixed_dictionaries({}, optional={
    "precision": st.integers(0, 8),
    "threshold": st.sampled_from([0, 1, 5, 10, 100, 1000, inf]),
    "edgeitems": st.integers(0, 4),
    "linewidth": st.integers(5, 150),
    "profile": st.sampled_from(["default", "short", "full"]),
    "sci_mode": st.sampled_from([None, True, False]),
})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(options=OPTIONS, arr=arrays(), suffix=SUFFIXES)
def test_printoptions_match_torch(torch, options, arr, suffix):
    if arr.dtype.kind != "f":
        suffix = None
    try:
        torch.set_printoptions(**options)
        set_printoptions(**options)
        assert get_printoptions() == torch._tensor_str.get_printoptions()
        assert ours(arr, suffix) == torch_repr(torch, arr, suffix)
    finally:
        torch.set_printoptions(profile="default")
        set_printoptions(profile="default")


@settings(max_examples=100, deadline=None)
@given(arr=arrays())
def test_float64_default_dtype_matches_torch(torch, arr):
    try:
        torch.set_default_dtype(torch.float64)
        dtypes.set_default_dtype(dtypes.float64)
        assert ours(arr, None) == torch_repr(torch, arr, None)
    finally:
        torch.set_default_dtype(torch.float32)
        dtypes.set_default_dtype(dtypes.float32)
