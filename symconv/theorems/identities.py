"""Classic identities of convolution that CNN courses teach around the notes.

Adjointness (why the input gradient is a transposed convolution), the
associativity of wide convolution and its consequence for stacked layers,
separable kernels, dilation as zero insertion, stride as subsampling,
bilinearity, the convolution theorem of the DFT, and average pooling as a
correlation.  Each is stated per axis and proved in 1-D, 2-D and 3-D where the
statement allows.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import sympy
from sympy import IndexedBase, Piecewise

from ..formal import (
    SUFFIXES,
    Axis,
    avg_pool_padded,
    axes_env,
    conv,
    corr,
    dilated,
    dim_axes,
    dim_indices,
    dim_label,
    fresh_tap,
    full_axis,
    padded,
    ranges,
    scatter,
    tap_sum,
)
from ..kernel import Proof, Statement, Sum, Thm, by_solver, define_sequence, induction
from ..result import CheckResult, ProofResult
from ..spec import conv_window, output_padding, per_dim
from ..symbolic.tensor import entries, symbols
from ..systems import SYMPY, System
from .counting import count_out, ones
from .gradients import conv_out
from .grid import register_on_grid
from .indexing import bridged, conv_nd, corr_nd, pool_nd, subsample_index, wrap_index
from .registry import General, Theorem, general, no_general, theorem


def _window(sizes: dict[str, Any]) -> Any:
    return conv_window(sizes["n"], sizes["k"], sizes["s"], sizes["p"], sizes["d"])


def inner(B: System, A: Any, C: Any) -> Any:
    """:math:`\\langle A, C \\rangle = \\sum A \\odot C`, as a one-entry array."""
    return B.total(B.mul(A, C))


# --- adjointness -----------------------------------------------------------------------------------


@theorem(
    section="6.3.2",
    statement="Σ (X * W) ⊙ Y = Σ X ⊙ conv_transpose(Y, W) for any stride, padding and dilation, "
    "with output_padding a = (n + 2p − d(k−1) − 1) mod s  (the transposed convolution is the adjoint)",
    hypotheses=(
        "Y has the shape of X * W",
        "padding symmetric per axis (PyTorch's conv_transpose)",
        "output_padding a makes conv_transpose(Y, W) the shape of X",
        "conv_transpose(Y, W)_u = Σ_{i, a: i s + a d − p = u} Y_i W_a (PyTorch's conv_transpose1d/2d/3d)",
    ),
    inputs={"X": ("n",), "W": ("k",), "Y": (conv_out,)},
    sizes=[
        dict(n=(4,), k=(2,)),
        dict(n=(6,), k=(2,), s=3, p=1, d=2),
        dict(n=(3, 4), k=(2, 3), s=(2, 1), p=(1, 0)),
        dict(n=(5, 4), k=2, s=2, p=1, d=(2, 1)),
        dict(n=(3, 3, 2), k=(2, 2, 1), s=(2, 1, 1), p=(1, 0, 0)),
    ],
    latex=r"\sum (\mathbf{X} * \mathbf{W}) \odot \mathbf{Y} = \sum \mathbf{X} \odot"
    r" \operatorname{conv\_transpose}(\mathbf{Y}, \mathbf{W}), \quad a = (n + 2p - d(k-1) - 1) \bmod s",
)
def corr_adjoint_transpose(B, X, W, Y, **sizes):
    """Both sides are Σ_{i,a} Y_i W_a X̃_{i s + a d − p}: one sums over outputs first, the other over the
    input cells each (i, a) lands on."""
    window = _window(sizes)
    pads = tuple(lo for lo, _ in window.padding)
    back = B.conv_transpose(Y, W, window.stride, pads, window.dilation, output_padding(window))
    return inner(B, corr_nd(B, len(sizes["n"]))(X, W, sizes["s"], sizes["p"], sizes["d"]), Y), inner(B, X, back)


# --- composition -----------------------------------------------------------------------------------


def _second_kernel(sizes: dict[str, Any]) -> tuple[int, ...]:
    """The second kernel of a composition: one cell longer than the first on every axis."""
    return tuple(k + 1 for k in sizes["k"])


@theorem(
    section="6.2.2",
    statement="(X ⊗~ W₁) ⊗~ W₂ = X ⊗~ (W₁ ⊗~ W₂)  (wide convolution is associative)",
    hypotheses=("wide: padding k−1 on each side of the padded operand", "W₂ one cell longer than W₁ on each axis"),
    inputs={"X": ("n",), "W1": ("k",), "W2": (_second_kernel,)},
    sizes=[dict(n=(3,), k=(2,)), dict(n=(2, 3), k=(1, 2)), dict(n=(2, 2, 1), k=(1, 1, 2))],
    latex=r"(\mathbf{X} \tilde{\otimes} \mathbf{W}_1) \tilde{\otimes} \mathbf{W}_2"
    r" = \mathbf{X} \tilde{\otimes} (\mathbf{W}_1 \tilde{\otimes} \mathbf{W}_2)",
)
def full_conv_assoc(B, X, W1, W2, *, n, **_):
    """Both sides are Σ_{u+a+b=i} X_u W1_a W2_b: the full convolution of three finite sequences."""
    conv = conv_nd(B, len(n))
    return conv(conv(X, W1, padding="full"), W2, padding="full"), conv(X, conv(W1, W2, padding="full"), padding="full")


@theorem(
    section="6.1.5",
    statement="(X * W₁ stride s) * W₂ stride s = X * (W₁ ⊗~ dilate_s(W₂)) stride s²  "
    "(two stacked correlations are one: two 3×3 layers see one 5×5 window, with 2·9 = 18 weights instead of 25)",
    hypotheses=(
        "no padding, no bias, no activation between the layers (linear layers)",
        "dilate_s(W₂) inserts s − 1 zeros between neighbouring taps; s = 1 gives W₁ ⊗~ W₂",
        "W₂ one cell longer than W₁ on each axis",
    ),
    inputs={"X": ("n",), "W1": ("k",), "W2": (_second_kernel,)},
    sizes=[
        dict(n=(8,), k=(2,), s=2),
        dict(n=(4, 5), k=(2, 2)),
        dict(n=(3, 4, 4), k=(1, 2, 2)),
    ],
    latex=r"(\mathbf{X} * \mathbf{W}_1) * \mathbf{W}_2 = \mathbf{X} * (\mathbf{W}_1 \tilde{\otimes} \mathbf{W}_2)"
    r" \quad (s = 1;\ \text{stride } s:\ \mathbf{W}_1 \tilde{\otimes} \operatorname{dilate}_s(\mathbf{W}_2),"
    r" \text{ stride } s^2)",
)
def stacked_conv_eq_single(B, X, W1, W2, *, n, s, **_):
    """Entry i of the two layers is Σ_b [W₂]_b Σ_a [W₁]_a X_{(i s + b) s + a}. Collecting the terms with
    a + b s = c gives Σ_c X_{i s² + c} V_c, with V_c = Σ_{a + b s = c} [W₁]_a [W₂]_b: the full convolution of
    W₁ with W₂ dilated by s."""
    dims = len(n)
    stride = per_dim(s, "s", dims, minimum=1)
    corr, conv = corr_nd(B, dims), conv_nd(B, dims)
    kernel = conv(W1, B.dilate(W2, stride), padding="full")
    return corr(corr(X, W1, stride), W2, stride), corr(X, kernel, tuple(v * v for v in stride))


def _stacked_layers() -> list[tuple[int, int, int]]:
    return [(dims, L, k) for dims in (1, 2, 3) for L in (1, 2, 3) for k in (1, 2, 3) if L * k <= 6 or dims == 1]


def _stacked_counts(dims: int, L: int, k: int) -> tuple[int, tuple[int, ...]]:
    return L * k**dims, (L * (k - 1) + 1,) * dims


def _stacked_kernel(B: System, kernels: list[Any]) -> Any:
    conv = conv_nd(B, len(B.shape(kernels[0])))
    total = kernels[0]
    for W in kernels[1:]:
        total = conv(total, W, padding="full")
    return total


def _stacked_concrete() -> tuple[int, str]:
    count = 0
    for dims, L, k in _stacked_layers():
        kernels = [symbols(f"w{layer}", (k,) * dims) for layer in range(L)]
        V = _stacked_kernel(SYMPY, kernels)
        used = set().union(*(e.free_symbols for e in entries(V) if hasattr(e, "free_symbols")))
        got = (len(used), tuple(V.shape))
        if got != _stacked_counts(dims, L, k):
            return count, f"{L} layers of {k}^{dims}: {got}, the formulas say {_stacked_counts(dims, L, k)}"
        count += 1
    return count, ""


def _stacked_check(thm: Theorem, result: ProofResult, system: System) -> CheckResult:
    """The single kernel's shape from the system's own full convolutions; torch: ``nn.ConvNd`` weights."""
    count = 0
    for dims, L, k in _stacked_layers():
        weights, shape = _stacked_counts(dims, L, k)
        V = _stacked_kernel(system, [system.ones((k,) * dims) for _ in range(L)])
        got_shape = system.shape(V)
        if system.name == "numpy":
            got_weights = L * int(np.ones((k,) * dims).size)
        else:
            import torch

            conv = getattr(torch.nn, f"Conv{dims}d")
            got_weights = sum(conv(1, 1, k, bias=False).weight.numel() for _ in range(L))
        if (got_weights, got_shape) != (weights, shape):
            return CheckResult(system.name, "failed", f"{L} layers of {k}^{dims}: {got_weights}, {got_shape}", count)
        count += 1
    return CheckResult(system.name, "ok", f"{count} stacks agree with the formulas", count)


register_on_grid(
    "stacked_conv_params",
    "6.1.5",
    "L stacked k × k correlations: L·k² weights; the one equivalent kernel W₁ ⊗~ … ⊗~ W_L has (L(k−1) + 1)² entries "
    "(two 3×3 layers: 18 weights for a 5×5 window of 25)  (per channel pair; k^D and (L(k−1)+1)^D in D dimensions)",
    ("linear layers, stride 1, no padding (stacked_conv_eq_single)",),
    general=(),
    concrete=_stacked_concrete,
    checker=_stacked_check,
    grid="1-D, 2-D, 3-D; L ∈ {1, 2, 3} layers; k ∈ {1, 2, 3}",
    agreement="stacks: the composed kernel's shape and weights agree with the formulas",
    latex=r"L k^2 \text{ weights} \quad\text{against}\quad (L(k-1)+1)^2 \text{ for one kernel}"
    r" \quad (L = 2,\ k = 3:\ 18 \text{ against } 25)",
)


# --- separable kernels --------------------------------------------------------------------------------


def _factor_length(sizes: dict[str, Any]) -> tuple[int, ...]:
    """One vector per axis, stored end to end: k_1 + k_2 (+ k_3) entries."""
    return (sum(sizes["k"]),)


def factor_index(k: tuple[int, ...], axis: int, shape: tuple[int, ...]) -> np.ndarray:
    """Indices into the stored factors of the vector of ``axis``, broadcast to ``shape`` along that axis."""
    start = sum(k[:axis])
    values = np.arange(start, start + k[axis])
    view = [1] * len(shape)
    view[axis] = k[axis]
    return np.broadcast_to(values.reshape(view), shape).copy()


@theorem(
    section="6.1.2",
    statement="X * (u vᵀ) = (X * u) * vᵀ: a rank-1 kernel is a correlation along the columns, then one along the rows  "
    "(separable kernels; in 3-D u ⊗ v ⊗ w is three 1-D passes)",
    hypotheses=(
        "the kernel is the outer product of one vector per axis",
        "each pass uses its axis's stride, padding and dilation and leaves the other axes alone",
    ),
    inputs={"X": ("n",), "u": (_factor_length,)},
    sizes=[
        dict(n=(3, 4), k=(2, 3)),
        dict(n=(5, 4), k=(3, 2), s=(2, 1), p=((1, 0), (0, 1)), d=(1, 2)),
        dict(n=(3, 2, 4), k=2, s=(1, 1, 2), p=(1, 0, 0)),
    ],
    latex=r"\mathbf{X} * (\mathbf{u}\mathbf{v}^{\top}) = (\mathbf{X} * \mathbf{u}) * \mathbf{v}^{\top}",
)
def separable_kernel(B, X, u, *, n, k, s, p, d, **_):
    """Σ_{a,b} u_a v_b X_{i+a, j+b} = Σ_b v_b (Σ_a u_a X_{i+a, j+b}): the inner sum is the column pass."""
    window = conv_window(n, k, s, p, d)
    dims = len(n)
    corr = corr_nd(B, dims)
    kernel = B.take(u, factor_index(k, 0, k))
    for axis in range(1, dims):
        kernel = B.mul(kernel, B.take(u, factor_index(k, axis, k)))
    passes = X
    for axis in range(dims):
        shape = tuple(k[axis] if ax == axis else 1 for ax in range(dims))
        passes = corr(
            passes,
            B.take(u, factor_index(k, axis, shape)),
            _on_axis(window.stride, axis, 1),
            _on_axis(window.padding, axis, (0, 0)),
            _on_axis(window.dilation, axis, 1),
        )
    return corr(X, kernel, s, p, d), passes


def _on_axis(values: tuple, axis: int, neutral: Any) -> tuple:
    """``values`` on ``axis``, ``neutral`` (stride 1, no padding, dilation 1) on every other axis."""
    return tuple(v if ax == axis else neutral for ax, v in enumerate(values))


# --- dilation and stride ---------------------------------------------------------------------------


@theorem(
    section="6.2.2",
    statement="X * W at dilation d = X * dilate_d(W) at dilation 1: dilate_d inserts d − 1 zeros between taps  "
    "(a dilated kernel is a larger kernel with holes)",
    hypotheses=("the same stride and padding on both sides; 1-D, 2-D and 3-D",),
    inputs={"X": ("n",), "W": ("k",)},
    sizes=[
        dict(n=(5,), k=(2,), d=2),
        dict(n=(8,), k=(3,), s=2, p=(1, 0), d=3),
        dict(n=(4, 5), k=2, d=(2, 1), p=1),
        dict(n=(5, 3), k=(2, 2), s=(2, 1), d=(3, 2)),
        dict(n=(3, 3, 4), k=2, d=(1, 2, 3)),
    ],
    latex=r"\mathbf{X} *_{d} \mathbf{W} = \mathbf{X} * \operatorname{dilate}_d(\mathbf{W}),"
    r" \quad [\operatorname{dilate}_d(\mathbf{W})]_{a d} = [\mathbf{W}]_a, \text{ zero elsewhere}",
)
def dilation_eq_zero_insertion(B, X, W, *, n, k, s, p, d, **_):
    """Tap a of the dilated kernel reads X̃_{i s + a d}; in dilate_d(W) that tap sits at a d, and the
    inserted zeros contribute nothing."""
    window = conv_window(n, k, s, p, d)
    corr = corr_nd(B, len(n))
    return corr(X, W, s, p, d), corr(X, B.dilate(W, window.dilation), s, window.padding, 1)


@theorem(
    section="6.2.2",
    statement="X * W at stride s = the stride-1 correlation, keeping cells 1, 1 + s, 1 + 2s, … on each axis  "
    "(stride is subsampling)",
    hypotheses=("the same padding and dilation on both sides; 1-D, 2-D and 3-D",),
    inputs={"X": ("n",), "W": ("k",)},
    sizes=[
        dict(n=(5,), k=(1,), s=2),
        dict(n=(7,), k=(2,), s=3, p=(1, 0), d=2),
        dict(n=(5, 6), k=(2, 3), s=(2, 3), p=1),
        dict(n=(4, 5), k=2, s=(3, 2), d=(1, 2)),
        dict(n=(3, 4, 5), k=(1, 2, 2), s=(2, 1, 3)),
    ],
    latex=r"[\mathbf{X} *_{s} \mathbf{W}]_{i,j} = [\mathbf{X} * \mathbf{W}]_{(i-1)s+1,\,(j-1)s+1}",
)
def stride_eq_subsample(B, X, W, *, n, k, s, p, d, **_):
    """Window i at stride s starts at i s − p, where window i s of the stride-1 correlation starts."""
    window = conv_window(n, k, s, p, d)
    corr = corr_nd(B, len(n))
    full = corr(X, W, 1, window.padding, d)
    return corr(X, W, s, p, d), B.take(full, subsample_index(B.shape(full), window.stride))


# --- linearity ---------------------------------------------------------------------------------------


@theorem(
    section="6.1.2",
    statement="(αX + βY) * W = α(X * W) + β(Y * W) and X * (αV + βW) = α(X * V) + β(X * W)  "
    "(correlation is linear in each argument)",
    hypotheses=("α, β any numbers; any stride, padding and dilation; 1-D, 2-D and 3-D",),
    inputs={"X": ("n",), "Y": ("n",), "V": ("k",), "W": ("k",), "c": (2,)},
    sizes=[
        dict(n=(4,), k=(2,), s=2, p=1),
        dict(n=(4, 3), k=(2, 2), s=(1, 2), p=((1, 0), (0, 1)), d=(2, 1)),
        dict(n=(2, 3, 2), k=(1, 2, 2)),
    ],
    latex=r"(\alpha\mathbf{X} + \beta\mathbf{Y}) * \mathbf{W} = \alpha(\mathbf{X} * \mathbf{W})"
    r" + \beta(\mathbf{Y} * \mathbf{W}), \quad \mathbf{X} * (\alpha\mathbf{V} + \beta\mathbf{W})"
    r" = \alpha(\mathbf{X} * \mathbf{V}) + \beta(\mathbf{X} * \mathbf{W})",
)
def corr_bilinear(B, X, Y, V, W, c, *, n, s, p, d, **_):
    """Each output is Σ_a W_a X̃_{i s + a d}: a sum of products of one entry of each argument."""
    corr = corr_nd(B, len(n))
    alpha, beta = c[0], c[1]

    def combo(P: Any, Q: Any) -> Any:
        return B.add(B.mul(P, alpha), B.mul(Q, beta))

    lhs = [corr(combo(X, Y), W, s, p, d), corr(X, combo(V, W), s, p, d)]
    rhs = [combo(corr(X, W, s, p, d), corr(Y, W, s, p, d)), combo(corr(X, V, s, p, d), corr(X, W, s, p, d))]
    return lhs, rhs


# --- the convolution theorem -------------------------------------------------------------------------


def circular_conv(B: System, X: Any, W: Any) -> Any:
    """:math:`[\\mathbf{X} \\circledast \\mathbf{W}]_t = \\sum_a W_a X_{(t - a) \\bmod n}`, W of X's shape:
    the true convolution of X padded circularly by n − 1 cells in front."""
    n = B.shape(X)
    return conv_nd(B, len(n))(B.take(X, wrap_index(n, [(m - 1, 0) for m in n])), W)


@theorem(
    section="6.1.2",
    statement="DFT(circ(X, W)) = DFT(X) ⊙ DFT(W), [circ(X, W)]_t = Σ_a W_a X_{(t−a) mod n}  "
    "(the convolution theorem: circular convolution is a product of spectra)",
    hypotheses=(
        "DFT(X)_k = Σ_u X_u ω^{k u}, ω = e^{−2πi/n} per axis (numpy.fft.fftn's convention); compared as real and "
        "imaginary parts, exactly: SymPy's cos and sin of 2π·r evaluate to radicals for n ≤ 4",
        "W has the shape of X (a shorter kernel is zero-padded); 1-D, 2-D and 3-D",
    ),
    inputs={"X": ("n",), "W": ("n",)},
    sizes=[dict(n=(3,)), dict(n=(4,)), dict(n=(2, 3)), dict(n=(2, 2, 2))],
    latex=r"\operatorname{DFT}(\mathbf{X} \otimes_{n} \mathbf{W}) = \operatorname{DFT}(\mathbf{X}) \odot"
    r" \operatorname{DFT}(\mathbf{W}), \quad [\mathbf{X} \otimes_{n} \mathbf{W}]_t = \sum_a [\mathbf{W}]_a"
    r" [\mathbf{X}]_{(t-a) \bmod n}",
)
def circular_conv_theorem(B, X, W, **_):
    """Σ_t ω^{kt} Σ_a W_a X_{t−a} = Σ_a W_a ω^{ka} Σ_t ω^{k(t−a)} X_{t−a}, and t − a runs over every
    residue mod n once: the product of the two transforms (ω^n = 1)."""
    re, im = B.dft(circular_conv(B, X, W))
    xr, xi = B.dft(X)
    wr, wi = B.dft(W)
    return [re, im], [B.add(B.mul(xr, wr), B.mul(B.mul(xi, wi), -1)), B.add(B.mul(xr, wi), B.mul(xi, wr))]


# --- average pooling ---------------------------------------------------------------------------------


@theorem(
    section="6.3.1",
    statement="avgpool(X, k, s, p) = X * (𝟙/|R|) at stride s and padding p  "
    "(average pooling is a correlation with a constant kernel, |R| = k_h k_w cells)",
    hypotheses=(
        "count_include_pad = True (PyTorch's default: padding cells count in |R|), ceil_mode = False",
        "p ≤ k // 2 (PyTorch's pooling rule); 1-D, 2-D and 3-D",
    ),
    inputs={"X": ("n",)},
    sizes=[  # windows of 2, 4, 8 cells: the float checks stay exact (1/3 has no float)
        dict(n=(5,), k=(2,), s=2),
        dict(n=(5,), k=(4,), s=3, p=2),
        dict(n=(4, 4), k=2, s=2),
        dict(n=(4, 5), k=(4, 2), s=(1, 2), p=(2, 0)),
        dict(n=(2, 3, 4), k=2, s=(1, 2, 2), p=(0, 1, 1)),
    ],
    latex=r"\operatorname{avgpool}(\mathbf{X}) = \mathbf{X} * \frac{1}{k_h k_w}\mathbf{1}_{k_h \times k_w}"
    r" \quad (\text{stride } s, \text{ padding } p,\ \text{count\_include\_pad})",
)
def avg_pool_eq_corr(B, X, *, n, k, s, p, **_):
    """Both divide the window's sum by the same k_h k_w: PyTorch counts padding cells in the divisor."""
    stride = per_dim(s, "s", len(n), minimum=1)
    pad = per_dim(p, "p", len(n), minimum=0)
    kernel = B.div(B.ones(k), math.prod(k))
    return pool_nd(B, len(n))(X, k, stride, pad, "avg"), corr_nd(B, len(n))(X, kernel, stride, [(q, q) for q in pad])


