"""Tensor printing: ``repr(tensor)``, character for character as PyTorch writes it.

PyTorch's equivalent is ``torch/_tensor_str.py``. The recipe: choose one element style for the
whole tensor (integer-like ``3.``, fixed ``0.5000`` or scientific ``1.0000e-05``) and one common
width, lay the rows out recursively with wrapping at ``linewidth``, elide the middle of big tensors
with ``...``, then append suffixes such as ``dtype=torch.float64`` and ``grad_fn=<MulBackward0>``.
"""

from __future__ import annotations

import math

import numpy as np

from .dtypes import get_default_dtype

_PREFIX = "tensor("  # continuation lines of suffixes are indented by its length

_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}
_options = {**_PROFILES["default"], "sci_mode": None}


def set_printoptions(
    precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None
) -> None:
    """Change how tensors print (``torch.set_printoptions``).

    ``profile`` ("default", "short" or "full") sets the first four options; explicit arguments
    override it. As in PyTorch, ``sci_mode`` is always reset: None means "decide per tensor".
    """
    if profile in _PROFILES:
        _options.update(_PROFILES[profile])
    given = {"precision": precision, "threshold": threshold, "edgeitems": edgeitems,
             "linewidth": linewidth}
    _options.update({name: value for name, value in given.items() if value is not None})
    _options["sci_mode"] = sci_mode


def get_printoptions() -> dict:
    """The current options, as keyword arguments for ``set_printoptions``."""
    return dict(_options)


def format_tensor(
    values: np.ndarray,
    *,
    dtype_name: str,
    grad_fn_name: str | None = None,
    requires_grad: bool = False,
) -> str:
    """``repr`` of a tensor holding ``values``, e.g. ``tensor([1., 2.], requires_grad=True)``."""
    suffixes = []
    default_name = get_default_dtype().name
    if values.size == 0:
        body = "[]"
        if values.ndim != 1:
            suffixes.append(f"size={values.shape}")
        if dtype_name != default_name:  # no digits to tell int from float: always say which
            suffixes.append(f"dtype=torch.{dtype_name}")
    else:
        body = _body(values)
        if not _options["edgeitems"]:  # even when nothing is elided (a PyTorch quirk)
            suffixes.append(f"size={values.shape}")
        if dtype_name not in (default_name, "int64", "bool"):
            suffixes.append(f"dtype=torch.{dtype_name}")
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(_PREFIX + body, suffixes)


def _body(values: np.ndarray) -> str:
    """The bracketed numbers of a non-empty tensor."""
    summarize = values.size > _options["threshold"]
    shown = _edges(values, _options["edgeitems"]) if summarize and values.ndim else values
    width, fmt = _formatter(shown.ravel().tolist(), values.dtype.kind == "f")
    return _layout(shown.tolist(), values.shape, len(_PREFIX), summarize, width, fmt)


def _edges(values: np.ndarray, edge: int) -> np.ndarray:
    """What a summary shows: the first and last ``edge`` entries along every long axis."""
    for axis, n in enumerate(values.shape):
        if n > 2 * edge:
            values = values.take([*range(edge), *range(n - edge, n)], axis=axis)
    return values


def _formatter(sample: list, is_float: bool):
    """Choose one style and width from ``sample``; return ``(width, format_one_element)``."""
    if not is_float:
        width = max((len(str(v)) for v in sample), default=1)
        return width, lambda v: str(v).rjust(width)

    # Only finite non-zero values count: zeros, nan and inf fit any style (and may overflow width).
    numbers = [v for v in sample if v != 0 and math.isfinite(v)]
    if not numbers:
        int_mode, sci_mode, width = True, False, 1  # note: ignores a forced sci_mode option
    else:
        magnitudes = [abs(v) for v in numbers]
        lo, hi = min(magnitudes), max(magnitudes)
        int_mode = all(v.is_integer() for v in numbers)
        sci_mode = _options["sci_mode"]
        if sci_mode is None:
            sci_mode = hi / lo > 1000 or hi > 1e8 or lo < 1e-4

    digits = _options["precision"]
    if sci_mode:
        spec = f".{digits}e"
    elif int_mode:
        spec = ".0f"
    else:
        spec = f".{digits}f"
    if numbers:
        width = max(len(format(v, spec)) for v in numbers) + (int_mode and not sci_mode)

    if int_mode and not sci_mode:  # "3." : the dot says "float", but not after nan/inf
        return width, lambda v: (format(v, spec) + "." * math.isfinite(v)).rjust(width)
    return width, lambda v: format(v, spec).rjust(width)


def _layout(data, shape: tuple, indent: int, summarize: bool, width: int, fmt) -> str:
    """Nested brackets for ``data`` (lists, summarised already); ``shape`` is the full shape."""
    if not shape:
        return fmt(data)
    edge = _options["edgeitems"]
    cut = summarize and shape[0] > 2 * edge  # then ``data`` holds just the 2 * edge ends
    if len(shape) == 1:
        cells = [fmt(v) for v in data]
        if cut:
            cells.insert(edge, " ..." if edge else "...")
        per_line = max(1, math.floor((_options["linewidth"] - indent) / (width + 2)))
        lines = [", ".join(cells[i : i + per_line]) for i in range(0, len(cells), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = [_layout(row, shape[1:], indent + 1, summarize, width, fmt) for row in data]
    if cut:
        rows.insert(edge, "...")
    # one newline between rows of a matrix, a blank line between matrices, two between 4-D blocks
    return "[" + ("," + "\n" * (len(shape) - 1) + " " * (indent + 1)).join(rows) + "]"


def _add_suffixes(text: str, suffixes: list[str]) -> str:
    """Append ``, suffix`` for each suffix, starting a new line when it would pass ``linewidth``."""
    # PyTorch's bookkeeping overcounts the current line by 2 (by 1 more if ``text`` is one line).
    line_len = len(text) - text.rfind("\n") + 1
    parts = [text]
    for suffix in suffixes:
        if line_len + len(suffix) + 2 > _options["linewidth"]:
            parts.append(",\n" + " " * len(_PREFIX) + suffix)
            line_len = len(_PREFIX) + len(suffix)
        else:
            parts.append(", " + suffix)
            line_len += len(suffix) + 2
    return "".join(parts) + ")"
