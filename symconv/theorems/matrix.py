"""Convolution as a matrix product (notes 6.1.2: 用矩阵乘法实现卷积运算).

A correlation is linear in its input, so it is a matrix: the Toeplitz matrix
:math:`T(\\mathbf{W})` (doubly block Toeplitz in 2-D) times :math:`\\operatorname{vec}(\\mathbf{X})`.
Read the other way round it is linear in the kernel: the kernel as a row
times the matrix of windows, im2col's :math:`\\operatorname{unfold}(\\mathbf{X})`.
Its input gradient is the transposed matrix :math:`T(\\mathbf{W})^\\top` times
:math:`\\operatorname{vec}(\\boldsymbol{\\delta})`, which is why it is a transposed
convolution.  The matrices are index arrays built from their formulas
(:mod:`symconv.theorems.indexing`); the left sides are the window operators.
"""

from __future__ import annotations

import math
from typing import Any

from ..spec import conv_window
from ..systems import System
from .gradients import conv_out
from .indexing import corr_nd, im2col_index, toeplitz_index
from .registry import theorem

#: 1-D, 2-D and 3-D, with stride, padding per side and dilation.
SIZES = [
    dict(n=(4,), k=(2,)),
    dict(n=(5,), k=(3,), s=2, p=(1, 0), d=2),
    dict(n=(3, 4), k=(2, 3)),
    dict(n=(4, 3), k=(2, 2), s=(1, 2), p=((0, 1), (1, 0)), d=(2, 1)),
    dict(n=(3, 2, 3), k=(2, 1, 2), s=(1, 1, 2), p=(1, 0, 0)),
]


def toeplitz(B: System, W: Any, n: tuple[int, ...], k: tuple[int, ...], window: Any, transpose: bool = False) -> Any:
    """:math:`T(\\mathbf{W})` (or its transpose): ``[T]_{o,u} = W_a`` where ``u = o s + a d − p_lo`` on every axis."""
    lo = tuple(p for p, _ in window.padding)
    index = toeplitz_index(n, k, window.out_shape(), window.stride, lo, window.dilation)
    return B.take(W, index.T.copy() if transpose else index)


def vec(B: System, A: Any) -> Any:
    """The entries of ``A`` as a column, row-major."""
    return B.reshape(A, (math.prod(B.shape(A)), 1))


@theorem(
    section="6.1.2",
    statement="vec(X * W) = T(W) · vec(X), [T(W)]_{(i,j),(u,v)} = W_{a,b} where u = i s + a d − p, v = j s + b d − p  "
    "(correlation is a matrix product; T is doubly block Toeplitz in 2-D)",
    hypotheses=(
        "vec reads row-major; T(W) has one row per output cell and one column per input cell, zero where no tap meets",
        "any stride s, padding p per side (lo shown), dilation d; 1-D, 2-D and 3-D",
    ),
    inputs={"X": ("n",), "W": ("k",)},
    sizes=SIZES,
    latex=r"\operatorname{vec}(\mathbf{X} * \mathbf{W}) = T(\mathbf{W}) \operatorname{vec}(\mathbf{X}),"
    r" \quad [T(\mathbf{W})]_{(i,j),(u,v)} = \begin{cases} [\mathbf{W}]_{a,b} & u = is + ad - p,\ v = js + bd - p \\"
    r" 0 & \text{otherwise} \end{cases}",
)
def corr_eq_toeplitz_matmul(B, X, W, *, n, k, s, p, d, **_):
    """Every output entry Σ_a W_a X̃_{o s + a d} is the dot product of row o of T(W), which holds W_a in
    column o s + a d − p (and zero elsewhere), with vec(X): padding taps have no column."""
    window = conv_window(n, k, s, p, d)
    return vec(B, corr_nd(B, len(n))(X, W, s, p, d)), B.matmul(toeplitz(B, W, n, k, window), vec(B, X))


