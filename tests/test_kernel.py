"""The trusted kernel: each rule applies where it should and refuses where it must not."""

import pytest
import sympy
from sympy import IndexedBase, KroneckerDelta, Piecewise

from symconv import kernel
from symconv.kernel import (
    Context,
    KernelError,
    Proof,
    Statement,
    Sum,
    Thm,
    by_solver,
    canon,
    check_term,
    define_sequence,
    equal,
    evaluate,
    induction,
    scope_of,
    subst,
)

i, j, a, b, u, m = sympy.symbols("i j a b u m", integer=True)
n, k, s, d = sympy.symbols("n k s d", integer=True, positive=True)
q = sympy.Symbol("q", integer=True, nonnegative=True)
X, W = IndexedBase("X"), IndexedBase("W")


def test_a_thm_is_made_by_the_kernel_only():
    with pytest.raises(KernelError, match="kernel's rules only"):
        Thm(object(), "fake", (), 0, 1, (), frozenset())
    thm = Proof(Statement("refl", X[i], X[i])).qed()
    with pytest.raises(KernelError, match="immutable"):
        thm.rhs = 2


def test_terms_outside_the_language_are_refused_by_name():
    with pytest.raises(KernelError, match="not declared integer"):
        check_term(sympy.Symbol("x") + 1)
    with pytest.raises(KernelError, match="Float"):
        check_term(sympy.Float(1.5) * n)
    with pytest.raises(KernelError, match="reserved for bound variables"):
        check_term(sympy.Symbol("ᵇ0", integer=True))
    with pytest.raises(KernelError, match="non-integer exponent"):
        check_term(n ** sympy.Rational(1, 2))
    with pytest.raises(KernelError, match="sign assumption"):
        Statement("signed", Sum(X[n], (n, 1, 3)), 0)


def test_sums_are_not_karr_sums():
    assert evaluate(Sum(1, (i, 1, n)), {n: 0}, {}) == 0
    assert sympy.Sum(1, (i, 1, -3)).doit() == -3  # SymPy's convention, which the kernel never uses


def test_equality_is_up_to_simultaneous_capture_free_renaming():
    assert equal(Sum(Sum(X[i, j], (j, 1, n)), (i, 1, n)), Sum(Sum(X[a, b], (b, 1, n)), (a, 1, n)))
    assert not equal(Sum(Sum(X[j, j], (j, 1, n)), (i, 1, n)), Sum(Sum(X[j, i], (i, 1, n)), (j, 1, n)))
    assert not equal(Sum(i * X[i], (i, 1, n)), i * Sum(X[j], (j, 1, n)))
    assert subst(Sum(i * X[j], (j, 1, 3)), {i: j}) == Sum(
        j * X[sympy.Symbol("j'", integer=True)], (sympy.Symbol("j'", integer=True), 1, 3)
    )


def test_reindex_computes_the_new_range_and_refuses_non_bijections():
    p = Proof(Statement("rev", Sum(X[a], (a, 1, k)), Sum(X[k - a + 1], (a, 1, k))))
    assert p.reindex(a, k - a + 1).qed().rests_on["rules"] == ["reindex"]
    with pytest.raises(KernelError, match="not ±"):
        Proof(Statement("twice", Sum(X[a], (a, 1, k)), 0)).reindex(a, 2 * a)
    with pytest.raises(KernelError, match="captured"):
        Proof(Statement("cap", Sum(X[a] * i, (a, 1, k)), 0)).reindex(a, i + 1, i)


def test_push_moves_a_factor_into_a_sum_and_a_binder_may_not_take_a_free_name():
    st = Statement("push", j * Sum(X[i], (i, 1, n)), Sum(j * X[i], (i, 1, n)))
    assert Proof(st).push(i).qed().rests_on["rules"] == ["linearity"]  # push is recorded as linearity
    with pytest.raises(KernelError, match="bound variable i has the name of a free symbol"):
        Statement("push_capture", i * Sum(X[i], (i, 1, n)), Sum(i * X[i], (i, 1, n)))


def test_exchange_needs_independent_bounds():
    st = Statement("tri", Sum(Sum(X[a, b], (b, 1, a)), (a, 1, n)), 0)
    with pytest.raises(KernelError, match="depend on a"):
        Proof(st).exchange(a)


