"""Exact proofs at concrete sizes.

Both sides are built by the symbolic operators (:mod:`symconv.symbolic`, one
window primitive, the index formulas) on symbols; the identity is *proved*
at a size when the kernel (:func:`symconv.kernel.same_value`) finds every
entry of ``lhs - rhs`` to be the zero polynomial (rational coefficients, no
floats).  Two engines run the same operator code:

* ``"fast"`` (the default): the entries are sparse polynomials
  (:mod:`symconv.symbolic.sparse`, the :data:`~symconv.systems.SPARSE`
  system), canonical dicts of monomials, so the identity is decided by
  comparing dicts entry by entry, and derivatives are exact coefficient
  extraction.  Where a side is not a polynomial with rational coefficients
  (max pooling, the activation ``f``, an indicator) it falls back to SymPy;
* ``"sympy"``: SymPy expressions, ``sympy.expand(lhs - rhs)`` per entry.

Theorems decided by case analysis over orderings (``method="orderings"``)
always run on SymPy.  A non-zero polynomial difference is *refuted* with a
counterexample of small integers, found on the SymPy form of the difference
whichever engine found it.  A difference that is not a polynomial (``Max``,
an unknown function) and that no small-integer search makes non-zero is
reported ``unknown``, never ``proved``.
"""

from __future__ import annotations

import itertools
import time
from typing import Any, NamedTuple

import sympy

from ..errors import ParameterError
from ..kernel import same_value
from ..progress import bar
from ..result import Counterexample, ProofResult
from ..symbolic import sparse
from ..symbolic.sparse import POLY, NotPolynomial, PolyArray, gc_paused
from ..symbolic.tensor import entries, symbols
from ..systems import SPARSE, SYMPY
from ..theorems.registry import Theorem, size_label
from . import orderings
from .counterexample import evaluate, find_assignment, shrink

__all__ = ["ENGINES", "METHOD", "Decision", "clear_cache", "decide", "prove_at", "prove_concrete", "symbolic_sides"]

ENGINES = ("fast", "sympy")

METHOD = "exact polynomial identity"
METHODS = {"polynomial": METHOD, "orderings": "case analysis on the order of each window's cells (no ties)"}

_CACHE: dict[tuple, tuple[dict[str, Any], Any, Any]] = {}


def clear_cache() -> None:
    """Forget the sides and symbols built so far (benchmarks measure cold proofs)."""
    _CACHE.clear()
    sparse.clear_cache()


def _key(thm: Theorem, sizes: dict[str, Any]) -> tuple:
    return (thm.name, thm.sides, tuple(sorted(sizes.items())))


def symbol_prefix(name: str) -> str:
    """Symbol name for an input: ``X -> x``, ``W -> w``, ``delta -> δ``."""
    return {"delta": "δ", "Bpd": "B"}.get(name, name.lower())


def symbolic_sides(thm: Theorem, sizes: dict[str, Any]) -> tuple[dict[str, Any], Any, Any]:
    """Symbol inputs and the two sides at ``sizes`` (cached per theorem and size)."""
    key = _key(thm, sizes)
    if key not in _CACHE:
        inputs = {name: symbols(symbol_prefix(name), shape) for name, shape in thm.shapes(sizes).items()}
        lhs, rhs = thm.sides(SYMPY, **inputs, **sizes)
        _CACHE[key] = (inputs, lhs, rhs)
    return _CACHE[key]


def input_symbols(inputs: dict[str, Any]) -> list[sympy.Symbol]:
    return [s for arr in inputs.values() for s in entries(arr)]


def parts(side: Any) -> list[Any]:
    """A side is one array or a list of arrays (compared part by part)."""
    return list(side) if isinstance(side, (list, tuple)) else [side]


