"""Figures of every window, drawn from the window primitive the proofs use.

``scene(op, n, k, s, p, d, ceil)`` computes what a figure shows (the padded
input, the kernel, the output, and each window with the output entry it
produces); :func:`tikz` writes it as TikZ for LaTeX notes, :func:`save`
as SVG, PNG (matplotlib, the ``plot`` extra) or an animated GIF of the
window sliding.  ``symconv figure OP …`` is the command line.

>>> sc = scene("conv2d", 4, 3)
>>> sc.out_shape, len(sc.windows)
((2, 2), 4)
>>> tikz(sc).startswith("\\\\begin{tikzpicture}")
True
"""

from .chapter import CHAPTER_FIGURES, THEOREM_FIGURES, chapter_figures
from .raster import save
from .scene import OPERATORS, Frame, Grid, Scene, scene
from .tikz import standalone, tikz

__all__ = [
    "CHAPTER_FIGURES",
    "OPERATORS",
    "THEOREM_FIGURES",
    "Frame",
    "Grid",
    "Scene",
    "chapter_figures",
    "save",
    "scene",
    "standalone",
    "tikz",
]
