"""Counting formulas (notes 6.1.5, 6.2.4, 6.3.1, 6.3.2): parameters, multiply-adds, receptive fields.

All sizes: each formula is a kernel theorem (:mod:`symconv.kernel`) whose left side is what the layer
has or does -- a sum of ones over the weight tensor's index ranges (parameters), over the output
entries and the taps that feed them (multiply-adds), or the window recursion of a stack of layers
(receptive field, by induction on the number of layers) -- and whose right side is the notes' formula.
The bridge compares both sides with the operators: the parameters and products that actually appear
in the symbolic layer's output, the inputs the top output of a stack of symbolic ``corr1d`` layers
reads.

Concrete sizes: the same counts checked on small layers against the symbolic operators, and witnessed
by NumPy gradients and PyTorch (``nn.Conv2d``'s parameters, autograd's receptive field).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import sympy
from sympy import Eq, IndexedBase, Rational, floor

from ..kernel import Product, Proof, Statement, Sum, Thm, define_sequence, induction
from ..numeric import corr2d as numeric_corr2d
from ..numeric.grad import corr2d_multi_in_out_vjp, corr2d_vjp
from ..result import CheckResult, ProofResult
from ..symbolic import corr1d, corr2d, corr2d_multi_in_out
from ..symbolic.tensor import entries, symbols
from ..symbolic.window import axis_windows
from ..systems import NUMPY, System
from .arithmetic import Point, grid_of
from .grid import register_on_grid
from .registry import General, Theorem


def _register(name, section, statement, hypotheses, general, concrete, checker) -> None:
    register_on_grid(
        name,
        section,
        statement,
        hypotheses,
        general=general,
        concrete=concrete,
        checker=checker,
        grid="small layers",
        agreement="layers: the symbolic operators agree with the formula",
    )


def _layers() -> Iterator[tuple[int, int, int, int]]:
    return itertools.product((1, 2, 3), (1, 2), (1, 2), (1, 3))  # c_i, c_o, k_h, k_w


def _grid_check(value: Callable[[System, tuple], int], formula: Callable[[tuple], int]):
    def check(thm: Theorem, result: ProofResult, system: System) -> CheckResult:
        count = 0
        for layer in _layers():
            got, want = value(system, layer), formula(layer)
            if got is None:
                return CheckResult(system.name, "skipped", "no witness in this system")
            if got != want:
                return CheckResult(system.name, "failed", f"layer {layer}: formula {want}, {system.name} {got}", count)
            count += 1
        return CheckResult(system.name, "ok", f"{count} layers agree with the formula", count)

    return check


# --- all sizes: sums of ones and how the kernel counts them --------------------------------------------

c_o, c_i, k_h, k_w, m_h, m_w = sympy.symbols("c_o c_i k_h k_w m_h m_w", integer=True, positive=True)
n_h, n_w, s, d = sympy.symbols("n_h n_w s d", integer=True, positive=True)  # bridge only: the layer's input
o, c, a, b, u, v, o2, c2 = sympy.symbols("o c a b u v o' c'", integer=True)  # bound indices


def ones(*ranges: tuple[Any, Any, Any]) -> Any:
    """``Σ_{r₁} Σ_{r₂} … 1``: how many index tuples the ranges ``(var, lo, hi)`` hold (first outermost).

    >>> ones((a, 1, k_h), (b, 1, k_w))
    Sum(Sum(1, (b, 1, k_w)), (a, 1, k_h))
    """
    body: Any = sympy.Integer(1)
    for var, lo, hi in reversed(ranges):
        body = Sum(body, (var, lo, hi))
    return body


def count_out(st: Statement) -> Thm:
    """Count every sum of the left side from the innermost out (each ``Σ_{v=lo}^{hi} c = (hi − lo + 1)c``).

    >>> [step.rule for step in count_out(Statement("taps", ones((a, 1, k_h), (b, 1, k_w)), k_h * k_w)).steps]
    ['start', 'count', 'count']
    """
    pr = Proof(st)
    while True:
        inner = [e for e in sympy.preorder_traversal(pr.current) if isinstance(e, Sum) and not e.function.has(Sum)]
        if not inner:
            return pr.qed()
        var, lo, hi = inner[0].limits[0]
        pr = pr.count(var, why=f"{var} takes {hi - lo + 1} values")


def _used(outputs: Any, inputs: Any) -> int:
    """The symbols in ``outputs`` other than the ``inputs`` entries: the parameters the layer uses."""
    used = set().union(*(sympy.sympify(h).free_symbols for h in entries(outputs)))
    return len(used - set(entries(inputs)))


# --- parameters ------------------------------------------------------------------------------------


def _params_concrete() -> tuple[int, str]:
    count = 0
    for ci, co, kh, kw in _layers():
        got = _params_used({c_i: ci, c_o: co, k_h: kh, k_w: kw})
        if got != co * ci * kh * kw + co:
            return count, f"layer {(ci, co, kh, kw)}: {got} parameters appear in the output"
        count += 1
    return count, ""


def _params_used(P: Point) -> int:
    """Parameters that appear in the output of a symbolic ``corr2d_multi_in_out`` layer with bias."""
    X = symbols("x", (P[c_i], 3, 3))
    W, bias = symbols("w", (P[c_o], P[c_i], P[k_h], P[k_w])), symbols("b", P[c_o])
    return _used(corr2d_multi_in_out(X, W, bias), X)


def _params_witness(system: System, layer: tuple) -> int | None:
    ci, co, kh, kw = layer
    if system.name == "numpy":  # parameters that move the output: non-zero gradient on random input
        rng = np.random.default_rng(0)
        X, W = rng.uniform(1, 2, (ci, 4, 4)), rng.uniform(1, 2, (co, ci, kh, kw))
        delta = np.ones((co, 4 - kh + 1, 4 - kw + 1))
        _dX, dW, db = corr2d_multi_in_out_vjp(X, W, delta, np.zeros(co))
        return int(np.count_nonzero(dW) + np.count_nonzero(db))
    import torch

    return sum(p.numel() for p in torch.nn.Conv2d(ci, co, (kh, kw)).parameters())


LAYERS = grid_of((c_i, (1, 2, 3)), (c_o, (1, 2)), (k_h, (1, 2, 3)), (k_w, (1, 3)))

_register(
    "param_count",
    "6.3.2",
    "parameters of a conv layer: c_o·c_i·k_h·k_w + c_o (PyTorch's bias per output channel)",
    ("W: c_o × c_i × k_h × k_w, b: c_o",),
    (
        General(
            Statement(
                "param_count",
                ones((o, 1, c_o), (c, 1, c_i), (a, 1, k_h), (b, 1, k_w)) + ones((u, 1, c_o)),
                c_o * c_i * k_h * k_w + c_o,
            ),
            count_out,
            grid=LAYERS,
            value=_params_used,
        ),
    ),
    _params_concrete,
    _grid_check(_params_witness, lambda L: L[1] * L[0] * L[2] * L[3] + L[1]),
)


def _notes_params_used(P: Point) -> int:
    """Parameters in the notes' layer ``H_p = Σ_d (X_d * W_{p,d} + B_{p,d})``, built with symbolic
    ``corr2d`` (one kernel and one bias per input–output channel pair)."""
    xs = [symbols(f"x{dd}", (3, 3)) for dd in range(P[c_i])]
    used: set[Any] = set()
    for pp in range(P[c_o]):
        H = [
            corr2d(xs[dd], symbols(f"w{pp}_{dd}", (P[k_h], P[k_w]))).applyfunc(
                lambda h, pp=pp, dd=dd: h + sympy.Symbol(f"B_{pp},{dd}")
            )
            for dd in range(P[c_i])
        ]
        total = sum((sympy.Array(h) for h in H[1:]), sympy.Array(H[0]))
        used |= set().union(*(sympy.sympify(h).free_symbols for h in entries(total)))
    return len(used - set().union(*(set(entries(x)) for x in xs)))


def _params_notes_concrete() -> tuple[int, str]:
    count = 0
    for ci, co, kh, kw in _layers():
        got = _notes_params_used({c_i: ci, c_o: co, k_h: kh, k_w: kw})
        if got != co * ci * (kh * kw + 1):
            return count, f"layer {(ci, co, kh, kw)}: {got} parameters"
        count += 1
    return count, ""


def _params_notes_witness(system: System, layer: tuple) -> int | None:
    ci, co, kh, kw = layer
    if system.name == "numpy":
        return int(np.zeros((co, ci, kh, kw)).size + np.zeros((co, ci)).size)
    import torch  # one Conv2d(1, 1) per (p, d) pair: the notes' layer as PyTorch would build it

    return sum(p.numel() for _ in range(co * ci) for p in torch.nn.Conv2d(1, 1, (kh, kw)).parameters())


_register(
    "param_count_notes",
    "6.3.2",
    "the notes' per-(p, d) bias: c_o·c_i·(k_h·k_w + 1) parameters, c_o(c_i − 1) more than PyTorch's layer",
    ("H_p = Σ_d (X_d * W_{p,d} + B_{p,d})",),
    (
        General(
            Statement(
                "param_count_notes",
                ones((o, 1, c_o), (c, 1, c_i), (a, 1, k_h), (b, 1, k_w)) + ones((o2, 1, c_o), (c2, 1, c_i)),
                c_o * c_i * (k_h * k_w + 1),
            ),
            count_out,
            grid=LAYERS,
            value=_notes_params_used,
        ),
    ),
    _params_notes_concrete,
    _grid_check(_params_notes_witness, lambda L: L[1] * L[0] * (L[2] * L[3] + 1)),
)


# --- multiply-adds ---------------------------------------------------------------------------------


def _products(P: Point) -> int:
    """Products ``w·x`` in the output of a symbolic ``corr2d_multi_in_out`` layer (no padding; input
    ``c_i × n_h × n_w``, stride ``s``, dilation ``d``)."""
    X, W = symbols("x", (P[c_i], P[n_h], P[n_w])), symbols("w", (P[c_o], P[c_i], P[k_h], P[k_w]))
    H = corr2d_multi_in_out(X, W, stride=P[s], dilation=P[d])
    return sum(len(sympy.Add.make_args(h)) for h in entries(H))


def _flop_grid() -> Iterator[Point]:
    """Small layers with stride and dilation; ``m_h, m_w`` are the windows the operator enumerates."""
    for ci, co, kh, kw, (nh, nw, st, dl) in itertools.product(
        (1, 2), (1, 2), (1, 3), (1, 2), ((3, 4, 1, 1), (5, 6, 2, 1), (6, 5, 1, 2))
    ):
        mh, mw = (len(axis_windows(nn, kk, st, (0, 0), dl)) for nn, kk in ((nh, kh), (nw, kw)))
        if mh and mw:
            yield {c_i: ci, c_o: co, k_h: kh, k_w: kw, m_h: mh, m_w: mw, n_h: nh, n_w: nw, s: st, d: dl}


def _flops_concrete() -> tuple[int, str]:
    count = 0
    for ci, co, kh, kw in _layers():
        mh, mw = 3 - kh + 1, 4 - kw + 1
        got = _products({c_i: ci, c_o: co, k_h: kh, k_w: kw, n_h: 3, n_w: 4, s: 1, d: 1})
        if got != co * ci * kh * kw * mh * mw:
            return count, f"layer {(ci, co, kh, kw)}: {got} products"
        count += 1
    return count, ""


def _flops_witness(system: System, layer: tuple) -> int | None:
    ci, co, kh, kw = layer
    mh, mw = 3 - kh + 1, 4 - kw + 1
    # multiply-adds = Σ over outputs of the taps that read the input: the output of all-ones inputs
    out = system.corr2d_multi_in_out(system.asarray(np.ones((ci, 3, 4))), system.asarray(np.ones((co, ci, kh, kw))))
    if system.shape(out) != (co, mh, mw):
        return -1
    return round(float(np.asarray(system.to_numpy(out), dtype=float).sum()))


MULTIPLY_ADDS = ones((o, 1, c_o), (u, 1, m_h), (v, 1, m_w), (c, 1, c_i), (a, 1, k_h), (b, 1, k_w))

_register(
    "flop_count",
    "6.2.4",
    "multiply-adds of a conv layer: c_o·c_i·k_h·k_w·m_h·m_w",
    ("output c_o × m_h × m_w, no padding",),
    (
        General(
            Statement("flop_count", MULTIPLY_ADDS, c_o * c_i * k_h * k_w * m_h * m_w),
            count_out,
            grid=_flop_grid,
            value=_products,
        ),
    ),
    _flops_concrete,
    _grid_check(_flops_witness, lambda L: L[1] * L[0] * L[2] * L[3] * (3 - L[2] + 1) * (4 - L[3] + 1)),
)


# --- the notes' figures ----------------------------------------------------------------------------

layers_, samples, work, rate = sympy.symbols("L N T rate", integer=True, positive=True)
NOTES_LAYER = {c_o: 100, c_i: 100, k_h: 5, k_w: 5, m_h: 64, m_w: 64}
NOTES_RUN = {**NOTES_LAYER, layers_: 10, samples: 10**6}
CPU, GPU = 15 * 10**10, 12 * 10**12  # multiply-adds per second: 0.15 and 12 TFLOP/s
TAKEN = 10**16  # the notes' "10 PFLOP"
EXACT = 1_024 * 10**13  # 10 layers × 10^6 samples × 1.024·10^9 (the run's part below)


def _figures_concrete() -> tuple[int, str]:
    checks = [
        (100 * 100 * 5 * 5 * 64 * 64, 1_024_000_000),
        (round(10**16 / 0.15e12 / 3600, 1), 18.5),
        (round(10**16 / 12e12 / 60), 14),
    ]
    for got, want in checks:
        if got != want:
            return 0, f"{got} != {want}"
    return len(checks), ""


def _figures_check(thm: Theorem, result: ProofResult, system: System) -> CheckResult:
    """Float64 arithmetic in the system reproduces the notes' figures."""
    one = system.asarray(np.ones(1))
    flops = float(system.to_numpy(one * 100 * 100 * 5 * 5 * 64 * 64)[0])
    hours = float(system.to_numpy(one * 1e16 / 0.15e12 / 3600)[0])
    minutes = float(system.to_numpy(one * 1e16 / 12e12 / 60)[0])
    ok = flops == 1.024e9 and round(hours, 1) == 18.5 and round(minutes) == 14
    detail = f"{flops:.4g} multiply-adds per layer, {hours:.2f} h on the CPU, {minutes:.1f} min on the GPU"
    return CheckResult(system.name, "ok" if ok else "failed", detail, 3)


