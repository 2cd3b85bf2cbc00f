"""LaTeX for course notes: golden strings, latexify references, and real pdflatex compiles."""

from __future__ import annotations

import dataclasses
import itertools
import shutil

import latexify
import numpy as np
import pytest
import sympy

import symconv as sc
from symconv.errors import ParameterError
from symconv.latex import Notation, chapter, latex, result_latex, theorem_section
from symconv.latex.blocks import Display, Heading, Items, Para, render
from symconv.latex.derivation import align, derivation_lines
from symconv.latex.document import size_segments, split_statement
from symconv.latex.examples import EXAMPLES, corr2d_19, output_size_formula, rot180_letters
from symconv.latex.printer import to_zero_based
from symconv.latex.reference import REFERENCES, OneBased, corr2d, corr2d_entry, output_size, pool2d
from symconv.latex.text import math, segments, to_md, to_tex, unknown_characters
from symconv.result import Step
from symconv.symbolic.tensor import entries
from symconv.theorems import registry

PDFLATEX = shutil.which("pdflatex")
needs_tex = pytest.mark.skipif(PDFLATEX is None, reason="pdflatex is not installed (CI installs texlive)")

X3, W2, D2 = sc.symbols("x", (3, 3)), sc.symbols("w", (2, 2)), sc.symbols("δ", (2, 2))


# -- golden strings ------------------------------------------------------------------------------------
def test_golden_correlation_entry_in_the_notes_order():
    entry = sc.corr2d(X3, W2)[0, 0]
    assert latex(entry) == (
        r"[\mathbf{X}]_{1,1}[\mathbf{W}]_{1,1} + [\mathbf{X}]_{1,2}[\mathbf{W}]_{1,2}"
        r" + [\mathbf{X}]_{2,1}[\mathbf{W}]_{2,1} + [\mathbf{X}]_{2,2}[\mathbf{W}]_{2,2}"
    )
    assert latex(entry, Notation(index_base=0)) == (
        r"[\mathbf{X}]_{0,0}[\mathbf{W}]_{0,0} + [\mathbf{X}]_{0,1}[\mathbf{W}]_{0,1}"
        r" + [\mathbf{X}]_{1,0}[\mathbf{W}]_{1,0} + [\mathbf{X}]_{1,1}[\mathbf{W}]_{1,1}"
    )
    assert (
        latex(entry, Notation(brackets=False))
        == "x_{1,1} w_{1,1} + x_{1,2} w_{1,2} + x_{2,1} w_{2,1} + x_{2,2} w_{2,2}"
    )


def test_golden_worked_instance_19():
    values = dict(zip(entries(X3), range(9))) | dict(zip(entries(W2), range(4)))
    assert latex(sc.corr2d(X3, W2)[0, 0], values=values) == r"0 \cdot 0 + 1 \cdot 1 + 3 \cdot 2 + 4 \cdot 3"
    assert render(corr2d_19(Notation()), "tex").endswith(
        "\\begin{align*}\n"
        r"[\mathbf{X} * \mathbf{K}]_{1,1} &= [\mathbf{X}]_{1,1}[\mathbf{K}]_{1,1}"
        r" + [\mathbf{X}]_{1,2}[\mathbf{K}]_{1,2}"
        r" + [\mathbf{X}]_{2,1}[\mathbf{K}]_{2,1} + [\mathbf{X}]_{2,2}[\mathbf{K}]_{2,2} \\" + "\n"
        r"&= 0 \cdot 0 + 1 \cdot 1 + 3 \cdot 2 + 4 \cdot 3 \\" + "\n"
        "&= 19\n"
        "\\end{align*}"
    )


