"""The fast exact engine: sparse polynomials through the same symbolic operators as SymPy."""

from fractions import Fraction

import numpy as np
import pytest
import sympy

import symconv as sc
from symconv.errors import ParameterError
from symconv.prove import prove
from symconv.prove.exact import decide, prove_concrete
from symconv.symbolic import conv1d, conv2d, corr1d, corr2d, corr2d_multi_in_out, pad, pool2d, rot180
from symconv.symbolic import grad as sgrad
from symconv.symbolic.sparse import POLY, NotPolynomial, PolyArray, SparsePoly, from_expr
from symconv.symbolic.tensor import entries
from symconv.theorems.registry import Theorem, normalize_sizes, theorems

IDENTITIES = [t for t in theorems() if t.sides is not None]


def same_array(poly, sym):
    """A PolyArray equals a SymPy array entry by entry, as polynomials."""
    assert isinstance(poly, PolyArray)
    assert tuple(poly.shape) == tuple(sym.shape)
    return all(sympy.expand(p.as_expr() - s) == 0 for p, s in zip(entries(poly), entries(sym)))


# --- both engines agree on every theorem ----------------------------------------------------------


@pytest.mark.parametrize("thm", IDENTITIES, ids=lambda t: t.name)
def test_engines_agree_on_every_theorem(thm):
    fast, slow = prove(thm.name, engine="fast"), prove(thm.name, engine="sympy")
    assert fast.verdict == slow.verdict == thm.expected
    assert fast.scope == slow.scope
    if slow.counterexample is not None:
        a, b = fast.counterexample, slow.counterexample
        assert (a.sizes, a.values, a.lhs, a.rhs, a.where) == (b.sizes, b.values, b.lhs, b.rhs, b.where)
    assert "SymPy engine" in slow.detail


@pytest.mark.parametrize(
    "name", ["conv_eq_corr_rot180", "grad_weight_eq_corr", "grad_input_eq_full_conv", "grad_avg_pool", "full_corr_comm"]
)
def test_polynomial_theorems_run_on_the_sparse_engine(name):
    assert prove(name).detail.startswith("sparse engine")


def test_non_polynomial_theorems_fall_back_to_sympy():
    assert "fallback" in prove("delta_recursion").detail  # the activation f
    assert "SymPy engine" in prove("grad_max_pool").detail  # case analysis over orderings


def test_unknown_engine_is_rejected():
    with pytest.raises(ParameterError, match="engine"):
        prove("grad_weight_eq_corr", engine="numpy")


def make(sides, sizes=({"n": 3, "k": 2},)):
    return Theorem(
        name="tmp",
        section="0",
        statement="tmp",
        hypotheses=(),
        inputs={"X": ("n",), "W": ("k",), "delta": (lambda s: (s["n"][0] - s["k"][0] + 1,) * 2,)},
        sides=sides,
        sizes=tuple(sizes),
    )


def test_false_identity_is_refuted_by_the_sparse_engine():
    # the kernel gradient with the kernel gradient's formula for convolution: off by rot180
    thm = make(lambda B, X, W, delta, **_: (B.corr2d_vjp(X, W, delta)[1], B.conv2d(X, delta)))
    sizes = normalize_sizes({"n": 3, "k": 2})
    verdict, cx, engine, _note = decide(thm, sizes, "fast")
    assert (verdict, engine) == ("refuted", "sparse")
    i, j = cx.where
    assert cx.lhs[i][j] != cx.rhs[i][j]
    assert decide(thm, sizes, "sympy")[:2] == (verdict, cx)
    # the values really refute it, computed independently by NumPy
    X, W, D = (np.array(cx.values[k], dtype=float) for k in ("X", "W", "delta"))
    _dX, dW = sc.numeric.corr2d_vjp(X, W, D)
    assert (dW != sc.numeric.conv2d(X, D)).any()


def test_a_true_identity_at_a_larger_size_is_proved_by_the_sparse_engine():
    result = prove("grad_input_eq_full_conv", n=12, k=3)
    assert result.verdict == "proved" and result.detail.startswith("sparse engine")


