"""Command line: ``symconv list | prove | check | audit | latex | notes``.

Every error ends in one line on stderr (``symconv: error: ...``) and exit
status 2, never a traceback; output files are checked before any work;
progress bars go to stderr and are silent under ``--json`` and ``-q``.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import json
import os
import re
import sys
import time
from collections.abc import Sequence
from typing import Any

from . import budget
from .audit import audit, report
from .audit.render import AUDIT_SUFFIXES
from .check import BACKENDS, check_result, system_for
from .errors import SymconvError, did_you_mean
from .figures.cli import register as register_figure
from .latex.cli import register as register_latex
from .output import check_output, write_output
from .progress import bar
from .prove import ProofResult, both_levels, prove
from .testing.cli import register as register_check_impl
from .theorems.registry import get, size_label, theorems
from .version import __version__

__all__ = ["main", "parse_sizes"]

DEFAULT_BACKENDS = ("numpy", "torch", "cuda")
MAX_TERMS_HELP = f"the size budget: symbols, cells, terms (default {budget.DEFAULT_MAX_TERMS:,})"


def parse_sizes(text: str | None) -> dict[str, Any]:
    """Parse ``n=8,k=3`` / ``n=4x5,k=(3,2),p=same`` into size keywords.

    >>> parse_sizes("n=4x5,k=3,p=same")
    {'n': (4, 5), 'k': 3, 'p': 'same'}
    >>> parse_sizes("n=(6,),k=(2,),p=(1,0)")
    {'n': (6,), 'k': (2,), 'p': (1, 0)}
    """
    if not text:
        return {}
    out: dict[str, Any] = {}
    for item in _top_level_split(text):
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise argparse.ArgumentTypeError(f"--size: got {item!r}; expected KEY=VALUE, e.g. n=8,k=3")
        value = value.strip()
        if re.fullmatch(r"\d+(x\d+)+", value):
            out[key.strip()] = tuple(int(v) for v in value.split("x"))
            continue
        try:
            out[key.strip()] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            out[key.strip()] = value
    return out


def _top_level_split(text: str) -> list[str]:
    """Split on commas outside parentheses."""
    items, depth, current = [], 0, ""
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += ch
    return [*items, current]


def _run(
    name: str,
    sizes: dict[str, Any],
    general: bool,
    backends: Sequence[str],
    engine: str = "fast",
    progress: bool = False,
) -> ProofResult:
    """Prove ``name`` and cross-check it.  With an all-sizes statement (asked for, or registered and no
    sizes given) the all-sizes result is reported, reconciled with the concrete level (``both_levels``);
    when it does not reach ``proved`` and was not asked for, the concrete result is reported."""
    start = time.perf_counter()
    concrete = prove(name, engine=engine, progress=progress, **sizes)
    result = concrete
    if general or (not sizes and get(name).general):
        result = both_levels(get(name), concrete)
        if result.verdict != "proved" and not general:
            result = concrete  # no all-sizes proof reached: report what the concrete level shows
    elif not sizes and get(name).no_general:  # say why there is no all-sizes form (issue 13)
        result = dataclasses.replace(concrete, detail=f"{concrete.detail}; all sizes: none ({get(name).no_general})")
    for backend in backends:
        result.checks[backend] = check_result(concrete, backend)
    result.seconds = time.perf_counter() - start
    return result


def _scope_text(result: ProofResult) -> str:
    if result.level == "general":
        return result.scope
    if len(result.scope) == 1 and "grid" in result.scope[0]:
        return f"grid of {result.scope[0]['cases']} cases"
    text = "; ".join(size_label(s) for s in result.scope)
    return text if len(text) <= 48 else f"{len(result.scope)} sizes, {text[:30]}..."


def _table(results: list[ProofResult], backends: Sequence[str]) -> str:
    header = ["theorem", "section", "verdict", "expected", "method", "sizes", *backends, "seconds"]
    rows = [
        [
            r.name,
            r.section,
            r.verdict,
            r.expected,
            r.method,
            _scope_text(r),
            *(r.checks[b].status if b in r.checks else "-" for b in backends),
            f"{r.seconds:.2f}",
        ]
        for r in results
    ]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _details(results: list[ProofResult]) -> str:
    lines = []
    for r in results:
        if r.counterexample is not None:
            lines.append(f"{r.name}: {r.verdict} at {size_label(r.counterexample.sizes)}: {r.counterexample}")
            if r.correction:
                lines.append(f"  what holds instead: {r.correction}")
        for check in r.checks.values():
            if check.status == "failed":
                lines.append(f"{r.name}: {check.backend} check failed: {check.detail}")
        if r.verdict != r.expected:
            lines.append(f"{r.name}: expected {r.expected}, got {r.verdict} {r.detail}".rstrip())
    return "\n".join(lines)


def cmd_list(args: argparse.Namespace) -> int:
    items = theorems()
    if args.json:
        print(json.dumps([{"name": t.name, "section": t.section, "statement": t.statement} for t in items], indent=2))
        return 0
    width = max(len(t.name) for t in items)
    for t in items:
        print(f"{t.name.ljust(width)}  {t.section:<7} {t.statement}")
    return 0


def _families(text: str) -> list[str]:
    """The theorems of the comma-separated families in ``text``."""
    known = sorted({t.family for t in theorems()})
    wanted = [f.strip() for f in text.split(",") if f.strip()]
    for family in wanted or [text]:
        if family not in known:
            hint = did_you_mean(family, known)
            raise SymconvError("--family", family, f"one of {', '.join(known)}" + (f" ({hint})" if hint else ""))
    return [t.name for t in theorems() if t.family in wanted]


def _cuda_refused(backends: Sequence[str], explicit: bool) -> str:
    """Why an explicitly requested CUDA check cannot run ('' when it can or was not asked for)."""
    if not explicit or "cuda" not in backends:
        return ""
    system, reason = system_for("cuda")
    return "" if system is not None else f"--backend cuda: {reason}; the check you asked for cannot run here"


def cmd_prove(args: argparse.Namespace) -> int:
    family = getattr(args, "family", None)
    if sum((bool(args.all), bool(args.name), bool(family))) != 1:
        raise SymconvError("NAME", args.name, "exactly one of a theorem name, --all or --family")
    if args.all:
        names = [t.name for t in theorems()]
    elif family:
        names = _families(family)
    else:
        names = [get(args.name).name]
    sizes = parse_sizes(args.size)
    if sizes and len(names) > 1:
        raise SymconvError("--size", args.size, "one theorem: --size applies to a theorem name, not --all or --family")
    backends = [args.backend] if args.backend else list(DEFAULT_BACKENDS)
    refused = _cuda_refused(backends, bool(args.backend))
    if refused:
        print(f"symconv: error: {refused}", file=sys.stderr)
        return 1
    quiet = args.quiet or args.json
    results = []
    with budget.max_terms(getattr(args, "max_terms", None)):
        shown = bar(names, total=len(names), desc="prove", enabled=not quiet and len(names) > 1)
        for name in shown:
            engine = getattr(args, "engine", "fast")
            results.append(_run(name, sizes, args.general, backends, engine, not quiet and len(names) == 1))
    ok = all(r.ok for r in results)
    if args.json:
        print(json.dumps([r.to_dict() for r in results], indent=2, ensure_ascii=False))
    elif args.all:
        print(_table(results, backends))
        details = _details(results)
        if details:
            print("\n" + details)
        total = sum(r.seconds for r in results)
        good = sum(r.ok for r in results)
        print(f"\n{good}/{len(results)} theorems at their expected verdict with no failed check ({total:.1f}s)")
    else:
        print("\n\n".join(str(r) for r in results))
    return 0 if ok else 1


def cmd_check(args: argparse.Namespace) -> int:
    return cmd_prove(
        argparse.Namespace(
            all=False,
            family=None,
            name=args.name,
            size=args.size,
            general=False,
            engine="fast",
            backend=args.backend,
            json=args.json,
            quiet=args.quiet,
            max_terms=args.max_terms,
        )
    )


def cmd_audit(args: argparse.Namespace) -> int:

    check_output(args.output, AUDIT_SUFFIXES["json" if args.json else args.format], engine="xelatex")  # first
    rows = audit(progress=not (args.quiet or args.json))
    if args.json:
        text = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    else:
        text = report(rows, args.format)
    write_output(text, args.output, engine="xelatex")
    return 0  # the audit ran: verdicts are its output, not its status


def _max_terms(text: str) -> int:
    try:
        return budget.validate(int(text.replace("_", "")), "--max-terms")
    except ValueError:
        raise argparse.ArgumentTypeError(f"got {text!r}; expected a positive int") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="symconv",
        description="Prove the identities of convolution, correlation and pooling exactly, "
        "and cross-check them against NumPy and PyTorch.",
    )
    parser.add_argument("--version", action="version", version=f"symconv {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("list", help="the registered theorems, one per line, with the notes' section")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("prove", help="prove theorems and cross-check them")
    p.add_argument("name", nargs="?", help="theorem name (see 'symconv list')")
    p.add_argument("--all", action="store_true", help="every registered theorem; exit 1 if any misses")
    families = ", ".join(sorted({t.family for t in theorems()}))
    p.add_argument("--family", help=f"the theorems of one or more families, comma-separated: {families}")
    p.add_argument("--size", help="sizes, e.g. n=8,k=3 or n=4x5,k=3,s=2,p=1")
    p.add_argument("--max-terms", type=_max_terms, help=MAX_TERMS_HELP)
    p.add_argument("--general", action="store_true", help="report the all-sizes proof (its steps with --json)")
    p.add_argument("--backend", choices=BACKENDS, help="check in this backend only (default: all)")
    p.add_argument(
        "--engine", choices=("fast", "sympy"), default="fast", help="concrete sizes: sparse polynomials or SymPy"
    )
    p.add_argument("--json", action="store_true", help="print a JSON list of results")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=cmd_prove)
    p = sub.add_parser("check", help="prove one theorem and cross-check it in one backend")
    p.add_argument("name", help="theorem name")
    p.add_argument("--backend", choices=BACKENDS, default="numpy")
    p.add_argument("--size", help="sizes, e.g. n=8,k=3")
    p.add_argument("--max-terms", type=_max_terms, help=MAX_TERMS_HELP)
    p.add_argument("--json", action="store_true")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("audit", help="check every formula and worked example of the course notes")
    p.add_argument("--json", action="store_true", help="a JSON list of items")
    p.add_argument("--format", choices=("text", "md", "tex"), default="text", help="text, Markdown or LaTeX report")
    p.add_argument("-o", "--output", help="write to this file (.txt, .md, .tex or .json; .pdf for --format tex)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=cmd_audit)
    register_latex(sub, parse_sizes)
    register_figure(sub)
    register_check_impl(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``symconv`` command; returns the exit status.

    Errors are one line on stderr: ``2`` for bad input (and anything
    unexpected, with ``SYMCONV_DEBUG=1`` to see its traceback), ``1`` for a
    run whose results miss their expected verdicts or a check that cannot run.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return args.func(args)
    except (SymconvError, argparse.ArgumentTypeError) as err:
        print(f"symconv: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("symconv: interrupted", file=sys.stderr)
        return 130
    except OSError as err:
        print(f"symconv: error: {err.strerror or err}" + (f": {err.filename}" if err.filename else ""), file=sys.stderr)
        return 2
    except Exception as err:  # never a traceback on the command line
        if os.environ.get("SYMCONV_DEBUG"):
            raise
        print(f"symconv: internal error: {type(err).__name__}: {err} (SYMCONV_DEBUG=1 shows where)", file=sys.stderr)
        return 2
