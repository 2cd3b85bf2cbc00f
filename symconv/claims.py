"""State any claim and get it proved at every size of its ranges, or refuted.

A claim is a function returning ``(lhs, rhs)`` from input arrays, plus the
shapes of those inputs in terms of size names and the ranges of the sizes::

    def wide_corr_commutes(B, X, W):
        return B.corr2d(X, W, padding="full"), B.corr2d(W, X, padding="full")

    sc.verify(wide_corr_commutes, X=("n", "n"), W=("k", "k"), n=range(1, 5), k=range(1, 3))

When the function's first parameter is ``B`` it receives a system
(:mod:`symconv.systems`: SymPy, NumPy, torch) and a counterexample is
confirmed in NumPy and PyTorch; a function written with ``symconv``'s
symbolic operators directly is proved just the same, and its counterexample
is replayed symbolically only.

Sizes are tried from the fewest symbols up; each is proved exactly (the
engine of :mod:`symconv.prove.exact`).  The first size at which the sides
differ gives the counterexample, shrunk to small integers.  Where the claim
raises a shape error, each side is evaluated on its own (claims written for
a system ``B``): one side undefined is a mismatch (refuted), both sides
undefined is a size outside the claim, reported with a suggested ``where=``.
A claim is ``proved`` only for the sizes it covered, never beyond, and its
scope says when the inputs were restricted to a few ``values``.

Everything is checked before any work: the ranges (non-empty, positive
ints), the shapes, the hypothesis ``where`` (it must keep a size), and the
size budget of :mod:`symconv.budget` (grid points, symbols summed over the
grid, value assignments).  A claim that raises, or that does not return two
arrays, is a :class:`~symconv.errors.ClaimError` naming the claim and the size.
"""

from __future__ import annotations

import inspect
import itertools
import numbers
import operator
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

from . import budget
from .check import _check_counterexample, check_result, system_for
from .errors import BudgetError, ClaimError, ParameterError, SymconvError, public
from .progress import bar
from .prove import prove
from .prove.exact import prove_at, symbol_prefix
from .result import CheckResult, Counterexample, ProofResult
from .symbolic.sparse import NotPolynomial
from .symbolic.tensor import symbols
from .systems import SYMPY
from .theorems.arithmetic import verify_output_size
from .theorems.registry import Theorem

__all__ = ["MISTAKES", "Claim", "Mistake", "mistakes", "verify"]

RANGE_EXPECTED = "a non-empty iterable of positive ints, e.g. range(1, 5) or (2, 3)"


@dataclass(frozen=True)
class Claim:
    """A claim with its input shapes and size ranges (see :func:`verify`)."""

    fn: Callable[..., tuple[Any, Any]]
    shapes: dict[str, tuple[Any, ...]]
    ranges: dict[str, Iterable[int]]
    name: str = ""
    statement: str = ""
    correction: str = ""  # the theorem (or claim) that holds instead
    values: tuple[int, ...] = ()  # exhaustive small-integer inputs instead of symbols (claims about ties)
    kwargs: dict[str, Any] = field(default_factory=dict)  # fixed keyword arguments of ``fn``
    where: Callable[[dict[str, int]], bool] | None = None  # the claim's hypotheses on the sizes

    @property
    def takes_system(self) -> bool:
        params = list(inspect.signature(self.fn).parameters)
        return bool(params) and params[0] == "B"

    @property
    def label(self) -> str:
        return self.name or getattr(self.fn, "__name__", repr(self.fn))


# --- validation, before any work ------------------------------------------------------------------


