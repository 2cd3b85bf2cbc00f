"""The chapter as a lecturer gets it: both styles and Chinese compiled once each, checked on the log and PDF text."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import symconv as sc
from symconv.cli import main
from symconv.figures import CHAPTER_FIGURES, THEOREM_FIGURES, chapter_figures
from symconv.latex import Notation, chapter, collect, theorem_section
from symconv.latex.derivation import derivation_rows, is_trivial, rearranges
from symconv.latex.document import PREAMBLE, Style, families, part_plan, preamble, theorem_notation
from symconv.latex.parts import parts_of
from symconv.latex.reference import REFERENCES
from symconv.theorems import registry

PDFLATEX, XELATEX, PDFTOTEXT = shutil.which("pdflatex"), shutil.which("xelatex"), shutil.which("pdftotext")
needs_tex = pytest.mark.skipif(PDFLATEX is None or PDFTOTEXT is None, reason="pdflatex/pdftotext not installed")
PAGES_BEFORE = 42  # the chapter before issue 11

#: Python spellings that must not reach a reader: floor division, comparisons, literals, keyword arguments
#: (names of three letters or more: ``cip=``, ``ceil=``; ``bs=c`` under a sum is the product b·s), nested
#: lists, floats in e-notation, backticks.
PYTHON_SYNTAX = re.compile(
    r"//|==|!=|=\s*(?:True|False|None)\b|\b(?:True|False|None)(?=[,)\]])|\blambda\b|\brange\(|\[\["
    r"|\b\d+(?:\.\d+)?e[-+]?\d+\b|\b[a-z_]{3,}=[A-Za-z0-9]|`"
)


def _compile(tex: str, path: Path, engine: str) -> tuple[str, str, int]:
    """Compile twice (references, longtables); return the log, the text pdftotext extracts, the page count."""
    path.write_text(tex, encoding="utf-8")
    for _ in range(2):
        proc = subprocess.run(
            [engine, "-interaction=nonstopmode", "-halt-on-error", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    log = path.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert proc.returncode == 0, log[-3000:]
    pdf = path.with_suffix(".pdf")
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return log, text, text.count("\f")  # pdftotext ends every page with a form feed


@pytest.fixture(scope="module")
def results():
    """Every theorem proved and checked once (numpy only: the torch witness has its own tests)."""
    return collect(backends=("numpy",), jobs=None)


@pytest.fixture(scope="module")
def built(results, tmp_path_factory):
    """The notes and report styles in English (pdflatex) and the notes style in Chinese (xelatex), compiled."""
    out = tmp_path_factory.mktemp("chapter")
    docs = {}
    for style, lang, engine in (("notes", "en", PDFLATEX), ("report", "en", PDFLATEX), ("notes", "zh", XELATEX)):
        tex, md = (
            chapter(
                fmt,
                results=results,
                style=Style(style, lang, figures=chapter_figures, figure_sections=tuple(CHAPTER_FIGURES)),
            )
            for fmt in ("tex", "md")
        )
        compiled = _compile(tex, out / f"{style}_{lang}.tex", engine) if engine and PDFTOTEXT else None
        docs[style, lang] = (tex, md, compiled)
    return docs


def _overfull(log: str) -> list[float]:
    return [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]


@needs_tex
@pytest.mark.parametrize("key", [("notes", "en"), ("report", "en"), ("notes", "zh")])
def test_each_style_compiles_inside_the_margins_with_every_reference_defined(built, key):
    if built[key][2] is None:
        pytest.skip(f"no engine for {key}")
    log, text, _pages = built[key][2]
    assert [w for w in _overfull(log) if w > 1.0] == []
    assert "undefined" not in log.lower() and "Reference `" not in log
    assert not re.search(r"^! ", log, re.M)
    assert "[U+" not in text  # every character typeset, Chinese included under xelatex


def _prose_lines(text: str) -> list[str]:
    """The PDF text without the notes' code: the Python listings and latexify's algorithm blocks."""
    code = {line.strip() for ref in REFERENCES.values() for line in ref.source().splitlines() if line.strip()}
    keep = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped in code or ("range" in stripped and " do" in stripped) or "←" in stripped:  # latexify's loops
            continue
        keep.append(stripped)
    return keep


@needs_tex
@pytest.mark.parametrize("key", [("notes", "en"), ("report", "en")])
def test_no_python_syntax_reaches_the_reader(built, key):
    _log, text, _pages = built[key][2]
    found = [line for line in _prose_lines(text) if PYTHON_SYNTAX.search(line)]
    assert found == []
    assert "4.4×10" in text or "10−16" in text  # floats are typeset as numbers
    assert "first difference at entry (1, 1)" in text or "first difference at entry (1,1)" in text  # 1-based


@needs_tex
def test_notes_style_is_at_most_half_the_pages_and_keeps_every_theorem(built):
    tex, md, (_log, text, pages) = built["notes", "en"]
    assert pages <= PAGES_BEFORE // 2
    for thm in sc.theorems():  # each theorem has its label (a family table labels all its rows)
        assert f"\\label{{thm:{thm.name}}}" in tex
        assert f'<a id="thm-{thm.name}"></a>' in md
    assert text.count("Theorem") > 10 and "Derivation, for all sizes" in text
    report_pages = built["report", "en"][2][2]
    assert report_pages > pages  # the report keeps the verification detail


def test_summary_table_has_a_row_per_theorem_with_its_formula(built):
    tex, _md, _compiled = built["notes", "en"]
    summary = tex[tex.index("\\section*{Summary}") : tex.index("\\end{longtable}")]
    rows = [line for line in summary.splitlines() if line.startswith("\\ref{thm:")]
    assert [r.split("}", 1)[0].removeprefix("\\ref{thm:") for r in rows] == [t.name for t in sc.theorems()]
    assert all(row.count("$") >= 2 for row in rows)  # the statement as a formula
    assert r"\mathbf{W} \otimes \mathbf{X} = \operatorname{rot180}(\mathbf{W}) * \mathbf{X}" in summary


def test_dumoulin_visin_is_one_table_with_one_shared_derivation(results, built):
    tex, _md, _compiled = built["notes", "en"]
    groups = families([t for t in sc.theorems() if t.name in results], results)
    dv = next(g for g in groups if g[0].name == "dumoulin_visin_1")
    assert [t.name for t in dv] == [f"dumoulin_visin_{i}" for i in range(1, 16)]
    start = tex.index(r"\label{thm:dumoulin_visin_1}")
    block = tex[start : tex.index(r"\end{proof}", start)]
    assert block.count(r"\begin{longtable}") == 1 and block.count(r"\begin{proof}") == 1
    assert all(f"\\label{{thm:dumoulin_visin_{i}}}" in block for i in range(1, 16))
    assert tex.count(r"\begin{theorem}") + tex.count(r"\begin{claim}") < len(sc.theorems()) - 14


def test_trivial_steps_are_dropped_from_notes_and_marked_in_the_report(results, built):
    """A step that restates its line, or only reorders its sums and factors (judged from the expressions), is
    its own marked line in the report and no line of its own in the notes (the kernel checked it all the same)."""
    notes, report = built["notes", "en"][0], built["report", "en"][0]
    trivial = reordered = restated = 0
    for name, (_concrete, general) in results.items():
        notation = theorem_notation(registry.get(name), Notation())  # the theorem's inputs zero-extended
        for chain in _shown_chains(general):
            previous = None
            for step in chain:
                restated += is_trivial(step.expr, previous)
                reordered += rearranges(step.expr, previous)
                previous = step.expr
            trivial += sum(row.trivial for row in derivation_rows(chain, notation))  # or the same formula printed
    assert reordered > 0 and trivial >= restated > 0
    assert "restates the previous line" not in notes and "only reorders the sums" not in notes
    assert report.count("restates the previous line") == trivial
    assert report.count("only reorders the sums and factors of the previous line") == reordered
    grad = notes[notes.index(r"\label{thm:grad_input_eq_full_conv}") :]
    grad_report = report[report.index(r"\label{thm:grad_input_eq_full_conv}") :]
    assert grad[: grad.index(r"\end{proof}")].count("&=") < grad_report[: grad_report.index(r"\end{proof}")].count("&=")


def _chains(steps):
    """Steps cut into chains, each opened by a ``start`` step."""
    chains = []
    for step in steps:
        if step.rule == "start" or not chains:
            chains.append([])
        chains[-1].append(step)
    return chains


def _shown_chains(general):
    """The chains the report typesets for an all-sizes result: each part's, then the proof of each local lemma
    (an instance of a statement that is not a registered theorem, or an induction), nested ones too."""
    if general is None or general.verdict != "proved":
        return []
    names = {t.name for t in sc.theorems()}
    out, todo = [], list(_chains(general.steps))
    while todo:
        chain = todo.pop(0)
        out.append(chain)
        for step in chain:
            if step.proof and not (step.rule == "instance" and step.cites.split(" (")[0] in names):
                todo += _chains(step.proof)
    return out


def test_the_report_proves_every_local_lemma_it_uses(built, results):
    """The report typesets the proof of each local lemma (Toeplitz rows, im2col columns, the reach by
    induction); the notes keep the lemma's line in the derivation and refer to the report for the rest."""
    report, notes = built["report", "en"][0], built["notes", "en"][0]
    names = {t.name for t in sc.theorems()}
    lemmas = [
        step
        for _concrete, general in results.values()
        for chain in _shown_chains(general)
        for step in chain
        if step.proof and not (step.rule == "instance" and step.cites.split(" (")[0] in names)
    ]
    assert len(lemmas) >= 5 and any(step.rule == "induction" for step in lemmas)
    assert report.count(r"\textbf{Lemma:}") == len(lemmas)
    assert r"\textbf{Lemma:}" not in notes