def _cells(shapes: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """Addresses of every entry: ``idx`` for one part, ``(part, *idx)`` for several."""
    many = len(shapes) > 1
    return [
        ((k, *idx) if many else idx)
        for k, shape in enumerate(shapes)
        for idx in itertools.product(*(range(n) for n in shape))
    ]


def _entry(side_parts: list[Any], where: tuple[int, ...], many: bool) -> Any:
    """The entry at ``where`` of a side given as its list of parts."""
    return _at(side_parts[where[0]], where[1:]) if many else _at(side_parts[0], where)


class Decision(NamedTuple):
    """The verdict at one size, the counterexample, and which engine decided it (and why)."""

    verdict: str
    counterexample: Counterexample | None
    engine: str
    note: str = ""


def decide(thm: Theorem, sizes: dict[str, Any], engine: str = "fast") -> Decision:
    """Decide ``thm`` at one size with ``engine`` ("fast" falls back to "sympy" off the polynomials)."""
    if engine not in ENGINES:
        raise ParameterError("engine", engine, "'fast' or 'sympy'")
    if engine == "fast" and thm.method == "polynomial":
        try:
            verdict, cx = _decide_sparse(thm, sizes)
            return Decision(verdict, cx, "sparse")
        except NotPolynomial as why:
            verdict, cx = _decide_sympy(thm, sizes)
            return Decision(verdict, cx, "sympy", f"fallback: {why}")
    verdict, cx = _decide_sympy(thm, sizes)
    return Decision(verdict, cx, "sympy", "" if engine == "sympy" else "case analysis runs on SymPy")


def prove_at(thm: Theorem, sizes: dict[str, Any], engine: str = "fast") -> tuple[str, Counterexample | None]:
    """Verdict at one size: ``("proved", None)``, ``("refuted", cx)`` or ``("unknown", None)``."""
    verdict, cx, _engine, _note = decide(thm, sizes, engine)
    return verdict, cx


def _shape_mismatch(inputs: dict[str, Any], L: list, R: list, sizes: dict[str, Any]) -> Counterexample:
    zeros = {name: sympy.ImmutableDenseNDimArray.zeros(*arr.shape).tolist() for name, arr in inputs.items()}
    shapes = lambda side: [a.shape for a in side] if len(side) > 1 else side[0].shape  # noqa: E731
    note = f"the sides have different shapes: lhs {shapes(L)}, rhs {shapes(R)}"
    return Counterexample(dict(sizes), zeros, None, None, None, note)


def _decide_sparse(thm: Theorem, sizes: dict[str, Any]) -> tuple[str, Counterexample | None]:
    """Both sides as sparse polynomials (the SPARSE system): equal dicts, entry by entry."""
    with gc_paused():  # the polynomials are freed, by reference counting, before the collector resumes
        return _sparse_verdict(thm, sizes)


def _sparse_verdict(thm: Theorem, sizes: dict[str, Any]) -> tuple[str, Counterexample | None]:
    shapes = thm.shapes(sizes)
    inputs = {name: POLY.symbols(symbol_prefix(name), shape) for name, shape in shapes.items()}
    lhs, rhs = thm.sides(SPARSE, **inputs, **sizes)
    L, R = parts(lhs), parts(rhs)
    if not all(isinstance(a, PolyArray) for a in L + R):
        raise NotPolynomial("a side is not an array of sparse polynomials")
    if [a.shape for a in L] != [b.shape for b in R]:
        sym_inputs = {name: symbols(symbol_prefix(name), shape) for name, shape in shapes.items()}
        return "refuted", _shape_mismatch(sym_inputs, L, R, sizes)
    lhs_entries = (e for a in L for e in a.ravel().tolist())
    rhs_entries = (e for b in R for e in b.ravel().tolist())
    diffs = [l - r for l, r in zip(lhs_entries, rhs_entries) if not same_value(l.terms, r.terms)]
    if not diffs:
        return "proved", None
    # refuted: the counterexample is found on the SymPy form of the differences, as the SymPy engine does
    sym_inputs = {name: symbols(symbol_prefix(name), shape) for name, shape in shapes.items()}
    exprs = [d.as_expr() for d in diffs]
    return _refute(thm, sizes, sym_inputs, [a.to_sympy() for a in L], [b.to_sympy() for b in R], exprs, len(L) > 1)


def _decide_sympy(thm: Theorem, sizes: dict[str, Any]) -> tuple[str, Counterexample | None]:
    """Both sides as SymPy expressions: ``expand(lhs - rhs)`` entry by entry."""
    inputs, lhs, rhs = symbolic_sides(thm, sizes)
    L, R = parts(lhs), parts(rhs)
    if [a.shape for a in L] != [b.shape for b in R]:
        return "refuted", _shape_mismatch(inputs, L, R, sizes)
    many = len(L) > 1
    diffs: list[sympy.Expr] = []
    pairs: list[tuple[Any, Any]] = []  # the (lhs, rhs) entries of the non-zero differences
    for where in _cells([a.shape for a in L]):
        left, right = _entry(L, where, many), _entry(R, where, many)
        if not same_value(left, right):
            diffs.append(sympy.expand(left - right))
            pairs.append((left, right))
    if not diffs:
        return "proved", None
    return _refute(thm, sizes, inputs, L, R, diffs, many, pairs)


def _refute(
    thm: Theorem,
    sizes: dict[str, Any],
    inputs: dict[str, Any],
    L: list,
    R: list,
    exprs: list,
    many: bool,
    pairs: list | None = None,
) -> tuple[str, Counterexample | None]:
    """The non-zero differences ``exprs`` (SymPy) as a counterexample of small integers, if one is found."""
    syms = input_symbols(inputs)
    if thm.method == "orderings":
        verdict, assignment = orderings.decide(exprs, inputs, pairs)
        if verdict != "refuted":
            return verdict, None
    else:
        polynomial = all(d.is_polynomial(*syms) for d in exprs)
        assignment = find_assignment(exprs, syms)
        if assignment is None:
            return ("unknown" if not polynomial else "refuted"), None
        assignment = shrink(exprs, syms, assignment)
    lhs_v = [evaluate(a, assignment) for a in L]
    rhs_v = [evaluate(b, assignment) for b in R]
    where = next(w for w in _cells([a.shape for a in L]) if _entry(lhs_v, w, many) != _entry(rhs_v, w, many))
    values = {name: evaluate(arr, assignment) for name, arr in inputs.items()}
    if not many:
        lhs_v, rhs_v = lhs_v[0], rhs_v[0]
    return "refuted", Counterexample(dict(sizes), values, lhs_v, rhs_v, where)


def _at(data: Any, idx: tuple[int, ...]) -> Any:
    for i in idx:
        data = data[i]
    return data


def prove_concrete(
    thm: Theorem, size_list: list[dict[str, Any]], engine: str = "fast", progress: bool = False
) -> ProofResult:
    """Prove ``thm`` at each size in turn; stop at the first refutation.

    The result's ``detail`` names the engine that decided it: ``sparse
    engine`` or ``SymPy engine`` (with the reason for a fallback).
    """
    start = time.perf_counter()
    proved: list[dict[str, Any]] = []
    verdict, cx, engines = "proved", None, {}
    for sizes in bar(size_list, total=len(size_list), desc=f"prove {thm.name}", enabled=progress):
        verdict, cx, used, note = decide(thm, sizes, engine)
        engines.setdefault(used, note)
        if verdict != "proved":
            break
        proved.append(sizes)
    detail = ""
    if verdict == "proved":
        if thm.method != "polynomial":
            how = "every δ-coefficient of lhs and rhs agrees in every case of the order of its window's cells"
        elif set(engines) == {"sparse"}:
            how = "lhs - rhs is the zero polynomial"
        else:
            how = "lhs - rhs expands to 0"
        detail = f"{how} at {len(proved)} size(s): " + "; ".join(size_label(s) for s in proved)
    elif verdict == "unknown":
        detail = (
            "a δ-coefficient is not order-determined or needs too many cases"
            if thm.method == "orderings"
            else "lhs - rhs is not a polynomial and no small-integer counterexample was found"
        )
    ran = ", ".join(
        ("sparse engine" if e == "sparse" else "SymPy engine") + (f" ({note})" if note else "")
        for e, note in engines.items()
    )
    detail = f"{ran}: {detail}" if detail else ran
    return ProofResult(
        name=thm.name,
        verdict=verdict,
        method=METHODS[thm.method],
        scope=proved if verdict == "proved" else ([cx.sizes] if cx else [size_list[len(proved)]]),
        hypotheses=thm.hypotheses,
        expected=thm.expected,
        statement=thm.statement,
        section=thm.section,
        counterexample=cx,
        correction=thm.correction,
        seconds=time.perf_counter() - start,
        detail=detail,
    )
