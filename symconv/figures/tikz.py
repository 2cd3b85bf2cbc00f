"""A scene as TikZ: the padded input, the kernel and the output, then one panel per window.

Each panel draws the (padded, or stretched) input with the window's cells
filled and the kernel tap each reads written in them, the output with the
cell the window produces filled, and the output's entry below, printed from
the symbolic operator.  A ceil-mode window PyTorch drops is drawn dashed and
produces no output cell.  Only ``tikz`` is needed (Debian's
``texlive-pictures``); the picture compiles with pdflatex and xelatex.
"""

from __future__ import annotations

from ..latex.width import math_width
from .scene import Frame, Grid, Scene, panels

__all__ = ["COLORS", "standalone", "tikz"]

#: Cell kinds -> TikZ fill and draw options.
COLORS = {
    "input": "fill=white",
    "pad": "fill=black!8, densely dotted",
    "zero": "fill=black!4",
    "extra": "fill=orange!25",
    "beyond": "draw=black!30, dotted",
    "kernel": "fill=green!12",
    "output": "fill=white",
}
WINDOW = "fill=blue!22"
TARGET = "fill=red!30"
DROPPED = "draw=red, dashed, thick"
BIG, SMALL = 0.5, 0.28  # cm per cell: the overview, the panels
LINE = 0.36  # cm per line of a panel's caption (\scriptsize)
PT_PER_CM = 28.45
TEXT_WIDTH = 17.0  # cm available for a row of panels
GAP = 0.35  # cm between two panels


def _grid(grid: Grid, x: float, y: float, size: float, labels: bool, font: str) -> list[str]:
    out = []
    rows, cols = grid.shape
    for r in range(rows):
        for c in range(cols):
            x0, y0 = x + c * size, y - (r + 1) * size
            style = COLORS.get(grid.kinds[r][c], "")
            out.append(rf"\draw[{style}] ({x0:.3f},{y0:.3f}) rectangle +({size},{size});")
            if labels and grid.labels[r][c]:
                out.append(
                    rf"\node[font={font}, inner sep=0pt] at ({x0 + size / 2:.3f},{y0 + size / 2:.3f}) "
                    rf"{{${grid.labels[r][c]}$}};"
                )
    return out


def _caption(text: str, x: float, y: float, width: float) -> str:
    style = rf"anchor=north, text width={width:.2f}cm, align=center, font=\scriptsize"
    return rf"\node[{style}] at ({x:.3f},{y:.3f}) {{{text}}};"


def _name(grid: Grid, x: float, y: float, width: float) -> str:
    return rf"\node[anchor=south, font=\small] at ({x + width / 2:.3f},{y + 0.05:.3f}) {{${grid.name}$}};"


def _overview(sc: Scene) -> tuple[list[str], float]:
    """Input, kernel and output side by side, labelled; returns the lines and the height used (cm)."""
    lines, x = [], 0.0
    grids = [sc.input] + ([sc.kernel] if sc.kernel is not None else []) + [sc.output]
    if sc.gradient is not None:
        grids.append(sc.gradient)
    width = sum(g.shape[1] for g in grids) * BIG + 0.8 * (len(grids) - 1)
    size = BIG if width <= TEXT_WIDTH else BIG * TEXT_WIDTH / width
    height = 0.0
    for grid in grids:
        lines += _grid(grid, x, 0.0, size, True, r"\tiny")
        lines.append(_name(grid, x, 0.0, grid.shape[1] * size))
        x += grid.shape[1] * size + 0.8 * size / BIG
        height = max(height, grid.shape[0] * size)
    return lines, height + 0.9


