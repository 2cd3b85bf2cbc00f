"""Window specification: validation of kernel, stride, padding, dilation, and
the output-size formula.

A window slides over a padded input.  Along one axis of length ``n`` with
kernel size ``k``, stride ``s``, padding ``(lo, hi)`` and dilation ``d`` the
window covers ``d(k-1)+1`` cells, and the number of window positions is

.. math::  \\left\\lfloor \\frac{n + lo + hi - d(k-1) - 1}{s} \\right\\rfloor + 1 .

This module only validates parameters (and charges the size budget of
:mod:`symconv.budget` for the padded and output cells of a window's plane)
and evaluates that formula.  The
operators themselves (symbolic and numeric) enumerate their windows
independently, so that the formula can be checked against them.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import sympy

from . import budget
from .errors import ParameterError, ShapeError, public

__all__ = ["Window", "conv_window", "output_padding", "output_size", "pool_window", "transpose_window"]

Padding = int | str | tuple
PadPairs = tuple[tuple[int, int], ...]


def as_int(value: Any, name: str, *, minimum: int, what: str = "int") -> int:
    """Return ``value`` as a Python int >= ``minimum`` or raise ParameterError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, sympy.Integer):
            value = int(value)
        elif isinstance(value, numbers.Real) and float(value).is_integer() and not isinstance(value, bool):
            raise ParameterError(name, value, f"{_article(minimum)} {what} (an integer type, not a float)")
        else:
            raise ParameterError(name, value, f"{_article(minimum)} {what}")
    value = int(value)
    if value < minimum:
        raise ParameterError(name, value, f"{_article(minimum)} {what}")
    return value


def _article(minimum: int) -> str:
    return {0: "a non-negative", 1: "a positive"}.get(minimum, f"an >= {minimum}")


def per_dim(value: Any, name: str, dims: int, *, minimum: int) -> tuple[int, ...]:
    """An int (same for every dimension) or a tuple of ``dims`` ints."""
    noun = "int" if dims == 1 else f"int or a {_tuple_word(dims)} of {_article(minimum)[2:]} ints"
    if isinstance(value, (tuple, list)):
        if len(value) != dims:
            raise ParameterError(name, value, f"{_article(minimum)} {noun}")
        try:
            return tuple(as_int(v, name, minimum=minimum) for v in value)
        except ParameterError:
            raise ParameterError(name, value, f"{_article(minimum)} {noun}") from None
    try:
        return (as_int(value, name, minimum=minimum),) * dims
    except ParameterError:
        raise ParameterError(name, value, f"{_article(minimum)} {noun}") from None


def _tuple_word(dims: int) -> str:
    return {1: "1-tuple", 2: "pair", 3: "triple"}.get(dims, f"{dims}-tuple")


PADDING_STRINGS = ("valid", "same", "full")


