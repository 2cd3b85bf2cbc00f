"""Max and average pooling: the same windows as correlation, reduced by max or mean."""

from __future__ import annotations

from typing import Any

from ..errors import ParameterError, public
from ..spec import as_int, pool_window
from .tensor import Array, as_array, entries, scalars_of
from .window import windows

__all__ = ["pool2d"]


@public
def pool2d(
    X: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    mode: str = "max",
    dilation: Any = 1,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Array:
    """Max or average pooling with PyTorch's exact conventions.

    For each window :math:`R_{i,j}` (same windows as :func:`corr2d`):

    * ``"max"``: :math:`[\\mathbf{Y}]_{i,j} = \\max_{(u,v) \\in R_{i,j}} [\\mathbf{X}]_{u,v}`,
      padding cells count as :math:`-\\infty`;
    * ``"avg"``: :math:`[\\mathbf{Y}]_{i,j} = \\frac{1}{N_{i,j}} \\sum_{(u,v) \\in R_{i,j}} [\\mathbf{X}]_{u,v}`,
      padding cells count as 0, and :math:`N_{i,j}` is the number of cells of
      the window inside the padded input (``count_include_pad=True``), inside
      the input (``False``), or ``divisor_override``.

    ``stride`` defaults to the window.  Padding is symmetric and at most half
    the window.  With ``ceil_mode`` the last, partial window is kept unless it
    would start in the right padding.  ``X``: ``(H, W)`` or ``(C, H, W)``,
    each channel pooled separately.

    >>> X = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    >>> pool2d(X, (2, 2), stride=1)
    [[4, 5], [7, 8]]
    >>> pool2d(X, (2, 2), stride=1, mode="avg")
    [[2, 3], [5, 6]]
    >>> pool2d(X, 2, mode="avg", padding=1, count_include_pad=False)
    [[0, 3/2], [9/2, 6]]
    """
    X = as_array(X, "X", (2, 3))
    window = pool_window(X.shape[-2:], kernel_size, stride, padding, dilation, ceil_mode, mode)
    if not isinstance(count_include_pad, bool):
        raise ParameterError("count_include_pad", count_include_pad, "True or False")
    if divisor_override is not None:
        divisor_override = as_int(divisor_override, "divisor_override", minimum=1)
    channels = [X[c] for c in range(X.shape[0])] if X.rank() == 3 else [X]
    scalars = scalars_of(X)
    cells: list = []
    for x in channels:
        shape, values = _pool(scalars, entries(x), window, mode, count_include_pad, divisor_override)
        cells += values
    return scalars.array(cells, (X.shape[0], *shape) if X.rank() == 3 else shape)


def _pool(scalars, x: list, window, mode: str, count_include_pad: bool, divisor_override: int | None):
    """Output shape and row-major entries of one channel (``x``: its row-major entries)."""
    shape, positions = windows(window)
    out = []
    for taps in positions:
        values = [x[u] for _, u in taps.real]
        if mode == "max":
            out.append(scalars.max(values) if values else scalars.scalar(float("-inf")))
            continue
        if divisor_override is not None:
            divisor = divisor_override
        elif count_include_pad:
            divisor = taps.inside
        else:
            divisor = len(values)
        out.append(scalars.sum(values) / divisor)
    return shape, out
