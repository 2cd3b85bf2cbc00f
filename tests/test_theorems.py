"""Every registered theorem reaches its expected verdict and passes its cross-checks."""

import pytest

import symconv as sc
from symconv.check import check_result
from symconv.theorems.registry import get

NAMES = [t.name for t in sc.theorems()]


@pytest.mark.parametrize("name", NAMES)
def test_theorem_verdict_and_checks(name):
    result = sc.prove(name)
    assert result.verdict == get(name).expected, result
    for backend in ("numpy", "torch"):
        outcome = check_result(result, backend)
        assert outcome.status == "ok", (backend, outcome.detail)


def test_registry_is_complete_and_ordered_by_section():
    expected = {
        "conv_eq_corr_rot180",
        "full_conv_comm",
        "full_corr_rot180_comm",
        "full_corr_comm",
        "full_corr_eq_rot180_swap",
        "conv1x1_eq_matmul",
        "output_size_matches",
    }
    assert expected <= set(NAMES)
    sections = [tuple(map(int, t.section.split("."))) for t in sc.theorems()]
    assert sections == sorted(sections)


def test_full_corr_comm_smallest_counterexample():
    result = sc.prove("full_corr_comm")
    assert result.verdict == "refuted"
    cx = result.counterexample
    n, k = cx.sizes["n"], cx.sizes["k"]
    assert n[0] * n[1] + k[0] * k[1] == 3  # one 1x1 operand and one 1x2: nothing smaller refutes
    flat = [v for rows in cx.values.values() for row in rows for v in row]
    assert set(flat) <= {0, 1}
    assert cx.lhs != cx.rhs
    assert result.correction.startswith("full_corr_eq_rot180_swap")
    assert sc.prove("full_corr_eq_rot180_swap").verdict == "proved"


def test_sizes_given_by_keyword():
    result = sc.prove("conv_eq_corr_rot180", n=(6, 5), k=(3, 2), s=2, p=1, d=(1, 2))
    assert result.verdict == "proved"
    assert result.scope == [{"n": (6, 5), "k": (3, 2), "s": 2, "p": 1, "d": (1, 2)}]


def test_literal_wide_correlation_commutes_for_symmetric_shapes_only_by_luck():
    # at 1x1 sizes the literal claim holds: the proof must say exactly which sizes it covered
    result = sc.prove("full_corr_comm", n=1, k=1)
    assert result.verdict == "proved"
    assert result.scope == [{"n": (1, 1), "k": (1, 1), "s": 1, "p": 0, "d": 1}]


def test_unknown_theorem_name():
    with pytest.raises(sc.UnknownTheoremError, match=r"prove: name: got 'nope'; expected a registered theorem"):
        sc.prove("nope")


def test_bad_size_keyword():
    with pytest.raises(sc.ParameterError, match=r"prove: m: got 3; expected a size keyword"):
        sc.prove("conv_eq_corr_rot180", m=3)
    with pytest.raises(sc.ParameterError, match=r"prove: n: got 0; expected a positive int"):
        sc.prove("conv_eq_corr_rot180", n=0)


def test_hypothesis_violation_is_a_clear_error():
    with pytest.raises(sc.ShapeError, match=r"kernel: got \(5, 5\); expected a kernel that fits the padded input"):
        sc.prove("conv_eq_corr_rot180", n=3, k=5)
