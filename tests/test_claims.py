"""verify(): proved for the sizes covered, or refuted with the smallest counterexample."""

import pytest

import symconv as sc
from symconv.claims import MISTAKES, Claim, mistakes, verify


def wide_corr_commutes(B, X, W):
    return B.corr2d(X, W, padding="full"), B.corr2d(W, X, padding="full")


def test_refuted_with_smallest_sizes_and_small_values():
    r = verify(wide_corr_commutes, X=("n", "n"), W=("k", "k"), n=range(1, 4), k=range(1, 3))
    assert r.verdict == "refuted"
    cx = r.counterexample
    assert cx.sizes == {"n": 1, "k": 2}  # 1 + 4 symbols: the fewest at which the sides differ
    assert {v for rows in cx.values.values() for row in rows for v in row} <= {0, 1}
    assert cx.lhs != cx.rhs
    assert {name: c.status for name, c in r.checks.items()} == {"numpy": "ok", "torch": "ok"}


def test_proved_reports_the_sizes_covered():
    def rotated(B, X, W):
        return B.corr2d(X, B.rot180(W), padding="full"), B.corr2d(W, B.rot180(X), padding="full")

    r = verify(rotated, X=("n", "n"), W=("k", "k"), n=range(1, 4), k=range(1, 3))
    assert r.verdict == "proved"
    assert len(r.scope) == 6 and {"n": 3, "k": 2} in r.scope


def test_never_proved_when_false_at_some_size_of_the_ranges():
    # conv and corr agree for 1×1 kernels only: a range that reaches k = 2 must refute
    def conv_is_corr(B, X, W):
        return B.conv2d(X, W), B.corr2d(X, W)

    assert verify(conv_is_corr, X=("n", "n"), W=("k", "k"), n=(3,), k=(1,)).verdict == "proved"
    r = verify(conv_is_corr, X=("n", "n"), W=("k", "k"), n=(3,), k=(1, 2))
    assert r.verdict == "refuted" and r.counterexample.sizes == {"n": 3, "k": 2}


def test_shape_error_is_a_mismatch_not_a_crash():
    def valid_conv_commutes(B, X, W):
        return B.conv2d(X, W), B.conv2d(W, X)

    r = verify(valid_conv_commutes, X=("n", "n"), W=("k", "k"), n=range(1, 3), k=range(1, 3))
    assert r.verdict == "refuted"
    assert r.counterexample.note.startswith("shape error: conv2d: kernel")
    assert all(c.status == "ok" for c in r.checks.values())  # numpy and torch refuse it too


def test_symbolic_only_claims_are_proved_but_not_replayed():
    def sym(X, W):
        return sc.conv2d(X, W), sc.corr2d(X, sc.rot180(W))

    assert verify(sym, X=("n", "n"), W=("k", "k"), n=(3,), k=(2,)).verdict == "proved"

    def wrong(X, W):
        return sc.conv2d(X, W), sc.corr2d(X, W)

    r = verify(wrong, X=("n", "n"), W=("k", "k"), n=(3,), k=(2,))
    assert r.verdict == "refuted" and r.checks["numpy"].status == "skipped"


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.name for m in MISTAKES])
def test_common_mistakes_refuted_and_corrected(mistake):
    bad, good = mistake.refute(), mistake.correct()
    assert bad.verdict == "refuted"
    assert good.verdict == "proved"
    if bad.checks:
        assert all(c.status == "ok" for c in bad.checks.values()), bad.checks


def test_mistakes_listing():
    assert [m.name for m in MISTAKES] == [
        "ceil_output_size",
        "grad_input_without_flip",
        "valid_conv_commutes",
        "same_padding_even_kernel_centred",
        "torch_max_pool_splits_ties",
    ]
    assert callable(mistakes)


def test_bad_claims_are_clear_errors():
    with pytest.raises(sc.ParameterError, match=r"verify: claim: got 3; expected a function returning \(lhs, rhs\)"):
        verify(3, X=("n",), n=(1,))
    with pytest.raises(sc.ParameterError, match=r"verify: ranges: got \{\}; expected at least one size range"):
        verify(wide_corr_commutes, X=(2, 2), W=(1, 1))
    with pytest.raises(sc.ParameterError, match=r"verify: claim: got 'wide_corr_commutes'; expected a function taking"):
        verify(wide_corr_commutes, X=("n", "n"), Y=("n",), n=(1,))


def test_claim_object_with_hypotheses():
    def fits_only(B, X, W):
        return B.corr2d(X, W), B.conv2d(X, B.rot180(W))

    claim = Claim(
        fits_only,
        dict(X=("n", "n"), W=("k", "k")),
        dict(n=range(1, 4), k=range(1, 4)),
        where=lambda z: z["k"] <= z["n"],
    )
    assert verify(claim).verdict == "proved"


# --- validated before any work (issue 14), vacuous scopes (issue 10) ----------------------------------


def corr_is_conv_of_rot(B, X, W):
    return B.corr2d(X, W), B.conv2d(X, B.rot180(W))


SHAPES = dict(X=("n", "n"), W=("k", "k"))


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        (dict(n=range(1, 1), k=(1,)), r"^verify: n: got range\(1, 1\); expected a non-empty iterable of positive ints"),
        (dict(n=[2.5], k=(1,)), r"^verify: n: got \[2\.5\]; expected a non-empty iterable of positive ints"),
        (dict(n=(0, 1), k=(1,)), r"^verify: n: got \(0, 1\); expected a non-empty iterable of positive ints"),
        (dict(n=3, k=(1,)), r"^verify: n: got 3; expected a non-empty iterable of positive ints"),
        (dict(n=(True,), k=(1,)), r"^verify: n: got \(True,\); expected a non-empty iterable of positive ints"),
    ],
)
def test_ranges_must_be_non_empty_positive_ints(ranges, message):
    with pytest.raises(sc.ParameterError, match=message):
        verify(corr_is_conv_of_rot, **SHAPES, **ranges)


