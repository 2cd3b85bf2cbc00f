"""Output-shape arithmetic for all sizes (notes 6.1.3, 6.2.1, 6.2.2, 6.3.1; Dumoulin & Visin 2016).

Each theorem here is proved with symbolic sizes (a :class:`Derivation`) and
checked, size by size over a grid, against the shapes that the symbolic
operators, the NumPy reference and PyTorch actually produce (``n ≤ 12,
k ≤ 5, s ≤ 3, p ≤ 2, d ≤ 2``, ``ceil_mode`` both ways).

Sizes: ``n`` (or ``i``) input, ``k`` kernel, ``s`` stride, ``p`` padding per
side (``P = p_lo + p_hi`` in total), ``d`` dilation; ``e = d(k−1)+1`` is the
number of cells one window spans.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import sympy
from sympy import floor

from ..result import CheckResult, ProofResult
from ..spec import output_size
from ..systems import System
from .grid import register_on_grid
from .registry import Theorem


def positive(names):
    return sympy.symbols(names, integer=True, positive=True)


def nonneg(names):
    return sympy.symbols(names, integer=True, nonnegative=True)


n, k, s, d = positive("n k s d")
i_in, i_t = positive("i i'")
p, p_lo, p_hi, t = nonneg("p p_lo p_hi t")


def formula(size: Any, kernel: Any, stride: Any = 1, total_pad: Any = 0, dilation: Any = 1) -> Any:
    """⌊(n + P − d(k−1) − 1)/s⌋ + 1."""
    return floor((size + total_pad - dilation * (kernel - 1) - 1) / stride) + 1


GRID = dict(n=range(1, 13), k=range(1, 6), s=range(1, 4), p=range(0, 3), d=range(1, 3))


def _grid() -> Iterator[dict[str, int]]:
    for values in itertools.product(*GRID.values()):
        yield dict(zip(GRID, values))


_SHAPES: dict[tuple, int] = {}  # (system, operator, sizes) -> length: theorems share grid points


def _conv_shape(system: System, size: int, kernel: int, stride: int, pad: Any, dilation: int) -> int:
    key = (system.name, "corr1d", size, kernel, stride, pad, dilation)
    if key not in _SHAPES:
        out = system.corr1d(system.asarray(np.zeros(size)), system.asarray(np.zeros(kernel)), stride, pad, dilation)
        _SHAPES[key] = system.shape(out)[-1]
    return _SHAPES[key]


def _pool_shape(system: System, size: int, kernel: int, stride: int, pad: int, dilation: int, ceil: bool) -> int:
    key = (system.name, "pool2d", size, kernel, stride, pad, dilation, ceil)
    if key not in _SHAPES:
        X = system.asarray(np.zeros((1, size)))
        out = system.pool2d(X, (1, kernel), (1, stride), (0, pad), "max", (1, dilation), ceil)
        _SHAPES[key] = system.shape(out)[-1]
    return _SHAPES[key]


def _transposed_shape(size_in: int, kernel: int, stride: int, pad: int, dilation: int, extra: int) -> int | None:
    """Output length of ``torch.nn.functional.conv_transpose1d`` (None without torch)."""
    try:
        import torch
    except ImportError:
        return None
    x = torch.zeros(1, 1, size_in, dtype=torch.float64)
    w = torch.zeros(1, 1, kernel, dtype=torch.float64)
    y = torch.nn.functional.conv_transpose1d(x, w, stride=stride, padding=pad, output_padding=extra, dilation=dilation)
    return int(y.shape[-1])


Case = tuple[str, int, int | None]  # label, the formula's value, what a system produced


def _checker(cases: Callable[[System], Iterator[Case]]) -> Callable[..., CheckResult]:
    def check(thm: Theorem, result: ProofResult, system: System) -> CheckResult:
        count = 0
        for label, expected, got in cases(system):
            if got is None:
                continue
            if got != expected:
                return CheckResult(system.name, "failed", f"{label}: formula {expected}, {system.name} {got}", count)
            count += 1
        return CheckResult(system.name, "ok", f"{count} sizes agree with the formula", count)

    return check


def _conv_cases(fits: Callable[[dict[str, int]], bool], value: Callable[[dict[str, int]], int]):
    """Direct convolutions on the grid where ``fits``: formula ``value`` vs the system's shape."""

    def cases(system: System) -> Iterator[Case]:
        for g in _grid():
            if fits(g) and g["d"] * (g["k"] - 1) + 1 <= g["n"] + 2 * g["p"]:
                got = _conv_shape(system, g["n"], g["k"], g["s"], g["p"], g["d"])
                yield str(g), value(g), got

    return cases