def padding_pairs(
    padding: Any, dims: int, kernel: tuple[int, ...], dilation: tuple[int, ...], stride: tuple[int, ...]
) -> PadPairs:
    """Normalise a padding argument to ``((lo, hi), ...)`` per spatial dimension.

    Accepted: an int (every side), ``"valid"``, ``"same"`` (PyTorch's split:
    ``lo = total // 2``, the extra cell at the end; stride 1 only), ``"full"``
    (``d(k-1)`` on each side); in 2-D a pair ``(p_h, p_w)`` or
    ``((top, bottom), (left, right))``; in 1-D a pair ``(left, right)``.
    """
    if dims == 1:
        shapes = "an int, a pair (left, right), or one of 'valid', 'same', 'full'"
    else:
        shapes = "an int, a pair (p_h, p_w), ((top, bottom), (left, right)), or one of 'valid', 'same', 'full'"
    if isinstance(padding, str):
        if padding not in PADDING_STRINGS:
            raise ParameterError("padding", padding, shapes)
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        if padding == "valid":
            return tuple((0, 0) for _ in range(dims))
        if padding == "full":
            return tuple((t, t) for t in totals)
        if any(s != 1 for s in stride):
            raise ParameterError("padding", padding, "stride 1 with padding='same' (PyTorch has no strided 'same')")
        return tuple((t // 2, t - t // 2) for t in totals)
    try:
        if isinstance(padding, (tuple, list)):
            if dims == 1:
                if len(padding) == 1 and isinstance(padding[0], (tuple, list)):
                    padding = padding[0]
                if len(padding) != 2:
                    raise ValueError
                pair = tuple(as_int(v, "padding", minimum=0) for v in padding)
                return (pair,)  # type: ignore[return-value]
            if len(padding) != dims:
                raise ValueError
            out = []
            for item in padding:
                if isinstance(item, (tuple, list)):
                    if len(item) != 2:
                        raise ValueError
                    out.append(tuple(as_int(v, "padding", minimum=0) for v in item))
                else:
                    p = as_int(item, "padding", minimum=0)
                    out.append((p, p))
            return tuple(out)  # type: ignore[return-value]
        p = as_int(padding, "padding", minimum=0)
        return tuple((p, p) for _ in range(dims))
    except (ValueError, TypeError):
        raise ParameterError("padding", padding, f"non-negative ints: {shapes}") from None


@dataclass(frozen=True)
class Window:
    """A validated window: spatial input size, kernel, stride, padding, dilation.

    All tuples have one entry per spatial dimension; ``padding`` holds
    ``(lo, hi)`` pairs.  ``ceil_mode`` is PyTorch's pooling flag.
    """

    size: tuple[int, ...]
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: PadPairs
    dilation: tuple[int, ...]
    ceil_mode: bool = False

    @property
    def dims(self) -> int:
        return len(self.size)

    @property
    def extent(self) -> tuple[int, ...]:
        """Cells covered by one window: ``d(k-1)+1`` per dimension."""
        return tuple(d * (k - 1) + 1 for k, d in zip(self.kernel, self.dilation))

    def out_shape(self) -> tuple[int, ...]:
        """Output shape by the closed formula (see :func:`output_size`)."""
        return tuple(
            _output_size_int(n, k, s, p, d, self.ceil_mode)
            for n, k, s, p, d in zip(self.size, self.kernel, self.stride, self.padding, self.dilation)
        )


def _check_fits(size, kernel, padding, dilation, slack=None) -> None:
    """Every window must fit the padded input; ceil-mode pooling allows ``s - 1`` cells of ``slack``
    (PyTorch only requires one window position)."""
    slack = slack or (0,) * len(size)
    for n, k, (lo, hi), d, extra in zip(size, kernel, padding, dilation, slack):
        extent = d * (k - 1) + 1
        if extent > n + lo + hi + extra:
            what = f"k={k}" if d == 1 else f"k={k} spans d(k-1)+1={extent} cells at dilation {d}"
            raise ShapeError(
                "kernel",
                kernel if len(kernel) > 1 else kernel[0],
                f"a kernel that fits the padded input ({what}, but the input has {n} cells padded to {n + lo + hi}"
                + (f", plus {extra} in ceil mode)" if extra else ")"),
            )


def charge_window(w: Window, padding: Any = None) -> None:
    """Charge the size budget for the cells that padding adds to one plane of the window.

    Padding, and the ``s - 1`` extra cells of a ceil-mode window, can turn a
    small input into a huge plane; this runs before any implementation
    allocates it.  The input's own cells are not charged (they exist
    already: a large image is fine), nor are the output cells (never more
    than the padded ones); the symbolic operators charge their terms
    separately.  The error names ``padding``, or ``stride`` when ceil mode's
    extra cells make the difference.

    >>> charge_window(Window((3, 3), (2, 2), (1, 1), ((1, 1), (1, 1)), (1, 1)), padding=1)
    >>> charge_window(Window((3, 3), (2, 2), (1, 1), ((10**4, 10**4),) * 2, (1, 1)), padding=10**4)
    Traceback (most recent call last):
    ...
    symconv.errors.BudgetError: padding: got 10000: 400,120,000 cells added by padding; expected at most \
max_terms=1,000,000 cells added by padding (raise the budget with max_terms=, symconv.max_terms(...) or --max-terms)
    """
    extra = tuple(s - 1 for s in w.stride) if w.ceil_mode else (0,) * w.dims
    reach = tuple((lo, hi + e) for (lo, hi), e in zip(w.padding, extra))  # ceil mode's cells past the right padding
    added = budget.padding_cells(w.size, reach)
    if added > budget.limit():
        if not w.ceil_mode or budget.padding_cells(w.size, w.padding) > budget.limit():
            budget.charge_padding(w.size, reach, w.padding if padding is None else padding)
        budget.charge(added, "cells added (ceil mode: s - 1 per axis)", "stride", w.stride)


def conv_window(
    size: tuple[int, ...], kernel: tuple[int, ...], stride: Any = 1, padding: Any = 0, dilation: Any = 1
) -> Window:
    """Validate the parameters of a convolution/correlation window (and charge the size budget)."""
    dims = len(size)
    s = per_dim(stride, "stride", dims, minimum=1)
    d = per_dim(dilation, "dilation", dims, minimum=1)
    pad = padding_pairs(padding, dims, kernel, d, s)
    _check_fits(size, kernel, pad, d)
    window = Window(tuple(size), tuple(kernel), s, pad, d)
    charge_window(window, padding)
    return window


MODES = ("max", "avg")


def pool_window(
    size: tuple[int, ...],
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    mode: str = "max",
) -> Window:
    """Validate pooling parameters with PyTorch's rules.

    ``stride`` defaults to the window; padding is symmetric and at most half
    the window (``p <= k // 2``); average pooling has no dilation.
    """
    dims = len(size)
    if mode not in MODES:
        raise ParameterError("mode", mode, "'max' or 'avg'")
    k = per_dim(kernel_size, "kernel_size", dims, minimum=1)
    s = k if stride is None else per_dim(stride, "stride", dims, minimum=1)
    d = per_dim(dilation, "dilation", dims, minimum=1)
    if mode == "avg" and any(v != 1 for v in d):
        raise ParameterError("dilation", dilation, "1 for average pooling (PyTorch's avg_pool2d has no dilation)")
    if isinstance(padding, str) or any(isinstance(v, (tuple, list)) for v in _as_seq(padding)):
        raise ParameterError("padding", padding, "an int or a pair (p_h, p_w): pooling pads both sides equally")
    p = per_dim(padding, "padding", dims, minimum=0)
    for pi, ki in zip(p, k):
        if pi > ki // 2:
            raise ParameterError(
                "padding", padding, f"at most half the window, p <= k // 2 = {ki // 2} (PyTorch's rule)"
            )
    if not isinstance(ceil_mode, bool):
        raise ParameterError("ceil_mode", ceil_mode, "True or False")
    pad = tuple((pi, pi) for pi in p)
    _check_fits(size, k, pad, d, tuple(si - 1 for si in s) if ceil_mode else None)
    window = Window(tuple(size), k, s, pad, d, ceil_mode)
    charge_window(window, padding)
    return window


def _as_seq(value: Any) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _output_size_int(n: int, k: int, s: int, pad: tuple[int, int], d: int, ceil_mode: bool) -> int:
    lo, hi = pad
    span = n + lo + hi - d * (k - 1) - 1
    if not ceil_mode:
        return span // s + 1
    out = -(-span // s) + 1
    if (out - 1) * s >= n + lo:  # PyTorch: the last window may not start in the right padding
        out -= 1
    return out


def _is_symbolic(value: Any) -> bool:
    """A SymPy expression with free symbols (a SymPy number is concrete)."""
    if isinstance(value, (tuple, list)):
        return any(_is_symbolic(v) for v in value)
    return isinstance(value, sympy.Basic) and bool(value.free_symbols)


def _concrete(value: Any, name: str, minimum: int) -> Any:
    """A symbolic argument as a SymPy expression; a concrete one validated as an int >= ``minimum``."""
    if _is_symbolic(value):
        if not isinstance(value, sympy.Expr) or value.is_extended_real is False or value.has(sympy.I, sympy.nan):
            raise ParameterError(name, value, f"{_article(minimum)} int or a real SymPy expression")
        return value
    if isinstance(value, sympy.Basic) and value.is_number and value.is_Integer:
        value = int(value)
    return sympy.Integer(as_int(value, name, minimum=minimum))


@public
def output_size(n: Any, k: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False) -> Any:
    """Number of window positions along one axis.

    For input length ``n``, kernel ``k``, stride ``s``, padding ``p`` per side
    (or a pair ``(lo, hi)``) and dilation ``d``:

    .. math::  o = \\left\\lfloor \\frac{n + p_{lo} + p_{hi} - d(k-1) - 1}{s} \\right\\rfloor + 1

    With ``ceil_mode`` (pooling), the floor becomes a ceiling and, as in
    PyTorch, a last window that would start in the right padding is dropped.
    Ints give an int; SymPy symbols give a SymPy expression.  Every concrete
    argument is validated, also when others are symbolic.

    >>> output_size(3, 2)
    2
    >>> output_size(8, 3, stride=2, padding=1)
    4
    >>> output_size(3, 2, stride=2, padding=1, ceil_mode=True)  # ceil alone would give 3
    2
    >>> import sympy
    >>> n, k, p, s = sympy.symbols("n k p s", integer=True, positive=True)
    >>> output_size(n, k, stride=s, padding=p)
    floor((-k + n + 2*p)/s) + 1
    """
    if _is_symbolic((n, k, stride, padding, dilation)):
        if isinstance(padding, (tuple, list)) and len(padding) != 2:
            raise ParameterError("padding", padding, "a non-negative int or a pair (lo, hi)")
        lo, hi = padding if isinstance(padding, (tuple, list)) else (padding, padding)
        n, k = _concrete(n, "n", 1), _concrete(k, "k", 1)
        stride, dilation = _concrete(stride, "stride", 1), _concrete(dilation, "dilation", 1)
        lo, hi = _concrete(lo, "padding", 0), _concrete(hi, "padding", 0)
        if not isinstance(ceil_mode, bool):
            raise ParameterError("ceil_mode", ceil_mode, "True or False")
        span = n + lo + hi - dilation * (k - 1) - 1
        if not ceil_mode:
            return sympy.floor(span / stride) + 1
        out = sympy.ceiling(span / stride) + 1
        return sympy.Piecewise((out - 1, (out - 1) * stride >= n + lo), (out, True))
    n = as_int(n, "n", minimum=1)
    k = as_int(k, "k", minimum=1)
    s = as_int(stride, "stride", minimum=1)
    d = as_int(dilation, "dilation", minimum=1)
    if isinstance(padding, (tuple, list)):
        if len(padding) != 2:
            raise ParameterError("padding", padding, "a non-negative int or a pair (lo, hi)")
        pad = (as_int(padding[0], "padding", minimum=0), as_int(padding[1], "padding", minimum=0))
    else:
        p = as_int(padding, "padding", minimum=0)
        pad = (p, p)
    if not isinstance(ceil_mode, bool):
        raise ParameterError("ceil_mode", ceil_mode, "True or False")
    _check_fits((n,), (k,), (pad,), (d,), (s - 1,) if ceil_mode else None)
    return _output_size_int(n, k, s, pad, d, ceil_mode)


def transpose_window(
    size: tuple[int, ...],
    kernel: tuple[int, ...],
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    output_padding: Any = 0,
) -> Window:
    """Validate a transposed correlation of an input of ``size`` cells; the window of its *output*.

    The output has ``(m - 1) s - 2p + d(k - 1) + output_padding + 1`` cells along
    an axis of ``m`` input cells (PyTorch's ``conv_transpose``): the returned
    window, slid over the output, has one position per input cell (more when
    ``output_padding >= s``).  Padding is symmetric: an int or one int per axis;
    ``output_padding`` must be smaller than the stride or the dilation.

    >>> transpose_window((2,), (2,), 2, 0, 1, 1).size
    (5,)
    """
    dims = len(size)
    s = per_dim(stride, "stride", dims, minimum=1)
    d = per_dim(dilation, "dilation", dims, minimum=1)
    symmetric = "a non-negative int or one per axis: a transposed convolution pads both sides equally"
    if isinstance(padding, str) or any(isinstance(v, (tuple, list)) for v in _as_seq(padding)):
        raise ParameterError("padding", padding, symmetric)
    try:
        p = per_dim(padding, "padding", dims, minimum=0)
    except ParameterError:
        raise ParameterError("padding", padding, symmetric) from None
    op = per_dim(output_padding, "output_padding", dims, minimum=0)
    for oi, si, di in zip(op, s, d):
        if oi >= max(si, di):
            raise ParameterError(
                "output_padding",
                output_padding,
                f"smaller than the stride or the dilation, < max(s, d) = {max(si, di)}",
            )
    out = tuple(
        (m - 1) * si - 2 * pi + di * (k - 1) + oi + 1 for m, k, si, pi, di, oi in zip(size, kernel, s, p, d, op)
    )
    if any(n < 1 for n in out):
        raise ParameterError(
            "padding",
            padding,
            f"at most what the output can lose: (m - 1)s + d(k - 1) + output_padding + 1 - 2p = {out}",
        )
    return conv_window(out, kernel, s, tuple((pi, pi) for pi in p), d)


def output_padding(window: Window) -> tuple[int, ...]:
    """The cells the last window of ``window`` leaves at the end of each axis,
    :math:`a = (n + p_{lo} + p_{hi} - d(k-1) - 1) \\bmod s`: the ``output_padding`` that makes the
    transposed correlation (:func:`transpose_window`) of the windows' output the input's size again.

    >>> w = conv_window((6, 4), (2, 2), (3, 1), 1, (2, 1))
    >>> output_padding(w)
    (2, 0)
    >>> transpose_window(w.out_shape(), w.kernel, (3, 1), 1, (2, 1), output_padding(w)).size
    (6, 4)
    """
    if not isinstance(window, Window):
        raise TypeError(f"output_padding: window: got {window!r}; expected a Window (from conv_window)")
    return tuple(
        (n + lo + hi - d * (k - 1) - 1) % s
        for n, k, s, (lo, hi), d in zip(window.size, window.kernel, window.stride, window.padding, window.dilation)
    )
