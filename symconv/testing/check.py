"""``assert_implements``: run code under test over configurations, compare it exactly, explain a failure.

For every configuration (fewest input entries first) the code runs on a few
deterministic inputs (:func:`symconv.testing.reference.trials`) and its
result is compared with :mod:`symconv.numeric`'s: exactly on integer inputs,
within a stated tolerance on floats.  The first failing configuration is the
smallest; its input is then shrunk entry by entry towards 0, 1, -1, 2, -2 (the
order :func:`symconv.claims.verify` shrinks counterexamples in) while the
code still fails, and the report names the first wrong entry with 1-based
indices and a diagnosis computed by probing (:mod:`symconv.testing.diagnose`).
"""

from __future__ import annotations

import sys
import traceback
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ParameterError, SymconvError, public
from ..prove.counterexample import SMALL
from .adapters import Adapter, BadResult, adapter_for
from .configs import OPS, check_config, default_grid
from .diagnose import diagnose, specific
from .reference import (
    Trial,
    as_exact_text,
    compare,
    comparison,
    expected_backward,
    expected_forward,
    tolerance_text,
    trials,
)

__all__ = ["Failure", "Report", "assert_implements", "check_implementation"]

#: Calls of the code under test that shrinking an input may take.
SHRINK_CALLS = 300
#: Configurations with wrong values kept for diagnosis: the smallest whose probes name a mistake is used.
DIAGNOSED = 4
#: Hypothesis examples per strategy (``configs=`` a strategy).
MAX_EXAMPLES = 60

GRAD_KEYS = {"X": "dX", "W": "dW", "b": "db"}


@dataclass
class Failure:
    """What went wrong at one configuration and input.

    >>> from symconv import numeric
    >>> f = check_implementation(numeric.conv2d, "corr2d", layout="hw").failure
    >>> f.quantity, f.kind, f.index
    ('out', 'value', (0, 0, 0, 2))
    """

    cfg: Any
    trial: Trial
    quantity: str  # "out", "dX", "dW", "db"
    kind: str  # "raised", "result", "shape", "value"
    got: np.ndarray | None = None
    expected: np.ndarray | None = None
    index: tuple[int, ...] | None = None  # first wrong entry, 0-based, canonical
    error: str = ""

    @property
    def wrong_values(self) -> bool:
        return self.kind in ("shape", "value")


@dataclass
class Report:
    """The outcome of checking one implementation; ``str()`` is the message people read.

    >>> from symconv import numeric
    >>> report = check_implementation(numeric.corr2d, "corr2d", layout="hw")
    >>> bool(report), len(report.tried), report.skipped["several channels"]
    (True, 20, 48)
    """

    name: str
    op: str
    layout: str
    backward: str
    tried: list = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    failure: Failure | None = None
    candidates: list[Failure] = field(default_factory=list)  # configurations with wrong values, smallest first
    diagnosed_at: Failure | None = None
    diagnosis: list[str] = field(default_factory=list)
    message: str = ""
    found_by: str = "grid"  # or "hypothesis"
    size: int = 0  # configurations in the grid

    @property
    def passed(self) -> bool:
        return self.failure is None

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return self.message


def _inputs(trial: Trial) -> dict[str, np.ndarray | None]:
    """Fresh float64 copies for the code under test (it may write into its inputs)."""
    return {k: None if v is None else np.array(v, dtype=np.float64) for k, v in trial.inputs.items()}


def _error_text(err: BaseException) -> str:
    frames = traceback.extract_tb(err.__traceback__)
    where = ""
    for frame in reversed(frames):
        if "/symconv/testing/" not in frame.filename.replace("\\", "/"):
            where = f" (at {frame.filename}:{frame.lineno})"
            break
    text = str(err).splitlines()[0] if str(err) else ""
    return f"{type(err).__name__}: {text}{where}" if text else f"{type(err).__name__}{where}"


