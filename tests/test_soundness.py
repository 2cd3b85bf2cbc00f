"""Soundness: wrong derivations, wrong statements and mutated operators never come out ``proved``.

Each case of issue 10's "What was found" is here, in the kernel's terms: the old engine accepted a
boolean, a callable or a cited name as evidence; the kernel computes every step itself, so the same
mistakes now end in a :class:`KernelError` (the proof does not go through), a bridge mismatch (the
formal statement is not the operators' identity) or a disagreement between the two levels, and the
verdict is never ``proved``.
"""

import dataclasses

import pytest
import sympy
from sympy import Derivative, IndexedBase, KroneckerDelta, Piecewise

import symconv.symbolic as symbolic
import symconv.symbolic.ops as ops
import symconv.symbolic.window as window
from symconv.formal import Axis, conv, corr, indices, layer_loss, rot180
from symconv.kernel import Context, KernelError, Proof, Statement, Sum, by_solver, equal, induction
from symconv.prove import both_levels, exact, general, prove
from symconv.prove.bridge import bridge
from symconv.theorems import registry
from symconv.theorems.registry import get, proved

i, j, a, b, u, v = indices("i j a b u v")
n, k, s, d = sympy.symbols("n k s d", integer=True, positive=True)
lo, hi = sympy.symbols("p^lo p^hi", integer=True, nonnegative=True)
X, W, D = IndexedBase("X"), IndexedBase("W"), IndexedBase("delta")
H, V = Axis.named("h"), Axis.named("w")


@pytest.fixture
def fresh():
    """Forget cached results (so a mutation is seen), and restore the registry afterwards."""
    saved = dict(registry._REGISTRY)
    general._DONE.clear()
    exact.clear_cache()
    yield
    registry._REGISTRY.clear()
    registry._REGISTRY.update(saved)
    general._DONE.clear()
    exact.clear_cache()


# --- 1. steps that check nothing ---------------------------------------------------------------------


N, E, t = n + lo + hi, d * (k - 1) + 1, sympy.Symbol("t", integer=True)


def _window_count(rhs):
    lhs = Sum(Piecewise((1, sympy.Le(t * s + E, N)), (0, True)), (t, 0, N))
    return Statement("output_size_formula", lhs, rhs, (sympy.Le(E, N),))


def test_a_lemma_step_that_states_another_expression_is_refused():
    st = _window_count(sympy.floor((N - E) / s) + 1)
    Proof(st).restrict(t, 0, sympy.floor((N - E) / s)).count(t).qed()  # the real proof
    with pytest.raises(KernelError, match="not the expected"):
        Proof(st).restrict(t, 0, sympy.floor((N - E) / s)).count(t, expect=sympy.floor((N - E) / s) + 8)


@pytest.mark.parametrize(
    "wrong",
    [
        "ceiling",  # a ceiling instead of the floor
        "plus7",  # the formula + 7
        "no_dilation",  # the dilation term missing
    ],
)
def test_a_wrong_window_count_is_refused(wrong):
    rhs = {
        "ceiling": sympy.ceiling((N - E) / s) + 1,
        "plus7": sympy.floor((N - E) / s) + 8,
        "no_dilation": sympy.floor((N - k) / s) + 1,
    }[wrong]
    st = _window_count(rhs)
    with pytest.raises(KernelError):
        Proof(st).restrict(t, 0, rhs - 1).count(t).qed()


def test_a_cite_of_the_wrong_form_is_refused():
    """The last form of ∂ℓ/∂X written ``W *~ δ`` (no flip): the instance chain cannot reach it."""
    spec = get("grad_input_eq_full_conv").general[3]
    ON_W = tuple(Axis(ax.k, ax.m, lo=ax.m - 1, hi=ax.m - 1) for ax in (H, V))
    no_flip = dataclasses.replace(spec.statement, rhs=corr(W, D, ON_W, (u, v), (a, b)))
    no_flip = Statement(no_flip.name, no_flip.lhs, no_flip.rhs, spec.statement.hyps)
    with pytest.raises(KernelError):
        spec.proof(no_flip)
    assert not bridge(get("grad_input_eq_full_conv"), dataclasses.replace(spec, statement=no_flip)).ok


