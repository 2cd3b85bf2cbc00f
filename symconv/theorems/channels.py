"""Channels (notes 6.2.3): a 1×1 convolution is a matrix product."""

from __future__ import annotations

import sympy
from sympy import IndexedBase

from ..formal import Axis, axes_env, corr_channels, flat_index, indices, more_sizes, unflat_index
from ..kernel import Proof, Statement, Sum, Thm
from .registry import General, general, theorem


@theorem(
    section="6.2.3",
    statement="1×1 correlation: H = W_{c_o×c_i} · X_{c_i×(n_h n_w)}, reshaped to c_o × n_h × n_w",
    hypotheses=("k_h = k_w = 1", "s = 1", "p = 0"),
    inputs={"X": ("c_i", "n"), "W": ("c_o", "c_i", "k")},
    sizes=[dict(c_i=3, c_o=2, n=3, k=1), dict(c_i=2, c_o=3, n=(2, 4), k=1), dict(c_i=1, c_o=1, n=2, k=1)],
)
def conv1x1_eq_matmul(B, X, W, *, c_i, c_o, n, **_):
    """Each output pixel is W · (the c_i values of that pixel): a fully
    connected layer applied at every position.

    For all sizes (c_i, c_o, n_h, n_w): the 1×1 correlation (kernel 1×1, stride 1, no padding, no dilation:
    the operator's own parameters, fixed in the formal statement) at ``(q, i, j)`` equals entry
    ``(q, (i − 1) n_w + j)`` of the matrix product of ``W`` reshaped to ``c_o × c_i`` with ``X`` reshaped
    to ``c_i × n_h n_w``, whose column ``(i − 1) n_w + j`` is pixel ``(⌊…/n_w⌋ + 1, (… mod n_w) + 1)``."""
    h, w = n
    product = B.matmul(B.reshape(W, (c_o, c_i)), B.reshape(X, (c_i, h * w)))
    return B.corr2d_multi_in_out(X, W), B.reshape(product, (c_o, h, w))


# --- all sizes: any channel counts and input size, 1-based like the notes ---------------------------------

H1, V1 = (Axis.named(suffix, k=1, s=1, d=1, lo=0, hi=0) for suffix in ("h", "w"))
q, i, j, a, b, e = indices("q i j a b e")
c_i, c_o = sympy.symbols("c_i c_o", integer=True, positive=True)
X, W = IndexedBase("X"), IndexedBase("W")
ENTRY = ((q, 1, c_o), (i, 1, H1.n), (j, 1, V1.n))
#: the pixel (row, column) that column (i − 1) n_w + j of X reshaped to c_i × n_h n_w holds
PIXEL = unflat_index(flat_index((i, j), (H1.n, V1.n)), (H1.n, V1.n))


def _matmul_proof(st: Statement) -> Thm:
    return (
        Proof(st)
        .singleton(a, why="a 1×1 kernel: one tap a = 1")
        .singleton(b, why="b = 1")
        .decide(why="pixel (i, j) lies in the input (no padding)")
        .arith(st.rhs, why="the reshapes: column (i − 1) n_w + j of X's matrix is pixel (i, j) (z3)")
        .qed()
    )


general(
    "conv1x1_eq_matmul",
    General(
        Statement(
            "conv1x1_eq_matmul",
            corr_channels(X, W, (H1, V1), q, (i, j), (a, b), e, c_i),
            Sum(W[q, e, 1, 1] * X[(e, *PIXEL)], (e, 1, c_i)),
            tuple(r for v, lo, hi in ENTRY for r in (sympy.Le(lo, v), sympy.Le(v, hi))),
        ),
        _matmul_proof,
        entry=ENTRY,
        sizes=more_sizes(axes_env(H1, V1), {c_i: lambda s: s["c_i"], c_o: lambda s: s["c_o"]}),
        arrays={"X": X, "W": W},
    ),
)
