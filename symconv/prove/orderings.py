"""Case analysis on the order of a window's cells: exact proofs for max pooling without ties.

The gradient of max pooling is linear in the upstream gradient ``δ``, and the
coefficient of each ``δ_w`` is built from comparisons between the cells of
window ``w`` only: SymPy's derivative gives ``Heaviside(x_u - Max(others))``,
the notes' ``up(·)`` gives ``Piecewise((1, Eq(x_u, Max(window))), (0, True))``.
Such a coefficient is *order-determined*: its value depends on the cells only
through which of them is larger.

**The argument.**  Assume no two cells are equal (the theorem's hypothesis:
the derivative of ``max`` is undefined at ties).  Split on which cell ``m`` of
the coefficient's support ``S`` is the largest.  The cases ``x_m > x_v`` for
all ``v ∈ S \\ {m}`` (one per ``m``) cover the no-tie domain and do not
overlap.  Inside case ``m``:

* a ``Max`` over a set of cells that contains ``m`` equals ``x_m`` exactly;
* a ``Max`` over a set that does not contain ``m`` is strictly below ``x_m``;

so a comparison between two such terms is decided (``>``, ``<`` or ``=``)
unless ``m`` is in neither.  Then the case is split again on the largest of
the remaining cells, and so on: the cases are the nodes of a tree of
"the largest of what is left" choices, and its leaves partition the no-tie
domain.  At a leaf every comparison is decided, so each side's coefficient
rewrites to an exact number (``Heaviside`` of a positive difference is 1, of
a negative one 0, of zero SymPy's ``1/2``; a ``Piecewise`` takes its first
branch whose condition holds).

Each leaf is an explicit :class:`Case`: a condition (a chain of strict
inequalities), and the exact numbers the lhs and the rhs coefficients take
under it.  The identity holds on the no-tie domain exactly when, for every
``δ_w``, both sides are linear in ``δ`` (checked by exact expansion) and
``lhs == rhs`` in every case.  For max pooling one split suffices (the
maximum of the window decides everything): a ``3 × 3`` window has 9 cases,
not ``9! = 362880`` orderings.  A case is refuted with an assignment of
distinct integers in the case's order.

A coefficient that is not order-determined (it depends on values, not only
on their order) or that needs more than ``MAX_CASES`` cases makes the verdict
``unknown``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sympy
from sympy.logic.boolalg import Boolean, BooleanAtom

from ..kernel import same_value
from ..symbolic.tensor import entries

__all__ = ["MAX_CASES", "Case", "cases", "decide", "order_determined"]

#: Leaves of the case tree of one δ-coefficient before the verdict is ``unknown``.
MAX_CASES = 20_000
DELTA_PREFIX = "delta"


def _order_term(e: Any) -> bool:
    """A cell, or a Max/Min of order terms."""
    if isinstance(e, sympy.Symbol):
        return True
    return isinstance(e, (sympy.Max, sympy.Min)) and all(_order_term(a) for a in e.args)


def _comparison(arg: Any) -> bool:
    """``u - v`` (or ``u``, ``-v + u``) with order terms ``u``, ``v``."""
    terms = sympy.Add.make_args(arg)
    if len(terms) != 2:
        return False
    signs = []
    for t in terms:
        coeff, rest = t.as_coeff_Mul()
        if coeff not in (1, -1) or not _order_term(rest):
            return False
        signs.append(coeff)
    return sorted(signs) == [-1, 1]


def order_determined(e: Any) -> bool:
    """Whether ``e`` depends on its symbols only through strict comparisons.

    >>> a, b = sympy.symbols("a b", real=True)
    >>> order_determined(2 * sympy.Heaviside(a - b) + 1), order_determined(a * sympy.Heaviside(a - b))
    (True, False)
    """
    if e.is_number:
        return True
    if isinstance(e, (sympy.Add, sympy.Mul)):
        return all(order_determined(a) for a in e.args)
    if isinstance(e, sympy.Heaviside):
        return _comparison(e.args[0])
    if isinstance(e, sympy.Piecewise):
        return all(order_determined(value) and _condition(cond) for value, cond in e.args)
    return False


def _condition(cond: Any) -> bool:
    if isinstance(cond, BooleanAtom):
        return True
    if isinstance(cond, sympy.core.relational.Relational):
        return _order_term(cond.lhs) and _order_term(cond.rhs)
    if isinstance(cond, Boolean) and cond.args:
        return all(_condition(c) for c in cond.args)
    return False


# --- evaluation under a case -----------------------------------------------------------------------

_UNKNOWN = object()  # a value the case does not decide


class _Order:
    """The case ``top[0] > top[1] > ... > top[-1] > every cell of rest`` (rest unordered)."""

    def __init__(self, top: tuple[sympy.Symbol, ...]) -> None:
        self.rank = {cell: i for i, cell in enumerate(top)}

    def term(self, e: Any) -> Any:
        """An order term's rank (0 = the largest), or ``_UNKNOWN`` if it is one of the unordered rest."""
        if isinstance(e, sympy.Symbol):
            return self.rank.get(e, _UNKNOWN)
        ranks = [self.term(a) for a in e.args]
        known = [r for r in ranks if r is not _UNKNOWN]
        if isinstance(e, sympy.Max):
            return min(known) if known else _UNKNOWN  # every ranked cell is above the rest
        return max(known) if len(known) == len(ranks) else _UNKNOWN  # Min: decided only if all are ranked

    def compare(self, a: Any, b: Any) -> Any:
        """``1`` if a > b, ``0`` if a = b, ``-1`` if a < b, or ``_UNKNOWN``."""
        ra, rb = self.term(a), self.term(b)
        if ra is _UNKNOWN and rb is _UNKNOWN:
            return _UNKNOWN
        if ra is _UNKNOWN:
            return -1
        if rb is _UNKNOWN:
            return 1
        return (ra < rb) - (ra > rb)

    def value(self, e: Any) -> Any:
        """``e`` as an exact number under this case, or ``_UNKNOWN``."""
        if e.is_number:
            return e
        if isinstance(e, (sympy.Add, sympy.Mul)):
            args = [self.value(a) for a in e.args]
            if any(a is _UNKNOWN for a in args):
                return _UNKNOWN
            return e.func(*args)
        if isinstance(e, sympy.Heaviside):
            terms = [t.as_coeff_Mul() for t in sympy.Add.make_args(e.args[0])]
            pos = next(rest for coeff, rest in terms if coeff == 1)
            neg = next(rest for coeff, rest in terms if coeff == -1)
            sign = self.compare(pos, neg)
            return _UNKNOWN if sign is _UNKNOWN else sympy.Heaviside(sympy.Integer(sign))
        if isinstance(e, sympy.Piecewise):
            for branch, cond in e.args:
                truth = self.truth(cond)
                if truth is _UNKNOWN:
                    return _UNKNOWN
                if truth:
                    return self.value(branch)
            return _UNKNOWN  # no branch holds: undefined, never decided
        return _UNKNOWN

    def truth(self, cond: Any) -> Any:
        if isinstance(cond, BooleanAtom):
            return bool(cond)
        if isinstance(cond, sympy.core.relational.Relational):
            sign = self.compare(cond.lhs, cond.rhs)
            if sign is _UNKNOWN:
                return _UNKNOWN
            return {"==": sign == 0, "!=": sign != 0, ">": sign > 0, "<": sign < 0, ">=": sign >= 0, "<=": sign <= 0}[
                cond.rel_op
            ]
        parts = [self.truth(c) for c in cond.args]
        if isinstance(cond, sympy.Not):
            return _UNKNOWN if parts[0] is _UNKNOWN else not parts[0]
        if isinstance(cond, sympy.And):
            return False if False in parts else (_UNKNOWN if _UNKNOWN in parts else True)
        if isinstance(cond, sympy.Or):
            return True if True in parts else (_UNKNOWN if _UNKNOWN in parts else False)
        return _UNKNOWN