def run_trial(adapter: Adapter, op: str, cfg: Any, trial: Trial, backward: bool) -> Failure | None:
    """Run the code on one trial; the first wrong quantity, or None."""
    args = _inputs(trial)
    X, W, b = args["X"], args.get("W"), args.get("b")
    try:
        got = adapter.forward(cfg, X, W, b)
    except BadResult as err:
        return Failure(cfg, trial, "out", "result", error=str(err))
    except Exception as err:  # the code under test may raise anything
        return Failure(cfg, trial, "out", "raised", error=_error_text(err))
    exp = expected_forward(op, cfg, *(trial.inputs.get(k) for k in ("X", "W", "b")))
    failure = _compare(op, cfg, trial, "out", got, exp)
    if failure or not backward:
        return failure
    args = _inputs(trial)
    try:
        grads = adapter.backward(cfg, args["X"], args.get("W"), args.get("b"), args["delta"])
    except BadResult as err:
        return Failure(cfg, trial, "dX", "result", error=str(err))
    except Exception as err:
        return Failure(cfg, trial, "dX", "raised", error=_error_text(err))
    expected = expected_backward(op, cfg, *(trial.inputs.get(k) for k in ("X", "W", "b", "delta")))
    if not grads:
        return Failure(cfg, trial, "dX", "result", error=f"{adapter.backward_name} returned no gradient")
    for key in ("X", "W", "b"):
        if key in grads and key in expected:  # a bias gradient of a layer without bias means nothing: not checked
            failure = _compare(op, cfg, trial, GRAD_KEYS[key], grads[key], expected[key])
            if failure:
                return failure
    return None


def _compare(op: str, cfg: Any, trial: Trial, quantity: str, got: np.ndarray, exp: np.ndarray) -> Failure | None:
    if got.shape != exp.shape:
        return Failure(cfg, trial, quantity, "shape", got, exp)
    index = compare(got, exp, comparison(op, trial))
    return None if index is None else Failure(cfg, trial, quantity, "value", got, exp, index)


def shrink(adapter: Adapter, op: str, failure: Failure, backward: bool) -> Failure:
    """Shrink the failing input entry by entry towards 0, 1, -1, 2, -2 while the same quantity stays wrong."""
    if not failure.wrong_values:
        return failure
    current = failure
    calls = 0
    changed = True
    while changed and calls < SHRINK_CALLS:
        changed = False
        for name, arr in current.trial.inputs.items():
            if arr is None:
                continue
            for flat in range(arr.size):
                value = arr.flat[flat]
                for candidate in SMALL:
                    if abs(candidate) > abs(value) or candidate == value:
                        continue
                    if abs(candidate) == abs(value) and candidate < value:
                        continue
                    trial_arr = np.array(arr, dtype=np.int64 if current.trial.exact else np.float64)
                    trial_arr.flat[flat] = candidate
                    trial = Trial(current.trial.kind, {**current.trial.inputs, name: trial_arr})
                    calls += 1
                    found = run_trial(adapter, op, current.cfg, trial, backward)
                    if found is not None and found.wrong_values and found.quantity == current.quantity:
                        current, arr, changed = found, trial_arr, True
                        break
                    if calls >= SHRINK_CALLS:
                        return current
    return current


def _resolve(fn: Any, op: str, layout: str, configs: Any, backward: Any) -> tuple[Adapter, Any]:
    if op not in OPS:
        raise ParameterError("op", op, f"one of {', '.join(map(repr, OPS))}")
    adapter = adapter_for(fn, op, layout, backward)
    if configs is None:
        configs = adapter.adapt_grid(default_grid(op))
    elif not _is_strategy(configs):
        if not isinstance(configs, Iterable) or isinstance(configs, (str, bytes)):
            raise ParameterError("configs", configs, "a list of ConvConfig/PoolConfig, or a hypothesis strategy")
        configs = list(configs)
        for cfg in configs:
            check_config(op, cfg)
        configs = sorted(configs, key=lambda c: c.symbols())
    return adapter, configs


def _is_strategy(configs: Any) -> bool:
    strategies = sys.modules.get("hypothesis.strategies")
    return strategies is not None and isinstance(configs, strategies.SearchStrategy)


