# ruff: noqa: E501  (snippets and PyTorch's output are quoted verbatim; some lines are long)
"""The snippets that hold autograd_lab to PyTorch 2.13.

Each :class:`Case` is run under real PyTorch and under autograd_lab by ``tests/test_parity.py``;
the two transcripts (see :mod:`tests.parity.harness`) must be equal.

Groups (in this order):

* one group per section 1-16 of ``torch_spec.md`` (``s01_construction`` ... ``s16_errors``): the
  spec's examples, split into small cases so a failure points at one behaviour;
* ``nn_optim``: ``nn.Parameter``, ``nn.Linear``, ``nn.Module``, ``optim.SGD``, grad-mode helpers
  and ``torch.autograd.grad`` options;
* ``learner``: what a learner is likely to type next (common mistakes and conversions);
* ``doc_fixed``: every code cell of the five source documents, with their random inputs replaced by
  the numbers the documents printed, so the values are deterministic;
* ``doc_seeded``: the generator must reproduce PyTorch's bit for bit: the five documents as written
  (``torch.manual_seed(0)`` first, all cells in order) and a few other seeded draws.

``spec`` holds PyTorch's measured output, quoted from ``torch_spec.md`` / ``doc_cells_run.md``
(whole blocks or the lines of a block that the case reproduces), when the case comes from there.
``tests/test_parity.py`` checks that the installed PyTorch still prints exactly that, and
``tests/test_spec_examples.py`` holds autograd_lab to it without torch.
Apart from the ``doc_seeded`` group, every case uses fixed data only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    name: str
    group: str
    code: str
    notebook: bool = False  # run as notebook cells: trailing expressions are displayed
    spec: str | None = None  # PyTorch's measured output, quoted from the reference
    fresh_process: bool = False  # shows a once-per-process warning: run in a new interpreter

    @property
    def id(self) -> str:
        return f"{self.group}/{self.name}"


CASES: list[Case] = []


def add(
    group: str,
    name: str,
    code: str,
    *,
    spec: str | None = None,
    notebook: bool = False,
    fresh_process: bool = False,
) -> None:
    """Register a case; ``code`` and ``spec`` may start with a newline (stripped)."""
    if spec is not None:
        spec = spec.lstrip("\n")
    CASES.append(Case(name, group, code.lstrip("\n"), notebook, spec, fresh_process))


# The cases are kept in this compact one-call-per-case layout on purpose.
# fmt: off

# ---------------------------------------------------------------------------------------------
# §1 Tensor construction and dtypes

G = "s01_construction"

add(G, "dtype_inference", r"""
print(torch.get_default_dtype())
print(torch.tensor([1, 2]).dtype, torch.tensor([1., 2]).dtype, torch.tensor([1, 2.5]).dtype,
      torch.tensor([True, False]).dtype, torch.tensor(3).dtype, torch.tensor(3.).dtype)
print(torch.ones(2).dtype, torch.zeros(2, 3).dtype, torch.eye(2).dtype, torch.randn(2).dtype,
      torch.rand(2).dtype, torch.full((2,), 7).dtype, torch.full((2,), 7.).dtype,
      torch.arange(3).dtype, torch.arange(3.).dtype)
print(torch.tensor([0.1, 1.0, 0.001], dtype=torch.float32).dtype, torch.tensor([0, 0, 0], dtype=torch.float))
print(torch.float is torch.float32, torch.double is torch.float64, torch.long is torch.int64)
""", spec="""
torch.float32
torch.int64 torch.float32 torch.float32 torch.bool torch.int64 torch.float32
torch.float32 torch.float32 torch.float32 torch.float32 torch.float32 torch.int64 torch.float32 torch.int64 torch.float32
torch.float32 tensor([0., 0., 0.])
True True True
""")

add(G, "ones_zeros_shapes", r"""
print(torch.ones(5))
print(torch.zeros(3))
print(torch.ones(2, 2))
print(torch.ones((2, 3)).shape, torch.zeros(2, 3).size(), torch.tensor(5.).shape, torch.tensor([5.]).shape)
""", spec="""
tensor([1., 1., 1., 1., 1.])
tensor([0., 0., 0.])
tensor([[1., 1.],
        [1., 1.]])
torch.Size([2, 3]) torch.Size([2, 3]) torch.Size([]) torch.Size([1])
""")

add(G, "eye_full_arange", r"""
print(torch.eye(3))
print(torch.eye(2, 3))
print(torch.full((2, 2), 7.))
print(torch.arange(5), torch.arange(1., 4.))
""", spec="""
tensor([[1., 0., 0.],
        [0., 1., 0.],
        [0., 0., 1.]])
tensor([[1., 0., 0.],
        [0., 1., 0.]])
tensor([[7., 7.],
        [7., 7.]])
tensor([0, 1, 2, 3, 4]) tensor([1., 2., 3.])
""")

add(G, "like_constructors", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
print(torch.ones_like(x), torch.zeros_like(x), torch.ones_like(x, requires_grad=True))
print(torch.ones_like(torch.tensor([1, 2])))
""", spec="""
tensor([1., 1., 1.]) tensor([0., 0., 0.]) tensor([1., 1., 1.], requires_grad=True)
tensor([1, 1])
""")

add(G, "dim_numel_len", r"""
t = torch.ones(2, 3)
print(t.dim(), t.numel(), t.shape[0], len(t))
""", spec="""
2 6 2 2
""")

add(G, "copy_construct_warning", r"""
x = torch.tensor([1., 2.], requires_grad=True)
y = torch.tensor(x * 2)
print(y, y.requires_grad)
""", spec="""
UserWarning: To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).
tensor([2., 4.]) False
""")

add(G, "type_promotion", r"""
i = torch.tensor([1, 2])
f = torch.tensor([1., 2.])
print((i + 2.5).dtype, (i / 2).dtype, (i * f).dtype, (i + 1).dtype)
print((f + torch.tensor([1., 2.], dtype=torch.float64)).dtype, (f + torch.tensor(1., dtype=torch.float64)).dtype)
print(i / 2)
""", spec="""
torch.float32 torch.float32 torch.float32 torch.int64
torch.float64 torch.float32
tensor([0.5000, 1.0000])
""")

add(G, "conversions", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
print(torch.tensor(2.5).item(), type(torch.tensor(3).item()).__name__, x.tolist(), x.sum().item())
print(x.detach().numpy())
x.numpy()
""", spec="""
2.5 int [1.0, 2.0, 3.0] 6.0
[1. 2. 3.]
RuntimeError: Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.
""")

add(G, "item_multi_element", r"""
torch.tensor([1., 2., 3.]).item()
""", spec="""
RuntimeError: a Tensor with 3 elements cannot be converted to Scalar
""")


# ---------------------------------------------------------------------------------------------
# §2 Printing

G = "s02_printing"

add(G, "scalars", r"""
print(torch.tensor(3.))
print(torch.tensor(3))
print(torch.tensor(0.5), torch.tensor(-0.5))
print(torch.tensor(1e-5), torch.tensor(123456789.))
print(torch.tensor(True))
print(torch.tensor(2.5, dtype=torch.float64))
""", spec="""
tensor(3.)
tensor(3)
tensor(0.5000) tensor(-0.5000)
tensor(1.0000e-05) tensor(1.2346e+08)
tensor(True)
tensor(2.5000, dtype=torch.float64)
""")

add(G, "scalars_autograd", r"""
x = torch.ones(3, 3, requires_grad=True)
out = ((x + 2) * (x + 2) * 3).mean()
print(out)
print(torch.tensor(1.3804, requires_grad=True))
""", spec="""
tensor(27., grad_fn=<MeanBackward0>)
tensor(1.3804, requires_grad=True)
""")

add(G, "vector_integral_floats", r"""
print(torch.tensor([1., 2., 3.]))
print(torch.tensor([1., -2., 3.]))
""", spec="""
tensor([1., 2., 3.])
tensor([ 1., -2.,  3.])
""")

add(G, "vector_four_decimals", r"""
print(torch.tensor([1.5, 2., 3.]))
print(torch.tensor([2.3174, 0.8122, 0.1778]))
print(torch.tensor([10.7404, 1.3193, 0.0632]))
print(torch.tensor([0.1, 1.0, 0.001]))
print(torch.tensor([-1513.8644, -498.0468, 1011.6290]))
print(torch.tensor([512., 5120., 2048.1128]))
""", spec="""
tensor([1.5000, 2.0000, 3.0000])
tensor([2.3174, 0.8122, 0.1778])
tensor([10.7404,  1.3193,  0.0632])
tensor([0.1000, 1.0000, 0.0010])
tensor([-1513.8644,  -498.0468,  1011.6290])
tensor([ 512.0000, 5120.0000, 2048.1128])
""")

add(G, "vector_rounding", r"""
print(torch.tensor([1.123456789]), torch.tensor([0.00012345]), torch.tensor([0.99995]), torch.tensor([3.99999]))
""", spec="""
tensor([1.1235]) tensor([0.0001]) tensor([0.9999]) tensor([4.0000])
""")

add(G, "vector_zeros_and_negative_zero", r"""
print(torch.tensor([0., 1.5]), torch.tensor([0., 0.]), torch.tensor([-0., 1.]), torch.tensor([-1.0, 0.0]))
print(torch.tensor([0.3333, -0.0, -0.6667]))
""", spec="""
tensor([0.0000, 1.5000]) tensor([0., 0.]) tensor([-0., 1.]) tensor([-1.,  0.])
tensor([ 0.3333, -0.0000, -0.6667])
""")

add(G, "sci_mode_ratio", r"""
print(torch.tensor([1., 1000.]))       # ratio == 1000 -> still fixed
print(torch.tensor([1., 1001.]))       # ratio > 1000 -> sci
print(torch.tensor([0.5, 500.5]))      # ratio 1001 -> sci
""", spec="""
tensor([   1., 1000.])
tensor([1.0000e+00, 1.0010e+03])
tensor([5.0000e-01, 5.0050e+02])
""")

add(G, "sci_mode_large", r"""
print(torch.tensor([100000000.]))      # max == 1e8 -> still fixed (int mode)
print(torch.tensor([1e9]))             # max > 1e8 -> sci
""", spec="""
tensor([100000000.])
tensor([1.0000e+09])
""")

add(G, "sci_mode_small", r"""
print(torch.tensor([1e-4, 1.]))        # float32(1e-4) < 1e-4 -> sci
print(torch.tensor([0.1, 1.0, 0.0001]))
print(torch.tensor([1e-5, 1.]))
print(torch.tensor([[1e-5, 1.], [2., 3.]]))
""", spec="""
tensor([1.0000e-04, 1.0000e+00])
tensor([1.0000e-01, 1.0000e+00, 1.0000e-04])
tensor([1.0000e-05, 1.0000e+00])
tensor([[1.0000e-05, 1.0000e+00],
        [2.0000e+00, 3.0000e+00]])
""")

add(G, "sci_mode_misc", r"""
print(torch.tensor([123456.]), torch.tensor([123456.5]))
print(torch.tensor([0., 1e-5]), torch.tensor([0., -1e-5]))   # zero in sci mode
print(torch.tensor([51.2, 512., 0.0512]))   # 2**9 * [0.1, 1.0, 0.0001]: ratio 10000 -> sci
""", spec="""
tensor([123456.]) tensor([123456.5000])
tensor([0.0000e+00, 1.0000e-05]) tensor([ 0.0000e+00, -1.0000e-05])
tensor([5.1200e+01, 5.1200e+02, 5.1200e-02])
""")

add(G, "nan_inf", r"""
print(torch.tensor([float('nan'), 1.]))
print(torch.tensor([float('inf'), -float('inf'), 2.5]))
print(torch.tensor([float('inf'), 1e-6]))
print(torch.tensor([float('nan')]))
""", spec="""
tensor([nan, 1.])
tensor([   inf,   -inf, 2.5000])
tensor([       inf, 1.0000e-06])
tensor([nan])
""")

add(G, "int_and_bool", r"""
print(torch.tensor([1, 2, 3]))
print(torch.tensor([1, -20, 300]))
print(torch.tensor([[1, 2], [3, 40]]))
print(torch.tensor([True, False]))
""", spec="""
tensor([1, 2, 3])
tensor([  1, -20, 300])
tensor([[ 1,  2],
        [ 3, 40]])
tensor([ True, False])
""")

add(G, "non_default_dtypes", r"""
print(torch.tensor([1, 2], dtype=torch.int32))
print(torch.tensor([1., 2.], dtype=torch.float64))
print(torch.tensor([1.5, 2.], dtype=torch.float64, requires_grad=True))
print(torch.tensor([1.5, 2.], dtype=torch.float64, requires_grad=True) * 2)
""", spec="""
tensor([1, 2], dtype=torch.int32)
tensor([1., 2.], dtype=torch.float64)
tensor([1.5000, 2.0000], dtype=torch.float64, requires_grad=True)
tensor([3., 4.], dtype=torch.float64, grad_fn=<MulBackward0>)
""")

add(G, "empty_tensors", r"""
print(torch.tensor([]))
print(torch.zeros(0, 3))
print(torch.tensor([], dtype=torch.long))
print(torch.empty(0, requires_grad=True))
""", spec="""
tensor([])
tensor([], size=(0, 3))
tensor([], dtype=torch.int64)
tensor([], requires_grad=True)
""")

add(G, "matrix_layout", r"""
print(torch.ones(2, 2, requires_grad=True))
print(torch.ones(3, 3, requires_grad=True) + 2)
print(torch.tensor([[1.5, -2.25], [10., 0.]]))
print(torch.arange(12.).reshape(3, 4))
""", spec="""
tensor([[1., 1.],
        [1., 1.]], requires_grad=True)
tensor([[3., 3., 3.],
        [3., 3., 3.],
        [3., 3., 3.]], grad_fn=<AddBackward0>)
tensor([[ 1.5000, -2.2500],
        [10.0000,  0.0000]])
tensor([[ 0.,  1.,  2.,  3.],
        [ 4.,  5.,  6.,  7.],
        [ 8.,  9., 10., 11.]])
""")

add(G, "three_d_layout", r"""
print(torch.ones(2, 3, 2))
""", spec="""
tensor([[[1., 1.],
         [1., 1.],
         [1., 1.]],

        [[1., 1.],
         [1., 1.],
         [1., 1.]]])
""")

add(G, "expanded_rows", r"""
print(torch.tensor([[0.1400, 0.3240, 0.0067]]).expand(5, 3))
""", spec="""
tensor([[0.1400, 0.3240, 0.0067],
        [0.1400, 0.3240, 0.0067],
        [0.1400, 0.3240, 0.0067],
        [0.1400, 0.3240, 0.0067],
        [0.1400, 0.3240, 0.0067]])
""")

add(G, "line_wrapping", r"""
print(torch.arange(30))
print(torch.arange(30.) / 7)
""", spec="""
tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,
        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29])
tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,
        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,
        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,
        3.8571, 4.0000, 4.1429])
""")

add(G, "suffix_wrapping", r"""
print(torch.arange(12.).requires_grad_() * 1.1)
print(torch.arange(10.).requires_grad_() * 1.1)
print(torch.full((8,), 1.5, requires_grad=True) * 1)
print(torch.full((7,), 1.5, dtype=torch.float64, requires_grad=True) * 1)
print(torch.full((2, 8), 1.5, requires_grad=True) * 1)
""", spec="""
tensor([ 0.0000,  1.1000,  2.2000,  3.3000,  4.4000,  5.5000,  6.6000,  7.7000,
         8.8000,  9.9000, 11.0000, 12.1000], grad_fn=<MulBackward0>)
tensor([0.0000, 1.1000, 2.2000, 3.3000, 4.4000, 5.5000, 6.6000, 7.7000, 8.8000,
        9.9000], grad_fn=<MulBackward0>)
tensor([1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000],
       grad_fn=<MulBackward0>)
tensor([1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000],
       dtype=torch.float64, grad_fn=<MulBackward0>)
tensor([[1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000],
        [1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000]],
       grad_fn=<MulBackward0>)
""")

add(G, "suffix_wrapping_long_name", r"""
print(F.binary_cross_entropy_with_logits(torch.tensor([-1., 0., 2.], requires_grad=True),
                                         torch.tensor([0., 1., 1.]), reduction='none'))
""", spec="""
tensor([0.3133, 0.6931, 0.1269],
       grad_fn=<BinaryCrossEntropyWithLogitsBackward0>)
""")

add(G, "summarization_1d", r"""
print(torch.arange(2000))
print(torch.arange(1001.) / 1000)
""", spec="""
tensor([   0,    1,    2,  ..., 1997, 1998, 1999])
tensor([0.0000, 0.0010, 0.0020,  ..., 0.9980, 0.9990, 1.0000])
""")

add(G, "summarization_2d", r"""
print(torch.arange(2000.).reshape(40, 50))
""", spec="""
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
         1.9990e+03]])