def _symbolic_too(cases: Callable[[System], Iterator[Case]]) -> Callable[[], tuple[int, str]]:
    """Agreement with the symbolic operators: the concrete level of the same statement."""
    from ..systems import SYMPY

    def run() -> tuple[int, str]:
        count = 0
        for label, expected, got in cases(SYMPY):
            if got is not None and got != expected:
                return count, f"{label}: formula {expected}, symbolic operator {got}"
            count += 1
        return count, ""

    return run


def _register(
    name: str,
    section: str,
    statement: str,
    hypotheses: tuple[str, ...],
    general: Any,
    cases: Callable[[System], Iterator[Case]],
) -> None:
    register_on_grid(
        name,
        section,
        statement,
        hypotheses,
        general=(),
        concrete=_symbolic_too(cases),
        checker=_checker(cases),
        grid="n ≤ 12, k ≤ 5, s ≤ 3, p ≤ 2, d ≤ 2",
        agreement="sizes: the symbolic operators' shapes equal the formula",
    )


# --- the window count ------------------------------------------------------------------------------


_window_count = None


_register(
    "output_size_formula",
    "6.2.2",
    "#windows = ⌊(n + p_lo + p_hi − d(k−1) − 1)/s⌋ + 1",
    ("s, d, k, n ≥ 1; p_lo, p_hi ≥ 0", "d(k−1)+1 ≤ n + p_lo + p_hi"),
    _window_count,
    _conv_cases(lambda g: True, lambda g: int(formula(g["n"], g["k"], g["s"], 2 * g["p"], g["d"]))),
)


def _instance(*_args: Any, **_kw: Any) -> None:
    return None


# --- the notes' forms -----------------------------------------------------------------------------

p_h, q, r = nonneg("p_h q r")

NOTES = [
    (
        "output_size_notes_form",
        "6.2.2",
        "d = 1, total padding p_h: ⌊(n_h + p_h − k_h + s_h)/s_h⌋ (the notes' formula)",
        formula(n, k, s, p_h),
        floor((n + p_h - k + s) / s),
        {},
        ("d = 1", "k ≤ n + p_h"),
        lambda g: g["d"] == 1,
        lambda g: (g["n"] + 2 * g["p"] - g["k"] + g["s"]) // g["s"],
    ),
    (
        "output_size_narrow",
        "6.2.2",
        "narrow (s = 1, p = 0): n − k + 1",
        formula(n, k),
        n - k + 1,
        {},
        ("s = 1, p = 0", "k ≤ n"),
        lambda g: g["s"] == 1 and g["p"] == 0 and g["d"] == 1,
        lambda g: g["n"] - g["k"] + 1,
    ),
    (
        "output_size_same",
        "6.2.2",
        "same (s = 1, p_h = k − 1 in total): n",
        formula(n, k, 1, p_h),
        n,
        {p_h: k - 1},
        ("s = 1", "total padding p_h = k − 1"),
        lambda g: g["s"] == 1 and g["d"] == 1 and 2 * g["p"] == g["k"] - 1,
        lambda g: g["n"],
    ),
    (
        "output_size_wide",
        "6.2.1",
        "wide (s = 1, P = 2(k − 1) in total, the notes' P = 2K − 2): n + k − 1",
        formula(n, k, 1, p_h),
        n + k - 1,
        {p_h: 2 * (k - 1)},
        ("s = 1", "total padding 2(k − 1)"),
        lambda g: g["s"] == 1 and g["d"] == 1 and g["p"] == g["k"] - 1,
        lambda g: g["n"] + g["k"] - 1,
    ),
    (
        "output_size_same_strided",
        "6.2.2",
        "p_h = k − 1 in total, stride s: ⌊(n + s − 1)/s⌋",
        formula(n, k, s, p_h),
        floor((n + s - 1) / s),
        {p_h: k - 1},
        ("total padding p_h = k − 1",),
        lambda g: g["d"] == 1 and 2 * g["p"] == g["k"] - 1,
        lambda g: (g["n"] + g["s"] - 1) // g["s"],
    ),
]