# --- all sizes: the identities per axis, in 1-D, 2-D and 3-D (1-based like the notes) -----------------------

X, Y, W, V, C, U = (IndexedBase(name) for name in ("X", "Y", "W", "V", "c", "u"))
DIMS = (1, 2, 3)


def _cells(axes: tuple[Axis, ...], outs: tuple[Any, ...], taps: tuple[Any, ...]) -> list[Any]:
    """The padded cells the taps of window ``outs`` read."""
    return [ax.tap(i, a) for ax, i, a in zip(axes, outs, taps)]


def _entry(axes: tuple[Axis, ...], outs: tuple[Any, ...]) -> tuple[tuple[Any, Any, Any], ...]:
    """Every output cell ``1 ≤ i ≤ m`` of each axis."""
    return tuple((i, 1, ax.m) for ax, i in zip(axes, outs))


def _dilation(dims: int) -> General:
    """``[X *_d W]_i = [X * dilate_d(W)]_i``: stretch each tap ``a ↦ q = (a − 1)d + 1``."""
    axes, outs = dim_axes(dims), dim_indices(dims)
    taps, cells = dim_indices(dims, "a b c"), dim_indices(dims, "q r t")
    holes = tuple(Axis(ax.n, ax.d * (ax.k - 1) + 1, ax.s, 1, ax.lo, ax.hi) for ax in axes)
    spaced = tuple(ax.but(s=ax.d) for ax in axes)  # dilated() inserts s − 1 zeros: here d − 1

    def proof(st: Statement) -> Thm:
        pr = Proof(st)
        for ax, a, q in zip(axes, taps, cells):
            pr.stretch(a, ax.d, 1 - ax.d, q, why=f"{q} = ({a} − 1)d + 1: tap {a} is cell {q} of the dilated kernel")
        return pr.qed()

    entry = _entry(axes, outs)
    return General(
        Statement(
            f"dilation_eq_zero_insertion ({dim_label(dims)})",
            corr(X, W, axes, outs, taps),
            corr(X, lambda *q: dilated(W, spaced, q), holes, outs, cells),
            tuple(ax.fits() for ax in axes) + ranges(entry),
        ),
        proof,
        label=dim_label(dims),
        entry=entry,
        sizes=axes_env(*axes),
        arrays={"X": X, "W": W},
        domain=tuple(ax.fits() for ax in axes),
    )