def _proof_after(tex: str, name: str) -> str:
    start = tex.index(rf"\label{{thm:{name}}}")
    return tex[start : tex.index(r"\end{proof}", start)]


def test_notes_typeset_the_2d_part_and_list_the_others_the_report_every_part(built, results):
    """A theorem of several parts: the notes show its main kind's derivation (the 2-D part, "likewise" for the
    other dimensions) and list the other kinds; the report shows every part."""
    notes, report = built["notes", "en"][0], built["report", "en"][0]
    seen = 0
    for name, (_concrete, general) in results.items():
        parts = parts_of(registry.get(name), general) if general is not None and general.verdict == "proved" else []
        if len(parts) < 2:
            continue
        in_notes, in_report = _proof_after(notes, name), _proof_after(report, name)
        assert all(rf"\textbf{{Part {k}:}}" in in_report for k in range(1, len(parts) + 1))
        (main, same), *others = part_plan(parts)
        assert rf"\textbf{{Part {main + 1}:}}" in in_notes
        assert not any(rf"\textbf{{Part {k + 1}:}}" in in_notes for k in same)  # only "likewise"
        assert ("likewise in" in in_notes) == bool(same)
        if any(p.label.startswith("2-D") for p in parts):
            assert parts[main].label.startswith("2-D")
        assert all(rf"\item \textbf{{Part {k + 1}:}}" in in_notes for k, _same in others)
        seen += 1
    assert seen >= 15


