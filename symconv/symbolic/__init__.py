"""Symbolic operators: SymPy arrays built from the textbook index formulas.

This is the first of symconv's three witnesses (symbolic, NumPy, PyTorch);
it shares no computational code with the other two.
"""

from ..spec import output_size
from .ops import conv1d, conv2d, corr1d, corr2d, corr2d_multi_in, corr2d_multi_in_out
from .pool import pool2d
from .tensor import Array, as_array, pad, rot180, symbols

__all__ = [
    "Array",
    "as_array",
    "conv1d",
    "conv2d",
    "corr1d",
    "corr2d",
    "corr2d_multi_in",
    "corr2d_multi_in_out",
    "output_size",
    "pad",
    "pool2d",
    "rot180",
    "symbols",
]
