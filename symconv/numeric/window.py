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

from ..coerce import EXPECTED, check_ordered, object_entries
from ..errors import ParameterError, ShapeError
from ..spec import Window

__all__ = ["as_array", "contract", "reduce_taps", "unify", "windows"]

#: Bytes of unfolded windows (im2col columns) per matrix product in :func:`contract`:
#: small enough to stay in cache, large enough that each product is a sizeable GEMM.
CHUNK_BYTES = 4 << 20


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
    if any(lo or hi for lo, hi in win.padding):  # np.pad would copy even with nothing to add
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


def contract(V: np.ndarray, K: np.ndarray) -> np.ndarray:
    r"""Reduce windows against kernels: :math:`\sum_{c,\text{taps}} V_{\ldots,g,c,\text{out},\text{taps}}
    K_{g,o,c,\text{taps}}`.

    ``V``: windows of shape ``(..., G, c, *out, *taps)`` (from :func:`windows`);
    ``K``: ``(G, o, c, *taps)``; result ``(..., G, o, *out)``.  Float arrays
    are unfolded (im2col: the windows copied into a reused ``(c * taps, out)``
    buffer, a few samples at a time, so that it stays in cache) and multiplied
    by the kernels in one BLAS matrix product per chunk; object arrays (exact
    numbers) use ``np.einsum``.
    """
    G, o, c, *taps = K.shape
    dims = len(taps)
    out_shape = V.shape[V.ndim - 2 * dims : V.ndim - dims]
    lead = V.shape[: V.ndim - 2 * dims - 2]
    if V.dtype == object:
        sub = "ijkl"[:dims], "abcd"[:dims]
        return np.einsum(f"...gc{sub[0]}{sub[1]},goc{sub[1]}->...go{sub[0]}", V, K)
    M, P, ckk = int(np.prod(lead)), int(np.prod(out_shape)), c * int(np.prod(taps))
    V = V.reshape(M, G, c, *out_shape, *taps)
    Km = np.ascontiguousarray(K).reshape(G, o, ckk)
    out = np.empty((M, G, o, P), dtype=np.result_type(V, K))
    step = max(1, min(M, CHUNK_BYTES // max(1, G * ckk * P * V.itemsize)))
    unfold = (0, 1, 2, *range(3 + dims, 3 + 2 * dims), *range(3, 3 + dims))  # taps before positions
    cols = np.empty((step, G, c, *taps, *out_shape), dtype=V.dtype)  # reused: no fresh pages per chunk
    for m in range(0, M, step):
        n = min(step, M - m)
        np.copyto(cols[:n], V[m : m + n].transpose(unfold))
        np.matmul(Km, cols[:n].reshape(n, G, ckk, P), out=out[m : m + n])
    return out.reshape(*lead, G, o, *out_shape)


def reduce_taps(V: np.ndarray, dims: int, op: np.ufunc) -> np.ndarray:
    """Reduce windows ``(..., *out, *taps)`` over their last ``dims`` (tap) axes with ``op``, tap by tap.

    One vectorised ``op`` over every window per tap: ``np.maximum`` for max
    pooling, ``np.add`` for sums.  ``op.reduce`` over the small trailing axes
    of a strided view would walk it element by element.
    """
    taps = [V[(..., *tap)] for tap in np.ndindex(*V.shape[V.ndim - dims :])]
    if len(taps) == 1:
        return taps[0].copy()
    out = op(taps[0], taps[1])
    for tap in taps[2:]:
        op(out, tap, out=out)
    return out


def _ranks_text(ranks: dict[int, str]) -> str:
    parts = [f"{r} {layout}" for r, layout in ranks.items()]
    return "rank " + (parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1])


def as_array(x: ArrayLike, name: str, ranks: dict[int, str], spatial: int = 0, ordered: bool = False) -> np.ndarray:
    """Convert one input to a NumPy array of real numbers and check its rank.

    SymPy matrices and arrays become object arrays (through ``tolist()``);
    complex and non-numeric dtypes are rejected, and the entries of an object
    array follow the coercion rule of :mod:`symconv.coerce` (bools become
    ints; ``None``, strings and complex numbers are refused).  ``ordered``
    (pooling) refuses NaN.  ``ranks`` maps each allowed rank to its layout;
    the last ``spatial`` axes must be non-empty.  The dtype is settled
    afterwards, for all inputs together, by :func:`unify`.
    """
    if isinstance(x, (sympy.MatrixBase, sympy.NDimArray)):
        x = np.array(x.tolist(), dtype=object)
    try:
        arr = np.asarray(x)
    except ValueError:
        raise ShapeError(name, x, "a rectangular array (nested lists of equal lengths)") from None
    if arr.dtype.kind == "c":
        raise ParameterError(name, arr, "real numbers (complex arrays are not supported)")
    if arr.dtype.kind in "USV":
        raise ParameterError(name, x, f"{EXPECTED}, not {'a str' if isinstance(x, str) else 'strings'}")
    if arr.dtype.kind not in "biufO":
        raise ParameterError(name, arr, f"an array of numbers, not of dtype {arr.dtype}")
    if arr.dtype == object:
        arr = object_entries(arr, name, ordered=ordered)
    elif ordered and arr.dtype.kind == "f":
        check_ordered(arr, name)
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
