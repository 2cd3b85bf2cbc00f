"""Wrong variants of issue 13's new all-sizes parts (gradients with channels, groups and bias, the error term
through the activation, average pooling, the 1×1 layer, the swapped wide correlation) are never proved.

Each variant is a plausible mistake (a flip, a group offset or a rotation forgotten, PyTorch's divisor taken
as k_h·k_w, the notes' bias spread over the pairs …).  The kernel must refuse its proof, and the bridge must
find the variant unequal to the operators at one of the bridge sizes.  The parts are checked directly
(``spec.proof(spec.statement)`` and :func:`bridge`), not through ``prove_general``, whose results are
remembered per registered theorem."""

import dataclasses

import pytest
import sympy
from sympy import Piecewise

from symconv.formal import Slice, corr, divisor, rot180, unflat_index
from symconv.kernel import KernelError, Statement, Sum, scope_of
from symconv.prove.bridge import bridge
from symconv.theorems import channels as ch
from symconv.theorems import gradients as gr
from symconv.theorems import pooling as po
from symconv.theorems import wide as wd
from symconv.theorems.registry import get

NEW_PARTS = {  # name: the number of all-sizes parts
    "full_corr_eq_rot180_swap": 1,
    "conv1x1_eq_matmul": 1,
    "grad_bias_eq_sum": 1,
    "grad_bias_per_pair": 1,
    "grad_multi_channel": 3,
    "delta_recursion": 1,
    "grad_avg_pool": 1,
    "grad_pool_mass": 1,
}


def wrong(name, part=0, *, rhs=None, hyps=None, bridge_sizes=None):
    """The registered all-sizes part of ``name`` with its right side (or hypotheses) replaced."""
    spec = get(name).general[part]
    st = spec.statement
    statement = Statement(st.name, st.lhs, st.rhs if rhs is None else rhs, st.hyps if hyps is None else hyps)
    return dataclasses.replace(spec, statement=statement, bridge_sizes=bridge_sizes or spec.bridge_sizes)


def _swap_unrotated():
    """The literal claim W *~ X = X *~ W (the output not rotated)."""
    return corr(wd.W, wd.X, wd.ON_W, (wd.i, wd.j), (wd.a, wd.b))


def _matmul_column_major():
    """X reshaped to c_i × n_h n_w column by column (Fortran order), the product reshaped back row by row:
    entry (i, j) then reads the pixel that column-major position (i − 1) n_w + j holds."""
    row, col = unflat_index(ch.flat_index((ch.i, ch.j), (ch.H1.n, ch.V1.n)), (ch.V1.n, ch.H1.n))
    return Sum(ch.W[ch.q, ch.e, 1, 1] * ch.X[ch.e, col, row], (ch.e, 1, ch.c_i))


def _bias_all_channels():
    """∂ℓ/∂b_c summed over every output channel's δ (the channel index forgotten)."""
    return Sum(Sum(Sum(gr.D[gr.q, gr.i, gr.j], (gr.j, 1, gr.V.m)), (gr.i, 1, gr.H.m)), (gr.q, 1, gr.g * gr.co_g))


def _weights_without_group_offset():
    """∂ℓ/∂W_{c,c'} read from input channel c' (right without groups only)."""
    return corr(
        Slice(gr.X, gr.c2),
        lambda p_, r_: gr.dilated(Slice(gr.D, gr.c), (gr.H, gr.V), (p_, r_)),
        gr.BACK,
        (gr.alpha, gr.beta),
        (gr.u, gr.v),
    )


def _wide_without_flip():
    """Σ_q W_{q,d} *~ δ_q: the kernel not rotated."""
    return gr._in_group(corr(Slice(gr.D, gr.q), Slice(gr.W, gr.q, gr.IN_GROUP), gr.ON_D, (gr.u, gr.v), (gr.a, gr.b)))


def _delta_without_prime():
    """f(H_c) ⊙ (…) instead of f'(H_c) ⊙ (…): the chain rule forgotten."""
    return gr.ACTIVATION(gr.HL[gr.c, gr.u, gr.v]) * gr._back(rot180(Slice(gr.W, gr.q, gr.c), gr.ON_D1))


def _avg_full_divisor():
    """δ_w / (k_h k_w): PyTorch's divisor taken as the window's size (wrong with count_include_pad=False or
    ceil-mode windows hanging past the padded input)."""
    within = sympy.And(po._in_window(po.PH, po.i, po.u), po._in_window(po.PW, po.j, po.v))
    body = Piecewise((po.D[po.i, po.j] / (po.PH.k * po.PW.k), within), (0, True))
    return Sum(Sum(body, (po.j, 1, po.M_W)), (po.i, 1, po.M_H))


