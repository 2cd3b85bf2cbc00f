"""Output shapes (notes 6.1.3, 6.2.1, 6.2.2): every operator's shape is ``output_size``.

The symbolic operators and the NumPy reference enumerate their windows
without the closed formula, and torch is external, so comparing their shapes
with :func:`symconv.output_size` over a grid is a real test of the formula.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..errors import SymconvError
from ..result import CheckResult, ProofResult
from ..spec import output_size
from ..systems import SYMPY, System
from .grid import register_on_grid
from .registry import Theorem, no_general

GRID = {"n": range(1, 8), "k": range(1, 5), "s": range(1, 4), "p": range(0, 3), "d": range(1, 3)}
PADS_1D = [(0, 1), (2, 0), (1, 2)]
GRID_TEXT = "n ≤ 7, k ≤ 4, s ≤ 3, p ≤ 2 (and asymmetric pairs), d ≤ 2, ceil_mode both ways for pooling"


def _fits(n: int, k: int, lo: int, hi: int, d: int) -> bool:
    return d * (k - 1) + 1 <= n + lo + hi


def cases() -> Iterator[tuple[str, dict[str, Any], tuple[int, ...]]]:
    """(operator, keyword arguments, expected shape) over the grid."""
    for n, k, s, p, d in itertools.product(*GRID.values()):
        for pad in [(p, p)] + (PADS_1D if p == 0 else []):
            if _fits(n, k, *pad, d):
                args = dict(n=n, k=k, stride=s, padding=pad, dilation=d)
                yield "corr1d", args, (output_size(n, k, s, pad, d),)
        for ceil in (False, True):
            if p <= k // 2 and _fits(n, k, p, p + (s - 1 if ceil else 0), d):  # ceil mode: one window suffices
                args = dict(n=n, k=k, stride=s, padding=p, dilation=d, ceil_mode=ceil)
                yield "pool2d", args, (1, output_size(n, k, s, p, d, ceil))
    for n, k, s, p, d in [
        ((5, 7), (3, 2), (2, 1), (1, 0), (1, 2)),
        ((8, 8), (3, 3), 2, 1, 1),
        ((6, 4), (2, 3), 3, 2, 2),
    ]:
        s2, p2, d2 = (v if isinstance(v, tuple) else (v, v) for v in (s, p, d))
        expected = tuple(output_size(n[i], k[i], s2[i], p2[i], d2[i]) for i in range(2))
        yield "corr2d_multi_in_out", dict(n=n, k=k, stride=s, padding=p, dilation=d), (2, *expected)


def run(system: System, op: str, args: dict[str, Any]) -> tuple[int, ...]:
    """Shape of ``op`` in ``system`` on zero inputs of the given sizes."""
    args = dict(args)
    n, k = args.pop("n"), args.pop("k")
    if op == "corr1d":
        return system.shape(system.corr1d(system.asarray(np.zeros(n)), system.asarray(np.zeros(k)), **args))
    if op == "pool2d":
        return system.shape(system.pool2d(system.asarray(np.zeros((1, n))), (1, k), **_pool_args(args)))
    x, w = system.asarray(np.zeros((3, *n))), system.asarray(np.zeros((2, 3, *k)))
    return system.shape(system.corr2d_multi_in_out(x, w, **args))


def _pool_args(args: dict[str, Any]) -> dict[str, Any]:
    return dict(
        stride=(1, args["stride"]),
        padding=(0, args["padding"]),
        dilation=(1, args["dilation"]),
        ceil_mode=args["ceil_mode"],
    )


def _compare(system: System) -> tuple[int, tuple | None]:
    count = 0
    for op, args, expected in cases():
        try:
            got = run(system, op, args)
        except SymconvError as err:
            return count, (op, args, expected, f"raised {err}")
        if tuple(got) != expected:
            return count, (op, args, expected, tuple(got))
        count += 1
    return count, None


def _concrete() -> tuple[int, str]:
    count, miss = _compare(SYMPY)
    if miss:
        op, args, expected, got = miss
        return count, f"{op} at {args}: output_size gives {expected}, the operator {got}"
    return count, ""


def _check(thm: Theorem, result: ProofResult, system: System) -> CheckResult:
    count, miss = _compare(system)
    if miss:
        op, args, expected, got = miss
        return CheckResult(system.name, "failed", f"{op}{args}: formula {expected}, {system.name} {got}", count)
    return CheckResult(system.name, "ok", f"{count} shapes equal output_size(...)", count)


register_on_grid(
    "output_size_matches",
    "6.2.2",
    "shape(op(X, W)) = output_size(n, k, s, p, d[, ceil_mode]) for every operator",
    (
        "s ≥ 1",
        "d ≥ 1",
        "d(k−1)+1 ≤ n + p_lo + p_hi (ceil-mode pooling: ≤ n + 2p + s − 1)",
        "pooling: p ≤ k // 2",
    ),
    general=(),
    concrete=_concrete,
    checker=_check,
    grid=GRID_TEXT,
    agreement="operator shapes equal output_size(...)",
)

no_general(
    "output_size_matches",
    "its all-sizes form is output_size_formula (proved by the kernel); this one checks every operator over a grid",
)