""")

add(G, "parameter", r"""
print(torch.nn.Parameter(torch.ones(2)))
""", spec="""
Parameter containing:
tensor([1., 1.], requires_grad=True)
""")

# §2.9: type(fn).__module__ ("builtins" for PyTorch's C++ classes) is left out on purpose, and
# IPython's display is exercised through the harness's notebook mode instead of an explicit import.
add(G, "grad_fn_print", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x + 2
print(y.grad_fn)
print(f"Gradient function for y = {y.grad_fn}")
print(type(y.grad_fn).__name__, y.grad_fn.name())
print(x.grad_fn)
""", spec="""
<AddBackward0 object at 0x7f5ab1cedb40>
Gradient function for y = <AddBackward0 object at 0x7f5ab1cedb40>
AddBackward0 AddBackward0
None
""")

add(G, "grad_fn_notebook_display", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x + 2
y.grad_fn
""", notebook=True, spec="""
<AddBackward0 at 0x7f5ab1cedb40>
""")

add(G, "tensor_notebook_display", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x + 2
print(repr(x * 2) == str(x * 2), repr(y.grad_fn) == str(y.grad_fn))
x * 2
""", notebook=True)


# ---------------------------------------------------------------------------------------------
# §3 The graph: requires_grad, is_leaf, grad_fn, next_functions, AccumulateGrad

G = "s03_graph"

add(G, "leaf_and_nonleaf_attributes", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
c = torch.tensor([1., 1., 1.])
y = x + 2
print(x.is_leaf, x.grad_fn, x.requires_grad)
print(y.is_leaf, y.grad_fn, y.requires_grad)
print(c.is_leaf, (c * 2).is_leaf, (c * 2).requires_grad, (c * 2).grad_fn)
""", spec="""
True None True
False <AddBackward0 object at 0x7f5a8fda1390> True
True True False None
""")

add(G, "next_functions", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
c = torch.tensor([1., 1., 1.])
y = x + 2
print(y.grad_fn.next_functions)
acc = y.grad_fn.next_functions[0][0]
print(type(acc).__name__, acc.name(), acc.variable is x, acc.next_functions)
print((x * c).grad_fn.next_functions)
print((c * x).grad_fn.next_functions)
q = y * y
print(q.grad_fn.next_functions)
s = (x * 3).sum()
print(s.grad_fn.next_functions)
print(s.grad_fn.next_functions[0][0].next_functions)
""", spec="""
((<AccumulateGrad object at 0x7f5a8fda1510>, 0), (None, 0))
AccumulateGrad torch::autograd::AccumulateGrad True ()
((<AccumulateGrad object at 0x7f5a8fda1510>, 0), (None, 0))
((None, 0), (<AccumulateGrad object at 0x7f5a8fda1510>, 0))
((<AddBackward0 object at 0x7f5a8fda1390>, 0), (<AddBackward0 object at 0x7f5a8fda1390>, 0))
((<MulBackward0 object at 0x7f5a8fda1210>, 0),)
((<AccumulateGrad object at 0x7f5a8fda1510>, 0), (None, 0))
""")

