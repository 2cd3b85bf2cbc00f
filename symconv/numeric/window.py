"""The one window primitive of the NumPy reference, and input conversion.

Every operator of :mod:`symconv.numeric` is "slide a window over a padded,
dilated input, then reduce".  :func:`windows` builds that window as a strided
view (``np.pad`` + ``sliding_window_view`` + slicing); the operators only
choose the fill value and the reduction.  The number of window positions is
never computed from the closed formula in :mod:`symconv.spec`: it is whatever
the sliding-window algorithm produces, so the formula can be checked against it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike

from ..errors import ParameterError, ShapeError
from ..spec import Window

__all__ = ["as_array", "unify", "windows"]


def windows(a: np.ndarray, win: Window, fill: Any, overhang: Any = None) -> np.ndarray:
    """Dilated windows over the padded last ``win.dims`` axes of ``a``.

    Along an axis of length ``n`` with kernel ``k``, stride ``s``, padding
    ``(lo, hi)`` and dilation ``d``, window ``i`` holds the taps
    ``xpad[i*s + a*d]`` for ``a = 0 .. k-1``, where ``xpad`` is ``a`` padded
    with ``fill``.  Returns a view of shape ``(..., o_1[, o_2], k_1[, k_2])``.

    With ``win.ceil_mode`` the input is extended on the right by ``s - 1``
    more cells of ``overhang`` (default ``fill``) so that partial last windows
    exist; window ``i`` is then kept iff it starts before the right padding,
    ``i*s < n + lo``, and (for ``i > 0``) window ``i-1`` did not already reach
    the end of the padded input, ``(i-1)*s + d(k-1) + 1 < n + lo + hi``
    (PyTorch's rule).  Both conditions fail from some ``i`` on, so the kept
    windows are a prefix and the result stays a view.

    >>> from symconv.spec import pool_window
    >>> windows(np.arange(5.0), pool_window((5,), 2, ceil_mode=True), -np.inf)
    array([[  0.,   1.],
           [  2.,   3.],
           [  4., -inf]])
    """
    axes = tuple(range(-win.dims, 0))
    lead = [(0, 0)] * (a.ndim - win.dims)
    a = np.pad(a, lead + list(win.padding), constant_values=fill)
    if win.ceil_mode:
        extra = [(0, s - 1) for s in win.stride]
        a = np.pad(a, lead + extra, constant_values=fill if overhang is None else overhang)
    steps = [slice(None, None, s) for s in win.stride] + [slice(None, None, d) for d in win.dilation]
    view = sliding_window_view(a, win.extent, axis=axes)[(..., *steps)]
    if not win.ceil_mode:
        return view
    keep = []
    for axis, n, s, (lo, hi), e in zip(axes, win.size, win.stride, win.padding, win.extent, strict=True):
        i = np.arange(view.shape[axis - win.dims])
        kept = (i * s < n + lo) & ((i == 0) | ((i - 1) * s + e < n + lo + hi))
        keep.append(slice(0, int(kept.sum())))
    return view[(..., *keep, *(slice(None),) * win.dims)]


def _ranks_text(ranks: dict[int, str]) -> str:
    parts = [f"{r} {layout}" for r, layout in ranks.items()]
    return "rank " + (parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1])


def as_array(x: ArrayLike, name: str, ranks: dict[int, str], spatial: int = 0) -> np.ndarray:
    """Convert one input to a NumPy array of real numbers and check its rank.

    SymPy matrices and arrays become object arrays (through ``tolist()``);
    complex and non-numeric dtypes are rejected.  ``ranks`` maps each allowed
    rank to its layout; the last ``spatial`` axes must be non-empty.  The
    dtype is settled afterwards, for all inputs together, by :func:`unify`.
    """
    if isinstance(x, (sympy.MatrixBase, sympy.NDimArray)):
        x = np.array(x.tolist(), dtype=object)
    try:
        arr = np.asarray(x)
    except ValueError:
        raise ShapeError(name, x, "a rectangular array (nested lists of equal lengths)") from None
    if arr.dtype.kind == "c":
        raise ParameterError(name, arr, "real numbers (complex arrays are not supported)")
    if arr.dtype.kind not in "biufO":
        raise ParameterError(name, arr, f"an array of numbers, not of dtype {arr.dtype}")
    if arr.ndim not in ranks:
        raise ShapeError(name, arr if arr.ndim else x, _ranks_text(ranks))
    if spatial and 0 in arr.shape[arr.ndim - spatial :]:
        raise ShapeError(name, arr, f"{_ranks_text({arr.ndim: ranks[arr.ndim]})} with non-empty spatial axes")
    return arr


def unify(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """Give the inputs of one operation a common dtype.

    If any input is an object array, all become object arrays (integers as
    Python ints), so exact numbers (ints, Fractions, SymPy Rationals or
    symbols) are computed exactly.  Otherwise float32/float64 are kept
    (promoted together) and everything else (ints, bools) becomes float64.
    """
    if any(a.dtype == object for a in arrays):
        return tuple(a.astype(np.int64 if a.dtype.kind == "b" else a.dtype).astype(object) for a in arrays)
    floats = [a.dtype for a in arrays if a.dtype in (np.float32, np.float64)]
    dtype = np.result_type(*floats) if floats else np.float64
    return tuple(a.astype(dtype, copy=False) for a in arrays)
