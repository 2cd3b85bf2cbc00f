"""The audit as LaTeX or Markdown for the notes: corrections as formulas, counterexamples as matrices.

A correction that names a theorem (``grad_avg_pool``) or an operator
(``corr2d``) is written as the formula it stands for, from the chapter's
title table (:mod:`symconv.latex.titles`) and :data:`OPERATOR_FORMULAS`;
a counterexample is written as small 1-based matrices, and where the sides
first differ as a 1-based entry.  The verdicts themselves are the audit's
(:func:`symconv.audit.audit`); this module only writes them.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import sympy

from ..errors import ParameterError
from ..latex.blocks import Block, Display, Heading, Items, Table, para, render
from ..latex.document import breakable, preamble, prose
from ..latex.notation import Notation
from ..latex.printer import latex
from ..latex.text import Segment, unicode_text
from ..latex.titles import formula, title
from ..latex.words import say
from ..prove.exact import symbol_prefix
from ..theorems.registry import get, theorems
from .findings import VERDICTS

__all__ = ["AUDIT_SUFFIXES", "OPERATOR_FORMULAS", "correction_segments", "counterexample_math", "render_audit"]

#: Operators the notes name in words, and their formulas (1-based, as in the chapter).
OPERATOR_FORMULAS: Mapping[str, str] = MappingProxyType(
    {
        "corr2d": r"[\mathbf{H}]_{i,j} = \sum_{a=1}^{k_h} \sum_{b=1}^{k_w} "
        r"[\mathbf{X}]_{i+a-1,j+b-1} [\mathbf{W}]_{a,b}",
    }
)
_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\bcorr2d\b")


def _theorem_formula(name: str, notation: Notation) -> list[Segment]:
    thm = get(name)
    tex = formula(thm)
    segs: list[Segment] = [("math", tex)] if tex else prose(thm.statement.split("  (")[0], notation)
    return [*segs, ("text", f" ({title(thm)})")]


def correction_segments(text: str, notation: Notation | None = None) -> list[Segment]:
    r"""A correction as segments: each theorem or operator name it gives is replaced by its formula.

    >>> correction_segments("grad_input_eq_full_conv")[0][1].startswith(r"\frac{\partial \ell}{\partial \mathbf{X}}")
    True
    >>> correction_segments("corr2d")[0][0]
    'math'
    """
    notation = notation or Notation()
    known = {t.name for t in theorems()}
    out: list[Segment] = []
    pos = 0
    for m in _NAME.finditer(text):
        name = m.group(0)
        if name not in known and name not in OPERATOR_FORMULAS:
            continue
        if text[pos : m.start()].strip(" :()"):
            out += prose(text[pos : m.start()], notation)
        elif text[pos : m.start()]:
            out.append(("text", " " if out else ""))
        if name in OPERATOR_FORMULAS:
            out.append(("math", OPERATOR_FORMULAS[name]))
        else:
            out += _theorem_formula(name, notation)
        pos = m.end()
    rest = text[pos:]
    if rest.strip(" :()"):
        out += prose(rest, notation)
    return [(k, v) for k, v in out if v]


def _value_tex(value: Any, notation: Notation) -> str:
    if isinstance(value, list):
        try:
            return latex(sympy.Array(value), notation)
        except (ValueError, TypeError, ParameterError):
            return ",\\ ".join(_value_tex(v, notation) for v in value)
    if isinstance(value, str):
        try:
            return latex(sympy.Rational(value), notation)
        except (ValueError, TypeError):
            return rf"\text{{{value}}}"
    return latex(sympy.sympify(value), notation)


def counterexample_math(cx: Any, notation: Notation | None = None) -> list[str]:
    r"""A counterexample as formulas: each input as a (1-based) matrix, both sides, the first differing entry
    counted from 1; a dict of plain values as ``name = value``.

    >>> counterexample_math({"values": {"X": [[1]], "W": [[0, 1]]}, "lhs": [[1, 0]], "rhs": [[0, 1]],
    ...                      "where": [0, 0], "sizes": {}, "note": ""})[-1]
    '\\text{first difference at entry } (1, 1)'
    """
    notation = notation or Notation()
    if not isinstance(cx, Mapping):
        return []
    if "values" in cx:
        out = [
            r",\quad ".join(
                f"{notation.array(symbol_prefix(k))} = {_value_tex(v, notation)}" for k, v in cx["values"].items()
            )
        ]
        if cx.get("lhs") is not None and cx.get("rhs") is not None:
            left, right = _value_tex(cx["lhs"], notation), _value_tex(cx["rhs"], notation)
            out.append(rf"\text{{lhs}} = {left} \ne \text{{rhs}} = {right}")
        if cx.get("where") is not None:
            where = ", ".join(str(int(i) + notation.index_base) for i in cx["where"])
            out.append(rf"\text{{first difference at entry }} ({where})")
        return out
    items = []
    for key, value in cx.items():
        name = r"\lambda" if key == "lambda" else key if re.fullmatch(r"[A-Za-z]", key) else rf"\text{{{key}}}"
        items.append(f"{name} = {_value_tex(value, notation)}")
    return [r",\quad ".join(items)]


def _evidence(row: Mapping[str, Any]) -> str:
    """The evidence in words; a refutation's Python dump is replaced by a pointer to the matrices below."""
    text = str(row["evidence"])
    if text.startswith("refuted at ") and row.get("counterexample"):
        return "refuted: the smallest counterexample is below."
    return text


