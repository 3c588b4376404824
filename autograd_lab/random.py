"""Random numbers that match PyTorch's CPU generator bit for bit.

PyTorch equivalent: ``torch.Generator``, ``torch.manual_seed`` and the CPU kernels behind
``torch.rand``/``randn``/``randint``/``randperm`` (C++: ``at::CPUGeneratorImpl``,
``ATen/core/MT19937RNGEngine.h``, ``ATen/core/DistributionsHelper.h``,
``ATen/native/cpu/DistributionTemplates.h``).

How PyTorch makes a random tensor on the CPU:

* The engine is a 32-bit Mersenne Twister (MT19937). ``manual_seed(s)`` keeps ``s`` as the
  initial seed but fills the state from its low 32 bits only, with the same recipe as numpy's
  legacy ``RandomState`` -- so numpy's ``MT19937`` bit generator produces the very same stream.
* ``random()`` is one 32-bit draw; ``random64()`` glues two draws as ``(first << 32) | second``.
* A float32 uniform keeps the low 24 bits of a 32-bit draw, a float64 uniform the low 53 bits
  of a 64-bit draw, scaled into [0, 1); then ``x * (high - low) + low`` as one fused
  multiply-add (the kernel is compiled with FMA, which rounds once); a result that rounded up
  to ``high`` becomes ``low``, so the range stays [low, high).
* ``normal_`` on 16 or more contiguous elements draws one uniform per element and applies
  Box-Muller to blocks of 16 (the first 8 uniforms give the radius, the last 8 the angle); when
  the size is not a multiple of 16, 16 fresh uniforms recompute the last 16 outputs.
  For float32 the block runs on AVX2 vectors with approximate ``log``/``sincos`` polynomials
  (``avx_mathfun.h``), emulated here operation by operation in float32.
* Fewer than 16 elements use a float64 Box-Muller per element; each pair of uniforms yields two
  normals and the second is cached on the generator for the next call (``manual_seed`` drops it).
"""

import math
import os
from fractions import Fraction

import numpy as np

__all__ = [
    "Generator", "default_generator", "manual_seed", "initial_seed", "seed",
    "get_rng_state", "set_rng_state",
    "normal_array", "uniform_array", "randint_array", "randperm_array",
]

DEFAULT_SEED = 67280421310721  # what a fresh torch.Generator() starts from

# Byte layout of torch.get_rng_state() (CPUGeneratorImplState, 5056 bytes); fields we never
# use (legacy normal_x/normal_rho and the float32 normal cache) stay zero.
_STATE_LAYOUT = np.dtype({
    "names": ["seed", "left", "seeded", "next", "key", "normal", "normal_valid"],
    "formats": ["<u8", "<i4", "<i4", "<u8", ("<u8", 624), "<f8", "<i4"],
    "offsets": [0, 8, 12, 16, 24, 5024, 5040],
    "itemsize": 5056,
})