def test_golden_rot180_steps():
    i, a, k = sympy.symbols("i a k_h", integer=True)
    W, X, H, R = (sympy.IndexedBase(n) for n in ("W", "X", "H", "rot180(W)"))
    steps = [
        Step(sympy.Eq(H[i], sympy.Sum(W[a] * X[i - a + 1], (a, 1, k))), "definition of convolution"),
        Step(sympy.Eq(H[i], sympy.Sum(W[k - a + 1] * X[i + a - k], (a, 1, k))), "reindex a ↦ k_h − a + 1"),
        Step(sympy.Eq(H[i], sympy.Sum(R[a] * X[i + a - k], (a, 1, k))), "[rot180(W)]_a = W_{k_h−a+1}"),
    ]
    assert align(derivation_lines(steps)) == (
        "\\begin{align*}\n"
        r"[\mathbf{H}]_{i} &= \sum_{a=1}^{k_{h}} [\mathbf{X}]_{i - a + 1}[\mathbf{W}]_{a}"
        r" && \text{definition of convolution} \\" + "\n"
        r"&= \sum_{a=1}^{k_{h}} [\mathbf{X}]_{i + a - k_{h}}[\mathbf{W}]_{k_{h} - a + 1}"
        r" && \text{reindex }a \mapsto k_{h} - a + 1 \\" + "\n"
        r"&= \sum_{a=1}^{k_{h}} [\mathbf{X}]_{i + a - k_{h}}[\operatorname{rot180}(\mathbf{W})]_{a}"
        r" && [\operatorname{rot180}(\mathbf{W})]_{a} = [\mathbf{W}]_{k_{h}-a+1}" + "\n"
        "\\end{align*}"
    )
    # 0-based on request: the index variables shift, the sizes stay
    assert latex(steps[1].expr.rhs, Notation(index_base=0)) == (
        r"\sum_{a=0}^{k_{h} - 1} [\mathbf{X}]_{i + a - k_{h} + 1}[\mathbf{W}]_{k_{h} - a - 1}"
    )
    assert to_zero_based(X[i + a - 1]) == X[i + a]


def test_golden_rot180_of_letters():
    assert render(rot180_letters(Notation()), "md").endswith(
        "$$\n"
        r"\operatorname{rot180}\left(\begin{bmatrix} a & b & c \\ d & e & f \\ g & h & i \end{bmatrix}\right)"
        r" = \begin{bmatrix} i & h & g \\ f & e & d \\ c & b & a \end{bmatrix}" + "\n$$"
    )


def test_golden_gradient_entries():
    dX, dW = sc.corr2d_vjp(X3, W2, D2)
    assert latex(dW[0, 0]) == (
        r"[\delta]_{1,1}[\mathbf{X}]_{1,1} + [\delta]_{1,2}[\mathbf{X}]_{1,2}"
        r" + [\delta]_{2,1}[\mathbf{X}]_{2,1} + [\delta]_{2,2}[\mathbf{X}]_{2,2}"
    )
    assert latex(dX[1, 1]) == (
        r"[\delta]_{1,1}[\mathbf{W}]_{2,2} + [\delta]_{1,2}[\mathbf{W}]_{2,1}"
        r" + [\delta]_{2,1}[\mathbf{W}]_{1,2} + [\delta]_{2,2}[\mathbf{W}]_{1,1}"
    )


def test_golden_output_size_formula():
    assert (
        output_size_formula(Notation())[0]
        == r"o = \left\lfloor \frac{n + 2 p - d \left(k - 1\right) - 1}{s} \right\rfloor + 1"
    )
    assert (
        output_size_formula(Notation(), dilation=False)[0]
        == r"o = \left\lfloor \frac{n + 2 p - k}{s} \right\rfloor + 1"
    )
    assert output_size_formula(Notation(padding="total"), dilation=False)[0] == (
        r"o_{h} = \left\lfloor \frac{n_{h} + p_{h} - k_{h}}{s_{h}} \right\rfloor + 1"
    )
    # printed from symconv.output_size itself, which the registry proves
    _, expr, names = output_size_formula(Notation())
    for n, k, s, p, d in itertools.product(range(1, 7), range(1, 4), range(1, 4), range(3), range(1, 3)):
        if d * (k - 1) + 1 <= n + 2 * p:
            values = {names["n"]: n, names["k"]: k, names["s"]: s, names["p"]: p, names["d"]: d}
            assert expr.xreplace(values) == sc.output_size(n, k, s, p, d)


