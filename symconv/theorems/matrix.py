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

import sympy
from sympy import IndexedBase

from ..formal import (
    SUFFIXES,
    axes_env,
    corr,
    dim_axes,
    dim_indices,
    dim_label,
    indices,
    more_sizes,
    padded,
    ranges,
    row_major_cell,
    toeplitz_entry,
)
from ..kernel import Proof, Statement, Sum, Thm, subst
from ..spec import conv_window
from ..systems import System
from .gradients import conv_out
from .indexing import bridged, corr_nd, im2col_index, toeplitz_index
from .registry import General, general, theorem

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


# --- all sizes: per axis, in 1-D, 2-D and 3-D (1-based like the notes) -------------------------------------
#
# A matrix row or column of several axes is their row-major flattening (``vec``): the statements index it by
# one position ``o`` and read the cell ``row_major_cell(o, sizes)``.  The proofs first prove the identity for a
# free cell (a local lemma, no hypothesis on the cell) and then run the sums over the flattened positions.

X, W, D = IndexedBase("X"), IndexedBase("W"), IndexedBase("delta")
DIMS = (1, 2, 3)
EXTRA = [
    dict(n=(6,), k=(2,), s=3, p=(0, 2), d=3),
    dict(n=(2, 3, 2), k=(1, 2, 2), s=(1, 2, 1), p=(0, 0, 1), d=(1, 1, 2)),
]
ONE = sympy.Symbol("one", integer=True)  # the column index of a vector (1 … 1)


def flatten(pr: Proof, outer: Any, inner: Any, new: Any, size: Any, why: str = "") -> Proof:
    """``Σ_{outer=1}^{N} Σ_{inner=1}^{M} f = Σ_{new=1}^{N·M} f(⌊(new − 1)/M⌋ + 1, new − M⌊(new − 1)/M⌋)``
    (``M``: ``size``; row-major positions, :func:`~symconv.formal.row_major_cell`), by kernel rules:
    ``inner = new − (outer − 1)M``, ``new`` over all positions with its block as a condition, the sums
    exchanged, ``outer`` the one block that holds ``new``.

    >>> from symconv.formal import row_major_cell
    >>> u, v, q = indices("u v q")
    >>> N, M = sympy.symbols("N M", integer=True, positive=True)
    >>> flat = Sum(X[row_major_cell(q, (N, M))], (q, 1, N * M))
    >>> st = Statement("flat", Sum(Sum(X[u, v], (v, 1, M)), (u, 1, N)), flat)
    >>> [step.rule for step in flatten(Proof(st), u, v, q, M).qed().steps]
    ['start', 'reindex', 'rerange', 'exchange', 'rerange', 'singleton']
    """
    block = sympy.floor((new - 1) / size) + 1
    pr.reindex(inner, new - (outer - 1) * size, new, why=why or f"{new} = ({outer} − 1)·{size} + {inner}: row-major")
    node = next(e for e in sympy.preorder_traversal(pr.current) if isinstance(e, Sum) and e.limits[0][0] == outer)
    top = node.limits[0][2]
    pr.extend(new, 1, top * size, why=f"{new} over all positions, its block as a condition")
    pr.exchange(outer, why=f"{new} outside")
    pr.restrict(outer, block, block, why=f"position {new} lies in block ⌊({new} − 1)/{size}⌋ + 1 only")
    return pr.singleton(outer, why="one block")


def _flatten_all(pr: Proof, cells: tuple[Any, ...], sizes: list[Any], names: tuple[Any, ...]) -> Any:
    """Flatten the nested sums over ``cells`` (first outermost, sizes ``sizes``) into one sum over the last of
    ``names`` (one fresh name per merge); returns that name."""
    merged, size = cells[0], sizes[0]
    for cell, n, name in zip(cells[1:], sizes[1:], names):
        flatten(pr, merged, cell, name, n)
        merged, size = name, size * n
    return merged


def _toeplitz_lemma(dims: int) -> Thm:
    """``[X * W]_i = Σ_q [T(W)]_{i,q} vec(X)_q`` for a free output cell ``i``: a local lemma from the matrix
    product over the cells to the window (``X_u`` into the tap sums, each cell sum collapsed on the cell the
    tap reads), used right to left, then the cells flattened row-major."""
    axes, outs, taps = dim_axes(dims), dim_indices(dims), dim_indices(dims, "a b c")
    cells, flat = dim_indices(dims, "u v w"), indices("t q")
    sizes = [ax.n for ax in axes]
    window = corr(X, W, axes, outs, taps)
    product = _nest(toeplitz_entry(W, axes, outs, cells, taps) * X[cells], cells, [(1, n) for n in sizes])
    spread = Proof(Statement(f"toeplitz_cells ({dim_label(dims)})", product, window))
    for a in taps:
        spread.push(a, why="X_u into the tap sums")
    for u in reversed(cells):
        for _ in range(dims + len(cells) - 1 - cells.index(u)):
            spread.exchange(u, why="the cell sums innermost")
    for u in cells:
        spread.collapse(u, why=f"{u} is the cell the tap reads")
    pr = Proof(Statement(f"toeplitz_row ({dim_label(dims)})", window, _toeplitz_rhs(dims, outs)))
    pr.instance(spread.qed(), reverse=True, why="the window is T(W)'s row times vec(X), over the cells")
    if dims > 1:
        _flatten_all(pr, cells, sizes, flat[-(dims - 1) :])
    return pr.qed()


