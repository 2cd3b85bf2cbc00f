"""Parameter validation and the output-size formula."""

import pytest
import sympy

import symconv as sc
from symconv.spec import conv_window, output_padding, pool_window


def test_output_size_ints():
    assert sc.output_size(3, 2) == 2
    assert sc.output_size(8, 3, stride=2, padding=1) == 4
    assert sc.output_size(7, 3, dilation=2) == 3
    assert sc.output_size(5, 2, padding=(0, 1)) == 5


def test_output_size_ceil_mode_drops_window_starting_in_padding():
    assert sc.output_size(32, 1, stride=2, ceil_mode=True) == 16  # plain ceil formula: 17
    assert sc.output_size(3, 2, stride=2, padding=1, ceil_mode=True) == 2  # plain ceil formula: 3
    assert sc.output_size(5, 2, stride=2, ceil_mode=True) == 3


def test_output_size_symbolic():
    n, k, s, p, d = sympy.symbols("n k s p d", integer=True, positive=True)
    assert sc.output_size(n, k, s, p, d) == sympy.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1
    expr = sc.output_size(n, k, s, p, ceil_mode=True)
    assert expr.subs({n: 32, k: 1, s: 2, p: 0}) == 16


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (dict(n=4, k=3, stride=0), sc.ParameterError, r"stride: got 0; expected a positive int"),
        (dict(n=4, k=3, dilation=-1), sc.ParameterError, r"dilation: got -1; expected a positive int"),
        (dict(n=4, k=3, padding=-1), sc.ParameterError, r"padding: got -1; expected a non-negative int"),
        (dict(n=4.5, k=3), sc.ParameterError, r"n: got 4.5; expected a positive int"),
        (dict(n=4.0, k=3), sc.ParameterError, r"n: got 4.0; expected a positive int \(an integer type, not a float\)"),
        (dict(n=2, k=5), sc.ShapeError, r"kernel: got 5; expected a kernel that fits the padded input"),
        (dict(n=4, k=3, ceil_mode="yes"), sc.ParameterError, r"ceil_mode: got 'yes'; expected True or False"),
    ],
)
def test_output_size_errors(kwargs, error, message):
    with pytest.raises(error, match="output_size: " + message):
        sc.output_size(**kwargs)


def test_padding_forms():
    w = conv_window((5, 6), (3, 2), padding=((1, 0), (2, 3)))
    assert w.padding == ((1, 0), (2, 3))
    assert conv_window((5, 6), (3, 2), padding=(1, 2)).padding == ((1, 1), (2, 2))
    assert conv_window((5, 6), (3, 2), padding="full").padding == ((2, 2), (1, 1))
    assert conv_window((5, 6), (3, 2), padding="same").padding == ((1, 1), (0, 1))  # PyTorch: extra cell last
    assert conv_window((5,), (4,), padding=(1, 2)).padding == ((1, 2),)
    assert conv_window((5, 6), (3, 2), padding="same", dilation=3).padding == ((3, 3), (1, 2))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(padding="wide"), r"padding: got 'wide'; expected an int, a pair \(p_h, p_w\)"),
        (dict(padding=(1, 2, 3)), r"padding: got \(1, 2, 3\); expected non-negative ints"),
        (dict(padding="same", stride=2), r"padding: got 'same'; expected stride 1 with padding='same'"),
        (dict(stride=(1, 0)), r"stride: got \(1, 0\); expected a positive int or a pair of positive ints"),
        (dict(dilation=1.5), r"dilation: got 1.5; expected a positive int"),
    ],
)
def test_conv_window_errors(kwargs, message):
    with pytest.raises(sc.ParameterError, match=message):
        conv_window((5, 5), (3, 3), **kwargs)


def test_pool_window_rules():
    assert pool_window((4, 4), 3).stride == (3, 3)  # stride defaults to the window
    with pytest.raises(sc.ParameterError, match=r"padding: got 2; expected at most half the window, p <= k // 2 = 1"):
        pool_window((4, 4), 3, padding=2, dilation=2)
    with pytest.raises(sc.ParameterError, match=r"mode: got 'min'; expected 'max' or 'avg'"):
        pool_window((4, 4), 2, mode="min")
    with pytest.raises(sc.ParameterError, match=r"dilation: got 2; expected 1 for average pooling"):
        pool_window((4, 4), 2, dilation=2, mode="avg")
    with pytest.raises(sc.ParameterError, match=r"padding: got 'same'; expected an int or a pair"):
        pool_window((4, 4), 2, padding="same")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(stride=0), r"^output_size: stride: got 0; expected a positive int"),
        (dict(stride=2.5), r"^output_size: stride: got 2.5; expected a positive int"),
        (dict(padding=-1), r"^output_size: padding: got -1; expected a non-negative int"),
        (dict(padding=(1, 2, 3)), r"^output_size: padding: got \(1, 2, 3\); expected a non-negative int or a pair"),
        (dict(dilation=sympy.Integer(0)), r"^output_size: dilation: got 0; expected a positive int"),
        (dict(ceil_mode="yes"), r"^output_size: ceil_mode: got 'yes'; expected True or False"),
    ],
)
def test_output_size_validates_concrete_arguments_next_to_symbolic_ones(kwargs, message):
    n = sympy.Symbol("n", integer=True, positive=True)
    with pytest.raises(sc.ParameterError, match=message):
        sc.output_size(n, 3, **kwargs)


def test_output_size_sympy_numbers_are_concrete():
    assert sc.output_size(sympy.Integer(8), 3, stride=sympy.Integer(2), padding=1) == 4
    with pytest.raises(sc.ParameterError, match=r"^output_size: k: got I\*k; expected a positive int or a real SymPy"):
        sc.output_size(sympy.Symbol("n"), sympy.I * sympy.Symbol("k"))


def test_output_padding_takes_a_window():
    with pytest.raises(TypeError, match=r"output_padding: window: got \(6, 4\); expected a Window"):
        output_padding((6, 4))