general(
    "dilation_eq_zero_insertion",
    *bridged(
        "dilation_eq_zero_insertion",
        (_dilation(d) for d in DIMS),
        [dict(n=(4,), k=(2,), s=2, p=1, d=2), dict(n=(2, 3, 3), k=(1, 2, 2), d=(1, 2, 1), p=(0, 1, 0))],
    ),
)


def _subsample(dims: int) -> General:
    """``[X *_s W]_i = [X *_1 W]_{(i − 1)s + 1}``: window ``i`` at stride ``s`` is window ``(i − 1)s + 1`` at
    stride 1 (the same taps: ``(i − 1)s + (a − 1)d + 1``)."""
    axes, outs, taps = dim_axes(dims), dim_indices(dims), dim_indices(dims, "a b c")
    unit = tuple(ax.but(s=1) for ax in axes)
    kept = tuple((i - 1) * ax.s + 1 for ax, i in zip(axes, outs))

    def proof(st: Statement) -> Thm:
        why = "tap a of window i reads (i − 1)s + (a − 1)d + 1, which tap a of window (i − 1)s + 1 reads at stride 1"
        return Proof(st).algebra(corr(X, W, unit, kept, taps), why=why).qed()

    entry = _entry(axes, outs)
    return General(
        Statement(
            f"stride_eq_subsample ({dim_label(dims)})",
            corr(X, W, axes, outs, taps),
            corr(X, W, unit, kept, taps),
            tuple(ax.fits() for ax in axes) + ranges(entry),
        ),
        proof,
        label=dim_label(dims),
        entry=entry,
        sizes=axes_env(*axes),
        arrays={"X": X, "W": W},
        domain=tuple(ax.fits() for ax in axes),
    )