class Generator:
    """A CPU random generator (``torch.Generator()``): MT19937 plus a cached normal sample."""

    def __init__(self, device="cpu"):
        if str(device) != "cpu":
            raise RuntimeError(f"autograd_lab only has CPU generators, not {device!r}")
        self.device = "cpu"
        self._mt = np.random.MT19937()
        self._legacy = np.random.RandomState(self._mt)  # reseeds self._mt numpy's old way
        self.manual_seed(DEFAULT_SEED)

    def manual_seed(self, seed):
        """Reseed from an int in [-2**63, 2**64); returns ``self``."""
        seed = int(seed)
        if not -(2**63) <= seed < 2**64:
            raise ValueError("Overflow when unpacking long long")
        self._seed = seed % 2**64
        self._legacy.seed(self._seed & 0xFFFFFFFF)
        self._normal = None  # second Box-Muller sample waiting to be used (float64)
        self._fresh = True  # only matters for the byte-exact get_state()
        return self

    def seed(self):
        """Reseed from the OS entropy source and return the new seed."""
        new = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(new)
        return new

    def initial_seed(self):
        """The seed last given to ``manual_seed`` (as an unsigned 64-bit int)."""
        return self._seed

    def get_state(self):
        """The state as 5056 uint8 bytes, laid out exactly like ``torch.get_rng_state()``."""
        mt = self._mt.state["state"]
        st = np.zeros((), _STATE_LAYOUT)
        st["seed"], st["left"], st["seeded"] = self._seed, 625 - mt["pos"], 1
        st["next"] = 0 if self._fresh else mt["pos"]
        st["key"] = mt["key"]
        if self._normal is not None:
            st["normal"], st["normal_valid"] = self._normal, 1
        return np.frombuffer(st.tobytes(), np.uint8).copy()

    def set_state(self, state):
        """Restore a state from ``get_state()`` (or from ``torch.get_rng_state().numpy()``)."""
        raw, size = np.asarray(state, dtype=np.uint8).tobytes(), _STATE_LAYOUT.itemsize
        if len(raw) != size:
            raise RuntimeError(f"Expected an RNG state of {size} bytes, but found {len(raw)}")
        st = np.frombuffer(raw, _STATE_LAYOUT)[0]
        key = st["key"].astype(np.uint32)
        self._mt.state = {"bit_generator": "MT19937",
                          "state": {"key": key, "pos": 625 - int(st["left"])}}
        self._seed = int(st["seed"])
        self._normal = float(st["normal"]) if st["normal_valid"] else None
        self._fresh = int(st["left"]) == 1 and int(st["next"]) == 0
        return self

    # -- raw draws -------------------------------------------------------------------------
    def _random(self, n):
        """``n`` 32-bit draws (as uint64), like ``CPUGeneratorImpl::random()``."""
        self._fresh = self._fresh and n == 0
        return self._mt.random_raw(n)

    def _random64(self, n):
        """``n`` 64-bit draws, each ``(first << 32) | second``, like ``random64()``."""
        r = self._random(2 * n)
        return (r[0::2] << np.uint64(32)) | r[1::2]


default_generator = Generator()
default_generator.seed()  # torch, too, seeds its default generator from the OS at start-up


def manual_seed(seed):
    """Reseed the default generator (``torch.manual_seed``); returns it."""
    return default_generator.manual_seed(seed)


def initial_seed():
    """``torch.initial_seed()``: the default generator's seed."""
    return default_generator.initial_seed()


def seed():
    """``torch.seed()``: reseed the default generator non-deterministically."""
    return default_generator.seed()


def get_rng_state():
    """``torch.get_rng_state()`` as a uint8 numpy array."""
    return default_generator.get_state()


def set_rng_state(state):
    """``torch.set_rng_state(state)``."""
    default_generator.set_state(state)