def test_a_step_that_ignores_its_input_cannot_exist():
    """The old ``by(op, expr)`` let an operation ignore the current expression (CPU hours × 10 came
    out proved).  The kernel's arithmetic is decided, not trusted."""
    hours = sympy.Rational(10**16, 15 * 10**10) / 3600
    st = Statement("cpu_hours", sympy.Integer(10**16) / (sympy.Rational(15, 100) * 10**12) / 3600, 10 * hours)
    with pytest.raises(KernelError):
        by_solver(st)
    with pytest.raises(KernelError):
        Proof(st).algebra(10 * hours)


# --- 2. capture ----------------------------------------------------------------------------------------


def test_sequential_renaming_is_not_equality():
    st = Statement("seq", Sum(Sum(X[j, j], (j, 1, n)), (i, 1, n)), Sum(Sum(X[j, i], (i, 1, n)), (j, 1, n)))
    with pytest.raises(KernelError, match="qed"):
        Proof(st).qed()


def test_renaming_may_not_capture_a_free_variable():
    with pytest.raises(KernelError, match="bound variable i has the name of a free symbol"):
        Statement("capture", Sum(i * X[i], (i, 1, n)), i * Sum(X[j], (j, 1, n)))  # Σ_i i·X_i ≠ i·Σ_j X_j
    free_i = Statement("capture_free", Sum(i * X[j], (j, 1, n)), 0)
    with pytest.raises(KernelError, match="captured"):
        Proof(free_i).reindex(j, i, i)  # renaming the bound j to i would capture the free i


def test_a_factor_is_not_pulled_into_a_sum_binding_its_name():
    with pytest.raises(KernelError, match="bound variable i has the name of a free symbol"):
        Statement("pull_in", i * Sum(X[i], (i, 1, n)), Sum(i * X[i], (i, 1, n)))  # i·Σ_i X_i ≠ Σ_i i·X_i


# --- 2b. a bound variable is never confused with a free one or an enclosing one (found in review) ------


def test_a_hypothesis_on_a_free_symbol_never_reaches_a_bound_variable_of_its_name():
    """Σ_{n=1}^{5} [n = 1] is 1; under the hypothesis n = 1 about the free n, ``decide`` inside the sum
    (or a rewrite by the hypothesis) once made it 5 (and Σ_{n=1}^{2} n = 6 under n = 3)."""
    (t,) = indices("t")
    with pytest.raises(KernelError, match="bound variable t has the name of a free symbol"):
        Statement("decide_bound", Sum(Piecewise((1, sympy.Eq(t, 1)), (0, True)), (t, 1, 5)), 5, (sympy.Eq(t, 1),))
    with pytest.raises(KernelError, match="bound variable t has the name of a free symbol"):
        Statement("rewrite_bound", Sum(t, (t, 1, 2)), 6, (sympy.Eq(t, 3),))
    st = Statement("decide_ok", Sum(Piecewise((1, sympy.Eq(j, 1)), (0, True)), (j, 1, 5)), 5, (sympy.Eq(t, 1),))
    with pytest.raises(KernelError):
        Proof(st).decide().count(j).qed()


def test_nested_sums_may_not_bind_one_name_twice():
    """Σ_{i=1}^{2} Σ_{i=1}^{3} i = 12 and Σ_{i=1}^{3} Σ_{i=1}^{2} i = 9 once came out equal by ``exchange``."""
    with pytest.raises(KernelError, match="bound variable i has the name of an enclosing bound variable"):
        Statement("shadow", Sum(Sum(i, (i, 1, 3)), (i, 1, 2)), Sum(Sum(i, (i, 1, 2)), (i, 1, 3)))