general(
    "stride_eq_subsample",
    *bridged(
        "stride_eq_subsample",
        (_subsample(d) for d in DIMS),
        [dict(n=(6,), k=(2,), s=2, p=(0, 1)), dict(n=(3, 3, 3), k=(2, 1, 2), s=(2, 1, 2), p=(0, 1, 0))],
    ),
)


def _bilinear(dims: int, part: int) -> General:
    """``(αX + βY) * W = α(X * W) + β(Y * W)`` (part 0) and ``X * (αV + βW) = α(X * V) + β(X * W)`` (part 1):
    the summand split in two, then each tap sum split (linearity), innermost first."""
    axes, outs, taps = dim_axes(dims), dim_indices(dims), dim_indices(dims, "a b c")
    alpha, beta = C[1], C[2]
    if part == 0:
        lhs = corr(lambda *u: alpha * X[u] + beta * Y[u], W, axes, outs, taps)
        one, two = corr(X, W, axes, outs, taps), corr(Y, W, axes, outs, taps)
        split = tap_sum(
            W[taps]
            * (alpha * padded(X, axes, _cells(axes, outs, taps)) + beta * padded(Y, axes, _cells(axes, outs, taps))),
            axes,
            taps,
        )
    else:
        lhs = corr(X, lambda *a: alpha * V[a] + beta * W[a], axes, outs, taps)
        one, two = corr(X, V, axes, outs, taps), corr(X, W, axes, outs, taps)
        split = None

    def proof(st: Statement) -> Thm:
        pr = Proof(st)
        if split is not None:
            pr.algebra(split, why="(α X + β Y)~ = α X̃ + β Ỹ: the padding is zero for both")
        for a in reversed(taps):
            pr.pull(a, why=f"Σ_{a} (α f + β g) = α Σ_{a} f + β Σ_{a} g")
        return pr.qed()

    entry = _entry(axes, outs)
    return General(
        Statement(
            f"corr_bilinear ({dim_label(dims)}, {'input' if part == 0 else 'kernel'})",
            lhs,
            alpha * one + beta * two,
            tuple(ax.fits() for ax in axes) + ranges(entry),
        ),
        proof,
        label=f"{dim_label(dims)}, in {'X' if part == 0 else 'W'}",
        entry=entry,
        sizes=axes_env(*axes),
        arrays={"X": X, "Y": Y, "V": V, "W": W, "c": C},
        domain=tuple(ax.fits() for ax in axes),
        part=part,
    )


general(
    "corr_bilinear",
    *bridged(
        "corr_bilinear",
        (_bilinear(d, part) for d in DIMS for part in (0, 1)),
        [
            dict(n=(5,), k=(3,), s=2, p=(1, 0), d=2),
            dict(n=(3, 3), k=2, s=(2, 1), p=1),
        ],
    ),
)


