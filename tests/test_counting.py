"""Counting formulas for all sizes: parameters, multiply-adds, the notes' figures and the receptive field
of any number of layers (by induction), each bridged to the operators."""

import re

import pytest
import sympy

from symconv.kernel import RULES, Statement, evaluate
from symconv.prove.general import prove_general
from symconv.theorems import counting as ct
from symconv.theorems.registry import get, proved

SCOPES = {
    "param_count": "all sizes",
    "param_count_notes": "all sizes",
    "flop_count": "all sizes",
    "receptive_field": "any L layers, by induction (bridge: stacks with s_l ≤ k_l): all sizes",
}


def grid_points(result):
    return [int(x) for x in re.findall(r"(\d+) grid points", result.bridge)]


@pytest.mark.parametrize("name", sorted(SCOPES))
def test_proved_for_all_sizes_with_the_computed_scope(name):
    result = prove_general(get(name))
    assert result.verdict == "proved", result.detail
    assert result.scope == SCOPES[name]
    assert all(step.checked and step.rule in RULES for step in result.steps)
    assert min(grid_points(result)) >= 24, result.bridge


def test_counts_are_sums_of_ones_over_the_index_ranges():
    thm = proved("param_count")
    assert thm.lhs == ct.ones((ct.o, 1, ct.c_o), (ct.c, 1, ct.c_i), (ct.a, 1, ct.k_h), (ct.b, 1, ct.k_w)) + ct.ones(
        (ct.u, 1, ct.c_o)
    )
    assert {step.rule for step in thm.steps[1:]} == {"count"}
    assert len(proved("flop_count").steps) == 7  # six sums counted, innermost first


def test_the_flop_bridge_has_stride_and_dilation():
    points = list(get("flop_count").general[0].grid())
    assert {p[ct.s] for p in points} == {1, 2} and {p[ct.d] for p in points} == {1, 2}


def test_the_figures_keep_the_rounding_visible():
    result = prove_general(get("flop_count_notes_figures"))
    assert result.verdict == "proved", result.detail
    assert "10 PFLOP taken as T = 10^16" in result.scope and "T = 10000000000000000" in result.scope
    assert "18.96 h" in result.scope and "14.2 min" in result.scope
    assert "10 PFLOP taken as 10^16" in result.statement
    assert grid_points(result) == [1] * 6  # each figure at the notes' sizes
    parts = [proved("flop_count_notes_figures", i) for i in range(6)]
    assert [part.rhs for part in parts] == [
        1_024_000_000,
        1_024 * 10**13,
        sympy.Rational(37, 2),
        14,
        sympy.Rational(474, 25),
        sympy.Rational(71, 5),
    ]


def test_the_receptive_field_rests_on_induction_over_the_window_recursion():
    thm = proved("receptive_field")
    assert "induction" in thm.rests_on["rules"] and "R" in thm.rests_on["definitions"]
    assert thm.hyps == (sympy.Ge(ct.L, 0),)  # any number of layers, no bound on L


def test_the_reach_is_the_closed_form_by_a_checked_base_and_step():
    reach = ct._reach()
    assert (reach.lhs, reach.rhs) == (ct.R[ct.L], ct.closed(ct.L))
    peel = ct._peel()
    assert [step.rule for step in peel.steps] == ["start", "split", "singleton", "singleton", "split", "singleton"]


def test_the_receptive_bridge_covers_zero_to_four_layers_mapped_top_down():
    points = list(get("receptive_field").general[0].grid())
    assert {p[ct.L] for p in points} == {0, 1, 2, 3, 4}
    # bottom-up (k, s) = (3, 2), (2, 1) reads 1 + (3 − 1) + (2 − 1)·2 = 5 inputs; top-down K = [2, 3], S = [1, 2]
    spec = get("receptive_field").general[0]
    point = {ct.L: 2, ct.K: [2, 3], ct.S: [1, 2]}
    assert evaluate(spec.statement.rhs, {ct.L: 2}, {ct.K: [2, 3], ct.S: [1, 2]}) == 5 == spec.value(point)
    assert ct._read(((2, 1), (2, 1)), 6) == 3  # the notes' two 2-wide layers, along one axis


def test_the_recursion_and_the_closed_form_agree_on_three_layers():
    """R[3] evaluated by its definition and by the closed form, top-down K = (3, 2, 4), S = (2, 1, 3)."""
    K, S, L = ct.K, ct.S, ct.L
    st = Statement("reach_3", ct.R[L], ct.closed(L), (sympy.Ge(L, 0),))
    values = {K: [3, 2, 4], S: [2, 1, 3]}
    assert evaluate(st.lhs, {L: 3}, values) == evaluate(st.rhs, {L: 3}, values) == (3 - 1) * 1 * 3 + (2 - 1) * 3 + 3