_LAYER_COUNT: dict[str, int] = {}


def _layer_flops(_P: Point) -> int:
    """Multiply-adds of the notes' layer counted by the NumPy operator: the sum of the output of an
    all-ones ``corr2d_multi_in_out`` (c = 100 channels in and out, 5 × 5 kernel, 68 × 68 input, so
    64 × 64 outputs), exact in float64."""
    if "layer" not in _LAYER_COUNT:
        out = NUMPY.corr2d_multi_in_out(np.ones((100, 68, 68)), np.ones((100, 100, 5, 5)))
        assert out.shape == (100, 64, 64)
        _LAYER_COUNT["layer"] = round(float(out.sum()))
    return _LAYER_COUNT["layer"]


def rounded(x: Any, places: int) -> Any:
    """``x`` rounded half up to ``places`` decimals, as a formal term: ``⌊10^places·x + 1/2⌋ / 10^places``.

    >>> rounded(Rational(500, 27), 1)
    37/2
    """
    scale = 10**places
    return floor(scale * x + Rational(1, 2)) / scale


def _float_rounded(x: float, places: int) -> Any:
    """The same rounding in float64 (NumPy), read back exactly."""
    return Rational(repr(float(np.round(np.float64(x), places))))


def _by_hypotheses(st: Statement) -> Thm:
    """Substitute every pinned size (``x = value`` among the hypotheses); SymPy evaluates the rest."""
    pr = Proof(st)
    for h in st.hyps:
        if isinstance(h, Eq) and isinstance(h.lhs, sympy.Symbol) and h.lhs in pr.current.free_symbols:
            pr = pr.hypothesis(h, why=f"{h.lhs} = {h.rhs}")
    return pr.qed()