def _avg_pool(dims: int) -> General:
    """``avgpool(X) = X * (𝟙/Πk)``: every tap of a window that fits lies inside the padded input, so the divisor
    (count_include_pad) is ``Πk``; then ``1/Πk`` goes into the sums."""
    axes, outs, taps = dim_axes(dims, d=1), dim_indices(dims), dim_indices(dims, "a b c")
    size = sympy.Mul(*[ax.k for ax in axes])

    def proof(st: Statement) -> Thm:
        pr = Proof(st)
        for ax, a in zip(axes, taps):
            count = fresh_tap(a)
            pr.restrict(count, 1, ax.k, why=f"window i fits: all its taps lie inside the padded input along {ax.n}")
            pr.count(count, why=f"{ax.k} taps")
        for a in taps:
            pr.push(a, why="the constant 1/Π k into the sum")
        return pr.qed()

    entry = _entry(axes, outs)
    return General(
        Statement(
            f"avg_pool_eq_corr ({dim_label(dims)})",
            avg_pool_padded(X, axes, outs, taps),
            corr(X, lambda *a: 1 / size, axes, outs, taps),
            tuple(ax.fits() for ax in axes) + ranges(entry),
        ),
        proof,
        label=dim_label(dims),
        entry=entry,
        sizes=axes_env(*axes),
        arrays={"X": X},
        domain=tuple(ax.fits() for ax in axes),
    )


general(
    "avg_pool_eq_corr",
    *bridged(
        "avg_pool_eq_corr",
        (_avg_pool(d) for d in DIMS),
        [dict(n=(6,), k=(3,), s=2, p=1), dict(n=(3, 2, 3), k=(2, 1, 2), s=(1, 1, 2), p=(1, 0, 0))],
    ),
)


def _factor(start: Any, axis: int) -> Any:
    """The kernel of one pass: ``u[start + a]`` along ``axis``, one tap along the others."""
    return lambda *a: U[start + a[axis]]


def _one_pass(prev: Any, weight: Any, axes: tuple[Axis, ...], taps: tuple[Any, ...]) -> Any:
    """The correlation of ``prev`` (a function of the cells) with ``weight`` over ``axes``, as a function of
    the output cells."""
    return lambda *cells: corr(prev, weight, axes, cells, taps)


def _separable(dims: int) -> General:
    """``X * (u ⊗ v ⊗ …) = one 1-D pass per axis``.  The passes are nested correlations whose kernels have one
    tap on every other axis; the proof runs from the passes to the one correlation (a local lemma, used
    right to left): the one-tap sums and their indicators go, the factors go into the inner sums, the sums
    are put in the kernel's order."""
    axes, outs, taps = dim_axes(dims), dim_indices(dims), dim_indices(dims, "a b c")
    starts = [sum((ax.k for ax in axes[:r]), sympy.Integer(0)) for r in range(dims)]  # factor r: U[start + a]
    lhs = corr(X, lambda *a: sympy.Mul(*[U[start + t] for start, t in zip(starts, a)]), axes, outs, taps)
    names = [dim_indices(dims, " ".join(f"{t}{r + 1}" for t in "abc"[:dims])) for r in range(dims)]
    shape = [ax.n for ax in axes]
    passes: Any = X
    for r in range(dims):
        on = tuple(ax if q == r else Axis(shape[q], 1) for q, ax in enumerate(axes))
        passes = _one_pass(passes, _factor(starts[r], r), on, names[r])
        shape[r] = axes[r].m
    rhs = passes(*outs)

    def lemma() -> Thm:
        pr = Proof(Statement(f"separable_passes ({dim_label(dims)})", rhs, lhs, st_hyps))
        for r in range(dims):
            for q in range(dims):
                if q != r:
                    pr.singleton(names[r][q], why="a one-tap kernel along the other axes")
        pr.decide(why="the one-tap axes read inside: their cells are the enclosing windows' cells")
        real = [names[r][r] for r in range(dims)]  # the tap of pass r along its own axis
        body = padded(X, axes, _cells(axes, outs, real))
        for r, t in enumerate(real):
            body = Sum(U[starts[r] + t] * body, (t, 1, axes[r].k))
        pr.algebra(body, why="the indicators of the passes read together")
        for t in reversed(real[:-1]):
            pr.push(t, why="the factors of the outer passes into the inner sums")
        for r in range(dims - 1, 0, -1):
            for _ in range(r):
                pr.exchange(real[r], why="the sums in the kernel's order")
        return pr.qed()

    def proof(st: Statement) -> Thm:
        return Proof(st).instance(lemma(), reverse=True, why="the passes, one axis at a time").qed()

    entry = _entry(axes, outs)
    st_hyps = tuple(ax.fits() for ax in axes) + ranges(entry)
    return General(
        Statement(f"separable_kernel ({dim_label(dims)})", lhs, rhs, st_hyps),
        proof,
        label=dim_label(dims),
        entry=entry,
        sizes=axes_env(*axes),
        arrays={"X": X, "u": U},
        domain=tuple(ax.fits() for ax in axes),
    )


general(
    "separable_kernel",
    *bridged(
        "separable_kernel",
        (_separable(d) for d in (2, 3)),
        [dict(n=(3, 3), k=(1, 2), s=(1, 2), d=(1, 2), p=((0, 0), (1, 1)))],
    ),
)


def _adjoint(dims: int) -> General:
    """``⟨X * W, Y⟩ = ⟨X, conv_transpose(Y, W)⟩``: a local lemma runs from the right side to the left: ``X_u``
    into the scatter sums, the sums over the input cells ``u`` innermost, each collapsed on its Kronecker
    delta (the cell tap ``a`` of window ``i`` reads), ``Y_i`` out of the tap sums."""
    axes, outs, taps = dim_axes(dims), dim_indices(dims), dim_indices(dims, "a b c")
    cells = dim_indices(dims, "u v w")
    lhs = corr(X, W, axes, outs, taps) * Y[outs]
    for ax, i in reversed(list(zip(axes, outs))):
        lhs = Sum(lhs, (i, 1, ax.m))
    rhs = X[cells] * scatter(Y, W, axes, cells, outs, taps)
    for ax, u in reversed(list(zip(axes, cells))):
        rhs = Sum(rhs, (u, 1, ax.n))

    def lemma() -> Thm:
        pr = Proof(Statement(f"scatter_adjoint ({dim_label(dims)})", rhs, lhs))
        for var in outs + taps:
            pr.push(var, why=f"X_u into the sum over {var}")
        for u in reversed(cells):
            for _ in range(2 * dims + (len(cells) - 1 - cells.index(u))):
                pr.exchange(u, why="the sums over the input cells innermost")
        for u in cells:
            pr.collapse(u, why=f"{u} is the cell its tap reads")
        body = Y[outs] * W[taps] * padded(X, axes, _cells(axes, outs, taps))
        for ax, var in reversed(list(zip(axes + axes, outs + taps))):
            body = Sum(body, (var, 1, ax.m if var in outs else ax.k))
        pr.algebra(body, why="a tap reads X where its cell lies in 1 … n, zero in the padding")
        for a in reversed(taps):
            pr.pull(a, why="Y_i out of the tap sums")
        return pr.qed()

    def proof(st: Statement) -> Thm:
        return (
            Proof(st)
            .instance(lemma(), reverse=True, why="Σ_u X_u Σ_{i,a} Y_i W_a [tap = u] = Σ_i Y_i Σ_a W_a X̃_tap")
            .qed()
        )

    fits = tuple(ax.fits() for ax in axes)
    return General(
        Statement(f"corr_adjoint_transpose ({dim_label(dims)})", lhs, rhs, fits),
        proof,
        label=dim_label(dims),
        entry=((sympy.Symbol("one", integer=True), 1, 1),),
        sizes=axes_env(*axes),
        arrays={"X": X, "W": W, "Y": Y},
        domain=fits,
    )