def test_induction_starts_at_an_integer():
    """From m ≥ 1/2: 2·(1/2)·k = k (base) and 2mk = k ⊢ 2(m+1)k = k (step) once gave 2km = k, false at m = k = 1."""
    m, k = indices("m k")
    half = sympy.Rational(1, 2)
    st = Statement("half", 2 * m * k, k, (sympy.Ge(m, half),))
    base = by_solver(Statement("half_base", 2 * half * k, k))
    step = by_solver(Statement("half_step", 2 * (m + 1) * k, k, (sympy.Ge(m, half), sympy.Eq(2 * m * k, k))))
    with pytest.raises(KernelError, match="induction: start: 1/2 is not an integer term"):
        induction(st, m, half, base, step)


def test_a_branch_condition_on_entries_does_not_reach_inside_a_derivative():
    """Where X₁ = X₂, X₁² and X₁X₂ agree, but their derivatives in X₁ (2X₁ and X₂) do not: the two sides
    below differ at X₁ = X₂ = 1 (2 against 1), and once compared equal under the branch condition."""
    lhs = Piecewise((sympy.Derivative(X[1] ** 2, X[1]), sympy.Eq(X[1], X[2])), (0, True))
    rhs = Piecewise((sympy.Derivative(X[1] * X[2], X[1]), sympy.Eq(X[1], X[2])), (0, True))
    assert not equal(lhs, rhs, Context(()))
    with pytest.raises(KernelError, match="qed"):
        Proof(Statement("local", lhs, rhs)).qed()
    same = Piecewise((sympy.Derivative(X[1] ** 2, X[1]), sympy.Eq(X[1], X[2])), (0, True))
    assert equal(lhs, same, Context(()))  # the comparison itself still works


# --- 3. side conditions are entailed by the hypotheses, never assumed -----------------------------------


def test_a_condition_outside_the_hypotheses_cannot_be_discharged():
    """The old slack ``k = c − 1 − t`` under ``c ≤ k`` concluded ∂ℓ/∂W = 0."""
    alpha, beta = indices("alpha beta")
    ell = layer_loss(D, X, W, (H, V), (i, j), (a, b))
    hyps = (H.fits(), V.fits(), sympy.Le(1, alpha), sympy.Le(alpha, H.k), sympy.Le(1, beta), sympy.Le(beta, V.k))
    zero = Statement("grad_zero", Derivative(ell, W[alpha, beta]), 0, hyps)
    p = Proof(zero).differentiate().collapse(b)
    with pytest.raises(KernelError, match="not entailed"):
        p.condition(sympy.Le(beta, V.k), sympy.false)
    with pytest.raises(KernelError):
        p.decide().collapse(a).decide().qed()


def test_a_split_outside_the_range_is_refused():
    st = Statement("split", Sum(X[a], (a, 1, n)), 0)
    with pytest.raises(KernelError, match="split"):
        Proof(st).split(a, n + 1)


# --- 4. derivations tied to the statements, statements tied to the operators ------------------------------


def test_a_derivation_that_ends_elsewhere_is_refused():
    st = Statement("elsewhere", Sum(X[a], (a, 1, k)), Sum(X[a], (a, 1, k)) + 1)
    with pytest.raises(KernelError, match="not at the right side"):
        Proof(st).reindex(a, k - a + 1).qed()


def test_kernel_rules_accept_no_evidence_but_terms():
    st = Statement("evidence", X[1], X[2])
    p = Proof(st)
    for bogus in (True, lambda e: e, "because"):
        with pytest.raises((KernelError, TypeError, sympy.SympifyError)):
            p.instance(bogus)
    assert not hasattr(p, "lemma") and not hasattr(p, "cite") and not hasattr(p, "by")


def _register_fake(name, statement, proof, sides):
    thm = dataclasses.replace(get("conv_eq_corr_rot180"), name=name, sides=sides, general=())
    registry._REGISTRY[name] = thm
    spec = dataclasses.replace(get("conv_eq_corr_rot180").general[0], statement=statement, proof=proof)
    registry.general(name, spec)
    registry._THMS.pop((name, 0), None)
    return get(name)


