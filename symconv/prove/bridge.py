"""The bridge: a formal statement instantiated at concrete sizes, compared with the operators.

The kernel proves a formal statement (:class:`~symconv.theorems.registry.General`) for all sizes;
what ties that statement to the registered theorem is this check.  At each bridge size the
statement's two sides are evaluated by the kernel's semantics (:func:`symconv.kernel.evaluate`:
sums term by term, ``Piecewise`` by its selected branch, derivatives of the evaluated polynomial)
and compared *exactly* with the registered ``sides`` computed by the symbolic operators, entry by
entry; a value statement is compared with the operators' value at every grid point where its
hypotheses hold.  The statement's hypotheses must hold at every entry the operators produce, so a
statement narrower than the theorem is caught, and a bridge that compares nothing fails.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import sympy

from ..kernel import EvalError, evaluate, free_symbols, same_value
from ..sizes import normalize_sizes, size_label
from ..theorems.registry import General, Theorem
from .exact import parts, symbolic_sides

__all__ = ["BridgeReport", "bridge"]


@dataclass
class BridgeReport:
    """What the bridge compared, and the first mismatch (``""`` when none)."""

    points: int
    entries: int
    mismatch: str = ""

    @property
    def ok(self) -> bool:
        return not self.mismatch and self.points > 0

    def __str__(self) -> str:
        if self.mismatch:
            return f"mismatch: {self.mismatch}"
        if not self.points:
            return "no size to compare at (the bridge is vacuous)"
        what = f"{self.entries} entries at {self.points} sizes" if self.entries else f"{self.points} grid points"
        return f"the formal statement equals the operators exactly: {what}"


def bridge(thm: Theorem, spec: General) -> BridgeReport:
    """Compare ``spec``'s formal statement with ``thm``'s operators (see the module docstring)."""
    if spec.entry:
        return _entries(thm, spec)
    return _values(spec)


def _holds(hyps: tuple[Any, ...], env: dict[Any, int], arrays: dict[Any, Any], cache: dict | None = None) -> bool:
    return all(evaluate(h, env, arrays, cache) is sympy.true for h in hyps)


def _values(spec: General) -> BridgeReport:
    st = spec.statement
    points = 0
    for point in spec.grid() if spec.grid else ():
        env = {k: v for k, v in point.items() if not isinstance(k, sympy.IndexedBase)}
        arrays = {k: v for k, v in point.items() if isinstance(k, sympy.IndexedBase)}
        try:
            if not _holds(st.hyps, env, arrays):
                continue
            lhs, rhs = evaluate(st.lhs, env, arrays), evaluate(st.rhs, env, arrays)
        except EvalError as err:
            return BridgeReport(points, 0, f"{_show(point)}: {err}")
        got = spec.value(point)
        if got is None:
            continue
        if not (same_value(lhs, got) and same_value(rhs, got)):
            return BridgeReport(points, 0, f"{_show(point)}: formal sides {lhs}, {rhs}; the operators give {got}")
        points += 1
    return BridgeReport(points, 0)


def _entries(thm: Theorem, spec: General) -> BridgeReport:
    st = spec.statement
    points = entries = 0
    for raw in spec.bridge_sizes or thm.sizes:
        sizes = normalize_sizes(raw)
        env = spec.sizes(sizes) if spec.sizes else None
        if env is None:
            continue
        indices = {var for var, _lo, _hi in spec.entry}
        if not _holds(tuple(h for h in st.hyps if not free_symbols(h) & indices), env, {}):
            continue  # a size outside the statement's hypotheses (e.g. s = 1 for the wide forms)
        inputs, lhs_sym, rhs_sym = symbolic_sides(thm, sizes)  # shared with the concrete level's cache
        where = size_label(sizes)
        sides = [parts(lhs_sym), parts(rhs_sym)]
        if any(len(side) <= spec.part for side in sides):
            return BridgeReport(points, entries, f"{where}: the operators give no form number {spec.part}")
        lhs_op, rhs_op = (side[spec.part] for side in sides)
        arrays = {spec.arrays[name]: arr.tolist() for name, arr in inputs.items() if name in spec.arrays}
        cache: dict = {}  # the loss of a gradient statement is evaluated once per size
        try:
            ranges = [(int(evaluate(lo, env, {})), int(evaluate(hi, env, {}))) for _v, lo, hi in spec.entry]
        except EvalError as err:
            return BridgeReport(points, entries, f"{where}: {err}")
        shape = tuple(hi - lo + 1 for lo, hi in ranges)
        if tuple(lhs_op.shape) != shape or tuple(rhs_op.shape) != shape:
            return BridgeReport(
                points, entries, f"{where}: the formal entries span {shape}, the operators {lhs_op.shape}"
            )
        for index in itertools.product(*(range(lo, hi + 1) for lo, hi in ranges)):
            at = {**env, **{var: value for (var, _lo, _hi), value in zip(spec.entry, index)}}
            cell = tuple(value - lo for value, (lo, _hi) in zip(index, ranges))
            try:
                if not _holds(st.hyps, at, arrays, cache):
                    return BridgeReport(points, entries, f"{where}: the hypotheses fail at entry {index}")
                formal = (evaluate(st.lhs, at, arrays, cache), evaluate(st.rhs, at, arrays, cache))
            except EvalError as err:
                return BridgeReport(points, entries, f"{where}, entry {index}: {err}")
            for side, value, op in zip(("lhs", "rhs"), formal, (lhs_op[cell], rhs_op[cell])):
                if not same_value(value, op):
                    return BridgeReport(
                        points, entries, f"{where}, entry {index}: formal {side} {value}, the operators {op}"
                    )
            entries += 1
        points += 1
    return BridgeReport(points, entries)


def _show(env: dict[Any, int]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in env.items())
