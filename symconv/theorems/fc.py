"""From a fully connected layer to a convolution (notes 6.1.1: 全连接层到卷积层).

A fully connected layer on an image, :math:`[\\mathbf{H}]_{i,j} = \\sum_{k,l}
[\\mathbf{W}]_{i,j,k,l} [\\mathbf{X}]_{k,l} + [\\mathbf{U}]_{i,j}`, whose weights
depend only on the offset (translation invariance, :math:`[\\mathbf{W}]_{i,j,i+a,j+b}
= [\\mathbf{V}]_{a,b}`, :math:`[\\mathbf{U}]_{i,j} = u`) and vanish beyond Δ
(locality) is a cross-correlation with a (2Δ+1)×(2Δ+1) kernel and one bias.
The layer is built as what it is, a 4-D weight tensor contracted with the
image; the correlation is the window operator.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import sympy
from sympy import IndexedBase, Piecewise

from ..formal import SUFFIXES, Axis, corr, dim_axes, dim_indices, dim_label, ranges
from ..kernel import Proof, Statement, Sum, Thm
from ..numeric import grad as numeric_grad
from ..result import CheckResult, ProofResult
from ..symbolic.tensor import entries, symbols
from ..systems import SYMPY, System
from .counting import count_out, ones
from .grid import register_on_grid
from .indexing import bridged, cells, corr_nd
from .registry import General, Theorem, general, theorem


def fc_weight_index(n: tuple[int, ...], k: tuple[int, ...]) -> np.ndarray:
    """:math:`[\\mathbf{W}]_{i,u} = [\\mathbf{V}]_{u - i + Δ}` when every :math:`|u - i| ≤ Δ`, else 0.

    Indices into ``V`` (``-1`` for a zero), shape ``(*n, *n)``: the 4-D weight
    tensor of the notes, with ``Δ = (k - 1) / 2`` per axis.
    """
    half = [(kk - 1) // 2 for kk in k]
    out = []
    for i in cells(n):
        for u in cells(n):
            a = [ui - ii + h for ui, ii, h in zip(u, i, half)]
            inside = all(0 <= ai < kk for ai, kk in zip(a, k))
            out.append(int(np.ravel_multi_index(a, k)) if inside else -1)
    return np.array(out, dtype=np.int64).reshape(*n, *n)


def fully_connected(B: System, X: Any, W: Any, U: Any, n: tuple[int, ...]) -> Any:
    """:math:`[\\mathbf{H}]_i = \\sum_u [\\mathbf{W}]_{i,u} [\\mathbf{X}]_u + [\\mathbf{U}]_i` (i, u multi-indices)."""
    size = math.prod(n)
    H = B.matmul(B.reshape(W, (size, size)), B.reshape(X, (size, 1)))
    return B.add(B.reshape(H, n), U)


@theorem(
    section="6.1.1",
    statement="fully connected layer with [W]_{i,j,i+a,j+b} = [V]_{a,b} (zero for |a| or |b| > Δ) and [U]_{i,j} = u "
    "= V * X + u, V of size (2Δ+1) × (2Δ+1), padding Δ  (translation invariance and locality make it a correlation)",
    hypotheses=(
        "[H]_{i,j} = Σ_{k,l} [W]_{i,j,k,l} [X]_{k,l} + [U]_{i,j} for every pixel (i, j) of X",
        "translation invariance: [W]_{i,j,i+a,j+b} = [V]_{a,b}, [U]_{i,j} = u",
        "locality: [V]_{a,b} = 0 for |a| > Δ or |b| > Δ",
        "X is 0 outside its n_h × n_w cells (the notes leave the border open: zero padding Δ)",
        "per axis in 1-D, 2-D and 3-D; Δ may differ between axes (k = 2Δ + 1)",
    ),
    inputs={"X": ("n",), "V": ("k",), "u": (1,)},
    sizes=[
        dict(n=(4,), k=(5,)),
        dict(n=(3, 4), k=(3, 1)),
        dict(n=(3, 2, 3), k=3),
    ],
    latex=r"\begin{aligned} [\mathbf{H}]_{i,j} &= \sum_{k,l} [\mathbf{W}]_{i,j,k,l} [\mathbf{X}]_{k,l} + u"
    r" = \sum_{a=-\Delta}^{\Delta} \sum_{b=-\Delta}^{\Delta} [\mathbf{V}]_{a,b} [\mathbf{X}]_{i+a,j+b} + u \\"
    r" &\text{when } [\mathbf{W}]_{i,j,i+a,j+b} = [\mathbf{V}]_{a,b} \text{ and } [\mathbf{V}]_{a,b} = 0"
    r" \text{ for } |a| > \Delta \text{ or } |b| > \Delta \end{aligned}",
)
def fc_to_corr(B, X, V, u, *, n, k, **_):
    """The 4-D weight tensor W is V read at the offset u − i + Δ (zero beyond Δ): substituting it into
    the fully connected sum leaves Σ_a V_a X_{i+a−Δ}, the correlation with padding Δ."""
    W = B.take(V, fc_weight_index(n, k))
    U = B.add(B.mul(B.ones(n), 0), u[0])  # [U]_{i,j} = u for every pixel
    half = tuple((kk - 1) // 2 for kk in k)
    return fully_connected(B, X, W, U, n), B.add(corr_nd(B, len(n))(X, V, padding=tuple((h, h) for h in half)), u[0])


# --- the parameter counts --------------------------------------------------------------------------


def _layers() -> list[tuple[tuple[int, ...], int]]:
    """(image shape, Δ) with 2Δ + 1 ≤ 2n − 1 on every axis (each kernel tap meets the image)."""
    shapes = [(1,), (2,), (3,), (4,), (2, 2), (2, 3), (3, 3), (2, 2, 2), (2, 3, 2)]
    return [(n, delta) for n in shapes for delta in (0, 1) if delta <= min(n) - 1]


def _counts(n: tuple[int, ...], delta: int) -> tuple[int, int, int]:
    """The formulas: fully connected, translation invariant, and local parameter counts."""
    size = math.prod(n)
    return size * size + size, math.prod(2 * m - 1 for m in n) + 1, (2 * delta + 1) ** len(n) + 1


def _parameters(H: Any, X: Any) -> int:
    """Symbols of the output that are not inputs: the parameters the layer uses."""
    used = set().union(*(sympy.sympify(h).free_symbols for h in entries(H)))
    return len(used - set(entries(X)))


def _params_concrete() -> tuple[int, str]:
    count = 0
    for n, delta in _layers():
        dims = len(n)
        X, u = symbols("x", n), symbols("u", 1)
        fc = fully_connected(SYMPY, X, symbols("w", n + n), symbols("b", n), n)
        full = tuple(2 * m - 1 for m in n)  # translation invariance: one weight per offset −(n−1) … n−1
        shared = SYMPY.add(corr_nd(SYMPY, dims)(X, symbols("v", full), padding=tuple((m - 1, m - 1) for m in n)), u[0])
        local = SYMPY.add(corr_nd(SYMPY, dims)(X, symbols("v", (2 * delta + 1,) * dims), padding=delta), u[0])
        got = (_parameters(fc, X), _parameters(shared, X), _parameters(local, X))
        if got != _counts(n, delta) or fc.shape != n or shared.shape != n or local.shape != n:
            return count, f"n={n}, Δ={delta}: the layers use {got} parameters, the formulas say {_counts(n, delta)}"
        count += 1
    return count, ""


def _params_check(thm: Theorem, result: ProofResult, system: System) -> CheckResult:
    """NumPy: parameters with a non-zero gradient on a positive input; torch: ``nn.Linear`` and ``nn.ConvNd``."""
    count = 0
    for n, delta in _layers():
        want = _counts(n, delta)
        dims, size = len(n), math.prod(n)
        kernels = [tuple(2 * m - 1 for m in n), (2 * delta + 1,) * dims]
        if system.name == "numpy":
            rng = np.random.default_rng(0)
            X = rng.uniform(1, 2, n)
            got = [int(np.count_nonzero(np.outer(np.ones(size), X.ravel())) + size)]  # ∂ℓ/∂W = δ xᵀ, ∂ℓ/∂U = δ
            for kernel, pad in zip(kernels, (tuple((m - 1, m - 1) for m in n), ((delta, delta),) * dims)):
                vjp = getattr(numeric_grad, f"corr{dims}d_vjp")
                _dX, dV = vjp(X, rng.uniform(1, 2, kernel), np.ones(n), padding=pad)
                got.append(int(np.count_nonzero(dV)) + 1)  # + the bias, ∂ℓ/∂u = Σ δ
            got_t = tuple(got)
        else:
            import torch

            conv = getattr(torch.nn, f"Conv{dims}d")
            got_t = (
                sum(p.numel() for p in torch.nn.Linear(size, size).parameters()),
                *(sum(p.numel() for p in conv(1, 1, kernel).parameters()) for kernel in kernels),
            )
        if got_t != want:
            problem = f"n={n}, Δ={delta}: {system.name} {got_t}, formulas {want}"
            return CheckResult(system.name, "failed", problem, count)
        count += 1
    return CheckResult(system.name, "ok", f"{count} layers agree with the formulas", count)


register_on_grid(
    "fc_to_corr_params",
    "6.1.1",
    "parameters: fully connected n_h n_w (n_h n_w + 1); translation invariant (2n_h − 1)(2n_w − 1) + 1; "
    "local (2Δ + 1)² + 1  (per axis in 1-D, 2-D and 3-D: ∏ n (∏ n + 1), ∏ (2n − 1) + 1, (2Δ + 1)^dims + 1)",
    (
        "W: n_h × n_w × n_h × n_w and U: n_h × n_w (fully connected, one output per pixel)",
        "translation invariance: one weight per offset a ∈ −(n−1) … n−1 and one bias",
        "locality: offsets |a| ≤ Δ ≤ n − 1 (every tap meets the image)",
    ),
    general=(),
    concrete=_params_concrete,
    checker=_params_check,
    grid="images n ∈ {1..4, 2×2, 2×3, 3×3, 2×2×2, 2×3×2}, Δ ∈ {0, 1}",
    agreement="layers: the parameters each layer's output uses agree with the formulas",
    latex=r"n_h n_w (n_h n_w + 1) \ \text{(fully connected)} \to (2n_h - 1)(2n_w - 1) + 1 \ \text{(shared)}"
    r" \to (2\Delta + 1)^2 + 1 \ \text{(shared and local)}",
)


# --- all sizes: per axis, in 1-D, 2-D and 3-D (1-based like the notes) -------------------------------------

X, V, BIAS = IndexedBase("X"), IndexedBase("V"), IndexedBase("U")  # U[1]: the one bias u


def _reach(dims: int) -> tuple[sympy.Symbol, ...]:
    """``Δ`` per axis (the kernel has ``2Δ + 1`` taps)."""
    return tuple(sympy.Symbol(f"Δ_{s}", integer=True, nonnegative=True) for s in SUFFIXES[dims])


def _fc_to_corr(dims: int) -> General:
    """``Σ_u W_{i,u} X_u + β = [X * V]_i + β`` with ``W_{i,u} = V_{u − i + Δ + 1}`` inside ``|u − i| ≤ Δ`` (else 0):
    reindex ``u = i + a − Δ − 1`` (``a`` the tap of ``V``), then let ``a`` run over the kernel with the input's
    range as the padding's indicator."""
    sizes, reach = [ax.n for ax in dim_axes(dims)], _reach(dims)
    axes = tuple(Axis(n, 2 * r + 1, lo=r, hi=r) for n, r in zip(sizes, reach))
    outs, cells, taps = dim_indices(dims), dim_indices(dims, "u v w"), dim_indices(dims, "a b c")
    offsets = [u - i + r + 1 for u, i, r in zip(cells, outs, reach)]
    local = sympy.And(*[c for u, i, r in zip(cells, outs, reach) for c in (sympy.Le(i - r, u), sympy.Le(u, i + r))])
    lhs = Piecewise((V[tuple(offsets)] * X[cells], local), (0, True))
    for u, n in reversed(list(zip(cells, sizes))):
        lhs = Sum(lhs, (u, 1, n))
    lhs += BIAS[1]
    rhs = corr(X, V, axes, outs, taps) + BIAS[1]
    reads = [i + a - r - 1 for i, a, r in zip(outs, taps, reach)]

    def proof(st: Statement) -> Thm:
        pr = Proof(st)
        for u, read, a in zip(cells, reads, taps):
            pr.reindex(u, read, a, why=f"{u} = {read}: index the input by the tap of V that weighs it")
        body = V[taps] * X[tuple(reads)]
        for a, read, ax, n in reversed(list(zip(taps, reads, axes, sizes))):
            body = Sum(
                Piecewise((body, sympy.And(sympy.Le(1, a), sympy.Le(a, ax.k))), (0, True)),
                (a, 1 - read + a, n - read + a),
            )
        pr.algebra(body + BIAS[1], why="locality (|u − i| ≤ Δ) as an indicator on each tap")
        for a, read, ax, n in zip(taps, reads, axes, sizes):
            cond = sympy.And(sympy.Le(1, read), sympy.Le(read, n))
            pr.rerange(
                a, 1, ax.k, cond, why=f"{a} over the 2Δ + 1 taps; the input's range 1 ≤ {read} ≤ n is the zero padding"
            )
        return pr.qed()

    entry = tuple((i, 1, n) for i, n in zip(outs, sizes))
    return General(
        Statement(f"fc_to_corr ({dim_label(dims)})", lhs, rhs, ranges(entry)),
        proof,
        label=dim_label(dims),
        entry=entry,
        sizes=lambda raw: _fc_env(raw, sizes, reach),
        arrays={"X": X, "V": V, "u": BIAS},
    )