def test_sides_outside_the_polynomials_fall_back_and_stay_unknown():
    # Max + Min = x + y holds, but not as polynomials: the verdict stays unknown, never proved
    def sides(B, X, W, **_):
        a, b = X[0, 0], X[0, 1]
        return sympy.Array([sympy.Max(a, b) + sympy.Min(a, b)]), sympy.Array([a + b])

    result = prove_concrete(make(sides), [normalize_sizes({"n": 3, "k": 2})])
    assert result.verdict == "unknown" and "fallback" in result.detail


# --- sparse polynomials ------------------------------------------------------------------------------


def test_polynomial_arithmetic_is_exact_and_canonical():
    x, y = POLY.symbols("x", 2)
    assert (x + y) * (x - y) == x * x - y * y
    assert (x + y) - y == x and (x - x).terms == {}
    half = (x + 1) / 2
    assert half.terms[()] == Fraction(1, 2) and half * 2 == x + 1
    assert 3 - x == -(x - 3) and 0 + x == x and x * 0 == 0
    assert from_expr(sympy.expand((x.as_expr() + 2) ** 2)) == (x + 2) ** 2
    with pytest.raises(NotPolynomial):
        x / y
    with pytest.raises(NotPolynomial):
        from_expr(sympy.Max(*sympy.symbols("a b", real=True)))
    with pytest.raises(NotPolynomial):
        SparsePoly.const(0.5)


def test_names_match_the_sympy_symbols():
    X = POLY.symbols("x", (2, 3))
    assert X[1, 2].as_expr() == sc.symbols("x", (2, 3))[1, 2]


# --- the operators on sparse polynomials equal the operators on SymPy ------------------------------


def both(name, shape):
    return POLY.symbols(name, shape), sc.symbols(name, shape)


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"stride": 2, "padding": 1},
        {"stride": (2, 1), "padding": ((1, 0), (0, 2)), "dilation": (1, 2)},
        {"padding": "full"},
        {"padding": "same"},
    ],
)
def test_correlation_and_convolution(kw):
    (Xp, Xs), (Wp, Ws) = both("x", (5, 6)), both("w", (3, 2))
    assert same_array(corr2d(Xp, Wp, **kw), corr2d(Xs, Ws, **kw))
    assert same_array(conv2d(Xp, Wp, **kw), conv2d(Xs, Ws, **kw))


def test_one_d_channels_padding_and_rotation():
    (xp, xs), (wp, ws) = both("x", 6), both("w", 3)
    assert same_array(corr1d(xp, wp, 2, 1, 2), corr1d(xs, ws, 2, 1, 2))
    assert same_array(conv1d(xp, wp, padding="full"), conv1d(xs, ws, padding="full"))
    (Xp, Xs), (Kp, Ks), (bp, bs) = both("x", (4, 3, 3)), both("w", (2, 2, 2, 2)), both("b", 2)
    assert same_array(
        corr2d_multi_in_out(Xp, Kp, bp, padding=1, groups=2), corr2d_multi_in_out(Xs, Ks, bs, padding=1, groups=2)
    )
    assert same_array(pad(Xp, ((1, 0), (0, 2))), pad(Xs, ((1, 0), (0, 2))))
    assert same_array(rot180(Kp), rot180(Ks))


def test_mixed_inputs_take_the_sparse_system():
    Xp, Xs = both("x", (3, 3))
    assert same_array(corr2d(Xp, [[1, 2], [3, 4]]), corr2d(Xs, [[1, 2], [3, 4]]))


@pytest.mark.parametrize(
    "kw", [{"stride": 2, "padding": 1}, {"ceil_mode": True, "stride": 2, "count_include_pad": False}]
)
def test_average_pooling(kw):
    Xp, Xs = both("x", (2, 5, 5))
    assert same_array(pool2d(Xp, 3, mode="avg", **kw), pool2d(Xs, 3, mode="avg", **kw))


def test_max_pooling_is_not_a_polynomial():
    with pytest.raises(NotPolynomial):
        pool2d(POLY.symbols("x", (4, 4)), 2)