AX = dim_axes(1, hi=dim_axes(1)[0].lo)[0]  # one axis, padding p on both sides (PyTorch's conv_transpose)
#: conv_transpose's output length (m − 1)s − 2p + d(k − 1) + a + 1, a = (n + 2p − d(k − 1) − 1) mod s
TRANSPOSED_SIZE = (AX.m - 1) * AX.s - 2 * AX.lo + AX.d * (AX.k - 1) + sympy.Mod(AX.n + 2 * AX.lo - AX.span, AX.s) + 1


def _transposed_size(P: dict[Any, Any]) -> int:
    """Output length of the symbolic ``conv_transpose`` of a ``Y`` with as many cells as the correlation has
    windows, with the output padding of :func:`output_padding`."""
    window = conv_window((P[AX.n],), (P[AX.k],), P[AX.s], P[AX.lo], P[AX.d])
    Y, K = (SYMPY.asarray(np.zeros(size, dtype=int)) for size in (window.out_shape()[0], P[AX.k]))
    return SYMPY.shape(SYMPY.conv_transpose(Y, K, P[AX.s], P[AX.lo], P[AX.d], output_padding(window)))[-1]


def _transposed_grid() -> Any:
    for n, k, s, p, d in itertools.product((1, 2, 3, 5), (1, 2, 3), (1, 2, 3), (0, 1, 2), (1, 2)):
        if d * (k - 1) + 1 <= n + 2 * p:
            yield {AX.n: n, AX.k: k, AX.s: s, AX.lo: p, AX.d: d}


general(
    "corr_adjoint_transpose",
    *bridged(
        "corr_adjoint_transpose",
        [
            *(_adjoint(d) for d in DIMS),
            General(
                Statement("conv_transpose_size", TRANSPOSED_SIZE, AX.n, (AX.fits(),)),
                by_solver,
                label="shape, per axis",
                grid=_transposed_grid,
                value=_transposed_size,
                domain=(AX.fits(),),
            ),
        ],
        [dict(n=(7,), k=(3,), s=2, p=1, d=2), dict(n=(2, 3, 3), k=(1, 2, 2), s=(1, 2, 1), p=(0, 1, 0))],
    ),
)


# wide convolution is associative: (X ⊗~ W₁) ⊗~ W₂ = X ⊗~ (W₁ ⊗~ W₂) ------------------------------------------

W1, W2 = IndexedBase("W1"), IndexedBase("W2")


def _assoc(dims: int) -> General:
    """Tap ``a`` of W₁ and tap ``b`` of W₂ meet input cell ``i − a − b + 2``: with ``c = a + b − 1`` (the tap of
    W₁ ⊗~ W₂) the double sum runs over ``c``, and W₂'s window condition follows from the others."""
    ns = dim_axes(dims)
    n = [ax.n for ax in ns]
    k1 = [ax.k for ax in ns]
    k2 = [sympy.Symbol(f"k'_{suffix}", integer=True, positive=True) for suffix in SUFFIXES[dims]]
    outs, taps1, taps2, joined = (dim_indices(dims, names) for names in ("i j l", "a b c", "e f g", "q r t"))
    inner = tuple(full_axis(nn, kk) for nn, kk in zip(n, k1))  # X ⊗~ W₁
    outer = tuple(full_axis(nn + kk - 1, k) for nn, kk, k in zip(n, k1, k2))  # (·) ⊗~ W₂
    kernel = tuple(full_axis(kk, k) for kk, k in zip(k1, k2))  # W₁ ⊗~ W₂
    whole = tuple(full_axis(nn, kk + k - 1) for nn, kk, k in zip(n, k1, k2))  # X ⊗~ (W₁ ⊗~ W₂)
    lhs = conv(lambda *t: conv(X, W1, inner, t, taps1), W2, outer, outs, taps2)
    rhs = conv(X, lambda *c: conv(W1, W2, kernel, c, taps2), whole, outs, joined)
    reads = [i - c + 1 for i, c in zip(outs, joined)]  # the input cell tap c of W₁ ⊗~ W₂ reads
    x_in = sympy.And(*[sympy.Le(1, u) for u in reads], *[sympy.Le(u, nn) for u, nn in zip(reads, n)])
    w_in = sympy.And(
        *[sympy.Le(1, c - e + 1) for c, e in zip(joined, taps2)],
        *[sympy.Le(c - e + 1, kk) for c, e, kk in zip(joined, taps2, k1)],
    )
    mid = [i - e + 1 for i, e in zip(outs, taps2)]  # the cell of X ⊗~ W₁ tap e of W₂ reads
    mid_in = sympy.And(*[sympy.Le(1, u) for u in mid], *[sympy.Le(u, nn + kk - 1) for u, nn, kk in zip(mid, n, k1)])
    product = W2[taps2] * W1[tuple(c - e + 1 for c, e in zip(joined, taps2))]

    def nested(body: Any, order: tuple[Any, ...], bounds: dict[Any, Any]) -> Any:
        for var in reversed(order):
            body = Sum(body, (var, 1, bounds[var]))
        return body

    bounds = {**dict(zip(taps2, k2)), **{c: kk + k - 1 for c, kk, k in zip(joined, k1, k2)}}

    def proof(st: Statement) -> Thm:
        pr = Proof(st)
        pr.algebra(
            nested(
                W2[taps2]
                * nested(
                    Piecewise(
                        (
                            W1[taps1] * X[tuple(u - a + 1 for u, a in zip(mid, taps1))],
                            sympy.And(
                                mid_in,
                                *[
                                    c
                                    for u, a, nn in zip(mid, taps1, n)
                                    for c in (sympy.Le(1, u - a + 1), sympy.Le(u - a + 1, nn))
                                ],
                            ),
                        ),
                        (0, True),
                    ),
                    taps1,
                    dict(zip(taps1, k1)),
                ),
                taps2,
                bounds,
            ),
            why="the indicators of both paddings on the innermost summand",
        )
        for a in taps1:
            pr.push(a, why="W₂'s tap into W₁'s sums")
        for a, e, c in zip(taps1, taps2, joined):
            pr.reindex(a, c - e + 1, c, why=f"{c} = {a} + {e} − 1: the tap of W₁ ⊗~ W₂")
        for c, e, kk, k in zip(joined, taps2, k1, k2):
            pr.extend(c, 1, kk + k - 1, why=f"{c} over all taps of W₁ ⊗~ W₂ ({e} ≤ {c} ≤ {e} + k₁ − 1 as a condition)")
        every = sympy.And(mid_in, x_in, w_in)
        pr.algebra(nested(Piecewise((product * X[tuple(reads)], every), (0, True)), taps2 + joined, bounds))
        for r in range(dims - 1, -1, -1):
            for _ in range(dims):
                pr.exchange(taps2[r], why="W₂'s taps innermost")
        pr.condition(every, sympy.And(x_in, w_in), why="inside X and inside W₁'s range, W₂'s tap reads inside X ⊗~ W₁")
        pr.algebra(
            nested(
                Piecewise((X[tuple(reads)], x_in), (0, True)) * Piecewise((product, w_in), (0, True)),
                joined + taps2,
                bounds,
            ),
            why="X̃ apart from the kernel",
        )
        for e in reversed(taps2):
            pr.pull(e, why="X̃ out of W₂'s sums")
        return pr.qed()

    entry = tuple((i, 1, nn + kk + k - 2) for i, nn, kk, k in zip(outs, n, k1, k2))
    return General(
        Statement(f"full_conv_assoc ({dim_label(dims)})", lhs, rhs, ranges(entry)),
        proof,
        label=dim_label(dims),
        entry=entry,
        sizes=lambda sizes: _assoc_env(sizes, n, k1, k2),
        arrays={"X": X, "W1": W1, "W2": W2},
    )


