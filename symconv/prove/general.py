"""All-sizes proofs: chains of equalities on SymPy ``Sum``/``Indexed`` expressions.

A :class:`Derivation` starts from one side of a theorem and reaches the other
through steps.  Each step states the expression it reaches and why; the
engine *checks* it — by performing the SymPy operation the step names
(``change_index``, ``doit`` of a ``KroneckerDelta`` sum, differentiation,
substitution) and comparing, or by simplifying the difference to zero.  A
step that cannot be checked is recorded as unchecked and the verdict becomes
``unknown``: a derivation is ``proved`` only when every step was checked.

Hypotheses such as ``0 <= c <= k - 1`` are discharged by *slack variables*:
``k = c + t + 1`` with ``c, t`` non-negative integers, under which SymPy
decides the boundary conditions that differentiation creates.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

import sympy
from sympy import Sum

from .result import ProofResult, Step

__all__ = ["Derivation", "define", "floor_equals", "integer", "nonneg", "positive", "same"]


def integer(names: str) -> Any:
    """Integer symbols (sizes and indices)."""
    return sympy.symbols(names, integer=True)


def nonneg(names: str) -> Any:
    """Non-negative integer symbols (slack variables, offsets)."""
    return sympy.symbols(names, integer=True, nonnegative=True)


def positive(names: str) -> Any:
    """Positive integer symbols (sizes, strides, dilations)."""
    return sympy.symbols(names, integer=True, positive=True)


def _zero(expr: Any) -> bool:
    expr = sympy.piecewise_fold(sympy.sympify(expr))
    if expr == 0:
        return True
    try:
        return sympy.simplify(sympy.expand(expr)) == 0
    except (TypeError, ValueError, NotImplementedError):
        return False


def same(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` are equal as SymPy can certify.

    Sums are compared limit by limit (after renaming the summation variable)
    and summand by summand; anything else by simplifying the difference.

    >>> i, a, b, k = sympy.symbols("i a b k", integer=True)
    >>> X = sympy.IndexedBase("X")
    >>> same(Sum(X[a + 1], (a, 0, k - 1)), Sum(X[b + 1], (b, 0, k - 1)))
    True
    """
    a, b = expand_indices(sympy.sympify(a)), expand_indices(sympy.sympify(b))
    if a == b:
        return True
    if isinstance(a, sympy.Tuple) or isinstance(b, sympy.Tuple):
        return (
            isinstance(a, sympy.Tuple)
            and isinstance(b, sympy.Tuple)
            and len(a) == len(b)
            and all(same(x, y) for x, y in zip(a, b))
        )
    if isinstance(a, Sum) and isinstance(b, Sum) and len(a.limits) == len(b.limits):
        body = b.function
        for (va, lo_a, hi_a), (vb, lo_b, hi_b) in zip(a.limits, b.limits):
            if not (_zero(lo_a - lo_b) and _zero(hi_a - hi_b)):
                return False
            body = body.xreplace({vb: va})
        return same(a.function, body)
    if isinstance(a, sympy.Add) and isinstance(b, sympy.Add) and len(a.args) == len(b.args):
        # match the terms pairwise (sums of Sums do not simplify as a whole)
        remaining = list(b.args)
        for term in a.args:
            match = next((t for t in remaining if same(term, t)), None)
            if match is None:
                break
            remaining.remove(match)
        else:
            return True
    return _zero(a - b)


def expand_indices(expr: Any) -> Any:
    """Canonical index expressions: expand every ``Indexed`` index (``X[d(k-1-a)]`` ->
    ``X[d k - d - a d]``) and write ``KroneckerDelta(x, y)`` as ``KroneckerDelta(x - y, 0)``
    with a positive leading sign, so ``δ(b, i - a)`` and ``δ(a, i - b)`` coincide."""
    expr = expr.replace(
        lambda e: isinstance(e, sympy.Indexed),
        lambda e: e.base[tuple(sympy.expand(i) for i in e.indices)],
    )

    def delta(e: Any) -> Any:
        diff = sympy.expand(e.args[0] - e.args[1])
        if sympy.expand(-diff).sort_key() < diff.sort_key():
            diff = sympy.expand(-diff)
        return sympy.KroneckerDelta(diff, 0, evaluate=False)

    expr = expr.replace(lambda e: isinstance(e, sympy.KroneckerDelta), delta)
    return expr.replace(lambda e: isinstance(e, sympy.core.relational.Relational), _relation)


def _relation(rel: Any) -> Any:
    """``u <= v``, ``v >= u``, ``u < v + 1`` (integers) all become ``v - u >= 0``."""
    if isinstance(rel, (sympy.Eq, sympy.Ne)):
        return rel
    big, small = (rel.lhs, rel.rhs) if isinstance(rel, (sympy.Ge, sympy.Gt)) else (rel.rhs, rel.lhs)
    diff = sympy.expand(big - small)
    if isinstance(rel, (sympy.Gt, sympy.Lt)):
        if not diff.is_integer:
            return rel
        diff -= 1
    return sympy.Ge(diff, 0, evaluate=False)


