"""Symbolic operators: SymPy arrays built from the textbook index formulas.

This is the first of symconv's three witnesses (symbolic, NumPy, PyTorch);
it shares no computational code with the other two.
"""

from ..spec import output_size
from .grad import conv2d_vjp, corr2d_multi_in_out_vjp, corr2d_vjp, pool2d_vjp, vjp
from .ops import conv1d, conv2d, corr1d, corr2d, corr2d_multi_in, corr2d_multi_in_out
from .pool import pool2d
from .tensor import Array, as_array, pad, rot180, symbols

__all__ = [
    "Array",
    "as_array",
    "conv1d",
    "conv2d",
    "conv2d_vjp",
    "corr1d",
    "corr2d",
    "corr2d_multi_in",
    "corr2d_multi_in_out",
    "corr2d_multi_in_out_vjp",
    "corr2d_vjp",
    "output_size",
    "pad",
    "pool2d",
    "pool2d_vjp",
    "rot180",
    "symbols",
    "vjp",
]
