"""Wide (full) convolution and correlation: commutativity (notes 6.2.2)."""

from __future__ import annotations

import itertools

import sympy
from sympy import KroneckerDelta as KD
from sympy import Piecewise, Sum

from ..prove.general import Derivation, integer, positive
from .registry import general_proof, theorem

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


def _zero_extended(A, u, v, nh, nw, names):
    """A_{u,v} with A zero outside its n_h × n_w support (1-based), written as a Kronecker sum."""
    b, b2 = names
    return Sum(A[b, b2] * KD(b, u) * KD(b2, v), (b, 1, nh), (b2, 1, nw))


def _inside(A, u, v, nh, nw):
    return Piecewise((A[u, v], (u >= 1) & (u <= nh) & (v >= 1) & (v <= nw)), (0, True))


@general_proof("full_conv_comm")
def _full_conv_comm_general():
    i, j, a, a2, b, b2 = integer("i j a a' b b'")
    kh, kw, nh, nw = positive("k_h k_w n_h n_w")
    X, W = sympy.IndexedBase("X"), sympy.IndexedBase("W")
    kernel, image = ((a, 1, kh), (a2, 1, kw)), ((b, 1, nh), (b2, 1, nw))
    lhs = Sum(W[a, a2] * _inside(X, i - a + 1, j - a2 + 1, nh, nw), *kernel)
    rhs = Sum(X[b, b2] * _inside(W, i - b + 1, j - b2 + 1, kh, kw), *image)
    kron_l = Sum(W[a, a2] * _zero_extended(X, i - a + 1, j - a2 + 1, nh, nw, (b, b2)), *kernel)
    kron_r = Sum(X[b, b2] * _zero_extended(W, i - b + 1, j - b2 + 1, kh, kw, (a, a2)), *image)
    proof = Derivation(
        "full_conv_comm",
        lhs,
        "[W ⊗~ X]_{i,j} = Σ_{a,a'} W_{a,a'} X_{i−a+1, j−a'+1}, X zero outside its support (wide: padding k−1)",
        hypotheses=("k_h, k_w, n_h, n_w ≥ 1", "1 ≤ i ≤ n_h + k_h − 1, 1 ≤ j ≤ n_w + k_w − 1"),
    )
    proof.unfold(lambda e: e.doit(), kron_l, "write the zero-extended X as a Kronecker sum over its support")
    proof.exchange(kron_r, "exchange the finite sums; δ(b, i − a + 1) = δ(a, i − b + 1)")
    proof.by(lambda e: e.doit(), rhs, "collapse the Kronecker sum over a, a': W zero outside its support")
    return proof.finish(rhs)


@general_proof("full_corr_rot180_comm")
def _full_corr_rot180_comm_general():
    from ..prove import prove
    from ..prove.notation import Entry, FullConv, FullCorr, Rot180

    i, j = integer("i j")
    X, W = sympy.symbols("X W")
    at = lambda e: Entry(e, i, j)  # noqa: E731
    rot_ok = prove("conv_eq_corr_rot180", general=True).verdict == "proved"
    comm_ok = prove("full_conv_comm", general=True).verdict == "proved"
    proof = Derivation(
        "full_corr_rot180_comm",
        at(FullCorr(Rot180(W), X)),
        "wide correlation with the rotated kernel",
        hypotheses=("wide: padding k−1 on each side of the padded operand",),
    )
    proof.cite(at(FullConv(W, X)), "conv_eq_corr_rot180", "correlating with rot180(W) is convolving with W", rot_ok)
    proof.cite(at(FullConv(X, W)), "full_conv_comm", "wide convolution commutes", comm_ok)
    proof.cite(
        at(FullCorr(Rot180(X), W)), "conv_eq_corr_rot180", "convolving with X is correlating with rot180(X)", rot_ok
    )
    return proof.finish(at(FullCorr(Rot180(X), W)))
