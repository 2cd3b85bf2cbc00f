"""Symbolic derivatives against torch.autograd and the NumPy VJP reference."""

import numpy as np
import pytest
import sympy

import symconv as sc
from symconv.numeric import grad as ngrad
from symconv.symbolic import grad as sgrad

tb = pytest.importorskip("symconv.backends.torch")
pytest.importorskip("torch")


def ints(rng, *shape):
    return rng.integers(-3, 4, size=shape)


def exact(array):
    return np.array(array.tolist() if hasattr(array, "tolist") else array, dtype=float)


def test_vjp_differentiates_the_forward_operator():
    X, W, D = sc.symbols("x", (3, 3)), sc.symbols("w", (2, 2)), sc.symbols("δ", (2, 2))
    dX, dW = sgrad.corr2d_vjp(X, W, D)
    # ∂ℓ/∂w_{1,1} = Σ_ij δ_ij x_ij, read off the derivative, not written down
    assert sympy.expand(dW[0, 0] - sum(D[i, j] * X[i, j] for i in range(2) for j in range(2))) == 0
    assert dX[2, 2] == D[1, 1] * W[1, 1]


@pytest.mark.parametrize(
    "kw",
    [dict(stride=2, padding=1, dilation=2), dict(stride=(2, 1), padding=((1, 0), (0, 2))), dict(padding="same")],
)
def test_corr2d_gradients_three_systems(kw):
    rng = np.random.default_rng(1)
    X, K = ints(rng, 6, 5), ints(rng, 2, 3)
    delta = ints(rng, *np.shape(sc.numeric.corr2d(X, K, **kw)))
    expected = [exact(g) for g in sgrad.corr2d_vjp(X, K, delta, **kw)]
    for got in (ngrad.corr2d_vjp(X, K, delta, **kw), tb.corr2d_vjp(X, K, delta, **kw)):
        for g, e in zip(got, expected):
            assert np.array_equal(exact(g), e)


def test_groups_gradients_three_systems():
    rng = np.random.default_rng(2)
    X, K, b = ints(rng, 4, 4, 4), ints(rng, 6, 2, 2, 2), ints(rng, 6)
    kw = dict(stride=1, padding=1, dilation=(1, 2), groups=2)
    delta = ints(rng, *np.shape(sc.numeric.corr2d_multi_in_out(X, K, b, **kw)))
    expected = [exact(g) for g in sgrad.corr2d_multi_in_out_vjp(X, K, delta, b, **kw)]
    for got in (ngrad.corr2d_multi_in_out_vjp(X, K, delta, b, **kw), tb.corr2d_multi_in_out_vjp(X, K, delta, b, **kw)):
        for g, e in zip(got, expected):
            assert np.array_equal(exact(g), e)


X_TIED = [[1, 3, 3], [3, 0, 2], [1, 3, 1]]
DELTA = [[1, 2], [3, 4]]


def test_tied_max_window_routing_first_element_by_element():
    # windows (row-major): {1,3,3,0} -> (0,1); {3,3,0,2} -> (0,1); {3,0,1,3} -> (1,0); {0,2,3,1} -> (2,1)
    expected = [[0, 3, 0], [3, 0, 0], [0, 4, 0]]
    assert sgrad.pool2d_vjp(X_TIED, DELTA, 2, stride=1, tie="first").tolist() == expected
    assert exact(ngrad.pool2d_vjp(X_TIED, DELTA, 2, stride=1, tie="first")).tolist() == expected
    assert exact(tb.pool2d_vjp(X_TIED, DELTA, 2, stride=1)).tolist() == expected  # torch's own max_pool2d backward


def test_tied_max_window_routing_split_element_by_element():
    half = sympy.Rational(1, 2)
    expected = [[0, 3 * half, 1], [2, 0, 0], [0, 11 * half, 0]]
    assert sgrad.pool2d_vjp(X_TIED, DELTA, 2, stride=1, tie="split").tolist() == expected
    as_float = [[float(v) for v in row] for row in expected]
    assert exact(ngrad.pool2d_vjp(X_TIED, DELTA, 2, stride=1, tie="split")).tolist() == as_float
    assert exact(tb.pool2d_vjp(X_TIED, DELTA, 2, stride=1, tie="split")).tolist() == as_float


def test_sympy_max_derivative_is_not_a_routing():
    a, b, c = sympy.symbols("a b c", real=True)
    m = sympy.Max(a, b, c)
    at_tie = [m.diff(v).subs({a: 0, b: 0, c: 0}) for v in (a, b, c)]
    assert at_tie == [sympy.Rational(1, 2)] * 3
    assert sgrad.sympy_max_tie_mass(3) == sympy.Rational(3, 2)


def test_numeric_inputs_are_differentiated_through_fresh_symbols():
    dX, dK = sgrad.corr2d_vjp([[1, 2], [3, 4]], [[5]], [[1, 1], [1, 1]])
    assert dK.tolist() == [[10]] and dX.tolist() == [[5, 5], [5, 5]]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: sgrad.corr2d_vjp(np.zeros((3, 3)), np.zeros((2, 2)), np.zeros((3, 3))),
            sc.ShapeError,
            r"corr2d_vjp: delta: got an array of shape \(3, 3\); expected the output's shape \(2, 2\)",
        ),
        (
            lambda: sgrad.pool2d_vjp(X_TIED, DELTA, 2, stride=1, tie="last"),
            sc.ParameterError,
            r"pool2d_vjp: tie: got 'last'; expected None, 'first' or 'split'",
        ),
        (
            lambda: sgrad.pool2d_vjp(sc.symbols("x", (2, 2)), [[1]], 2, tie="first"),
            sc.ParameterError,
            r"pool2d_vjp: X: got .*; expected numbers: a tie policy routes by value",
        ),
        (
            lambda: sgrad.pool2d_vjp(X_TIED, DELTA, 2, stride=1, mode="avg", tie="first"),
            sc.ParameterError,
            r"pool2d_vjp: mode: got 'avg'; expected 'max' with a tie policy",
        ),
    ],
)
def test_gradient_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize(("n", "k", "s", "p", "d"), [(7, 3, 2, 1, 2), (6, 2, 3, 1, 1), (8, 3, 3, 2, 1)])
def test_input_gradient_is_conv_transpose_with_output_padding(n, k, s, p, d):
    """∂ℓ/∂X is torch's conv_transpose2d of δ with output_padding a = (n + 2p − d(k−1) − 1) mod s."""
    import torch

    rng = np.random.default_rng(3)
    X, W = ints(rng, n, n), ints(rng, k, k)
    delta = ints(rng, *np.shape(sc.numeric.corr2d(X, W, stride=s, padding=p, dilation=d)))
    a = (n + 2 * p - d * (k - 1) - 1) % s
    dX, _ = sgrad.corr2d_vjp(X, W, delta, stride=s, padding=p, dilation=d)
    t = torch.nn.functional.conv_transpose2d(
        torch.tensor(delta, dtype=torch.float64)[None, None],
        torch.tensor(W, dtype=torch.float64)[None, None],
        stride=s,
        padding=p,
        output_padding=a,
        dilation=d,
    )[0, 0]
    assert t.shape == (n, n)
    assert np.array_equal(t.numpy(), exact(dX))
