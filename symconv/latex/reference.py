"""The notes' Python code, 1-based like the chapter's formulas, rendered by latexify-py.

The notes implement ``corr2d`` and ``pool2d`` as 0-based Python loops.  The
chapter writes every formula 1-based with the letters of its notation table
(``n_h, n_w`` for the input, ``k_h, k_w`` for the kernel, ``i, j`` for
outputs, ``a, b`` for kernel taps), so the code it shows is the same code
written 1-based, over :class:`OneBased` arrays, with the same letters: a
reader sees one indexing convention and one set of letters throughout.

latexify-py prints a function from its source, but gets some constructs
wrong: ``(X[i:i + h, j:j + w] * K).sum()`` (the notes' ``corr2d``) comes out
as ``\\sum \\mathopen{}\\left( \\mathclose{}\\right)``, a slice is rejected,
``max(<generator>)`` is rejected, a tuple subscript ``X[i, j]`` prints as
``X_{(i, j)}``.  The functions below say the same thing in the constructs
it does handle: nested subscripts ``X[i][j]``, ``sum(... for a in
range(...) for b in range(...))``, explicit loops for the maximum.  Its
output is then set in the chapter's notation by two data tables,
:data:`IDENTIFIERS` (``\\mathrm{k\\_h}`` -> ``k_h``) and :data:`QUOTES`.
The functions are runnable: the tests check that each computes what symconv
computes, and that latexify prints exactly the formula meant.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .blocks import Block, Code, Display, Picture, para
from .text import to_md
from .words import say

__all__ = [
    "IDENTIFIERS",
    "REFERENCES",
    "OneBased",
    "Reference",
    "corr2d",
    "corr2d_entry",
    "output_size",
    "pool2d",
    "references_for",
    "zeros",
]


class OneBased:
    """A nested list indexed from 1, as the notes' formulas index ``[X]_{i,j}``.

    >>> X = OneBased([[0, 1, 2], [3, 4, 5]])
    >>> X[2][3], X.tolist()
    (5, [[0, 1, 2], [3, 4, 5]])
    """

    def __init__(self, data: list[Any]) -> None:
        self.data = data

    def __getitem__(self, i: int) -> Any:
        if not 1 <= i <= len(self.data):
            raise IndexError(f"index {i} outside 1 … {len(self.data)}")
        item = self.data[i - 1]
        return OneBased(item) if isinstance(item, list) else item

    def __setitem__(self, i: int, value: Any) -> None:
        if not 1 <= i <= len(self.data):
            raise IndexError(f"index {i} outside 1 … {len(self.data)}")
        self.data[i - 1] = value

    def tolist(self) -> list[Any]:
        return self.data


def zeros(rows: int, cols: int) -> OneBased:
    """A ``rows × cols`` array of zeros, indexed from 1 (the loops write into it).

    >>> zeros(1, 2).tolist()
    [[0, 0]]
    """
    return OneBased([[0] * cols for _ in range(rows)])


def output_size(n: int, k: int, s: int, p: int, d: int) -> int:
    """Window positions along one axis: input ``n``, kernel ``k``, stride ``s``, padding ``p`` per side, dilation ``d``.

    >>> output_size(8, 3, 2, 1, 1)
    4
    """
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def corr2d_entry(X: Any, K: Any, i: int, j: int, k_h: int, k_w: int) -> Any:
    """Entry ``(i, j)`` of the cross-correlation of ``X`` with a ``k_h × k_w`` kernel ``K`` (1-based).

    >>> corr2d_entry(OneBased([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), OneBased([[0, 1], [2, 3]]), 1, 1, 2, 2)
    19
    """
    return sum(
        X[i + a - 1][j + b - 1] * K[a][b]
        for a in range(1, k_h + 1)
        for b in range(1, k_w + 1)
    )  # fmt: skip


# fmt: off
def corr2d(X: Any, K: Any, n_h: int, n_w: int, k_h: int, k_w: int) -> OneBased:
    Y = zeros(n_h - k_h + 1, n_w - k_w + 1)
    for i in range(1, n_h - k_h + 2):
        for j in range(1, n_w - k_w + 2):
            Y[i][j] = sum(
                X[i + a - 1][j + b - 1] * K[a][b]
                for a in range(1, k_h + 1)
                for b in range(1, k_w + 1)
            )
    return Y
# fmt: on


# latexify's algorithmic style prints a docstring as a statement, so the loop forms get theirs here.
corr2d.__doc__ = """The notes' ``corr2d``, 1-based: an ``n_h × n_w`` input, a ``k_h × k_w`` kernel, loops over outputs.

    >>> X, K = OneBased([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), OneBased([[0, 1], [2, 3]])
    >>> corr2d(X, K, 3, 3, 2, 2).tolist()
    [[19, 25], [37, 43]]
    """


# fmt: off
def pool2d(X: Any, n_h: int, n_w: int, k_h: int, k_w: int, mode: str) -> OneBased:
    Y = zeros(n_h - k_h + 1, n_w - k_w + 1)
    for i in range(1, n_h - k_h + 2):
        for j in range(1, n_w - k_w + 2):
            if mode == "max":
                Y[i][j] = X[i][j]
                for a in range(1, k_h + 1):
                    for b in range(1, k_w + 1):
                        Y[i][j] = max(Y[i][j], X[i + a - 1][j + b - 1])
            else:
                Y[i][j] = sum(
                    X[i + a - 1][j + b - 1]
                    for a in range(1, k_h + 1)
                    for b in range(1, k_w + 1)
                ) / (k_h * k_w)
    return Y
# fmt: on


pool2d.__doc__ = """The notes' ``pool2d`` (stride 1), 1-based: the maximum by a loop, the mean by a double sum.

    >>> X = OneBased([[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    >>> pool2d(X, 3, 3, 2, 2, "max").tolist()
    [[4, 5], [7, 8]]
    >>> pool2d(X, 3, 3, 2, 2, "avg").tolist()
    [[2.0, 3.0], [5.0, 6.0]]
    """

#: latexify's spelling of a Python name -> the chapter's (``k_h`` is a subscripted k, as in the formulas).
IDENTIFIERS: Mapping[str, str] = MappingProxyType(
    {rf"\mathrm{{{c}\_{a}}}": f"{c}_{{{a}}}" for c in "nk" for a in "hw"}
    | {r"\mathrm{output\_size}": r"\mathrm{output\_size}"}
)
#: latexify's straight quotes around strings -> typographic quotes.
QUOTES: Mapping[str, str] = MappingProxyType({r'\textrm{"max"}': r"\textrm{``max''}"})


@dataclass(frozen=True)
class Reference:
    """A reference function, the section of the notes it belongs to, and how latexify renders it."""

    fn: Callable[..., Any]
    section: str
    caption: str
    algorithmic: bool = False

    def render(self) -> str:
        r"""The LaTeX latexify-py prints for the function, in the chapter's notation (MathJax-safe).

        >>> REFERENCES["output_size"].render().split(" = ")[0]
        '\\mathrm{output\\_size}(n, k, s, p, d)'
        >>> "k_{h}" in REFERENCES["corr2d"].render()
        True
        """
        latexify = importlib.import_module("latexify")  # loaded when a listing is rendered (symconv imports without it)
        styles = latexify.generate_latex.Style
        style = styles.IPYTHON_ALGORITHMIC if self.algorithmic else styles.FUNCTION
        text = latexify.get_latex(self.fn, style=style)
        for table in (IDENTIFIERS, QUOTES):
            for old, new in table.items():
                text = text.replace(old, new)
        return text

    def source(self) -> str:
        """The function's code, without its docstring.

        >>> print(REFERENCES["output_size"].source())
        def output_size(n: int, k: int, s: int, p: int, d: int) -> int:
            return (n + 2 * p - d * (k - 1) - 1) // s + 1
        """
        lines = inspect.getsource(self.fn).splitlines()
        out, skipping = [], False
        for line in lines:
            stripped = line.strip()
            if stripped.startswith('"""') and not skipping:
                skipping = not (stripped.endswith('"""') and len(stripped) > 3)
                continue
            if skipping:
                skipping = not stripped.endswith('"""')
                continue
            out.append(line.replace("  # fmt: skip", "").rstrip())  # formatter pragmas are not the notes' code
        return "\n".join(out)


#: Name -> reference function; the chapter shows each in its section.
REFERENCES: Mapping[str, Reference] = MappingProxyType(
    {
        "corr2d_entry": Reference(corr2d_entry, "6.1.4", "the index formula of cross-correlation"),
        "corr2d": Reference(corr2d, "6.1.4", "corr2d as loops", True),
        "output_size": Reference(output_size, "6.2.2", "output size (padding p per side, dilation d)"),
        "pool2d": Reference(pool2d, "6.3.1", "pool2d as loops (stride 1)", True),
    }
)


def references_for(section: str, lang: str = "en", listing: bool = True) -> list[Block]:
    """Blocks showing the reference functions of one section: the caption, the code (with ``listing``) and
    latexify-py's rendering of it.

    >>> [type(b).__name__ for b in references_for("6.2.2")]
    ['Para', 'Code', 'Display']
    >>> [type(b).__name__ for b in references_for("6.2.2", listing=False)]
    ['Para', 'Display']
    >>> [type(b).__name__ for b in references_for("6.3.1", listing=False)]  # an algorithm: a float
    ['Picture']
    >>> references_for("9.9")
    []
    """
    blocks: list[Block] = []
    for name, ref in REFERENCES.items():
        if ref.section != section:
            continue
        blocks.append(
            para(
                ("text", say("code_caption", lang, "@@").split("@@")[0]),
                ("code", name),
                (
                    "text",
                    say("code_caption", lang, "@@").split("@@")[1] + f" — {ref.caption}:"
                    if lang == "en"
                    else say("code_caption", lang, "@@").split("@@")[1] + "：",
                ),
            )
        )
        if listing:
            blocks.append(Code(ref.source()))
        if ref.algorithmic and not listing:  # a tall block: a float, so that it leaves no gap at a page break
            caption = blocks.pop().segs
            rendered = ref.render()
            blocks.append(Picture(f"\\[\n{rendered}\n\\]", caption, md=f"{to_md(list(caption))}\n\n$$\n{rendered}\n$$"))
        else:
            blocks.append(Display((ref.render(),)))
    return blocks