def test_a_false_registered_theorem_with_a_bogus_derivation_is_not_proved(fresh):
    """A formal statement that is trivially provable (corr = corr) registered for conv = corr∘rot180:
    the kernel proves the formal statement, the bridge finds it is not the operators' identity."""
    lhs = corr(X, W, (H, V), (i, j), (a, b))
    st = Statement("fake", lhs, lhs, get("conv_eq_corr_rot180").general[0].statement.hyps)
    thm = _register_fake("fake_conv_is_corr", st, lambda s_: Proof(s_).qed(), get("conv_eq_corr_rot180").sides)
    result = prove(thm.name, general=True)
    assert result.verdict == "unknown" and "mismatch" in result.detail


def test_a_proof_of_another_statement_is_not_accepted(fresh):
    spec = get("conv_eq_corr_rot180").general[0]
    other = Proof(Statement("other", X[1], X[1])).qed()
    thm = _register_fake("fake_other", spec.statement, lambda s_: other, get("conv_eq_corr_rot180").sides)
    result = prove(thm.name, general=True)
    assert result.verdict == "unknown" and "another statement" in result.detail


def test_the_levels_must_agree_through_the_api(fresh):
    """A true formal statement registered for sides that differ: the concrete level refutes, so
    ``prove(name, general=True)`` (not only the CLI) says unknown."""

    def sides(B, X, W, *, n, s, p, d, **_):
        corr = B.corr1d if len(n) == 1 else B.corr2d
        return corr(X, W, s, p, d), corr(X, B.rot180(W), s, p, d)

    spec = get("conv_eq_corr_rot180").general[0]
    thm = _register_fake("fake_levels", spec.statement, spec.proof, sides)
    result = prove(thm.name, general=True)
    assert result.verdict != "proved"


def test_vacuous_hypotheses_prove_nothing(fresh):
    st = Statement("vacuous", X[1], X[2], (sympy.Le(n, k), sympy.Lt(k, n)))  # no size satisfies both
    thm = _register_fake("fake_vacuous", st, lambda s_: Proof(s_).arith(X[2]).qed(), get("conv_eq_corr_rot180").sides)
    points = [{n: x, k: y} for x in range(1, 5) for y in range(1, 5)]
    registry.general(thm.name, dataclasses.replace(get(thm.name).general[0], entry=(), grid=lambda: points))
    result = prove(thm.name, general=True)
    assert result.verdict == "unknown" and "vacuous" in result.detail


# --- 5. scopes are computed ---------------------------------------------------------------------------------


def test_scopes_are_computed_from_the_formal_hypotheses():
    weight = prove("grad_weight_eq_corr", general=True)
    assert weight.verdict == "proved" and weight.scope == "all sizes"
    assert all(isinstance(h, sympy.Basic) for h in weight.formal_hypotheses)
    assert {"s_h ≥ 1", "d_h ≥ 1"} <= set(weight.hypotheses)
    grad = prove("grad_input_eq_full_conv", general=True)
    first, *wide = grad.scope.split("; ")
    assert first == "the transposed convolution: all sizes"
    assert all("s_h = 1" in part and "d_h = 1" in part and "p_h^lo = 0" in part for part in wide)


# --- 6. mutations of the operators and of the statements --------------------------------------------------


def _shifted_windows(orig):
    def axis_windows(n, k, s, pad, d, ceil_mode=False):
        return [[c + 1 for c in w] for w in orig(n, k, s, pad, d, ceil_mode)]

    return axis_windows


def _unflipped(orig):
    def windows(w, backwards=False):
        return orig(w, False)

    return windows


def _dropped_last(orig):
    def corr2d(*args, **kwargs):
        out = orig(*args, **kwargs)
        return out[: max(out.shape[0] - 1, 1)] if out.shape[0] > 2 else out

    return corr2d


