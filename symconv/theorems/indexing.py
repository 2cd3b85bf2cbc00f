"""Index arrays for :meth:`System.take <symconv.systems.System.take>`, each written from its index formula.

``B.take(X, index)`` reads ``flat(X)[index]`` (row-major) and 0 where the
index is ``-1``.  Shifting, circular padding, permuting cells, subsampling,
and the Toeplitz and im2col matrices of a correlation are all such index
arrays; they are computed here with plain integer arithmetic, per axis, from
the formulas the theorems state, and share no code with the window primitive
of :mod:`symconv.symbolic.window` whose operators the theorems test.

All indices are 0-based; ``lo`` is the padding before the first cell of an
axis.  Axes are combined row-major.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ..systems import System
from .registry import General, get

__all__ = [
    "bridged",
    "cells",
    "conv_nd",
    "corr_nd",
    "im2col_index",
    "pool_nd",
    "shift_index",
    "subsample_index",
    "toeplitz_index",
    "wrap_index",
]


def corr_nd(B: System, dims: int) -> Any:
    """``B.corr1d``, ``B.corr2d`` or ``B.corr3d``."""
    return getattr(B, f"corr{dims}d")


def conv_nd(B: System, dims: int) -> Any:
    """``B.conv1d``, ``B.conv2d`` or ``B.conv3d``."""
    return getattr(B, f"conv{dims}d")


def pool_nd(B: System, dims: int) -> Any:
    """``B.pool1d``, ``B.pool2d`` or ``B.pool3d``."""
    return getattr(B, f"pool{dims}d")


def cells(shape: Sequence[int]) -> list[tuple[int, ...]]:
    """Every index of an array of ``shape``, row-major.

    >>> cells((2, 2))
    [(0, 0), (0, 1), (1, 0), (1, 1)]
    """
    return list(itertools.product(*(range(n) for n in shape)))


def _flat(index: Sequence[int], shape: Sequence[int]) -> int:
    """Row-major position of ``index`` in ``shape``, or -1 if it lies outside."""
    position = 0
    for i, n in zip(index, shape):
        if not 0 <= i < n:
            return -1
        position = position * n + i
    return position


def shift_index(shape: Sequence[int], tau: Sequence[int], circular: bool) -> np.ndarray:
    """:math:`[S_\\tau X]_u = X_{u - \\tau}`: modulo the size (``circular``), else 0 outside ``X``.

    >>> shift_index((4,), (1,), circular=True).tolist(), shift_index((4,), (1,), circular=False).tolist()
    ([3, 0, 1, 2], [-1, 0, 1, 2])
    """
    out = []
    for u in cells(shape):
        source = [i - t for i, t in zip(u, tau)]
        out.append(_flat([i % n for i, n in zip(source, shape)] if circular else source, shape))
    return np.array(out, dtype=np.int64).reshape(tuple(shape))


def wrap_index(shape: Sequence[int], pads: Sequence[tuple[int, int]]) -> np.ndarray:
    """Circular padding: the padded cell ``u`` reads :math:`X_{(u - lo) \\bmod n}` on each axis.

    >>> wrap_index((3,), [(2, 1)]).tolist()
    [1, 2, 0, 1, 2, 0]
    """
    padded = [n + lo + hi for n, (lo, hi) in zip(shape, pads)]
    out = [_flat([(i - lo) % n for i, n, (lo, _) in zip(u, shape, pads)], shape) for u in cells(padded)]
    return np.array(out, dtype=np.int64).reshape(tuple(padded))


def subsample_index(shape: Sequence[int], stride: Sequence[int]) -> np.ndarray:
    """Keep cells ``0, s, 2s, …`` of each axis (0-based; the notes' 1, 1 + s, …).

    >>> subsample_index((5,), (2,)).tolist()
    [0, 2, 4]
    """
    kept = [range(0, n, s) for n, s in zip(shape, stride)]
    out = [_flat(u, shape) for u in itertools.product(*kept)]
    return np.array(out, dtype=np.int64).reshape(tuple(len(r) for r in kept))


def toeplitz_index(
    n: Sequence[int],
    k: Sequence[int],
    out: Sequence[int],
    stride: Sequence[int],
    lo: Sequence[int],
    dilation: Sequence[int],
) -> np.ndarray:
    """The Toeplitz matrix of a correlation as indices into the kernel, shape ``(∏ out, ∏ n)``.

    :math:`[T(W)]_{o,u} = W_a` where, on every axis, :math:`u = o s + a d - lo`
    for a tap :math:`0 \\le a < k`, and 0 otherwise: block Toeplitz with
    Toeplitz blocks in 2-D (doubly block Toeplitz), one level more in 3-D.

    >>> toeplitz_index((3,), (2,), (2,), (1,), (0,), (1,)).tolist()
    [[0, 1, -1], [-1, 0, 1]]
    """
    rows = []
    for o in cells(out):
        row = []
        for u in cells(n):
            tap = []
            for oi, ui, s, p, d in zip(o, u, stride, lo, dilation):
                offset = ui - oi * s + p
                tap.append(offset // d if offset % d == 0 else -1)
            row.append(_flat(tap, k))
        rows.append(row)
    return np.array(rows, dtype=np.int64).reshape(len(rows), -1)


def im2col_index(
    channels: int,
    n: Sequence[int],
    k: Sequence[int],
    out: Sequence[int],
    stride: Sequence[int],
    lo: Sequence[int],
    dilation: Sequence[int],
) -> np.ndarray:
    """``unfold(X)``: shape ``(c · ∏ k, ∏ out)``; row ``(c, a)``, column ``o`` reads :math:`X_{c,\\, o s + a d - lo}`.

    A tap in the padding reads 0.

    >>> im2col_index(1, (3,), (2,), (2,), (1,), (0,), (1,)).tolist()
    [[0, 1], [1, 2]]
    """
    size = int(np.prod(n))
    rows = []
    for c in range(channels):
        for a in cells(k):
            row = []
            for o in cells(out):
                u = _flat([oi * s + ai * d - p for oi, ai, s, d, p in zip(o, a, stride, dilation, lo)], n)
                row.append(-1 if u < 0 else c * size + u)
            rows.append(row)
    return np.array(rows, dtype=np.int64).reshape(len(rows), -1)


def bridged(name: str, parts: Iterable[General], extra: Iterable[dict[str, Any]] = ()) -> tuple[General, ...]:
    """``parts`` of the registered theorem ``name``, each entry part bridged at the theorem's registered sizes
    and the ``extra`` ones (a part compares only at sizes of its own dimension).

    >>> rot = get("conv_eq_corr_rot180")
    >>> [part.bridge_sizes[-1] for part in bridged(rot.name, rot.general, [dict(n=(3,), k=(2,))])]
    [{'n': (3,), 'k': (2,)}]
    """
    sizes = (*get(name).sizes, *extra)
    return tuple(dataclasses.replace(part, bridge_sizes=sizes) if part.entry else part for part in parts)
