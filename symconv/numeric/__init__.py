"""NumPy reference implementation: the independent numeric witness.

The same functions, with the same signatures, as the symbolic operators of
:mod:`symconv`, computed by a different algorithm that shares no code with
them: each operator pads the input (``np.pad``), takes every window at once
(``sliding_window_view``, then ``[::s]`` for the stride and ``[..., ::d]`` for
the dilation) and reduces it: correlations copy the windows into an im2col
buffer and multiply by the kernels with one BLAS product per chunk
(``np.einsum`` for exact object arrays), pooling takes ``max`` or ``sum`` tap
by tap.  The gradients (:mod:`symconv.numeric.grad`) scatter with
``np.add.at`` over the same windows.  Output
shapes come out of that algorithm, never from the closed formula of
:func:`symconv.output_size`, so the formula can be checked against them.
Only parameter validation is shared (:mod:`symconv.spec`).

Inputs may be nested lists, NumPy arrays, or SymPy matrices/arrays.  float32
and float64 keep their dtype; object arrays (SymPy input becomes one) stay
object, so exact numbers (ints, Fractions, SymPy Rationals) are computed
exactly; other real inputs become float64; complex input is rejected.

>>> from symconv import numeric as npc
>>> npc.corr2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]])
array([[19., 25.],
       [37., 43.]])
"""

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
)
from .ops import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose,
    corr1d,
    corr2d,
    corr2d_multi_in,
    corr2d_multi_in_out,
    corr3d,
    pad,
    rot180,
)
from .pool import pool1d, pool2d, pool3d

__all__ = [
    "conv1d",
    "conv1d_vjp",
    "conv2d",
    "conv2d_vjp",
    "conv3d",
    "conv3d_vjp",
    "conv_transpose",
    "corr1d_vjp",
    "corr3d",
    "corr3d_vjp",
    "pool1d",
    "pool1d_vjp",
    "pool3d",
    "pool3d_vjp",
    "corr2d_multi_in_out_vjp",
    "corr2d_vjp",
    "pool2d_vjp",
    "corr1d",
    "corr2d",
    "corr2d_multi_in",
    "corr2d_multi_in_out",
    "pad",
    "pool2d",
    "rot180",
]
