"""Issue 13, part A: the N-D operators against torch, their errors, and the new theorems' verdicts,
counterexamples and wrong variants.

(Every registered theorem is also proved and cross-checked in NumPy and torch by tests/test_theorems.py.)
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
import sympy

import symconv as sc
import symconv.symbolic as S
from symconv import numeric as npc
from symconv.backends import torch as tb
from symconv.errors import ParameterError, ShapeError
from symconv.prove.exact import prove_concrete
from symconv.spec import conv_window
from symconv.systems import NUMPY
from symconv.theorems import equivariance, fc, identities, matrix
from symconv.theorems.indexing import corr_nd, shift_index
from symconv.theorems.registry import get, normalize_sizes

torch = pytest.importorskip("torch")

NEW = {
    "fc_to_corr": "proved",
    "fc_to_corr_params": "proved",
    "shift_equivariance_circular": "proved",
    "shift_equivariance_interior": "proved",
    "shift_equivariance_zero_padding": "refuted",
    "shift_invariance": "refuted",
    "max_pool_shift_invariance": "refuted",
    "max_pool_window_permutation": "proved",
    "corr_eq_toeplitz_matmul": "proved",
    "corr_eq_im2col_matmul": "proved",
    "grad_input_eq_toeplitz_transpose": "proved",
    "corr_adjoint_transpose": "proved",
    "full_conv_assoc": "proved",
    "stacked_conv_eq_single": "proved",
    "stacked_conv_params": "proved",
    "separable_kernel": "proved",
    "dilation_eq_zero_insertion": "proved",
    "stride_eq_subsample": "proved",
    "corr_bilinear": "proved",
    "circular_conv_theorem": "proved",
    "avg_pool_eq_corr": "proved",
}
GRID = {"fc_to_corr_params", "stacked_conv_params"}
TWO_AND_THREE_D = {"separable_kernel"}  # a 1-D kernel is always "separable": the statement starts at 2-D


# ---------------------------------------------------------------- the N-D operators against torch


def _exact(symbolic, numeric, torch_value, exact: bool = True) -> None:
    """Equal shapes, and values bit for bit (integer inputs, no division), else to 1e-12 (averages)."""
    s = np.array(np.array(symbolic.tolist(), dtype=object), dtype=float)
    n, t = np.asarray(numeric, dtype=float), torch_value.cpu().numpy()
    assert s.shape == n.shape == t.shape
    if exact:
        assert np.array_equal(s, t) and np.array_equal(n, t), (s, n, t)
    else:
        assert np.allclose(s, t, rtol=0, atol=1e-12) and np.allclose(n, t, rtol=0, atol=1e-12), (s, n, t)


def _conv_cases(dims: int, count: int, seed: int):
    rng = np.random.default_rng(seed)
    while count:
        size, k = tuple(rng.integers(1, 5, dims)), tuple(rng.integers(1, 4, dims))
        s, d = tuple(int(v) for v in rng.integers(1, 3, dims)), tuple(int(v) for v in rng.integers(1, 3, dims))
        p = tuple((int(a), int(b)) for a, b in rng.integers(0, 3, (dims, 2)))
        try:
            conv_window(size, k, s, p, d)
        except ValueError:
            continue
        count -= 1
        yield rng.integers(-3, 4, size), rng.integers(-3, 4, k), s, p, d


@pytest.mark.parametrize("name", ["corr3d", "conv3d"])
def test_3d_correlation_and_convolution_match_torch(name):
    for X, K, s, p, d in _conv_cases(3, 25, seed=3):
        args = (s, p, d)
        _exact(
            getattr(S, name)(X.tolist(), K.tolist(), *args),
            getattr(npc, name)(X, K, *args),
            getattr(tb, name)(X, K, *args),
        )


def test_3d_padding_strings_and_symmetric_padding_go_to_torch_directly():
    X, K = np.arange(27).reshape(3, 3, 3) % 5, np.arange(8).reshape(2, 2, 2) - 3
    for padding in ("same", "full", "valid", 1, (1, 0, 1)):
        _exact(
            S.corr3d(X.tolist(), K.tolist(), padding=padding),
            npc.corr3d(X, K, padding=padding),
            tb.corr3d(X, K, padding=padding),
        )


def test_conv3d_is_corr3d_with_every_axis_flipped():
    X, K = S.symbols("x", (3, 2, 3)), S.symbols("w", (2, 1, 2))
    flipped = sympy.ImmutableDenseNDimArray(np.flip(np.array(K.tolist(), dtype=object)).tolist())
    assert S.conv3d(X, K) == S.corr3d(X, flipped)


def _pool_cases(dims: int, count: int, seed: int):
    rng = np.random.default_rng(seed)
    while count:
        size, k = tuple(int(v) for v in rng.integers(1, 5, dims)), tuple(int(v) for v in rng.integers(1, 4, dims))
        s = tuple(int(v) for v in rng.integers(1, 3, dims))
        p = tuple(int(rng.integers(0, kk // 2 + 1)) for kk in k)
        mode = ("max", "avg")[int(rng.integers(2))]
        d = tuple(int(v) for v in rng.integers(1, 3, dims)) if mode == "max" else 1
        divisor = (None, 3)[int(rng.integers(2))] if mode == "avg" else None
        args = (k, s, p, mode, d, bool(rng.integers(2)), bool(rng.integers(2)), divisor)
        X = rng.integers(-3, 4, ((2,) if rng.integers(2) else ()) + size)
        try:
            tb.pool3d(X, *args) if dims == 3 else tb.pool1d(X, *args)  # the windows fit (torch's avg_pool3d: k ≤ n)
        except ValueError:
            continue
        count -= 1
        yield X, args


@pytest.mark.parametrize("dims", [1, 3])
def test_pooling_matches_torch_forward_and_backward(dims):
    name = f"pool{dims}d"
    for X, args in _pool_cases(dims, 30, seed=dims):
        exact = args[3] == "max"
        _exact(getattr(S, name)(X.tolist(), *args), getattr(npc, name)(X, *args), getattr(tb, name)(X, *args), exact)
        if exact:  # distinct values: no ties, every policy agrees with SymPy's derivative
            X = np.random.default_rng(0).permutation(X.size).reshape(X.shape)
        delta = np.arange(getattr(npc, name)(X, *args).size).reshape(getattr(npc, name)(X, *args).shape) % 5 - 2
        for tie in ("first", "split"):
            numeric = getattr(npc, f"{name}_vjp")(X, delta, *args, tie=tie)
            torch_value = getattr(tb, f"{name}_vjp")(X, delta, *args, tie=tie)
            symbolic = getattr(S, f"{name}_vjp")(
                X.tolist(), delta.tolist(), *args, tie=tie if args[3] == "max" else None
            )
            _exact(symbolic, numeric, torch_value, exact)


def test_max_pool_ties_follow_each_policy_in_3d():
    X = [[[1, 1]], [[0, 1]]]  # one window, three tied maxima
    assert tb.pool3d_vjp(X, [[[6]]], (2, 1, 2)).tolist() == [[[6.0, 0.0]], [[0.0, 0.0]]]
    assert tb.pool3d_vjp(X, [[[6]]], (2, 1, 2), tie="split").tolist() == [[[2.0, 2.0]], [[0.0, 2.0]]]
    assert npc.pool3d_vjp(X, [[[6]]], (2, 1, 2), tie="split").tolist() == [[[2.0, 2.0]], [[0.0, 2.0]]]
    assert S.pool3d_vjp(X, [[[6]]], (2, 1, 2), tie="first").tolist() == [[[6, 0]], [[0, 0]]]


def test_a_window_of_padding_only_gets_no_gradient_and_no_crash():
    # taps at −1 and 1 of a one-cell input with padding 1, dilation 2: padding only (torch's own backward
    # would write out of bounds here); the explicit −inf padding routes it into the padding
    args = (2, 1, 1, "max", 2)
    assert tb.pool1d(np.array([5.0]), *args).tolist() == [-np.inf]
    assert tb.pool1d_vjp([5.0], [1.0], *args).tolist() == [0.0] == npc.pool1d_vjp([5.0], [1.0], *args).tolist()


@pytest.mark.parametrize("dims", [1, 3])
def test_3d_and_1d_gradients_agree_in_the_three_systems(dims):
    for X, K, s, p, d in _conv_cases(dims, 8, seed=10 + dims):
        out = corr_nd(npc, dims)(X, K, s, p, d)
        delta = np.arange(out.size).reshape(out.shape) % 7 - 3
        for kind in ("corr", "conv"):
            name = f"{kind}{dims}d_vjp"
            got = [getattr(sys, name)(X if sys is not S else X.tolist(), K, delta, s, p, d) for sys in (S, npc, tb)]
            for part in range(2):
                _exact(got[0][part], got[1][part], got[2][part])


def test_conv_transpose_matches_torch_and_is_the_adjoint():
    rng = np.random.default_rng(7)
    for dims, _ in itertools.product((1, 2, 3), range(8)):
        m, k = tuple(rng.integers(1, 4, dims)), tuple(rng.integers(1, 4, dims))
        s, d = tuple(int(v) for v in rng.integers(1, 4, dims)), tuple(int(v) for v in rng.integers(1, 3, dims))
        p = tuple(int(v) for v in rng.integers(0, 2, dims))
        op = tuple(int(rng.integers(0, max(a, b))) for a, b in zip(s, d))
        Y, W = rng.integers(-3, 4, m), rng.integers(-3, 4, k)
        try:
            out = npc.conv_transpose(Y, W, s, p, d, op)
        except ValueError:
            continue
        _exact(S.conv_transpose(Y.tolist(), W.tolist(), s, p, d, op), out, tb.conv_transpose(Y, W, s, p, d, op))
        X = rng.integers(-3, 4, out.shape)
        forward = corr_nd(npc, dims)(X, W, s, tuple((q, q) for q in p), d)
        if forward.shape == Y.shape:  # output_padding < s: the transposed output is X's shape
            assert np.sum(forward * Y) == np.sum(X * out)


# ---------------------------------------------------------------- errors name the function, parameter and value


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: sc.corr3d([[1]], [[1]]),
            ShapeError,
            r"corr3d: X: got an array of shape \(1, 1\); expected rank 3 \(D, H, W\)",
        ),
        (
            lambda: npc.corr3d(np.zeros((2, 2, 2)), np.zeros((2, 2))),
            ShapeError,
            r"corr3d: K: got an array of shape \(2, 2\); expected rank 3 \(k_d, k_h, k_w\)",
        ),
        (
            lambda: tb.conv3d(np.zeros((2, 2)), np.zeros((1, 1, 1))),
            ShapeError,
            r"conv3d: X: got an array of shape \(2, 2\); expected rank 3 \(D, H, W\)",
        ),
        (
            lambda: sc.conv3d(np.zeros((2, 2, 2)), np.zeros((3, 1, 1))),
            ShapeError,
            r"conv3d: kernel: got \(3, 1, 1\); expected a kernel that fits the padded input",
        ),
        (
            lambda: sc.corr3d(np.zeros((2, 2, 2)), np.zeros((1, 1, 1)), stride=(1, 0, 1)),
            ParameterError,
            r"corr3d: stride: got \(1, 0, 1\)",
        ),
        (
            lambda: sc.pool1d([1, 2], 3),
            ShapeError,
            r"pool1d: kernel: got 3; expected a kernel that fits the padded input",
        ),
        (
            lambda: sc.pool3d(np.zeros((2, 2, 2)), 2, padding=2),
            ParameterError,
            r"pool3d: padding: got 2; expected at most half the window, p <= k // 2 = 1",
        ),
        (
            lambda: npc.pool3d(np.zeros((2,) * 6), 1),
            ShapeError,
            r"pool3d: X: got an array of shape \(2, 2, 2, 2, 2, 2\); expected rank 3 \(D, H, W\), 4 \(C, D, H, W\)",
        ),
        (
            lambda: npc.pool1d(np.zeros(4), 2, mode="mean"),
            ParameterError,
            r"pool1d: mode: got 'mean'; expected 'max' or 'avg'",
        ),
        (
            lambda: tb.pool3d(np.zeros((1, 4, 1)), (1, 3, 3), padding=(0, 1, 1), mode="avg"),
            ShapeError,
            r"pool3d: kernel_size: got \(1, 3, 3\); expected at most the unpadded input \(1, 4, 1\)",
        ),
        (lambda: tb.pool1d_vjp([1.0, 2.0], [1.0], 2, tie="last"), ParameterError, r"pool1d_vjp: tie: got 'last'"),
        (
            lambda: tb.conv_transpose([1, 2], [1, 2], stride=2, output_padding=2),
            ParameterError,
            r"conv_transpose: output_padding: got 2; expected smaller than the stride or the dilation, < max\(s, d\)",
        ),
        (
            lambda: S.conv_transpose([1, 2], [1, 2], padding=(1, 0)),
            ParameterError,
            r"conv_transpose: padding: got \(1, 0\); expected a non-negative int or one per axis: a transposed",
        ),
        (
            lambda: npc.conv_transpose([1], [1, 1, 1], padding=2),
            ParameterError,
            r"conv_transpose: padding: got 2; expected at most what the output can lose",
        ),
        (
            lambda: S.conv_transpose([[1, 2]], [1, 2]),
            ShapeError,
            r"conv_transpose: W: got an array of shape \(2,\); expected rank 2 \(k_h, k_w\)",
        ),
    ],
)
def test_bad_input_is_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---------------------------------------------------------------- the theorems as data


def test_every_new_theorem_is_registered_with_its_expected_verdict_and_latex():
    for name, verdict in NEW.items():
        thm = get(name)
        assert thm.expected == verdict and thm.latex and thm.hypotheses, name
        if verdict == "refuted":
            assert thm.correction and get(thm.correction.split(":")[0]).expected == "proved"


def test_statements_are_proved_in_1d_2d_and_3d():
    for name in {name for name, verdict in NEW.items() if verdict == "proved"} - GRID:
        thm = get(name)
        dims = {len(normalize_sizes(s)["n"]) for s in thm.sizes}
        assert dims == ({2, 3} if name in TWO_AND_THREE_D else {1, 2, 3}), (name, dims)


def test_literal_invariance_claims_are_refuted_at_their_smallest_counterexample():
    cases = {
        "shift_invariance": ((2,), {"X": [0, 1], "W": [1]}),
        "shift_equivariance_zero_padding": ((2,), {"X": [1, 0], "W": [0, 1]}),
        "max_pool_shift_invariance": ((4,), {"X": [0, 1, 0, 0]}),
    }
    for name, (n, values) in cases.items():
        result = sc.prove(name)
        assert result.verdict == "refuted" and result.counterexample.sizes["n"] == n, name
        assert {k: list(v) for k, v in result.counterexample.values.items()} == values
        assert result.counterexample.lhs != result.counterexample.rhs
        assert sc.prove(get(name).correction.split(":")[0]).verdict == "proved"


def test_circular_convolution_by_windows_agrees_with_numpy_fft():
    rng = np.random.default_rng(0)
    X, W = rng.integers(-3, 4, (2, 3)), rng.integers(-3, 4, (2, 3))
    ours = identities.circular_conv(NUMPY, X.astype(float), W.astype(float))
    assert np.allclose(np.fft.fft2(ours), np.fft.fft2(X) * np.fft.fft2(W), rtol=0, atol=1e-12)


# ---------------------------------------------------------------- wrong variants must not be proved


def _wrong_circular(B, X, W, *, n, d, **_):  # the output shifted back instead of forward
    shifts = equivariance._unit_shifts(len(n))
    lhs = [equivariance.circular_corr(B, equivariance.shift(B, X, t, True), W, d) for t in shifts]
    rhs = [equivariance.shift(B, equivariance.circular_corr(B, X, W, d), tuple(-v for v in t), True) for t in shifts]
    return lhs, rhs


def _wrong_interior(B, X, W, *, n, k, s, p, d, **_):  # no mask: the boundary cells included
    window = conv_window(n, k, s, p, d)
    corr, t = corr_nd(B, len(n)), equivariance._unit_shifts(len(n))[0]
    moved = equivariance.shift(B, X, tuple(a * b for a, b in zip(t, window.stride)), False)
    return corr(moved, W, s, p, d), equivariance.shift(B, corr(X, W, s, p, d), t, False)


def _wrong_permutation(B, X, *, n, k, **_):  # a swap across two windows
    index = np.arange(int(np.prod(n))).reshape(n)
    flat = index.ravel()
    flat[0], flat[k[-1]] = flat[k[-1]], flat[0]
    pool = getattr(B, f"pool{len(n)}d")
    return pool(B.take(X, index), k), pool(X, k)


def _wrong_fc(B, X, V, u, *, n, k, **_):  # the notes' V read with a flipped offset: a convolution
    W = B.take(V, np.flip(fc.fc_weight_index(n, k).reshape(*n, -1), axis=-1).reshape(*n, *n).copy())
    U = B.add(B.mul(B.ones(n), 0), u[0])
    half = tuple((kk - 1) // 2 for kk in k)
    return fc.fully_connected(B, X, W, U, n), B.add(corr_nd(B, len(n))(X, V, padding=[(h, h) for h in half]), u[0])


def _wrong_toeplitz(B, X, W, *, n, k, s, p, d, **_):  # T(W)ᵀ where T(W) belongs
    window = conv_window(n, k, s, p, d)
    return matrix.vec(B, corr_nd(B, len(n))(X, W, s, p, d)), B.matmul(
        matrix.toeplitz(B, W, n, k, window, True), matrix.vec(B, X)
    )


def _wrong_im2col(B, X, W, **sizes):  # the windows multiplied by the kernel read backwards
    right = get("corr_eq_im2col_matmul").sides
    cells = np.arange(int(np.prod(B.shape(W)))).reshape(B.shape(W))
    backwards = B.take(W, np.flip(cells, axis=tuple(range(2, cells.ndim))).copy())
    return right(B, X, W, **sizes)[0], right(B, X, backwards, **sizes)[1]


def _wrong_grad_toeplitz(B, X, W, delta, *, n, k, s, p, d, **_):  # T(W) where T(W)ᵀ belongs
    window = conv_window(n, k, s, p, d)
    dX, _dW = getattr(B, f"corr{len(n)}d_vjp")(X, W, delta, s, p, d)
    return matrix.vec(B, dX), B.matmul(matrix.toeplitz(B, W, n, k, window), matrix.vec(B, delta))


def _wrong_adjoint(B, X, W, Y, **sizes):  # the transposed convolution with the kernel flipped
    window = conv_window(sizes["n"], sizes["k"], sizes["s"], sizes["p"], sizes["d"])
    flipped = B.take(W, np.flip(np.arange(int(np.prod(B.shape(W)))).reshape(B.shape(W))).copy())
    pads = tuple(lo for lo, _ in window.padding)
    back = B.conv_transpose(Y, flipped, window.stride, pads, window.dilation, identities.output_padding(window))
    forward = corr_nd(B, len(sizes["n"]))(X, W, sizes["s"], sizes["p"], sizes["d"])
    return identities.inner(B, forward, Y), identities.inner(B, X, back)


def _wrong_assoc(B, X, W1, W2, *, n, **_):  # the inner wide convolution replaced by a wide correlation
    conv, corr = getattr(B, f"conv{len(n)}d"), corr_nd(B, len(n))
    return conv(conv(X, W1, padding="full"), W2, padding="full"), conv(X, corr(W1, W2, padding="full"), padding="full")


def _wrong_stacked(B, X, W1, W2, *, n, s, **_):  # the second kernel not dilated by the stride
    corr, conv = corr_nd(B, len(n)), getattr(B, f"conv{len(n)}d")
    stride = (s,) * len(n) if isinstance(s, int) else s
    return corr(corr(X, W1, stride), W2, stride), corr(X, conv(W1, W2, padding="full"), tuple(v * v for v in stride))


def _wrong_separable(B, X, u, *, n, k, s, p, d, **_):  # the axes' vectors exchanged in the passes
    lhs, _rhs = get("separable_kernel").sides(B, X, u, n=n, k=k, s=s, p=p, d=d)
    reversed_u = B.take(u, np.arange(sum(k))[::-1].copy())
    _lhs, rhs = get("separable_kernel").sides(B, X, reversed_u, n=n, k=k, s=s, p=p, d=d)
    return lhs, rhs


def _wrong_dilation(B, X, W, *, n, k, s, p, d, **_):  # d zeros inserted instead of d − 1
    window = conv_window(n, k, s, p, d)
    corr = corr_nd(B, len(n))
    return corr(X, W, s, p, d), corr(X, B.dilate(W, tuple(v + 1 for v in window.dilation)), s, window.padding, 1)


def _wrong_stride(B, X, W, *, n, k, s, p, d, **_):  # keep cells 1, 1 + s, … (0-based): one cell late
    window = conv_window(n, k, s, p, d)
    full = corr_nd(B, len(n))(X, W, 1, window.padding, d)
    index = np.arange(int(np.prod(B.shape(full)))).reshape(B.shape(full))
    kept = index[tuple(slice(1, None, st) for st in window.stride)].copy()
    return corr_nd(B, len(n))(X, W, s, p, d), B.take(full, kept)


def _wrong_bilinear(B, X, Y, V, W, c, *, n, s, p, d, **_):  # α and β exchanged on one side
    lhs, _rhs = get("corr_bilinear").sides(B, X, Y, V, W, c, n=n, s=s, p=p, d=d)
    swapped = B.take(c, np.array([1, 0]))
    _lhs, wrong = get("corr_bilinear").sides(B, X, Y, V, W, swapped, n=n, s=s, p=p, d=d)
    return lhs, wrong


def _wrong_dft(B, X, W, **_):  # DFT(X) ⊙ conj(DFT(W)): the spectrum of the circular correlation
    re, im = B.dft(identities.circular_conv(B, X, W))
    xr, xi = B.dft(X)
    wr, wi = B.dft(W)
    return [re, im], [B.add(B.mul(xr, wr), B.mul(xi, wi)), B.add(B.mul(xi, wr), B.mul(B.mul(xr, wi), -1))]


def _wrong_avg(B, X, *, n, k, s, p, **_):  # count_include_pad=False: the padding is left out of |R|
    _lhs, rhs = get("avg_pool_eq_corr").sides(B, X, n=n, k=k, s=s, p=p)
    pad = (p,) * len(n) if isinstance(p, int) else p
    stride = (s,) * len(n) if isinstance(s, int) else s
    return getattr(B, f"pool{len(n)}d")(X, k, stride, pad, "avg", 1, False, False), rhs


WRONG = {
    "fc_to_corr": _wrong_fc,
    "shift_equivariance_circular": _wrong_circular,
    "shift_equivariance_interior": _wrong_interior,
    "max_pool_window_permutation": _wrong_permutation,
    "corr_eq_toeplitz_matmul": _wrong_toeplitz,
    "corr_eq_im2col_matmul": _wrong_im2col,
    "grad_input_eq_toeplitz_transpose": _wrong_grad_toeplitz,
    "corr_adjoint_transpose": _wrong_adjoint,
    "full_conv_assoc": _wrong_assoc,
    "stacked_conv_eq_single": _wrong_stacked,
    "separable_kernel": _wrong_separable,
    "dilation_eq_zero_insertion": _wrong_dilation,
    "stride_eq_subsample": _wrong_stride,
    "corr_bilinear": _wrong_bilinear,
    "circular_conv_theorem": _wrong_dft,
    "avg_pool_eq_corr": _wrong_avg,
}
#: Sizes at which a wrong variant is meaningful (square Toeplitz matrices, a padded pooling window, a stride).
WRONG_SIZES = {
    "corr_eq_toeplitz_matmul": [dict(n=(3,), k=(3,), p=1), dict(n=(3, 3), k=3, p=1)],
    "grad_input_eq_toeplitz_transpose": [dict(n=(3,), k=(3,), p=1), dict(n=(3, 3), k=3, p=1)],
    "avg_pool_eq_corr": [dict(n=(5,), k=(2,), s=2, p=1)],
}


def test_every_proved_new_theorem_has_a_wrong_variant():
    assert set(WRONG) == {name for name, verdict in NEW.items() if verdict == "proved"} - GRID


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_variants_are_not_proved(name):
    thm = dataclasses.replace(get(name), name=f"{name}_wrong", sides=WRONG[name], expected="refuted")
    sizes = [normalize_sizes(s) for s in WRONG_SIZES.get(name, thm.sizes)]
    result = prove_concrete(thm, sizes)
    assert result.verdict == "refuted", (name, result.verdict, result.detail)
    assert result.counterexample is not None


@pytest.mark.parametrize(
    ("module", "formula", "name"),
    [(fc, "_counts", "fc_to_corr_params"), (identities, "_stacked_counts", "stacked_conv_params")],
)
def test_a_wrong_counting_formula_is_refuted(monkeypatch, module, formula, name):
    right = getattr(module, formula)

    def off_by_one(*args):
        counts = right(*args)
        return (counts[0] + 1, *counts[1:])

    monkeypatch.setattr(module, formula, off_by_one)
    assert sc.prove(name).verdict == "refuted"


def test_the_shift_index_is_the_formula():
    assert shift_index((2, 3), (1, 1), circular=True).tolist() == [[5, 3, 4], [2, 0, 1]]
    assert shift_index((2, 3), (1, -1), circular=False).tolist() == [[-1, -1, -1], [1, 2, -1]]


def test_the_interior_masks_are_not_empty():
    # an empty mask would make shift_equivariance_interior true for nothing
    for raw in get("shift_equivariance_interior").sizes:
        z = normalize_sizes(raw)
        for t in equivariance._unit_shifts(len(z["n"]), both=True):
            assert equivariance.interior_mask(z["n"], z["k"], z["s"], z["p"], z["d"], t).sum() > 0, (raw, t)