def _assoc_env(sizes: dict[str, Any], n: list, k1: list, k2: list) -> dict[Any, int] | None:
    """Registry sizes → the symbols of :func:`_assoc`: W₂ is one cell longer than W₁ on each axis."""
    if len(sizes["n"]) != len(n):
        return None
    values = zip(n + k1 + k2, (*sizes["n"], *sizes["k"], *(kk + 1 for kk in sizes["k"])))
    return {symbol: value for symbol, value in values}


general(
    "full_conv_assoc",
    *bridged(
        "full_conv_assoc",
        (_assoc(d) for d in DIMS),
        [dict(n=(2,), k=(2,)), dict(n=(1,), k=(1,)), dict(n=(2, 2), k=(2, 1))],
    ),
)


# two stacked strided correlations are one: (X *_s W₁) *_s W₂ = X *_{s²} (W₁ ⊗~ dilate_s(W₂)) ----------------------


def _stacked(dims: int) -> General:
    """Tap ``b`` of W₂ reads cell ``(i − 1)s + b`` of ``X * W₁``, whose tap ``a`` reads ``X`` at
    ``(i − 1)s² + (b − 1)s + a``: with ``q = (b − 1)s + 1`` (the cell of ``dilate_s(W₂)``) and ``c = q + a − 1``
    (the tap of ``W₁ ⊗~ dilate_s(W₂)``) the double sum runs over ``c``."""
    base = dim_axes(dims, d=1, **{"lo": 0, "hi": 0})
    k2 = [sympy.Symbol(f"k'_{suffix}", integer=True, positive=True) for suffix in SUFFIXES[dims]]
    outs, taps1, taps2, cells, joined = (
        dim_indices(dims, names) for names in ("i j l", "a b c", "e f g", "q r t", "u v w")
    )
    first = base  # X *_s W₁
    second = tuple(Axis(ax.m, k, ax.s) for ax, k in zip(base, k2))  # (·) *_s W₂
    holes = tuple(Axis(k, k, ax.s) for ax, k in zip(base, k2))  # dilate_s(W₂): s − 1 zeros between taps
    wide = tuple(full_axis(ax.k, ax.s * (k - 1) + 1) for ax, k in zip(base, k2))  # W₁ ⊗~ dilate_s(W₂)
    whole = tuple(Axis(ax.n, ax.k + ax.s * (k - 1), ax.s**2) for ax, k in zip(base, k2))
    lhs = corr(lambda *t: corr(X, W1, first, t, taps1), W2, second, outs, taps2)
    rhs = corr(X, _wide_kernel(holes, wide, cells), whole, outs, joined)
    reads = [(i - 1) * ax.s**2 + c for ax, i, c in zip(base, outs, joined)]
    x_in = sympy.And(*[sympy.Le(1, u) for u in reads], *[sympy.Le(u, ax.n) for u, ax in zip(reads, base)])
    w_in = sympy.And(
        *[sympy.Le(1, c - q + 1) for c, q in zip(joined, cells)],
        *[sympy.Le(c - q + 1, ax.k) for c, q, ax in zip(joined, cells, base)],
    )
    spaced = sympy.And(*[sympy.Eq(sympy.Mod(q - 1, ax.s), 0) for q, ax in zip(cells, base)])
    product = (
        W2[tuple((q - 1) / ax.s + 1 for q, ax in zip(cells, base))]
        * W1[tuple(c - q + 1 for c, q in zip(joined, cells))]
    )
    bounds = {
        **{q: ax.s * (k - 1) + 1 for q, ax, k in zip(cells, base, k2)},
        **{c: ax.k + ax.s * (k - 1) for c, ax, k in zip(joined, base, k2)},
    }

    def nested(body: Any, order: tuple[Any, ...]) -> Any:
        for var in reversed(order):
            body = Sum(body, (var, 1, bounds[var]))
        return body

    def proof(st: Statement) -> Thm:
        pr = Proof(st)
        pr.decide(why="window i of the second layer reads inside X * W₁ (i ≤ m₂)")
        mids = [ax.tap(i, e) for ax, i, e in zip(second, outs, taps2)]  # the cells of X * W₁ that W₂ reads
        inner = corr(X, W1, first, mids, taps1)
        pr.algebra(_nested_over(W2[taps2] * inner, taps2, k2), why="W₂'s tap times the first layer's window")
        for a in taps1:
            pr.push(a, why="W₂'s tap into W₁'s sums")
        for e, q, ax in zip(taps2, cells, base):
            pr.stretch(e, ax.s, 1 - ax.s, q, why=f"{q} = ({e} − 1)s + 1: the cell of W₂'s tap in dilate_s(W₂)")
        for a, q, c in zip(taps1, cells, joined):
            pr.reindex(a, c - q + 1, c, why=f"{c} = {q} + {a} − 1: the tap of W₁ ⊗~ dilate_s(W₂)")
        for c in joined:
            pr.extend(c, 1, bounds[c], why=f"{c} over all taps of the one kernel")
        every = sympy.And(spaced, w_in, x_in)
        pr.algebra(nested(Piecewise((product * X[tuple(reads)], every), (0, True)), cells + joined))
        for r in range(dims - 1, -1, -1):
            for _ in range(dims):
                pr.exchange(cells[r], why="the cells of dilate_s(W₂) innermost")
        pr.algebra(
            nested(
                Piecewise((X[tuple(reads)], x_in), (0, True))
                * Piecewise((product, sympy.And(spaced, w_in)), (0, True)),
                joined + cells,
            ),
            why="X̃ apart from the kernel",
        )
        for q in reversed(cells):
            pr.pull(q, why="X̃ out of the kernel's sums")
        return pr.qed()

    entry = _entry(second, outs)
    fits = tuple(ax.fits() for ax in first + second)
    return General(
        Statement(f"stacked_conv_eq_single ({dim_label(dims)})", lhs, rhs, fits + ranges(entry)),
        proof,
        label=dim_label(dims),
        entry=entry,
        sizes=lambda sizes: _stacked_env(sizes, base, k2),
        arrays={"X": X, "W1": W1, "W2": W2},
        domain=fits,
    )


def _wide_kernel(holes: tuple[Axis, ...], wide: tuple[Axis, ...], cells: tuple[Any, ...]) -> Any:
    """``W₁ ⊗~ dilate_s(W₂)`` as a function of its taps."""
    return lambda *c: conv(W1, lambda *q: dilated(W2, holes, q), wide, c, cells)


def _nested_over(body: Any, taps: tuple[Any, ...], sizes: list[Any]) -> Any:
    """``Σ_{a=1}^{k_1} Σ_{b=1}^{k_2} … body`` (first tap outermost)."""
    for a, k in reversed(list(zip(taps, sizes))):
        body = Sum(body, (a, 1, k))
    return body


def _stacked_env(sizes: dict[str, Any], base: tuple[Axis, ...], k2: list) -> dict[Any, int] | None:
    """Registry sizes → the symbols of :func:`_stacked`: W₂ one cell longer than W₁, the stride on each axis."""
    if len(sizes["n"]) != len(base) or sizes["p"] != 0 or sizes["d"] != 1:
        return None
    stride = per_dim(sizes["s"], "s", len(base), minimum=1)
    out: dict[Any, int] = {}
    for ax, k, n, kk, s in zip(base, k2, sizes["n"], sizes["k"], stride):
        out.update({ax.n: n, ax.k: kk, ax.s: s, k: kk + 1})
    return out


