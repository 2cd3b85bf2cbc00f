"""Proof engines: exact identity at concrete sizes, counterexample search, and the all-sizes level
(the kernel's proofs of the formal statements, bridged to the operators)."""

from __future__ import annotations

import dataclasses
from typing import Any

from ..errors import ParameterError, public
from ..result import CheckResult, Counterexample, ProofResult
from ..theorems.registry import get, normalize_sizes
from .exact import ENGINES, prove_concrete
from .general import prove_general

__all__ = ["CheckResult", "Counterexample", "ProofResult", "both_levels", "prove"]


@public
def prove(name: str, *, general: bool = False, engine: str = "fast", **sizes: Any) -> ProofResult:
    """Prove a registered theorem exactly.

    With no sizes, the theorem is proved at each of its registered sizes
    (smallest first; a refutation stops at the smallest counterexample).
    Sizes are keywords named as in the notes: ``n`` (input), ``k`` (kernel),
    ``s`` (stride), ``p`` (padding per side), ``d`` (dilation), ``c_i``,
    ``c_o``; an int means square, a pair ``(h, w)``, a 1-tuple 1-D.  Missing
    keywords are taken from the theorem's first registered size.

    ``engine`` decides a concrete-size identity: ``"fast"`` compares sparse
    polynomials (falling back to SymPy where a side is not a polynomial),
    ``"sympy"`` expands SymPy expressions; both run the same symbolic
    operators and give the same verdict.  The result's ``detail`` names the
    engine that ran.

    >>> prove("conv_eq_corr_rot180", n=4, k=3).verdict
    'proved'
    >>> result = prove("full_corr_comm")
    >>> result.verdict, result.counterexample.sizes["n"], result.counterexample.sizes["k"]
    ('refuted', (1, 1), (1, 2))
    """
    thm = get(name)
    if engine not in ENGINES:
        raise ParameterError("engine", engine, "'fast' or 'sympy'")
    if sizes:
        size_list = [normalize_sizes({**(thm.sizes[0] if thm.sizes else {}), **sizes})]
    else:
        size_list = [normalize_sizes(s) for s in thm.sizes]
    concrete = thm.prover(thm, size_list) if thm.prover is not None else prove_concrete(thm, size_list, engine)
    if not general:
        return concrete
    return both_levels(thm, concrete)


def both_levels(thm: Any, concrete: ProofResult) -> ProofResult:
    """The all-sizes result, reconciled with the concrete level: ``proved`` only when both agree.

    The scope lists the all-sizes part (computed from the formal hypotheses) and, separately, the
    concrete sizes at which the theorem was proved exactly."""
    if not thm.general:
        return dataclasses.replace(
            concrete,
            verdict="unknown" if concrete.verdict == "proved" else concrete.verdict,
            level="general",
            scope="none",
            concrete_scope=list(concrete.scope) if isinstance(concrete.scope, list) else [],
            detail=f"no all-sizes statement is registered; concrete level: {concrete.verdict} ({concrete.detail})",
            checks={},
        )
    result = dataclasses.replace(prove_general(thm), checks={})
    result.concrete_scope = [s for s in concrete.scope if "grid" not in s] if concrete.verdict == "proved" else []
    if result.verdict == "proved" and concrete.verdict != "proved":
        result.verdict = "unknown"
        result.detail = f"the levels disagree: the concrete level says {concrete.verdict} ({concrete.detail})"
    else:
        result.detail += f"; concrete level: {concrete.verdict} ({concrete.detail})"
    result.counterexample = concrete.counterexample
    return result