add(G, "next_functions_identity", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x + 2
q = y * y
a, b = q.grad_fn.next_functions
print(a[0] is b[0], a[0] is y.grad_fn)
acc1 = (x * 2).grad_fn.next_functions[0][0]
acc2 = (x * 3).grad_fn.next_functions[0][0]
print(acc1.variable is acc2.variable)
print((2 * x).grad_fn.next_functions, (x + x).grad_fn.next_functions[0][1])
""")

# Each ops table below is a subset of the table in §3.1: the ops an engine covering the lessons'
# operators produces. The lines are the spec's, in its format.
_OPS_PRELUDE = r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
M = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
v = torch.tensor([1., 2.], requires_grad=True)
"""
_OPS_LOOP = r"""
for label, fn in ops:
    r = fn()
    name = None if r.grad_fn is None else type(r.grad_fn).__name__
    print(f"{label:45s} -> {name}")
"""


def add_ops_table(name: str, ops: str, spec: str) -> None:
    add(G, name, _OPS_PRELUDE + "ops = [" + ops + "]" + _OPS_LOOP, spec=spec)


add_ops_table("names_arithmetic", r"""
    ("x + 2", lambda: x + 2), ("2 + x", lambda: 2 + x), ("x + x", lambda: x + x),
    ("x - 2", lambda: x - 2), ("x - x", lambda: x - x), ("2 - x", lambda: 2 - x),
    ("x * 2", lambda: x * 2), ("2 * x", lambda: 2 * x), ("x * x", lambda: x * x),
    ("x / 2", lambda: x / 2), ("x / x", lambda: x / x), ("2 / x", lambda: 2 / x),
    ("-x", lambda: -x),
""", """
x + 2                                         -> AddBackward0
2 + x                                         -> AddBackward0
x + x                                         -> AddBackward0
x - 2                                         -> SubBackward0
x - x                                         -> SubBackward0
2 - x                                         -> RsubBackward1
x * 2                                         -> MulBackward0
2 * x                                         -> MulBackward0
x * x                                         -> MulBackward0
x / 2                                         -> DivBackward0
x / x                                         -> DivBackward0
2 / x                                         -> MulBackward0
-x                                            -> NegBackward0
""")

add_ops_table("names_pow", r"""
    ("x ** 2", lambda: x ** 2), ("x.pow(2)", lambda: x.pow(2)), ("x ** 0.5", lambda: x ** 0.5),
    ("x ** x", lambda: x ** x), ("2 ** x", lambda: 2 ** x),
""", """
x ** 2                                        -> PowBackward0
x.pow(2)                                      -> PowBackward0
x ** 0.5                                      -> PowBackward0
x ** x                                        -> PowBackward1
2 ** x                                        -> PowBackward2
""")

add_ops_table("names_elementwise", r"""
    ("x.exp()", lambda: x.exp()), ("x.log()", lambda: x.log()), ("x.sqrt()", lambda: x.sqrt()), ("x.abs()", lambda: x.abs()),
    ("x.relu()", lambda: x.relu()), ("torch.relu(x)", lambda: torch.relu(x)), ("F.relu(x)", lambda: F.relu(x)),
    ("x.sigmoid()", lambda: x.sigmoid()), ("torch.sigmoid(x)", lambda: torch.sigmoid(x)), ("x.tanh()", lambda: x.tanh()),
""", """
x.exp()                                       -> ExpBackward0
x.log()                                       -> LogBackward0
x.sqrt()                                      -> SqrtBackward0
x.abs()                                       -> AbsBackward0
x.relu()                                      -> ReluBackward0
torch.relu(x)                                 -> ReluBackward0
F.relu(x)                                     -> ReluBackward0
x.sigmoid()                                   -> SigmoidBackward0
torch.sigmoid(x)                              -> SigmoidBackward0
x.tanh()                                      -> TanhBackward0
""")

add_ops_table("names_reductions", r"""
    ("x.sum()", lambda: x.sum()), ("torch.sum(x)", lambda: torch.sum(x)), ("x.sum(0)", lambda: x.sum(0)),
    ("M.sum(dim=1, keepdim=True)", lambda: M.sum(dim=1, keepdim=True)),
    ("x.mean()", lambda: x.mean()), ("M.mean(0)", lambda: M.mean(0)),
    ("x.max()", lambda: x.max()), ("M.max(0).values", lambda: M.max(0).values), ("x.min()", lambda: x.min()),
""", """
x.sum()                                       -> SumBackward0
torch.sum(x)                                  -> SumBackward0
x.sum(0)                                      -> SumBackward1
M.sum(dim=1, keepdim=True)                    -> SumBackward1
x.mean()                                      -> MeanBackward0
M.mean(0)                                     -> MeanBackward1
x.max()                                       -> MaxBackward1
M.max(0).values                               -> MaxBackward0
x.min()                                       -> MinBackward1
""")

add_ops_table("names_matmul", r"""
    ("x @ x  (1D@1D)", lambda: x @ x),
    ("M @ M  (2D@2D)", lambda: M @ M), ("torch.mm(M, M)", lambda: torch.mm(M, M)),
    ("M @ v  (2D@1D)", lambda: M @ v), ("v @ M  (1D@2D)", lambda: v @ M), ("torch.matmul(v, M)", lambda: torch.matmul(v, M)),
""", """
x @ x  (1D@1D)                                -> DotBackward0
M @ M  (2D@2D)                                -> MmBackward0
torch.mm(M, M)                                -> MmBackward0
M @ v  (2D@1D)                                -> MvBackward0
v @ M  (1D@2D)                                -> SqueezeBackward4
torch.matmul(v, M)                            -> SqueezeBackward4
""")

add_ops_table("names_matmul_batched", r"""
    ("torch.ones(2,2,2) @ M (batched)", lambda: torch.ones(2, 2, 2) @ M),
""", """
torch.ones(2,2,2) @ M (batched)               -> UnsafeViewBackward0
""")

add_ops_table("names_transpose_reshape", r"""
    ("M.t()", lambda: M.t()), ("M.T", lambda: M.T), ("M.transpose(0, 1)", lambda: M.transpose(0, 1)),
    ("M.reshape(4)", lambda: M.reshape(4)), ("M.view(4)", lambda: M.view(4)), ("M.view(-1)", lambda: M.view(-1)),
""", """
M.t()                                         -> TBackward0
M.T                                           -> PermuteBackward0
M.transpose(0, 1)                             -> TransposeBackward0
M.reshape(4)                                  -> ViewBackward0
M.view(4)                                     -> ViewBackward0
M.view(-1)                                    -> ViewBackward0
""")

add_ops_table("names_reshape_copy", r"""
    ("M.t().reshape(4) (copy)", lambda: M.t().reshape(4)),
""", """
M.t().reshape(4) (copy)                       -> UnsafeViewBackward0
""")

add_ops_table("names_indexing", r"""
    ("x[0]", lambda: x[0]), ("M[0, 1]", lambda: M[0, 1]), ("M[:, 0]", lambda: M[:, 0]), ("x[1:]", lambda: x[1:]),
    ("x[[0, 2]]", lambda: x[[0, 2]]), ("x[x > 1]", lambda: x[x > 1]),
""", """
x[0]                                          -> SelectBackward0
M[0, 1]                                       -> SelectBackward0
M[:, 0]                                       -> SelectBackward0
x[1:]                                         -> SliceBackward0
x[[0, 2]]                                     -> IndexBackward0
x[x > 1]                                      -> IndexBackward0
""")

add_ops_table("names_indexing_none_ellipsis", r"""
    ("x[None]", lambda: x[None]), ("x[...]", lambda: x[...]),
""", """
x[None]                                       -> UnsqueezeBackward0
x[...]                                        -> AliasBackward0
""")

add_ops_table("names_loss_norm_clamp", r"""
    ("F.binary_cross_entropy_with_logits(x, zeros)", lambda: F.binary_cross_entropy_with_logits(x, torch.zeros(3))),
    ("x.norm()", lambda: x.norm()), ("torch.norm(x)", lambda: torch.norm(x)), ("x.norm(p=1)", lambda: x.norm(p=1)),
    ("M.norm(dim=1)", lambda: M.norm(dim=1)),
    ("x.clamp(0, 1)", lambda: x.clamp(0, 1)), ("x.clamp(min=0)", lambda: x.clamp(min=0)),
""", """
F.binary_cross_entropy_with_logits(x, zeros)  -> BinaryCrossEntropyWithLogitsBackward0
x.norm()                                      -> LinalgVectorNormBackward0
torch.norm(x)                                 -> LinalgVectorNormBackward0
x.norm(p=1)                                   -> LinalgVectorNormBackward0
M.norm(dim=1)                                 -> LinalgVectorNormBackward0
x.clamp(0, 1)                                 -> ClampBackward1
x.clamp(min=0)                                -> ClampBackward1
""")

add_ops_table("names_clone_detach", r"""
    ("x.clone()", lambda: x.clone()), ("x.float()  (no-op: returns x)", lambda: x.float()), ("x.detach()", lambda: x.detach()),
""", """
x.clone()                                     -> CloneBackward0
x.float()  (no-op: returns x)                 -> None
x.detach()                                    -> None
""")

add_ops_table("names_inplace", r"""
    ("(x * 1).add_(1)", lambda: (x * 1).add_(1)), ("(x * 1).mul_(2)", lambda: (x * 1).mul_(2)),
    ("(x * 1).zero_()", lambda: (x * 1).zero_()),
""", """
(x * 1).add_(1)                               -> AddBackward0
(x * 1).mul_(2)                               -> MulBackward0
(x * 1).zero_()                               -> ZeroBackward0
""")

add(G, "comparisons_are_untracked", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
for r in [x > 1, x >= 2, x < 2, x <= 1, x == 2, x != 2]:
    print(r, r.dtype, r.requires_grad, r.grad_fn, r.is_leaf)
""")

add(G, "floor_divide_not_implemented", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x // 2
print(y, y.grad_fn)
y.sum().backward()
""", spec="""
tensor([0., 1., 1.], grad_fn=<NotImplemented>) <NotImplemented object at 0x7f5a9091cf40>
RuntimeError: derivative for aten::floor_divide is not implemented
""")

add(G, "matmul_1d_2d_graph", r"""
x = torch.ones(5)
w = torch.tensor([[1., 2., 3.]] * 5, requires_grad=True)
b = torch.tensor([0.5, -0.5, 1.], requires_grad=True)
z = torch.matmul(x, w) + b
print(z.grad_fn, z.grad_fn.next_functions)
print(z.grad_fn.next_functions[0][0].next_functions)
""", spec="""
<AddBackward0 object at 0x7f5a9091cf40> ((<SqueezeBackward4 object at 0x7f5a8fde6bc0>, 0), (<AccumulateGrad object at 0x7f5a8fde6d10>, 0))
((<MmBackward0 object at 0x7f5a8fde6b30>, 0),)
""")


# ---------------------------------------------------------------------------------------------
# §4 backward()

G = "s04_backward"

add(G, "scalar_backward_doc000_values", r"""
x = torch.tensor([0.3174, -1.1878, -1.8222], requires_grad=True)   # doc 000's printed values
y = x + 2
z = y * y * 2
print(y)
print(z)
z = z.mean()
print(z)
print(x.grad)
r = z.backward()
print(r, x.grad)            # d/dx mean(2(x+2)^2) = 4(x+2)/3
print(x.grad.requires_grad, x.grad.grad_fn, x.grad.dtype, x.grad.shape)
""", spec="""
tensor([2.3174, 0.8122, 0.1778], grad_fn=<AddBackward0>)
tensor([10.7407,  1.3193,  0.0632], grad_fn=<MulBackward0>)
tensor(4.0411, grad_fn=<MeanBackward0>)
None
None tensor([3.0899, 1.0829, 0.2371])
False None torch.float32 torch.Size([3])
""")

add(G, "one_element_outputs", r"""
x = torch.tensor([2., 3.], requires_grad=True)
(x[:1] * 5).backward()              # shape (1,) -> allowed
print(x.grad)
(x.reshape(1, 2)[:, :1] * 5).backward()   # shape (1, 1) -> allowed, accumulates
print(x.grad)
unused = torch.tensor([1.], requires_grad=True)
print(unused.grad)
""", spec="""
tensor([5., 0.])
tensor([10.,  0.])
None
""")

add(G, "vector_gradient_doc000_values", r"""
x = torch.tensor([-1.7756, -1.7325, 0.4365], requires_grad=True)   # doc 000 cell 12-15 values
y = x + 2
z = y * y * 2
print(z)
v = torch.tensor([0.1, 1.0, 0.001], dtype=torch.float32)
z.backward(v)
print(x.grad)            # 4*(x+2)*v
""", spec="""
tensor([ 0.1007,  0.1431, 11.8731], grad_fn=<MulBackward0>)
tensor([0.0898, 1.0700, 0.0097])
""")

add(G, "nonscalar_without_gradient", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
z = x * 2
z.backward()
""", spec="""
RuntimeError: grad can be implicitly created only for scalar outputs
""")

add(G, "gradient_shape_mismatch", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
(x * 2).backward(torch.ones(2))
""", spec="""
RuntimeError: Mismatch in shape: grad_output[0] has a shape of torch.Size([2]) and output[0] has a shape of torch.Size([3]).
""")

add(G, "gradient_shape_1_vs_0d", r"""
x = torch.ones(2, 2, requires_grad=True)
((x + 2) * (x + 2) + 3).mean().backward(torch.tensor([1.]))    # () vs (1,) is also a mismatch
""", spec="""
RuntimeError: Mismatch in shape: grad_output[0] has a shape of torch.Size([1]) and output[0] has a shape of torch.Size([]).
""")

add(G, "vjp_not_jvp", r"""
W = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
x = torch.tensor([1., -1., 2.], requires_grad=True)
y = W @ x                       # J = dy/dx = W  (2x3)
v = torch.tensor([1., 10.])
y.backward(v)
print(y)
print(x.grad)                   # W^T v = [41, 52, 63]
print(W.grad)                   # v x^T
""", spec="""
tensor([ 5., 11.], grad_fn=<MvBackward0>)
tensor([41., 52., 63.])
tensor([[  1.,  -1.,   2.],
        [ 10., -10.,  20.]])
""")

add(G, "int_gradient_is_cast", r"""
x = torch.ones(2, 2, requires_grad=True)
out = ((x + 2) * (x + 2) + 3).mean()
print(out)
out.backward(torch.tensor(1))
print(x.grad)
s = torch.tensor(2., requires_grad=True)
(s * s).backward(torch.tensor(3.))
print(s.grad)
""", spec="""
tensor(12., grad_fn=<MeanBackward0>)
tensor([[1.5000, 1.5000],
        [1.5000, 1.5000]])
tensor(12.)
""")

# Complex tensors are out of autograd_lab's scope; tests/test_engine.py checks the clear
# TypeError it raises instead of PyTorch's complex-dtype message.

add(G, "zero_vector_gives_zero_gradient", r"""
x = torch.tensor([-2.9568, -0.9728, 1.9758], requires_grad=True)
y = x * 2
k = 1
while y.data.norm() < 1000:   # y = x * 2**k
    y = y * 2
    k += 1
print(k, y)
gradients = torch.tensor([0, 0, 0], dtype=torch.float)
y.backward(gradients)
print(x.grad)
""", spec="""
9 tensor([-1513.8816,  -498.0736,  1011.6096], grad_fn=<MulBackward0>)
tensor([0., 0., 0.])
""")

add(G, "blitz_vector_gradient", r"""
x = torch.tensor([-2.9568, -0.9728, 1.9758], requires_grad=True)
y = x * 2
while y.data.norm() < 1000:
    y = y * 2
y.backward(torch.tensor([0.1, 1.0, 0.0001]))
print(x.grad)                # 2**k * v with k = 9
""", spec="""
tensor([5.1200e+01, 5.1200e+02, 5.1200e-02])
""")

add(G, "backward_returns_none_and_ones_seed", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x * x
print(y.backward(torch.ones(3)))
print(x.grad)
x.grad = None
y2 = (x * x).sum()
y2.backward(torch.tensor(1.))
print(x.grad)
""")

add(G, "backward_on_a_leaf", r"""
x = torch.tensor(2., requires_grad=True)
x.backward()
print(x.grad)
v = torch.tensor([1., 2.], requires_grad=True)
v.backward(torch.tensor([3., 4.]))
print(v.grad)
""")


# ---------------------------------------------------------------------------------------------
# §5 Derivative values

G = "s05_derivatives"

add(G, "binary_ops", r"""
a = torch.tensor([1., 2., 4.], requires_grad=True)
b = torch.tensor([3., -1., 0.5], requires_grad=True)
for name, f in [("a+b", lambda: a + b), ("a-b", lambda: a - b), ("a*b", lambda: a * b), ("a/b", lambda: a / b),
                ("a**b", lambda: a ** b)]:
    a.grad = None; b.grad = None
    f().sum().backward()
    print(f"{name:5s} da={a.grad} db={b.grad}")
""", spec="""
a+b   da=tensor([1., 1., 1.]) db=tensor([1., 1., 1.])
a-b   da=tensor([1., 1., 1.]) db=tensor([-1., -1., -1.])
a*b   da=tensor([ 3.0000, -1.0000,  0.5000]) db=tensor([1., 2., 4.])
a/b   da=tensor([ 0.3333, -1.0000,  2.0000]) db=tensor([ -0.1111,  -2.0000, -16.0000])
a**b  da=tensor([ 3.0000, -0.2500,  0.2500]) db=tensor([0.0000, 0.3466, 2.7726])
""")

add(G, "unary_ops", r"""
a = torch.tensor([1., 2., 4.], requires_grad=True)
for name, f in [("2-a", lambda: 2 - a), ("2/a", lambda: 2 / a), ("a**3", lambda: a ** 3), ("2**a", lambda: 2 ** a),
                ("-a", lambda: -a), ("exp", lambda: a.exp()), ("log", lambda: a.log()), ("sqrt", lambda: a.sqrt()),
                ("sigmoid", lambda: a.sigmoid()), ("tanh", lambda: a.tanh()), ("sum", lambda: a.sum()),
                ("mean", lambda: a.mean()), ("norm", lambda: a.norm())]:
    a.grad = None
    f().sum().backward()
    print(f"{name:8s} da={a.grad}")
""", spec="""
2-a      da=tensor([-1., -1., -1.])
2/a      da=tensor([-2.0000, -0.5000, -0.1250])
a**3     da=tensor([ 3., 12., 48.])
2**a     da=tensor([ 1.3863,  2.7726, 11.0904])
-a       da=tensor([-1., -1., -1.])
exp      da=tensor([ 2.7183,  7.3891, 54.5981])
log      da=tensor([1.0000, 0.5000, 0.2500])
sqrt     da=tensor([0.5000, 0.3536, 0.2500])
sigmoid  da=tensor([0.1966, 0.1050, 0.0177])
tanh     da=tensor([0.4200, 0.0707, 0.0013])
sum      da=tensor([1., 1., 1.])
mean     da=tensor([0.3333, 0.3333, 0.3333])
norm     da=tensor([0.2182, 0.4364, 0.8729])
""")

add(G, "relu_abs_at_zero", r"""
t = torch.tensor([-1., 0., 2.], requires_grad=True); t.relu().sum().backward(); print("relu ", t.grad)
t = torch.tensor([-1., 0., 2.], requires_grad=True); t.abs().sum().backward(); print("abs  ", t.grad)
""", spec="""
relu  tensor([0., 0., 1.])
abs   tensor([-1.,  0.,  1.])
""")

add(G, "norm_gradient", r"""
t = torch.zeros(3, requires_grad=True); t.norm().backward(); print("norm@0", t.grad)
t = torch.tensor([3., 4.], requires_grad=True); n = t.norm(); n.backward(); print("norm ", n, t.grad)
""", spec="""
norm@0 tensor([0., 0., 0.])
norm  tensor(5., grad_fn=<LinalgVectorNormBackward0>) tensor([0.6000, 0.8000])
""")

add(G, "sqrt_log_at_zero", r"""
t = torch.tensor([0., 4.], requires_grad=True); t.sqrt().sum().backward(); print("sqrt ", t.grad)
t = torch.tensor([0., 2., 3.], requires_grad=True); t.log().sum().backward(); print("log  ", t.grad)
""", spec="""
sqrt  tensor([   inf, 0.2500])
log   tensor([   inf, 0.5000, 0.3333])
""")

add(G, "max_ties", r"""
t = torch.tensor([1., 3., 3.], requires_grad=True); t.max().backward(); print("max  ", t.grad)
t = torch.tensor([[1., 3., 3.]], requires_grad=True); t.max(1).values.sum().backward(); print("max(1)", t.grad)
""", spec="""
max   tensor([0.0000, 0.5000, 0.5000])
max(1) tensor([[0., 1., 0.]])
""")

add(G, "clamp_boundaries", r"""
t = torch.tensor([1., 2., 3.], requires_grad=True); t.clamp(1, 2).sum().backward(); print("clamp", t.grad)
""", spec="""
clamp tensor([1., 1., 0.])
""")

add(G, "indexing_scatters_back", r"""
t = torch.tensor([1., 2., 3.], requires_grad=True); t[[0, 0, 2]].sum().backward(); print("idx  ", t.grad)
t = torch.tensor([1., 2., 3.], requires_grad=True); t[1:].sum().backward(); print("slice", t.grad)
t = torch.tensor([1., 2., 3.], requires_grad=True); t[t > 1].sum().backward(); print("mask ", t.grad)
""", spec="""
idx   tensor([2., 0., 1.])
slice tensor([0., 1., 1.])
mask  tensor([0., 1., 1.])
""")

add(G, "x_over_x_at_zero", r"""
t = torch.tensor([0., 2.], requires_grad=True); (t / t).sum().backward(); print("x/x@0", t.grad)
""", spec="""
x/x@0 tensor([nan, 0.])
""")

add(G, "reductions_and_shape_ops", r"""
M = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
M.sum(0).backward(torch.tensor([1., 10., 100.])); print(M.grad); M.grad = None
M.mean(dim=1, keepdim=True).backward(torch.tensor([[1.], [2.]])); print(M.grad); M.grad = None
M.t().backward(torch.tensor([[1., 2.], [3., 4.], [5., 6.]])); print(M.grad); M.grad = None
M.reshape(3, 2).backward(torch.tensor([[1., 2.], [3., 4.], [5., 6.]])); print(M.grad); M.grad = None
M.view(-1)[4].backward(); print(M.grad)
""", spec="""
tensor([[  1.,  10., 100.],
        [  1.,  10., 100.]])
tensor([[0.3333, 0.3333, 0.3333],
        [0.6667, 0.6667, 0.6667]])
tensor([[1., 3., 5.],
        [2., 4., 6.]])
tensor([[1., 2., 3.],
        [4., 5., 6.]])
tensor([[0., 0., 0.],
        [0., 1., 0.]])
""")

add(G, "matmul_family", r"""
A = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
B = torch.tensor([[0., 1.], [1., 1.]], requires_grad=True)
u = torch.tensor([1., -1.], requires_grad=True)
(A @ B).sum().backward(); print(A.grad, B.grad, sep="\n"); A.grad = None; B.grad = None
(u @ A).sum().backward(); print(u.grad, A.grad); u.grad = None; A.grad = None
(A @ u).sum().backward(); print(A.grad, u.grad); u.grad = None; A.grad = None
(u @ u).backward(); print(u.grad)
""", spec="""
tensor([[1., 2.],
        [1., 2.]])
tensor([[4., 4.],
        [6., 6.]])
tensor([3., 7.]) tensor([[ 1.,  1.],
        [-1., -1.]])
tensor([[ 1., -1.],
        [ 1., -1.]]) tensor([4., 6.])
tensor([ 2., -2.])
""")

add(G, "keepdim_and_dims", r"""
M = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
s = M.sum(dim=1, keepdim=True)
m = M.mean(0)
print(s, s.shape)
print(m, m.shape)
(s * torch.tensor([[1.], [-1.]])).sum().backward()
print(M.grad)
M.grad = None
(m * torch.tensor([1., 2., 3.])).sum().backward()
print(M.grad)
""")

add(G, "min_max_values", r"""
M = torch.tensor([[1., 5., 3.], [4., 2., 6.]], requires_grad=True)
print(M.max(), M.min())
values, indices = M.max(dim=1)
print(values, indices)
values.sum().backward()
print(M.grad)
M.grad = None
M.min(dim=0).values.sum().backward()
print(M.grad)
""")

add(G, "torch_function_forms", r"""
x = torch.tensor([0.5, 1., 2.], requires_grad=True)
for f in [torch.exp, torch.log, torch.sqrt, torch.abs, torch.tanh, torch.sigmoid, torch.relu, torch.mean, torch.sum]:
    x.grad = None
    y = f(x)
    y.sum().backward()
    print(f.__name__, y, x.grad)
""")

add(G, "transpose_and_view_chain", r"""
A = torch.arange(6.).reshape(2, 3).requires_grad_()
B = A.transpose(0, 1).reshape(6).view(3, 2) * torch.tensor([1., 2.])
print(B)
B.sum().backward()
print(A.grad)
""")

add(G, "pow_variants", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
for label, f in [("x**2", lambda: x ** 2), ("pow(3)", lambda: x.pow(3)), ("x**0.5", lambda: x ** 0.5),
                 ("x**-1", lambda: x ** -1), ("x**x", lambda: x ** x)]:
    x.grad = None
    f().sum().backward()
    print(f"{label:7s} {x.grad}")
""")

add(G, "sigmoid_tanh_relu_composite", r"""
x = torch.tensor([-2., -0.5, 0.5, 2.], requires_grad=True)
y = torch.tanh(x) * torch.sigmoid(x) + F.relu(x)
print(y)
y.sum().backward()
print(x.grad)
""")

add(G, "norm_variants", r"""
M = torch.tensor([[3., 4.], [0., 0.]], requires_grad=True)
n = M.norm(dim=1)
print(n)
n.sum().backward()
print(M.grad)
x = torch.tensor([1., -2., 2.], requires_grad=True)
n1 = x.norm(p=1)
print(n1, torch.norm(x))
n1.backward()
print(x.grad)
""")

add(G, "clamp_min_only", r"""
x = torch.tensor([-1., 0., 1., 5.], requires_grad=True)
y = x.clamp(min=0)
print(y)
y.sum().backward()
print(x.grad)
""")

add(G, "clone_passes_gradient", r"""
x = torch.tensor([1., 2.], requires_grad=True)
y = x.clone()
print(y, y.is_leaf)
(y * y).sum().backward()
print(x.grad)
""")

add(G, "same_tensor_twice", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
(x * x).sum().backward()
print(x.grad)
x.grad = None
(x + x + x).sum().backward()
print(x.grad)
x.grad = None
y = x * 2
(y * y + y).sum().backward()
print(x.grad)
""")


# ---------------------------------------------------------------------------------------------
# §5.1 binary_cross_entropy_with_logits (doc 002)

G = "s05_bce_with_logits"

add(G, "doc002_with_fixed_weights", r"""
x = torch.ones(5)
y = torch.zeros(3)
w = torch.tensor([[0.1, 0.2, -0.3],
                  [0.4, 0.5, -0.6],
                  [-0.7, 0.8, 0.9],
                  [0.2, -0.1, 0.0],
                  [0.3, 0.3, 0.3]], requires_grad=True)
b = torch.tensor([0.5, -1.0, 0.25], requires_grad=True)
z = torch.matmul(x, w) + b
loss = F.binary_cross_entropy_with_logits(z, y)
print(z)
print(loss)
print(w.grad)
loss.backward()
print(w.grad)
print(b.grad)
print((torch.sigmoid(z) - y).detach() / 3)
""", spec="""
tensor([0.8000, 0.7000, 0.5500], grad_fn=<AddBackward0>)
tensor(1.0933, grad_fn=<BinaryCrossEntropyWithLogitsBackward0>)
None
tensor([[0.2300, 0.2227, 0.2114],
        [0.2300, 0.2227, 0.2114],
        [0.2300, 0.2227, 0.2114],
        [0.2300, 0.2227, 0.2114],
        [0.2300, 0.2227, 0.2114]])
tensor([0.2300, 0.2227, 0.2114])
tensor([0.2300, 0.2227, 0.2114])
""")

add(G, "reductions_and_size_error", r"""
z = torch.tensor([-1., 0., 2.], requires_grad=True)
t = torch.tensor([0., 1., 1.])
for red in ["mean", "sum", "none"]:
    print(red, F.binary_cross_entropy_with_logits(z, t, reduction=red))
print(F.binary_cross_entropy_with_logits(torch.tensor([100., -100.]), torch.tensor([0., 1.])))
F.binary_cross_entropy_with_logits(z, torch.zeros(2))
""", spec="""
mean tensor(0.3778, grad_fn=<BinaryCrossEntropyWithLogitsBackward0>)
sum tensor(1.1333, grad_fn=<BinaryCrossEntropyWithLogitsBackward0>)
none tensor([0.3133, 0.6931, 0.1269],
       grad_fn=<BinaryCrossEntropyWithLogitsBackward0>)
tensor(100.)
ValueError: Target size (torch.Size([2])) must be the same as input size (torch.Size([3]))
""")

add(G, "doc002_printed_logits", r"""
# doc 002 with its own printed z: loss 1.3804, b.grad [0.1400, 0.3240, 0.0067]
z = torch.tensor([-0.3228, 3.5479, -3.8853], requires_grad=True)
loss = F.binary_cross_entropy_with_logits(z, torch.zeros(3))
loss.backward()
print(loss, z.grad)
""", spec="""
tensor(1.3804, grad_fn=<BinaryCrossEntropyWithLogitsBackward0>) tensor([0.1400, 0.3240, 0.0067])
""")

add(G, "gradients_per_reduction", r"""
t = torch.tensor([0., 1., 1.])
for red in ["mean", "sum"]:
    z = torch.tensor([-1., 0., 2.], requires_grad=True)
    F.binary_cross_entropy_with_logits(z, t, reduction=red).backward()
    print(red, z.grad)
z = torch.tensor([-1., 0., 2.], requires_grad=True)
F.binary_cross_entropy_with_logits(z, t, reduction="none").backward(torch.tensor([1., 2., 3.]))
print("none", z.grad)
""")

add(G, "two_dim_logits_and_target_grad", r"""
z = torch.tensor([[0.5, -1.5], [2.0, 0.0]], requires_grad=True)
t = torch.tensor([[1., 0.], [0., 1.]], requires_grad=True)
loss = F.binary_cross_entropy_with_logits(z, t)
print(loss)
loss.backward()
print(z.grad)
print(t.grad)
""")

# ---------------------------------------------------------------------------------------------
# §6 Broadcasting in backward

G = "s06_broadcasting"

add(G, "row_vector_against_matrix", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)            # (3,)
B = torch.tensor([[1., 1., 1.], [2., 2., 2.]], requires_grad=True)   # (2,3)
(x * B).sum().backward()
print(x.grad)      # sum over dim 0 of B
print(B.grad)      # x broadcast to (2,3)
""", spec="""
tensor([3., 3., 3.])
tensor([[1., 2., 3.],
        [1., 2., 3.]])
""")

add(G, "column_times_row", r"""
c = torch.tensor([[1.], [2.], [3.]], requires_grad=True)      # (3,1)
r = torch.tensor([[1., 10., 100., 1000.]], requires_grad=True)  # (1,4)
(c * r).sum().backward()
print(c.grad)
print(r.grad)
""", spec="""
tensor([[1111.],
        [1111.],
        [1111.]])
tensor([[6., 6., 6., 6.]])
""")

add(G, "zero_dim_operand", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
s = torch.tensor(2., requires_grad=True)                       # 0-dim
(s * x).sum().backward()
print(s.grad, s.grad.shape)
""", spec="""
tensor(6.) torch.Size([])
""")

add(G, "bias_over_batch", r"""
b = torch.tensor([0.5, -0.5, 1.], requires_grad=True)
(torch.ones(4, 3) + b).sum().backward()
print(b.grad)
""", spec="""
tensor([4., 4., 4.])
""")

add(G, "broadcast_sub_div_keepdim", r"""
x = torch.tensor([[1., 2.], [3., 4.], [5., 6.]], requires_grad=True)
mu = x.mean(dim=0, keepdim=True)
y = (x - mu) / torch.tensor([2., 4.])
print(mu, y, sep="\n")
(y * torch.tensor([[1.], [2.], [3.]])).sum().backward()
print(x.grad)
""")

add(G, "broadcast_size_error", r"""
torch.ones(3) + torch.ones(2)
""")

# ---------------------------------------------------------------------------------------------
# §7 Accumulation, zero_(), = None, and the training loop

G = "s07_accumulation"

add(G, "accumulating_loop", r"""
weights = torch.ones(4, requires_grad=True)
for epoch in range(100):
    model_output = (weights * 3).sum()
    model_output.backward()
    if epoch % 10 == 0:
        print(weights.grad)
""", spec="""
tensor([3., 3., 3., 3.])
tensor([33., 33., 33., 33.])
tensor([63., 63., 63., 63.])
tensor([93., 93., 93., 93.])
tensor([123., 123., 123., 123.])
tensor([153., 153., 153., 153.])
tensor([183., 183., 183., 183.])
tensor([213., 213., 213., 213.])
tensor([243., 243., 243., 243.])
tensor([273., 273., 273., 273.])
""")

add(G, "zeroed_loop", r"""
weights = torch.ones(4, requires_grad=True)
for epoch in range(30):
    model_output = (weights * 3).sum()
    model_output.backward()
    if epoch % 10 == 0:
        print(weights.grad)
    weights.grad.zero_()
print(weights.grad)
""", spec="""
tensor([3., 3., 3., 3.])
tensor([3., 3., 3., 3.])
tensor([3., 3., 3., 3.])
tensor([0., 0., 0., 0.])
""")

add(G, "grad_is_accumulated_in_place", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
(x * 2).sum().backward()
g = x.grad
(x * x).sum().backward()
print(x.grad, g is x.grad)
x.grad.zero_()
print(x.grad, g is x.grad)
x.grad = None
print(x.grad)
(x * 2).sum().backward()
print(x.grad, g is x.grad)
""", spec="""
tensor([4., 6., 8.]) True
tensor([0., 0., 0.]) True
None
tensor([2., 2., 2.]) False
""")

add(G, "manual_sgd", r"""
# manual SGD: w <- w - lr * grad, done under no_grad, then zero the grad
X = torch.tensor([1., 2., 3., 4.])
Y = torch.tensor([2., 4., 6., 8.])
w = torch.tensor(0.0, requires_grad=True)
for epoch in range(5):
    loss = ((w * X - Y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= 0.01 * w.grad
    print(epoch, w, loss, w.grad)
    w.grad.zero_()
""", spec="""
0 tensor(0.3000, requires_grad=True) tensor(30., grad_fn=<MeanBackward0>) tensor(-30.)
1 tensor(0.5550, requires_grad=True) tensor(21.6750, grad_fn=<MeanBackward0>) tensor(-25.5000)
2 tensor(0.7717, requires_grad=True) tensor(15.6602, grad_fn=<MeanBackward0>) tensor(-21.6750)
3 tensor(0.9560, requires_grad=True) tensor(11.3145, grad_fn=<MeanBackward0>) tensor(-18.4238)
4 tensor(1.1126, requires_grad=True) tensor(8.1747, grad_fn=<MeanBackward0>) tensor(-15.6602)
""")

add(G, "optim_sgd_step_and_zero_grad", r"""
opt_w = torch.nn.Parameter(torch.ones(2))
opt = torch.optim.SGD([opt_w], lr=0.1)
(opt_w * 3).sum().backward()
opt.step()
print(opt_w, opt_w.grad)
opt.zero_grad()
print(opt_w.grad)
""", spec="""
Parameter containing:
tensor([0.7000, 0.7000], requires_grad=True) tensor([3., 3.])
None
""")

add(G, "sgd_steps_to_the_last_bit", r"""
# add(alpha=) is one fused multiply-add in PyTorch, for float32 and float64 alike
torch.manual_seed(3)
w32 = torch.randn(5, 3, requires_grad=True)
w64 = torch.randn(4, dtype=torch.float64, requires_grad=True)
x32, v32 = torch.randn(5, 3), torch.rand(5, 3)
x64 = torch.randn(4, dtype=torch.float64)
opt = torch.optim.SGD([w32, w64], lr=0.1)
for step in range(3):
    opt.zero_grad()
    ((w32 * x32 - 0.3) ** 2).backward(v32)
    (w64 * x64 * w64).backward(torch.ones(4, dtype=torch.float64))
    opt.step()
print(w32.tolist(), w32._version)
print(w64.tolist(), w64._version)
a = torch.tensor([0.1, 0.2, 0.3])
b = torch.tensor([3.3, -1.7, 2.9])
a.add_(b, alpha=0.37)
a.sub_(b, alpha=1.3)
print(a.tolist(), a._version)
with torch.no_grad():
    w32.sub_(w32.grad, alpha=0.01)
print(w32._version, w32.requires_grad, w32.grad_fn)
p = torch.randn(67, dtype=torch.float64)
q = torch.randn(67, dtype=torch.float64)
print(p.add(q, alpha=-0.1).tolist() == (p.clone().sub_(q, alpha=0.1)).tolist())
print(p.add(q, alpha=-0.1).tolist()[-5:], p.sub(q, alpha=0.1).tolist()[:3])
""")

add(G, "grad_dtype_follows_leaf", r"""
x = torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)
(x * 3).sum().backward()
print(x.grad, x.grad.dtype)
""")

add(G, "unreached_leaf_keeps_none", r"""
a = torch.tensor([1., 2.], requires_grad=True)
b = torch.tensor([3., 4.], requires_grad=True)
(a * 2).sum().backward()
print(a.grad, b.grad)
(a * b).sum().backward()
print(a.grad, b.grad)
""")

# ---------------------------------------------------------------------------------------------
# §8 retain_graph and "backward through the graph a second time"

G = "s08_retain_graph"

add(G, "retain_graph_then_error", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
L = (x * x).sum()
L.backward(retain_graph=True)
print(x.grad)
L.backward()
print(x.grad)
L.backward()
""", spec="""
tensor([2., 4., 6.])
tensor([ 4.,  8., 12.])
RuntimeError: Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.
""")

add(G, "graphs_without_saved_tensors_rerun", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
L = (x + 2).sum()
L.backward()
L.backward()              # no saved tensors anywhere -> no error
print(x.grad)
x.grad = None
L = (x + 2).mean()
L.backward()
L.backward()
print(x.grad)
M = (x * 3).sum()
M.backward()
M.backward()
""", spec="""
tensor([2., 2., 2.])
tensor([0.6667, 0.6667, 0.6667])
RuntimeError: Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.
""")

add(G, "doc002_second_backward", r"""
# doc 002: loss.backward() twice
x = torch.ones(5)
w = torch.tensor([[0.1, 0.2, -0.3]] * 5, requires_grad=True)
b = torch.tensor([0.5, -1.0, 0.25], requires_grad=True)
loss = F.binary_cross_entropy_with_logits(torch.matmul(x, w) + b, torch.zeros(3))
loss.backward()
loss.backward()
""", spec="""
RuntimeError: Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.
""")

add(G, "x_plus_x_reruns_exp_does_not", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
L = (x + x).sum()
L.backward()
L.backward()
print(x.grad)
E = x.exp().sum()
E.backward()
E.backward()
""")

add(G, "retain_graph_on_nonscalar_and_sub", r"""
x = torch.tensor([1., 2.], requires_grad=True)
y = x - 1
y.backward(torch.ones(2))
y.backward(torch.ones(2))
print(x.grad)
z = x / 2
z.backward(torch.ones(2), retain_graph=True)
z.backward(torch.ones(2))
print(x.grad)
""")

add(G, "retain_graph_accumulates_three_times", r"""
x = torch.tensor(3., requires_grad=True)
y = x ** 2
for _ in range(3):
    y.backward(retain_graph=True)
    print(x.grad)
""")


# ---------------------------------------------------------------------------------------------
# §9 Non-leaf tensors: the .grad warning and retain_grad()

G = "s09_nonleaf_grad"

add(G, "nonleaf_grad_warns", r"""
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 3
print(y.grad)
print(torch.tensor([1.]).grad)
""", spec="""
UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more information. (Triggered internally at /__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h:493.)
None
None
""")

add(G, "retain_grad", r"""
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 3
y.retain_grad()
print(y.retains_grad, x.retains_grad, y.is_leaf)
(y * y).sum().backward()
print(y.grad, x.grad)
x.retain_grad()
print(x.retains_grad)
torch.tensor([1.]).retain_grad()
""", spec="""
True False False
tensor([ 6., 12.]) tensor([18., 36.])
False
RuntimeError: can't retain_grad on Tensor that has requires_grad=False
""")

add(G, "warning_interleaves_with_prints", r"""
x = torch.tensor([1., 2.], requires_grad=True)
y = x + 1
print("before")
g = y.grad
print("after", g)
z = y * 2
z.retain_grad()
print("retained", z.grad)
print("leaf", x.grad)
""")

add(G, "warning_after_backward_too", r"""
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 2
y.sum().backward()
print(x.grad)
print(y.grad)
""")

# ---------------------------------------------------------------------------------------------
# §10 requires_grad, requires_grad_() and integer tensors

G = "s10_requires_grad"

add(G, "requires_grad_returns_self", r"""
a = torch.ones(2, 2)
a = ((a * 3) / (a + 1))
print(a)
print(a.requires_grad, a.grad_fn, a.is_leaf)
r = a.requires_grad_()
print(r is a, a.requires_grad, a.is_leaf)
b = (a * a).sum()
print(b)
print(b.grad_fn)
""", spec="""
tensor([[1.5000, 1.5000],
        [1.5000, 1.5000]])
False None True
True True True
tensor(9., grad_fn=<SumBackward0>)
<SumBackward0 object at 0x7f5a8cc261d0>
""")

add(G, "turn_off_keeps_grad_nonleaf_raises", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
(x * 2).sum().backward()
x.requires_grad_(False)
print(x, x.grad)
y = torch.tensor([1., 2.], requires_grad=True) * 2
print(y.requires_grad_(True))
y.requires_grad_(False)
""", spec="""
tensor([1., 2., 3.]) tensor([2., 2., 2.])
tensor([2., 4.], grad_fn=<MulBackward0>)
RuntimeError: you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().
""")

add(G, "assign_false_on_nonleaf", r"""
y = torch.tensor([1., 2.], requires_grad=True) * 2
y.requires_grad = False
""", spec="""
RuntimeError: you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().
""")

add(G, "int_tensor_constructor_kwarg", r"""
torch.tensor([1, 2, 3], requires_grad=True)
""", spec="""
RuntimeError: Only Tensors of floating point and complex dtype can require gradients
""")

add(G, "int_tensor_requires_grad_method", r"""
torch.tensor([1, 2, 3]).requires_grad_()
""", spec="""
RuntimeError: only Tensors of floating point dtype can require gradients
""")

add(G, "int_tensor_attribute_assignment", r"""
t = torch.tensor([1, 2, 3])
t.requires_grad = True
""", spec="""
RuntimeError: only Tensors of floating point and complex dtype can require gradients
""")

add(G, "int_arange_requires_grad", r"""
torch.arange(3, requires_grad=True)
""", spec="""
RuntimeError: Only Tensors of floating point and complex dtype can require gradients
""")

add(G, "attribute_assignment_on_float_leaf", r"""
x = torch.tensor([1., 2.])
x.requires_grad = True
print(x, x.is_leaf)
y = (x * x).sum()
y.backward()
print(x.grad)
x.requires_grad = False
print(x, x.requires_grad, (x * 2).grad_fn)
""")

add(G, "requires_grad_false_default_and_int_ops", r"""
x = torch.tensor([1., 2.], requires_grad=True)
i = torch.tensor([1, 2])
y = x * i + i
print(y, y.dtype)
print(torch.tensor([1, 2, 3]).float().requires_grad_())
print(torch.ones(2, dtype=torch.float64).requires_grad_().requires_grad)
""")

# ---------------------------------------------------------------------------------------------
# §11 In-place operations and the version counter

G = "s11_inplace"

add(G, "version_counter", r"""
v = torch.ones(2)
print(v._version)
v.add_(1); print(v._version)
v[0] = 3.; print(v._version)
v.zero_(); print(v._version)
v += 1; print(v._version)
""", spec="""
0
1
2
3
4
""")

add(G, "saved_output_modified", r"""
a = torch.tensor([1., 2., 3.], requires_grad=True)
b = a.exp()            # ExpBackward0 saves its *output* b
b.add_(1)
print(b._version, b.grad_fn)
b.sum().backward()
""", spec="""
1 <AddBackward0 object at 0x7f5a8cc25f60>
RuntimeError: one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of Exp, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).
""")

add(G, "saved_input_modified", r"""
a = torch.tensor([1., 2., 3.], requires_grad=True)
b = a * 2
c = b * b               # MulBackward0 saves b
b.mul_(2)
c.sum().backward()
""", spec="""
RuntimeError: one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of Mul, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).
""")

add(G, "unsaved_tensor_modified_is_fine", r"""
a = torch.tensor([1., 2., 3.], requires_grad=True)
b = a * 2
b.add_(1)               # fine: nothing saved b (AddBackward/MulBackward-by-scalar of a)
b.sum().backward()
print(a.grad, b.grad_fn)
""", spec="""
tensor([2., 2., 2.]) <AddBackward0 object at 0x7f5a8cc261a0>
""")

add(G, "inplace_on_leaf", r"""
a = torch.tensor([1., 2., 3.], requires_grad=True)
a.add_(1)
""", spec="""
RuntimeError: a leaf Variable that requires grad is being used in an in-place operation.
""")

add(G, "inplace_on_view_of_leaf", r"""
a = torch.tensor([1., 2., 3.], requires_grad=True)
a[0].add_(1)
""", spec="""
RuntimeError: a view of a leaf Variable that requires grad is being used in an in-place operation.
""")

add(G, "inplace_on_leaf_under_no_grad", r"""
a = torch.tensor([1., 2., 3.], requires_grad=True)
with torch.no_grad():
    a.add_(1)
    a -= 0.5
print(a, a.is_leaf, a.grad_fn, a._version)
""", spec="""
tensor([1.5000, 2.5000, 3.5000], requires_grad=True) True None 2
""")

add(G, "augmented_assignment_on_leaf", r"""
w = torch.tensor([1., 2.], requires_grad=True)
w -= 0.1
""")

add(G, "setitem_on_leaf", r"""
w = torch.tensor([1., 2.], requires_grad=True)
w[0] = 5.
""")

add(G, "inplace_keeps_gradient_flowing", r"""
a = torch.tensor([1., 2., 3.], requires_grad=True)
b = a * 2
b.mul_(3)
b += 1
print(b, b._version)
b.sum().backward()
print(a.grad)
""")

# ---------------------------------------------------------------------------------------------
# §12 detach() and .data

G = "s12_detach_data"

# The spec also prints y.data_ptr() == x.data_ptr(); storage pointers are an internal of PyTorch,
# so sharing is checked by behaviour instead (writing through y changes x).
add(G, "detach_shares_storage_and_version", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x.detach()
print(x)
print(y)
print(y.requires_grad, y.is_leaf, y.grad_fn)
y[0] = 100.
print(x, x._version, y._version)
""", spec="""
tensor([1., 2., 3.], requires_grad=True)
tensor([1., 2., 3.])
False True None
tensor([100.,   2.,   3.], requires_grad=True) 1 1
""")

add(G, "detach_modification_detected", r"""
a = torch.tensor([1., 2.], requires_grad=True)
b = a.exp()
b.detach().zero_()
b.sum().backward()
""", spec="""
RuntimeError: one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [2]], which is output 0 of Exp, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).
""")

add(G, "data_escapes_version_counter", r"""
a = torch.tensor([1., 2.], requires_grad=True)
b = a.exp()
d = b.data
print(d.requires_grad, d.is_leaf, d._version, b._version)
d.zero_()
print(d._version, b._version)
b.sum().backward()
print(a.grad)          # silently wrong: uses the zeroed b, true answer is exp(a)
""", spec="""
False True 0 0
1 0
tensor([0., 0.])
""")

add(G, "detach_rebinds_and_no_grad", r"""
x = torch.ones(2, 2, requires_grad=True)
print(x.requires_grad, (x ** 2).requires_grad)
x = x.detach()
print(x.requires_grad)
with torch.no_grad():
    print((x ** 2).requires_grad)