def _panel(sc: Scene, frame: Frame, x: float, y: float) -> list[str]:
    lines = _grid(sc.input, x, y, SMALL, False, r"\tiny")
    index = frame.kernel_index or ((),) * len(frame.cells)
    for (r, c), tap in zip(frame.cells, index):
        style = DROPPED if frame.dropped else WINDOW
        x0, y0 = x + c * SMALL, y - (r + 1) * SMALL
        lines.append(rf"\draw[{style}] ({x0:.3f},{y0:.3f}) rectangle +({SMALL},{SMALL});")
        if tap:  # the kernel tap this cell meets, as its index a,b
            lines.append(
                rf"\node[font=\fontsize{{5}}{{5}}\selectfont, inner sep=0pt] at "
                rf"({x0 + SMALL / 2:.3f},{y0 + SMALL / 2:.3f}) {{{tap[0]}{tap[1]}}};"
            )
    if frame.target is not None:
        r, c = frame.target
        lines.append(rf"\draw[{TARGET}] ({x + c * SMALL:.3f},{y - (r + 1) * SMALL:.3f}) rectangle +({SMALL},{SMALL});")
    ox = x + sc.input.shape[1] * SMALL + 0.25
    lines += _grid(sc.output, ox, y, SMALL, False, r"\tiny")
    if frame.out is not None:
        i, j = frame.out
        lines.append(f"% output cell {i + 1},{j + 1}")
        lines.append(rf"\draw[{WINDOW}] ({ox + j * SMALL:.3f},{y - (i + 1) * SMALL:.3f}) rectangle +({SMALL},{SMALL});")
    else:
        lines.append("% dropped window")
    return lines


def _panel_width(sc: Scene) -> float:
    return (sc.input.shape[1] + sc.output.shape[1]) * SMALL + 0.25


def caption_lines(sc: Scene, width: float) -> int:
    """Lines the longest panel caption takes at ``width`` cm: its printed width (:func:`math_width`, 10pt)
    scaled to ``\\scriptsize`` (7pt), with a tenth to spare.

    >>> from symconv.figures.scene import scene
    >>> caption_lines(scene("corr2d", 3, 2), 3.0)
    2
    """
    longest = max((math_width(f.entry) for f in sc.frames), default=0.0) * 0.7 * 1.1 / PT_PER_CM
    return max(1, int(-(-longest // width)))


def tikz(sc: Scene, overview: bool = True) -> str:
    """The scene as a ``tikzpicture``: the overview (input, kernel, output), then one panel per window.

    >>> from symconv.figures.scene import scene
    >>> text = tikz(scene("corr2d", 3, 2))
    >>> text.count("% output cell")  # one highlighted output cell per window
    4
    >>> text.startswith("\\\\begin{tikzpicture}") and text.rstrip().endswith("\\\\end{tikzpicture}")
    True
    """
    lines: list[str] = []
    y = 0.0
    if overview:
        head, height = _overview(sc)
        lines += head
        y = -height
    width = _panel_width(sc)
    per_row = max(1, int((TEXT_WIDTH + GAP) // (width + GAP)))
    row_height = sc.input.shape[0] * SMALL + 0.35 + LINE * caption_lines(sc, width + 0.4)
    for n, frame in enumerate(panels(sc)):
        col, row = n % per_row, n // per_row
        x0, y0 = col * (width + GAP), y - row * row_height
        lines += _panel(sc, frame, x0, y0)
        label = r"\textcolor{red}{dropped}" if frame.dropped else f"${frame.entry}$"
        lines.append(_caption(label, x0 + width / 2, y0 - sc.input.shape[0] * SMALL - 0.05, width + 0.4))
    return "\\begin{tikzpicture}\n" + "\n".join(lines) + "\n\\end{tikzpicture}"


def standalone(sc: Scene) -> str:
    r"""A complete LaTeX document of the figure (``standalone`` is not needed: an ``article`` page).

    >>> from symconv.figures.scene import scene
    >>> standalone(scene("conv2d", 3, 2)).startswith("\\documentclass")
    True
    """
    return (
        "\\documentclass[11pt,a4paper]{article}\n\\usepackage{amsmath}\n\\usepackage{amssymb}\n"
        "\\usepackage[margin=1.5cm]{geometry}\n\\usepackage{tikz}\n\\pagestyle{empty}\n\\begin{document}\n"
        f"\\noindent {tikz(sc)}\n\n\\end{{document}}\n"
    )
