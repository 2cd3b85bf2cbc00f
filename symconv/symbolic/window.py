"""The one window primitive of the symbolic side.

A window slides over the padded input.  Along one axis (0-based, coordinates
of the unpadded input) window ``i`` starts at ``i*s - lo`` and its tap ``a``
reads coordinate ``i*s - lo + a*d``.  A coordinate is *real* when it lies in
``[0, n)``, *padding* when it lies in ``[-lo, n + hi)`` but not in the input,
and *beyond* otherwise (only ceil-mode pooling windows reach beyond).

Windows are enumerated one by one while they fit, never from the closed
output-size formula, so that the formula can be checked against them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from ..spec import Window

__all__ = ["Tap", "axis_windows", "windows"]


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


@dataclass(frozen=True)
class Tap:
    """One kernel tap of one window: kernel index, input coordinate and its kind."""

    kernel: tuple[int, ...]
    coord: tuple[int, ...]
    real: bool
    in_padding: bool  # real or padding (inside the padded input)


def windows(w: Window) -> tuple[tuple[int, ...], Iterator[tuple[tuple[int, ...], list[Tap]]]]:
    """Output shape and, for each output index, the taps of its window (row-major)."""
    per_axis = [
        axis_windows(n, k, s, p, d, w.ceil_mode)
        for n, k, s, p, d in zip(w.size, w.kernel, w.stride, w.padding, w.dilation)
    ]
    shape = tuple(len(ax) for ax in per_axis)

    def taps(out: tuple[int, ...]) -> list[Tap]:
        result = []
        for kidx in itertools.product(*(range(k) for k in w.kernel)):
            coord = tuple(per_axis[ax][out[ax]][kidx[ax]] for ax in range(w.dims))
            real = all(0 <= c < n for c, n in zip(coord, w.size))
            inside = all(-lo <= c < n + hi for c, n, (lo, hi) in zip(coord, w.size, w.padding))
            result.append(Tap(kidx, coord, real, inside))
        return result

    return shape, ((out, taps(out)) for out in itertools.product(*(range(n) for n in shape)))