def test_a_where_that_rejects_every_size_is_an_error_not_proved():
    with pytest.raises(sc.ParameterError, match=r"^verify: where: got .*; expected a hypothesis that keeps at least"):
        verify(corr_is_conv_of_rot, **SHAPES, n=range(1, 4), k=range(1, 3), where=lambda z: z["k"] > 5)


@pytest.mark.parametrize("entry", [-1, 0, 2.5, "m", None])
def test_shape_entries_must_be_positive_ints_or_size_names(entry):
    with pytest.raises(sc.ParameterError, match=r"^verify: X: got .*; expected a shape: a tuple of size names"):
        verify(corr_is_conv_of_rot, X=("n", entry), W=("k", "k"), n=(3,), k=(1,))


def test_a_shape_function_giving_zero_is_named_with_the_size():
    with pytest.raises(sc.ClaimError, match=r"^verify: X: got .*; expected positive sizes, but at n=1,k=1 one is 0"):
        verify(corr_is_conv_of_rot, X=("n", lambda z: z["n"] - 1), W=("k", "k"), n=(1,), k=(1,))


@pytest.mark.parametrize(
    ("returns", "shown"),
    [
        (lambda X: (1, 2), r"a 2-tuple \(int, int\)"),
        (lambda X: [[1], [2]], r"list \[\[1\], \[2\]\]"),
        (lambda X: None, "NoneType None"),
        (lambda X: (X, X, X), r"a 3-tuple"),
        (lambda X: (X, 0), r"a 2-tuple \(\w+, int\)"),
    ],
)
def test_a_claim_must_return_two_arrays(returns, shown):
    def claim(B, X):
        return returns(X)

    with pytest.raises(
        sc.ClaimError,
        match=r"^verify: claim: got 'claim'; expected a function returning \(lhs, rhs\), "
        rf"two arrays; at n=2 it returned {shown}",
    ):
        verify(claim, X=("n",), n=(2,))


def test_an_exception_in_a_claim_names_the_size():
    def indexes_too_far(B, X):
        return X[3], X

    with pytest.raises(
        sc.ClaimError,
        match=r"^verify: claim: got 'indexes_too_far'; expected a claim that runs at n=3: "
        r"it raised IndexError",
    ) as info:
        verify(indexes_too_far, X=("n",), n=(4, 3))  # n=3 comes first: fewer symbols
    assert isinstance(info.value.__cause__, IndexError)


def test_both_sides_undefined_is_reported_with_a_where_not_refuted():
    r = verify(corr_is_conv_of_rot, **SHAPES, n=range(1, 4), k=range(1, 4))
    assert r.verdict == "proved"
    assert len(r.scope) == 6 and all(z["k"] <= z["n"] for z in r.scope)  # only where the sides are defined
    assert "both sides undefined at 3 size(s)" in r.detail
    assert 'where=lambda z: z["k"] <= z["n"]' in r.detail
    with pytest.raises(sc.ClaimError, match=r"sides defined at some size of the ranges; both raise at every size"):
        verify(corr_is_conv_of_rot, **SHAPES, n=(1,), k=(2, 3))


def test_one_side_undefined_is_a_mismatch_confirmed_in_numpy_and_torch():
    def lhs_needs_k_le_n(B, X, W):
        return B.corr2d(X, W), B.corr2d(X, W, padding="full")[: B.shape(X)[0], : B.shape(X)[1]]

    r = verify(lhs_needs_k_le_n, **SHAPES, n=(1,), k=(2,))
    assert r.verdict == "refuted"
    assert r.counterexample.note.endswith("(the lhs raises, the rhs is defined)")
    assert {c.status for c in r.checks.values()} == {"ok"}


def test_restricted_values_appear_in_the_scope():
    r = verify(squares_are_themselves, X=("n", "n"), n=range(1, 3), values=(0, 1))
    assert r.verdict == "proved"
    assert r.scope == [{"n": 1, "inputs": "0/1 inputs"}, {"n": 2, "inputs": "0/1 inputs"}]
    assert "n ∈ {1, 2} (0/1 inputs)" in r.detail and "not for all inputs" in r.detail
    assert verify(squares_are_themselves, X=("n", "n"), n=range(1, 3)).verdict == "refuted"  # all inputs: false


def test_the_grid_is_budgeted_before_it_is_built():
    with pytest.raises(sc.BudgetError, match=r"^verify: n: got range\(1, 1000000000\): 999,999,999 grid points"):
        verify(corr_is_conv_of_rot, **SHAPES, n=range(1, 10**9), k=(1,))
    with pytest.raises(sc.BudgetError, match=r"input symbols, summed over the grid; expected at most max_terms=100 "):
        verify(corr_is_conv_of_rot, **SHAPES, n=range(1, 8), k=(1,), max_terms=100)
    with pytest.raises(sc.BudgetError, match=r"^verify: values: got \(0, 1\): 66,048 value assignments"):
        verify(squares_are_themselves, X=("n", "n"), n=(3, 4), values=(0, 1), max_terms=1000)


def squares_are_themselves(B, X):
    return B.mul(X, X), X  # x² = x: true for 0 and 1 only


def test_claims_without_a_system_that_raise_are_unknown_never_refuted():
    def symbolic_only(X, W):
        return sc.corr2d(X, W), sc.conv2d(X, sc.rot180(W))

    r = verify(symbolic_only, **SHAPES, n=(1,), k=(1, 2))
    assert r.verdict == "unknown"
    assert "write it for a system B" in r.detail