@public
def check_implementation(
    fn: Any, op: str, *, layout: str = "symconv", configs: Any = None, backward: Any = False
) -> Report:
    """Check ``fn`` against symconv's ``op`` and return a :class:`Report` (never raises on a mismatch).

    Same arguments as :func:`assert_implements`; ``report.passed`` says
    whether it passed and ``str(report)`` is the message.

    >>> from symconv import numeric
    >>> report = check_implementation(numeric.conv2d, "corr2d", layout="hw")
    >>> report.passed, report.diagnosis
    (False, ['computes conv2d (kernel flipped) instead of corr2d'])
    """
    return _check(fn, op, layout, configs, backward)


def _check(fn: Any, op: str, layout: str, configs: Any, backward: Any) -> Report:
    adapter, configs = _resolve(fn, op, layout, configs, backward)
    report = Report(adapter.name, op, layout, adapter.backward_name if backward else "")
    with adapter.session():
        if _is_strategy(configs):
            report.found_by = "hypothesis"
            _run_strategy(adapter, op, configs, bool(backward), report)
        else:
            report.size = sum(adapter.supports(cfg) is None for cfg in configs)
            _run_grid(adapter, op, configs, bool(backward), report)
        if not report.tried and report.failure is None:
            reasons = ", ".join(f"{r} ({n})" for r, n in report.skipped.items())
            raise ParameterError(
                "configs",
                f"{sum(report.skipped.values())} configurations",
                f"some that layout {layout!r} can express (it needs: {reasons})",
            )
        _finish(adapter, op, bool(backward), report)
    return report


def _check_one(adapter: Adapter, op: str, cfg: Any, backward: bool) -> Failure | None:
    for trial in trials(op, cfg, backward):
        failure = run_trial(adapter, op, cfg, trial, backward)
        if failure:
            return failure
    return None


def _run_grid(adapter: Adapter, op: str, configs: list, backward: bool, report: Report) -> None:
    """Try the configurations in order; after the first failure keep going a little, for configurations
    where the code returns wrong values (a diagnosis needs values; a larger one may show the pattern)."""
    for cfg in configs:
        reason = adapter.supports(cfg)
        if reason:
            report.skipped[reason] += 1
            continue
        failure = _check_one(adapter, op, cfg, backward)
        if report.failure is None:
            report.tried.append(cfg)
            report.failure = failure
        if failure is not None and failure.wrong_values:
            report.candidates.append(failure)
            if len(report.candidates) >= DIAGNOSED:
                break


class _Failed(Exception):
    def __init__(self, failure: Failure) -> None:
        super().__init__(str(failure.cfg))
        self.failure = failure


