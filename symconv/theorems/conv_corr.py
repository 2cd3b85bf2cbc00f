"""Convolution versus cross-correlation (notes 6.1.2)."""

from __future__ import annotations

import sympy
from sympy import Sum

from ..prove.general import Derivation, define, integer, positive
from .registry import general_proof, theorem


@theorem(
    section="6.1.2",
    statement="W ⊗ X = rot180(W) * X  (convolution = correlation with the kernel rotated by 180°)",
    hypotheses=("s ≥ 1", "d ≥ 1", "p ≥ 0 per side", "d(k−1)+1 ≤ n + p_lo + p_hi"),
    inputs={"X": ("n",), "W": ("k",)},
    sizes=[
        dict(n=(5,), k=(3,)),
        dict(n=(7,), k=(3,), s=2, p=(1, 2), d=2),
        dict(n=3, k=2),
        dict(n=4, k=3),
        dict(n=(4, 5), k=(2, 3)),
        dict(n=5, k=3, s=2, p=1),
        dict(n=(5, 6), k=(3, 2), s=(2, 1), p=((1, 0), (0, 2)), d=(1, 2)),
        dict(n=4, k=2, p="full"),
        dict(n=4, k=3, p="same"),
    ],
)
def conv_eq_corr_rot180(B, X, W, *, n, s, p, d, **_):
    """Convolution runs the kernel backwards through each window; correlating
    with the reversed kernel runs the reversed kernel forwards: the reindexing
    ``a ↦ k − a + 1`` maps one sum onto the other, window by window, for any
    stride, padding and dilation."""
    conv, corr = (B.conv1d, B.corr1d) if len(n) == 1 else (B.conv2d, B.corr2d)
    return conv(X, W, s, p, d), corr(X, B.rot180(W), s, p, d)


@general_proof("conv_eq_corr_rot180")
def _conv_eq_corr_rot180_general():
    """Any sizes, stride s, dilation d, on the padded input X̃; 1-based like the notes."""
    i, j, a, b = integer("i j a b")
    kh, kw, s, d = positive("k_h k_w s d")
    X, W, R = sympy.IndexedBase(r"\tilde{X}"), sympy.IndexedBase("W"), sympy.IndexedBase("R")
    taps = ((a, 1, kh), (b, 1, kw))
    row, col = (i - 1) * s + 1, (j - 1) * s + 1  # the window's first cell
    corr = Sum(R[a, b] * X[row + (a - 1) * d, col + (b - 1) * d], *taps)
    conv = Sum(W[a, b] * X[row + (kh - a) * d, col + (kw - b) * d], *taps)
    rotated = Sum(W[kh - a + 1, kw - b + 1] * X[row + (a - 1) * d, col + (b - 1) * d], *taps)
    proof = Derivation(
        "conv_eq_corr_rot180",
        corr,
        "[rot180(W) * X̃]_{i,j}: correlation, window from ((i−1)s+1, (j−1)s+1), taps d apart; R = rot180(W)",
        hypotheses=("s ≥ 1, d ≥ 1, k_h, k_w ≥ 1", "X̃ is the padded input (any padding, the same on both sides)"),
    )
    proof.by(define(R, lambda u, v: W[kh - u + 1, kw - v + 1]), rotated, "rot180: R_{a,b} = W_{k_h−a+1, k_w−b+1}")
    proof.by(
        lambda e: e.change_index(a, kh - a + 1),
        Sum(W[a, kw - b + 1] * X[row + (kh - a) * d, col + (b - 1) * d], *taps),
        "reindex a ↦ k_h − a + 1",
    )
    proof.by(lambda e: e.change_index(b, kw - b + 1), conv, "reindex b ↦ k_w − b + 1")
    proof.equal(conv, "[W ⊗ X̃]_{i,j}: convolution, the kernel runs backwards from the window's last cell")
    return proof.finish(conv)