@dataclass(frozen=True)
class Case:
    """One exact comparison: under ``condition``, the ``δ``-coefficients of the two sides are ``lhs`` and ``rhs``.

    ``top`` lists cells from the largest down; every other cell of ``support``
    is below ``top[-1]``.  ``lhs`` and ``rhs`` are exact SymPy numbers.
    """

    delta: sympy.Symbol
    top: tuple[sympy.Symbol, ...]
    support: tuple[sympy.Symbol, ...]
    lhs: sympy.Expr
    rhs: sympy.Expr

    @property
    def condition(self) -> sympy.Expr:
        """The case as a SymPy conjunction of strict inequalities."""
        rest = [c for c in self.support if c not in self.top]
        chain = [sympy.StrictGreaterThan(a, b) for a, b in zip(self.top, self.top[1:])]
        chain += [sympy.StrictGreaterThan(self.top[-1], c) for c in rest]
        return sympy.And(*chain)

    @property
    def holds(self) -> bool:
        return same_value(self.lhs, self.rhs)

    def __str__(self) -> str:
        order = " > ".join(map(str, self.top)) + (" > the rest" if len(self.top) < len(self.support) else "")
        return f"{order}: coefficient of {self.delta}: lhs {self.lhs}, rhs {self.rhs}"


class Undecided(Exception):
    """A coefficient the case analysis cannot decide (not order-determined, or too many cases)."""


