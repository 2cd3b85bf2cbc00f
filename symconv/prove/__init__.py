"""Proof engines: exact identity at concrete sizes, counterexample search, and the all-sizes level
(the kernel's proofs of the formal statements, bridged to the operators).

:func:`prove` checks the sizes it is given before any work: their
dimensions agree (a clash is named), a theorem decided over its own grid
refuses them, and the input symbols fit the size budget of
:mod:`symconv.budget`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .. import budget
from ..errors import ParameterError, public
from ..result import CheckResult, Counterexample, ProofResult
from ..sizes import DEFAULTS, SIZE_NAMES, SPATIAL, normalize_sizes, size_label
from ..theorems.registry import Theorem, get
from .exact import ENGINES, prove_concrete
from .general import prove_general

__all__ = ["CheckResult", "Counterexample", "ProofResult", "both_levels", "merge_sizes", "prove"]


@public
def prove(
    name: str,
    *,
    general: bool = False,
    engine: str = "fast",
    max_terms: int | None = None,
    progress: bool = False,
    **sizes: Any,
) -> ProofResult:
    """Prove a registered theorem exactly.

    With no sizes, the theorem is proved at each of its registered sizes
    (smallest first; a refutation stops at the smallest counterexample).
    Sizes are keywords named as in the notes: ``n`` (input), ``k`` (kernel),
    ``s`` (stride), ``p`` (padding per side), ``d`` (dilation), ``c_i``,
    ``c_o``; an int means square, a pair ``(h, w)``, a 1-tuple 1-D.  Missing
    keywords are taken from the theorem's first registered size (a square
    one, like ``k=(3,)`` or ``k=(3, 3)``, takes the dimension of the sizes
    given); sizes of different dimensions are an error that names both.  A
    theorem decided over its own grid of sizes (shapes, counts, ties) takes
    no sizes.  ``max_terms`` raises the size budget (:mod:`symconv.budget`);
    ``progress`` shows a bar over the sizes on stderr.

    With ``general=True`` the result is the all-sizes one: the kernel's proof
    of the theorem's formal statement, bridged to the operators, reconciled
    with the concrete level (:func:`both_levels`).

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
    >>> prove("conv_eq_corr_rot180", n=(8,), k=(3, 3))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: prove: k: got (3, 3); expected 1 dimension, like n=(8,)
    """
    thm = get(name)
    if engine not in ENGINES:
        raise ParameterError("engine", engine, "'fast' or 'sympy'")
    with budget.max_terms(max_terms):
        return _prove(thm, general, engine, progress, sizes)


def _prove(thm: Theorem, general: bool, engine: str, progress: bool, sizes: dict[str, Any]) -> ProofResult:
    if sizes and thm.prover is not None:
        raise ParameterError(
            "sizes", sizes, f"no sizes: {thm.name} is decided over its own grid of sizes (run it without sizes)"
        )
    if sizes:
        takes = [*DEFAULTS, *(k for z in thm.sizes for k in z if k not in DEFAULTS)]
        for key, value in sizes.items():
            if key not in takes and key in SIZE_NAMES:
                raise ParameterError(key, value, f"a size {thm.name} takes: {', '.join(dict.fromkeys(takes))}")
        size_list = [normalize_sizes(merge_sizes(thm.sizes[0] if thm.sizes else {}, sizes))]
    else:
        size_list = [normalize_sizes(s) for s in thm.sizes]
    for z in size_list:
        count = sum(budget.product(shape) for shape in thm.shapes(z).values())
        budget.charge(count, "input symbols", "sizes", _Sizes(z))
    if thm.prover is not None:
        concrete = thm.prover(thm, size_list)
    else:
        concrete = prove_concrete(thm, size_list, engine, progress=progress)
    return both_levels(thm, concrete) if general else concrete


def both_levels(thm: Any, concrete: ProofResult) -> ProofResult:
    """The all-sizes result, reconciled with the concrete level: ``proved`` only when both agree.

    The scope lists the all-sizes part (computed from the formal hypotheses) and, separately, the
    concrete sizes at which the theorem was proved exactly."""
    if not thm.general:
        return dataclasses.replace(
            concrete,
            verdict="unknown" if concrete.verdict == "proved" else concrete.verdict,
            level="general",
            scope=f"none ({thm.no_general})" if thm.no_general else "none",
            concrete_scope=list(concrete.scope) if isinstance(concrete.scope, list) else [],
            detail=f"{thm.no_general or 'no all-sizes statement is registered'}; "
            f"concrete level: {concrete.verdict} ({concrete.detail})",
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


class _Sizes:
    """Sizes shown in messages as ``n=8x8,k=3x3``."""

    def __init__(self, sizes: dict[str, Any]) -> None:
        self.text = size_label(sizes)

    def __repr__(self) -> str:
        return self.text


def _dims(key: str, value: Any) -> int | None:
    """The dimension a size asks for: a tuple's length; an int ``n`` or ``k`` is square (2-D)."""
    if isinstance(value, (tuple, list)):
        return len(value)
    return 2 if key in SPATIAL else None


def merge_sizes(registered: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """The sizes ``given``, completed from a theorem's ``registered`` ones, with one dimension for all.

    An int ``n`` or ``k`` is square (2-D); a tuple says its dimension.  Sizes
    given with different dimensions are an error naming both.  A registered
    size with the same value on every axis (``k=(3,)``) takes the dimension of
    the sizes given; any other one that disagrees with them is an error.

    >>> merge_sizes({"n": (5,), "k": (3,)}, {"n": 8})
    {'n': 8, 'k': (3, 3)}
    >>> merge_sizes({"n": (5, 6), "k": (2, 3)}, {"n": (8,)})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: k: got (2, 3); expected 1 dimension, like n=(8,) (the theorem's registered k; ...)
    """
    known = [(key, _dims(key, given[key])) for key in (*SPATIAL, "s", "d") if key in given]
    known = [(key, dims) for key, dims in known if dims is not None]
    if not known:
        return {**registered, **given}
    first, target = known[0]
    for key, dims in known[1:]:
        if dims != target:
            square = " (an int is square: 2-D)" if not isinstance(given[first], (tuple, list)) else ""
            raise ParameterError(key, given[key], f"{target} {_plural(target)}, like {first}={given[first]!r}{square}")
    out = dict(given)
    for key, value in registered.items():
        if key in out:
            continue
        if key in (*SPATIAL, "s", "d") and isinstance(value, (tuple, list)) and len(value) != target:
            if len(set(value)) != 1:
                raise ParameterError(
                    key,
                    value,
                    f"{target} {_plural(target)}, like {first}={given[first]!r} "
                    f"(the theorem's registered {key}; give {key} as well)",
                )
            value = (value[0],) * target
        out[key] = value
    return out


def _plural(dims: int) -> str:
    return "dimension" if dims == 1 else "dimensions"
