"""Results of proofs and checks: what the prover, the checker and the CLI report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .kernel import Step
from .sizes import size_label

__all__ = ["VERDICTS", "CheckResult", "Counterexample", "ProofResult", "Step"]

VERDICTS = ("proved", "refuted", "unknown")

#: Renderers for notebook display, installed by the layers above (``symconv.latex`` adds "latex").
DISPLAY: dict[str, Any] = {}


def _plain(value: Any) -> Any:
    """JSON-friendly copy: tuples become lists, SymPy/NumPy numbers become int/str."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if hasattr(value, "tolist"):
        return _plain(value.tolist())
    try:
        as_int = int(value)
        if as_int == value:
            return as_int
    except (TypeError, ValueError):
        pass
    return str(value)


@dataclass
class Counterexample:
    """Sizes and small integer values at which the two sides differ."""

    sizes: dict[str, Any]
    values: dict[str, Any]  # input name -> nested lists of ints
    lhs: Any  # nested lists (or None when the shapes differ)
    rhs: Any
    where: tuple[int, ...] | None  # first differing entry (0-based), None for a shape mismatch
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return _plain(
            {
                "sizes": self.sizes,
                "values": self.values,
                "lhs": self.lhs,
                "rhs": self.rhs,
                "where": self.where,
                "note": self.note,
            }
        )

    def __str__(self) -> str:
        vals = "; ".join(f"{k} = {_plain(v)}" for k, v in self.values.items())
        if self.where is None:
            return f"{self.note} ({vals})"
        return f"{vals}: lhs = {_plain(self.lhs)}, rhs = {_plain(self.rhs)} (first difference at {self.where})"


@dataclass
class CheckResult:
    """One numeric witness (numpy, torch, cuda) against the symbolic result."""

    backend: str
    status: str  # "ok", "failed" or "skipped"
    detail: str = ""
    cases: int = 0
    max_abs_err: float = 0.0
    tolerance: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return _plain(self.__dict__)


@dataclass
class ProofResult:
    """The outcome of proving one theorem.

    ``verdict`` is ``"proved"`` only when every size in ``scope`` was proved
    exactly (``level == "concrete"``: ``scope`` lists the sizes) or when the
    kernel proved the formal statement (``level == "general"``: ``scope`` is
    computed from its formal hypotheses, e.g. ``"all sizes with s = 1"``, and
    ``concrete_scope`` lists the sizes at which the rest was checked);
    ``"refuted"`` comes with a :class:`Counterexample`.
    """

    name: str
    verdict: str
    method: str
    scope: Any  # concrete: a list of size dicts; general: the computed scope (text)
    hypotheses: tuple[str, ...] = ()
    expected: str = "proved"
    statement: str = ""
    section: str = ""
    counterexample: Counterexample | None = None
    correction: str | None = None
    checks: dict[str, CheckResult] = field(default_factory=dict)
    seconds: float = 0.0
    detail: str = ""
    steps: list[Step] = field(default_factory=list)
    level: str = "concrete"  # or "general": the kernel's all-sizes proof
    formal_hypotheses: tuple[Any, ...] = ()  # SymPy relations (general level)
    concrete_scope: list[dict[str, Any]] = field(default_factory=list)  # general: sizes of the concrete level
    rests_on: dict[str, Any] = field(default_factory=dict)  # rules, instances, definitions, solver calls
    bridge: str = ""  # general: the check of the formal statement against the operators
    kernel_steps: int = 0  # general: rule applications of its own proof (induction cases, local lemmas included)

    @property
    def ok(self) -> bool:
        """The expected verdict was reached and no numeric check failed."""
        return self.verdict == self.expected and all(c.status != "failed" for c in self.checks.values())

    def to_dict(self) -> dict[str, Any]:
        return _plain(
            {
                "name": self.name,
                "section": self.section,
                "statement": self.statement,
                "verdict": self.verdict,
                "expected": self.expected,
                "ok": self.ok,
                "method": self.method,
                "scope": self.scope,
                "hypotheses": self.hypotheses,
                "counterexample": self.counterexample.to_dict() if self.counterexample else None,
                "correction": self.correction,
                "checks": {k: v.status for k, v in self.checks.items()},
                "check_details": {k: v.to_dict() for k, v in self.checks.items()},
                "seconds": round(self.seconds, 3),
                "detail": self.detail,
                "steps": [s.to_dict() for s in self.steps],
                "level": self.level,
                "kernel_steps": self.kernel_steps,
                "concrete_scope": self.concrete_scope,
                "rests_on": self.rests_on,
                "bridge": self.bridge,
            }
        )

    def _repr_latex_(self) -> str | None:  # Jupyter: symconv.latex installs the renderer
        render = DISPLAY.get("latex")
        return render(self) if render else None

    def __str__(self) -> str:
        lines = [f"{self.name} [{self.section}]: {self.statement}", f"  verdict: {self.verdict} ({self.method})"]
        if self.hypotheses:
            lines.append(f"  hypotheses: {', '.join(self.hypotheses)}")
        if self.level == "general":
            lines.append(f"  scope: {self.scope}")
            if self.concrete_scope:
                lines.append(f"  concrete level: {'; '.join(size_label(s) for s in self.concrete_scope)}")
            if self.bridge:
                lines.append(f"  bridge: {self.bridge}")
        if self.counterexample:
            lines.append(f"  counterexample at {size_label(self.counterexample.sizes)}: {self.counterexample}")
        if self.correction:
            lines.append(f"  what holds instead: {self.correction}")
        if self.steps:
            lines.append("  derivation:")
            for number, step in enumerate(self.steps):
                mark = "✓" if step.checked else "?"
                lines.append(f"    {number}. {mark} {step.expr}")
                lines.append(f"         ({step.rule}: {step.why})")
        if self.detail:
            lines.append(f"  {self.detail}")
        for check in self.checks.values():
            lines.append(f"  {check.backend}: {check.status} {check.detail}".rstrip())
        return "\n".join(lines)