def test_gradients_by_coefficient_extraction_equal_sympy_diff():
    (Xp, Xs), (Wp, Ws), (Dp, Ds) = both("x", (5, 5)), both("w", (2, 3)), both("δ", (3, 2))
    for a, b in zip(sgrad.corr2d_vjp(Xp, Wp, Dp, 2, 1, (1, 2)), sgrad.corr2d_vjp(Xs, Ws, Ds, 2, 1, (1, 2))):
        assert same_array(a, b)
    (Xp, Xs), (Kp, Ks), (Dp, Ds) = both("x", (2, 3, 3)), both("w", (3, 2, 2, 2)), both("δ", (3, 2, 2))
    for a, b in zip(sgrad.corr2d_multi_in_out_vjp(Xp, Kp, Dp), sgrad.corr2d_multi_in_out_vjp(Xs, Ks, Ds)):
        assert same_array(a, b)
    (Xp, Xs), (Dp, Ds) = both("x", (4, 4)), both("δ", (2, 2))
    assert same_array(sgrad.pool2d_vjp(Xp, Dp, 2, mode="avg"), sgrad.pool2d_vjp(Xs, Ds, 2, mode="avg"))


def test_gradient_of_an_input_that_is_not_made_of_symbols():
    (Xp, Xs), (Dp, Ds) = both("x", (3, 3)), both("δ", (2, 2))
    K = [[1, 2], [3, 4]]
    gp = sgrad.vjp(lambda X, K: corr2d(X, K), {"X": Xp * Xp, "K": PolyArray.wrap(K)}, Dp)
    gs = sgrad.vjp(lambda X, K: corr2d(X, K), {"X": Xs.applyfunc(lambda e: e**2), "K": K}, Ds)
    assert same_array(gp["X"], gs["X"]) and same_array(gp["K"], gs["K"])


# --- the NumPy reference's fast paths (im2col + BLAS, tap-wise pooling) ------------------------------


@pytest.mark.parametrize("chunk", [1, 1 << 30])  # one sample per matrix product, or all at once
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_numeric_matrix_product_path_matches_einsum(monkeypatch, chunk, dtype):
    from symconv.numeric import window as nwindow
    from symconv.spec import conv_window

    monkeypatch.setattr(nwindow, "CHUNK_BYTES", chunk)
    rng = np.random.default_rng(1)
    X = rng.standard_normal((3, 4, 7, 6)).astype(dtype)
    K = rng.standard_normal((6, 2, 3, 2)).astype(dtype)
    kw = dict(stride=(2, 1), padding=((1, 0), (2, 1)), dilation=(1, 2))
    got = sc.numeric.corr2d_multi_in_out(X, K, groups=2, **kw)
    win = conv_window(X.shape[-2:], K.shape[2:], kw["stride"], kw["padding"], kw["dilation"])
    V = nwindow.windows(X.reshape(3, 2, 2, 7, 6).astype(np.float64), win, 0)
    want = np.einsum("ngcijab,gocab->ngoij", V, K.reshape(2, 3, 2, 3, 2).astype(np.float64)).reshape(got.shape)
    assert got.dtype == dtype
    np.testing.assert_allclose(got, want, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-5)
    ints = rng.integers(-3, 4, size=(2, 9))
    assert np.array_equal(
        sc.numeric.corr1d(ints, [1, -2, 3], 2, 1), sc.numeric.corr1d(ints.astype(object), [1, -2, 3], 2, 1)
    )


def test_numeric_pooling_reduces_tap_by_tap_like_a_full_reduction():
    X = np.random.default_rng(2).standard_normal((2, 3, 9, 8))
    from symconv.numeric.window import windows
    from symconv.spec import pool_window

    win = pool_window((9, 8), 3, 2, 1, 1, True, "max")
    np.testing.assert_array_equal(
        sc.numeric.pool2d(X, 3, 2, 1, ceil_mode=True), windows(X, win, -np.inf).max(axis=(-2, -1))
    )
    exact = sc.numeric.pool2d(np.arange(16).reshape(4, 4).astype(object), 2, mode="avg")
    assert exact.tolist() == [[Fraction(5, 2), Fraction(9, 2)], [Fraction(21, 2), Fraction(25, 2)]]