def _cjk(rows: Sequence[Mapping[str, Any]]) -> bool:
    return any(re.search(r"[\u4e00-\u9fff]", str(r.get("claim", ""))) for r in rows)


def _row_blocks(row: Mapping[str, Any], notation: Notation) -> list[Block]:
    verdict = row["verdict"] + (f" ({row['kind']})" if row.get("kind") else "")
    blocks: list[Block] = [
        Heading(3, f"{row['section']} {row['title']}"),
        para(("text", "The notes: "), breakable(prose(str(row["claim"]), notation))),
        para(("strong", verdict.capitalize() + "."), ("text", " "), breakable(prose(_evidence(row), notation))),
    ]
    if row.get("correction"):
        blocks.append(
            para(("strong", "Correction:"), ("text", " "), breakable(correction_segments(row["correction"], notation)))
        )
    lines = counterexample_math(row.get("counterexample"), notation)
    if lines:
        blocks.append(para(("strong", "Counterexample:")))
        blocks.append(Display(tuple(lines[:1])))
        blocks += [Display((line,)) for line in lines[1:]]
    confirmed = row.get("confirmed_by") or {}
    if confirmed:
        blocks.append(Items(((("text", "Confirmed by " + ", ".join(f"{k} {v}" for k, v in confirmed.items())),),)))
    return blocks


def render_audit(rows: Sequence[Mapping[str, Any]], fmt: str, notation: Notation | None = None) -> str:
    """The audit as a LaTeX document (``tex``) or Markdown for MathJax (``md``): a summary table, then every
    item with its evidence, its correction as a formula and its counterexample as 1-based matrices.  The
    notes quote Chinese, so a LaTeX audit with Chinese text is a ``ctexart`` document for xelatex.

    >>> from symconv.audit import audit
    >>> text = render_audit(audit(sections=("6.2.1",)), "md")
    >>> "| Sec. | item |" in text and "output_size_formula" not in text
    True
    """
    if fmt not in ("tex", "md"):
        raise ParameterError("fmt", fmt, "'tex' or 'md'")
    notation = notation or Notation()
    counts = {v: sum(r["verdict"] == v for r in rows) for v in VERDICTS}
    summary = f"{len(rows)} items: {counts['holds']} hold, {counts['fails']} fail, {counts['imprecise']} imprecise."
    table_rows = []
    for r in rows:
        fixed = breakable(correction_segments(r["correction"], notation)) if r["correction"] else [("text", "—")]
        correction: tuple[Segment, ...] = tuple(fixed)
        table_rows.append(
            (
                (("text", r["section"]),),
                (("text", r["title"]),),
                (("text", r["verdict"] + (f" ({r['kind']})" if r["kind"] else "")),),
                correction,
            )
        )
    blocks: list[Block] = [
        para(("text", summary)),
        Table(("Sec.", "item", "verdict", "correction"), tuple(table_rows), (0.07, 0.28, 0.15, 0.50)),
    ]
    for r in rows:
        blocks += _row_blocks(r, notation)
    lang = "zh" if fmt == "tex" and _cjk(rows) else "en"  # the notes' Chinese quotes need xelatex and ctex
    with unicode_text() if lang == "zh" else contextlib.nullcontext():
        body = render(blocks, fmt)
    if fmt == "md":
        return "# Audit of the CNN chapter (symconv)\n\n" + body + "\n"
    head = preamble("tex", lang).replace(
        say("title", lang), "Audit of the notes' formulas" if lang == "en" else "笔记公式审查"
    )
    return head + "\n" + body + "\n\n\\end{document}\n"


#: What ``symconv audit -o`` may write, per format (checked by :func:`symconv.output.check_output`).
AUDIT_SUFFIXES = {
    "text": {".txt": "text; --format md, tex or json writes .md, .tex, .pdf or .json"},
    "json": {".json": "JSON"},
    "md": {".md": "Markdown", ".markdown": "Markdown"},
    "tex": {".tex": "LaTeX", ".pdf": "PDF, by xelatex"},
}