def test_notation_is_the_chapter_s_own(built):
    tex = built["notes", "en"][0]
    assert Notation().indicator + "[" in tex and r"\delta_{a c}" not in tex  # Kronecker delta: an indicator, not δ
    grad = tex[tex.index(r"\label{thm:grad_input_eq_full_conv}") :][:6000]
    assert "_{u,v}" in grad and "_{u,w}" not in grad  # w beside W and m_w was renamed
    assert "p^{\\mathrm{lo}}" in tex and "p^{lo}" not in tex and "p_{\\mathrm{lo}}" not in tex  # one way, upright


def test_the_figures_are_where_the_notes_have_pictures(results):
    tex = chapter(
        "tex",
        results=results,
        figures=chapter_figures,
        style=Style(figure_sections=tuple(CHAPTER_FIGURES), figures=chapter_figures),
    )
    assert tex.count(r"\begin{tikzpicture}") == sum(len(v) for v in CHAPTER_FIGURES.values())
    assert tex.index(r"\begin{tikzpicture}") > tex.index("6.1.2 The convolution operation")
    assert "% dropped window" in tex  # the ceil-mode figure shows the window PyTorch drops


def test_the_report_shows_each_theorem_s_figure_under_it(built):
    tex = built["report", "en"][0]
    sections = sum(len(v) for v in CHAPTER_FIGURES.values())
    assert tex.count(r"\begin{tikzpicture}") == sections + len(THEOREM_FIGURES)
    for name in THEOREM_FIGURES:  # after the theorem's label, before the next theorem's
        start = tex.index(rf"\label{{thm:{name}}}")
        end = tex.find(r"\label{thm:", start + 1)
        assert r"\begin{tikzpicture}" in tex[start : end if end > 0 else None], name
    assert built["notes", "en"][0].count(r"\begin{tikzpicture}") == sections  # the notes keep their page budget


