"""Max pooling decided by case analysis on the order of each window's cells; wrong variants never proved."""

import functools
import itertools

import pytest
import sympy

from symconv.prove.exact import prove_concrete
from symconv.prove.orderings import Case, Undecided, cases, decide
from symconv.symbolic import pool2d_vjp
from symconv.symbolic.tensor import Array, symbols
from symconv.theorems.registry import Theorem, normalize_sizes

a, b, c, d = sympy.symbols("a b c delta", real=True)


def test_one_case_per_largest_cell_when_the_maximum_decides():
    cells = sympy.symbols("x1:10", real=True)  # a 3×3 window
    lhs = sympy.Heaviside(cells[4] - sympy.Max(*(x for x in cells if x != cells[4])))
    rhs = sympy.Piecewise((1, sympy.Eq(cells[4], sympy.Max(*cells))), (0, True))
    found = list(cases(d, lhs, rhs))
    assert len(found) == 9  # not 9! orderings
    assert all(case.holds for case in found)
    assert [case.lhs for case in found].count(1) == 1  # only "x5 is the largest" routes δ to x5
    top = next(case for case in found if case.lhs == 1)
    assert top.top == (cells[4],) and top.condition == sympy.And(*(cells[4] > x for x in cells if x != cells[4]))


def test_cases_split_further_where_the_maximum_does_not_decide():
    # [b > c] does not depend on whether a is the largest: a second split is needed
    rhs = sympy.Piecewise((1, sympy.And(b > c, sympy.Or(a > b, a < b))), (0, True))  # a ≠ b: no ties
    found = list(cases(d, sympy.Heaviside(b - c), rhs))
    assert sorted(tuple(map(str, case.top)) for case in found) == [("a", "b"), ("a", "c"), ("b",), ("c",)]
    assert all(case.holds for case in found)


def test_a_wrong_case_is_refuted_with_an_assignment_in_its_order():
    lhs = sympy.Heaviside(a - sympy.Max(b, c))
    wrong = sympy.Piecewise((1, sympy.Eq(b, sympy.Max(a, b, c))), (0, True))
    inputs = {"X": Array([a, b, c]), "delta": Array([d])}
    verdict, values = decide([], inputs, [(lhs * d, wrong * d)])
    assert verdict == "refuted"
    assert values[d] == 1 and len({values[a], values[b], values[c]}) == 3
    assert (lhs - wrong).subs(values) != 0


def test_value_dependent_coefficients_are_not_decided():
    with pytest.raises(Undecided):
        list(cases(d, a * sympy.Heaviside(a - b), sympy.Integer(0)))
    inputs = {"X": Array([a, b]), "delta": Array([d])}
    assert decide([], inputs, [(d * a * sympy.Heaviside(a - b), sympy.Integer(0))])[0] == "unknown"
    assert decide([], inputs, [(d * d * sympy.Heaviside(a - b), sympy.Integer(0))])[0] == "unknown"  # not linear


def test_case_text():
    case = Case(d, (a,), (a, b), sympy.Integer(1), sympy.Integer(1))
    assert str(case) == "a > the rest: coefficient of delta: lhs 1, rhs 1" and case.holds


# --- end to end: the gradient of max pooling against routings of δ, right and wrong -------------------

N, K = (3, 4), 3  # two overlapping 3×3 windows (stride 1)
WINDOWS = [[(i, j + t) for i in range(3) for j in range(3)] for t in range(2)]


@functools.cache
def _lhs() -> Array:
    X, D = symbols("x", N), symbols("δ", (1, 2))
    return pool2d_vjp(X, D, K, stride=1)  # SymPy's derivative of the pooled Max


@functools.cache
def _max(values: tuple) -> sympy.Expr:
    return sympy.Max(*values)  # SymPy's Max of 8 or 9 symbols takes a while: built once each


def _is_max(X, cell, cells):
    return sympy.Piecewise((1, sympy.Eq(X[cell], _max(tuple(X[u] for u in cells)))), (0, True))


def _second(X, cell, cells):
    """1 where ``cell`` holds the second largest value of the window."""
    top_value = _max(tuple(X[u] for u in cells))
    return sympy.Add(
        *(
            sympy.Piecewise(
                (
                    1,
                    sympy.And(
                        sympy.Eq(X[top], top_value), sympy.Eq(X[cell], _max(tuple(X[u] for u in cells if u != top)))
                    ),
                ),
                (0, True),
            )
            for top in cells
            if top != cell
        )
    )


RULES = {
    "argmax (the notes' up)": (lambda X, cell, cells: _is_max(X, cell, cells), WINDOWS),
    "last cell of the window": (lambda X, cell, cells: int(cell == cells[-1]), WINDOWS),
    "a dropped window": (lambda X, cell, cells: _is_max(X, cell, cells), WINDOWS[:1]),
    "second largest": (_second, WINDOWS),
}


def _theorem(rule):
    route, windows = RULES[rule]

    def sides(B, X, delta, **_):
        grad = {cell: sympy.Integer(0) for cell in itertools.product(range(N[0]), range(N[1]))}
        for w, cells in zip(range(len(windows)), windows):
            for cell in cells:
                grad[cell] += delta[0, w] * route(X, cell, cells)
        return _lhs(), Array([[grad[i, j] for j in range(N[1])] for i in range(N[0])])

    return Theorem(
        name=f"max_pool_routes_to_{rule}",
        section="",
        statement=rule,
        hypotheses=(),
        inputs={"X": ("n",), "delta": (1, 2)},
        sides=sides,
        sizes=(dict(n=N, k=K),),
        method="orderings",
        distinct=("X",),
    )


@pytest.mark.parametrize(
    ("rule", "verdict"),
    [
        ("argmax (the notes' up)", "proved"),
        ("last cell of the window", "refuted"),
        ("a dropped window", "refuted"),
        ("second largest", "refuted"),
    ],
)
def test_routings_of_delta(rule, verdict):
    thm = _theorem(rule)
    result = prove_concrete(thm, [normalize_sizes(s) for s in thm.sizes])
    assert result.verdict == verdict, result.detail
    if verdict == "refuted":
        cx = result.counterexample
        assert cx.lhs != cx.rhs
        assert len({v for row in cx.values["X"] for v in row}) == N[0] * N[1]  # distinct: no tie