_ONE = dim_axes(1, d=1, lo=0, hi=0)[0]
_K2 = sympy.Symbol("k'_x", integer=True, positive=True)
_M1 = _ONE.m  # ⌊(n − k)/s⌋ + 1 windows of the first layer
#: the two layers' output size ⌊(m₁ − k')/s⌋ + 1 against the one layer's ⌊(n − k − s(k' − 1))/s²⌋ + 1
_STACKED_SIZES = Statement(
    "stacked_conv_sizes",
    Axis(_M1, _K2, _ONE.s).m,
    Axis(_ONE.n, _ONE.k + _ONE.s * (_K2 - 1), _ONE.s**2).m,
    (_ONE.fits(), sympy.Le(_K2, _M1)),
)


def _stacked_sizes_value(P: dict[Any, Any]) -> int:
    """The output length of the two symbolic layers if the one layer's agrees with it (else −1: a mismatch)."""
    n, k, k2, s = P[_ONE.n], P[_ONE.k], P[_K2], P[_ONE.s]
    X, W1, W2 = (SYMPY.asarray(np.zeros(size, dtype=int)) for size in (n, k, k2))
    two = SYMPY.shape(SYMPY.corr1d(SYMPY.corr1d(X, W1, s), W2, s))[0]
    one = SYMPY.shape(SYMPY.corr1d(X, SYMPY.asarray(np.zeros(k + s * (k2 - 1), dtype=int)), s * s))[0]
    return two if one == two else -1


def _stacked_sizes_grid() -> Any:
    for n, k, k2, s in itertools.product(range(1, 9), (1, 2, 3), (1, 2, 3), (1, 2, 3)):
        if k <= n and k2 <= (n - k) // s + 1:
            yield {_ONE.n: n, _ONE.k: k, _K2: k2, _ONE.s: s}


general(
    "stacked_conv_eq_single",
    *bridged(
        "stacked_conv_eq_single",
        [
            *(_stacked(d) for d in DIMS),
            General(
                _STACKED_SIZES,
                by_solver,
                label="output size, per axis",
                grid=_stacked_sizes_grid,
                value=_stacked_sizes_value,
                domain=_STACKED_SIZES.hyps,
            ),
        ],
        [dict(n=(6,), k=(2,), s=1), dict(n=(12,), k=(1,), s=2), dict(n=(7, 5), k=(1, 2), s=(2, 1))],
    ),
)


# L stacked layers: L k^D weights, and the one kernel's extent by induction on L ------------------------------

LAYERS = sympy.Symbol("L", integer=True)
KS = IndexedBase("K")  # K[l]: the kernel size of layer l (along one axis)
_m, _l = sympy.symbols("m l", integer=True)
EXTENT, EXTENT_ZERO, EXTENT_SUCC = define_sequence("extent", _m, 1, IndexedBase("extent")[_m] + KS[_m + 1] - 1)


def grown(top: Any) -> Any:
    """``1 + Σ_{l=1}^{top} (K[l] − 1)``: the extent of the wide convolution of ``top`` kernels.

    >>> from symconv.kernel import evaluate
    >>> evaluate(grown(2), {}, {KS: [3, 3]})  # two 3-tap kernels: one of 5 taps
    5
    """
    return 1 + Sum(KS[_l] - 1, (_l, 1, top))


def _extent_base() -> Thm:
    empty = Proof(Statement("extent_empty", grown(0), 1)).singleton(_l, why="no layer: an empty sum").qed()
    return (
        Proof(Statement("extent_base", EXTENT[0], grown(0)))
        .instance(EXTENT_ZERO, why="no layer: the one-tap identity kernel")
        .instance(empty, reverse=True, why="an empty sum")
        .qed()
    )


def _extent_step() -> Thm:
    hypothesis = sympy.Eq(EXTENT[LAYERS], grown(LAYERS))
    peel = (
        Proof(Statement("extent_peel", grown(LAYERS + 1), grown(LAYERS) + KS[LAYERS + 1] - 1, (sympy.Ge(LAYERS, 0),)))
        .split(_l, LAYERS, why="the layers 1 … L and layer L + 1")
        .singleton(_l, which=1, why="one term: l = L + 1")
        .qed()
    )
    return (
        Proof(Statement("extent_step", EXTENT[LAYERS + 1], grown(LAYERS + 1), (sympy.Ge(LAYERS, 0), hypothesis)))
        .instance(EXTENT_SUCC, {_m: LAYERS}, why="one more layer: a wide convolution adds K − 1 cells")
        .hypothesis(hypothesis, why="the induction hypothesis")
        .instance(peel, reverse=True, why="the sum for L + 1 layers, its last term split off")
        .qed()
    )


def _extent_proof(st: Statement) -> Thm:
    closed = induction(
        Statement("extent_closed", EXTENT[LAYERS], grown(LAYERS), (sympy.Ge(LAYERS, 0),)),
        LAYERS,
        0,
        _extent_base(),
        _extent_step(),
    )
    return Proof(st).instance(closed, why="the extent after L layers (by induction on L)").qed()


def _composed(kernels: tuple[int, ...], dims: int = 1) -> Any:
    """The one kernel of a stack of symbolic kernels of sizes ``kernels`` (each ``k^dims``): their wide
    convolution, computed by the operators."""
    return _stacked_kernel(SYMPY, [symbols(f"w{layer}", (k,) * dims) for layer, k in enumerate(kernels)])


def _extent_grid() -> Any:
    for depth in range(4):
        for stack in itertools.product((1, 2, 3), repeat=depth):
            yield {LAYERS: depth, KS: list(stack)}


def _extent_value(P: dict[Any, Any]) -> int:
    return SYMPY.shape(_composed(tuple(P[KS])))[0] if P[KS] else 1  # no layer: the identity (one tap)


def _weights(dims: int) -> General:
    """``Σ_{l=1}^{L} Σ_{taps} 1 = L k^D``: the weights of L layers of ``k^D`` taps."""
    k = sympy.Symbol("k", integer=True, positive=True)
    taps = dim_indices(dims, "a b c")
    count = Sum(ones(*((a, 1, k) for a in taps)), (_l, 1, LAYERS))

    def value(P: dict[Any, Any]) -> int:
        V = _composed((P[k],) * P[LAYERS], dims)
        return len(set().union(*(e.free_symbols for e in entries(V) if hasattr(e, "free_symbols"))))

    return General(
        Statement(f"stacked_conv_weights ({dim_label(dims)})", count, LAYERS * k**dims, (sympy.Ge(LAYERS, 1),)),
        count_out,
        label=f"{dim_label(dims)} weights",
        grid=lambda: (
            {LAYERS: depth, k: kk} for depth in (1, 2, 3) for kk in (1, 2, 3) if depth * kk <= 6 or dims == 1
        ),
        value=value,
    )


general(
    "stacked_conv_params",
    *(_weights(d) for d in DIMS),
    General(
        Statement("stacked_conv_extent", EXTENT[LAYERS], grown(LAYERS), (sympy.Ge(LAYERS, 0),)),
        _extent_proof,
        label="the one kernel's extent per axis, any L layers (by induction)",
        grid=_extent_grid,
        value=_extent_value,
    ),
)

no_general(
    "circular_conv_theorem",
    "no all-sizes form in the kernel's terms: the DFT needs the roots of unity e^(-2πi/n), which are not "
    "integer terms; proved exactly at the registered sizes (SymPy's radicals)",
)