z = torch.ones(5) @ torch.ones(5, 3, requires_grad=True)
print(z.detach().requires_grad, z.requires_grad)
""", spec="""
True True
False
False
False True
""")

add(G, "data_print_and_norm", r"""
x = torch.tensor([3., 4.], requires_grad=True)
y = x * 2
print(x.data, y.data)
print(y.data.norm(), y.data.norm() < 1000, y.data.norm().item())
""")

add(G, "detached_tensor_ops_are_untracked", r"""
x = torch.tensor([1., 2.], requires_grad=True)
d = x.detach()
e = d * 2 + 1
print(e, e.requires_grad, e.grad_fn)
f = d.requires_grad_()
print(f is d, x.requires_grad, d.requires_grad)
""")


# ---------------------------------------------------------------------------------------------
# §13 Grad-mode contexts

G = "s13_grad_modes"

add(G, "no_grad_and_enable_grad", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
with torch.no_grad():
    y = x + 2
    print(y)
    print(y.requires_grad, y.grad_fn, y.is_leaf, torch.is_grad_enabled())
    n = torch.ones(2, requires_grad=True)
    print(n.requires_grad)
    with torch.enable_grad():
        print((x * 2).grad_fn)
print(torch.is_grad_enabled())
""", spec="""
tensor([3., 4., 5.])
False None True False
True
<MulBackward0 object at 0x7f5a8cc26740>
True
""")

