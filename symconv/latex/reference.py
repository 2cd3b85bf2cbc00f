"""The Python reference formulas, rendered by latexify-py.

latexify-py prints a function from its source, but gets some constructs
wrong: ``(X[i:i + h, j:j + w] * K).sum()`` (the notes' ``corr2d``) comes out
as ``\\sum \\mathopen{}\\left( \\mathclose{}\\right)``, a slice is rejected,
``max(<generator>)`` is rejected, a tuple subscript ``X[i, j]`` prints as
``X_{(i, j)}`` and a name like ``k_h`` as ``\\mathrm{k\\_h}``.  The functions
below say the same thing in the constructs it does handle: nested
subscripts ``X[i][j]``, ``sum(... for a in range(...) for b in range(...))``,
explicit loops for the maximum, single-letter names.  They are runnable:
the tests check that each computes what symconv computes, and that
latexify prints exactly the formula meant.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import latexify
from latexify import generate_latex

from .blocks import Block, Code, Display, para

__all__ = ["REFERENCES", "Reference", "corr2d", "corr2d_entry", "output_size", "pool2d", "references_for", "zeros"]


def zeros(m: int, n: int) -> list[list[Any]]:
    """An ``m × n`` list of zeros (the loops write into it).

    >>> zeros(1, 2)
    [[0, 0]]
    """
    return [[0] * n for _ in range(m)]


def output_size(n: int, k: int, s: int, p: int, d: int) -> int:
    """Window positions along one axis: input ``n``, kernel ``k``, stride ``s``, padding ``p`` per side, dilation ``d``.

    >>> output_size(8, 3, 2, 1, 1)
    4
    """
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def corr2d_entry(X: Any, K: Any, i: int, j: int, h: int, w: int) -> Any:
    """Entry ``(i, j)`` (1-based) of the cross-correlation of ``X`` with an ``h × w`` kernel ``K`` (1-based).

    >>> class OneBased(list):
    ...     def __getitem__(self, i):
    ...         item = list.__getitem__(self, i - 1)
    ...         return OneBased(item) if isinstance(item, list) else item
    >>> corr2d_entry(OneBased([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), OneBased([[0, 1], [2, 3]]), 1, 1, 2, 2)
    19
    """
    return sum(X[i + a - 1][j + b - 1] * K[a][b] for a in range(1, h + 1) for b in range(1, w + 1))


def corr2d(X: Any, K: Any, m: int, n: int, h: int, w: int) -> list[list[Any]]:
    Y = zeros(m - h + 1, n - w + 1)
    for i in range(m - h + 1):
        for j in range(n - w + 1):
            Y[i][j] = sum(X[i + a][j + b] * K[a][b] for a in range(h) for b in range(w))
    return Y


# latexify's algorithmic style prints a docstring as a statement, so the loop forms get theirs here.
corr2d.__doc__ = """The notes' ``corr2d``: an ``m × n`` input, an ``h × w`` kernel, loops over the output (0-based).

    >>> corr2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]], 3, 3, 2, 2)
    [[19, 25], [37, 43]]
    """


def pool2d(X: Any, m: int, n: int, h: int, w: int, mode: str) -> list[list[Any]]:
    Y = zeros(m - h + 1, n - w + 1)
    for i in range(m - h + 1):
        for j in range(n - w + 1):
            if mode == "max":
                Y[i][j] = X[i][j]
                for a in range(h):
                    for b in range(w):
                        Y[i][j] = max(Y[i][j], X[i + a][j + b])
            else:
                Y[i][j] = sum(X[i + a][j + b] for a in range(h) for b in range(w)) / (h * w)
    return Y


pool2d.__doc__ = """The notes' ``pool2d`` (stride 1): the maximum by an explicit loop, the mean by a double sum.

    >>> pool2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], 3, 3, 2, 2, "max")
    [[4, 5], [7, 8]]
    >>> pool2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], 3, 3, 2, 2, "avg")
    [[2.0, 3.0], [5.0, 6.0]]
    """


@dataclass(frozen=True)
class Reference:
    """A reference function, the section of the notes it belongs to, and how latexify renders it."""

    fn: Callable[..., Any]
    section: str
    caption: str
    algorithmic: bool = False

    def render(self) -> str:
        r"""The LaTeX latexify-py prints for the function (``array`` form for loops, MathJax-safe).

        >>> REFERENCES["output_size"].render().split(" = ")[0]
        '\\mathrm{output\\_size}(n, k, s, p, d)'
        """
        style = generate_latex.Style.IPYTHON_ALGORITHMIC if self.algorithmic else generate_latex.Style.FUNCTION
        return latexify.get_latex(self.fn, style=style)

    def source(self) -> str:
        """The function's code, without its docstring.

        >>> print(REFERENCES["output_size"].source())
        def output_size(n: int, k: int, s: int, p: int, d: int) -> int:
            return (n + 2 * p - d * (k - 1) - 1) // s + 1
        """
        import inspect

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
            out.append(line.rstrip())
        return "\n".join(out)


#: Name -> reference function; the chapter shows each in its section.
REFERENCES: Mapping[str, Reference] = MappingProxyType(
    {
        "corr2d_entry": Reference(corr2d_entry, "6.1.4", "the notes' index formula of cross-correlation (1-based)"),
        "corr2d": Reference(corr2d, "6.1.4", "the notes' corr2d as loops (0-based, like its Python)", True),
        "output_size": Reference(output_size, "6.2.2", "the output size (padding p per side, dilation d)"),
        "pool2d": Reference(pool2d, "6.3.1", "the notes' pool2d as loops (stride 1)", True),
    }
)


def references_for(section: str) -> list[Block]:
    """Blocks showing the reference functions of one section of the notes.

    >>> [type(b).__name__ for b in references_for("6.2.2")]
    ['Para', 'Code', 'Display']
    >>> references_for("9.9")
    []
    """
    blocks: list[Block] = []
    for name, ref in REFERENCES.items():
        if ref.section != section:
            continue
        blocks.append(
            para(
                ("text", "Reference "),
                ("code", name),
                ("text", f" ({ref.caption}), rendered by latexify-py from this Python:"),
            )
        )
        blocks.append(Code(ref.source()))
        blocks.append(Display((ref.render(),)))
    return blocks