# -- exact fused multiply-add ----------------------------------------------------------------
def _two_sum(a, b):
    """``s, e`` with ``s = a + b`` rounded and ``s + e == a + b`` exactly."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _round_to_odd(s, err):
    """Given ``s = round(x)`` and ``err = x - s``, the neighbour of ``x`` with an odd last bit.

    A round-to-odd float64 can be rounded again (to float32, or after one more addition)
    without double-rounding errors: that is how we emulate a single-rounding FMA
    (Boldo & Melquiond, 2008).
    """
    fix = (err != 0) & ((s.view(np.uint64) & np.uint64(1)) == 0)
    return np.where(fix, np.nextafter(s, np.copysign(np.inf, err)), s)


# The 29 bits float64 has beyond float32's mantissa, and their pattern exactly halfway between
# two float32s: only there can rounding to float64 and then to float32 differ from one rounding.
_LOW_29, _HALFWAY = np.uint64(0x1FFFFFFF), np.uint64(0x10000000)


def _fma(a, b, c, dtype):
    """``a * b + c`` rounded once to ``dtype``, like the hardware FMA torch's kernels use."""
    if np.ndim(b) == 0 and b == 1:  # a * 1 is exact, so a single rounded add is the FMA
        return np.add(a, c, dtype=dtype)
    if dtype == np.float32:  # the product of two float32s is exact in float64
        s = np.multiply(a, b, dtype=np.float64) + c
        out = s.astype(np.float32)
        if not np.count_nonzero((s.view(np.uint64) & _LOW_29) == _HALFWAY):
            return out  # no sum sits exactly halfway between float32s: rounding twice was safe
        return _round_to_odd(*_two_sum(np.multiply(a, b, dtype=np.float64),
                                       np.asarray(c, np.float64))).astype(np.float32)
    a, b, c = (np.asarray(v, np.float64) for v in (a, b, c))
    split = 134217729.0  # 2**27 + 1: Veltkamp split, so a * b == ph + pl exactly
    ah = a * split - (a * split - a)
    bh = b * split - (b * split - b)
    ph = a * b
    pl = ((ah * bh - ph) + ah * (b - bh) + (a - ah) * bh) + (a - ah) * (b - bh)
    th, tl = _two_sum(c, ph)
    low = _round_to_odd(*_two_sum(tl, pl))
    out = np.where(low == 0, th, th + low)  # (th alone when exact: -0 + -0 stays -0)
    # Splitting loses bits where the product's low half underflows or a factor is huge:
    # those (rare) elements are computed exactly with fractions and rounded once.
    risky = np.isfinite(ph) & (ph != 0) & (
        (np.abs(ph) < 2.0**-969) | (np.abs(a) > 2.0**995) | (np.abs(b) > 2.0**995))
    if risky.any():
        out = np.array(out, dtype=np.float64)
        a, b, c = np.broadcast_arrays(a, b, c)
        for i in map(tuple, np.argwhere(risky)):
            out[i] = float(Fraction(float(a[i])) * Fraction(float(b[i])) + Fraction(float(c[i])))
    return out


# -- uniforms ----------------------------------------------------------------------------------
def _uniform01(gen, n, dtype):
    """``n`` uniforms in [0, 1): 24 bits of a 32-bit draw (float32) or 53 of a 64-bit one."""
    if dtype == np.float32:
        return (gen._random(n) & np.uint64(0xFFFFFF)).astype(np.float32) * np.float32(2.0**-24)
    return (gen._random64(n) & np.uint64(2**53 - 1)).astype(np.float64) * 2.0**-53


def _check_dtype(dtype):
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise TypeError(f"expected float32 or float64, got {dtype}")
    return dtype


def uniform_array(shape, dtype, low=0.0, high=1.0, generator=None):
    """``torch.rand`` / ``Tensor.uniform_(low, high)`` as a numpy array."""
    dtype = _check_dtype(dtype)
    gen = default_generator if generator is None else generator
    if low > high:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={low:g} > to={high:g}")
    low, high = dtype.type(low), dtype.type(high)
    out = _fma(_uniform01(gen, math.prod(shape), dtype), high - low, low, dtype)
    return np.where(out == high, low, out).reshape(shape)  # rounded up to high: torch gives low


# -- normals -----------------------------------------------------------------------------------
_F = np.float32
_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)  # (astype takes these quicker)


def _f32(value, dtype=np.float32):
    """A float32 constant as a 0-d array (numpy computes with those quicker than with scalars),
    held as float32 for plain float32 arithmetic or exactly as float64 for the FMAs below."""
    return np.array(_F(value), dtype)


# avx_mathfun's constants. The polynomials' coefficients feed FMAs: float64, exactly.
_LOG_P = [_f32(c, np.float64) for c in (
    7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
    -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1)]
_COS_SIN_P = [np.array([[[_F(c)]], [[_F(s)]]], np.float64) for c, s in (  # cos's and sin's,
    (2.443315711809948e-5, -1.9515295891e-4),  # stacked: both polynomials in one pass
    (-1.388731625493765e-3, 8.3321608736e-3),
    (4.166664568298827e-2, -1.6666654611e-1))]
_DP3 = _f32(-3.77489497744594108e-8, np.float64)
_SQRTHF, _LOG_Q1, _LOG_Q2 = _f32(0.707106781186547524), _f32(-2.12194440e-4), _f32(0.693359375)
_DP1, _DP2, _FOPI = _f32(-0.78515625), _f32(-2.4187564849853515625e-4), _f32(1.27323954473516)
_HALF, _ONE, _MINUS_HALF, _MINUS_TWO = (_f32(v) for v in (0.5, 1, -0.5, -2))
_TWO_PI = _f32(2 * math.pi)


