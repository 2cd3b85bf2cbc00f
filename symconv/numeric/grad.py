r"""Vector-Jacobian products of the NumPy reference: gradients of correlation, convolution and pooling.

For an operator :math:`\mathbf{Y} = f(\mathbf{X}, \mathbf{K})` and an upstream
gradient :math:`\boldsymbol{\delta}` of the shape of :math:`\mathbf{Y}`, each
function returns the gradients of :math:`\ell = \sum \boldsymbol{\delta} \odot \mathbf{Y}`.

The algorithm is the forward's, applied to an *index grid*: the windows of
``np.arange(H * W).reshape(H, W)``, padded with the sink index ``H * W``, say
which cell of ``X`` each window tap reads (padding taps read the sink).  An
input gradient is one ``np.add.at`` of every tap's contribution onto those
indices (the sink is dropped at the end); a weight gradient is one
``np.einsum`` of the input windows with :math:`\boldsymbol{\delta}`.  There is
no loop over output positions, no closed output-size formula, and no code
shared with :mod:`symconv.symbolic`; parameters are validated by
:mod:`symconv.spec`.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..errors import ParameterError, ShapeError, public
from ..spec import Window, as_int, conv_window, pool_window
from .ops import LAYOUTS
from .pool import LAYOUTS as POOL_LAYOUTS
from .window import as_array, unify, windows

__all__ = [
    "conv1d_vjp",
    "conv2d_vjp",
    "conv3d_vjp",
    "corr1d_vjp",
    "corr2d_multi_in_out_vjp",
    "corr2d_vjp",
    "corr3d_vjp",
    "pool1d_vjp",
    "pool2d_vjp",
    "pool3d_vjp",
]

TIES = ("first", "split")


def _cells(win: Window) -> np.ndarray:
    """Flat index into ``X`` of every window tap, shape ``(o_h, o_w, k_h, k_w)`` (in 2-D); padding taps
    give the number of cells of ``X`` (``H * W``)."""
    n = int(np.prod(win.size))
    return windows(np.arange(n).reshape(win.size), win, n)


def _scatter(contrib: np.ndarray, cells: np.ndarray, size: tuple[int, ...]) -> np.ndarray:
    """Add ``contrib`` ``(..., o_h, o_w, k_h, k_w)`` onto the cells its taps read: ``(..., H, W)`` (in 2-D)."""
    lead = contrib.shape[: contrib.ndim - cells.ndim]
    out = np.zeros((*lead, int(np.prod(size)) + 1), dtype=contrib.dtype)
    np.add.at(out, (..., cells), contrib)
    return out[..., :-1].reshape(*lead, *size)


def _delta(delta: ArrayLike, expected: tuple[int, ...]) -> np.ndarray:
    """``delta`` as an array, which must have the forward output's shape."""
    try:
        arr = as_array(delta, "delta", {len(expected): ""})
    except ShapeError:
        arr = None
    if arr is None or arr.shape != expected:
        raise ShapeError("delta", delta, f"the forward output's shape {expected}")
    return arr


def _divide(a: np.ndarray, count: np.ndarray) -> np.ndarray:
    """``a / count``, exactly (through :class:`~fractions.Fraction`) for object arrays."""
    if a.dtype == object:
        return a / np.frompyfunc(Fraction, 1, 1)(count)
    return a / count.astype(a.dtype)


@public
def corr2d_vjp(
    X: ArrayLike, K: ArrayLike, delta: ArrayLike, stride: Any = 1, padding: Any = 0, dilation: Any = 1
) -> tuple[np.ndarray, np.ndarray]:
    r"""Gradients ``(dX, dK)`` of :math:`\ell = \sum \delta \odot \operatorname{corr2d}(X, K)`.

    With :math:`\tilde{\mathbf{X}}` the zero-padded input (``(t, l)`` padding at
    the top and left) and 0-based indices:

    .. math:: \frac{\partial \ell}{\partial [\mathbf{K}]_{a,b}} = \sum_{i,j} \delta_{i,j}\,
              [\tilde{\mathbf{X}}]_{i s_h + a d_h,\; j s_w + b d_w}, \qquad
              \frac{\partial \ell}{\partial [\mathbf{X}]_{u,v}} =
              \sum_{\substack{i,j,a,b:\; i s_h + a d_h = u + t \\ j s_w + b d_w = v + l}}
              \delta_{i,j}\, [\mathbf{K}]_{a,b}

    ``X``: ``(H, W)`` or ``(N, H, W)`` (``dK`` sums over the batch); ``K``:
    ``(k_h, k_w)``; ``delta``: the forward output's shape; ``dX`` and ``dK``
    have the shapes of ``X`` and ``K``.  Parameters as in
    :func:`symconv.numeric.corr2d`.

    >>> dX, dK = corr2d_vjp([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]], np.ones((2, 2)))
    >>> dX
    array([[0., 1., 1.],
           [2., 6., 4.],
           [2., 5., 3.]])
    >>> dK
    array([[ 8., 12.],
           [20., 24.]])
    """
    return _corr2d_vjp(X, K, delta, stride, padding, dilation, flip=False)