def test_golden_statements():
    assert math("W ⊗~ X = X ⊗~ W") == r"\mathbf{W} \tilde{\otimes} \mathbf{X} = \mathbf{X} \tilde{\otimes} \mathbf{W}"
    assert math("rot180(W) *~ X") == r"\operatorname{rot180}(\mathbf{W}) \tilde{*} \mathbf{X}"
    assert math("∂ℓ/∂W = X * δ") == r"\frac{\partial \ell}{\partial \mathbf{W}} = \mathbf{X} * \delta"
    assert math("δ^(l)_p = f'(H^(l)_p) ⊙ Σ_q δ^(l+1)_q") == (
        r"\delta^{(l)}_{p} = f'([\mathbf{H}]^{(l)}_{p}) \odot \sum_{q} \delta^{(l+1)}_{q}"
    )
    assert to_tex(segments("o = ⌊(n + p_lo − k)/s⌋ + 1; ceil_mode rounds up")) == (
        r"$o = \lfloor(n + p^{\mathrm{lo}} - k)/s\rfloor + 1$; \texttt{ceil\_\allowbreak{}mode} rounds up"
    )
    assert to_md(segments("pooling: p ≤ k // 2 (PyTorch's rule)")) == (
        r"pooling: $p \le k \mathbin{/\!/} 2$ (PyTorch's rule)"
    )
    star = Notation(corr=r"\star")
    assert (
        math("W *~ X = rot180(X *~ W)", star)
        == r"\mathbf{W} \tilde{\star} \mathbf{X} = \operatorname{rot180}(\mathbf{X} \tilde{\star} \mathbf{W})"
    )
    assert split_statement("W ⊗ X = Y  (a remark)") == ("W ⊗ X = Y", "a remark")


def test_padding_conventions_in_sizes():
    sizes = {"n": (5, 6), "k": (3, 2), "s": (2, 1), "p": ((1, 0), (0, 2)), "d": 1}
    assert size_segments(sizes, Notation()) == [
        ("math", r"n = 5 \times 6,\ k = 3 \times 2,\ s = (2, 1),\ p = ((1, 0), (0, 2))")
    ]
    assert size_segments(sizes, Notation(padding="total")) == [
        ("math", r"n = 5 \times 6,\ k = 3 \times 2,\ s = (2, 1),\ p_{h} = 1,\ p_{w} = 2")
    ]


def test_shape_mismatch_is_said_in_the_chapter_language(monkeypatch):
    import symconv.latex.document as document

    thm = registry.get("full_conv_comm")
    sizes = {"n": 3, "k": 2}
    monkeypatch.setattr(document, "symbolic_sides", lambda t, s: ((), sympy.zeros(2, 2), sympy.zeros(3, 3)))
    (en,) = document.entry_blocks(thm, sizes, Notation())
    assert en.segs == (("text", "The two sides have different shapes at "), ("math", "n = 3,\\ k = 2"), ("text", "."))
    (zh,) = document.entry_blocks(thm, sizes, Notation(), lang="zh")
    assert [s for k, s in zh.segs if k == "text"] == ["在 ", " 时两边的形状不同。"]


# -- refusals ------------------------------------------------------------------------------------------
def test_unknown_input_is_refused_with_its_message():
    with pytest.raises(ParameterError, match=r"expr: got <object.*; expected a SymPy expression, a SymPy array"):
        latex(object())
    with pytest.raises(ParameterError, match=r"block: got 'x'; expected a Heading, Para, Display, Items, Code, Env"):
        render(["x"], "tex")  # type: ignore[list-item]
    with pytest.raises(ParameterError, match=r"fmt: got 'html'; expected 'tex', 'md' or 'jupyter'"):
        render([], "html")
    with pytest.raises(ParameterError, match=r"format: got 'rst'; expected 'tex' or 'md'"):
        theorem_section("full_corr_comm", "rst", result=(sc.prove("full_corr_comm"), None))
    with pytest.raises(ParameterError, match=r"step: got 'no'; expected a symconv.result.Step"):
        derivation_lines(["no"])  # type: ignore[list-item]
    with pytest.raises(ParameterError, match=r"index_base: got 2; expected 0 or 1"):
        Notation(index_base=2)