def _toeplitz_rhs(dims: int, outs: tuple[Any, ...]) -> Any:
    """``Σ_q [T(W)]_{i,q} vec(X)_q`` (q row-major over the input's cells)."""
    axes, taps = dim_axes(dims), dim_indices(dims, "a b c")
    sizes = [ax.n for ax in axes]
    position = indices("q")[0] if dims > 1 else indices("u")[0]
    at = row_major_cell(position, sizes)
    return Sum(toeplitz_entry(W, axes, outs, at, taps) * X[at], (position, 1, sympy.Mul(*sizes)))


def _nest(body: Any, variables: tuple[Any, ...], bounds: list[tuple[Any, Any]]) -> Any:
    """``Σ_{v₁} Σ_{v₂} … body`` (first outermost) over ``bounds``."""
    for var, (lo, hi) in reversed(list(zip(variables, bounds))):
        body = Sum(body, (var, lo, hi))
    return body


def _rows(axes: tuple[Any, ...]) -> tuple[Any, tuple[Any, ...]]:
    """The row position ``o`` (1 … Πm) and the output cell it is, row-major."""
    o = indices("o")[0]
    return o, row_major_cell(o, [ax.m for ax in axes])


def _toeplitz(dims: int) -> General:
    """``vec(X * W) = T(W) vec(X)``: row ``o`` of both sides is :func:`_toeplitz_lemma` at the output cell ``o``."""
    axes, outs, taps = dim_axes(dims), dim_indices(dims), dim_indices(dims, "a b c")
    o, cell = _rows(axes)

    def proof(st: Statement) -> Thm:
        lemma = _toeplitz_lemma(dims)
        return Proof(st).instance(lemma, dict(zip(outs, cell)), why="row o of T(W) is output cell o's window").qed()

    entry = ((o, 1, sympy.Mul(*[ax.m for ax in axes])), (ONE, 1, 1))
    fits = tuple(ax.fits() for ax in axes)
    return General(
        Statement(
            f"corr_eq_toeplitz_matmul ({dim_label(dims)})",
            corr(X, W, axes, cell, taps),
            _toeplitz_rhs(dims, cell),
            fits + ranges(entry),
        ),
        proof,
        label=dim_label(dims),
        entry=entry,
        sizes=axes_env(*axes),
        arrays={"X": X, "W": W},
        domain=fits,
    )


general("corr_eq_toeplitz_matmul", *bridged("corr_eq_toeplitz_matmul", (_toeplitz(d) for d in DIMS), EXTRA))


def _column_rhs(dims: int, cells: tuple[Any, ...], sizes: list[Any]) -> Any:
    """``Σ_o [T(W)]_{o,u} vec(δ)_o``: entry ``u`` of ``T(W)ᵀ vec(δ)`` (o row-major over output sizes ``sizes``)."""
    axes, taps = dim_axes(dims), dim_indices(dims, "a b c")
    position = indices("o")[0] if dims > 1 else dim_indices(1)[0]
    at = row_major_cell(position, sizes)
    return Sum(toeplitz_entry(W, axes, at, cells, taps) * D[at], (position, 1, sympy.Mul(*sizes)))


def _loss(dims: int, sizes: list[Any]) -> Any:
    """``ℓ = Σ_i δ_i [X * W]_i`` over the output cells ``1 … sizes`` (:func:`~symconv.formal.layer_loss`)."""
    outs = dim_indices(dims)
    body = D[outs] * corr(X, W, dim_axes(dims), outs, dim_indices(dims, "a b c"))
    return _nest(body, outs, [(1, m) for m in sizes])


def _transpose_lemma(dims: int) -> Thm:
    """``∂ℓ/∂X_u = Σ_o [T(W)]_{o,u} δ_o`` for a free input cell ``u`` and free output sizes ``M`` (the lemma holds
    for any number of windows; the theorem instantiates ``M = m``): differentiate, the padding's indicator
    decided by the Kronecker deltas, then the output cells flattened row-major."""
    axes, outs, cells = dim_axes(dims), dim_indices(dims), dim_indices(dims, "u v w")
    sizes = [sympy.Symbol(f"M_{s}", integer=True, positive=True) for s in SUFFIXES[dims]]
    inside = ranges(tuple((u, 1, ax.n) for u, ax in zip(cells, axes)))
    rhs = _column_rhs(dims, cells, sizes)
    pr = Proof(
        Statement(f"toeplitz_column ({dim_label(dims)})", sympy.Derivative(_loss(dims, sizes), X[cells]), rhs, inside)
    )
    pr.differentiate(why="∂ℓ/∂X_u: the taps that read cell u, Kronecker deltas")
    pr.decide(why="a tap that reads u reads inside the input, not the padding")
    if dims > 1:
        _flatten_all(pr, outs, sizes, indices("t o")[-(dims - 1) :])
    return pr.qed()