def _split(delta: Any, lhs: Any, rhs: Any, support: tuple, top: tuple, budget: list[int]) -> Iterator[Case]:
    order = _Order(top)
    values = order.value(lhs), order.value(rhs)
    if _UNKNOWN not in values:
        budget[0] -= 1
        if budget[0] < 0:
            raise Undecided(f"more than {MAX_CASES} cases for the coefficient of {delta}")
        yield Case(delta, top, support, *values)
        return
    rest = [c for c in support if c not in top]
    if not rest:
        raise Undecided(f"the coefficient of {delta} is not decided by the order of its cells")
    for m in rest:  # the largest of the cells not ranked yet: one case each
        yield from _split(delta, lhs, rhs, support, (*top, m), budget)


def cases(delta: sympy.Symbol, lhs: sympy.Expr, rhs: sympy.Expr) -> Iterator[Case]:
    """The cases of the coefficients ``lhs``, ``rhs`` of ``delta`` (see the module's argument).

    >>> a, b, c, d = sympy.symbols("a b c delta", real=True)
    >>> lhs = sympy.Heaviside(a - sympy.Max(b, c))
    >>> rhs = sympy.Piecewise((1, sympy.Eq(a, sympy.Max(a, b, c))), (0, True))
    >>> [str(case) for case in cases(d, lhs, rhs)]
    ['a > the rest: coefficient of delta: lhs 1, rhs 1', 'b > the rest: coefficient of delta: lhs 0, rhs 0', \
'c > the rest: coefficient of delta: lhs 0, rhs 0']
    """
    for side in (lhs, rhs):
        if not order_determined(side):
            raise Undecided(f"the coefficient {side} of {delta} is not order-determined")
    support = tuple(sorted(lhs.free_symbols | rhs.free_symbols, key=str))
    if not support:
        yield Case(delta, (), (), lhs, rhs)
        return
    yield from _split(delta, lhs, rhs, support, (), [MAX_CASES])


def _linear(expr: sympy.Expr, deltas: set) -> dict[sympy.Symbol, sympy.Expr] | None:
    """The δ-coefficients of ``expr``, if it is exactly linear in δ (else ``None``)."""
    expr = sympy.expand(expr)
    used = sorted(expr.free_symbols & deltas, key=str)
    coeffs = {d: expr.coeff(d) for d in used}
    if sympy.expand(expr - sum(c * d for d, c in coeffs.items())) != 0:
        return None
    if any(c.free_symbols & deltas for c in coeffs.values()):
        return None
    return coeffs


def decide(
    diffs: list[sympy.Expr], inputs: dict[str, Any], pairs: list[tuple[sympy.Expr, sympy.Expr]] | None = None
) -> tuple[str, dict[sympy.Symbol, int] | None]:
    """``("proved", None)``, ``("refuted", assignment)`` or ``("unknown", None)``.

    ``pairs``: the ``(lhs, rhs)`` entries whose difference is not zero as
    expanded; without them each difference is compared with 0.
    """
    deltas = {s for name, arr in inputs.items() if name.startswith(DELTA_PREFIX) for s in entries(arr)}
    cells = [s for name, arr in inputs.items() if not name.startswith(DELTA_PREFIX) for s in entries(arr)]
    for lhs, rhs in pairs if pairs is not None else [(d, sympy.Integer(0)) for d in diffs]:
        lc, rc = _linear(lhs, deltas), _linear(rhs, deltas)
        if lc is None or rc is None:
            return "unknown", None  # not linear in δ
        for d in sorted(set(lc) | set(rc), key=str):
            try:
                for case in cases(d, lc.get(d, sympy.Integer(0)), rc.get(d, sympy.Integer(0))):
                    if not case.holds:
                        return "refuted", _assignment(cells, deltas, case)
            except Undecided:
                return "unknown", None
    return "proved", None


def _assignment(cells: list, deltas: set, case: Case) -> dict[sympy.Symbol, int]:
    """Distinct integers in the case's order on its support, larger ones elsewhere; δ = 1 at the case's δ only."""
    rest = [c for c in case.support if c not in case.top]
    ordered = [*reversed(rest), *reversed(case.top)]  # ascending: the rest, then top[-1] ... top[0]
    values = {cell: i + 1 for i, cell in enumerate(ordered)}
    free = iter(range(len(ordered) + 1, len(ordered) + len(cells) + 1))
    for s in cells:
        values.setdefault(s, next(free))
    values.update({d: int(d == case.delta) for d in deltas})
    return values