def test_every_character_of_the_registry_has_a_translation():
    texts = []
    for thm in sc.theorems():
        texts += [thm.statement, *thm.hypotheses, thm.doc, thm.correction or "", thm.latex]
    assert set().union(*(unknown_characters(t) for t in texts)) == set()


# -- latexify-py references ----------------------------------------------------------------------------
def test_latexify_prints_the_intended_formulas():
    assert REFERENCES["output_size"].render() == (
        r"\mathrm{output\_size}(n, k, s, p, d) = "
        r"\left\lfloor\frac{n + 2 p - d \cdot \mathopen{}\left( k - 1 \mathclose{}\right) - 1}{s}\right\rfloor + 1"
    )
    assert REFERENCES["corr2d_entry"].render() == (
        r"\mathrm{corr2d\_entry}(X, K, i, j, k_{h}, k_{w}) = \sum_{a = 1}^{k_{h}} \sum_{b = 1}^{k_{w}} "
        r"\mathopen{}\left({X_{i + a - 1, j + b - 1} K_{a, b}}\mathclose{}\right)"
    )
    loop = REFERENCES["corr2d"].render()  # 1-based, with the chapter's letters: one convention throughout
    assert loop.startswith(
        r"\begin{array}{l} \mathbf{function} \ \mathrm{corr2d}(X, K, n_{h}, n_{w}, k_{h}, k_{w}) \\ "
    )
    assert r"\mathbf{for} \ i \in \mathrm{range} \mathopen{}\left( 1, n_{h} - k_{h} + 2 \mathclose{}\right)" in loop
    assert (
        r"\hspace{3em} Y_{i, j} \gets \sum_{a = 1}^{k_{h}} \sum_{b = 1}^{k_{w}} "
        r"\mathopen{}\left({X_{i + a - 1, j + b - 1} K_{a, b}}\mathclose{}\right) \\"
    ) in loop
    pool = REFERENCES["pool2d"].render()
    assert r"\mathrm{mode} = \textrm{``max''}" in pool and '"max"' not in pool  # typographic quotes
    assert (
        r"\hspace{6em} Y_{i, j} \gets \mathrm{max} \mathopen{}\left( Y_{i, j}, "
        r"X_{i + a - 1, j + b - 1} \mathclose{}\right)" in pool
    )
    assert r"\mathrm{k\_h}" not in pool and r"\mathrm{n\_w}" not in loop
    assert 'textrm{"doc' not in loop and r"\sum \mathopen{}\left( \mathclose{}\right)" not in loop


def _notes_corr2d(X, K):  # the notes' form, which latexify gets wrong
    h, w = K.shape
    Y = np.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y


def _notes_pool_entry(X, i, j, r_h, r_w):  # the notes' pool2d window
    return X[i : i + r_h, j : j + r_w].max()


def _max_of_generator(X, i, j, h, w):
    return max(X[i + a][j + b] for a in range(h) for b in range(w))


def test_latexify_gets_the_notes_forms_wrong():
    notes = latexify.get_latex(_notes_corr2d, style=latexify.generate_latex.Style.IPYTHON_ALGORITHMIC)
    assert r"Y_{\mathopen{}\left( i, j \mathclose{}\right)} \gets \sum \mathopen{}\left( \mathclose{}\right)" in notes
    with pytest.raises(latexify.exceptions.LatexifyNotSupportedError, match="Slice"):
        latexify.get_latex(_notes_pool_entry)
    with pytest.raises(latexify.exceptions.LatexifyNotSupportedError, match="GeneratorExp"):
        latexify.get_latex(_max_of_generator)


