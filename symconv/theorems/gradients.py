"""Gradients of a convolution layer (notes 6.3.2: 卷积梯度, 卷积层误差项反向传播).

Every left side is the derivative of the forward operator computed by the
system itself (SymPy differentiation, the NumPy VJP reference, torch
autograd); every right side is the notes' formula written with forward
operators.  ``ℓ = Σ δ ⊙ H`` for a symbolic upstream gradient ``δ``.
"""

from __future__ import annotations

from typing import Any

import sympy
from sympy import IndexedBase, Piecewise

from ..formal import (
    Axis,
    Mapped,
    Slice,
    axes_env,
    channel_loss,
    conv,
    corr,
    corr_channels,
    dilated,
    group_first,
    indices,
    layer_loss,
    more_sizes,
    ranges,
    rot180,
)
from ..kernel import Proof, Statement, Sum, Thm, prime
from ..spec import conv_window
from ..systems import ACTIVATION, System
from .registry import General, general, proved, theorem


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


def _weight_form(B: System, x: Any, dq: Any, window: Any, k: tuple[int, ...]) -> Any:
    """grad_weight_eq_corr's right side for one channel pair: x correlated with δ dilated by s, taps d apart."""
    full = B.corr2d(x, B.dilate(dq, window.stride), stride=window.dilation, padding=window.padding)
    return B.crop(full, tuple((0, m - kk) for m, kk in zip(B.shape(full), k)))


