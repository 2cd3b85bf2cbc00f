"""Max and average pooling: the same windows as correlation, reduced by max or mean."""

from __future__ import annotations

from typing import Any

from ..errors import ParameterError, public
from ..spec import as_int, pool_window
from .ops import operand
from .tensor import Array, entries, scalars_of
from .window import windows

__all__ = ["pool1d", "pool2d", "pool3d"]

#: The layouts each pooling operator accepts: one map, or one per channel.
LAYOUTS = {
    1: {1: "(L,)", 2: "(C, L)"},
    2: {2: "(H, W)", 3: "(C, H, W)"},
    3: {3: "(D, H, W)", 4: "(C, D, H, W)"},
}


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
    args = (kernel_size, stride, padding, mode, dilation, ceil_mode, count_include_pad, divisor_override)
    return _pool_nd(X, 2, *args)


@public
def pool1d(
    x: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    mode: str = "max",
    dilation: Any = 1,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Array:
    """1-D max or average pooling (``max_pool1d``/``avg_pool1d``), the windows of :func:`corr1d`.

    :math:`y_i = \\max_{u \\in R_i} x_u` or :math:`\\frac{1}{N_i}\\sum_{u \\in R_i} x_u`,
    with the conventions of :func:`pool2d` (``stride`` defaults to the window,
    padding at most half the window, PyTorch's divisor ``N_i`` and
    ``ceil_mode``).  ``x``: ``(L,)`` or ``(C, L)``.

    >>> pool1d([3, 1, 4, 1, 5], 2)
    [3, 4]
    >>> pool1d([3, 1, 4, 1, 5], 2, mode="avg", ceil_mode=True)
    [2, 5/2, 5]
    """
    args = (kernel_size, stride, padding, mode, dilation, ceil_mode, count_include_pad, divisor_override)
    return _pool_nd(x, 1, *args, name="x")


@public
def pool3d(
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
    """3-D max or average pooling (``max_pool3d``/``avg_pool3d``), the windows of :func:`corr3d`.

    :math:`[\\mathbf{Y}]_{i,j,l} = \\max_{(u,v,w) \\in R_{i,j,l}} [\\mathbf{X}]_{u,v,w}`, or the
    average with PyTorch's divisor; conventions as in :func:`pool2d`.
    ``X``: ``(D, H, W)`` or ``(C, D, H, W)``.

    >>> pool3d([[[0, 1], [2, 3]], [[4, 5], [6, 7]]], 2)
    [[[7]]]
    >>> pool3d([[[0, 1], [2, 3]], [[4, 5], [6, 7]]], (2, 1, 1), mode="avg")
    [[[2, 3], [4, 5]]]
    """
    args = (kernel_size, stride, padding, mode, dilation, ceil_mode, count_include_pad, divisor_override)
    return _pool_nd(X, 3, *args)


def _pool_nd(
    X: Any,
    dims: int,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    mode: str,
    dilation: Any,
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: int | None,
    name: str = "X",
) -> Array:
    """Pooling over the last ``dims`` axes of ``X``, each channel on its own (a leading channel axis is optional)."""
    X = operand(X, name, LAYOUTS[dims])
    window = pool_window(X.shape[-dims:], kernel_size, stride, padding, dilation, ceil_mode, mode)
    if not isinstance(count_include_pad, bool):
        raise ParameterError("count_include_pad", count_include_pad, "True or False")
    if divisor_override is not None:
        divisor_override = as_int(divisor_override, "divisor_override", minimum=1)
    channels = [X[c] for c in range(X.shape[0])] if X.rank() > dims else [X]
    scalars = scalars_of(X)
    cells: list = []
    for x in channels:
        shape, values = _pool(scalars, entries(x), window, mode, count_include_pad, divisor_override)
        cells += values
    return scalars.array(cells, (X.shape[0], *shape) if X.rank() > dims else shape)


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
