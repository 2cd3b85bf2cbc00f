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
from .spec import conv_window

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

    >>> c = sympy.Symbol("c", integer=True, positive=True)
    >>> env = more_sizes(lambda sizes: {}, {c: lambda sizes: sizes["c_i"]}, when=lambda sizes: "c_i" in sizes)
    >>> env({"c_i": 3}), env({})
    ({c: 3}, None)
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
