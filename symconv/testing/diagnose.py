"""Say what a wrong implementation computes instead, by probing it and matching the operator's neighbours.

The code under test and symconv's operator are probed the same way
(:mod:`symconv.testing.probe`); their coefficients are then compared part by
part against the tables of :mod:`symconv.testing.family`:

1. the shape of the wrong quantity, axis by axis (``SIZE_RULES``);
2. which samples and channels are linked (``BATCH_RULES``, ``CHANNEL_RULES``);
3. the window along each spatial axis (:func:`~symconv.testing.family.fit_axis`:
   flip, stride, first cell, dilation, taps), the coefficient values, the
   bias, the divisor of an average, the gradient's route at a tie.

Each part that differs and matches a neighbour gives one line in words; a
part that matches none gives the exact positions (1-based) where the
coefficients differ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from typing import Any

import numpy as np

from ..numeric.window import windows as numeric_windows
from ..spec import output_size
from .adapters import Adapter
from .configs import CONV_OPS, ConvConfig, PoolConfig
from .family import (
    AXES,
    BATCH_RULES,
    BIAS_REASONS,
    CHANNEL_RULES,
    DIVISOR_RULES,
    POOL_CHANNEL_RULES,
    TIE_RULES,
    Axis,
    Groups,
    exact,
    fit_axis,
    match_blocks,
    size_rule,
    tie_response,
    times_text,
)
from .probe import (
    ConvProbe,
    conv_backward,
    conv_forward,
    distinct_base,
    pool_backward_linear,
    pool_backward_max,
    pool_linear,
    pool_max,
)
from .reference import expected_backward, expected_forward

__all__ = ["diagnose", "specific"]

MATH = {"out": "the output", "dX": "∂ℓ/∂X", "dW": "∂ℓ/∂W", "db": "∂ℓ/∂b"}
#: Coefficients closer than this are equal (probed coefficients are small integers or simple fractions).
EPS = 1e-6
#: Most coefficients a diagnosis probes (entries of its dense arrays): beyond, it says so instead.
PROBE_BUDGET = 4_000_000
#: Positions listed when no neighbour matches.
SHOWN = 4
SAME = "its probed coefficients equal symconv's: the wrong value is rounding"
ZERO = "every coefficient is 0: nothing is ever computed"
#: Lines that only describe a difference, without naming a mistake.
WEAK = (
    "no neighbour matches",
    SAME,
    ZERO,
    "could not probe",
    "not probed",
    "is not bilinear",
    "its windows are right, but",
)


def specific(lines: list[str]) -> bool:
    """Whether a diagnosis names a mistake (not only where the coefficients differ).

    >>> specific(["bias ignored"]), specific(["no neighbour matches; ..."]), specific([])
    (True, False, False)
    """
    return bool(lines) and not any(weak in line for line in lines for weak in WEAK)


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= EPS * np.maximum(1.0, np.abs(b))))


def _nz(a: np.ndarray) -> np.ndarray:
    return np.abs(a) > EPS


def _pair(values: tuple[int, ...] | list[int]) -> str:
    values = tuple(values)
    return str(values[0]) if len(set(values)) == 1 else f"({', '.join(map(str, values))})"


def _sides(pairs: list[tuple[int, int]]) -> str:
    if pairs[0] == pairs[1]:
        return f"({pairs[0][0]}, {pairs[0][1]})"
    return f"(({pairs[0][0]}, {pairs[0][1]}), ({pairs[1][0]}, {pairs[1][1]}))"


def _idx(index: tuple[int, ...], drop: int) -> str:
    return ", ".join(str(i + 1) for i in index[drop:])


def _value(v: float) -> str:
    f = exact(v)
    return str(f.numerator) if f.denominator == 1 else str(f)


def diagnose(adapter: Adapter, op: str, cfg: Any, quantity: str, backward: bool = True) -> list[str]:
    """Lines saying what ``adapter``'s code computes instead of ``op`` at ``cfg``, for the wrong ``quantity``.

    ``quantity``: ``"out"`` (the forward), ``"dX"``, ``"dW"`` or ``"db"``.

    >>> from symconv import numeric
    >>> from symconv.testing.adapters import adapter_for
    >>> a = adapter_for(numeric.conv2d, "corr2d", "hw")
    >>> diagnose(a, "corr2d", ConvConfig(size=3, kernel=2), "out")
    ['computes conv2d (kernel flipped) instead of corr2d']
    """
    try:
        if cfg.batch > 1 and _probe_size(op, replace(cfg, batch=1), quantity) <= PROBE_BUDGET:
            lines = _diagnose(adapter, op, replace(cfg, batch=1), quantity)  # probing grows with the batch squared
            if lines:
                return lines
        size = _probe_size(op, cfg, quantity)
        if size > PROBE_BUDGET:
            budget = f"over the budget of {PROBE_BUDGET:,}"
            return [f"not probed: {size:,} coefficients, {budget} (check a smaller configuration)"]
        return _diagnose(adapter, op, cfg, quantity)
    except Exception as err:  # the code under test may raise on probes it did not see in the trials
        return [f"could not probe {adapter.name}: {type(err).__name__}: {err}"]


def _probe_size(op: str, cfg: Any, quantity: str) -> int:
    """Entries of the dense coefficient arrays a diagnosis builds (the product of the factors' sizes)."""
    out, x = int(np.prod(cfg.out_shape)), int(np.prod(cfg.x_shape))
    if op in CONV_OPS:
        return out * x * int(np.prod(cfg.w_shape))
    return out * x * (x if op == "max_pool2d" and quantity != "out" else 1)


def _diagnose(adapter: Adapter, op: str, cfg: Any, quantity: str) -> list[str]:
    """The diagnosis at exactly ``cfg``; empty when the probes find no difference."""
    if op in CONV_OPS:
        return _conv(adapter, op, cfg, quantity)
    return _pool(adapter, op, cfg, quantity)


# --- convolution ----------------------------------------------------------------------------------------------


def _forward_calls(adapter: Adapter, op: str, cfg: Any) -> tuple[Callable, Callable]:
    def impl(X: np.ndarray, W: Any = None, b: Any = None) -> np.ndarray:
        copy = [None if a is None else np.array(a, dtype=np.float64) for a in (X, W, b)]
        return adapter.forward(cfg, *copy)

    def ref(X: np.ndarray, W: Any = None, b: Any = None) -> np.ndarray:
        return np.asarray(expected_forward(op, cfg, X, W, b), dtype=np.float64)

    return impl, ref


def _backward_calls(adapter: Adapter, op: str, cfg: Any) -> tuple[Callable, Callable]:
    def impl(X: np.ndarray, W: Any, b: Any, delta: np.ndarray) -> dict:
        copy = [None if a is None else np.array(a, dtype=np.float64) for a in (X, W, b, delta)]
        return adapter.backward(cfg, *copy)

    def ref(X: np.ndarray, W: Any, b: Any, delta: np.ndarray) -> dict:
        return {k: np.asarray(v, dtype=np.float64) for k, v in expected_backward(op, cfg, X, W, b, delta).items()}

    return impl, ref


def _conv(adapter: Adapter, op: str, cfg: ConvConfig, quantity: str) -> list[str]:
    if quantity == "out":
        impl_call, ref_call = _forward_calls(adapter, op, cfg)
        impl = conv_forward(impl_call, cfg.x_shape, cfg.w_shape, cfg.bias)
        ref = conv_forward(ref_call, cfg.x_shape, cfg.w_shape, cfg.bias)
        rng = np.random.default_rng(0)
        X, W = rng.integers(-3, 4, cfg.x_shape), rng.integers(-3, 4, cfg.w_shape)
        b = rng.integers(-3, 4, cfg.out_channels) if cfg.bias else None
        if not _close(impl_call(X, W, b), impl.predict(X, W, b)):
            return [f"{adapter.names['out']} is not bilinear in (X, W): its responses to unit inputs do not add up"]
        lines = [f"{adapter.names['out']} has terms in {part} alone" for part in impl.affine if part != "constant"]
        if "constant" in impl.affine:
            lines.append(f"{adapter.names['out']} is not zero when every input is zero")
        lines += _form_lines(adapter, op, cfg, "out", impl, ref)
        return lines + _bias_lines(adapter, cfg, impl.B, ref.B)
    impl_call, ref_call = _backward_calls(adapter, op, cfg)
    impl = conv_backward(impl_call, cfg.out_shape, cfg.x_shape, cfg.w_shape, cfg.bias)
    ref = conv_backward(ref_call, cfg.out_shape, cfg.x_shape, cfg.w_shape, cfg.bias)
    if quantity == "db":
        return _db_lines(adapter, cfg, impl.get("db"), ref["db"])
    if quantity not in impl:
        return []
    return _form_lines(adapter, op, cfg, quantity, impl[quantity], ref[quantity])


def _own(quantity: str) -> int:
    """Which factor of the trilinear form a quantity is: output 0, X 1, W 2."""
    return {"out": 0, "dX": 1, "dW": 2}[quantity]


def _factor_shapes(p: ConvProbe) -> list[tuple[int, ...]]:
    return [p.out_shape, p.x_shape, p.w_shape]


def _form_lines(adapter: Adapter, op: str, cfg: ConvConfig, q: str, impl: ConvProbe, ref: ConvProbe) -> list[str]:
    """Compare the trilinear coefficients reached through quantity ``q``."""
    C_i, C_r = impl.C, ref.C
    if _close(C_i, C_r):
        return []
    own = _own(q)
    got, exp = _factor_shapes(impl)[own], _factor_shapes(ref)[own]
    lines: list[str] = []
    if got != exp:
        line, crops = _shape_line(adapter, cfg, q, got, exp)
        lines.append(line)
        if got[:2] != exp[:2]:
            return lines
        for ax, start in crops.items():
            axis = 4 * own + 2 + ax
            C_i = np.take(C_i, range(start, start + exp[2 + ax]), axis=axis)
        C_i, C_r = _common(C_i, C_r)
        if _close(C_i, C_r):
            return lines
    return lines + _structure_lines(adapter, op, cfg, q, C_i, C_r)


def _common(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both arrays cut to the leading region they share (the entries a shape mistake leaves comparable)."""
    region = tuple(slice(0, min(m, n)) for m, n in zip(a.shape, b.shape))
    return a[region], b[region]


def _shape_line(adapter: Adapter, cfg: Any, q: str, got: tuple, exp: tuple) -> tuple[str, dict[int, int]]:
    """The shape mistake, from ``SIZE_RULES``, and the leading cells to drop to align each axis."""
    name = adapter.names[q]
    drop = adapter.view(q, cfg)
    shapes = f"{name} has shape {got[drop:]} instead of {exp[drop:]}"
    kind = {"out": "out", "dX": "dX"}.get(q)
    if kind is None or got[:2] != exp[:2]:
        return shapes, {}
    win = cfg.window
    texts, crops = [], {}
    for ax in range(2):
        if got[2 + ax] == exp[2 + ax]:
            texts.append(None)
            continue
        n, k, s, pad, d = win.size[ax], win.kernel[ax], win.stride[ax], win.padding[ax], win.dilation[ax]
        o = cfg.out_shape[2 + ax]
        rule = size_rule(kind, got[2 + ax], n, k, s, pad, d, win.ceil_mode, o)
        if rule is None or not rule.text:
            return shapes, {}
        if rule.crop:
            crops[ax] = pad[0]
        texts.append(rule)
    used = [t for t in texts if t is not None]
    if len({r.name for r in used}) == 1:
        rule = used[0]
        axes = [ax for ax in range(2) if texts[ax] is not None]
        a = [exp[2 + ax] - got[2 + ax] for ax in axes]
        unit = " and ".join(("row", "column")[ax] + ("s" if a[i] > 1 else "") for i, ax in enumerate(axes))
        return rule.text.format(q=MATH[q], a=_pair(a), unit=unit), crops
    parts = [
        f"{AXES[ax]}: {t.text.format(q=MATH[q], a=exp[2 + ax] - got[2 + ax], unit='cells')}"
        for ax, t in enumerate(texts)
        if t
    ]
    return "; ".join(parts), crops


def _structure_lines(adapter: Adapter, op: str, cfg: ConvConfig, q: str, C_i: np.ndarray, C_r: np.ndarray) -> list[str]:
    """Samples, channels, values and windows of the form, each against its table."""
    prefix = "" if q == "out" else f"{MATH[q]}: "
    if C_i.shape != C_r.shape:
        return _form_positions(adapter, cfg, q, C_i, C_r)
    if not _nz(C_i).any():
        return [f"{prefix}{ZERO}"]
    spatial = (2, 3, 6, 7, 10, 11)
    blocks_i, blocks_r = _nz(C_i).any(axis=spatial), _nz(C_r).any(axis=spatial)
    lines: list[str] = []
    if not np.array_equal(blocks_i, blocks_r):
        batch_i = blocks_i.any(axis=(1, 3, 4, 5))
        if not np.array_equal(batch_i, blocks_r.any(axis=(1, 3, 4, 5))):
            rule = match_blocks(BATCH_RULES, batch_i, cfg.batch)
            if rule is None:
                return _form_positions(adapter, cfg, q, C_i, C_r)
            lines.append(prefix + rule.text)
        chan_i = blocks_i.any(axis=(0, 2))
        if not np.array_equal(chan_i, blocks_r.any(axis=(0, 2))):
            G = Groups(cfg.out_channels, cfg.in_channels, cfg.groups)
            rule = match_blocks(CHANNEL_RULES, chan_i, G)
            if rule is None:
                return _form_positions(adapter, cfg, q, C_i, C_r)
            lines.append(prefix + rule.text.format(of_group=" of each group" if cfg.groups > 1 else ""))
    present = [tuple(b) for b in np.argwhere(blocks_i)]
    if not present:
        return lines + [f"{prefix}{ZERO}"]
    spatial_of = [C_i[n, o, :, :, n2, c, :, :, o2, qq, :, :] for n, o, n2, c, o2, qq in present]
    first_r = tuple(np.argwhere(blocks_r)[0])
    S_r = C_r[first_r[0], first_r[1], :, :, first_r[2], first_r[3], :, :, first_r[4], first_r[5], :, :]
    if not all(_close(S, spatial_of[0]) for S in spatial_of):
        return _form_positions(adapter, cfg, q, C_i, C_r)
    S_i = spatial_of[0]
    values = np.unique(np.round(S_i[_nz(S_i)], 9))
    if len(values) != 1:
        return _form_positions(adapter, cfg, q, C_i, C_r)
    if abs(values[0] - 1) > EPS:
        lines.append(f"{prefix}every coefficient is {_value(values[0])} instead of 1")
    shape_i, shape_r = _nz(S_i), _nz(S_r)
    if np.array_equal(shape_i, shape_r):
        return lines
    if cfg.kernel[0] == cfg.kernel[1] and np.array_equal(shape_i, shape_r.transpose(0, 1, 2, 3, 5, 4)):
        return lines + [f"{prefix}kernel read transposed (W[b, a] in place of W[a, b])"]
    rows, cols = shape_i.any(axis=(1, 3, 5)), shape_i.any(axis=(0, 2, 4))
    if not np.array_equal(shape_i, rows[:, None, :, None, :, None] & cols[None, :, None, :, None, :]):
        return _form_positions(adapter, cfg, q, C_i, C_r)
    win = cfg.window
    flip = op == "conv2d"
    expected = [Axis(win.stride[ax], -win.padding[ax][0], win.dilation[ax], win.kernel[ax], flip) for ax in range(2)]
    fits = [_fit(rel, e, conv=True) for rel, e in zip((rows, cols), expected)]
    if any(f is None for f, _ in fits):
        return _form_positions(adapter, cfg, q, C_i, C_r)
    lines += _truncated_lines(adapter, q, [t for _, t in fits])
    return lines + _axis_lines(op, q, cfg, expected, [f for f, _ in fits], rows.shape[:2], cols.shape[:2])


def _fit(rel: np.ndarray, expected: Axis, conv: bool) -> tuple[Axis | None, int]:
    """The window along one axis, and how many of its last windows were never computed (left empty)."""
    whole = fit_axis(rel, expected, conv)
    if whole is not None:
        return whole, 0
    count, n = rel.shape[:2]
    want = expected.relation(n, count, rel.shape[2] if conv else None)
    empty = 0
    while empty < count - 1 and not rel[count - 1 - empty].any() and want[count - 1 - empty].any():
        empty += 1
    return fit_axis(rel[: count - empty], expected, conv), empty


def _truncated_lines(adapter: Adapter, q: str, empty: list[int]) -> list[str]:
    """Words for the last windows a loop never reached."""
    parts = [f"{e} {('row', 'column')[ax]}{'s' if e > 1 else ''}" for ax, e in enumerate(empty) if e]
    if not parts:
        return []
    what = " and ".join(parts).replace("1 ", "")
    if q == "out":
        verb = "are" if len(parts) > 1 or "s" in what[-1:] else "is"
        return [f"the last {what} of {adapter.names['out']} {verb} never computed (left at 0: a loop stops early)"]
    return [f"{MATH[q]} ignores the last {what} of δ (a loop stops early)"]


FLIP_TEXT = {
    ("out", "corr2d"): "computes conv2d (kernel flipped) instead of corr2d",
    ("out", "conv2d"): "computes corr2d (kernel not flipped) instead of conv2d",
    ("dX", "corr2d"): "∂ℓ/∂X correlates δ with W instead of rot180(W) (the flip is missing)",
    ("dX", "conv2d"): "∂ℓ/∂X correlates δ with rot180(W) instead of W (a flip too many)",
    ("dW", "corr2d"): "∂ℓ/∂W comes out rotated by 180° (the weight gradient of conv2d, not corr2d)",
    ("dW", "conv2d"): "∂ℓ/∂W comes out rotated by 180° (the weight gradient of corr2d, not conv2d)",
}


def _axis_lines(
    op: str,
    q: str,
    cfg: Any,
    expected: list[Axis],
    fitted: list[Axis],
    rows: tuple[int, int],
    cols: tuple[int, int],
) -> list[str]:
    """Words for the fields in which the fitted windows differ from the expected ones.

    ``rows``, ``cols``: (windows, cells) of the relation along each axis.
    """
    counts, lengths = (rows[0], cols[0]), (rows[1], cols[1])
    prefix = "" if q == "out" else f"{MATH[q]}: "
    pool = op not in CONV_OPS
    lines = []
    flips = {ax: f.flip != e.flip for ax, (e, f) in enumerate(zip(expected, fitted)) if e.taps > 1}  # 1 tap: no flip
    if flips and all(flips.values()):
        lines.append(FLIP_TEXT[q, op])
    elif any(flips.values()):
        lines.append(f"{prefix}kernel flipped along the {AXES[next(ax for ax, f in flips.items() if f)]} only")
    for field, word in (("stride", "stride"), ("dilation", "dilation")):
        got, exp = [getattr(f, field) for f in fitted], [getattr(e, field) for e in expected]
        if got != exp:
            lines.append(f"{prefix}{word} applied as {_pair(got)} instead of {_pair(exp)}")
    taps, exp_taps = [f.taps for f in fitted], [e.taps for e in expected]
    if taps != exp_taps:
        if pool:
            lines.append(f"{prefix}window size applied as {_pair(taps)} instead of {_pair(exp_taps)}")
        else:
            for ax in range(2):
                if taps[ax] != exp_taps[ax]:
                    lines.append(f"{prefix}only {taps[ax]} of the {exp_taps[ax]} kernel {AXES[ax]} are read")
    starts, exp_starts = [f.start for f in fitted], [e.start for e in expected]
    if starts != exp_starts:
        los = [-s for s in starts]
        exp_pads = list(cfg.window.padding)
        if all(lo >= 0 for lo in los) and (any(lo > 0 for lo in los) or any(lo for lo, _ in exp_pads)):
            got_pads = [(lo, _hi(cfg, ax, fitted[ax], lo, counts[ax], lengths[ax])) for ax, lo in enumerate(los)]
            lines.append(f"{prefix}padding applied as {_sides(got_pads)} instead of {_sides(exp_pads)}")
        else:
            strides = [f.stride for f in fitted]
            lines.append(
                f"{prefix}stride {_pair(strides)} windows start at {_pair(starts)} instead of {_pair(exp_starts)}"
            )
    return lines


def _hi(cfg: Any, ax: int, axis: Axis, lo: int, count: int, n: int) -> int:
    """The right padding that, with left padding ``lo``, gives ``count`` windows (the total kept if it can)."""
    total = sum(cfg.window.padding[ax])
    ceil = cfg.window.ceil_mode
    for hi in [total - lo, *range(0, 4 * (axis.taps * axis.dilation + axis.stride))]:
        if hi < 0:
            continue
        try:
            if output_size(n, axis.taps, axis.stride, (lo, hi), axis.dilation, ceil) == count:
                return hi
        except ValueError:
            continue
    return max(0, total - lo)


def _form_positions(adapter: Adapter, cfg: Any, q: str, C_i: np.ndarray, C_r: np.ndarray) -> list[str]:
    """The exact positions (1-based) where the coefficients differ, on the shapes both have."""
    common = tuple(min(a, b) for a, b in zip(C_i.shape, C_r.shape))
    region = tuple(slice(0, n) for n in common)
    a, b = C_i[region], C_r[region]
    bad = np.argwhere(np.abs(a - b) > EPS * np.maximum(1.0, np.abs(b)))
    names = adapter.names
    shown = []
    for idx in bad[:SHOWN]:
        o, u, j = tuple(idx[:4]), tuple(idx[4:8]), tuple(idx[8:])
        head, factors = {
            "out": (("out", o), [("X", u), ("W", j)]),
            "dX": (("dX", u), [("delta", o), ("W", j)]),
            "dW": (("dW", j), [("delta", o), ("X", u)]),
        }[q]
        terms = "·".join(f"{names[k]}[{_idx(i, adapter.view(k, cfg))}]" for k, i in factors)
        got, exp = _value(a[tuple(idx)]), _value(b[tuple(idx)])
        shown.append(
            f"{names[head[0]]}[{_idx(head[1], adapter.view(head[0], cfg))}] gets {terms} × {got}, expected × {exp}"
        )
    prefix = "" if q == "out" else f"{MATH[q]}: "
    if not len(bad):
        return [f"{prefix}{SAME}"]
    more = f" (and {len(bad) - SHOWN} more)" if len(bad) > SHOWN else ""
    return [
        f"{prefix}no neighbour matches; the coefficients differ at {len(bad)} positions: " + "; ".join(shown) + more
    ]


def _multiple(a: np.ndarray, b: np.ndarray) -> Fraction | None:
    """``m`` with ``a == m·b`` exactly, or None."""
    if a.shape != b.shape or not _nz(b).any():
        return None
    nz = _nz(b)
    ratios = a[nz] / b[nz]
    m = exact(ratios[0])
    if np.all(np.abs(ratios - float(m)) <= EPS) and not _nz(a[~nz]).any():
        return m
    return None


def _bias_lines(adapter: Adapter, cfg: ConvConfig, B_i: Any, B_r: Any) -> list[str]:
    if B_i is None or B_r is None:
        return []
    B_i, B_r = _common(B_i, B_r)
    if _close(B_i, B_r):
        return []
    m = _multiple(B_i, B_r)
    if m is None:
        bad = np.argwhere(np.abs(B_i - B_r) > EPS)
        out_drop = adapter.view("out", cfg)
        where = "; ".join(
            f"b[{idx[-1] + 1}] reaches {adapter.names['out']}[{_idx(tuple(idx[:-1]), out_drop)}]"
            f" × {_value(B_i[tuple(idx)])}, expected × {_value(B_r[tuple(idx)])}"
            for idx in bad[:SHOWN]
        )
        return [f"the bias is added wrongly: {where}" if where else "the bias is added wrongly"]
    if m == 0:
        return ["bias ignored"]
    for count, why in BIAS_REASONS:
        if count(cfg) == m and m != 1:
            return [f"bias added {times_text(m)} ({why.format(m=m)})"]
    return [f"bias added {times_text(m)}"]


def _db_lines(adapter: Adapter, cfg: ConvConfig, D_i: Any, D_r: Any) -> list[str]:
    if D_i is None or D_i.B is None:
        return []
    a, b = D_i.B, D_r.B
    if _close(a, b):
        return []
    m = _multiple(a, b)
    if m is None:
        return [f"∂ℓ/∂b is not the sum of δ over samples and positions ({adapter.names['db']} has shape {a.shape[4:]})"]
    if m == 0:
        return ["∂ℓ/∂b is zero"]
    positions = cfg.out_shape[2] * cfg.out_shape[3]
    if m == Fraction(1, positions):
        return ["∂ℓ/∂b averages δ over the output positions instead of summing it"]
    return [f"∂ℓ/∂b is {m} times the sum of δ"]


# --- pooling ------------------------------------------------------------------------------------------------------


def _pool(adapter: Adapter, op: str, cfg: PoolConfig, quantity: str) -> list[str]:
    impl_f, ref_f = _forward_calls(adapter, op, cfg)
    if quantity == "out":
        if op == "max_pool2d":
            R_i, base_i = pool_max(impl_f, cfg.x_shape)
            R_r, base_r = pool_max(ref_f, cfg.x_shape)
            lines = _relation_lines(adapter, op, cfg, "out", R_i.astype(float), R_r.astype(float))
            base_i, base_r = _common(base_i, base_r)
            if lines or _close(base_i, base_r):
                return lines
            X = distinct_base(cfg.x_shape)
            for overhang in (-np.inf, 0.0):  # zero padding; ceil mode's overhang counted as padding too
                if _close(base_i, _common(_max_pool_padded(cfg, X, 0.0, overhang), base_i)[0]):
                    return ["max pooling pads with 0 instead of −∞"]
            bad = np.argwhere(np.abs(base_i - base_r) > EPS)
            where = "; ".join(
                f"{adapter.names['out']}[{_idx(tuple(i), adapter.view('out', cfg))}] = {_value(base_i[tuple(i)])}, "
                f"expected {_value(base_r[tuple(i)])}"
                for i in bad[:SHOWN]
            )
            return [f"its windows are right, but on distinct negative values {where}"]
        A_i, A_r = pool_linear(impl_f, cfg.x_shape), pool_linear(ref_f, cfg.x_shape)
        return _average_lines(adapter, op, cfg, "out", A_i, A_r)
    impl_b, ref_b = _backward_calls(adapter, op, cfg)

    def impl_dx(X: np.ndarray, d: np.ndarray) -> np.ndarray:
        return impl_b(X, None, None, d)["X"]

    def ref_dx(X: np.ndarray, d: np.ndarray) -> np.ndarray:
        return ref_b(X, None, None, d)["X"]

    if op == "avg_pool2d":
        A_i = pool_backward_linear(impl_dx, cfg.x_shape, cfg.out_shape)
        A_r = pool_backward_linear(ref_dx, cfg.x_shape, cfg.out_shape)
        return _average_lines(adapter, op, cfg, "dX", A_i, A_r)
    R_r, T_r = pool_backward_max(ref_dx, cfg.x_shape, cfg.out_shape)
    zero = impl_dx(np.zeros((1, *cfg.x_shape[1:])), np.zeros((1, *cfg.out_shape[1:])))
    if zero.shape[1:] != cfg.x_shape[1:]:
        return [_shape_line(adapter, cfg, "dX", (cfg.batch, *zero.shape[1:]), cfg.x_shape)[0]]
    R_i, T_i = pool_backward_max(impl_dx, cfg.x_shape, cfg.out_shape)
    lines = _relation_lines(adapter, op, cfg, "dX", R_i.astype(float), R_r.astype(float))
    if lines or _close(T_i, T_r):
        return lines
    no = int(np.prod(cfg.out_shape))
    windows = R_i.reshape(no, *cfg.x_shape)
    for rule in TIE_RULES:
        response = np.stack([tie_response(rule, w) for w in windows]).reshape(T_i.shape)
        if _close(T_i, response):
            return [f"max-pool backward {rule.text}; PyTorch routes to the first maximum"]
    return _pool_positions(adapter, cfg, "dX", T_i, T_r, "at a full tie ")


def _max_pool_padded(cfg: PoolConfig, X: np.ndarray, fill: float, overhang: float) -> np.ndarray:
    """Max pooling with padding cells worth ``fill`` and ceil-mode overhang worth ``overhang`` (both −∞ in PyTorch)."""
    V = numeric_windows(X, cfg.window, fill, overhang=overhang)
    return V.max(axis=(-2, -1))


def _relation_lines(adapter: Adapter, op: str, cfg: PoolConfig, q: str, R_i: np.ndarray, R_r: np.ndarray) -> list[str]:
    """Windows of a pooling (``R[o, u]`` non-zero when cell ``u`` is in window ``o``), against the expected ones."""
    lines: list[str] = []
    if R_i.shape != R_r.shape:
        got, exp = R_i.shape[:4], R_r.shape[:4]
        if got[:2] != exp[:2] or R_i.shape[4:] != R_r.shape[4:]:
            return [f"{adapter.names[q]} has shape {got} instead of {exp}"]
        line, _ = _shape_line(adapter, cfg, q, got, exp)
        lines.append(line)
        common = tuple(slice(0, min(a, b)) for a, b in zip(R_i.shape, R_r.shape))
        if _close(R_i[common], R_r[common]):
            return lines
    prefix = "" if q == "out" else f"{MATH[q]}: "
    blocks_i = _nz(R_i).any(axis=(2, 3, 6, 7))
    blocks_r = _nz(R_r).any(axis=(2, 3, 6, 7))
    if not np.array_equal(blocks_i, blocks_r) and blocks_i.shape == blocks_r.shape:
        batch = blocks_i.any(axis=(1, 3))
        if not np.array_equal(batch, blocks_r.any(axis=(1, 3))):
            rule = match_blocks(BATCH_RULES, batch, cfg.batch)
            lines.append(prefix + (rule.text if rule else "samples mixed up"))
        chans = blocks_i.any(axis=(0, 2))
        if not np.array_equal(chans, blocks_r.any(axis=(0, 2))):
            rule = match_blocks(POOL_CHANNEL_RULES, chans, cfg.channels)
            lines.append(prefix + (rule.text if rule else "channels mixed up"))
    present = [tuple(b) for b in np.argwhere(blocks_i)]
    if not present:
        return lines + [f"{prefix}{ZERO}"]
    spatial = [_nz(R_i[n, c, :, :, n2, c2]) for n, c, n2, c2 in present]
    if not all(np.array_equal(S, spatial[0]) for S in spatial):
        return lines + _pool_positions(adapter, cfg, q, R_i, R_r, "")
    S = spatial[0]
    f = tuple(np.argwhere(blocks_r)[0])
    S_r = _nz(R_r[f[0], f[1], :, :, f[2], f[3]])
    if np.array_equal(S, S_r[: S.shape[0], : S.shape[1]]) and S.shape[:2] <= S_r.shape[:2]:
        return lines
    rows, cols = S.any(axis=(1, 3)), S.any(axis=(0, 2))
    if not np.array_equal(S, rows[:, None, :, None] & cols[None, :, None, :]):
        return lines + _pool_positions(adapter, cfg, q, R_i, R_r, "")
    win = cfg.window
    expected = [Axis(win.stride[ax], -win.padding[ax][0], win.dilation[ax], win.kernel[ax]) for ax in range(2)]
    fits = [_fit(rel, e, conv=False) for rel, e in zip((rows, cols), expected)]
    if any(f is None for f, _ in fits):
        return lines + _pool_positions(adapter, cfg, q, R_i, R_r, "")
    lines += _truncated_lines(adapter, q, [t for _, t in fits])
    return lines + _axis_lines(op, q, cfg, expected, [f for f, _ in fits], rows.shape[:2], cols.shape[:2])


def _pool_positions(adapter: Adapter, cfg: Any, q: str, A_i: np.ndarray, A_r: np.ndarray, when: str) -> list[str]:
    common = tuple(slice(0, min(a, b)) for a, b in zip(A_i.shape, A_r.shape))
    a, b = A_i[common], A_r[common]
    bad = np.argwhere(np.abs(a - b) > EPS * np.maximum(1.0, np.abs(b)))
    names = adapter.names
    o_drop, x_drop = adapter.view("out", cfg), adapter.view("X", cfg)
    shown = []
    for idx in bad[:SHOWN]:
        o, u = tuple(idx[:4]), tuple(idx[4:])
        got, exp = _value(a[tuple(idx)]), _value(b[tuple(idx)])
        if q == "out":
            text = f"{names['out']}[{_idx(o, o_drop)}] takes {names['X']}[{_idx(u, x_drop)}] × {got}"
        else:
            text = f"{names['delta']}[{_idx(o, o_drop)}] reaches {names['dX']}[{_idx(u, x_drop)}] × {got}"
        shown.append(f"{text}, expected × {exp}")
    prefix = "" if q == "out" else f"{MATH[q]}: "
    if not len(bad):
        return [f"{prefix}{SAME}"]
    more = f" (and {len(bad) - SHOWN} more)" if len(bad) > SHOWN else ""
    return [
        f"{prefix}no neighbour matches; {when}the coefficients differ at {len(bad)} positions: "
        + "; ".join(shown)
        + more
    ]


def _average_lines(adapter: Adapter, op: str, cfg: PoolConfig, q: str, A_i: np.ndarray, A_r: np.ndarray) -> list[str]:
    """Average pooling: its windows (where the weights are non-zero) and its divisors (one over the weight)."""
    if _close(A_i, A_r):
        return []
    lines = _relation_lines(adapter, op, cfg, q, A_i, A_r)
    if lines or A_i.shape != A_r.shape:
        return lines
    no = int(np.prod(A_i.shape[:4]))
    rows_i, rows_r = A_i.reshape(no, -1), A_r.reshape(no, -1)
    divisors = []
    for row in rows_i:
        values = row[_nz(row)]
        if len(values) and np.ptp(values) > EPS:
            return _pool_positions(adapter, cfg, q, A_i, A_r, "")
        divisors.append(float(exact(1 / values[0])) if len(values) else 0.0)
    divisors = np.array(divisors)
    candidates = {
        "sum": np.where(_nz(rows_r).any(axis=1), 1.0, 0.0),
        "padded": _divisors(op, replace(cfg, count_include_pad=True), q),
        "input": _divisors(op, replace(cfg, count_include_pad=False), q),
        "window": np.where(_nz(rows_r).any(axis=1), float(cfg.kernel[0] * cfg.kernel[1]), 0.0),
    }
    used = _nz(rows_r).any(axis=1)
    expected_rule = "padded" if cfg.count_include_pad else "input"
    texts = {r.name: r.text.format(kk=cfg.kernel[0] * cfg.kernel[1]) for r in DIVISOR_RULES}
    verb = "average pooling divides" if q == "out" else f"{MATH[q]} divides δ"
    for rule in DIVISOR_RULES:
        if rule.name != expected_rule and np.allclose(divisors[used], candidates[rule.name][used]):
            if np.allclose(candidates[rule.name][used], candidates[expected_rule][used]):
                continue
            return [f"{verb} by {texts[rule.name]} instead of {texts[expected_rule]}"]
    return _pool_positions(adapter, cfg, q, A_i, A_r, "")


def _divisors(op: str, cfg: PoolConfig, q: str) -> np.ndarray:
    """The divisor of every output of symconv's average pooling at ``cfg``."""
    A = pool_linear(lambda X: np.asarray(expected_forward(op, cfg, X), dtype=np.float64), cfg.x_shape)
    rows = A.reshape(int(np.prod(A.shape[:4])), -1)
    return np.array([float(exact(1 / r[_nz(r)][0])) if _nz(r).any() else 0.0 for r in rows])
