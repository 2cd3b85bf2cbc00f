"""Cross-check harness: the symbolic result against NumPy and PyTorch.

For a theorem proved at some sizes, each numeric system evaluates both sides
on random inputs and is compared with the symbolic sides evaluated at the
same inputs:

* small integers in ``[-3, 3]``: exact equality (float64 is exact there);
* uniform floats in ``[-1, 1)``: the maximum absolute error is reported and
  must stay below ``TOLERANCE``.

(Values no float represents, like 1/3 in average pooling, are matched to
within ``RATIONAL_TOLERANCE`` instead of bit for bit.)

For a refuted theorem the counterexample is replayed instead: each system
must reproduce the symbolic values of both sides and see them differ.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

import numpy as np
import sympy

from . import budget
from .backends import torch as tb
from .errors import ParameterError, public
from .prove import prove
from .prove.exact import symbolic_sides
from .result import CheckResult, Counterexample, ProofResult
from .spec import as_int
from .symbolic.tensor import entries
from .systems import NUMPY, System, torch_system
from .theorems.registry import Theorem, get, size_label

__all__ = ["BACKENDS", "TOLERANCE", "check", "check_result", "system_for"]

BACKENDS = ("numpy", "torch", "cuda")
TOLERANCE = 1e-9
RATIONAL_TOLERANCE = 1e-12
INT_RANGE = 3


def system_for(backend: str) -> tuple[System | None, str]:
    """The system for a backend name, or ``None`` and why it is unavailable."""
    if backend == "numpy":
        return NUMPY, ""
    if backend not in BACKENDS:
        raise ParameterError("backend", backend, "one of 'numpy', 'torch', 'cuda'")
    if not tb.available():
        return None, "torch is not installed (pip install 'symconv[torch]')"
    if backend == "cuda":
        if not tb.cuda_available():
            return None, "no CUDA device"
        return torch_system("cuda"), ""
    return torch_system("cpu"), ""


_LAMBDAS: dict[tuple, Any] = {}


def _parts(side: Any) -> list[Any]:
    return list(side) if isinstance(side, (list, tuple)) else [side]


def _symbolic_flat(thm: Theorem, sizes: dict[str, Any]) -> tuple[list, list, list, list]:
    """Flat entries of both sides (realised, e.g. f -> tanh) and the shapes of their parts."""
    key = (thm.name, thm.sides, tuple(sorted(sizes.items())))
    if key not in _LAMBDAS:
        inputs, lhs, rhs = symbolic_sides(thm, sizes)
        realize = thm.realize or (lambda e: e)
        flat_l = [realize(sympy.sympify(e)) for part in _parts(lhs) for e in entries(part)]
        flat_r = [realize(sympy.sympify(e)) for part in _parts(rhs) for e in entries(part)]
        shapes = ([tuple(a.shape) for a in _parts(lhs)], [tuple(b.shape) for b in _parts(rhs)])
        _LAMBDAS[key] = (inputs, flat_l, flat_r, shapes)
    return _LAMBDAS[key]


def _symbolic_values(thm: Theorem, sizes: dict[str, Any], values: dict[str, np.ndarray], exact: bool):
    """The symbolic sides at ``values``: exact SymPy numbers (integers in), or float64."""
    inputs, flat_l, flat_r, _shapes = _symbolic_flat(thm, sizes)
    number = (lambda v: sympy.Integer(int(v))) if exact else (lambda v: sympy.Float(float(v), 30))
    subs = {s: number(v) for name, arr in inputs.items() for s, v in zip(entries(arr), values[name].ravel())}
    sides = [np.array([e.xreplace(subs) for e in side], dtype=object) for side in (flat_l, flat_r)]
    return tuple(sides) if exact else tuple(side.astype(np.float64) for side in sides)


def _evaluate(thm: Theorem, system: System, sizes: dict[str, Any], values: dict[str, np.ndarray]):
    """Both sides in ``system``: flat float64 vectors and the shapes of their parts."""
    arrays = {name: system.asarray(v) for name, v in values.items()}
    lhs, rhs = thm.sides(system, **arrays, **sizes)
    out = []
    for side in (lhs, rhs):
        arrays_np = [np.asarray(system.to_numpy(part), dtype=np.float64) for part in _parts(side)]
        flat = np.concatenate([a.ravel() for a in arrays_np]) if arrays_np else np.zeros(0)
        out.append((flat, [a.shape for a in arrays_np]))
    return out


def _exact_equal(numeric: np.ndarray, symbolic: np.ndarray) -> bool:
    """Compare float64 results with exact SymPy values.

    A value float64 represents exactly (an integer, a dyadic fraction) must be
    matched bit for bit; a rational like 1/3 that no float represents must be
    matched to within ``RATIONAL_TOLERANCE`` (relative).
    """
    if numeric.shape != symbolic.shape:
        return False
    for a, b in zip(numeric.ravel(), symbolic.ravel()):
        b = sympy.sympify(b)
        if sympy.Rational(float(b)) == b:  # representable: exact
            if float(a) != float(b):
                return False
        elif not abs(float(a) - float(b)) <= RATIONAL_TOLERANCE * max(1.0, abs(float(b))):
            return False
    return True


def _rational(values: np.ndarray) -> bool:
    return all(isinstance(v, sympy.Rational) for v in values)


def _inputs(thm: Theorem, sizes: dict[str, Any], rng: np.random.Generator, integers: bool) -> dict[str, np.ndarray]:
    """Random inputs; those in ``thm.distinct`` get pairwise distinct values (no ties)."""
    out = {}
    for name, shape in thm.shapes(sizes).items():
        count = int(np.prod(shape))
        if name in thm.distinct:
            values = rng.permutation(count) - count // 2 if integers else rng.permutation(count) / count - 0.5
            out[name] = values.reshape(shape) + (0 if integers else rng.uniform(0, 0.5 / count, size=shape))
        elif integers:
            out[name] = rng.integers(-INT_RANGE, INT_RANGE + 1, size=shape) * thm.int_scale.get(name, 1)
        else:
            out[name] = rng.uniform(-1.0, 1.0, size=shape)
    return out


def _check_identity(thm: Theorem, sizes_list: list[dict[str, Any]], system: System, trials: int, seed: int):
    rng = np.random.default_rng(seed)
    cases, max_err = 0, 0.0
    for sizes in sizes_list:
        shapes = _symbolic_flat(thm, sizes)[3]
        for _ in range(trials):
            ints = _inputs(thm, sizes, rng, integers=True)
            sym_l, sym_r = _symbolic_values(thm, sizes, ints, exact=True)
            (num_l, shape_l), (num_r, shape_r) = _evaluate(thm, system, sizes, ints)
            where = f"at {size_label(sizes)} on integer inputs"
            if (shape_l, shape_r) != shapes:
                return cases, max_err, f"shapes {shape_l} / {shape_r} differ from the symbolic {shapes} {where}"
            if _rational(sym_l) and _rational(sym_r):  # exact: float64 is exact on these small values
                if not _exact_equal(num_l, sym_l):
                    return cases, max_err, f"lhs differs from the symbolic lhs {where}"
                if not _exact_equal(num_r, sym_r):
                    return cases, max_err, f"rhs differs from the symbolic rhs {where}"
                if not _exact_equal(num_l, sym_r):
                    return cases, max_err, f"lhs != rhs {where}"
                cases += 1
            floats = _inputs(thm, sizes, rng, integers=False)
            sym_l, sym_r = _symbolic_values(thm, sizes, floats, exact=False)
            (num_l, _), (num_r, _) = _evaluate(thm, system, sizes, floats)
            err = max(
                float(np.max(np.abs(num_l - sym_l), initial=0.0)),
                float(np.max(np.abs(num_r - sym_r), initial=0.0)),
                float(np.max(np.abs(num_l - num_r), initial=0.0)),
            )
            max_err = max(max_err, err)
            cases += 1
            if not err <= TOLERANCE:
                return cases, max_err, f"float error {err:.3g} > {TOLERANCE:g} at {size_label(sizes)}"
    return cases, max_err, ""


def _flat_values(side: Any, many: bool) -> np.ndarray:
    side_parts = side if many else [side]
    return np.array([v for part in side_parts for v in np.array(part, dtype=object).ravel()], dtype=object)


def _check_counterexample(thm: Theorem, cx: Counterexample, system: System) -> str:
    values = {name: np.array(v, dtype=np.int64) for name, v in cx.values.items()}
    try:
        (num_l, shape_l), (num_r, shape_r) = _evaluate(thm, system, cx.sizes, values)
    except ValueError as err:
        return f"could not evaluate the counterexample: {err}"
    if cx.where is None:  # a shape mismatch
        return "" if shape_l != shape_r else "the sides have equal shapes here"
    many = len(shape_l) > 1
    if not _exact_equal(num_l, _flat_values(cx.lhs, many)):
        return "lhs at the counterexample differs from the symbolic value"
    if not _exact_equal(num_r, _flat_values(cx.rhs, many)):
        return "rhs at the counterexample differs from the symbolic value"
    if np.array_equal(num_l, num_r):
        return "the sides agree at the counterexample"
    return ""


def check_result(result: ProofResult, backend: str, *, trials: int = 2, seed: int = 0) -> CheckResult:
    """Cross-check a proof result in one backend ("numpy", "torch" or "cuda")."""
    thm = get(result.name)
    system, reason = system_for(backend)
    if system is None:
        return CheckResult(backend, "skipped", reason)
    start = time.perf_counter()
    with tb.one_thread() if backend != "numpy" else contextlib.nullcontext():
        outcome = _witness(thm, result, system, backend, trials, seed)
    outcome.backend = backend
    outcome.detail = outcome.detail or f"{time.perf_counter() - start:.2f}s"
    return outcome


def _witness(thm: Theorem, result: ProofResult, system: System, backend: str, trials: int, seed: int) -> CheckResult:
    if thm.checker is not None:
        outcome = thm.checker(thm, result, system)
    elif result.counterexample is not None:
        problem = _check_counterexample(thm, result.counterexample, system)
        outcome = CheckResult(backend, "failed" if problem else "ok", problem or "counterexample confirmed", cases=1)
    elif result.verdict == "proved" and isinstance(result.scope, list):
        cases, err, problem = _check_identity(thm, result.scope, system, trials, seed)
        outcome = CheckResult(
            backend,
            "failed" if problem else "ok",
            problem or f"{cases} cases, exact on rational values, max float error {err:.1e}",
            cases=cases,
            max_abs_err=err,
            tolerance=TOLERANCE,
        )
    else:
        outcome = CheckResult(backend, "skipped", f"nothing to check for verdict {result.verdict!r}")
    return outcome


@public
def check(
    name: str,
    backend: str = "numpy",
    *,
    trials: int = 2,
    seed: int = 0,
    max_terms: int | None = None,
    **sizes: Any,
) -> CheckResult:
    """Prove ``name`` (at ``sizes`` or its registered sizes) and cross-check it in ``backend``.

    ``trials`` (a positive int) random inputs of each kind (small integers,
    floats) per size; ``max_terms`` raises the size budget
    (:mod:`symconv.budget`), which also bounds the trials times the input
    symbols.

    >>> check("conv_eq_corr_rot180", "numpy").status
    'ok'
    >>> check("conv_eq_corr_rot180", trials=0)
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: check: trials: got 0; expected a positive int
    """

    if backend not in BACKENDS:
        raise ParameterError("backend", backend, "one of 'numpy', 'torch', 'cuda'")
    trials = as_int(trials, "trials", minimum=1)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ParameterError("seed", seed, "an int")
    with budget.max_terms(max_terms):
        result = prove(name, **sizes)
        if result.verdict == "proved" and isinstance(result.scope, list):
            thm = get(result.name)
            symbols = sum(budget.product(shape) for z in result.scope for shape in thm.shapes(z).values())
            budget.charge(trials * symbols, "input values (trials x symbols)", "trials", trials)
        return check_result(result, backend, trials=trials, seed=seed)
