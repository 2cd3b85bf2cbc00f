"""Random malformed calls (hypothesis): each ends in a SymconvError, or in a result the three
implementations agree on, within a time limit (a hang guard, not a speed test)."""

from __future__ import annotations

import contextlib
import inspect
import signal
from fractions import Fraction

import numpy as np
import pytest
import sympy
import torch
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import symconv as sc
from symconv import numeric as npc
from symconv.backends import torch as tb

IMPLEMENTATIONS = {"symbolic": sc, "numpy": npc, "torch": tb}
HANG_GUARD_S = 20  # a call that runs longer than this is reported as a hang
FUZZ_BUDGET = 20_000  # sizes stay small, so every example is quick

WEIRD = [None, "a", "", -1, 0, 1, 2, 3, 2.5, float("nan"), float("inf"), True, 1 + 2j, 10**9, (), (1,), (1, 2),
         (1, 2, 3), ((1, 0), (0, 1)), "same", "full", "valid", "max", "avg", sympy.I, sympy.Symbol("s"),
         Fraction(1, 2), [1, 2], np.int64(2)]  # fmt: skip
ENTRIES = [0, 1, -2, 3, 0.5, True, Fraction(1, 3), sympy.Rational(2, 3), None, "a", 1j, float("nan"), float("inf")]


@contextlib.contextmanager
def hang_guard(what: str):
    def alarm(*_):
        raise TimeoutError(f"{what} ran over {HANG_GUARD_S} s: a hang")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(HANG_GUARD_S)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@st.composite
def arrays(draw, rank=None):
    """Mostly small numeric arrays (nested lists or NumPy), sometimes with a malformed entry, or anything."""
    kind = draw(st.sampled_from(["good", "good", "good", "entry", "numpy", "weird", "ragged"]))
    if kind == "weird":
        return draw(st.sampled_from(WEIRD))
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=rank or 1, max_size=rank or 4)))
    cells = int(np.prod(shape))
    values = draw(st.lists(st.integers(-3, 3), min_size=cells, max_size=cells))
    if kind == "numpy":
        dtype = draw(st.sampled_from([np.float64, np.float32, np.int64, bool, complex, str]))
        return np.array(values).astype(dtype).reshape(shape)
    if kind == "entry":
        values[draw(st.integers(0, cells - 1))] = draw(st.sampled_from(ENTRIES))
    data = np.array(values, dtype=object).reshape(shape).tolist()
    if kind == "ragged" and isinstance(data, list) and len(data) > 1 and isinstance(data[0], list):
        data[0] = data[0] + [1]
    return data


HYPER = {
    "stride": st.one_of(st.integers(1, 3), st.sampled_from(WEIRD)),
    "padding": st.one_of(st.integers(0, 2), st.sampled_from(WEIRD)),
    "dilation": st.one_of(st.integers(1, 2), st.sampled_from(WEIRD)),
    "kernel_size": st.one_of(st.integers(1, 3), st.sampled_from(WEIRD)),
    "mode": st.sampled_from(["max", "avg", "min", None]),
    "ceil_mode": st.sampled_from([False, True, "yes", None]),
    "count_include_pad": st.sampled_from([True, False, 1]),
    "divisor_override": st.sampled_from([None, 1, 2, 0, 2.5]),
    "groups": st.one_of(st.integers(1, 2), st.sampled_from(WEIRD)),
    "tie": st.sampled_from(["first", "split", "last", None]),
    "value": st.sampled_from([0, 1, -1.5, None, "z", 1j, float("nan")]),
    "bias": arrays(rank=1),
}

OPERATORS = {  # name: ranks of its array arguments
    "corr2d": (2, 2),
    "conv2d": (2, 2),
    "corr1d": (1, 1),
    "conv1d": (1, 1),
    "pool2d": (None,),
    "pad": (None,),
    "rot180": (None,),
    "corr2d_multi_in_out": (3, 4),
    "pool2d_vjp": (None, None),
    "corr2d_vjp": (2, 2, 2),
    "conv2d_vjp": (2, 2, 2),
    "corr2d_multi_in": (3, 3),
    "corr2d_multi_in_out_vjp": (3, 4, 3),
}


