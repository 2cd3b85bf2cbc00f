"""``symconv latex NAME`` and ``symconv notes``: LaTeX or Markdown for course notes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..check import BACKENDS
from ..errors import SymconvError
from ..output import check_output, write_output
from ..theorems.registry import get
from .document import PREAMBLE, TITLE, chapter, collect, stderr_progress, theorem_section
from .notation import Notation

__all__ = ["register"]

DEFAULT_BACKENDS = ("numpy", "torch", "cuda")
FORMATS = ("tex", "md")
SUFFIXES = {".tex": "LaTeX", ".md": "Markdown", ".markdown": "Markdown", ".pdf": "PDF, by pdflatex"}


def _notation(args: argparse.Namespace) -> Notation:
    return Notation(index_base=0 if args.zero_based else 1, padding=args.padding)


def _format_for(path: str | None, fmt: str | None) -> str:
    if fmt == "md" and path and Path(path).suffix.lower() == ".pdf":
        raise SymconvError("--format", fmt, "tex for a .pdf output (pdflatex compiles LaTeX)")
    if fmt:
        return fmt
    return "md" if path and Path(path).suffix.lower() in (".md", ".markdown") else "tex"


def _write(text: str, path: str | None) -> None:
    write_output(text, path)  # a .pdf is compiled by pdflatex


def _cmd_latex(args: argparse.Namespace) -> int:
    """One theorem's section; ``--standalone`` makes a complete LaTeX document of it."""
    check_output(args.output, SUFFIXES)  # before any work
    thm = get(args.name)
    fmt = _format_for(args.output, args.format)
    backends = tuple(args.backend or DEFAULT_BACKENDS)
    text = theorem_section(thm.name, fmt, _notation(args), backends=backends)
    if fmt == "tex" and (args.standalone or Path(args.output or "").suffix.lower() == ".pdf"):
        from .. import __version__

        text = PREAMBLE % {"title": TITLE, "author": f"symconv {__version__}"} + "\n" + text + "\n\n\\end{document}"
    _write(text + "\n", args.output)
    return 0


def _cmd_notes(args: argparse.Namespace) -> int:
    """The whole chapter; one proof run serves every ``-o`` file (format from ``--format`` or the suffix)."""
    outputs = args.output or [None]
    if len(outputs) > 1 and None in outputs:
        raise SymconvError("-o", outputs, "file names")
    for path in outputs:
        check_output(path, SUFFIXES)  # before any work
        _format_for(path, args.format)
    backends = tuple(args.backend or DEFAULT_BACKENDS)
    progress = None if args.quiet else stderr_progress
    results = collect(backends=backends, progress=progress)
    notation = _notation(args)
    for path in outputs:
        _write(chapter(_format_for(path, args.format), notation, results), path)
        if path is not None and not args.quiet:
            print(f"wrote {path}", file=sys.stderr)
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=FORMATS, help="tex (LaTeX) or md (Markdown + MathJax); default from -o's suffix")
    p.add_argument("--zero-based", action="store_true", help="0-based indices (default: 1-based, like the notes)")
    p.add_argument(
        "--padding",
        choices=("per-side", "total"),
        default="per-side",
        help="padding as p per side (default) or the notes' total p_h",
    )
    p.add_argument("--backend", action="append", choices=BACKENDS, help="numeric checks (repeatable; default: all)")


def register(subparsers: Any) -> None:
    """Add the ``latex`` and ``notes`` sub-commands to ``symconv``'s parser.

    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="symconv")
    >>> register(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["notes", "-o", "chapter.tex"]).output
    ['chapter.tex']
    """
    p = subparsers.add_parser(
        "latex", help="one theorem's statement, derivation, verdict and checks as LaTeX or Markdown"
    )
    p.add_argument("name", help="theorem name (see 'symconv list')")
    p.add_argument("-o", "--output", help="write to this file (default: stdout)")
    p.add_argument("--standalone", action="store_true", help="a complete LaTeX document (tex only)")
    _common(p)
    p.set_defaults(func=_cmd_latex)
    p = subparsers.add_parser("notes", help="the whole chapter: every theorem, in the order of the notes' sections")
    p.add_argument("-o", "--output", action="append", help="write to this file (repeatable: .tex and .md from one run)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    _common(p)
    p.set_defaults(func=_cmd_notes)
