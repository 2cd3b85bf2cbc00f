"""Convolution versus cross-correlation (notes 6.1.2)."""

from __future__ import annotations

import sympy
from sympy import IndexedBase

from ..formal import Axis, axes_env, conv, corr, indices, rot180
from ..kernel import Proof, Statement, Thm
from .registry import General, general, theorem


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


# --- all sizes: any stride, padding per side and dilation, 2-D, 1-based like the notes ------------------

H, V = Axis.named("h"), Axis.named("w")
i, j, a, b = indices("i j a b")
X, W = IndexedBase("X"), IndexedBase("W")


def _rot180_proof(st: Statement) -> Thm:
    return (
        Proof(st)
        .reindex(a, H.k - a + 1, why="a ↦ k_h − a + 1: the kernel runs backwards through the window")
        .reindex(b, V.k - b + 1, why="b ↦ k_w − b + 1")
        .qed()
    )


general(
    "conv_eq_corr_rot180",
    General(
        Statement(
            "conv_eq_corr_rot180",
            conv(X, W, (H, V), (i, j), (a, b)),
            corr(X, rot180(W, (H, V)), (H, V), (i, j), (a, b)),
            (H.fits(), V.fits(), sympy.Le(1, i), sympy.Le(i, H.m), sympy.Le(1, j), sympy.Le(j, V.m)),
        ),
        _rot180_proof,
        entry=((i, 1, H.m), (j, 1, V.m)),
        sizes=axes_env(H, V),
        arrays={"X": X, "W": W},
        domain=(H.fits(), V.fits()),
    ),
)