def _fma32(a, b, c):
    return _fma(a, b, c, np.float32)


class _BatchedFma32:
    """float32 FMAs computed as ``_fma`` does, through float64, with the check for double
    rounding made once for all of them (``exact()``), which is several times quicker than
    checking each. Where the check fails, the caller redoes its work with ``_fma32``."""

    def __init__(self):
        self.terms = []  # (product, addend, float64 sum) of each FMA

    def __call__(self, a, b, c):
        if a.dtype is not _F64:  # (all in float64: numpy's mixed arithmetic is slower)
            a = a.astype(_F64)
        if b.dtype is not _F64:
            b = b.astype(_F64)
        if c.dtype is not _F64:
            c = c.astype(_F64)
        product = a * b  # in float64, exact: two float32s have 48 bits of product at most
        total = product + c
        self.terms.append((product, c, total))
        return total.astype(_F32)

    def exact(self) -> bool:
        """Whether every FMA rounded once: a float64 sum rounded again to float32 differs
        only where that sum is inexact and lies exactly halfway between two float32s."""
        totals = np.concatenate([total for _, _, total in self.terms], axis=None)
        halfway = (totals.view(np.uint64) & _LOW_29) == _HALFWAY
        if not halfway.any():
            return True
        start = 0
        for product, addend, total in self.terms:  # (rare: most such sums are exact)
            flagged = halfway[start:start + total.size]
            start += total.size
            if flagged.any():
                error = _two_sum(product, np.asarray(addend, np.float64))[1]
                if np.broadcast_to(error, total.shape).reshape(-1)[flagged].any():
                    return False
        return True


def _avx_log(x, fma=_fma32):
    """``log256_ps`` (Cephes polynomial) for float32 ``x`` in (0, 1], FMAs where GCC fuses."""
    bits = x.view(np.int32)
    e = ((bits >> 23) - 126).astype(_F32)  # exponent, for a mantissa scaled into [0.5, 1)
    x = ((bits & ~0x7F800000) | 0x3F000000).view(_F)
    small = x < _SQRTHF
    e = e - small.astype(_F32)  # if x < sqrt(1/2): x = 2x - 1, e -= 1; else x = x - 1
    x = (x - _ONE) + x * small  # (x is positive: x * False is +0, as where(small, x, 0))
    z = x * x
    x_wide = x.astype(_F64)  # (read by every step of the polynomial)
    y = _LOG_P[0]
    for p in _LOG_P[1:]:
        y = fma(y, x_wide, p)
    y = fma(y * x, z, e * _LOG_Q1)
    # The last two products are exact float32s (-z/2; e times a 9-bit constant), so adding
    # them with a single rounding is what the FMAs give: plain float32 arithmetic.
    y = y + z * _MINUS_HALF
    return e * _LOG_Q2 + (x + y)


def _avx_sincos(x, fma=_fma32):
    """``sincos256_ps`` (Cephes polynomials) for float32 ``x >= 0``."""
    j = (x * _FOPI).astype(np.int32)  # octant of x, made even
    j = (j + 1) & ~1
    y = j.astype(_F32)
    # x - j * pi/4 in three pieces ("extended precision modular arithmetic"); j times the
    # first two (8 and 11 bits) is exact, so only the third needs the FMA's single rounding.
    x = x + y * _DP1
    x = x + y * _DP2
    x = fma(y, _DP3, x)
    z = x * x
    z_wide = z.astype(_F64)
    c, s = fma(fma(_COS_SIN_P[0], z_wide, _COS_SIN_P[1]), z_wide, _COS_SIN_P[2]) * z
    c = fma(c, z_wide, -(z * _HALF)) + _ONE
    s = fma(s, x, x)
    swap = (j & 2) == 0
    sin, cos = np.where(swap, s, c), np.where(swap, c, s)
    np.negative(sin, out=sin, where=(j & 4) != 0)  # the signs, in place (new arrays)
    np.negative(cos, out=cos, where=((j - 2) & 4) == 0)
    return sin, cos


