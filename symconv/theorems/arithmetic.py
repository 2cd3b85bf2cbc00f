"""Output-shape arithmetic for all sizes (notes 6.1.3, 6.2.1, 6.2.2, 6.3.1; Dumoulin & Visin 2016).

Each theorem has two levels.  Its all-sizes part is a formal statement proved by the kernel
(:mod:`symconv.kernel`): the left side is what the operator does -- the windows it enumerates,
``Σ_{j=0}^{N} [j·s + d(k − 1) + 1 ≤ N]`` on ``N`` padded cells (window ``j``, 0-based, starts at padded
cell ``j·s`` and spans ``d(k − 1) + 1`` cells) -- and the right side is the formula; the hypotheses are
SymPy relations (``s = 1``, ``p = k − 1``, ``k = 2q + 1`` …), from which the scope is computed.  The
corollaries are instances of ``output_size_formula`` followed by arithmetic that z3 decides.  The
bridge evaluates both sides at a grid of sizes (stride, padding per side and dilation included) and
compares them with the operators: the window primitive :func:`symconv.symbolic.window.axis_windows`
and the output shapes of the symbolic operators.

The concrete level checks, size by size over a grid, the shapes that the symbolic operators, the NumPy
reference and PyTorch actually produce (``n ≤ 12, k ≤ 5, s ≤ 3, p ≤ 2, d ≤ 2``, ``ceil_mode`` both
ways).

Sizes: ``n`` (or ``i``) input, ``k`` kernel, ``s`` stride, ``p`` padding per side (``P = p_lo + p_hi``
in total), ``d`` dilation; ``e = d(k−1)+1`` is the number of cells one window spans.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import sympy
from sympy import Eq, Le, Piecewise, floor

from ..errors import ParameterError, SymconvError
from ..kernel import Proof, Statement, Sum, Thm, equal
from ..numeric import corr1d, pool2d
from ..result import CheckResult, Counterexample, ProofResult
from ..spec import output_size
from ..symbolic.window import axis_windows
from ..systems import SYMPY, System
from .grid import register_on_grid
from .registry import General, Theorem, proved


def positive(names: str) -> Any:
    """Integer symbols declared positive (sizes, strides, dilations).

    >>> positive("n k")[0].is_positive
    True
    """
    return sympy.symbols(names, integer=True, positive=True)


def nonneg(names: str) -> Any:
    """Integer symbols declared nonnegative (paddings, slack).

    >>> nonneg("p q")[1].is_nonnegative
    True
    """
    return sympy.symbols(names, integer=True, nonnegative=True)


n, k, s, d = positive("n k s d")
i_in, i_t, m_out = positive("i i' m")
p, q, a_ex = nonneg("p q a")
p_lo, p_hi = nonneg("p^lo p^hi")
j = sympy.Symbol("j", integer=True)  # the window index (bound)


def formula(size: Any, kernel: Any, stride: Any = 1, total_pad: Any = 0, dilation: Any = 1) -> Any:
    """⌊(n + P − d(k−1) − 1)/s⌋ + 1.

    >>> formula(n, k)
    -k + n + 1
    """
    return floor((size + total_pad - dilation * (kernel - 1) - 1) / stride) + 1


def windows(cells: Any, kernel: Any, stride: Any = 1, dilation: Any = 1) -> Any:
    """``Σ_{j=0}^{N} [j·s + d(k − 1) + 1 ≤ N]``: the windows a layer enumerates on ``N`` padded cells.

    Window ``j`` (0-based) starts at padded cell ``j·s`` and spans ``d(k − 1) + 1`` cells; it is kept while
    it fits, as :func:`symconv.symbolic.window.axis_windows` does (``j ≤ N`` bounds the enumeration).

    >>> windows(n, k)
    Sum(Piecewise((1, n >= j + k), (0, True)), (j, 0, n))
    """
    return Sum(Piecewise((1, Le(j * stride + dilation * (kernel - 1) + 1, cells)), (0, True)), (j, 0, cells))


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


def _stretched_shape(size_in: int, kernel: int, stride: int, pads: tuple[int, int], dilation: int, extra: int) -> int:
    """Output length of the symbolic transposed convolution as a direct one: the input stretched by the
    stride (``SYMPY.dilate``: s − 1 zeros between cells), ``extra`` zeros appended, correlated at unit
    stride with padding ``pads`` and dilation ``dilation``."""
    stretched = SYMPY.shape(SYMPY.dilate(SYMPY.asarray(np.zeros(size_in)), (stride,)))[-1]
    return _conv_shape(SYMPY, stretched + extra, kernel, 1, pads, dilation)


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
    general: tuple[General, ...],
    cases: Callable[[System], Iterator[Case]],
) -> None:
    register_on_grid(
        name,
        section,
        statement,
        hypotheses,
        general=general,
        concrete=_symbolic_too(cases),
        checker=_checker(cases),
        grid="n ≤ 12, k ≤ 5, s ≤ 3, p ≤ 2, d ≤ 2",
        agreement="sizes: the symbolic operators' shapes equal the formula",
    )


# --- all sizes: the bridge's grids and the operators' values ----------------------------------------

Point = dict[Any, int]


def grid_of(*axes: tuple[Any, Any]) -> Callable[[], Iterator[Point]]:
    """A bridge grid: every combination of the values given for each formal symbol.  A value is an int
    (a pinned size), an iterable, or a function of the point so far giving an int or an iterable.

    >>> [sorted(g.values()) for g in grid_of((n, range(1, 3)), (k, lambda P: range(P[n], 3)))()]
    [[1, 1], [1, 2], [2, 2]]
    """

    def extend(point: Point, rest: tuple[tuple[Any, Any], ...]) -> Iterator[Point]:
        if not rest:
            yield dict(point)
            return
        (symbol, values), more = rest[0], rest[1:]
        values = values(point) if callable(values) else values
        for value in (values,) if isinstance(values, int) else values:
            yield from extend({**point, symbol: value}, more)

    return lambda: extend({}, axes)


def counted(size: Any, lo: Any, hi: Any) -> Callable[[Point], int]:
    """The number of windows :func:`~symconv.symbolic.window.axis_windows` enumerates at a grid point
    (input ``size``, padding ``lo``/``hi``, and the point's ``k``, ``s``, ``d``).

    >>> counted(n, p_lo, p_hi)({n: 5, k: 3, s: 2, d: 1, p_lo: 1, p_hi: 0})
    2
    """
    return lambda P: len(axis_windows(P[size], P[k], P[s], (P[lo], P[hi]), P[d]))


def _pooled(P: Point) -> int:
    """Output length of the symbolic max pooling (no padding) at a grid point of Dumoulin & Visin's."""
    return _pool_shape(SYMPY, P[i_in], P[k], P[s], 0, P[d], False)


def _transposed(P: Point) -> int:
    """Output length of the symbolic transposed convolution of Dumoulin & Visin's relations 8–14 (the
    input ``i'`` stretched by ``s``, ``a`` zeros appended, padding ``k − p − 1`` per side, unit stride)."""
    pad = P[k] - P[p] - 1
    return _stretched_shape(P[i_t], P[k], P[s], (pad, pad), 1, P.get(a_ex, 0))


def kernel_fits(hyps: tuple[Any, ...]) -> tuple[Any, ...]:
    """The hypotheses that only say the kernel fits the (padded, stretched) input, ``k ≤ …`` or
    ``d(k − 1) + 1 ≤ …``: where the operator is defined (the bridge's domain, left out of the printed scope).

    >>> kernel_fits((Eq(s, 1), Le(k, n)))
    (k <= n,)
    """
    return tuple(h for h in hyps if isinstance(h, Le) and h.lhs in (k, SPAN))


def corollary(subs: dict[Any, Any] | None = None) -> Callable[[Statement], Thm]:
    """A proof by ``output_size_formula``: its instance (``subs``), the pinned sizes substituted (the
    hypotheses ``x = …``), then arithmetic decided by z3 under the hypotheses.

    >>> st = Statement("narrow", windows(n, k), n - k + 1, (Le(k, n),))
    >>> corollary({p_lo: 0, p_hi: 0, s: 1, d: 1})(st).rests_on["instances"]
    ['output_size_formula']
    """

    def proof(st: Statement) -> Thm:
        pr = Proof(st).instance(
            proved("output_size_formula"), subs, why="the windows number ⌊(N − d(k−1) − 1)/s⌋ + 1 (output_size_formula)"
        )
        for h in st.hyps:
            if isinstance(h, Eq) and isinstance(h.lhs, sympy.Symbol) and h.lhs in pr.current.free_symbols:
                pr = pr.hypothesis(h, why=f"{h.lhs} = {h.rhs}")
        if not equal(pr.current, st.rhs):  # what the substitutions leave, z3 decides
            pr = pr.arith(st.rhs, why="arithmetic under the hypotheses (z3)")
        return pr.qed()

    return proof


# --- the window count ------------------------------------------------------------------------------

PADDED = n + p_lo + p_hi  # cells of the padded input
SPAN = d * (k - 1) + 1  # cells one window spans


def _window_count(st: Statement) -> Thm:
    last = floor((PADDED - SPAN) / s)
    return (
        Proof(st)
        .restrict(j, 0, last, why="window j fits ⟺ j·s ≤ N − e ⟺ j ≤ ⌊(N − e)/s⌋ (s ≥ 1, j an integer)")
        .count(j, why="0, 1, …, ⌊(N − e)/s⌋ are ⌊(N − e)/s⌋ + 1 windows (≥ 1: the kernel fits)")
        .qed()
    )


_register(
    "output_size_formula",
    "6.2.2",
    "#windows = ⌊(n + p_lo + p_hi − d(k−1) − 1)/s⌋ + 1",
    ("s, d, k, n ≥ 1; p_lo, p_hi ≥ 0", "d(k−1)+1 ≤ n + p_lo + p_hi"),
    (
        General(
            Statement(
                "output_size_formula", windows(PADDED, k, s, d), formula(n, k, s, p_lo + p_hi, d), (Le(SPAN, PADDED),)
            ),
            _window_count,
            grid=grid_of(
                (n, range(1, 6)), (k, range(1, 5)), (s, range(1, 4)), (d, (1, 2)), (p_lo, (0, 2)), (p_hi, (0, 1))
            ),
            value=counted(n, p_lo, p_hi),
            domain=(Le(SPAN, PADDED),),
        ),
    ),
    _conv_cases(lambda g: True, lambda g: int(formula(g["n"], g["k"], g["s"], 2 * g["p"], g["d"]))),
)


# --- the notes' forms -----------------------------------------------------------------------------


def _notes_form(
    name: str,
    section: str,
    statement: str,
    hypotheses: tuple[str, ...],
    formal: tuple[Any, ...],
    rhs: Any,
    grid: Callable[[], Iterator[Point]],
    where: Callable[[dict[str, int]], bool],
    value: Callable[[dict[str, int]], int],
) -> None:
    """A corollary of the window count for ``n`` input cells padded by ``p^lo + p^hi`` in total."""
    general = General(
        Statement(name, windows(PADDED, k, s, d), rhs, formal),
        corollary(),
        grid=grid,
        value=counted(n, p_lo, p_hi),
        domain=kernel_fits(formal),
    )
    _register(name, section, statement, hypotheses, (general,), _conv_cases(where, value))


def _total(total: Callable[[Point], int]) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """Grid axes splitting a total padding ``total(point)`` into every ``(p^lo, p^hi)``."""
    return (p_lo, lambda P: range(total(P) + 1)), (p_hi, lambda P: total(P) - P[p_lo])


_notes_form(
    "output_size_notes_form",
    "6.2.2",
    "d = 1, total padding p_h = p_lo + p_hi: ⌊(n_h + p_h − k_h + s_h)/s_h⌋ (the notes' formula)",
    ("d = 1", "k ≤ n + p_h"),
    (Eq(d, 1), Le(k, PADDED)),
    floor((PADDED - k + s) / s),
    grid_of((n, range(1, 7)), (k, range(1, 4)), (s, range(1, 4)), (d, 1), (p_lo, (0, 2)), (p_hi, (0, 1))),
    lambda g: g["d"] == 1,
    lambda g: (g["n"] + 2 * g["p"] - g["k"] + g["s"]) // g["s"],
)
_notes_form(
    "output_size_narrow",
    "6.2.2",
    "narrow (s = 1, p = 0): n − k + 1",
    ("s = 1, p = 0", "k ≤ n"),
    (Eq(s, 1), Eq(d, 1), Eq(p_lo, 0), Eq(p_hi, 0), Le(k, n)),
    n - k + 1,
    grid_of((n, range(1, 13)), (k, range(1, 7)), (s, 1), (d, 1), (p_lo, 0), (p_hi, 0)),
    lambda g: g["s"] == 1 and g["p"] == 0 and g["d"] == 1,
    lambda g: g["n"] - g["k"] + 1,
)
_notes_form(
    "output_size_same",
    "6.2.2",
    "same (s = 1, p_h = p_lo + p_hi = k − 1 in total): n",
    ("s = 1", "total padding p_h = k − 1"),
    (Eq(s, 1), Eq(d, 1), Eq(p_lo + p_hi, k - 1)),
    n,
    grid_of((n, range(1, 9)), (k, range(1, 6)), (s, 1), (d, 1), *_total(lambda P: P[k] - 1)),
    lambda g: g["s"] == 1 and g["d"] == 1 and 2 * g["p"] == g["k"] - 1,
    lambda g: g["n"],
)
_notes_form(
    "output_size_wide",
    "6.2.1",
    "wide (s = 1, P = p_lo + p_hi = 2(k − 1) in total, the notes' P = 2K − 2): n + k − 1",
    ("s = 1", "total padding 2(k − 1)"),
    (Eq(s, 1), Eq(d, 1), Eq(p_lo + p_hi, 2 * (k - 1))),
    n + k - 1,
    grid_of((n, range(1, 7)), (k, range(1, 5)), (s, 1), (d, 1), *_total(lambda P: 2 * (P[k] - 1))),
    lambda g: g["s"] == 1 and g["d"] == 1 and g["p"] == g["k"] - 1,
    lambda g: g["n"] + g["k"] - 1,
)
_notes_form(
    "output_size_same_strided",
    "6.2.2",
    "p_h = p_lo + p_hi = k − 1 in total, stride s: ⌊(n + s − 1)/s⌋",
    ("total padding p_h = k − 1",),
    (Eq(d, 1), Eq(p_lo + p_hi, k - 1)),
    floor((n + s - 1) / s),
    grid_of((n, range(1, 7)), (k, range(1, 4)), (s, range(1, 4)), (d, 1), *_total(lambda P: P[k] - 1)),
    lambda g: g["d"] == 1 and 2 * g["p"] == g["k"] - 1,
    lambda g: (g["n"] + g["s"] - 1) // g["s"],
)
_notes_form(
    "output_size_stride_divides",
    "6.2.2",
    "p_h = p_lo + p_hi = k − 1 in total and s | n (n = s·q): n/s = q",
    ("total padding p_h = k − 1", "n = s·q"),
    (Eq(d, 1), Eq(p_lo + p_hi, k - 1), Eq(n, s * q)),
    q,
    grid_of(
        (q, range(1, 5)),
        (s, range(1, 4)),
        (n, lambda P: P[s] * P[q]),
        (k, range(1, 5)),
        (d, 1),
        *_total(lambda P: P[k] - 1),
    ),
    lambda g: g["d"] == 1 and 2 * g["p"] == g["k"] - 1 and g["n"] % g["s"] == 0,
    lambda g: g["n"] // g["s"],
)
_notes_form(
    "output_size_1d_notes",
    "6.2.1",
    "1-D, P = p_lo + p_hi in total: (N − K + P)/S + 1 neurons, when S divides N − K + P",
    ("S | N − K + P (otherwise the floor is needed)", "K ≤ N + P"),
    (Eq(d, 1), Eq(sympy.Mod(PADDED - k, s), 0), Le(k, PADDED)),
    (PADDED - k) / s + 1,
    grid_of((n, range(1, 8)), (k, range(1, 4)), (s, range(1, 4)), (d, 1), (p_lo, (0, 2)), (p_hi, (0, 1))),
    lambda g: g["d"] == 1 and (g["n"] - g["k"] + 2 * g["p"]) % g["s"] == 0,
    lambda g: (g["n"] - g["k"] + 2 * g["p"]) // g["s"] + 1,
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


DV_PADDED = i_in + 2 * p  # Dumoulin & Visin pad p cells on each side
STRETCHED = s * (i_t - 1) + 1  # the transposed convolution's input i' with s − 1 zeros between cells
DV_SIZES = {"i": range(1, 9), "k": range(1, 5), "s": range(1, 4), "p": range(3), "d": (1, 2)}


def _dv_grid(**fixed: Any) -> Callable[[], Iterator[Point]]:
    """Dumoulin & Visin's direct sizes ``i, k, s, p, d``, some pinned or given as functions of the point."""
    symbols = {"i": i_in, "k": k, "s": s, "p": p, "d": d}
    return grid_of(*((symbols[key], fixed.get(key, values)) for key, values in DV_SIZES.items()))


def _dv(
    number: int, statement: str, hyps: tuple[str, ...], part: General, cases: Callable[..., Iterator[Case]]
) -> None:
    fits = "d(k−1)+1 ≤ i + 2p (the kernel fits)" if number == 15 else "k ≤ i + 2p (the kernel fits)"
    name = f"dumoulin_visin_{number}"
    text = f"Dumoulin & Visin relationship {number}: {statement}"
    _register(name, "6.2.2", text, (fits, "s, k, i ≥ 1, p ≥ 0", *hyps), (part,), cases)


def _direct(
    number: int, formal: tuple[Any, ...], rhs: Any, grid: Callable[[], Iterator[Point]], value: Any = None
) -> General:
    """A direct convolution of Dumoulin & Visin's: ``i`` inputs, ``p`` padding on each side."""
    return General(
        Statement(f"dumoulin_visin_{number}", windows(DV_PADDED, k, s, d), rhs, formal),
        corollary({n: i_in, p_lo: p, p_hi: p}),
        grid=grid,
        value=value or counted(i_in, p, p),
        domain=kernel_fits(formal),
    )


def _transposed_dv(
    number: int,
    formal: tuple[Any, ...],
    rhs: Any,
    grid: Callable[[], Iterator[Point]],
    extra: Any = 0,
    fit: bool = False,
) -> General:
    """A transposed convolution as Dumoulin & Visin build it: a unit-stride convolution of the input ``i'``
    stretched by ``s`` (``extra`` = ``a`` zeros appended), padded by ``k − p − 1`` on each side; ``fit``
    adds the hypothesis that the kernel fits that input (there is an output)."""
    pad = k - p - 1
    cells = STRETCHED + extra + 2 * pad
    formal = (*formal, Le(k, cells)) if fit else formal
    return General(
        Statement(f"dumoulin_visin_{number}", windows(cells, k), rhs, formal),
        corollary({n: STRETCHED + extra, p_lo: pad, p_hi: pad, s: 1, d: 1}),
        grid=grid,
        value=_transposed,
        domain=kernel_fits(formal),
    )


def _t_grid(**fixed: Any) -> Callable[[], Iterator[Point]]:
    """Transposed sizes ``i', k, s, p`` (``p ≤ k − 1``), some pinned or functions of the point."""
    axes = {"i'": range(1, 7), "k": range(1, 5), "s": range(1, 4), "p": lambda P: range(P[k])}
    symbols = {"i'": i_t, "k": k, "s": s, "p": p, "a": a_ex}
    axes.update(fixed)
    return grid_of(*((symbols[key], values) for key, values in axes.items()))


_dv(
    1,
    "s = 1, p = 0: o = (i − k) + 1",
    ("s = 1", "p = 0"),
    _direct(
        1,
        (Eq(s, 1), Eq(p, 0), Eq(d, 1), Le(k, i_in)),
        i_in - k + 1,
        _dv_grid(i=range(1, 13), k=range(1, 7), s=1, p=0, d=1),
    ),
    _conv_cases(lambda g: g["s"] == 1 and g["p"] == 0 and g["d"] == 1, lambda g: g["n"] - g["k"] + 1),
)
_dv(
    2,
    "s = 1: o = (i − k) + 2p + 1",
    ("s = 1",),
    _direct(2, (Eq(s, 1), Eq(d, 1), Le(k, DV_PADDED)), i_in - k + 2 * p + 1, _dv_grid(s=1, d=1)),
    _conv_cases(lambda g: g["s"] == 1 and g["d"] == 1, lambda g: g["n"] - g["k"] + 2 * g["p"] + 1),
)
_dv(
    3,
    "half padding: k = 2q + 1, s = 1, p = ⌊k/2⌋ = q: o = i",
    ("k = 2q + 1", "s = 1", "p = q"),
    _direct(
        3,
        (Eq(k, 2 * q + 1), Eq(s, 1), Eq(p, q), Eq(d, 1)),
        i_in,
        grid_of((q, range(4)), (i_in, range(1, 9)), (k, lambda P: 2 * P[q] + 1), (s, 1), (p, lambda P: P[q]), (d, 1)),
    ),
    _conv_cases(lambda g: g["s"] == 1 and g["d"] == 1 and g["k"] % 2 == 1 and g["p"] == g["k"] // 2, lambda g: g["n"]),
)
_dv(
    4,
    "full padding: s = 1, p = k − 1: o = i + (k − 1)",
    ("s = 1", "p = k − 1"),
    _direct(4, (Eq(s, 1), Eq(p, k - 1), Eq(d, 1)), i_in + k - 1, _dv_grid(s=1, p=lambda P: P[k] - 1, d=1)),
    _conv_cases(lambda g: g["s"] == 1 and g["d"] == 1 and g["p"] == g["k"] - 1, lambda g: g["n"] + g["k"] - 1),
)
_dv(
    5,
    "p = 0: o = ⌊(i − k)/s⌋ + 1",
    ("p = 0",),
    _direct(5, (Eq(p, 0), Eq(d, 1), Le(k, i_in)), floor((i_in - k) / s) + 1, _dv_grid(p=0, d=1)),
    _conv_cases(lambda g: g["p"] == 0 and g["d"] == 1, lambda g: (g["n"] - g["k"]) // g["s"] + 1),
)
_dv(
    6,
    "o = ⌊(i + 2p − k)/s⌋ + 1",
    (),
    _direct(
        6, (Eq(d, 1), Le(k, DV_PADDED)), floor((DV_PADDED - k) / s) + 1, _dv_grid(i=range(1, 7), k=range(1, 4), d=1)
    ),
    _conv_cases(lambda g: g["d"] == 1, lambda g: (g["n"] + 2 * g["p"] - g["k"]) // g["s"] + 1),
)
_dv(
    7,
    "pooling: o = ⌊(i − k)/s⌋ + 1",
    ("pooling slides the same windows, no padding",),
    _direct(7, (Eq(p, 0), Eq(d, 1), Le(k, i_in)), floor((i_in - k) / s) + 1, _dv_grid(p=0, d=1), _pooled),
    _pool_cases(lambda g: (g["n"] - (g["d"] * (g["k"] - 1) + 1)) // g["s"] + 1),
)
_dv(
    8,
    "transposed of (s = 1, p = 0): k' = k, s' = 1, p' = k − 1: o' = i' + (k − 1)",
    ("s = 1", "p = 0"),
    _transposed_dv(8, (Eq(s, 1), Eq(p, 0)), i_t + k - 1, _t_grid(s=1, p=0)),
    _transposed_cases(lambda g: g["o"] + g["k"] - 1, lambda g: g["s"] == 1 and g["p"] == 0),
)
_dv(
    9,
    "transposed of (s = 1, p): p' = k − p − 1: o' = i' + (k − 1) − 2p",
    ("s = 1", "p ≤ k − 1"),
    _transposed_dv(9, (Eq(s, 1), Le(p, k - 1)), i_t + k - 1 - 2 * p, _t_grid(s=1), fit=True),
    _transposed_cases(lambda g: g["o"] + g["k"] - 1 - 2 * g["p"], lambda g: g["s"] == 1 and g["p"] <= g["k"] - 1),
)
_dv(
    10,
    "transposed half padding: k = 2q + 1, s = 1, p = q: o' = i'",
    ("k = 2q + 1", "s = 1", "p = q"),
    _transposed_dv(
        10,
        (Eq(k, 2 * q + 1), Eq(s, 1), Eq(p, q)),
        i_t,
        grid_of((q, range(4)), (i_t, range(1, 9)), (k, lambda P: 2 * P[q] + 1), (s, 1), (p, lambda P: P[q])),
    ),
    _transposed_cases(lambda g: g["o"], lambda g: g["s"] == 1 and g["k"] % 2 == 1 and g["p"] == g["k"] // 2),
)
_dv(
    11,
    "transposed full padding: s = 1, p = k − 1, p' = 0: o' = i' − (k − 1)",
    ("s = 1", "p = k − 1"),
    _transposed_dv(
        11,
        (Eq(s, 1), Eq(p, k - 1)),
        i_t - k + 1,
        _t_grid(**{"i'": range(1, 11)}, k=range(1, 6), s=1, p=lambda P: P[k] - 1),
        fit=True,
    ),
    _transposed_cases(lambda g: g["o"] - g["k"] + 1, lambda g: g["s"] == 1 and g["p"] == g["k"] - 1),
)
_dv(
    12,
    "transposed of (p = 0, s | i − k: no extra cell): stretched input, p' = k − 1: o' = s(i' − 1) + k",
    ("p = 0", "s | i − k"),
    _transposed_dv(12, (Eq(p, 0),), s * (i_t - 1) + k, _t_grid(p=0)),
    _transposed_cases(
        lambda g: g["s"] * (g["o"] - 1) + g["k"], lambda g: g["p"] == 0 and (g["n"] - g["k"]) % g["s"] == 0
    ),
)
_dv(
    13,
    "transposed of (p, s | i + 2p − k: no extra cell): p' = k − p − 1: o' = s(i' − 1) + k − 2p",
    ("s | i + 2p − k", "p ≤ k − 1"),
    _transposed_dv(13, (Le(p, k - 1),), s * (i_t - 1) + k - 2 * p, _t_grid(), fit=True),
    _transposed_cases(
        lambda g: g["s"] * (g["o"] - 1) + g["k"] - 2 * g["p"],
        lambda g: g["p"] <= g["k"] - 1 and (g["n"] + 2 * g["p"] - g["k"]) % g["s"] == 0,
    ),
)
_dv(
    14,
    "transposed, a = (i + 2p − k) mod s extra cells: o' = s(i' − 1) + a + k − 2p",
    ("p ≤ k − 1", "a = (i + 2p − k) mod s"),
    _transposed_dv(
        14,
        (Le(p, k - 1),),
        s * (i_t - 1) + a_ex + k - 2 * p,
        _t_grid(**{"i'": range(1, 5)}, k=range(1, 4), a=lambda P: range(P[s])),
        extra=a_ex,
        fit=True,
    ),
    _transposed_cases(lambda g: g["s"] * (g["o"] - 1) + g["a"] + g["k"] - 2 * g["p"], lambda g: g["p"] <= g["k"] - 1),
)
_dv(
    15,
    "dilation d: o = ⌊(i + 2p − k − (k − 1)(d − 1))/s⌋ + 1",
    (),
    _direct(
        15,
        (Le(SPAN, DV_PADDED),),
        floor((DV_PADDED - k - (k - 1) * (d - 1)) / s) + 1,
        _dv_grid(i=range(1, 6), k=range(1, 4)),
    ),
    _conv_cases(lambda g: True, lambda g: (g["n"] + 2 * g["p"] - g["k"] - (g["k"] - 1) * (g["d"] - 1)) // g["s"] + 1),
)


# --- the transposed convolution recovers the input's shape ----------------------------------------


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


def _forward(P: Point) -> list[list[int]]:
    return axis_windows(P[n], P[k], P[s], (P[p_lo], P[p_hi]), P[d])


def _back(P: Point) -> int:
    """Output length of the symbolic transposed convolution of δ (``m`` cells): δ stretched by ``s``, ``a``
    zeros appended, padded by ``d(k − 1)`` on each side, correlated at dilation ``d``, then ``p^lo`` and
    ``p^hi`` cells cropped (:func:`symconv.theorems.gradients.transposed`)."""
    e = P[d] * (P[k] - 1)
    return _stretched_shape(P[m_out], P[k], P[s], (e, e), P[d], P[a_ex]) - P[p_lo] - P[p_hi]


_register(
    "grad_input_shape",
    "6.3.2",
    "the transposed convolution of δ has the input's shape n when output_padding = (n + P − d(k−1) − 1) mod s",
    ("d(k−1)+1 ≤ n + P", "a = (n + P − d(k−1) − 1) mod s"),
    (
        General(
            Statement(
                "grad_input_shape",
                windows(s * (m_out - 1) + 1 + a_ex + 2 * d * (k - 1), k, 1, d) - p_lo - p_hi,
                n,
                (Eq(m_out, formula(n, k, s, p_lo + p_hi, d)), Eq(a_ex, sympy.Mod(PADDED - SPAN, s)), Le(SPAN, PADDED)),
            ),
            corollary({n: s * (m_out - 1) + 1 + a_ex, p_lo: d * (k - 1), p_hi: d * (k - 1), s: 1}),
            grid=grid_of(
                (n, (2, 3, 5)),
                (k, range(1, 4)),
                (s, range(1, 4)),
                (d, (1, 2)),
                (p_lo, (0, 2)),
                (p_hi, (0, 1)),
                (m_out, lambda P: len(_forward(P)) or ()),  # δ has as many cells as the forward windows
                (a_ex, lambda P: P[n] + P[p_hi] - _forward(P)[-1][-1] - 1),  # the cells the last window leaves
            ),
            value=_back,
            domain=(Le(SPAN, PADDED),),
        ),
    ),
    _grad_input_shape_cases,
)


# --- PyTorch's ceil_mode ----------------------------------------------------------------------------


def _ceil_cases(system: System) -> Iterator[Case]:
    for g in _grid():
        if g["p"] > g["k"] // 2 or g["d"] * (g["k"] - 1) + 1 > g["n"] + 2 * g["p"] + g["s"] - 1:
            continue
        expected = output_size(g["n"], g["k"], g["s"], g["p"], g["d"], ceil_mode=True)
        yield str(g), expected, _pool_shape(system, g["n"], g["k"], g["s"], g["p"], g["d"], True)
    # the plain ceiling formula is one too large here; PyTorch (and symconv) drop the last window
    yield "n=32,k=1,s=2 (plain ceil: 17)", 16, _pool_shape(system, 32, 1, 2, 0, 1, True)


CEIL = sympy.ceiling((n + 2 * p - SPAN) / s) + 1  # windows while the previous one has not reached the end


def ceil_windows(kernel: Any = k, pad: Any = p) -> Any:
    """``Σ_{j=0}^{n+2p} [j = 0 ∨ ((j − 1)s + e < n + 2p ∧ j·s < n + p)]``: PyTorch's ceil-mode windows, as
    :func:`~symconv.symbolic.window.axis_windows` enumerates them (a window is added while the previous one
    has not reached the end of the padded input, but never starts in the right padding).

    >>> from symconv.kernel import evaluate
    >>> evaluate(ceil_windows(), {n: 32, k: 1, s: 2, d: 1, p: 0}, {})  # the plain ceiling says 17
    16
    """
    span = d * (kernel - 1) + 1
    keep = sympy.Or(Eq(j, 0), sympy.And(sympy.Lt((j - 1) * s + span, n + 2 * pad), sympy.Lt(j * s, n + pad)))
    return Sum(Piecewise((1, keep), (0, True)), (j, 0, n + 2 * pad))


def _ceil_count(st: Statement) -> Thm:
    kept = Piecewise((CEIL - 1, sympy.Lt((CEIL - 1) * s, n + p)), (CEIL - 2, True))
    return (
        Proof(st)
        .restrict(
            j,
            0,
            kept,
            why="windows 0 … ⌈(N − e)/s⌉ reach the end; the last is dropped if it starts in the right padding",
        )
        .count(j, why="count them (the first window always exists)")
        .qed()
    )


_register(
    "pool_ceil_mode_size",
    "6.3.1",
    "ceil_mode: o = ⌈(n + 2p − d(k−1) − 1)/s⌉ + 1, minus 1 when that last window would start in the right "
    "padding ((o − 1)s ≥ n + p; e.g. k = 1, s = 2, n = 32 gives 16, not 17)",
    ("0 ≤ p ≤ k // 2", "d(k−1)+1 ≤ n + 2p + s − 1"),
    (
        General(
            Statement(
                "pool_ceil_mode_size",
                ceil_windows(),
                Piecewise((CEIL, sympy.Lt((CEIL - 1) * s, n + p)), (CEIL - 1, True)),
                (Le(2 * p, k), Le(SPAN, n + 2 * p + s - 1)),
            ),
            _ceil_count,
            grid=lambda: itertools.chain(
                grid_of(
                    (n, range(1, 7)),
                    (k, range(1, 4)),
                    (s, range(1, 4)),
                    (d, (1, 2)),
                    (p, lambda P: range(P[k] // 2 + 1)),
                )(),
                [{n: 32, k: 1, s: 2, d: 1, p: 0}],  # the plain ceiling gives 17
            ),
            value=lambda P: len(axis_windows(P[n], P[k], P[s], (P[p], P[p]), P[d], ceil_mode=True)),
            domain=(Le(SPAN, n + 2 * p + s - 1),),  # PyTorch refuses a window that does not start in the input
        ),
    ),
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