@public
def conv2d_vjp(
    X: ArrayLike, K: ArrayLike, delta: ArrayLike, stride: Any = 1, padding: Any = 0, dilation: Any = 1
) -> tuple[np.ndarray, np.ndarray]:
    r"""Gradients ``(dX, dK)`` of :math:`\ell = \sum \delta \odot \operatorname{conv2d}(X, K)`.

    True convolution is correlation with :math:`\operatorname{rot180}(\mathbf{K})`, so
    ``dX`` is that of :func:`corr2d_vjp` with the rotated kernel and ``dK`` is
    the rotated correlation kernel gradient:
    :math:`\frac{\partial \ell}{\partial [\mathbf{K}]_{a,b}} = \sum_{i,j} \delta_{i,j}\,
    [\tilde{\mathbf{X}}]_{i s_h + (k_h-1-a) d_h,\; j s_w + (k_w-1-b) d_w}`.
    Shapes and parameters as in :func:`corr2d_vjp`.

    >>> dX, dK = conv2d_vjp([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]], np.ones((2, 2)))
    >>> dX
    array([[3., 5., 2.],
           [4., 6., 2.],
           [1., 1., 0.]])
    >>> dK
    array([[24., 20.],
           [12.,  8.]])
    """
    return _corr2d_vjp(X, K, delta, stride, padding, dilation, flip=True)


def _corr2d_vjp(
    X: ArrayLike, K: ArrayLike, delta: ArrayLike, stride: Any, padding: Any, dilation: Any, flip: bool
) -> tuple[np.ndarray, np.ndarray]:
    return _corr_vjp(X, K, delta, 2, stride, padding, dilation, flip)


def _corr_vjp(
    X: ArrayLike, K: ArrayLike, delta: ArrayLike, dims: int, stride: Any, padding: Any, dilation: Any, flip: bool
) -> tuple[np.ndarray, np.ndarray]:
    """``(dX, dK)`` of a single-channel correlation (convolution with ``flip``) over the last ``dims`` axes."""
    x_name, x_layouts, k_name, k_layout = LAYOUTS[dims]
    X = as_array(X, x_name, x_layouts, spatial=dims)
    K = as_array(K, k_name, {dims: k_layout}, spatial=dims)
    win = conv_window(X.shape[-dims:], K.shape, stride, padding, dilation)
    cells = _cells(win)
    D = _delta(delta, (*X.shape[:-dims], *cells.shape[:dims]))
    X, K, D = unify(X, K, D)
    if flip:
        K = np.flip(K)
    dX = _scatter(D[(Ellipsis,) + (None,) * dims] * K, cells, win.size)
    Xn, Dn = X.reshape(-1, *win.size), D.reshape(-1, *cells.shape[:dims])
    out, taps = "ijl"[:dims], "abc"[:dims]
    dK = np.einsum(f"n{out}{taps},n{out}->{taps}", windows(Xn, win, 0), Dn)
    return dX, (np.flip(dK).copy() if flip else dK)


@public
def corr1d_vjp(
    x: ArrayLike, w: ArrayLike, delta: ArrayLike, stride: Any = 1, padding: Any = 0, dilation: Any = 1
) -> tuple[np.ndarray, np.ndarray]:
    r"""Gradients ``(dx, dw)`` of :math:`\ell = \sum \delta \odot \operatorname{corr1d}(x, w)`, as :func:`corr2d_vjp`.

    >>> dx, dw = corr1d_vjp([1, 2, 3], [1, 10], [1, 1])
    >>> dx, dw
    (array([ 1., 11., 10.]), array([3., 5.]))
    """
    return _corr_vjp(x, w, delta, 1, stride, padding, dilation, flip=False)