@needs_tex
def test_chinese_chapter_uses_the_notes_terms(built):
    tex, _md, compiled = built["notes", "zh"]
    assert tex.startswith(r"\documentclass[10pt,a4paper]{ctexart}")
    if compiled is None:
        pytest.skip("xelatex is not installed")
    text = compiled[1]
    for term in ("互相关", "卷积", "宽卷积", "感受野", "误差项", "定理", "推导"):
        assert term in text, term


def _markdown_math(md: str) -> tuple[list[str], list[str]]:
    text = re.sub(r"```.*?```", "", md, flags=re.S)
    text = re.sub(r"`[^`\n]*`", "", text)
    blocks = re.findall(r"^\$\$\n(.*?)\n\$\$$", text, flags=re.S | re.M)
    text = re.sub(r"^\$\$\n.*?\n\$\$$", "", text, flags=re.S | re.M)
    inline = re.findall(r"(?<![\\$])\$(?!\$)((?:[^$\\]|\\.)+?)\$", text)
    return blocks, inline


@needs_tex
def test_markdown_math_is_mathjax_safe_and_compiles(built, tmp_path):
    md = built["notes", "en"][1]
    blocks, inline = _markdown_math(md)
    assert len(blocks) > 30 and len(inline) > 100
    assert not any(re.search(r"\\intertext|\\begin\{align\*?\}", b) for b in blocks)
    doc = preamble() + "\n\\newpage\n".join([f"\\[\n{b}\n\\]" for b in blocks] + [f"${m}$" for m in inline])
    log, _text, _pages = _compile(doc + "\n\\end{document}\n", tmp_path / "blocks.tex", PDFLATEX)
    assert "Output written" in log


def test_a_new_theorem_appears_with_a_derived_title(tmp_path):
    @registry.theorem(
        section="6.1.4",
        statement="X * W = X * W  (a temporary theorem)",
        hypotheses=("k ≤ n",),
        inputs={"X": ("n",), "W": ("k",)},
        sizes=[dict(n=3, k=2)],
    )
    def temporary_for_latex_test(B, X, W, **_):
        return B.corr2d(X, W), B.corr2d(X, W)

    try:
        text = theorem_section("temporary_for_latex_test", "tex", backends=("numpy",))
        assert r"\begin{theorem}[A temporary theorem]\label{thm:temporary_for_latex_test}" in text
        assert "Verified:" in text and "proved" in text
        if PDFLATEX and PDFTOTEXT:
            _compile(PREAMBLE % _preamble_fields() + text + "\n\\end{document}\n", tmp_path / "t.tex", PDFLATEX)
    finally:
        registry._REGISTRY.pop("temporary_for_latex_test", None)


