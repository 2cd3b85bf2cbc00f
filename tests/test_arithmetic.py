"""Output-shape arithmetic for all sizes: every theorem proved by the kernel, its scope computed from its
formal hypotheses, and its bridge comparing a few dozen sizes or more with the operators."""

import re

import pytest
import sympy

import symconv as sc
from symconv.kernel import RULES, evaluate
from symconv.prove.general import prove_general
from symconv.theorems import arithmetic as ar
from symconv.theorems.registry import get, proved

SCOPES = {
    "output_size_formula": "all sizes",
    "output_size_notes_form": "all sizes with d = 1",
    "output_size_narrow": "all sizes with s = 1, d = 1, p^lo = 0, p^hi = 0",
    "output_size_same": "all sizes with s = 1, d = 1, p^hi + p^lo = k - 1",
    "output_size_wide": "all sizes with s = 1, d = 1, p^hi + p^lo = 2*k - 2",
    "output_size_same_strided": "all sizes with d = 1, p^hi + p^lo = k - 1",
    "output_size_stride_divides": "all sizes with d = 1, p^hi + p^lo = k - 1, n = q*s",
    "output_size_1d_notes": "all sizes with d = 1, Mod(-k + n + p^hi + p^lo, s) = 0",
    "dumoulin_visin_1": "all sizes with s = 1, p = 0, d = 1",
    "dumoulin_visin_2": "all sizes with s = 1, d = 1",
    "dumoulin_visin_3": "all sizes with s = 1, d = 1, k = 2*q + 1, p = q",
    "dumoulin_visin_4": "all sizes with s = 1, d = 1, p = k - 1",
    "dumoulin_visin_5": "all sizes with p = 0, d = 1",
    "dumoulin_visin_6": "all sizes with d = 1",
    "dumoulin_visin_7": "all sizes with p = 0, d = 1",
    "dumoulin_visin_8": "all sizes with s = 1, p = 0",
    "dumoulin_visin_9": "all sizes with s = 1, p ≤ k - 1",
    "dumoulin_visin_10": "all sizes with s = 1, k = 2*q + 1, p = q",
    "dumoulin_visin_11": "all sizes with s = 1, p = k - 1",
    "dumoulin_visin_12": "all sizes with p = 0",
    "dumoulin_visin_13": "all sizes with p ≤ k - 1",
    "dumoulin_visin_14": "all sizes with p ≤ k - 1",
    "dumoulin_visin_15": "all sizes",
    "grad_input_shape": "all sizes with m = floor((-d*(k - 1) + n + p^hi + p^lo - 1)/s) + 1, "
    "a = Mod(-d*(k - 1) + n + p^hi + p^lo + s - 1, s)",
    "pool_ceil_mode_size": "all sizes with 2*p ≤ k",
}


def grid_points(result):
    """How many grid points the bridge compared (from the result's bridge note)."""
    found = re.search(r"(\d+) grid points", result.bridge)
    return int(found.group(1)) if found else 0


@pytest.mark.parametrize("name", sorted(SCOPES))
def test_proved_for_all_sizes_with_the_computed_scope(name):
    result = prove_general(get(name))
    assert result.verdict == "proved", result.detail
    assert result.scope == SCOPES[name]
    assert all(step.checked and step.rule in RULES for step in result.steps)
    assert grid_points(result) >= 24, result.bridge  # a few dozen sizes compared with the operators


@pytest.mark.parametrize("name", sorted(set(SCOPES) - {"output_size_formula", "pool_ceil_mode_size"}))
def test_corollaries_are_instances_of_the_window_count(name):
    thm = proved(name)
    assert "output_size_formula" in thm.rests_on["instances"]
    assert thm.steps[1].rule == "instance"


def test_the_window_count_starts_at_the_windows_and_ends_at_the_formula():
    thm = proved("output_size_formula")
    assert len(thm.steps) == 3 and thm.steps[-1].rule == "count"  # restrict the range, count it
    n, k, s, d = ar.n, ar.k, ar.s, ar.d
    assert thm.rhs == sympy.floor((n + ar.p_lo + ar.p_hi - d * (k - 1) - 1) / s) + 1


def test_the_bridges_cover_stride_padding_and_dilation():
    spec = get("output_size_formula").general[0]
    points = list(spec.grid())
    for symbol, values in ((ar.s, {1, 2, 3}), (ar.d, {1, 2}), (ar.p_lo, {0, 2}), (ar.p_hi, {0, 1})):
        assert {p[symbol] for p in points} >= values
    assert any(p[ar.p_lo] != p[ar.p_hi] for p in points)  # asymmetric padding


def test_ceil_mode_drops_the_window_that_starts_in_the_right_padding():
    spec = get("pool_ceil_mode_size").general[0]
    at = {ar.n: 32, ar.k: 1, ar.s: 2, ar.d: 1, ar.p: 0}
    assert at in list(spec.grid())
    assert evaluate(spec.statement.rhs, at, {}) == 16 == spec.value(at)
    assert evaluate(sympy.ceiling((32 - 1) / 2) + 1, {}, {}) == 17  # the plain ceiling


def test_the_api_reports_both_levels():
    result = sc.prove("dumoulin_visin_15", general=True)
    assert result.verdict == "proved" and result.scope == "all sizes"
    assert "concrete level: proved" in result.detail


def _torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize("number", range(8, 15))
def test_dumoulin_visin_transposed_sizes_are_torchs(number):
    """The transposed relations' right sides equal torch's conv_transpose1d output length at every
    bridge point torch accepts (output_padding a < s)."""
    torch = _torch()
    spec = get(f"dumoulin_visin_{number}").general[0]
    compared = 0
    for point in spec.grid():
        i_t, k, s, p, a = (point.get(x, 0) for x in (ar.i_t, ar.k, ar.s, ar.p, ar.a_ex))
        if not all(evaluate(h, point, {}) is sympy.true for h in spec.statement.hyps) or a >= s:
            continue
        x, w = torch.zeros(1, 1, i_t, dtype=torch.float64), torch.zeros(1, 1, k, dtype=torch.float64)
        out = torch.nn.functional.conv_transpose1d(x, w, stride=s, padding=p, output_padding=a)
        assert out.shape[-1] == evaluate(spec.statement.rhs, point, {}), point
        compared += 1
    assert compared >= 15


def test_grad_input_shape_is_torchs_transposed_convolution():
    torch = _torch()
    spec = get("grad_input_shape").general[0]
    compared = 0
    for point in spec.grid():
        if point[ar.p_lo] != point[ar.p_hi]:
            continue  # torch pads symmetrically
        m, k, s, d, p, a = (point[x] for x in (ar.m_out, ar.k, ar.s, ar.d, ar.p_lo, ar.a_ex))
        x, w = torch.zeros(1, 1, m, dtype=torch.float64), torch.zeros(1, 1, k, dtype=torch.float64)
        out = torch.nn.functional.conv_transpose1d(x, w, stride=s, padding=p, output_padding=a, dilation=d)
        assert out.shape[-1] == point[ar.n] == spec.value(point), point
        compared += 1
    assert compared >= 24
