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

import itertools
import math
from typing import Any

from ..errors import ParameterError, ShapeError, public
from ..spec import conv_window, per_dim, transpose_window
from .tensor import RANK_NAMES, Array, as_array, common, entries
from .window import charge_terms, windows

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
    "operand",
]


def operand(value: Any, name: str, layouts: dict[int, str]) -> Array:
    """:func:`~symconv.symbolic.tensor.as_array`, with this operator's layout for each allowed rank.

    ``as_array`` names the generic layouts (rank 3 is ``(C, H, W)``); a 3-D
    operator's input ``(D, H, W)`` says so in its message instead.
    """
    try:
        return as_array(value, name, tuple(layouts))
    except ShapeError as err:
        expected = err.expected
        for rank, layout in layouts.items():
            expected = expected.replace(f"rank {rank} {RANK_NAMES[rank]}", f"rank {rank} {layout}")
        raise ShapeError(name, err.value, expected) from None


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


VOLUME, VOLUME_KERNEL = {3: "(D, H, W)"}, {3: "(k_d, k_h, k_w)"}


@public
def corr3d(X: Any, K: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> Array:
    """3-D cross-correlation (no kernel flip), as ``torch.nn.functional.conv3d``.

    .. math::
        [\\mathbf{H}]_{i,j,l} = \\sum_{a=1}^{k_d}\\sum_{b=1}^{k_h}\\sum_{c=1}^{k_w}
        [\\mathbf{W}]_{a,b,c}\\,[\\mathbf{X}]_{i+a-1,\\,j+b-1,\\,l+c-1}

    for stride 1, no padding; in general the window of output ``(i, j, l)``
    starts at ``(i s_d - p_front, j s_h - p_top, l s_w - p_left)`` (0-based)
    and its taps are ``d`` apart along each axis.

    ``X``: ``(D, H, W)``; ``K``: ``(k_d, k_h, k_w)``; ``stride`` and
    ``dilation``: an int or a triple; ``padding``: an int, a triple, one
    ``(lo, hi)`` pair per axis, or ``"valid"``/``"same"``/``"full"``.

    >>> corr3d([[[0, 1], [2, 3]], [[4, 5], [6, 7]]], [[[1]], [[10]]])
    [[[40, 51], [62, 73]]]
    >>> from symconv import symbols
    >>> corr3d(symbols("x", (2, 1, 1)), symbols("w", (2, 1, 1)))[0, 0, 0]
    w_{1,1,1}*x_{1,1,1} + w_{2,1,1}*x_{2,1,1}
    """
    return _slide(operand(X, "X", VOLUME), operand(K, "K", VOLUME_KERNEL), stride, padding, dilation, flip=False)


@public
def conv3d(X: Any, K: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> Array:
    """3-D true convolution :math:`[\\mathbf{H}]_{i,j,l} = \\sum_{a,b,c}[\\mathbf{W}]_{a,b,c}
    [\\mathbf{X}]_{i-a+1,\\,j-b+1,\\,l-c+1}` (window-relative, as :func:`conv2d`).

    The kernel runs backwards through each window along all three axes:
    correlation with the kernel flipped along every axis.  Shapes as in
    :func:`corr3d`.

    >>> conv3d([[[0, 1], [2, 3]], [[4, 5], [6, 7]]], [[[1]], [[10]]])
    [[[4, 15], [26, 37]]]
    """
    return _slide(operand(X, "X", VOLUME), operand(K, "K", VOLUME_KERNEL), stride, padding, dilation, flip=True)


@public
def conv_transpose(
    Y: Any, W: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1, output_padding: Any = 0
) -> Array:
    """Transposed correlation, the adjoint of :func:`corr1d`/:func:`corr2d`/:func:`corr3d` (single channel).

    PyTorch's ``conv_transpose1d/2d/3d``: every input cell ``i`` scatters
    :math:`Y_i W_a` onto the cell that tap ``a`` of window ``i`` reads,

    .. math:: [\\mathbf{H}]_u = \\sum_{i,\\,a\\;:\\; i s + a d - p = u} [\\mathbf{Y}]_i\\,[\\mathbf{W}]_a

    (0-based, per axis), so that :math:`\\langle \\operatorname{corr}(\\mathbf{X}, \\mathbf{W}),
    \\mathbf{Y}\\rangle = \\langle \\mathbf{X}, \\operatorname{conv\\_transpose}(\\mathbf{Y}, \\mathbf{W})\\rangle`.
    Along an axis of ``m`` cells the output has
    ``(m - 1) s - 2 p + d (k - 1) + output_padding + 1`` cells.  ``Y`` and
    ``W`` have the same rank (1, 2 or 3); ``padding`` is symmetric (an int or
    one int per axis); ``output_padding`` must be smaller than the stride or
    the dilation (PyTorch's rule).

    >>> conv_transpose([1, 2], [1, 10])
    [1, 12, 20]
    >>> conv_transpose([1, 2], [1, 10], stride=2, output_padding=1)
    [1, 10, 2, 20, 0]
    """
    Y = operand(Y, "Y", {1: "(L,)", 2: "(H, W)", 3: "(D, H, W)"})
    W = operand(W, "W", {Y.rank(): {1: "(k,)", 2: "(k_h, k_w)", 3: "(k_d, k_h, k_w)"}[Y.rank()]})
    window = transpose_window(Y.shape, W.shape, stride, padding, dilation, output_padding)
    scalars, (Y, W) = common(Y, W)
    y, w = entries(Y), entries(W)
    incoming: list[list[tuple[int, int]]] = [[] for _ in range(math.prod(window.size))]
    shape, positions = windows(window)
    for index, taps in zip(itertools.product(*map(range, shape)), positions):
        if any(i >= m for i, m in zip(index, Y.shape)):  # output_padding >= s: windows Y has no cell for
            continue
        flat = 0
        for i, m in zip(index, Y.shape):
            flat = flat * m + i
        for a, u in taps.real:
            incoming[u].append((a, flat))
    return scalars.array([scalars.dot(w, y, pairs) for pairs in incoming], window.size)


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