def _transpose(dims: int) -> General:
    """``vec(∂ℓ/∂X) = T(W)ᵀ vec(δ)``: entry ``p`` of both sides is :func:`_transpose_lemma` at input cell ``p``
    with ``M = m`` windows (the statement is that instance, written by the kernel's substitution)."""
    axes, cells = dim_axes(dims), dim_indices(dims, "u v w")
    p = indices("p")[0]
    sizes = [sympy.Symbol(f"M_{s}", integer=True, positive=True) for s in SUFFIXES[dims]]
    subs = {**dict(zip(cells, row_major_cell(p, [ax.n for ax in axes]))), **{M: ax.m for M, ax in zip(sizes, axes)}}

    def proof(st: Statement) -> Thm:
        lemma = _transpose_lemma(dims)
        return Proof(st).instance(lemma, subs, why="entry p of T(W)ᵀ vec(δ) is column p of T(W), with m windows").qed()

    entry = ((p, 1, sympy.Mul(*[ax.n for ax in axes])), (ONE, 1, 1))
    fits = tuple(ax.fits() for ax in axes)
    return General(
        Statement(
            f"grad_input_eq_toeplitz_transpose ({dim_label(dims)})",
            subst(sympy.Derivative(_loss(dims, sizes), X[cells]), subs),
            subst(_column_rhs(dims, cells, sizes), subs),
            fits + ranges(entry),
        ),
        proof,
        label=dim_label(dims),
        entry=entry,
        sizes=axes_env(*axes),
        arrays={"X": X, "W": W, "delta": D},
        domain=fits,
    )


general(
    "grad_input_eq_toeplitz_transpose",
    *bridged("grad_input_eq_toeplitz_transpose", (_transpose(d) for d in DIMS), EXTRA),
)


def _im2col_sides(dims: int, outs: tuple[Any, ...]) -> tuple[Any, Any]:
    """``[H]_{q,i} = Σ_c [X_c * W_{q,c}]_i`` and ``Σ_r [W_row]_{q,r} [unfold(X)]_{r,i}`` (r row-major over the
    channel and the taps)."""
    axes, taps = dim_axes(dims), dim_indices(dims, "a b c")
    channel, r = indices("ch r")
    layer = corr(lambda *u: X[(channel, *u)], lambda *a: W[(Q, channel, *a)], axes, outs, taps)
    at = row_major_cell(r, [C_IN, *[ax.k for ax in axes]])
    unfold = padded(lambda *u: X[(at[0], *u)], axes, [ax.tap(i, a) for ax, i, a in zip(axes, outs, at[1:])])
    return Sum(layer, (channel, 1, C_IN)), Sum(W[(Q, *at)] * unfold, (r, 1, C_IN * sympy.Mul(*[ax.k for ax in axes])))


C_IN, C_OUT = sympy.symbols("c_i c_o", integer=True, positive=True)
Q = indices("q")[0]  # the output channel (a row of W_row)


def _im2col_lemma(dims: int) -> Thm:
    """The im2col product for a free output cell: the sums over the channel and the taps flattened row-major."""
    axes, outs, taps = dim_axes(dims), dim_indices(dims), dim_indices(dims, "a b c")
    lhs, rhs = _im2col_sides(dims, outs)
    pr = Proof(Statement(f"im2col_entry ({dim_label(dims)})", lhs, rhs))
    _flatten_all(pr, (indices("ch")[0], *taps), [C_IN, *[ax.k for ax in axes]], indices("t1 t2 r")[-dims:])
    return pr.qed()


def _im2col(dims: int) -> General:
    """``H = W_row · unfold(X)``: entry ``(q, o)`` is :func:`_im2col_lemma` at output cell ``o``."""
    axes, outs = dim_axes(dims), dim_indices(dims)
    o, cell = _rows(axes)
    subs = dict(zip(outs, cell))
    lhs, rhs = _im2col_sides(dims, outs)

    def proof(st: Statement) -> Thm:
        return (
            Proof(st).instance(_im2col_lemma(dims), subs, why="column o of unfold(X) is output cell o's window").qed()
        )

    entry = ((Q, 1, C_OUT), (o, 1, sympy.Mul(*[ax.m for ax in axes])))
    fits = tuple(ax.fits() for ax in axes)
    return General(
        Statement(
            f"corr_eq_im2col_matmul ({dim_label(dims)})", subst(lhs, subs), subst(rhs, subs), fits + ranges(entry)
        ),
        proof,
        label=dim_label(dims),
        entry=entry,
        sizes=more_sizes(axes_env(*axes), {C_IN: lambda s: s["c_i"], C_OUT: lambda s: s["c_o"]}),
        arrays={"X": X, "W": W},
        domain=fits,
    )


general(
    "corr_eq_im2col_matmul",
    *bridged(
        "corr_eq_im2col_matmul",
        (_im2col(d) for d in DIMS),
        [
            dict(c_i=1, c_o=2, n=(5,), k=(3,), s=2, p=(1, 0), d=2),
            dict(c_i=1, c_o=2, n=(2, 2, 3), k=(2, 1, 2), s=(1, 1, 2)),
        ],
    ),
)