def _figure(label: str, lhs: Any, rhs: Any, pins: dict[Any, int], value: Callable[[Point], Any]) -> General:
    return General(
        Statement("flop_count_notes_figures", lhs, rhs, tuple(Eq(x, val) for x, val in pins.items())),
        _by_hypotheses,
        label=label,
        grid=lambda: iter([dict(pins)]),
        value=value,
    )


PER_LAYER = c_o * c_i * k_h * k_w * m_h * m_w  # flop_count's right side

_register(
    "flop_count_notes_figures",
    "6.2.4",
    "the notes' figures: 1 GFLOP per layer (c = 100, k = 5, m = 64); 10 PFLOP for 10 layers × 10^6 samples; "
    "≈ 18.5 h at 0.15 TFLOP/s; ≈ 14 min at 12 TFLOP/s (10 PFLOP taken as 10^16; the exact count, "
    "1.024·10^16, gives 18.96 h and 14.2 min)",
    ("10 PFLOP taken as 10^16 (the exact count is 1.024·10^16: 18.96 h and 14.2 min)",),
    (
        _figure("per layer: 1.024·10^9 (1 GFLOP)", PER_LAYER, 1_024_000_000, NOTES_LAYER, _layer_flops),
        _figure(
            "10 layers × 10^6 samples: 1.024·10^16 (the notes' 10 PFLOP)",
            layers_ * samples * PER_LAYER,
            EXACT,
            NOTES_RUN,
            lambda P: 10 * 10**6 * _layer_flops(P),
        ),
        _figure(
            "≈ 18.5 h at 0.15 TFLOP/s (10 PFLOP taken as T = 10^16, rounded to 0.1 h)",
            rounded(work / (3600 * rate), 1),
            Rational(37, 2),
            {work: TAKEN, rate: CPU},
            lambda P: _float_rounded(1e16 / 0.15e12 / 3600, 1),
        ),
        _figure(
            "≈ 14 min at 12 TFLOP/s (10 PFLOP taken as T = 10^16, rounded to 1 min)",
            rounded(work / (60 * rate), 0),
            14,
            {work: TAKEN, rate: GPU},
            lambda P: _float_rounded(1e16 / 12e12 / 60, 0),
        ),
        _figure(
            "the exact count T = 1.024·10^16 at 0.15 TFLOP/s: 18.96 h (rounded to 0.01 h)",
            rounded(work / (3600 * rate), 2),
            Rational(1896, 100),
            {work: EXACT, rate: CPU},
            lambda P: _float_rounded(10 * 10**6 * _layer_flops(P) / 0.15e12 / 3600, 2),
        ),
        _figure(
            "the exact count T = 1.024·10^16 at 12 TFLOP/s: 14.2 min (rounded to 0.1 min)",
            rounded(work / (60 * rate), 1),
            Rational(142, 10),
            {work: EXACT, rate: GPU},
            lambda P: _float_rounded(10 * 10**6 * _layer_flops(P) / 12e12 / 60, 1),
        ),
    ),
    _figures_concrete,
    _figures_check,
)


