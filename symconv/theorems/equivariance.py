"""Translation: what convolution and pooling do when the input moves (notes 6.1.1 平移不变性, 6.3.1 池化层).

:math:`S_\\tau` shifts an array by τ cells: :math:`[S_\\tau X]_u = X_{u-\\tau}`, taken modulo
the size (circular) or 0 where :math:`u - \\tau` leaves the array (zero fill).
Correlation is *equivariant*: shifting the input shifts the output, exactly
with circular padding, and with zero padding on the cells whose windows stay
inside the input.  It is not *invariant*: the literal claim is refuted, and so
is "max pooling is translation invariant"; what holds for pooling is
invariance under any permutation of the cells inside a window.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import sympy
from sympy import IndexedBase, Piecewise

from ..formal import (
    SUFFIXES,
    axes_env,
    circular_shift,
    corr,
    corr_circular,
    dim_axes,
    dim_indices,
    dim_label,
    more_sizes,
    per_axis_env,
    ranges,
    tap_sum,
    wrap,
    zero_shift,
)
from ..kernel import Proof, Statement, Thm
from ..spec import conv_window, per_dim
from ..systems import System
from .indexing import bridged, cells, corr_nd, pool_nd, shift_index, wrap_index
from .registry import REFUTED, General, general, no_general, theorem


def shift(B: System, X: Any, tau: tuple[int, ...], circular: bool) -> Any:
    """:math:`S_\\tau X`, circular or with zero fill."""
    return B.take(X, shift_index(B.shape(X), tau, circular))


def circular_corr(B: System, X: Any, W: Any, d: Any = 1) -> Any:
    """Circular correlation :math:`[X \\star W]_i = \\sum_a W_a X_{(i + a d) \\bmod n}`: the input padded
    circularly by d(k − 1) cells at the end (PyTorch's ``padding_mode="circular"``), then correlated."""
    n, k = B.shape(X), B.shape(W)
    dilation = per_dim(d, "dilation", len(n), minimum=1)
    pads = [(0, dd * (kk - 1)) for kk, dd in zip(k, dilation)]
    return corr_nd(B, len(n))(B.take(X, wrap_index(n, pads)), W, dilation=dilation)


def _unit_shifts(dims: int, both: bool = False) -> list[tuple[int, ...]]:
    """One cell along each axis (and, with ``both``, back along each axis and ±1 along all axes at once)."""
    out = [tuple(int(ax == axis) for ax in range(dims)) for axis in range(dims)]
    if both:
        out += [tuple(-v for v in t) for t in out]
        if dims > 1:
            out += [(1,) * dims, (-1,) * dims]
    return out


def _unit(dims: int) -> tuple[int, ...]:
    """One cell along the last axis."""
    return (0,) * (dims - 1) + (1,)


CONV_SIZES_CIRCULAR = [
    dict(n=(4,), k=(2,)),
    dict(n=(5,), k=(3,), d=2),
    dict(n=(2, 3), k=(3, 2)),
    dict(n=(2, 2, 2), k=2),
]


@theorem(
    section="6.1.1",
    statement="corr_circ(S_e X, W) = S_e corr_circ(X, W) for the one-cell shift e along each axis  "
    "(circular padding: shifting the input shifts the output, exactly; every shift τ is a sum of such e)",
    hypotheses=(
        "circular padding: [corr_circ(X, W)]_i = Σ_a W_a X_{(i + a d) mod n} (PyTorch's padding_mode='circular')",
        "stride 1, any dilation d; 1-D, 2-D and 3-D",
        "every circular shift S_τ is a composition of the S_e, so the identity for the S_e gives it for every τ",
    ),
    inputs={"X": ("n",), "W": ("k",)},
    sizes=CONV_SIZES_CIRCULAR,
    latex=r"(S_{\tau}\mathbf{X}) \star \mathbf{W} = S_{\tau}(\mathbf{X} \star \mathbf{W}),"
    r" \quad [S_{\tau}\mathbf{X}]_{i,j} = [\mathbf{X}]_{(i-\tau_1) \bmod n_h,\,(j-\tau_2) \bmod n_w}",
)
def shift_equivariance_circular(B, X, W, *, n, d, **_):
    """[corr_circ(S_τ X, W)]_i = Σ_a W_a X_{(i − τ + a d) mod n} = [corr_circ(X, W)]_{(i − τ) mod n}: the sum does not
    care where the window starts, only the offsets a d inside it."""
    shifts = _unit_shifts(len(n))
    lhs = [circular_corr(B, shift(B, X, t, circular=True), W, d) for t in shifts]
    rhs = [shift(B, circular_corr(B, X, W, d), t, circular=True) for t in shifts]
    return lhs, rhs


def interior_mask(n, k, s, p, d, tau) -> np.ndarray:
    """Output cells i whose window lies inside X (no padding read) and whose source i − τ is an output cell."""
    window = conv_window(n, k, s, p, d)
    out = window.out_shape()
    mask = np.zeros(out, dtype=np.int64)
    for i in cells(out):
        inside = all(
            ii * ss - lo >= 0 and ii * ss - lo + dd * (kk - 1) <= nn - 1
            for ii, ss, (lo, _), dd, kk, nn in zip(i, window.stride, window.padding, window.dilation, k, n)
        )
        source = all(0 <= ii - t < m for ii, t, m in zip(i, tau, out))
        mask[i] = int(inside and source)
    return mask


@theorem(
    section="6.1.1",
    statement="[corr(S_{sτ} X, W)]_i = [corr(X, W)]_{i−τ} on every interior cell i  "
    "(zero padding: shifting the input by sτ shifts the output by τ wherever the window stays inside the input)",
    hypotheses=(
        "S_σ shifts with zero fill: [S_σ X]_u = X_{u−σ}, 0 where u − σ leaves X",
        "interior cell i: its window i s − p_lo … i s − p_lo + d(k−1) lies inside 0 … n − 1, "
        "and i − τ is an output cell",
        "any stride s (the input moves s τ), padding p per side, dilation d",
        "shifts τ = ±1 output cell along each axis, and ±1 along all axes at once",
        "the boundary cells (windows that read padding, or whose source i − τ leaves the output) are excluded: "
        "shift_equivariance_zero_padding shows they differ",
    ),
    inputs={"X": ("n",), "W": ("k",)},
    sizes=[
        dict(n=(6,), k=(2,), s=2, p=1),
        dict(n=(7,), k=(2,), p=(1, 2), d=2),
        dict(n=(5, 3), k=(2, 2), s=(2, 1), p=(0, 1)),
        dict(n=(3, 2, 3), k=2, p=(0, 1, 0)),
    ],
    latex=r"[(S_{s\tau}\mathbf{X}) * \mathbf{W}]_{i,j} = [\mathbf{X} * \mathbf{W}]_{i-\tau_1,\,j-\tau_2}"
    r" \quad\text{for every } (i, j) \text{ whose window lies inside } \mathbf{X}",
)
def shift_equivariance_interior(B, X, W, *, n, k, s, p, d, **_):
    """Inside the input the zero-filled shift is an exact shift of the values the window reads; only
    windows that read padding (or cells shifted out) can tell the shifted input from a shifted output."""
    window = conv_window(n, k, s, p, d)
    corr = corr_nd(B, len(n))
    lhs, rhs = [], []
    for t in _unit_shifts(len(n), both=True):
        mask = B.asarray(interior_mask(n, k, s, p, d, t))
        moved = shift(B, X, tuple(ti * si for ti, si in zip(t, window.stride)), circular=False)
        lhs.append(B.mul(mask, corr(moved, W, s, p, d)))
        rhs.append(B.mul(mask, shift(B, corr(X, W, s, p, d), t, circular=False)))
    return lhs, rhs


@theorem(
    section="6.1.1",
    statement="corr(S_τ X, W) = S_τ corr(X, W) on every cell, zero padding 'same'  "
    "(the literal equivariance: false at the boundary)",
    hypotheses=("S_τ shifts by one cell along the last axis with zero fill", "padding 'same', stride 1"),
    inputs={"X": ("n",), "W": ("k",)},
    sizes=[dict(n=(1,), k=(1,), p="same"), dict(n=(2,), k=(2,), p="same"), dict(n=(3, 3), k=3, p="same")],
    expected="refuted",
    correction="shift_equivariance_interior: equal on the cells whose windows stay inside X; "
    "shift_equivariance_circular: equal everywhere with circular padding",
    latex=r"(S_{\tau}\mathbf{X}) * \mathbf{W} = S_{\tau}(\mathbf{X} * \mathbf{W})"
    r" \quad \text{(zero padding, every cell)}",
)
def shift_equivariance_zero_padding(B, X, W, *, n, p, **_):
    """A window at the border reads the padding on one side and the cell shifted in on the other:
    the shifted output has a zero where the output of the shifted input does not."""
    corr, t = corr_nd(B, len(n)), _unit(len(n))
    return corr(shift(B, X, t, circular=False), W, padding=p), shift(B, corr(X, W, padding=p), t, circular=False)


@theorem(
    section="6.1.1",
    statement="corr_circ(S_τ X, W) = corr_circ(X, W)  (the literal claim 'convolution is translation invariant')",
    hypotheses=("S_τ shifts by one cell along the last axis, circularly", "circular padding, stride 1"),
    inputs={"X": ("n",), "W": ("k",)},
    sizes=[dict(n=(1,), k=(1,)), dict(n=(2,), k=(1,)), dict(n=(3, 3), k=2), dict(n=(2, 2, 2), k=2)],
    expected="refuted",
    correction="shift_equivariance_circular: corr_circ(S_τ X, W) = S_τ corr_circ(X, W), the output moves with the "
    "input (equivariance, not invariance)",
    latex=r"(S_{\tau}\mathbf{X}) \star \mathbf{W} = \mathbf{X} \star \mathbf{W}"
    r" \quad \text{(translation invariance, literally)}",
)
def shift_invariance(B, X, W, *, n, **_):
    """False as soon as the input has two cells: the output moves with the input."""
    t = _unit(len(n))
    return circular_corr(B, shift(B, X, t, circular=True), W), circular_corr(B, X, W)


# --- pooling -----------------------------------------------------------------------------------------


@theorem(
    section="6.3.1",
    statement="maxpool(S_τ X) = maxpool(X)  (the literal claim 'max pooling is translation invariant')",
    hypotheses=(
        "S_τ shifts by one cell along the last axis, circularly",
        "non-overlapping windows that tile X: stride = window (the notes' default), no padding, k divides n",
    ),
    inputs={"X": ("n",)},
    sizes=[dict(n=(2,), k=(2,)), dict(n=(4,), k=(2,)), dict(n=(4, 4), k=2), dict(n=(2, 2, 4), k=2)],
    expected="refuted",
    correction="max_pool_window_permutation: max pooling is invariant under any permutation of the cells inside "
    "each window; a shift that moves a cell into another window changes the output",
    latex=r"\operatorname{maxpool}(S_{\tau}\mathbf{X}) = \operatorname{maxpool}(\mathbf{X})"
    r" \quad \text{(translation invariance, literally)}",
)
def max_pool_shift_invariance(B, X, *, n, k, **_):
    """False: a large value shifted across a window border changes which window reports it."""
    pool, t = pool_nd(B, len(n)), _unit(len(n))
    return pool(shift(B, X, t, circular=True), k), pool(X, k)


def window_transpositions(n: tuple[int, ...], k: tuple[int, ...]) -> list[np.ndarray]:
    """For every window of a stride-k pooling and every pair of its cells: the index array of the
    input with those two cells swapped (every other cell in place)."""
    out_shape = tuple(m // kk for m, kk in zip(n, k))
    identity = np.arange(math.prod(n)).reshape(n)
    result = []
    for w in cells(out_shape):
        region = identity[tuple(slice(wi * kk, (wi + 1) * kk) for wi, kk in zip(w, k))].ravel()
        for a, b in itertools.combinations(region.tolist(), 2):
            index = identity.ravel().copy()
            index[a], index[b] = b, a
            result.append(index.reshape(n))
    return result


@theorem(
    section="6.3.1",
    statement="maxpool(P X) = maxpool(X) for every swap P of two cells inside one window  "
    "(the local invariance max pooling has: swaps generate every permutation inside each window)",
    hypotheses=(
        "non-overlapping windows: stride = window, no padding, the windows tile X",
        "P swaps two cells of one window and fixes every other cell (every pair, every window)",
        "every permutation of the cells inside the windows is a composition of such swaps",
    ),
    inputs={"X": ("n",)},
    sizes=[
        dict(n=(4,), k=(2,)),
        dict(n=(3,), k=(3,)),
        dict(n=(2, 4), k=2),
        dict(n=(2, 3), k=(1, 3)),
        dict(n=(2, 2, 2), k=(2, 1, 2)),
    ],
    latex=r"\operatorname{maxpool}(P\mathbf{X}) = \operatorname{maxpool}(\mathbf{X})"
    r" \quad \text{for every swap } P \text{ of two cells of one window}",
)
def max_pool_window_permutation(B, X, *, n, k, **_):
    """max is a symmetric function of its arguments, and a swap inside a window changes no other window.
    Invariance under each swap gives invariance under their compositions: maxpool(P Q X) = maxpool(Q X)."""
    pool = pool_nd(B, len(n))
    swaps = window_transpositions(n, k)
    return [pool(B.take(X, index), k) for index in swaps], [pool(X, k)] * len(swaps)


# --- all sizes: per axis, in 1-D, 2-D and 3-D (1-based like the notes) -------------------------------------

X, W = IndexedBase("X"), IndexedBase("W")


def _shift(taus: tuple[Any, ...], part: int, both: bool) -> dict[Any, Any]:
    """The shift of the registered form number ``part``, for the bridge (symbol → function of the sizes)."""
    return {t: (lambda _sizes, v=v: v) for t, v in zip(taus, _unit_shifts(len(taus), both)[part])}


def _circular(dims: int, part: int) -> General:
    """``corr_circ(S_τ X, W) = S_τ corr_circ(X, W)``, ``τ`` any integer per axis: both sides read
    ``X_{(i − τ + (a − 1)d − 1) mod n + 1}`` (``((x mod n) + y) mod n = (x + y) mod n``)."""
    axes, outs, taps = dim_axes(dims), dim_indices(dims), dim_indices(dims, "a b c")
    ns = [ax.n for ax in axes]
    taus = tuple(sympy.Symbol(f"tau_{s}", integer=True) for s in SUFFIXES[dims])
    lhs = corr_circular(lambda *u: circular_shift(X, ns, u, taus), W, axes, outs, taps)
    rhs = circular_shift(lambda *c: corr_circular(X, W, axes, c, taps), ns, outs, taus)
    cells = [wrap(i - t + (a - 1) * ax.d, ax.n) for ax, i, t, a in zip(axes, outs, taus, taps)]
    common = tap_sum(W[taps] * X[tuple(cells)], axes, taps)

    def proof(st: Statement) -> Thm:
        why = "((x mod n) − τ) mod n = (x − τ) mod n: the shifted input, read circularly"
        return (
            Proof(st)
            .algebra(common, why=why)
            .algebra(st.rhs, why="((x − τ) mod n + y) mod n = (x − τ + y) mod n: the shifted output's window")
            .qed()
        )

    entry = tuple((i, 1, n) for i, n in zip(outs, ns))
    return General(
        Statement(f"shift_equivariance_circular ({dim_label(dims)})", lhs, rhs, ranges(entry)),
        proof,
        label=dim_label(dims),
        entry=entry,
        sizes=per_axis_env(axes, ("n", "k", "d"), _shift(taus, part, False)),
        arrays={"X": X, "W": W},
        part=part,
    )


general(
    "shift_equivariance_circular",
    *bridged(  # τ along the last axis
        "shift_equivariance_circular",
        (_circular(d, d - 1) for d in (1, 2, 3)),
        [dict(n=(3, 2), k=(2, 2), d=(1, 2)), dict(n=(2, 3, 2), k=(1, 2, 2))],
    ),
)


def _interior(dims: int, part: int) -> General:
    """``[corr(S_{sτ} X, W)]_i = [corr(X, W)]_{i−τ}`` on the interior cells (zero fill, any τ): where window ``i``
    reads inside ``X`` the shifted input's own indicator holds, and what is left is window ``i − τ`` of ``X``."""
    axes, outs, taps = dim_axes(dims), dim_indices(dims), dim_indices(dims, "a b c")
    taus = tuple(sympy.Symbol(f"tau_{s}", integer=True) for s in SUFFIXES[dims])
    mask = sympy.And(
        *[
            c
            for ax, i, t in zip(axes, outs, taus)
            for c in (
                sympy.Le(0, (i - 1) * ax.s - ax.lo),
                sympy.Le((i - 1) * ax.s - ax.lo + ax.d * (ax.k - 1), ax.n - 1),
                sympy.Le(1, i - t),
                sympy.Le(i - t, ax.m),
            )
        ]
    )
    moved = [ax.s * t for ax, t in zip(axes, taus)]
    lhs = corr(lambda *u: zero_shift(X, [ax.n for ax in axes], u, moved), W, axes, outs, taps)
    rhs = zero_shift(lambda *c: corr(X, W, axes, c, taps), [ax.m for ax in axes], outs, taus)

    inside = sympy.And(*[ax.inside(ax.tap(i, a)) for ax, i, a in zip(axes, outs, taps)])

    def proof(st: Statement) -> Thm:
        why = "an interior window reads inside X: the padding's indicator holds"
        return Proof(st).condition(inside, sympy.true, why=why).qed()

    entry = tuple((i, 1, ax.m) for ax, i in zip(axes, outs))
    fits = tuple(ax.fits() for ax in axes)
    return General(
        Statement(
            f"shift_equivariance_interior ({dim_label(dims)})",
            Piecewise((lhs, mask), (0, True)),
            Piecewise((rhs, mask), (0, True)),
            fits + ranges(entry),
        ),
        proof,
        label=dim_label(dims),
        entry=entry,
        sizes=more_sizes(axes_env(*axes), _shift(taus, part, True)),
        arrays={"X": X, "W": W},
        domain=fits,
        part=part,
    )


INTERIOR_DIMS = (1, 2, 3)
# bridged at τ = +1 along the axis in 1-D, τ = +1 along every axis at once in 2-D and 3-D
general(
    "shift_equivariance_interior",
    *bridged(
        "shift_equivariance_interior",
        (_interior(d, 0 if d == 1 else 2 * d) for d in INTERIOR_DIMS),
        [dict(n=(5,), k=(2,), p=(0, 1)), dict(n=(4, 5), k=(2, 2), s=(1, 2), p=(1, 0), d=(2, 1))],
    ),
)

no_general("shift_equivariance_zero_padding", REFUTED)
no_general("shift_invariance", REFUTED)
no_general("max_pool_shift_invariance", REFUTED)
no_general(
    "max_pool_window_permutation",
    "no all-sizes form in the kernel's terms: a maximum over a window of symbolic size has no term (no "
    "max binder); proved exactly at the registered sizes",
)
