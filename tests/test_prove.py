"""The exact engine: proved only for a zero difference, refuted with a checked counterexample."""

import sympy

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
