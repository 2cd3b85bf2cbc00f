"""Findings of the audit and the few ways an item is checked.

An item of the notes ``holds`` (proved, or its worked example reproduced in
SymPy, NumPy and torch), ``fails`` (a counterexample both NumPy and torch
confirm, and a correction that is itself proved) or is ``imprecise`` (true
only under an unstated condition, up to a shift, a rounding, or a typo —
``kind`` says which).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..prove import prove
from ..result import ProofResult, _plain
from ..systems import NUMPY, SYMPY, torch_system
from ..theorems.registry import get

__all__ = ["Finding", "Item", "VERDICTS", "KINDS"]

VERDICTS = ("holds", "fails", "imprecise")
KINDS = ("", "typo", "condition", "shift", "rounding", "notation")


@dataclass
class Finding:
    """The outcome of checking one item."""

    verdict: str
    evidence: str
    kind: str = ""
    counterexample: Any = None
    correction: str = ""
    confirmed_by: dict[str, str] = field(default_factory=dict)  # backend -> ok/failed/skipped

    def to_dict(self) -> dict[str, Any]:
        return _plain(self.__dict__)


@dataclass(frozen=True)
class Item:
    """One formula or worked example of the notes, as the notes state it."""

    section: str
    title: str
    claim: str
    check: Callable[[], Finding]


# --- ways to check an item -------------------------------------------------------------------------


def theorem(name: str, *, general: bool | None = None) -> Finding:
    """Holds when the registered theorem is proved (all sizes when it has a general proof)."""

    thm = get(name)
    result = _proved(name, bool(thm.general) if general is None else general)
    scope = result.scope if result.level == "general" else "the registered sizes"
    if result.verdict == thm.expected == "proved":
        return Finding("holds", f"proved for {scope}: {name} ({result.method})")
    return Finding(
        "fails" if result.verdict == "refuted" else "imprecise", f"{name}: {result.verdict} ({result.detail})"
    )


@functools.cache
def _proved(name: str, general: bool) -> ProofResult:
    """One proof per theorem and level in a process: several audit items cite the same theorem."""
    return prove(name, general=general)


def example(compute: Callable[[Any], Any], expected: Any, what: str) -> Finding:
    """Holds when SymPy, NumPy and torch all reproduce the notes' numbers exactly."""

    got = {}
    systems = [SYMPY, NUMPY]
    try:
        systems.append(torch_system("cpu"))
        import torch  # noqa: F401
    except ImportError:
        systems.pop()
    for system in systems:
        value = np.asarray(system.to_numpy(compute(system)), dtype=float)
        got[system.name] = value
    want = np.asarray(expected, dtype=float)
    bad = [name for name, value in got.items() if value.shape != want.shape or not np.array_equal(value, want)]
    if bad:
        return Finding("fails", f"{what}: {', '.join(bad)} give {got[bad[0]].tolist()}, the notes {want.tolist()}")
    return Finding("holds", f"{what}: reproduced exactly by {', '.join(got)}")


def arithmetic(value: Any, stated: Any, what: str) -> Finding:
    """Holds when an exact computation equals the notes' number."""
    return Finding("holds" if value == stated else "fails", f"{what}: {value} (the notes: {stated})")


def refuted(result: ProofResult, correction: ProofResult, correction_text: str) -> Finding:
    """Fails: a refuted claim whose counterexample NumPy and torch confirm, and a proved correction."""
    confirmed = {name: check.status for name, check in result.checks.items()}
    if result.verdict != "refuted" or correction.verdict != "proved":
        return Finding(
            "imprecise", f"expected a refutation and a proved correction, got {result.verdict} / {correction.verdict}"
        )
    cx = result.counterexample
    return Finding(
        "fails",
        f"refuted at {cx.sizes}: {cx}",
        counterexample=cx.to_dict(),
        correction=f"{correction_text} (proved: {correction.method})",
        confirmed_by=confirmed,
    )


def imprecise(kind: str, evidence: str, correction: str = "", counterexample: Any = None) -> Finding:
    """True only under an unstated condition, up to a shift or a rounding, or a typo."""
    return Finding("imprecise", evidence, kind=kind, correction=correction, counterexample=counterexample)
