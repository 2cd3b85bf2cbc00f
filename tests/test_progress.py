"""Progress bars: on stderr when asked for, from Python too; nothing otherwise."""

import symconv as sc
from symconv.progress import bar


def corr_is_conv_of_rot(B, X, W):
    return B.corr2d(X, W), B.conv2d(X, B.rot180(W))


def test_verify_and_prove_show_a_bar_on_stderr_when_asked(capsys):
    sc.verify(corr_is_conv_of_rot, X=("n", "n"), W=("k", "k"), n=(2, 3), k=(1,), progress=True)
    captured = capsys.readouterr()
    assert "verify corr_is_conv_of_rot:" in captured.err and "/2 [" in captured.err and captured.out == ""
    sc.prove("conv_eq_corr_rot180", progress=True)
    assert "prove conv_eq_corr_rot180" in capsys.readouterr().err


def test_silent_by_default(capsys):
    sc.verify(corr_is_conv_of_rot, X=("n", "n"), W=("k", "k"), n=(2,), k=(1,))
    sc.prove("conv_eq_corr_rot180", n=3, k=2)
    assert capsys.readouterr().err == ""
    assert list(bar(iter("ab"), enabled=False)) == ["a", "b"]