def values(result):
    """A result as float64 arrays (tuples of results as a list of them)."""
    if isinstance(result, tuple):
        return [values(r)[0] for r in result]
    if isinstance(result, torch.Tensor):
        result = result.numpy()
    return [np.array(np.asarray(result.tolist(), dtype=object), dtype=float)]


def outcome(call, *args, **kwargs):
    """``("ok", value)`` or ``("error", message)``; anything but a SymconvError fails the test."""
    with hang_guard(f"{call.__module__}.{call.__name__}"):
        try:
            return "ok", call(*args, **kwargs)
        except sc.SymconvError as err:
            message = str(err)
            assert message.startswith(f"{call.__name__}: "), message  # the public function is named
            return "error", message


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.data(), op=st.sampled_from(sorted(OPERATORS)))
def test_operators_in_all_three_implementations(data, op):
    args = [data.draw(arrays(rank=r)) for r in OPERATORS[op]]
    positional = {"pool2d": "kernel_size", "pool2d_vjp": "kernel_size", "pad": "padding"}.get(op)
    if positional:
        args.append(data.draw(HYPER[positional]))
    params = inspect.signature(getattr(sc, op)).parameters
    names = [n for n in HYPER if n in params and n != positional]
    chosen = data.draw(st.lists(st.sampled_from(names), unique=True, max_size=3)) if names else []
    kwargs = {n: data.draw(HYPER[n]) for n in chosen}
    results = {}
    with sc.max_terms(FUZZ_BUDGET):
        for impl, module in IMPLEMENTATIONS.items():
            call = getattr(module, op)
            bound = {k: v for k, v in kwargs.items() if k in inspect.signature(call).parameters}
            if op == "pool2d_vjp" and impl == "symbolic" and "tie" not in bound:
                bound["tie"] = "first"  # the symbolic default differentiates Max: no numeric routing
            results[impl] = outcome(call, *args, **bound)
    done = {impl: r[1] for impl, r in results.items() if r[0] == "ok"}
    event(f"computed by {len(done)} of 3")
    if len(done) >= 2:  # where they all compute, they compute the same
        first, *others = done.values()
        for other in others:
            for a, b in zip(values(first), values(other)):
                assert a.shape == b.shape
                assert np.allclose(a, b, rtol=1e-6, atol=1e-6, equal_nan=True), (results, a, b)


def corr_is_conv_of_rot(B, X, W):
    return B.corr2d(X, W), B.conv2d(X, B.rot180(W))


RANGE = st.one_of(st.sampled_from(WEIRD), st.lists(st.integers(-1, 3), max_size=3), st.just(range(1, 10**9)))
SHAPE = st.one_of(st.sampled_from(WEIRD), st.lists(st.sampled_from(["n", "k", "m", 0, 1, 2, -1, 2.5]), max_size=3))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(n=RANGE, k=RANGE, X=SHAPE, where=st.sampled_from([None, lambda z: False, lambda z: z["k"] <= z["n"], 3]))
def test_verify(n, k, X, where):
    with sc.max_terms(FUZZ_BUDGET):
        status, result = outcome(sc.verify, corr_is_conv_of_rot, X=X, W=("k", "k"), n=n, k=k, where=where)
    if status == "ok":
        assert result.verdict in ("proved", "refuted", "unknown") and result.scope  # never proved over nothing


SIZE = st.one_of(st.integers(1, 4), st.sampled_from(WEIRD))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    name=st.sampled_from(["conv_eq_corr_rot180", "full_conv_comm", "grad_weight_eq_corr", "output_size_formula", "x"]),
    sizes=st.dictionaries(st.sampled_from(["n", "k", "s", "p", "d", "c_i", "m"]), SIZE, max_size=3),
)
def test_prove(name, sizes):
    with sc.max_terms(FUZZ_BUDGET):
        status, result = outcome(sc.prove, name, **sizes)
    if status == "ok":
        assert result.verdict == result.expected  # these theorems are true (or refuted as registered)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(args=st.lists(st.sampled_from(WEIRD + [sympy.Symbol("n", positive=True)]), min_size=2, max_size=6))
def test_output_size(args):
    status, result = outcome(sc.output_size, *args)
    if status == "ok" and isinstance(result, int):
        assert result >= 1


@pytest.mark.parametrize("shape", [(10**6, 10**6), (3, -1), (), ("a",), 2.5, None])
def test_symbols(shape):
    assert outcome(sc.symbols, "x", shape)[0] == "error"
