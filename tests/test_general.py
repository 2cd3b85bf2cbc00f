"""All-sizes proofs: the derivation engine, every general theorem, and agreement across levels."""

import pytest
import sympy
from sympy import Sum

import symconv as sc
from symconv.check import check_result
from symconv.prove.general import Derivation, integer, positive
from symconv.theorems.registry import get

GENERAL = [t.name for t in sc.theorems() if t.general is not None]


def test_reindexing_is_checked():
    i, a, b = integer("i a b")
    k = positive("k")
    X, W = sympy.IndexedBase("X"), sympy.IndexedBase("W")
    proof = Derivation("demo", Sum(W[k - 1 - a] * X[i + a], (a, 0, k - 1)), "start")
    proof.by(lambda e: e.change_index(a, k - 1 - a, b), Sum(W[b] * X[i + k - 1 - b], (b, 0, k - 1)), "reindex")
    result = proof.finish(Sum(W[b] * X[i + k - 1 - b], (b, 0, k - 1)))
    assert result.verdict == "proved" and result.scope == "general"


def test_a_wrong_step_is_never_proved():
    i, a = integer("i a")
    k = positive("k")
    X = sympy.IndexedBase("X")
    proof = Derivation("demo", Sum(X[i + a], (a, 0, k - 1)), "start")
    proof.equal(Sum(X[i + a], (a, 0, k)), "a false claim: one more term")  # not certifiable
    result = proof.finish(Sum(X[i + a], (a, 0, k)))
    assert result.verdict == "unknown"
    assert result.steps[-1].checked is False
    assert "unchecked step" in result.detail


def test_an_operation_sympy_refuses_leaves_the_step_unchecked():
    x = sympy.Symbol("x")
    proof = Derivation("demo", x, "start")
    proof.by(lambda e: 1 / 0, x, "a step whose operation fails")
    assert proof.finish(x).verdict == "unknown"


@pytest.mark.parametrize("name", GENERAL)
def test_general_proof(name):
    result = sc.prove(name, general=True)
    assert result.verdict == "proved", (result.detail, [(s.why, s.checked) for s in result.steps])
    assert result.scope == "general"
    assert result.hypotheses
    assert all(step.checked for step in result.steps)
    assert result.seconds < 2.0  # the budget per general proof


def test_named_theorems_have_general_proofs():
    named = [
        "output_size_formula",
        "pool_ceil_mode_size",
        "grad_input_shape",
        "conv_eq_corr_rot180",
        "full_conv_comm",
        "grad_weight_eq_corr",
        "grad_input_eq_full_conv",
        "param_count",
        "flop_count",
        "receptive_field",
        *(f"dumoulin_visin_{i}" for i in range(1, 16)),
    ]
    assert set(named) <= set(GENERAL)


n, k, s, p, d = sympy.symbols("n k s p d", integer=True)


@pytest.mark.parametrize(
    ("candidate", "ceil_mode"),
    [
        (sympy.ceiling((n + 2 * p - k) / s) + 1, False),  # ceiling instead of floor
        (lambda n, k, s, p, d: int((n + 2 * p - d * (k - 1) - 1) / s) + 1, False),  # int() truncates towards 0
        (sympy.floor((n + 2 * p - k) / s) + 1, False),  # the dilation term omitted
        (sympy.ceiling((n + 2 * p - d * (k - 1) - 1) / s) + 1, True),  # ceil_mode without PyTorch's drop rule
    ],
)
def test_wrong_size_formulas_are_refuted_with_a_counterexample(candidate, ceil_mode):
    result = sc.verify_output_size(candidate, ceil_mode=ceil_mode)
    assert result.verdict == "refuted"
    cx = result.counterexample
    assert cx.lhs != cx.rhs and "PyTorch gives" in cx.note
    torch_count = int(cx.note.rsplit(" ", 1)[1])
    assert torch_count == cx.rhs  # the windows (symbolic) and PyTorch agree, the candidate does not


def test_int_truncation_counterexample_is_a_kernel_that_does_not_fit():
    wrong = lambda n, k, s, p, d: int((n + 2 * p - d * (k - 1) - 1) / s) + 1  # noqa: E731
    cx = sc.verify_output_size(wrong).counterexample
    assert cx.rhs == 0 and cx.lhs == 1  # the truncated formula claims a window where none fits


def test_correct_formulas_hold_on_the_grid():
    assert sc.verify_output_size(sympy.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1).verdict == "proved"
    ceil = sympy.ceiling((n + 2 * p - d * (k - 1) - 1) / s) + 1
    torch_rule = ceil - sympy.Piecewise((1, (ceil - 1) * s >= n + p), (0, True))
    assert sc.verify_output_size(torch_rule, ceil_mode=True).verdict == "proved"


def test_bad_candidate_names_the_parameter():
    with pytest.raises(sc.ParameterError, match=r"candidate: got .*; expected an expression in n, k, s, p, d only"):
        sc.verify_output_size(sympy.Symbol("q") + 1)


@pytest.mark.parametrize("name", ["conv_eq_corr_rot180", "grad_weight_eq_corr", "grad_input_eq_full_conv"])
def test_general_identities_agree_with_concrete_levels_on_a_grid(name):
    """Instantiated at concrete sizes, the all-sizes identity is proved exactly and torch agrees."""
    sizes = [
        dict(n=nn, k=kk, s=ss, p=pp, d=dd)
        for nn in (3, 5)
        for kk in (1, 2, 3)
        for ss in (1, 2, 3)
        for pp in (0, 1, 2)
        for dd in (1, 2)
        if dd * (kk - 1) + 1 <= nn + 2 * pp and (name == "conv_eq_corr_rot180" or ss == 1)
    ]
    for size in sizes:
        result = sc.prove(name, **size)
        assert result.verdict == "proved", size
    result = sc.prove(name, **sizes[-1])
    assert check_result(result, "torch", trials=1).status == "ok"


def test_prove_all_reports_general_scope(capsys):
    import json

    from symconv.cli import main

    assert main(["prove", "output_size_formula", "--json", "-q"]) == 0
    data = json.loads(capsys.readouterr().out)[0]
    assert data["scope"] == "general" and data["verdict"] == "proved" and data["hypotheses"]
    assert data["checks"]["numpy"] == "ok" and data["checks"]["torch"] == "ok"
    assert get("output_size_formula").general is not None


def test_split_and_extend_check_their_side_conditions():
    a = integer("a")
    k, t = positive("k t")
    X = sympy.IndexedBase("X")
    proof = Derivation("demo", Sum(X[a], (a, 1, k + t)), "start")
    proof.split(a, k)
    assert proof.steps[-1].checked and proof.steps[-1].expr == Sum(X[a], (a, 1, k)) + Sum(X[a], (a, k + 1, k + t))
    bad = Derivation("demo", Sum(X[a], (a, 1, k)), "start")
    bad.split(a, k + t + 5)  # beyond the upper limit: not a split
    assert not bad.steps[-1].checked and bad.finish(bad.current).verdict == "unknown"
    wide = Derivation("demo", Sum(X[a], (a, 2, k + 1)), "start")
    wide.extend(a, 1, k + t + 1)
    assert wide.steps[-1].checked
    narrow = Derivation("demo", Sum(X[a], (a, 1, k)), "start")
    narrow.extend(a, 2, k)  # a smaller range is no extension
    assert not narrow.steps[-1].checked
