"""Proof engines: exact identity at concrete sizes, counterexample search."""

from __future__ import annotations

import dataclasses
from typing import Any

from ..errors import ParameterError, public
from ..theorems.registry import get, normalize_sizes
from .exact import ENGINES, prove_concrete
from .result import CheckResult, Counterexample, ProofResult

__all__ = ["CheckResult", "Counterexample", "ProofResult", "prove"]


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
    if general and thm.general is not None:
        return _general(thm)
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
    return prove_concrete(thm, size_list, engine)


_GENERAL: dict[str, ProofResult] = {}


def _general(thm: Any) -> ProofResult:
    """Run (once) the theorem's all-sizes derivation and fill in what the registry knows."""
    if thm.name not in _GENERAL:
        result = thm.general()
        result.name, result.expected = thm.name, thm.expected
        result.statement, result.section = thm.statement, thm.section
        result.hypotheses = result.hypotheses or thm.hypotheses
        _GENERAL[thm.name] = result
    return dataclasses.replace(_GENERAL[thm.name], checks={})
