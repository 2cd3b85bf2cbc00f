"""Wrong variants of the all-sizes parts added for issue 13's part-A theorems: none comes out ``proved``.

For each theorem, a statement with a wrong right side (an off-by-one cell, a forgotten padding, shift or
dilation, a transposed matrix, a dropped term …) is refused by the kernel (its proof raises
:class:`KernelError`) and, where it is false at the bridge's sizes, by the bridge as well.  The wrong parts
are checked directly (``spec.proof(spec.statement)``, :func:`bridge`), not through ``prove_general``."""

import dataclasses

import pytest
import sympy
from sympy import IndexedBase, Mod, Piecewise, floor

import symconv as sc
from symconv.formal import (
    Axis,
    conv,
    corr,
    corr_circular,
    dim_axes,
    dim_indices,
    full_axis,
    padded,
    row_major_cell,
    scatter,
    toeplitz_entry,
)
from symconv.kernel import KernelError, Statement, Sum
from symconv.prove.bridge import bridge
from symconv.theorems import fc, identities, matrix
from symconv.theorems.registry import get

X, W, V, Y = (IndexedBase(name) for name in ("X", "W", "V", "Y"))
AX = dim_axes(1)[0]
(i,), (a,), (u,) = dim_indices(1), dim_indices(1, "a b c"), dim_indices(1, "u v w")


def wrong(name, part=0, *, lhs=None, rhs=None):
    """The registered all-sizes part of ``name`` with a side replaced (and the theorem's name)."""
    spec = get(name).general[part]
    st = spec.statement
    statement = Statement(st.name, st.lhs if lhs is None else lhs, st.rhs if rhs is None else rhs, st.hyps)
    return name, dataclasses.replace(spec, statement=statement)


def refused(named):
    """The kernel refuses the wrong part, and the bridge reports a mismatch."""
    name, spec = named
    with pytest.raises(KernelError):
        spec.proof(spec.statement)
    report = bridge(get(name), spec)
    assert not report.ok and report.mismatch, report


def _fc_shifted():
    (reach,) = fc._reach(1)
    ax = Axis(AX.n, 2 * reach + 1, lo=reach + 1, hi=reach - 1)  # the window one cell late
    return corr(X, V, (ax,), (i,), (a,)) + fc.BIAS[1]


def _circular_unshifted():
    return corr_circular(X, W, (AX,), (i,), (a,))  # the literal claim: invariance


def _toeplitz_unpadded():
    at = (u,)
    return Sum(toeplitz_entry(W, (AX.but(lo=0),), (i,), at, (a,)) * X[at], (u, 1, AX.n))


def _gradient_not_transposed():
    o = dim_indices(1)[0]
    return Sum(toeplitz_entry(W, (AX,), (u,), (o,), (a,)) * matrix.D[o], (o, 1, AX.m))


def _im2col_column_major():
    _o, cell = matrix._rows((AX,))
    r = sympy.Symbol("r", integer=True)
    k, c_in = AX.k, matrix.C_IN
    channel, tap = row_major_cell(r, [c_in, k])  # W_row: what reshape does
    tap2, channel2 = row_major_cell(r, [k, c_in])  # unfold(X) with its rows taps-major: does not match W_row
    unfold = padded(lambda *v: X[(channel2, *v)], (AX,), [AX.tap(cell[0], tap2)])
    return Sum(W[matrix.Q, channel, tap] * unfold, (r, 1, c_in * k))


def _adjoint_unpadded():
    (cells,) = dim_indices(1, "u v w")
    back = scatter(Y, W, (AX.but(lo=0),), (cells,), (i,), (a,))  # every cell read as if p^lo = 0
    return Sum(X[cells] * back, (cells, 1, AX.n))


def _assoc_correlated():
    spec = get("full_conv_assoc").general[0]
    (n,) = [s for s in spec.statement.params if s.name == "n_x"]
    k1 = next(s for s in spec.statement.params if s.name == "k_x")
    k2 = next(s for s in spec.statement.params if s.name == "k'_x")
    q, e = sympy.symbols("q e", integer=True)
    kernel = lambda c: conv(identities.W1, identities.W2, (full_axis(k1, k2),), (c,), (e,))  # noqa: E731
    return corr(X, kernel, (full_axis(n, k1 + k2 - 1),), (i,), (q,))  # correlates with W₁ ⊗~ W₂


def _stacked_stride_s():
    spec = get("stacked_conv_eq_single").general[0]
    rhs = spec.statement.rhs
    s = next(x for x in spec.statement.params if x.name == "s_x")
    return rhs.xreplace({s**2: s})


def _separable_one_factor():
    axes, outs = dim_axes(2), dim_indices(2)
    names = [dim_indices(2, "a1 b1"), dim_indices(2, "a2 b2")]
    first = identities._one_pass(X, identities._factor(0, 0), (axes[0], Axis(axes[1].n, 1)), names[0])
    second = identities._one_pass(first, identities._factor(0, 1), (Axis(axes[0].m, 1), axes[1]), names[1])
    return second(*outs)  # the second pass reads u again, not v


def _subsample_late():
    return corr(X, W, (AX.but(s=1),), (i * AX.s,), (a,))  # keeps cells s, 2s, … (one late)


def _bilinear_alpha_twice():
    alpha = identities.C[1]
    return alpha * corr(X, W, (AX,), (i,), (a,)) + alpha * corr(Y, W, (AX,), (i,), (a,))