def _preamble_fields() -> dict[str, str]:
    return {
        "documentclass": "article",
        "tikz": "",
        "theorem": "Theorem",
        "claim": "Claim",
        "proof": "Proof",
        "title": "t",
        "author": "",
    }


def test_sections_and_theorems_are_chosen_on_the_command_line(tmp_path, capsys):
    target = tmp_path / "part.md"
    assert (
        main(
            [
                "notes",
                "--section",
                "6.1.2",
                "--theorem",
                "full_conv_comm",
                "-o",
                str(target),
                "-q",
                "--backend",
                "numpy",
                "--jobs",
                "1",
            ]
        )
        == 0
    )
    text = target.read_text(encoding="utf-8")
    assert '<a id="thm-conv_eq_corr_rot180"></a>' in text and '<a id="thm-full_conv_comm"></a>' in text
    assert "thm-grad_weight_eq_corr" not in text
    assert main(["notes", "--section", "9.9", "-o", str(tmp_path / "x.md")]) == 2
    assert "--section: got '9.9'" in capsys.readouterr().err


def test_latex_command_typesets_the_instance_at_the_sizes_asked(capsys):
    assert main(["latex", "conv_eq_corr_rot180", "--size", "n=6,k=3,s=2", "--backend", "numpy", "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert r"n = 6 \times 6,\ k = 3 \times 3,\ s = 2" in out
    assert main(["latex", "full_corr_comm", "--zero-based", "--backend", "numpy", "--format", "tex"]) == 0
    assert "entry $(0,0)$" in capsys.readouterr().out
    assert main(["latex", "no_such_theorem"]) == 2
    assert "name: got 'no_such_theorem'" in capsys.readouterr().err


def test_output_files_are_checked_before_any_work(tmp_path, capsys):
    assert main(["notes", "-o", str(tmp_path / "missing" / "chapter.tex")]) == 2
    assert "expected a file in an existing directory" in capsys.readouterr().err
    assert main(["notes", "-o", str(tmp_path / "chapter.docx")]) == 2
    assert "expected a file ending in .tex (LaTeX), .md (Markdown)" in capsys.readouterr().err
    assert main(["notes", "-o", str(tmp_path / "chapter.pdf"), "--format", "md", "-q"]) == 2
    assert "--format: got 'md'; expected tex for a .pdf output" in capsys.readouterr().err
    assert main(["audit", "--format", "md", "-o", str(tmp_path / "audit.tex")]) == 2
    assert "expected a file ending in .md (Markdown)" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


@pytest.mark.skipif(PDFLATEX is None, reason="pdflatex is not installed")
def test_latex_command_writes_a_pdf(tmp_path):
    target = tmp_path / "one.pdf"
    assert main(["latex", "full_conv_comm", "-o", str(target), "--backend", "numpy"]) == 0
    assert target.read_bytes().startswith(b"%PDF")


def test_the_chapter_is_the_same_whatever_the_hash_seed(tmp_path):
    """The kernel builds conditions in an order that follows Python's string hashing; the chapter a lecturer
    commits must not change from one run to the next."""
    texts = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}.tex"
        subprocess.run(
            [sys.executable, "-m", "symconv", "notes", "-q", "--theorem", "shift_equivariance_interior"]
            + ["--backend", "numpy", "--jobs", "1", "-o", str(out)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
            timeout=300,
        )
        texts.append(out.read_text(encoding="utf-8"))
    assert r"\mathbf{1}[" in texts[0] and texts[0] == texts[1]