def test_reference_functions_compute_what_symconv_computes():
    rng = np.random.default_rng(0)
    for n, k, s_, p, d in itertools.product(range(1, 8), range(1, 4), range(1, 4), range(3), range(1, 3)):
        if d * (k - 1) + 1 <= n + 2 * p:
            assert output_size(n, k, s_, p, d) == sc.output_size(n, k, s_, p, d)
    for m, n, h, w in [(3, 3, 2, 2), (4, 5, 2, 3), (5, 4, 3, 1)]:
        X, K = rng.integers(-3, 4, (m, n)), rng.integers(-3, 4, (h, w))
        ours = corr2d(OneBased(X.tolist()), OneBased(K.tolist()), m, n, h, w).tolist()
        assert np.array_equal(np.array(ours), sc.numeric.corr2d(X, K))
        for mode in ("max", "avg"):
            ours = np.array(pool2d(OneBased(X.tolist()), m, n, h, w, mode).tolist(), dtype=float)
            assert np.allclose(ours, sc.numeric.pool2d(X.astype(float), (h, w), stride=1, mode=mode))
    Xs, Ks = sc.symbols("x", (4, 4)), sc.symbols("w", (2, 3))
    want = sc.corr2d(Xs, Ks)
    for i, j in itertools.product(range(1, 4), range(1, 3)):
        got = corr2d_entry(OneBased(Xs.tolist()), OneBased(Ks.tolist()), i, j, 2, 3)
        assert sympy.expand(got - want[i - 1, j - 1]) == 0
    with pytest.raises(IndexError, match="index 0 outside 1"):  # the code is 1-based: index 0 is refused
        OneBased([1, 2])[0]


# -- documents (the compiled chapter is tested in test_latex_chapter.py) -------------------------------
def test_jupyter_reprs_show_the_instance_proved():
    thm = registry.get("full_conv_comm")
    shown = thm._repr_latex_()
    assert shown.startswith("$$\\begin{array}{l}") and shown.endswith("\\end{array}$$")
    assert r"\mathbf{W} \tilde{\otimes} \mathbf{X} = \mathbf{X} \tilde{\otimes} \mathbf{W}" in shown
    result = sc.prove("full_corr_comm")
    shown = result._repr_latex_()
    assert r"\textbf{Verified:}" in shown and r"\begin{bmatrix} 0 & 1 \end{bmatrix}" in shown
    for n, k in ((6, 3), (4, 2)):  # the entry shown is at the sizes this result proved, not a fixed example
        shown = sc.prove("conv_eq_corr_rot180", n=n, k=k)._repr_latex_()
        assert rf"n = {n} \times {n},\ k = {k} \times {k}" in shown
    assert (
        max(len(line) for line in result_latex(sc.prove("grad_input_eq_full_conv", general=True)).split("\\\\")) < 700
    )


def test_renderers_agree_on_a_small_document():
    blocks = [
        Heading(1, "A section"),
        Para(
            (
                ("text", "Text with "),
                ("math", "x^2"),
                ("text", " and "),
                ("code", "a_b"),
                ("text", " "),
                ("strong", "bold"),
            )
        ),
        Display(("a &= b", "&= c"), aligned=True),
        Items(((("math", "k"),),)),
    ]
    assert render(blocks, "tex") == (
        "\\section*{A section}\n\nText with $x^2$ and \\texttt{a\\_\\allowbreak{}b} \\textbf{bold}\n\n"
        "\\begin{align*}\na &= b \\\\\n&= c\n\\end{align*}\n\n\\begin{itemize}\n  \\item $k$\n\\end{itemize}"
    )
    assert render(blocks, "md") == (
        "## A section\n\nText with $x^2$ and `a_b` **bold**\n\n"
        "$$\n\\begin{aligned}\na &= b \\\\\n&= c\n\\end{aligned}\n$$\n\n- $k$"
    )


def test_examples_table_names_registered_theorems():
    assert set(EXAMPLES) <= {t.name for t in sc.theorems()}


def test_notation_is_data():
    n = Notation(corr=r"\star", conv=r"\circledast", index_base=0, padding="total")
    assert dataclasses.replace(n, brackets=False).entry("x", (1, 1)) == "x_{0,0}"
    assert n.op("corr", wide=True) == r"\tilde{\star}"
    assert chapter is not None