add(G, "set_grad_enabled", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
with torch.set_grad_enabled(False):
    print((x * 2).requires_grad)
torch.set_grad_enabled(False)
print((x * 2).requires_grad)
torch.set_grad_enabled(True)
print((x * 2).requires_grad)
""", spec="""
False
False
True
""")

add(G, "no_grad_decorator", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)

@torch.no_grad()
def double(t):
    return t * 2
print(double(x))
""", spec="""
tensor([2., 4., 6.])
""")

add(G, "inference_mode", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
with torch.inference_mode():
    r = x * 2
    print(r.requires_grad, r.is_inference(), torch.is_inference_mode_enabled(), torch.is_grad_enabled())
print(r, r.is_leaf, x.is_inference())
(r * x).sum().backward()
""", spec="""
False True True False
tensor([2., 4., 6.]) True False
RuntimeError: Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode in computation tracked by autograd. To work around this, you can make a clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead of `torch.inference_mode()`.
""")

add(G, "inference_tensor_inplace", r"""
with torch.inference_mode():
    a = torch.ones(2)
a.add_(1)
""", spec="""
RuntimeError: Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.
""")

add(G, "inference_tensor_requires_grad", r"""
with torch.inference_mode():
    a = torch.ones(2)
a.requires_grad_()
""", spec="""
RuntimeError: Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.
""")

add(G, "backward_of_no_grad_result", r"""
x = torch.tensor([1., 2.], requires_grad=True)
with torch.no_grad():
    y = (x * 2).sum()
y.backward()
""", spec="""
RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn
""")

add(G, "no_grad_restored_after_exception", r"""
x = torch.tensor([1., 2.], requires_grad=True)
try:
    with torch.no_grad():
        raise KeyError("boom")
except KeyError:
    pass
print(torch.is_grad_enabled(), (x * 2).requires_grad)
""")

add(G, "set_grad_enabled_as_decorator_and_nesting", r"""
x = torch.tensor([1., 2.], requires_grad=True)

@torch.set_grad_enabled(False)
def f(t):
    return t * 2

print(f(x).requires_grad, torch.is_grad_enabled())
with torch.no_grad():
    with torch.set_grad_enabled(True):
        print((x * 2).requires_grad)
    print((x * 2).requires_grad)
""")

add(G, "clone_of_inference_tensor_is_normal", r"""
x = torch.tensor([1., 2.], requires_grad=True)
with torch.inference_mode():
    r = x * 2
c = r.clone()
print(c.is_inference())
(c * x).sum().backward()
print(x.grad)
""")

# ---------------------------------------------------------------------------------------------
# §14 Higher-order gradients

G = "s14_higher_order"

add(G, "create_graph", r"""
x = torch.tensor(2., requires_grad=True)
y = x ** 3
y.backward(create_graph=True)
print(x.grad)                  # 3x^2 = 12
g = x.grad
x.grad = None
g.backward()
print(x.grad)                  # 6x = 12
""", spec="""
UserWarning: Using backward() with create_graph=True will create a reference cycle between the parameter and its gradient which can cause a memory leak. We recommend using autograd.grad when creating the graph to avoid this. If you have to use this function, make sure to reset the .grad fields of your parameters to None after use to break the cycle and avoid the leak. (Triggered internally at /__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1307.)
tensor(12., grad_fn=<CopyBackwards>)
tensor(12.)
""", fresh_process=True)

add(G, "autograd_grad_basics", r"""
x = torch.tensor(2., requires_grad=True)
(dx,) = torch.autograd.grad(x ** 3, x, create_graph=True)
print(dx)
(ddx,) = torch.autograd.grad(dx, x)
print(ddx, x.grad)
print(torch.autograd.grad(x ** 3, x))
v = torch.tensor([1., 2.], requires_grad=True)
print(torch.autograd.grad(v * v, v, grad_outputs=torch.tensor([1., 10.])))
""", spec="""
tensor(12., grad_fn=<MulBackward0>)
tensor(12.) None
(tensor(12.),)
(tensor([ 2., 40.]),)
""")

add(G, "autograd_grad_allow_unused", r"""
a = torch.tensor([1.], requires_grad=True)
b = torch.tensor([2.], requires_grad=True)
print(torch.autograd.grad((a * 2).sum(), [a, b], allow_unused=True))
print(torch.autograd.grad((a * 2).sum(), [a, b], allow_unused=True, materialize_grads=True))
torch.autograd.grad((a * 2).sum(), [a, b])
""", spec="""
(tensor([2.]), None)
(tensor([2.]), tensor([0.]))
RuntimeError: The differentiated Tensor at index 1 appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.
""")

add(G, "autograd_grad_nonscalar", r"""
v = torch.tensor([1., 2.], requires_grad=True)
torch.autograd.grad(v * v, v)
""", spec="""
RuntimeError: grad can be implicitly created only for scalar outputs
""")

add(G, "second_derivative_without_reset_adds", r"""
x = torch.tensor(2., requires_grad=True)
(x ** 3).backward(create_graph=True)
x.grad.backward()
print(x.grad)
""", fresh_process=True)

add(G, "autograd_grad_retain_graph", r"""
x = torch.tensor([1., 2.], requires_grad=True)
y = (x * x).sum()
print(torch.autograd.grad(y, x, retain_graph=True))
print(torch.autograd.grad(y, x))
torch.autograd.grad(y, x)
""")

add(G, "autograd_grad_two_inputs_tuple", r"""
a = torch.tensor(3., requires_grad=True)
b = torch.tensor(4., requires_grad=True)
out = a * b + a ** 2
ga, gb = torch.autograd.grad(out, (a, b))
print(ga, gb, a.grad, b.grad)
""")

add(G, "autograd_grad_input_not_requiring_grad", r"""
a = torch.tensor(3., requires_grad=True)
c = torch.tensor(1.)
torch.autograd.grad(a * c, c)
""")

# ---------------------------------------------------------------------------------------------
# §15 Tensor hooks

G = "s15_hooks"

add(G, "observe_and_remove", r"""
x = torch.tensor([1., 2.], requires_grad=True)
seen = []
h = x.register_hook(lambda g: seen.append(g.clone()))
(x * 3).sum().backward()
print(seen, x.grad, type(h).__name__)
h.remove()
(x * 3).sum().backward()
print(len(seen), x.grad)
""", spec="""
[tensor([3., 3.])] tensor([3., 3.]) RemovableHandle
1 tensor([6., 6.])
""")

add(G, "replace_leaf_gradient", r"""
x2 = torch.tensor([1., 2.], requires_grad=True)
x2.register_hook(lambda g: g * 10)
(x2 * x2).sum().backward()
print(x2.grad)
""", spec="""
tensor([20., 40.])
""")

add(G, "replace_nonleaf_gradient", r"""
x3 = torch.tensor([1., 2.], requires_grad=True)
m = x3 * 2
m.register_hook(lambda g: g * 100)
m.sum().backward()
print(x3.grad)
""", spec="""
tensor([200., 200.])
""")

add(G, "hook_needs_requires_grad", r"""
torch.tensor([1., 2.]).register_hook(lambda g: g)
""", spec="""
RuntimeError: cannot register a hook on a tensor that doesn't require gradient
""")

add(G, "hooks_print_order", r"""
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 2
z = y + 1
x.register_hook(lambda g: print("x", g))
y.register_hook(lambda g: print("y", g))
z.register_hook(lambda g: print("z", g))
z.sum().backward()
print(x.grad)
""")

add(G, "two_hooks_chain", r"""
x = torch.tensor([1., 2.], requires_grad=True)
x.register_hook(lambda g: g + 1)
x.register_hook(lambda g: g * 2)
(x * 3).sum().backward()
print(x.grad)
""")

# ---------------------------------------------------------------------------------------------
# §16 Errors and warnings (the catalogue; the other messages are exercised above)

G = "s16_errors"

add(G, "backward_on_tensor_without_grad", r"""
torch.tensor([1., 2.]).backward()
""", spec="""
RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn
""")

add(G, "numpy_on_requires_grad", r"""
torch.tensor([1., 2., 3.], requires_grad=True).numpy()
""", spec="""
RuntimeError: Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.
""")

add(G, "element0_wins_over_scalar_check", r"""
x = torch.tensor([1., 2., 3.])
y = x + 2
y.backward()
""", spec="""
RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn
""")

add(G, "element0_with_explicit_gradient", r"""
x = torch.tensor([1., 2., 3.])
(x * 2).backward(torch.ones(3))
""", spec="""
RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn
""")

add(G, "item_on_two_elements", r"""
torch.tensor([[1., 2.]], requires_grad=True).sum(0).item()
""")

add(G, "mm_shape_mismatch", r"""
torch.ones(2, 3) @ torch.ones(2, 3)
""")

add(G, "view_invalid_shape", r"""
torch.ones(6).view(4)
""")

add(G, "mean_of_int_tensor", r"""
torch.tensor([1, 2, 3]).mean()
""")


# ---------------------------------------------------------------------------------------------
# nn.Parameter, nn.Linear, nn.Module, optim.SGD, grad-mode helpers

G = "nn_optim"

add(G, "parameter_attributes", r"""
p = torch.nn.Parameter(torch.tensor([1., 2.]))
print(p.requires_grad, p.is_leaf, p.grad, p.grad_fn, isinstance(p, torch.Tensor), type(p).__name__)
q = p * 2
print(q, type(q).__name__)
print(torch.nn.Parameter(torch.ones(2), requires_grad=False))
print(torch.nn.Parameter(torch.tensor([[1.5, -2.]])))
""")

add(G, "linear_with_fixed_weights", r"""
lin = torch.nn.Linear(3, 2)
print(lin)
lin.weight = torch.nn.Parameter(torch.tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]))
lin.bias = torch.nn.Parameter(torch.tensor([0.01, -0.02]))
print(lin.weight)
print(lin.bias)
x = torch.tensor([[1., 2., 3.], [-1., 0., 1.]])
y = lin(x)
print(y)
y.sum().backward()
print(lin.weight.grad)
print(lin.bias.grad)
""")

add(G, "linear_shapes_and_parameters", r"""
lin = torch.nn.Linear(4, 3)
print(lin.weight.shape, lin.bias.shape, lin.in_features, lin.out_features)
print([type(p).__name__ for p in lin.parameters()])
print([name for name, _ in lin.named_parameters()])
print(sum(p.numel() for p in lin.parameters()))
nb = torch.nn.Linear(4, 3, bias=False)
print(nb.bias, nb)
print(lin(torch.ones(4)).shape, lin(torch.ones(5, 4)).shape)
""")

add(G, "linear_on_1d_input", r"""
lin = torch.nn.Linear(2, 2)
lin.weight = torch.nn.Parameter(torch.tensor([[1., 2.], [3., 4.]]))
lin.bias = torch.nn.Parameter(torch.tensor([0.5, -0.5]))
y = lin(torch.tensor([1., -1.]))
print(y)
y.sum().backward()
print(lin.weight.grad, lin.bias.grad)
""")

add(G, "module_subclass", r"""
class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(2, 3)
        self.fc2 = torch.nn.Linear(3, 1)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))

net = Net()
print(net)
print([n for n, _ in net.named_parameters()])
net.fc1.weight = torch.nn.Parameter(torch.tensor([[1., 0.], [0., 1.], [1., -1.]]))
net.fc1.bias = torch.nn.Parameter(torch.tensor([0., 0.5, -1.]))
net.fc2.weight = torch.nn.Parameter(torch.tensor([[0.5, -1., 2.]]))
net.fc2.bias = torch.nn.Parameter(torch.tensor([0.25]))
out = net(torch.tensor([[1., -1.], [2., 0.5]]))
print(out)
out.sum().backward()
for name, p in net.named_parameters():
    print(name, p.grad)
net.zero_grad()
print([p.grad for p in net.parameters()])
""")

add(G, "sgd_plain", r"""
w = torch.nn.Parameter(torch.tensor([1., -2.]))
b = torch.nn.Parameter(torch.tensor(0.5))
opt = torch.optim.SGD([w, b], lr=0.1)
print(opt.param_groups[0]["lr"])
for step in range(3):
    opt.zero_grad()
    loss = ((w * torch.tensor([1., 2.])).sum() + b - 1.) ** 2
    loss.backward()
    opt.step()
    print(step, f"{loss.item():.6f}", w, b, sep="\n")  # not the last float32 bits
print(w.is_leaf, w.grad_fn)
""")

add(G, "sgd_momentum", r"""
w = torch.nn.Parameter(torch.tensor([1., -1.]))
opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
for step in range(4):
    opt.zero_grad()
    (w ** 2).sum().backward()
    opt.step()
    print(step, w.data, w.grad)
""")

add(G, "sgd_repr", r"""
w = torch.nn.Parameter(torch.tensor([1., -1.]))
print(torch.optim.SGD([w], lr=0.1))
print(torch.optim.SGD([w], lr=0.5, momentum=0.9, nesterov=True, foreach=False))
""")

add(G, "sgd_weight_decay", r"""
w = torch.nn.Parameter(torch.tensor([2., -3.]))
opt = torch.optim.SGD([w], lr=0.5, weight_decay=0.1)
for step in range(3):
    opt.zero_grad()
    (w * torch.tensor([1., 1.])).sum().backward()
    opt.step()
    print(step, w)
""")

add(G, "sgd_momentum_and_weight_decay", r"""
w = torch.nn.Parameter(torch.tensor([0.5, 1.5, -2.]))
opt = torch.optim.SGD([w], lr=0.05, momentum=0.5, weight_decay=0.01)
for step in range(5):
    opt.zero_grad()
    loss = ((w - torch.tensor([1., 1., 1.])) ** 2).sum()
    loss.backward()
    opt.step()
