"""Output files: checked before any work, a .pdf compiled by pdflatex."""

import shutil

import pytest

from symconv.errors import SymconvError
from symconv.output import check_output, write_output

TEX = {".tex": "LaTeX", ".pdf": "PDF"}


def test_stdout_and_good_paths_pass(tmp_path):
    for path in (None, "-", str(tmp_path / "a.tex"), str(tmp_path / "a.PDF")):
        check_output(path, TEX) if path is None or not path.endswith("PDF") or shutil.which("pdflatex") else None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing/a.tex", r"^-o: got '.*missing/a.tex'; expected a file in an existing directory \(.*missing does not"),
        ("a.txt", r"^-o: got '.*a.txt'; expected a file ending in .tex \(LaTeX\) or .pdf \(PDF\)$"),
        ("", r"^-o: got '.*'; expected a file name, not a directory$"),
    ],
)
def test_bad_paths_are_refused(name, message, tmp_path):
    with pytest.raises(SymconvError, match=message):
        check_output(str(tmp_path / name), TEX)


def test_text_is_written(tmp_path, capsys):
    write_output("x\n", str(tmp_path / "a.tex"))
    assert (tmp_path / "a.tex").read_text() == "x\n"
    write_output("y\n", None)
    assert capsys.readouterr().out == "y\n"


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_pdf_is_compiled_not_latex_in_a_pdf(tmp_path):
    write_output("\\documentclass{article}\\begin{document}$x^2$\\end{document}\n", str(tmp_path / "a.pdf"))
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(SymconvError, match=r"^-o: got '.*b.pdf'; expected LaTeX that pdflatex compiles \(! "):
        write_output(
            "\\documentclass{article}\\begin{document}\\undefinedmacro\\end{document}\n", str(tmp_path / "b.pdf")
        )