def _positive(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and int(value) >= 1


def _range_values(name: str, values: Any) -> list[int]:
    """The sizes of one range: a non-empty iterable of positive ints, at most the budget's worth."""
    if isinstance(values, (str, bytes, dict)) or not isinstance(values, Iterable):
        raise ParameterError(name, values, RANGE_EXPECTED)
    limit = budget.limit()
    taken = list(itertools.islice(iter(values), limit + 1))
    if not taken or not all(_positive(v) for v in taken):
        raise ParameterError(name, values, RANGE_EXPECTED)
    if len(taken) > limit:
        count = len(values) if hasattr(values, "__len__") else limit + 1
        budget.charge(count, "grid points", name, values)
    return [int(v) for v in taken]


def _check_template(name: str, template: Any, sizes: Iterable[str]) -> tuple[Any, ...]:
    """A shape: a tuple of size names, positive ints or callables of the sizes."""
    sizes = list(sizes)
    expected = f"a shape: a tuple of size names ({', '.join(sizes)}), positive ints, or functions of the sizes"
    if not isinstance(template, (tuple, list)) or not template:
        raise ParameterError(name, template, expected)
    for item in template:
        if isinstance(item, str):
            if item not in sizes:
                raise ParameterError(name, template, f"{expected}; {item!r} is not a size with a range")
        elif not (_positive(item) or callable(item)):
            raise ParameterError(name, template, expected)
    return tuple(template)


def _shape(claim: Claim, name: str, sizes: dict[str, int]) -> tuple[int, ...]:
    out = []
    for item in claim.shapes[name]:
        if isinstance(item, str):
            out.append(sizes[item])
        elif callable(item):
            try:
                value = item(sizes)
            except Exception as err:
                raise ClaimError(
                    name, claim.shapes[name], f"a shape that can be evaluated at {_label(sizes)}: raised {err!r}"
                ) from err
            if not _positive(value):
                raise ClaimError(name, claim.shapes[name], f"positive sizes, but at {_label(sizes)} one is {value!r}")
            out.append(int(value))
        else:
            out.append(int(item))
    return tuple(out)


def _label(sizes: dict[str, Any]) -> str:
    return ",".join(f"{k}={v}" for k, v in sizes.items())


def _as_claim(claim: Any, values: Iterable[int], where: Any, shapes_and_ranges: dict[str, Any]) -> Claim:
    if not isinstance(claim, Claim):
        if not callable(claim):
            raise ParameterError("claim", claim, "a function returning (lhs, rhs), or a Claim")
        params = set(inspect.signature(claim).parameters)  # inputs are the function's parameters
        unknown = {
            k
            for k, v in shapes_and_ranges.items()
            if isinstance(v, tuple) and any(isinstance(x, str) for x in v) and k not in params
        }
        shapes = {k: v for k, v in shapes_and_ranges.items() if k in params or k in unknown}
        ranges = {k: v for k, v in shapes_and_ranges.items() if k not in shapes}
        claim = Claim(claim, shapes, ranges, values=tuple(values), where=where)
    elif values:
        claim = Claim(**{**claim.__dict__, "values": tuple(values)})
    if not callable(claim.fn):
        raise ParameterError("claim", claim.fn, "a function returning (lhs, rhs), or a Claim")
    missing = set(claim.shapes) - set(inspect.signature(claim.fn).parameters)
    if missing:
        raise ParameterError("claim", claim.label, f"a function taking the inputs {', '.join(sorted(missing))}")
    if not claim.ranges:
        raise ParameterError("ranges", {}, "at least one size range, e.g. n=range(2, 7)")
    if claim.where is not None and not callable(claim.where):
        raise ParameterError("where", claim.where, "a function of the sizes returning True where the claim applies")
    if not all(isinstance(v, numbers.Rational) and not isinstance(v, bool) for v in claim.values):
        raise ParameterError("values", claim.values, "exact numbers to try as inputs, e.g. (0, 1)")
    ranges = {name: _range_values(name, values) for name, values in claim.ranges.items()}
    shapes = {name: _check_template(name, t, ranges) for name, t in claim.shapes.items()}
    return Claim(**{**claim.__dict__, "ranges": ranges, "shapes": shapes, "values": tuple(claim.values)})


def _size_grid(claim: Claim) -> list[dict[str, int]]:
    """The sizes of the ranges that satisfy ``where``, fewest symbols first, within the budget."""
    names = list(claim.ranges)
    budget.charge(budget.product(len(claim.ranges[n]) for n in names), "grid points", "ranges", _Ranges(claim))
    keyed, symbols_total, assignments, rejected = [], 0, 0, 0
    for point in itertools.product(*(claim.ranges[n] for n in names)):  # lazily: filtered as it goes
        sizes = dict(zip(names, point))
        if claim.where is not None:
            try:
                keep = claim.where(sizes)
            except Exception as err:
                raise ClaimError(
                    "where", claim.where, f"a hypothesis defined at {_label(sizes)}: raised {err!r}"
                ) from err
            if not keep:
                rejected += 1
                continue
        count = sum(budget.product(_shape(claim, name, sizes)) for name in claim.shapes)
        symbols_total += count
        budget.charge(symbols_total, "input symbols, summed over the grid", "ranges", _Ranges(claim))
        if claim.values:
            assignments += len(claim.values) ** count
            budget.charge(assignments, "value assignments, summed over the grid", "values", claim.values)
        keyed.append((count, point))
    if not keyed:
        if rejected:
            raise ParameterError(
                "where",
                claim.where,
                f"a hypothesis that keeps at least one size of the ranges (it rejected all {rejected})",
            )
        raise ParameterError("ranges", _Ranges(claim), RANGE_EXPECTED)  # unreachable: ranges are non-empty
    keyed.sort()
    return [dict(zip(names, point)) for _, point in keyed]


class _Ranges:
    """The ranges, shown in messages as ``n ∈ 1..4, k ∈ {1, 3}``."""

    def __init__(self, claim: Claim) -> None:
        self.text = _summary(claim.ranges)

    def __repr__(self) -> str:
        return self.text


def _summary(values_by_name: dict[str, Iterable[int]]) -> str:
    parts = []
    for name, values in values_by_name.items():
        vs = sorted(set(values))
        if len(vs) > 2 and vs == list(range(vs[0], vs[-1] + 1)):
            parts.append(f"{name} ∈ {vs[0]}..{vs[-1]}")
        elif len(vs) == 1:
            parts.append(f"{name} = {vs[0]}")
        else:
            parts.append(f"{name} ∈ {{{', '.join(map(str, vs))}}}")
    return ", ".join(parts)


# --- the claim as a theorem -----------------------------------------------------------------------


def _is_array(value: Any) -> bool:
    shape = getattr(value, "shape", None)
    return shape is not None and not isinstance(value, sympy.MatrixBase) and len(tuple(shape)) >= 1


def _describe(value: Any) -> str:
    if isinstance(value, tuple):
        return f"a {len(value)}-tuple ({', '.join(type(v).__name__ for v in value)})"
    return f"{type(value).__name__} {value!r}"[:100]


def _checked_sides(claim: Claim, out: Any, sizes: dict[str, Any]) -> tuple[Any, Any]:
    """``(lhs, rhs)``: two arrays (or two lists of arrays), else a ClaimError naming the size."""
    ok = isinstance(out, (tuple, list)) and len(out) == 2
    if ok:
        for side in out:
            parts = list(side) if isinstance(side, (list, tuple)) else [side]
            ok = ok and bool(parts) and all(_is_array(p) for p in parts)
    if not ok:
        raise ClaimError(
            "claim",
            claim.label,
            f"a function returning (lhs, rhs), two arrays; at {_label(sizes)} it returned " + _describe(out),
        )
    return out[0], out[1]


def _call(claim: Claim, system: Any, inputs: dict[str, Any]) -> Any:
    args = (system,) if claim.takes_system else ()
    return claim.fn(*args, **inputs, **claim.kwargs)


def _theorem(claim: Claim) -> Theorem:
    """The claim as an (unregistered) theorem, so the provers and checks apply to it."""

    def sides(B: Any, **kw: Any) -> tuple[Any, Any]:
        sizes = {k: kw[k] for k in claim.ranges}
        try:
            out = _call(claim, B, {k: kw[k] for k in claim.shapes})
        except (SymconvError, NotPolynomial):
            raise
        except Exception as err:
            raise ClaimError("claim", claim.label, f"a claim that runs at {_label(sizes)}: it raised {err!r}") from err
        return _checked_sides(claim, out, sizes)

    templates = {
        name: tuple((lambda z, key=key: z[key]) if isinstance(key, str) else key for key in t)
        for name, t in claim.shapes.items()
    }
    return Theorem(
        name=claim.label,
        section="",
        statement=claim.statement,
        hypotheses=(),
        inputs=templates,
        sides=sides,
        sizes=(),
        correction=claim.correction or None,
    )


@public
def verify(
    claim: Claim | Callable[..., tuple[Any, Any]],
    *,
    values: Iterable[int] = (),
    where: Callable[[dict[str, int]], bool] | None = None,
    max_terms: int | None = None,
    progress: bool = False,
    **shapes_and_ranges: Any,
) -> ProofResult:
    """Prove a claim at every size of its ranges, or refute it with the smallest counterexample.

    ``shapes_and_ranges``: input shapes as tuples of size names or ints
    (``X=("n", "n")``) and size ranges (``n=range(2, 7)``), each a non-empty
    iterable of positive ints.  With ``values`` (e.g. ``(0, 1)``) the inputs
    are not symbols but every assignment of those integers — for claims that
    route by value, like max-pooling ties — and the scope says so.
    ``where`` restricts the sizes to the claim's hypotheses (e.g. ``k <= n``);
    it must keep at least one size.  ``max_terms`` raises the size budget
    (:mod:`symconv.budget`); ``progress`` shows a bar on stderr.

    >>> import symconv as sc
    >>> def commutes(B, X, W):
    ...     return B.conv2d(X, W), B.conv2d(W, X)
    >>> r = sc.verify(commutes, X=("n", "n"), W=("k", "k"), n=range(1, 4), k=range(1, 4))
    >>> r.verdict, r.counterexample.sizes
    ('refuted', {'n': 1, 'k': 2})
    >>> r.counterexample.note[:45]
    'shape error: conv2d: kernel: got (2, 2); expe'
    """
    with budget.max_terms(max_terms):
        claim = _as_claim(claim, values, where, shapes_and_ranges)
        grid = _size_grid(claim)
        start = time.perf_counter()
        thm = _theorem(claim)
        covered: list[dict[str, int]] = []
        undefined: list[tuple[dict[str, int], str]] = []
        for sizes in bar(grid, total=len(grid), desc=f"verify {claim.label}", enabled=progress):
            verdict, cx, note = _at_size(thm, claim, sizes)
            if verdict == "undefined":
                undefined.append((sizes, note))
                continue
            if verdict != "proved":
                scope = covered if verdict == "unknown" else [sizes]
                result = _result(thm, claim, verdict, scope, cx, start, note=note)
                if cx is not None:
                    result.checks = _confirm(thm, claim, cx)
                return result
            covered.append(sizes)
        if not covered:
            _, why = undefined[0]
            raise ClaimError(
                "claim", claim.label, f"sides defined at some size of the ranges; both raise at every size, e.g. {why}"
            )
        return _result(thm, claim, "proved", covered, None, start, undefined=undefined)


def _at_size(thm: Theorem, claim: Claim, sizes: dict[str, int]) -> tuple[str, Counterexample | None, str]:
    """``(verdict, counterexample, note)``; the verdict may be ``"undefined"`` (both sides raise)."""
    shapes = {name: _shape(claim, name, sizes) for name in claim.shapes}
    try:
        if claim.values:
            verdict, cx = _exhaustive(thm, claim, sizes, shapes)
        else:
            verdict, cx = prove_at(thm, sizes)
        return verdict, cx, ""
    except (ClaimError, BudgetError):
        raise
    except SymconvError as err:
        return _raised(claim, sizes, shapes, err)


class _Undefined:
    """What an operator gives, in the side-by-side replay of a claim, where it raised: it absorbs
    every operation, so the side that uses it comes out undefined too."""

    def __init__(self, error: SymconvError) -> None:
        self.error = error

    def _absorb(self, *args: Any, **kwargs: Any) -> _Undefined:
        return self

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._absorb

    __getitem__ = __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _absorb
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __matmul__ = __rmatmul__ = __neg__ = _absorb
    __pow__ = __mod__ = _absorb


class _Lenient:
    """A system whose operators give :class:`_Undefined` instead of raising a SymconvError."""

    def __init__(self, system: Any) -> None:
        self._system = system

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._system, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            for value in (*args, *kwargs.values()):
                if isinstance(value, _Undefined):
                    return value
            try:
                return attr(*args, **kwargs)
            except (BudgetError, ClaimError):
                raise
            except SymconvError as err:
                return _Undefined(err)

        return call


def _raised(
    claim: Claim, sizes: dict[str, int], shapes: dict[str, tuple[int, ...]], err: SymconvError
) -> tuple[str, Counterexample | None, str]:
    """The claim raised at ``sizes``: evaluate each side on its own to tell a mismatch from a size outside it."""
    zeros = {name: np.zeros(shape, dtype=int).tolist() for name, shape in shapes.items()}
    at = f"at {_label(sizes)}: {err}"
    if not claim.takes_system:
        return (
            "unknown",
            None,
            (
                f"the claim raised {at}; write it for a system B (def claim(B, ...)) so that each side is evaluated on "
                "its own, or state the sizes it needs with where="
            ),
        )
    if claim.values:
        inputs = {name: SYMPY.asarray(np.full(shape, claim.values[0], dtype=object)) for name, shape in shapes.items()}
    else:
        inputs = {name: symbols(symbol_prefix(name), shape) for name, shape in shapes.items()}
    try:
        lhs, rhs = _call(claim, _Lenient(SYMPY), inputs)
    except (BudgetError, ClaimError):
        raise
    except Exception:
        lhs = rhs = None
    undefined = [isinstance(side, _Undefined) for side in (lhs, rhs)]
    if all(undefined):
        return "undefined", None, at
    if any(undefined):
        side = "lhs" if undefined[0] else "rhs"
        why = (lhs if undefined[0] else rhs).error
        note = f"shape error: {why} (the {side} raises, the {'rhs' if side == 'lhs' else 'lhs'} is defined)"
        return "refuted", Counterexample(dict(sizes), zeros, None, None, None, note), ""
    return "unknown", None, f"the claim raised {at}, but not in one of its sides' operators"


def _exhaustive(thm: Theorem, claim: Claim, sizes: dict[str, int], shapes: dict[str, tuple[int, ...]]):
    names = list(shapes)
    counts = [int(np.prod(shapes[n])) for n in names]
    for flat in itertools.product(claim.values, repeat=sum(counts)):
        arrays, offset = {}, 0
        for name, count in zip(names, counts):
            arrays[name] = np.array(flat[offset : offset + count], dtype=object).reshape(shapes[name])
            offset += count
        lhs, rhs = thm.sides(SYMPY, **{k: SYMPY.asarray(v) for k, v in arrays.items()}, **sizes)
        if lhs.tolist() != rhs.tolist():
            return "refuted", Counterexample(
                dict(sizes),
                {k: v.tolist() for k, v in arrays.items()},
                lhs.tolist(),
                rhs.tolist(),
                _first(lhs.tolist(), rhs.tolist()),
            )
    return "proved", None


def _first(a: Any, b: Any, prefix: tuple[int, ...] = ()) -> tuple[int, ...]:
    if not isinstance(a, list):
        return prefix
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return _first(x, y, (*prefix, i))
    return prefix


def _inputs_text(claim: Claim) -> str:
    return f"{'/'.join(map(str, claim.values))} inputs" if claim.values else ""


def _suggest_where(defined: list[dict[str, int]], undefined: list[dict[str, int]]) -> str:
    """A hypothesis ``a <= b`` or ``a < b`` between two sizes that holds exactly where the sides are defined."""
    names = list(defined[0])
    for a, b in itertools.permutations(names, 2):
        for text, op in (("<=", operator.le), ("<", operator.lt)):
            if all(op(z[a], z[b]) for z in defined) and not any(op(z[a], z[b]) for z in undefined):
                return f'where=lambda z: z["{a}"] {text} z["{b}"]'
    return "where=lambda z: ... (True at the sizes where both sides are defined)"


def _result(
    thm: Theorem,
    claim: Claim,
    verdict: str,
    scope: list,
    cx: Counterexample | None,
    start: float,
    note: str = "",
    undefined: list | None = None,
) -> ProofResult:
    restricted = _inputs_text(claim)
    summary = _summary({name: [z[name] for z in scope] for name in claim.ranges}) if scope else "no size"
    if restricted:
        summary += f" ({restricted})"
    detail = {
        "proved": f"exact at {len(scope)} size(s) of the ranges, smallest first: {summary}",
        "refuted": "the sides differ at the smallest failing size" if cx and cx.where is not None else "",
        "unknown": note or "a size could not be decided (not a polynomial identity, no small counterexample)",
    }[verdict]
    if cx is not None and cx.where is None:
        detail = cx.note
    if verdict == "proved" and restricted:
        detail += f"; for inputs with entries in {{{', '.join(map(str, claim.values))}}} only, not for all inputs"
    if undefined:
        _, why = undefined[0]
        detail += (
            f"; both sides undefined at {len(undefined)} size(s) of the ranges, e.g. {why}; state the claim's "
            f"hypothesis with {_suggest_where(scope, [z for z, _ in undefined])}"
        )
    if restricted:
        scope = [{**sizes, "inputs": restricted} for sizes in scope]
    return ProofResult(
        name=thm.name,
        verdict=verdict,
        method="exact at each size of the ranges, smallest first"
        + (f", every assignment of {restricted}" if restricted else ""),
        scope=scope,
        statement=thm.statement,
        counterexample=cx,
        correction=thm.correction,
        seconds=time.perf_counter() - start,
        detail=detail,
    )


def _confirm(thm: Theorem, claim: Claim, cx: Counterexample) -> dict[str, CheckResult]:
    """Replay the counterexample in NumPy and torch (claims written for a system ``B``)."""
    out = {}
    for backend in ("numpy", "torch"):
        if not claim.takes_system:
            out[backend] = CheckResult(backend, "skipped", "the claim is written with symbolic operators only")
            continue
        system, reason = system_for(backend)
        if system is None:
            out[backend] = CheckResult(backend, "skipped", reason)
            continue
        if cx.where is None and cx.note.startswith("shape error"):
            problem = _replay_shape_error(thm, cx, system)
        else:
            problem = _check_counterexample(thm, cx, system)
        out[backend] = CheckResult(backend, "failed" if problem else "ok", problem or "counterexample confirmed", 1)
    return out


def _replay_shape_error(thm: Theorem, cx: Counterexample, system: Any) -> str:
    values = {name: system.asarray(np.array(v)) for name, v in cx.values.items()}
    try:
        thm.sides(system, **values, **cx.sizes)
    except SymconvError:
        return ""
    return "no shape error in this system"


# --- common mistakes, each refuted, each with its correction proved ---------------------------------


@dataclass(frozen=True)
class Mistake:
    """A formula people get wrong: how it is refuted, and what holds instead."""

    name: str
    statement: str
    correction: str
    refute: Callable[[], ProofResult]
    correct: Callable[[], ProofResult]


def _valid_out(z: dict[str, int]) -> int:
    return z["n"] - z["k"] + 1


def _grad_no_flip(B: Any, X: Any, W: Any, delta: Any) -> tuple[Any, Any]:
    return B.corr2d_vjp(X, W, delta)[0], B.corr2d(delta, W, padding="full")


def _grad_flip(B: Any, X: Any, W: Any, delta: Any) -> tuple[Any, Any]:
    return B.corr2d_vjp(X, W, delta)[0], B.corr2d(delta, B.rot180(W), padding="full")


def _valid_conv_commutes(B: Any, X: Any, W: Any) -> tuple[Any, Any]:
    return B.conv2d(X, W), B.conv2d(W, X)


def _full_conv_commutes(B: Any, X: Any, W: Any) -> tuple[Any, Any]:
    return B.conv2d(X, W, padding="full"), B.conv2d(W, X, padding="full")


def _same_centred_like_odd(B: Any, x: Any, w: Any) -> tuple[Any, Any]:
    k = B.shape(w)[0]
    return B.corr1d(x, w, padding="same"), B.corr1d(x, w, padding=(k // 2, (k - 1) - k // 2))


def _same_pytorch_split(B: Any, x: Any, w: Any) -> tuple[Any, Any]:
    k = B.shape(w)[0]
    return B.corr1d(x, w, padding="same"), B.corr1d(x, w, padding=((k - 1) // 2, k - 1 - (k - 1) // 2))


def _torch_max_pool_splits(B: Any, X: Any, delta: Any) -> tuple[Any, Any]:
    return B.pool2d_vjp(X, delta, 2, stride=1, tie="first"), B.pool2d_vjp(X, delta, 2, stride=1, tie="split")


def _size_mistake() -> ProofResult:
    n, k, s, p = sympy.symbols("n k s p", integer=True)
    return verify_output_size(sympy.ceiling((n + 2 * p - k) / s) + 1)


def _size_correct() -> ProofResult:
    return prove("output_size_formula", general=True)


def _fits(z: dict[str, int]) -> bool:
    return z["k"] <= z["n"]


GRAD = dict(X=("n", "n"), W=("k", "k"), delta=(_valid_out, _valid_out))
PAIR = dict(X=("n", "n"), W=("k", "k"))
ONE_D = dict(x=("n",), w=("k",))

MISTAKES = [
    Mistake(
        "ceil_output_size",
        "o = ⌈(n + 2p − k)/s⌉ + 1 (a ceiling instead of the floor)",
        "output_size_formula: o = ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1",
        _size_mistake,
        _size_correct,
    ),
    Mistake(
        "grad_input_without_flip",
        "∂ℓ/∂X = W *~ δ: δ correlated with W, no flip",
        "grad_input_eq_full_conv: ∂ℓ/∂X = rot180(W) *~ δ",
        lambda: verify(Claim(_grad_no_flip, GRAD, dict(n=range(1, 5), k=range(1, 4)), "grad_no_flip", where=_fits)),
        lambda: verify(Claim(_grad_flip, GRAD, dict(n=range(1, 5), k=range(1, 4)), "grad_with_flip", where=_fits)),
    ),
    Mistake(
        "valid_conv_commutes",
        "W ⊗ X = X ⊗ W for valid (unpadded) convolution",
        "full_conv_comm: only the wide convolution commutes",
        lambda: verify(Claim(_valid_conv_commutes, PAIR, dict(n=range(1, 4), k=range(1, 4)), "valid_conv_commutes")),
        lambda: verify(Claim(_full_conv_commutes, PAIR, dict(n=range(1, 4), k=range(1, 4)), "full_conv_commutes")),
    ),
    Mistake(
        "same_padding_even_kernel_centred",
        "padding='same' with an even kernel pads like an odd one, the extra cell first (⌈(k−1)/2⌉ before)",
        "PyTorch's 'same': ⌊(k−1)/2⌋ before, ⌈(k−1)/2⌉ after (the extra cell last)",
        lambda: verify(Claim(_same_centred_like_odd, ONE_D, dict(n=range(2, 6), k=range(1, 5)), "same_like_odd")),
        lambda: verify(Claim(_same_pytorch_split, ONE_D, dict(n=range(2, 6), k=range(1, 5)), "same_pytorch")),
    ),
    Mistake(
        "torch_max_pool_splits_ties",
        "PyTorch's max_pool2d splits the gradient evenly among tied maxima",
        "grad_max_pool_ties: max_pool2d sends it to the first maximum (row-major); torch.amax splits",
        lambda: verify(
            Claim(_torch_max_pool_splits, dict(X=(2, 2), delta=(1, 1)), dict(n=range(1, 2)), "torch_split"),
            values=(0, 1),
        ),
        lambda: _ties_theorem(),
    ),
]


def _ties_theorem() -> ProofResult:
    result = prove("grad_max_pool_ties")
    result.checks = {b: check_result(result, b) for b in ("numpy", "torch")}
    return result


def mistakes() -> list[tuple[Mistake, ProofResult, ProofResult]]:
    """Every shipped mistake with its refutation and its proved correction (runs them all).

    >>> [m.name for m in MISTAKES][:2]
    ['ceil_output_size', 'grad_input_without_flip']
    """
    return [(m, m.refute(), m.correct()) for m in MISTAKES]
