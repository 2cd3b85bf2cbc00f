"""Gradients of pooling layers (notes 6.3.2: 池化层误差项反向传播).

The notes' ``up(·)`` is written with forward operators only: the value at
tap (a, b) of every window is a correlation with the one-hot kernel
``E_ab``, and scattering back to that tap is the transposed correlation
with ``E_ab`` (:func:`symconv.theorems.gradients.transposed`).
"""

from __future__ import annotations

from typing import Any

import sympy
from sympy import IndexedBase, Piecewise

from ..formal import avg_pool, divisor, indices, pool_axis, pool_loss, pool_windows
from ..kernel import Proof, Statement, Sum, Thm, evaluate
from ..result import CheckResult, ProofResult
from ..spec import pool_window
from ..symbolic.grad import pool2d_vjp, route, sympy_max_tie_mass
from ..symbolic.grad import pool2d_vjp as exact_vjp
from ..symbolic.tensor import Array, entries, symbols
from ..systems import System, window_taps
from .gradients import transposed
from .registry import General, Theorem, general, no_general, normalize_sizes, register, size_label, theorem


def _window(sizes: dict[str, Any]):
    return pool_window(
        sizes["n"], sizes["k"], sizes["s"], sizes["p"], sizes["d"], sizes.get("ceil", False), sizes.get("mode", "max")
    )


def pool_out(sizes: dict[str, Any]) -> tuple[int, ...]:
    """The pooled output's shape (the shape of δ)."""
    return _window(sizes).out_shape()


def _pool_args(sizes: dict[str, Any], mode: str) -> dict[str, Any]:
    return dict(
        kernel_size=sizes["k"],
        stride=sizes["s"],
        padding=sizes["p"],
        mode=mode,
        dilation=sizes["d"] if mode == "max" else 1,
        ceil_mode=sizes.get("ceil", False),
        count_include_pad=sizes.get("cip", True),
    )


def _reach_padded(B: System, X: Any, window: Any) -> Any:
    """X zero-padded on the right far enough for ceil-mode windows."""
    extra = tuple(s - 1 for s in window.stride)
    pads = tuple((lo, hi + e) for (lo, hi), e in zip(window.padding, extra))
    return pads


def tap_values(B: System, X: Any, window: Any, tap: tuple[int, int], out_shape: tuple[int, ...]) -> Any:
    """[T_ab]_w = X at tap (a, b) of window w (0 in the padding): a correlation with E_ab."""
    E = B.onehot(window.kernel, tap)
    full = B.corr2d(X, E, stride=window.stride, padding=_reach_padded(B, X, window), dilation=window.dilation)
    return B.crop(full, tuple((0, m - o) for m, o in zip(B.shape(full), out_shape)))


def up_avg(B: System, delta: Any, n: tuple[int, ...], window: Any, args: dict[str, Any]) -> Any:
    """Each δ_w divided by its window's divisor N_w and spread over the window."""
    ones = B.ones(n)
    real = B.pool2d(ones, **{**args, "divisor_override": 1})  # real cells per window
    share = B.pool2d(ones, **args)  # real cells / N_w
    return transposed(B, B.div(B.mul(delta, share), real), B.ones(window.kernel), n, window)


def up_max(B: System, X: Any, delta: Any, n: tuple[int, ...], window: Any, args: dict[str, Any]) -> Any:
    """Each δ_w sent to the cell holding its window's maximum (the notes' up(·))."""
    Y = B.pool2d(X, **args)
    out_shape = B.shape(Y)
    ones = B.ones(n)
    total = None
    for tap in window_taps(window.kernel):
        hit = B.mul(B.eq(tap_values(B, X, window, tap, out_shape), Y), tap_values(B, ones, window, tap, out_shape))
        part = transposed(B, B.mul(delta, hit), B.onehot(window.kernel, tap), n, window)
        total = part if total is None else B.add(total, part)
    return total


AVG_SIZES = [
    dict(n=4, k=2, s=2),
    dict(n=(3, 4), k=(2, 3), s=1),
    dict(n=5, k=3, s=2, p=1),
    dict(n=5, k=3, s=2, p=1, cip=False),
    dict(n=5, k=2, s=2, ceil=True),
    dict(n=6, k=3, s=2, p=1, ceil=True),
    dict(n=1, k=2, s=2, ceil=True),
    dict(n=(4, 5), k=(2, 3), s=(1, 2), p=1, cip=False),
    dict(n=(5, 6), k=(3, 2), s=2, p=1, ceil=True, cip=False),
]


