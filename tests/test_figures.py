"""Window figures: drawn windows checked against output_size and the window primitive; TikZ compiled, SVG/PNG."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess

import pytest
import sympy

import symconv as sc
from symconv.cli import main
from symconv.errors import ParameterError
from symconv.figures import OPERATORS, THEOREM_FIGURES, save, scene, standalone, tikz
from symconv.figures.chapter import command
from symconv.figures.scene import FIGURE_NOTATION
from symconv.latex import latex
from symconv.spec import conv_window
from symconv.symbolic.window import axis_windows, windows

PDFLATEX = shutil.which("pdflatex")
CASES = [  # (op, sizes): every operator of issue 11, strided, padded, dilated, ceil mode
    ("corr2d", dict(n=5, k=3, s=2, p=1)),
    ("corr2d", dict(n=5, k=2, s=1, p=0, d=2)),  # dilation
    ("conv2d", dict(n=4, k=3)),
    ("conv_transpose2d", dict(n=5, k=3, s=2, p=1)),
    ("max_pool2d", dict(n=4, k=2, s=3, p=1, ceil=True)),  # a window PyTorch drops
    ("avg_pool2d", dict(n=5, k=3, s=2, p=1, ceil=True)),
    ("max_pool2d_grad", dict(n=4, k=2)),
    ("grad_input", dict(n=(1, 5), k=(1, 2), s=(1, 2))),
]


def _pairs(sizes):
    return {k: v if isinstance(v, tuple) else (v, v) for k, v in sizes.items() if k in ("n", "k", "s", "p", "d")}


@pytest.mark.parametrize(("op", "sizes"), CASES)
def test_highlighted_outputs_are_the_output_size_and_the_windows_the_primitive_s(op, sizes):
    fig = scene(op, **sizes)
    z = _pairs(sizes)
    n, k = z["n"], z["k"]
    s = z.get("s", k if "pool" in op else (1, 1))
    p, d = z.get("p", (0, 0)), z.get("d", (1, 1))
    ceil = sizes.get("ceil", False)
    if op in ("conv_transpose2d", "grad_input"):  # back to the input's shape n
        assert fig.out_shape == n
    else:
        assert fig.out_shape == tuple(sc.output_size(n[a], k[a], s[a], p[a], d[a], ceil) for a in range(2))
    assert len(fig.windows) == fig.out_shape[0] * fig.out_shape[1]
    assert sorted(f.out for f in fig.windows) == list(itertools.product(*map(range, fig.out_shape)))
    text = tikz(fig)
    assert text.count("% output cell") == len(fig.windows)  # one highlighted output cell per window
    assert text.count("% dropped window") == len(fig.frames) - len(fig.windows)
    if op in ("corr2d", "conv2d", "max_pool2d", "avg_pool2d", "max_pool2d_grad"):
        rows = axis_windows(n[0], k[0], s[0], (p[0], p[0]), d[0], ceil)
        cols = axis_windows(n[1], k[1], s[1], (p[1], p[1]), d[1], ceil)
        for frame in fig.windows:
            i, j = frame.out
            want = [(u + p[0], v + p[1]) for u in rows[i] for v in cols[j]]
            assert list(frame.cells) == want


def test_the_dropped_ceil_window_is_drawn_but_produces_no_output():
    fig = scene("max_pool2d", 4, 2, s=3, p=1, ceil=True)
    dropped = [f for f in fig.frames if f.dropped]
    assert fig.out_shape == (2, 2) and sc.output_size(4, 2, 3, 1, ceil_mode=True) == 2
    assert dropped and all(f.out is None and f.entry == r"\text{dropped}" for f in dropped)
    starts = {min(r for r, _ in f.cells) for f in dropped} | {min(c for _, c in f.cells) for f in dropped}
    assert 6 in starts  # 2·3 − 1 = 5 in input coordinates: the window would start in the right padding
    assert scene("max_pool2d", 5, 2, s=2, ceil=True).frames == scene("max_pool2d", 5, 2, s=2, ceil=True).windows


def test_entries_are_the_symbolic_operators_and_the_taps_their_terms():
    fig = scene("corr2d", 5, 3, s=2, p=1)
    X, W = sc.symbols("x", (5, 5)), sc.symbols("w", (3, 3))
    Y = sc.corr2d(X, W, 2, 1)
    w = conv_window((5, 5), (3, 3), 2, 1, 1)
    _shape, taps = windows(w)
    for frame, tap in zip(fig.windows, taps):
        i, j = frame.out
        assert frame.entry == latex(Y[i, j], FIGURE_NOTATION)
        real = [(u, v) for u, v in frame.cells if fig.input.kinds[u][v] == "input"]
        assert sorted(divmod(c, 5) for _k, c in tap.real) == sorted((u - 1, v - 1) for u, v in real)
        terms = sympy.Add.make_args(Y[i, j])
        assert len(terms) == len(real)  # one term per window cell that reads the input (padding reads 0)
    conv = scene("conv2d", 3, 2)  # convolution: the kernel flipped in every window
    assert conv.windows[0].kernel_index == ((2, 2), (2, 1), (1, 2), (1, 1))
    assert scene("corr2d", 3, 2).windows[0].kernel_index == ((1, 1), (1, 2), (2, 1), (2, 2))


def test_numeric_inputs_label_outputs_with_their_values():
    fig = scene("corr2d", 3, 2, values=[[0, 1, 2], [3, 4, 5], [6, 7, 8]], kernel=[[0, 1], [2, 3]])
    assert [f.entry for f in fig.windows] == ["19", "25", "37", "43"]


def test_max_pooling_routes_each_delta_to_its_window_maximum():
    values = [[4 * r + c for c in range(4)] for r in range(4)]
    fig = scene("max_pool2d_grad", 4, 2, values=values)
    for frame in fig.windows:
        u, v = frame.target
        assert values[u][v] == max(values[a][b] for a, b in frame.cells)
        i, j = frame.out
        assert fig.gradient.labels[u][v] == latex(sc.symbols("δ", (2, 2))[i, j], FIGURE_NOTATION)


def test_transposed_convolution_stretches_pads_and_appends_a_cells():
    fig = scene("conv_transpose2d", (1, 6), (1, 3), s=(1, 2), p=(0, 1))  # m = 3, a = (6 + 2 − 3) mod 2 = 1
    kinds = fig.input.kinds[0]
    assert kinds.count("extra") == 1 and kinds[-1] == "extra"
    assert kinds.count("zero") == 2 and kinds.count("input") == 3
    assert fig.out_shape == (1, 6)
    dX, _dW = sc.corr2d_vjp(sc.symbols("x", (1, 6)), sc.symbols("w", (1, 3)), sc.symbols("δ", (1, 3)), (1, 2), (0, 1))
    assert [f.entry for f in fig.windows] == [latex(dX[0, j], FIGURE_NOTATION) for j in range(6)]


def test_bad_figures_are_refused_by_name():
    with pytest.raises(ParameterError, match=r"op: got 'fft'; expected one of corr2d"):
        scene("fft", 3, 2)
    with pytest.raises(ParameterError, match=r"ceil: got True; expected False: ceil mode is a pooling option"):
        scene("corr2d", 3, 2, ceil=True)
    with pytest.raises(ParameterError, match=r"at most 16 cells a side"):
        scene("corr2d", 40, 3)
    with pytest.raises(ParameterError, match=r"stride"):
        scene("corr2d", 5, 3, s=0)


#: One small figure per operator for the compile test (TikZ compiles slowly; the window checks use CASES).
COMPILE_CASES = [
    ("corr2d", dict(n=4, k=3, s=2, p=1)),
    ("corr2d", dict(n=5, k=2, s=2, d=2)),
    ("conv2d", dict(n=3, k=2)),
    ("conv_transpose2d", dict(n=(1, 5), k=(1, 3), s=(1, 2), p=(0, 1))),
    ("max_pool2d", dict(n=4, k=2, s=3, p=1, ceil=True)),
    ("avg_pool2d", dict(n=4, k=3, s=2, p=1, ceil=True)),
    ("max_pool2d_grad", dict(n=4, k=2)),
    ("grad_input", dict(n=(1, 5), k=(1, 2), s=(1, 2))),
]


@pytest.mark.skipif(PDFLATEX is None, reason="pdflatex is not installed")
def test_every_figure_compiles_with_pdflatex(tmp_path):
    pictures = "\n\n\\newpage\n".join(tikz(scene(op, **sizes)) for op, sizes in COMPILE_CASES)
    doc = standalone(scene("corr2d", 3, 2)).replace(tikz(scene("corr2d", 3, 2)), pictures)
    (tmp_path / "figures.tex").write_text(doc, encoding="utf-8")
    proc = subprocess.run(
        [PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "figures.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    log = (tmp_path / "figures.log").read_text(errors="replace")
    assert proc.returncode == 0, log[-2000:]
    assert not re.findall(r"Overfull \\hbox \((\d+\.\d+)pt", log)


def test_svg_png_and_gif_through_matplotlib(tmp_path):
    pytest.importorskip("matplotlib")
    fig = scene("max_pool2d", 4, 2, s=3, p=1, ceil=True)
    svg = save(fig, tmp_path / "pool.svg").read_text()
    assert svg.count("<svg") == 1 and "dropped" in svg
    assert save(fig, tmp_path / "pool.png", dpi=60).read_bytes().startswith(b"\x89PNG")
    assert save(scene("conv2d", 2, 2), tmp_path / "slide.gif", dpi=60).read_bytes().startswith(b"GIF8")
    with pytest.raises(ParameterError, match=r"path: got .*pool.jpg'; expected a file name ending in .svg"):
        save(fig, tmp_path / "pool.jpg")
    for number, (op, sizes) in enumerate(COMPILE_CASES):  # every operator as SVG
        svg = save(scene(op, **sizes), tmp_path / f"{number}.svg").read_text()
        assert svg.count("<svg") == 1 and svg.count("<path") > 20


def test_figure_command(tmp_path, capsys):
    target = tmp_path / "fig.tex"
    assert (
        main(["figure", "corr2d", "--n", "5", "--k", "3", "--s", "2", "--p", "1", "--d", "2", "-o", str(target)]) == 0
    )
    assert target.read_text().startswith(r"\documentclass") and "wrote" in capsys.readouterr().err
    assert main(["figure", "conv2d", "--n", "4", "--k", "3"]) == 0
    assert capsys.readouterr().out.startswith(r"\begin{tikzpicture}")
    assert main(["figure", "corr2d", "--n", "5", "--k", "3", "-o", str(tmp_path / "fig.jpg")]) == 2
    assert "-o: got" in capsys.readouterr().err
    assert set(OPERATORS) >= {"corr2d", "conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d", "grad_input"}


@pytest.mark.parametrize("name", sorted(THEOREM_FIGURES))
def test_each_theorem_figure_is_a_registered_theorem_s_scene_with_every_window(name):
    fig = THEOREM_FIGURES[name]
    assert name in {t.name for t in sc.theorems()}
    drawn = scene(fig.op, values=fig.values, kernel=fig.kernel, **fig.sizes)
    assert len(drawn.windows) == drawn.out_shape[0] * drawn.out_shape[1]
    assert tikz(drawn).count("% output cell") == len(drawn.windows)
    assert command(fig).startswith(f"symconv figure {fig.op} ")


def test_theorem_figures_show_what_the_theorem_says():
    dilated = scene(**_call(THEOREM_FIGURES["dilation_eq_zero_insertion"]))
    rows = {r for r, _c in dilated.windows[0].cells}
    assert sorted(rows) == [0, 2]  # dilation 2: the taps are two cells apart
    strided = scene(**_call(THEOREM_FIGURES["stride_eq_subsample"]))
    every = scene(**{**_call(THEOREM_FIGURES["stride_eq_subsample"]), "s": 1})
    starts = {f.cells[0] for f in every.windows}
    assert {f.cells[0] for f in strided.windows} == {(r, c) for r, c in starts if r % 2 == 0 and c % 2 == 0}
    pooled = scene(**_call(THEOREM_FIGURES["max_pool_window_permutation"]))
    cells = [set(f.cells) for f in pooled.windows]
    assert all(a.isdisjoint(b) for a, b in itertools.combinations(cells, 2))  # non-overlapping windows


def _call(fig):
    return {"op": fig.op, "values": fig.values, "kernel": fig.kernel, **fig.sizes}


def test_figure_command_draws_a_theorem_s_figure_at_its_own_sizes(tmp_path, capsys):
    assert main(["figure", "dilation_eq_zero_insertion"]) == 0
    assert capsys.readouterr().out.startswith(r"\begin{tikzpicture}")
    assert main(["figure", "stride_eq_subsample", "--n", "3"]) == 2
    err = capsys.readouterr().err
    assert "--n: got 3; expected no size flag with the theorem stride_eq_subsample" in err
    assert main(["figure", "corr2d", "--k", "3"]) == 2
    assert "--n: got None; expected an input size for the operator corr2d" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # no window figure shows a shift: argparse names the choices
        main(["figure", "shift_invariance"])
    assert "invalid choice: 'shift_invariance'" in capsys.readouterr().err
