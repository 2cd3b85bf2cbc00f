"""Wrong output-size and counting theorems are never proved: for every theorem of arithmetic.py and
counting.py, a wrong variant (a wrong formula, a dropped term, a wrong recursion …) is refused by the
kernel, and where the variant is false on the bridge's grid, the bridge reports the mismatch too.

The wrong parts are checked directly (``spec.proof(spec.statement)`` and :func:`bridge`), not through
``prove_general``, whose results are remembered by theorem name."""

import dataclasses

import pytest
import sympy
from sympy import Eq, Product, floor

from symconv.kernel import KernelError, Proof, Statement, Sum, define_sequence, induction
from symconv.prove.bridge import bridge
from symconv.theorems import arithmetic as ar
from symconv.theorems import counting as ct
from symconv.theorems.registry import get, proved

n, k, s, d, p, q, i, it, a = ar.n, ar.k, ar.s, ar.d, ar.p, ar.q, ar.i_in, ar.i_t, ar.a_ex
N = n + ar.p_lo + ar.p_hi


def wrong(name, part=0, *, lhs=None, rhs=None, hyps=None, proof=None):
    """The registered all-sizes part of ``name`` with one side, the hypotheses or the proof replaced."""
    spec = get(name).general[part]
    st = spec.statement
    statement = Statement(
        st.name,
        st.lhs if lhs is None else lhs,
        st.rhs if rhs is None else rhs,
        st.hyps if hyps is None else hyps,
    )
    return dataclasses.replace(spec, statement=statement, proof=proof or spec.proof)


def without(name, dropped):
    """The hypotheses of ``name`` with ``dropped`` left out."""
    return tuple(h for h in get(name).general[0].statement.hyps if h != dropped)


# name, part, wrong formula (rhs) -- each false at some point of the theorem's bridge grid
WRONG_FORMULAS = [
    ("output_size_formula", 0, sympy.ceiling((N - d * (k - 1) - 1) / s) + 1),  # ceiling for floor
    ("output_size_formula", 0, floor((N - k) / s) + 1),  # the dilation term dropped
    ("output_size_notes_form", 0, floor((N - k) / s)),  # the + s dropped
    ("output_size_narrow", 0, n - k),
    ("output_size_same", 0, n + 1),
    ("output_size_wide", 0, n + k),
    ("output_size_same_strided", 0, floor(n / s)),
    ("output_size_stride_divides", 0, q + 1),
    ("output_size_1d_notes", 0, (N - k) / s),
    ("dumoulin_visin_1", 0, i - k),
    ("dumoulin_visin_2", 0, i - k + p + 1),
    ("dumoulin_visin_3", 0, i + 1),
    ("dumoulin_visin_4", 0, i + k),
    ("dumoulin_visin_5", 0, sympy.ceiling((i - k) / s) + 1),
    ("dumoulin_visin_6", 0, floor((i + p - k) / s) + 1),
    ("dumoulin_visin_7", 0, floor((i - k) / s)),
    ("dumoulin_visin_8", 0, it + k),
    ("dumoulin_visin_9", 0, it + k - 1 - p),
    ("dumoulin_visin_10", 0, it + 1),
    ("dumoulin_visin_11", 0, it - k),
    ("dumoulin_visin_12", 0, s * it + k),
    ("dumoulin_visin_13", 0, s * (it - 1) + k - p),
    ("dumoulin_visin_14", 0, s * (it - 1) + k - 2 * p),  # the a extra cells dropped
    ("dumoulin_visin_15", 0, floor((i + 2 * p - k) / s) + 1),  # the dilation term dropped
    ("grad_input_shape", 0, N),  # the padded size, not the input's
    ("pool_ceil_mode_size", 0, ar.CEIL),  # the drop rule's correction term dropped
    ("param_count", 0, ct.c_o * ct.c_i * ct.k_h * ct.k_w),  # the bias forgotten
    ("param_count_notes", 0, ct.c_o * ct.c_i * ct.k_h * ct.k_w + ct.c_o),  # PyTorch's count
    ("flop_count", 0, ct.c_o * ct.k_h * ct.k_w * ct.m_h * ct.m_w),  # the input channels forgotten
    ("flop_count_notes_figures", 0, 10**9),  # "1 GFLOP" taken literally
    ("flop_count_notes_figures", 2, sympy.Rational(185)),  # CPU hours × 10
    ("flop_count_notes_figures", 5, 14),  # the exact count's minutes rounded like the notes'
    ("receptive_field", 0, 1 + Sum((ct.K[ct.l] - 1) * Product(ct.S[ct.jj], (ct.jj, 1, ct.l - 1)), (ct.l, 1, ct.L))),
]


@pytest.mark.parametrize(
    ("name", "part", "rhs"), WRONG_FORMULAS, ids=[f"{name}[{part}]: {rhs}" for name, part, rhs in WRONG_FORMULAS]
)
def test_a_wrong_formula_is_refused_by_the_kernel_and_the_bridge(name, part, rhs):
    spec = wrong(name, part, rhs=rhs)
    with pytest.raises(KernelError):
        spec.proof(spec.statement)
    report = bridge(get(name), spec)
    assert not report.ok and report.mismatch, report