@theorem(
    section="6.3.2",
    statement="avg pooling: ∂ℓ/∂X = up(δ): each δ_w divided by PyTorch's divisor N_w and spread over window w",
    hypotheses=(
        "N_w: cells inside the padded input (count_include_pad) or inside the input, ceil-mode windows clipped",
    ),
    inputs={"X": ("n",), "delta": (pool_out,)},
    sizes=AVG_SIZES,
    int_scale={"delta": 2520},  # lcm(1..9): every divisor divides δ, float64 stays exact
)
def grad_avg_pool(B, X, delta, *, n, **sizes):
    """avg pooling is linear: ∂[Y]_w/∂[X]_u = 1/N_w for u in window w.

    For all sizes (n, k, s, p per axis, ``ceil_mode`` and ``count_include_pad`` as 0/1 flags, one statement):
    ``[∂ℓ/∂X]_{u,v} = Σ_{i,j} [u ∈ R_i][v ∈ R_j] δ_{i,j}/N_{i,j}``, with ``N`` PyTorch's divisor written as the
    count of the window's cells (inside the padded input, or inside the input)."""
    args = _pool_args(sizes, "avg")
    window = pool_window(n, args["kernel_size"], args["stride"], args["padding"], 1, args["ceil_mode"], "avg")
    return B.pool2d_vjp(X, delta, **args), up_avg(B, delta, n, window, args)


# --- all sizes: average pooling, 2-D, 1-based like the notes -----------------------------------------------

PH, PW = pool_axis("h"), pool_axis("w")
i, j, a, b, u, v, t_h, t_w = indices("i j a b u v t_h t_w")
X, D = IndexedBase("X"), IndexedBase("delta")
#: PyTorch's flags as 0/1 sizes: one statement covers the four combinations
CEIL = sympy.Symbol("ceil_mode", integer=True, nonnegative=True)
CIP = sympy.Symbol("count_include_pad", integer=True, nonnegative=True)
POOL_ENTRY = ((u, 1, PH.n), (v, 1, PW.n))
#: the windows per axis, named: m = ⌊…⌋ + 1, or PyTorch's ceil-mode count (a definition, not a restriction)
M_H, M_W = sympy.symbols("m_h m_w", integer=True, positive=True)
WINDOWS = (sympy.Eq(M_H, pool_windows(PH, CEIL)), sympy.Eq(M_W, pool_windows(PW, CEIL)))
#: where PyTorch's avg_pool2d is defined: p ≤ k // 2, one window fits (with s − 1 cells of slack in ceil mode);
#: the flags are 0 or 1; m_h, m_w are the window counts
POOL_DOMAIN = (
    *(sympy.Le(2 * ax.lo, ax.k) for ax in (PH, PW)),
    *(sympy.Le(ax.k, ax.n + 2 * ax.lo + CEIL * (ax.s - 1)) for ax in (PH, PW)),
    sympy.Le(CEIL, 1),
    sympy.Le(CIP, 1),
    *WINDOWS,
)
#: small bridge sizes: each combination of the flags, padding, windows hanging past the padded input
POOL_BRIDGE = (
    dict(n=(3, 4), k=(2, 3), s=1),
    dict(n=(4, 3), k=3, s=2, p=1),
    dict(n=(4, 3), k=3, s=2, p=1, cip=False),
    dict(n=(5, 3), k=2, s=2, ceil=True),
    dict(n=(4, 3), k=(3, 2), s=2, p=1, ceil=True),
    dict(n=(4, 3), k=(3, 2), s=2, p=1, ceil=True, cip=False),
    dict(n=1, k=2, s=2, ceil=True),
)
POOL_RANGES = tuple(r for var, lo, hi in POOL_ENTRY for r in (sympy.Le(lo, var), sympy.Le(var, hi)))


def _in_window(ax, out: Any, cell: Any) -> Any:
    """Input cell ``cell`` lies in window ``out`` along ``ax``: ``1 ≤ cell + p − (out − 1)s ≤ k``."""
    offset = cell + ax.lo - ax.tap(out, 1) + 1
    return sympy.And(sympy.Le(1, offset), sympy.Le(offset, ax.k))


def _up(include_pad: Any) -> Any:
    """The notes' up(δ) at (u, v): every window containing (u, v) passes on δ_w / N_w."""
    share = D[i, j] / divisor((PH, PW), (i, j), (t_h, t_w), include_pad)
    body = Piecewise((share, sympy.And(_in_window(PH, i, u), _in_window(PW, j, v))), (0, True))
    return Sum(Sum(body, (j, 1, M_W)), (i, 1, M_H))