@public
def conv1d_vjp(
    x: ArrayLike, w: ArrayLike, delta: ArrayLike, stride: Any = 1, padding: Any = 0, dilation: Any = 1
) -> tuple[np.ndarray, np.ndarray]:
    r"""Gradients ``(dx, dw)`` of :math:`\ell = \sum \delta \odot \operatorname{conv1d}(x, w)`, as :func:`conv2d_vjp`.

    >>> dx, dw = conv1d_vjp([1, 2, 3], [1, 10], [1, 1])
    >>> dx, dw
    (array([10., 11.,  1.]), array([5., 3.]))
    """
    return _corr_vjp(x, w, delta, 1, stride, padding, dilation, flip=True)


@public
def corr3d_vjp(
    X: ArrayLike, K: ArrayLike, delta: ArrayLike, stride: Any = 1, padding: Any = 0, dilation: Any = 1
) -> tuple[np.ndarray, np.ndarray]:
    r"""Gradients ``(dX, dK)`` of :math:`\ell = \sum \delta \odot \operatorname{corr3d}(X, K)`, as :func:`corr2d_vjp`.

    >>> dX, dK = corr3d_vjp(np.arange(8).reshape(2, 2, 2), [[[1]], [[10]]], np.ones((1, 2, 2)))
    >>> dK.ravel()
    array([ 6., 22.])
    """
    return _corr_vjp(X, K, delta, 3, stride, padding, dilation, flip=False)


@public
def conv3d_vjp(
    X: ArrayLike, K: ArrayLike, delta: ArrayLike, stride: Any = 1, padding: Any = 0, dilation: Any = 1
) -> tuple[np.ndarray, np.ndarray]:
    r"""Gradients ``(dX, dK)`` of :math:`\ell = \sum \delta \odot \operatorname{conv3d}(X, K)`, as :func:`conv2d_vjp`.

    >>> dX, dK = conv3d_vjp(np.arange(8).reshape(2, 2, 2), [[[1]], [[10]]], np.ones((1, 2, 2)))
    >>> dK.ravel()
    array([22.,  6.])
    """
    return _corr_vjp(X, K, delta, 3, stride, padding, dilation, flip=True)