def _run_strategy(adapter: Adapter, op: str, strategy: Any, backward: bool, report: Report) -> None:
    from hypothesis import HealthCheck, Verbosity, assume, given, settings

    @settings(
        max_examples=MAX_EXAMPLES,
        database=None,
        deadline=None,
        derandomize=True,
        verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(cfg: Any) -> None:
        check_config(op, cfg)
        reason = adapter.supports(cfg)
        if reason:
            report.skipped[reason] += 1
        assume(reason is None)
        report.tried.append(cfg)
        failure = _check_one(adapter, op, cfg, backward)
        if failure is not None:
            raise _Failed(failure)

    try:
        run()
    except _Failed as err:  # hypothesis re-raises the failure of the smallest configuration it found
        report.failure = err.failure
        if err.failure.wrong_values:
            report.candidates.append(err.failure)
    report.tried = list(dict.fromkeys(report.tried))


def _finish(adapter: Adapter, op: str, backward: bool, report: Report) -> None:
    if report.failure is None:
        report.message = _pass_text(adapter, op, report)
        return
    report.failure = shrink(adapter, op, report.failure, backward)
    candidates = [f for f in report.candidates if f.cfg != report.failure.cfg]
    if report.failure.wrong_values:
        candidates.insert(0, report.failure)
    first = None
    for at in candidates:  # the smallest configuration whose diagnosis names a mistake (not only positions)
        lines = diagnose(adapter, op, at.cfg, at.quantity, backward)
        first = first or (at, lines)
        if specific(lines):
            first = (at, lines)
            break
    if first is not None:
        report.diagnosed_at, report.diagnosis = first
    report.message = _fail_text(adapter, op, report)


def _describe(adapter: Adapter, op: str, backward: bool) -> str:
    what = f"{adapter.name} (layout {adapter.layout}"
    if backward:
        what += f", backward {adapter.backward_name}"
    return what + ")"


def _skipped_text(report: Report, layout: str) -> str:
    if not report.skipped:
        return ""
    reasons = ", ".join(f"{r} ×{n}" for r, n in report.skipped.items())
    return f" ({sum(report.skipped.values())} skipped: layout {layout} cannot express {reasons})"


def _pass_text(adapter: Adapter, op: str, report: Report) -> str:
    grads = " and its gradients" if report.backward else ""
    return (
        f"PASS: {_describe(adapter, op, bool(report.backward))} computes {op}{grads} "
        f"on {len(report.tried)} configurations{_skipped_text(report, adapter.layout)}"
    )


def _found_text(report: Report) -> str:
    if report.found_by == "hypothesis":
        return f" (found by hypothesis after {len(report.tried)} configurations, then shrunk)"
    if report.found_by == "grid" and report.size > 1:
        return f" (the {_ordinal(len(report.tried))} of {report.size} tried, fewest entries first)"
    return ""


def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st.

    >>> [_ordinal(n) for n in (1, 2, 3, 4, 11, 12, 21)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '21st']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _index_text(adapter: Adapter, quantity: str, cfg: Any, index: tuple[int, ...]) -> str:
    drop = adapter.view(quantity, cfg)
    return f"{adapter.names[quantity]}[{', '.join(str(i + 1) for i in index[drop:])}]"


def show_array(arr: np.ndarray | None, drop: int = 0, limit: int = 40) -> str:
    """An input as people read it: nested lists of ints (or floats); a large one as its non-zero entries (1-based).

    >>> show_array(np.array([[[[0, 1], [2, 0]]]]), drop=2)
    '[[0, 1], [2, 0]]'
    >>> show_array(np.eye(9, dtype=int))
    'shape (9, 9), 9 non-zero: [1, 1] = 1, [2, 2] = 1, [3, 3] = 1, [4, 4] = 1, [5, 5] = 1, [6, 6] = 1 ...'
    """
    if arr is None:
        return "None"
    arr = np.asarray(arr)
    for _ in range(drop):
        if arr.shape[0] == 1:
            arr = arr[0]
    as_int = arr.dtype.kind in "iu" or (arr.dtype.kind == "f" and np.all(np.mod(arr, 1) == 0))
    values = arr.astype(np.int64) if as_int else np.round(arr, 4)
    if arr.size <= limit:
        return str(values.tolist())
    nz = np.argwhere(values != 0)
    items = [f"[{', '.join(str(i + 1) for i in idx)}] = {values[tuple(idx)]}" for idx in nz[:6]]
    more = " ..." if len(nz) > 6 else ""
    return f"shape {arr.shape}, {len(nz)} non-zero: " + ", ".join(items) + more


def _fail_text(adapter: Adapter, op: str, report: Report) -> str:
    f = report.failure
    assert f is not None
    grads = " (and its gradients)" if report.backward else ""
    lines = [f"{_describe(adapter, op, bool(report.backward))} does not compute {op}{grads}."]
    lines.append(f"  smallest failing configuration: {f.cfg}{_found_text(report)}")
    names = adapter.names
    shown = []
    for key, arr in f.trial.inputs.items():
        if arr is not None and (key != "delta" or f.quantity != "out"):
            shown.append(f"{names[key]} = {show_array(arr, adapter.view(key, f.cfg))}")
    how = "shrunk" if f.wrong_values else "as drawn"
    lines.append(f"  input ({f.trial.kind}, {how}): " + "; ".join(shown))
    name = names[f.quantity]
    if f.kind == "raised":
        lines.append(f"  {name}: raised {f.error}")
    elif f.kind == "result":
        lines.append(f"  {name}: {f.error}")
    elif f.kind == "shape":
        drop = adapter.view(f.quantity, f.cfg)
        lines.append(f"  {name} has shape {f.got.shape[drop:]}; expected {f.expected.shape[drop:]}")
    else:
        where = _index_text(adapter, f.quantity, f.cfg, f.index)
        got, exp = f.got[f.index], f.expected[f.index]
        tol = tolerance_text(f.got.dtype, comparison(op, f.trial), exp)
        lines.append(
            f"  first wrong entry: {where} = {as_exact_text(got)}, expected {as_exact_text(exp)} (1-based; {tol})"
        )
    at = report.diagnosed_at
    if at is not None and at.cfg != f.cfg:
        lines.append(f"  diagnosed at: {at.cfg} (a larger configuration where it returns wrong values)")
    if report.diagnosis:
        lines.append("  diagnosis: " + "; ".join(report.diagnosis))
    return "\n".join(lines)


def assert_implements(
    fn: Any, op: str, *, layout: str = "symconv", configs: Any = None, backward: Any = False
) -> Report:
    """Assert that ``fn`` computes symconv's ``op`` exactly, on every configuration; else explain what it computes.

    ``op``: ``"corr2d"`` (cross-correlation, what ``torch.nn.functional.conv2d``
    computes), ``"conv2d"`` (true convolution, kernel rotated by 180°),
    ``"max_pool2d"`` or ``"avg_pool2d"`` (PyTorch's semantics).  ``layout``:
    how ``fn`` takes its arguments (:data:`symconv.testing.adapters.LAYOUTS`:
    ``"symconv"``, ``"nchw"``, ``"hw"``, ``"torch"``, ``"module"``, ``"cs231n"``,
    ``"d2l"``).  ``configs``: a list of :class:`ConvConfig`/:class:`PoolConfig`, a
    hypothesis strategy (:mod:`symconv.strategies`), or None for
    :func:`~symconv.testing.default_grid` (configurations the layout cannot
    express are skipped and counted).  ``backward``: a backward function in
    the layout's signature, ``True`` for autograd (torch layouts), or False.

    Each configuration is tried on integer inputs, compared exactly with
    :mod:`symconv.numeric`, and on floats within a stated tolerance.  On a
    mismatch it raises :class:`AssertionError` with the smallest failing
    configuration, the input shrunk, the first wrong entry (1-based, expected
    against got) and a diagnosis; otherwise it returns the passing
    :class:`Report`.

    >>> from symconv import numeric
    >>> print(assert_implements(numeric.corr2d_multi_in_out, "corr2d"))
    PASS: corr2d_multi_in_out (layout symconv) computes corr2d on 88 configurations
    >>> assert_implements(numeric.conv2d, "corr2d", layout="hw")
    Traceback (most recent call last):
    ...
    AssertionError: conv2d (layout hw) does not compute corr2d.
      smallest failing configuration: X (1, 1, 1, 5), W (1, 1, 1, 3); stride 1, padding 0 (the 1st of 20 tried, ...)
      input (integers, shrunk): X = [[0, 0, 0, 0, 1]]; K = [[0, 0, 1]]
      first wrong entry: out[1, 3] = 0, expected 1 (1-based; compared exactly)
      diagnosis: computes conv2d (kernel flipped) instead of corr2d
    >>> assert_implements(numeric.conv2d, "corr3d")
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: assert_implements: op: got 'corr3d'; expected one of 'corr2d', 'conv2d', ...
    """
    __tracebackhide__ = True  # pytest shows the message, not this frame
    try:
        report = _check(fn, op, layout, configs, backward)
    except SymconvError as err:
        err.context = "assert_implements"
        err.args = (str(err),)
        raise err.with_traceback(None) from None
    if not report.passed:
        raise AssertionError(report.message)
    return report