print(w)
print(loss)
""")

add(G, "zero_grad_set_to_none_false", r"""
w = torch.nn.Parameter(torch.tensor([1., 2.]))
opt = torch.optim.SGD([w], lr=0.1)
(w * w).sum().backward()
g = w.grad
opt.zero_grad(set_to_none=False)
print(w.grad, w.grad is g)
opt.zero_grad()
print(w.grad)
""")

add(G, "linear_regression_training_loop", r"""
X = torch.tensor([[1.], [2.], [3.], [4.]])
Y = torch.tensor([[2.], [4.], [6.], [8.]])
model = torch.nn.Linear(1, 1)
model.weight = torch.nn.Parameter(torch.tensor([[0.5]]))
model.bias = torch.nn.Parameter(torch.tensor([-0.5]))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(20):
    pred = model(X)
    loss = ((pred - Y) ** 2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 5 == 0:
        print(f"epoch {epoch}: loss = {loss.item():.4f}")
print(model.weight, model.bias)
with torch.no_grad():
    print(model(torch.tensor([[5.]])))
""")

add(G, "no_grad_decorator_and_is_grad_enabled", r"""
x = torch.tensor([1., 2.], requires_grad=True)

@torch.no_grad()
def evaluate(t):
    print("inside", torch.is_grad_enabled())
    return t * 2

r = evaluate(x)
print(r, r.requires_grad, torch.is_grad_enabled())
""")

add(G, "set_grad_enabled_with_flag", r"""
x = torch.tensor([1., 2.], requires_grad=True)
for is_train in [True, False]:
    with torch.set_grad_enabled(is_train):
        y = x * 2
    print(is_train, y.requires_grad, y.grad_fn is None, torch.is_grad_enabled())
""")

add(G, "copy_into_parameters_under_no_grad", r"""
lin = torch.nn.Linear(2, 1)
with torch.no_grad():
    lin.weight.copy_(torch.tensor([[2., -1.]]))
    lin.bias.fill_(0.5)
print(lin.weight, lin.bias, lin.weight.is_leaf, lin.weight.grad_fn)
print(lin(torch.tensor([[1., 1.]])))
lin.weight.copy_(torch.tensor([[0., 0.]]))
""")

add(G, "enable_grad_decorator_inside_no_grad", r"""
x = torch.tensor([1., 2.], requires_grad=True)

@torch.enable_grad()
def tracked(t):
    return t * 3

with torch.no_grad():
    y = tracked(x)
print(y)
""")


# ---------------------------------------------------------------------------------------------
# What a learner is likely to type next

G = "learner"

add(G, "grad_zero_before_backward", r"""
x = torch.tensor([1., 2.], requires_grad=True)
print(x.grad)
x.grad.zero_()
""")

add(G, "backward_with_gradient_after_no_grad", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
with torch.no_grad():
    y = x * 2
y.backward(torch.ones(3))
""")

add(G, "backward_keyword_and_int_vector", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x * x
y.backward(gradient=torch.tensor([1, 1, 1]))
print(x.grad)
""")

add(G, "numpy_round_trip", r"""
import numpy as np
x = torch.tensor([1., 2., 3.])
a = x.numpy()
print(a, a.dtype, type(a).__name__)
a[0] = 10.
print(x)
print(torch.tensor([1, 2]).numpy().dtype)
t = torch.tensor(np.array([1., 2.]))
print(t, t.dtype)
f = torch.from_numpy(np.array([1, 2, 3]))
print(f)
""")

add(G, "numpy_notebook_display", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
x.detach().numpy()
""", notebook=True)

add(G, "item_and_python_numbers", r"""
print(torch.tensor(2.5).item(), torch.tensor([7]).item(), torch.tensor(True).item(), torch.tensor([[1.5]]).item())
print(type(torch.tensor(2.5).item()).__name__, type(torch.tensor([7]).item()).__name__)
print(float(torch.tensor(2.5)), int(torch.tensor(3.7)), bool(torch.tensor(0.)))
x = torch.tensor(3., requires_grad=True)
print((x * 2).item())
print(float(x * 2))
print(torch.tensor(0.1).item())
""", fresh_process=True)

add(G, "tolist_variants", r"""
print(torch.tensor([[1, 2], [3, 4]]).tolist())
print(torch.tensor(3.).tolist(), torch.tensor([True, False]).tolist())
print(torch.tensor([0.1, 0.2]).tolist())
print(torch.tensor([0.1, 0.2], dtype=torch.float64).tolist())
""")

add(G, "copy_construct_from_leaf", r"""
x = torch.tensor([1., 2.], requires_grad=True)
y = torch.tensor(x)
print(y, y.requires_grad, y.is_leaf)
z = x.detach().clone()
print(z, z.requires_grad)
""")

add(G, "shape_size_dim_numel", r"""
t = torch.zeros(2, 3, 4)
print(t.shape, t.size(), t.size(1), t.size(-1), t.shape[-2])
print(t.dim(), t.ndim, t.numel(), len(t))
print(t.shape == (2, 3, 4), list(t.shape), tuple(t.size()))
s = torch.tensor(5.)
print(s.shape, s.dim(), s.numel())
""")

add(G, "transpose_1d_and_2d", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
print(x.T, x.T.shape)
M = torch.tensor([[1., 2., 3.]], requires_grad=True)
print(M.T, M.T.shape, M.t().shape)
""", fresh_process=True)

add(G, "warnings_issued_once_per_process", r"""
x = torch.tensor([1., 2.], requires_grad=True)
for i in range(2):
    print(i, x.T.shape, float(x.sum()))
    s = torch.tensor(2., requires_grad=True)
    (s ** 3).backward(create_graph=True)
    print(s.grad)
""", fresh_process=True)

add(G, "like_constructors_keep_dtype", r"""
d = torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)
print(torch.ones_like(d), torch.zeros_like(torch.tensor([[1, 2]])))
print(torch.ones_like(d).requires_grad, torch.zeros_like(d).dtype)
""")

add(G, "notebook_displays", r"""
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x + 2
# %% grad before backward: IPython shows nothing for None
x.grad
# %% shape
x.shape
# %% dtype
x.dtype
# %% flags
x.requires_grad, x.is_leaf, y.is_leaf
# %% grad_fns in a tuple
(x.grad_fn, y.grad_fn)
# %% next_functions
y.grad_fn.next_functions
# %% semicolon hides the value
y.sum();
# %% scalar
y.sum()
# %% after backward
y.sum().backward()
x.grad
""", notebook=True)

add(G, "format_strings", r"""
x = torch.tensor([1., 2.], requires_grad=True)
loss = (x * x).sum()
print(f"{loss}")
print(f"loss = {loss.item():.2f}")
print(f"{torch.tensor(2.5):.2f}")
print("x: %s" % x)
print(str(x.dtype), x.dtype)
""")

add(G, "python_sum_of_tensors", r"""
x = torch.tensor([1., 2.], requires_grad=True)
s = sum([x, x * 2, x * 3])
print(s)
s.sum().backward()
print(x.grad)
""")

add(G, "old_style_data_updates", r"""
w = torch.tensor([1., 2.], requires_grad=True)
(w * w).sum().backward()
w.data -= 0.1 * w.grad
print(w, w.is_leaf, w._version)
w.grad.data.zero_()
print(w.grad)
""")

add(G, "inf_and_nan_results", r"""
x = torch.tensor([1., 0., -1.])
print(x.log())
print(torch.tensor([1., 2.]) / torch.tensor([0., 0.]))
print(torch.tensor([0.]) / torch.tensor([0.]))
print(x.sqrt())
""")

add(G, "dot_and_matmul_values", r"""
a = torch.tensor([1., 2.])
b = torch.tensor([3., 4.])
print(a @ b, torch.matmul(a, b))
A = torch.tensor([[1., 2.], [3., 4.]])
print(A @ A, A @ a, a @ A, sep="\n")
print(torch.mm(A, A.t()))
""")

add(G, "indexing_values", r"""
x = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
print(x[0], x[1, 2], x[:, 1], x[-1], x[0][1])
print(x[0, 1].item(), x[x > 2])
x[1, 1:].sum().backward()
print(x.grad)
""")

add(G, "setitem_on_plain_tensor", r"""
x = torch.zeros(3)
x[1] = 5.
x[2] = 7
print(x, x.dtype)
i = torch.zeros(2, dtype=torch.long)
i[0] = 2.7
print(i)
""")

add(G, "reset_grad_each_iteration", r"""
x = torch.tensor([1., 2.], requires_grad=True)
for i in range(3):
    x.grad = None
    ((i + 1) * x).sum().backward()
    print(i, x.grad)
""")

add(G, "requires_grad_flags_after_ops_with_constants", r"""
x = torch.tensor([1., 2.], requires_grad=True)
c = torch.tensor([3., 4.])
for r in [x + c, c + 1, c * x, (c * 2) @ c, x.detach() * c]:
    print(r.requires_grad, r.is_leaf, type(r.grad_fn).__name__ if r.grad_fn is not None else None)
""")

add(G, "sum_over_a_dim_keeps_the_dtype_asked_for", r"""
m = torch.ones(2, 3, dtype=torch.int32)
for dtype in (torch.int32, torch.uint8, torch.bool, torch.float64):
    r = m.sum(0, dtype=dtype)
    print(r, r.dtype)
print(torch.ones(2, 3, dtype=torch.bool).sum(0))
""")

add(G, "sums_over_many_rows_of_nothing", r"""
print(torch.zeros(20, 0).sum(0), torch.zeros(20, 3, 0).mean(0).shape)
b = torch.zeros(0, requires_grad=True)
(torch.zeros(20, 0) + b).sum().backward()
print(b.grad)
""")

add(G, "batch_sums_of_up_to_17_rows_to_the_last_bit", r"""
g = (torch.arange(1., 17 * 32 + 1).reshape(17, 32) * 0.37) % 1.3 - 0.6
for rows in (3, 16, 17):
    print(rows, g[:rows].sum(0).tolist(), g[:rows].mean(0).tolist())
b = torch.zeros(32, requires_grad=True)
(torch.zeros(17, 32) + b).backward(g)
print(b.grad.tolist())
""")

add(G, "addends_get_gradients_of_their_own", r"""
a = torch.tensor([1., 2.], requires_grad=True)
b = torch.tensor([3., 4.], requires_grad=True)
s = torch.ones(2)
(a + b).backward(s, inputs=[a, b], create_graph=True)
print(a.grad is b.grad)
a.grad.zero_()
print(a.grad, b.grad, s)
c = torch.tensor(1., requires_grad=True)
d = torch.tensor(2., requires_grad=True)
d.register_hook(lambda g: g.mul_(2))
(c + d).backward()
print(c.grad, d.grad)
""", fresh_process=True)

add(G, "leaves_of_one_consumer_accumulate_in_its_input_order", r"""
a = torch.tensor(1.5, requires_grad=True)
b = torch.tensor(2.5, requires_grad=True)
order = []
a.register_hook(lambda g: order.append("a"))
b.register_hook(lambda g: order.append("b"))
n = b * a
m = a.exp()
(m + n).sum().backward()
print(order)
order.clear()
(a * b + b * a + a).sum().backward()
print(order)
""")


add(G, "a_hook_sees_the_leaves_accumulated_before_it", r"""
x = torch.tensor([1., 2.], requires_grad=True)
w = torch.tensor([3., 4.], requires_grad=True)
u = w * 3
v = x * 2
u.register_hook(lambda g: print("at u: x.grad", x.grad, "w.grad", w.grad))
(v + u).sum().backward()
print(x.grad, w.grad)
""")

add(G, "leaves_reached_before_an_error_keep_their_gradient", r"""
x = torch.tensor([1., 2.], requires_grad=True)
w = torch.tensor([3., 4.], requires_grad=True)
p = w.exp()
q = x * 2
r = x * w
loss = (p + q + r).sum()
p.add_(1)
try:
    loss.backward()
except RuntimeError as e:
    print(type(e).__name__, str(e)[:40])
print(x.grad, w.grad)
""")

# ---------------------------------------------------------------------------------------------
# The documents' cells with fixed data: every random input replaced by the numbers the document
# printed (or, where it printed none, by a fixed value recovered from its outputs or chosen).
# Each case is one cell, preceded by the statements of the earlier cells it depends on; it runs as
# a notebook cell, so a trailing expression is displayed as the document's Out[] shows it.

G = "edge_cases"

add(G, "pow_gradients_at_zero", r"""
x = torch.tensor([0., 2., 0.], requires_grad=True)
y = torch.tensor([2., 2., 0.], requires_grad=True)
(x ** y).sum().backward()
print(x.grad, y.grad)
e = torch.tensor([2., 0.], requires_grad=True)
(0 ** e).sum().backward()
print(e.grad)
""")

add(G, "infinity_norms", r"""
x = torch.tensor([[1., -2.], [-3., 2.5]], requires_grad=True)
x.norm(float('inf'), dim=1).sum().backward()
print(x.grad)
v = torch.tensor([1., -3.], requires_grad=True)
n = v.norm(float('inf')); n.backward()
print(n, v.grad)
print(torch.tensor([3., 2.]).norm(-float('inf')))
""")

add(G, "remainder_records_its_gradient", r"""
x = torch.tensor([1.5, 2.5], requires_grad=True)
r = x % 2
print(r)
(x + r).sum().backward()
print(x.grad)
""")

add(G, "small_integer_overflow_wraps", r"""
print(torch.tensor([1], dtype=torch.int8) + 1000)
print(torch.tensor([0], dtype=torch.uint8) + (-1))
""")

add(G, "bitwise_on_floats", r"""
torch.tensor([1., 2.]) & torch.tensor([1., 0.])
""")

add(G, "grad_assignment_checks", r"""
x = torch.tensor([1., 2.], requires_grad=True)
x.grad = torch.tensor([1, 2])
""")

add(G, "setitem_errors", r"""
x = torch.zeros(3)
try:
    x[5] = 1.
except IndexError as e:
    print("IndexError:", e)
x[:] = torch.ones(2)
""")

add(G, "repeated_dims_and_permute", r"""
t = torch.ones(2, 3)
for f in (lambda: t.sum(dim=(0, 0)), lambda: t.permute(0), lambda: t.permute(0, 0)):
    try:
        f()
    except RuntimeError as e:
        print("RuntimeError:", e)
""")

add(G, "bool_subtraction_negation_and_alpha", r"""
m = torch.tensor([True, False])
i = torch.tensor([1, 2])
f = torch.tensor([1.5, 2.5])
for name, op in [("bool - bool", lambda: m - m), ("bool - int", lambda: m - i),
                 ("int - bool", lambda: i - m), ("bool - 1", lambda: m - 1),
                 ("1 - bool", lambda: 1 - m), ("bool - True", lambda: m - True),
                 ("float - bool", lambda: f - m), ("bool.sub(bool)", lambda: m.sub(m)),
                 ("-bool", lambda: -m), ("bool.neg()", lambda: m.neg()),
                 ("bool.sub_(bool)", lambda: m.clone().sub_(m)), ("bool.neg_()", lambda: m.clone().neg_()),
                 ("int.add(alpha=0.5)", lambda: i.add(i, alpha=0.5)),
                 ("int.sub(alpha=0.5)", lambda: i.sub(i, alpha=0.5)),
                 ("int.add(float, alpha=0.5)", lambda: i.add(f, alpha=0.5)),
                 ("int.add_(alpha=0.5)", lambda: i.clone().add_(i, alpha=0.5)),
                 ("int.add(3, alpha=0.5)", lambda: i.add(3, alpha=0.5)),
                 ("float.add(alpha=True)", lambda: f.add(f, alpha=True)),
                 ("bool.add(alpha=2)", lambda: m.add(m, alpha=2)),
                 ("bool.add(alpha=True)", lambda: m.add(m, alpha=True)),
                 ("bool.add(int, alpha=True)", lambda: m.add(i, alpha=True)),
                 ("int.add(alpha=2)", lambda: i.add(i, alpha=2)),
                 ("float.sub(alpha=2)", lambda: f.sub(f, alpha=2))]:
    try:
        print(name, "->", op())
    except RuntimeError as e:
        print(name, "-> RuntimeError:", e)
""")

add(G, "alpha_checks_and_bool_alpha", r"""
m = torch.tensor([True, False])
i = torch.tensor([1, 2])
f = torch.tensor([1.5, 2.5], requires_grad=True)
for name, op in [("bool.add(alpha=0.5)", lambda: m.add(m, alpha=0.5)),
                 ("int.add(alpha=1.0)", lambda: i.add(i, alpha=1.0)),
                 ("float.add(alpha=1.0)", lambda: f.add(f, alpha=1.0)),
                 ("torch.sub(m, m)", lambda: torch.sub(m, m)),
                 ("torch.add(i, i, alpha=0.5)", lambda: torch.add(i, i, alpha=0.5)),
                 ("True - m", lambda: True - m),
                 ("float.sub(alpha=True)", lambda: f.sub(f, alpha=True)),
                 ("int.sub_(alpha=2)", lambda: i.clone().sub_(i, alpha=2)),
                 ("float.detach().add_(alpha=True)", lambda: f.detach().clone().add_(f.detach(), alpha=True)),
                 ("bool.add_(bool, alpha=3)", lambda: m.clone().add_(m, alpha=3))]:
    try:
        print(name, "->", op())
    except RuntimeError as e:
        print(name, "-> RuntimeError:", e)
""")

add(G, "expand_with_a_leading_minus_one", r"""
torch.ones(3).expand(-1, 3)
""")

add(G, "dot_and_mv_need_their_ranks", r"""
M = torch.ones(2, 2)
for f in (lambda: torch.dot(M, M), lambda: M.dot(torch.ones(2))):
    try:
        f()
    except RuntimeError as e:
        print("RuntimeError:", e)