def _avg_pool_proof(st: Statement) -> Thm:
    return (
        Proof(st)
        .differentiate(why="∂ℓ/∂X_{u,v}: the divisor does not depend on X; X̃ reads X_{u,v} at cell (u, v)")
        .collapse(b, why="the tap b of window j that reads column v, if any")
        .collapse(a, why="the tap a of window i that reads row u, if any")
        .arith(st.rhs, why="the cell read, (u, v), lies in the input, not in the padding (z3)")
        .qed()
    )


def _pool_sizes(sizes: dict[str, Any]) -> dict[Any, int] | None:
    """The bridge map: registry sizes (2-D) to the pooling axes' symbols and the two flags."""
    if len(sizes["n"]) != 2:
        return None
    ceil, cip = sizes.get("ceil", False), sizes.get("cip", True)
    w = pool_window(sizes["n"], sizes["k"], sizes["s"], sizes["p"], 1, ceil, "avg")
    out: dict[Any, int] = {CEIL: int(ceil), CIP: int(cip)}
    for ax, n, k, s, (lo, _hi) in zip((PH, PW), w.size, w.kernel, w.stride, w.padding):
        out.update({ax.n: n, ax.k: k, ax.s: s, ax.lo: lo})
    for definition in WINDOWS:  # the formula's count; the bridge then compares values with the operators
        out[definition.lhs] = int(evaluate(definition.rhs, out, {}))
    return out


general(
    "grad_avg_pool",
    General(
        Statement(
            "grad_avg_pool",
            sympy.Derivative(pool_loss(D, X, (PH, PW), (i, j), (a, b), (t_h, t_w), CIP, CEIL, (M_H, M_W)), X[u, v]),
            _up(CIP),
            POOL_DOMAIN + POOL_RANGES,
        ),
        _avg_pool_proof,
        entry=POOL_ENTRY,
        sizes=_pool_sizes,
        arrays={"X": X, "delta": D},
        bridge_sizes=POOL_BRIDGE,
        domain=POOL_DOMAIN,
    ),
)


MAX_SIZES = [
    dict(n=4, k=2, s=2),
    dict(n=3, k=2, s=1),
    dict(n=(3, 4), k=(1, 3), s=(1, 2), p=(0, 1)),
    dict(n=5, k=(2, 2), s=2, p=1, ceil=True),
    dict(n=(3, 5), k=(1, 2), s=(1, 2), d=(1, 2)),
]


@theorem(
    section="6.3.2",
    statement="max pooling: ∂ℓ/∂X = up(δ): each δ_w goes to window w's argmax; overlapping windows add up",
    hypotheses=("no window has a tie (the derivative of max is undefined at ties)",),
    inputs={"X": ("n",), "delta": (pool_out,)},
    sizes=MAX_SIZES,
    method="orderings",
    distinct=("X",),
)
def grad_max_pool(B, X, delta, *, n, **sizes):
    """d max(x_1..x_r)/dx_u = [x_u > x_v for all v ≠ u] = [x_u = max] when no two cells tie.

    Concrete sizes only (proved exactly at the registered sizes by a case analysis over every strict
    ordering of the inputs); there is no all-sizes statement, so ``--general`` says ``unknown``:

    * the left side cannot be written: a max over a window of symbolic size ``k`` has no term in the
      kernel's language (SymPy's ``Max`` takes a fixed list of arguments; there is no binder like ``Σ``),
      and the kernel has no rule for the derivative of ``Max``;
    * giving the argmax as data (``Y_w = X[A_w]``) would assume what the theorem claims, that the
      derivative of a max is the indicator of its unique argmax; and the no-tie hypothesis ("``A_w`` is the
      unique maximum of window ``w``") quantifies over the window's cells, which quantifier-free formal
      hypotheses cannot say.  The bridge evaluates a statement at symbolic inputs, where no argmax is
      determined, so such a statement could not be tied to the operators either."""
    args = _pool_args(sizes, "max")
    window = pool_window(n, args["kernel_size"], args["stride"], args["padding"], args["dilation"], args["ceil_mode"])
    return B.pool2d_vjp(X, delta, **args), up_max(B, X, delta, n, window, args)


