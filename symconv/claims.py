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
differ gives the counterexample, shrunk to small integers; a size at which
the claim raises a shape error is reported as a mismatch of shapes.  A claim
is ``proved`` only for the sizes it covered, never beyond.
"""

from __future__ import annotations

import inspect
import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import ParameterError, SymconvError, public
from .result import CheckResult, Counterexample, ProofResult

__all__ = ["MISTAKES", "Claim", "Mistake", "mistakes", "verify"]


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


def _size_grid(claim: Claim) -> list[dict[str, int]]:
    names = list(claim.ranges)
    grid = [dict(zip(names, values)) for values in itertools.product(*(list(claim.ranges[n]) for n in names))]
    grid = [sizes for sizes in grid if claim.where is None or claim.where(sizes)]

    def symbols_count(sizes: dict[str, int]) -> int:
        return sum(int(np.prod(_shape(shape, sizes))) for shape in claim.shapes.values())

    return sorted(grid, key=lambda s: (symbols_count(s), tuple(s.values())))


def _shape(template: tuple[Any, ...], sizes: dict[str, int]) -> tuple[int, ...]:
    out = []
    for item in template:
        if isinstance(item, int):
            out.append(item)
        elif callable(item):
            out.append(int(item(sizes)))
        elif item in sizes:
            out.append(sizes[item])
        else:
            raise ParameterError("shapes", template, f"sizes named in the ranges ({', '.join(sizes)}) or ints")
    return tuple(out)


def _theorem(claim: Claim) -> Any:
    """The claim as an (unregistered) theorem, so the provers and checks apply to it."""
    from .theorems.registry import Theorem

    if claim.takes_system:

        def sides(B: Any, **kw: Any) -> tuple[Any, Any]:
            return claim.fn(B, **{k: kw[k] for k in claim.shapes}, **claim.kwargs)
    else:

        def sides(B: Any, **kw: Any) -> tuple[Any, Any]:
            return claim.fn(**{k: kw[k] for k in claim.shapes}, **claim.kwargs)

    templates = {
        name: tuple((lambda z, key=key: z[key]) if isinstance(key, str) else key for key in t)
        for name, t in claim.shapes.items()
    }
    return Theorem(
        name=claim.name or claim.fn.__name__,
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
    **shapes_and_ranges: Any,
) -> ProofResult:
    """Prove a claim at every size of its ranges, or refute it with the smallest counterexample.

    ``shapes_and_ranges``: input shapes as tuples of size names or ints
    (``X=("n", "n")``) and size ranges (``n=range(2, 7)``).  With ``values``
    (e.g. ``(0, 1)``) the inputs are not symbols but every assignment of those
    integers — for claims that route by value, like max-pooling ties.
    ``where`` restricts the sizes to the claim's hypotheses (e.g. ``k <= n``).

    >>> import symconv as sc
    >>> def commutes(B, X, W):
    ...     return B.conv2d(X, W), B.conv2d(W, X)
    >>> r = sc.verify(commutes, X=("n", "n"), W=("k", "k"), n=range(1, 4), k=range(1, 4))
    >>> r.verdict, r.counterexample.sizes
    ('refuted', {'n': 1, 'k': 2})
    >>> r.counterexample.note[:45]
    'shape error: conv2d: kernel: got (2, 2); expe'
    """
    if not isinstance(claim, Claim):
        if not callable(claim):
            raise ParameterError("claim", claim, "a function returning (lhs, rhs), or a Claim")
        params = set(inspect.signature(claim).parameters)  # inputs are the function's parameters
        unknown = {
            k
            for k, v in shapes_and_ranges.items()
            if isinstance(v, tuple) and any(isinstance(x, str) for x in v) and k not in params
        }
        shapes = {k: tuple(v) for k, v in shapes_and_ranges.items() if k in params or k in unknown}
        ranges = {k: v for k, v in shapes_and_ranges.items() if k not in shapes}
        claim = Claim(claim, shapes, ranges, values=tuple(values), where=where)
    elif values:
        claim = Claim(**{**claim.__dict__, "values": tuple(values)})
    missing = set(claim.shapes) - set(inspect.signature(claim.fn).parameters)
    if missing:
        raise ParameterError("claim", claim.fn.__name__, f"a function taking the inputs {', '.join(sorted(missing))}")
    if not claim.ranges:
        raise ParameterError("ranges", {}, "at least one size range, e.g. n=range(2, 7)")
    start = time.perf_counter()
    thm = _theorem(claim)
    covered: list[dict[str, int]] = []
    for sizes in _size_grid(claim):
        verdict, cx = _at_size(thm, claim, sizes)
        if verdict != "proved":
            result = _result(thm, verdict, covered if verdict == "unknown" else [sizes], cx, start)
            if cx is not None:
                result.checks = _confirm(thm, claim, cx)
            return result
        covered.append(sizes)
    return _result(thm, "proved", covered, None, start)


def _at_size(thm: Any, claim: Claim, sizes: dict[str, int]) -> tuple[str, Counterexample | None]:
    from .prove.exact import prove_at

    shapes = {name: _shape(t, sizes) for name, t in claim.shapes.items()}
    try:
        if claim.values:
            return _exhaustive(thm, claim, sizes, shapes)
        return prove_at(thm, sizes)
    except SymconvError as err:
        zeros = {name: np.zeros(shape, dtype=int).tolist() for name, shape in shapes.items()}
        return "refuted", Counterexample(dict(sizes), zeros, None, None, None, f"shape error: {err}")


def _exhaustive(thm: Any, claim: Claim, sizes: dict[str, int], shapes: dict[str, tuple[int, ...]]):
    from .systems import SYMPY

    names = list(shapes)
    counts = [int(np.prod(shapes[n])) for n in names]
    for flat in itertools.product(claim.values, repeat=sum(counts)):
        arrays, offset = {}, 0
        for name, count in zip(names, counts):
            arrays[name] = np.array(flat[offset : offset + count], dtype=int).reshape(shapes[name])
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


def _result(thm: Any, verdict: str, scope: list, cx: Counterexample | None, start: float) -> ProofResult:
    detail = {
        "proved": f"exact at {len(scope)} size(s) of the ranges, smallest first",
        "refuted": "the sides differ at the smallest failing size" if cx and cx.where is not None else "",
        "unknown": "a size could not be decided (not a polynomial identity, no small counterexample)",
    }[verdict]
    if cx is not None and cx.where is None:
        detail = cx.note
    return ProofResult(
        name=thm.name,
        verdict=verdict,
        method="exact at each size of the ranges, smallest first",
        scope=scope,
        statement=thm.statement,
        counterexample=cx,
        correction=thm.correction,
        seconds=time.perf_counter() - start,
        detail=detail,
    )


def _confirm(thm: Any, claim: Claim, cx: Counterexample) -> dict[str, CheckResult]:
    """Replay the counterexample in NumPy and torch (claims written for a system ``B``)."""
    from .check import _check_counterexample, system_for

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


def _replay_shape_error(thm: Any, cx: Counterexample, system: Any) -> str:
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
    import sympy

    from .theorems.arithmetic import verify_output_size

    n, k, s, p = sympy.symbols("n k s p", integer=True)
    return verify_output_size(sympy.ceiling((n + 2 * p - k) / s) + 1)


def _size_correct() -> ProofResult:
    from .prove import prove

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
    from .check import check_result
    from .prove import prove

    result = prove("grad_max_pool_ties")
    result.checks = {b: check_result(result, b) for b in ("numpy", "torch")}
    return result


def mistakes() -> list[tuple[Mistake, ProofResult, ProofResult]]:
    """Every shipped mistake with its refutation and its proved correction (runs them all).

    >>> [m.name for m in MISTAKES][:2]
    ['ceil_output_size', 'grad_input_without_flip']
    """
    return [(m, m.refute(), m.correct()) for m in MISTAKES]
