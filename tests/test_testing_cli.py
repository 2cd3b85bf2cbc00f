"""symconv check-impl: PASS or the diagnosis, exit status 0/1; a bad path, function or option is one line, 2."""

from pathlib import Path

import pytest

from symconv.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "implementations"


def test_pass(capsys):
    spec = f"{EXAMPLES / 'cs231n_layers.py'}:conv_forward_naive"
    assert main(["check-impl", spec, "--op", "corr2d", "--layout", "cs231n", "--backward", "conv_backward_naive"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("PASS: conv_forward_naive (layout cs231n, backward conv_backward_naive) computes corr2d")


def test_diagnosis(capsys):
    spec = f"{EXAMPLES / 'cs231n_max_pool_backward_all.py'}:max_pool_forward_naive"
    backward = f"{EXAMPLES / 'cs231n_max_pool_backward_all.py'}:max_pool_backward_naive"
    assert main(["check-impl", spec, "--op", "max_pool2d", "--layout", "cs231n", "--backward", backward]) == 1
    out = capsys.readouterr().out
    assert "first wrong entry: dx[1, 1, 2, 3] = 1, expected 0 (1-based; compared exactly)" in out
    assert out.rstrip().endswith(
        "diagnosis: max-pool backward sends δ to every maximum; PyTorch routes to the first maximum"
    )


def test_a_module_path_works_too(capsys):
    assert main(["check-impl", "torch.nn.functional:max_pool2d", "--op", "max_pool2d", "--layout", "torch"]) == 0
    assert capsys.readouterr().out.startswith("PASS: max_pool2d (layout torch)")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no/such.py:f", "--op", "corr2d"], "check-impl: path: got 'no/such.py'; expected an existing Python file"),
        ([f"{EXAMPLES / 'cs231n_layers.py'}:nothing", "--op", "corr2d"], "check-impl: function: got 'nothing'"),
        ([f"{EXAMPLES / 'cs231n_layers.py'}", "--op", "corr2d"], "check-impl: function: got "),
        ([f"{EXAMPLES / 'cs231n_layers.py'}:conv_forward_naive", "--op", "corr3d"], "check-impl: op: got 'corr3d'"),
        (
            [f"{EXAMPLES / 'cs231n_layers.py'}:conv_forward_naive", "--op", "corr2d", "--layout", "tf"],
            "check-impl: layout: got 'tf'",
        ),
        (["no_such_module_xyz:f", "--op", "corr2d"], "check-impl: path: got 'no_such_module_xyz'"),
    ],
)
def test_bad_input_is_one_line_and_status_2(capsys, args, message):
    assert main(["check-impl", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"symconv: error: {message}")
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err


def test_a_file_that_fails_to_import(tmp_path, capsys):
    bad = tmp_path / "broken.py"
    bad.write_text("def f(:\n")
    assert main(["check-impl", f"{bad}:f", "--op", "corr2d"]) == 2
    err = capsys.readouterr().err
    assert "expected a file that imports cleanly (SyntaxError" in err and err.count("\n") == 1


def test_the_readme_shows_the_real_output(capsys, monkeypatch):
    readme = (EXAMPLES.parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ symconv check-impl ", 1)[1].split("```", 1)[0]
    command, *shown = block.rstrip("\n").split("\n")
    monkeypatch.chdir(EXAMPLES.parent.parent)
    assert main(["check-impl", *command.split()]) == 1
    assert capsys.readouterr().out.rstrip("\n").split("\n") == shown
