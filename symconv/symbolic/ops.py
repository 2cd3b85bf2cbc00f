"""Cross-correlation and convolution, written from their index formulas.

Conventions (0-based in Python, 1-based in the notes and in symbol names):

* cross-correlation ``corr``: :math:`[\\mathbf{H}]_{i,j} = \\sum_{a,b} [\\mathbf{W}]_{a,b}\\,
  [\\mathbf{X}]_{i s + a d - p,\\; j s + b d - p}` (no flip; what
  ``torch.nn.functional.conv2d`` computes);
* convolution ``conv``: the kernel runs backwards through the same window,
  :math:`[\\mathbf{H}]_{i,j} = \\sum_{a,b} [\\mathbf{W}]_{a,b}\\, [\\mathbf{X}]_{t_i - a d,\\; t_j - b d}`
  with :math:`(t_i, t_j)` the last cell of the window (the notes'
  :math:`x_{t-k+1}` form).

Zero padding is implicit: a tap that reads a padding cell contributes
nothing.  Every operator validates its input first and returns a SymPy array.
"""

from __future__ import annotations

from typing import Any

from ..errors import ParameterError, ShapeError, public
from ..spec import conv_window, per_dim
from .tensor import Array, as_array, common, entries
from .window import charge_terms, windows

__all__ = ["conv1d", "conv2d", "corr1d", "corr2d", "corr2d_multi_in", "corr2d_multi_in_out"]


def _slide(X: Array, W: Array, stride: Any, padding: Any, dilation: Any, flip: bool) -> Array:
    """Single-channel correlation (``flip=False``) or convolution (``flip=True``).

    Output ``o`` is :math:`\\sum_{a} W_a X_{u(o, a)}` over the kernel taps ``a`` of
    its window that read the input (padding contributes nothing): ``u`` is
    tap ``a``'s cell, or, for convolution, the cell ``t - a d`` counted back
    from the window's last cell ``t``.
    """
    window = conv_window(X.shape, W.shape, stride, padding, dilation)
    scalars, (X, W) = common(X, W)
    x, w = entries(X), entries(W)
    shape, positions = windows(window, backwards=flip)
    return scalars.array([scalars.dot(w, x, taps.real) for taps in positions], shape)


