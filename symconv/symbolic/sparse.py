"""Sparse polynomials with rational coefficients: the fast number system of the symbolic operators.

The operators of :mod:`symconv.symbolic` are written once, from their index
formulas, over a number system (:mod:`symconv.symbolic.tensor`).  With SymPy
expressions every entry is a SymPy tree; here it is a :class:`SparsePoly`, a
dict from monomials (sorted tuples of variable ids) to non-zero ``int`` or
:class:`~fractions.Fraction` coefficients.  The representation is canonical,
so two polynomials are equal exactly when their dicts are: deciding an
identity between multilinear operators is a dict comparison per entry, with
no expansion and no simplification.

Derivatives (:func:`vjp`) are exact coefficient extraction: the operators are
polynomials, so :math:`\\partial \\ell / \\partial x` collects, for every term
of :math:`\\ell = \\sum \\delta \\odot H` that contains ``x``, its coefficient
times the rest of its monomial.

Whatever is not a polynomial with rational coefficients (a maximum, an
unknown function, a comparison, a float) raises :class:`NotPolynomial`; the
prover then decides that identity with SymPy instead.

>>> X = POLY.symbols("x", (2,))
>>> p = X[0] * 3 + X[1] / 2
>>> p
3*x_{1} + x_{2}/2
>>> p - X[1] / 2 == 3 * X[0]
True
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import numbers
from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from ..errors import ShapeError
from .tensor import symbol_names

__all__ = [
    "POLY",
    "NotPolynomial",
    "clear_cache",
    "gc_paused",
    "PolyArray",
    "PolyScalars",
    "SparsePoly",
    "from_expr",
    "poly_dot",
    "poly_sum",
]

Coeff = int | Fraction
Monomial = tuple[int, ...]


class NotPolynomial(Exception):
    """An operation leaves the polynomials with rational coefficients (the prover falls back to SymPy)."""


@contextlib.contextmanager
def gc_paused() -> Any:
    """Pause Python's cyclic garbage collector for a computation on polynomials.

    Polynomials hold no reference cycles (reference counting frees them), but
    building millions of dicts and tuples triggers collector passes over the
    whole heap that would take a third of the run time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- variables --------------------------------------------------------------------------------------

_NAMES: list[str] = []
_IDS: dict[str, int] = {}
_SYMBOLS: dict[int, sympy.Symbol] = {}


def variable(name: str) -> int:
    """The id of the variable called ``name`` (the same name is the same variable everywhere)."""
    vid = _IDS.get(name)
    if vid is None:
        vid = _IDS[name] = len(_NAMES)
        _NAMES.append(name)
    return vid


def _symbol(vid: int) -> sympy.Symbol:
    """The SymPy symbol of a variable: real, like :func:`symconv.symbols`."""
    sym = _SYMBOLS.get(vid)
    if sym is None:
        sym = _SYMBOLS[vid] = sympy.Symbol(_NAMES[vid], real=True)
    return sym


_fresh = itertools.count()


def _fresh_variable(prefix: str) -> int:
    return variable(f"_{prefix}{next(_fresh)}")


# --- polynomials ------------------------------------------------------------------------------------


def _merge(a: Monomial, b: Monomial) -> Monomial:
    """The product of two monomials (sorted tuples of variable ids)."""
    if not a:
        return b
    if not b:
        return a
    if a[-1] <= b[0]:
        return a + b
    if b[-1] <= a[0]:
        return b + a
    return tuple(sorted(a + b))


def _coeff(value: Any) -> Coeff:
    """An exact rational coefficient from a Python, NumPy or SymPy number."""
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else value
    if isinstance(value, sympy.Rational):
        return int(value.p) if value.q == 1 else Fraction(int(value.p), int(value.q))
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return int(value)
    raise NotPolynomial(f"{value!r} is not an exact rational number")