def _layer(B: System, X: Any, W: Any, s: Any, p: Any, d: Any, dims: int) -> Any:
    """The multi-channel layer without bias, ``(c_o, *out)``: ``F.conv2d`` in 2-D, the notes' 6.2.3 sum
    :math:`H_q = \\sum_c X_c * W_{q,c}` of single-channel correlations in 1-D and 3-D."""
    if dims == 2:
        return B.corr2d_multi_in_out(X, W, None, s, p, d)
    corr = corr_nd(B, dims)
    c_o, c_i = B.shape(W)[:2]
    outputs = []
    for q in range(c_o):
        total = corr(X[0], W[q, 0], s, p, d)
        for c in range(1, c_i):
            total = B.add(total, corr(X[c], W[q, c], s, p, d))
        outputs.append(total)
    return B.stack(outputs)


@theorem(
    section="6.1.2",
    statement="H = W_row · unfold(X): W reshaped to c_o × (c_i k_h k_w), unfold(X) the (c_i k_h k_w) × (m_h m_w) "
    "matrix of windows  (im2col: one matrix product per layer)",
    hypotheses=(
        "[unfold(X)]_{(c,a,b),(i,j)} = X̃_{c, i s + a d − p, j s + b d − p}, 0 in the padding",
        "H: c_o × m_h × m_w read row-major as c_o × (m_h m_w); no bias; any stride, padding per side and dilation",
    ),
    inputs={"X": ("c_i", "n"), "W": ("c_o", "c_i", "k")},
    sizes=[
        dict(c_i=2, c_o=2, n=(4,), k=(2,), s=2, p=1),
        dict(c_i=2, c_o=3, n=(3, 3), k=2),
        dict(c_i=1, c_o=2, n=(4, 3), k=(2, 2), s=(2, 1), p=((1, 0), (0, 1)), d=(1, 2)),
        dict(c_i=2, c_o=1, n=(2, 3, 2), k=(1, 2, 2)),
    ],
    latex=r"\mathbf{H} = \mathbf{W}_{\text{row}} \operatorname{unfold}(\mathbf{X}),"
    r" \quad [\operatorname{unfold}(\mathbf{X})]_{(c,a,b),(i,j)} = [\mathbf{X}]_{c,\, is + ad - p,\, js + bd - p}",
)
def corr_eq_im2col_matmul(B, X, W, *, n, k, s, p, d, c_i, c_o, **_):
    """[H]_{q,o} = Σ_{c,a} W_{q,c,a} X̃_{c, o s + a d}: the contraction over (c, a) is the row (q) of the
    reshaped kernel times the column (o) of the unfolded input."""
    window = conv_window(n, k, s, p, d)
    out = window.out_shape()
    lo = tuple(pp for pp, _ in window.padding)
    unfold = B.take(X, im2col_index(c_i, n, k, out, window.stride, lo, window.dilation))
    H = _layer(B, X, W, s, p, d, len(n))
    return B.reshape(H, (c_o, math.prod(out))), B.matmul(B.reshape(W, (c_o, c_i * math.prod(k))), unfold)


@theorem(
    section="6.3.2",
    statement="vec(∂ℓ/∂X) = T(W)ᵀ · vec(δ)  (the input gradient is the transposed matrix: a transposed convolution)",
    hypotheses=(
        "ℓ = Σ δ ⊙ (X * W), δ of the output's shape; T(W) as in corr_eq_toeplitz_matmul",
        "any stride s, padding p per side, dilation d; 1-D, 2-D and 3-D",
    ),
    inputs={"X": ("n",), "W": ("k",), "delta": (conv_out,)},
    sizes=SIZES,
    latex=r"\operatorname{vec}\left(\frac{\partial \ell}{\partial \mathbf{X}}\right)"
    r" = T(\mathbf{W})^{\top} \operatorname{vec}(\delta), \quad \ell = \sum \delta \odot (\mathbf{X} * \mathbf{W})",
)
def grad_input_eq_toeplitz_transpose(B, X, W, delta, *, n, k, s, p, d, **_):
    """The loss ℓ = vec(δ)ᵀ T(W) vec(X) is linear in vec(X), with the row vec(δ)ᵀ T(W) as coefficients; so
    its gradient is the column T(W)ᵀ vec(δ).  The left side is each system's own derivative."""
    window = conv_window(n, k, s, p, d)
    dX, _dW = getattr(B, f"corr{len(n)}d_vjp")(X, W, delta, s, p, d)
    return vec(B, dX), B.matmul(toeplitz(B, W, n, k, window, transpose=True), vec(B, delta))
