"""Every formula and worked example of the CNN chapter (notes 6.0–6.3), as data.

Each :class:`Item` quotes the notes and says how it is checked; the order is
the notes' order.  Section numbers are those of the notes' headings.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from ..check import check_result
from ..claims import MISTAKES, Claim, verify
from ..prove import prove
from ..spec import output_size
from ..symbolic import conv1d, conv2d, symbols
from .findings import Finding, Item, arithmetic, example, imprecise, refuted, theorem

X3 = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
K2 = [[0, 1], [2, 3]]
X2C = [X3, [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]
K2C = [K2, [[1, 2], [3, 4]]]
X44 = np.arange(16).reshape(4, 4)


def _edge_image() -> np.ndarray:
    X = np.ones((6, 8))
    X[:, 2:6] = 0
    return X


def _valid(z: dict[str, int]) -> int:
    return z["n"] - z["k"] + 1


def _fits(z: dict[str, int]) -> bool:
    return z["k"] <= z["n"]


# --- 6.0 / 6.1 ------------------------------------------------------------------------------------


def _fc_params() -> Finding:
    return arithmetic(100 * 3 * 12 * 10**6, Fraction(36, 10) * 10**9, "100 neurons × 36M inputs (12M RGB pixels)")


def _fc_reindex() -> Finding:
    i, j, a, b, n = sympy.symbols("i j a b n", integer=True)
    W, V, X = sympy.IndexedBase("W"), sympy.IndexedBase("V"), sympy.IndexedBase("X")
    k, l = sympy.symbols("k l", integer=True)
    lhs = sympy.Sum(W[i, j, k, l] * X[k, l], (k, 0, n - 1), (l, 0, n - 1))
    rhs = lhs.change_index(k, k - i, a).change_index(l, l - j, b)
    rhs = rhs.replace(lambda e: isinstance(e, sympy.Indexed) and e.base == W, lambda e: V[i, j, a, b])
    ok = rhs.function == V[i, j, a, b] * X[a + i, b + j]
    return Finding("holds" if ok else "fails", "reindex k = i + a, l = j + b and set V_{i,j,a,b} = W_{i,j,i+a,j+b}")


def _locality() -> Finding:
    def sides(B: Any, X: Any, V: Any) -> tuple[Any, Any]:  # Σ_{a,b=-Δ}^{Δ} V_{a,b} X_{i+a,j+b}: correlation, padding Δ
        delta = (B.shape(V)[0] - 1) // 2
        return B.corr2d(X, V, padding=delta), B.corr2d(X, V, padding="same")

    r = verify(Claim(sides, dict(X=("n", "n"), V=("k", "k")), dict(n=range(2, 5), k=(1, 3)), "locality"))
    return Finding(
        "holds" if r.verdict == "proved" else "fails", f"a (2Δ+1)² correlation centred on (i, j): {r.detail}"
    )


def _conv1d_definition() -> Finding:
    x, w = sympy.symbols("x1:6"), sympy.symbols("w1:4")

    y = conv1d(list(x), list(w))
    ok = all(y[t - 3] == sum(w[k - 1] * x[t - k] for k in (1, 2, 3)) for t in (3, 4, 5))
    return Finding("holds" if ok else "fails", "conv1d's entries are Σ_k w_k x_{t−k+1}, t = K … N (1-based)")


def _signal_decay() -> Finding:
    x = sympy.symbols("x1:6")

    y = conv1d(list(x), [1, sympy.Rational(1, 2), sympy.Rational(1, 4)])
    ok = y[0] == x[2] + x[1] / 2 + x[0] / 4
    return Finding("holds" if ok else "fails", "y_3 = x_3 + x_2/2 + x_1/4 with w = (1, 1/2, 1/4)")


def _conv2d_ranges() -> Finding:
    """The 2-D convolution with i ∈ [1, n_h − k_h + 1] reads X_{i−a+1} at index ≤ 0."""

    def stated(B: Any, X: Any, W: Any) -> tuple[Any, Any]:  # the notes' ranges, shifted by k−1 to stay inside X
        return B.conv2d(X, W), B.corr2d(X, B.rot180(W))

    r = verify(Claim(stated, dict(X=("n", "n"), W=("k", "k")), dict(n=range(2, 5), k=range(1, 4)), where=_fits))
    return imprecise(
        "shift",
        "with i ∈ [1, n_h − k_h + 1] and a = k_h the index i − a + 1 = 2 − k_h is < 1 for k_h ≥ 2 (at i = 1): "
        "the sum reads outside X. It holds with i ∈ [k_h, n_h] (or X_{i+k_h−a, j+k_w−b})",
        correction=f"[H]_{{i,j}} = Σ_{{a,b}} W_{{a,b}} X_{{i+k_h−a, j+k_w−b}}, i ∈ [1, n_h−k_h+1] "
        f"({r.verdict}: {r.detail})",
    )


def _y35() -> Finding:

    X, W = symbols("X", (5, 6)), symbols("w", (3, 3))
    notes = sum(W[a - 1, b - 1] * X[3 - a, 5 - b] for a in (1, 2, 3) for b in (1, 2, 3))  # X_{3−a+1, 5−b+1}
    ours = conv2d(X, W)[0, 2]  # the window whose last cell is X_{3,5}
    figure = {w: 0 for w in W.tolist()[0] + W.tolist()[1] + W.tolist()[2]} | {W[0, 0]: 1, W[2, 2]: -1}
    two_taps = sympy.expand(notes.xreplace(figure)) == X[2, 4] - X[0, 2]
    ok = sympy.expand(notes - ours) == 0 and two_taps
    return Finding(
        "holds" if ok else "fails",
        "Σ_{a,b} w_{a,b} X_{3−a+1,5−b+1} is conv2d's entry for the window ending at X_{3,5}; with the figure's "
        "kernel (w_11 = 1, w_33 = −1, the rest 0) it is X_35 − X_13 = 1·0 + (−1)·1 = −1",
    )


def _rot_letters() -> Finding:

    W = [list(sympy.symbols("a b c")), list(sympy.symbols("d e f")), list(sympy.symbols("g h i"))]
    X = [list(sympy.symbols("A B C")), list(sympy.symbols("D E F")), list(sympy.symbols("G H I"))]
    a, b, c, d, e, f, g, h, i = (s for row in W for s in row)
    A, B, C, D, E, F, G, H, I = (s for row in X for s in row)
    expected = i * A + h * B + g * C + f * D + e * E + d * F + c * G + b * H + a * I
    return Finding("holds" if conv2d(X, W)[0, 0] == expected else "fails", "conv2d of a 3×3 patch: i·A + h·B + … + a·I")


def _shift_moves_output() -> Finding:
    """The notes: a shifted object only shifts H.  Exact with circular padding and on interior cells."""
    circular, interior = prove("shift_equivariance_circular"), prove("shift_equivariance_interior")
    literal = prove("shift_equivariance_zero_padding")
    invariance = prove("shift_invariance")
    proved = circular.verdict == interior.verdict == "proved"
    cx = literal.counterexample
    return imprecise(
        "condition",
        f"shifting X shifts H (equivariance): exactly with circular padding (shift_equivariance_circular: "
        f"{circular.verdict}) and, with zero padding, on the cells whose windows stay inside X "
        f"(shift_equivariance_interior: {interior.verdict}); at the border it fails "
        f"(shift_equivariance_zero_padding: {literal.verdict} at {cx.sizes if cx else '?'}: {cx}). "
        f"The values are not invariant: shift_invariance is {invariance.verdict} ({invariance.counterexample}); "
        "what is invariant is the filter, [V]_{i,j,a,b} = [V]_{a,b} (weight sharing)",
        correction="[(S_{sτ} X) * W]_i = [X * W]_{i−τ} on every cell whose window lies inside X "
        f"(shift_equivariance_interior{', proved' if proved else ', NOT proved'}); everywhere with circular padding",
        counterexample=cx.to_dict() if cx else None,
    )


def _matrix_form() -> Finding:
    """Notes 6.1.2: a convolution is computed as a matrix product after flipping the kernel."""
    names = ("conv_eq_corr_rot180", "corr_eq_toeplitz_matmul", "corr_eq_im2col_matmul")
    verdicts = {name: prove(name).verdict for name in names}
    ok = all(v == "proved" for v in verdicts.values())
    return Finding(
        "holds" if ok else "fails",
        "W ⊗ X = rot180(W) * X (flip), and vec(X * W) = T(W) vec(X) = rows of W times unfold(X): "
        + ", ".join(f"{name} {verdict}" for name, verdict in verdicts.items()),
    )


def _refuted_theorem(name: str, correction: str, text: str) -> Finding:
    """Fails: a registered claim refuted (its counterexample replayed in NumPy and torch), a proved correction."""
    result = prove(name)
    result.checks = {backend: check_result(result, backend) for backend in ("numpy", "torch")}
    return refuted(result, prove(correction), text)


# --- claims that fail --------------------------------------------------------------------------------


def _multi_in_with_conv() -> Finding:
    def notes(B: Any, X: Any, W: Any) -> tuple[Any, Any]:  # H = Σ_d X_d ⊗ W_d, with ⊗ the convolution
        total = B.conv2d(X[0], W[0])
        for c in range(1, B.shape(X)[0]):
            total = B.add(total, B.conv2d(X[c], W[c]))
        return total, B.corr2d_multi_in(X, W)

    def corrected(B: Any, X: Any, W: Any) -> tuple[Any, Any]:
        total = B.corr2d(X[0], W[0])
        for c in range(1, B.shape(X)[0]):
            total = B.add(total, B.corr2d(X[c], W[c]))
        return total, B.corr2d_multi_in(X, W)

    shapes, ranges = dict(X=("c", "n", "n"), W=("c", "k", "k")), dict(c=(1, 2), n=range(2, 4), k=range(1, 3))
    return refuted(
        verify(Claim(notes, shapes, ranges, "multi_in_with_conv")),
        verify(Claim(corrected, shapes, ranges, "multi_in_with_corr")),
        "H = Σ_d X_d * W_d (cross-correlation, what the code and its numbers compute)",
    )


def _multi_out_sum_over_p() -> Finding:
    def notes(B: Any, X: Any, W: Any) -> tuple[Any, Any]:  # [H]_{c_o,i,j} = Σ_p Σ_d (...): summed over p
        c_o = B.shape(W)[0]
        total = B.corr2d_multi_in(X, W[0])
        for q in range(1, c_o):
            total = B.add(total, B.corr2d_multi_in(X, W[q]))
        return B.stack([total] * c_o), B.corr2d_multi_in_out(X, W)

    def corrected(B: Any, X: Any, W: Any) -> tuple[Any, Any]:
        return B.stack([B.corr2d_multi_in(X, W[q]) for q in range(B.shape(W)[0])]), B.corr2d_multi_in_out(X, W)

    shapes = dict(X=("c", "n", "n"), W=("o", "c", "k", "k"))
    ranges = dict(o=(1, 2), c=(1, 2), n=(2, 3), k=(1, 2))
    return refuted(
        verify(Claim(notes, shapes, ranges, "multi_out_summed_over_p")),
        verify(Claim(corrected, shapes, ranges, "multi_out_per_channel")),
        "[H]_{p,i,j} = Σ_d Σ_{a,b} V_{p,d,a,b} X_{d,i+a−1,j+b−1} + b_p: one output channel per p, no sum over p",
    )


def _regulariser_gradient() -> Finding:
    lam = sympy.Symbol("lambda", positive=True)
    W = sympy.Matrix(2, 2, sympy.symbols("w1:5", real=True))
    norm2 = sum(w**2 for w in W)
    grad = sympy.Matrix(2, 2, [sympy.diff(lam * norm2, w) for w in W])
    notes_value = lam * sympy.sqrt(norm2)  # λ‖W‖_F, a scalar
    at = {**dict(zip(W, (1, 0, 0, 0))), lam: 1}
    cx = {"W": [[1, 0], [0, 0]], "lambda": 1, "true gradient": grad.subs(at).tolist(), "notes": notes_value.subs(at)}
    confirmed = {}
    try:
        import torch

        t = torch.tensor([[1.0, 0.0], [0.0, 0.0]], dtype=torch.float64, requires_grad=True)
        (g,) = torch.autograd.grad((t**2).sum(), t)
        confirmed["torch"] = "ok" if g.tolist() == [[2.0, 0.0], [0.0, 0.0]] else "failed"
    except ImportError:
        confirmed["torch"] = "skipped"
    w0, h = np.array([[1.0, 0.0], [0.0, 0.0]]), 0.5  # central differences are exact on a quadratic
    fd = np.zeros((2, 2))
    for idx in np.ndindex(2, 2):
        e = np.zeros((2, 2))
        e[idx] = h
        fd[idx] = (((w0 + e) ** 2).sum() - ((w0 - e) ** 2).sum()) / (2 * h)
    confirmed["numpy"] = "ok" if fd.tolist() == [[2.0, 0.0], [0.0, 0.0]] else "failed"
    proved = grad == 2 * lam * W
    return Finding(
        "fails",
        "∂(λ‖W‖_F²)/∂W is the matrix 2λW, not the scalar λ‖W‖_F",
        counterexample=cx,
        correction="∂(λ‖W‖_F²)/∂W = 2λW" + (" (proved by SymPy differentiation)" if proved else " (NOT proved)"),
        confirmed_by=confirmed,
    )


def _bias_scalar_vs_matrix() -> Finding:
    def notes(B: Any, X: Any, W: Any, Bpd: Any, delta: Any) -> tuple[Any, Any]:  # ∂ℓ/∂B_{p,d} = δ_p
        return B.bias_pair_vjp(X, W, Bpd, delta, 1, 0, 1), delta

    def corrected(B: Any, X: Any, W: Any, Bpd: Any, delta: Any) -> tuple[Any, Any]:
        sums = B.reshape(B.sum_spatial(delta), (B.shape(W)[0], 1))
        return B.bias_pair_vjp(X, W, Bpd, delta, 1, 0, 1), B.matmul(sums, B.ones((1, B.shape(W)[1])))

    out = lambda z: z["n"] - z["k"] + 1  # noqa: E731
    shapes = dict(X=(1, "n", "n"), W=(1, 1, "k", "k"), Bpd=(1, 1), delta=(1, out, out))
    ranges = dict(n=(1, 2, 3), k=(1, 2))
    return refuted(
        verify(Claim(notes, shapes, ranges, "bias_grad_is_delta", where=_fits)),
        verify(Claim(corrected, shapes, ranges, "bias_grad_is_sum", where=_fits)),
        "∂ℓ/∂B_{p,d} = Σ_{i,j} [δ_p]_{i,j}, a scalar, the same for every d (grad_bias_per_pair)",
    )


def _one_d_size() -> Finding:
    N, K, P, S = 4, 2, 0, 3
    stated = Fraction(N - K + P, S) + 1

    true = output_size(N, K, S, (0, P))
    return imprecise(
        "condition",
        f"(N − K + P)/S + 1 is the count only when S divides N − K + P: N=4, K=2, P=0, S=3 gives {stated}, "
        f"the windows number {true} (also P/2 per end needs P even)",
        correction="⌊(N − K + P)/S⌋ + 1 (output_size_formula, proved for all sizes)",
        counterexample={"N": N, "K": K, "P": P, "S": S, "notes": str(stated), "windows": true},
    )


# --- the items ----------------------------------------------------------------------------------------


def _typo(text: str, then: str) -> Any:
    return lambda: imprecise("typo", text, correction=then)


ITEMS: list[Item] = [
    Item("6.0", "MLP parameters for a 12M-pixel RGB image", "W ∈ R^{100×36M}: 3.6B parameters", _fc_params),
    Item(
        "6.0",
        "fully connected edges",
        "M_l × M_{l−1} connections",
        lambda: arithmetic(7 * 5, 5 * 7, "edges between layers of 7 and 5 neurons"),
    ),
    Item(
        "6.1.1",
        "fully connected layer written out",
        r"[Σ_{j=1}^d x^{(j)} w_{1,j} + b_1, Σ_{d=1}^d x^{(j)} w_{2,j} + b_2, …]; [x^{(1)}, x^{(2),⋯,x^{(d)}}]",
        _typo(
            "Σ_{d=1}^d should be Σ_{j=1}^d, and the braces of x^{(2)} are misplaced", "h_i = Σ_j w_{i,j} x^{(j)} + b_i"
        ),
    ),
    Item("6.1.1", "reindexing W into V", "Σ_{k,l} W_{i,j,k,l} X_{k,l} = Σ_{a,b} V_{i,j,a,b} X_{i+a,j+b}", _fc_reindex),
    Item(
        "6.1.1",
        "shifting the object shifts the output",
        "平移: a shifted object only shifts H, the values do not change; V_{i,j,a,b} = V_{a,b}, B_{i,j} = b",
        _shift_moves_output,
    ),
    Item(
        "6.1.1",
        "fewer parameters than the fully connected layer",
        "the coefficients V_{a,b} are far fewer than the W_{i,j,a,b}",
        lambda: theorem("fc_to_corr_params"),
    ),
    Item("6.1.1", "locality", "H_{i,j} = Σ_{a,b=−Δ}^{Δ} V_{a,b} X_{i+a,j+b} + b", _locality),
    Item(
        "6.1.1",
        "from a fully connected layer to a convolution",
        "Σ_{k,l} W_{i,j,k,l} X_{k,l} + B_{i,j} with V_{i,j,a,b} = V_{a,b}, B_{i,j} = b and locality "
        "= Σ_{a,b=−Δ}^{Δ} V_{a,b} X_{i+a,j+b} + b",
        lambda: theorem("fc_to_corr"),
    ),
    Item(
        "6.1.1",
        "1-D conv layer parameters",
        "a K-dimensional weight and one bias: K + 1 parameters",
        lambda: theorem("param_count"),
    ),
    Item("6.1.2", "1-D convolution", "y_t = Σ_{k=1}^K w_k x_{t−k+1}", _conv1d_definition),
    Item("6.1.2", "signal decay example", "y_t = x_t + ½x_{t−1} + ¼x_{t−2} = Σ_k w_k x_{t−k+1}", _signal_decay),
    Item("6.1.2", "2-D convolution", "[H]_{ij} = Σ_{a,b} W_{ab} X_{i−a+1,j−b+1}, i ∈ [1, n_h−k_h+1]", _conv2d_ranges),
    Item("6.1.2", "the y_35 example", "y_35 = Σ w_{a,b} X_{3−a+1,5−b+1} = w_11 X_35 + w_33 X_13", _y35),
    Item("6.1.2", "flip then multiply", "W ⊗ X = i·A + h·B + g·C + … + a·I", _rot_letters),
    Item(
        "6.1.2",
        "cross-correlation",
        r"[H]_{ij} = Σ_{a,b} \mathbf[{W}]_{ab} [X]_{i+a−1,j+b−1}",
        _typo(r"\mathbf[{W}]_{ab} should be [\mathbf{W}]_{ab}; the formula holds (corr2d)", "corr2d"),
    ),
    Item(
        "6.1.2",
        "convolution = correlation with rot180",
        "Y = W ⊗ X = rot180(W) * X",
        lambda: theorem("conv_eq_corr_rot180"),
    ),
    Item(
        "6.1.2",
        "convolution as a matrix product",
        "用矩阵乘法实现卷积运算需要先进行翻转再相乘，后续计算与二维互相关运算相等",
        _matrix_form,
    ),
    Item(
        "6.1.2",
        "kernels learned by convolution and by correlation",
        "K' flipped is K",
        lambda: theorem("conv_eq_corr_rot180"),
    ),
    Item(
        "6.1.2",
        "first-derivative filter",
        "w = [1/2, 0, −1/2] gives x'_t = (x_{t+1} − x_{t−1})/2",
        lambda: _shifted_filter([sympy.Rational(1, 2), 0, -sympy.Rational(1, 2)], "(x_{t+1} − x_{t−1})/2", 1),
    ),
    Item(
        "6.1.2",
        "second-derivative filter",
        "w = [1, −2, 1] gives x''_t = x_{t+1} − 2x_t + x_{t−1}",
        lambda: _shifted_filter([1, -2, 1], "x_{t+1} − 2x_t + x_{t−1}", 2),
    ),
    Item(
        "6.1.2",
        "mean filter",
        "w_{ab} = 1/(AB)",
        lambda: example(
            lambda B: B.add(B.corr2d(X3, np.full((2, 2), 0.25)), B.mul(B.pool2d(X3, 2, 1, mode="avg"), -1.0)),
            np.zeros((2, 2)),
            "correlation with 1/(AB) minus stride-1 average pooling",
        ),
    ),
    Item("6.1.3", "output size", "(n_h − k_h + 1) × (n_w − k_w + 1)", lambda: theorem("output_size_narrow")),
    Item(
        "6.1.4",
        "corr2d example",
        "corr2d(X, K) = [[19, 25], [37, 43]]",
        lambda: example(lambda B: B.corr2d(B.asarray(X3), B.asarray(K2)), [[19, 25], [37, 43]], "corr2d"),
    ),
    Item(
        "6.1.4",
        "edge detection",
        "Y = corr2d(X, [[1, −1]]): 1 at white→black, −1 at black→white",
        lambda: example(
            lambda B: B.corr2d(B.asarray(_edge_image()), B.asarray([[1.0, -1.0]])),
            [[0, 1, 0, 0, 0, -1, 0]] * 6,
            "6×8 edge image",
        ),
    ),
    Item("6.1.4", "learning the edge kernel", "after 10 epochs K ≈ [[1.0010, −0.9739]]", lambda: _learned_kernel()),
    Item(
        "6.1.5", "receptive field", "z sees 9 elements of X through two 2×2 layers", lambda: theorem("receptive_field")
    ),
    Item("6.2", "ten 5×5 layers", "240×240 → 200×200", lambda: arithmetic(240 - 10 * (5 - 1), 200, "240 − 10·(5 − 1)")),
    Item("6.2.1", "1-D output size", "(N − K + P)/S + 1 with P/2 zeros at each end", _one_d_size),
    Item("6.2.1", "narrow convolution", "S = 1, P = 0: N − K + 1", lambda: theorem("output_size_narrow")),
    Item("6.2.1", "same-width convolution", "S = 1, P = K − 1: N", lambda: theorem("output_size_same")),
    Item("6.2.1", "wide convolution", "S = 1, P = 2K − 2: N + K − 1", lambda: theorem("output_size_wide")),
    Item(
        "6.2.2",
        "padding adds rows and columns",
        "p_h rows and p_w columns increase the rows and columns by p_w and p_h",
        _typo("p_w and p_h are swapped: the rows grow by p_h, the columns by p_w", "(n_h + p_h) × (n_w + p_w)"),
    ),
    Item(
        "6.2.2",
        "output shape with padding",
        "(n_h + p_h − k_h + 1) × (n_w + p_w − k_2 + 1)",
        _typo("k_2 should be k_w; the formula holds (output_size_notes_form with s = 1)", "output_size_notes_form"),
    ),
    Item("6.2.2", "same padding", "p_h = k_h − 1, p_w = k_w − 1 keeps the shape", lambda: theorem("output_size_same")),
    Item(
        "6.2.2",
        "even kernels",
        "k_h even: ⌈p_h/2⌉ rows on top, ⌊p_h/2⌋ at the bottom",
        lambda: _even_padding(),
    ),
    Item(
        "6.2.2",
        "padding examples",
        "Conv2d(k=3, p=1) and Conv2d(k=(5,3), p=(2,1)) on 8×8 give 8×8",
        lambda: example(
            lambda B: B.asarray(
                [
                    B.shape(B.corr2d(B.asarray(np.zeros((8, 8))), B.asarray(np.ones((3, 3))), padding=1)),
                    B.shape(B.corr2d(B.asarray(np.zeros((8, 8))), B.asarray(np.ones((5, 3))), padding=(2, 1))),
                ]
            ),
            [[8, 8], [8, 8]],
            "output shapes",
        ),
    ),
    Item(
        "6.2.2",
        "the stride figure",
        "p_h = p_2 = 2; strides 3 down and 2 across; Y is 2×2",
        lambda: _stride_figure(),
    ),
    Item(
        "6.2.2", "output shape with stride", "⌊(n_h + p_h − k_h + s_h)/s_h⌋", lambda: theorem("output_size_notes_form")
    ),
    Item("6.2.2", "p = k − 1 with stride", "⌊(n_h + s_h − 1)/s_h⌋", lambda: theorem("output_size_same_strided")),
    Item("6.2.2", "divisible input", "s | n: n_h/s_h × n_w/s_w", lambda: theorem("output_size_stride_divides")),
    Item(
        "6.2.2",
        "stride example",
        "Conv2d(k=3, p=1, s=2) on 8×8 gives 4×4",
        lambda: example(
            lambda B: B.asarray(B.shape(B.corr2d(B.asarray(np.zeros((8, 8))), B.asarray(np.ones((3, 3))), 2, 1))),
            [4, 4],
            "output shape",
        ),
    ),
    Item(
        "6.2.2",
        "wide convolution in 2-D",
        "p_w = 2(h_w − 1): (n_h + k_h − 1) × (n_w + k_w − 1)",
        _typo("h_w should be k_w; the size holds (output_size_wide)", "output_size_wide"),
    ),
    Item("6.2.2", "wide convolution commutes", "W ⊗~ X = X ⊗~ W", lambda: theorem("full_conv_comm")),
    Item(
        "6.2.2",
        "wide cross-correlation commutes",
        "相应的宽互相关也有交换性: rot180(W) *~ X = rot180(X) *~ W",
        lambda: _wide_corr_words(),
    ),
    Item("6.2.3", "multi-input formula", "H = Σ_d (X_d ⊗ W_d + [b]_d)", _multi_in_with_conv),
    Item(
        "6.2.3",
        "corr2d_multi_in example",
        "[[56, 72], [104, 120]]",
        lambda: example(lambda B: B.corr2d_multi_in(B.asarray(X2C), B.asarray(K2C)), [[56, 72], [104, 120]], "example"),
    ),
    Item(
        "6.2.3",
        "multi-output formula",
        "[H]_{c_o,i,j} = Σ_p Σ_d (Σ_{a,b} V_{p,d,a,b} X_{d,i+a−1,j+b−1} + B_{p,d})",
        _multi_out_sum_over_p,
    ),
    Item(
        "6.2.3",
        "three output channels K, K+1, K+2",
        "[[56,72],[104,120]], [[76,100],[148,172]], [[96,128],[192,224]]",
        lambda: example(
            lambda B: B.corr2d_multi_in_out(B.asarray(X2C), B.asarray(np.stack([np.array(K2C) + q for q in range(3)]))),
            [[[56, 72], [104, 120]], [[76, 100], [148, 172]], [[96, 128], [192, 224]]],
            "example",
        ),
    ),
    Item(
        "6.2.3",
        "1×1 convolution",
        "X_{n_h n_w × c_i} W^T_{c_o × c_i} = H_{n_h n_w × c_o}",
        lambda: theorem("conv1x1_eq_matmul"),
    ),
    Item("6.2.4", "time complexity", "O(c_o c_i k_h k_w m_h m_w)", lambda: theorem("flop_count")),
    Item(
        "6.2.4",
        "one layer",
        "c = 100, k = 5, m = 64: 1 GFLOP",
        lambda: arithmetic(100 * 100 * 5 * 5 * 64 * 64, 1024 * 10**6, "1024·10^6 ≈ 1 GFLOP"),
    ),
    Item(
        "6.2.4",
        "ten layers, a million samples",
        "10 P",
        lambda: arithmetic(10 * 10**6 * 1024 * 10**6, 1024 * 10**13, "1.024·10^16 ≈ 10 P"),
    ),
    Item(
        "6.2.4",
        "CPU time",
        "0.15 T per second: about 18 h",
        lambda: imprecise(
            "rounding",
            f"10^16/(0.15·10^12) s = {10**16 / 0.15e12 / 3600:.1f} h; the exact 1.024·10^16 needs "
            f"{1.024e16 / 0.15e12 / 3600:.1f} h: 18.5–19 h, rounded down to 18",
            correction="≈ 18.5 h (flop_count_notes_figures)",
        ),
    ),
    Item("6.2.4", "GPU time", "12 T per second: about 14 min", lambda: theorem("flop_count_notes_figures")),
    Item(
        "6.3.1",
        "multi-channel parameter count",
        "c_o × c_i × k_h × k_w + c_o × c_i (one bias per kernel)",
        lambda: theorem("param_count_notes"),
    ),
    Item(
        "6.3.1",
        "the 5×5 / 3×3 / stride 2 example",
        "(5 + 2 + 2 − 3)/2 = 3",
        lambda: arithmetic(Fraction(5 + 2 + 2 - 3, 2), 3, "⌊(n + p_h + s − k)/s⌋ with total padding p_h = 2"),
    ),
    Item("6.3.1", "narrow 1-D layer", "M_l = M_{l−1} − (K − 1)", lambda: theorem("output_size_narrow")),
    Item(
        "6.3.1",
        "2-D output size",
        "m_h × m_w = ((m_{w−1} + p_w + s_w − k_w)/s_w × (m_{h−1} + p_h + s_h − k_h)/s_h)",
        lambda: imprecise(
            "condition",
            "needs the floor (e.g. m = 4, p = 0, s = 3, k = 3: 4/3 is not a size) and lists w before h",
            correction="⌊(m + p_h + s − k)/s⌋ (output_size_notes_form)",
            counterexample={"m": 4, "p": 0, "s": 3, "k": 3, "notes": "4/3", "windows": 1},
        ),
    ),
    Item("6.3.1", "max pooling", "y_d = max(R_d)", lambda: theorem("grad_max_pool")),
    Item(
        "6.3.1",
        "max pooling tolerates a one-pixel shift",
        "2×2 的池化层容忍1个像素的左或右偏移",
        lambda: _refuted_theorem(
            "max_pool_shift_invariance",
            "max_pool_window_permutation",
            "max pooling is invariant under any permutation of the cells inside a window: a shift that keeps the "
            "window's maximum inside the same window leaves the output unchanged, one that crosses a window border "
            "does not",
        ),
    ),
    Item(
        "6.3.1",
        "average pooling",
        "y_d = 1/|R_d| Σ_{x_i ∈ [X]_d} x_i",
        _typo(
            "the sum runs over the window [R]_d, not the channel [X]_d; with padding PyTorch divides by the cells "
            "inside the padded input (count_include_pad)",
            "grad_avg_pool",
        ),
    ),
    Item(
        "6.3.1",
        "hand-written pool2d",
        "max [[4, 5], [7, 8]], avg [[2, 3], [5, 6]]",
        lambda: example(
            lambda B: B.stack([B.pool2d(B.asarray(X3), 2, 1), B.pool2d(B.asarray(X3), 2, 1, mode="avg")]),
            [[[4, 5], [7, 8]], [[2, 3], [5, 6]]],
            "stride-1 pooling",
        ),
    ),
    Item(
        "6.3.1",
        "MaxPool2d(3)",
        "[[10]]; (4 + 3 − 3)/3 = 1",
        lambda: _pool_example(3, None, 0, [[10]], "(4 + 3 − 3)/3 = 4/3, not 1: the floor is needed"),
    ),
    Item(
        "6.3.1",
        "MaxPool2d(3, padding=1, stride=2)",
        "[[5, 7], [13, 15]]; (4 + 1 + 2 − 3)/2 = 2",
        lambda: _pool_example(3, 2, 1, [[5, 7], [13, 15]], "the padding counts twice: ⌊(4 + 2 + 2 − 3)/2⌋ = 2"),
    ),
    Item(
        "6.3.1",
        "MaxPool2d((2, 3), stride=(2, 3), padding=(0, 1))",
        "[[5, 7], [13, 15]]; (4 − 2 + 0 + 2)/2 = 2, (4 − 3 + 3 + 1)/3 = 2",
        lambda: _pool_example(
            (2, 3),
            (2, 3),
            (0, 1),
            [[5, 7], [13, 15]],
            "(4 − 3 + 3 + 1)/3 = 5/3; with both sides' padding ⌊(4 + 2 − 3 + 3)/3⌋ = 2",
        ),
    ),
    Item(
        "6.3.1",
        "two-channel pooling",
        "[[5, 7], [13, 15]] and [[6, 8], [14, 16]]",
        lambda: example(
            lambda B: B.pool2d(B.asarray(np.stack([X44, X44 + 1])), 3, 2, 1),
            [[[5, 7], [13, 15]], [[6, 8], [14, 16]]],
            "MaxPool2d(3, padding=1, stride=2)",
        ),
    ),
    Item("6.3.2", "parameters per layer", "c_o × c_i × (k_h × k_w + 1)", lambda: theorem("param_count_notes")),
    Item("6.3.2", "regularised update", "W ← W − η(… + λ‖W‖_F)", _regulariser_gradient),
    Item(
        "6.3.2",
        "kernel gradient",
        "∂f/∂W_{ab} = Σ_{i,j} ∂f/∂H_{ij} X_{i+a−1,j+b−1}; ∂f/∂W = ∂f/∂H * X",
        lambda: theorem("grad_weight_eq_corr"),
    ),
    Item(
        "6.3.2",
        "input gradient entries",
        "∂f/∂X_{st} = Σ_{i,j} ∂f/∂H_{ij} W_{s−i+1,t−j+1}",
        lambda: theorem("grad_input_eq_full_conv"),
    ),
    Item(
        "6.3.2",
        "lower index bound",
        "1 − (n_h − w_h + 1) + 1 = 1 − (n_h − k_h)",
        _typo(
            "w_h should be k_h; W is padded by n_h − k_h on each side, 2(n_h − k_h) in all", "grad_input_eq_full_conv"
        ),
    ),
    Item(
        "6.3.2",
        "input gradient",
        "∂f/∂X = δ ⊗~ W = rot180(W) *~ δ = rot180(δ) *~ W",
        lambda: theorem("grad_input_eq_full_conv"),
    ),
    Item("6.3.2", "multi-channel kernel gradient", "∂ℓ/∂W_{p,d} = δ_p * X_d", lambda: theorem("grad_multi_channel")),
    Item("6.3.2", "bias gradient", "∂ℓ/∂B_{p,d} = ∂ℓ/∂H_p = δ_p", _bias_scalar_vs_matrix),
    Item(
        "6.3.2",
        "layer l's net input",
        "H_p^{(l)} = Σ_d (W^{(l)}_{p,d} * X^{(l)}_d + B^{(l+1)}_{p,d})",
        _typo("B^{(l+1)} should be B^{(l)}", "delta_recursion"),
    ),
    Item(
        "6.3.2",
        "the activation's derivative",
        "f'_l(H_p) is a c_o × c_o diagonal matrix",
        lambda: imprecise(
            "notation",
            "f'_l acts entry by entry on the m_h × m_w map H_p: a Hadamard product ⊙, not a c_o × c_o matrix",
            correction="δ_p = f'(H_p) ⊙ (…) (delta_recursion)",
        ),
    ),
    Item(
        "6.3.2",
        "error term of a conv layer",
        "δ_p = f'(H_p) ⊙ Σ_q rot180(W_{q,p}) *~ δ_q",
        lambda: theorem("delta_recursion"),
    ),
    Item(
        "6.3.2",
        "max pooling's up(·)",
        "each δ goes to the neuron holding the window's maximum",
        lambda: imprecise(
            "condition",
            "only without ties (proved: grad_max_pool); at a tie PyTorch picks the first maximum (grad_max_pool_ties)",
            correction="grad_max_pool under 'no ties'; grad_max_pool_ties for the 'first' and 'split' policies",
        ),
    ),
    Item(
        "6.3.2",
        "average pooling's up(·)",
        "each δ is spread evenly over its window",
        lambda: imprecise(
            "condition",
            "evenly over the window's cells only without padding: with count_include_pad the padding cells' "
            "shares are lost (grad_pool_mass), and ceil-mode windows use a smaller divisor (grad_avg_pool)",
            correction="grad_avg_pool: δ_w / N_w with PyTorch's divisor N_w",
        ),
    ),
]


# --- helpers used above -----------------------------------------------------------------------------


def _shifted_filter(w: list[Any], stated: str, order: int) -> Finding:

    x = sympy.symbols("x1:8")
    y = conv1d(list(x), w)  # y_t for t = 3 … 7 (1-based)
    t = 4  # y_4 (0-based y[1]) is centred at x_3: the notes' formula evaluated at t − 1
    centred = (x[t - 1] - x[t - 3]) / 2 if order == 1 else x[t - 1] - 2 * x[t - 2] + x[t - 3]
    ok = sympy.expand(y[t - 3] - centred) == 0
    return imprecise(
        "shift",
        f"with the notes' convolution y_t = Σ w_k x_{{t−k+1}}, y_{t} = {y[t - 3]}: {stated} at t − 1 = {t - 1} "
        + ("(checked)" if ok else "(NOT reproduced)"),
        correction=f"y_t = {stated.replace('t+1', 't').replace('t−1', 't−2').replace('x_t', 'x_{t−1}')}: "
        "the filter output is the derivative at t − 1 (or use cross-correlation centred at t)",
    )


def _learned_kernel() -> Finding:
    """The least-squares kernel is exactly [1, −1]; the printed 1.0010, −0.9739 depend on the random start."""
    X = _edge_image()
    rows = [[X[r, c], X[r, c + 1]] for r in range(6) for c in range(7)]
    target = [X[r, c] - X[r, c + 1] for r in range(6) for c in range(7)]
    solution, *_ = np.linalg.lstsq(np.array(rows), np.array(target), rcond=None)
    ok = np.allclose(solution, [1, -1])
    return Finding(
        "holds" if ok else "fails",
        f"the loss is zero exactly at K = {np.round(solution, 12).tolist()} (unique); ten SGD steps from a random "
        "start land near it, so the printed digits are not reproducible",
    )


def _even_padding() -> Finding:

    mistake = next(m for m in MISTAKES if m.name == "same_padding_even_kernel_centred")
    bad = mistake.refute()
    return imprecise(
        "condition",
        "one possible convention; PyTorch's padding='same' puts the extra row at the bottom (⌊p_h/2⌋ on top): "
        f"with the notes' split the outputs differ, e.g. {bad.counterexample}",
        correction=mistake.correction,
        counterexample=bad.counterexample.to_dict() if bad.counterexample else None,
    )


def _stride_figure() -> Finding:

    shape = (output_size(3, 2, 3, 1), output_size(3, 2, 2, 1))
    return imprecise(
        "typo",
        f"p_2 should be p_w; 3×3 input, 2×2 kernel, padding 1 per side, strides (3, 2): output {shape}; "
        "from Y_{1,2} to Y_{2,1} the window moves 3 down and 2 back to the left",
        correction="p_h = p_w = 2 (in total)",
    )


def _wide_corr_words() -> Finding:

    literal = prove("full_corr_comm")
    rotated = prove("full_corr_rot180_comm", general=True)
    return imprecise(
        "notation",
        f"the formula holds ({rotated.verdict} for all sizes), but the words 'wide cross-correlation is "
        f"commutative' are false: W *~ X = X *~ W is {literal.verdict} ({literal.counterexample})",
        correction="W *~ X = rot180(X *~ W) (full_corr_eq_rot180_swap)",
        counterexample=literal.counterexample.to_dict() if literal.counterexample else None,
    )


def _pool_example(kernel: Any, stride: Any, padding: Any, expected: Any, arithmetic_note: str) -> Finding:
    values = example(lambda B: B.pool2d(B.asarray(X44), kernel, stride, padding), expected, "MaxPool2d")
    if values.verdict != "holds":
        return values
    return imprecise("rounding", f"the output is reproduced ({values.evidence}); but {arithmetic_note}")
