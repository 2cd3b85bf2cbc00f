"""Gradients of a convolution layer (notes 6.3.2: 卷积梯度, 卷积层误差项反向传播).

Every left side is the derivative of the forward operator computed by the
system itself (SymPy differentiation, the NumPy VJP reference, torch
autograd); every right side is the notes' formula written with forward
operators.  ``ℓ = Σ δ ⊙ H`` for a symbolic upstream gradient ``δ``.
"""

from __future__ import annotations

from typing import Any

from ..spec import conv_window
from ..systems import System
from .registry import theorem


def conv_out(sizes: dict[str, Any]) -> tuple[int, ...]:
    """The forward output's spatial shape (the shape of δ)."""
    return conv_window(sizes["n"], sizes["k"], sizes["s"], sizes["p"], sizes["d"]).out_shape()


def transposed(B: System, delta: Any, W: Any, n: tuple[int, ...], window: Any) -> Any:
    """The transposed correlation: δ dilated by s, padded by d(k−1) (plus the ``a`` cells the
    last window did not reach), correlated with rot180(W) at dilation d, the padding cropped.

    Covers ceil-mode windows that hang past the padded input (then the tail is cropped)."""
    pads, crops = [], []
    for size, m, k, s, d, (lo, hi) in zip(
        n, B.shape(delta)[-2:], window.kernel, window.stride, window.dilation, window.padding
    ):
        reach = s * (m - 1) + d * (k - 1) + 1  # cells of the padded input the windows cover
        tail = size + lo + hi - reach  # a = (n + p_lo + p_hi − d(k−1) − 1) mod s when no window hangs over
        e = d * (k - 1)
        pads.append((e, e + max(tail, 0)))
        crops.append((lo, hi + max(-tail, 0)))
    full = B.corr2d(B.dilate(delta, window.stride), B.rot180(W), padding=tuple(pads), dilation=window.dilation)
    return B.crop(full, tuple(crops))


SIZES = [
    dict(n=3, k=2),
    dict(n=(4, 5), k=(2, 3)),
    dict(n=4, k=3),
    dict(n=5, k=2, s=2, p=1, d=2),
    dict(n=(6, 5), k=(3, 2), s=(2, 3), p=((1, 0), (0, 2))),
    dict(n=5, k=3, s=2, p=1),
    dict(n=4, k=2, p="same"),
]


@theorem(
    section="6.3.2",
    statement="∂ℓ/∂W = X * δ  (with stride s and dilation d: X correlated with δ dilated by s, taps d apart)",
    hypotheses=("ℓ = Σ δ ⊙ (X * W)", "δ has the output's shape", "d(k−1)+1 ≤ n + p_lo + p_hi"),
    inputs={"X": ("n",), "W": ("k",), "delta": (conv_out,)},
    sizes=SIZES,
)
def grad_weight_eq_corr(B, X, W, delta, *, n, k, s, p, d, **_):
    """[∂ℓ/∂W]_{a,b} = Σ_{i,j} δ_{i,j} [X̃]_{i s + a d, j s + b d}: a correlation of the padded
    input with δ dilated by s, read every d cells (the first k_h × k_w of them)."""
    window = conv_window(n, k, s, p, d)
    _dX, dW = B.corr2d_vjp(X, W, delta, s, p, d)
    full = B.corr2d(X, B.dilate(delta, window.stride), stride=window.dilation, padding=window.padding)
    extra = tuple((0, m - kk) for m, kk in zip(B.shape(full), k))
    return dW, B.crop(full, extra)


@theorem(
    section="6.3.2",
    statement="∂ℓ/∂X = δ ⊗~ W = rot180(W) *~ δ = rot180(δ) *~ W  (in general: the transposed convolution)",
    hypotheses=(
        "ℓ = Σ δ ⊙ (X * W)",
        "the three wide forms: s = 1, p = 0, d = 1",
        "in general: δ dilated by s, padded by d(k−1)−p, a = (n + p_lo + p_hi − d(k−1) − 1) mod s extra cells",
    ),
    inputs={"X": ("n",), "W": ("k",), "delta": (conv_out,)},
    sizes=SIZES,
)
def grad_input_eq_full_conv(B, X, W, delta, *, n, k, s, p, d, **_):
    """[∂ℓ/∂X]_{u,v} = Σ_{i,j} δ_{i,j} W_{u−i, v−j} with W zero outside its support: a full
    convolution of δ with W, i.e. a full correlation with rot180(W)."""
    window = conv_window(n, k, s, p, d)
    dX, _dW = B.corr2d_vjp(X, W, delta, s, p, d)
    forms = [transposed(B, delta, W, n, window)]
    if window.stride == (1, 1) and window.dilation == (1, 1) and window.padding == ((0, 0), (0, 0)):
        forms += [
            B.conv2d(delta, W, padding="full"),  # δ ⊗~ W
            B.corr2d(delta, B.rot180(W), padding="full"),  # rot180(W) *~ δ
            B.corr2d(W, B.rot180(delta), padding="full"),  # rot180(δ) *~ W
        ]
    return [dX] * len(forms), forms


def channel_out(sizes: dict[str, Any]) -> tuple[int, ...]:
    return (sizes["c_o"], *conv_out(sizes))


