"""The size budget: every call that used to hang or eat memory is refused before any work, by name."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import symconv as sc
from symconv import budget
from symconv.backends import torch as tb
from symconv.cli import main

ROOT = Path(__file__).resolve().parents[1]

# Each of these hung, or grew memory by gigabytes, before the budget (issue 14).  They run in a
# child process with a timeout, so that a regression fails the test instead of hanging the suite.
HANGS = {
    "symbols": "sc.symbols('x', (10**6, 10**6))",
    "corr2d padding": "sc.corr2d(sc.symbols('x', (3, 3)), sc.symbols('w', (2, 2)), padding=10**5)",
    "pad": "sc.pad(sc.symbols('x', (3, 3)), 10**6)",
    "prove n": "sc.prove('conv_eq_corr_rot180', n=10**6)",
    "verify grid": "sc.verify(lambda B, X: (X, X), X=('n',), n=range(1, 10**9))",
    "numeric padding": "sc.numeric.corr2d(np.ones((3, 3)), np.ones((2, 2)), padding=10**5)",
    "torch padding": "tb.corr2d(np.ones((3, 3)), np.ones((2, 2)), padding=10**5)",
    "numeric pool ceil": "sc.numeric.pool2d(np.ones((3, 3)), 2, ceil_mode=True, stride=10**7)",
    "cli n": "main(['prove', 'conv_eq_corr_rot180', '--size', 'n=1000000', '-q'])",
    "cli p": "main(['prove', 'conv_eq_corr_rot180', '--size', 'n=5,k=3,p=10000000', '-q'])",
    "cli c_i": "main(['prove', 'grad_bias_eq_sum', '--size', 'c_i=1000000', '-q'])",
}

CHILD = """
import contextlib, io, json, sys
import numpy as np
import symconv as sc
from symconv.backends import torch as tb
from symconv.cli import main
out = {}
for name, call in json.loads(sys.argv[1]).items():
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            value = eval(call)
        out[name] = ["returned", repr(value)[:200], err.getvalue()]
    except Exception as e:
        out[name] = [type(e).__name__, str(e), ""]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def refused():
    run = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHILD), json.dumps(HANGS)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


@pytest.mark.parametrize("name", [n for n in HANGS if not n.startswith("cli")])
def test_huge_sizes_are_refused_by_name(refused, name):
    kind, message, _ = refused[name]
    assert kind == "BudgetError", (kind, message)
    assert "expected at most max_terms=1,000,000" in message and "--max-terms" in message


@pytest.mark.parametrize("name", [n for n in HANGS if n.startswith("cli")])
def test_the_command_line_refuses_them_in_one_line(refused, name):
    kind, status, stderr = refused[name]
    assert (kind, status) == ("returned", "2")
    assert stderr.startswith("symconv: error: prove: ") and "max_terms=1,000,000" in stderr
    assert stderr.count("\n") == 1  # one line, no traceback


def test_messages_name_the_function_the_size_and_the_budget(refused):
    assert refused["symbols"][1].startswith("symbols: shape: got (1000000, 1000000): 1,000,000,000,000 symbols;")
    assert refused["corr2d padding"][1].startswith("corr2d: padding: got 100000: 40,001,200,000 cells added by")
    assert refused["prove n"][1].startswith("prove: sizes: got n=1000000x1000000,k=3x3: 1,000,000,000,009 input")
    assert refused["verify grid"][1].startswith("verify: n: got range(1, 1000000000): 999,999,999 grid points;")


