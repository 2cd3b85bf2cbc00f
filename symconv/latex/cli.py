"""``symconv latex NAME`` and ``symconv notes``: LaTeX, Markdown or PDF for course notes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..check import BACKENDS
from ..errors import SymconvError
from ..figures.chapter import chapter_figures
from ..output import check_output as check_path
from ..output import write_output
from ..theorems.registry import get, normalize_sizes, theorems
from .document import STYLES, Style, chapter, collect, preamble, stderr_progress, theorem_section
from .notation import Notation
from .words import LANGS

__all__ = ["ENGINES", "SUFFIXES", "check_output", "register"]

DEFAULT_BACKENDS = ("numpy", "torch", "cuda")
FORMATS = ("tex", "md")
SUFFIXES = {".tex": "LaTeX", ".md": "Markdown", ".markdown": "Markdown", ".pdf": "PDF"}
#: The LaTeX engine per language: pdflatex for English, xelatex (with ctex) for Chinese.
ENGINES = {"en": "pdflatex", "zh": "xelatex"}


def _notation(args: argparse.Namespace) -> Notation:
    return Notation(index_base=0 if args.zero_based else 1, padding=args.padding)


def check_output(path: str | None, lang: str = "en") -> None:
    """Refuse an output file before any work (:func:`symconv.output.check_output`): an existing folder,
    a ``.tex``, ``.md`` or ``.pdf`` name, and for ``.pdf`` the language's LaTeX engine installed.

    >>> check_output("chapter.tex")
    >>> check_output("chapter.docx")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symconv.errors.SymconvError: -o: got 'chapter.docx'; expected a file ending in .tex (LaTeX), ... or .pdf (PDF)
    """
    check_path(path, SUFFIXES, engine=ENGINES[lang])


def _format_for(path: str | None, fmt: str | None) -> str:
    """The format written to ``path``: ``--format``, else the suffix's; a ``.pdf`` is compiled from LaTeX."""
    if fmt == "md" and path and Path(path).suffix.lower() == ".pdf":
        raise SymconvError("--format", fmt, "tex for a .pdf output (pdflatex compiles LaTeX)")
    if path and Path(path).suffix.lower() == ".pdf":
        return "tex"
    if fmt:
        return fmt
    return "md" if path and Path(path).suffix.lower() in (".md", ".markdown") else "tex"


def _write(text: str, path: str | None, lang: str = "en") -> None:
    write_output(text, path, engine=ENGINES[lang])  # a .pdf is compiled by the language's engine


def _style(args: argparse.Namespace, sizes: dict[str, Any] | None = None) -> Style:
    figures = None if getattr(args, "no_figures", False) else chapter_figures
    return Style(
        name=args.style,
        lang=args.lang,
        notation=_notation(args),
        sizes=sizes,
        figures=figures,
    )


def _cmd_latex(args: argparse.Namespace) -> int:
    """One theorem; ``--standalone`` (or ``-o x.pdf``) makes a complete document of it."""
    check_output(args.output, args.lang)
    thm = get(args.name)
    sizes = args.size or None
    if sizes:
        normalize_sizes({**(thm.sizes[0] if thm.sizes else {}), **sizes})  # refuse bad sizes before proving
    fmt = _format_for(args.output, args.format)
    backends = tuple(args.backend or DEFAULT_BACKENDS)
    style = _style(args, sizes)
    text = theorem_section(thm.name, fmt, style.notation, backends=backends, style=style)
    if fmt == "tex" and (args.standalone or (args.output or "").endswith(".pdf")):
        text = (
            preamble("tex", args.lang, "\\begin{tikzpicture}" in text, args.style) + "\n" + text + "\n\n\\end{document}"
        )
    _write(text + "\n", args.output, args.lang)
    return 0


