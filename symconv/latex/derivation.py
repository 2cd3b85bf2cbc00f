"""Derivations: proof steps as the lines of an ``align*`` (or ``aligned``) block.

Each :class:`~symconv.prove.result.Step` becomes one line, its expression
printed by :class:`~symconv.latex.printer.SymconvLatexPrinter` (in the index
base the prover used, index letters renamed once per derivation where they
would read as a tensor) and its justification (Unicode text, e.g. ``reindex a
↦ k_h − a + 1``) set beside it when both fit on the line, or above it as an
``\\intertext`` that wraps inside the margins.  A chain of equations with the
same left side is written ``lhs &= r_1 \\\\ &= r_2``; a long sum is broken
after every few terms.

Steps that only restate the previous expression (the same SymPy expression,
which is SymPy's canonical form) are *trivial*: the notes style drops them,
the report style keeps them.  They still count in the kernel; this module
only decides what is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sympy

from ..errors import ParameterError
from ..result import Step
from .notation import Notation
from .printer import SymconvLatexPrinter, index_renaming
from .text import Segment, segments, to_math, to_tex

__all__ = [
    "LINE_BUDGET",
    "RELATIONS",
    "Line",
    "align",
    "derivation_lines",
    "derivation_rows",
    "equation_lines",
    "is_trivial",
    "render_rows",
    "visible_width",
    "why_lines",
]

#: Relational classes and how they are written.
RELATIONS: dict[type, str] = {
    sympy.Eq: "=",
    sympy.Ne: r"\ne",
    sympy.Le: r"\le",
    sympy.Lt: "<",
    sympy.Ge: r"\ge",
    sympy.Gt: ">",
}
#: Longest line source (characters) before a sum is broken or a justification moves below (MathJax forms).
LINE_BUDGET = 160
#: Visible width (in characters of 11pt math) of a formula line in the LaTeX document, and of a line with
#: its justification beside it: about 470pt of text width at 6pt a character, with a margin of safety.
TEX_WIDTH = 68
TEX_WIDTH_WITH_WHY = 58
#: Environments: the display one for LaTeX documents, the inner one for MathJax and Jupyter.
ENVIRONMENTS = ("align*", "aligned")


def _printer(notation: Notation) -> SymconvLatexPrinter:
    return SymconvLatexPrinter(notation)


_COMMAND = re.compile(r"\\(?:left|right|mathbf|mathrm|mathtt|mathbb|operatorname|text|tilde|quad|qquad|,|;|!)")
_SCRIPT = re.compile(r"[_^]\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}|[_^](\\?[A-Za-z0-9])")


def visible_width(tex: str) -> float:
    r"""A rough width of a formula in characters: commands and braces cost nothing, scripts count 0.6.

    Used to decide line breaks before TeX sees the formula; the compile tests
    check the result on the log (no overfull box).

    >>> visible_width(r"[\mathbf{X}]_{i+a-1,j+b-1}") < visible_width(r"[\mathbf{X}]_{i+a-1,j+b-1} + x + y")
    True
    """

    def script(m: re.Match[str]) -> str:
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        return "\x01" * max(1, round(0.6 * visible_width(inner)))

    text = _SCRIPT.sub(script, tex)
    text = re.sub(r"\\(?:sum|prod)", "SS", text)
    text = re.sub(r"\\begin\{[a-z*]+\}|\\end\{[a-z*]+\}", "", text)
    text = re.sub(
        r"\\frac\{([^{}]*)\}\{([^{}]*)\}",
        lambda m: m.group(1) if len(m.group(1)) > len(m.group(2)) else m.group(2),
        text,
    )
    text = _COMMAND.sub("", text)
    text = re.sub(r"\\[A-Za-z]+", "M", text)
    text = re.sub(r"[{}&\\]", "", text)
    operators = len(re.findall(r" [-+=] | \\(?:le|ge|ne|cdot|bmod|times) ", tex))  # spaced on both sides
    return float(len(text.replace(" ", "")) * 1.15 + 0.9 * operators)


def _chunks(terms: list[str], budget: float) -> list[list[str]]:
    """Greedy runs of terms whose visible width stays within ``budget`` (at least one term each)."""
    chunks: list[list[str]] = [[]]
    for term in terms:
        if chunks[-1] and visible_width(" ".join([*chunks[-1], term])) > budget:
            chunks.append([])
        chunks[-1].append(term)
    return chunks


def why_lines(text: str, notation: Notation | None = None, budget: int = LINE_BUDGET) -> list[str]:
    r"""A justification as LaTeX math lines of at most about ``budget`` characters, broken after punctuation.

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
    r"""Lines of ``lhs &rel rhs && why`` (MathJax form): a long sum continues on ``&\quad + …`` lines, a
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
    chunks: list[list[str]] = [[]]
    for term in terms:
        if chunks[-1] and sum(len(t) + 1 for t in chunks[-1]) + len(term) > max(budget - len(head), 1):
            chunks.append([])
        chunks[-1].append(term)
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


@dataclass(frozen=True)
class Line:
    """One shown step: its left side (LaTeX, or None to continue the chain), relation, right side, reason.

    ``rhs`` is the printed right side split into its terms (signs included),
    so that a renderer can break a long sum; ``why`` is the justification as
    segments; ``trivial`` marks a step that restates the previous expression.
    """

    lhs: str | None
    rel: str
    rhs: tuple[str, ...]
    why: tuple[Segment, ...] = ()
    checked: bool = True
    trivial: bool = False


def is_trivial(expr: Any, previous: Any) -> bool:
    """Whether a step's expression restates the previous one (equal SymPy objects, or equal right sides).

    >>> import sympy
    >>> n, k = sympy.symbols("n k")
    >>> is_trivial(n - k + 1, 1 + n - k), is_trivial(n - k + 1, n - k)
    (True, False)
    """
    if previous is None:
        return False
    try:
        a, b = sympy.sympify(expr), sympy.sympify(previous)
    except (sympy.SympifyError, TypeError):
        return False
    if isinstance(a, sympy.Eq) and isinstance(b, sympy.Eq):
        return a.rhs == b.rhs
    if isinstance(a, sympy.Eq):
        return a.rhs == b
    if isinstance(b, sympy.Eq):
        return a == b.rhs
    return a == b


def _relation(expr: Any) -> str | None:
    return next((tex for cls, tex in RELATIONS.items() if isinstance(expr, cls)), None)


def _renamed_text(text: str, renaming: dict[Any, Any]) -> str:
    """The renamed index letters in a justification's subscripts too (``X_{u,w}`` -> ``X_{u,v}``).

    >>> import sympy
    >>> _renamed_text("∂X_{u,w}/∂X_{a,b}", {sympy.Symbol("w"): sympy.Symbol("v")})
    '∂X_{u,v}/∂X_{a,b}'
    """
    if not renaming or not text:
        return text
    names = {str(old): str(new) for old, new in renaming.items()}
    pattern = re.compile(r"(?<![A-Za-z])(" + "|".join(map(re.escape, names)) + r")(?![A-Za-z])")

    def scripts(m: re.Match[str]) -> str:
        return m.group(1) + pattern.sub(lambda n: names[n.group(1)], m.group(2)) + m.group(3)

    return re.sub(r"(_\{)([^{}]*)(\})", scripts, text)


def derivation_rows(steps: Iterable[Step], notation: Notation | None = None, drop_trivial: bool = False) -> list[Line]:
    """The steps as :class:`Line` rows: the chain's left side once, renamed index letters, trivial steps marked
    (and left out with ``drop_trivial``).

    >>> import sympy
    >>> from symconv.prove.result import Step
    >>> n, k = sympy.symbols("n k")
    >>> rows = derivation_rows([Step(n - k + 1, "count"), Step(n - k + 1, "simplify")], drop_trivial=True)
    >>> [r.rhs for r in rows]
    [('n', '- k', '+ 1')]
    """
    notation = notation or Notation()
    steps = list(steps)
    for step in steps:
        if not isinstance(step, Step) and not all(hasattr(step, a) for a in ("expr", "why", "checked")):
            raise ParameterError("step", step, "a symconv.prove.result.Step")
    renaming = index_renaming([s.expr for s in steps], notation)
    printer = _printer(notation)
    rows: list[Line] = []
    previous: tuple[Any, Any] | None = None  # (lhs, rhs) of the last equation
    last_expr: Any = None
    for step in steps:
        expr = step.expr
        if not isinstance(expr, (sympy.Basic, int, tuple)):
            raise ParameterError("step.expr", expr, "a SymPy expression or relation")
        if isinstance(expr, tuple):
            expr = sympy.Tuple(*expr)
        expr = sympy.sympify(expr).xreplace(renaming) if renaming else sympy.sympify(expr)
        trivial = is_trivial(expr, last_expr)
        last_expr = expr
        why = tuple(segments(_renamed_text(step.why, renaming), notation)) if step.why else ()
        if trivial and drop_trivial:
            continue
        if isinstance(expr, sympy.Tuple):
            items = [printer.doprint(e) for e in expr]
            terms = tuple(
                ("(" if i == 0 else "") + t + ("," if i < len(items) - 1 else ")") for i, t in enumerate(items)
            )
            rows.append(Line(None, "=" if rows else "", terms, why, step.checked, trivial))
            previous = (expr, expr)
            continue
        rel = _relation(expr)
        if rel is not None:
            lhs, rhs = expr.lhs, expr.rhs
            same = previous is not None and (lhs == previous[0] or lhs == previous[1])
            lhs_tex = None if same else printer.doprint(lhs)
            rows.append(Line(lhs_tex, rel, tuple(printer.term_strings(rhs)), why, step.checked, trivial))
            previous = (lhs if not same else previous[0], rhs)
        elif previous is None and not rows:
            rows.append(Line(None, "", tuple(printer.term_strings(expr)), why, step.checked, trivial))
            previous = (expr, expr)
        else:
            rows.append(Line(None, "=", tuple(printer.term_strings(expr)), why, step.checked, trivial))
            previous = (previous[0] if previous else expr, expr)
    return rows


def _why_text(row: Line, fmt: str, unchecked: str) -> list[Segment]:
    segs = list(row.why)
    del fmt
    if not row.checked:
        segs += [("text", f" ({unchecked})" if segs else unchecked)]
    return segs


def _why_tex(why: Sequence[Segment]) -> str:
    """A justification inside ``\\text{}``: math as ``$…$``, references (``raw``) as written, text escaped."""
    out = []
    for kind, value in _merge(list(why)):
        if kind == "math":
            out.append(f"${value}$")
        elif kind == "raw":
            out.append(value)
        elif kind == "code":
            out.append(to_tex([("code", value)]))
        else:
            out.append(_escape_text(value))
    return "".join(out)


def _why_width(why: Sequence[Segment]) -> float:
    return sum(visible_width(v) if k == "math" else 9.0 if k == "raw" else len(v) for k, v in why)


def render_rows(rows: Sequence[Line], fmt: str, unchecked: str = "not checked") -> list[str]:
    r"""The lines of an aligned block for ``fmt``: ``tex`` (``align*``; a justification beside the formulas
    when it fits to the right of the widest of them, else as a wrapping ``\intertext`` above its line) or
    ``md``/``jupyter`` (``aligned``, MathJax-safe).

    >>> import sympy
    >>> from symconv.prove.result import Step
    >>> n, k = sympy.symbols("n k")
    >>> render_rows(derivation_rows([Step(sympy.Eq(sympy.Symbol("o"), n - k + 1), "count")]), "tex")
    ['o &= n - k + 1 &&\\text{(count)}']
    """
    if fmt != "tex":
        out: list[str] = []
        for row in rows:
            why = _why_text(row, fmt, unchecked)
            out += _md_lines(row, [to_math(_merge([(k, v) for k, v in why if k != "raw"]))] if why else [])
        return out
    blocks: list[tuple[list[str], list[Segment]]] = []
    widths: list[float] = []
    for row in rows:
        head = f"{row.lhs} &" if row.lhs is not None else "&"
        head_width = visible_width(row.lhs or "")
        lines: list[str] = []
        if row.lhs is not None and head_width > TEX_WIDTH / 2:  # a long left side gets its own line
            lines.append(f"&{row.lhs}")
            widths.append(head_width)
            head, head_width = "&", 0.0
        chunks = _chunks(list(row.rhs), max(TEX_WIDTH - head_width - 2, 12))
        first = f"{head}{row.rel} {' '.join(chunks[0])}".rstrip() if row.rel else f"{head}{' '.join(chunks[0])}"
        lines.append(first)
        widths.append(head_width + visible_width(" ".join(chunks[0])))
        for chunk in chunks[1:]:
            lines.append(r"&\quad " + " ".join(chunk))
            widths.append(head_width + 2 + visible_width(" ".join(chunk)))
        blocks.append((lines, _why_text(row, fmt, unchecked)))
    widest = max(widths, default=0.0)
    out = []
    for lines, why in blocks:
        if why and widest + _why_width(why) <= TEX_WIDTH_WITH_WHY:
            lines[-1] += r" &&\text{(" + _why_tex(why) + ")}"
        elif why:
            out.append(r"\intertext{\small\qquad(" + _why_tex(why) + ")}")
        out += lines
    return out


def _escape_text(text: str) -> str:
    return to_tex([("text", text)])


def _md_lines(row: Line, why: list[str]) -> list[str]:
    head = f"{row.lhs} &" if row.lhs is not None else "&"
    chunks = _chunks(list(row.rhs), LINE_BUDGET / 1.5)
    lines = [f"{head}{row.rel} {' '.join(chunks[0])}".rstrip() if row.rel else f"{head}{' '.join(chunks[0])}"]
    lines += [r"&\quad " + " ".join(chunk) for chunk in chunks[1:]]
    if why and len(lines) == 1 and len(lines[0]) + len(why[0]) <= LINE_BUDGET:
        lines[0] += f" && {why[0]}"
    elif why:
        lines.append(r"&\quad \text{(}" + why[0] + r"\text{)}")
    return lines


def derivation_lines(
    steps: Iterable[Step], notation: Notation | None = None, fmt: str = "md", drop_trivial: bool = False
) -> list[str]:
    """One ``align`` line (or a few, for long sums) per step, with its justification.

    >>> import sympy
    >>> from symconv.result import Step
    >>> a, k = sympy.symbols("a k_h", integer=True)
    >>> W = sympy.IndexedBase("W")
    >>> R = sympy.IndexedBase("rot180(W)")
    >>> print(derivation_lines([Step(sympy.Eq(R[a], W[k - a + 1]), "definition")])[0])
    [\\operatorname{rot180}(\\mathbf{W})]_{a} &= [\\mathbf{W}]_{k_{h} - a + 1} && \\text{definition}
    """
    return render_rows(derivation_rows(steps, notation, drop_trivial), fmt)


def align(lines: Sequence[str], env: str = "align*") -> str:
    """Wrap lines in ``align*`` (LaTeX documents) or ``aligned`` (inside ``$$…$$``).

    ``\\intertext`` lines are not followed by a line break.

    >>> print(align(["a &= b", "&= c"], env="aligned"))
    \\begin{aligned}
    a &= b \\\\
    &= c
    \\end{aligned}
    """
    if env not in ENVIRONMENTS:
        raise ParameterError("env", env, "'align*' or 'aligned'")
    parts = []
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        sep = "" if last or line.startswith(r"\intertext") else " \\\\"
        parts.append(line + sep)
    return f"\\begin{{{env}}}\n" + "\n".join(parts) + f"\n\\end{{{env}}}"