def test_the_budget_is_raised_by_keyword_and_by_context():
    with pytest.raises(
        sc.BudgetError, match=r"^symbols: shape: got \(2, 3\): 6 symbols; expected at most max_terms=5 "
    ):
        sc.symbols("x", (2, 3), max_terms=5)
    with sc.max_terms(5):
        assert budget.limit() == 5
        with pytest.raises(sc.BudgetError, match=r"^pad: padding: got 1: 16 padded cells"):
            sc.pad([[1, 2], [3, 4]], 1)
        assert sc.pad([[1, 2], [3, 4]], 1, max_terms=16).shape == (4, 4)
    assert budget.limit() == budget.DEFAULT_MAX_TERMS
    X = sc.symbols("x", (3, 3))
    with pytest.raises(sc.BudgetError, match=r"^corr2d: size: got \(3, 3\): 16 terms"), sc.max_terms(10):
        sc.corr2d(X, sc.symbols("w", (2, 2)))  # no padding: 4 outputs of 4 taps each
    with pytest.raises(sc.ParameterError, match=r"^max_terms: got 0; expected a positive int"), sc.max_terms(0):
        pass


def test_operators_count_terms_over_channels_before_any_work():
    X, K = sc.symbols("x", (4, 3, 3)), sc.symbols("w", (5, 4, 2, 2))
    budget_error = pytest.raises(sc.BudgetError, match=r"^corr2d_multi_in_out: size: got \(20, 3, 3\): 320 terms")
    with budget_error, sc.max_terms(300):  # 20 kernel planes, 4 outputs of 4 taps each
        sc.corr2d_multi_in_out(X, K)


def test_prove_check_and_verify_take_max_terms():
    with pytest.raises(sc.BudgetError, match=r"^prove: sizes: got n=4x4,k=3x3: 25 input symbols"):
        sc.prove("conv_eq_corr_rot180", n=4, k=3, max_terms=20)
    assert sc.prove("conv_eq_corr_rot180", n=4, k=3, max_terms=100).verdict == "proved"
    with pytest.raises(sc.BudgetError, match=r"^check: trials: got 10: 250 input values"):
        sc.check("conv_eq_corr_rot180", trials=10, n=4, k=3, max_terms=200)


def test_numeric_and_torch_budget_the_cells_padding_adds_not_the_input():
    big = np.zeros((1200, 1200))  # 1,440,000 cells: more than the budget, but they exist already
    assert sc.numeric.corr2d(big, np.ones((3, 3)), padding=1).shape == (1200, 1200)
    assert tb.pool2d(big, 2).shape == (600, 600)
    X = np.ones((2, 2))
    with pytest.raises(
        sc.BudgetError, match=r"^pool2d: stride: got \(10000000, 10000000\): 100,000,019,999,997 cells added \(ceil"
    ):
        sc.numeric.pool2d(X, 2, stride=10**7, ceil_mode=True)  # ceil mode pads s - 1 cells per axis
    with pytest.raises(sc.BudgetError, match=r"^pad: padding: got 1000: 4,008,000 cells added by padding"):
        tb.pad(X, 1000)
    with pytest.raises(sc.BudgetError, match=r"^pad: padding: got 1000: 4,008,000 cells added by padding"):
        sc.numeric.pad(X, 1000)


def test_ceil_mode_names_the_padding_when_padding_alone_is_over_the_budget():
    """Padding alone adds 3000² − 1000² cells; the error names it, and counts ceil mode's s − 1 extra too."""
    with pytest.raises(sc.BudgetError, match=r"^pool2d: padding: got 1000: 8,006,001 cells added by padding;"):
        sc.numeric.pool2d(np.ones((1000, 1000)), 2001, stride=2, padding=1000, ceil_mode=True)
    assert budget.padding_cells((1000, 1000), ((1000, 1000),) * 2) == 8_000_000


def test_cli_max_terms(capsys):
    assert main(["prove", "conv_eq_corr_rot180", "--size", "n=4", "--max-terms", "5", "-q"]) == 2
    assert "expected at most max_terms=5 input symbols" in capsys.readouterr().err
    assert main(["check", "conv_eq_corr_rot180", "--size", "n=4", "--max-terms", "1_000", "-q"]) == 0
    assert "numpy: ok" in capsys.readouterr().out
