"""Case analysis over strict orderings: exact proofs for max pooling without ties.

The gradient of max pooling is linear in the upstream gradient ``δ`` and,
window by window, a function of comparisons between the window's cells
(``Heaviside(x_u - Max(others))``, ``Piecewise((1, Eq(x_u, Max(...))), ...)``).
Such a coefficient is constant on every region where the cells have one
strict order, so it is zero on the whole no-tie domain exactly when it is
zero at one point of each order: the permutations of ``1..r`` for its ``r``
cells.  Each difference ``lhs - rhs`` is split into its ``δ`` coefficients,
each coefficient is checked to be *order-determined* (built only from
comparisons of cells) and then evaluated on every ordering of its cells.

A coefficient that is not order-determined, or that has more than
``MAX_CELLS`` cells, makes the verdict ``unknown``.
"""

from __future__ import annotations

import itertools
from typing import Any

import sympy
from sympy.logic.boolalg import Boolean, BooleanAtom

from ..symbolic.tensor import entries

__all__ = ["decide", "order_determined", "MAX_CELLS"]

MAX_CELLS = 7
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


def decide(diffs: list[sympy.Expr], inputs: dict[str, Any]) -> tuple[str, dict[sympy.Symbol, int] | None]:
    """``("proved", None)``, ``("refuted", assignment)`` or ``("unknown", None)``."""
    deltas = {s for name, arr in inputs.items() if name.startswith(DELTA_PREFIX) for s in entries(arr)}
    cells = [s for name, arr in inputs.items() if not name.startswith(DELTA_PREFIX) for s in entries(arr)]
    for diff in diffs:
        used = sorted(diff.free_symbols & deltas, key=str)
        coeffs = {d: diff.coeff(d) for d in used}
        if sympy.expand(diff - sum(c * d for d, c in coeffs.items())) != 0:
            return "unknown", None  # not linear in δ
        for d, c in coeffs.items():
            support = sorted(c.free_symbols, key=str)
            if (c.free_symbols & deltas) or not order_determined(c) or len(support) > MAX_CELLS:
                return "unknown", None
            for perm in itertools.permutations(range(1, len(support) + 1)):
                value = c.xreplace({s: sympy.Integer(v) for s, v in zip(support, perm)})
                if not value.is_number:
                    return "unknown", None
                if value != 0:
                    return "refuted", _assignment(cells, deltas, support, perm, d)
    return "proved", None


def _assignment(cells, deltas, support, perm, delta) -> dict[sympy.Symbol, int]:
    """The refuting ordering on ``support``, distinct larger values elsewhere, δ = 1 at ``delta``."""
    values = dict(zip(support, perm))
    free = iter(range(len(support) + 1, len(support) + len(cells) + 1))
    for s in cells:
        values.setdefault(s, next(free))
    values.update({d: int(d == delta) for d in deltas})
    return values
