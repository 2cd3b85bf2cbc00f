"""One coercion rule for the three implementations: the same inputs accepted, the same refused, by name."""

from fractions import Fraction

import numpy as np
import pytest
import sympy
import torch

import symconv as sc
from symconv import numeric as npc
from symconv.backends import torch as tb
from symconv.coerce import entry

IMPLEMENTATIONS = {"symbolic": sc, "numpy": npc, "torch": tb}
NAN, INF = float("nan"), float("inf")


def values(result):
    """Any implementation's result as nested lists of Python floats."""
    if isinstance(result, torch.Tensor):
        result = result.numpy()
    return np.array(np.asarray(result.tolist(), dtype=object), dtype=float).tolist()


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@pytest.mark.parametrize(
    ("bad", "why"),
    [
        (None, "not None"),
        ("a", "str"),
        (1 + 2j, "complex"),
        (sympy.I, "complex"),
        ([1], ""),  # ragged
    ],
)
@pytest.mark.parametrize("op", ["corr2d", "pool2d"])
def test_refused_everywhere_naming_the_function_and_the_parameter(impl, bad, why, op):
    X = [[bad, 1.0], [2.0, 3.0]]
    call = getattr(IMPLEMENTATIONS[impl], op)
    with pytest.raises((sc.SymconvError, TypeError), match=rf"^{op}: X: got .*; expected .*{why}"):
        call(X, [[1]]) if op == "corr2d" else call(X, 1)


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_complex_arrays_are_refused_never_cast(impl):
    for X in (np.array([[1 + 1j, 2]]), torch.tensor([[1 + 1j, 2]])):
        with pytest.raises(sc.ParameterError, match=r"^corr2d: X: got .*complex"):
            IMPLEMENTATIONS[impl].corr2d(X, [[1]])


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_strings_and_none_in_other_parameters(impl):
    module = IMPLEMENTATIONS[impl]
    X, K = [[[1, 2], [3, 4]]], [[[[1]]]]
    with pytest.raises(sc.SymconvError, match=r"^corr2d_multi_in_out: bias: got 'ab'; expected"):
        module.corr2d_multi_in_out(X, K, bias="ab")
    with pytest.raises(sc.SymconvError, match=r"^pad: value: got 'z'; expected"):
        module.pad([[1, 2]], 1, "z")


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_accepted_everywhere_with_the_same_values(impl):
    module = IMPLEMENTATIONS[impl]
    X = [[True, False], [Fraction(1, 2), sympy.Rational(3, 2)], [np.int64(4), np.float64(5.5)]]
    assert values(module.corr2d(X, [[2]])) == [[2.0, 0.0], [1.0, 3.0], [8.0, 11.0]]
    assert values(module.pool2d(X, (3, 1), stride=1)) == [[4.0, 5.5]]


def test_exact_numbers_stay_exact_where_the_implementation_is_exact():
    X = [[Fraction(1, 3), 1], [2, sympy.Rational(1, 7)]]
    assert sc.corr2d(X, [[3]])[0, 0] == 1 and sc.corr2d(X, [[7]])[1, 1] == 1
    assert npc.corr2d(np.array(X, dtype=object), [[3]])[0, 0] == 1  # object arrays: exact
    x = sympy.Symbol("x")
    assert sc.corr2d([[x, 1]], [[2]])[0, 0] == 2 * x and npc.corr2d(np.array([[x, 1]]), [[2]])[0, 0] == 2 * x
    with pytest.raises(sc.ParameterError, match=r"^corr2d: X: got .*; expected numbers .*no symbols in torch"):
        tb.corr2d([[x, 1]], [[2]])


@pytest.mark.parametrize("bad", [NAN, INF, -INF, sympy.nan, sympy.oo, sympy.zoo])
def test_symbolic_operators_are_exact_no_nan_or_inf(bad):
    with pytest.raises(sc.ParameterError, match=r"^corr2d: X: got .*; expected .*(no exact value|complex)"):
        sc.corr2d([[bad, 1]], [[1]])


@pytest.mark.parametrize("impl", ["numpy", "torch"])
def test_floats_compute_with_nan_and_inf_but_pooling_needs_an_order(impl):
    module = IMPLEMENTATIONS[impl]
    out = values(module.corr2d([[NAN, 1.0], [INF, 2.0]], [[1.0]]))
    assert np.isnan(out[0][0]) and out[1][0] == INF
    assert values(module.pool2d([[INF, 1.0], [-INF, 2.0]], 2)) == [[INF]]
    for call in (
        lambda: module.pool2d([[NAN, 1.0], [0.0, 2.0]], 2),
        lambda: module.pool2d_vjp([[NAN, 1.0], [0.0, 2.0]], [[1.0]], 2),
        lambda: module.pool2d([[NAN, 1.0], [0.0, 2.0]], 2, mode="avg"),
    ):
        with pytest.raises(sc.ParameterError, match=r": X: got .*; expected numbers without NaN: pooling compares"):
            call()


def test_numeric_max_pool_gradient_no_longer_routes_around_nan():
    with pytest.raises(sc.ParameterError, match=r"^pool2d_vjp: X: got .*; expected numbers without NaN"):
        npc.pool2d_vjp(np.array([[NAN, 1.0], [0.0, 2.0]]), [[1.0]], 2)


def test_symbolic_strings_no_longer_recurse():
    with pytest.raises(
        sc.ParameterError, match=r"^corr2d: X: got \[\['a', 'b'\], \['c', 'd'\]\]; expected .*not a str"
    ):
        sc.corr2d([["a", "b"], ["c", "d"]], [[1]])
    with pytest.raises(sc.ParameterError, match=r"^corr2d_multi_in_out: bias: got 'ab'; expected"):
        sc.corr2d_multi_in_out([[[1]]], [[[[1]]]], bias="ab")


def test_torch_gradient_errors_name_the_public_function_and_delta():
    with pytest.raises(
        sc.ShapeError, match=r"^corr2d_vjp: delta: got .*; expected the forward output's shape \(2, 2\)"
    ):
        tb.corr2d_vjp(np.ones((3, 3)), np.ones((2, 2)), np.ones((3, 3)))
    with pytest.raises(sc.ShapeError, match=r"^pool2d_vjp: delta: got .*; expected the forward output's shape"):
        tb.pool2d_vjp(np.ones((4, 4)), np.ones((3, 3)), 2)
    with pytest.raises(sc.ParameterError, match=r"^pool2d_vjp: kernel_size: got 0"):
        tb.pool2d_vjp(np.ones((4, 4)), np.ones((3, 3)), 0)


def test_entry():
    assert entry(np.bool_(True), "X") == 1 and entry(sympy.true, "X") == 1
    with pytest.raises(sc.ParameterError, match=r"^X: got b'x'; expected .*, not a bytes"):
        entry(b"x", "X")