def test_collapse_and_decide():
    st = Statement(
        "kron",
        Sum(KroneckerDelta(a, u) * X[a], (a, 1, n)),
        X[u],
        (sympy.Le(1, u), sympy.Le(u, n)),
    )
    thm = Proof(st).collapse(a).decide().qed()
    assert [step.rule for step in thm.steps] == ["start", "collapse", "decide"]
    loose = Statement("kron_unbounded", Sum(KroneckerDelta(a, u) * X[a], (a, 1, n)), X[u])
    with pytest.raises(KernelError, match="no condition is decided"):
        Proof(loose).collapse(a).decide()


def test_split_side_conditions_are_decided_by_the_solver():
    st = Statement("split", Sum(X[a], (a, 1, n)), Sum(X[a], (a, 1, 2)) + Sum(X[a], (a, 3, n)), (sympy.Ge(n, 2),))
    Proof(st).split(a, 2).qed()
    unsure = Statement("split_unsure", Sum(X[a], (a, 1, n)), 0)
    with pytest.raises(KernelError, match="not entailed"):
        Proof(unsure).split(a, n + 1)


def test_rerange_requires_the_same_set():
    st = Statement("rr", Sum(Piecewise((X[a], sympy.Le(a, n)), (0, True)), (a, 1, n + 5)), Sum(X[a], (a, 1, n)))
    Proof(st).rerange(a, 1, n).qed()
    with pytest.raises(KernelError, match="rerange"):
        Proof(st).rerange(a, 1, n + 1)


def test_expected_forms_are_checked():
    st = Statement("count", Sum(1, (a, 1, n)), n)
    Proof(st).count(a, expect=n).qed()
    with pytest.raises(KernelError, match="not the expected"):
        Proof(st).count(a, expect=n + 7)


def test_steps_may_not_introduce_free_symbols():
    t = sympy.Symbol("t", integer=True)
    st = Statement("stray", Sum(X[a], (a, 1, n)), Sum(X[a], (a, 1, n)))
    with pytest.raises(KernelError, match="free symbols"):
        Proof(st).reindex(a, a + t)  # true for every t, but t is not a symbol of the statement


def test_instances_check_their_hypotheses_where_they_are_used():
    half = by_solver(Statement("stride_divides", sympy.floor((s * q + s - 1) / s), q))
    st = Statement("use", X[sympy.floor((s * q + s - 1) / s)], X[q])
    assert Proof(st).instance(half).qed().rests_on["instances"] == ["stride_divides"]
    r = sympy.Symbol("r", integer=True)
    wrong = Statement("use_negative", X[sympy.floor((s * r + s - 1) / s)], X[r])
    with pytest.raises(KernelError, match="not entailed"):
        Proof(wrong).instance(half, {q: r})  # q ≥ 0 is a hypothesis of the lemma: not known of r
    with pytest.raises(KernelError, match="does not occur"):
        Proof(st).instance(half, {q: q + 1})


def test_the_solver_refuses_what_is_false_or_unknown():
    with pytest.raises(KernelError, match="not entailed"):
        by_solver(Statement("ceil", sympy.ceiling((n - k) / s) + 1, sympy.floor((n - k) / s) + 1))
    assert Context([sympy.Ge(a, 0)]).entails(sympy.Ge(s * a, a))
    assert not Context([]).entails(sympy.Ge(s * a, a))