def _avg_sum_pool():
    ax = dim_axes(1, d=1)[0]
    return corr(X, lambda *t: 1, (ax,), (i,), (a,))  # the sum, not the average


N_, K_, S_ = identities._ONE.n, identities._ONE.k, identities._ONE.s

# name, part, wrong right side (a function: built when the test runs)
WRONG = [
    ("fc_to_corr", 0, _fc_shifted),
    ("fc_to_corr_params", 0, lambda: AX.n**2),  # the bias forgotten
    ("fc_to_corr_params", 2, lambda: 2 * fc._reach(1)[0] + 1),  # the bias forgotten
    ("shift_equivariance_circular", 0, _circular_unshifted),
    ("corr_eq_toeplitz_matmul", 0, _toeplitz_unpadded),  # found the kernel's delta bug (K13b2-3)
    ("grad_input_eq_toeplitz_transpose", 0, _gradient_not_transposed),
    ("corr_eq_im2col_matmul", 0, _im2col_column_major),
    ("corr_adjoint_transpose", 0, _adjoint_unpadded),
    ("full_conv_assoc", 0, _assoc_correlated),
    ("stacked_conv_eq_single", 0, _stacked_stride_s),
    ("stacked_conv_eq_single", -1, lambda: floor((N_ - K_ - (identities._K2 - 1)) / S_**2) + 1),  # output size
    ("stacked_conv_params", 1, lambda: identities.LAYERS * sympy.Symbol("k", integer=True, positive=True)),
    ("stacked_conv_params", 3, lambda: 1 + Sum(identities.KS[identities._l], (identities._l, 1, identities.LAYERS))),
    ("separable_kernel", 0, _separable_one_factor),
    ("dilation_eq_zero_insertion", 0, lambda: corr(X, W, (AX.but(d=1),), (i,), (a,))),
    ("stride_eq_subsample", 0, _subsample_late),
    ("corr_bilinear", 0, _bilinear_alpha_twice),
    ("avg_pool_eq_corr", 0, _avg_sum_pool),
]


@pytest.mark.parametrize(("name", "part", "rhs"), WRONG, ids=[f"{name}[{part}]" for name, part, _ in WRONG])
def test_a_wrong_right_side_is_refused_by_the_kernel_and_the_bridge(name, part, rhs):
    refused(wrong(name, part, rhs=rhs()))


def test_the_zero_padding_claim_without_the_interior_mask_is_refused():
    """Drop the interior mask from both sides: the literal equivariance with zero padding."""
    spec = get("shift_equivariance_interior").general[0]
    lhs, rhs = (side.args[0][0] for side in (spec.statement.lhs, spec.statement.rhs))
    assert isinstance(spec.statement.lhs, Piecewise)
    refused(wrong("shift_equivariance_interior", lhs=lhs, rhs=rhs))


def test_the_transposed_size_without_output_padding_is_refused():
    ax = identities.AX
    no_padding = identities.TRANSPOSED_SIZE - Mod(ax.n + 2 * ax.lo - ax.span, ax.s)
    refused(wrong("corr_adjoint_transpose", 3, lhs=no_padding))


def test_every_new_all_sizes_theorem_has_a_wrong_variant():
    named = {name for name, _part, _rhs in WRONG} | {"shift_equivariance_interior"}
    new = {
        "fc_to_corr",
        "fc_to_corr_params",
        "shift_equivariance_circular",
        "shift_equivariance_interior",
        "corr_eq_toeplitz_matmul",
        "corr_eq_im2col_matmul",
        "grad_input_eq_toeplitz_transpose",
        "corr_adjoint_transpose",
        "full_conv_assoc",
        "stacked_conv_eq_single",
        "stacked_conv_params",
        "separable_kernel",
        "dilation_eq_zero_insertion",
        "stride_eq_subsample",
        "corr_bilinear",
        "avg_pool_eq_corr",
    }
    assert named == new and all(get(name).general for name in new)


@pytest.mark.parametrize("name", ["max_pool_window_permutation", "circular_conv_theorem"])
def test_no_all_sizes_form_is_unknown_not_proved(name):
    """No kernel rule states them for all sizes (a max over a symbolic window; roots of unity): the
    all-sizes verdict is unknown and says so; the concrete sizes stay proved."""
    assert not get(name).general
    result = sc.prove(name, general=True)
    assert result.verdict == "unknown" and "no all-sizes form in the kernel's terms" in result.scope
    assert sc.prove(name).verdict == "proved"


@pytest.mark.parametrize("name", ["shift_invariance", "max_pool_shift_invariance", "shift_equivariance_zero_padding"])
def test_the_refuted_literal_claims_have_no_all_sizes_form(name):
    assert not get(name).general
    result = sc.prove(name, general=True)
    assert result.verdict == "refuted" and result.counterexample is not None
    assert result.scope.startswith("none (no all-sizes form: the claim is false")


def test_scopes_name_the_dimensions_and_the_hypotheses_that_restrict_them():
    """Computed from the formal hypotheses: one labelled part per dimension, the local count needs Δ ≤ n − 1."""
    result = sc.prove("fc_to_corr_params", general=True)
    assert result.verdict == "proved"
    assert "1-D, local: all sizes with Δ_x ≤ n_x - 1" in result.scope
    assert "3-D, fully connected: all sizes" in result.scope
