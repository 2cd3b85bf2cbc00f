"""Symbolic operators: SymPy arrays built from the textbook index formulas.

This is the first of symconv's three witnesses (symbolic, NumPy, PyTorch);
it shares no computational code with the other two.
"""

from ..spec import output_size
from .grad import (
    conv1d_vjp,
    conv2d_vjp,
    conv3d_vjp,
    corr1d_vjp,
    corr2d_multi_in_out_vjp,
    corr2d_vjp,
    corr3d_vjp,
    pool1d_vjp,
    pool2d_vjp,
    pool3d_vjp,
    vjp,
)
from .ops import conv1d, conv2d, conv3d, conv_transpose, corr1d, corr2d, corr2d_multi_in, corr2d_multi_in_out, corr3d
from .pool import pool1d, pool2d, pool3d
from .tensor import Array, as_array, pad, rot180, symbols

__all__ = [
    "Array",
    "as_array",
    "conv1d",
    "conv1d_vjp",
    "conv2d",
    "conv2d_vjp",
    "conv3d",
    "conv3d_vjp",
    "conv_transpose",
    "corr1d",
    "corr1d_vjp",
    "corr2d",
    "corr2d_multi_in",
    "corr2d_multi_in_out",
    "corr2d_multi_in_out_vjp",
    "corr2d_vjp",
    "corr3d",
    "corr3d_vjp",
    "output_size",
    "pad",
    "pool1d",
    "pool1d_vjp",
    "pool2d",
    "pool2d_vjp",
    "pool3d",
    "pool3d_vjp",
    "rot180",
    "symbols",
    "vjp",
]