def _selected(args: argparse.Namespace) -> list[str] | None:
    """The theorems ``--section`` and ``--theorem`` ask for (None: all), refused by name when unknown."""
    names = [get(n).name for n in (args.theorem or [])]
    for section in args.section or []:
        found = [t.name for t in theorems() if t.section == section or t.section.startswith(section + ".")]
        if not found:
            known = sorted({t.section for t in theorems()})
            raise SymconvError("--section", section, f"a section of the notes with theorems: {', '.join(known)}")
        names += found
    if not names:
        return None
    order = [t.name for t in theorems()]
    return sorted(dict.fromkeys(names), key=order.index)


def _cmd_notes(args: argparse.Namespace) -> int:
    """The chapter (or the sections and theorems asked for); one proof run serves every ``-o`` file."""
    outputs = args.output or [None]
    if len(outputs) > 1 and None in outputs:
        raise SymconvError("-o", outputs, "file names")
    for path in outputs:
        check_output(path, args.lang)
    formats = [_format_for(path, args.format) for path in outputs]  # refused before any work
    names = _selected(args)
    backends = tuple(args.backend or DEFAULT_BACKENDS)
    progress = None if args.quiet else stderr_progress
    results = collect(names, backends=backends, progress=progress, jobs=args.jobs)
    for path, fmt in zip(outputs, formats):
        _write(chapter(fmt, results=results, style=_style(args)), path, args.lang)
        if path is not None and not args.quiet:
            print(f"wrote {path}", file=sys.stderr)
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=FORMATS, help="tex (LaTeX) or md (Markdown + MathJax); default from -o's suffix")
    p.add_argument("--style", choices=STYLES, default="notes", help="notes (for lecturers, default) or report")
    p.add_argument("--lang", choices=LANGS, default="en", help="en (pdflatex) or zh (Chinese, xelatex with ctex)")
    p.add_argument("--zero-based", action="store_true", help="0-based indices (default: 1-based, like the notes)")
    p.add_argument(
        "--padding",
        choices=("per-side", "total"),
        default="per-side",
        help="padding as p per side (default) or the notes' total p_h",
    )
    p.add_argument("--backend", action="append", choices=BACKENDS, help="numeric checks (repeatable; default: all)")
    p.add_argument("--no-figures", action="store_true", help="leave out the window figures")


def register(subparsers: Any, parse_sizes: Callable[[str], dict[str, Any]] | None = None) -> None:
    """Add the ``latex`` and ``notes`` sub-commands to ``symconv``'s parser; ``parse_sizes`` reads ``--size``
    (``symconv.cli.parse_sizes``, passed in by the main parser).

    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="symconv")
    >>> register(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["notes", "-o", "chapter.tex"]).output
    ['chapter.tex']
    >>> parser.parse_args(["notes", "--section", "6.3.2", "--theorem", "full_conv_comm"]).section
    ['6.3.2']
    """
    p = subparsers.add_parser(
        "latex", help="one theorem's statement, derivation, worked instance and checks as LaTeX or Markdown"
    )
    p.add_argument("name", help="theorem name (see 'symconv list')")
    p.add_argument("-o", "--output", help="write to this file: .tex, .md or .pdf (default: stdout)")
    p.add_argument("--size", type=parse_sizes, help="the worked instance at these sizes, e.g. n=6,k=3,s=2")
    p.add_argument("--standalone", action="store_true", help="a complete LaTeX document (tex only)")
    _common(p)
    p.set_defaults(func=_cmd_latex)
    p = subparsers.add_parser("notes", help="the whole chapter: every theorem, in the order of the notes' sections")
    p.add_argument(
        "-o", "--output", action="append", help="write to this file: .tex, .md or .pdf (repeatable: one proof run)"
    )
    p.add_argument("--section", action="append", help="only this section of the notes, e.g. 6.3.2 (repeatable)")
    p.add_argument("--theorem", nargs="+", action="extend", help="only these theorems (see 'symconv list')")
    p.add_argument("--jobs", type=int, default=None, help="worker processes for the proofs (default: one per core)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    _common(p)
    p.set_defaults(func=_cmd_notes)
