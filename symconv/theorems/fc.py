"""From a fully connected layer to a convolution (notes 6.1.1: 全连接层到卷积层).

A fully connected layer on an image, :math:`[\\mathbf{H}]_{i,j} = \\sum_{k,l}
[\\mathbf{W}]_{i,j,k,l} [\\mathbf{X}]_{k,l} + [\\mathbf{U}]_{i,j}`, whose weights
depend only on the offset (translation invariance, :math:`[\\mathbf{W}]_{i,j,i+a,j+b}
= [\\mathbf{V}]_{a,b}`, :math:`[\\mathbf{U}]_{i,j} = u`) and vanish beyond Δ
(locality) is a cross-correlation with a (2Δ+1)×(2Δ+1) kernel and one bias.
The layer is built as what it is, a 4-D weight tensor contracted with the
image; the correlation is the window operator.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import sympy

from ..numeric import grad as numeric_grad
from ..result import CheckResult, ProofResult
from ..symbolic.tensor import entries, symbols
from ..systems import SYMPY, System
from .grid import register_on_grid
from .indexing import cells, corr_nd
from .registry import Theorem, theorem


def fc_weight_index(n: tuple[int, ...], k: tuple[int, ...]) -> np.ndarray:
    """:math:`[\\mathbf{W}]_{i,u} = [\\mathbf{V}]_{u - i + Δ}` when every :math:`|u - i| ≤ Δ`, else 0.

    Indices into ``V`` (``-1`` for a zero), shape ``(*n, *n)``: the 4-D weight
    tensor of the notes, with ``Δ = (k - 1) / 2`` per axis.
    """
    half = [(kk - 1) // 2 for kk in k]
    out = []
    for i in cells(n):
        for u in cells(n):
            a = [ui - ii + h for ui, ii, h in zip(u, i, half)]
            inside = all(0 <= ai < kk for ai, kk in zip(a, k))
            out.append(int(np.ravel_multi_index(a, k)) if inside else -1)
    return np.array(out, dtype=np.int64).reshape(*n, *n)


def fully_connected(B: System, X: Any, W: Any, U: Any, n: tuple[int, ...]) -> Any:
    """:math:`[\\mathbf{H}]_i = \\sum_u [\\mathbf{W}]_{i,u} [\\mathbf{X}]_u + [\\mathbf{U}]_i` (i, u multi-indices)."""
    size = math.prod(n)
    H = B.matmul(B.reshape(W, (size, size)), B.reshape(X, (size, 1)))
    return B.add(B.reshape(H, n), U)


@theorem(
    section="6.1.1",
    statement="fully connected layer with [W]_{i,j,i+a,j+b} = [V]_{a,b} (zero for |a| or |b| > Δ) and [U]_{i,j} = u "
    "= V * X + u, V of size (2Δ+1) × (2Δ+1), padding Δ  (translation invariance and locality make it a correlation)",
    hypotheses=(
        "[H]_{i,j} = Σ_{k,l} [W]_{i,j,k,l} [X]_{k,l} + [U]_{i,j} for every pixel (i, j) of X",
        "translation invariance: [W]_{i,j,i+a,j+b} = [V]_{a,b}, [U]_{i,j} = u",
        "locality: [V]_{a,b} = 0 for |a| > Δ or |b| > Δ",
        "X is 0 outside its n_h × n_w cells (the notes leave the border open: zero padding Δ)",
        "per axis in 1-D, 2-D and 3-D; Δ may differ between axes (k = 2Δ + 1)",
    ),
    inputs={"X": ("n",), "V": ("k",), "u": (1,)},
    sizes=[
        dict(n=(4,), k=(5,)),
        dict(n=(3, 4), k=(3, 1)),
        dict(n=(3, 2, 3), k=3),
    ],
    latex=r"\begin{aligned} [\mathbf{H}]_{i,j} &= \sum_{k,l} [\mathbf{W}]_{i,j,k,l} [\mathbf{X}]_{k,l} + u"
    r" = \sum_{a=-\Delta}^{\Delta} \sum_{b=-\Delta}^{\Delta} [\mathbf{V}]_{a,b} [\mathbf{X}]_{i+a,j+b} + u \\"
    r" &\text{when } [\mathbf{W}]_{i,j,i+a,j+b} = [\mathbf{V}]_{a,b} \text{ and } [\mathbf{V}]_{a,b} = 0"
    r" \text{ for } |a| > \Delta \text{ or } |b| > \Delta \end{aligned}",
)
def fc_to_corr(B, X, V, u, *, n, k, **_):
    """The 4-D weight tensor W is V read at the offset u − i + Δ (zero beyond Δ): substituting it into
    the fully connected sum leaves Σ_a V_a X_{i+a−Δ}, the correlation with padding Δ."""
    W = B.take(V, fc_weight_index(n, k))
    U = B.add(B.mul(B.ones(n), 0), u[0])  # [U]_{i,j} = u for every pixel
    half = tuple((kk - 1) // 2 for kk in k)
    return fully_connected(B, X, W, U, n), B.add(corr_nd(B, len(n))(X, V, padding=tuple((h, h) for h in half)), u[0])


# --- the parameter counts --------------------------------------------------------------------------


def _layers() -> list[tuple[tuple[int, ...], int]]:
    """(image shape, Δ) with 2Δ + 1 ≤ 2n − 1 on every axis (each kernel tap meets the image)."""
    shapes = [(1,), (2,), (3,), (4,), (2, 2), (2, 3), (3, 3), (2, 2, 2), (2, 3, 2)]
    return [(n, delta) for n in shapes for delta in (0, 1) if delta <= min(n) - 1]


def _counts(n: tuple[int, ...], delta: int) -> tuple[int, int, int]:
    """The formulas: fully connected, translation invariant, and local parameter counts."""
    size = math.prod(n)
    return size * size + size, math.prod(2 * m - 1 for m in n) + 1, (2 * delta + 1) ** len(n) + 1


def _parameters(H: Any, X: Any) -> int:
    """Symbols of the output that are not inputs: the parameters the layer uses."""
    used = set().union(*(sympy.sympify(h).free_symbols for h in entries(H)))
    return len(used - set(entries(X)))


def _params_concrete() -> tuple[int, str]:
    count = 0
    for n, delta in _layers():
        dims = len(n)
        X, u = symbols("x", n), symbols("u", 1)
        fc = fully_connected(SYMPY, X, symbols("w", n + n), symbols("b", n), n)
        full = tuple(2 * m - 1 for m in n)  # translation invariance: one weight per offset −(n−1) … n−1
        shared = SYMPY.add(corr_nd(SYMPY, dims)(X, symbols("v", full), padding=tuple((m - 1, m - 1) for m in n)), u[0])
        local = SYMPY.add(corr_nd(SYMPY, dims)(X, symbols("v", (2 * delta + 1,) * dims), padding=delta), u[0])
        got = (_parameters(fc, X), _parameters(shared, X), _parameters(local, X))
        if got != _counts(n, delta) or fc.shape != n or shared.shape != n or local.shape != n:
            return count, f"n={n}, Δ={delta}: the layers use {got} parameters, the formulas say {_counts(n, delta)}"
        count += 1
    return count, ""


def _params_check(thm: Theorem, result: ProofResult, system: System) -> CheckResult:
    """NumPy: parameters with a non-zero gradient on a positive input; torch: ``nn.Linear`` and ``nn.ConvNd``."""
    count = 0
    for n, delta in _layers():
        want = _counts(n, delta)
        dims, size = len(n), math.prod(n)
        kernels = [tuple(2 * m - 1 for m in n), (2 * delta + 1,) * dims]
        if system.name == "numpy":
            rng = np.random.default_rng(0)
            X = rng.uniform(1, 2, n)
            got = [int(np.count_nonzero(np.outer(np.ones(size), X.ravel())) + size)]  # ∂ℓ/∂W = δ xᵀ, ∂ℓ/∂U = δ
            for kernel, pad in zip(kernels, (tuple((m - 1, m - 1) for m in n), ((delta, delta),) * dims)):
                vjp = getattr(numeric_grad, f"corr{dims}d_vjp")
                _dX, dV = vjp(X, rng.uniform(1, 2, kernel), np.ones(n), padding=pad)
                got.append(int(np.count_nonzero(dV)) + 1)  # + the bias, ∂ℓ/∂u = Σ δ
            got_t = tuple(got)
        else:
            import torch

            conv = getattr(torch.nn, f"Conv{dims}d")
            got_t = (
                sum(p.numel() for p in torch.nn.Linear(size, size).parameters()),
                *(sum(p.numel() for p in conv(1, 1, kernel).parameters()) for kernel in kernels),
            )
        if got_t != want:
            problem = f"n={n}, Δ={delta}: {system.name} {got_t}, formulas {want}"
            return CheckResult(system.name, "failed", problem, count)
        count += 1
    return CheckResult(system.name, "ok", f"{count} layers agree with the formulas", count)


register_on_grid(
    "fc_to_corr_params",
    "6.1.1",
    "parameters: fully connected n_h n_w (n_h n_w + 1); translation invariant (2n_h − 1)(2n_w − 1) + 1; "
    "local (2Δ + 1)² + 1  (per axis in 1-D, 2-D and 3-D: ∏ n (∏ n + 1), ∏ (2n − 1) + 1, (2Δ + 1)^dims + 1)",
    (
        "W: n_h × n_w × n_h × n_w and U: n_h × n_w (fully connected, one output per pixel)",
        "translation invariance: one weight per offset a ∈ −(n−1) … n−1 and one bias",
        "locality: offsets |a| ≤ Δ ≤ n − 1 (every tap meets the image)",
    ),
    general=(),
    concrete=_params_concrete,
    checker=_params_check,
    grid="images n ∈ {1..4, 2×2, 2×3, 3×3, 2×2×2, 2×3×2}, Δ ∈ {0, 1}",
    agreement="layers: the parameters each layer's output uses agree with the formulas",
    latex=r"n_h n_w (n_h n_w + 1) \ \text{(fully connected)} \to (2n_h - 1)(2n_w - 1) + 1 \ \text{(shared)}"
    r" \to (2\Delta + 1)^2 + 1 \ \text{(shared and local)}",
)