def per_group(sizes: dict[str, Any]) -> tuple[int, ...]:
    return (sizes["c_i"] // sizes.get("groups", 1),)


CHANNEL_SIZES = [
    dict(c_i=2, c_o=2, n=3, k=2),
    dict(c_i=3, c_o=2, n=(4, 3), k=(2, 2), s=2, p=1),
    dict(c_i=4, c_o=2, n=3, k=2, groups=2),
    dict(c_i=2, c_o=4, n=4, k=(3, 2), groups=2, d=(1, 2), p=1),
]


@theorem(
    section="6.3.2",
    statement="∂ℓ/∂b_p = Σ_{i,j} [δ_p]_{i,j}",
    hypotheses=("H_p = Σ_d X_d * W_{p,d} + b_p (PyTorch's bias: one per output channel)",),
    inputs={"X": ("c_i", "n"), "W": ("c_o", per_group, "k"), "b": ("c_o",), "delta": (channel_out,)},
    sizes=CHANNEL_SIZES,
)
def grad_bias_eq_sum(B, X, W, b, delta, *, s, p, d, groups=1, **_):
    """Each b_p is added to every entry of H_p, so its derivative sums δ_p."""
    _dX, _dW, db = B.corr2d_multi_in_out_vjp(X, W, delta, b, s, p, d, groups)
    return db, B.sum_spatial(delta)


@theorem(
    section="6.3.2",
    statement="notes' bias B_{p,d}: ∂ℓ/∂B_{p,d} = Σ_{i,j} [δ_p]_{i,j}, the same for every d "
    "(a scalar: the notes' '= δ_p' equates it with a matrix)",
    hypotheses=("H_p = Σ_d (X_d * W_{p,d} + B_{p,d}): only Σ_d B_{p,d} matters",),
    inputs={"X": ("c_i", "n"), "W": ("c_o", "c_i", "k"), "Bpd": ("c_o", "c_i"), "delta": (channel_out,)},
    sizes=CHANNEL_SIZES[:2],
)
def grad_bias_per_pair(B, X, W, Bpd, delta, *, s, p, d, c_i, c_o, **_):
    """∂ℓ/∂B_{p,d} = Σ_{i,j} δ_{p,i,j} · ∂(Σ_d' B_{p,d'})/∂B_{p,d} = Σ_{i,j} δ_{p,i,j}: one
    number per (p, d), equal for all d; the notes' δ_p (a matrix) is its summand."""
    dB = B.bias_pair_vjp(X, W, Bpd, delta, s, p, d)
    sums = B.reshape(B.sum_spatial(delta), (c_o, 1))
    return dB, B.matmul(sums, B.ones((1, c_i)))  # the same Σ δ_p in every column d


@theorem(
    section="6.3.2",
    statement="∂ℓ/∂W_{p,d} = X_d * δ_p and ∂ℓ/∂X_d = Σ_p rot180(W_{p,d}) *~ δ_p  (with groups: p in d's group)",
    hypotheses=("ℓ = Σ_p Σ δ_p ⊙ H_p", "H_p = Σ_d X_d * W_{p,d} + b_p", "s = 1, p = 0, d = 1 for the wide form"),
    inputs={"X": ("c_i", "n"), "W": ("c_o", per_group, "k"), "delta": (channel_out,)},
    sizes=[
        dict(c_i=2, c_o=3, n=3, k=2),
        dict(c_i=3, c_o=2, n=(4, 3), k=(2, 3)),
        dict(c_i=4, c_o=2, n=3, k=2, groups=2),
    ],
)
def grad_multi_channel(B, X, W, delta, *, c_i, c_o, groups=1, **_):
    """Channel p of the layer only touches W_{p,·}; input channel d feeds every output
    channel of its group, so their wide correlations add up."""
    dX, dW, _db = B.corr2d_multi_in_out_vjp(X, W, delta, None, 1, 0, 1, groups)
    per_in, per_out = c_i // groups, c_o // groups
    grad_w = B.stack(
        [B.stack([B.corr2d(X[(q // per_out) * per_in + e], delta[q]) for e in range(per_in)]) for q in range(c_o)]
    )
    grad_x = []
    for c in range(c_i):
        g, e = divmod(c, per_in)
        terms = [B.corr2d(delta[q], B.rot180(W[q, e]), padding="full") for q in range(g * per_out, (g + 1) * per_out)]
        total = terms[0]
        for t in terms[1:]:
            total = B.add(total, t)
        grad_x.append(total)
    return [dW, dX], [grad_w, B.stack(grad_x)]


def _realize_tanh(expr: Any) -> Any:
    import sympy

    from ..systems import ACTIVATION

    return expr.replace(ACTIVATION, sympy.tanh).doit()


@theorem(
    section="6.3.2",
    statement="δ^(l)_p = f'(H^(l)_p) ⊙ Σ_q rot180(W^(l+1)_{q,p}) *~ δ^(l+1)_q",
    hypotheses=(
        "X^(l+1) = f(H^(l)) elementwise, f differentiable (kept symbolic; tanh in the numeric checks)",
        "H^(l+1)_q = Σ_p X^(l+1)_p * W^(l+1)_{q,p}, stride 1, no padding",
    ),
    inputs={"H": ("c_i", "n"), "W": ("c_o", "c_i", "k"), "delta": (channel_out,)},
    sizes=[dict(c_i=2, c_o=2, n=3, k=2), dict(c_i=1, c_o=3, n=(3, 4), k=(2, 3))],
    realize=_realize_tanh,
)
def delta_recursion(B, H, W, delta, *, c_i, c_o, **_):
    """Chain rule through the activation, then the input gradient of layer l+1
    (grad_multi_channel) for each of its input channels p."""
    lhs = B.act_corr_vjp(H, W, delta)
    back = []
    for p in range(c_i):
        total = B.corr2d(delta[0], B.rot180(W[0, p]), padding="full")
        for q in range(1, c_o):
            total = B.add(total, B.corr2d(delta[q], B.rot180(W[q, p]), padding="full"))
        back.append(total)
    return lhs, B.mul(B.act_prime(H), B.stack(back))