def _avx_polar(u1, u2, fma):
    """The float32 radius ``sqrt(-2 log u1)`` and the sine and cosine of ``2 pi u2``."""
    radius = np.sqrt(_MINUS_TWO * _avx_log(u1, fma))
    return (radius, *_avx_sincos(_TWO_PI * u2, fma))


def _box_muller_16(u, mean, std, dtype):
    """Rows of 16 uniforms -> rows of 16 normals (``normal_fill_16``/``normal_fill_16_AVX2``)."""
    u1, u2 = 1 - u[:, :8], u[:, 8:]  # 1 - u lies in (0, 1], safe for log
    if dtype == np.float32:
        batch = _BatchedFma32()
        radius, sin, cos = _avx_polar(u1, u2, batch)
        if not batch.exact():  # then again, each FMA checked
            radius, sin, cos = _avx_polar(u1, u2, _fma32)
    else:  # torch calls the C library's log; numpy's SIMD log differs in ~0.3% of last bits
        radius = np.sqrt(-2 * np.array([math.log(v) for v in u1.ravel().tolist()]))
        radius = radius.reshape(u1.shape)
        theta = 2 * math.pi * u2
        sin, cos = np.sin(theta), np.cos(theta)
    return _fma(np.concatenate([radius * cos, radius * sin], axis=1), std, mean, dtype)


def _normal_scalar(gen):
    """One standard normal from the float64 Box-Muller with the generator's cached sample."""
    if gen._normal is not None:
        z, gen._normal = gen._normal, None
        return z
    u1, u2 = _uniform01(gen, 2, np.float64).tolist()
    r = math.sqrt(-2.0 * math.log1p(-u2))
    theta = 2.0 * math.pi * u1
    gen._normal = r * math.sin(theta)
    return r * math.cos(theta)


def normal_array(shape, dtype, mean=0.0, std=1.0, generator=None):
    """``torch.randn`` / ``Tensor.normal_(mean, std)`` (contiguous) as a numpy array."""
    dtype = _check_dtype(dtype)
    gen = default_generator if generator is None else generator
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    n = math.prod(shape)
    if n < 16:  # per element, float64 maths, then rounded to dtype
        z = [_normal_scalar(gen) for _ in range(n)]
        return _fma(z, std, mean, np.float64).astype(dtype).reshape(shape)
    mean, std = dtype.type(mean), dtype.type(std)
    whole = n - n % 16
    u = _uniform01(gen, n, dtype)[:whole]
    if n % 16:  # 16 fresh uniforms will redo the last 16 outputs
        u = np.concatenate([u, _uniform01(gen, 16, dtype)])
    z = _box_muller_16(u.reshape(-1, 16), mean, std, dtype).ravel()
    out = np.empty(n, dtype)
    out[:whole], out[n - 16:] = z[:whole], z[-16:]  # in that order, as torch overwrites
    return out.reshape(shape)


# -- integers ----------------------------------------------------------------------------------
def randint_array(low, high, shape, generator=None):
    """``torch.randint(low, high, shape)`` (int64): ``draw % (high - low) + low``.

    Ranges of 2**28 or more take a 64-bit draw per element, smaller ranges a 32-bit one.
    """
    gen = default_generator if generator is None else generator
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    span, n = high - low, math.prod(shape)
    draws = gen._random64(n) if span >= 2**28 else gen._random(n)
    vals = draws % np.uint64(span) + np.uint64(low % 2**64)  # wraps like C's uint64 maths
    return vals.view(np.int64).reshape(shape)


def randperm_array(n, generator=None):
    """``torch.randperm(n)`` (int64): Fisher-Yates, swapping ``i`` with ``i + random() % (n-i)``."""
    gen = default_generator if generator is None else generator
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    perm = list(range(n))
    if n > 1:
        offsets = gen._random(n - 1) % np.arange(n, 1, -1, dtype=np.uint64)
        for i, k in enumerate(offsets.tolist()):
            perm[i], perm[i + k] = perm[i + k], perm[i]
    return np.array(perm, dtype=np.int64)
