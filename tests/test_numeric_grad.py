"""The NumPy vector-Jacobian products against torch.autograd (float64, small integers: exact equality)."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from symconv.errors import ParameterError, ShapeError
from symconv.numeric.grad import conv2d_vjp, corr2d_multi_in_out_vjp, corr2d_vjp, pool2d_vjp
from symconv.spec import conv_window

RNG = np.random.default_rng(1)
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same'")


def ints(*shape: int, low: int = -4, high: int = 5) -> np.ndarray:
    return RNG.integers(low, high, size=shape).astype(np.float64)


def t(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.array(a, dtype=np.float64))


def torch_vjp(f, *arrays: np.ndarray | None, scale: int = 1) -> tuple[np.ndarray, list]:
    """A random integer delta of f's output shape (times ``scale``) and torch's gradients for the arrays."""
    ts = [None if a is None else t(a).requires_grad_() for a in arrays]
    out = f(*ts)
    delta = ints(*out.shape) * scale
    grads = torch.autograd.grad(out, [x for x in ts if x is not None], t(delta))
    return delta, [g.numpy() for g in grads]


def equal(ours: np.ndarray, theirs: np.ndarray) -> bool:
    return ours.shape == theirs.shape and ours.dtype == np.float64 and np.array_equal(ours, theirs)


def torch_corr(X, K, stride, padding, dilation, groups=1, bias=None):
    """F.conv2d on (N, C, H, W); strings other than 'full' go to torch as they are, the rest through F.pad."""
    if not isinstance(padding, str) or padding == "full":
        win = conv_window(tuple(X.shape[-2:]), tuple(K.shape[-2:]), 1, padding, dilation)
        (top, bottom), (left, right) = win.padding
        X, padding = F.pad(X, (left, right, top, bottom)), 0
    return F.conv2d(X, K, bias, stride=stride, padding=padding, dilation=dilation, groups=groups)


CONV_CASES = [  # (stride, padding, dilation)
    (1, 0, 1),
    (2, 1, 2),
    (2, ((0, 1), (2, 1)), 1),
    (1, "same", 1),
    (1, "same", 2),
    (1, "full", 1),
    ((3, 1), (1, 2), (2, 1)),
    ((1, 2), "valid", (1, 2)),
]


@pytest.mark.parametrize("flip", [False, True], ids=["corr2d", "conv2d"])
@pytest.mark.parametrize("xshape, kshape", [((7, 8), (3, 2)), ((2, 6, 7), (2, 2)), ((5, 5), (1, 1))])
@pytest.mark.parametrize("stride, padding, dilation", CONV_CASES)
def test_corr_conv_vjp_equals_torch(flip, xshape, kshape, stride, padding, dilation):
    X, K = ints(*xshape), ints(*kshape)

    def f(x, k):
        x4 = x.reshape(-1, 1, *x.shape[-2:])
        y = torch_corr(x4, (k.flip(0, 1) if flip else k)[None, None], stride, padding, dilation)
        return y.reshape(*x.shape[:-2], *y.shape[-2:])

    delta, (tX, tK) = torch_vjp(f, X, K)
    dX, dK = (conv2d_vjp if flip else corr2d_vjp)(X, K, delta, stride, padding, dilation)
    assert equal(dX, tX) and equal(dK, tK)


@pytest.mark.parametrize(
    "xshape, kshape, groups, with_bias, stride, padding, dilation",
    [
        ((4, 6, 7), (6, 2, 3, 3), 2, True, 2, 1, 2),
        ((2, 4, 6, 7), (6, 2, 3, 2), 2, True, 1, "same", 1),
        ((3, 5, 6), (2, 3, 2, 2), 1, False, 1, ((0, 2), (1, 0)), 1),
        ((2, 4, 5, 5), (8, 1, 3, 3), 4, True, (2, 1), (1, 0), (1, 2)),
        ((1, 4, 4), (1, 1, 4, 4), 1, False, 1, 0, 1),
    ],
)
def test_multi_in_out_vjp_equals_torch(xshape, kshape, groups, with_bias, stride, padding, dilation):
    X, K, b = ints(*xshape), ints(*kshape), ints(kshape[0])

    def f(x, k, bias):
        y = torch_corr(x.reshape(-1, *x.shape[-3:]), k, stride, padding, dilation, groups, bias)
        return y.reshape(*x.shape[:-3], *y.shape[-3:])

    delta, (tX, tK, tb) = torch_vjp(f, X, K, b)  # torch's bias gradient doubles as db for bias=None
    dX, dK, db = corr2d_multi_in_out_vjp(X, K, delta, b if with_bias else None, stride, padding, dilation, groups)
    assert equal(dX, tX) and equal(dK, tK) and equal(db, tb)


def test_multi_in_out_vjp_matches_single_channel():
    X, K = ints(5, 6), ints(2, 3)
    delta = ints(4, 4)
    dX, dK, db = corr2d_multi_in_out_vjp(X[None], K[None, None], delta[None])
    cX, cK = corr2d_vjp(X, K, delta)
    assert np.array_equal(dX[0], cX) and np.array_equal(dK[0, 0], cK) and db.tolist() == [delta.sum()]


# ---------------------------------------------------------------- pooling


def test_max_all_ties_goes_to_top_left():
    """Every 2x2 window of zeros(3, 3) is all ties: 'first' routes each delta to the window's top-left cell."""
    delta = np.array([[1.0, 2.0], [3.0, 4.0]])
    expected = np.array([[1.0, 2.0, 0.0], [3.0, 4.0, 0.0], [0.0, 0.0, 0.0]])
    assert equal(pool2d_vjp(np.zeros((3, 3)), delta, 2, stride=1), expected)
    x = t(np.zeros((3, 3))).requires_grad_()
    (theirs,) = torch.autograd.grad(F.max_pool2d(x[None], 2, stride=1)[0], x, t(delta))
    assert equal(theirs.numpy(), expected)