# --- receptive field: any number of layers, by induction -----------------------------------------------
#
# Layers are counted from the top: K[m], S[m] are the kernel size and stride of the m-th layer below the
# output.  Output cell u of a layer reads cells u·s … u·s + k − 1 of the layer below (0-based), so the last
# input cell that output 0 of the top reads after m layers is R[m]: R[0] = 0, R[m + 1] = S[m + 1]·R[m] +
# K[m + 1] − 1.  With no gaps (s ≤ k in every layer) it reads every cell 0 … R[L]: r = R[L] + 1.

K, S = IndexedBase("K"), IndexedBase("S")
L = sympy.Symbol("L", integer=True)
m, l, jj = sympy.symbols("m l j", integer=True)
R, R_ZERO, R_SUCC = define_sequence("R", m, 0, S[m + 1] * IndexedBase("R")[m] + K[m + 1] - 1)


def closed(top: Any) -> Any:
    """``Σ_{l=1}^{L} (K[l] − 1) Π_{j=l+1}^{L} S[j]``: the reach of ``L`` layers counted from the top (the
    notes' ``Σ_l (k_l − 1) Π_{j<l} s_j`` with layers counted from the input).

    >>> from symconv.kernel import evaluate
    >>> evaluate(closed(2), {}, {K: [2, 3], S: [1, 2]})  # (2 − 1)·2 + (3 − 1)
    4
    """
    return Sum((K[l] - 1) * Product(S[jj], (jj, l + 1, top)), (l, 1, top))


