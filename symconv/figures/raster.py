"""A scene as SVG, PNG or an animated GIF, through matplotlib (the optional ``plot`` extra).

The layout is the TikZ one (:mod:`~symconv.figures.tikz`): the overview,
then one panel per window; a GIF shows the panels one after the other, the
window sliding.  matplotlib is imported when a file is written, so symconv
works without it; without it :func:`save` says how to install it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import ParameterError
from ..latex.breaking import fit
from .scene import Frame, Grid, Scene, panels
from .tikz import BIG, LINE, PT_PER_CM, SMALL, TEXT_WIDTH, caption_lines

__all__ = ["SUFFIXES", "save"]

SUFFIXES = (".svg", ".png", ".gif")
#: Cell kinds -> matplotlib face colours (the TikZ colours).
FACES = {
    "input": "white",
    "pad": "#ebebeb",
    "zero": "#f5f5f5",
    "extra": "#ffdfbf",
    "beyond": "none",
    "kernel": "#e0f5e0",
    "output": "white",
}
WINDOW, TARGET, DROPPED = "#c7c7f9", "#ffb3b3", "red"
CM = 1 / 2.54  # inches per cm


def _plt() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise ImportError("symconv figures as SVG/PNG need matplotlib: pip install 'symconv[plot]'") from err
    return plt


def _math(tex: str) -> str:
    """LaTeX for matplotlib's mathtext (no \\left/\\right sizing, no \\operatorname); a null delimiter
    (``\\left.``, ``\\right.``, where a line cuts a bracket pair) is dropped whole, not left as a dot.

    >>> _math(r"\\left(a + b \\right.")
    '$(a + b $'
    """
    tex = tex.replace(r"\left.", "").replace(r"\right.", "")
    tex = tex.replace(r"\left", "").replace(r"\right", "")
    return f"${tex}$" if tex else ""


def _label(tex: str, width: float, fontsize: float) -> str:
    """An entry as mathtext lines that fit ``width`` (drawing cm, shown 1.6 times larger) at ``fontsize``
    pt: broken by :func:`~symconv.latex.breaking.fit`, each line its own ``$…$`` (matplotlib's ``wrap``
    would cut inside the math and print it raw).

    >>> _label("a + b", 5.0, 4.5)
    '$a + b$'
    >>> _label("x_{1,1} w_{1,1} + x_{1,3} w_{1,2} + x_{3,1} w_{2,1}", 0.6, 4.5).count("$")
    6
    """
    room = width * 1.6 * PT_PER_CM * 10 / fontsize / 1.4  # in math_width's 10pt points (DejaVu is wider)
    return "\n".join(_math(line) for line in fit(tex, room))


def _draw_grid(ax: Any, grid: Grid, x: float, y: float, size: float, labels: bool, fontsize: float) -> None:
    from matplotlib.patches import Rectangle

    rows, cols = grid.shape
    for r in range(rows):
        for c in range(cols):
            kind = grid.kinds[r][c]
            ax.add_patch(
                Rectangle(
                    (x + c * size, y - (r + 1) * size),
                    size,
                    size,
                    facecolor=FACES.get(kind, "white"),
                    edgecolor="0.6" if kind in ("pad", "beyond") else "black",
                    linestyle=":" if kind in ("pad", "beyond") else "-",
                    linewidth=0.6,
                )
            )
            if labels and grid.labels[r][c]:
                ax.text(
                    x + (c + 0.5) * size,
                    y - (r + 0.5) * size,
                    _math(grid.labels[r][c]),
                    ha="center",
                    va="center",
                    fontsize=fontsize,
                )


def _box(ax: Any, x: float, y: float, size: float, colour: str, dashed: bool = False) -> None:
    from matplotlib.patches import Rectangle

    ax.add_patch(
        Rectangle(
            (x, y),
            size,
            size,
            facecolor="none" if dashed else colour,
            edgecolor=colour if dashed else "black",
            linestyle="--" if dashed else "-",
            linewidth=1.2 if dashed else 0.6,
            alpha=1.0,
        )
    )


def _panel(ax: Any, sc: Scene, frame: Frame, x: float, y: float, fontsize: float) -> None:
    _draw_grid(ax, sc.input, x, y, SMALL, False, fontsize)
    index = frame.kernel_index or ((),) * len(frame.cells)
    for (r, c), tap in zip(frame.cells, index):
        _box(ax, x + c * SMALL, y - (r + 1) * SMALL, SMALL, DROPPED if frame.dropped else WINDOW, frame.dropped)
        if tap:
            ax.text(
                x + (c + 0.5) * SMALL,
                y - (r + 0.5) * SMALL,
                f"{tap[0]}{tap[1]}",
                ha="center",
                va="center",
                fontsize=3.5,
            )
    if frame.target is not None:
        r, c = frame.target
        _box(ax, x + c * SMALL, y - (r + 1) * SMALL, SMALL, TARGET)
    ox = x + sc.input.shape[1] * SMALL + 0.25
    _draw_grid(ax, sc.output, ox, y, SMALL, False, fontsize)
    if frame.out is not None:
        i, j = frame.out
        _box(ax, ox + j * SMALL, y - (i + 1) * SMALL, SMALL, WINDOW)
    width = (sc.input.shape[1] + sc.output.shape[1]) * SMALL + 0.25
    label = "dropped" if frame.dropped else _label(frame.entry, width, 4.5)
    ax.text(
        x + width / 2,
        y - sc.input.shape[0] * SMALL - 0.12,
        label,
        ha="center",
        va="top",
        fontsize=4.5,
        color="red" if frame.dropped else "black",
    )


def _figure(sc: Scene, frames: list[Frame], overview: bool) -> Any:
    plt = _plt()
    width = (sc.input.shape[1] + sc.output.shape[1]) * SMALL + 0.25
    per_row = max(1, int((TEXT_WIDTH + 0.5) // (width + 0.5)))
    rows = -(-len(frames) // per_row)
    row_height = sc.input.shape[0] * SMALL + 0.35 + LINE * caption_lines(sc, width + 0.4)
    grids = [sc.input] + ([sc.kernel] if sc.kernel is not None else []) + [sc.output]
    if sc.gradient is not None:
        grids.append(sc.gradient)
    top = max(g.shape[0] for g in grids) * BIG + 0.9 if overview else 0.0
    total_w = max(min(per_row, len(frames)) * (width + 0.5), sum(g.shape[1] for g in grids) * BIG + 0.8 * len(grids))
    total_h = top + rows * row_height
    fig = plt.figure(figsize=(total_w * CM * 1.6, total_h * CM * 1.6))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.1, total_w)
    ax.set_ylim(-total_h, 0.45)
    ax.set_aspect("equal")
    ax.axis("off")
    if overview:
        x = 0.0
        for grid in grids:
            _draw_grid(ax, grid, x, 0.0, BIG, True, 5)
            ax.text(x + grid.shape[1] * BIG / 2, 0.08, _math(grid.name), ha="center", va="bottom", fontsize=8)
            x += grid.shape[1] * BIG + 0.8
    for n, frame in enumerate(frames):
        col, row = n % per_row, n // per_row
        _panel(ax, sc, frame, col * (width + 0.5), -top - row * row_height, 5)
    return fig


def save(sc: Scene, path: str | Path, dpi: int = 200) -> Path:
    """Write the scene to ``path``: ``.svg`` or ``.png`` (every window as a panel) or ``.gif`` (the window
    sliding, one frame per window).

    >>> import tempfile, pathlib
    >>> from symconv.figures.scene import scene
    >>> out = save(scene("corr2d", 3, 2), pathlib.Path(tempfile.mkdtemp()) / "corr.svg")
    >>> out.read_text().count("<svg") >= 1
    True
    """
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise ParameterError("path", str(path), f"a file name ending in {', '.join(SUFFIXES)}")
    plt = _plt()
    frames = list(panels(sc))
    if path.suffix.lower() != ".gif":
        fig = _figure(sc, frames, overview=True)
        fig.savefig(path, dpi=dpi)
        plt.close(fig)
        return path
    from PIL import Image  # matplotlib's own dependency

    images = []
    for frame in frames:  # one picture per window: the window sliding
        fig = _figure(sc, [frame], overview=True)
        fig.canvas.draw()
        images.append(Image.frombuffer("RGBA", fig.canvas.get_width_height(), fig.canvas.buffer_rgba()).convert("P"))
        plt.close(fig)
    images[0].save(path, save_all=True, append_images=images[1:], duration=900, loop=0)
    return path
