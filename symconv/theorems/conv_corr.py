"""Convolution versus cross-correlation (notes 6.1.2)."""

from __future__ import annotations

from .registry import theorem


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
