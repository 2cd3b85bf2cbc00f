"""The trusted kernel: everything symconv prints as ``proved`` for all sizes rests on this file.

A :class:`Thm` is the judgement ``hyps ⊢ lhs = rhs``: under the formal hypotheses (SymPy
relations over integer symbols) the two terms are equal for every value of their free symbols.
As in HOL Light's ``fusion.ml``, a ``Thm`` can only be made here: by a :class:`Proof`, a chain of
rules that the kernel applies itself, by :func:`by_solver` (an arithmetic fact decided by z3), by
:func:`define_sequence` (a new symbol defined by primitive recursion) or by :func:`induction`.
No rule takes a boolean, a callable or a justification string as evidence: the ``why`` text of a
step is for the reader only.  A caller may say which expression it expects after a rule; the kernel
computes the result itself and compares.

**Terms.**  Integer symbols (sizes, indices), rational numbers, ``+ · ^`` (integer exponents),
``Indexed`` entries of ``IndexedBase`` tensors, finite ``Sum``/``Product`` (``Σ_{v=lo}^{hi}``, empty
when ``hi < lo`` -- *not* SymPy's Karr convention), ``KroneckerDelta``, ``Piecewise`` with relational
conditions, ``floor``, ``ceiling``, ``Mod``, ``Max``, ``Min``, ``Derivative`` with respect to a
tensor entry, and uninterpreted functions.  Anything else is refused by name.  Bound variables
carry no assumption but ``integer`` (their range says where they live); every assumption of a free
symbol (``positive``, ``nonnegative``) is turned into a formal hypothesis of the statement.

**What is trusted.**  SymPy's arithmetic on the expressions compared (``expand`` and ``cancel`` of
polynomial and rational skeletons, SymPy's own evaluation when a term is rebuilt), and the
decision procedure z3 for the integer side conditions (a timeout or ``unknown`` is a failure,
never a success).  Terms are compared up to simultaneous, capture-free renaming of bound variables
(de Bruijn levels), then by congruence: same head, equal children, with the arithmetic between
them decided as a polynomial identity (or, for :meth:`Proof.arith`, by z3 under the hypotheses
that hold at that position: the statement's, the ranges of the enclosing sums and the conditions
of the enclosing ``Piecewise`` branches).

A rule that does not apply raises :class:`KernelError`; the proof is then not finished and the
verdict is ``unknown``.

>>> i, n = sympy.symbols("i n", integer=True)
>>> X = sympy.IndexedBase("X")
>>> st = Statement("shift", Sum(X[i], (i, 1, n)), Sum(X[i + 1], (i, 0, n - 1)))
>>> thm = Proof(st).reindex(i, i + 1, why="i ↦ i + 1").qed()
>>> thm.lhs == st.lhs, len(thm.steps)
(True, 2)
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy
from sympy import (
    Add,
    Derivative,
    Indexed,
    IndexedBase,
    KroneckerDelta,
    Mul,
    Piecewise,
    Pow,
    Symbol,
)
from sympy.core.function import AppliedUndef
from sympy.core.relational import Relational
from sympy.logic.boolalg import BooleanFunction

try:  # the decision procedure; without it every side condition is unknown (never assumed)
    import z3
except ImportError:  # pragma: no cover - z3-solver is a dependency
    z3 = None

__all__ = [
    "RULES",
    "KernelError",
    "Product",
    "Proof",
    "Statement",
    "Step",
    "Sum",
    "Thm",
    "by_solver",
    "define_sequence",
    "equal",
    "evaluate",
    "induction",
    "prime",
    "same_value",
    "scope_of",
]

#: Milliseconds z3 may spend on one side condition (a timeout makes the step fail).
TIMEOUT_MS = 4000

#: The rules a proof may use, and what the kernel checks for each (printed by ``rests_on``).
RULES = {
    "start": "the statement's left side",
    "reindex": "Σ_v f(v) = Σ_w f(±w + c) over the image range (a unit affine bijection)",
    "stretch": "Σ_w f(w) = Σ_v [v ≡ b mod a] f((v − b)/a) over v = a w + b (a ≥ 1 entailed)",
    "exchange": "Σ_v Σ_w f = Σ_w Σ_v f when the inner bounds do not mention v",
    "linearity": "Σ_v (c·f + g) = c·Σ_v f + Σ_v g for factors c free of v (and back)",
    "collapse": "Σ_v δ(αv + β, 0) f(v) = [α | −β, lo ≤ −β/α ≤ hi] f(−β/α) (α ≠ 0 entailed)",
    "split": "Σ_{lo}^{hi} = Σ_{lo}^{c} + Σ_{c+1}^{hi} when lo − 1 ≤ c ≤ hi is entailed (Π likewise)",
    "rerange": "Σ_{lo}^{hi} [C] f = Σ_{lo'}^{hi'} [C'] f when (lo ≤ v ≤ hi ∧ C) ⟺ (lo' ≤ v ≤ hi' ∧ C') is entailed",
    "count": "Σ_{v=lo}^{hi} c = (hi − lo + 1)·c for c free of v, when lo ≤ hi + 1 is entailed (Π: c^(…))",
    "singleton": "Σ_{v=lo}^{hi} f = f(lo) when lo = hi is entailed; empty ranges give 0 (Π: 1)",
    "decide": "a Piecewise branch or a Kronecker delta whose condition is entailed at its position",
    "condition": "a condition replaced by one entailed to be equivalent at its position",
    "differentiate": "∂/∂X[u] computed: ∂X[e]/∂X[u] = Π δ(e_r, u_r), sums and products by linearity, "
    "∂f(E)/∂X[u] = f'(E)·∂E/∂X[u] for an uninterpreted f",
    "algebra": "equal up to bound-variable renaming and polynomial arithmetic (conditions compared under "
    "the hypotheses, like every expected form)",
    "arith": "equal at every position under the hypotheses there, decided by z3",
    "instance": "a proved Thm instantiated by a substitution, its hypotheses entailed where it is used",
    "hypothesis": "an equation among the hypotheses used as a rewrite",
    "solver": "an arithmetic equation decided by z3 under the hypotheses",
    "definition": "a new sequence defined by primitive recursion (conservative)",
    "induction": "P(m0) and (m ≥ m0, P(m) ⊢ P(m + 1)) give m ≥ m0 ⊢ P(m)",
}

_BOUND = "ᵇ"  # prefix of the canonical names of bound variables; refused in user terms


class KernelError(ValueError):
    """A rule does not apply (its result, a side condition, or the term it acts on)."""


class Sum(sympy.Sum):
    """``Σ_{v=lo}^{hi} f``: one bound variable, kept as built.

    SymPy's ``Sum`` merges nested sums into one with several limits and refolds ``Piecewise`` summands
    when it is constructed; the kernel's rules act on one binder at a time, so its sums are built
    without either (they print, compare and substitute like SymPy's)."""

    def __new__(cls, function: Any, limit: Any) -> Sum:
        var, lo, hi = limit
        function = sympy.sympify(function)
        obj = sympy.Expr.__new__(cls)
        obj._args = (function, sympy.Tuple(var, sympy.sympify(lo), sympy.sympify(hi)))
        obj.is_commutative = function.is_commutative
        return obj


class Product(sympy.Product):
    """``Π_{v=lo}^{hi} f`` with one bound variable, kept as built (like :class:`Sum`)."""

    def __new__(cls, function: Any, limit: Any) -> Product:
        var, lo, hi = limit
        function = sympy.sympify(function)
        obj = sympy.Expr.__new__(cls)
        obj._args = (function, sympy.Tuple(var, sympy.sympify(lo), sympy.sympify(hi)))
        obj.is_commutative = function.is_commutative
        return obj


def _same_kind(node: Any) -> type:
    """The kernel class (:class:`Sum` or :class:`Product`) of a SymPy sum or product."""
    return Sum if isinstance(node, sympy.Sum) else Product


# --- terms ------------------------------------------------------------------------------------------


#: The kernel's term language: every node of a term is an instance of one of these (a table, so that
#: what the kernel accepts can be read in one place).
TERMS: tuple[type, ...] = (
    sympy.Integer,
    sympy.Rational,
    sympy.logic.boolalg.BooleanAtom,
    Symbol,  # integer symbols only (checked below), or the label of an IndexedBase
    IndexedBase,
    Indexed,
    sympy.Tuple,
    Add,
    Mul,
    Pow,  # integer exponents only (checked below)
    sympy.Sum,
    sympy.Product,
    Piecewise,
    sympy.functions.elementary.piecewise.ExprCondPair,
    KroneckerDelta,
    sympy.floor,
    sympy.ceiling,
    sympy.Mod,
    sympy.Max,
    sympy.Min,
    Derivative,
    AppliedUndef,
    Relational,
    sympy.And,
    sympy.Or,
    sympy.Not,
)


def check_term(expr: Any, where: str = "term") -> sympy.Basic:
    """Refuse anything outside the kernel's term language (:data:`TERMS`), naming it.

    >>> check_term(sympy.Symbol("x"))
    Traceback (most recent call last):
    ...
    symconv.kernel.KernelError: term: the symbol x is not declared integer (sizes and indices are integers)
    >>> check_term(sympy.Float(0.5))
    Traceback (most recent call last):
    ...
    symconv.kernel.KernelError: term: Float (0.500000000000000) is not a kernel term
    """
    expr = sympy.sympify(expr)
    for node in sympy.preorder_traversal(expr):
        if not isinstance(node, TERMS) or (isinstance(node, sympy.Number) and not node.is_Rational):
            raise KernelError(f"{where}: {type(node).__name__} ({node}) is not a kernel term")
        if isinstance(node, Symbol):
            if node.name.startswith(_BOUND):
                raise KernelError(f"{where}: the name {node.name} is reserved for bound variables")
            if node.is_integer is not True and not _is_label(node, expr):
                raise KernelError(
                    f"{where}: the symbol {node} is not declared integer (sizes and indices are integers)"
                )
        if isinstance(node, Pow) and not node.exp.is_Integer:
            raise KernelError(f"{where}: the power {node} has a non-integer exponent")
        if isinstance(node, (sympy.Sum, sympy.Product)):
            for _var, *bounds in node.limits:
                for bound in bounds:
                    _integer(bound, f"{where}: a limit of {type(node).__name__}")
    return expr


def integer_term(e: Any) -> bool:
    """Whether a term denotes an integer for every value of its symbols: integer symbols and constants
    under ``+ − ·`` and non-negative powers, ``floor``/``ceiling`` of anything, ``Mod``/``Max``/``Min`` and
    ``Piecewise`` of integer terms, Kronecker deltas, sums of integer terms.  Tensor entries, rationals and
    uninterpreted functions are not: an index, a range limit or a substituted size must be an integer term.

    >>> n = sympy.Symbol("n", integer=True)
    >>> integer_term(sympy.floor(n / 2) + 3 * n), integer_term(n / 2), integer_term(IndexedBase("X")[n])
    (True, False, False)
    """
    e = sympy.sympify(e)
    if isinstance(e, (sympy.Integer, sympy.floor, sympy.ceiling, KroneckerDelta)):
        return True
    if isinstance(e, Symbol):
        return e.is_integer is True
    if isinstance(e, (Add, Mul, sympy.Mod, sympy.Max, sympy.Min)):
        return all(integer_term(a) for a in e.args)
    if isinstance(e, Pow):
        return e.exp.is_Integer and int(e.exp) >= 0 and integer_term(e.base)
    if isinstance(e, Piecewise):
        return all(integer_term(x) for x, _c in e.args)
    if isinstance(e, (sympy.Sum, sympy.Product)):
        return integer_term(e.function)
    return False


def _integer(e: Any, what: str) -> Any:
    e = sympy.sympify(e)
    if not integer_term(e):
        raise KernelError(f"{what}: {e} is not an integer term (an index, a range limit or a size must be)")
    return e


def _is_label(sym: Symbol, expr: sympy.Basic) -> bool:
    """The label of an ``IndexedBase`` (``X`` in ``X[i]``) is not a variable."""
    return any(isinstance(b, IndexedBase) and b.label == sym for b in expr.atoms(IndexedBase))


def _limits(node: Sum | Product) -> tuple[Symbol, Any, Any]:
    (var, lo, hi) = node.limits[0]
    return var, lo, hi


def nest(expr: Any) -> Any:
    """Multi-limit ``Sum(f, (i, ..), (j, ..))`` as nested single-limit sums (``j`` outermost)."""
    expr = sympy.sympify(expr)
    if not expr.args:
        return expr
    if not any(_unnested(n) for n in sympy.preorder_traversal(expr)):
        return expr
    if isinstance(expr, (sympy.Sum, sympy.Product)):
        body = nest(expr.function)
        for var, lo, hi in expr.limits:
            body = _same_kind(expr)(body, (var, nest(lo), nest(hi)))
        return body
    return _rebuild(expr, [nest(a) for a in expr.args])


def _unnested(node: Any) -> bool:
    """A SymPy sum or product that is not already one of the kernel's single-limit ones."""
    return isinstance(node, (sympy.Sum, sympy.Product)) and (type(node) not in (Sum, Product) or len(node.limits) > 1)


def _rebuild(expr: Any, args: Sequence[Any]) -> Any:
    if isinstance(expr, Indexed):
        return expr.base[tuple(args[1:])]
    if isinstance(expr, (sympy.Sum, sympy.Product)):
        (_var, _lo, _hi) = expr.limits[0]
        return _same_kind(expr)(args[0], tuple(args[1].args) if isinstance(args[1], sympy.Tuple) else args[1])
    if isinstance(expr, Derivative):
        return Derivative(args[0], *expr.variable_count)
    return expr.func(*args)


def free_symbols(expr: Any) -> set[Symbol]:
    """Free integer symbols (labels of tensors excluded).

    The same set as SymPy's ``free_symbols`` filtered to symbols, computed by one memoised walk: SymPy's
    own rebuilds every sum's summand to mask its binder, which made it the kernel's costliest call.

    >>> i, n = Symbol("i", integer=True), Symbol("n", integer=True)
    >>> sorted(free_symbols(Sum(IndexedBase("X")[i] * n, (i, 1, n))), key=str)
    [n]
    """
    expr = sympy.sympify(expr)
    labels = {b.label for b in expr.atoms(IndexedBase)}
    return {s for s in _free(expr) if s not in labels}


@functools.lru_cache(maxsize=65536)
def _free(node: sympy.Basic) -> frozenset[Symbol]:
    """The free :class:`Symbol` s of ``node``, as SymPy defines them (bound variables of sums and products
    removed, tensor names and indexed entries themselves not counted)."""
    if isinstance(node, Symbol):
        return frozenset((node,))
    if isinstance(node, IndexedBase):
        return frozenset()
    if isinstance(node, Indexed):
        return frozenset().union(*map(_free, node.indices))
    if isinstance(node, (sympy.Sum, sympy.Product)) and len(node.limits) == 1 and len(node.limits[0]) == 3:
        var, lo, hi = node.limits[0]
        if isinstance(var, Symbol):
            return (_free(node.function) - {var}) | _free(lo) | _free(hi)
    if isinstance(node, Derivative):
        return _free(node.expr).union(*(_free(count) for _var, count in node.variable_count))
    if node.args and isinstance(node, _NO_BINDER):
        return frozenset().union(*map(_free, node.args))
    return frozenset(s for s in node.free_symbols if isinstance(s, Symbol))  # anything else: SymPy's own


#: Nodes of the term language whose free symbols are their arguments' (no binder, no override).
_NO_BINDER = tuple(t for t in TERMS if t not in (Symbol, IndexedBase, Indexed, sympy.Sum, sympy.Product, Derivative))


def _check_scopes(expr: Any, names: set[str], where: str) -> None:
    """Refuse a sum or product whose bound variable reuses the name of a free symbol of the statement or of
    an enclosing binder: contexts, hypotheses and rewrites speak of names, and must never confuse the two.
    (Sibling sums may share a name.)"""

    def visit(e: Any, bound: frozenset[str]) -> None:
        if isinstance(e, (sympy.Sum, sympy.Product)):
            var, lo, hi = _limits(e)
            visit(lo, bound)
            visit(hi, bound)
            if var.name in names or var.name in bound:
                what = "an enclosing bound variable" if var.name in bound else "a free symbol of the statement"
                raise KernelError(f"{where}: the bound variable {var} has the name of {what}")
            visit(e.function, bound | {var.name})
            return
        for arg in e.args:
            visit(arg, bound)

    visit(sympy.sympify(expr), frozenset())


def _binders(expr: Any) -> list[Symbol]:
    return [_limits(n)[0] for n in sympy.preorder_traversal(expr) if isinstance(n, (sympy.Sum, sympy.Product))]


def fresh(base: Symbol, avoid: Iterable[Symbol]) -> Symbol:
    """``a``, ``a'``, ``a''`` … the first name not in ``avoid`` (an integer symbol)."""
    names = {s.name for s in avoid}
    name = base.name
    while name in names:
        name += "'"
    return Symbol(name, integer=True)


def subst(expr: Any, mapping: dict[Symbol, Any]) -> Any:
    """Simultaneous, capture-avoiding substitution of free symbols (and renaming of tensors).

    >>> i, j = sympy.symbols("i j", integer=True)
    >>> X = sympy.IndexedBase("X")
    >>> subst(Sum(i * X[j], (j, 1, 3)), {i: j})
    Sum(j*X[j'], (j', 1, 3))
    """
    expr = sympy.sympify(expr)
    mapping = {k: sympy.sympify(v) for k, v in mapping.items() if k != v}
    if not mapping:
        return expr
    return _subst(expr, mapping)


def _subst(expr: Any, mapping: dict[Symbol, Any]) -> Any:
    if isinstance(expr, Symbol):
        return mapping.get(expr, expr)
    if not expr.args:
        return expr
    if isinstance(expr, (sympy.Sum, sympy.Product)) and len(expr.limits) > 1:
        expr = nest(expr)
    if isinstance(expr, (sympy.Sum, sympy.Product)):
        var, lo, hi = _limits(expr)
        lo, hi = _subst(lo, mapping), _subst(hi, mapping)
        inner = {
            k: v
            for k, v in mapping.items()
            if k != var and (isinstance(k, IndexedBase) or k in free_symbols(expr.function))
        }
        body = expr.function
        incoming = set().union(*(free_symbols(v) for v in inner.values())) if inner else set()
        if var in incoming:  # rename the binder so that it does not capture a substituted symbol
            new = fresh(var, incoming | free_symbols(body) | set(inner) | set(_binders(body)))
            body = _subst(body, {var: new})
            var = new
        return _same_kind(expr)(_subst(body, inner) if inner else body, (var, lo, hi))
    if isinstance(expr, Indexed):
        return mapping.get(expr.base, expr.base)[tuple(_subst(i, mapping) for i in expr.indices)]
    if isinstance(expr, Derivative):
        return Derivative(_subst(expr.expr, mapping), *[(_subst(v, mapping), c) for v, c in expr.variable_count])
    return expr.func(*[_subst(a, mapping) for a in expr.args])


# --- canonical forms and equality ---------------------------------------------------------------------


def _bound(level: int) -> Symbol:
    return Symbol(f"{_BOUND}{level}", integer=True)


def canon(expr: Any) -> Any:
    """Bound variables renamed by de Bruijn level (simultaneously, capture-free), sums nested, indicators
    folded (:func:`fold`), Kronecker deltas written ``δ(x − y, 0)`` with a canonical sign, tensor indices
    expanded."""
    return _canon(fold(nest(sympy.sympify(expr))), {}, 0)


def _indicator(e: Any) -> bool:
    """``[c]·f``: a ``Piecewise((f, c), (0, True))``."""
    return isinstance(e, Piecewise) and len(e.args) == 2 and e.args[1][1] is sympy.true and e.args[1][0] == 0


def fold(expr: Any) -> Any:
    """Indicators moved inwards and merged: ``[c]·f·g = [c](f·g)``, ``[c₁][c₂]f = [c₁ ∧ c₂]f``,
    ``[c] Σ_v f = Σ_v [c] f`` (``v`` renamed if ``c`` mentions it).  Each is an identity of finite sums.

    >>> i, n = sympy.symbols("i n", integer=True)
    >>> X = sympy.IndexedBase("X")
    >>> fold(Piecewise((Sum(X[i], (i, 1, n)), n > 2), (0, True)) * Piecewise((X[n], n > 3), (0, True)))
    X[n]*Sum(Piecewise((X[i], (n > 2) & (n > 3)), (0, True)), (i, 1, n))
    """
    expr = sympy.sympify(expr)
    if not expr.args or isinstance(expr, (Symbol, IndexedBase)):
        return expr
    if isinstance(expr, (sympy.Sum, sympy.Product)):
        var, lo, hi = _limits(expr)
        return _same_kind(expr)(fold(expr.function), (var, fold(lo), fold(hi)))
    if isinstance(expr, Mul):
        args = [fold(a) for a in expr.args]
        marks = [a for a in args if _indicator(a)]
        if not marks:
            return Mul(*args)
        rest = Mul(*[a for a in args if not _indicator(a)], *[m.args[0][0] for m in marks])
        return _mark(rest, sympy.And(*[m.args[0][1] for m in marks]))
    if isinstance(expr, Piecewise):
        folded = Piecewise(*[(fold(e), fold(c)) for e, c in expr.args])
        if _indicator(folded):
            return _mark(*folded.args[0])
        return folded
    if isinstance(expr, Indexed):
        return expr.base[tuple(fold(i) for i in expr.indices)]
    if isinstance(expr, Derivative):
        return Derivative(fold(expr.expr), *expr.variable_count)
    return expr.func(*[fold(a) for a in expr.args])


def _mark(body: Any, cond: Any) -> Any:
    """``[cond]·body`` with ``body`` folded: merged with an inner indicator, pushed into a sum."""
    if cond is sympy.true:
        return body
    if cond is sympy.false:
        return sympy.Integer(0)
    if _indicator(body):
        inner, c2 = body.args[0]
        return _mark(inner, sympy.And(cond, c2))
    if isinstance(body, sympy.Sum):
        var, lo, hi = _limits(body)
        f = body.function
        if var in free_symbols(cond):
            new = fresh(var, free_symbols(cond) | free_symbols(f) | set(_binders(f)))
            f, var = subst(f, {var: new}), new
        return Sum(_mark(f, cond), (var, lo, hi))
    if isinstance(body, Mul):
        marks = [a for a in body.args if _indicator(a)]
        if marks:
            rest = Mul(*[a for a in body.args if not _indicator(a)], *[m.args[0][0] for m in marks])
            return _mark(rest, sympy.And(cond, *[m.args[0][1] for m in marks]))
        sums = [a for a in body.args if isinstance(a, sympy.Sum)]
        if len(sums) == 1:  # a·Σ f with one sum: the indicator goes into the sum
            return Mul(*[a for a in body.args if a is not sums[0]]) * _mark(sums[0], cond)
    return Piecewise((body, cond), (0, True))


def _canon(expr: Any, env: dict[Symbol, Symbol], level: int) -> Any:
    if isinstance(expr, Symbol):
        return env.get(expr, expr)
    if not expr.args:
        return expr
    if isinstance(expr, (sympy.Sum, sympy.Product)):
        var, lo, hi = _limits(expr)
        b = _bound(level)
        body = _canon(expr.function, {**env, var: b}, level + 1)
        return _same_kind(expr)(body, (b, _canon(lo, env, level), _canon(hi, env, level)))
    if isinstance(expr, Indexed):
        return expr.base[tuple(sympy.expand(_canon(i, env, level)) for i in expr.indices)]
    if isinstance(expr, KroneckerDelta):
        x, y = (_canon(a, env, level) for a in expr.args)
        return _delta(x - y)
    if isinstance(expr, Derivative):
        return Derivative(_canon(expr.expr, env, level), *[(_canon(v, env, level), c) for v, c in expr.variable_count])
    out = expr.func(*[_canon(a, env, level) for a in expr.args])
    if isinstance(out, (sympy.Eq, sympy.Ne)) and isinstance(out.lhs, sympy.Mod) and out.rhs == 0:
        return out.func(_divisibility(*out.lhs.args), 0)
    return out


def _divisibility(x: Any, m: Any) -> Any:
    """``Mod(x, m)`` compared with 0 (``m | x``): terms of ``x`` that are integer multiples of ``m``
    dropped and the sign of ``m`` made canonical (``m | x ⟺ −m | x``)."""
    x, m = sympy.expand(x), sympy.expand(m)
    if m.sort_key() > sympy.expand(-m).sort_key():
        m = sympy.expand(-m)
    kept = []
    for term in Add.make_args(x):
        if not _integer_polynomial(sympy.cancel(term / m)):
            kept.append(term)
    return sympy.Mod(Add(*kept), m, evaluate=False)


def _integer_polynomial(q: Any) -> bool:
    """``q`` is a polynomial with integer coefficients in integer symbols (so an integer)."""
    if q.is_Integer:
        return True
    symbols = sorted(q.free_symbols, key=str)
    if not symbols or not all(isinstance(s, Symbol) and s.is_integer for s in symbols) or not q.is_polynomial(*symbols):
        return False
    return all(c.is_Integer for c in sympy.Poly(q, *symbols).coeffs())


def _delta(diff: Any) -> Any:
    diff = sympy.expand(diff)
    neg = sympy.expand(-diff)
    if neg.sort_key() < diff.sort_key():
        diff = neg
    return KroneckerDelta(diff, 0, evaluate=True)


def equal(a: Any, b: Any, ctx: Context | None = None) -> bool:
    """``a = b`` up to bound-variable renaming and arithmetic (with ``ctx``: arithmetic and conditions
    decided by z3 under the hypotheses that hold at each position).

    >>> i, j, n = sympy.symbols("i j n", integer=True)
    >>> X = sympy.IndexedBase("X")
    >>> equal(Sum(Sum(X[j, j], (j, 1, n)), (i, 1, n)), Sum(Sum(X[j, i], (i, 1, n)), (j, 1, n)))
    False
    >>> equal(Sum(X[i + 1 - 1] * 2, (i, 1, n)), Sum(X[j] + X[j], (j, 1, n)))
    True
    """
    return _eq(canon(a), canon(b), ctx)


def _is_arith(e: Any) -> bool:
    return isinstance(e, (Add, Mul, Pow, Symbol, sympy.Number))


def _eq(a: Any, b: Any, ctx: Context | None) -> bool:
    if a == b:
        return True
    logical = (Relational, BooleanFunction, sympy.logic.boolalg.BooleanAtom)
    if isinstance(a, logical) or isinstance(b, logical):
        return isinstance(a, logical) and isinstance(b, logical) and _eq_cond(a, b, ctx)
    if _is_arith(a) or _is_arith(b) or type(a) is not type(b):
        atoms: list[tuple[Any, Symbol]] = []
        sa, sb = _skeleton(a, atoms, ctx), _skeleton(b, atoms, ctx)
        diff = sympy.expand(sa - sb)
        if diff == 0 or sympy.cancel(sympy.together(diff)) == 0:
            return True
        return ctx is not None and ctx.entails(sympy.Eq(a, b))
    return _eq_same_head(a, b, ctx)


def _eq_same_head(a: Any, b: Any, ctx: Context | None) -> bool:
    if isinstance(a, (sympy.Sum, sympy.Product)):
        (va, lo_a, hi_a), (vb, lo_b, hi_b) = _limits(a), _limits(b)
        if va != vb or not (_eq(lo_a, lo_b, ctx) and _eq(hi_a, hi_b, ctx)):
            return False
        inner = ctx.within(va, lo_a, hi_a) if ctx is not None else None
        return _eq(a.function, b.function, inner)
    if isinstance(a, Piecewise):
        if len(a.args) != len(b.args):
            return False
        seen: list[Any] = []
        for (ea, ca), (eb, cb) in zip(a.args, b.args):
            if not _eq_cond(ca, cb, ctx.assume(*[sympy.Not(c) for c in seen]) if ctx is not None else None):
                return False
            branch = ctx.assume(ca, *[sympy.Not(c) for c in seen]) if ctx is not None else None
            if not _eq(ea, eb, branch):
                return False
            seen.append(ca)
        return True
    if isinstance(a, KroneckerDelta):  # δ(x, y) = [x − y = 0]: compare the differences, up to sign
        da, db = a.args[0] - a.args[1], b.args[0] - b.args[1]
        return _eq(da, db, ctx) or _eq(da, -db, ctx)
    if isinstance(a, Indexed):
        return (
            a.base == b.base
            and len(a.indices) == len(b.indices)
            and all(_eq(x, y, ctx) for x, y in zip(a.indices, b.indices))
        )
    if isinstance(a, Derivative):
        inner = ctx.pointwise() if ctx is not None else None  # a derivative is not pointwise
        return a.variable_count == b.variable_count and _eq(a.expr, b.expr, inner)
    return a.func == b.func and len(a.args) == len(b.args) and all(_eq(x, y, ctx) for x, y in zip(a.args, b.args))


def _skeleton(e: Any, atoms: list[tuple[Any, Symbol]], ctx: Context | None) -> Any:
    """The arithmetic of ``e`` over placeholders for its non-arithmetic subterms (equal ones share one)."""
    if isinstance(e, (Symbol, sympy.Number)):
        return e
    if isinstance(e, (Add, Mul)):
        return e.func(*[_skeleton(x, atoms, ctx) for x in e.args])
    if isinstance(e, Pow):
        return Pow(_skeleton(e.base, atoms, ctx), e.exp)
    for atom, placeholder in atoms:
        if type(atom) is type(e) and _eq_same_head(atom, e, ctx):
            return placeholder
    placeholder = sympy.Dummy("atom")
    atoms.append((e, placeholder))
    return placeholder


def _normal_relation(c: Any) -> tuple[str, Any] | None:
    """``u ≤ v`` → ("ge", v − u); ``u < v`` (integers) → ("ge", v − u − 1); ``u = v`` → ("eq", u − v)."""
    if isinstance(c, (sympy.Ge, sympy.Gt, sympy.Le, sympy.Lt)):
        big, small = (c.lhs, c.rhs) if isinstance(c, (sympy.Ge, sympy.Gt)) else (c.rhs, c.lhs)
        diff = sympy.expand(big - small)
        if isinstance(c, (sympy.Gt, sympy.Lt)):
            if diff.is_integer is not True:
                return ("gt", diff)
            diff -= 1
        return ("ge", diff)
    if isinstance(c, sympy.Eq):
        return ("eq", sympy.expand(c.lhs - c.rhs))
    if isinstance(c, sympy.Ne):
        return ("ne", sympy.expand(c.lhs - c.rhs))
    return None


def _same_relation(a: Any, b: Any) -> bool:
    """Equal relations without the solver: the same normal form (``v − u ≥ 0`` …) up to arithmetic."""
    if a == b:
        return True
    na, nb = _normal_relation(a), _normal_relation(b)
    if not (na and nb and na[0] == nb[0]):
        return False
    return _eq(na[1], nb[1], None) or (na[0] in ("eq", "ne") and _eq(na[1], -nb[1], None))


def _eq_cond(a: Any, b: Any, ctx: Context | None) -> bool:
    if _same_relation(a, b):
        return True
    if isinstance(a, (sympy.And, sympy.Or)) and type(a) is type(b) and len(a.args) == len(b.args):
        # match the operands one to one (cheap, targeted solver calls) before asking about the whole
        rest = list(b.args)
        for x in a.args:
            match = next((y for y in rest if _same_relation(x, y)), None)
            if match is None:
                match = next((y for y in rest if _eq_cond(x, y, ctx)), None)
            if match is None:
                break
            rest.remove(match)
        else:
            return True
    # without hypotheses the comparison is syntactic (matching a pattern must not cost a solver call each)
    return ctx is not None and ctx.entails(sympy.Equivalent(a, b, evaluate=False))


# --- hypotheses and the decision procedure ------------------------------------------------------------


class Context:
    """Formal hypotheses at a position of a term: the statement's, the ranges of the enclosing sums, the
    conditions of the enclosing ``Piecewise`` branches.  :meth:`entails` asks z3."""

    calls = 0  # solver calls made (reported by ``rests_on``)

    def __init__(self, hyps: Iterable[Any]) -> None:
        self.hyps = tuple(hyps)

    def assume(self, *conds: Any) -> Context:
        return Context(self.hyps + tuple(c for c in conds if c is not sympy.true))

    def within(self, var: Symbol, lo: Any, hi: Any) -> Context:
        return self.assume(sympy.Le(lo, var), sympy.Le(var, hi))

    def pointwise(self) -> Context:
        """The context inside a derivative: only the hypotheses free of tensor entries.  A fact about the
        entries (a branch condition ``X[1] = X[2]``) holds at a point, not around it, and two functions
        equal only at a point need not have equal derivatives there."""
        return Context(h for h in self.hyps if not h.atoms(Indexed))

    def entails(self, goal: Any) -> bool:
        """Whether every integer assignment satisfying the hypotheses satisfies ``goal`` (z3; a timeout or
        an unsupported term is ``False``)."""
        goal = sympy.sympify(goal)
        if goal is sympy.true or any(goal == h for h in self.hyps):  # a hypothesis entails itself
            return True
        key = (self.hyps, goal)
        if key in _ENTAILED:
            return _ENTAILED[key]
        _ENTAILED[key] = answer = self._solve(goal)
        return answer

    def _solve(self, goal: Any) -> bool:
        if z3 is None:
            return False
        Context.calls += 1
        tr = _Z3()
        try:
            solver = z3.Solver()
            solver.set("timeout", TIMEOUT_MS)
            for h in self.hyps:
                solver.add(tr.formula(h))
            solver.add(z3.Not(tr.formula(goal)))
            for c in tr.side:
                solver.add(c)
            return solver.check() == z3.unsat
        except (KernelError, z3.Z3Exception, TypeError):
            return False


_ENTAILED: dict[tuple, bool] = {}
_FRACTIONS: dict[Any, tuple[Any, Any]] = {}


class _Z3:
    """SymPy → z3 in integer arithmetic where possible.

    A relation ``l ⋈ r`` is cleared of denominators: ``l − r = P/Q`` (SymPy's ``together``), then
    ``P/Q ≥ 0`` is ``(Q > 0 ∧ P ≥ 0) ∨ (Q < 0 ∧ P ≤ 0)``, ``P/Q = 0`` is ``Q ≠ 0 ∧ P = 0``.  A floor
    ``⌊P/Q⌋`` is a fresh integer ``f`` with ``Q f ≤ P < Q f + Q`` (for ``Q > 0``; mirrored for ``Q < 0``),
    ``Mod(a, m) = a − m⌊a/m⌋``, ``⌈x⌉ = −⌊−x⌋``.  Integer symbols are Ints (with their sign
    assumptions); subterms outside arithmetic (sums, tensor entries) are opaque reals, equal canonical
    forms sharing one constant."""

    def __init__(self) -> None:
        self.vars: dict[Any, Any] = {}
        self.side: list[Any] = []

    def formula(self, c: Any) -> Any:
        if c is sympy.true:
            return z3.BoolVal(True)
        if c is sympy.false:
            return z3.BoolVal(False)
        if isinstance(c, sympy.And):
            return z3.And(*[self.formula(a) for a in c.args])
        if isinstance(c, sympy.Or):
            return z3.Or(*[self.formula(a) for a in c.args])
        if isinstance(c, sympy.Not):
            return z3.Not(self.formula(c.args[0]))
        if isinstance(c, sympy.Equivalent):
            return z3.And(*[self.formula(a) == self.formula(c.args[0]) for a in c.args[1:]])
        if isinstance(c, sympy.Implies):
            a, b = c.args
            return z3.Implies(self.formula(a), self.formula(b))
        if isinstance(c, Relational):
            if isinstance(c, (sympy.Le, sympy.Lt)):  # u ≤ v is v ≥ u
                c = (sympy.Ge if isinstance(c, sympy.Le) else sympy.Gt)(c.rhs, c.lhs, evaluate=False)
            P, Q = self.ratio(c.lhs - c.rhs)
            if isinstance(c, sympy.Eq):
                return z3.And(Q != 0, P == 0)
            if isinstance(c, sympy.Ne):
                return z3.And(Q != 0, P != 0)
            if isinstance(c, sympy.Ge):
                return z3.Or(z3.And(Q > 0, P >= 0), z3.And(Q < 0, P <= 0))
            return z3.Or(z3.And(Q > 0, P > 0), z3.And(Q < 0, P < 0))
        raise KernelError(f"not a condition: {c}")

    def ratio(self, e: Any) -> tuple[Any, Any]:
        """``e = P/Q`` with ``P``, ``Q`` translated."""
        e = sympy.sympify(e)
        if e not in _FRACTIONS:  # SymPy's together is the costly part; the same relations recur
            _FRACTIONS[e] = sympy.fraction(sympy.together(e))
        num, den = _FRACTIONS[e]
        return self.term(num), self.term(den)

    def floor(self, x: Any) -> Any:
        key = ("floor", canon(x))
        if key not in self.vars:
            f = z3.Int(f"floor!{len(self.vars)}")
            P, Q = self.ratio(x)
            self.side.append(z3.Implies(Q > 0, z3.And(Q * f <= P, Q * f + Q > P)))
            self.side.append(z3.Implies(Q < 0, z3.And(Q * f >= P, Q * f + Q < P)))
            self.vars[key] = f
        return self.vars[key]

    def term(self, e: Any) -> Any:
        if isinstance(e, sympy.Integer):
            return z3.IntVal(int(e))
        if isinstance(e, sympy.Rational):
            return z3.RealVal(f"{e.p}/{e.q}")
        if isinstance(e, Symbol) and e.is_integer:
            if e not in self.vars:  # SymPy evaluates with a symbol's assumptions, so z3 must know them too
                self.vars[e] = v = z3.Int(f"{e.name}!{len(self.vars)}")
                if e.is_positive:
                    self.side.append(v >= 1)
                elif e.is_nonnegative:
                    self.side.append(v >= 0)
            return self.vars[e]
        if isinstance(e, Add):
            return z3.Sum(*[self.term(a) for a in e.args])
        if isinstance(e, Mul):
            out = self.term(e.args[0])
            for a in e.args[1:]:
                out = out * self.term(a)
            return out
        if isinstance(e, Pow) and e.exp.is_Integer and int(e.exp) >= 0:
            out = z3.IntVal(1)
            for _ in range(int(e.exp)):
                out = out * self.term(e.base)
            return out
        if isinstance(e, Pow) and e.exp.is_Integer:
            P, Q = self.ratio(e)
            return z3.ToReal(P) / z3.ToReal(Q) if z3.is_int(P) else P / Q
        if isinstance(e, sympy.floor):
            return self.floor(e.args[0])
        if isinstance(e, sympy.ceiling):
            return -self.floor(-e.args[0])
        if isinstance(e, sympy.Mod):
            a, m = e.args
            return self.term(a) - self.term(m) * self.floor(a / m)
        if isinstance(e, (sympy.Max, sympy.Min)):
            args = [self.term(a) for a in e.args]
            out = args[0]
            for x in args[1:]:
                out = z3.If(x > out, x, out) if isinstance(e, sympy.Max) else z3.If(x < out, x, out)
            return out
        if isinstance(e, KroneckerDelta):
            return z3.If(self.formula(sympy.Eq(*e.args, evaluate=False)), z3.IntVal(1), z3.IntVal(0))
        if isinstance(e, Piecewise):
            last_expr, last_cond = e.args[-1]
            out = self.term(last_expr) if last_cond is sympy.true else z3.FreshReal("undefined")
            for expr, cond in reversed(e.args[:-1] if last_cond is sympy.true else e.args):
                out = z3.If(self.formula(cond), self.term(expr), out)
            return out
        key = canon(e)
        if key not in self.vars:
            self.vars[key] = z3.Real(f"atom!{len(self.vars)}")
        return self.vars[key]


# --- statements, steps, theorems ----------------------------------------------------------------------


def assumption_hyps(symbols: Iterable[Symbol]) -> tuple[Any, ...]:
    """The assumptions of free symbols as formal hypotheses: ``k`` positive → ``k ≥ 1``."""
    out = []
    for s in sorted(symbols, key=lambda s: s.name):
        if s.is_positive:
            out.append(sympy.Ge(s, 1, evaluate=False))
        elif s.is_nonnegative:
            out.append(sympy.Ge(s, 0, evaluate=False))
        elif s.is_negative or s.is_nonpositive:
            raise KernelError(f"the symbol {s} is declared negative: state that as a hypothesis instead")
    return tuple(out)


@dataclass(frozen=True)
class Statement:
    """``hyps ⊢ lhs = rhs`` to be proved: formal terms over integer symbols and tensors.

    The hypotheses are SymPy relations; the assumptions of the free symbols (``positive``,
    ``nonnegative``) are added to them, so a scope is always what the formal hypotheses say.
    """

    name: str
    lhs: Any
    rhs: Any
    hyps: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        lhs = nest(check_term(self.lhs, f"{self.name}: left side"))
        rhs = nest(check_term(self.rhs, f"{self.name}: right side"))
        hyps = tuple(check_term(h, f"{self.name}: hypothesis") for h in self.hyps)
        if any(h is sympy.false for h in hyps):
            raise KernelError(f"{self.name}: a hypothesis is False (the statement would be vacuous)")
        hyps = tuple(h for h in hyps if h is not sympy.true)
        for h in hyps:
            if not isinstance(h, (Relational, BooleanFunction)):
                raise KernelError(f"{self.name}: hypothesis {h} is not a relation")
        symbols = free_symbols(lhs) | free_symbols(rhs) | set().union(*(free_symbols(h) for h in hyps))
        by_name: dict[str, Symbol] = {}
        for s in symbols:
            if by_name.setdefault(s.name, s) != s:
                raise KernelError(f"{self.name}: two different symbols are named {s.name}")
        for var in _binders(lhs) + _binders(rhs):
            if var.assumptions0.get("positive") or var.assumptions0.get("nonnegative"):
                raise KernelError(f"{self.name}: bound variable {var} carries a sign assumption; its range says it")
        names = {s.name for s in symbols}
        for term in (lhs, rhs, *hyps):
            _check_scopes(term, names, self.name)
        extra = tuple(h for h in assumption_hyps(symbols) if not any(h == g for g in hyps))
        object.__setattr__(self, "lhs", lhs)
        object.__setattr__(self, "rhs", rhs)
        object.__setattr__(self, "hyps", hyps + extra)

    @property
    def params(self) -> set[Symbol]:
        """The free symbols: the statement holds for all their values satisfying ``hyps``."""
        return free_symbols(self.lhs) | free_symbols(self.rhs) | set().union(*(free_symbols(h) for h in self.hyps))


@dataclass(frozen=True)
class Step:
    """One step of a derivation: the expression reached, the kernel rule that reached it, why (for the
    reader), and what it instantiated (a lemma or theorem name, if any)."""

    expr: Any
    why: str
    rule: str = "algebra"
    checked: bool = True
    cites: str = ""
    proof: tuple[Step, ...] = ()  # the steps of the instantiated theorem, or of an induction's base and step

    def to_dict(self) -> dict[str, Any]:
        out = {
            "expr": str(self.expr),
            "why": self.why,
            "rule": self.rule,
            "checked": self.checked,
            "cites": self.cites,
        }
        if self.proof:
            out["proof"] = [s.to_dict() for s in self.proof]
        return out


_KEY = object()  # only this module holds it: a Thm is made by the kernel's rules alone


class Thm:
    """A proved judgement ``hyps ⊢ lhs = rhs`` (only the kernel constructs one)."""

    __slots__ = ("hyps", "lhs", "name", "rests", "rhs", "steps")

    def __init__(self, key: object, name: str, hyps: tuple, lhs: Any, rhs: Any, steps: tuple, rests: frozenset):
        if key is not _KEY:
            raise KernelError("a Thm is made by the kernel's rules only")
        self.name, self.hyps, self.lhs, self.rhs, self.steps, self.rests = name, hyps, lhs, rhs, steps, rests

    def __setattr__(self, attr: str, value: Any) -> None:
        if hasattr(self, "rests"):
            raise KernelError("a Thm is immutable")
        object.__setattr__(self, attr, value)

    @property
    def params(self) -> set[Symbol]:
        return free_symbols(self.lhs) | free_symbols(self.rhs) | set().union(*(free_symbols(h) for h in self.hyps))

    @property
    def rests_on(self) -> dict[str, list[str]]:
        """What the theorem rests on (like Lean's ``#print axioms``): rules, lemmas and theorems, definitions."""
        out: dict[str, list[str]] = {"rules": [], "instances": [], "definitions": []}
        for item in sorted(self.rests):
            kind, _, name = item.partition(":")
            out[kind].append(name)
        return out

    def __repr__(self) -> str:
        hyps = ", ".join(map(str, self.hyps))
        return f"<Thm {self.name}: {hyps} ⊢ {self.lhs} = {self.rhs}>"


def _mkthm(name: str, hyps: tuple, lhs: Any, rhs: Any, steps: tuple, rests: Iterable[str]) -> Thm:
    return Thm(_KEY, name, hyps, lhs, rhs, steps, frozenset(rests))


# --- positions ----------------------------------------------------------------------------------------


def _positions(expr: Any, ctx: Context) -> Iterator[tuple[Any, Context, tuple[int, ...]]]:
    """Every subterm with the hypotheses that hold there and its path (pre-order)."""
    yield from _walk(expr, ctx, ())


def _walk(expr: Any, ctx: Context, path: tuple[int, ...]) -> Iterator[tuple[Any, Context, tuple[int, ...]]]:
    yield expr, ctx, path
    if not expr.args or isinstance(expr, (Symbol, IndexedBase)):
        return
    if isinstance(expr, (sympy.Sum, sympy.Product)):
        var, lo, hi = _limits(expr)
        yield from _walk(lo, ctx, (*path, 1))
        yield from _walk(hi, ctx, (*path, 2))
        yield from _walk(expr.function, ctx.within(var, lo, hi), (*path, 0))
        return
    if isinstance(expr, Piecewise):
        seen: list[Any] = []
        for k, (e, c) in enumerate(expr.args):
            negs = [sympy.Not(x) for x in seen]
            yield from _walk(c, ctx.assume(*negs), (*path, k, 1))
            yield from _walk(e, ctx.assume(c, *negs), (*path, k, 0))
            seen.append(c)
        return
    if isinstance(expr, Indexed):
        for k, i in enumerate(expr.indices):
            yield from _walk(i, ctx, (*path, k + 1))
        return
    if isinstance(expr, Derivative):
        yield from _walk(expr.expr, ctx.pointwise(), (*path, 0))
        return
    for k, a in enumerate(expr.args):
        yield from _walk(a, ctx, (*path, k))


def _rewrite(expr: Any, ctx: Context, fn: Any) -> tuple[Any, int]:
    """One pass, outermost first: ``fn(node, ctx)`` gives a replacement or ``None`` (then the children
    are visited).  Returns the new term and the number of replacements."""
    new = fn(expr, ctx)
    if new is not None:
        return new, 1
    if not expr.args or isinstance(expr, (Symbol, IndexedBase)):
        return expr, 0
    if isinstance(expr, (sympy.Sum, sympy.Product)):
        var, lo, hi = _limits(expr)
        (lo, a), (hi, b) = _rewrite(lo, ctx, fn), _rewrite(hi, ctx, fn)
        body, c = _rewrite(expr.function, ctx.within(var, *_limits(expr)[1:]), fn)
        return (_same_kind(expr)(body, (var, lo, hi)), a + b + c) if a + b + c else (expr, 0)
    if isinstance(expr, Piecewise):
        pairs, seen, total = [], [], 0
        for e, c in expr.args:
            negs = [sympy.Not(x) for x in seen]
            c2, n1 = _rewrite(c, ctx.assume(*negs), fn)
            e2, n2 = _rewrite(e, ctx.assume(c, *negs), fn)
            pairs.append((e2, c2))
            seen.append(c)
            total += n1 + n2
        return (Piecewise(*pairs), total) if total else (expr, 0)
    if isinstance(expr, Indexed):
        done = [_rewrite(i, ctx, fn) for i in expr.indices]
        total = sum(n for _, n in done)
        return (expr.base[tuple(i for i, _ in done)], total) if total else (expr, 0)
    if isinstance(expr, Derivative):
        inner, n = _rewrite(expr.expr, ctx.pointwise(), fn)
        return (Derivative(inner, *expr.variable_count), n) if n else (expr, 0)
    done = [_rewrite(a, ctx, fn) for a in expr.args]
    total = sum(n for _, n in done)
    return (expr.func(*[a for a, _ in done]), total) if total else (expr, 0)


def _replace(expr: Any, path: tuple[int, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(expr, (sympy.Sum, sympy.Product)):
        var, lo, hi = _limits(expr)
        parts = [expr.function, lo, hi]
        parts[head] = _replace(parts[head], rest, new)
        return _same_kind(expr)(parts[0], (var, parts[1], parts[2]))
    if isinstance(expr, Piecewise):
        pairs = [list(p) for p in expr.args]
        pairs[head][rest[0]] = _replace(pairs[head][rest[0]], rest[1:], new)
        return Piecewise(*[tuple(p) for p in pairs])
    if isinstance(expr, Indexed):
        idx = list(expr.indices)
        idx[head - 1] = _replace(idx[head - 1], rest, new)
        return expr.base[tuple(idx)]
    if isinstance(expr, Derivative):
        return Derivative(_replace(expr.expr, rest, new), *expr.variable_count)
    args = list(expr.args)
    args[head] = _replace(args[head], rest, new)
    return expr.func(*args)


# --- proofs -------------------------------------------------------------------------------------------


class Proof:
    """A chain ``lhs = e₁ = e₂ = … = rhs`` of a :class:`Statement`, extended by kernel rules only.

    Every rule computes its result; ``expect`` (optional) is the form the caller wants to see next, and
    is accepted only when the kernel proves it equal to the computed result (under the hypotheses).  A rule that
    does not apply raises :class:`KernelError`.  :meth:`qed` returns the :class:`Thm` when the chain
    has reached the statement's right side.
    """

    def __init__(self, statement: Statement) -> None:
        if not isinstance(statement, Statement):
            raise KernelError(f"a proof starts from a Statement, not {type(statement).__name__}")
        self.statement = statement
        self.ctx = Context(statement.hyps)
        self.steps: list[Step] = [Step(nest(statement.lhs), "the statement's left side", "start")]
        self.rests: set[str] = set()
        self._params = statement.params
        self._names = {s.name for s in self._params}

    @property
    def current(self) -> Any:
        return self.steps[-1].expr

    # the one way a step is added -----------------------------------------------------------------
    def _step(
        self, computed: Any, rule: str, why: str, expect: Any = None, cites: str = "", proof: tuple = ()
    ) -> Proof:
        computed = nest(computed)
        new = computed
        if expect is not None:
            expect = nest(check_term(expect, f"{rule}: expected form"))
            if not equal(computed, expect, self.ctx):
                raise KernelError(f"{rule}: the result is {computed}, not the expected {expect}")
            new = expect
        strays = free_symbols(new) - self._params
        if strays:
            raise KernelError(f"{rule}: the step introduces free symbols {sorted(map(str, strays))}")
        _check_scopes(new, self._names, rule)
        self.steps.append(Step(new, why or RULES[rule], rule, True, cites, proof))
        self.rests.add(f"rules:{rule}")
        return self

    def _binder(
        self, var: Symbol, kinds: tuple[type, ...] = (Sum, Product), which: int | None = None
    ) -> tuple[Any, Context, tuple]:
        """The sum (or product) binding ``var``: the only one, or the ``which``-th in reading order."""
        found = [
            (e, c, p) for e, c, p in _positions(self.current, self.ctx) if isinstance(e, kinds) and _limits(e)[0] == var
        ]
        if which is not None:
            if not 0 <= which < len(found):
                raise KernelError(f"there is no sum number {which} binding {var} ({len(found)} bind it)")
            return found[which]
        if len(found) != 1:
            what = "no" if not found else f"{len(found)}"
            raise KernelError(f"{what} sum binds {var} in the current expression (rename bound variables apart)")
        return found[0]

    def _at(self, path: tuple, new: Any) -> Any:
        return _replace(self.current, path, new)

    # rules -----------------------------------------------------------------------------------------
    def reindex(
        self,
        var: Symbol,
        value: Any,
        new: Symbol | None = None,
        *,
        which: int | None = None,
        why: str = "",
        expect: Any = None,
    ) -> Proof:
        """``Σ_{var=lo}^{hi} f(var) = Σ_{new} f(value)`` where ``var = value`` is ``±new + c``."""
        node, _ctx, path = self._binder(var, which=which)
        new = var if new is None else new
        _bare(new, "reindex")
        value = sympy.expand(sympy.sympify(value))
        coef = value.coeff(new)
        rest = sympy.expand(value - coef * new)
        if coef not in (1, -1) or new in free_symbols(rest) or var in free_symbols(rest):
            raise KernelError(f"reindex: {var} = {value} is not ±{new} + c with c free of {var} and {new}")
        _integer(rest, "reindex: the offset")
        _, lo, hi = _limits(node)
        body = node.function
        if new != var and new in free_symbols(body):
            raise KernelError(f"reindex: {new} is free in the summand and would be captured")
        lo2, hi2 = (lo - rest, hi - rest) if coef == 1 else (rest - hi, rest - lo)
        out = _same_kind(node)(subst(body, {var: value}), (new, sympy.expand(lo2), sympy.expand(hi2)))
        return self._step(self._at(path, out), "reindex", why, expect)

    def stretch(
        self, var: Symbol, a: Any, b: Any, new: Symbol, *, which: int | None = None, why: str = "", expect: Any = None
    ) -> Proof:
        """``Σ_{w=lo}^{hi} f(w) = Σ_{v=a·lo+b}^{a·hi+b} [v ≡ b (mod a)] f((v − b)/a)`` for ``a ≥ 1``."""
        node, ctx, path = self._binder(var, (Sum,), which=which)
        _bare(new, "stretch")
        a, b = _integer(a, "stretch: a"), _integer(b, "stretch: b")
        if {var, new} & (free_symbols(a) | free_symbols(b)):
            raise KernelError(f"stretch: a = {a} and b = {b} must be free of {var} and {new}")
        if not ctx.entails(sympy.Ge(a, 1)):
            raise KernelError(f"stretch: a = {a} ≥ 1 is not entailed")
        _, lo, hi = _limits(node)
        body = node.function
        if new != var and new in free_symbols(body):
            raise KernelError(f"stretch: {new} is free in the summand and would be captured")
        inner = Piecewise((subst(body, {var: (new - b) / a}), sympy.Eq(sympy.Mod(new - b, a), 0)), (0, True))
        out = Sum(inner, (new, sympy.expand(a * lo + b), sympy.expand(a * hi + b)))
        return self._step(self._at(path, out), "stretch", why, expect)

    def exchange(self, var: Symbol, *, which: int | None = None, why: str = "", expect: Any = None) -> Proof:
        """``Σ_{var} Σ_w f = Σ_w Σ_{var} f`` when the bounds of ``w`` do not mention ``var``."""
        node, _ctx, path = self._binder(var, (Sum,), which=which)
        inner = node.function
        if not isinstance(inner, sympy.Sum):
            raise KernelError(f"exchange: the summand of Σ_{var} is not a sum (pull factors in first)")
        w, lo_w, hi_w = _limits(inner)
        if var in free_symbols(lo_w) | free_symbols(hi_w):
            raise KernelError(f"exchange: the bounds of {w} depend on {var}")
        _, lo, hi = _limits(node)
        if w in free_symbols(lo) | free_symbols(hi):
            raise KernelError(f"exchange: the bounds of {var} mention {w}")
        out = Sum(Sum(inner.function, (var, lo, hi)), (w, lo_w, hi_w))
        return self._step(self._at(path, out), "exchange", why, expect)

    def pull(self, var: Symbol, *, which: int | None = None, why: str = "", expect: Any = None) -> Proof:
        """Linearity outwards: ``Σ_v (c·f + g) = c·Σ_v f + Σ_v g`` for every factor ``c`` free of ``v``."""
        node, _ctx, path = self._binder(var, (Sum,), which=which)
        _, lo, hi = _limits(node)
        total = []
        for term in Add.make_args(sympy.expand(node.function, deep=False, mul=True, multinomial=False)):
            free = [f for f in Mul.make_args(term) if var not in free_symbols(f)]
            bound = [f for f in Mul.make_args(term) if var in free_symbols(f)]
            total.append(Mul(*free) * Sum(Mul(*bound), (var, lo, hi)))
        return self._step(self._at(path, Add(*total)), "linearity", why, expect)

    def push(self, var: Symbol, *, why: str = "", expect: Any = None) -> Proof:
        """Linearity inwards: ``c·Σ_v f = Σ_v c·f`` (the bound variable renamed if ``c`` mentions it)."""
        for node, _ctx, path in _positions(self.current, self.ctx):
            if isinstance(node, Mul):
                sums = [f for f in node.args if isinstance(f, sympy.Sum) and _limits(f)[0] == var]
                if len(sums) == 1:
                    inner = sums[0]
                    rest = Mul(*[f for f in node.args if f is not inner])
                    v, lo, hi = _limits(inner)
                    body = inner.function
                    if v in free_symbols(rest):
                        new = fresh(v, free_symbols(rest) | free_symbols(body) | set(_binders(body)))
                        body, v = subst(body, {v: new}), new
                    out = Sum(rest * body, (v, lo, hi))
                    return self._step(self._at(path, out), "linearity", why, expect)
        raise KernelError(f"push: no product with a sum over {var} as a factor")

    def collapse(self, var: Symbol, *, which: int | None = None, why: str = "", expect: Any = None) -> Proof:
        """``Σ_{v=lo}^{hi} [c(v)]·δ(αv + β, 0)·f(v) = [α | −β ∧ lo ≤ −β/α ≤ hi ∧ c(−β/α)]·f(−β/α)``."""
        node, ctx, path = self._binder(var, (Sum,), which=which)
        _, lo, hi = _limits(node)
        body, guard = fold(node.function), sympy.true
        if _indicator(body):
            body, guard = body.args[0]
        factors = Mul.make_args(body)
        deltas = [f for f in factors if isinstance(f, KroneckerDelta) and var in free_symbols(f)]
        if len(deltas) != 1:
            raise KernelError(
                f"collapse: the summand of Σ_{var} needs exactly one δ factor in {var}, has {len(deltas)}"
            )
        delta = deltas[0]
        diff = sympy.expand(delta.args[0] - delta.args[1])
        alpha = diff.coeff(var)
        beta = sympy.expand(diff - alpha * var)
        if var in free_symbols(alpha) | free_symbols(beta) or alpha == 0:
            raise KernelError(f"collapse: {delta} is not linear in {var}")
        if not (integer_term(alpha) and integer_term(beta)):  # δ(v, x) for a non-integer x is 0 for every v
            raise KernelError(f"collapse: {delta} is not αv + β with integer terms α, β")
        if not ctx.entails(sympy.Ne(alpha, 0)):
            raise KernelError(f"collapse: α = {alpha} ≠ 0 is not entailed")
        root = -beta / alpha
        rest = Mul(*[f for f in factors if f is not delta])
        conds = [sympy.Le(lo, root), sympy.Le(root, hi), subst(guard, {var: root})]
        if alpha not in (1, -1):
            conds.insert(0, sympy.Eq(sympy.Mod(beta, alpha), 0))
        out = Piecewise((subst(rest, {var: root}), sympy.And(*conds)), (0, True))
        return self._step(self._at(path, out), "collapse", why, expect)

    def split(self, var: Symbol, at: Any, *, which: int | None = None, why: str = "", expect: Any = None) -> Proof:
        """``Σ_{lo}^{hi} f = Σ_{lo}^{at} f + Σ_{at+1}^{hi} f`` (``Π``: a product) when ``lo − 1 ≤ at ≤ hi``."""
        node, ctx, path = self._binder(var, which=which)
        _, lo, hi = _limits(node)
        at = _integer(at, "split: the point")
        if not ctx.entails(sympy.And(sympy.Le(lo - 1, at), sympy.Le(at, hi))):
            raise KernelError(f"split: {lo} − 1 ≤ {at} ≤ {hi} is not entailed")
        cls, join = (Sum, Add) if isinstance(node, sympy.Sum) else (Product, Mul)
        out = join(cls(node.function, (var, lo, at)), cls(node.function, (var, at + 1, hi)), evaluate=False)
        return self._step(self._at(path, out), "split", why, expect)

    def rerange(
        self,
        var: Symbol,
        lo2: Any,
        hi2: Any,
        cond2: Any = True,
        *,
        which: int | None = None,
        why: str = "",
        expect: Any = None,
    ) -> Proof:
        """``Σ_{v=lo}^{hi} [C]·f = Σ_{v=lo'}^{hi'} [C']·f`` when both sums run over the same ``v``:
        ``(lo ≤ v ≤ hi ∧ C) ⟺ (lo' ≤ v ≤ hi' ∧ C')`` is entailed.  ``[C]`` is the summand's own
        indicator (``True`` when it has none); extending a range with an indicator and restricting an
        indicator to a range are the two common uses."""
        node, ctx, path = self._binder(var, (sympy.Sum,), which=which)
        _, lo, hi = _limits(node)
        body, cond = node.function, sympy.true
        if _indicator(body):
            body, cond = body.args[0]
        cond2 = check_term(sympy.sympify(cond2), "rerange: condition")
        lo2, hi2 = _integer(lo2, "rerange: the new lower limit"), _integer(hi2, "rerange: the new upper limit")
        if var in free_symbols(lo2) | free_symbols(hi2):
            raise KernelError(f"rerange: the new bounds mention {var}")
        old = sympy.And(sympy.Le(lo, var), sympy.Le(var, hi), cond)
        new = sympy.And(sympy.Le(lo2, var), sympy.Le(var, hi2), cond2)
        if not ctx.entails(sympy.Equivalent(old, new, evaluate=False)):
            raise KernelError(f"rerange: ({old}) ⟺ ({new}) is not entailed")
        summand = body if cond2 is sympy.true else Piecewise((body, cond2), (0, True))
        return self._step(self._at(path, Sum(summand, (var, lo2, hi2))), "rerange", why, expect)

    def restrict(
        self, var: Symbol, lo2: Any, hi2: Any, *, which: int | None = None, why: str = "", expect: Any = None
    ) -> Proof:
        """``Σ_{lo}^{hi} [C]·f = Σ_{lo'}^{hi'} f`` (:meth:`rerange` with no new indicator)."""
        return self.rerange(var, lo2, hi2, True, which=which, why=why, expect=expect)

    def extend(
        self, var: Symbol, lo2: Any, hi2: Any, *, which: int | None = None, why: str = "", expect: Any = None
    ) -> Proof:
        """``Σ_{lo}^{hi} f = Σ_{lo'}^{hi'} [lo ≤ v ≤ hi]·f`` (:meth:`rerange` keeping the old range)."""
        node, _ctx, _path = self._binder(var, (sympy.Sum,), which=which)
        _, lo, hi = _limits(node)
        cond = sympy.And(sympy.Le(lo, var), sympy.Le(var, hi))
        if _indicator(node.function):
            cond = sympy.And(cond, node.function.args[0][1])
        return self.rerange(var, lo2, hi2, cond, which=which, why=why, expect=expect)

    def count(self, var: Symbol, *, which: int | None = None, why: str = "", expect: Any = None) -> Proof:
        """``Σ_{v=lo}^{hi} c = (hi − lo + 1)·c`` (``Π``: ``c^(hi − lo + 1)``) when ``lo ≤ hi + 1``."""
        node, ctx, path = self._binder(var, which=which)
        _, lo, hi = _limits(node)
        if var in free_symbols(node.function):
            raise KernelError(f"count: the summand mentions {var}")
        if not ctx.entails(sympy.Le(lo, hi + 1)):
            raise KernelError(f"count: {lo} ≤ {hi} + 1 is not entailed")
        size = sympy.expand(hi - lo + 1)
        out = size * node.function if isinstance(node, sympy.Sum) else Pow(node.function, size)
        return self._step(self._at(path, out), "count", why, expect)

    def singleton(self, var: Symbol, *, which: int | None = None, why: str = "", expect: Any = None) -> Proof:
        """A sum (product) over one index is its term; over none it is 0 (1)."""
        node, ctx, path = self._binder(var, which=which)
        _, lo, hi = _limits(node)
        if ctx.entails(sympy.Eq(lo, hi)):
            out = subst(node.function, {var: lo})
        elif ctx.entails(sympy.Lt(hi, lo)):
            out = sympy.Integer(0 if isinstance(node, sympy.Sum) else 1)
        else:
            raise KernelError(f"singleton: neither {lo} = {hi} nor {hi} < {lo} is entailed")
        return self._step(self._at(path, out), "singleton", why, expect)

    def decide(self, *, why: str = "", expect: Any = None) -> Proof:
        """Resolve every ``Piecewise`` and Kronecker delta whose condition is entailed at its position."""
        expr, changed = self.current, 0
        while True:
            expr, hits = _rewrite(expr, self.ctx, _decided)
            if not hits:
                break
            changed += hits
        if not changed:
            raise KernelError("decide: no condition is decided by the hypotheses")
        return self._step(expr, "decide", why, expect)

    def condition(self, old: Any, new: Any, *, why: str = "", expect: Any = None) -> Proof:
        """Replace every condition equal to ``old`` by ``new`` where they are entailed equivalent."""
        old, new = check_term(old, "condition"), check_term(new, "condition")
        pattern = canon(old)

        def fn(node: Any, ctx: Context) -> Any:
            if isinstance(node, (Relational, BooleanFunction)) and _eq_cond(canon(node), pattern, None):
                if not ctx.entails(sympy.Equivalent(old, new, evaluate=False)):
                    raise KernelError(f"condition: ({old}) ⟺ ({new}) is not entailed at {node}")
                return new
            return None

        expr, hits = _rewrite(self.current, self.ctx, fn)
        if not hits:
            raise KernelError(f"condition: {old} does not occur as a condition")
        return self._step(expr, "condition", why, expect)

    def differentiate(self, *, why: str = "", expect: Any = None) -> Proof:
        """Compute every ``Derivative(E, X[u…])``: sums and products term by term, ``∂X[e]/∂X[u] = Π δ``."""

        def fn(node: Any, _ctx: Context) -> Any:
            if not isinstance(node, Derivative):
                return None
            (target, times), *more = node.variable_count
            if more or times != 1 or not isinstance(target, Indexed):
                raise KernelError(f"differentiate: only a first derivative by one tensor entry, not {node}")
            if any(isinstance(n, Derivative) for n in sympy.preorder_traversal(node.expr)):
                raise KernelError(f"differentiate: nested derivative in {node}")
            return _diff(node.expr, target)

        expr, hits = _rewrite(self.current, self.ctx, fn)
        if not hits:
            raise KernelError("differentiate: no derivative in the current expression")
        return self._step(expr, "differentiate", why, expect)

    def algebra(self, expect: Any, *, why: str = "") -> Proof:
        """Rewrite to ``expect``, equal up to bound-variable renaming and arithmetic; like every expected form,
        the comparison may use the hypotheses at each position (so it is :meth:`arith` under another name,
        for steps the reader sees as plain algebra)."""
        return self._step(self.current, "algebra", why, expect)

    def arith(self, expect: Any, *, why: str = "") -> Proof:
        """Rewrite to ``expect``, equal at every position under the hypotheses that hold there (z3)."""
        return self._step(self.current, "arith", why, expect)

    def instance(
        self,
        thm: Thm,
        subs: dict[Symbol, Any] | None = None,
        *,
        reverse: bool = False,
        why: str = "",
        expect: Any = None,
    ) -> Proof:
        """Rewrite every occurrence of ``thm``'s left side, instantiated by ``subs``, to its right side
        (``reverse``: right to left); the instance's hypotheses must hold at each occurrence."""
        if not isinstance(thm, Thm):
            raise KernelError(f"instance: {thm!r} is not a proved Thm")
        subs = dict(subs or {})
        tensors = {k for k in subs if isinstance(k, IndexedBase)}
        unknown = set(subs) - thm.params - tensors
        if unknown:
            raise KernelError(f"instance: {sorted(map(str, unknown))} are not parameters of {thm.name}")
        for key, value in subs.items():
            if not isinstance(key, IndexedBase):
                _integer(value, f"instance of {thm.name}: the value for {key}")
        for t in tensors:
            if not isinstance(subs[t], IndexedBase):
                raise KernelError(f"instance: a tensor ({t}) is renamed to a tensor only, not {subs[t]}")
            if any(kind.startswith("definitions:") for kind in thm.rests) or str(t.label) in _DEFINED:
                raise KernelError(f"instance: {thm.name} rests on a definition; its tensors are fixed")
        lhs, rhs = subst(thm.lhs, subs), subst(thm.rhs, subs)
        if reverse:
            lhs, rhs = rhs, lhs
        hyps = [subst(h, subs) for h in thm.hyps]
        pattern = canon(lhs)

        def fn(node: Any, ctx: Context) -> Any:
            if not _eq(canon(node), pattern, None):
                return None
            for h in hyps:
                if not ctx.entails(h):
                    raise KernelError(f"instance of {thm.name}: hypothesis {h} is not entailed at {node}")
            return rhs

        expr, hits = _rewrite(self.current, self.ctx, fn)
        if not hits:
            raise KernelError(f"instance of {thm.name}: {lhs} does not occur in the current expression")
        self.rests.update(thm.rests | {f"instances:{thm.name}"})
        return self._step(expr, "instance", why or f"by {thm.name}", expect, cites=thm.name, proof=thm.steps)

    def hypothesis(self, eq: Any, *, reverse: bool = False, why: str = "", expect: Any = None) -> Proof:
        """Rewrite with an equation that is one of the statement's hypotheses."""
        if not any(eq == h for h in self.statement.hyps) or not isinstance(eq, sympy.Eq):
            raise KernelError(f"hypothesis: {eq} is not an equation among the hypotheses")
        lhs, rhs = (eq.rhs, eq.lhs) if reverse else (eq.lhs, eq.rhs)
        pattern = canon(lhs)
        expr, hits = _rewrite(
            self.current, self.ctx, lambda node, _ctx: rhs if _eq(canon(node), pattern, None) else None
        )
        if not hits:
            raise KernelError(f"hypothesis: {lhs} does not occur in the current expression")
        return self._step(expr, "hypothesis", why, expect)

    def qed(self) -> Thm:
        """The theorem, once the chain has reached the statement's right side."""
        if not equal(self.current, self.statement.rhs, self.ctx):
            raise KernelError(f"qed: the chain ends at {self.current}, not at the right side {self.statement.rhs}")
        st = self.statement
        return _mkthm(st.name, st.hyps, st.lhs, st.rhs, tuple(self.steps), self.rests)


def _bare(var: Any, rule: str) -> None:
    if not (isinstance(var, Symbol) and var.is_integer and not var.name.startswith(_BOUND)):
        raise KernelError(f"{rule}: {var} is not an integer symbol")
    if var.assumptions0.get("positive") or var.assumptions0.get("nonnegative"):
        raise KernelError(f"{rule}: bound variable {var} carries a sign assumption; its range says it")


def _decided(node: Any, ctx: Context) -> Any:
    if isinstance(node, KroneckerDelta):
        diff = node.args[0] - node.args[1]
        if ctx.entails(sympy.Eq(diff, 0)):
            return sympy.Integer(1)
        if ctx.entails(sympy.Ne(diff, 0)):
            return sympy.Integer(0)
        return None
    if not isinstance(node, Piecewise):
        return None
    if _indicator(node):  # [c]·δ(x, y)·f = δ(x, y)·f when x = y entails c (else both sides are 0)
        body, cond = node.args[0]
        eqs = [sympy.Eq(*f.args) for f in Mul.make_args(body) if isinstance(f, KroneckerDelta)]
        if eqs and ctx.assume(*eqs).entails(cond):
            return body
    if len(node.args) == 2 and isinstance(node.args[0][1], sympy.And):  # drop conjuncts the context entails
        (expr, cond), rest = node.args
        kept = [c for c in cond.args if not ctx.entails(c)]
        if len(kept) < len(cond.args):
            return Piecewise((expr, sympy.And(*kept)), rest)
    kept, seen = [], []
    for expr, cond in node.args:
        here = ctx.assume(*[sympy.Not(c) for c in seen])
        if here.entails(cond):
            if not kept:
                return expr
            kept.append((expr, True))
            break
        if here.entails(sympy.Not(cond)):
            seen.append(cond)
            continue
        kept.append((expr, cond))
        seen.append(cond)
    if len(kept) == len(node.args):
        return None
    if not kept:
        raise KernelError(f"decide: every branch of {node} is excluded (inconsistent hypotheses?)")
    return Piecewise(*kept)


def _diff(expr: Any, target: Indexed) -> Any:
    """∂expr/∂target, with ``∂X[e]/∂X[u] = Π_r δ(e_r, u_r)``."""
    if not _mentions(expr, target.base):
        return sympy.Integer(0)
    if isinstance(expr, Indexed):
        if expr.base != target.base:
            return sympy.Integer(0)
        if len(expr.indices) != len(target.indices):
            raise KernelError(f"differentiate: {expr} and {target} have different ranks")
        return Mul(*[KroneckerDelta(e, u) for e, u in zip(expr.indices, target.indices)])
    if isinstance(expr, Add):
        return Add(*[_diff(a, target) for a in expr.args])
    if isinstance(expr, Mul):
        return Add(*[Mul(*expr.args[:k], _diff(a, target), *expr.args[k + 1 :]) for k, a in enumerate(expr.args)])
    if isinstance(expr, Pow) and expr.exp.is_Integer:
        return expr.exp * Pow(expr.base, expr.exp - 1) * _diff(expr.base, target)
    if isinstance(expr, sympy.Sum):
        var, lo, hi = _limits(expr)
        body = expr.function
        clash = free_symbols(target) & {var}
        if clash:
            new = fresh(var, free_symbols(target) | free_symbols(body) | set(_binders(body)))
            body, var = subst(body, {var: new}), new
        return Sum(_diff(body, target), (var, lo, hi))
    if isinstance(expr, Piecewise):
        if any(_mentions(c, target.base) for _e, c in expr.args):
            raise KernelError(f"differentiate: a condition of {expr} depends on {target.base}")
        return Piecewise(*[(_diff(e, target), c) for e, c in expr.args])
    if isinstance(expr, AppliedUndef) and len(expr.args) == 1:  # the chain rule through an activation
        return prime(expr.func)(expr.args[0]) * _diff(expr.args[0], target)
    raise KernelError(f"differentiate: {type(expr).__name__} ({expr}) is not differentiable here")


def prime(f: Any) -> Any:
    """The derivative of an uninterpreted function of one argument: ``f`` ↦ ``f'`` (a function named with a
    trailing ``'`` *means* the derivative of the one named without it; :func:`evaluate` gives it that value).

    >>> prime(sympy.Function("f"))(sympy.Symbol("x"))
    f'(x)
    """
    return sympy.Function(f"{f.__name__}'")


def _mentions(expr: Any, base: IndexedBase) -> bool:
    return any(isinstance(n, Indexed) and n.base == base for n in sympy.preorder_traversal(expr))


# --- lemmas by the decision procedure, definitions, induction ------------------------------------------


def by_solver(statement: Statement) -> Thm:
    """An arithmetic equation (floors, mods, products of symbols: no sums) decided by z3 under its
    hypotheses.

    >>> n, s = sympy.symbols("n s", integer=True, positive=True)
    >>> q = sympy.Symbol("q", integer=True, nonnegative=True)
    >>> by_solver(Statement("stride_divides", sympy.floor((s * q + s - 1) / s), q)).name
    'stride_divides'
    """
    for side in (statement.lhs, statement.rhs):
        if any(isinstance(n, (Sum, Product, Derivative)) for n in sympy.preorder_traversal(side)):
            raise KernelError(f"{statement.name}: the solver decides arithmetic only, not sums or derivatives")
    if not Context(statement.hyps).entails(sympy.Eq(statement.lhs, statement.rhs)):
        raise KernelError(f"{statement.name}: {statement.lhs} = {statement.rhs} is not entailed by the hypotheses")
    step = Step(statement.rhs, "decided by z3 under the hypotheses", "solver")
    start = Step(statement.lhs, "the statement's left side", "start")
    return _mkthm(statement.name, statement.hyps, statement.lhs, statement.rhs, (start, step), {"rules:solver"})


_DEFINED: dict[str, Thm] = {}


def define_sequence(name: str, var: Symbol, base: Any, step: Any) -> tuple[IndexedBase, Thm, Thm]:
    """A new sequence ``V`` by primitive recursion: ``V[0] = base``, ``V[m + 1] = step`` (``step`` may use
    ``V[m]`` and ``m``, written with ``var`` for ``m`` and ``V`` for the sequence).  Conservative: the name
    must be new.  Returns ``(V, ⊢ V[0] = base, m ≥ 0 ⊢ V[m + 1] = step)``."""
    V = IndexedBase(name)
    if name in _DEFINED:
        raise KernelError(f"definition: {name} is already defined")
    _bare(var, "definition")
    base, step = check_term(base, f"{name}: base"), check_term(step, f"{name}: step")
    if _mentions(base, V):
        raise KernelError(f"definition: the base of {name} mentions {name}")
    if free_symbols(base) or free_symbols(step) - {var}:
        raise KernelError(f"definition: {name} may depend on {var} and on tensors only (make parameters tensors)")
    uses = [n for n in sympy.preorder_traversal(step) if isinstance(n, Indexed) and n.base == V]
    if any(n.indices != (var,) for n in uses):
        raise KernelError(f"definition: the step of {name} may use {name}[{var}] only")
    rests = {f"definitions:{name}"}
    zero = _mkthm(f"{name}_zero", (), V[0], base, (), rests | {"rules:definition"})
    succ = _mkthm(f"{name}_succ", (sympy.Ge(var, 0),), V[var + 1], step, (), rests | {"rules:definition"})
    _DEFINED[name] = succ
    _BASES[name] = base
    return V, zero, succ


_BASES: dict[str, Any] = {}


def induction(statement: Statement, var: Symbol, start: Any, base: Thm, step: Thm) -> Thm:
    """``var ≥ start ⊢ P(var)`` from ``⊢ P(start)`` and ``var ≥ start, P(var) ⊢ P(var + 1)``.

    ``statement`` is ``P`` with its hypotheses ``H`` (which must include ``var ≥ start`` and otherwise not
    mention ``var``); ``base`` must prove ``P(start)`` under hypotheses among ``H``; ``step`` must prove
    ``P(var + 1)`` under hypotheses among ``H`` and the equation ``P(var)``.
    """
    if not isinstance(base, Thm) or not isinstance(step, Thm):
        raise KernelError("induction: the base and the step must be proved Thms")
    if not isinstance(var, Symbol) or not var.is_integer:
        raise KernelError(f"induction: the variable {var} is not an integer symbol")
    start = _integer(start, "induction: start")
    if var in free_symbols(start):
        raise KernelError(f"induction: the start {start} mentions {var}")
    floor_hyp = sympy.Ge(var, start)
    H = [h for h in statement.hyps if not _same_hyp(h, floor_hyp)]
    if len(H) == len(statement.hyps):
        raise KernelError(f"induction: the statement must assume {var} ≥ {start}")
    if any(var in free_symbols(h) for h in H):
        raise KernelError(f"induction: a hypothesis other than {var} ≥ {start} mentions {var}")
    P = sympy.Eq(statement.lhs, statement.rhs, evaluate=False)
    at_start = (subst(statement.lhs, {var: start}), subst(statement.rhs, {var: start}))
    if not (equal(base.lhs, at_start[0]) and equal(base.rhs, at_start[1])):
        raise KernelError(f"induction: the base proves {base.lhs} = {base.rhs}, not P({start})")
    if not all(any(_same_hyp(h, g) for g in H) for h in base.hyps):
        raise KernelError("induction: the base uses a hypothesis the statement does not have")
    at_next = (subst(statement.lhs, {var: var + 1}), subst(statement.rhs, {var: var + 1}))
    if not (equal(step.lhs, at_next[0]) and equal(step.rhs, at_next[1])):
        raise KernelError(f"induction: the step proves {step.lhs} = {step.rhs}, not P({var} + 1)")
    allowed = [*H, floor_hyp, P]
    if not all(any(_same_hyp(h, g) for g in allowed) for h in step.hyps):
        raise KernelError("induction: the step uses a hypothesis other than the statement's and P(m)")
    rests = base.rests | step.rests | {"rules:induction"}
    base_step = Step(base.rhs, f"base case {var} = {start}", "induction", cites=base.name, proof=base.steps)
    next_step = Step(step.rhs, f"step: from {var} to {var} + 1", "induction", cites=step.name, proof=step.steps)
    steps = (
        Step(statement.lhs, "the statement's left side", "start"),
        Step(statement.rhs, f"by induction on {var} ≥ {start}", "induction", proof=(base_step, next_step)),
    )
    return _mkthm(statement.name, statement.hyps, statement.lhs, statement.rhs, steps, rests)


def _same_hyp(a: Any, b: Any) -> bool:
    if a == b:
        return True
    if isinstance(a, sympy.Eq) and isinstance(b, sympy.Eq):
        return equal(a.lhs, b.lhs) and equal(a.rhs, b.rhs)
    return _eq_cond(canon(a), canon(b), None) if not isinstance(a, sympy.Eq) else False


# --- concrete sizes: exact values compared -------------------------------------------------------------


def same_value(a: Any, b: Any) -> bool:
    """Whether two exact values are equal: SymPy expressions (``expand(a − b) = 0``; rational
    coefficients, no floats) or canonical sparse polynomials (``{monomial: Fraction}`` dicts, compared
    as dicts).  A concrete-size proof is ``proved`` when this holds for every entry.

    >>> x, y = sympy.symbols("x y")
    >>> same_value((x + y) ** 2, x**2 + 2 * x * y + y**2), same_value(x * y, y * x + 1)
    (True, False)
    >>> same_value({(1, 0): 2}, {(1, 0): 2})
    True
    """
    if isinstance(a, dict) and isinstance(b, dict):
        return a == b
    a, b = sympy.sympify(a), sympy.sympify(b)
    if a.has(sympy.Float) or b.has(sympy.Float):
        raise KernelError(f"same_value: {a if a.has(sympy.Float) else b} holds a float; compare exact values only")
    return sympy.expand(a - b) == 0


# --- semantics: evaluation at concrete sizes (the bridge to the operators) -------------------------------


class EvalError(ValueError):
    """A term has no value at the given sizes (an index outside its tensor, an unbound symbol)."""


def evaluate(expr: Any, env: dict[Symbol, int], arrays: dict[IndexedBase, Any], cache: dict | None = None) -> Any:
    """The value of a term at concrete sizes: ``env`` gives the free symbols, ``arrays`` the tensors
    (1-based, nested lists or SymPy arrays of values).  Sums are evaluated term by term (empty when
    ``hi < lo``); a ``Piecewise`` evaluates only the branch its conditions select.

    >>> i, n = sympy.symbols("i n", integer=True)
    >>> X = sympy.IndexedBase("X")
    >>> evaluate(Sum(X[i], (i, 1, n)), {n: 2}, {X: [5, 7]})
    12
    >>> evaluate(Sum(X[i], (i, 3, n)), {n: 2}, {X: [5, 7]})
    0

    ``cache`` (a dict kept by the caller for one ``arrays``) remembers the polynomials that derivatives
    differentiate, so that every entry of a gradient does not evaluate the loss again.
    """
    env = {k: sympy.Integer(v) for k, v in env.items()}
    return _ev(nest(sympy.sympify(expr)), env, arrays, {} if cache is None else cache)


def _ev(e: Any, env: dict[Symbol, Any], arrays: dict[IndexedBase, Any], cache: dict) -> Any:
    if isinstance(e, Symbol):
        if e not in env:
            raise EvalError(f"no value for {e}")
        return env[e]
    if isinstance(e, (sympy.Number, sympy.logic.boolalg.BooleanAtom)):
        return e
    if isinstance(e, (sympy.Sum, sympy.Product)):
        var, lo, hi = _limits(e)
        lo, hi = int(_ev(lo, env, arrays, cache)), int(_ev(hi, env, arrays, cache))
        terms = [_ev(e.function, {**env, var: sympy.Integer(v)}, arrays, cache) for v in range(lo, hi + 1)]
        return sympy.Add(*terms) if isinstance(e, sympy.Sum) else sympy.Mul(*terms)
    if isinstance(e, Piecewise):
        for expr, cond in e.args:
            if _ev(cond, env, arrays, cache) is sympy.true:
                return _ev(expr, env, arrays, cache)
        raise EvalError(f"no branch of {e} applies")
    if isinstance(e, Indexed):
        idx = [_ev(i, env, arrays, cache) for i in e.indices]
        if not all(i.is_Integer for i in idx):
            raise EvalError(f"{e.base}{idx}: not an integer index")
        if e.base in arrays:
            data = arrays[e.base]
            for i in idx:
                n = len(data)
                if not 1 <= int(i) <= n:
                    raise EvalError(f"{e.base}{[int(x) for x in idx]}: index {int(i)} outside 1..{n}")
                data = data[int(i) - 1]
            return sympy.sympify(data)
        known = _DEFINED.get(str(e.base.label))
        if known is not None and len(idx) == 1:
            return _ev_sequence(str(e.base.label), int(idx[0]), env, arrays, cache)
        raise EvalError(f"no values for the tensor {e.base}")
    if isinstance(e, Derivative):
        (target, _times), *_ = e.variable_count
        idx = [int(_ev(i, env, arrays, cache)) for i in target.indices]
        if target.base not in arrays:
            raise EvalError(f"no values for the tensor {target.base}")
        entry = arrays[target.base]
        for i in idx:
            if not 1 <= i <= len(entry):
                raise EvalError(f"{target.base}{idx}: outside the tensor")
            entry = entry[i - 1]
        if e.expr not in _FREE:
            _FREE[e.expr] = sorted(free_symbols(e.expr), key=str)
        key = (e.expr, tuple((s, env.get(s)) for s in _FREE[e.expr]))
        if key not in cache:
            cache[key] = _ev(e.expr, env, arrays, cache)
        return sympy.diff(cache[key], sympy.sympify(entry))
    args = [_ev(a, env, arrays, cache) for a in e.args]
    if all(isinstance(a, sympy.Rational) for a in args):  # exact rational arithmetic without SymPy's evaluation
        if isinstance(e, Relational):
            left, right = (Fraction(a.p, a.q) for a in args)
            return sympy.true if _RELATIONS[type(e)](left, right) else sympy.false
        if isinstance(e, (Add, Mul)) and all(a.is_Integer for a in args):
            values = [int(a) for a in args]
            return sympy.Integer(sum(values) if isinstance(e, Add) else math.prod(values))
    if isinstance(e, Relational):
        return sympy.sympify(e.func(*args))
    if isinstance(e, AppliedUndef) and e.func.__name__.endswith("'") and len(args) == 1:
        xi = sympy.Dummy("xi")
        return sympy.diff(sympy.Function(e.func.__name__[:-1])(xi), xi).subs(xi, args[0])
    return e.func(*args)


_FREE: dict[Any, list[Symbol]] = {}
_RELATIONS = {
    sympy.Eq: operator.eq,
    sympy.Ne: operator.ne,
    sympy.Lt: operator.lt,
    sympy.Le: operator.le,
    sympy.Gt: operator.gt,
    sympy.Ge: operator.ge,
}  # free symbols of the polynomials that derivatives differentiate


def _ev_sequence(name: str, m: int, env: dict[Symbol, Any], arrays: dict[IndexedBase, Any], cache: dict) -> Any:
    succ = _DEFINED[name]
    var = next(iter(free_symbols(succ.hyps[0])))
    V = IndexedBase(name)
    value = _ev(_BASES[name], env, arrays, cache)
    for j in range(m):
        step = subst(succ.rhs, {var: j}).xreplace({V[j]: value})
        value = _ev(step, env, arrays, cache)
    return value


# --- scopes ----------------------------------------------------------------------------------------------


def scope_of(hyps: Sequence[Any], domain: Sequence[Any] = ()) -> str:
    """The scope a statement covers, computed from its formal hypotheses: "all sizes", with every
    equation (sizes pinned first) and every other condition, leaving out the sign assumptions of single
    symbols and the ``domain`` (where the operators are defined: the window fits, an index in range).

    >>> s, d, n, k = sympy.symbols("s d n k", integer=True, positive=True)
    >>> scope_of([sympy.Ge(s, 1), sympy.Eq(s, 1), sympy.Eq(d, 1), sympy.Le(k, n)], domain=[sympy.Le(k, n)])
    'all sizes with s = 1, d = 1'
    >>> scope_of([sympy.Ge(n, 1), sympy.Le(2 * k, n + 1)])
    'all sizes with 2*k ≤ n + 1'
    """

    def sign(h: Any) -> bool:
        return isinstance(h, (sympy.Ge, sympy.Gt)) and isinstance(h.lhs, Symbol) and h.rhs in (0, 1)

    def text(h: Any) -> str:
        if isinstance(h, sympy.Eq):
            return f"{h.lhs} = {h.rhs}"
        for op, shown in ((sympy.Le, "≤"), (sympy.Lt, "<"), (sympy.Ge, "≥"), (sympy.Gt, ">")):
            if isinstance(h, op):
                return f"{h.lhs} {shown} {h.rhs}"
        return str(h)

    kept = [h for h in hyps if h is not sympy.true and not sign(h) and not any(h == g for g in domain)]
    pins = [h for h in kept if isinstance(h, sympy.Eq) and isinstance(h.lhs, Symbol) and h.rhs.is_Integer]
    rest = [h for h in kept if h not in pins]
    parts = [text(h) for h in pins + rest]
    return f"all sizes with {', '.join(parts)}" if parts else "all sizes"