@theorem(
    section="6.3.2",
    statement="Σ ∂ℓ/∂X = Σ δ for max pooling; for avg pooling Σ ∂ℓ/∂X = Σ δ ⊙ avg_pool(𝟙), "
    "which is Σ δ without padding (and loses mass to padding cells with count_include_pad)",
    hypotheses=("max pooling: no ties (see grad_max_pool_ties for ties: both policies keep the mass)",),
    inputs={"X": ("n",), "delta": (pool_out,)},
    sizes=[
        dict(n=4, k=2, s=2),
        dict(n=3, k=2, s=1),
        dict(n=4, k=2, s=2, p=1),
        dict(n=(3, 5), k=(1, 3), s=(1, 2), p=(0, 1)),
        dict(n=5, k=2, s=2, ceil=True),
    ],
    method="orderings",
    distinct=("X",),
    int_scale={"delta": 2520},
)
def grad_pool_mass(B, X, delta, *, n, **sizes):
    """Each window passes on exactly its δ_w (max), or δ_w times the share of its
    divisor made of real cells (avg): 1 unless the window reaches into padding
    counted by N_w.

    For all sizes: the avg form (any stride, padding, ``ceil_mode``, ``count_include_pad``),
    ``Σ_{u,v} ∂ℓ/∂X_{u,v} = Σ_w δ_w·avg_pool(𝟙)_w``.  The max form is proved at the registered sizes only,
    for the reasons given in :func:`grad_max_pool`."""
    avg, mx = _pool_args(sizes, "avg"), _pool_args(sizes, "max")
    share = B.pool2d(B.ones(n), **avg)
    return (
        [B.total(B.pool2d_vjp(X, delta, **mx)), B.total(B.pool2d_vjp(X, delta, **avg))],
        [B.total(delta), B.total(B.mul(delta, share))],
    )


# the avg form for all sizes (the max form has no all-sizes statement: see grad_max_pool)
z = indices("z")[0]  # the sides are 1-entry totals


def _mass_proof(st: Statement) -> Thm:
    return (
        Proof(st)
        .differentiate(why="∂ℓ/∂X_{u,v} inside the total")
        .exchange(v)
        .exchange(v)
        .exchange(u)
        .exchange(u, why="the sums over input cells inside the windows")
        .pull(v)
        .pull(u, why="δ_w/N_w does not depend on the input cell")
        .exchange(v)
        .exchange(v)
        .exchange(u)
        .exchange(u, why="the sums over input cells inside the taps")
        .collapse(v, why="tap b reads one column v, if it lies in the input")
        .collapse(u, why="tap a reads one row u, if it lies in the input")
        .arith(st.rhs, why="Σ_taps [tap in X] = N_w·avg_pool(𝟙)_w (z3)")
        .qed()
    )


#: ℓ's gradient summed over the input: Σ_{u,v} ∂ℓ/∂X_{u,v}; Σ_w δ_w·avg_pool(𝟙)_w
MASS_LOSS = pool_loss(D, X, (PH, PW), (i, j), (a, b), (t_h, t_w), CIP, CEIL, (M_H, M_W))
ONES = avg_pool(lambda *_: 1, (PH, PW), (i, j), (a, b), (t_h, t_w), CIP)

general(
    "grad_pool_mass",
    General(
        Statement(
            "grad_pool_mass (avg)",
            Sum(Sum(sympy.Derivative(MASS_LOSS, X[u, v]), (v, 1, PW.n)), (u, 1, PH.n)),
            Sum(Sum(D[i, j] * ONES, (j, 1, M_W)), (i, 1, M_H)),
            POOL_DOMAIN,
        ),
        _mass_proof,
        label="avg pooling (the max form: concrete sizes only)",
        entry=((z, 1, 1),),
        sizes=_pool_sizes,
        arrays={"X": X, "delta": D},
        part=1,
        bridge_sizes=POOL_BRIDGE[1:3] + POOL_BRIDGE[4:],
        domain=POOL_DOMAIN,
    ),
)


# --- ties ------------------------------------------------------------------------------------------

TIE_CASES = [
    dict(n=(2, 3), k=2, s=1),  # two overlapping windows
    dict(n=(2, 4), k=2, s=(1, 2), p=(0, 1)),  # padding
    dict(n=(1, 5), k=(1, 3), s=(1, 2), p=(0, 1)),  # three-cell windows, overlapping
]


def _tie_inputs(shape: tuple[int, ...]):
    """Every 0/1 input of that shape: ties everywhere."""
    import itertools

    import numpy as np

    for bits in itertools.product((0, 1), repeat=int(np.prod(shape))):
        yield np.array(bits).reshape(shape)


