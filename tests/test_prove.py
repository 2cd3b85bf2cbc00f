"""The exact engine: proved only for a zero difference, refuted with a checked counterexample."""

import pytest
import sympy

import symconv as sc
from symconv.prove import merge_sizes
from symconv.prove.counterexample import find_assignment, shrink
from symconv.prove.exact import prove_concrete
from symconv.theorems.registry import Theorem, normalize_sizes


def make(sides, inputs=None, sizes=({"n": 3, "k": 2},)):
    return Theorem(
        name="tmp",
        section="0",
        statement="tmp",
        hypotheses=(),
        inputs=inputs or {"X": ("n",), "W": ("k",)},
        sides=sides,
        sizes=tuple(sizes),
    )


def run(thm):
    return prove_concrete(thm, [normalize_sizes(s) for s in thm.sizes])


def test_true_identity_is_proved():
    thm = make(lambda B, X, W, **_: (B.corr2d(X, W), B.conv2d(X, B.rot180(W))))
    assert run(thm).verdict == "proved"


def test_false_identity_is_refuted_with_values_that_differ():
    thm = make(lambda B, X, W, **_: (B.corr2d(X, W), B.conv2d(X, W)))
    result = run(thm)
    assert result.verdict == "refuted"
    cx = result.counterexample
    assert cx.lhs != cx.rhs
    i, j = cx.where
    assert cx.lhs[i][j] != cx.rhs[i][j]


def test_shape_mismatch_is_refuted_not_a_crash():
    thm = make(lambda B, X, W, **_: (B.corr2d(X, W), B.corr2d(X, W, padding=1)))
    result = run(thm)
    assert result.verdict == "refuted"
    assert "different shapes" in result.counterexample.note


def test_non_polynomial_true_identity_is_unknown_never_proved():
    # Max + Min = x + y holds, but the difference does not expand to 0
    def sides(B, X, W, **_):
        a, b = X[0, 0], X[0, 1]
        return (sympy.Array([sympy.Max(a, b) + sympy.Min(a, b)]), sympy.Array([a + b]))

    result = run(make(sides))
    assert result.verdict == "unknown"


def test_non_polynomial_false_identity_is_refuted():
    def sides(B, X, W, **_):
        a, b = X[0, 0], X[0, 1]
        return (sympy.Array([sympy.Max(a, b)]), sympy.Array([a]))

    result = run(make(sides))
    assert result.verdict == "refuted"
    assert result.counterexample.lhs != result.counterexample.rhs


def test_refutation_stops_at_the_smallest_size():
    sizes = [{"n": 1, "k": 1}, {"n": 2, "k": 1}, {"n": 3, "k": 2}]
    thm = make(lambda B, X, W, **_: (B.corr2d(X, W), B.conv2d(X, W)), sizes=sizes)
    result = run(thm)
    # corr and conv agree for 1x1 kernels; they first differ at k = 2
    assert result.counterexample.sizes["k"] == (2, 2)


def test_shrink_reaches_small_values():
    x, y = sympy.symbols("x y")
    diffs = [x * y - 2 * y]
    start = find_assignment(diffs, [x, y])
    assert start is not None
    small = shrink(diffs, [x, y], {x: 3, y: -3})
    assert small == {x: 0, y: 1}


# --- sizes are checked before any work (issue 14) -------------------------------------------------------


def test_a_square_registered_size_takes_the_dimension_given():
    assert merge_sizes({"n": (5,), "k": (3,)}, {"n": 8}) == {"n": 8, "k": (3, 3)}
    assert sc.prove("conv_eq_corr_rot180", n=8).scope[0]["k"] == (3, 3)
    assert sc.prove("conv_eq_corr_rot180", n=(8,)).scope[0]["k"] == (3,)


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        (dict(n=(8,), k=(3, 3)), r"^prove: k: got \(3, 3\); expected 1 dimension, like n=\(8,\)$"),
        (dict(n=8, k=(3,)), r"^prove: k: got \(3,\); expected 2 dimensions, like n=8 \(an int is square: 2-D\)$"),
        (dict(n=(8,), s=(1, 2)), r"^prove: s: got \(1, 2\); expected 1 dimension, like n=\(8,\)$"),
        (dict(c_i=3), r"^prove: c_i: got 3; expected a size conv_eq_corr_rot180 takes: s, p, d, n, k$"),
    ],
)
def test_dimension_clashes_and_unused_sizes_are_named(sizes, message):
    with pytest.raises(sc.ParameterError, match=message):
        sc.prove("conv_eq_corr_rot180", **sizes)


@pytest.mark.parametrize("name", ["output_size_formula", "flop_count", "grad_max_pool_ties"])
def test_theorems_decided_on_their_own_grid_refuse_sizes(name):
    with pytest.raises(sc.ParameterError, match=rf"^prove: sizes: got .*; expected no sizes: {name} is decided over"):
        sc.prove(name, n=7)
