"""The command line."""

import json
import subprocess
import sys

from symconv.cli import main, parse_sizes


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
    assert all(d["verdict"] == "proved" for n, d in by_name.items() if n != "full_corr_comm")
    assert all(d["checks"]["numpy"] == "ok" and d["checks"]["torch"] == "ok" for d in data)
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
