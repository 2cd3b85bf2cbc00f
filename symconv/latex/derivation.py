"""Derivations: proof steps as the lines of an ``align*`` (or ``aligned``) block.

Each :class:`~symconv.result.Step` becomes one line, its expression
printed by :class:`~symconv.latex.printer.SymconvLatexPrinter` (in the index
base the prover used, index letters renamed once per derivation where they
would read as a tensor) and its justification (Unicode text, e.g. ``reindex a
↦ k_h − a + 1``) set beside it when both fit on the line, or above it as an
``\\intertext`` that wraps inside the margins.  A chain of equations with the
same left side is written ``lhs &= r_1 \\\\ &= r_2``; a long sum is broken
after every few terms.

Steps that only restate the previous expression (the same SymPy expression,
which is SymPy's canonical form, or the same formula once printed) are *trivial*: the notes style drops them,
the report style keeps them.  They still count in the kernel; this module
only decides what is shown.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import sympy

from ..errors import ParameterError
from ..result import Step
from .breaking import fit
from .notation import Notation
from .printer import RELATION_SIGNS, SymconvLatexPrinter, index_renaming, tidy
from .text import Segment, segments, to_math, to_tex
from .width import math_width

__all__ = [
    "LINE_BUDGET",
    "RELATIONS",
    "Line",
    "align",
    "derivation_lines",
    "derivation_rows",
    "is_trivial",
    "render_rows",
    "visible_width",
]

#: Relational classes and how they are written.
RELATIONS = RELATION_SIGNS
#: Longest line source (characters) before a sum is broken or a justification moves below (MathJax forms).
LINE_BUDGET = 160
#: Width (units of :func:`visible_width`) of a formula line in the LaTeX document (453pt of the 494pt text width:
#: the model errs by up to 7 %), and of the widest formula plus a justification beside it (the column gap).
TEX_WIDTH = 103
TEX_WIDTH_WITH_WHY = 95
#: Environments: the display one for LaTeX documents, the inner one for MathJax and Jupyter.
ENVIRONMENTS = ("align*", "aligned")


def _printer(notation: Notation) -> SymconvLatexPrinter:
    return SymconvLatexPrinter(notation)


#: Points of printed width per unit of :func:`visible_width` (about one character of 10pt math).
UNIT_PT = 4.4


def visible_width(tex: str) -> float:
    r"""The printed width of a formula in units of about one character (:data:`UNIT_PT`), from the model of
    :func:`symconv.latex.width.math_width`; used to break lines before TeX sees them (the compile tests check
    the log for overfull boxes).

    >>> visible_width(r"[\mathbf{X}]_{i+a-1,j+b-1}") < visible_width(r"[\mathbf{X}]_{i+a-1,j+b-1} + x + y")
    True
    """
    return math_width(tex) / UNIT_PT


def _merge(segs: list[Segment]) -> list[Segment]:
    """Join neighbouring text runs, so a line has one ``\\text{}`` per run of words."""
    out: list[Segment] = []
    for kind, value in segs:
        if out and out[-1][0] == kind == "text":
            out[-1] = ("text", out[-1][1] + value)
        else:
            out.append((kind, value))
    return out


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
    rearranged: bool = False  # the previous line's sums and factors, reordered (see :func:`rearranges`)
    step: Any = field(default=None, compare=False)  # the step shown (its rule and what it cites)
    steps: tuple[Any, ...] = field(default=(), compare=False)  # with ``merge``: every step the line stands for
    definition: bool = False  # a long term the chain repeats, named once (see :func:`common_terms`)


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
    """The renamed index letters in a justification too: in subscripts (``X_{u,w}`` -> ``X_{u,v}``) and as
    letters standing alone (``o takes c_o values`` -> ``t takes c_o values``).

    >>> import sympy
    >>> _renamed_text("∂X_{u,w}/∂X_{a,b}; w ↦ k − w", {sympy.Symbol("w"): sympy.Symbol("v")})
    '∂X_{u,v}/∂X_{a,b}; v ↦ k − v'
    """
    if not renaming or not text:
        return text
    names = {str(old): str(new) for old, new in renaming.items()}
    longest = sorted(names, key=len, reverse=True)  # o' before o
    pattern = re.compile(r"(?<![A-Za-z_^])(" + "|".join(map(re.escape, longest)) + r")(?![A-Za-z_(])")

    def scripts(m: re.Match[str]) -> str:
        return m.group(1) + pattern.sub(lambda n: names[n.group(1)], m.group(2)) + m.group(3)

    text = re.sub(r"(_\{)([^{}]*)(\})", scripts, text)
    return pattern.sub(lambda n: names[n.group(1)], text)


def rearranges(expr: Any, previous: Any) -> bool:
    """Whether ``expr`` only reorders the sums and moves the factors of ``previous`` (exchange, linearity): the
    same limits and the same factors once the nest of sums and products is flattened.

    >>> import sympy
    >>> i, j, n = sympy.symbols("i j n", integer=True)
    >>> X, c = sympy.IndexedBase("X"), sympy.Symbol("c")
    >>> a = sympy.Sum(c * sympy.Sum(X[i, j], (j, 1, n)), (i, 1, n))
    >>> rearranges(sympy.Sum(sympy.Sum(c * X[i, j], (i, 1, n)), (j, 1, n)), a)
    True
    """
    if previous is None or expr == previous:
        return False
    return _flat(expr) == _flat(previous)


def _flat(expr: Any) -> tuple[Counter[Any], Counter[Any]]:
    """The limits and the factors of a nest of sums and products, as multisets."""
    limits: Counter[Any] = Counter()
    factors: Counter[Any] = Counter()

    def walk(e: Any) -> None:
        if isinstance(e, sympy.Sum):
            limits.update(e.limits)
            walk(e.function)
        elif isinstance(e, sympy.Mul):
            for f in e.args:
                walk(f)
        else:
            factors[e] += 1

    walk(expr)
    return limits, factors


def derivation_rows(
    steps: Iterable[Step],
    notation: Notation | None = None,
    drop_trivial: bool = False,
    merge: bool = False,
    name_common: bool = False,
) -> list[Line]:
    """The steps as :class:`Line` rows: the chain's left side once, renamed index letters, trivial steps marked
    (and left out with ``drop_trivial``).  A step is trivial when its expression restates the previous one:
    the same term, or the same formula once printed.  With ``merge``, a step that only :func:`rearranges` the
    line before it replaces that line, and so does a substitution of a hypothesis that follows another
    (``steps`` lists the steps a line stands for).  With ``name_common``, the long terms that several lines
    repeat are printed by a name (:func:`common_terms`), and rows marked ``definition`` at the end say what
    each name stands for.

    >>> import sympy
    >>> from symconv.result import Step
    >>> n, k = sympy.symbols("n k")
    >>> rows = derivation_rows([Step(n - k + 1, "count"), Step(n - k + 1, "simplify")], drop_trivial=True)
    >>> [r.rhs for r in rows]
    [('n', '- k', '+ 1')]
    """
    notation = notation or Notation()
    steps = list(steps)
    for step in steps:
        if not isinstance(step, Step) and not all(hasattr(step, a) for a in ("expr", "why", "checked")):
            raise ParameterError("step", step, "a symconv.result.Step")
    key = (tuple(map(id, steps)), repr(notation), drop_trivial, merge, name_common)
    cached = _ROWS.get(key)
    if cached is not None and all(a is b for a, b in zip(cached[0], steps)):  # the same steps, still alive
        return list(cached[1])
    rows = _rows(steps, notation, drop_trivial, merge, name_common)
    if len(_ROWS) > 256:
        _ROWS.clear()
    _ROWS[key] = (tuple(steps), tuple(rows))
    return rows


#: Rows already printed (the LaTeX and the Markdown of one chapter print the same derivations).
_ROWS: dict[tuple[Any, ...], tuple[tuple[Any, ...], tuple[Line, ...]]] = {}


def _rows(steps: list[Any], notation: Notation, drop_trivial: bool, merge: bool, name_common: bool) -> list[Line]:
    exprs = []
    for step in steps:
        expr = step.expr
        if not isinstance(expr, (sympy.Basic, int, tuple)):
            raise ParameterError("step.expr", expr, "a SymPy expression or relation")
        exprs.append(tidy(sympy.Tuple(*expr) if isinstance(expr, tuple) else sympy.sympify(expr)))
    renaming = index_renaming(exprs, notation)
    exprs = [e.xreplace(renaming) if renaming else e for e in exprs]
    printer = _printer(notation)
    names = common_terms(exprs, printer) if name_common else {}
    rows: list[Line] = []
    previous: tuple[Any, Any] | None = None  # (lhs, rhs) of the last equation
    last_expr: Any = None
    last_rhs: tuple[str, ...] | None = None
    for step, proved in zip(steps, exprs):
        expr = proved.xreplace(names) if names else proved  # what is printed; ``proved`` is compared
        why = tuple(segments(_renamed_text(step.why, renaming), notation)) if step.why else ()
        if isinstance(expr, sympy.Tuple):
            items = [printer.doprint(e) for e in expr]
            terms = tuple(
                ("(" if i == 0 else "") + t + ("," if i < len(items) - 1 else ")") for i, t in enumerate(items)
            )
            row = Line(None, "=" if rows else "", terms, why, step.checked)
            shown = (expr, expr)
        elif _relation(expr) is not None:
            lhs, rhs = expr.lhs, expr.rhs
            same = previous is not None and (lhs == previous[0] or lhs == previous[1])
            lhs_tex = None if same else printer.doprint(lhs)
            row = Line(lhs_tex, _relation(expr), tuple(printer.term_strings(rhs)), why, step.checked)
            shown = (lhs if not same else previous[0], rhs)
        elif previous is None and not rows:
            row = Line(None, "", tuple(printer.term_strings(expr)), why, step.checked)
            shown = (expr, expr)
        else:
            row = Line(None, "=", tuple(printer.term_strings(expr)), why, step.checked)
            shown = (previous[0] if previous else expr, expr)
        trivial = is_trivial(proved, last_expr) or (last_rhs is not None and row.rhs == last_rhs)
        reordered = rearranges(proved, last_expr)
        substituted = getattr(step, "rule", "") == "hypothesis" and rows and rows[-1].step is not None
        substituted = substituted and getattr(rows[-1].steps[-1], "rule", "") == "hypothesis"
        moved = merge and rows and (reordered or substituted)
        last_expr, last_rhs = proved, row.rhs
        if trivial and drop_trivial:
            continue
        if moved:  # the same sums and factors, reordered: one line for both steps
            rows[-1] = replace(rows[-1], rhs=row.rhs, steps=(*rows[-1].steps, step))
            continue
        rows.append(replace(row, trivial=trivial, rearranged=reordered, step=step, steps=(step,)))
        previous = shown
    for term, name in names.items():  # set in the formulas' column: a left side would shift the whole chain
        terms = printer.term_strings(term)
        rows.append(Line(None, "", (f"{printer.doprint(name)} = {terms[0]}", *terms[1:]), definition=True))
    return rows


#: Shortest printed width (units of :func:`visible_width`) of a term that a chain names once, and the most names.
NAME_WIDTH = 40
NAMES = 4


def common_terms(exprs: Sequence[Any], printer: SymconvLatexPrinter | None = None) -> dict[Any, Any]:
    r"""Long terms that a chain carries along unchanged, each named once: term -> ``C_1(i, j)``, a function
    of the summation indices it uses.  A term qualifies when it reads no tensor entry (a count, a divisor,
    a floor: the derivation works around it, never on it), is a sum, a floor or a divisor, depends on at
    most two indices, and appears in at least three of the expressions and in half of them.  The widest
    come first; a term inside one already named is not named again; a whole line is never named.

    >>> i, t, n, p, s = sympy.symbols("i t n p s", integer=True)
    >>> X = sympy.IndexedBase("X")
    >>> N = sympy.Sum(sympy.floor((n + 2 * p - s * (i - 1) - t) / s) + sympy.floor((p + t) / (s + n)) + p, (t, 1, n))
    >>> chain = [sympy.Sum(X[i] / N, (i, 1, n)), sympy.Sum(X[i] / N, (i, 2, n)), sympy.Sum(X[i] / N, (i, 3, n))]
    >>> list(common_terms(chain, SymconvLatexPrinter()).values())
    [C(i)]
    """
    printer = printer or _printer(Notation())
    exprs = [e for e in exprs if isinstance(e, sympy.Basic)]
    counts: Counter[Any] = Counter()
    for expr in exprs:
        found = set()
        for term in sympy.preorder_traversal(expr):
            if isinstance(term, (sympy.Sum, sympy.Product, sympy.floor, sympy.ceiling)):
                found.add(term)
            elif isinstance(term, sympy.Pow) and term.exp.is_negative and not term.base.is_Atom:
                found.add(term.base)
        counts.update(t for t in found if not t.has(sympy.Indexed))
    whole = set(exprs) | {side for e in exprs if _relation(e) is not None for side in (e.lhs, e.rhs)}
    bound = {limit[0] for e in exprs for s in e.atoms(sympy.Sum, sympy.Product) for limit in s.limits}
    often = max(3, (len(exprs) + 1) // 2)
    widths = {
        t: visible_width(printer.doprint(t))
        for t, c in counts.items()
        if c >= often and t not in whole and len(t.free_symbols & bound) <= 2
    }
    chosen: list[Any] = []
    for term in sorted((t for t, w in widths.items() if w >= NAME_WIDTH), key=lambda t: (-widths[t], str(t))):
        if len(chosen) < NAMES and not any(term.has(c) or c.has(term) for c in chosen):
            chosen.append(term)
    out = {}
    for k, term in enumerate(chosen, 1):
        label = "C" if len(chosen) == 1 else f"C_{k}"
        args = sorted(term.free_symbols & bound, key=lambda s: s.name)
        out[term] = sympy.Function(label)(*args) if args else sympy.Symbol(label)
    return out


def side_limits(rows: Sequence[Line]) -> list[Line]:
    r"""The rows with every sum's and product's limits set beside the sign (``\sum\nolimits_{a=1}^{k}``):
    a line of nested sums is then one line high, not three (the notes style's derivations).

    >>> side_limits([Line(None, "=", (r"\sum_{a=1}^{k} x",))])[0].rhs
    ('\\sum\\nolimits_{a=1}^{k} x',)
    """

    def side(tex: str) -> str:
        return re.sub(r"\\(sum|prod)_", r"\\\1\\nolimits_", tex)

    return [replace(row, rhs=tuple(map(side, row.rhs)), lhs=side(row.lhs) if row.lhs else None) for row in rows]


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
    return 2.0 + sum(visible_width(v) if k == "math" else 9.0 if k == "raw" else _text_width(v) for k, v in why)


def _text_width(text: str) -> float:
    """Units of running text: a Latin character about one, a CJK character (a full em) more than two."""
    return sum(2.3 if unicodedata.east_asian_width(ch) in ("W", "F") else 1.1 for ch in text)


def render_rows(rows: Sequence[Line], fmt: str, unchecked: str = "not checked", where: str = "where") -> list[str]:
    r"""The lines of an aligned block for ``fmt``: ``tex`` (``align*``; a justification beside the formulas
    when it fits to the right of the widest of them, else as a wrapping ``\intertext`` above its line) or
    ``md``/``jupyter`` (``aligned``, MathJax-safe).

    >>> import sympy
    >>> from symconv.result import Step
    >>> n, k = sympy.symbols("n k")
    >>> render_rows(derivation_rows([Step(sympy.Eq(sympy.Symbol("o"), n - k + 1), "count")]), "tex")
    ['o &= n - k + 1 &&\\text{(count)}']
    """
    if fmt != "tex":
        out: list[str] = []
        for i, row in enumerate(rows):
            if row.definition and not (i and rows[i - 1].definition):
                out.append(rf"&\text{{{_escape_text(where)}}}")
            why = _why_text(row, fmt, unchecked)
            out += _md_lines(row, [to_math(_merge([(k, v) for k, v in why if k != "raw"]))] if why else [])
        return out
    blocks: list[tuple[list[str], list[Segment], bool]] = []
    widths: list[float] = []
    for row in rows:
        if row.definition and not (blocks and blocks[-1][2]):  # "where C(i) = …": the names after the chain
            blocks.append(([rf"\intertext{{{_escape_text(where)}}}"], [], True))
            widths.append(0.0)
        head = f"{row.lhs} &" if row.lhs is not None else "&"
        head_width = visible_width(row.lhs or "")
        lines: list[str] = []
        if row.lhs is not None and head_width > TEX_WIDTH / 2:  # a long left side gets its own line
            lines.append(f"&{row.lhs}")
            widths.append(head_width)
            head, head_width = "&", 0.0
        budget = max(TEX_WIDTH - head_width - 2, 12) * UNIT_PT
        chunks = fit(" ".join(row.rhs), budget - 2 * UNIT_PT, first=budget) if row.rhs else [""]
        first = f"{head}{row.rel} {chunks[0]}".rstrip() if row.rel else f"{head}{chunks[0]}"
        lines.append(first)
        widths.append(head_width + visible_width(chunks[0]))
        for chunk in chunks[1:]:
            lines.append(r"&\quad " + chunk)
            widths.append(head_width + 2 + visible_width(chunk))
        blocks.append((lines, _why_text(row, fmt, unchecked), row.definition))
    widest = max(widths, default=0.0)
    beside = all(not why or widest + _why_width(why) <= TEX_WIDTH_WITH_WHY for _lines, why, _d in blocks)
    out = []
    k = 0
    for lines, why, _definition in blocks:
        own = widths[k : k + len(lines)]
        k += len(lines)
        fits = [i for i in (len(lines) - 1, 0) if why and own[i] + _why_width(why) + 4 <= TEX_WIDTH]
        if why and beside:
            lines[-1] += r" &&\text{(" + _why_tex(why) + ")}"
        elif fits:  # after the last line of its formula, or the first, when it fits there
            lines[fits[0]] += r" \qquad\text{(" + _why_tex(why) + ")}"
        elif why:
            out.append(r"\intertext{\small\qquad(" + _why_tex(why) + ")}")
        out += lines
    return out


def _escape_text(text: str) -> str:
    return to_tex([("text", text)])


def _md_lines(row: Line, why: list[str]) -> list[str]:
    head = f"{row.lhs} &" if row.lhs is not None else "&"
    chunks = fit(" ".join(row.rhs), LINE_BUDGET / 1.5 * UNIT_PT) if row.rhs else [""]
    lines = [f"{head}{row.rel} {chunks[0]}".rstrip() if row.rel else f"{head}{chunks[0]}"]
    lines += [r"&\quad " + chunk for chunk in chunks[1:]]
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
