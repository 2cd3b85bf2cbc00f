"""All-sizes results: each part of a theorem proved by the kernel, then bridged to the operators.

A part is ``proved`` when its kernel proof returns the :class:`~symconv.kernel.Thm` of its formal
statement *and* the bridge (:mod:`symconv.prove.bridge`) finds the statement equal to the operators at
every bridge size.  Anything else is ``unknown``: a rule that did not apply, a side condition z3 could
not decide, a bridge mismatch.  The scope is computed from the formal hypotheses
(:func:`symconv.kernel.scope_of`); the prose hypotheses are printed from them.
"""

from __future__ import annotations

import time
from typing import Any

from ..kernel import Context, KernelError, Step, scope_of
from ..result import ProofResult
from ..theorems.registry import Theorem, proved, theorems
from .bridge import BridgeReport, bridge

__all__ = ["count_steps", "prove_general", "prose"]

_DONE: dict[tuple[str, int], ProofResult] = {}


def prose(relation: Any) -> str:
    """A formal hypothesis as text: ``k_h ≥ 1``, ``d_h (k_h − 1) + 1 ≤ n_h + p_h^lo + p_h^hi``.

    >>> import sympy
    >>> k = sympy.Symbol("k", integer=True)
    >>> prose(sympy.Le(2 * k, 7))
    '2*k ≤ 7'
    """
    text = str(relation)
    for old, new in ((">=", "≥"), ("<=", "≤"), ("!=", "≠"), ("Eq(", "("), ("&", "∧"), ("|", "∨")):
        text = text.replace(old, new)
    if relation.func.__name__ == "Equality":
        lhs, rhs = relation.args
        return f"{lhs} = {rhs}"
    return text


def count_steps(steps: Any, registered: set[str]) -> int:
    """Rule applications of a proof, with the base and step of an induction and the proofs of local
    lemmas (instances of theorems that are not registered) counted in; registered theorems count once."""
    total = 0
    for step in steps:
        if step.rule == "start":
            continue
        total += 1
        if step.proof and (step.rule == "induction" or step.cites not in registered):
            total += count_steps(step.proof, registered)
    return total


def prove_general(thm: Theorem) -> ProofResult:
    """Run (once) every all-sizes part of ``thm`` and bridge it (see the module docstring)."""
    key = (thm.name, id(thm))  # a theorem registered again under the same name is run again
    if key in _DONE:
        return _DONE[key]
    start = time.perf_counter()
    calls = Context.calls
    steps: list[Step] = []
    scopes, notes, rests = [], [], {"rules": set(), "instances": set(), "definitions": set()}
    owners: dict[Any, list[str]] = {}  # each formal hypothesis and the parts that assume it
    verdict = "proved"
    for number, spec in enumerate(thm.general):
        label = f"{spec.label}: " if spec.label else ""
        try:
            kernel_thm = proved(thm.name, number)
        except KernelError as err:
            verdict = "unknown"
            notes.append(f"{label}the kernel proof did not go through: {err}")
            continue
        report: BridgeReport = bridge(thm, spec)
        if not report.ok:
            verdict = "unknown"
            notes.append(f"{label}bridge {report}")
        else:
            own = count_steps(kernel_thm.steps, {t.name for t in theorems()})
            notes.append(f"{label}{own} kernel steps; bridge: {report}")
        steps.extend(kernel_thm.steps)
        scopes.append(label + scope_of(kernel_thm.hyps, spec.scope_domain))
        for h in kernel_thm.hyps:
            owners.setdefault(h, []).append(spec.label)
        for kind, names in kernel_thm.rests_on.items():
            rests[kind].update(names)
    hyps = list(owners)
    every = len(thm.general)
    shown = tuple(
        prose(h) if len(owners[h]) == every or not any(owners[h]) else f"{prose(h)} ({', '.join(owners[h])})"
        for h in hyps
    )
    result = ProofResult(
        name=thm.name,
        verdict=verdict,
        method="all sizes: kernel-checked derivation",
        scope="; ".join(scopes) if scopes else "none",
        hypotheses=shown,
        expected=thm.expected,
        statement=thm.statement,
        section=thm.section,
        seconds=time.perf_counter() - start,
        detail="; ".join(notes),
        steps=steps,
        level="general",
        formal_hypotheses=tuple(hyps),
        rests_on={**{k: sorted(v) for k, v in rests.items()}, "solver_calls": Context.calls - calls},
        bridge="; ".join(n for n in notes if "bridge" in n),
        kernel_steps=count_steps(steps, {t.name for t in theorems()}),
    )
    _DONE[key] = result
    return result
