"""Exact proofs at concrete sizes.

Both sides are built from SymPy symbols; the identity is *proved* at a size
when every entry of ``lhs - rhs`` expands to the zero polynomial (rational
coefficients, no floats).  A non-zero polynomial difference is *refuted*
with a counterexample of small integers.  A difference that is not a
polynomial (``Max``, an unknown function) and that no small-integer search
makes non-zero is reported ``unknown``, never ``proved``.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

import sympy

from ..symbolic.tensor import entries, symbols
from ..systems import SYMPY
from ..theorems.registry import Theorem, size_label
from . import orderings
from .counterexample import evaluate, find_assignment, shrink
from .result import Counterexample, ProofResult

__all__ = ["METHOD", "prove_concrete", "symbolic_sides"]

METHOD = "exact polynomial identity"
METHODS = {"polynomial": METHOD, "orderings": "case analysis over strict orderings (no ties)"}

_CACHE: dict[tuple, tuple[dict[str, Any], Any, Any]] = {}


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


def prove_at(thm: Theorem, sizes: dict[str, Any]) -> tuple[str, Counterexample | None]:
    """Verdict at one size: ``("proved", None)``, ``("refuted", cx)`` or ``("unknown", None)``."""
    inputs, lhs, rhs = symbolic_sides(thm, sizes)
    syms = input_symbols(inputs)
    L, R = parts(lhs), parts(rhs)
    if [a.shape for a in L] != [b.shape for b in R]:
        zeros = {name: arr.applyfunc(lambda _: 0).tolist() for name, arr in inputs.items()}
        shapes = lambda side: [a.shape for a in side] if len(side) > 1 else side[0].shape  # noqa: E731
        note = f"the sides have different shapes: lhs {shapes(L)}, rhs {shapes(R)}"
        return "refuted", Counterexample(dict(sizes), zeros, None, None, None, note)
    many = len(L) > 1
    diffs: list[tuple[tuple[int, ...], sympy.Expr]] = []
    for where in _cells([a.shape for a in L]):
        diff = sympy.expand(_entry(L, where, many) - _entry(R, where, many))
        if diff != 0:
            diffs.append((where, diff))
    if not diffs:
        return "proved", None
    exprs = [d for _, d in diffs]
    if thm.method == "orderings":
        verdict, assignment = orderings.decide(exprs, inputs)
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


def prove_concrete(thm: Theorem, size_list: list[dict[str, Any]]) -> ProofResult:
    """Prove ``thm`` at each size in turn; stop at the first refutation."""
    start = time.perf_counter()
    proved: list[dict[str, Any]] = []
    verdict, cx = "proved", None
    for sizes in size_list:
        verdict, cx = prove_at(thm, sizes)
        if verdict != "proved":
            break
        proved.append(sizes)
    detail = ""
    if verdict == "proved":
        how = (
            "lhs - rhs expands to 0"
            if thm.method == "polynomial"
            else "every δ-coefficient of lhs - rhs vanishes on every strict ordering of its window"
        )
        detail = f"{how} at {len(proved)} size(s): " + "; ".join(size_label(s) for s in proved)
    elif verdict == "unknown":
        detail = (
            "a difference is not order-determined or a window is too large to enumerate"
            if thm.method == "orderings"
            else "lhs - rhs is not a polynomial and no small-integer counterexample was found"
        )
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
