"""The theorem registry: theorems are data.

A theorem is a named identity ``lhs == rhs`` between operators, written once
as a function of a *system* ``B`` (SymPy, NumPy or PyTorch, see
:mod:`symconv.systems`) and of its input arrays.  The same function is
proved exactly with SymPy symbols and evaluated numerically in NumPy and
torch; the CLI, the proof scripts and the tests iterate over this registry.

A theorem may also carry all-sizes parts (:class:`General`): a formal
statement over symbolic sizes (:mod:`symconv.formal`), its proof through the
kernel (:mod:`symconv.kernel`), and how the bridge instantiates the statement
at concrete sizes to compare it with ``sides``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import ParameterError, UnknownTheoremError, did_you_mean
from ..kernel import KernelError, Statement, Thm
from ..result import DISPLAY
from ..sizes import DEFAULTS, SIZE_NAMES, normalize_sizes, size_label

__all__ = [
    "DEFAULTS",
    "SIZE_NAMES",
    "General",
    "Theorem",
    "general",
    "get",
    "no_general",
    "normalize_sizes",
    "proved",
    "register",
    "size_label",
    "theorem",
    "theorems",
]


@dataclass(frozen=True)
class General:
    """An all-sizes part of a theorem: a formal statement and its proof through the kernel.

    ``proof(statement) -> Thm`` may use kernel rules only (and :func:`proved` theorems as instances).
    The bridge ties the statement to the registered ``sides``:

    * an *entry* statement (``entry`` gives its free indices ``(var, lo, hi)``, 1-based) is evaluated at
      every entry of ``sides`` (the ``part``-th form when a side is a list) at each bridge size:
      ``sizes(registry sizes) -> {formal symbol: int}`` (``None`` where the statement does not apply),
      ``arrays`` maps the theorem's input names to the statement's tensors;
    * a *value* statement (``entry == ()``) is evaluated at each point of ``grid`` (formal symbols to
      ints, tensors to nested lists) where its hypotheses hold, against ``value(point)``, computed from
      the operators.

    ``domain`` lists the hypotheses that say where the operators are defined (the window fits …): they
    are part of the statement but not of its printed scope.
    """

    statement: Statement
    proof: Callable[[Statement], Thm]
    label: str = ""
    entry: tuple[tuple[Any, Any, Any], ...] = ()
    sizes: Callable[[dict[str, Any]], dict[Any, int] | None] | None = None
    arrays: dict[str, Any] = field(default_factory=dict)
    part: int = 0
    bridge_sizes: tuple[dict[str, Any], ...] = ()
    grid: Callable[[], Iterable[dict[Any, Any]]] | None = None
    value: Callable[[dict[Any, Any]], Any] | None = None
    domain: tuple[Any, ...] = ()

    @property
    def scope_domain(self) -> tuple[Any, ...]:
        """Hypotheses that only say where the operators are defined (left out of the printed scope): the
        ``domain`` given, and every hypothesis that mentions an entry index (``1 ≤ i ≤ m``)."""
        indices = {var for var, _lo, _hi in self.entry}
        return self.domain + tuple(h for h in self.statement.hyps if h.free_symbols & indices)


@dataclass(frozen=True)
class Theorem:
    """A registered identity.

    ``inputs`` maps each input name to a shape template over size names,
    e.g. ``{"X": ("c_i", "n"), "W": ("c_o", "c_i", "k")}``.  ``sides(B, **arrays,
    **sizes)`` returns ``(lhs, rhs)``.  ``sizes`` are the concrete sizes the
    proof covers, smallest first (for a theorem expected to be refuted, the
    first refuting size is the smallest counterexample).  A theorem that is not
    an identity between arrays (e.g. about shapes) supplies ``prover`` and
    ``checker`` instead.
    """

    name: str
    section: str
    statement: str
    hypotheses: tuple[str, ...]
    inputs: dict[str, tuple[Any, ...]]
    sides: Callable[..., tuple[Any, Any]] | None
    sizes: tuple[dict[str, Any], ...]
    expected: str = "proved"
    correction: str | None = None
    doc: str = ""
    prover: Callable[..., Any] | None = None
    checker: Callable[..., Any] | None = None
    tags: tuple[str, ...] = field(default=())
    method: str = "polynomial"  # or "orderings": case analysis over strict orderings (no ties)
    distinct: tuple[str, ...] = ()  # inputs given distinct values in numeric checks (no-tie hypotheses)
    realize: Callable[[Any], Any] | None = None  # makes symbolic sides numeric (e.g. f -> tanh)
    int_scale: dict[str, int] = field(default_factory=dict)  # integer check inputs scaled so divisions are exact
    general: tuple[General, ...] = ()  # all-sizes parts: formal statements proved by the kernel
    no_general: str = ""  # why there is no all-sizes statement (printed in the all-sizes scope)
    latex: str = ""  # the statement in LaTeX (notes' notation); printed by symconv.latex

    @property
    def family(self) -> str:
        """The module that states it: ``conv_corr``, ``wide``, ``channels``, ``shapes`` ..."""
        source = self.sides or self.checker or self.prover  # a grid theorem's checker lives in its module
        return source.__module__.rsplit(".", 1)[-1] if source else ""

    def shapes(self, sizes: dict[str, Any]) -> dict[str, tuple[int, ...]]:
        """Input shapes at the given (normalised) sizes."""
        out = {}
        for name, template in self.inputs.items():
            shape: tuple[int, ...] = ()
            for key in template:
                value = key(sizes) if callable(key) else key if isinstance(key, int) else sizes[key]
                shape += value if isinstance(value, tuple) else (value,)
            out[name] = shape
        return out

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # IPython
        p.text(f"{self.name} [{self.section}]: {self.statement}")

    def _repr_latex_(self) -> str | None:  # Jupyter: symconv.latex installs the renderer
        render = DISPLAY.get("theorem")
        return render(self) if render else None


_REGISTRY: dict[str, Theorem] = {}


def register(thm: Theorem) -> Theorem:
    """Add a theorem to the registry (names are unique)."""
    if thm.name in _REGISTRY:
        raise ParameterError("name", thm.name, "a theorem name not already registered")
    _REGISTRY[thm.name] = thm
    return thm


def theorem(
    *,
    section: str,
    statement: str,
    inputs: dict[str, tuple[Any, ...]],
    sizes: Iterable[dict[str, Any]],
    hypotheses: Iterable[str] = (),
    expected: str = "proved",
    correction: str | None = None,
    tags: Iterable[str] = (),
    method: str = "polynomial",
    distinct: Iterable[str] = (),
    realize: Callable[[Any], Any] | None = None,
    int_scale: dict[str, int] | None = None,
    latex: str = "",
) -> Callable[[Callable[..., tuple[Any, Any]]], Callable[..., tuple[Any, Any]]]:
    """Register the decorated ``sides`` function as a theorem named after it."""

    def deco(fn: Callable[..., tuple[Any, Any]]) -> Callable[..., tuple[Any, Any]]:
        register(
            Theorem(
                name=fn.__name__,
                section=section,
                statement=statement,
                hypotheses=tuple(hypotheses),
                inputs=dict(inputs),
                sides=fn,
                sizes=tuple(sizes),
                expected=expected,
                correction=correction,
                doc=(fn.__doc__ or "").strip(),
                tags=tuple(tags),
                method=method,
                distinct=tuple(distinct),
                realize=realize,
                int_scale=dict(int_scale or {}),
                latex=latex,
            )
        )
        return fn

    return deco


def general(name: str, *parts: General) -> None:
    """Attach all-sizes parts to a registered theorem."""
    _REGISTRY[name] = dataclasses.replace(_REGISTRY[name], general=tuple(parts))


def no_general(name: str, reason: str) -> None:
    """Record why a registered theorem has no all-sizes statement (its all-sizes scope says so)."""
    _REGISTRY[name] = dataclasses.replace(_REGISTRY[name], no_general=reason)


#: The reason of a refuted claim: it is false, and its smallest counterexample is the result.
REFUTED = "no all-sizes form: the claim is false (the smallest counterexample is shown)"


_THMS: dict[tuple[str, int, int], Thm | KernelError] = {}
_RUNNING: set[tuple[str, int, int]] = set()


def proved(name: str, part: int = 0) -> Thm:
    """The kernel theorem of a registered all-sizes part (proved once, then remembered); raises
    :class:`~symconv.kernel.KernelError` when its proof does not go through."""
    parts = get(name).general
    if not 0 <= part < len(parts):
        raise KernelError(f"{name} has no all-sizes part {part}")
    key = (name, part, id(parts[part]))  # a theorem registered again under the same name is proved again
    if key not in _THMS:
        if key in _RUNNING:
            raise KernelError(f"{name} is used in its own proof")
        _RUNNING.add(key)
        try:
            spec = parts[part]
            thm = spec.proof(spec.statement)
            if not isinstance(thm, Thm):
                raise KernelError(f"{name}: the proof returned {type(thm).__name__}, not a Thm")
            st = spec.statement
            if (thm.lhs, thm.rhs, thm.hyps) != (st.lhs, st.rhs, st.hyps):
                raise KernelError(f"{name}: the proof proves another statement ({thm.name})")
            _THMS[key] = thm
        except KernelError as err:
            _THMS[key] = err
        finally:
            _RUNNING.discard(key)
    found = _THMS[key]
    if isinstance(found, KernelError):
        raise found
    return found


def theorems() -> list[Theorem]:
    """Every registered theorem, in the order of the notes' sections.

    >>> names = [t.name for t in theorems()]
    >>> "conv_eq_corr_rot180" in names and "full_corr_comm" in names
    True
    """
    return sorted(_REGISTRY.values(), key=lambda t: _section_key(t.section))


def _section_key(section: str) -> tuple[int, ...]:
    return tuple(int(part) for part in section.split(".") if part.isdigit())


def get(name: str) -> Theorem:
    """The theorem registered under ``name``.

    >>> get("full_conv_comm").section
    '6.2.2'
    """
    if isinstance(name, Theorem):
        return name
    try:
        return _REGISTRY[name]
    except KeyError:
        hint = did_you_mean(name, _REGISTRY) or f"'symconv list' shows all {len(_REGISTRY)}"
        raise UnknownTheoremError("name", name, f"a registered theorem ({hint})") from None
