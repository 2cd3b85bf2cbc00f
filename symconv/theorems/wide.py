"""Wide (full) convolution and correlation: commutativity (notes 6.2.2)."""

from __future__ import annotations

import itertools
from typing import Any

import sympy
from sympy import IndexedBase, Piecewise

from ..formal import Axis, conv, corr, indices, rot180, size_env
from ..kernel import Proof, Statement, Sum, Thm
from .registry import REFUTED, General, general, no_general, proved, theorem

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


# --- all sizes: 2-D, 1-based like the notes ---------------------------------------------------------

nh, nw, kh, kw = sympy.symbols("n_h n_w k_h k_w", integer=True, positive=True)
i, j, a, b = indices("i j a b")
X, W = IndexedBase("X"), IndexedBase("W")
#: W ⊗~ X: X is the input (padded by k − 1 on each side), W the kernel; X ⊗~ W the other way round
ON_X = (Axis(nh, kh, lo=kh - 1, hi=kh - 1), Axis(nw, kw, lo=kw - 1, hi=kw - 1))
ON_W = (Axis(kh, nh, lo=nh - 1, hi=nh - 1), Axis(kw, nw, lo=nw - 1, hi=nw - 1))
OUT = ((i, 1, nh + kh - 1), (j, 1, nw + kw - 1))
RANGES = tuple(r for v, lo, hi in OUT for r in (sympy.Le(lo, v), sympy.Le(v, hi)))
SIZES = size_env({nh: ("n", 0), nw: ("n", 1), kh: ("k", 0), kw: ("k", 1)})


def _comm_proof(st: Statement) -> Thm:
    inside = sympy.And(sympy.Le(1, a), sympy.Le(a, nh))
    return (
        Proof(st)
        .reindex(a, i + 1 - a, why="a ↦ i + 1 − a: index X by the input cell it reads")
        .reindex(b, j + 1 - b, why="b ↦ j + 1 − b")
        .algebra(
            Sum(
                Piecewise(
                    (
                        Sum(
                            Piecewise(
                                (W[i + 1 - a, j + 1 - b] * X[a, b], sympy.And(sympy.Le(1, b), sympy.Le(b, nw))),
                                (0, True),
                            ),
                            (b, j + 1 - kw, j),
                        ),
                        inside,
                    ),
                    (0, True),
                ),
                (a, i + 1 - kh, i),
            ),
            why="the padding of X as an indicator on each index",
        )
        .rerange(a, 1, nh, sympy.And(sympy.Le(i + 1 - kh, a), sympy.Le(a, i)), why="a runs over X's rows")
        .rerange(b, 1, nw, sympy.And(sympy.Le(j + 1 - kw, b), sympy.Le(b, j)), why="b runs over X's columns")
        .qed()
    )


general(
    "full_conv_comm",
    General(
        Statement("full_conv_comm", conv(X, W, ON_X, (i, j), (a, b)), conv(W, X, ON_W, (i, j), (a, b)), RANGES),
        _comm_proof,
        entry=OUT,
        sizes=SIZES,
        arrays={"X": X, "W": W},
    ),
)


def _full(n: Any, k: Any, suffix: str) -> dict[Any, Any]:
    """Instantiate conv_eq_corr_rot180's axis ``suffix`` at a wide (full) layer: stride 1, dilation 1,
    padding k − 1 on each side, input size ``n``, kernel size ``k``."""
    ax = Axis.named(suffix)
    return {ax.n: n, ax.k: k, ax.s: 1, ax.d: 1, ax.lo: k - 1, ax.hi: k - 1}


def _rot180_comm_proof(st: Statement) -> Thm:
    rot, comm = proved("conv_eq_corr_rot180"), proved("full_conv_comm")
    swap = {**_full(kh, nh, "h"), **_full(kw, nw, "w"), X: W, W: X}
    return (
        Proof(st)
        .instance(rot, {**_full(nh, kh, "h"), **_full(nw, kw, "w")}, reverse=True, why="rot180(W) *~ X = W ⊗~ X")
        .instance(comm, why="wide convolution commutes: W ⊗~ X = X ⊗~ W")
        .instance(rot, swap, why="X ⊗~ W = rot180(X) *~ W")
        .qed()
    )


general(
    "full_corr_rot180_comm",
    General(
        Statement(
            "full_corr_rot180_comm",
            corr(X, rot180(W, ON_X), ON_X, (i, j), (a, b)),
            corr(W, rot180(X, ON_W), ON_W, (i, j), (a, b)),
            RANGES,
        ),
        _rot180_comm_proof,
        entry=OUT,
        sizes=SIZES,
        arrays={"X": X, "W": W},
    ),
)


def _swap_proof(st: Statement) -> Thm:
    rows = sympy.And(sympy.Le(1, a), sympy.Le(a, nh))
    cols = sympy.And(sympy.Le(1, b), sympy.Le(b, nw))
    return (
        Proof(st)
        .reindex(a, a + kh - i, why="a ↦ a + k_h − i: index by the row of X that tap a reads")
        .reindex(b, b + kw - j, why="b ↦ b + k_w − j")
        .algebra(
            Sum(
                Piecewise(
                    (Sum(Piecewise((X[a, b] * W[a - i + kh, b - j + kw], cols), (0, True)), (b, j - kw + 1, j)), rows),
                    (0, True),
                ),
                (a, i - kh + 1, i),
            ),
            why="the padding of X as an indicator on each index",
        )
        .rerange(a, 1, nh, sympy.And(sympy.Le(i + 1 - kh, a), sympy.Le(a, i)), why="a runs over X's rows")
        .rerange(b, 1, nw, sympy.And(sympy.Le(j + 1 - kw, b), sympy.Le(b, j)), why="b runs over X's columns")
        .qed()
    )


#: [W *~ X]_{i,j} = [X *~ W]_{n_h + k_h − i, n_w + k_w − j}: the rotated output is read at the mirrored
#: index (the output has n + k − 1 cells per axis, so rot180 maps i to n + k − 1 − i + 1).
general(
    "full_corr_eq_rot180_swap",
    General(
        Statement(
            "full_corr_eq_rot180_swap",
            corr(X, W, ON_X, (i, j), (a, b)),
            corr(W, X, ON_W, (nh + kh - i, nw + kw - j), (a, b)),
            RANGES,
        ),
        _swap_proof,
        entry=OUT,
        sizes=SIZES,
        bridge_sizes=(dict(n=1, k=1), dict(n=(1, 2), k=(2, 1)), dict(n=3, k=2), dict(n=(2, 3), k=(3, 2))),
        arrays={"X": X, "W": W},
    ),
)

no_general("full_corr_comm", REFUTED)