@public
def corr1d(x: Any, w: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> Array:
    """1-D cross-correlation :math:`y_i = \\sum_{a=1}^{K} w_a\\, x_{(i-1)s + (a-1)d + 1 - p}`.

    ``x`` has shape ``(L,)``, ``w`` shape ``(K,)``; padding is an int, a pair
    ``(left, right)`` or ``"valid"``/``"same"``/``"full"``.

    >>> from symconv import symbols
    >>> corr1d(symbols("x", 3), symbols("w", 2))
    [w_{1}*x_{1} + w_{2}*x_{2}, w_{1}*x_{2} + w_{2}*x_{3}]
    """
    return _slide(as_array(x, "x", (1,)), as_array(w, "w", (1,)), stride, padding, dilation, flip=False)


@public
def conv1d(x: Any, w: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> Array:
    """1-D convolution :math:`y_t = \\sum_{k=1}^{K} w_k\\, x_{t-k+1}` (the notes' 6.1.2).

    ``t`` runs over the last cell of each window; shapes as in :func:`corr1d`.

    >>> conv1d([1, 2, 3], [1, 10])
    [12, 23]
    """
    return _slide(as_array(x, "x", (1,)), as_array(w, "w", (1,)), stride, padding, dilation, flip=True)


@public
def corr2d(X: Any, K: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> Array:
    """2-D cross-correlation (no kernel flip), as ``torch.nn.functional.conv2d``.

    .. math::
        [\\mathbf{H}]_{i,j} = \\sum_{a=1}^{k_h}\\sum_{b=1}^{k_w} [\\mathbf{W}]_{a,b}\\,[\\mathbf{X}]_{i+a-1,\\,j+b-1}

    for stride 1, no padding; in general the window of output ``(i, j)``
    starts at ``(i s - p_top, j s - p_left)`` (0-based) and its taps are ``d`` apart.

    ``X``: ``(H, W)``; ``K``: ``(k_h, k_w)``; result ``(H', W')`` with
    ``H' = output_size(H, k_h, stride, padding, dilation)``.

    >>> corr2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]])
    [[19, 25], [37, 43]]
    >>> from symconv import symbols
    >>> corr2d(symbols("x", (2, 2)), symbols("w", (2, 2)))[0, 0]
    w_{1,1}*x_{1,1} + w_{1,2}*x_{1,2} + w_{2,1}*x_{2,1} + w_{2,2}*x_{2,2}
    """
    return _slide(as_array(X, "X", (2,)), as_array(K, "K", (2,)), stride, padding, dilation, flip=False)


@public
def conv2d(X: Any, K: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> Array:
    """2-D true convolution :math:`[\\mathbf{H}]_{i,j} = \\sum_{a,b}[\\mathbf{W}]_{a,b}[\\mathbf{X}]_{i-a+1,\\,j-b+1}`.

    The kernel runs backwards through each window (indices relative to the
    window's last cell), which the theorem ``conv_eq_corr_rot180`` relates to
    :func:`corr2d` with ``rot180(K)``.  Shapes as in :func:`corr2d`.

    >>> conv2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]])
    [[5, 11], [23, 29]]
    """
    return _slide(as_array(X, "X", (2,)), as_array(K, "K", (2,)), stride, padding, dilation, flip=True)


def _channels(X: Any, K: Any, k_rank: int) -> tuple[Array, Array]:
    X = as_array(X, "X", (3,))
    K = as_array(K, "K", (k_rank,))
    return X, K


def _sum(arrays: list[Array]) -> Array:
    total = arrays[0]
    for a in arrays[1:]:
        total = total + a
    return total


@public
def corr2d_multi_in(X: Any, K: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> Array:
    """Multi-input-channel correlation, summed over channels (notes 6.2.3).

    :math:`[\\mathbf{H}]_{i,j} = \\sum_{d=1}^{c_i} \\sum_{a,b} [\\mathbf{W}]_{d,a,b}[\\mathbf{X}]_{d,i+a-1,j+b-1}`.

    ``X``: ``(c_i, H, W)``; ``K``: ``(c_i, k_h, k_w)``; result ``(H', W')``.

    >>> X = [[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]
    >>> K = [[[0, 1], [2, 3]], [[1, 2], [3, 4]]]
    >>> corr2d_multi_in(X, K)
    [[56, 72], [104, 120]]
    """
    X, K = _channels(X, K, 3)
    if K.shape[0] != X.shape[0]:
        raise ShapeError("K", K, f"c_i={X.shape[0]} kernels, one per input channel of X")
    charge_terms(conv_window(X.shape[1:], K.shape[1:], stride, padding, dilation), X.shape[0])  # before any work
    return _sum([corr2d(X[c], K[c], stride, padding, dilation) for c in range(X.shape[0])])


@public
def corr2d_multi_in_out(
    X: Any,
    K: Any,
    bias: Any = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> Array:
    """Multi-input, multi-output correlation with bias and groups.

    The semantics of ``torch.nn.functional.conv2d`` on an unbatched input:
    with ``g = groups``, output channel ``p`` reads the input channels of its
    group,

    .. math:: [\\mathbf{H}]_{p} = \\sum_{d=1}^{c_i/g} [\\mathbf{X}]_{g_p c_i/g + d} * [\\mathbf{W}]_{p,d} + b_p

    ``X``: ``(c_i, H, W)``; ``K``: ``(c_o, c_i/g, k_h, k_w)``; ``bias``: ``(c_o,)``;
    result ``(c_o, H', W')``.

    >>> X = [[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]
    >>> K = [[[[0, 1], [2, 3]], [[1, 2], [3, 4]]], [[[1, 2], [3, 4]], [[2, 3], [4, 5]]]]
    >>> corr2d_multi_in_out(X, K, bias=[0, 1])
    [[[56, 72], [104, 120]], [[77, 101], [149, 173]]]
    """
    X, K = _channels(X, K, 4)
    groups = per_dim(groups, "groups", 1, minimum=1)[0]
    c_i, c_o = X.shape[0], K.shape[0]
    if c_i % groups or c_o % groups:
        raise ParameterError("groups", groups, f"a divisor of both c_i={c_i} and c_o={c_o}")
    per_group = c_i // groups
    if K.shape[1] != per_group:
        raise ShapeError("K", K, f"shape (c_o, c_i/groups, k_h, k_w) with c_i/groups={per_group}")
    b = None
    if bias is not None:
        b = as_array(bias, "bias", (1,))
        if b.shape != (c_o,):
            raise ShapeError("bias", b, f"shape (c_o,) = ({c_o},)")
    charge_terms(conv_window(X.shape[1:], K.shape[2:], stride, padding, dilation), c_o * per_group)  # before work
    scalars, (X, K, *bs) = common(X, K, *([] if b is None else [b]))
    cells = []
    for p in range(c_o):
        first = (p // (c_o // groups)) * per_group
        H = _sum([corr2d(X[first + d], K[p, d], stride, padding, dilation) for d in range(per_group)])
        cells += [h + bs[0][p] for h in entries(H)] if bs else entries(H)
    return scalars.array(cells, (c_o, *H.shape))