class SparsePoly:
    """A polynomial with rational coefficients: ``{monomial: coefficient}``, no zero coefficients.

    Immutable; ``+``, ``-``, ``*`` with polynomials and rational numbers,
    ``/`` by a non-zero constant.  ``==`` compares the canonical dicts.
    """

    __slots__ = ("_items", "terms")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, terms: dict[Monomial, Coeff]) -> None:
        self.terms = terms
        self._items: tuple[tuple[Monomial, Coeff], ...] | None = None

    def items(self) -> tuple[tuple[Monomial, Coeff], ...]:
        """The ``(monomial, coefficient)`` pairs, as a tuple (cached: the hot loops iterate it)."""
        items = self._items
        if items is None:
            items = self._items = tuple(self.terms.items())
        return items

    @staticmethod
    def const(value: Any) -> SparsePoly:
        c = _coeff(value)
        return SparsePoly({(): c} if c else {})

    @staticmethod
    def gen(name: str) -> SparsePoly:
        return SparsePoly({(variable(name),): 1})

    # arithmetic ------------------------------------------------------------------------------------
    def __add__(self, other: Any) -> SparsePoly:
        b = _poly(other).terms
        a = self.terms
        if len(a) < len(b):
            a, b = b, a
        out = dict(a)
        for m, c in b.items():
            v = out.get(m)
            if v is None:
                out[m] = c
            elif v + c:
                out[m] = v + c
            else:
                del out[m]
        return SparsePoly(out)

    __radd__ = __add__

    def __neg__(self) -> SparsePoly:
        return SparsePoly({m: -c for m, c in self.terms.items()})

    def __pos__(self) -> SparsePoly:
        return self

    def __sub__(self, other: Any) -> SparsePoly:
        return self + (-_poly(other))

    def __rsub__(self, other: Any) -> SparsePoly:
        return _poly(other) + (-self)

    def __mul__(self, other: Any) -> SparsePoly:
        a, b = self.terms, _poly(other).terms
        if len(a) == 1 and len(b) == 1:  # the common case: one tap, w * x
            ((ma, ca),) = a.items()
            ((mb, cb),) = b.items()
            return SparsePoly({_merge(ma, mb): ca * cb})
        out: dict[Monomial, Coeff] = {}
        for ma, ca in a.items():
            for mb, cb in b.items():
                m = _merge(ma, mb)
                out[m] = out.get(m, 0) + ca * cb
        return _canonical(out)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> SparsePoly:
        c = _poly(other).constant()
        if c == 0:
            raise ZeroDivisionError("division of a polynomial by zero")
        inv = Fraction(1) / c
        return SparsePoly({m: _coeff(v * inv) for m, v in self.terms.items()})

    def __rtruediv__(self, other: Any) -> SparsePoly:
        return _poly(other) / self

    def __pow__(self, e: int) -> SparsePoly:
        if not isinstance(e, numbers.Integral) or e < 0:
            raise NotPolynomial(f"power {e!r}")
        out = SparsePoly({(): 1})
        for _ in range(int(e)):
            out = out * self
        return out

    # comparison ------------------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        try:
            return self.terms == _poly(other).terms
        except NotPolynomial:
            return NotImplemented

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __bool__(self) -> bool:
        return bool(self.terms)

    # inspection ------------------------------------------------------------------------------------
    def constant(self) -> Coeff:
        """The value of a constant polynomial (:class:`NotPolynomial` otherwise)."""
        if not self.terms:
            return 0
        if len(self.terms) == 1 and () in self.terms:
            return self.terms[()]
        raise NotPolynomial(f"division by the non-constant polynomial {self}")

    def is_single_variable(self) -> int | None:
        """The id ``v`` if this polynomial is exactly the variable ``v``, else ``None``."""
        if len(self.terms) == 1:
            ((m, c),) = self.terms.items()
            if c == 1 and len(m) == 1:
                return m[0]
        return None

    def as_expr(self) -> sympy.Expr:
        """The same polynomial as an (expanded) SymPy expression."""
        return sympy.Add(
            *(sympy.Mul(sympy.Rational(c.numerator, c.denominator), *map(_symbol, m)) for m, c in self.terms.items())
        )

    _sympy_ = as_expr

    def subs(self, values: dict[int, SparsePoly]) -> SparsePoly:
        """Substitute polynomials for some variables."""
        out = SparsePoly({})
        for m, c in self.terms.items():
            term = SparsePoly({(): c})
            for v in m:
                term = term * (values[v] if v in values else SparsePoly({(v,): 1}))
            out = out + term
        return out

    def __repr__(self) -> str:
        return str(self.as_expr())


def _poly(value: Any) -> SparsePoly:
    """A polynomial, a SymPy polynomial or an exact number as a :class:`SparsePoly`."""
    if type(value) is SparsePoly:
        return value
    if isinstance(value, sympy.Basic):
        return from_expr(value)
    return SparsePoly.const(value)


