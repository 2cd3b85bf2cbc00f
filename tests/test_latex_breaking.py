"""Long formulas cut into lines that fit: what is cut, what is opened, and TeX's own verdict on the widths."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import sympy

from symconv.formal import Axis
from symconv.latex.breaking import fit, words
from symconv.latex.derivation import Line, common_terms, render_rows, side_limits
from symconv.latex.document import milestones, part_plan
from symconv.latex.parts import Part
from symconv.latex.printer import SymconvLatexPrinter
from symconv.latex.width import math_width

PDFLATEX = shutil.which("pdflatex")

i, j, a, b, t, u = sympy.symbols("i j a b t u", integer=True, positive=True)
H, W = Axis.named("h"), Axis.named("w")
X, K = sympy.IndexedBase("X"), sympy.IndexedBase("W")
P = SymconvLatexPrinter()


def _tap(axis: Axis, index: sympy.Symbol, tap: sympy.Symbol) -> sympy.Expr:
    return axis.s * (index - 1) + axis.d * (tap - 1) - axis.lo + 1


def _long_formulas() -> list[str]:
    """Formulas of the kind the all-sizes derivations print: an indicator of four long conditions, a divisor
    of two sums of disjunctions, a three-index entry whose indices are window counts, a bracketed sum."""
    rows, cols = _tap(H, i, a), _tap(W, j, b)
    inside = (rows >= 1) & (rows <= H.n) & (cols >= 1) & (cols <= W.n)
    window = sympy.Sum(
        sympy.Sum(sympy.Piecewise((X[rows, cols] * K[a, b], inside), (0, True)), (b, 1, W.k)), (a, 1, H.k)
    )
    flag = sympy.Symbol("count_include_pad", integer=True)
    counted = sympy.Or(
        sympy.And(sympy.Eq(flag, 1), H.n + 2 * H.lo >= H.s * (i - 1) + t),
        sympy.And(sympy.Eq(flag, 0), H.n >= H.s * (i - 1) + t - H.lo, H.s * (i - 1) + t - H.lo >= 1),
    )
    divisor = sympy.Sum(sympy.Piecewise((1, counted), (0, True)), (t, 1, H.k)) ** 2
    entry = X[
        sympy.floor((u - 1) / W.m) + 1, _tap(H, sympy.floor((u - 1) / W.m) + 1, a), u - W.m * sympy.floor((u - 1) / W.m)
    ]
    return [P.doprint(window), P.doprint(window / divisor), P.doprint(entry * window), P.doprint(u * (window + entry))]


@pytest.mark.parametrize("budget", [180.0, 300.0])
def test_every_line_fits_and_only_null_delimiters_are_added(budget):
    cut = 0
    for tex in _long_formulas():
        lines = fit(tex, budget)
        cut += len(lines) > 1
        assert all(math_width(line) <= budget for line in lines), [(math_width(x), x) for x in lines]
        joined = re.sub(r"\\left\.|\\right\.|\s", "", "".join(lines))
        slashed = "\\frac" not in joined.replace(r"\frac{\partial", "") and "\\frac" in tex  # a fraction was opened
        stacked = "subarray" in joined
        if not (slashed or stacked):
            assert joined == re.sub(r"\s", "", tex)  # cut, never rewritten
    assert cut >= 3


def test_a_line_never_ends_with_an_operator_or_a_sum_head():
    for tex in _long_formulas():
        for line in fit(tex, 200.0):
            last = words(line)[-1][1]
            assert not re.fullmatch(r"[-+=]|\\(le|ge|wedge|vee)", last), line
            assert not re.search(r"\\sum_\{[^{}]*\}\^\{[^{}]*\}$", line), line


def test_opening_a_bracket_pair_closes_and_reopens_it_on_each_line():
    lines = fit(r"x \left(a + b + c + d\right)", 45)
    assert lines == [r"x \left(a + b \right.", r"\left. + c + d\right)"]


def test_a_wide_fraction_becomes_a_slash_and_a_wide_subscript_is_stacked():
    long = " + ".join(f"a_{{{k}}}" for k in range(12))
    assert fit(rf"\frac{{x}}{{{long}}}", 120)[0].startswith(r"x /") or r"x /" in " ".join(
        fit(rf"\frac{{x}}{{{long}}}", 120)
    )
    stacked = fit(rf"[\mathbf{{X}}]_{{{long},{long},{long}}}", 150)
    assert len(stacked) == 1 and r"\begin{subarray}{l}" in stacked[0] and math_width(stacked[0]) <= 150


@pytest.mark.skipif(PDFLATEX is None, reason="pdflatex is not installed")
def test_tex_finds_no_overfull_line(tmp_path):
    """The width model against TeX itself: the derivation lines of the long formulas, set as the chapter sets
    them (``align*`` in a 494pt text width, sums with their limits below or beside), fill no overfull box."""
    rows = [Line(None, "=", (tex,)) for tex in _long_formulas()]
    lines = render_rows(rows, "tex") + render_rows(side_limits(rows), "tex")
    body = "\n".join(
        [r"\documentclass{article}\usepackage{amsmath}\usepackage{amssymb}\textwidth=494pt\begin{document}"]
        + [r"\begin{align*}", " \\\\\n".join(lines), r"\end{align*}", r"\end{document}"]
    )
    (tmp_path / "w.tex").write_text(body)
    proc = subprocess.run(
        [PDFLATEX, "-interaction=nonstopmode", "w.tex"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "Output written" in proc.stdout
    assert [float(x) for x in re.findall(r"Overfull \\hbox \(([\d.]+)pt", proc.stdout) if float(x) > 1.0] == []


def test_the_window_count_keeps_its_value_when_written_o_h():
    """``u + a - ⌊…⌋ - 1`` with ``⌊…⌋ = o_h - 1`` is ``u + a - o_h`` (it once printed ``u + a - o_h - 1 - 1``)."""
    index = u + a - sympy.floor((H.n + H.lo + H.hi - H.d * (H.k - 1) - 1) / H.s) - 1
    assert P.doprint(X[index]) == r"[\mathbf{X}]_{u + a - o_{h}}"
    assert P.doprint(X[H.s * (H.m - 1) + 1]) == r"[\mathbf{X}]_{s_{h} \left(o_{h} - 1\right) + 1}"
    assert P.doprint(sympy.Sum(X[1], (t, 1, H.m * W.m))).startswith(r"\sum_{t=1}^{o_{h} o_{w}}")


def test_milestones_keep_the_ends_and_pass_every_step_on():
    rows = [Line(None, "=", (f"x_{{{k}}}" + " + y" * (k % 3),), steps=(k,)) for k in range(9)]
    kept = milestones(rows, 4)
    assert kept[0].rhs == rows[0].rhs and kept[-1].rhs == rows[-1].rhs and len(kept) <= 4
    assert [s for row in kept for s in row.steps] == list(range(9))  # every step is still behind a line shown


def test_part_plan_shows_2d_and_one_part_per_kind():
    def part(label):
        return Part(label, (), "all sizes")

    plan = part_plan([part("1-D, in X"), part("1-D, in W"), part("2-D, in X"), part("2-D, in W"), part("3-D, in X")])
    assert plan == [(2, (0, 4)), (3, (1,))]
    assert part_plan([part("the transposed convolution"), part("δ ⊗~ W")]) == [(0, ()), (1, ())]
    assert part_plan([part("1-D"), part("3-D")]) == [(0, (1,))]  # no 2-D: the lowest dimension


def test_a_term_every_line_carries_is_named_once():
    n = sympy.Symbol("n", integer=True, positive=True)
    divisor = sympy.Sum(
        sympy.floor((n + 2 * H.lo - H.s * (i - 1) - t) / H.s) + sympy.floor((t + H.lo) / (n + H.s)), (t, 1, n)
    )
    chain = [sympy.Sum(X[i, k] / divisor, (i, 1, n)) for k in range(1, 4)]
    names = common_terms(chain, P)
    assert list(names) == [divisor] and str(next(iter(names.values()))) == "C(i)"
    assert common_terms(chain[:2], P) == {}  # two lines: not worth a name
    free = common_terms([X[i, k] + divisor * X[1, k] for k in range(3)], P)  # i not summed: a plain name
    assert free == {divisor: sympy.Symbol("C")}