print(M.mv(torch.ones(2)))
""")

add(G, "where_needs_a_bool_condition", r"""
torch.where(torch.tensor([1., 0.]), torch.ones(2), torch.zeros(2))
""")

add(G, "sum_with_a_dtype_and_contiguous", r"""
print(torch.tensor([1, 2]).sum(dtype=torch.int32))
x = torch.arange(6.).reshape(2, 3).requires_grad_()
v = x.t().contiguous().view(6)
print(v, x.t().is_contiguous(), x.t().contiguous().is_contiguous())
""")

add(G, "backward_inputs_listed_twice", r"""
x = torch.tensor([1., 2.], requires_grad=True)
(x * 3).sum().backward(inputs=[x, x])
print(x.grad)
""")

add(G, "inference_mode_nested_off", r"""
with torch.inference_mode():
    with torch.inference_mode(False):
        print(torch.is_inference_mode_enabled(), torch.ones(1).is_inference())
    print(torch.is_inference_mode_enabled())
""")


G = "doc_fixed"

# doc 000 "Deep Learning With PyTorch 3 - Autograd" (Jupyter, Out[] display)
_D000_X = "x = torch.tensor([0.3174, -1.1878, -1.8222], requires_grad=True)\n"

add(G, "doc000_cell02_randn", r"""
x = torch.tensor([0.1682, -0.3163, -2.5467])
x
""", notebook=True)

add(G, "doc000_cell03_randn_requires_grad", _D000_X + "x\n", notebook=True)

add(G, "doc000_cell04_05_add", _D000_X + r"""
y = x + 2
y
""", notebook=True, spec="""
tensor([2.3174, 0.8122, 0.1778], grad_fn=<AddBackward0>)
""")

add(G, "doc000_cell06_grad_fn_display", _D000_X + r"""
y = x + 2
y.grad_fn
""", notebook=True, spec="""
<AddBackward0 at 0x7f8f44b37f70>
""")

add(G, "doc000_cell07_mul", _D000_X + r"""
y = x + 2
z = y*y*2
z
""", notebook=True, spec="""
tensor([10.7407,  1.3193,  0.0632], grad_fn=<MulBackward0>)
""")

add(G, "doc000_cell08_mean", _D000_X + r"""
y = x + 2
z = y*y*2
z = z.mean()
z
""", notebook=True, spec="""
tensor(4.0411, grad_fn=<MeanBackward0>)
""")

add(G, "doc000_cell09_10_backward", _D000_X + r"""
y = x + 2
z = y*y*2
z = z.mean()
z.backward() #
print(x.grad)
""", notebook=True, spec="""
tensor([3.0899, 1.0829, 0.2371])
""")

add(G, "doc000_cell11_no_requires_grad", r"""
x = torch.tensor([0.5, -1.0, 2.0])
y = x + 2
y.backward()
""", notebook=True, spec="""
RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn
""")

_D000_CELL12 = r"""
x = torch.tensor([-1.7756, -1.7325, 0.4365], requires_grad=True)
y = x + 2
z = y*y*2
"""

add(G, "doc000_cell12_vector_output", _D000_CELL12 + "print(z)\n", notebook=True, spec="""
tensor([ 0.1007,  0.1431, 11.8731], grad_fn=<MulBackward0>)
""")

add(G, "doc000_cell13_14_vector_backward", _D000_CELL12 + r"""
# create a vector of the same size
v = torch.tensor([0.1, 1.0, 0.001], dtype=torch.float32)
z.backward(v)
x.grad
""", notebook=True, spec="""
tensor([0.0898, 1.0700, 0.0097])
""")

add(G, "doc000_cell15_requires_grad_false", _D000_CELL12 + r"""
z.backward(torch.tensor([0.1, 1.0, 0.001], dtype=torch.float32))
x.requires_grad_(False)
x
""", notebook=True)

_D000_CELL16 = r"""
x = torch.tensor([-0.1922, -0.5988, 1.0309], requires_grad=True)
y = x.detach()
"""

add(G, "doc000_cell16_detach", _D000_CELL16 + r"""
print(x)
y
""", notebook=True)

add(G, "doc000_cell17_no_grad", _D000_CELL16 + r"""
with torch.no_grad():
    y = x + 2
    print(y)
""", notebook=True)

add(G, "doc000_cell18_accumulation", r"""
weights = torch.ones(4, requires_grad=True)
for epoch in range(100):

    model_output = (weights*3).sum()

    model_output.backward()

    if epoch % 10 == 0:
        print(weights.grad)
""", notebook=True, spec="""
tensor([3., 3., 3., 3.])
tensor([33., 33., 33., 33.])
tensor([63., 63., 63., 63.])
tensor([93., 93., 93., 93.])
tensor([123., 123., 123., 123.])
tensor([153., 153., 153., 153.])
tensor([183., 183., 183., 183.])
tensor([213., 213., 213., 213.])
tensor([243., 243., 243., 243.])
tensor([273., 273., 273., 273.])
""")

add(G, "doc000_cell19_zeroed", r"""
weights = torch.ones(4, requires_grad=True)
for epoch in range(100):

    model_output = (weights*3).sum()

    model_output.backward()

    if epoch % 10 == 0:
        print(weights.grad)
    weights.grad.zero_()
""", notebook=True, spec="""
tensor([3., 3., 3., 3.])
tensor([3., 3., 3., 3.])
tensor([3., 3., 3., 3.])
tensor([3., 3., 3., 3.])
tensor([3., 3., 3., 3.])
tensor([3., 3., 3., 3.])
tensor([3., 3., 3., 3.])
tensor([3., 3., 3., 3.])
tensor([3., 3., 3., 3.])
tensor([3., 3., 3., 3.])
""")

# doc 001 "Gradient with AutoGrad"
_D001_X4 = "x = torch.tensor([0.5869, -0.5716, 0.5889], requires_grad = True)   #default its False\n"

add(G, "doc001_in03_randn", r"""
x = torch.tensor([-0.2404, 0.1262, -0.8172])
print('tensor', x)
""", notebook=True)

add(G, "doc001_in04_requires_grad", r"""
# WE we want to calculate gradient of x, we must specify an argument
""" + _D001_X4 + r"""print(x)
# Now whenever we do computations with this tensor, pytorch creates a Computational graph to trace back
""", notebook=True)

add(G, "doc001_in05_add", _D001_X4 + r"""
y = x + 2         #This creates a computational graph with input x & 2, with additional '+' node
print(y)          # In backword pass it calculates gradient w.r.t input x i.e, dy/dx
""", notebook=True)

add(G, "doc001_in06_mul", _D001_X4 + r"""
y = x + 2
z = y*y*2
print(z)     # MulBackward
""", notebook=True)

add(G, "doc001_in07_mean", _D001_X4 + r"""
y = x + 2
z = y*y*2
z = z.mean()
print(z)     # MeanBackward
""", notebook=True)

add(G, "doc001_in08_backward", _D001_X4 + r"""
y = x + 2
z = y*y*2
z = z.mean()
# Now to calculate gradient of z wrt input, We Must Call 'backward()'
z.backward()
# Then x gets a .grad attribute where gradients are stored
print(x.grad)
""", notebook=True)

_D001_X9 = "x = torch.tensor([0.0513, 0.6298, -0.5112, -1.4634])\n"

add(G, "doc001_in09_randn4", _D001_X9 + "print(x)\n", notebook=True)

add(G, "doc001_in10_untracked", _D001_X9 + r"""
y = x + 2
print(y)

z = y*y*2
z = z.mean()
print(z)         # Here the tensors printed doesn't show the grad attribute
""", notebook=True)

add(G, "doc001_in11_backward_error", _D001_X9 + r"""
y = x + 2
z = (y*y*2).mean()
# Now if we call backward function, it will throw error
z.backward()
""", notebook=True, spec="""
RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn
""")

add(G, "doc001_in13_grad_none", _D001_X9 + r"""
print(x.grad)
""", notebook=True, spec="""
None
""")

# In [26]/[27]: x was not printed; these values reproduce the printed z and x.grad.
_D001_IN26 = r"""
# So, in the case without argument, since z is Scalar value,
# So, for z with more than 1 value in a tensor
x = torch.tensor([0.1384, 0.2777, -0.1230, -0.6064], requires_grad = True)        # Will get error if this argument is not added for getting x.grad
y = x + 2

z = y*y*2
"""

add(G, "doc001_in26_vector_output", _D001_IN26 + r"""print(z)
# z.backward()    # if we are calling backword here, will get error, that graad can be implicitly created only for scalar outputs
""", notebook=True)

add(G, "doc001_in27_vector_backward", _D001_IN26 + r"""
# So in such a case we have to give a gradient argument, create a some random vector of same size
v = torch.tensor([0.1, 1.0, 0.01, 1.01], dtype=torch.float32)
# Now pass this vector to backward function
z.backward(v)         # if input to backward is not Scalar, then we must multiply a vector'v', to get grad
print(x.grad)
""", notebook=True)

# doc 002 "Automatic Differentiation with torch.autograd": w and b were not printed; these give the
# printed z = [-0.3228, 3.5479, -3.8853] (column sums of w plus b).
_D002_IN1 = r"""
import torch
x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.tensor([[0.1, 0.2, -0.3],
                  [0.4, 0.5, -0.6],
                  [-0.7, 0.8, 0.9],
                  [0.2, -0.1, 0.0],
                  [0.3, 0.3, 0.3]], requires_grad=True)
