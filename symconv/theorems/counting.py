"""Counting formulas (notes 6.1.5, 6.2.4, 6.3.1, 6.3.2): parameters, multiply-adds, receptive fields.

Each is proved for symbolic sizes by counting with ``Sum(1, ...)``, checked at
concrete sizes against the symbolic operators (symbols and products actually
present), and witnessed by NumPy gradients and PyTorch (``nn.Conv2d``'s
parameters, autograd's receptive field).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import numpy as np
import sympy

from ..result import CheckResult, ProofResult
from ..symbolic.tensor import entries, symbols
from ..systems import System
from .grid import register_on_grid
from .registry import Theorem


def _register(name, section, statement, hypotheses, general, concrete, checker) -> None:
    register_on_grid(
        name,
        section,
        statement,
        hypotheses,
        general=(),
        concrete=concrete,
        checker=checker,
        grid="small layers",
        agreement="layers: the symbolic operators agree with the formula",
    )


def _layers() -> Iterator[tuple[int, int, int, int]]:
    return itertools.product((1, 2, 3), (1, 2), (1, 2), (1, 3))  # c_i, c_o, k_h, k_w


def _grid_check(value: Callable[[System, tuple], int], formula: Callable[[tuple], int]):
    def check(thm: Theorem, result: ProofResult, system: System) -> CheckResult:
        count = 0
        for layer in _layers():
            got, want = value(system, layer), formula(layer)
            if got is None:
                return CheckResult(system.name, "skipped", "no witness in this system")
            if got != want:
                return CheckResult(system.name, "failed", f"layer {layer}: formula {want}, {system.name} {got}", count)
            count += 1
        return CheckResult(system.name, "ok", f"{count} layers agree with the formula", count)

    return check


# --- parameters ------------------------------------------------------------------------------------


_params_general = None


def _params_concrete() -> tuple[int, str]:
    from ..symbolic import corr2d_multi_in_out

    count = 0
    for ci, co, kh, kw in _layers():
        X, W, b = symbols("x", (ci, 3, 3)), symbols("w", (co, ci, kh, kw)), symbols("b", co)
        H = corr2d_multi_in_out(X, W, b)
        used = set().union(*(sympy.sympify(h).free_symbols for h in entries(H))) - set(entries(X))
        if len(used) != co * ci * kh * kw + co:
            return count, f"layer {(ci, co, kh, kw)}: {len(used)} parameters appear in the output"
        count += 1
    return count, ""


def _params_witness(system: System, layer: tuple) -> int | None:
    ci, co, kh, kw = layer
    if system.name == "numpy":  # parameters that move the output: non-zero gradient on random input
        from ..numeric.grad import corr2d_multi_in_out_vjp

        rng = np.random.default_rng(0)
        X, W = rng.uniform(1, 2, (ci, 4, 4)), rng.uniform(1, 2, (co, ci, kh, kw))
        delta = np.ones((co, 4 - kh + 1, 4 - kw + 1))
        _dX, dW, db = corr2d_multi_in_out_vjp(X, W, delta, np.zeros(co))
        return int(np.count_nonzero(dW) + np.count_nonzero(db))
    import torch

    return sum(p.numel() for p in torch.nn.Conv2d(ci, co, (kh, kw)).parameters())


_register(
    "param_count",
    "6.3.2",
    "parameters of a conv layer: c_o·c_i·k_h·k_w + c_o (PyTorch's bias per output channel)",
    ("W: c_o × c_i × k_h × k_w, b: c_o",),
    _params_general,
    _params_concrete,
    _grid_check(_params_witness, lambda L: L[1] * L[0] * L[2] * L[3] + L[1]),
)


_params_notes_general = None


def _params_notes_concrete() -> tuple[int, str]:
    count = 0
    for ci, co, kh, kw in _layers():
        W, B = symbols("w", (co, ci, kh, kw)), symbols("B", (co, ci))
        if len(entries(W)) + len(entries(B)) != co * ci * (kh * kw + 1):
            return count, f"layer {(ci, co, kh, kw)}"
        count += 1
    return count, ""


def _params_notes_witness(system: System, layer: tuple) -> int | None:
    ci, co, kh, kw = layer
    if system.name == "numpy":
        return int(np.zeros((co, ci, kh, kw)).size + np.zeros((co, ci)).size)
    import torch  # one Conv2d(1, 1) per (p, d) pair: the notes' layer as PyTorch would build it

    return sum(p.numel() for _ in range(co * ci) for p in torch.nn.Conv2d(1, 1, (kh, kw)).parameters())


_register(
    "param_count_notes",
    "6.3.2",
    "the notes' per-(p, d) bias: c_o·c_i·(k_h·k_w + 1) parameters, c_o(c_i − 1) more than PyTorch's layer",
    ("H_p = Σ_d (X_d * W_{p,d} + B_{p,d})",),
    _params_notes_general,
    _params_notes_concrete,
    _grid_check(_params_notes_witness, lambda L: L[1] * L[0] * (L[2] * L[3] + 1)),
)


# --- multiply-adds ---------------------------------------------------------------------------------


_flops_general = None


def _flops_concrete() -> tuple[int, str]:
    from ..symbolic import corr2d_multi_in_out

    count = 0
    for ci, co, kh, kw in _layers():
        H = corr2d_multi_in_out(symbols("x", (ci, 3, 4)), symbols("w", (co, ci, kh, kw)))
        products = sum(len(sympy.Add.make_args(h)) for h in entries(H))
        mh, mw = 3 - kh + 1, 4 - kw + 1
        if products != co * ci * kh * kw * mh * mw:
            return count, f"layer {(ci, co, kh, kw)}: {products} products"
        count += 1
    return count, ""


def _flops_witness(system: System, layer: tuple) -> int | None:
    ci, co, kh, kw = layer
    mh, mw = 3 - kh + 1, 4 - kw + 1
    # multiply-adds = Σ over outputs of the taps that read the input: the output of all-ones inputs
    out = system.corr2d_multi_in_out(system.asarray(np.ones((ci, 3, 4))), system.asarray(np.ones((co, ci, kh, kw))))
    if system.shape(out) != (co, mh, mw):
        return -1
    return round(float(np.asarray(system.to_numpy(out), dtype=float).sum()))


_register(
    "flop_count",
    "6.2.4",
    "multiply-adds of a conv layer: c_o·c_i·k_h·k_w·m_h·m_w",
    ("output c_o × m_h × m_w, no padding",),
    _flops_general,
    _flops_concrete,
    _grid_check(_flops_witness, lambda L: L[1] * L[0] * L[2] * L[3] * (3 - L[2] + 1) * (4 - L[3] + 1)),
)


_flops_figures = None


def _figures_concrete() -> tuple[int, str]:
    checks = [
        (100 * 100 * 5 * 5 * 64 * 64, 1_024_000_000),
        (round(10**16 / 0.15e12 / 3600, 1), 18.5),
        (round(10**16 / 12e12 / 60), 14),
    ]
    for got, want in checks:
        if got != want:
            return 0, f"{got} != {want}"
    return len(checks), ""


def _figures_check(thm: Theorem, result: ProofResult, system: System) -> CheckResult:
    """Float64 arithmetic in the system reproduces the notes' figures."""
    one = system.asarray(np.ones(1))
    flops = float(system.to_numpy(one * 100 * 100 * 5 * 5 * 64 * 64)[0])
    hours = float(system.to_numpy(one * 1e16 / 0.15e12 / 3600)[0])
    minutes = float(system.to_numpy(one * 1e16 / 12e12 / 60)[0])
    ok = flops == 1.024e9 and round(hours, 1) == 18.5 and round(minutes) == 14
    detail = f"{flops:.4g} multiply-adds per layer, {hours:.2f} h on the CPU, {minutes:.1f} min on the GPU"
    return CheckResult(system.name, "ok" if ok else "failed", detail, 3)