PORTED = {
    "output_size_formula",
    "output_size_notes_form",
    "output_size_narrow",
    "output_size_same",
    "output_size_wide",
    "output_size_same_strided",
    "output_size_stride_divides",
    "output_size_1d_notes",
    *(f"dumoulin_visin_{number}" for number in range(1, 16)),
    "grad_input_shape",
    "pool_ceil_mode_size",
    "param_count",
    "param_count_notes",
    "flop_count",
    "flop_count_notes_figures",
    "receptive_field",
}


def test_every_ported_theorem_has_a_wrong_variant():
    assert {name for name, _part, _rhs in WRONG_FORMULAS} == PORTED
    assert all(get(name).general for name in PORTED)


def test_the_ceiling_is_refused_even_with_its_own_proof():
    spec = wrong("output_size_formula", rhs=sympy.ceiling((N - d * (k - 1) - 1) / s) + 1)
    with pytest.raises(KernelError, match="not entailed"):
        Proof(spec.statement).restrict(ar.j, 0, sympy.ceiling((N - d * (k - 1) - 1) / s))


def test_the_notes_form_without_its_divisibility_hypothesis():
    hyps = without("output_size_1d_notes", Eq(sympy.Mod(N - k, s), 0))
    spec = wrong("output_size_1d_notes", hyps=hyps)
    with pytest.raises(KernelError):
        spec.proof(spec.statement)
    assert bridge(get("output_size_1d_notes"), spec).mismatch  # a fraction where the windows are whole


def test_a_lemma_applied_to_the_wrong_expression():
    st = get("output_size_narrow").general[0].statement
    with pytest.raises(KernelError, match="does not occur"):
        Proof(st).instance(proved("output_size_formula"), {n: n + 1})


def test_a_lemma_used_outside_its_hypotheses():
    """Relationship 1 (p = 0) matches relationship 2's windows, but its hypothesis p = 0 does not hold."""
    st = get("dumoulin_visin_2").general[0].statement
    with pytest.raises(KernelError, match="not entailed"):
        Proof(st).instance(proved("dumoulin_visin_1"))


def test_the_input_gradient_shape_without_output_padding_or_crop():
    st = get("grad_input_shape").general[0].statement
    padding = next(h for h in st.hyps if isinstance(h, Eq) and h.lhs == a)
    no_padding = wrong("grad_input_shape", hyps=(*without("grad_input_shape", padding), Eq(a, 0)))
    with pytest.raises(KernelError):
        no_padding.proof(no_padding.statement)
    no_crop = wrong("grad_input_shape", lhs=st.lhs + ar.p_lo + ar.p_hi)
    with pytest.raises(KernelError):
        no_crop.proof(no_crop.statement)
    assert bridge(get("grad_input_shape"), no_crop).mismatch


# a wrong recursion: the stride of the layer below ignored
R_FLAT, R_FLAT_ZERO, R_FLAT_SUCC = define_sequence(
    "R_no_stride", ct.m, 0, sympy.IndexedBase("R_no_stride")[ct.m] + ct.K[ct.m + 1] - 1
)


def test_a_wrong_window_recursion_is_refused():
    L, l = ct.L, ct.l
    spec = wrong("receptive_field", lhs=R_FLAT[L] + 1)
    with pytest.raises(KernelError):
        spec.proof(spec.statement)
    hypothesis = Eq(R_FLAT[L], ct.closed(L))
    step = Proof(Statement("flat_step", R_FLAT[L + 1], ct.closed(L + 1), (sympy.Ge(L, 0), hypothesis)))
    step.instance(R_FLAT_SUCC, {ct.m: L}).hypothesis(hypothesis)
    with pytest.raises(KernelError):
        step.push(l).instance(ct._peel(), reverse=True)
    assert bridge(get("receptive_field"), spec).mismatch


def test_induction_refuses_a_base_or_step_of_another_statement():
    base, step = ct.reach_base(), ct.reach_step()
    assert induction(ct.REACH, ct.L, 0, base, step).rhs == ct.closed(ct.L)
    with pytest.raises(KernelError, match="base"):
        induction(ct.REACH, ct.L, 0, step, step)
    with pytest.raises(KernelError, match="step"):
        induction(ct.REACH, ct.L, 0, base, base)
    with pytest.raises(KernelError, match="step"):
        induction(ct.REACH, ct.L, 0, base, ct._peel())  # a true lemma, but not P(L) ⊢ P(L + 1)
    with pytest.raises(KernelError, match="assume"):
        induction(ct.REACH, ct.L, 1, base, step)  # from 1: the statement assumes L ≥ 0


def test_figures_cannot_lose_their_rounding():
    """The notes' 18.5 h is 10^16 operations rounded; for the exact count the kernel refuses 18.5 h."""
    spec = wrong("flop_count_notes_figures", 4, rhs=sympy.Rational(37, 2))
    with pytest.raises(KernelError):
        spec.proof(spec.statement)
    assert bridge(get("flop_count_notes_figures"), spec).mismatch
    unrounded = wrong("flop_count_notes_figures", 2, lhs=ct.work / (3600 * ct.rate))  # no rounding: 500/27 h
    with pytest.raises(KernelError):
        unrounded.proof(unrounded.statement)


def test_pool_ceil_without_the_padding_bound():
    """Without 2p ≤ k the formula may drop more than one window: the kernel cannot prove it."""
    hyps = without("pool_ceil_mode_size", sympy.Le(2 * p, k))
    spec = wrong("pool_ceil_mode_size", hyps=hyps)
    with pytest.raises(KernelError):
        spec.proof(spec.statement)
