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