for name, section, statement, start, target, subs, hyps, fits, value in NOTES:
    _register(
        name,
        section,
        statement,
        hyps,
        _instance(name, start, target, "substitute the hypotheses", hyps, subs),
        _conv_cases(fits, value),
    )


_register(
    "output_size_stride_divides",
    "6.2.2",
    "p_h = k − 1 in total and s | n: n/s",
    ("total padding p_h = k − 1", "n = s·q"),
    _instance(
        "output_size_stride_divides",
        formula(s * q, k, s, p_h),
        q,
        "n = s q, p_h = k − 1",
        ("total padding p_h = k − 1", "n = s·q"),
        {p_h: k - 1},
    ),
    _conv_cases(
        lambda g: g["d"] == 1 and 2 * g["p"] == g["k"] - 1 and g["n"] % g["s"] == 0, lambda g: g["n"] // g["s"]
    ),
)

N1, K1, S1, P1 = positive("N K S P")
_register(
    "output_size_1d_notes",
    "6.2.1",
    "1-D, P in total: (N − K + P)/S + 1 neurons, when S divides N − K + P",
    ("S | N − K + P (otherwise the floor is needed)", "K ≤ N + P"),
    _instance(
        "output_size_1d_notes",
        formula(S1 * r + K1 - P1, K1, S1, P1),
        r + 1,
        "N − K + P = S r",
        ("S | N − K + P", "K ≤ N + P"),
    ),
    _conv_cases(
        lambda g: g["d"] == 1 and (g["n"] - g["k"] + 2 * g["p"]) % g["s"] == 0,
        lambda g: (g["n"] - g["k"] + 2 * g["p"]) // g["s"] + 1,
    ),
)


# --- Dumoulin & Visin, "A guide to convolution arithmetic for deep learning" ------------------------


def _transposed_cases(value: Callable[[dict[str, int]], int], fits: Callable[[dict[str, int]], bool]):
    """Transposed convolutions of the grid's direct ones: ``value(g)`` vs torch's conv_transpose1d."""

    def cases(system: System) -> Iterator[Case]:
        for g in _grid():
            if not fits(g) or g["d"] != 1 or g["k"] > g["n"] + 2 * g["p"]:
                continue
            o = int(formula(g["n"], g["k"], g["s"], 2 * g["p"]))
            a = (g["n"] + 2 * g["p"] - g["k"]) % g["s"]
            if system.name in ("numpy", "sympy"):  # the construction: a unit-stride conv of the stretched input
                got = _conv_shape(system, g["s"] * (o - 1) + 1 + a, g["k"], 1, g["k"] - g["p"] - 1, 1)
            else:
                got = _transposed_shape(o, g["k"], g["s"], g["p"], 1, a)
            yield f"transposed of {g}", value({**g, "o": o, "a": a}), got

    return cases


def _pool_cases(value: Callable[[dict[str, int]], int]):
    def cases(system: System) -> Iterator[Case]:
        for g in _grid():
            if g["p"] == 0 and g["d"] * (g["k"] - 1) + 1 <= g["n"]:
                yield str(g), value(g), _pool_shape(system, g["n"], g["k"], g["s"], 0, g["d"], False)

    return cases


