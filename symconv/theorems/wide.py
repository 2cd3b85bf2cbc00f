"""Wide (full) convolution and correlation: commutativity (notes 6.2.2)."""

from __future__ import annotations

import itertools

from .registry import theorem

SIZES = [
    dict(n=1, k=1),
    dict(n=(1, 2), k=(2, 1)),
    dict(n=3, k=2),
    dict(n=(2, 3), k=(3, 2)),
    dict(n=4, k=3),
    dict(n=(5,), k=(3,)),
]


def _smallest_first(max_side: int = 2) -> list[dict]:
    """Every (n, k) with sides up to ``max_side``, fewest symbols first."""
    shapes = list(itertools.product(range(1, max_side + 1), repeat=2))
    pairs = [dict(n=n, k=k) for n in shapes for k in shapes]
    return sorted(pairs, key=lambda s: (s["n"][0] * s["n"][1] + s["k"][0] * s["k"][1], s["n"], s["k"]))


def _wide(B, n):
    return (B.conv1d, B.corr1d) if len(n) == 1 else (B.conv2d, B.corr2d)


@theorem(
    section="6.2.2",
    statement="W ⊗~ X = X ⊗~ W  (wide convolution is commutative)",
    hypotheses=("wide: padding k−1 on each side of the padded operand",),
    inputs={"X": ("n",), "W": ("k",)},
    sizes=SIZES,
)
def full_conv_comm(B, X, W, *, n, **_):
    """Both sides are the full discrete convolution Σ_{a+u=i} W_a X_u."""
    conv, _corr = _wide(B, n)
    return conv(X, W, padding="full"), conv(W, X, padding="full")


@theorem(
    section="6.2.2",
    statement="rot180(W) *~ X = rot180(X) *~ W  (the notes' commutativity of wide correlation)",
    hypotheses=("wide: padding k−1 on each side of the padded operand",),
    inputs={"X": ("n",), "W": ("k",)},
    sizes=SIZES,
)
def full_corr_rot180_comm(B, X, W, *, n, **_):
    """Each side is a wide convolution (conv_eq_corr_rot180), and wide
    convolution commutes (full_conv_comm)."""
    _conv, corr = _wide(B, n)
    return corr(X, B.rot180(W), padding="full"), corr(W, B.rot180(X), padding="full")


@theorem(
    section="6.2.2",
    statement="W *~ X = X *~ W  (wide correlation is commutative: the literal claim)",
    hypotheses=("wide: padding k−1 on each side of the padded operand",),
    inputs={"X": ("n",), "W": ("k",)},
    sizes=_smallest_first(),
    expected="refuted",
    correction="full_corr_eq_rot180_swap: W *~ X = rot180(X *~ W)",
)
def full_corr_comm(B, X, W, *, n, **_):
    """False: swapping the operands of a wide correlation reverses the
    output.  Only the rot180 form (full_corr_rot180_comm) commutes."""
    _conv, corr = _wide(B, n)
    return corr(X, W, padding="full"), corr(W, X, padding="full")


@theorem(
    section="6.2.2",
    statement="W *~ X = rot180(X *~ W)  (swapping the operands of a wide correlation rotates the result)",
    hypotheses=("wide: padding k−1 on each side of the padded operand",),
    inputs={"X": ("n",), "W": ("k",)},
    sizes=SIZES,
)
def full_corr_eq_rot180_swap(B, X, W, *, n, **_):
    """[W *~ X]_i = Σ_a W_a X_{i+a−k+1}; substituting u = i + a − k + 1 gives
    Σ_u X_u W_{u−i+k−1} = [X *~ W]_{n+k−2−i}, the rotated entry."""
    _conv, corr = _wide(B, n)
    return corr(X, W, padding="full"), B.rot180(corr(W, X, padding="full"))