def _fc_env(raw: dict[str, Any], sizes: list[Any], reach: tuple[Any, ...]) -> dict[Any, int] | None:
    """Registry sizes → ``n`` and ``Δ = (k − 1)/2`` per axis."""
    if len(raw["n"]) != len(sizes):
        return None
    return {**dict(zip(sizes, raw["n"])), **{r: (k - 1) // 2 for r, k in zip(reach, raw["k"])}}


general(
    "fc_to_corr",
    *bridged(
        "fc_to_corr",
        (_fc_to_corr(d) for d in (1, 2, 3)),
        [dict(n=(3,), k=(1,)), dict(n=(2,), k=(3,)), dict(n=(2, 2), k=(3, 3)), dict(n=(2, 2, 2), k=(1, 3, 1))],
    ),
)


# the parameter counts: sums of ones over the parameters each layer has, counted out -----------------------

_USED: dict[tuple[tuple[int, ...], int], tuple[int, int, int]] = {}


def _used(n: tuple[int, ...], delta: int) -> tuple[int, int, int]:
    """The parameters the three symbolic layers on an image of shape ``n`` use (fully connected, translation
    invariant, local with reach ``delta``): symbols of their outputs that are not inputs (remembered)."""
    if (n, delta) not in _USED:
        dims = len(n)
        X, u = symbols("x", n), symbols("u", 1)
        fc = fully_connected(SYMPY, X, symbols("w", n + n), symbols("b", n), n)
        full = tuple(2 * m - 1 for m in n)
        shared = SYMPY.add(corr_nd(SYMPY, dims)(X, symbols("v", full), padding=tuple((m - 1, m - 1) for m in n)), u[0])
        local = SYMPY.add(corr_nd(SYMPY, dims)(X, symbols("v", (2 * delta + 1,) * dims), padding=delta), u[0])
        _USED[(n, delta)] = (_parameters(fc, X), _parameters(shared, X), _parameters(local, X))
    return _USED[(n, delta)]


def _count_grid(dims: int, sizes: list[Any], reach: tuple[Any, ...]) -> Any:
    shapes = {1: ((1,), (2,), (3,)), 2: ((1, 2), (2, 2), (2, 3)), 3: ((1, 1, 2), (2, 1, 2))}[dims]
    deltas = {1: (0, 1, 2), 2: (0, 1), 3: (0, 1)}[dims]

    def grid() -> Any:
        for n in shapes:
            for delta in deltas:
                yield {**dict(zip(sizes, n)), **dict.fromkeys(reach, delta)}

    return grid


def _params(dims: int, which: int) -> General:
    """Parameter ``which`` (0 fully connected, 1 translation invariant, 2 local) of a layer on a ``dims``-D image:
    a sum of ones over the parameter tensors' index ranges, counted out."""
    sizes, reach = [ax.n for ax in dim_axes(dims)], _reach(dims)
    outs, cells = dim_indices(dims), dim_indices(dims, "u v w")
    if which == 0:
        count = ones(*((i, 1, n) for i, n in zip(outs, sizes)), *((u, 1, n) for u, n in zip(cells, sizes)))
        count += ones(*((e, 1, n) for e, n in zip(dim_indices(dims, "e f g"), sizes)))  # the bias U
        total = sympy.Mul(*sizes)
        formula, name, hyps = total**2 + total, "fully connected", ()
    elif which == 1:
        count = ones(*((a, 1, 2 * n - 1) for a, n in zip(outs, sizes))) + 1
        formula, name, hyps = sympy.Mul(*[2 * n - 1 for n in sizes]) + 1, "translation invariant", ()
    else:
        count = ones(*((a, 1, 2 * r + 1) for a, r in zip(outs, reach))) + 1
        formula, name = sympy.Mul(*[2 * r + 1 for r in reach]) + 1, "local"
        hyps = tuple(sympy.Le(r, n - 1) for r, n in zip(reach, sizes))  # every tap meets the image

    def value(point: dict[Any, Any]) -> int:
        return _used(tuple(point[n] for n in sizes), point[reach[0]])[which]

    return General(
        Statement(f"fc_to_corr_params ({dim_label(dims)}, {name})", count, formula, hyps),
        count_out,
        label=f"{dim_label(dims)}, {name}",
        grid=_count_grid(dims, sizes, reach),
        value=value,
    )


general("fc_to_corr_params", *(_params(d, which) for d in (1, 2, 3) for which in (0, 1, 2)))