_register(
    "flop_count_notes_figures",
    "6.2.4",
    "the notes' figures: 1 GFLOP per layer (c = 100, k = 5, m = 64); 10 PFLOP for 10 layers × 10^6 samples; "
    "≈ 18.5 h at 0.15 TFLOP/s; ≈ 14 min at 12 TFLOP/s",
    ("10 PFLOP taken as 10^16 (the exact count is 1.024·10^16: 18.96 h and 14.2 min)",),
    _flops_figures,
    _figures_concrete,
    _figures_check,
)


# --- receptive field -------------------------------------------------------------------------------

MAX_LAYERS = 4


_receptive_general = None


def _stacks() -> Iterator[tuple[tuple[int, int], ...]]:
    for L in (1, 2, 3):
        yield from itertools.product(((1, 1), (2, 1), (2, 2), (3, 1), (3, 2), (3, 3)), repeat=L)


def _closed(stack: tuple[tuple[int, int], ...]) -> int:
    r, jump = 1, 1
    for k, s in stack:
        r, jump = r + (k - 1) * jump, jump * s
    return r


def _input_size(stack: tuple[tuple[int, int], ...]) -> int:
    return _closed(stack) + 4


def _receptive_concrete() -> tuple[int, str]:
    from ..symbolic import corr1d

    count = 0
    for stack in _stacks():
        x = symbols("x", _input_size(stack))
        h = x
        for k, s in stack:
            h = corr1d(h, symbols(f"w{count}_{k}", k), stride=s)
        seen = sympy.sympify(h[0]).free_symbols & set(entries(x))
        if len(seen) != _closed(stack):
            return count, f"layers {stack}: output 0 reads {len(seen)} inputs"
        count += 1
    # the notes' example: two 2×2 layers, z reads 3 × 3 = 9 inputs
    from ..symbolic import corr2d

    z = corr2d(corr2d(symbols("x", (3, 3)), symbols("w", (2, 2))), symbols("v", (2, 2)))
    if len(z[0, 0].free_symbols & set(entries(symbols("x", (3, 3))))) != 9:
        return count, "the notes' two 2×2 layers"
    return count + 1, ""


