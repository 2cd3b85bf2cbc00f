"""Symbolic operators: index formulas, shapes, PyTorch conventions, pinned errors."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import symconv as sc
from symconv import numeric

torch_backend = pytest.importorskip("symconv.backends.torch")
pytest.importorskip("torch")


def test_symbols_are_one_based_and_real():
    X = sc.symbols("x", (2, 3))
    assert str(X[0, 0]) == "x_{1,1}" and str(X[1, 2]) == "x_{2,3}"
    assert X[0, 0].is_real
    assert str(sc.symbols("w", 3)[2]) == "w_{3}"


def test_corr2d_entry_is_the_index_formula():
    X, W = sc.symbols("x", (3, 4)), sc.symbols("w", (2, 2))
    H = sc.corr2d(X, W)
    for i in range(2):
        for j in range(3):
            expected = sum(W[a, b] * X[i + a, j + b] for a in range(2) for b in range(2))
            assert sympy.expand(H[i, j] - expected) == 0


def test_conv2d_entry_is_the_flipped_index_formula():
    X, W = sc.symbols("x", (3, 3)), sc.symbols("w", (2, 2))
    H = sc.conv2d(X, W)
    # notes: [H]_{ij} = sum_{a,b} W_{ab} X_{i-a+1, j-b+1}, i, j counted from the window's last cell
    for i in range(2):
        for j in range(2):
            expected = sum(W[a, b] * X[i + 1 - a, j + 1 - b] for a in range(2) for b in range(2))
            assert sympy.expand(H[i, j] - expected) == 0


def test_padding_stride_dilation_entry():
    X, W = sc.symbols("x", (5, 5)), sc.symbols("w", (2, 2))
    H = sc.corr2d(X, W, stride=2, padding=1, dilation=2)
    assert H.shape == (3, 3)
    # window (1, 1) starts at (2*1 - 1, 2*1 - 1) = (1, 1); taps 2 apart
    assert H[1, 1] == W[0, 0] * X[1, 1] + W[0, 1] * X[1, 3] + W[1, 0] * X[3, 1] + W[1, 1] * X[3, 3]
    # window (0, 0) starts in the padding: only the tap at (1, 1) is real
    assert H[0, 0] == W[1, 1] * X[1, 1]


def test_asymmetric_and_same_padding():
    x, w = sc.symbols("x", 3), sc.symbols("w", 2)
    assert sc.corr1d(x, w, padding=(0, 1))[2] == w[0] * x[2]
    assert sc.corr1d(x, w, padding="same").tolist() == sc.corr1d(x, w, padding=(0, 1)).tolist()
    assert sc.corr1d(x, w, padding="full").shape == (4,)


def test_pad_and_rot180():
    assert sc.pad([[1, 2]], ((1, 0), (0, 2))).tolist() == [[0, 0, 0, 0], [1, 2, 0, 0]]
    K = sc.symbols("w", (2, 2, 2, 3))
    R = sc.rot180(K)
    assert R[1, 0, 0, 0] == K[1, 0, 1, 2]
    assert sc.rot180(sc.rot180(K)) == K


def test_groups_and_bias():
    X = sc.symbols("x", (4, 3, 3))
    K = sc.symbols("w", (2, 2, 2, 2))
    b = sc.symbols("b", 2)
    H = sc.corr2d_multi_in_out(X, K, bias=b, groups=2)
    assert H.shape == (2, 2, 2)
    # output channel 1 reads input channels 2 and 3 only
    assert H[1, 0, 0].free_symbols & set(sc.symbols("x", (4, 3, 3))[0].tolist()[0]) == set()
    expected = sum(K[1, c, a, bb] * X[2 + c, a, bb] for c in range(2) for a in range(2) for bb in range(2)) + b[1]
    assert sympy.expand(H[1, 0, 0] - expected) == 0


def test_pool_divisors_follow_pytorch():
    X = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    include = sc.pool2d(X, 2, padding=1, mode="avg")
    exclude = sc.pool2d(X, 2, padding=1, mode="avg", count_include_pad=False)
    assert include[0, 0] == sympy.Rational(1, 4) and exclude[0, 0] == 1
    assert sc.pool2d(X, 2, padding=1, mode="avg", divisor_override=3)[1, 1] == sympy.Rational(5 + 6 + 8 + 9, 3)
    # ceil mode: windows hanging past the padding count only cells inside it
    assert sc.pool2d(X, 2, stride=2, mode="avg", ceil_mode=True)[1, 1] == 9


def test_pool_ceil_mode_kernel_1_stride_2():
    X = np.zeros((1, 32))
    assert sc.pool2d(X, (1, 1), stride=(1, 2), ceil_mode=True).shape == (1, 16)


def test_max_pool_symbolic_is_max_of_window():
    X = sc.symbols("x", (2, 2))
    assert sc.pool2d(X, 2)[0, 0] == sympy.Max(*X.tolist()[0], *X.tolist()[1])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: sc.corr2d([1, 2, 3], [[1]]),
            sc.ShapeError,
            r"corr2d: X: got an array of shape \(3,\); expected rank 2",
        ),
        (lambda: sc.corr2d([[1, 2]], [[1, 2, 3]]), sc.ShapeError, r"corr2d: kernel: got \(1, 3\); expected a kernel"),
        (lambda: sc.corr2d([[1, 2], [3]], [[1]]), sc.ShapeError, r"corr2d: X: got .*; expected a rectangular array"),
        (lambda: sc.corr2d([[1, 2]], [[1]], stride=0), sc.ParameterError, r"corr2d: stride: got 0; expected"),
        (lambda: sc.conv2d([[1, 2]], [[1]], dilation=0), sc.ParameterError, r"conv2d: dilation: got 0; expected"),
        (lambda: sc.corr2d([[1, 2]], [[1]], padding=-1), sc.ParameterError, r"corr2d: padding: got -1; expected"),
        (lambda: sc.corr2d([[1, 2]], [[1]], padding="half"), sc.ParameterError, r"corr2d: padding: got 'half'"),
        (lambda: sc.corr1d([1, 2], [1], stride=1.0), sc.ParameterError, r"corr1d: stride: got 1.0; expected"),
        (
            lambda: sc.corr2d_multi_in(np.zeros((2, 3, 3)), np.zeros((3, 2, 2))),
            sc.ShapeError,
            r"corr2d_multi_in: K: got an array of shape \(3, 2, 2\); expected c_i=2 kernels",
        ),
        (
            lambda: sc.corr2d_multi_in_out(np.zeros((3, 3, 3)), np.zeros((2, 1, 2, 2)), groups=2),
            sc.ParameterError,
            r"corr2d_multi_in_out: groups: got 2; expected a divisor of both c_i=3 and c_o=2",
        ),
        (
            lambda: sc.corr2d_multi_in_out(np.zeros((2, 3, 3)), np.zeros((2, 2, 2, 2)), bias=[1, 2, 3]),
            sc.ShapeError,
            r"corr2d_multi_in_out: bias: got an array of shape \(3,\); expected shape \(c_o,\) = \(2,\)",
        ),
        (lambda: sc.pool2d(np.zeros((4, 4)), 2, mode="sum"), sc.ParameterError, r"pool2d: mode: got 'sum'"),
        (
            lambda: sc.pool2d(np.zeros((4, 4)), 2, padding=2),
            sc.ParameterError,
            r"pool2d: padding: got 2; expected at most half the window",
        ),
        (lambda: sc.pool2d(np.zeros(4), 2), sc.ShapeError, r"pool2d: X: got an array of shape \(4,\); expected rank 2"),
        (lambda: sc.symbols("x", (2, 0)), sc.ShapeError, r"symbols: shape: got \(2, 0\); expected a positive int"),
    ],
)
def test_errors_name_parameter_value_and_expectation(call, error, message):
    with pytest.raises(error, match=message):
        call()


def _three(op, *args, **kwargs):
    sym = np.array(getattr(sc, op)(*args, **kwargs).tolist(), dtype=float)
    num = np.asarray(getattr(numeric, op)(*args, **kwargs), dtype=float)
    tor = getattr(torch_backend, op)(*args, **kwargs).cpu().numpy()
    return sym, num, tor


@settings(max_examples=40, deadline=None)
@given(
    n=st.tuples(st.integers(1, 6), st.integers(1, 6)),
    k=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    s=st.integers(1, 3),
    p=st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 2), st.integers(0, 2)),
    d=st.integers(1, 2),
    seed=st.integers(0, 2**16),
)
def test_corr2d_three_systems_agree(n, k, s, p, d, seed):
    pads = ((p[0], p[1]), (p[2], p[3]))
    if any(d * (kk - 1) + 1 > nn + lo + hi for nn, kk, (lo, hi) in zip(n, k, pads)):
        return
    rng = np.random.default_rng(seed)
    X, K = rng.integers(-3, 4, size=n), rng.integers(-3, 4, size=k)
    sym, num, tor = _three("corr2d", X, K, stride=s, padding=pads, dilation=d)
    assert sym.shape == num.shape == tor.shape
    assert np.array_equal(sym, num) and np.array_equal(sym, tor)


@settings(max_examples=40, deadline=None)
@given(
    n=st.tuples(st.integers(1, 7), st.integers(1, 7)),
    k=st.integers(1, 3),
    s=st.integers(1, 3),
    p=st.integers(0, 1),
    d=st.integers(1, 2),
    ceil=st.booleans(),
    mode=st.sampled_from(["max", "avg"]),
    include=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_pool2d_three_systems_agree(n, k, s, p, d, ceil, mode, include, seed):
    if mode == "avg":
        d = 1
    if p > k // 2 or any(d * (k - 1) + 1 > nn + 2 * p + (s - 1 if ceil else 0) for nn in n):
        return
    X = np.random.default_rng(seed).integers(-3, 4, size=(2, *n))
    kwargs = dict(stride=s, padding=p, dilation=d, ceil_mode=ceil, mode=mode, count_include_pad=include)
    sym, num, tor = _three("pool2d", X, k, **kwargs)
    assert sym.shape == num.shape == tor.shape
    assert np.allclose(sym, num, rtol=0, atol=1e-12) and np.allclose(sym, tor, rtol=0, atol=1e-12)
    if mode == "max":
        assert np.array_equal(sym, tor)