MUTATIONS = {  # (module, attribute, mutation, the theorems that must stop being proved)
    "window start off by one": (
        window,
        "axis_windows",
        _shifted_windows,
        ("conv_eq_corr_rot180", "full_conv_comm", "grad_weight_eq_corr", "grad_input_eq_full_conv"),
    ),
    "convolution without the flip": (
        ops,
        "windows",
        _unflipped,
        ("conv_eq_corr_rot180", "full_conv_comm", "grad_input_eq_full_conv"),  # the others use no conv
    ),
    "last window row dropped": (ops, "corr2d", _dropped_last, ("conv_eq_corr_rot180", "grad_weight_eq_corr")),
}
AFFECTED = ("conv_eq_corr_rot180", "full_conv_comm", "grad_weight_eq_corr", "grad_input_eq_full_conv")


@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_a_mutated_operator_turns_the_theorems_away_from_proved(fresh, monkeypatch, mutation):
    module, name, make, affected = MUTATIONS[mutation]
    monkeypatch.setattr(module, name, make(getattr(module, name)))
    if module is ops and hasattr(symbolic, name):
        monkeypatch.setattr(symbolic, name, getattr(module, name))
    verdicts = {}
    for theorem in affected:
        try:
            verdicts[theorem] = both_levels(get(theorem), prove(theorem)).verdict
        except Exception as err:  # a mutated operator may also fail outright: not proved either
            verdicts[theorem] = f"error: {type(err).__name__}"
    assert "proved" not in verdicts.values(), verdicts


def _mutate(expr, var):
    return expr.xreplace({var: var + 1})


@pytest.mark.parametrize("name", AFFECTED + ("full_corr_rot180_comm",))
def test_a_mutated_statement_is_caught_by_the_kernel_and_by_the_bridge(name):
    thm = get(name)
    spec = thm.general[0]
    var = spec.entry[0][0]
    off = Statement(spec.statement.name, spec.statement.lhs, _mutate(spec.statement.rhs, var), spec.statement.hyps)
    with pytest.raises(KernelError):
        spec.proof(off)
    assert not bridge(thm, dataclasses.replace(spec, statement=off)).ok


def test_the_kernel_proofs_do_not_depend_on_the_operators():
    """What the kernel proves is the formal statement; the operators enter through the bridge only."""
    assert proved("conv_eq_corr_rot180").lhs == get("conv_eq_corr_rot180").general[0].statement.lhs
    assert "conv" not in {s.rule for s in proved("conv_eq_corr_rot180").steps}


def test_rot180_and_conv_formulas_are_what_the_statement_says():
    st = get("conv_eq_corr_rot180").general[0].statement
    assert equal(st.lhs, conv(X, W, (H, V), (i, j), (a, b)))
    assert equal(st.rhs, corr(X, rot180(W, (H, V)), (H, V), (i, j), (a, b)))
    assert not equal(st.rhs, corr(X, W, (H, V), (i, j), (a, b)))
    assert KroneckerDelta(1, 2) == 0


def test_integer_parameters_take_integer_terms_only():
    """Regression (found by helper i13b1): a lemma proved for integers instantiated at a tensor entry."""
    x = sympy.Symbol("x", integer=True)
    halves = by_solver(Statement("halves", sympy.floor((x + 1) / 2) + sympy.floor(x / 2), x))
    bad = Statement("bad", sympy.floor((X[1] + 1) / 2) + sympy.floor(X[1] / 2), X[1])
    with pytest.raises(KernelError, match="not an integer term"):
        Proof(bad).instance(halves, {x: X[1]})
    with pytest.raises(KernelError, match="not an integer term"):
        Proof(Statement("half_shift", Sum(X[a], (a, 1, n)), 0)).reindex(a, a + sympy.Rational(1, 2))
    off = Statement("delta_at_an_entry", Sum(KroneckerDelta(a, X[1]) * W[a], (a, 1, n)), 0)
    with pytest.raises(KernelError, match="integer terms"):
        Proof(off).collapse(a)  # δ(a, X[1]) is 0 for every integer a when X[1] is not an integer
    with pytest.raises(KernelError, match="not an integer term"):
        Statement("rational_limit", Sum(X[a], (a, 1, n / 2)), 0)