def test_max_split_by_hand():
    """'split': a quarter of each window's delta to each of its four tied cells."""
    delta = np.array([[4.0, 8.0], [12.0, 16.0]])
    expected = np.array([[1.0, 3.0, 2.0], [4.0, 10.0, 6.0], [3.0, 7.0, 4.0]])
    assert equal(pool2d_vjp(np.zeros((3, 3)), delta, 2, stride=1, tie="split"), expected)


MAX_CASES = [  # kernel_size, stride, padding, dilation, ceil_mode
    (2, 1, 0, 1, False),
    (3, 1, 1, 1, False),
    (3, 2, 1, 1, True),
    ((2, 3), (1, 2), (1, 1), 1, True),
    (2, 1, 1, 2, False),
    (3, 2, 0, 2, True),
    (2, 3, 1, 1, True),
]


@pytest.mark.parametrize("kernel_size, stride, padding, dilation, ceil_mode", MAX_CASES)
@pytest.mark.parametrize("xshape", [(6, 7), (2, 3, 5, 6)])
def test_max_first_equals_torch_with_ties(xshape, kernel_size, stride, padding, dilation, ceil_mode):
    X = ints(*xshape, low=0, high=2)  # zeros and ones: ties everywhere, windows overlap

    def f(x):
        x4 = x.reshape(-1, *x.shape[-3:]) if x.ndim == 4 else x[None]
        y = F.max_pool2d(x4, kernel_size, stride, padding, dilation, ceil_mode=ceil_mode)
        return y.reshape(*x.shape[:-2], *y.shape[-2:])

    delta, (theirs,) = torch_vjp(f, X)
    ours = pool2d_vjp(X, delta, kernel_size, stride, padding, "max", dilation, ceil_mode)
    assert equal(ours, theirs)
    assert ours.sum() == delta.sum()  # every window's delta lands on exactly one cell
    split = pool2d_vjp(X, delta, kernel_size, stride, padding, "max", dilation, ceil_mode, tie="split")
    assert np.isclose(split.sum(), delta.sum(), rtol=0, atol=1e-12)


def test_max_all_minus_inf_ties_among_cells_inside_X():
    """Padding is -inf too, but never receives gradient: an all -inf window ties among its cells in X."""
    X = np.full((1, 3, 4), -np.inf)
    delta, (theirs,) = torch_vjp(lambda x: F.max_pool2d(x, 2, stride=1, padding=1, dilation=(1, 2)), X)
    assert equal(pool2d_vjp(X, delta, 2, stride=1, padding=1, dilation=(1, 2)), theirs)
    split = pool2d_vjp(X, delta, 2, stride=1, padding=1, dilation=(1, 2), tie="split")
    assert np.isclose(split.sum(), delta.sum(), rtol=0, atol=1e-12)