def from_expr(expr: Any) -> SparsePoly:
    """A SymPy polynomial with rational coefficients as a :class:`SparsePoly` (else :class:`NotPolynomial`).

    >>> x, y = sympy.symbols("x y", real=True)
    >>> from_expr((x + y) ** 2 - 2 * x * y) == from_expr(x**2 + y**2)
    True
    """
    expr = sympy.sympify(expr)
    if expr.is_Rational:
        return SparsePoly.const(expr)
    if expr.is_Symbol:
        return SparsePoly.gen(expr.name)
    if expr.is_Add:
        return poly_sum(from_expr(a) for a in expr.args)
    if expr.is_Mul:
        out = SparsePoly({(): 1})
        for a in expr.args:
            out = out * from_expr(a)
        return out
    if expr.is_Pow and expr.exp.is_Integer and expr.exp >= 0:
        return from_expr(expr.base) ** int(expr.exp)
    raise NotPolynomial(f"{expr} is not a polynomial with rational coefficients")


def _canonical(terms: dict[Monomial, Coeff]) -> SparsePoly:
    """A polynomial from accumulated terms, cancelled ones dropped."""
    if 0 in terms.values():
        return SparsePoly({m: c for m, c in terms.items() if c})
    return SparsePoly(terms)


def poly_dot(w: list[SparsePoly], x: list[SparsePoly], taps: Iterable[tuple[int, int]]) -> SparsePoly:
    """:math:`\\sum_{(a, u) \\in \\text{taps}} w_a x_u`, in one pass: the hot loop of every operator."""
    out: dict[Monomial, Coeff] = {}
    get = out.get
    for a, u in taps:
        p, q = w[a], x[u]
        for ma, ca in p._items or p.items():
            for mb, cb in q._items or q.items():
                try:  # _merge, inlined
                    if ma[-1] <= mb[0]:
                        m = ma + mb
                    elif mb[-1] <= ma[0]:
                        m = mb + ma
                    else:
                        m = tuple(sorted(ma + mb))
                except IndexError:  # a constant
                    m = ma or mb
                out[m] = get(m, 0) + ca * cb
    return _canonical(out)


def poly_sum(terms: Iterable[Any]) -> SparsePoly:
    """The sum of polynomials (or numbers), in one pass."""
    out: dict[Monomial, Coeff] = {}
    get = out.get
    for t in terms:
        for m, c in (t.terms if type(t) is SparsePoly else _poly(t).terms).items():
            out[m] = get(m, 0) + c
    return _canonical(out)


# --- arrays -----------------------------------------------------------------------------------------


class PolyArray(np.ndarray):
    """An N-D array (a NumPy object array) of :class:`SparsePoly` entries.

    Indexing, slicing, ``.shape`` and ``.tolist()`` are NumPy's; ``rank()``
    is SymPy's name for ``ndim``.  ``scalars`` marks it as an array of the
    sparse number system for :mod:`symconv.symbolic`.
    """

    @property
    def scalars(self) -> PolyScalars:
        return POLY

    def rank(self) -> int:
        return self.ndim

    @staticmethod
    def of(entries: Iterable[Any], shape: tuple[int, ...]) -> PolyArray:
        """An array of the given shape from row-major entries (numbers, SymPy polynomials, polynomials)."""
        cells = [e if type(e) is SparsePoly else _poly(e) for e in entries]
        arr = np.empty(len(cells), dtype=object)
        arr[:] = cells
        return arr.reshape(shape).view(PolyArray)

    @staticmethod
    def wrap(values: Any) -> PolyArray:
        """A NumPy array (or nested lists) of numbers or polynomials as a :class:`PolyArray`."""
        arr = np.asarray(values, dtype=object)
        return PolyArray.of(arr.ravel().tolist(), arr.shape)

    def to_sympy(self) -> sympy.ImmutableDenseNDimArray:
        """The same array with SymPy entries."""
        return sympy.ImmutableDenseNDimArray([p.as_expr() for p in self.ravel().tolist()], self.shape)