def test_induction_and_definitions():
    L, l = sympy.symbols("L l", integer=True)
    T = IndexedBase("T_demo")
    V, zero, succ = define_sequence("V_demo", m, 0, T[m + 1] + IndexedBase("V_demo")[m])
    with pytest.raises(KernelError, match="already defined"):
        define_sequence("V_demo", m, 1, 0)
    with pytest.raises(KernelError, match="depend on"):
        define_sequence("V_param", m, n, 0)  # a parameter would make V[m] mean different things
    total = Sum(T[l], (l, 1, L))
    empty = Proof(Statement("empty", Sum(T[l], (l, 1, 0)), 0)).singleton(l).qed()
    base = Proof(Statement("V_base", V[0], Sum(T[l], (l, 1, 0)))).instance(zero).instance(empty, reverse=True).qed()
    peel = Proof(Statement("peel", Sum(T[l], (l, 1, L + 1)), total + T[L + 1], (sympy.Ge(L, 0),)))
    peel = peel.split(l, L).singleton(l, which=1).qed()
    hyp = sympy.Eq(V[L], total)
    step_st = Statement("V_step", V[L + 1], Sum(T[l], (l, 1, L + 1)), (sympy.Ge(L, 0), hyp))
    step = Proof(step_st).instance(succ, {m: L}).hypothesis(hyp).instance(peel, reverse=True).qed()
    claim = Statement("V_is_a_sum", V[L], total, (sympy.Ge(L, 0),))
    thm = induction(claim, L, 0, base, step)
    assert thm.rests_on["definitions"] == ["V_demo"] and "induction" in thm.rests_on["rules"]
    assert evaluate(V[3], {}, {T: [1, 2, 4]}) == 7 == evaluate(total, {L: 3}, {T: [1, 2, 4]})
    wrong = Statement("V_wrong", V[L], total + 1, (sympy.Ge(L, 0),))
    with pytest.raises(KernelError, match="base"):
        induction(wrong, L, 0, base, step)
    with pytest.raises(KernelError, match="must assume"):
        induction(Statement("V_no_floor", V[L], total), L, 0, base, step)


def test_scopes_are_computed_from_formal_hypotheses():
    assert scope_of([sympy.Eq(s, 1), sympy.Le(k, n)], domain=[sympy.Le(k, n)]) == "all sizes with s = 1"
    assert scope_of([sympy.Ge(n, 1)]) == "all sizes"


def test_canonical_form_folds_indicators_and_divisibility():
    left = Piecewise((Sum(X[a], (a, 1, n)), sympy.Ge(n, 2)), (0, True))
    right = Sum(Piecewise((X[a], sympy.Ge(n, 2)), (0, True)), (a, 1, n))
    assert canon(left) == canon(right)
    assert equal(sympy.Eq(sympy.Mod(u + s, -s), 0), sympy.Eq(sympy.Mod(u, s), 0))


def test_the_chain_rule_through_an_uninterpreted_activation():
    f = sympy.Function("f")
    fp = sympy.Function("f'")
    ell = Sum(W[i] * f(X[i]), (i, 1, n))
    st = Statement("chain", sympy.Derivative(ell, X[u]), fp(X[u]) * W[u], (sympy.Le(1, u), sympy.Le(u, n)))
    Proof(st).differentiate().collapse(i).decide().qed()
    no_prime = Statement("chain_wrong", sympy.Derivative(ell, X[u]), f(X[u]) * W[u], st.hyps)
    with pytest.raises(KernelError):
        Proof(no_prime).differentiate().collapse(i).decide().qed()
    h, g = sympy.symbols("h g")
    assert evaluate(fp(X[1]), {}, {X: [h]}) == sympy.Derivative(f(h), h)
    assert evaluate(sympy.Derivative(ell, X[u]), {n: 2, u: 2}, {X: [h, g], W: [3, 5]}) == 5 * sympy.Derivative(f(g), g)
    assert evaluate(st.rhs, {n: 2, u: 2}, {X: [h, g], W: [3, 5]}) == 5 * sympy.Derivative(f(g), g)


def test_kronecker_deltas_compare_by_their_equation():
    """Regression (found by a soundness test of the Toeplitz form): SymPy stores δ(x − y, 0) as δ(0, x − y),
    and comparing first arguments made every two deltas equal."""
    assert not equal(KroneckerDelta(i, 1), KroneckerDelta(i, 2))
    assert equal(KroneckerDelta(i, j + 1), KroneckerDelta(j + 1, i)) and equal(
        KroneckerDelta(i - j, 1), KroneckerDelta(i, j + 1)
    )
    with pytest.raises(KernelError, match="qed"):
        Proof(Statement("bad", KroneckerDelta(i, 1), KroneckerDelta(i, 2))).qed()


# --- the kernel's equality against its own semantics, on random terms -----------------------------------

import random  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_BOUND_VARS = sympy.symbols("a b", integer=True)
_FREE = (i, j)


