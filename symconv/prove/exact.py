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
from .counterexample import evaluate, find_assignment, shrink
from .result import Counterexample, ProofResult

__all__ = ["METHOD", "prove_concrete", "symbolic_sides"]

METHOD = "exact polynomial identity"

_CACHE: dict[tuple, tuple[dict[str, Any], Any, Any]] = {}


def _key(thm: Theorem, sizes: dict[str, Any]) -> tuple:
    return (thm.name, thm.sides, tuple(sorted(sizes.items())))


def symbol_prefix(name: str) -> str:
    """Symbol name for an input: ``X -> x``, ``W -> w``, ``delta -> δ``."""
    return {"delta": "δ"}.get(name, name.lower())


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


def prove_at(thm: Theorem, sizes: dict[str, Any]) -> tuple[str, Counterexample | None]:
    """Verdict at one size: ``("proved", None)``, ``("refuted", cx)`` or ``("unknown", None)``."""
    inputs, lhs, rhs = symbolic_sides(thm, sizes)
    syms = input_symbols(inputs)
    if lhs.shape != rhs.shape:
        zeros = {name: arr.applyfunc(lambda _: 0).tolist() for name, arr in inputs.items()}
        note = f"the sides have different shapes: lhs {lhs.shape}, rhs {rhs.shape}"
        return "refuted", Counterexample(dict(sizes), zeros, None, None, None, note)
    diffs: list[tuple[tuple[int, ...], sympy.Expr]] = []
    polynomial = True
    for idx in itertools.product(*(range(n) for n in lhs.shape)):
        diff = sympy.expand(lhs[idx] - rhs[idx])
        if diff != 0:
            diffs.append((idx, diff))
            polynomial = polynomial and diff.is_polynomial(*syms)
    if not diffs:
        return "proved", None
    exprs = [d for _, d in diffs]
    assignment = find_assignment(exprs, syms)
    if assignment is None:
        return ("unknown" if not polynomial else "refuted"), None
    assignment = shrink(exprs, syms, assignment)
    lhs_v, rhs_v = evaluate(lhs, assignment), evaluate(rhs, assignment)
    where = next(idx for idx in itertools.product(*(range(n) for n in lhs.shape)) if _at(lhs_v, idx) != _at(rhs_v, idx))
    values = {name: evaluate(arr, assignment) for name, arr in inputs.items()}
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
        detail = f"lhs - rhs expands to 0 at {len(proved)} size(s): " + "; ".join(size_label(s) for s in proved)
    elif verdict == "unknown":
        detail = "lhs - rhs is not a polynomial and no small-integer counterexample was found"
    return ProofResult(
        name=thm.name,
        verdict=verdict,
        method=METHOD,
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
