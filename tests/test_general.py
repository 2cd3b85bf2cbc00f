"""All-sizes results: every registered general part proved by the kernel and bridged to the operators."""

import json

import pytest
import sympy

import symconv as sc
from symconv.check import check_result
from symconv.cli import main
from symconv.kernel import RULES
from symconv.prove.bridge import bridge
from symconv.theorems.registry import get, proved

GENERAL = [t.name for t in sc.theorems() if t.general]


@pytest.mark.parametrize("name", GENERAL)
def test_general_proof(name):
    """Proved by kernel rules only, bridged at some sizes, scope computed, hypotheses printed from the formal ones."""
    result = sc.prove(name, general=True)
    assert result.verdict == "proved", result.detail
    assert result.level == "general" and result.scope.startswith(("all sizes", get(name).general[0].label))
    assert result.formal_hypotheses and len(result.hypotheses) == len(result.formal_hypotheses)
    assert all(step.rule in RULES and step.checked for step in result.steps)
    assert result.to_dict()["kernel_steps"] >= 1
    for number, spec in enumerate(get(name).general):
        assert proved(name, number).lhs == spec.statement.lhs
        report = bridge(get(name), spec)
        assert report.ok and report.points > 0, report


def test_named_theorems_have_general_proofs():
    named = [
        "output_size_formula",
        "pool_ceil_mode_size",
        "grad_input_shape",
        "conv_eq_corr_rot180",
        "full_conv_comm",
        "full_corr_rot180_comm",
        "grad_weight_eq_corr",
        "grad_input_eq_full_conv",
        "param_count",
        "flop_count",
        "receptive_field",
        *(f"dumoulin_visin_{i}" for i in range(1, 16)),
    ]
    assert set(named) <= set(GENERAL)


def test_without_a_general_statement_the_result_says_so():
    result = sc.prove("full_corr_comm", general=True)
    assert result.verdict == "refuted" and result.scope.startswith("none (no all-sizes form: the claim is false")
    none = sc.prove("grad_max_pool", general=True)  # no faithful all-sizes statement (see its docstring)
    assert none.verdict == "unknown" and "no all-sizes form" in none.scope and none.concrete_scope


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


def test_prove_json_reports_scope_and_kernel_steps(capsys):
    assert main(["prove", "grad_weight_eq_corr", "--json", "-q"]) == 0
    data = json.loads(capsys.readouterr().out)[0]
    assert data["level"] == "general" and data["verdict"] == "proved" and data["scope"] == "all sizes"
    assert data["kernel_steps"] == 7 and all(step["rule"] in RULES for step in data["steps"])
    assert "differentiate" in data["rests_on"]["rules"] and data["concrete_scope"]
    assert data["checks"]["numpy"] == "ok" and data["checks"]["torch"] == "ok"
    assert "entries" in data["bridge"]
