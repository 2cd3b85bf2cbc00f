"""Theorems whose concrete level is an exhaustive check over a grid (shapes, counts).

Their all-sizes parts (:class:`~symconv.theorems.registry.General`) are value
statements proved by the kernel; the concrete level runs the symbolic
operators over a grid of sizes, and the numeric systems are checked over the
same grid by ``checker``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..result import CheckResult, ProofResult
from .registry import General, Theorem, register

__all__ = ["register_on_grid"]


def register_on_grid(
    name: str,
    section: str,
    statement: str,
    hypotheses: tuple[str, ...],
    *,
    general: tuple[General, ...] = (),
    concrete: Callable[[], tuple[int, str]],
    checker: Callable[[Theorem, ProofResult, Any], CheckResult],
    grid: str,
    agreement: str,
    latex: str = "",
) -> None:
    """Register a theorem; ``concrete() -> (cases, miss)`` checks the symbolic operators over ``grid``."""

    def prover(thm: Theorem, _sizes: list) -> ProofResult:
        start = time.perf_counter()
        count, miss = concrete()
        return ProofResult(
            name=thm.name,
            verdict="refuted" if miss else "proved",
            method="exhaustive over a grid (symbolic operators)",
            scope=[{"grid": grid, "cases": count}],
            hypotheses=thm.hypotheses,
            expected=thm.expected,
            statement=thm.statement,
            section=thm.section,
            seconds=time.perf_counter() - start,
            detail=miss or f"{count} {agreement}",
        )

    register(
        Theorem(
            name=name,
            section=section,
            statement=statement,
            hypotheses=hypotheses,
            inputs={},
            sides=None,
            sizes=(),
            prover=prover,
            checker=checker,
            general=general,
            latex=latex,
        )
    )
