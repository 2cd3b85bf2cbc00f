"""Cross-check harness: the symbolic result against NumPy and PyTorch.

For a theorem proved at some sizes, each numeric system evaluates both sides
on random inputs and is compared with the symbolic sides evaluated at the
same inputs:

* small integers in ``[-3, 3]``: exact equality (float64 is exact there);
* uniform floats in ``[-1, 1)``: the maximum absolute error is reported and
  must stay below ``TOLERANCE``.

For a refuted theorem the counterexample is replayed instead: each system
must reproduce the symbolic values of both sides and see them differ.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import sympy

from .errors import ParameterError, public
from .prove.exact import input_symbols, symbolic_sides
from .prove.result import CheckResult, Counterexample, ProofResult
from .symbolic.tensor import entries
from .systems import NUMPY, System, torch_system
from .theorems.registry import Theorem, get, normalize_sizes, size_label

__all__ = ["BACKENDS", "TOLERANCE", "check", "check_result", "system_for"]

BACKENDS = ("numpy", "torch", "cuda")
TOLERANCE = 1e-9
INT_RANGE = 3


def system_for(backend: str) -> tuple[System | None, str]:
    """The system for a backend name, or ``None`` and why it is unavailable."""
    if backend == "numpy":
        return NUMPY, ""
    if backend not in BACKENDS:
        raise ParameterError("backend", backend, "one of 'numpy', 'torch', 'cuda'")
    from .backends import torch as tb

    if not tb.available():
        return None, "torch is not installed (pip install 'symconv[torch]')"
    if backend == "cuda":
        if not tb.cuda_available():
            return None, "no CUDA device"
        return torch_system("cuda"), ""
    return torch_system("cpu"), ""


_LAMBDAS: dict[tuple, Any] = {}


def _lambdified(thm: Theorem, sizes: dict[str, Any]) -> tuple[list, Any, tuple, tuple]:
    key = (thm.name, thm.sides, tuple(sorted(sizes.items())))
    if key not in _LAMBDAS:
        inputs, lhs, rhs = symbolic_sides(thm, sizes)
        syms = input_symbols(inputs)
        exprs = [sympy.sympify(e) for e in entries(lhs) + entries(rhs)]
        fn = sympy.lambdify(syms, exprs, modules="numpy")
        _LAMBDAS[key] = (syms, fn, lhs.shape, rhs.shape)
    return _LAMBDAS[key]


def _symbolic_values(thm: Theorem, sizes: dict[str, Any], values: dict[str, np.ndarray], exact: bool):
    inputs, lhs, rhs = symbolic_sides(thm, sizes)
    if exact:
        subs = {
            s: sympy.Integer(int(v)) for name, arr in inputs.items() for s, v in zip(entries(arr), values[name].ravel())
        }
        lhs_v = np.array([sympy.sympify(e).xreplace(subs) for e in entries(lhs)], dtype=object).reshape(lhs.shape)
        rhs_v = np.array([sympy.sympify(e).xreplace(subs) for e in entries(rhs)], dtype=object).reshape(rhs.shape)
        return lhs_v, rhs_v
    _syms, fn, lshape, rshape = _lambdified(thm, sizes)
    flat = [v for name in inputs for v in values[name].ravel()]
    out = np.array(fn(*flat), dtype=np.float64)
    size = int(np.prod(lshape))
    return out[:size].reshape(lshape), out[size:].reshape(rshape)


def _evaluate(thm: Theorem, system: System, sizes: dict[str, Any], values: dict[str, np.ndarray]):
    arrays = {name: system.asarray(v) for name, v in values.items()}
    lhs, rhs = thm.sides(system, **arrays, **sizes)
    return np.asarray(system.to_numpy(lhs), dtype=np.float64), np.asarray(system.to_numpy(rhs), dtype=np.float64)


def _exact_equal(numeric: np.ndarray, symbolic: np.ndarray) -> bool:
    """Exact comparison of a float64 result with exact SymPy values."""
    if numeric.shape != symbolic.shape:
        return False
    return all(sympy.Rational(float(a)) == b or float(b) == float(a) for a, b in zip(numeric.ravel(), symbolic.ravel()))


def _check_identity(thm: Theorem, sizes_list: list[dict[str, Any]], system: System, trials: int, seed: int):
    rng = np.random.default_rng(seed)
    cases, max_err = 0, 0.0
    for sizes in sizes_list:
        shapes = thm.shapes(sizes)
        for _ in range(trials):
            ints = {name: rng.integers(-INT_RANGE, INT_RANGE + 1, size=shape) for name, shape in shapes.items()}
            sym_l, sym_r = _symbolic_values(thm, sizes, ints, exact=True)
            num_l, num_r = _evaluate(thm, system, sizes, ints)
            where = f"at {size_label(sizes)} on integer inputs"
            if not _exact_equal(num_l, sym_l):
                return cases, max_err, f"lhs differs from the symbolic lhs {where}"
            if not _exact_equal(num_r, sym_r):
                return cases, max_err, f"rhs differs from the symbolic rhs {where}"
            if not np.array_equal(num_l, num_r):
                return cases, max_err, f"lhs != rhs {where}"
            floats = {name: rng.uniform(-1.0, 1.0, size=shape) for name, shape in shapes.items()}
            sym_l, sym_r = _symbolic_values(thm, sizes, floats, exact=False)
            num_l, num_r = _evaluate(thm, system, sizes, floats)
            err = max(
                float(np.max(np.abs(num_l - sym_l))),
                float(np.max(np.abs(num_r - sym_r))),
                float(np.max(np.abs(num_l - num_r))),
            )
            max_err = max(max_err, err)
            cases += 2
            if not err <= TOLERANCE:
                return cases, max_err, f"float error {err:.3g} > {TOLERANCE:g} at {size_label(sizes)}"
    return cases, max_err, ""


def _check_counterexample(thm: Theorem, cx: Counterexample, system: System) -> str:
    values = {name: np.array(v, dtype=np.int64) for name, v in cx.values.items()}
    try:
        num_l, num_r = _evaluate(thm, system, cx.sizes, values)
    except ValueError as err:
        return f"could not evaluate the counterexample: {err}"
    if cx.where is None:  # a shape mismatch
        return "" if num_l.shape != num_r.shape else "the sides have equal shapes here"
    if not _exact_equal(num_l, np.array(cx.lhs, dtype=object)):
        return "lhs at the counterexample differs from the symbolic value"
    if not _exact_equal(num_r, np.array(cx.rhs, dtype=object)):
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
            problem or f"{cases} cases, exact on integers, max float error {err:.1e}",
            cases=cases,
            max_abs_err=err,
            tolerance=TOLERANCE,
        )
    else:
        outcome = CheckResult(backend, "skipped", f"nothing to check for verdict {result.verdict!r}")
    outcome.backend = backend
    outcome.detail = outcome.detail or f"{time.perf_counter() - start:.2f}s"
    return outcome


@public
def check(name: str, backend: str = "numpy", *, trials: int = 2, seed: int = 0, **sizes: Any) -> CheckResult:
    """Prove ``name`` (at ``sizes`` or its registered sizes) and cross-check it in ``backend``.

    >>> check("conv_eq_corr_rot180", "numpy").status
    'ok'
    """
    from .prove import prove

    if backend not in BACKENDS:
        raise ParameterError("backend", backend, "one of 'numpy', 'torch', 'cuda'")
    if sizes:
        normalize_sizes(sizes)
    return check_result(prove(name, **sizes), backend, trials=trials, seed=seed)
