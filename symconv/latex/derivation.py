"""Derivations: proof steps as the lines of an ``align*`` (or ``aligned``) block.

Each :class:`~symconv.prove.result.Step` becomes one line, its expression
printed by :class:`~symconv.latex.printer.SymconvLatexPrinter` (in the
index base the prover used) and its
justification (Unicode text, e.g. ``reindex a ↦ k_h − a + 1``) set beside it
as ``\\text{reindex }a \\mapsto k_{h} - a + 1``.  A chain of equations with
the same left side is written ``lhs &= r_1 \\\\ &= r_2``; a long sum is
broken after every few terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import sympy

from ..errors import ParameterError
from ..result import Step
from .notation import Notation
from .printer import SymconvLatexPrinter
from .text import Segment, segments, to_math

__all__ = ["LINE_BUDGET", "RELATIONS", "align", "derivation_lines", "equation_lines", "why_lines"]

#: Relational classes and how they are written.
RELATIONS: dict[type, str] = {
    sympy.Eq: "=",
    sympy.Ne: r"\ne",
    sympy.Le: r"\le",
    sympy.Lt: "<",
    sympy.Ge: r"\ge",
    sympy.Gt: ">",
}
#: Longest line source (characters) before a sum is broken or a justification moves below.
LINE_BUDGET = 160
#: Environments: the display one for LaTeX documents, the inner one for MathJax and Jupyter.
ENVIRONMENTS = ("align*", "aligned")


def _printer(notation: Notation) -> SymconvLatexPrinter:
    return SymconvLatexPrinter(notation)


def _chunks(terms: list[str], budget: int) -> list[list[str]]:
    """Greedy runs of terms whose source stays within ``budget`` characters (at least one term each)."""
    chunks: list[list[str]] = [[]]
    for term in terms:
        if chunks[-1] and sum(len(t) + 1 for t in chunks[-1]) + len(term) > budget:
            chunks.append([])
        chunks[-1].append(term)
    return chunks


def why_lines(text: str, notation: Notation | None = None, budget: int = LINE_BUDGET) -> list[str]:
    r"""A justification as LaTeX lines of at most about ``budget`` characters, broken after punctuation.

    >>> why_lines("reindex a ↦ k_h − a + 1")
    ['\\text{reindex }a \\mapsto k_{h} - a + 1']
    >>> len(why_lines("first part, second part; third part", budget=20))
    3
    """
    pieces: list[Segment] = []
    for kind, value in segments(text, notation):
        if kind == "text":
            parts = re.split(r"(?<=[,;:])\s+", value)
            pieces += [("text", part + (" " if i < len(parts) - 1 else "")) for i, part in enumerate(parts) if part]
        else:
            pieces.append((kind, value))
    lines: list[list[Segment]] = [[]]
    for piece in pieces:
        if lines[-1] and len(to_math([*lines[-1], piece])) > budget:
            lines.append([])
        lines[-1].append(piece)
    return [to_math(_merge(line)) for line in lines if line]


def _merge(segs: list[Segment]) -> list[Segment]:
    """Join neighbouring text runs, so a line has one ``\\text{}`` per run of words."""
    out: list[Segment] = []
    for kind, value in segs:
        if out and out[-1][0] == kind == "text":
            out[-1] = ("text", out[-1][1] + value)
        else:
            out.append((kind, value))
    return out


def equation_lines(
    lhs: str | None,
    rel: str,
    rhs: Any,
    notation: Notation | None = None,
    why: str | Sequence[str] = "",
    budget: int = LINE_BUDGET,
) -> list[str]:
    r"""Lines of ``lhs &rel rhs && why``: a long sum continues on ``&\quad + …`` lines, a
    justification that does not fit beside the formula goes on the line below it.

    >>> import sympy
    >>> equation_lines("y", "=", sympy.Symbol("a") + 1, why=r"\text{definition}")
    ['y &= a + 1 && \\text{definition}']
    >>> for line in equation_lines(None, "=", sympy.Symbol("a") + 1, why=r"\text{definition}", budget=4):
    ...     print(line)
    &= a
    &\quad + 1
    &\quad \text{(}\text{definition}\text{)}
    """
    notation = notation or Notation()
    printer = _printer(notation)
    head = f"{lhs} &" if lhs is not None else "&"
    terms = printer.term_strings(sympy.sympify(rhs))
    chunks = _chunks(terms, max(budget - len(head), 1))
    first = " ".join(chunks[0])
    lines = [f"{head}{rel} {first}".rstrip() if rel else f"{head}{first}"]
    lines += [r"&\quad " + " ".join(chunk) for chunk in chunks[1:]]
    whys = ([why] if why else []) if isinstance(why, str) else list(why)
    if len(lines) == 1 and len(whys) == 1 and len(lines[0]) + len(whys[0]) <= budget:
        lines[0] += f" && {whys[0]}"
    elif whys:
        whys[0] = r"\text{(}" + whys[0]
        whys[-1] += r"\text{)}"
        lines += [r"&\quad " + w for w in whys]
    return lines


def derivation_lines(steps: Iterable[Step], notation: Notation | None = None) -> list[str]:
    """One ``align`` line (or a few, for long sums) per step, with its justification.

    >>> import sympy
    >>> from symconv.result import Step
    >>> a, k = sympy.symbols("a k_h", integer=True)
    >>> W = sympy.IndexedBase("W")
    >>> R = sympy.IndexedBase("rot180(W)")
    >>> print(derivation_lines([Step(sympy.Eq(R[a], W[k - a + 1]), "definition")])[0])
    [\\operatorname{rot180}(\\mathbf{W})]_{a} &= [\\mathbf{W}]_{k_{h} - a + 1} && \\text{definition}
    """
    notation = notation or Notation()
    printer = _printer(notation)
    lines: list[str] = []
    previous: tuple[Any, Any] | None = None  # (lhs, rhs) of the last equation
    for step in steps:
        if not isinstance(step, Step):
            raise ParameterError("step", step, "a symconv.prove.result.Step")
        why = why_lines(step.why, notation) if step.why else []
        if not step.checked:
            why.append(r"\text{(not checked)}")
        expr = step.expr
        rel = next((tex for cls, tex in RELATIONS.items() if isinstance(expr, cls)), None)
        if rel is not None:
            lhs, rhs = expr.lhs, expr.rhs
            same = previous is not None and (lhs == previous[0] or lhs == previous[1])
            lhs_tex = None if same else printer.doprint(lhs)
            if lhs_tex is not None and len(lhs_tex) > LINE_BUDGET // 3:  # a long left side gets its own line
                lines.append(f"&{lhs_tex}")
                lhs_tex = None
            lines += equation_lines(lhs_tex, rel, rhs, notation, why)
            previous = (lhs if not same else previous[0], rhs)
        elif isinstance(expr, (sympy.Basic, int)):
            if previous is None and not lines:
                lines += equation_lines(None, "", expr, notation, why)
                previous = (sympy.sympify(expr), sympy.sympify(expr))
            else:
                lines += equation_lines(None, "=", expr, notation, why)
                previous = (previous[0] if previous else expr, expr)
        else:
            raise ParameterError("step.expr", expr, "a SymPy expression or relation")
    return lines


def align(lines: Sequence[str], env: str = "align*") -> str:
    """Wrap lines in ``align*`` (LaTeX documents) or ``aligned`` (inside ``$$…$$``).

    >>> print(align(["a &= b", "&= c"], env="aligned"))
    \\begin{aligned}
    a &= b \\\\
    &= c
    \\end{aligned}
    """
    if env not in ENVIRONMENTS:
        raise ParameterError("env", env, "'align*' or 'aligned'")
    body = " \\\\\n".join(lines)
    return f"\\begin{{{env}}}\n{body}\n\\end{{{env}}}"
