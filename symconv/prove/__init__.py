"""Proof engines: exact identity at concrete sizes, counterexample search."""

from __future__ import annotations

from typing import Any

from ..errors import public
from ..theorems.registry import get, normalize_sizes
from .exact import prove_concrete
from .result import CheckResult, Counterexample, ProofResult

__all__ = ["CheckResult", "Counterexample", "ProofResult", "prove"]


@public
def prove(name: str, *, general: bool = False, **sizes: Any) -> ProofResult:
    """Prove a registered theorem exactly.

    With no sizes, the theorem is proved at each of its registered sizes
    (smallest first; a refutation stops at the smallest counterexample).
    Sizes are keywords named as in the notes: ``n`` (input), ``k`` (kernel),
    ``s`` (stride), ``p`` (padding per side), ``d`` (dilation), ``c_i``,
    ``c_o``; an int means square, a pair ``(h, w)``, a 1-tuple 1-D.  Missing
    keywords are taken from the theorem's first registered size.

    >>> prove("conv_eq_corr_rot180", n=4, k=3).verdict
    'proved'
    >>> result = prove("full_corr_comm")
    >>> result.verdict, result.counterexample.sizes["n"], result.counterexample.sizes["k"]
    ('refuted', (1, 1), (1, 2))
    """
    thm = get(name)
    if general:
        return ProofResult(
            name=thm.name,
            verdict="unknown",
            method="general (all sizes)",
            scope="general",
            hypotheses=thm.hypotheses,
            expected=thm.expected,
            statement=thm.statement,
            section=thm.section,
            detail="no all-sizes proof is registered for this theorem",
        )
    if sizes:
        size_list = [normalize_sizes({**(thm.sizes[0] if thm.sizes else {}), **sizes})]
    else:
        size_list = [normalize_sizes(s) for s in thm.sizes]
    if thm.prover is not None:
        return thm.prover(thm, size_list)
    return prove_concrete(thm, size_list)