def _index(draw, scope):
    base = draw(st.sampled_from([*_FREE, *scope, sympy.Integer(1), sympy.Integer(2)]))
    return base + draw(st.integers(-1, 1))


@st.composite
def _terms(draw, depth=2, scope=()):
    kind = draw(
        st.sampled_from(["x", "int", "var", "delta", "ind", "sum", "add", "mul"] if depth else ["x", "int", "var"])
    )
    if kind == "x":
        return X[_index(draw, scope)]
    if kind == "int":
        return sympy.Integer(draw(st.integers(0, 2)))
    if kind == "var":
        return draw(st.sampled_from([*_FREE, *scope]))
    if kind == "delta":
        return KroneckerDelta(_index(draw, scope), _index(draw, scope))
    if kind == "ind":
        rel = draw(st.sampled_from([sympy.Le, sympy.Lt, sympy.Eq]))
        return Piecewise((draw(_terms(depth - 1, scope)), rel(_index(draw, scope), _index(draw, scope))), (0, True))
    if kind == "sum":
        var = _BOUND_VARS[len(scope) % 2]
        lo = _index(draw, scope)
        return Sum(draw(_terms(depth - 1, (*scope, var))), (var, lo, lo + draw(st.integers(-1, 2))))
    left, right = draw(_terms(depth - 1, scope)), draw(_terms(depth - 1, scope))
    return left + right if kind == "add" else left * right


def _mutations(term):
    """Small edits of a term: some keep its value (renaming, reordering), most change it."""
    out = [term.xreplace({i: j, j: i}), term.xreplace({i: i + 1}), term + 1, 2 * term]
    for node in sympy.preorder_traversal(term):
        if isinstance(node, KroneckerDelta):
            out.append(term.xreplace({node: KroneckerDelta(node.args[1], node.args[0])}))  # same value
            out.append(term.xreplace({node: KroneckerDelta(node.args[0] + 1, node.args[1])}))
        if isinstance(node, sympy.Sum):
            var, lo, hi = node.limits[0]
            out.append(term.xreplace({node: Sum(node.function, (var, lo, hi + 1))}))
            new = sympy.Symbol(f"{var}2", integer=True)
            out.append(term.xreplace({node: Sum(node.function.xreplace({var: new}), (new, lo, hi))}))  # same value
        if isinstance(node, Piecewise):
            out.append(term.xreplace({node: node.args[0][0]}))
    return out


def _values(term, seed):
    rng = random.Random(seed)
    values = []
    for _ in range(12):
        env = {i: rng.randint(-1, 3), j: rng.randint(-1, 3)}
        data = [rng.randint(-3, 3) for _ in range(12)]
        try:
            values.append((tuple(env.items()), tuple(data), evaluate(term.xreplace({}), env, {X: data})))
        except Exception:  # an index outside the sample tensor: no value there
            values.append(None)
    return values


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(_terms(), st.integers(0, 10**6))
def test_the_kernel_never_calls_terms_equal_that_differ_somewhere(term, seed):
    """Soundness of ``equal`` (the comparison every rule's result goes through): whenever it says two terms
    are equal, the kernel's own semantics (exact evaluation) agrees at random points."""
    shifted = term.xreplace({X: IndexedBase("X")})  # same tensor
    for other in _mutations(shifted):
        if not equal(term, other):
            continue
        for left, right in zip(_values(term, seed), _values(other, seed)):
            if left is not None and right is not None:
                assert left[2] == right[2], (term, other, left)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(_terms(depth=3))
def test_free_symbols_are_sympy_s(term):
    """The kernel's memoised walk finds exactly the free symbols SymPy's ``free_symbols`` defines (every
    capture check and fresh name rests on it)."""
    labels = {b.label for b in term.atoms(IndexedBase)}
    want = {s for s in term.free_symbols if isinstance(s, sympy.Symbol) and s not in labels}
    assert kernel.free_symbols(term) == want
    derivative = sympy.Derivative(sympy.Function("f")(term), _FREE[0])
    assert kernel.free_symbols(derivative) == {
        s for s in derivative.free_symbols if isinstance(s, sympy.Symbol) and s not in labels
    }
