"""Every worked example of the course notes, reproduced exactly in all three systems."""

import numpy as np
import pytest
import sympy

import symconv as sc
from symconv import numeric

torch_backend = pytest.importorskip("symconv.backends.torch")
pytest.importorskip("torch")

X3 = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
K2 = [[0, 1], [2, 3]]
X2C = [X3, [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]
K2C = [K2, [[1, 2], [3, 4]]]
X44 = np.arange(16).reshape(4, 4)


def in_all_systems(op_name, *args, **kwargs):
    """The op's result in SymPy, NumPy and torch, as exact nested lists."""
    symbolic = getattr(sc, op_name)(*args, **kwargs)
    num = getattr(numeric, op_name)(*args, **kwargs)
    tor = getattr(torch_backend, op_name)(*args, **kwargs)
    return symbolic.tolist(), np.asarray(num).tolist(), tor.cpu().tolist()


def assert_all(expected, op_name, *args, **kwargs):
    """Exact equality in every system (float64 is exact on these small integers)."""
    for result in in_all_systems(op_name, *args, **kwargs):
        assert np.array(result, dtype=float).tolist() == expected


def test_corr2d_6_1_4():
    assert_all([[19, 25], [37, 43]], "corr2d", X3, K2)


def test_edge_detection_6_1_4():
    X = np.ones((6, 8))
    X[:, 2:6] = 0
    expected = [[0, 1, 0, 0, 0, -1, 0]] * 6
    assert_all(expected, "corr2d", X, [[1.0, -1.0]])


def test_corr2d_multi_in_6_2_3():
    assert_all([[56, 72], [104, 120]], "corr2d_multi_in", X2C, K2C)


def test_three_output_channels_6_2_3():
    K = np.array(K2C)
    K3 = np.stack([K, K + 1, K + 2])
    assert K3.shape == (3, 2, 2, 2)
    expected = [[[56, 72], [104, 120]], [[76, 100], [148, 172]], [[96, 128], [192, 224]]]
    assert_all(expected, "corr2d_multi_in_out", X2C, K3)


def test_handwritten_pool2d_stride_1_6_3_1():
    # the notes' loop version slides by one cell
    assert_all([[4, 5], [7, 8]], "pool2d", X3, (2, 2), stride=1)
    assert_all([[2, 3], [5, 6]], "pool2d", X3, (2, 2), stride=1, mode="avg")


def test_maxpool2d_window_3_6_3_1():
    assert_all([[10]], "pool2d", X44, 3)


def test_maxpool2d_padding_stride_6_3_1():
    assert_all([[5, 7], [13, 15]], "pool2d", X44, 3, padding=1, stride=2)


def test_maxpool2d_rectangular_6_3_1():
    assert_all([[5, 7], [13, 15]], "pool2d", X44, (2, 3), stride=(2, 3), padding=(0, 1))


def test_two_channel_pooling_6_3_1():
    X = np.stack([X44, X44 + 1])
    assert_all([[[5, 7], [13, 15]], [[6, 8], [14, 16]]], "pool2d", X, 3, padding=1, stride=2)


@pytest.mark.parametrize(
    ("k", "p", "s", "shape"),
    [(3, 1, 1, (8, 8)), ((5, 3), (2, 1), 1, (8, 8)), (3, 1, 2, (4, 4))],
)
def test_conv2d_shape_examples_6_2_2(k, p, s, shape):
    K = np.ones(k if isinstance(k, tuple) else (k, k))
    X = np.zeros((8, 8))
    for result in in_all_systems("corr2d", X, K, stride=s, padding=p):
        assert np.asarray(result).shape == shape
    kh, kw = K.shape
    ph, pw = p if isinstance(p, tuple) else (p, p)
    assert (sc.output_size(8, kh, s, ph), sc.output_size(8, kw, s, pw)) == shape


def test_signal_decay_conv1d_6_1_2():
    # y_t = 1·x_t + 1/2·x_{t-1} + 1/4·x_{t-2}
    x = sc.symbols("x", 5)
    w = [1, sympy.Rational(1, 2), sympy.Rational(1, 4)]
    y = sc.conv1d(x, w)
    assert y[0] == x[2] + x[1] / 2 + x[0] / 4
    assert y.shape == (3,)


def test_rot180_flip_then_multiply_6_1_2():
    # W * X (convolution) = i·A + h·B + g·C + f·D + e·E + d·F + c·G + b·H + a·I
    a, b, c, d, e, f, g, h, i = sympy.symbols("a b c d e f g h i")
    A, B, C, D, E, F, G, H, I = sympy.symbols("A B C D E F G H I")
    W = [[a, b, c], [d, e, f], [g, h, i]]
    X = [[A, B, C], [D, E, F], [G, H, I]]
    expected = i * A + h * B + g * C + f * D + e * E + d * F + c * G + b * H + a * I
    assert sc.conv2d(X, W)[0, 0] == expected
    assert sc.rot180(W).tolist() == [[i, h, g], [f, e, d], [c, b, a]]


def test_first_difference_filters_6_1_2():
    x = sc.symbols("x", 5)
    # correlation with [-1/2, 0, 1/2] approximates the first derivative (x_{t+1} - x_{t-1}) / 2
    first = sc.corr1d(x, [-sympy.Rational(1, 2), 0, sympy.Rational(1, 2)])
    assert first[0] == (x[2] - x[0]) / 2
    second = sc.conv1d(x, [1, -2, 1])
    assert second[0] == x[2] - 2 * x[1] + x[0]