b = torch.tensor([-0.6228, 1.8479, -4.1853], requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
"""

add(G, "doc002_in01_02_loss", _D002_IN1 + "print(loss)\n", notebook=True)

add(G, "doc002_in03_z", _D002_IN1 + "print(z)\n", notebook=True)

add(G, "doc002_in04_grad_fns", _D002_IN1 + r"""
print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")
""", notebook=True, spec="""
Gradient function for z = <AddBackward0 object at 0x7f8f43433730>
Gradient function for loss = <BinaryCrossEntropyWithLogitsBackward0 object at 0x7f8f43433cd0>
""")

add(G, "doc002_in05_grad_none", _D002_IN1 + "print(w.grad)\n", notebook=True, spec="""
None
""")

add(G, "doc002_in06_backward", _D002_IN1 + r"""
loss.backward()
print(w.grad)
print(b.grad)
""", notebook=True)

add(G, "doc002_in_none_second_backward", _D002_IN1 + r"""
loss.backward()
# compute gradient twice
loss.backward()
print(w.grad)
# output : RuntimeError: Trying to backward through the graph a second time
""", notebook=True, spec="""
RuntimeError: Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.
""")

add(G, "doc002_in08_no_grad", _D002_IN1 + r"""
z = x @ w + b
print(z.requires_grad)

with torch.no_grad():
    z = x @ w + b
print(z.requires_grad)
""", notebook=True, spec="""
True
False
""")

add(G, "doc002_in10_detach", _D002_IN1 + r"""
z = torch.matmul(x, w ) + b
z_det = z.detach()
print(z_det.requires_grad)
""", notebook=True, spec="""
False
""")

# doc 003 "2. Autograd" (its printed outputs are in the pre-1.0 format; these are today's)
add(G, "doc003_in07_ones_requires_grad", r"""
x = torch.ones(2,2, requires_grad=True)
print(x)
print()

print("grad_fn of x : ")
print(x.grad_fn)
""", notebook=True, spec="""
tensor([[1., 1.],
        [1., 1.]], requires_grad=True)

grad_fn of x :\x20
None
""")

add(G, "doc003_in04_add", r"""
x = torch.ones(2,2, requires_grad=True)
y = x + 2
print(y)
""", notebook=True, spec="""
tensor([[3., 3.],
        [3., 3.]], grad_fn=<AddBackward0>)
""")

add(G, "doc003_in05_grad_fn", r"""
x = torch.ones(2,2, requires_grad=True)
y = x + 2
print(y.grad_fn)
""", notebook=True, spec="""
<AddBackward0 object at 0x7f8f43433f40>
""")

add(G, "doc003_in21_requires_grad_", r"""
a = torch.ones(2,2)
a = ((a * 3) / (a  + 1))
print(a)
print(a.requires_grad) # Because a was created by the user, it does not have a grad_fn
print(a.grad_fn)
print()

# We can set requires_grad to be True by using the function requires_grad_ --> Defaults to true if True is not given
a.requires_grad_(True)
print("a.requires_grad after calling the function is:")
print(a.requires_grad)
print()

# b has grad_fn because it was created from an operation
b = (a * a).sum()
print(b)
print(b.grad_fn)
""", notebook=True, spec="""
tensor([[1.5000, 1.5000],
        [1.5000, 1.5000]])
False
None

a.requires_grad after calling the function is:
True

tensor(9., grad_fn=<SumBackward0>)
<SumBackward0 object at 0x7f8f43451900>
""")

_D003_IN50 = r"""
x = torch.ones(2,2, requires_grad = True)
y = x + 2
z = y * y + 3 # Recall y = x + 2 and x = torch.ones
"""

add(G, "doc003_in50_out", _D003_IN50 + r"""print(z)
print()

print("Creating out tensor")
out = z.mean()
print(out)
""", notebook=True, spec="""
tensor([[12., 12.],
        [12., 12.]], grad_fn=<AddBackward0>)

Creating out tensor
tensor(12., grad_fn=<MeanBackward0>)
""")

add(G, "doc003_in41_42_backward", _D003_IN50 + r"""out = z.mean()
out.backward()
print(x.grad)
""", notebook=True, spec="""
tensor([[1.5000, 1.5000],
        [1.5000, 1.5000]])
""")

# In [55]: x was not printed; this x gives y = 2**9 * x close to the printed y.
_D003_IN55 = r"""
x = torch.tensor([-2.9568, -0.9728, 1.9758], requires_grad=True)

y = x * 2
while y.data.norm() < 1000: # math.sqrt(sum(element ** 2))
    y = y * 2
"""

add(G, "doc003_in55_doubling_loop", _D003_IN55 + r"""
print(y)
""", notebook=True, spec="""
tensor([-1513.8816,  -498.0736,  1011.6096], grad_fn=<MulBackward0>)
""")

add(G, "doc003_in68_zero_gradients", _D003_IN55 + r"""
gradients = torch.tensor([0, 0, 0], dtype = torch.float) # Just a random initialization
y.backward(gradients)
print(x.grad)
""", notebook=True, spec="""
tensor([0., 0., 0.])
""")

add(G, "doc003_in82_stop_tracking", r"""
x = torch.ones(2,2, requires_grad= True)
print(x.requires_grad)
print((x ** 2).requires_grad)
print()

# 1 way - detach X
x = x.detach()
print(x.requires_grad)

# 2 way - wrap execution
# We wrap the executions that do not require tracking under torch.no_grad()
with torch.no_grad():
    print((x ** 2).requires_grad)
""", notebook=True, spec="""
True
True

False
False
""")

# doc 004 "AutoGrad"
_D004_X = "x = torch.ones(3,3, requires_grad=True)\n"

add(G, "doc004_in31_ones", r"""
# lets create a initial tensor to test all the above functions

""" + _D004_X + "print(x)\n", notebook=True, spec="""
tensor([[1., 1., 1.],
        [1., 1., 1.],
        [1., 1., 1.]], requires_grad=True)
""")

add(G, "doc004_in32_add", _D004_X + r"""
# now lets do a addition operation to that base tensor

y = x + 2
print(y)
""", notebook=True, spec="""
tensor([[3., 3., 3.],
        [3., 3., 3.],
        [3., 3., 3.]], grad_fn=<AddBackward0>)
""")

_D004_OUT = _D004_X + r"""y = x + 2
# lets do more mathematical operation and see `grad_fn` results
z = y * y * 3
out = z.mean()
"""

add(G, "doc004_in33_mul_mean", _D004_OUT + r"""
print(z)
print(out)
""", notebook=True, spec="""
tensor([[27., 27., 27.],
        [27., 27., 27.],
        [27., 27., 27.]], grad_fn=<MulBackward0>)
tensor(27., grad_fn=<MeanBackward0>)
""")

add(G, "doc004_in34_display", _D004_OUT + "out\n", notebook=True, spec="""
tensor(27., grad_fn=<MeanBackward0>)
""")

add(G, "doc004_in35_backward", _D004_OUT + r"""
# to do backprop we just need to call .backward
out.backward()
# all the gradients accumulated are stored in a attribute called `.grad`
print(x.grad)
""", notebook=True, spec="""
tensor([[2., 2., 2.],
        [2., 2., 2.],
        [2., 2., 2.]])
""")

add(G, "doc004_in46_detach", r"""
# lets create a tensor with a requires_grad
x = torch.tensor([[0.0672, -0.6789, 0.5611],
                  [-0.3981, 0.2087, 0.6432],
                  [-0.3187, 1.7171, -0.8935]], requires_grad=True)
print(x)

# suppose we want to get that tensor with no grad_fn, then we can use detach() to get that tensor seperately
y = x.detach()
print(y)
""", notebook=True)

add(G, "doc004_in21_requires_grad_", r"""
# suppose we initiate a tensor without grad condition i.e `requires_grad=True`
a = torch.tensor([[0.5, -1.2], [2.0, 0.3]])

a = ((a-3)/(a-1))
print(a.requires_grad)

# we can use inplace function in pytorch to replace that to be True like this
# in pytorch any method followed by _ is used to replace original value
a.requires_grad_(True)
print(a.requires_grad)

# lets test if grad_fn shows up on any mathematical operations.
b = (a*a).sum()
print(f"grad_fn test : {b.grad_fn}")
print("yay!! now grad function is added")
""", notebook=True, spec="""
False
True
grad_fn test : <SumBackward0 object at 0x7f8f43433850>
yay!! now grad function is added
""")


# ---------------------------------------------------------------------------------------------
# Seeded randomness: the engine's generator is meant to reproduce PyTorch's bit for bit.

G = "doc_seeded"

add(G, "manual_seed_randn", r"""
torch.manual_seed(0)
print(torch.randn(3))
print(torch.randn(3, requires_grad=True))
torch.manual_seed(0)
print(torch.randn(5, 3)[0])
""", spec="""
tensor([ 1.5410, -0.2934, -2.1788])
tensor([ 0.5684, -1.0845, -1.3986], requires_grad=True)
tensor([ 1.5410, -0.2934, -2.1788])
""")

add(G, "manual_seed_shapes_and_rand", r"""
torch.manual_seed(0)
print(torch.randn(2, 3))
print(torch.rand(4))
print(torch.randn(3, 3, requires_grad=True))
torch.manual_seed(42)
print(torch.rand(2, 2), torch.randn(()))
""")

add(G, "manual_seed_nn_linear", r"""
torch.manual_seed(0)
lin = torch.nn.Linear(3, 2)
print(lin.weight)
print(lin.bias)
print(lin(torch.tensor([[1., 2., 3.]])))
""")

add(G, "manual_seed_module_init_order", r"""
torch.manual_seed(1)

class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(2, 4)
        self.fc2 = torch.nn.Linear(4, 1)

    def forward(self, x):
        return self.fc2(torch.sigmoid(self.fc1(x)))

net = Net()
for name, p in net.named_parameters():
    print(name, p)
out = net(torch.randn(3, 2))
print(out)
""")

# doc 000 'Deep Learning With PyTorch 3 - Autograd', every cell as written.
add(
    "doc_seeded",
    "doc000_as_written",
    r"""
_ = torch.manual_seed(0)
# %% cell1
import torch
# %% cell2
x = torch.randn(3)
x
# %% cell3
x = torch.randn(3, requires_grad=True)
x
# %% cell4
y = x + 2
# %% cell5
y
# %% cell6
y.grad_fn
# %% cell7
z = y*y*2
z
# %% cell8
z = z.mean()
z
# %% cell9
z.backward() #
# %% cell10
print(x.grad)
# %% cell11
x = torch.randn(3)
y = x + 2
y.backward()
# %% cell12
x = torch.randn(3, requires_grad=True)
y = x + 2
z = y*y*2
print(z)
# %% cell13
# create a vector of the same size
v = torch.tensor([0.1, 1.0, 0.001], dtype=torch.float32)
z.backward(v)
# %% cell14
x.grad
# %% cell15
x.requires_grad_(False)
x
# %% cell16
x = torch.randn(3, requires_grad=True)
y = x.detach()
print(x)
y
# %% cell17
with torch.no_grad():
    y = x + 2
    print(y)
# %% cell18
weights = torch.ones(4, requires_grad=True)
for epoch in range(100):

    model_output = (weights*3).sum()

    model_output.backward()

    if epoch % 10 == 0:
        print(weights.grad)
# %% cell19
weights = torch.ones(4, requires_grad=True)
for epoch in range(100):

    model_output = (weights*3).sum()

    model_output.backward()

    if epoch % 10 == 0:
        print(weights.grad)
    weights.grad.zero_()
""",
    notebook=True,
    spec="""
# %% cell1
# %% cell2
tensor([ 1.5410, -0.2934, -2.1788])
# %% cell3
tensor([ 0.5684, -1.0845, -1.3986], requires_grad=True)
# %% cell4
# %% cell5
tensor([2.5684, 0.9155, 0.6014], grad_fn=<AddBackward0>)
# %% cell6
<AddBackward0 at 0x7f8f44b37f70>
# %% cell7
tensor([13.1937,  1.6762,  0.7234], grad_fn=<MulBackward0>)
# %% cell8
tensor(5.1978, grad_fn=<MeanBackward0>)
# %% cell9
# %% cell10
tensor([3.4246, 1.2206, 0.8019])
# %% cell11
RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn
# %% cell12
tensor([5.0986, 3.9389, 9.5226], grad_fn=<MulBackward0>)
# %% cell13
# %% cell14
tensor([0.6387, 5.6135, 0.0087])
# %% cell15
tensor([-0.4033, -0.5966,  0.1820])
# %% cell16
tensor([-0.8567,  1.1006, -1.0712], requires_grad=True)
tensor([-0.8567,  1.1006, -1.0712])
# %% cell17
tensor([1.1433, 3.1006, 0.9288])
# %% cell18
tensor([3., 3., 3., 3.])
tensor([33., 33., 33., 33.])
tensor([63., 63., 63., 63.])
tensor([93., 93., 93., 93.])
tensor([123., 123., 123., 123.])
tensor([153., 153., 153., 153.])
tensor([183., 183., 183., 183.])
tensor([213., 213., 213., 213.])
tensor([243., 243., 243., 243.])
tensor([273., 273., 273., 273.])
# %% cell19
tensor([3., 3., 3., 3.])
tensor([3., 3., 3., 3.])
tensor([3., 3., 3., 3.])
tensor([3., 3., 3., 3.])
tensor([3., 3., 3., 3.])
tensor([3., 3., 3., 3.])
tensor([3., 3., 3., 3.])
tensor([3., 3., 3., 3.])
tensor([3., 3., 3., 3.])
tensor([3., 3., 3., 3.])
""",
)

# doc 001 'Gradient with AutoGrad', every cell as written.
add(
    "doc_seeded",
    "doc001_as_written",
    r"""
_ = torch.manual_seed(0)
# %% In [2]
import torch
# %% In [3]
x = torch.randn(3)
print('tensor', x)
# %% In [4]
# WE we want to calculate gradient of x, we must specify an argument
x = torch.randn(3, requires_grad = True)   #default its False
print(x)
# Now whenever we do computations with this tensor, pytorch creates a Computational graph to trace back
# %% In [5]
y = x + 2         #This creates a computational graph with input x & 2, with additional '+' node
print(y)          # In backword pass it calculates gradient w.r.t input x i.e, dy/dx
# %% In [6]
z = y*y*2
print(z)     # MulBackward
# %% In [7]
z = z.mean()
print(z)     # MeanBackward
# %% In [8]
# Now to calculate gradient of z wrt input, We Must Call 'backward()'
z.backward()
# Then x gets a .grad attribute where gradients are stored
print(x.grad)
# %% In [9]
x = torch.randn(4)
print(x)
# %% In [10]
y = x + 2
print(y)

z = y*y*2
z = z.mean()
print(z)         # Here the tensors printed doesn't show the grad attribute
# %% In [11]
# Now if we call backward function, it will throw error
z.backward()
# %% In [13]
print(x.grad)
# %% In [26]
# So, in the case without argument, since z is Scalar value,
# So, for z with more than 1 value in a tensor
x = torch.randn(4, requires_grad = True)        # Will get error if this argument is not added for getting x.grad
y = x + 2

z = y*y*2
print(z)
# z.backward()    # if we are calling backword here, will get error, that graad can be implicitly created only for scalar outputs
# %% In [27]
# So in such a case we have to give a gradient argument, create a some random vector of same size
v = torch.tensor([0.1, 1.0, 0.01, 1.01], dtype=torch.float32)
# Now pass this vector to backward function
z.backward(v)         # if input to backward is not Scalar, then we must multiply a vector'v', to get grad
print(x.grad)
""",
    notebook=True,
    spec="""
# %% In [2]
# %% In [3]
tensor tensor([ 1.5410, -0.2934, -2.1788])
# %% In [4]
tensor([ 0.5684, -1.0845, -1.3986], requires_grad=True)
# %% In [5]
tensor([2.5684, 0.9155, 0.6014], grad_fn=<AddBackward0>)
# %% In [6]
tensor([13.1937,  1.6762,  0.7234], grad_fn=<MulBackward0>)
# %% In [7]
tensor(5.1978, grad_fn=<MeanBackward0>)
# %% In [8]
tensor([3.4246, 1.2206, 0.8019])
# %% In [9]
tensor([ 0.4033,  0.8380, -0.7193, -0.4033])
# %% In [10]
tensor([2.4033, 2.8380, 1.2807, 1.5967])
tensor(9.0100)
# %% In [11]
RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn
# %% In [13]
None
# %% In [26]
tensor([ 3.9389,  9.5226,  2.6144, 19.2275], grad_fn=<MulBackward0>)
# %% In [27]
tensor([ 0.5613,  8.7281,  0.0457, 12.5264])
""",
)

# doc 002 'Automatic Differentiation with torch.autograd', every cell as written.
add(
    "doc_seeded",
    "doc002_as_written",
    r"""
_ = torch.manual_seed(0)
# %% In [1]
import torch
x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
# %% In [2]
print(loss)
# %% In [3]
print(z)
# %% In [4]
print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")
# %% In [5]
print(w.grad)
# %% In [6]
loss.backward()
print(w.grad)
print(b.grad)
# %% In [None]
# compute gradient twice
loss.backward()
print(w.grad)
# output : RuntimeError: Trying to backward through the graph a second time
# %% In [8]
z = x @ w + b
print(z.requires_grad)

with torch.no_grad():
    z = x @ w + b
print(z.requires_grad)
# %% In [10]
z = torch.matmul(x, w ) + b
z_det = z.detach()
print(z_det.requires_grad)
""",
    notebook=True,
    spec="""
# %% In [1]
# %% In [2]
tensor(0.6819, grad_fn=<BinaryCrossEntropyWithLogitsBackward0>)
# %% In [3]
tensor([ 1.3755, -0.6023, -4.8127], grad_fn=<AddBackward0>)
# %% In [4]
Gradient function for z = <AddBackward0 object at 0x7f8f43433730>
Gradient function for loss = <BinaryCrossEntropyWithLogitsBackward0 object at 0x7f8f43433cd0>
# %% In [5]
None
# %% In [6]
tensor([[0.2661, 0.1179, 0.0027],
        [0.2661, 0.1179, 0.0027],
        [0.2661, 0.1179, 0.0027],
        [0.2661, 0.1179, 0.0027],
        [0.2661, 0.1179, 0.0027]])
tensor([0.2661, 0.1179, 0.0027])
# %% In [None]
RuntimeError: Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.
# %% In [8]
True
False
# %% In [10]
False
""",
)

# doc 003 '2. Autograd', every cell as written.
add(
    "doc_seeded",
    "doc003_as_written",
    r"""
_ = torch.manual_seed(0)
# %% In [1]
import torch
# %% In [7]
x = torch.ones(2,2, requires_grad=True)
print(x)
print()

print("grad_fn of x : ")
print(x.grad_fn)
# %% In [4]
y = x + 2
print(y)
# %% In [5]
print(y.grad_fn)
# %% In [21]
a = torch.ones(2,2)
a = ((a * 3) / (a  + 1))
print(a)
print(a.requires_grad) # Because a was created by the user, it does not have a grad_fn
print(a.grad_fn)
print()

# We can set requires_grad to be True by using the function requires_grad_ --> Defaults to true if True is not given
a.requires_grad_(True)
print("a.requires_grad after calling the function is:")
print(a.requires_grad)
print()

# b has grad_fn because it was created from an operation
b = (a * a).sum()
print(b)
print(b.grad_fn)
# %% In [50]
x = torch.ones(2,2, requires_grad = True)
y = x + 2
z = y * y + 3 # Recall y = x + 2 and x = torch.ones
print(z)
print()

print("Creating out tensor")
out = z.mean()
print(out)
# %% In [41]
out.backward()
# %% In [42]
print(x.grad)
# %% In [55]
x = torch.randn(3, requires_grad=True)

y = x * 2
while y.data.norm() < 1000: # math.sqrt(sum(element ** 2))
    y = y * 2

print(y)
# %% In [68]
gradients = torch.tensor([0, 0, 0], dtype = torch.float) # Just a random initialization
y.backward(gradients)
print(x.grad)
# %% In [82]
x = torch.ones(2,2, requires_grad= True)
print(x.requires_grad)
print((x ** 2).requires_grad)
print()

# 1 way - detach X
x = x.detach()
print(x.requires_grad)

# 2 way - wrap execution
# We wrap the executions that do not require tracking under torch.no_grad()
with torch.no_grad():
    print((x ** 2).requires_grad)
""",
    notebook=True,
    spec="""
# %% In [1]
# %% In [7]
tensor([[1., 1.],
        [1., 1.]], requires_grad=True)

grad_fn of x :\x20
None
# %% In [4]
tensor([[3., 3.],
        [3., 3.]], grad_fn=<AddBackward0>)
# %% In [5]
<AddBackward0 object at 0x7f8f43433f40>
# %% In [21]
tensor([[1.5000, 1.5000],
        [1.5000, 1.5000]])
False
None

a.requires_grad after calling the function is:
True

tensor(9., grad_fn=<SumBackward0>)
<SumBackward0 object at 0x7f8f43451900>
# %% In [50]
tensor([[12., 12.],
        [12., 12.]], grad_fn=<AddBackward0>)

Creating out tensor
tensor(12., grad_fn=<MeanBackward0>)
# %% In [41]
# %% In [42]
tensor([[1.5000, 1.5000],
        [1.5000, 1.5000]])
# %% In [55]
tensor([  788.9900,  -150.2356, -1115.5402], grad_fn=<MulBackward0>)
# %% In [68]
tensor([0., 0., 0.])
# %% In [82]
True
True

False
False
""",
)

# doc 004 'AutoGrad', every cell as written.
add(
    "doc_seeded",
    "doc004_as_written",
    r"""
_ = torch.manual_seed(0)
# %% In [0]
import torch
# %% In [31]
# lets create a initial tensor to test all the above functions

x = torch.ones(3,3, requires_grad=True)
print(x)
# %% In [32]
# now lets do a addition operation to that base tensor

y = x + 2
print(y)
# %% In [33]
# lets do more mathematical operation and see `grad_fn` results
z = y * y * 3
out = z.mean()

print(z)
print(out)
# %% In [34]
out
# %% In [35]
# to do backprop we just need to call .backward
out.backward()
# all the gradients accumulated are stored in a attribute called `.grad`
print(x.grad)
# %% In [46]
# lets create a tensor with a requires_grad
x = torch.randn(3,3, requires_grad=True)
print(x)

# suppose we want to get that tensor with no grad_fn, then we can use detach() to get that tensor seperately
y = x.detach()
print(y)
# %% In [21]
# suppose we initiate a tensor without grad condition i.e `requires_grad=True`
a = torch.randn(2,2)

a = ((a-3)/(a-1))
print(a.requires_grad)

# we can use inplace function in pytorch to replace that to be True like this
# in pytorch any method followed by _ is used to replace original value
a.requires_grad_(True)
print(a.requires_grad)

# lets test if grad_fn shows up on any mathematical operations.
b = (a*a).sum()
print(f"grad_fn test : {b.grad_fn}")
print("yay!! now grad function is added")
""",
    notebook=True,
    spec="""
# %% In [0]
# %% In [31]
tensor([[1., 1., 1.],
        [1., 1., 1.],
        [1., 1., 1.]], requires_grad=True)
# %% In [32]
tensor([[3., 3., 3.],
        [3., 3., 3.],
        [3., 3., 3.]], grad_fn=<AddBackward0>)
# %% In [33]
tensor([[27., 27., 27.],
        [27., 27., 27.],
        [27., 27., 27.]], grad_fn=<MulBackward0>)
tensor(27., grad_fn=<MeanBackward0>)
# %% In [34]
tensor(27., grad_fn=<MeanBackward0>)
# %% In [35]
tensor([[2., 2., 2.],
        [2., 2., 2.],
        [2., 2., 2.]])
# %% In [46]
tensor([[ 1.5410, -0.2934, -2.1788],
        [ 0.5684, -1.0845, -1.3986],
        [ 0.4033,  0.8380, -0.7193]], requires_grad=True)
tensor([[ 1.5410, -0.2934, -2.1788],
        [ 0.5684, -1.0845, -1.3986],
        [ 0.4033,  0.8380, -0.7193]])
# %% In [21]
False
True
grad_fn test : <SumBackward0 object at 0x7f8f43433850>
yay!! now grad function is added
""",
)
