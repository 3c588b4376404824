"""Key behaviours held to PyTorch's measured output, without needing torch installed.

Each case below quotes, in ``case.spec``, text that was measured on PyTorch 2.13.0+cpu
(``torch_spec.md`` / ``doc_cells_run.md``); autograd_lab's transcript must equal it exactly (after
masking object addresses, see ``tests/parity/harness.py``). ``tests/test_parity.py`` runs every case
against the real thing when torch is installed; this file is the torch-free subset.
"""

from __future__ import annotations

import importlib

import pytest
from parity.cases import CASES, Case
from parity.harness import normalize, run_snippet

KEY_CASES = [
    # construction, dtypes, conversions
    "s01_construction/dtype_inference",
    "s01_construction/type_promotion",
    "s01_construction/copy_construct_warning",
    "s01_construction/conversions",
    # printing
    "s02_printing/vector_four_decimals",
    "s02_printing/sci_mode_small",
    "s02_printing/nan_inf",
    "s02_printing/empty_tensors",
    "s02_printing/line_wrapping",
    "s02_printing/suffix_wrapping",
    "s02_printing/summarization_2d",
    "s02_printing/parameter",
    "s02_printing/grad_fn_print",
    # the graph
    "s03_graph/next_functions",
    "s03_graph/names_arithmetic",
    "s03_graph/names_reductions",
    "s03_graph/names_matmul",
    # backward and derivatives
    "s04_backward/scalar_backward_doc000_values",
    "s04_backward/vjp_not_jvp",
    "s04_backward/int_gradient_is_cast",
    "s04_backward/nonscalar_without_gradient",
    "s04_backward/zero_vector_gives_zero_gradient",
    "s05_derivatives/binary_ops",
    "s05_derivatives/unary_ops",
    "s05_derivatives/max_ties",
    "s05_bce_with_logits/reductions_and_size_error",
    "s06_broadcasting/column_times_row",
    # accumulation, retain_graph, non-leaves, requires_grad
    "s07_accumulation/grad_is_accumulated_in_place",
    "s07_accumulation/manual_sgd",
    "s08_retain_graph/graphs_without_saved_tensors_rerun",
    "s09_nonleaf_grad/nonleaf_grad_warns",
    "s10_requires_grad/int_tensor_constructor_kwarg",
    "s10_requires_grad/int_tensor_requires_grad_method",
    "s10_requires_grad/int_tensor_attribute_assignment",
    # in-place, detach/.data, grad modes, higher order, hooks
    "s11_inplace/saved_output_modified",
    "s12_detach_data/data_escapes_version_counter",
    "s13_grad_modes/no_grad_and_enable_grad",
    "s14_higher_order/create_graph",
    "s15_hooks/observe_and_remove",
    # the documents
    "doc_fixed/doc002_in_none_second_backward",
    "doc_fixed/doc003_in21_requires_grad_",
    "doc_fixed/doc004_in33_mul_mean",
]

_BY_ID = {case.id: case for case in CASES}


def test_key_cases_quote_the_spec():
    for case_id in KEY_CASES:
        assert _BY_ID[case_id].spec is not None, f"{case_id} has no measured output to compare with"


@pytest.fixture(scope="module")
def engine():
    """The module under test; an ImportError here fails every test that uses it."""
    return importlib.import_module("autograd_lab")


@pytest.mark.parametrize("case", [_BY_ID[i] for i in KEY_CASES], ids=KEY_CASES)
def test_matches_measured_pytorch_output(case: Case, engine):
    actual = run_snippet(
        case.code, engine, notebook=case.notebook, fresh_process=case.fresh_process
    )
    assert actual == normalize(case.spec)
