"""Output files of the command line (``-o``): checked before any work, written in one step.

:func:`check_output` runs first: the directory must exist, the path must not
be a directory, and the suffix must be one the command writes (``.pdf`` also
needs the LaTeX engine on the ``PATH``).  :func:`write_output` then writes the
text, or, for a ``.pdf``, compiles the LaTeX (``pdflatex``, or ``xelatex`` for
Chinese) in a temporary directory and copies the PDF.  Every command that
takes ``-o`` (``notes``, ``latex``, ``audit``, ``figure``) goes through these two.

>>> check_output("chapter.tex", {".tex": "LaTeX", ".md": "Markdown"})
>>> check_output("chapter.html", {".tex": "LaTeX", ".md": "Markdown"})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
symconv.errors.SymconvError: -o: got 'chapter.html'; expected a file ending in .tex (LaTeX) or .md (Markdown)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import SymconvError

__all__ = ["PDFLATEX_TIMEOUT", "check_output", "write_output"]

#: Seconds one ``pdflatex`` run may take.
PDFLATEX_TIMEOUT = 300


def check_output(path: str | None, suffixes: dict[str, str], option: str = "-o", engine: str = "pdflatex") -> None:
    """Refuse an output path that cannot be written, before any work (``None`` and ``-`` are stdout).

    >>> check_output("-", {".tex": "LaTeX"})
    >>> check_output("no_such_dir/a.tex", {".tex": "LaTeX"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symconv.errors.SymconvError: -o: got 'no_such_dir/a.tex'; expected a file in an existing directory (no_such_dir ...
    """
    if path is None or path == "-":
        return
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise SymconvError(option, path, f"a file in an existing directory ({parent} does not exist)")
    if target.is_dir():
        raise SymconvError(option, path, "a file name, not a directory")
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise SymconvError(option, path, "a file this user can write")
    suffix = target.suffix.lower()
    if suffix not in suffixes:
        listed = [f"{s} ({what})" for s, what in suffixes.items()]
        text = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " or " + listed[-1]
        raise SymconvError(option, path, f"a file ending in {text}")
    if suffix == ".pdf" and shutil.which(engine) is None:
        raise SymconvError(option, path, f"{engine} on the PATH to write a PDF (or write .tex and compile it yourself)")


def write_output(text: str, path: str | None, engine: str = "pdflatex") -> None:
    """Write ``text`` to ``path`` (stdout for ``None`` or ``-``); a ``.pdf`` is compiled from LaTeX by
    ``engine`` (``pdflatex``, or ``xelatex`` for Chinese).

    >>> write_output("x = 1", "-")
    x = 1
    """
    if path is None or path == "-":
        sys.stdout.write(text)
        return
    if Path(path).suffix.lower() != ".pdf":
        Path(path).write_text(text, encoding="utf-8")
        return
    with tempfile.TemporaryDirectory(prefix="symconv-") as tmp:
        source = Path(tmp) / "document.tex"
        source.write_text(text, encoding="utf-8")
        for _ in range(2):  # twice: references and the table of contents settle
            try:
                run = subprocess.run(
                    [engine, "-interaction=nonstopmode", "-halt-on-error", source.name],
                    cwd=tmp,
                    capture_output=True,
                    text=True,
                    errors="replace",
                    timeout=PDFLATEX_TIMEOUT,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                raise SymconvError("-o", path, f"{engine} to finish within {PDFLATEX_TIMEOUT} s") from None
            if run.returncode != 0:
                errors = [line for line in run.stdout.splitlines() if line.startswith("!")]
                raise SymconvError(
                    "-o", path, f"LaTeX that {engine} compiles ({'; '.join(errors[:2]) or 'see its log'})"
                )
        shutil.copyfile(Path(tmp) / "document.pdf", path)
