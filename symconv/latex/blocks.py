"""Document blocks and their three renderers: LaTeX, Markdown (MathJax), Jupyter.

A theorem's section is a list of blocks: :class:`Heading`, :class:`Para`
(text, math and code runs), :class:`Display` (one formula, or aligned lines)
and :class:`Items` (a bulleted list).  :func:`render` writes them as

* ``"tex"``: LaTeX for pdflatex or xelatex (``\\[ … \\]``, ``align*``, ``itemize``,
  ``amsthm`` environments, ``longtable``);
* ``"md"``: Markdown with ``$$…$$`` blocks on their own lines and inline
  ``$…$``, using only what MathJax supports (``aligned``, not ``align*``);
* ``"jupyter"``: one ``$$\\begin{array}{l} … \\end{array}$$`` formula, text
  set in ``\\text{}``, which Jupyter's MathJax (and KaTeX) display as is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ParameterError
from .derivation import align
from .text import Segment, tex_text, to_math, to_md, to_tex

__all__ = [
    "FORMATS",
    "Block",
    "Code",
    "Display",
    "Env",
    "Heading",
    "Items",
    "Para",
    "Picture",
    "Table",
    "para",
    "render",
]

FORMATS = ("tex", "md", "jupyter")
#: LaTeX sectioning per heading level (unnumbered: titles carry the notes' own section numbers).
TEX_HEADINGS = {1: "section*", 2: "subsection*", 3: "subsubsection*", 4: "paragraph*"}


@dataclass(frozen=True)
class Heading:
    """A heading; ``text`` is plain text, ``code`` is set in typewriter (a theorem's name)."""

    level: int
    text: str
    code: str = ""
    label: str = ""


@dataclass(frozen=True)
class Para:
    """A paragraph of ``(kind, value)`` segments: ``text``, ``math`` (LaTeX), ``code`` or ``strong``."""

    segs: tuple[Segment, ...]


@dataclass(frozen=True)
class Display:
    """A displayed formula: one line, or several ``&``-aligned lines."""

    lines: tuple[str, ...]
    aligned: bool = False
    alt: tuple[str, ...] = ()  # the lines for MathJax (md, jupyter) when they differ (no \\intertext)


@dataclass(frozen=True)
class Code:
    """A code listing (Python): ``verbatim`` in LaTeX, a fenced block in Markdown, omitted in Jupyter."""

    text: str


@dataclass(frozen=True)
class Items:
    """A bulleted list of paragraphs."""

    items: tuple[tuple[Segment, ...], ...] = field(default=())


@dataclass(frozen=True)
class Env:
    """A theorem-like environment (``theorem``, ``claim``, ``proof``) with an optional title and labels."""

    kind: str
    title: str
    blocks: tuple[Any, ...]
    labels: tuple[str, ...] = ()
    name: str = ""  # the word shown in Markdown and Jupyter ("Theorem", "定理")


@dataclass(frozen=True)
class Table:
    """A table of segment cells; ``widths`` are the columns' shares of the line (``p{}`` columns of a
    ``longtable``), adding up to at most 1."""

    header: tuple[str, ...]
    rows: tuple[tuple[tuple[Segment, ...], ...], ...]
    widths: tuple[float, ...]
    size: str = "small"  # the font size command of the table (LaTeX), "" for the text's


@dataclass(frozen=True)
class Picture:
    """A figure: TikZ for LaTeX, and what Markdown shows instead (an image link or a note)."""

    tikz: str
    caption: tuple[Segment, ...]
    md: str = ""


Block = Heading | Para | Display | Items | Code | Env | Table | Picture


def para(*segs: Segment | Sequence[Segment]) -> Para:
    """A paragraph from segments or lists of segments.

    >>> para(("text", "a "), [("math", "x")])
    Para(segs=(('text', 'a '), ('math', 'x')))
    """
    flat: list[Segment] = []
    for seg in segs:
        if isinstance(seg, tuple) and len(seg) == 2 and isinstance(seg[0], str) and isinstance(seg[1], str):
            flat.append(seg)
        else:
            flat.extend(seg)  # type: ignore[arg-type]
    return Para(tuple(flat))


def _segs(segs: Sequence[Segment], fmt: str) -> str:
    out = []
    for kind, value in segs:
        if kind == "raw":  # LaTeX written by the caller (a \\ref)
            out.append(value if fmt == "tex" else to_math([("text", value)]) if fmt == "jupyter" else value)
        elif kind == "strong":
            out.append({"tex": rf"\textbf{{{tex_text(value)}}}", "md": f"**{value}**"}.get(fmt, value))
        elif fmt == "tex":
            out.append(to_tex([(kind, value)]))
        elif fmt == "md":
            out.append(to_md([(kind, value)]))
        else:
            out.append(to_math([(kind, value)]))
    return "".join(out)


def _math_line(segs: Sequence[Segment]) -> str:
    out = []
    for kind, value in segs:
        if kind == "raw":
            continue
        out.append(rf"\textbf{{{value}}}" if kind == "strong" and value.isascii() else to_math([(kind, value)]))
    return "".join(out)


def _ascii(text: str) -> str:
    """Verbatim text for pdflatex: characters outside ASCII become ``?``."""
    return "".join(ch if ch.isascii() else "?" for ch in text)


def _tex(block: Block) -> str:
    if isinstance(block, Heading):
        command = TEX_HEADINGS.get(block.level, "paragraph")
        title = tex_text(block.text)
        if block.code:
            title = (title + " " if title else "") + r"\texttt{" + tex_text(block.code) + "}"
        label = rf"\label{{{block.label}}}" if block.label else ""
        return rf"\{command}{{{title}}}{label}"
    if isinstance(block, Para):
        return _segs(block.segs, "tex")
    if isinstance(block, Display):
        if block.aligned:
            return align(block.lines, "align*")
        return "\\[\n" + "\n".join(block.lines) + "\n\\]"
    if isinstance(block, Items):
        items = "\n".join(r"  \item " + _segs(item, "tex") for item in block.items)
        return "\\begin{itemize}\n" + items + "\n\\end{itemize}"
    if isinstance(block, Code):
        return "{\\small\n\\begin{verbatim}\n" + _ascii(block.text) + "\n\\end{verbatim}\n}"
    if isinstance(block, Env):
        title = f"[{_tex_title(block.title)}]" if block.title else ""
        labels = "".join(rf"\label{{{label}}}" for label in block.labels)
        inner = list(block.blocks)
        if block.kind == "proof" and inner and isinstance(inner[-1], Display):  # the end mark on the last line
            last = inner[-1]
            inner[-1] = Display((*last.lines[:-1], last.lines[-1] + r" \qedhere"), last.aligned, last.alt)
        body = "\n\n".join(_tex(b) for b in inner)
        return f"\\begin{{{block.kind}}}{title}{labels}\n{body}\n\\end{{{block.kind}}}"
    if isinstance(block, Table):
        spec = "".join(
            f">{{\\raggedright\\arraybackslash}}p{{\\dimexpr {w}\\linewidth-2\\tabcolsep\\relax}}" for w in block.widths
        )
        head = " & ".join(rf"\textbf{{{tex_text(h)}}}" for h in block.header) + r" \\"
        rows = "\n".join(" & ".join(_segs(cell, "tex") for cell in row) + r" \\" for row in block.rows)
        size = f"\\{block.size}\n" if block.size else ""
        return (
            f"{{{size}\\setlength{{\\tabcolsep}}{{3pt}}\n\\begin{{longtable}}{{{spec}}}\n\\toprule\n{head}\n"
            f"\\midrule\n\\endhead\n{rows}\n\\bottomrule\n\\end{{longtable}}\n}}"
        )
    if isinstance(block, Picture):  # a float near its place, so that a tall picture leaves no gap
        caption = _segs(block.caption, "tex")
        return f"\\begin{{figure}}[!htbp]\n\\centering\n{block.tikz}\n\n{{\\small {caption}}}\n\\end{{figure}}"
    raise ParameterError("block", block, "a Heading, Para, Display, Items, Code, Env, Table or Picture")


def _tex_title(text: str) -> str:
    """An environment's title: text with ``$…$`` math kept, brackets hidden from the optional argument."""
    parts = text.split("$")
    out = "".join(tex_text(p) if i % 2 == 0 else f"${p}$" for i, p in enumerate(parts))
    return "{" + out + "}" if "]" in out else out


def _md(block: Block) -> str:
    if isinstance(block, Heading):
        title = block.text + (" " if block.text and block.code else "") + (f"`{block.code}`" if block.code else "")
        return "#" * min(block.level + 1, 6) + " " + title
    if isinstance(block, Para):
        return _segs(block.segs, "md")
    if isinstance(block, Display):
        lines = block.alt or block.lines
        body = align(lines, "aligned") if block.aligned else "\n".join(lines)
        return "$$\n" + body + "\n$$"
    if isinstance(block, Items):
        return "\n".join("- " + _segs(item, "md") for item in block.items)
    if isinstance(block, Code):
        return "```python\n" + block.text + "\n```"
    if isinstance(block, Env):
        title = f" ({block.title})" if block.title else ""
        body = "\n\n".join(_md(b) for b in block.blocks)
        anchors = "".join(f'<a id="{label.replace(":", "-")}"></a>' for label in block.labels)
        lead = f"{anchors}**{block.name or block.kind.capitalize()}{title}.**"
        return f"{lead}\n\n{body}" if block.kind != "proof" else f"*{block.name or 'Proof'}{title}.*\n\n{body}"
    if isinstance(block, Table):
        head = "| " + " | ".join(block.header) + " |"
        rule = "|" + "---|" * len(block.header)
        rows = ["| " + " | ".join(_segs(cell, "md").replace("|", "\\|") for cell in row) + " |" for row in block.rows]
        return "\n".join([head, rule, *rows])
    if isinstance(block, Picture):
        return block.md or "*" + _segs(block.caption, "md") + "*"
    raise ParameterError("block", block, "a Heading, Para, Display, Items, Code, Env, Table or Picture")


def _jupyter_lines(block: Block) -> list[str]:
    if isinstance(block, Heading):
        title = to_math([("text", block.text)]) if block.text else ""
        if block.code:
            title += (r"\ " if title else "") + to_math([("code", block.code)])
        return [rf"\mathbf{{{title}}}" if title else ""]
    if isinstance(block, Para):
        return [_math_line(block.segs)]
    if isinstance(block, Display):
        lines = block.alt or block.lines
        return [align(lines, "aligned") if block.aligned else " ".join(lines)]
    if isinstance(block, Items):
        return [r"\bullet\ " + _math_line(item) for item in block.items]
    if isinstance(block, (Code, Picture)):
        return []
    if isinstance(block, Env):
        title = f" ({block.title})" if block.title else ""
        head = rf"\textbf{{{block.name or block.kind.capitalize()}}}" if (block.name or block.kind).isascii() else ""
        parts = title.split("$")  # a title may hold $…$ formulas (a computed scope)
        shown = "".join(to_math([("text", p)]) if i % 2 == 0 else p for i, p in enumerate(parts) if p)
        lines = [head + shown if title else head]
        return [line for line in lines if line] + [x for b in block.blocks for x in _jupyter_lines(b)]
    if isinstance(block, Table):
        return [r"\bullet\ " + " \\quad ".join(_math_line(cell) for cell in row) for row in block.rows]
    raise ParameterError("block", block, "a Heading, Para, Display, Items, Code, Env, Table or Picture")


def render(blocks: Sequence[Block], fmt: str) -> str:
    """Render blocks as ``"tex"``, ``"md"`` or ``"jupyter"``.

    >>> blocks = [Heading(2, "", code="full_conv_comm"), Display(("a = b",))]
    >>> print(render(blocks, "md"))
    ### `full_conv_comm`
    <BLANKLINE>
    $$
    a = b
    $$
    >>> render(blocks, "jupyter")
    '$$\\\\begin{array}{l}\\n\\\\mathbf{\\\\mathtt{full\\\\_conv\\\\_comm}} \\\\\\\\\\na = b\\n\\\\end{array}$$'
    """
    if fmt == "tex":
        return "\n\n".join(_tex(b) for b in blocks)
    if fmt == "md":
        return "\n\n".join(_md(b) for b in blocks)
    if fmt == "jupyter":
        lines = [line for b in blocks for line in _jupyter_lines(b) if line]
        return "$$\\begin{array}{l}\n" + " \\\\\n".join(lines) + "\n\\end{array}$$"
    raise ParameterError("fmt", fmt, "'tex', 'md' or 'jupyter'")
