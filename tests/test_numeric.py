"""The NumPy reference against PyTorch (float64, small integers: exact equality) and its error messages."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
import sympy
import torch
import torch.nn.functional as F

from symconv import numeric as npc
from symconv.errors import ParameterError, ShapeError
from symconv.spec import output_size

RNG = np.random.default_rng(0)


def ints(*shape: int) -> np.ndarray:
    return RNG.integers(-4, 5, size=shape).astype(np.float64)


def t(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.array(a, dtype=np.float64))


def same(ours: np.ndarray, theirs: torch.Tensor) -> bool:
    return ours.shape == tuple(theirs.shape) and np.array_equal(ours, theirs.numpy())


# ---------------------------------------------------------------- the notes' examples


def test_notes_corr2d():
    Y = npc.corr2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]])
    assert Y.dtype == np.float64 and Y.tolist() == [[19, 25], [37, 43]]


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({"kernel_size": 3}, [[10]]),
        ({"kernel_size": 3, "padding": 1, "stride": 2}, [[5, 7], [13, 15]]),
        ({"kernel_size": (2, 3), "padding": (0, 1), "stride": (2, 3)}, [[5, 7], [13, 15]]),
    ],
)
def test_notes_max_pool(kwargs, expected):
    assert npc.pool2d(np.arange(16).reshape(4, 4), **kwargs).tolist() == expected


def test_ceil_mode_kernel_1_stride_2():
    X = ints(32, 32)
    Y = npc.pool2d(X, 1, stride=2, ceil_mode=True)
    assert Y.shape == (16, 16) and np.array_equal(Y, X[::2, ::2])


# ---------------------------------------------------------------- correlation and convolution vs torch

PADDINGS_2D = [0, 1, 2, (1, 0), ((0, 2), (1, 0)), ((2, 1), (0, 3)), "valid", "same", "full"]


def torch_corr2d(X, K, stride, padding, dilation, bias=None, groups=1):
    """F.conv2d on (N, c_i, H, W) float64 tensors; asymmetric padding through F.pad."""
    if isinstance(padding, tuple) and isinstance(padding[0], tuple):
        (top, bottom), (left, right) = padding
        X, padding = F.pad(X, (left, right, top, bottom)), 0
    elif padding == "full":
        padding = tuple(d * (k - 1) for k, d in zip(K.shape[-2:], (dilation, dilation), strict=True))
    return F.conv2d(X, K, bias, stride=stride, padding=padding, dilation=dilation, groups=groups)


CORR2D_GRID = [
    (ksize, s, p, d)
    for ksize, s, p, d in itertools.product([(1, 1), (2, 2), (3, 2), (1, 3)], [1, 2, 3], PADDINGS_2D, [1, 2])
    if p != "same" or s == 1
]


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("size", [(1, 1), (3, 4), (5, 5), (6, 3)])
def test_corr2d_and_conv2d_vs_torch(size):
    X = ints(2, *size)
    for ksize, s, p, d in CORR2D_GRID:
        K = ints(*ksize)
        try:
            expected = torch_corr2d(t(X)[:, None], t(K)[None, None], s, p, d)[:, 0]
        except RuntimeError:  # torch: the kernel does not fit the padded input
            with pytest.raises(ShapeError, match=r"kernel: got .*; expected a kernel that fits the padded input"):
                npc.corr2d(X, K, s, p, d)
            continue
        case = (ksize, s, p, d)
        assert same(npc.corr2d(X, K, s, p, d), expected), case  # batched
        assert same(npc.corr2d(X[1], K, s, p, d), expected[1]), case  # unbatched
        flipped = torch_corr2d(t(X)[:, None], t(K[::-1, ::-1])[None, None], s, p, d)[:, 0]
        assert same(npc.conv2d(X, K, s, p, d), flipped), case
        assert np.array_equal(npc.conv2d(X, K, s, p, d), npc.corr2d(X, npc.rot180(K), s, p, d)), case


def torch_corr1d(x, w, s, p, d):
    """F.conv1d on (N, L); a (left, right) pair through F.pad, 'full' as d(k-1)."""
    if isinstance(p, tuple):
        x, p = F.pad(x, p), 0
    elif p == "full":
        p = d * (len(w) - 1)
    return F.conv1d(x[:, None], w[None, None], stride=s, padding=p, dilation=d)[:, 0]


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("n", [1, 4, 7])
def test_corr1d_and_conv1d_vs_torch(n):
    x = ints(3, n)
    for k, s, p, d in itertools.product((1, 2, 3), (1, 2, 3), (0, 1, (2, 0), (0, 1), "valid", "same", "full"), (1, 2)):
        if p == "same" and s != 1:
            continue
        w = ints(k)
        try:
            expected = torch_corr1d(t(x), t(w), s, p, d)
        except RuntimeError:
            with pytest.raises(ShapeError, match="kernel: got"):
                npc.corr1d(x, w, s, p, d)
            continue
        assert same(npc.corr1d(x, w, s, p, d), expected), (k, s, p, d)
        assert same(npc.corr1d(x[0], w, s, p, d), expected[0]), (k, s, p, d)
        assert same(npc.conv1d(x, w, s, p, d), torch_corr1d(t(x), t(w[::-1]), s, p, d)), (k, s, p, d)


@pytest.mark.parametrize("n, k", [(1, 1), (5, 2), (4, 4), (3, 6)])
def test_full_convolution_is_the_textbook_one(n, k):
    """Wide convolution y_i = sum_a w_a x_{i-a}: np.convolve and scipy, not torch."""
    x, w = ints(n), ints(k)
    assert np.array_equal(npc.conv1d(x, w, padding="full"), np.convolve(x, w, "full"))
    signal = pytest.importorskip("scipy.signal")
    X, K = ints(n, n + 1), ints(k, 2)
    assert np.array_equal(npc.conv2d(X, K, padding="full"), signal.convolve2d(X, K, "full"))
    assert np.array_equal(npc.corr2d(X, K, padding="full"), signal.correlate2d(X, K, "full"))


@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_same_padding_puts_the_odd_cell_at_the_end():
    X, K = ints(5, 6), ints(2, 4)
    Y = npc.corr2d(X, K, padding="same")
    assert Y.shape == X.shape
    assert np.array_equal(Y, npc.corr2d(X, K, padding=((0, 1), (1, 2))))
    assert same(Y, F.conv2d(t(X)[None, None], t(K)[None, None], padding="same")[0, 0])


@pytest.mark.parametrize(
    "c_i, c_o, groups, s, p, d, bias",
    [
        (1, 1, 1, 1, 0, 1, False),
        (3, 2, 1, 1, 1, 1, True),
        (4, 6, 2, 2, 1, 1, True),
        (6, 3, 3, 1, ((1, 0), (0, 2)), 2, True),
        (4, 4, 4, 2, "full", 1, False),
        (2, 4, 1, 1, "same", 2, True),
    ],
)
def test_corr2d_multi_in_out_vs_torch(c_i, c_o, groups, s, p, d, bias):
    X, K = ints(2, c_i, 6, 5), ints(c_o, c_i // groups, 3, 2)
    b = ints(c_o) if bias else None
    expected = torch_corr2d(t(X), t(K), s, p, d, bias=None if b is None else t(b), groups=groups)
    assert same(npc.corr2d_multi_in_out(X, K, b, s, p, d, groups), expected)
    assert same(npc.corr2d_multi_in_out(X[0], K, b, s, p, d, groups), expected[0])
    if groups == 1:
        assert same(npc.corr2d_multi_in(X, K[0], s, p, d), expected[:, 0] - (0 if b is None else b[0]))


def test_corr2d_multi_in_sums_channels():
    X, K = ints(3, 4, 4), ints(3, 2, 2)
    Y = npc.corr2d_multi_in(X, K, padding=1)
    assert np.array_equal(Y, sum(npc.corr2d(X[c], K[c], padding=1) for c in range(3)))


# ---------------------------------------------------------------- pooling vs torch


def torch_pool(X, mode, k, s, p, d, ceil_mode, count_include_pad, divisor_override):
    if mode == "max":
        return F.max_pool2d(X, k, s, p, d, ceil_mode=ceil_mode)
    return F.avg_pool2d(X, k, s, p, ceil_mode, count_include_pad, divisor_override)


def pool_cases(mode):
    for k, s, ceil_mode in itertools.product([1, 2, 3, (2, 3)], [None, 1, 2, 3, (2, 1)], [False, True]):
        for p in range(min(np.atleast_1d(k)) // 2 + 1):
            if mode == "max":
                for d in (1, 2):
                    yield k, s, p, d, ceil_mode, True, None
            else:
                for cip, div in itertools.product([True, False], [None, 3]):
                    yield k, s, p, 1, ceil_mode, cip, div


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("size", [(1, 1), (4, 4), (5, 7), (7, 3)])
def test_pool2d_vs_torch(mode, size):
    X = ints(2, 3, *size)
    for k, s, p, d, ceil_mode, cip, div in pool_cases(mode):
        args = (k, s, p, mode, d, ceil_mode, cip, div)
        try:
            expected = torch_pool(t(X), mode, k, s, p, d, ceil_mode, cip, div)
        except RuntimeError:
            with pytest.raises(ShapeError, match="kernel: got"):
                npc.pool2d(X, *args)
            continue
        assert same(npc.pool2d(X, *args), expected), args
        assert same(npc.pool2d(X[0], *args), expected[0]), args
        assert same(npc.pool2d(X[0, 0], *args), expected[0, 0]), args


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_torch_ceil_mode_accepts_a_window_larger_than_the_padded_input(mode):
    """In ceil_mode PyTorch only requires one output position: a 1x1 input pools with a 2x2 window."""
    X = t(np.array([[[5.0]]]))
    assert torch_pool(X, mode, 2, None, 0, 1, True, True, None).item() == 5
    assert npc.pool2d([[5.0]], 2, mode=mode, ceil_mode=True).tolist() == [[5]]


@pytest.mark.parametrize("count_include_pad", [True, False])
def test_ceil_mode_divisor_of_a_window_hanging_past_the_padding(count_include_pad):
    # n=6, k=3, s=2, p=1: ceil gives 4 windows, the last covers padded cells 6, 7, 8 (8 is past the padding)
    X = np.ones((6, 6))
    Y = npc.pool2d(X, 3, 2, 1, "avg", ceil_mode=True, count_include_pad=count_include_pad)
    expected = F.avg_pool2d(t(X)[None], 3, 2, 1, ceil_mode=True, count_include_pad=count_include_pad)[0]
    assert Y.shape == (4, 4) and same(Y, expected)
    assert Y[-1, -1] == (1 / 4 if count_include_pad else 1)  # sum 1 over 2x2 cells (include) or 1x1 (exclude)


def test_ceil_mode_drops_a_window_starting_in_the_right_padding():
    # n=4, k=2, s=2, p=1: padded length 6; ceil gives 3 windows, the third starts at padded index 4 = n + p
    X = ints(4, 4)
    assert npc.pool2d(X, 2, 2, 1, ceil_mode=True).shape == (3, 3)
    # n=5: padded length 7, ceil gives 4 windows, the fourth starts at padded index 6 = n + p
    assert npc.pool2d(np.ones((5, 5)), 2, 2, 1, ceil_mode=True).shape == (3, 3)
    assert same(npc.pool2d(X, 2, 2, 1, ceil_mode=True), F.max_pool2d(t(X)[None], 2, 2, 1, ceil_mode=True)[0])


@pytest.mark.parametrize("n", range(1, 9))
def test_output_shape_emerges_as_the_formula(n):
    """The shape formula of symconv.spec against the sliding-window algorithm, which never uses it."""
    for k, s, p, d, ceil_mode in itertools.product((1, 2, 3), (1, 2, 3), (0, 1), (1, 2), (False, True)):
        if d * (k - 1) + 1 > n + 2 * p:
            continue
        size = output_size(n, k, s, p, d, ceil_mode)
        if p <= k // 2:
            assert npc.pool2d(ints(n, n + 1), k, s, p, "max", d, ceil_mode).shape[0] == size
        if not ceil_mode:
            assert npc.corr1d(ints(n), ints(k), s, p, d).shape == (size,)


# ---------------------------------------------------------------- pad, rot180, dtypes, exact arithmetic


def test_pad_and_rot180():
    X = ints(2, 3, 4)
    assert same(npc.pad(X, ((1, 0), (2, 3)), value=7), F.pad(t(X), (2, 3, 1, 0), value=7))
    assert npc.pad([1, 2], (2, 0)).tolist() == [0, 0, 1, 2]
    assert npc.pad([[1]], 1).shape == (3, 3)
    K = ints(2, 3, 2, 3)
    assert np.array_equal(npc.rot180(K), K[..., ::-1, ::-1])
    assert np.array_equal(npc.rot180(npc.rot180(K)), K)
    assert npc.rot180([1, 2, 3]).tolist() == [3, 2, 1]


def test_dtypes():
    X32 = np.arange(9, dtype=np.float32).reshape(3, 3)
    assert npc.corr2d(X32, np.ones((2, 2), np.float32)).dtype == np.float32
    assert npc.pool2d(X32, 2, mode="avg").dtype == np.float32
    assert npc.corr2d(np.ones((3, 3), int), [[True, False]]).dtype == np.float64
    assert npc.pool2d(np.ones((2, 2), bool), 2).dtype == np.float64


def test_exact_object_arithmetic():
    X = np.array([[Fraction(1, 3), 1, 2], [3, 4, 5], [6, 7, Fraction(1, 2)]], dtype=object)
    Y = npc.corr2d(X, [[1, 1], [1, 1]])  # the int kernel joins X as Python ints: no float anywhere
    assert Y.dtype == object and Y[0, 0] == Fraction(25, 3) and Y[1, 1] == Fraction(33, 2) and Y[0, 1] == 12
    assert type(Y[0, 1]) is int
    A = npc.pool2d(X, 2, stride=1, mode="avg")
    assert A.dtype == object and A[0, 0] == Fraction(25, 12)
    assert npc.pool2d(X, 2, stride=1)[1, 1] == 7
    M = sympy.Matrix([[1, 2], [3, 4]])
    assert npc.pool2d(M, 2, mode="avg", padding=1, count_include_pad=False)[0, 0] == 1
    assert npc.pool2d(M, 2, mode="avg", padding=1)[1, 1] == sympy.Rational(1)
    x = sympy.symbols("x:4")
    assert npc.corr1d(np.array(x, dtype=object), [1, 2])[0] == x[0] + 2 * x[1]


# ---------------------------------------------------------------- errors, pinned


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: npc.corr2d(np.zeros((2, 3, 4, 5)), np.ones((2, 2))),
            ShapeError,
            r"corr2d: X: got an array of shape \(2, 3, 4, 5\); expected rank 2 \(H, W\) or 3 \(N, H, W\)",
        ),
        (
            lambda: npc.corr2d(np.zeros((3, 3)), np.ones((2, 2, 1))),
            ShapeError,
            r"corr2d: K: got an array of shape \(2, 2, 1\); expected rank 2 \(k_h, k_w\)",
        ),
        (
            lambda: npc.pool2d(np.zeros(3), 2),
            ShapeError,
            r"pool2d: X: got an array of shape \(3,\); expected rank 2 \(H, W\), 3 \(C, H, W\) or "
            r"4 \(N, C, H, W\)$",
        ),
        (
            lambda: npc.corr1d([1, 2, 3], [[1]]),
            ShapeError,
            r"corr1d: w: got an array of shape \(1, 1\); expected rank 1 \(k,\)",
        ),
        (
            lambda: npc.corr2d_multi_in(np.zeros((3, 4, 4)), np.ones((2, 2, 2))),
            ShapeError,
            r"corr2d_multi_in: K: got an array of shape \(2, 2, 2\); expected c_i=3 kernels in axis 0",
        ),
        (
            lambda: npc.corr2d_multi_in_out(np.zeros((3, 4, 4)), np.ones((2, 2, 2, 2))),
            ShapeError,
            r"K: got an array of shape \(2, 2, 2, 2\); expected c_i/groups=3 input channels per group",
        ),
        (
            lambda: npc.corr2d_multi_in_out(np.zeros((4, 4, 4)), np.ones((3, 2, 2, 2)), groups=2),
            ParameterError,
            r"corr2d_multi_in_out: groups: got 2; expected a divisor of both c_i=4 and c_o=3",
        ),
        (
            lambda: npc.corr2d_multi_in_out(np.zeros((4, 4, 4)), np.ones((2, 2, 2, 2)), groups=0),
            ParameterError,
            r"groups: got 0; expected a positive int",
        ),
        (
            lambda: npc.corr2d_multi_in_out(np.zeros((2, 4, 4)), np.ones((3, 2, 2, 2)), bias=[1, 2]),
            ShapeError,
            r"bias: got an array of shape \(2,\); expected shape \(c_o,\) = \(3,\)",
        ),
        (
            lambda: npc.corr2d(np.zeros((3, 3)), np.ones((2, 2)), stride=0),
            ParameterError,
            r"corr2d: stride: got 0; expected a positive int or a pair of positive ints",
        ),
        (
            lambda: npc.corr2d(np.zeros((3, 3)), np.ones((2, 2)), padding=-1),
            ParameterError,
            r"corr2d: padding: got -1; expected non-negative ints",
        ),
        (
            lambda: npc.corr2d(np.zeros((3, 3)), np.ones((2, 2)), stride=2, padding="same"),
            ParameterError,
            r"padding: got 'same'; expected stride 1 with padding='same'",
        ),
        (
            lambda: npc.corr2d(np.zeros((3, 3)), np.ones((4, 4))),
            ShapeError,
            r"corr2d: kernel: got \(4, 4\); expected a kernel that fits the padded input "
            r"\(k=4, but the input has 3 cells padded to 3\)$",
        ),
        (
            lambda: npc.corr1d([1, 2], [1, 1], dilation=2),
            ShapeError,
            r"kernel: got 2; expected a kernel that fits the padded input \(k=2 spans d\(k-1\)\+1=3 cells",
        ),
        (
            lambda: npc.pool2d(np.zeros((4, 4)), 2, mode="min"),
            ParameterError,
            r"pool2d: mode: got 'min'; expected 'max' or 'avg'",
        ),
        (
            lambda: npc.pool2d(np.zeros((4, 4)), 3, padding=2),
            ParameterError,
            r"pool2d: padding: got 2; expected at most half the window, p <= k // 2 = 1",
        ),
        (
            lambda: npc.pool2d(np.zeros((4, 4)), 2, mode="avg", dilation=2),
            ParameterError,
            r"dilation: got 2; expected 1 for average pooling",
        ),
        (
            lambda: npc.pool2d(np.zeros((4, 4)), 2, mode="avg", divisor_override=0),
            ParameterError,
            r"pool2d: divisor_override: got 0; expected a positive int",
        ),
        (
            lambda: npc.pool2d(np.zeros((4, 4)), 2, count_include_pad=1),
            ParameterError,
            r"pool2d: count_include_pad: got 1; expected True or False",
        ),
        (
            lambda: npc.pool2d(np.zeros((4, 4)), 5),
            ShapeError,
            r"pool2d: kernel: got \(5, 5\); expected a kernel that fits the padded input",
        ),
        (
            lambda: npc.pad(np.zeros((2, 2)), "same"),
            ParameterError,
            r"pad: padding: got 'same'; expected non-negative ints: .* \(no strings\)",
        ),
        (
            lambda: npc.pad(np.zeros((2, 2)), (1, -1)),
            ParameterError,
            r"pad: padding: got \(1, -1\); expected non-negative",
        ),
        (lambda: npc.rot180(3), ShapeError, r"rot180: K: got 3; expected rank 1 \(k,\), 2 \(k_h, k_w\)"),
        (
            lambda: npc.corr2d(np.zeros((2, 2), complex), np.ones((1, 1))),
            ParameterError,
            r"corr2d: X: got an array of shape \(2, 2\); expected real numbers "
            r"\(complex arrays are not supported\)$",
        ),
        (
            lambda: npc.corr2d([[1, 2], [3]], [[1]]),
            ShapeError,
            r"corr2d: X: got \[\[1, 2\], \[3\]\]; expected a rectangular array",
        ),
        (
            lambda: npc.corr2d(np.zeros((0, 3)), [[1]]),
            ShapeError,
            r"corr2d: X: got an array of shape \(0, 3\); "
            r"expected rank 2 \(H, W\) with non-empty spatial axes$",
        ),
        (
            lambda: npc.corr2d([["a"]], [[1]]),
            ParameterError,
            r"corr2d: X: got \[\['a'\]\]; expected real numbers or SymPy expressions \(.*\), not strings$",
        ),
    ],
)
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
