"""Counterexamples: small integer values at which two sides differ.

Search order: for a polynomial difference, the monomial of least degree gives
a 0/1 assignment at which the difference equals that monomial's coefficient
(exact for multilinear differences, tried first); otherwise seeded random
small integers.  Any assignment found is then shrunk value by value towards
0, 1, -1, 2, -2 while the sides still differ.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import sympy

__all__ = ["find_assignment", "shrink"]

SMALL = (0, 1, -1, 2, -2, 3, -3)


def _differs(diffs: Sequence[sympy.Expr], assignment: dict[sympy.Symbol, int]) -> bool:
    subs = {s: sympy.Integer(v) for s, v in assignment.items()}
    for expr in diffs:
        value = expr.xreplace(subs)
        if value.is_number and value != 0 and value is not sympy.nan:
            return True
    return False


def find_assignment(
    diffs: Sequence[sympy.Expr], syms: Sequence[sympy.Symbol], tries: int = 400, seed: int = 0
) -> dict[sympy.Symbol, int] | None:
    """Small integers for ``syms`` at which some expression in ``diffs`` is non-zero."""
    zero = dict.fromkeys(syms, 0)
    for expr in diffs[:8]:
        if expr.is_polynomial(*syms):
            poly = sympy.Poly(expr, *syms)
            for monom in sorted(poly.monoms(), key=lambda m: (sum(m), m)):
                trial = dict(zero)
                trial.update({s: 1 for s, e in zip(syms, monom) if e})
                if _differs(diffs, trial):
                    return trial
    rng = random.Random(seed)
    for bound in (1, 2, 3, 5):
        for _ in range(tries // 4):
            trial = {s: rng.randint(-bound, bound) for s in syms}
            if _differs(diffs, trial):
                return trial
    return None


def shrink(
    diffs: Sequence[sympy.Expr], syms: Sequence[sympy.Symbol], assignment: dict[sympy.Symbol, int]
) -> dict[sympy.Symbol, int]:
    """Make values as small as possible (towards 0, then ±1, ±2) keeping a difference."""
    current = dict(assignment)
    changed = True
    while changed:
        changed = False
        for s in syms:
            value = current[s]
            for candidate in SMALL:
                if abs(candidate) > abs(value) or candidate == value:
                    continue
                if abs(candidate) == abs(value) and candidate < value:
                    continue
                trial = {**current, s: candidate}
                if _differs(diffs, trial):
                    current = trial
                    changed = True
                    break
    return current


def evaluate(array: Any, assignment: dict[sympy.Symbol, int]) -> list:
    """Nested lists of the exact values of a SymPy array under ``assignment``."""
    subs = {s: sympy.Integer(v) for s, v in assignment.items()}
    return array.applyfunc(lambda e: sympy.sympify(e).xreplace(subs)).tolist()