@public
def corr2d_multi_in_out_vjp(
    X: ArrayLike,
    K: ArrayLike,
    delta: ArrayLike,
    bias: ArrayLike | None = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Gradients ``(dX, dK, db)`` of :math:`\ell = \sum \boldsymbol{\delta} \odot
    \operatorname{corr2d\_multi\_in\_out}(\mathbf{X}, \mathbf{K}, \mathbf{b})`.

    With ``g = groups``, ``c = c_i/g``, ``m = c_o/g`` (output channel ``o``
    reads input channels ``(o // m) c + q``, ``q < c``), batch index ``n``:

    .. math:: \frac{\partial \ell}{\partial [\mathbf{K}]_{o,q,a,b}} = \sum_{n,i,j} \delta_{n,o,i,j}\,
              [\tilde{\mathbf{X}}]_{n,\,(o // m) c + q,\; i s_h + a d_h,\; j s_w + b d_w}, \qquad
              \frac{\partial \ell}{\partial b_o} = \sum_{n,i,j} \delta_{n,o,i,j},

    and :math:`\partial \ell / \partial [\mathbf{X}]_{n,\,hc+q,\,u,v}` scatters
    :math:`\delta_{n,o,i,j} [\mathbf{K}]_{o,q,a,b}` (``o`` in group ``h``) onto
    the cell that tap ``(a, b)`` of window ``(i, j)`` reads, as in
    :func:`corr2d_vjp`.  ``X``: ``(c_i, H, W)`` or ``(N, c_i, H, W)``; ``K``:
    ``(c_o, c_i/g, k_h, k_w)``; ``bias`` (only validated): ``(c_o,)`` or
    ``None``; ``delta``: the forward output's shape.  ``db`` has shape
    ``(c_o,)`` even when ``bias`` is ``None``.

    >>> X = np.arange(18).reshape(2, 3, 3)
    >>> dX, dK, db = corr2d_multi_in_out_vjp(X, np.ones((1, 2, 2, 2)), np.ones((1, 2, 2)))
    >>> dX[1]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    >>> dK[0, 1]
    array([[44., 48.],
           [56., 60.]])
    >>> db
    array([4.])
    """
    X = as_array(X, "X", {3: "(c_i, H, W)", 4: "(N, c_i, H, W)"}, spatial=2)
    K = as_array(K, "K", {4: "(c_o, c_i/groups, k_h, k_w)"}, spatial=2)
    g = as_int(groups, "groups", minimum=1)
    c_i, c_o = X.shape[-3], K.shape[0]
    if c_i % g or c_o % g:
        raise ParameterError("groups", groups, f"a divisor of both c_i={c_i} and c_o={c_o}")
    if K.shape[1] != c_i // g:
        raise ShapeError(
            "K", K, f"c_i/groups={c_i // g} input channels per group in axis 1 (X has c_i={c_i}, groups={g})"
        )
    if bias is not None and as_array(bias, "bias", {1: "(c_o,)"}).shape != (c_o,):
        raise ShapeError("bias", bias, f"shape (c_o,) = ({c_o},)")
    win = conv_window(X.shape[-2:], K.shape[2:], stride, padding, dilation)
    cells = _cells(win)
    D = _delta(delta, (*X.shape[:-3], c_o, *cells.shape[:2]))
    X, K, D = unify(X, K, D)
    Xg = X.reshape(-1, g, c_i // g, *win.size)
    Kg = K.reshape(g, c_o // g, *K.shape[1:])
    Dg = D.reshape(-1, g, c_o // g, *cells.shape[:2])
    dX = _scatter(np.einsum("nhoij,hoqab->nhqijab", Dg, Kg), cells, win.size).reshape(X.shape)
    dK = np.einsum("nhqijab,nhoij->hoqab", windows(Xg, win, 0), Dg).reshape(K.shape)
    return dX, dK, Dg.sum(axis=(0, 3, 4)).reshape(c_o)


@public
def pool2d_vjp(
    X: ArrayLike,
    delta: ArrayLike,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    mode: str = "max",
    dilation: Any = 1,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
    tie: str = "first",
) -> np.ndarray:
    r"""Gradient ``dX`` of :math:`\ell = \sum \boldsymbol{\delta} \odot \operatorname{pool2d}(\mathbf{X}, \ldots)`.

    Each output cell ``(i, j)`` with window :math:`R_{i,j}` (the windows of
    :func:`symconv.numeric.pool2d`) sends :math:`\delta_{i,j}` to cells of its
    window inside ``X``; overlapping windows add up:

    * ``"avg"``: every cell of :math:`R_{i,j}` inside ``X`` receives
      :math:`\delta_{i,j} / N_{i,j}`, with PyTorch's divisor :math:`N_{i,j}`
      (cells inside the padded input, a ``ceil_mode`` window counting only up to
      the padded edge; cells inside ``X`` if ``count_include_pad=False``; or
      ``divisor_override``);
    * ``"max"``: :math:`\delta_{i,j}` goes to the maximal cells of
      :math:`R_{i,j}` (padding is :math:`-\infty`).  At a tie, ``tie="first"``
      gives all of it to the first maximal cell in row-major window order
      (``torch.nn.functional.max_pool2d``'s backward); ``tie="split"`` divides it
      evenly among the :math:`m_{i,j}` maximal cells, :math:`\delta_{i,j}/m_{i,j}`
      each (``torch.amax``'s backward).  A window whose cells are all
      :math:`-\infty` ties among its cells inside ``X``, as in PyTorch; a window
      of padding only (possible with dilation) sends nothing.  NaN in ``X`` is
      refused, as in every implementation's pooling (PyTorch would route to a
      window's *last* NaN).

    ``X``: ``(H, W)``, ``(C, H, W)`` or ``(N, C, H, W)``; ``delta``: the forward
    output's shape; ``dX`` has the shape of ``X``.

    >>> pool2d_vjp(np.zeros((3, 3)), [[1, 2], [3, 4]], 2, stride=1)
    array([[1., 2., 0.],
           [3., 4., 0.],
           [0., 0., 0.]])
    >>> pool2d_vjp(np.zeros((3, 3)), [[1, 2], [3, 4]], 2, stride=1, tie="split")
    array([[0.25, 0.75, 0.5 ],
           [1.  , 2.5 , 1.5 ],
           [0.75, 1.75, 1.  ]])
    >>> pool2d_vjp(np.zeros((4, 4)), [[9, 9], [9, 9]], 3, stride=2, padding=1, mode="avg")
    array([[1., 2., 1., 1.],
           [2., 4., 2., 2.],
           [1., 2., 1., 1.],
           [1., 2., 1., 1.]])
    """
    args = (kernel_size, stride, padding, mode, dilation, ceil_mode, count_include_pad, divisor_override)
    return _pool_vjp(X, delta, 2, args, tie)


@public
def pool1d_vjp(
    x: ArrayLike,
    delta: ArrayLike,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    mode: str = "max",
    dilation: Any = 1,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
    tie: str = "first",
) -> np.ndarray:
    r"""Gradient ``dx`` of :math:`\ell = \sum \delta \odot \operatorname{pool1d}(x, \ldots)`, as :func:`pool2d_vjp`.

    ``x``: ``(L,)``, ``(C, L)`` or ``(N, C, L)``.

    >>> pool1d_vjp([1, 3, 2, 2], [5, 7], 2, tie="split")
    array([0. , 5. , 3.5, 3.5])
    """
    args = (kernel_size, stride, padding, mode, dilation, ceil_mode, count_include_pad, divisor_override)
    return _pool_vjp(x, delta, 1, args, tie)


@public
def pool3d_vjp(
    X: ArrayLike,
    delta: ArrayLike,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    mode: str = "max",
    dilation: Any = 1,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
    tie: str = "first",
) -> np.ndarray:
    r"""Gradient ``dX`` of :math:`\ell = \sum \delta \odot \operatorname{pool3d}(X, \ldots)`, as :func:`pool2d_vjp`.

    ``X``: ``(D, H, W)``, ``(C, D, H, W)`` or ``(N, C, D, H, W)``.

    >>> pool3d_vjp([[[0, 1]], [[3, 2]]], [[[6]]], (2, 1, 2))
    array([[[0., 0.]],
    <BLANKLINE>
           [[6., 0.]]])
    """
    args = (kernel_size, stride, padding, mode, dilation, ceil_mode, count_include_pad, divisor_override)
    return _pool_vjp(X, delta, 3, args, tie)


def _pool_vjp(X: ArrayLike, delta: ArrayLike, dims: int, args: tuple, tie: str) -> np.ndarray:
    """Pooling's gradient over the last ``dims`` axes: each window's δ scattered onto its cells."""
    kernel_size, stride, padding, mode, dilation, ceil_mode, count_include_pad, divisor_override = args
    name, layouts = POOL_LAYOUTS[dims]
    X = as_array(X, name, layouts, spatial=dims, ordered=True)
    win = pool_window(X.shape[-dims:], kernel_size, stride, padding, dilation, ceil_mode, mode)
    if not isinstance(count_include_pad, bool):
        raise ParameterError("count_include_pad", count_include_pad, "True or False")
    if divisor_override is not None:
        divisor_override = as_int(divisor_override, "divisor_override", minimum=1)
    if tie not in TIES:
        raise ParameterError("tie", tie, "'first' or 'split'")
    cells = _cells(win)
    out_shape = cells.shape[:dims]
    D = _delta(delta, (*X.shape[:-dims], *out_shape))
    X, D = unify(X, D)
    if mode == "max":
        v = windows(X, win, -np.inf).reshape(*D.shape, -1)
        real = (cells < int(np.prod(win.size))).reshape(v.shape[-(dims + 1) :])  # taps inside X, not padding
        hit = (v == v.max(axis=-1, keepdims=True)) & real
        if tie == "first":
            hit = np.arange(v.shape[-1]) == hit.argmax(axis=-1)[..., None]
        contrib = _divide(np.where(hit, D[..., None], 0), np.maximum(hit.sum(axis=-1, keepdims=True), 1))
        contrib = contrib.reshape(*D.shape, *win.kernel)
    else:
        if divisor_override is not None:
            count = np.full(out_shape, divisor_override)
        else:  # sum-pool an indicator of the padded input, or of X itself
            inside = np.ones(win.size, dtype=np.int64)
            count = windows(inside, win, int(count_include_pad), overhang=0).sum(axis=tuple(range(-dims, 0)))
        contrib = np.broadcast_to(_divide(D, count)[(Ellipsis,) + (None,) * dims], (*D.shape, *win.kernel))
    return _scatter(contrib, cells, win.size)