@pytest.mark.parametrize("tie", ["first", "split"])
def test_max_window_of_padding_only_sends_nothing(tie):
    """k=2, d=3, p=1 on a 2x2 input: the one window reads two padding cells.  (Not compared with torch: its
    max_pool2d returns index 6 for this 4-cell input, and its backward writes out of bounds.)"""
    X = np.arange(4.0).reshape(1, 2, 2)
    with np.errstate(all="raise"):
        dX = pool2d_vjp(X, [[[1.0]]], 2, stride=1, padding=1, dilation=3, tie=tie)
    assert equal(dX, np.zeros((1, 2, 2)))


def test_max_policies_agree_without_ties():
    X = RNG.standard_normal((2, 7, 7))
    delta = ints(2, 4, 4)
    first = pool2d_vjp(X, delta, 3, stride=2, padding=1)
    assert np.array_equal(first, pool2d_vjp(X, delta, 3, stride=2, padding=1, tie="split"))


@pytest.mark.parametrize("block", [(2, 3), (3, 3), (4, 2)])
def test_max_split_equals_amax_on_single_windows(block):
    """Non-overlapping windows are independent single windows: 'split' is torch.amax's backward on each."""
    bh, bw = block
    X = ints(2, 2 * bh, 3 * bw, low=0, high=2)
    delta, (theirs,) = torch_vjp(lambda x: x.reshape(2, 2, bh, 3, bw).amax(dim=(2, 4)), X, scale=12)
    assert equal(pool2d_vjp(X, delta, block, tie="split"), theirs)
    delta, (theirs,) = torch_vjp(lambda x: x.amax(dim=(-2, -1)), X[0, :bh, :bw], scale=12)
    assert equal(pool2d_vjp(X[0, :bh, :bw], delta[None, None], block, tie="split"), theirs)


AVG_CASES = [  # kernel_size, stride, padding, ceil_mode
    (2, None, 0, False),
    (3, 2, 1, False),
    (3, 2, 1, True),
    ((2, 3), (2, 2), (1, 1), True),
    (3, 1, 1, False),
    (2, 3, 1, True),
]


