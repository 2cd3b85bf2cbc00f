"""The command line."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import symconv
from symconv import cli, output
from symconv.backends import torch as tb
from symconv.cli import _families, build_parser, main, parse_sizes
from symconv.theorems.registry import get, theorems


def test_list(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "conv_eq_corr_rot180" in out and "6.1.2" in out


def test_prove_all_json(capsys):
    assert main(["prove", "--all", "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert {"name", "verdict", "scope", "checks", "seconds"} <= set(data[0])
    by_name = {d["name"]: d for d in data}
    assert by_name["full_corr_comm"]["verdict"] == "refuted"
    assert by_name["full_corr_comm"]["counterexample"]["lhs"] != by_name["full_corr_comm"]["counterexample"]["rhs"]
    assert all(d["verdict"] == get(n).expected for n, d in by_name.items())
    assert all(d["counterexample"] for d in data if d["verdict"] == "refuted")
    assert all(d["checks"]["numpy"] == "ok" and d["checks"]["torch"] == "ok" for d in data)
    concrete_only = [d for d in data if d["level"] == "concrete"]  # each says why it has no all-sizes form
    assert concrete_only and all("; all sizes: none (" in d["detail"] for d in concrete_only)
    assert "roots of unity" in by_name["circular_conv_theorem"]["detail"]
    assert captured.err == ""  # no progress under --json: stdout is the JSON, stderr stays quiet


def test_prove_one_with_size(capsys):
    assert main(["prove", "conv_eq_corr_rot180", "--size", "n=6x5,k=3,s=2,p=1", "--backend", "numpy"]) == 0
    out = capsys.readouterr().out
    assert "verdict: proved" in out and "numpy: ok" in out


def test_check_command(capsys):
    assert main(["check", "full_conv_comm", "--backend", "torch", "--json", "-q"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["checks"] == {"torch": "ok"}


def test_errors_exit_2_with_message(capsys):
    assert main(["prove", "no_such_theorem"]) == 2
    assert "name: got 'no_such_theorem'; expected a registered theorem" in capsys.readouterr().err
    assert main(["prove", "conv_eq_corr_rot180", "--size", "n=0"]) == 2
    assert "n: got 0" in capsys.readouterr().err


def test_parse_sizes():
    assert parse_sizes("n=8,k=3") == {"n": 8, "k": 3}
    assert parse_sizes("n=4x5,p=((1,0),(0,2))") == {"n": (4, 5), "p": ((1, 0), (0, 2))}


def test_python_m_symconv():
    proc = subprocess.run([sys.executable, "-m", "symconv", "list"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "full_corr_comm" in proc.stdout


# --- robustness (issue 14): one line per error, never a traceback ------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.strip() == f"symconv {symconv.__version__}"


def test_unknown_names_get_a_short_did_you_mean(capsys):
    assert main(["prove", "conv_eq_corr"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "symconv: error: name: got 'conv_eq_corr'; expected a registered theorem (did you mean 'conv_eq_corr_rot180'"
    )
    assert err.count("\n") == 1 and len(err) < 200  # one short line, not the whole registry
    assert main(["prove", "--family", "shape"]) == 2
    assert "(did you mean 'shapes'?)" in capsys.readouterr().err
    assert main(["prove", "qqqqqq"]) == 2
    assert len(capsys.readouterr().err) < 120  # not the list of every name


def test_every_family_the_help_lists_is_accepted():
    families = {t.family for t in theorems()}
    assert {"conv_corr", "wide", "channels", "shapes", "arithmetic", "counting", "gradients", "pooling"} <= families
    assert {"fc", "equivariance", "matrix", "identities"} <= families
    for family in families:
        assert _families(family)
    help_text = build_parser()._subparsers._group_actions[0].choices["prove"].format_help()
    assert all(f in " ".join(help_text.split()) for f in families)


@pytest.mark.parametrize("script", sorted((ROOT / "proofs").glob("*.py")), ids=lambda p: p.name)
def test_proof_scripts_ask_for_what_exists(script):
    """Each script passes a fixed argument list to main(); it must parse, and its families must exist."""
    call = next(
        node
        for node in ast.walk(ast.parse(script.read_text()))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "main"
    )
    argv = [ast.literal_eval(e) for e in call.args[0].elts if not isinstance(e, ast.Starred)]
    args = build_parser().parse_args(argv)
    if getattr(args, "family", None):
        assert _families(args.family)


def test_sizes_for_a_grid_theorem_or_many_theorems_are_refused(capsys):
    assert main(["prove", "output_size_formula", "--size", "n=7,k=100"]) == 2
    assert "expected no sizes: output_size_formula is decided over its own grid" in capsys.readouterr().err
    assert main(["prove", "--all", "--size", "n=3"]) == 2
    assert "--size applies to a theorem name" in capsys.readouterr().err


def test_dimension_clash_is_named(capsys):
    assert main(["prove", "conv_eq_corr_rot180", "--size", "n=8,k=(3,)"]) == 2
    assert "k: got (3,); expected 2 dimensions, like n=8 (an int is square: 2-D)" in capsys.readouterr().err


@pytest.mark.skipif(tb.cuda_available(), reason="a CUDA device is present")
def test_explicit_cuda_without_a_gpu_exits_1_in_one_line(capsys):
    assert main(["check", "full_conv_comm", "--backend", "cuda"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith("symconv: error: --backend cuda: no CUDA device")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["audit", "-o", "missing_dir/x.txt"], "-o: got 'missing_dir/x.txt'; expected a file in an existing directory"),
        (["audit", "-o", "x.pdf"], "-o: got 'x.pdf'; expected a file ending in .txt (text; --format md, tex or json"),
        (["notes", "-o", "missing_dir/x.tex"], "-o: got 'missing_dir/x.tex'; expected a file in an existing dir"),
        (["notes", "-o", "x.html"], "-o: got 'x.html'; expected a file ending in .tex (LaTeX), .md (Markdown)"),
        (["latex", "full_conv_comm", "-o", "."], "-o: got '.'; expected a file name, not a directory"),
        (["notes", "-o", "x.pdf", "--format", "md"], "--format: got 'md'; expected tex for a .pdf output"),
    ],
)
def test_outputs_are_checked_before_any_work(argv, message, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"symconv: error: {message}") and captured.err.count("\n") == 1
    assert "[1/" not in captured.err and not list(tmp_path.iterdir())  # no progress: no work was done


def test_pdf_without_pdflatex_is_refused_before_any_work(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(output.shutil, "which", lambda name: None)
    assert main(["latex", "full_conv_comm", "-o", str(tmp_path / "x.pdf")]) == 2
    assert "expected pdflatex on the PATH to write a PDF" in capsys.readouterr().err


def test_unexpected_errors_are_one_line_not_a_traceback(capsys, monkeypatch):
    def broken(args):
        raise RuntimeError("boom")

    monkeypatch.delenv("SYMCONV_DEBUG", raising=False)
    parser = build_parser()
    parser._subparsers._group_actions[0].choices["list"].set_defaults(func=broken)
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    assert main(["list"]) == 2
    assert capsys.readouterr().err == "symconv: internal error: RuntimeError: boom (SYMCONV_DEBUG=1 shows where)\n"


def test_progress_on_stderr_silent_under_quiet_and_json(capsys):
    assert main(["check", "conv_eq_corr_rot180", "--size", "n=4"]) == 0
    captured = capsys.readouterr()
    assert "prove conv_eq_corr_rot180" in captured.err and "verdict: proved" in captured.out
    assert "prove conv" not in captured.out
    for flag in ("-q", "--json"):
        assert main(["check", "conv_eq_corr_rot180", "--size", "n=4", flag]) == 0
        assert capsys.readouterr().err == ""


@pytest.mark.parametrize("size", ["n=6,k=3", "n=7,k=3,s=2"])
def test_max_pooling_with_a_3x3_window_is_proved(size, capsys):
    assert main(["prove", "grad_max_pool", "--size", size, "--backend", "numpy", "--json"]) == 0
    (result,) = json.loads(capsys.readouterr().out)
    assert result["verdict"] == "proved" and result["checks"] == {"numpy": "ok"}
    assert result["method"] == "case analysis on the order of each window's cells (no ties)"