def _nth(expr: Any, var: Any, lo: Any) -> int:
    """Which of the sums or products binding ``var`` (in reading order) starts at ``lo``."""
    found = [e for e in sympy.preorder_traversal(expr) if isinstance(e, (Sum, Product)) and e.limits[0][0] == var]
    return next(i for i, e in enumerate(found) if sympy.expand(e.limits[0][1] - lo) == 0)


def _peel() -> Thm:
    """``Σ_{l=1}^{L+1} (K[l] − 1) Π_{j=l+1}^{L+1} S[j] = Σ_{l=1}^{L} (K[l] − 1) Π_{j=l+1}^{L} S[j]·S[L+1] +
    K[L+1] − 1``: the top layer's term split off, the bottom stride split off every product."""
    peeled = Sum((K[l] - 1) * Product(S[jj], (jj, l + 1, L)) * S[L + 1], (l, 1, L)) + K[L + 1] - 1
    pr = Proof(Statement("reach_peel", closed(L + 1), peeled, (sympy.Ge(L, 0),)))
    pr.split(l, L, why="the layers 1 … L and layer L + 1")
    pr.singleton(l, which=_nth(pr.current, l, L + 1), why="one term: l = L + 1")
    pr.singleton(jj, which=_nth(pr.current, jj, L + 2), why="an empty product is 1")
    pr.split(jj, L, which=_nth(pr.current, jj, l + 1), why="the strides l + 1 … L and S[L + 1]")
    pr.singleton(jj, which=_nth(pr.current, jj, L + 1), why="one factor: S[L + 1]")
    return pr.qed()