def _avg_divisor_counting_padding():
    """N_w counted with the padding whatever count_include_pad says."""
    share = po.D[po.i, po.j] / divisor((po.PH, po.PW), (po.i, po.j), (po.t_h, po.t_w), True)
    within = sympy.And(po._in_window(po.PH, po.i, po.u), po._in_window(po.PW, po.j, po.v))
    body = Piecewise((share, within), (0, True))
    return Sum(Sum(body, (po.j, 1, po.M_W)), (po.i, 1, po.M_H))


def _mass_kept():
    """Σ ∂ℓ/∂X = Σ δ for average pooling too (false when padding cells count in N_w)."""
    return Sum(Sum(po.D[po.i, po.j], (po.j, 1, po.M_W)), (po.i, 1, po.M_H))


ONE_SIZE = {  # a bridge size where the variant is false (the bridge stops at the first mismatch anyway)
    "conv1x1": (dict(c_i=2, c_o=3, n=(2, 4), k=1),),
    "groups": (dict(c_i=4, c_o=2, n=(3, 2), k=2, groups=2),),
    "pool_cip": (dict(n=(4, 3), k=3, s=2, p=1, cip=False),),
    "pool_pad": (dict(n=(4, 3), k=3, s=2, p=1),),
}

WRONG = [  # name, part, wrong right side, bridge sizes (None: the registered ones)
    ("full_corr_eq_rot180_swap", 0, _swap_unrotated, None),
    ("conv1x1_eq_matmul", 0, _matmul_column_major, ONE_SIZE["conv1x1"]),
    ("grad_bias_eq_sum", 0, _bias_all_channels, None),
    ("grad_bias_per_pair", 0, lambda: gr.DELTA_SUM / gr.ci_g, None),  # spread over the d's
    ("grad_multi_channel", 0, _weights_without_group_offset, ONE_SIZE["groups"]),
    ("grad_multi_channel", 2, _wide_without_flip, None),
    ("delta_recursion", 0, _delta_without_prime, None),
    ("grad_avg_pool", 0, _avg_full_divisor, ONE_SIZE["pool_cip"]),
    ("grad_avg_pool", 0, _avg_divisor_counting_padding, ONE_SIZE["pool_cip"]),
    ("grad_pool_mass", 0, _mass_kept, ONE_SIZE["pool_pad"]),
]


@pytest.mark.parametrize(
    ("name", "part", "rhs", "sizes"), WRONG, ids=[f"{name}[{part}]: {rhs.__name__}" for name, part, rhs, _ in WRONG]
)
def test_a_wrong_variant_is_refused_by_the_kernel_and_the_bridge(name, part, rhs, sizes):
    spec = wrong(name, part, rhs=rhs(), bridge_sizes=sizes)
    with pytest.raises(KernelError):
        spec.proof(spec.statement)
    report = bridge(get(name), spec)
    assert not report.ok and report.mismatch, report


def scope(name, part=0):
    spec = get(name).general[part]
    return scope_of(spec.statement.hyps, spec.scope_domain)


def test_every_new_part_has_a_wrong_variant_and_a_computed_scope():
    assert {name for name, *_ in WRONG} == set(NEW_PARTS)
    for name, parts in NEW_PARTS.items():
        assert len(get(name).general) == parts, name
    assert "s_h = 1" in scope("grad_multi_channel", 2) and scope("grad_multi_channel", 1) == "all sizes"
    assert scope("grad_avg_pool") == "all sizes"  # the flags are part of the statement (0/1 sizes)
    assert get("grad_pool_mass").general[0].label.startswith("avg pooling (the max form: concrete sizes only)")
    assert not get("grad_max_pool").general  # no faithful all-sizes statement (see its docstring)


def test_the_bridge_tells_the_pooling_flags_apart():
    """The same statement with ceil_mode read as 0 (or count_include_pad as 1) everywhere: the windows or
    the divisors no longer match the operators."""
    spec = get("grad_avg_pool").general[0]
    for flag, value, size in ((po.CEIL, 0, dict(n=(5, 3), k=2, s=2, ceil=True)), (po.CIP, 1, ONE_SIZE["pool_cip"][0])):
        misread = dataclasses.replace(
            spec, sizes=lambda s, f=flag, x=value: {**po._pool_sizes(s), f: x}, bridge_sizes=(size,)
        )
        assert not bridge(get("grad_avg_pool"), misread).ok


def test_the_group_of_an_input_channel_is_decided_not_assumed():
    """The input gradient summed over the output channels of the *next* group: the kernel's condition rule
    refuses it, and the bridge finds it unequal at a grouped size."""
    next_group = sympy.Eq(sympy.floor((gr.q - 1) / gr.co_g), gr.GROUP + 1)
    rhs = Sum(Piecewise((gr._transposed_from(gr.q), next_group), (0, True)), (gr.q, 1, gr.g * gr.co_g))
    shifted = wrong("grad_multi_channel", 1, rhs=rhs, bridge_sizes=ONE_SIZE["groups"])
    with pytest.raises(KernelError):
        shifted.proof(shifted.statement)
    assert not bridge(get("grad_multi_channel"), shifted).ok