def flatten_sum(expr: Any) -> tuple[Any, list[tuple]]:
    """``Sum(Sum(f, l2), l1)`` -> ``(f, [l1, l2])``; products with constant factors are pulled in."""
    limits: list[tuple] = []
    while True:
        if isinstance(expr, Sum):
            limits.extend(expr.limits)
            expr = expr.function
            continue
        if isinstance(expr, sympy.Mul):
            inner = [a for a in expr.args if isinstance(a, Sum)]
            if len(inner) == 1:
                rest = sympy.Mul(*[a for a in expr.args if a is not inner[0]])
                expr = Sum(rest * inner[0].function, *inner[0].limits)
                continue
        return expr, limits


def define(base: Any, entry: Callable[..., Any]) -> Callable[[Any], Any]:
    """An operation replacing every ``base[i, j]`` by ``entry(i, j)`` (unfolding a definition)."""

    def op(expr: Any) -> Any:
        return expr.replace(lambda e: isinstance(e, sympy.Indexed) and e.base == base, lambda e: entry(*e.indices))

    return op


def floor_equals(x: Any, value: Any) -> bool:
    """Whether ``floor(x) == value``: ``value`` is an integer and ``0 <= x - value < 1``.

    >>> r = sympy.symbols("r", integer=True, nonnegative=True)
    >>> floor_equals(r / (r + 1), 0)
    True
    """
    value = sympy.sympify(value)
    low = sympy.simplify(x - value)
    high = sympy.simplify(value + 1 - x)
    return bool(value.is_integer) and bool(low.is_nonnegative) and bool(high.is_positive)