def reach_base() -> Thm:
    """``R[0] = Σ_{l=1}^{0} …`` (both 0): the base of the induction.

    >>> [step.rule for step in reach_base().steps]
    ['start', 'instance', 'instance']
    """
    empty = Proof(Statement("reach_empty", closed(0), 0)).singleton(l, why="no layer: an empty sum").qed()
    return (
        Proof(Statement("reach_base", R[0], closed(0)))
        .instance(R_ZERO, why="R[0] = 0: the output cell itself")
        .instance(empty, reverse=True, why="an empty sum")
        .qed()
    )


def reach_step() -> Thm:
    """``L ≥ 0, R[L] = Σ_{l=1}^{L} … ⊢ R[L + 1] = Σ_{l=1}^{L+1} …``: the step of the induction.

    >>> [step.rule for step in reach_step().steps]
    ['start', 'instance', 'hypothesis', 'linearity', 'instance']
    """
    hypothesis = Eq(R[L], closed(L))
    return (
        Proof(Statement("reach_step", R[L + 1], closed(L + 1), (sympy.Ge(L, 0), hypothesis)))
        .instance(R_SUCC, {m: L}, why="one more layer: its window reaches S·R + K − 1")
        .hypothesis(hypothesis, why="the induction hypothesis P(L)")
        .push(l, why="the stride S[L + 1] into the sum")
        .instance(_peel(), reverse=True, why="the closed form for L + 1 layers, split at its bottom layer")
        .qed()
    )


REACH = Statement("reach_closed", R[L], closed(L), (sympy.Ge(L, 0),))


def _reach() -> Thm:
    """``L ≥ 0 ⊢ R[L] = Σ_{l=1}^{L} (K[l] − 1) Π_{j=l+1}^{L} S[j]`` by induction on ``L``."""
    return induction(REACH, L, 0, reach_base(), reach_step())


def _receptive_proof(st: Statement) -> Thm:
    return Proof(st).instance(_reach(), why="the reach R[L] in closed form (by induction on L)").qed()


def _stacks() -> Iterator[tuple[tuple[int, int], ...]]:
    for L_ in (1, 2, 3):
        yield from itertools.product(((1, 1), (2, 1), (2, 2), (3, 1), (3, 2), (3, 3)), repeat=L_)


def _closed(stack: tuple[tuple[int, int], ...]) -> int:
    r, jump = 1, 1
    for k, s_ in stack:
        r, jump = r + (k - 1) * jump, jump * s_
    return r


def _read(stack: tuple[tuple[int, int], ...], size: int) -> int:
    """How many input cells output 0 of a stack of symbolic ``corr1d`` layers (``(k, s)`` from the input
    up) depends on."""
    x = symbols("x", size)
    h = x
    for number, (k, s_) in enumerate(stack):
        h = corr1d(h, symbols(f"w{number}", k), stride=s_)
    return len(sympy.sympify(h[0]).free_symbols & set(entries(x)))


def _receptive_value(P: Point) -> int:
    """The cells read by the top output: the point's top-down ``K, S`` turned into the stack bottom-up,
    on an input long enough for any stack of its sizes (``2 + L·max k·Π s`` cells)."""
    stack = tuple(zip(reversed(P[K]), reversed(P[S])))
    size = 2 + len(stack) * max((k for k, _ in stack), default=1) * int(np.prod([s_ for _, s_ in stack]))
    return _read(stack, size)


