"""The one window primitive of the symbolic side.

A window slides over the padded input.  Along one axis (0-based, coordinates
of the unpadded input) window ``i`` starts at ``i*s - lo`` and its tap ``a``
reads coordinate ``i*s - lo + a*d``.  A coordinate is *real* when it lies in
``[0, n)``, *padding* when it lies in ``[-lo, n + hi)`` but not in the input,
and *beyond* otherwise (only ceil-mode pooling windows reach beyond).

Windows are enumerated one by one while they fit, never from the closed
output-size formula, so that the formula can be checked against them.  An
N-D window is the product of its axes' windows, so the taps are worked out
axis by axis and only the real ones are combined: the cost is the number of
terms of the operator, not the size of its padded kernel.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import NamedTuple

from .. import budget
from ..spec import Window

__all__ = ["Taps", "axis_windows", "charge_terms", "windows"]


def axis_windows(n: int, k: int, s: int, pad: tuple[int, int], d: int, ceil_mode: bool = False) -> list[list[int]]:
    """The coordinates read by each window along one axis.

    Without ``ceil_mode`` a window is kept while it fits in the padded input.
    With ``ceil_mode`` (PyTorch pooling) windows continue while the previous
    one has not reached the end of the padded input, but never start in the
    right padding.

    >>> axis_windows(4, 2, 1, (0, 0), 1)
    [[0, 1], [1, 2], [2, 3]]
    >>> axis_windows(4, 3, 2, (1, 1), 1)
    [[-1, 0, 1], [1, 2, 3]]
    >>> axis_windows(5, 2, 2, (0, 0), 1, ceil_mode=True)
    [[0, 1], [2, 3], [4, 5]]
    """
    lo, hi = pad
    extent = d * (k - 1) + 1
    end = n + lo + hi  # padded length
    out: list[list[int]] = []
    i = 0
    while True:
        if ceil_mode:
            fits = i == 0 or ((i - 1) * s + extent < end and i * s < n + lo)
        else:
            fits = i * s + extent <= end
        if not fits:
            return out
        out.append([i * s - lo + a * d for a in range(k)])
        i += 1


def charge_terms(w: Window, planes: int) -> None:
    """Charge the size budget, before any work, for ``planes`` kernel planes slid over ``w``
    (at most one term per output cell and kernel tap each).

    >>> from symconv.spec import conv_window
    >>> charge_terms(conv_window((4, 4), (3, 3)), planes=64)  # 64 planes x 4 outputs x 9 taps
    """
    terms = planes * budget.product(w.out_shape()) * budget.product(w.kernel)
    budget.charge(terms, "terms", "size", (planes, *w.size))


class Taps(NamedTuple):
    """The taps of one window.

    ``real``: ``(kernel cell, input cell)`` of every tap that reads the input
    (not padding), both as row-major flat indices, in row-major kernel order;
    ``inside``: how many taps lie inside the padded input (real or padding).
    """

    real: list[tuple[int, int]]
    inside: int


def _strides(shape: tuple[int, ...]) -> list[int]:
    """Row-major strides of a shape, in cells."""
    out = [1] * len(shape)
    for ax in range(len(shape) - 2, -1, -1):
        out[ax] = out[ax + 1] * shape[ax + 1]
    return out


def windows(w: Window, backwards: bool = False) -> tuple[tuple[int, ...], Iterator[Taps]]:
    """Output shape and, for each output index (row-major), the taps of its window.

    With ``backwards`` the kernel runs backwards through the window: kernel
    index ``a`` reads ``t - a*d``, where ``t`` is the window's last cell (the
    notes' :math:`x_{t-k+1}` form of convolution).

    >>> from symconv.spec import conv_window
    >>> shape, taps = windows(conv_window((3,), (2,), 1, 1, 1))
    >>> shape, [t.real for t in taps]
    ((4,), [[(1, 0)], [(0, 0), (1, 1)], [(0, 1), (1, 2)], [(0, 2)]])
    """
    size, kernel, stride, dilation = (tuple(map(int, v)) for v in (w.size, w.kernel, w.stride, w.dilation))
    padding = tuple((int(lo), int(hi)) for lo, hi in w.padding)  # plain ints: SymPy may give Integer sizes
    kstride, xstride = _strides(kernel), _strides(size)
    axes = []  # per axis, per window along it: (real (kernel, input) offsets, taps inside the padding)
    for ax, (n, k, s, (lo, hi), d) in enumerate(zip(size, kernel, stride, padding, dilation)):
        per_window = []
        for coords in axis_windows(n, k, s, (lo, hi), d, w.ceil_mode):
            pairs = [(a, coords[-1] - a * d) for a in range(k)] if backwards else list(enumerate(coords))
            real = [(a * kstride[ax], c * xstride[ax]) for a, c in pairs if 0 <= c < n]
            per_window.append((real, sum(-lo <= c < n + hi for c in coords)))
        axes.append(per_window)
    shape = tuple(len(ax) for ax in axes)
    budget.charge(budget.product(sum(len(real) for real, _ in ax) for ax in axes), "terms", "size", w.size)

    def taps(out: tuple[int, ...]) -> Taps:
        real, inside = axes[0][out[0]]
        for ax in range(1, len(out)):
            offsets, count = axes[ax][out[ax]]
            real = [(k0 + k1, x0 + x1) for k0, x0 in real for k1, x1 in offsets]
            inside *= count
        return Taps(real, inside)

    return shape, (taps(out) for out in itertools.product(*(range(m) for m in shape)))
