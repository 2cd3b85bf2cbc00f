"""Max and average pooling on NumPy arrays: the correlation windows, reduced by max or mean."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..errors import ParameterError, public
from ..spec import as_int, pool_window
from .window import as_array, reduce_taps, unify, windows

__all__ = ["pool1d", "pool2d", "pool3d"]

#: Per dimension: the input's name and its layouts (a channel and a batch axis are optional).
LAYOUTS = {
    1: ("x", {1: "(L,)", 2: "(C, L)", 3: "(N, C, L)"}),
    2: ("X", {2: "(H, W)", 3: "(C, H, W)", 4: "(N, C, H, W)"}),
    3: ("X", {3: "(D, H, W)", 4: "(C, D, H, W)", 5: "(N, C, D, H, W)"}),
}


@public
def pool2d(
    X: ArrayLike,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    mode: str = "max",
    dilation: Any = 1,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> np.ndarray:
    r"""Max or average pooling with the exact semantics of PyTorch's ``max_pool2d``/``avg_pool2d``.

    For the window :math:`R_{i,j}` of output cell ``(i, j)`` (the windows of
    :func:`~symconv.numeric.corr2d`):

    * ``"max"``: :math:`[\mathbf{Y}]_{i,j} = \max_{(u,v) \in R_{i,j}} [\tilde{\mathbf{X}}]_{u,v}`,
      padding cells are :math:`-\infty`;
    * ``"avg"``: :math:`[\mathbf{Y}]_{i,j} = \frac{1}{N_{i,j}} \sum_{(u,v) \in R_{i,j}}
      [\tilde{\mathbf{X}}]_{u,v}`, padding cells are 0; :math:`N_{i,j}` counts
      the window's cells inside the padded input (``count_include_pad=True``;
      a ``ceil_mode`` window hanging past the padding counts less), inside
      ``X`` (``count_include_pad=False``), or is ``divisor_override``.

    ``stride`` defaults to ``kernel_size``; padding is symmetric, at most half
    the window; with ``ceil_mode`` a partial last window is kept unless it
    would start in the right padding.  ``X``: ``(H, W)``, ``(C, H, W)`` or
    ``(N, C, H, W)``, each channel pooled separately.  Object arrays stay
    object (exact averages via :class:`fractions.Fraction` divisors).

    >>> X = np.arange(16).reshape(4, 4)
    >>> pool2d(X, 3, stride=2, padding=1)
    array([[ 5.,  7.],
           [13., 15.]])
    >>> pool2d(X, 3, stride=2, padding=1, mode="avg", count_include_pad=False)
    array([[ 2.5,  4. ],
           [ 8.5, 10. ]])
    """
    args = (kernel_size, stride, padding, mode, dilation, ceil_mode, count_include_pad, divisor_override)
    return _pool_nd(X, 2, *args)


@public
def pool1d(
    x: ArrayLike,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    mode: str = "max",
    dilation: Any = 1,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> np.ndarray:
    r"""1-D max or average pooling (PyTorch's ``max_pool1d``/``avg_pool1d``), conventions as :func:`pool2d`.

    ``x``: ``(L,)``, ``(C, L)`` or ``(N, C, L)``.

    >>> pool1d([3, 1, 4, 1, 5], 2)
    array([3., 4.])
    >>> pool1d([3, 1, 4, 1, 5], 2, mode="avg", ceil_mode=True)
    array([2. , 2.5, 5. ])
    """
    args = (kernel_size, stride, padding, mode, dilation, ceil_mode, count_include_pad, divisor_override)
    return _pool_nd(x, 1, *args)


@public
def pool3d(
    X: ArrayLike,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    mode: str = "max",
    dilation: Any = 1,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> np.ndarray:
    r"""3-D max or average pooling (PyTorch's ``max_pool3d``/``avg_pool3d``), conventions as :func:`pool2d`.

    ``X``: ``(D, H, W)``, ``(C, D, H, W)`` or ``(N, C, D, H, W)``.

    >>> pool3d(np.arange(8).reshape(2, 2, 2), 2)
    array([[[7.]]])
    >>> pool3d(np.arange(8).reshape(2, 2, 2), (2, 1, 1), mode="avg")
    array([[[2., 3.],
            [4., 5.]]])
    """
    args = (kernel_size, stride, padding, mode, dilation, ceil_mode, count_include_pad, divisor_override)
    return _pool_nd(X, 3, *args)


def _pool_nd(
    X: ArrayLike,
    dims: int,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    mode: str,
    dilation: Any,
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: int | None,
) -> np.ndarray:
    """Pooling over the last ``dims`` axes: the windows reduced tap by tap (max or sum, then the divisor)."""
    name, layouts = LAYOUTS[dims]
    (X,) = unify(as_array(X, name, layouts, spatial=dims, ordered=True))
    win = pool_window(X.shape[-dims:], kernel_size, stride, padding, dilation, ceil_mode, mode)
    if not isinstance(count_include_pad, bool):
        raise ParameterError("count_include_pad", count_include_pad, "True or False")
    if divisor_override is not None:
        divisor_override = as_int(divisor_override, "divisor_override", minimum=1)
    if mode == "max":
        return reduce_taps(windows(X, win, -np.inf), dims, np.maximum)
    total = reduce_taps(windows(X, win, 0), dims, np.add)
    if divisor_override is not None:
        count = np.full(total.shape[-dims:], divisor_override)
    else:  # sum-pool an indicator: of the padded input, or of X itself
        inside = np.ones(X.shape[-dims:], dtype=np.int64)
        count = windows(inside, win, int(count_include_pad), overhang=0).sum(axis=tuple(range(-dims, 0)))
    if X.dtype == object:
        return total / np.frompyfunc(Fraction, 1, 1)(count)
    total /= count.astype(X.dtype)  # in place: total is a fresh array
    return total