def _receptive_grid() -> Iterator[Point]:
    """Stacks with no gaps (s ≤ k): every one of 0, 1 or 2 layers, and some of 3 and 4."""
    pairs = ((1, 1), (2, 1), (2, 2), (3, 1), (3, 2), (3, 3), (4, 3))
    deep = [((3, 2), (2, 2), (3, 1)), ((2, 1), (3, 3), (2, 2)), ((4, 3), (3, 2), (2, 1), (3, 3)), ((2, 2),) * 4]
    for stack in [(), *((p,) for p in pairs), *itertools.product(pairs, repeat=2), *deep]:
        top_down = stack[::-1]
        yield {L: len(stack), K: [k for k, _ in top_down], S: [s_ for _, s_ in top_down]}


def _receptive_concrete() -> tuple[int, str]:
    count = 0
    for stack in _stacks():
        seen = _read(stack, _closed(stack) + 4)
        if seen != _closed(stack):
            return count, f"layers {stack}: output 0 reads {seen} inputs"
        count += 1
    # the notes' example: two 2×2 layers, z reads 3 × 3 = 9 inputs
    z = corr2d(corr2d(symbols("x", (3, 3)), symbols("w", (2, 2))), symbols("v", (2, 2)))
    if len(z[0, 0].free_symbols & set(entries(symbols("x", (3, 3))))) != 9:
        return count, "the notes' two 2×2 layers"
    return count + 1, ""


def _receptive_check(thm: Theorem, result: ProofResult, system: System) -> CheckResult:
    """The inputs that output 0 depends on: cells with a non-zero gradient (ones kernels)."""
    count = 0
    for stack in _stacks():
        n = _closed(stack) + 4
        if system.name == "numpy":
            xs, h = [np.ones((1, n))], np.ones((1, n))
            for k, s_ in stack:
                h = numeric_corr2d(h, np.ones((1, k)), stride=(1, s_))
                xs.append(h)
            grad = np.zeros_like(xs[-1])
            grad[0, 0] = 1
            for (k, s_), x in zip(reversed(stack), reversed(xs[:-1])):
                grad, _ = corr2d_vjp(x, np.ones((1, k)), grad, stride=(1, s_))
            seen = int(np.count_nonzero(grad))
        else:
            import torch

            x = torch.ones(1, 1, n, dtype=torch.float64, device=system.device, requires_grad=True)
            h = x
            for k, s_ in stack:
                h = torch.nn.functional.conv1d(h, torch.ones(1, 1, k, dtype=torch.float64, device=x.device), stride=s_)
            (grad,) = torch.autograd.grad(h[0, 0, 0], x)
            seen = int(torch.count_nonzero(grad))
        if seen != _closed(stack):
            return CheckResult(system.name, "failed", f"layers {stack}: {seen} inputs, formula {_closed(stack)}", count)
        count += 1
    return CheckResult(system.name, "ok", f"{count} stacks: the inputs with a non-zero gradient number r", count)


_register(
    "receptive_field",
    "6.1.5",
    "receptive field of stacked layers: r = 1 + Σ_l (k_l − 1)·Π_{j<l} s_j, layers l = 1 … L counted from the "
    "input (two 2×2 layers: 3 × 3 = 9 inputs); all sizes: R[L] + 1 = 1 + Σ_{l=1}^{L} (K[l] − 1)·Π_{j=l+1}^{L} S[j] "
    "with layers counted from the top (K[m] = k_{L+1−m}, S[m] = s_{L+1−m}) and R the window recursion "
    "R[0] = 0, R[m+1] = S[m+1]·R[m] + K[m+1] − 1 (the last input cell read)",
    ("s_l ≤ k_l (no gaps: then every cell up to the last one read is read)",),
    (
        General(
            Statement("receptive_field", R[L] + 1, 1 + closed(L), (sympy.Ge(L, 0),)),
            _receptive_proof,
            label="any L layers, by induction (bridge: stacks with s_l ≤ k_l)",
            grid=_receptive_grid,
            value=_receptive_value,
        ),
    ),
    _receptive_concrete,
    _receptive_check,
)