def _dv(number: int, statement: str, hyps: tuple[str, ...], start: Any, target: Any, subs: dict, cases) -> None:
    name = f"dumoulin_visin_{number}"
    fits = "d(k−1)+1 ≤ i + 2p (the kernel fits)" if number == 15 else "k ≤ i + 2p (the kernel fits)"
    hyps = (fits, "s, k, i ≥ 1, p ≥ 0", *hyps)
    _register(
        name,
        "6.2.2",
        f"Dumoulin & Visin relationship {number}: {statement}",
        hyps,
        _instance(name, start, target, "substitute the hypotheses", hyps, subs),
        cases,
    )


i_st = s * (i_t - 1) + 1  # the stretched input of a transposed convolution: s − 1 zeros between cells
a_ex = nonneg("a")
_dv(
    1,
    "s = 1, p = 0: o = (i − k) + 1",
    ("s = 1", "p = 0"),
    formula(i_in, k),
    i_in - k + 1,
    {},
    _conv_cases(lambda g: g["s"] == 1 and g["p"] == 0 and g["d"] == 1, lambda g: g["n"] - g["k"] + 1),
)
_dv(
    2,
    "s = 1: o = (i − k) + 2p + 1",
    ("s = 1",),
    formula(i_in, k, 1, 2 * p),
    i_in - k + 2 * p + 1,
    {},
    _conv_cases(lambda g: g["s"] == 1 and g["d"] == 1, lambda g: g["n"] - g["k"] + 2 * g["p"] + 1),
)
_dv(
    3,
    "half padding: k = 2q + 1, s = 1, p = ⌊k/2⌋ = q: o = i",
    ("k = 2q + 1", "s = 1", "p = q"),
    formula(i_in, 2 * q + 1, 1, 2 * q),
    i_in,
    {},
    _conv_cases(lambda g: g["s"] == 1 and g["d"] == 1 and g["k"] % 2 == 1 and g["p"] == g["k"] // 2, lambda g: g["n"]),
)
_dv(
    4,
    "full padding: s = 1, p = k − 1: o = i + (k − 1)",
    ("s = 1", "p = k − 1"),
    formula(i_in, k, 1, 2 * p),
    i_in + k - 1,
    {p: k - 1},
    _conv_cases(lambda g: g["s"] == 1 and g["d"] == 1 and g["p"] == g["k"] - 1, lambda g: g["n"] + g["k"] - 1),
)
_dv(
    5,
    "p = 0: o = ⌊(i − k)/s⌋ + 1",
    ("p = 0",),
    formula(i_in, k, s),
    floor((i_in - k) / s) + 1,
    {},
    _conv_cases(lambda g: g["p"] == 0 and g["d"] == 1, lambda g: (g["n"] - g["k"]) // g["s"] + 1),
)
_dv(
    6,
    "o = ⌊(i + 2p − k)/s⌋ + 1",
    (),
    formula(i_in, k, s, 2 * p),
    floor((i_in + 2 * p - k) / s) + 1,
    {},
    _conv_cases(lambda g: g["d"] == 1, lambda g: (g["n"] + 2 * g["p"] - g["k"]) // g["s"] + 1),
)
_dv(
    7,
    "pooling: o = ⌊(i − k)/s⌋ + 1",
    ("pooling slides the same windows, no padding",),
    formula(i_in, k, s),
    floor((i_in - k) / s) + 1,
    {},
    _pool_cases(lambda g: (g["n"] - (g["d"] * (g["k"] - 1) + 1)) // g["s"] + 1),
)
_dv(
    8,
    "transposed of (s = 1, p = 0): k' = k, s' = 1, p' = k − 1: o' = i' + (k − 1)",
    ("s = 1", "p = 0"),
    formula(i_t, k, 1, 2 * (k - 1)),
    i_t + k - 1,
    {},
    _transposed_cases(lambda g: g["o"] + g["k"] - 1, lambda g: g["s"] == 1 and g["p"] == 0),
)
_dv(
    9,
    "transposed of (s = 1, p): p' = k − p − 1: o' = i' + (k − 1) − 2p",
    ("s = 1", "p ≤ k − 1"),
    formula(i_t, k, 1, 2 * (k - p - 1)),
    i_t + k - 1 - 2 * p,
    {},
    _transposed_cases(lambda g: g["o"] + g["k"] - 1 - 2 * g["p"], lambda g: g["s"] == 1 and g["p"] <= g["k"] - 1),
)
_dv(
    10,
    "transposed half padding: k = 2q + 1, s = 1, p = q: o' = i'",
    ("k = 2q + 1", "s = 1", "p = q"),
    formula(i_t, 2 * q + 1, 1, 2 * (2 * q + 1 - q - 1)),
    i_t,
    {},
    _transposed_cases(lambda g: g["o"], lambda g: g["s"] == 1 and g["k"] % 2 == 1 and g["p"] == g["k"] // 2),
)
_dv(
    11,
    "transposed full padding: s = 1, p = k − 1, p' = 0: o' = i' − (k − 1)",
    ("s = 1", "p = k − 1"),
    formula(i_t, k, 1, 0),
    i_t - k + 1,
    {},
    _transposed_cases(lambda g: g["o"] - g["k"] + 1, lambda g: g["s"] == 1 and g["p"] == g["k"] - 1),
)
_dv(
    12,
    "transposed of (p = 0, s | i − k): stretched input, p' = k − 1: o' = s(i' − 1) + k",
    ("p = 0", "s | i − k"),
    formula(i_st, k, 1, 2 * (k - 1)),
    s * (i_t - 1) + k,
    {},
    _transposed_cases(
        lambda g: g["s"] * (g["o"] - 1) + g["k"], lambda g: g["p"] == 0 and (g["n"] - g["k"]) % g["s"] == 0
    ),
)
_dv(
    13,
    "transposed of (p, s | i + 2p − k): p' = k − p − 1: o' = s(i' − 1) + k − 2p",
    ("s | i + 2p − k", "p ≤ k − 1"),
    formula(i_st, k, 1, 2 * (k - p - 1)),
    s * (i_t - 1) + k - 2 * p,
    {},
    _transposed_cases(
        lambda g: g["s"] * (g["o"] - 1) + g["k"] - 2 * g["p"],
        lambda g: g["p"] <= g["k"] - 1 and (g["n"] + 2 * g["p"] - g["k"]) % g["s"] == 0,
    ),
)
_dv(
    14,
    "transposed, a = (i + 2p − k) mod s extra cells: o' = s(i' − 1) + a + k − 2p",
    ("p ≤ k − 1", "a = (i + 2p − k) mod s"),
    formula(i_st + a_ex, k, 1, 2 * (k - p - 1)),
    s * (i_t - 1) + a_ex + k - 2 * p,
    {},
    _transposed_cases(lambda g: g["s"] * (g["o"] - 1) + g["a"] + g["k"] - 2 * g["p"], lambda g: g["p"] <= g["k"] - 1),
)
_dv(
    15,
    "dilation d: o = ⌊(i + 2p − k − (k − 1)(d − 1))/s⌋ + 1",
    (),
    formula(i_in, k, s, 2 * p, d),
    floor((i_in + 2 * p - k - (k - 1) * (d - 1)) / s) + 1,
    {},
    _conv_cases(lambda g: True, lambda g: (g["n"] + 2 * g["p"] - g["k"] - (g["k"] - 1) * (g["d"] - 1)) // g["s"] + 1),
)


# --- the transposed convolution recovers the input's shape ----------------------------------------


_grad_input_shape = None


def _grad_input_shape_cases(system: System) -> Iterator[Case]:
    for g in _grid():
        e = g["d"] * (g["k"] - 1) + 1
        if e > g["n"] + 2 * g["p"]:
            continue
        y = g["n"] + 2 * g["p"] - e
        m, extra = y // g["s"] + 1, y % g["s"]
        if system.name in ("numpy", "sympy"):
            stretched = g["s"] * (m - 1) + 1 + extra
            full = _conv_shape(system, stretched, g["k"], 1, (e - 1, e - 1), g["d"])
            got = full - 2 * g["p"]
        else:
            got = _transposed_shape(m, g["k"], g["s"], g["p"], g["d"], extra)
        yield str(g), g["n"], got


_register(
    "grad_input_shape",
    "6.3.2",
    "the transposed convolution of δ has the input's shape n when output_padding = (n + P − d(k−1) − 1) mod s",
    ("d(k−1)+1 ≤ n + P", "a = (n + P − d(k−1) − 1) mod s"),
    _grad_input_shape,
    _grad_input_shape_cases,
)


# --- PyTorch's ceil_mode ----------------------------------------------------------------------------


_ceil_count = None


def _ceil_cases(system: System) -> Iterator[Case]:
    for g in _grid():
        if g["p"] > g["k"] // 2 or g["d"] * (g["k"] - 1) + 1 > g["n"] + 2 * g["p"] + g["s"] - 1:
            continue
        expected = output_size(g["n"], g["k"], g["s"], g["p"], g["d"], ceil_mode=True)
        yield str(g), expected, _pool_shape(system, g["n"], g["k"], g["s"], g["p"], g["d"], True)
    # the plain ceiling formula is one too large here; PyTorch (and symconv) drop the last window
    yield "n=32,k=1,s=2 (plain ceil: 17)", 16, _pool_shape(system, 32, 1, 2, 0, 1, True)


_register(
    "pool_ceil_mode_size",
    "6.3.1",
    "ceil_mode: o = ⌈(n + 2p − d(k−1) − 1)/s⌉ + 1, minus 1 when that last window would start in the right "
    "padding ((o − 1)s ≥ n + p; e.g. k = 1, s = 2, n = 32 gives 16, not 17)",
    ("0 ≤ p ≤ k // 2", "d(k−1)+1 ≤ n + 2p + s − 1"),
    _ceil_count,
    _ceil_cases,
)


# --- a candidate formula against the windows themselves -------------------------------------------

SIZE_NAMES = ("n", "k", "s", "p", "d")


def _candidate(formula_or_fn: Any) -> Callable[..., Any]:
    if callable(formula_or_fn) and not isinstance(formula_or_fn, sympy.Basic):
        return formula_or_fn
    expr = sympy.sympify(formula_or_fn)
    names = {str(x): x for x in expr.free_symbols}
    unknown = set(names) - set(SIZE_NAMES)
    if unknown:
        from ..errors import ParameterError

        raise ParameterError(
            "candidate", expr, f"an expression in n, k, s, p, d only (not {', '.join(sorted(unknown))})"
        )
    return lambda **v: expr.xreplace({names[key]: sympy.Integer(v[key]) for key in names})


def verify_output_size(candidate: Any, *, ceil_mode: bool = False, limit: int = 12) -> ProofResult:
    """Check a candidate output-size formula against the windows actually enumerated.

    ``candidate`` is a SymPy expression in ``n, k, s, p, d`` (padding ``p`` per
    side) or a function of those keywords.  Sizes are tried smallest first
    (``n, k ≤ limit``, ``s ≤ 3``, ``p ≤ 2``, ``d ≤ 2``), including kernels that
    do not fit (0 windows: the candidate must then give a value ≤ 0, the
    case PyTorch rejects); the first disagreement with the symbolic window
    primitive is returned as a counterexample, confirmed by PyTorch when it is
    installed.

    >>> n, k, s, p, d = sympy.symbols("n k s p d", integer=True)
    >>> wrong = sympy.ceiling((n + 2 * p - k) / s) + 1
    >>> r = verify_output_size(wrong)
    >>> r.verdict, r.counterexample.sizes, r.counterexample.lhs, r.counterexample.rhs
    ('refuted', {'n': 1, 'k': 2, 's': 2, 'p': 0, 'd': 1}, 1, 0)
    """
    from ..result import Counterexample
    from ..symbolic.window import axis_windows

    fn = _candidate(candidate)
    start = time.perf_counter()
    grid = itertools.product(range(1, limit + 1), range(1, limit + 1), range(1, 4), range(0, 3), range(1, 3))
    cases = sorted(grid, key=lambda c: (sum(c), c))
    for size, kernel, stride, pad, dil in cases:
        if ceil_mode and pad > kernel // 2:
            continue
        truth = len(axis_windows(size, kernel, stride, (pad, pad), dil, ceil_mode))
        if ceil_mode and dil * (kernel - 1) + 1 > size + 2 * pad + stride - 1:
            truth = 0  # PyTorch refuses: not even one window
        values = dict(n=size, k=kernel, s=stride, p=pad, d=dil)
        got = sympy.sympify(fn(**values))
        if sympy.Max(got, 0) != truth:  # a value ≤ 0 means "no window" (PyTorch raises)
            witness = _torch_count(values, ceil_mode)
            note = f"the windows number {truth}" + ("" if witness is None else f"; PyTorch gives {witness}")
            cx = Counterexample(values, {}, got, truth, (), note)
            checks = {
                "numpy": _witness_check("numpy", _numpy_count(values, ceil_mode), truth),
                "torch": _witness_check("torch", witness, truth),
            }
            return ProofResult(
                checks=checks,
                name="candidate output size",
                verdict="refuted",
                method="windows enumerated, smallest sizes first",
                scope=[values],
                counterexample=cx,
                seconds=time.perf_counter() - start,
                detail=f"candidate {got} at {values}, but {note}",
            )
    return ProofResult(
        name="candidate output size",
        verdict="proved",
        method="windows enumerated over a grid",
        scope=[{"grid": f"n, k ≤ {limit}, s ≤ 3, p ≤ 2, d ≤ 2", "cases": len(cases)}],
        seconds=time.perf_counter() - start,
        detail="the candidate equals the number of windows at every size of the grid",
    )


def _witness_check(backend: str, count: int | None, truth: int) -> CheckResult:
    if count is None:
        return CheckResult(backend, "skipped", f"{backend} is not installed")
    ok = count == truth
    return CheckResult(backend, "ok" if ok else "failed", f"{backend} finds {count} windows", 1)


def _numpy_count(v: dict[str, int], ceil_mode: bool) -> int:
    from ..errors import SymconvError
    from ..numeric import corr1d, pool2d

    try:
        if ceil_mode:
            return int(
                pool2d(np.zeros((1, v["n"])), (1, v["k"]), (1, v["s"]), (0, v["p"]), "max", (1, v["d"]), True).shape[-1]
            )
        return int(corr1d(np.zeros(v["n"]), np.zeros(v["k"]), v["s"], v["p"], v["d"]).shape[-1])
    except SymconvError:
        return 0


def _torch_count(v: dict[str, int], ceil_mode: bool) -> int | None:
    try:
        import torch
    except ImportError:
        return None
    x = torch.zeros(1, 1, 1, v["n"], dtype=torch.float64)
    try:
        if ceil_mode:
            out = torch.nn.functional.max_pool2d(x, (1, v["k"]), (1, v["s"]), (0, v["p"]), (1, v["d"]), True)
        else:
            w = torch.zeros(1, 1, 1, v["k"], dtype=torch.float64)
            out = torch.nn.functional.conv2d(x, w, stride=v["s"], padding=(0, v["p"]), dilation=v["d"])
    except RuntimeError:
        return 0
    return int(out.shape[-1])
