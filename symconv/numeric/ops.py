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
from ..spec import as_int, conv_window, padding_pairs
from .window import as_array, contract, unify, windows

__all__ = ["conv1d", "conv2d", "corr1d", "corr2d", "corr2d_multi_in", "corr2d_multi_in_out", "pad", "rot180"]


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
    added = budget.product(n + lo + hi for n, (lo, hi) in zip(plane, pads)) - budget.product(plane)
    budget.charge(added, "cells added by padding", "padding", padding)
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
    x = as_array(x, "x", {1: "(L,)", 2: "(N, L)"}, spatial=1)
    w = as_array(w, "w", {1: "(k,)"}, spatial=1)
    x, w = unify(x, w)
    win = conv_window(x.shape[-1:], w.shape, stride, padding, dilation)
    V = windows(x, win, 0)[..., None, None, :, :]  # one group, one channel
    return contract(V, (w[::-1] if flip else w)[None, None, None])[..., 0, 0, :]


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
    X = as_array(X, "X", {2: "(H, W)", 3: "(N, H, W)"}, spatial=2)
    K = as_array(K, "K", {2: "(k_h, k_w)"}, spatial=2)
    X, K = unify(X, K)
    win = conv_window(X.shape[-2:], K.shape, stride, padding, dilation)
    V = windows(X, win, 0)[..., None, None, :, :, :, :]  # one group, one channel
    return contract(V, (K[::-1, ::-1] if flip else K)[None, None, None])[..., 0, 0, :, :]


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