@pytest.mark.parametrize("kernel_size, stride, padding, ceil_mode", AVG_CASES)
@pytest.mark.parametrize("count_include_pad", [True, False])
@pytest.mark.parametrize("divisor_override", [None, 4])
def test_avg_equals_torch(kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    X = ints(2, 7, 6)
    kwargs = {"ceil_mode": ceil_mode, "count_include_pad": count_include_pad, "divisor_override": divisor_override}

    def f(x):
        return F.avg_pool2d(x, kernel_size, stride, padding, **kwargs)

    delta, (theirs,) = torch_vjp(f, X, scale=2520)  # 2520 = lcm(1..9): every division is exact
    ours = pool2d_vjp(X, delta, kernel_size, stride, padding, "avg", **kwargs)
    assert equal(ours, theirs)
    delta, (theirs,) = torch_vjp(f, X)  # inexact divisions
    ours = pool2d_vjp(X, delta, kernel_size, stride, padding, "avg", **kwargs)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


@pytest.mark.parametrize("kernel_size, stride", [(2, None), (3, 1), ((2, 3), (1, 2)), (3, 2)])
def test_avg_mass_conservation_without_padding(kernel_size, stride):
    X = ints(7, 8)
    delta = ints(*F.avg_pool2d(t(X)[None], kernel_size, stride).shape[-2:])
    dX = pool2d_vjp(X, delta, kernel_size, stride, mode="avg")
    assert np.isclose(dX.sum(), delta.sum(), rtol=0, atol=1e-12)


def test_dtypes():
    assert pool2d_vjp(np.zeros((2, 2), np.float32), np.ones((1, 1), np.float32), 2).dtype == np.float32
    dX, dK = corr2d_vjp(np.ones((3, 3), int), np.ones((2, 2), int), np.ones((2, 2), int))
    assert dX.dtype == dK.dtype == np.float64
    exact = pool2d_vjp(np.zeros((2, 2), object), np.array([[Fraction(1)]], object), 2, tie="split")
    assert exact.tolist() == [[Fraction(1, 4)] * 2] * 2


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: corr2d_vjp(np.ones((3, 3)), np.ones((2, 2)), np.ones((3, 3))),
            ShapeError,
            r"^corr2d_vjp: delta: got an array of shape \(3, 3\); expected the forward output's shape \(2, 2\)$",
        ),
        (
            lambda: conv2d_vjp(np.ones((4, 4)), np.ones((2, 2)), [1, 2], stride=2),
            ShapeError,
            r"^conv2d_vjp: delta: got \[1, 2\]; expected the forward output's shape \(2, 2\)$",
        ),
        (
            lambda: corr2d_multi_in_out_vjp(np.ones((2, 3, 3)), np.ones((4, 2, 2, 2)), np.ones((3, 2, 2))),
            ShapeError,
            r"delta: got an array of shape \(3, 2, 2\); expected the forward output's shape \(4, 2, 2\)",
        ),
        (
            lambda: pool2d_vjp(np.ones((2, 4, 4)), np.ones((2, 2)), 2),
            ShapeError,
            r"^pool2d_vjp: delta: .*expected the forward output's shape \(2, 2, 2\)$",
        ),
        (
            lambda: pool2d_vjp(np.ones((4, 4)), np.ones((2, 2)), 2, tie="last"),
            ParameterError,
            r"^pool2d_vjp: tie: got 'last'; expected 'first' or 'split'$",
        ),
        (
            lambda: pool2d_vjp(np.ones((4, 4)), np.ones((2, 2)), 2, mode="min"),
            ParameterError,
            r"mode: got 'min'",
        ),
        (
            lambda: pool2d_vjp(np.ones((4, 4)), np.ones((2, 2)), 2, mode="avg", divisor_override=0),
            ParameterError,
            r"divisor_override: got 0",
        ),
        (
            lambda: pool2d_vjp(np.ones((4, 4)), np.ones((2, 2)), 2, count_include_pad=1),
            ParameterError,
            r"count_include_pad: got 1; expected True or False",
        ),
        (
            lambda: corr2d_vjp(np.ones((3, 3)), np.ones((2, 2)), np.ones((2, 2)), stride=0),
            ParameterError,
            r"^corr2d_vjp: stride: got 0",
        ),
        (
            lambda: corr2d_vjp(np.ones((3, 3)), np.ones((4, 4)), np.ones((1, 1))),
            ShapeError,
            r"^corr2d_vjp: kernel: .*fits the padded input",
        ),
        (
            lambda: corr2d_vjp(np.ones((3, 3)), np.ones((2, 2)), np.ones((2, 2)), stride=2, padding="same"),
            ParameterError,
            r"padding: got 'same'",
        ),
        (
            lambda: corr2d_multi_in_out_vjp(np.ones((3, 3, 3)), np.ones((4, 1, 2, 2)), np.ones((4, 2, 2)), groups=2),
            ParameterError,
            r"groups: got 2; expected a divisor of both c_i=3 and c_o=4",
        ),
        (
            lambda: corr2d_multi_in_out_vjp(np.ones((2, 3, 3)), np.ones((4, 1, 2, 2)), np.ones((4, 2, 2))),
            ShapeError,
            r"^corr2d_multi_in_out_vjp: K: .*c_i/groups=2",
        ),
        (
            lambda: corr2d_multi_in_out_vjp(np.ones((2, 3, 3)), np.ones((4, 2, 2, 2)), np.ones((4, 2, 2)), [1, 2]),
            ShapeError,
            r"bias: got \[1, 2\]; expected shape \(c_o,\) = \(4,\)",
        ),
        (
            lambda: corr2d_vjp(np.ones(3), np.ones((2, 2)), np.ones((2, 2))),
            ShapeError,
            r"^corr2d_vjp: X: got an array of shape \(3,\); expected rank 2 \(H, W\) or 3 \(N, H, W\)$",
        ),
    ],
    ids=itertools.count(),
)
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
