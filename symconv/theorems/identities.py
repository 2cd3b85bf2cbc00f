"""Classic identities of convolution that CNN courses teach around the notes.

Adjointness (why the input gradient is a transposed convolution), the
associativity of wide convolution and its consequence for stacked layers,
separable kernels, dilation as zero insertion, stride as subsampling,
bilinearity, the convolution theorem of the DFT, and average pooling as a
correlation.  Each is stated per axis and proved in 1-D, 2-D and 3-D where the
statement allows.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..result import CheckResult, ProofResult
from ..spec import conv_window, per_dim
from ..symbolic.tensor import entries, symbols
from ..systems import SYMPY, System
from .gradients import conv_out
from .grid import register_on_grid
from .indexing import conv_nd, corr_nd, pool_nd, subsample_index, wrap_index
from .registry import Theorem, theorem


def _window(sizes: dict[str, Any]) -> Any:
    return conv_window(sizes["n"], sizes["k"], sizes["s"], sizes["p"], sizes["d"])


def inner(B: System, A: Any, C: Any) -> Any:
    """:math:`\\langle A, C \\rangle = \\sum A \\odot C`, as a one-entry array."""
    return B.total(B.mul(A, C))


# --- adjointness -----------------------------------------------------------------------------------


def output_padding(window: Any) -> tuple[int, ...]:
    """:math:`a = (n + p_{lo} + p_{hi} - d(k-1) - 1) \\bmod s` per axis: the cells the last window leaves."""
    return tuple(
        (n + lo + hi - d * (k - 1) - 1) % s
        for n, k, s, (lo, hi), d in zip(window.size, window.kernel, window.stride, window.padding, window.dilation)
    )


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


def _fits_twice(sizes: dict[str, Any]) -> bool:
    return all(n >= k + (k + 1) - 1 for n, k in zip(sizes["n"], sizes["k"]))


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
