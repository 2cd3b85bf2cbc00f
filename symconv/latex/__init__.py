"""LaTeX for course notes, printed from the very expressions that were proved.

>>> import symconv as sc
>>> from symconv.latex import latex
>>> X, W = sc.symbols("x", (3, 3)), sc.symbols("w", (2, 2))
>>> latex(sc.corr2d(X, W)[0, 0]).startswith(r"[\\mathbf{X}]_{1,1}[\\mathbf{W}]_{1,1} + ")
True
"""

from ..result import DISPLAY
from .document import chapter, collect, result_latex, theorem_blocks, theorem_latex, theorem_section
from .notation import Notation
from .printer import SymconvLatexPrinter, latex

__all__ = [
    "Notation",
    "SymconvLatexPrinter",
    "chapter",
    "collect",
    "latex",
    "result_latex",
    "theorem_blocks",
    "theorem_latex",
    "theorem_section",
]

DISPLAY["latex"] = result_latex  # ProofResult._repr_latex_ (notebooks)
DISPLAY["theorem"] = theorem_latex  # Theorem._repr_latex_