class Derivation:
    """A chain ``lhs = e_1 = e_2 = ... = rhs`` whose every step SymPy checks.

    >>> i, a, b, k = sympy.symbols("i a b k", integer=True)
    >>> X, W = sympy.IndexedBase("X"), sympy.IndexedBase("W")
    >>> lhs = Sum(W[k - 1 - a] * X[i + a], (a, 0, k - 1))
    >>> d = Derivation("demo", lhs, "definition")
    >>> _ = d.by(lambda e: e.change_index(a, k - 1 - a, b), Sum(W[b] * X[i + k - 1 - b], (b, 0, k - 1)), "reindex")
    >>> d.finish(Sum(W[b] * X[i + k - 1 - b], (b, 0, k - 1))).verdict
    'proved'
    """

    def __init__(self, name: str, start: Any, why: str, hypotheses: Iterable[str] = ()) -> None:
        self.name = name
        self.hypotheses = tuple(hypotheses)
        self.steps: list[Step] = [Step(start, why, True)]
        self.started = time.perf_counter()

    @property
    def current(self) -> Any:
        return self.steps[-1].expr

    def _add(self, expr: Any, why: str, checked: bool) -> Derivation:
        self.steps.append(Step(expr, why, bool(checked)))
        return self

    def equal(self, expr: Any, why: str) -> Derivation:
        """A step certified by simplification: ``current == expr``."""
        return self._add(expr, why, same(self.current, expr))

    def by(self, operation: Callable[[Any], Any], expr: Any, why: str) -> Derivation:
        """A step certified by performing ``operation`` on the current expression."""
        try:
            done = operation(self.current)
        except Exception:  # an operation SymPy refuses leaves the step unchecked
            return self._add(expr, why, False)
        return self._add(expr, why, same(done, expr))

    def unfold(self, operation: Callable[[Any], Any], expr: Any, why: str) -> Derivation:
        """A step that *introduces* structure: certified by ``operation(expr) == current``
        (e.g. writing a zero-extended entry as a Kronecker sum that ``doit`` collapses)."""
        try:
            done = operation(expr)
        except Exception:
            return self._add(expr, why, False)
        return self._add(expr, why, same(done, self.current))

    def exchange(self, expr: Any, why: str = "exchange the order of finite sums") -> Derivation:
        """Reorder summations: same summand, same limits (as a set), bounds free of summation variables."""
        body_a, lim_a = flatten_sum(expand_indices(self.current))
        body_b, lim_b = flatten_sum(expand_indices(sympy.sympify(expr)))
        variables = {lim[0] for lim in lim_a}
        independent = all(
            not ({lo, hi} and (sympy.sympify(lo).free_symbols | sympy.sympify(hi).free_symbols) & variables)
            for _, lo, hi in lim_a
        )
        ok = sorted(map(str, lim_a)) == sorted(map(str, lim_b)) and independent and same(body_a, body_b)
        return self._add(expr, why, ok)

    def discharge(self, slack: dict[Any, Any], expr: Any, why: str) -> Derivation:
        """Decide boundary conditions under hypotheses given as slack substitutions.

        ``slack`` maps a size to its expression in non-negative slack variables
        (e.g. ``{k: c + t + 1}`` for ``0 <= c <= k - 1``); conditions become
        decidable, the Piecewise collapses, and the sizes are substituted back.
        """
        back = {}
        present = self.current.free_symbols
        for size, expr_in_slack in slack.items():
            # the slack variable is the one symbol the derivation has not used yet
            t = next(iter(sympy.sympify(expr_in_slack).free_symbols - present - set(back)), None)
            if t is None:
                return self._add(expr, why, False)
            solved = sympy.solve(sympy.Eq(size, expr_in_slack), t)
            if len(solved) != 1:
                return self._add(expr, why, False)
            back[t] = solved[0]

        def op(e: Any) -> Any:
            return sympy.piecewise_fold(e.subs(slack)).doit().subs(back)

        return self.by(op, expr, why)

    def split(self, var: Any, at: Any, why: str = "") -> Derivation:
        """Σ_{var=l}^{u} f = Σ_{var=l}^{at} f + Σ_{var=at+1}^{u} f, checked: ``l − 1 ≤ at ≤ u``."""
        body, limits = self._single(var)
        (_, lo, hi) = limits
        expr = Sum(body, (var, lo, at)) + Sum(body, (var, at + 1, hi))
        applies = bool(sympy.simplify(at - (lo - 1)).is_nonnegative) and bool(sympy.simplify(hi - at).is_nonnegative)
        return self.lemma(expr, why or f"split the sum over {var} at {at}", applies)

    def extend(self, var: Any, lo: Any, hi: Any, why: str = "") -> Derivation:
        """Σ_{var=l}^{u} f = Σ_{var=lo}^{hi} f·[l ≤ var ≤ u], checked: ``lo ≤ l`` and ``u ≤ hi``."""
        body, (_, l_, u_) = self._single(var)
        indicator = sympy.Piecewise((body, sympy.And(sympy.Ge(var, l_), sympy.Le(var, u_))), (0, True))
        expr = Sum(indicator, (var, lo, hi))
        applies = bool(sympy.simplify(l_ - lo).is_nonnegative) and bool(sympy.simplify(hi - u_).is_nonnegative)
        return self.lemma(expr, why or f"extend the sum over {var} to [{lo}, {hi}] with an indicator", applies)

    def _single(self, var: Any) -> tuple[Any, tuple]:
        current = self.current
        if not (isinstance(current, Sum) and len(current.limits) == 1 and current.limits[0][0] == var):
            raise ValueError(f"the current expression is not a single sum over {var}")
        return current.function, current.limits[0]

    def lemma(self, expr: Any, why: str, applies: bool) -> Derivation:
        """A step by a standard lemma (e.g. ``i ≤ x ⟺ i ≤ ⌊x⌋`` for an integer ``i``);
        checked when SymPy confirms the lemma's side conditions (``applies``)."""
        return self._add(expr, f"lemma: {why}", applies)

    def cite(self, expr: Any, theorem: str, why: str, proved: bool) -> Derivation:
        """A step justified by another theorem's all-sizes proof (checked iff that one is proved)."""
        self.steps.append(Step(expr, f"{why} ({theorem})", bool(proved), cites=theorem))
        return self

    def finish(
        self,
        target: Any,
        *,
        statement: str = "",
        section: str = "",
        method: str = "all sizes: derivation checked step by step",
    ) -> ProofResult:
        """``proved`` iff every step was checked and the chain ends at ``target``."""
        reached = same(self.current, target)
        unchecked = [s.why for s in self.steps if not s.checked]
        verdict = "proved" if reached and not unchecked else "unknown"
        if unchecked:
            detail = "unchecked step(s): " + "; ".join(unchecked)
        elif not reached:
            detail = "the chain does not reach the other side"
        else:
            cited = sum(1 for s in self.steps if s.cites)
            lemmas = sum(1 for s in self.steps if s.why.startswith("lemma:"))
            sympy_checked = len(self.steps) - 1 - cited - lemmas + bool(self.steps[0].cites)
            detail = f"{sympy_checked} steps checked by SymPy"
            if lemmas:
                detail += f", {lemmas} by standard lemmas with SymPy-checked side conditions"
            if cited:
                detail += (
                    f", {cited} by proved theorems ({', '.join(sorted({s.cites for s in self.steps if s.cites}))})"
                )
        return ProofResult(
            name=self.name,
            verdict=verdict,
            method=method,
            scope="general",
            hypotheses=self.hypotheses,
            statement=statement,
            section=section,
            seconds=time.perf_counter() - self.started,
            detail=detail,
            steps=self.steps,
        )