class PolyScalars:
    """The sparse number system (see :class:`symconv.symbolic.tensor.SymPyScalars` for the protocol)."""

    name = "sparse"

    def array(self, entries: list, shape: tuple[int, ...]) -> PolyArray:
        return PolyArray.of(entries, shape)

    def sum(self, terms: list) -> SparsePoly:
        return poly_sum(terms)

    def dot(self, w: list, x: list, taps: Iterable[tuple[int, int]]) -> SparsePoly:
        return poly_dot(w, x, taps)

    def scalar(self, value: Any) -> SparsePoly:
        return _poly(value)

    def max(self, values: list) -> Any:
        raise NotPolynomial("max is not a polynomial")

    def coerce(self, arr: Any) -> PolyArray:
        if isinstance(arr, PolyArray):
            return arr
        return PolyArray.wrap(arr.tolist())

    def symbols(self, name: str, shape: int | tuple[int, ...]) -> PolyArray:
        """Variables named like :func:`symconv.symbols` (``name_{i,j}``, 1-based); a read-only array."""
        shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(int(n) for n in shape)
        return _symbols(name, shape)

    def vjp(self, forward: Callable[..., Any], inputs: dict[str, PolyArray], delta: Any) -> dict[str, PolyArray]:
        return vjp(forward, inputs, delta)


POLY = PolyScalars()


@functools.lru_cache(maxsize=64)
def _symbols(name: str, shape: tuple[int, ...]) -> PolyArray:
    arr = PolyArray.of([SparsePoly.gen(s) for s in symbol_names(name, shape)], shape)
    arr.flags.writeable = False  # shared between calls
    return arr


def _partials(m: Monomial) -> list[tuple[int, Monomial, int]]:
    """``(v, m / v, e)`` for each distinct variable ``v`` of ``m``, ``e`` its exponent: ``∂m/∂v = e · m / v``."""
    return [(v, m[:i] + m[i + 1 :], m.count(v)) for i, v in enumerate(m) if not (i and m[i - 1] == v)]


def clear_cache() -> None:
    """Forget the cached arrays of variables."""
    _symbols.cache_clear()


def vjp(forward: Callable[..., Any], inputs: dict[str, PolyArray], delta: Any) -> dict[str, PolyArray]:
    """Gradients of :math:`\\ell = \\sum \\delta \\odot \\text{forward}(\\ldots)` by coefficient extraction.

    For every term :math:`c\\, x^e m` of :math:`\\delta_o H_o` the derivative
    with respect to the variable ``x`` receives :math:`c\\, e\\, x^{e-1} m`;
    nothing else is computed.  An input that is not made of distinct variables
    is replaced by fresh ones for the differentiation and substituted back.

    >>> from symconv.symbolic import corr2d
    >>> X, W, D = POLY.symbols("x", (2, 2)), POLY.symbols("w", (1, 1)), POLY.symbols("δ", (2, 2))
    >>> vjp(lambda X, W: corr2d(X, W), {"X": X, "W": W}, D)["W"][0, 0]
    x_{1,1}*δ_{1,1} + x_{1,2}*δ_{1,2} + x_{2,1}*δ_{2,1} + x_{2,2}*δ_{2,2}
    """
    back: dict[int, SparsePoly] = {}
    arrays, ids = {}, {}
    for name, arr in inputs.items():
        cells = arr.ravel().tolist()
        vids = [c.is_single_variable() for c in cells]
        if None in vids or len(set(vids)) != len(vids):
            vids = [_fresh_variable(name) for _ in cells]
            back.update(zip(vids, cells))
            arr = PolyArray.of([SparsePoly({(v,): 1}) for v in vids], arr.shape)
        arrays[name], ids[name] = arr, vids
    H = POLY.coerce(forward(**arrays))
    delta = POLY.coerce(delta)
    if delta.shape != H.shape:
        raise ShapeError("delta", delta, f"the output's shape {H.shape}")
    grads: dict[int, dict[Monomial, Coeff]] = {v: {} for vids in ids.values() for v in vids}
    for d, h in zip(delta.ravel().tolist(), H.ravel().tolist()):
        dv, ditems = d.is_single_variable(), d.items()
        for m, c in h.items():
            if dv is not None and len(m) == 2 and m[0] != m[1]:  # the common case: c·u·v times the variable δ_o
                for var, other in ((m[0], m[1]), (m[1], m[0])):
                    g = grads.get(var)
                    if g is not None:
                        key = (other, dv) if other <= dv else (dv, other)
                        g[key] = g.get(key, 0) + c
                continue
            for var, rest, e in _partials(m):
                g = grads.get(var)
                if g is None:
                    continue
                for dm, dc in ditems:
                    key = _merge(rest, dm)
                    g[key] = g.get(key, 0) + c * e * dc
    out = {}
    for name, vids in ids.items():
        polys = [_canonical(grads[v]) for v in vids]
        if back:
            polys = [p.subs(back) for p in polys]
        out[name] = PolyArray.of(polys, inputs[name].shape)
    return out