def _receptive_check(thm: Theorem, result: ProofResult, system: System) -> CheckResult:
    """The inputs that output 0 depends on: cells with a non-zero gradient (ones kernels)."""
    count = 0
    for stack in _stacks():
        n = _input_size(stack)
        if system.name == "numpy":
            from ..numeric import corr2d
            from ..numeric.grad import corr2d_vjp

            xs, h = [np.ones((1, n))], np.ones((1, n))
            for k, s in stack:
                h = corr2d(h, np.ones((1, k)), stride=(1, s))
                xs.append(h)
            grad = np.zeros_like(xs[-1])
            grad[0, 0] = 1
            for (k, s), x in zip(reversed(stack), reversed(xs[:-1])):
                grad, _ = corr2d_vjp(x, np.ones((1, k)), grad, stride=(1, s))
            seen = int(np.count_nonzero(grad))
        else:
            import torch

            x = torch.ones(1, 1, n, dtype=torch.float64, device=system.device, requires_grad=True)
            h = x
            for k, s in stack:
                h = torch.nn.functional.conv1d(h, torch.ones(1, 1, k, dtype=torch.float64, device=x.device), stride=s)
            (grad,) = torch.autograd.grad(h[0, 0, 0], x)
            seen = int(torch.count_nonzero(grad))
        if seen != _closed(stack):
            return CheckResult(system.name, "failed", f"layers {stack}: {seen} inputs, formula {_closed(stack)}", count)
        count += 1
    return CheckResult(system.name, "ok", f"{count} stacks: the inputs with a non-zero gradient number r", count)


_register(
    "receptive_field",
    "6.1.5",
    "receptive field of stacked layers: r = 1 + Σ_l (k_l − 1)·Π_{j<l} s_j (two 2×2 layers: 3 × 3 = 9 inputs)",
    ("s_l ≤ k_l (no gaps)", f"proved for 1 … {MAX_LAYERS} layers"),
    _receptive_general,
    _receptive_concrete,
    _receptive_check,
)