@theorem(
    section="6.3.2",
    statement="∂ℓ/∂W_{p,d} = X_d * δ_p and ∂ℓ/∂X_d = Σ_p rot180(W_{p,d}) *~ δ_p  (with groups: p in d's group; "
    "with stride, padding and dilation: grad_weight_eq_corr's and grad_input_eq_full_conv's forms per channel pair)",
    hypotheses=(
        "ℓ = Σ_p Σ δ_p ⊙ H_p",
        "H_p = Σ_d X_d * W_{p,d} + b_p (d over the input channels of p's group)",
        "s = 1, p = 0, d = 1 for the wide form",
    ),
    inputs={"X": ("c_i", "n"), "W": ("c_o", per_group, "k"), "delta": (channel_out,)},
    sizes=[
        dict(c_i=2, c_o=3, n=3, k=2),
        dict(c_i=3, c_o=2, n=(4, 3), k=(2, 3)),
        dict(c_i=4, c_o=2, n=3, k=2, groups=2),
        dict(c_i=2, c_o=4, n=(4, 5), k=(3, 2), s=(1, 2), p=((1, 0), (0, 1)), d=(1, 2), groups=2),
    ],
)
def grad_multi_channel(B, X, W, delta, *, c_i, c_o, n, k, s, p, d, groups=1, **_):
    """Channel p of the layer only touches W_{p,·}; input channel d feeds every output
    channel of its group, so their wide correlations (transposed convolutions) add up.

    Forms: [∂ℓ/∂W, ∂ℓ/∂X (transposed convolution, any stride, padding, dilation), ∂ℓ/∂X (the notes'
    wide form, at s = 1, p = 0, d = 1)]."""
    window = conv_window(n, k, s, p, d)
    dX, dW, _db = B.corr2d_multi_in_out_vjp(X, W, delta, None, s, p, d, groups)
    per_in, per_out = c_i // groups, c_o // groups
    grad_w = B.stack(
        [
            B.stack([_weight_form(B, X[(q // per_out) * per_in + e], delta[q], window, k) for e in range(per_in)])
            for q in range(c_o)
        ]
    )

    def back(form: Any) -> Any:
        """Input channel c collects form(δ_q, W_{q,e}) over the output channels q of its group."""
        grad_x = []
        for c in range(c_i):
            g, e = divmod(c, per_in)
            terms = [form(delta[q], W[q, e]) for q in range(g * per_out, (g + 1) * per_out)]
            total = terms[0]
            for t in terms[1:]:
                total = B.add(total, t)
            grad_x.append(total)
        return B.stack(grad_x)

    lhs, rhs = [dW, dX], [grad_w, back(lambda dq, w: transposed(B, dq, w, n, window))]
    if window.stride == (1, 1) and window.dilation == (1, 1) and window.padding == ((0, 0), (0, 0)):
        lhs.append(dX)
        rhs.append(back(lambda dq, w: B.corr2d(dq, B.rot180(w), padding="full")))
    return lhs, rhs


def _realize_tanh(expr: Any) -> Any:
    return expr.replace(ACTIVATION, sympy.tanh).doit()


@theorem(
    section="6.3.2",
    statement="δ^(l)_p = f'(H^(l)_p) ⊙ Σ_q rot180(W^(l+1)_{q,p}) *~ δ^(l+1)_q",
    hypotheses=(
        "X^(l+1) = f(H^(l)) elementwise, f differentiable (kept symbolic; tanh in the numeric checks)",
        "H^(l+1)_q = Σ_p X^(l+1)_p * W^(l+1)_{q,p}, stride 1, no padding",
    ),
    inputs={"H": ("c_i", "n"), "W": ("c_o", "c_i", "k"), "delta": (channel_out,)},
    sizes=[
        dict(c_i=2, c_o=2, n=3, k=2),
        dict(c_i=1, c_o=3, n=(3, 4), k=(2, 3)),
        dict(c_i=2, c_o=1, n=(4, 2), k=(3, 1)),
    ],
    realize=_realize_tanh,
)
def delta_recursion(B, H, W, delta, *, c_i, c_o, **_):
    """Chain rule through the activation, then the input gradient of layer l+1
    (grad_multi_channel) for each of its input channels p.

    For all sizes (c_i, c_o, n, k; the layer of the notes: stride 1, no padding, no dilation, no groups, as
    ``System.act_corr_vjp`` computes it), with ``f`` uninterpreted: the kernel's chain rule gives ``f'``."""
    lhs = B.act_corr_vjp(H, W, delta)
    back = []
    for p in range(c_i):
        total = B.corr2d(delta[0], B.rot180(W[0, p]), padding="full")
        for q in range(1, c_o):
            total = B.add(total, B.corr2d(delta[q], B.rot180(W[q, p]), padding="full"))
        back.append(total)
    return lhs, B.mul(B.act_prime(H), B.stack(back))


# --- all sizes: any stride, padding per side and dilation, 2-D, 1-based like the notes ------------------

H, V = Axis.named("h"), Axis.named("w")
i, j, a, b, u, v, alpha, beta = indices("i j a b u v alpha beta")
X, W, D = IndexedBase("X"), IndexedBase("W"), IndexedBase("delta")
ELL = layer_loss(D, X, W, (H, V), (i, j), (a, b))  # ℓ = Σ_{i,j} δ_{i,j} [X * W]_{i,j}
FITS = (H.fits(), V.fits())
ARRAYS = {"X": X, "W": W, "delta": D}


def _grad_weight_proof(st: Statement) -> Thm:
    return (
        Proof(st)
        .differentiate(why="∂ℓ/∂W_{α,β}: ∂W_{a,b}/∂W_{α,β} = δ_{a,α} δ_{b,β}")
        .collapse(b, why="the Kronecker sum over b")
        .decide(why="1 ≤ β ≤ k_w")
        .collapse(a, why="the Kronecker sum over a")
        .decide(why="1 ≤ α ≤ k_h")
        .stretch(i, H.s, 1 - H.s, u, why="u = (i − 1)s_h + 1: δ dilated by s_h (s_h − 1 zeros between cells)")
        .stretch(j, V.s, 1 - V.s, v, why="v = (j − 1)s_w + 1")
        .qed()
    )


#: the correlation of the padded input with δ dilated by s, read every d cells (stride d)
BACK = tuple(Axis(ax.n, ax.s * (ax.m - 1) + 1, ax.d, 1, ax.lo, ax.hi) for ax in (H, V))
WEIGHT_ENTRY = ((alpha, 1, H.k), (beta, 1, V.k))

general(
    "grad_weight_eq_corr",
    General(
        Statement(
            "grad_weight_eq_corr",
            sympy.Derivative(ELL, W[alpha, beta]),
            corr(X, lambda p, q: dilated(D, (H, V), (p, q)), BACK, (alpha, beta), (u, v)),
            FITS + ranges(WEIGHT_ENTRY),
        ),
        _grad_weight_proof,
        entry=WEIGHT_ENTRY,
        sizes=axes_env(H, V),
        arrays=ARRAYS,
        domain=FITS,
    ),
)


def _transposed_proof(st: Statement) -> Thm:
    return (
        Proof(st)
        .differentiate(why="∂ℓ/∂X_{u,v}: X̃ reads X_{u,v} where its cell minus the padding is (u, v)")
        .decide(why="a cell equal to (u, v) lies in the input, not in the padding")
        .push(a)
        .push(b)
        .exchange(j)
        .exchange(j)
        .exchange(i)
        .exchange(i, why="exchange the finite sums: taps outside, windows inside")
        .collapse(j, why="the window j whose tap b reads column v: s_w | v + p_w^lo − 1 − (b − 1)d_w")
        .collapse(i, why="the window i whose tap a reads row u")
        .reindex(a, H.k - a + 1, why="a ↦ k_h − a + 1: the kernel rotated by 180°")
        .reindex(b, V.k - b + 1, why="b ↦ k_w − b + 1")
        .qed()
    )


#: δ dilated by s, padded by d(k − 1) in front, correlated with rot180(W) at dilation d, cropped by p^lo
TRANSPOSED = tuple(Axis(ax.s * (ax.m - 1) + 1, ax.k, 1, ax.d, ax.d * (ax.k - 1), 0) for ax in (H, V))
INPUT_ENTRY = ((u, 1, H.n), (v, 1, V.n))

# the wide forms: stated for stride 1, no padding, no dilation (hypotheses, so the scope says so)
PLAIN = tuple(sympy.Eq(x, value) for ax in (H, V) for x, value in ((ax.s, 1), (ax.d, 1), (ax.lo, 0), (ax.hi, 0)))
ON_D = tuple(Axis(ax.m, ax.k, lo=ax.k - 1, hi=ax.k - 1) for ax in (H, V))  # δ (m cells) padded by k − 1
ON_W = tuple(Axis(ax.k, ax.m, lo=ax.m - 1, hi=ax.m - 1) for ax in (H, V))  # W padded by m − 1


def _wide(n: Any, k: Any, suffix: str) -> dict[Any, Any]:
    """Instantiate an axis of conv_eq_corr_rot180 at a wide layer (input n, kernel k, padding k − 1)."""
    ax = Axis.named(suffix)
    return {ax.n: n, ax.k: k, ax.s: 1, ax.d: 1, ax.lo: k - 1, ax.hi: k - 1}


def _wide_conv_proof(st: Statement) -> Thm:
    return (
        Proof(st)
        .instance(proved("grad_input_eq_full_conv", 0), why="the transposed form")
        .reindex(a, H.k - a + 1, why="a ↦ k_h − a + 1")
        .reindex(b, V.k - b + 1, why="b ↦ k_w − b + 1; at s = 1, d = 1, p = 0 this is δ ⊗~ W")
        .qed()
    )


def _wide_rot_proof(st: Statement) -> Thm:
    rot = {**_wide(H.m, H.k, "h"), **_wide(V.m, V.k, "w"), i: u, j: v, X: D}
    return (
        Proof(st)
        .instance(proved("grad_input_eq_full_conv", 1), why="= δ ⊗~ W")
        .instance(proved("conv_eq_corr_rot180"), rot, why="convolving with W is correlating with rot180(W)")
        .qed()
    )


def _wide_swap_proof(st: Statement) -> Thm:
    sizes = {H.n: H.m, V.n: V.m}  # full_corr_rot180_comm's n is δ's size here
    return (
        Proof(st)
        .instance(proved("grad_input_eq_full_conv", 2), why="= rot180(W) *~ δ")
        .instance(proved("full_corr_rot180_comm"), {**sizes, i: u, j: v, X: D}, why="rot180(W) *~ δ = rot180(δ) *~ W")
        .qed()
    )


WIDE_HYPS = FITS + ranges(INPUT_ENTRY) + PLAIN
WIDE_LHS = sympy.Derivative(ELL, X[u, v])
WIDE_FORMS = (
    ("δ ⊗~ W", conv(D, W, ON_D, (u, v), (a, b)), _wide_conv_proof),
    ("rot180(W) *~ δ", corr(D, rot180(W, ON_D), ON_D, (u, v), (a, b)), _wide_rot_proof),
    ("rot180(δ) *~ W", corr(W, rot180(D, ON_W), ON_W, (u, v), (a, b)), _wide_swap_proof),
)

general(
    "grad_input_eq_full_conv",
    General(
        Statement(
            "grad_input_eq_full_conv",
            sympy.Derivative(ELL, X[u, v]),
            corr(lambda p, q: dilated(D, (H, V), (p, q)), rot180(W, (H, V)), TRANSPOSED, (u + H.lo, v + V.lo), (a, b)),
            FITS + ranges(INPUT_ENTRY),
        ),
        _transposed_proof,
        label="the transposed convolution",
        entry=INPUT_ENTRY,
        sizes=axes_env(H, V),
        arrays=ARRAYS,
        domain=FITS,
    ),
    *(
        General(
            Statement(f"grad_input_eq_full_conv ({label})", WIDE_LHS, form, WIDE_HYPS),
            proof,
            label=label,
            entry=INPUT_ENTRY,
            sizes=axes_env(H, V),
            arrays=ARRAYS,
            domain=FITS,
            part=number,
        )
        for number, (label, form, proof) in enumerate(WIDE_FORMS, 1)
    ),
)


# --- all sizes, channels: c_i = g·c_i^g input and c_o = g·c_o^g output channels in g groups ----------------

q, e, c, c2 = indices("q e c c'")
g = sympy.Symbol("g", integer=True, positive=True)
ci_g, co_g = sympy.symbols("c_i^g c_o^g", integer=True, positive=True)  # channels per group
BIAS, BPD = IndexedBase("bias"), IndexedBase("B")


def _layer(bias: Any = None) -> Any:
    """Output channel ``q`` of PyTorch's grouped layer at ``outs``: ``Σ_e X_{first(q)+e} * W_{q,e} (+ b_q)``."""
    return lambda q_, outs: corr_channels(X, W, (H, V), q_, outs, (a, b), e, ci_g, group_first(q_, ci_g, co_g), bias)


def _channel_sizes(groups: bool = True) -> Any:
    """The bridge map: the axes' sizes, ``g`` and the channels per group (a statement without groups: the
    channel counts, and no size with groups)."""
    extra = {ci_g: lambda s: s["c_i"] // s.get("groups", 1), co_g: lambda s: s["c_o"] // s.get("groups", 1)}
    if groups:
        return more_sizes(axes_env(H, V), {**extra, g: lambda s: s.get("groups", 1)})
    return more_sizes(axes_env(H, V), extra, when=lambda s: s.get("groups", 1) == 1)


#: ℓ = Σ_q Σ_{i,j} δ_{q,i,j} (Σ_e [X_{first(q)+e} * W_{q,e}]_{i,j} + b_q): PyTorch's conv2d with groups and bias
BIAS_LOSS = channel_loss(D, _layer(BIAS), (H, V), q, g * co_g, (i, j))
DELTA_SUM = Sum(Sum(D[c, i, j], (j, 1, V.m)), (i, 1, H.m))  # Σ_{i,j} [δ_c]_{i,j}
BIAS_ENTRY = ((c, 1, g * co_g),)


def _bias_proof(st: Statement) -> Thm:
    return (
        Proof(st)
        .differentiate(why="∂ℓ/∂b_c: only the bias term depends on b, ∂b_q/∂b_c = δ_{q,c}")
        .exchange(q)
        .exchange(q, why="the sum over output channels inside")
        .collapse(q, why="the Kronecker sum over q picks channel c")
        .decide(why="1 ≤ c ≤ c_o")
        .qed()
    )


general(
    "grad_bias_eq_sum",
    General(
        Statement("grad_bias_eq_sum", sympy.Derivative(BIAS_LOSS, BIAS[c]), DELTA_SUM, FITS + ranges(BIAS_ENTRY)),
        _bias_proof,
        entry=BIAS_ENTRY,
        sizes=_channel_sizes(),
        bridge_sizes=(  # small: channels, stride and padding, groups with dilation and padding per side
            dict(c_i=2, c_o=2, n=(2, 3), k=2),
            dict(c_i=3, c_o=2, n=(4, 3), k=2, s=2, p=1),
            dict(c_i=2, c_o=4, n=(3, 4), k=2, groups=2, d=(1, 2), p=((1, 0), (0, 1))),
        ),
        arrays={"X": X, "W": W, "b": BIAS, "delta": D},
        domain=FITS,
    ),
)


def _pair_layer(q_: Any, outs: Any) -> Any:
    """The notes' layer: ``H_q = Σ_e (X_e * W_{q,e} + B_{q,e})`` (one bias per pair, no groups)."""
    return Sum(corr(Slice(X, e), Slice(W, q_, e), (H, V), outs, (a, b)) + BPD[q_, e], (e, 1, ci_g))


PAIR_ENTRY = ((c, 1, co_g), (c2, 1, ci_g))


def _pair_proof(st: Statement) -> Thm:
    return (
        Proof(st)
        .differentiate(why="∂ℓ/∂B_{c,c'}: ∂B_{q,e}/∂B_{c,c'} = δ_{q,c} δ_{e,c'}")
        .collapse(e, why="the Kronecker sum over e")
        .decide(why="1 ≤ c' ≤ c_i: every d contributes the same")
        .exchange(q)
        .exchange(q)
        .collapse(q, why="the Kronecker sum over q")
        .decide(why="1 ≤ c ≤ c_o")
        .qed()
    )


general(
    "grad_bias_per_pair",
    General(
        Statement(
            "grad_bias_per_pair",
            sympy.Derivative(channel_loss(D, _pair_layer, (H, V), q, co_g, (i, j)), BPD[c, c2]),
            DELTA_SUM,
            FITS + ranges(PAIR_ENTRY),
        ),
        _pair_proof,
        entry=PAIR_ENTRY,
        sizes=_channel_sizes(groups=False),
        bridge_sizes=(*CHANNEL_SIZES[:2], dict(c_i=2, c_o=3, n=(3, 4), k=2, s=(1, 2), p=((1, 0), (0, 1)), d=(1, 2))),
        arrays={"X": X, "W": W, "Bpd": BPD, "delta": D},
        domain=FITS,
    ),
)


#: ℓ = Σ_q Σ_{i,j} δ_{q,i,j} Σ_e [X_{first(q)+e} * W_{q,e}]_{i,j}: the grouped layer (the bias does not matter here)
CHANNEL_LOSS = channel_loss(D, _layer(), (H, V), q, g * co_g, (i, j))
MC_WEIGHT = ((c, 1, g * co_g), (c2, 1, ci_g), (alpha, 1, H.k), (beta, 1, V.k))
MC_INPUT = ((c, 1, g * ci_g), (u, 1, H.n), (v, 1, V.n))
GROUP = sympy.floor((c - 1) / ci_g)  # the group of input channel c (0-based)
SAME_GROUP = sympy.Eq(sympy.floor((q - 1) / co_g), GROUP)  # output channel q is in c's group
IN_GROUP = c - group_first(q, ci_g, co_g)  # c's position among the input channels of output channel q
#: small bridge sizes: channels, groups, stride, padding per side, dilation (the wide form: the first two)
MC_BRIDGE = (
    dict(c_i=2, c_o=2, n=(2, 3), k=2),
    dict(c_i=4, c_o=2, n=(3, 2), k=(2, 1), groups=2),
    dict(c_i=2, c_o=4, n=(4, 3), k=2, s=(2, 1), p=((1, 0), (0, 1)), d=(1, 2), groups=2),
)


def _mc_weight_proof(st: Statement) -> Thm:
    return (
        Proof(st)
        .differentiate(why="∂ℓ/∂W_{c,c',α,β}: ∂W_{q,e,a,b}/∂W_{c,c',α,β} = δ_{q,c} δ_{e,c'} δ_{a,α} δ_{b,β}")
        .collapse(b, why="the Kronecker sum over b")
        .collapse(a, why="the Kronecker sum over a")
        .collapse(e, why="the Kronecker sum over e: input channel first(q) + c'")
        .exchange(q)
        .exchange(q, why="the sum over output channels inside")
        .collapse(q, why="the Kronecker sum over q picks channel c")
        .stretch(i, H.s, 1 - H.s, u, why="u = (i − 1)s_h + 1: δ_c dilated by s_h")
        .stretch(j, V.s, 1 - V.s, v, why="v = (j − 1)s_w + 1")
        .arith(st.rhs, why="1 ≤ α ≤ k_h, 1 ≤ β ≤ k_w, 1 ≤ c' ≤ c_i/g, 1 ≤ c ≤ c_o hold (z3)")
        .qed()
    )


def _mc_input_proof(st: Statement) -> Thm:
    return (
        Proof(st)
        .differentiate(why="∂ℓ/∂X_{c,u,v}: X̃ reads X_{c,u,v} from input channel first(q) + e = c")
        .decide(why="a cell equal to (u, v) lies in the input, not in the padding")
        .push(e)
        .exchange(j)
        .exchange(i, why="the sum over e outside the windows")
        .pull(b)
        .pull(a)
        .pull(j)
        .pull(i, why="the channel delta δ(first(q) + e, c) outside the windows and taps")
        .collapse(e, why="e = c − first(q): q reads channel c when 1 ≤ c − first(q) ≤ c_i/g")
        .condition(
            sympy.And(sympy.Le(1, IN_GROUP), sympy.Le(IN_GROUP, ci_g)),
            SAME_GROUP,
            why="q reads channel c exactly when q is in c's group: ⌊(q − 1)/c_o^g⌋ = ⌊(c − 1)/c_i^g⌋ (z3)",
        )
        .push(b)
        .push(a)
        .push(b)
        .exchange(j)
        .exchange(j)
        .exchange(i)
        .exchange(i, why="exchange the finite sums: taps outside, windows inside")
        .collapse(j, why="the window j whose tap b reads column v: s_w | v + p_w^lo − 1 − (b − 1)d_w")
        .collapse(i, why="the window i whose tap a reads row u")
        .reindex(a, H.k - a + 1, why="a ↦ k_h − a + 1: the kernel rotated by 180°")
        .reindex(b, V.k - b + 1, why="b ↦ k_w − b + 1")
        .qed()
    )


def _in_group(term: Any) -> Any:
    """``Σ_q [q in c's group] term``: the sum over the output channels that read input channel c."""
    return Sum(Piecewise((term, SAME_GROUP), (0, True)), (q, 1, g * co_g))


def _transposed_from(q_: Any) -> Any:
    """grad_input_eq_full_conv's transposed convolution for the pair (δ_q, W_{q, c − first(q)})."""
    kernel = rot180(Slice(W, q_, c - group_first(q_, ci_g, co_g)), (H, V))
    spread = lambda p_, r_: dilated(Slice(D, q_), (H, V), (p_, r_))  # noqa: E731 - δ_q dilated by s
    return corr(spread, kernel, TRANSPOSED, (u + H.lo, v + V.lo), (a, b))


def _wide_from(q_: Any) -> Any:
    """rot180(W_{q, c − first(q)}) *~ δ_q: the notes' wide form for one output channel."""
    kernel = rot180(Slice(W, q_, c - group_first(q_, ci_g, co_g)), ON_D)
    return corr(Slice(D, q_), kernel, ON_D, (u, v), (a, b))


def _mc_wide_proof(st: Statement) -> Thm:
    return (
        Proof(st)
        .instance(proved("grad_multi_channel", 1), why="the transposed form, per output channel of c's group")
        .arith(st.rhs, why="at s = 1, d = 1, p = 0: δ dilated by 1 is δ, and the padding is k − 1 (z3)")
        .qed()
    )


general(
    "grad_multi_channel",
    General(
        Statement(
            "grad_multi_channel (weights)",
            sympy.Derivative(CHANNEL_LOSS, W[c, c2, alpha, beta]),
            corr(
                Slice(X, group_first(c, ci_g, co_g) + c2),
                lambda p_, r_: dilated(Slice(D, c), (H, V), (p_, r_)),
                BACK,
                (alpha, beta),
                (u, v),
            ),
            FITS + ranges(MC_WEIGHT),
        ),
        _mc_weight_proof,
        label="∂ℓ/∂W",
        entry=MC_WEIGHT,
        sizes=_channel_sizes(),
        arrays=ARRAYS,
        bridge_sizes=MC_BRIDGE,
        domain=FITS,
    ),
    General(
        Statement(
            "grad_multi_channel (inputs, transposed)",
            sympy.Derivative(CHANNEL_LOSS, X[c, u, v]),
            _in_group(_transposed_from(q)),
            FITS + ranges(MC_INPUT),
        ),
        _mc_input_proof,
        label="∂ℓ/∂X, the transposed convolution",
        entry=MC_INPUT,
        sizes=_channel_sizes(),
        arrays=ARRAYS,
        part=1,
        bridge_sizes=MC_BRIDGE,
        domain=FITS,
    ),
    General(
        Statement(
            "grad_multi_channel (inputs, wide)",
            sympy.Derivative(CHANNEL_LOSS, X[c, u, v]),
            _in_group(_wide_from(q)),
            FITS + ranges(MC_INPUT) + PLAIN,
        ),
        _mc_wide_proof,
        label="∂ℓ/∂X = Σ_q rot180(W_{q,d}) *~ δ_q",
        entry=MC_INPUT,
        sizes=_channel_sizes(),
        arrays=ARRAYS,
        part=2,
        bridge_sizes=MC_BRIDGE[:2],
        domain=FITS,
    ),
)


# --- all sizes: the error term through the activation (stride 1, no padding, no dilation: the notes' layer) ----

H1, V1 = (Axis.named(x, s=1, d=1, lo=0, hi=0) for x in "hw")
ON_D1 = tuple(Axis(ax.m, ax.k, lo=ax.k - 1, hi=ax.k - 1) for ax in (H1, V1))  # δ (m cells) padded by k − 1
c_in, c_out = sympy.symbols("c_i c_o", integer=True, positive=True)
HL = IndexedBase("H")  # H^(l); X^(l+1) = f(H^(l)) feeds layer l + 1 (weights W, error term δ = δ^(l+1))
F_PRIME = prime(ACTIVATION)
DR_ENTRY = ((c, 1, c_in), (u, 1, H1.n), (v, 1, V1.n))
DR_HYPS = (H1.fits(), V1.fits()) + ranges(DR_ENTRY)
#: ℓ = Σ_q Σ_{i,j} δ_{q,i,j} Σ_e [f(H)_e * W_{q,e}]_{i,j}: layer l + 1 applied to f(H^(l))
DR_LOSS = channel_loss(
    D,
    lambda q_, outs: corr_channels(Mapped(ACTIVATION, HL), W, (H1, V1), q_, outs, (a, b), e, c_in),
    (H1, V1),
    q,
    c_out,
    (i, j),
)


def _back(weight: Any) -> Any:
    """``Σ_q [δ_q *~ weight(q)]_{u,v}`` (δ_q padded by k − 1): the wide correlations summed over q."""
    return Sum(corr(Slice(D, q), weight, ON_D1, (u, v), (a, b)), (q, 1, c_out))


DR_RHS = F_PRIME(HL[c, u, v]) * _back(rot180(Slice(W, q, c), ON_D1))


def _delta_recursion_proof(st: Statement) -> Thm:
    rotated = rot180(Slice(W, q, c), ON_D1)
    inside = _back(lambda a_, b_: F_PRIME(HL[c, u, v]) * rotated(a_, b_))  # f'(H_c) inside the sums
    # a local lemma: f'(H_c)·Σ_q Σ_taps … = Σ_q Σ_taps f'(H_c)·… (linearity, by push from the notes' form)
    outside = Proof(Statement("delta_recursion: f' outside the sums", st.rhs, inside, st.hyps))
    outside = outside.push(q).push(a).push(b, why="linearity: f'(H_c) into the sums").qed()
    return (
        Proof(st)
        .differentiate(why="∂ℓ/∂H_{c,u,v}: the chain rule through f, ∂f(H[e,·])/∂H[c,u,v] = f'(H[e,·]) δ_{e,c} δ δ")
        .decide(why="a cell equal to (u, v) lies in the input")
        .push(e)
        .exchange(j)
        .exchange(i, why="the sum over input channels e outside the windows")
        .pull(b)
        .pull(a)
        .pull(j)
        .pull(i, why="the channel delta δ(e, c) outside the windows and taps")
        .collapse(e, why="e = c")
        .decide(why="1 ≤ c ≤ c_i")
        .push(b)
        .push(a)
        .push(b)
        .exchange(j)
        .exchange(j)
        .exchange(i)
        .exchange(i, why="exchange the finite sums: taps outside, windows inside")
        .collapse(j, why="the window j whose tap b reads column v: j = v − b + 1")
        .collapse(i, why="the window i whose tap a reads row u: i = u − a + 1")
        .reindex(a, H1.k - a + 1, why="a ↦ k_h − a + 1: the kernel rotated by 180°")
        .reindex(b, V1.k - b + 1, why="b ↦ k_w − b + 1; the cell read is f'(H[c, u, v]) in every term")
        .arith(inside, why="δ_q padded by k − 1 (z3)")
        .instance(outside, reverse=True, why="f'(H_c) out of the sums: the notes' f'(H_c) ⊙ Σ_q rot180(W_{q,c}) *~ δ_q")
        .qed()
    )


general(
    "delta_recursion",
    General(
        Statement("delta_recursion", sympy.Derivative(DR_LOSS, HL[c, u, v]), DR_RHS, DR_HYPS),
        _delta_recursion_proof,
        label="stride 1, no padding, no dilation (the notes' layer)",
        entry=DR_ENTRY,
        sizes=more_sizes(axes_env(H1, V1), {c_in: lambda s: s["c_i"], c_out: lambda s: s["c_o"]}),
        arrays={"H": HL, "W": W, "delta": D},
        domain=(H1.fits(), V1.fits()),
    ),
)