def _prove_ties(thm, _sizes):
    import time

    import numpy as np
    import sympy

    start = time.perf_counter()
    problems, cases = [], 0
    mass3 = sympy_max_tie_mass(3)
    if mass3 != sympy.Rational(3, 2):
        problems.append(f"SymPy's Max derivative gave total {mass3} at a triple tie")
    for raw in TIE_CASES:
        sizes = normalize_sizes(raw)
        args = _pool_args(sizes, "max")
        out_shape = _window(sizes).out_shape()
        Xs, D = symbols("x", sizes["n"]), symbols("δ", out_shape)
        # SymPy's own derivative, once: coefficient of δ_w in ∂ℓ/∂x_u (Heaviside(x_u − Max(others)))
        plain = entries(pool2d_vjp(Xs, D, **args))
        own_sym = [[sympy.diff(g, d) for g in plain] for d in entries(D)]
        basis = [Array(e.tolist()) for e in np.eye(len(entries(D)), dtype=int).reshape(-1, *out_shape)]
        window = _window(sizes)
        for X in _tie_inputs(sizes["n"]):
            X_arr = Array(X.tolist())
            subs = dict(zip(entries(Xs), (sympy.Integer(int(v)) for v in X.ravel())))
            where = f"{size_label(sizes)}, X={X.tolist()}"
            for w, e_w in enumerate(basis):
                own = [c.xreplace(subs) for c in own_sym[w]]
                if any(not (c.is_number) for c in own):
                    problems.append(f"SymPy's derivative is not a number at {where}")
                    continue
                top = max(v for v, c in zip(X.ravel(), own) if c != 0)
                for tie in ("first", "split"):
                    routed = entries(route(X_arr, e_w, window, tie))
                    cases += 1
                    if sum(routed) != 1:
                        problems.append(f"{tie}: window {w} passes on {sum(routed)}·δ_w, not δ_w, at {where}")
                    if any(r != 0 and (c == 0 or v != top) for r, c, v in zip(routed, own, X.ravel())):
                        problems.append(f"{tie}: δ_{w} reaches a cell that is not a maximum at {where}")
                    if own.count(1) == 1 and routed != own:
                        problems.append(f"{tie}: differs from the derivative where the max is unique at {where}")
    return ProofResult(
        name=thm.name,
        verdict="refuted" if problems else "proved",
        method="exhaustive over 0/1 inputs + exact SymPy evaluation",
        scope=[{**raw, "inputs": "all 0/1"} for raw in TIE_CASES],
        hypotheses=thm.hypotheses,
        expected=thm.expected,
        statement=thm.statement,
        section=thm.section,
        seconds=time.perf_counter() - start,
        detail="; ".join(problems[:3])
        or f"{cases} (input, window, policy) cases; SymPy's Max derivative: total {mass3} at a triple tie",
    )


def _check_ties(thm, result, system):
    import numpy as np

    rng = np.random.default_rng(0)
    count = 0
    for raw in TIE_CASES:
        sizes = normalize_sizes(raw)
        args = _pool_args(sizes, "max")
        shape = _window(sizes).out_shape()
        for X in _tie_inputs(sizes["n"]):
            delta = rng.integers(-3, 4, size=shape) * 12  # split shares stay exact
            for tie in ("first", "split"):
                want = np.array(exact_vjp(X, delta, **args, tie=tie).tolist(), dtype=float)
                got = system.to_numpy(system.pool2d_vjp(system.asarray(X), system.asarray(delta), **args, tie=tie))
                if not np.array_equal(np.asarray(got, dtype=float), want):
                    return CheckResult(
                        system.name, "failed", f"tie={tie!r} at {size_label(sizes)}, X={X.tolist()}: {got} != {want}"
                    )
                count += 1
    return CheckResult(system.name, "ok", f"{count} tied inputs routed exactly like the policies", count)


register(
    Theorem(
        name="grad_max_pool_ties",
        section="6.3.2",
        statement="at ties, 'first' (PyTorch max_pool2d) and 'split' (torch.amax) route each δ_w to maximal "
        "cells with total weight 1; SymPy's Max derivative gives Heaviside(0) = 1/2 to each tied argument "
        "(3/2 for three) and is not used",
        hypotheses=("inputs with ties: every 0/1 input of the listed sizes", "overlapping windows accumulate"),
        inputs={},
        sides=None,
        sizes=(),
        prover=_prove_ties,
        checker=_check_ties,
        doc="The derivative of max is undefined at a tie; a tie policy is a choice, and PyTorch's is 'first'.",
    )
)

no_general(
    "grad_max_pool",
    "no all-sizes form in the kernel's terms: the derivative of a maximum over a window of symbolic size "
    "has no term; decided at concrete sizes by a case analysis on which cell is largest",
)
no_general(
    "grad_max_pool_ties",
    "no all-sizes form: a statement about tied values, decided exhaustively over 0/1 inputs at concrete sizes",
)
