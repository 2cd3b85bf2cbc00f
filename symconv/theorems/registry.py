"""The theorem registry: theorems are data.

A theorem is a named identity ``lhs == rhs`` between operators, written once
as a function of a *system* ``B`` (SymPy, NumPy or PyTorch, see
:mod:`symconv.systems`) and of its input arrays.  The same function is
proved exactly with SymPy symbols and evaluated numerically in NumPy and
torch; the CLI, the proof scripts and the tests iterate over this registry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import ParameterError, UnknownTheoremError, did_you_mean

__all__ = ["SIZE_NAMES", "Theorem", "get", "normalize_sizes", "register", "theorem", "theorems"]

#: Size keywords, named as in the notes.  Spatial ones (``n``, ``k``) are an
#: int (square), a pair ``(h, w)`` or a 1-tuple (1-D).
SPATIAL = ("n", "k")
SCALAR = ("c_i", "c_o", "groups")
HYPER = ("s", "p", "d", "ceil", "cip")
SIZE_NAMES = SPATIAL + SCALAR + HYPER
DEFAULTS = {"s": 1, "p": 0, "d": 1}


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
    general: Callable[[], Any] | None = None  # the all-sizes proof: () -> ProofResult with steps
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

    def _repr_latex_(self) -> str:  # Jupyter
        from ..latex import theorem_latex

        return theorem_latex(self)


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


def general_proof(name: str) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Attach the decorated all-sizes proof ``() -> ProofResult`` to a registered theorem."""

    def deco(fn: Callable[[], Any]) -> Callable[[], Any]:
        _REGISTRY[name] = dataclasses.replace(_REGISTRY[name], general=fn)
        return fn

    return deco


def _load() -> None:
    from . import arithmetic, channels, conv_corr, counting, gradients, pooling, shapes, wide  # noqa: F401


def theorems() -> list[Theorem]:
    """Every registered theorem, in the order of the notes' sections.

    >>> names = [t.name for t in theorems()]
    >>> "conv_eq_corr_rot180" in names and "full_corr_comm" in names
    True
    """
    _load()
    return sorted(_REGISTRY.values(), key=lambda t: _section_key(t.section))


def _section_key(section: str) -> tuple[int, ...]:
    return tuple(int(part) for part in section.split(".") if part.isdigit())


def get(name: str) -> Theorem:
    """The theorem registered under ``name``.

    >>> get("full_conv_comm").section
    '6.2.2'
    """
    _load()
    if isinstance(name, Theorem):
        return name
    try:
        return _REGISTRY[name]
    except KeyError:
        hint = did_you_mean(name, _REGISTRY) or f"'symconv list' shows all {len(_REGISTRY)}"
        raise UnknownTheoremError("name", name, f"a registered theorem ({hint})") from None


def normalize_sizes(raw: dict[str, Any]) -> dict[str, Any]:
    """Validate size keywords; spatial sizes become tuples, defaults filled in.

    >>> normalize_sizes({"n": 4, "k": (2, 3)})
    {'s': 1, 'p': 0, 'd': 1, 'n': (4, 4), 'k': (2, 3)}
    >>> normalize_sizes({"n": (5,), "k": 2})
    {'s': 1, 'p': 0, 'd': 1, 'n': (5,), 'k': (2,)}
    """
    out: dict[str, Any] = dict(DEFAULTS)
    for key, value in raw.items():
        if key not in SIZE_NAMES:
            raise ParameterError(key, value, f"a size keyword, one of {', '.join(SIZE_NAMES)}")
        out[key] = _freeze(value)
    dims = len(out["n"]) if isinstance(out.get("n"), tuple) else 2
    for key in SPATIAL:
        if key in out:
            value = out[key]
            if isinstance(value, tuple):
                if not value or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in value):
                    raise ParameterError(key, value, "a positive int or a tuple of positive ints")
            elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ParameterError(key, value, "a positive int or a tuple of positive ints")
            else:
                out[key] = (value,) * dims
    for key in SCALAR:
        if key in out and (isinstance(out[key], bool) or not isinstance(out[key], int) or out[key] < 1):
            raise ParameterError(key, out[key], "a positive int")
    return out


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        value = tuple(value)
    if isinstance(value, tuple):
        return tuple(_freeze(v) for v in value)
    return value


def size_label(sizes: dict[str, Any]) -> str:
    """Compact text for a size dict: ``n=4x4,k=2x2,s=2``."""
    parts = []
    for key in SIZE_NAMES:
        if key not in sizes or (key in DEFAULTS and sizes[key] == DEFAULTS[key]):
            continue
        value = sizes[key]
        if isinstance(value, tuple) and all(isinstance(v, int) for v in value):
            text = "x".join(map(str, value))
        else:
            text = str(value).replace(" ", "")
        parts.append(f"{key}={text}")
    return ",".join(parts)
