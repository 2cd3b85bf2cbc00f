"""Padding, rot180, cross-correlation and convolution on NumPy arrays.

Each correlation is one :func:`~symconv.numeric.window.windows` view reduced
against the kernel by :func:`~symconv.numeric.window.contract` (im2col and one
BLAS matrix product per chunk of samples; ``np.einsum`` on exact object
arrays); convolution is correlation with the kernel reversed.  Every
function validates all of its input before computing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import budget
from ..coerce import entry
from ..errors import ParameterError, ShapeError, public
from ..spec import as_int, conv_window, padding_pairs, transpose_window
from .window import as_array, contract, unify, windows

__all__ = [
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose",
    "corr1d",
    "corr2d",
    "corr2d_multi_in",
    "corr2d_multi_in_out",
    "corr3d",
    "pad",
    "rot180",
]


@public
def pad(X: ArrayLike, padding: Any, value: Any = 0) -> np.ndarray:
    r"""Pad the spatial axes of ``X`` with the constant ``value``.

    :math:`\operatorname{pad}(\mathbf{X})_{i,j} = [\mathbf{X}]_{i-t,\,j-l}` when that
    index lies in ``X``, else ``value``.  The last axis is padded for rank 1,
    the last two otherwise (leading axes are batch/channel axes).  ``padding``
    is per side: an int, a pair ``(p_h, p_w)`` (in 1-D ``(left, right)``) or
    ``((top, bottom), (left, right))``.

    >>> pad([[1, 2], [3, 4]], ((0, 1), (1, 0)))
    array([[0., 1., 2.],
           [0., 3., 4.],
           [0., 0., 0.]])
    >>> pad([1, 2], (0, 2), value=-1)
    array([ 1.,  2., -1., -1.])
    """
    (X,) = unify(as_array(X, "X", {1: "(L,)", 2: "(H, W)", 3: "(C, H, W)", 4: "(N, C, H, W)"}))
    dims = 1 if X.ndim == 1 else 2
    explicit = "non-negative ints: an int, a pair, or ((top, bottom), (left, right)) (no strings)"
    if isinstance(padding, str):
        raise ParameterError("padding", padding, explicit)
    try:
        pads = padding_pairs(padding, dims, (1,) * dims, (1,) * dims, (1,) * dims)
    except ParameterError:
        raise ParameterError("padding", padding, explicit) from None
    value = entry(value, "value")
    plane = X.shape[X.ndim - dims :]
    budget.charge_padding(plane, pads, padding)
    return np.pad(X, [(0, 0)] * (X.ndim - dims) + list(pads), constant_values=value)


@public
def rot180(K: ArrayLike) -> np.ndarray:
    r"""Rotate a kernel by 180 degrees: reverse its last two axes (rank 1: reverse it).

    :math:`\operatorname{rot180}(\mathbf{W})_{a,b} = [\mathbf{W}]_{k_h-1-a,\,k_w-1-b}` (0-based);
    on ``(c_i, k_h, k_w)`` or ``(c_o, c_i, k_h, k_w)`` each kernel is rotated.

    >>> rot180([[1, 2, 3], [4, 5, 6]])
    array([[6., 5., 4.],
           [3., 2., 1.]])
    """
    (K,) = unify(as_array(K, "K", {1: "(k,)", 2: "(k_h, k_w)", 3: "(c_i, k_h, k_w)", 4: "(c_o, c_i, k_h, k_w)"}))
    return np.flip(K, axis=-1 if K.ndim == 1 else (-2, -1)).copy()


@public
def corr1d(x: ArrayLike, w: ArrayLike, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> np.ndarray:
    r"""1-D cross-correlation :math:`y_i = \sum_{a=0}^{k-1} w_a\, \tilde x_{i s + a d}` (0-based).

    :math:`\tilde x` is ``x`` zero-padded by ``padding`` (an int, a pair
    ``(left, right)``, ``"valid"``, ``"same"`` or ``"full"``).  ``x``:
    ``(L,)`` or ``(N, L)``; ``w``: ``(k,)``; result ``(L',)`` or ``(N, L')``.

    >>> corr1d([0, 1, 2, 3, 4], [1, 2])
    array([ 2.,  5.,  8., 11.])
    >>> corr1d([0, 1, 2, 3, 4], [1, 2], stride=2, padding=1)
    array([ 0.,  5., 11.])
    """
    return _corr1d(x, w, stride, padding, dilation, flip=False)


@public
def conv1d(x: ArrayLike, w: ArrayLike, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> np.ndarray:
    r"""1-D true convolution :math:`y_i = \sum_{a=0}^{k-1} w_{k-1-a}\, \tilde x_{i s + a d}`.

    Correlation with the reversed kernel; with ``padding="full"`` this is
    :math:`y_i = \sum_a w_a x_{i-a}`.  Shapes and padding as in :func:`corr1d`.

    >>> conv1d([0, 1, 2, 3, 4], [1, 2])
    array([ 1.,  4.,  7., 10.])
    >>> conv1d([1, 2], [1, 1, 1], padding="full")
    array([1., 3., 3., 2.])
    """
    return _corr1d(x, w, stride, padding, dilation, flip=True)


def _corr1d(x: ArrayLike, w: ArrayLike, stride: Any, padding: Any, dilation: Any, flip: bool) -> np.ndarray:
    return _corr_nd(x, w, 1, stride, padding, dilation, flip)


#: Per dimension: (input name, its layouts; kernel name, its layout).
LAYOUTS = {
    1: ("x", {1: "(L,)", 2: "(N, L)"}, "w", "(k,)"),
    2: ("X", {2: "(H, W)", 3: "(N, H, W)"}, "K", "(k_h, k_w)"),
    3: ("X", {3: "(D, H, W)", 4: "(N, D, H, W)"}, "K", "(k_d, k_h, k_w)"),
}


def _corr_nd(X: ArrayLike, K: ArrayLike, dims: int, stride: Any, padding: Any, dilation: Any, flip: bool) -> np.ndarray:
    """Single-channel correlation (or, with ``flip``, convolution) over the last ``dims`` axes of ``X``."""
    x_name, x_layouts, k_name, k_layout = LAYOUTS[dims]
    X = as_array(X, x_name, x_layouts, spatial=dims)
    K = as_array(K, k_name, {dims: k_layout}, spatial=dims)
    X, K = unify(X, K)
    win = conv_window(X.shape[-dims:], K.shape, stride, padding, dilation)
    V = windows(X, win, 0)[(Ellipsis, None, None) + (slice(None),) * (2 * dims)]  # one group, one channel
    return contract(V, (np.flip(K) if flip else K)[None, None, None])[(Ellipsis, 0, 0) + (slice(None),) * dims]


@public
def corr2d(X: ArrayLike, K: ArrayLike, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> np.ndarray:
    r"""2-D cross-correlation (what ``torch.nn.functional.conv2d`` computes).

    .. math:: [\mathbf{H}]_{i,j} = \sum_{a,b} [\mathbf{K}]_{a,b}\,
              [\tilde{\mathbf{X}}]_{i s_h + a d_h,\; j s_w + b d_w}

    (0-based) where :math:`\tilde{\mathbf{X}}` is ``X`` zero-padded.  ``X``:
    ``(H, W)`` or ``(N, H, W)``; ``K``: ``(k_h, k_w)``; result ``(H', W')`` or
    ``(N, H', W')``.  ``padding``: an int, ``(p_h, p_w)``,
    ``((top, bottom), (left, right))``, ``"valid"``, ``"same"`` (stride 1;
    PyTorch's split, the odd cell at the end) or ``"full"`` (``d(k-1)`` each side).

    >>> corr2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]])
    array([[19., 25.],
           [37., 43.]])
    """
    return _corr2d(X, K, stride, padding, dilation, flip=False)


@public
def conv2d(X: ArrayLike, K: ArrayLike, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> np.ndarray:
    r"""2-D true convolution: correlation with the kernel rotated by 180 degrees.

    :math:`[\mathbf{H}]_{i,j} = \sum_{a,b} [\mathbf{K}]_{k_h-1-a,\,k_w-1-b}\,
    [\tilde{\mathbf{X}}]_{i s_h + a d_h,\; j s_w + b d_w}`; with ``padding="full"``
    this is :math:`\sum_{a,b} [\mathbf{K}]_{a,b} [\mathbf{X}]_{i-a,\,j-b}`.
    Shapes and padding as in :func:`corr2d`.

    >>> conv2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]])
    array([[ 5., 11.],
           [23., 29.]])
    """
    return _corr2d(X, K, stride, padding, dilation, flip=True)


def _corr2d(X: ArrayLike, K: ArrayLike, stride: Any, padding: Any, dilation: Any, flip: bool) -> np.ndarray:
    return _corr_nd(X, K, 2, stride, padding, dilation, flip)


@public
def corr3d(X: ArrayLike, K: ArrayLike, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> np.ndarray:
    r"""3-D cross-correlation (what ``torch.nn.functional.conv3d`` computes).

    .. math:: [\mathbf{H}]_{i,j,l} = \sum_{a,b,c} [\mathbf{K}]_{a,b,c}\,
              [\tilde{\mathbf{X}}]_{i s_d + a d_d,\; j s_h + b d_h,\; l s_w + c d_w}

    (0-based) where :math:`\tilde{\mathbf{X}}` is ``X`` zero-padded.  ``X``:
    ``(D, H, W)`` or ``(N, D, H, W)``; ``K``: ``(k_d, k_h, k_w)``; ``padding``:
    an int, a triple, one ``(lo, hi)`` pair per axis, ``"valid"``, ``"same"``
    or ``"full"``.

    >>> corr3d(np.arange(8).reshape(2, 2, 2), [[[1]], [[10]]])
    array([[[40., 51.],
            [62., 73.]]])
    """
    return _corr_nd(X, K, 3, stride, padding, dilation, flip=False)


@public
def conv3d(X: ArrayLike, K: ArrayLike, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> np.ndarray:
    r"""3-D true convolution: correlation with the kernel flipped along all three axes.

    Shapes and padding as in :func:`corr3d`.

    >>> conv3d(np.arange(8).reshape(2, 2, 2), [[[1]], [[10]]])
    array([[[ 4., 15.],
            [26., 37.]]])
    """
    return _corr_nd(X, K, 3, stride, padding, dilation, flip=True)


@public
def conv_transpose(
    Y: ArrayLike, W: ArrayLike, stride: Any = 1, padding: Any = 0, dilation: Any = 1, output_padding: Any = 0
) -> np.ndarray:
    r"""Transposed correlation (PyTorch's ``conv_transpose1d/2d/3d``, one channel): the adjoint of correlation.

    Every cell ``i`` of ``Y`` adds :math:`Y_i W_a` to output cell
    :math:`i s + a d - p` (per axis, 0-based), one ``np.add.at`` over an index
    grid of the output's windows.  ``Y`` and ``W`` have the same rank (1, 2 or
    3); the output has ``(m - 1) s - 2p + d(k - 1) + output_padding + 1``
    cells along an axis of ``m``; ``padding`` is symmetric.

    >>> conv_transpose([1, 2], [1, 10], stride=2, output_padding=1)
    array([ 1., 10.,  2., 20.,  0.])
    """
    Y = as_array(Y, "Y", {1: "(L,)", 2: "(H, W)", 3: "(D, H, W)"}, spatial=1)
    W = as_array(W, "W", {Y.ndim: LAYOUTS[Y.ndim][3]}, spatial=Y.ndim)
    win = transpose_window(Y.shape, W.shape, stride, padding, dilation, output_padding)
    Y, W = unify(Y, W)
    cells = int(np.prod(win.size))
    index = windows(np.arange(cells).reshape(win.size), win, cells)  # (windows..., taps...), padding -> sink
    index = index[tuple(slice(0, m) for m in Y.shape)]  # output_padding >= s: windows Y has no cell for
    out = np.zeros(cells + 1, dtype=Y.dtype)
    np.add.at(out, index, Y[(Ellipsis,) + (None,) * Y.ndim] * W)
    return out[:-1].reshape(win.size)


@public
def corr2d_multi_in(X: ArrayLike, K: ArrayLike, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> np.ndarray:
    r"""Multi-input-channel correlation, summed over the channels.

    :math:`[\mathbf{H}]_{i,j} = \sum_{c} \sum_{a,b} [\mathbf{K}]_{c,a,b}\,
    [\tilde{\mathbf{X}}]_{c,\, i s_h + a d_h,\; j s_w + b d_w}`.  ``X``:
    ``(c_i, H, W)`` or ``(N, c_i, H, W)``; ``K``: ``(c_i, k_h, k_w)``; result
    ``(H', W')`` or ``(N, H', W')``.

    >>> X = [[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]
    >>> K = [[[0, 1], [2, 3]], [[1, 2], [3, 4]]]
    >>> corr2d_multi_in(X, K)
    array([[ 56.,  72.],
           [104., 120.]])
    """
    X = as_array(X, "X", {3: "(c_i, H, W)", 4: "(N, c_i, H, W)"}, spatial=2)
    K = as_array(K, "K", {3: "(c_i, k_h, k_w)"}, spatial=2)
    if K.shape[0] != X.shape[-3]:
        raise ShapeError("K", K, f"c_i={X.shape[-3]} kernels in axis 0, one per input channel of X")
    win = conv_window(X.shape[-2:], K.shape[1:], stride, padding, dilation)
    X, K = unify(X, K)
    return contract(windows(X, win, 0)[..., None, :, :, :, :, :], K[None, None])[..., 0, 0, :, :]


@public
def corr2d_multi_in_out(
    X: ArrayLike,
    K: ArrayLike,
    bias: ArrayLike | None = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> np.ndarray:
    r"""Multi-input, multi-output correlation with bias and groups (``torch.nn.functional.conv2d``).

    With ``g = groups``, ``c = c_i/g`` input channels per group and
    ``m = c_o/g`` output channels per group, output channel ``o`` reads the
    input channels of group ``o // m``:

    .. math:: [\mathbf{H}]_{o,i,j} = b_o + \sum_{q=0}^{c-1} \sum_{a,b} [\mathbf{K}]_{o,q,a,b}\,
              [\tilde{\mathbf{X}}]_{(o // m) c + q,\; i s_h + a d_h,\; j s_w + b d_w}

    ``X``: ``(c_i, H, W)`` or ``(N, c_i, H, W)``; ``K``: ``(c_o, c_i/g, k_h, k_w)``;
    ``bias``: ``(c_o,)``; result ``(c_o, H', W')`` or ``(N, c_o, H', W')``.

    >>> X = [[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]
    >>> K = [[[[0, 1], [2, 3]], [[1, 2], [3, 4]]], [[[1, 2], [3, 4]], [[2, 3], [4, 5]]]]
    >>> corr2d_multi_in_out(X, K, bias=[0, 1])
    array([[[ 56.,  72.],
            [104., 120.]],
    <BLANKLINE>
           [[ 77., 101.],
            [149., 173.]]])
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
    if bias is not None:
        bias = as_array(bias, "bias", {1: "(c_o,)"})
        if bias.shape != (c_o,):
            raise ShapeError("bias", bias, f"shape (c_o,) = ({c_o},)")
    win = conv_window(X.shape[-2:], K.shape[2:], stride, padding, dilation)
    X, K, *b = unify(X, K, *([] if bias is None else [bias]))
    Xg = X.reshape((*X.shape[:-3], g, c_i // g, *X.shape[-2:]))
    Kg = K.reshape((g, c_o // g, *K.shape[1:]))
    H = contract(windows(Xg, win, 0), Kg)
    H = H.reshape((*H.shape[:-4], c_o, *H.shape[-2:]))
    return H + b[0][:, None, None] if b else H
