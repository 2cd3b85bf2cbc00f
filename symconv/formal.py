"""The operators' index formulas with symbolic sizes: the vocabulary of formal statements.

Everything here is 1-based, like the notes.  Along one axis (:class:`Axis`) a layer has input size
``n``, kernel size ``k``, stride ``s``, dilation ``d`` and padding ``p^lo`` before and ``p^hi`` after
the input; the padded input has ``n + p^lo + p^hi`` cells, cell ``u`` of it reads input cell
``u − p^lo`` (zero outside ``1 … n``), window ``i`` starts at padded cell ``(i − 1)s + 1`` and its tap
``a`` reads padded cell ``(i − 1)s + (a − 1)d + 1``.  There are
``m = ⌊(n + p^lo + p^hi − d(k − 1) − 1)/s⌋ + 1`` windows.

A formal statement is written with these functions once; the kernel proves it for all sizes, and the
bridge (:mod:`symconv.prove.bridge`) evaluates it at concrete sizes against the operators of
:mod:`symconv.symbolic`, which are written independently from the same definitions.

>>> h = Axis.named("h")
>>> h.m
floor((-d_h*(k_h - 1) + n_h + p_h^hi + p_h^lo - 1)/s_h) + 1
>>> i, a = sympy.symbols("i a", integer=True)
>>> h.tap(i, a)
d_h*(a - 1) + s_h*(i - 1) + 1
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import sympy
from sympy import IndexedBase, Piecewise

from .kernel import Sum
from .spec import conv_window, per_dim

__all__ = [
    "Axis",
    "Mapped",
    "Slice",
    "axes_env",
    "size_env",
    "channel_loss",
    "conv",
    "corr",
    "corr_channels",
    "dilated",
    "flat_index",
    "group_first",
    "indices",
    "avg_pool",
    "avg_pool_padded",
    "divisor",
    "layer_loss",
    "more_sizes",
    "pool_axis",
    "pool_loss",
    "pool_windows",
    "padded",
    "rot180",
    "unflat_index",
]


def indices(names: str) -> tuple[sympy.Symbol, ...]:
    """Index symbols (integers with no sign assumption: their ranges are hypotheses or sum limits)."""
    return sympy.symbols(names, integer=True, seq=True)


@dataclass(frozen=True)
class Axis:
    """One spatial axis of a windowed operator (sizes may be symbols, numbers or expressions)."""

    n: Any
    k: Any
    s: Any = 1
    d: Any = 1
    lo: Any = 0
    hi: Any = 0

    @classmethod
    def named(cls, suffix: str, **fixed: Any) -> Axis:
        """Symbols ``n_h, k_h, s_h, d_h, p_h^lo, p_h^hi`` (``suffix`` "h"); keywords fix some of them."""
        pos = dict(integer=True, positive=True)
        nonneg = dict(integer=True, nonnegative=True)
        values = {
            "n": sympy.Symbol(f"n_{suffix}", **pos),
            "k": sympy.Symbol(f"k_{suffix}", **pos),
            "s": sympy.Symbol(f"s_{suffix}", **pos),
            "d": sympy.Symbol(f"d_{suffix}", **pos),
            "lo": sympy.Symbol(f"p_{suffix}^lo", **nonneg),
            "hi": sympy.Symbol(f"p_{suffix}^hi", **nonneg),
        }
        values.update(fixed)
        return cls(**values)

    def but(self, **changes: Any) -> Axis:
        return replace(self, **changes)

    @property
    def span(self) -> Any:
        """Cells one window covers: ``d(k − 1) + 1``."""
        return self.d * (self.k - 1) + 1

    @property
    def m(self) -> Any:
        """The number of windows (output size)."""
        return sympy.floor((self.n + self.lo + self.hi - self.d * (self.k - 1) - 1) / self.s) + 1

    @property
    def m_ceil(self) -> Any:
        """The number of windows with PyTorch's ``ceil_mode``: ``o = ⌈(n + p^lo + p^hi − d(k − 1) − 1)/s⌉ + 1``,
        minus 1 when that last window would start in the right padding (``(o − 1)s ≥ n + p^lo``), the closed
        form proved by ``pool_ceil_mode_size``."""
        top = sympy.ceiling((self.n + self.lo + self.hi - self.d * (self.k - 1) - 1) / self.s) + 1
        return Piecewise((top, sympy.Lt((top - 1) * self.s, self.n + self.lo)), (top - 1, True))

    def tap(self, i: Any, a: Any) -> Any:
        """Padded cell read by tap ``a`` of window ``i``."""
        return (i - 1) * self.s + (a - 1) * self.d + 1

    def back_tap(self, i: Any, a: Any) -> Any:
        """Padded cell read by kernel cell ``a`` when the kernel runs backwards through window ``i``
        (true convolution: from the window's last cell ``(i − 1)s + d(k − 1) + 1``)."""
        return (i - 1) * self.s + (self.k - a) * self.d + 1

    def inside(self, u: Any) -> Any:
        """Padded cell ``u`` reads the input (not the padding)."""
        return sympy.And(sympy.Le(1, u - self.lo), sympy.Le(u - self.lo, self.n))

    def fits(self) -> Any:
        """The hypothesis that one window fits in the padded input."""
        return sympy.Le(self.span, self.n + self.lo + self.hi)


def padded(X: Any, axes: Sequence[Axis], cells: Sequence[Any]) -> Any:
    """``X̃[u, v]``: the padded input at padded cells ``cells``, zero in the padding (``X`` is an
    ``IndexedBase`` or a function of the input indices, e.g. :func:`dilated`)."""
    inside = sympy.And(*[ax.inside(u) for ax, u in zip(axes, cells)])
    at = tuple(u - ax.lo for ax, u in zip(axes, cells))
    return Piecewise((X(*at) if callable(X) else X[at], inside), (0, True))


def _taps(body: Any, axes: Sequence[Axis], taps: Sequence[sympy.Symbol]) -> Any:
    for ax, a in reversed(list(zip(axes, taps))):
        body = Sum(body, (a, 1, ax.k))
    return body


def corr(X: Any, W: Any, axes: Sequence[Axis], out: Sequence[Any], taps: Sequence[sympy.Symbol]) -> Any:
    """``[X * W]_out = Σ_taps W[taps] X̃[tap cells]``: cross-correlation (PyTorch's ``conv2d``).

    ``W`` is an ``IndexedBase`` or a function of the tap indices (e.g. :func:`rot180`)."""
    weight = W(*taps) if callable(W) else W[tuple(taps)]
    cells = [ax.tap(i, a) for ax, i, a in zip(axes, out, taps)]
    return _taps(weight * padded(X, axes, cells), axes, taps)


def conv(X: Any, W: Any, axes: Sequence[Axis], out: Sequence[Any], taps: Sequence[sympy.Symbol]) -> Any:
    """``[X ⊗ W]_out = Σ_taps W[taps] X̃[backward tap cells]``: true convolution (the kernel runs
    backwards through each window, the notes' ``y_t = Σ_k w_k x_{t−k+1}``)."""
    weight = W(*taps) if callable(W) else W[tuple(taps)]
    cells = [ax.back_tap(i, a) for ax, i, a in zip(axes, out, taps)]
    return _taps(weight * padded(X, axes, cells), axes, taps)


def rot180(W: IndexedBase, axes: Sequence[Axis]) -> Any:
    """``rot180(W)`` as a function of the kernel indices: ``W[k_h − a + 1, k_w − b + 1]``."""
    return lambda *taps: W[tuple(ax.k - a + 1 for ax, a in zip(axes, taps))]


def dilated(D: IndexedBase, axes: Sequence[Axis], cells: Sequence[Any]) -> Any:
    """``D`` with ``s − 1`` zeros inserted between neighbours (stride ``s`` of each axis): cell ``q`` is
    ``D[(q − 1)/s + 1]`` when ``s`` divides ``q − 1``, else 0."""
    cond = sympy.And(*[sympy.Eq(sympy.Mod(q - 1, ax.s), 0) for ax, q in zip(axes, cells)])
    return Piecewise((D[tuple((q - 1) / ax.s + 1 for ax, q in zip(axes, cells))], cond), (0, True))


def layer_loss(
    delta: IndexedBase, X: IndexedBase, W: IndexedBase, axes: Sequence[Axis], outs: Sequence[Any], taps: Sequence[Any]
) -> Any:
    """``ℓ = Σ_out δ[out]·[X * W]_out`` over every output cell: a linear loss whose gradient with
    respect to the layer's output is ``δ``."""
    body = delta[tuple(outs)] * corr(X, W, axes, outs, taps)
    for ax, i in reversed(list(zip(axes, outs))):
        body = Sum(body, (i, 1, ax.m))
    return body


def axes_env(*axes: Axis, **extra: Any) -> Any:
    """The bridge's map from registry sizes (``n, k, s, p, d``) to the symbols of ``axes`` (one axis per
    spatial dimension; ``None`` when the dimensions differ).  ``extra`` maps further symbols to
    functions of the sizes (e.g. channel counts)."""

    def env(sizes: dict[str, Any]) -> dict[Any, int] | None:
        if len(sizes["n"]) != len(axes):
            return None
        w = conv_window(sizes["n"], sizes["k"], sizes["s"], sizes["p"], sizes["d"])
        out: dict[Any, int] = {}
        for ax, n, k, s, (lo, hi), d in zip(axes, w.size, w.kernel, w.stride, w.padding, w.dilation):
            for symbol, value in ((ax.n, n), (ax.k, k), (ax.s, s), (ax.d, d), (ax.lo, lo), (ax.hi, hi)):
                if isinstance(symbol, sympy.Symbol):
                    out[symbol] = value
                elif sympy.sympify(symbol).free_symbols <= set(out):  # a fixed size must match the operator's
                    if sympy.sympify(symbol).xreplace({k_: sympy.Integer(v) for k_, v in out.items()}) != value:
                        return None
                else:
                    return None
        for symbol, fn in extra.items():
            out[symbol] = fn(sizes)
        return out

    return env


def size_env(mapping: dict[Any, tuple[str, int]], dims: int = 2) -> Any:
    """A bridge map reading registry sizes directly: ``{n_h: ("n", 0)}`` gives ``{n_h: n[0]}`` for
    ``dims``-dimensional sizes (``None`` otherwise)."""

    def env(sizes: dict[str, Any]) -> dict[Any, int] | None:
        if len(sizes["n"]) != dims:
            return None
        return {symbol: sizes[key][axis] for symbol, (key, axis) in mapping.items()}

    return env


# --- issue 13, part B: vocabulary of the all-sizes forms of fc, equivariance, matrix, identities -----------
#
# Additive helpers (nothing above is changed).  Dimensions are named by axis suffixes: 1-D ``x``, 2-D ``h, w``,
# 3-D ``z, h, w``; output indices ``i, j, l`` and taps ``a, b, c`` (the first ``dims`` of each).

SUFFIXES = {1: ("x",), 2: ("h", "w"), 3: ("z", "h", "w")}


def per_axis_env(
    axes: Sequence[Axis], keys: Sequence[str] = ("n", "k", "s", "d"), extra: dict[Any, Any] | None = None
) -> Any:
    """A bridge map that reads the registry sizes ``keys`` of each axis directly (no window is built, so it
    serves operators whose window is not a plain correlation's, e.g. circular ones); ``extra`` maps further
    symbols to functions of the sizes.  ``None`` when the dimensions differ.

    >>> x = Axis.named("x")
    >>> per_axis_env([x], ("n", "k"))({"n": (5,), "k": (3,), "s": 1, "d": 1})
    {n_x: 5, k_x: 3}
    """

    def env(sizes: dict[str, Any]) -> dict[Any, int] | None:
        if len(sizes["n"]) != len(axes):
            return None
        out: dict[Any, int] = {}
        for key in keys:
            values = sizes[key] if key in ("n", "k") else per_dim(sizes[key], key, len(axes), minimum=1)
            out.update({getattr(ax, key): value for ax, value in zip(axes, values)})
        out.update({symbol: fn(sizes) for symbol, fn in (extra or {}).items()})
        return out

    return env


def dim_label(dims: int) -> str:
    """``"1-D"``, ``"2-D"``, ``"3-D"``: the label of a dimension's all-sizes part.

    >>> dim_label(2)
    '2-D'
    """
    return f"{dims}-D"


def dim_axes(dims: int, **fixed: Any) -> tuple[Axis, ...]:
    """One :meth:`Axis.named` axis per dimension (suffixes :data:`SUFFIXES`); keywords fix sizes on every axis.

    >>> [ax.n for ax in dim_axes(3)]
    [n_z, n_h, n_w]
    """
    return tuple(Axis.named(suffix, **fixed) for suffix in SUFFIXES[dims])


def dim_indices(dims: int, names: str = "i j l") -> tuple[sympy.Symbol, ...]:
    """The first ``dims`` of the index symbols ``names``.

    >>> dim_indices(2), dim_indices(1, "a b c")
    ((i, j), (a,))
    """
    return indices(names)[:dims]


def ranges(pairs: Sequence[tuple[Any, Any, Any]]) -> tuple[Any, ...]:
    """``(var, lo, hi)`` ranges as hypotheses ``lo ≤ var ≤ hi``.

    >>> i, n = indices("i n")
    >>> ranges([(i, 1, n)])
    (1 <= i, i <= n)
    """
    return tuple(r for var, lo, hi in pairs for r in (sympy.Le(lo, var), sympy.Le(var, hi)))


def read(X: Any, cells: Sequence[Any]) -> Any:
    """``X[cells]`` for an ``IndexedBase``, ``X(*cells)`` for a function of the cells.

    >>> i = indices("i")[0]
    >>> read(IndexedBase("X"), [i]), read(lambda u: u + 1, [i])
    (X[i], i + 1)
    """
    return X(*cells) if callable(X) else X[tuple(cells)]


def tap_sum(body: Any, axes: Sequence[Axis], taps: Sequence[sympy.Symbol]) -> Any:
    """``Σ_{a=1}^{k_h} Σ_{b=1}^{k_w} body``: a summand over the taps of a window (first axis outermost).

    >>> a = indices("a")[0]
    >>> tap_sum(IndexedBase("W")[a], [Axis(4, 2)], [a])
    Sum(W[a], (a, 1, 2))
    """
    return _taps(body, axes, taps)


def wrap(u: Any, n: Any) -> Any:
    """Cell ``u`` taken circularly in ``1 … n``: ``(u − 1) mod n + 1`` (the ``mod`` kept as written, so that a
    composition of circular maps shows; SymPy's arithmetic folds it when a term is rebuilt).

    >>> i, t, n = indices("i tau n")
    >>> wrap(i - t, n)
    Mod(i - tau - 1, n) + 1
    """
    return sympy.Mod(u - 1, n, evaluate=False) + 1


def circular_shift(X: Any, sizes: Sequence[Any], cells: Sequence[Any], taus: Sequence[Any]) -> Any:
    """``[S_τ X]_u = X_{(u − τ − 1) mod n + 1}``: the shift by ``τ`` cells, circular (per axis).

    >>> i, t, n = indices("i tau n")
    >>> circular_shift(IndexedBase("X"), [n], [i], [t])
    X[Mod(i - tau - 1, n) + 1]
    """
    return read(X, [wrap(u - t, n) for u, t, n in zip(cells, taus, sizes)])


def zero_shift(X: Any, sizes: Sequence[Any], cells: Sequence[Any], taus: Sequence[Any]) -> Any:
    """``[S_τ X]_u = X_{u − τ}``, and 0 where ``u − τ`` leaves ``1 … n`` (the shift with zero fill).

    >>> i, t, n = indices("i tau n")
    >>> zero_shift(IndexedBase("X"), [n], [i], [t])
    Piecewise((X[i - tau], (n >= i - tau) & (i - tau >= 1)), (0, True))
    """
    inside = sympy.And(*[c for u, t, n in zip(cells, taus, sizes) for c in (sympy.Le(1, u - t), sympy.Le(u - t, n))])
    return Piecewise((read(X, [u - t for u, t in zip(cells, taus)]), inside), (0, True))


def corr_circular(X: Any, W: Any, axes: Sequence[Axis], out: Sequence[Any], taps: Sequence[sympy.Symbol]) -> Any:
    """``[X ⋆ W]_i = Σ_a W_a X_{(i + (a − 1)d − 1) mod n + 1}``: correlation at stride 1 over the input padded
    circularly by ``d(k − 1)`` cells at the end (PyTorch's ``padding_mode="circular"``); the axes' ``s`` and
    padding are not used.

    >>> i, a = indices("i a")
    >>> corr_circular(IndexedBase("X"), IndexedBase("W"), [Axis.named("x")], [i], [a])
    Sum(W[a]*X[Mod(d_x*(a - 1) + i - 1, n_x) + 1], (a, 1, k_x))
    """
    weight = read(W, taps)
    cells = [wrap(i + (a - 1) * ax.d, ax.n) for ax, i, a in zip(axes, out, taps)]
    return _taps(weight * read(X, cells), axes, taps)


def toeplitz_entry(
    W: Any, axes: Sequence[Axis], out: Sequence[Any], cells: Sequence[Any], taps: Sequence[sympy.Symbol]
) -> Any:
    """``[T(W)]_{i,u} = Σ_a W_a [u = (i − 1)s + (a − 1)d + 1 − p^lo]`` on every axis: the entry of the Toeplitz
    matrix of a correlation (row: output cell ``i``, column: input cell ``u``), ``T(W) = Σ_a W_a E_a`` with
    ``E_a`` the 0/1 matrix of the cells tap ``a`` reads; at most one tap meets a cell.

    >>> i, u, a = indices("i u a")
    >>> toeplitz_entry(IndexedBase("W"), [Axis(5, 2)], [i], [u], [a])
    Sum(KroneckerDelta(u, a + i - 1)*W[a], (a, 1, 2))
    """
    body = read(W, taps)
    for ax, i, u, a in zip(axes, out, cells, taps):
        body = body * sympy.KroneckerDelta(u, ax.tap(i, a) - ax.lo)
    return _taps(body, axes, taps)


def scatter(
    Y: Any,
    W: Any,
    axes: Sequence[Axis],
    cells: Sequence[Any],
    out: Sequence[sympy.Symbol],
    taps: Sequence[sympy.Symbol],
) -> Any:
    """``[conv_transpose(Y, W)]_u = Σ_i Σ_a Y_i W_a [(i − 1)s + (a − 1)d + 1 − p^lo = u]``: every input cell ``i``
    of the transposed convolution scatters ``Y_i W_a`` onto the cell tap ``a`` of window ``i`` reads
    (PyTorch's ``conv_transpose``; ``i`` runs over the ``m`` windows of each axis).

    >>> u, i, a = indices("u i a")
    >>> scatter(IndexedBase("Y"), IndexedBase("W"), [Axis(3, 2)], [u], [i], [a])
    Sum(Sum(KroneckerDelta(u, a + i - 1)*W[a]*Y[i], (a, 1, 2)), (i, 1, 2))
    """
    body = read(Y, out) * read(W, taps)
    for ax, u, i, a in zip(axes, cells, out, taps):
        body = body * sympy.KroneckerDelta(u, ax.tap(i, a) - ax.lo)
    body = _taps(body, axes, taps)
    for ax, i in reversed(list(zip(axes, out))):
        body = Sum(body, (i, 1, ax.m))
    return body


def taps_inside(axes: Sequence[Axis], out: Sequence[Any], taps: Sequence[sympy.Symbol]) -> Any:
    """``Π_axes Σ_a [(i − 1)s + (a − 1)d + 1 ≤ n + p^lo + p^hi]``: the taps of window ``out`` inside the padded
    input (average pooling's divisor with ``count_include_pad``).

    >>> i, a = indices("i a")
    >>> taps_inside([Axis(3, 2)], [i], [a])
    Sum(Piecewise((1, a + i <= 4), (0, True)), (a, 1, 2))
    """
    count = sympy.Integer(1)
    for ax, i, a in zip(axes, out, taps):
        inside = Piecewise((1, sympy.Le(ax.tap(i, a), ax.n + ax.lo + ax.hi)), (0, True))
        count = count * Sum(inside, (a, 1, ax.k))
    return count


def avg_pool_padded(X: Any, axes: Sequence[Axis], out: Sequence[Any], taps: Sequence[sympy.Symbol]) -> Any:
    """``[avgpool(X)]_i = (Σ_a X̃_{tap}) / (taps inside the padded input)``: average pooling with
    ``count_include_pad`` (PyTorch's default), ``ceil_mode`` off (:func:`avg_pool` has both flags).

    >>> i, a = indices("i a")
    >>> window, divisor = sympy.fraction(avg_pool_padded(IndexedBase("X"), [Axis(3, 2)], [i], [a]))
    >>> window
    Sum(Piecewise((X[a + i - 1], (a + i >= 2) & (a + i <= 4)), (0, True)), (a, 1, 2))
    >>> divisor
    Sum(Piecewise((1, a' + i <= 4), (0, True)), (a', 1, 2))
    """
    cells = [ax.tap(i, a) for ax, i, a in zip(axes, out, taps)]
    return _taps(padded(X, axes, cells), axes, taps) / taps_inside(axes, out, [fresh_tap(a) for a in taps])


def fresh_tap(a: sympy.Symbol) -> sympy.Symbol:
    """``a'``: a second bound tap index next to ``a``.

    >>> fresh_tap(indices("a")[0])
    a'
    """
    return sympy.Symbol(f"{a.name}'", integer=True)


def full_axis(n: Any, k: Any) -> Axis:
    """The axis of a wide (full) convolution of ``n`` cells by ``k`` taps: padding ``k − 1`` on each side.

    >>> full_axis(4, 3).m
    6
    """
    return Axis(n, k, lo=k - 1, hi=k - 1)


def row_major_cell(pos: Any, sizes: Sequence[Any]) -> tuple[Any, ...]:
    """The cell at row-major position ``pos`` (1-based) of an array of shape ``sizes``, with floors only: in 2-D
    ``(⌊(pos − 1)/n_w⌋ + 1, pos − n_w⌊(pos − 1)/n_w⌋)`` (what ``reshape`` from one axis does; the last
    coordinate is ``(pos − 1) mod n_w + 1`` written without ``mod``).

    >>> q = sympy.Symbol("q", integer=True)
    >>> row_major_cell(q, (2, 3))
    (floor(q/3 - 1/3) + 1, q - 3*floor(q/3 - 1/3))
    """
    cells: list[Any] = []
    for size in reversed(sizes[1:]):
        cells.insert(0, pos - size * sympy.floor((pos - 1) / size))
        pos = sympy.floor((pos - 1) / size) + 1
    return (pos, *cells)


# --- channels, groups, bias (notes 6.2.3; PyTorch's conv2d with groups) ---------------------------------


class Slice:
    """``X[c, ·, ·]``: a tensor with its leading indices fixed (``Slice(X, c)[u, v]`` is ``X[c, u, v]``), so
    that :func:`corr`, :func:`padded`, :func:`dilated` and :func:`rot180` act on one channel.

    >>> X = IndexedBase("X")
    >>> Slice(X, 2)[3, 4]
    X[2, 3, 4]
    """

    def __init__(self, base: Any, *lead: Any) -> None:
        self.base, self.lead = base, lead

    def __getitem__(self, idx: Any) -> Any:
        idx = idx if isinstance(idx, tuple) else (idx,)
        return self.base[(*self.lead, *idx)]


class Mapped:
    """``f(X)`` elementwise: ``Mapped(f, X)[u, v]`` is ``f(X[u, v])`` (an activation applied to a layer's
    output, e.g. ``X^(l+1) = f(H^(l))``); usable wherever a tensor is (:class:`Slice`, :func:`corr`).

    >>> Mapped(sympy.Function("f"), IndexedBase("H"))[1, 2]
    f(H[1, 2])
    """

    def __init__(self, fn: Any, base: Any) -> None:
        self.fn, self.base = fn, base

    def __getitem__(self, idx: Any) -> Any:
        return self.fn(self.base[idx])


def group_first(q: Any, per_in: Any, per_out: Any) -> Any:
    """The input channels of output channel ``q`` (1-based) with ``g`` groups of ``per_in = c_i/g`` input and
    ``per_out = c_o/g`` output channels are ``group_first + 1 … group_first + per_in``:
    ``⌊(q − 1)/per_out⌋ · per_in`` (PyTorch's ``(p // (c_o // g)) * (c_i // g)``, 0-based ``p = q − 1``).

    >>> [group_first(q, 3, 2) for q in range(1, 5)]  # c_i = 6, c_o = 4, g = 2
    [0, 0, 3, 3]
    """
    return sympy.floor((q - 1) / per_out) * per_in


def corr_channels(
    X: Any,
    W: Any,
    axes: Sequence[Axis],
    q: Any,
    out: Sequence[Any],
    taps: Sequence[sympy.Symbol],
    e: sympy.Symbol,
    per_in: Any,
    first: Any = 0,
    bias: Any = None,
) -> Any:
    """``[H]_{q,out} = Σ_{e=1}^{per_in} [X_{first+e} * W_{q,e}]_out (+ b_q)``: output channel ``q`` of a
    multi-channel correlation reading input channels ``first + 1 … first + per_in`` (``first`` from
    :func:`group_first` with groups, 0 without); ``W`` has shape ``(c_o, per_in, k_h, k_w)``.

    >>> from symconv.kernel import evaluate
    >>> q, i, a, e = indices("q i a e")
    >>> H = corr_channels(IndexedBase("X"), IndexedBase("W"), [Axis(3, 2)], q, [i], [a], e, 2)
    >>> evaluate(H, {q: 1, i: 1}, {IndexedBase("X"): [[1, 2, 3], [4, 5, 6]], IndexedBase("W"): [[[1, 0], [0, 1]]]})
    6
    """
    body = Sum(corr(Slice(X, first + e), Slice(W, q, e), axes, out, taps), (e, 1, per_in))
    return body if bias is None else body + bias[q]


def channel_loss(
    delta: IndexedBase,
    forward: Any,
    axes: Sequence[Axis],
    q: sympy.Symbol,
    c_out: Any,
    outs: Sequence[Any],
) -> Any:
    """``ℓ = Σ_{q=1}^{c_out} Σ_out δ[q, out]·forward(q, out)`` over every output cell of every channel (a linear
    loss whose gradient with respect to the layer's output is ``δ``); ``forward(q, outs)`` is the entry.

    >>> q, i = indices("q i")
    >>> channel_loss(IndexedBase("delta"), lambda q, outs: IndexedBase("H")[(q, *outs)], [Axis(3, 2)], q, 2, [i])
    Sum(Sum(H[q, i]*delta[q, i], (i, 1, 2)), (q, 1, 2))
    """
    body = delta[(q, *outs)] * forward(q, outs)
    for ax, i in reversed(list(zip(axes, outs))):
        body = Sum(body, (i, 1, ax.m))
    return Sum(body, (q, 1, c_out))


def flat_index(cells: Sequence[Any], sizes: Sequence[Any]) -> Any:
    """Row-major position (1-based) of the cell ``cells`` in an array of shape ``sizes``:
    ``(i − 1) n_w + j`` in 2-D (what ``reshape`` to one axis does).

    >>> flat_index((2, 3), (4, 5))
    8
    """
    pos = sympy.Integer(0)
    for cell, size in zip(cells, sizes):
        pos = pos * size + (cell - 1)
    return pos + 1


def unflat_index(pos: Any, sizes: Sequence[Any]) -> tuple[Any, ...]:
    """The cell at row-major position ``pos`` (1-based) of an array of shape ``sizes``: in 2-D
    ``(⌊(pos − 1)/n_w⌋ + 1, (pos − 1) mod n_w + 1)`` (what ``reshape`` from one axis does).

    >>> unflat_index(8, (4, 5))
    (2, 3)
    """
    cells: list[Any] = []
    rest = pos - 1
    for size in reversed(sizes[1:]):
        cells.insert(0, sympy.Mod(rest, size) + 1)
        rest = sympy.floor(rest / size)
    return (rest + 1, *cells)


def more_sizes(env: Any, extra: dict[Any, Any], when: Any = None) -> Any:
    """A bridge map (e.g. :func:`axes_env`'s) with further symbols ``extra`` (formal symbol → function of the
    registry sizes, e.g. channel counts) and an optional filter ``when(sizes)`` (``None`` where it fails,
    e.g. a part stated for ``ceil_mode`` only).

    >>> x, t = Axis.named("x"), indices("tau")[0]
    >>> env = more_sizes(axes_env(x), {t: lambda sizes: 1})
    >>> env({"n": (5,), "k": (3,), "s": 1, "p": 0, "d": 1})[t]
    1
    """

    def out(sizes: dict[str, Any]) -> dict[Any, int] | None:
        if when is not None and not when(sizes):
            return None
        got = env(sizes)
        if got is None:
            return None
        return {**got, **{symbol: fn(sizes) for symbol, fn in extra.items()}}

    return out


# --- pooling (notes 6.3.1; PyTorch's avg_pool2d: padding p on both sides, ceil_mode, count_include_pad) ------


def pool_axis(suffix: str) -> Axis:
    """A pooling axis: ``n, k, s`` and one padding ``p`` on both sides (no dilation: average pooling has
    none), symbols ``n_h, k_h, s_h, p_h`` for ``suffix`` "h".

    >>> pool_axis("h").m
    floor((-k_h + n_h + 2*p_h)/s_h) + 1
    """
    pos = dict(integer=True, positive=True)
    pad = sympy.Symbol(f"p_{suffix}", integer=True, nonnegative=True)
    n, k, s = (sympy.Symbol(f"{x}_{suffix}", **pos) for x in "nks")
    return Axis(n, k, s, 1, pad, pad)


def _flag(flag: Any, yes: Any, no: Any) -> Any:
    """``yes`` where a 0/1 flag is 1, ``no`` where it is 0 (a Python bool picks one)."""
    if isinstance(flag, bool):
        return yes if flag else no
    return sympy.Or(sympy.And(sympy.Eq(flag, 1), yes), sympy.And(sympy.Eq(flag, 0), no))


def pool_windows(ax: Axis, ceil_mode: Any) -> Any:
    """Windows along ``ax``: ``m``, or ``m_ceil`` with ``ceil_mode`` (a bool or a 0/1 symbol).

    >>> pool_windows(Axis(5, 2, 2), False), pool_windows(Axis(5, 2, 2), True)  # n = 5, k = 2, s = 2
    (2, 3)
    """
    if isinstance(ceil_mode, bool):
        return ax.m_ceil if ceil_mode else ax.m
    return Piecewise((ax.m_ceil, sympy.Eq(ceil_mode, 1)), (ax.m, True))


def divisor(axes: Sequence[Axis], out: Sequence[Any], counters: Sequence[sympy.Symbol], include_pad: Any) -> Any:
    """PyTorch's divisor ``N`` of window ``out``: the cells of the window inside the padded input
    (``count_include_pad``) or inside the input, axis by axis, ``Π_axes Σ_{t=1}^{k} [tap t counted]`` (ceil-mode
    windows may hang past the padded input: those cells never count).  ``include_pad``: a bool or a 0/1
    symbol.

    >>> i, t = indices("i t")
    >>> ax = Axis(3, 3, 2, 1, 1, 1)  # n = 3, k = 3, s = 2, padding 1: window 2 covers cells 3, 4, 5 (5 is padding)
    >>> [divisor([ax], [2], [t], flag).doit() for flag in (True, False)]
    [3, 2]
    """
    total = sympy.Integer(1)
    for ax, i, t in zip(axes, out, counters):
        cell = ax.tap(i, t)
        counted = _flag(include_pad, sympy.Le(cell, ax.n + ax.lo + ax.hi), ax.inside(cell))
        total *= Sum(Piecewise((1, counted), (0, True)), (t, 1, ax.k))
    return total


def avg_pool(
    X: Any,
    axes: Sequence[Axis],
    out: Sequence[Any],
    taps: Sequence[sympy.Symbol],
    counters: Sequence[sympy.Symbol],
    include_pad: Any,
) -> Any:
    """``[avg_pool(X)]_out = (1/N_out) Σ_taps X̃[tap cells]``: the window's sum (padding and cells past the padded
    input read 0) over PyTorch's divisor (:func:`divisor`).

    >>> from symconv.kernel import evaluate
    >>> i, a, t = indices("i a t")
    >>> X = IndexedBase("X")
    >>> evaluate(avg_pool(X, [Axis(3, 3, 2, 1, 1, 1)], [i], [a], [t], False), {i: 2}, {X: [1, 2, 6]})
    4
    """
    cells = [ax.tap(i, a) for ax, i, a in zip(axes, out, taps)]
    return _taps(padded(X, axes, cells), axes, taps) / divisor(axes, out, counters, include_pad)


def pool_loss(
    delta: IndexedBase,
    X: IndexedBase,
    axes: Sequence[Axis],
    outs: Sequence[Any],
    taps: Sequence[sympy.Symbol],
    counters: Sequence[sympy.Symbol],
    include_pad: Any,
    ceil_mode: Any,
    windows: Sequence[Any] | None = None,
) -> Any:
    """``ℓ = Σ_out δ[out]·[avg_pool(X)]_out`` over every window (:func:`pool_windows` per axis, or ``windows``:
    symbols standing for them).

    >>> from symconv.kernel import evaluate
    >>> i, a, t = indices("i a t")
    >>> X, D = IndexedBase("X"), IndexedBase("delta")
    >>> evaluate(pool_loss(D, X, [Axis(4, 2, 2)], [i], [a], [t], True, False), {}, {X: [1, 3, 5, 7], D: [1, 10]})
    62
    """
    body = delta[tuple(outs)] * avg_pool(X, axes, outs, taps, counters, include_pad)
    counts = windows or [pool_windows(ax, ceil_mode) for ax in axes]
    for m, i in reversed(list(zip(counts, outs))):
        body = Sum(body, (i, 1, m))
    return body
