"""symconv: convolution, correlation and pooling built from their index
formulas in SymPy, proved exactly, and cross-checked against NumPy and PyTorch.

>>> import symconv as sc
>>> X = sc.symbols("x", (3, 3)); K = sc.symbols("w", (2, 2))
>>> sc.corr2d(X, K).shape
(2, 2)
>>> sc.prove("conv_eq_corr_rot180").verdict
'proved'
"""

from . import latex, numeric  # latex also installs the notebook display of results
from .budget import max_terms
from .check import check
from .claims import Claim, verify
from .errors import BudgetError, ClaimError, ParameterError, ShapeError, SymconvError, UnknownTheoremError
from .prove import ProofResult, prove
from .spec import output_size
from .symbolic import (
    conv1d,
    conv2d,
    conv2d_vjp,
    conv3d,
    corr1d,
    corr2d,
    corr2d_multi_in,
    corr2d_multi_in_out,
    corr2d_multi_in_out_vjp,
    corr2d_vjp,
    corr3d,
    pad,
    pool1d,
    pool2d,
    pool2d_vjp,
    pool3d,
    rot180,
    symbols,
    vjp,
)
from .theorems import theorems
from .theorems.arithmetic import verify_output_size
from .version import __version__ as __version__

__all__ = [
    "BudgetError",
    "Claim",
    "ClaimError",
    "ParameterError",
    "ProofResult",
    "ShapeError",
    "SymconvError",
    "UnknownTheoremError",
    "check",
    "conv1d",
    "conv2d",
    "conv2d_vjp",
    "conv3d",
    "corr1d",
    "corr2d",
    "corr2d_multi_in",
    "corr2d_multi_in_out",
    "corr2d_multi_in_out_vjp",
    "corr2d_vjp",
    "corr3d",
    "latex",
    "max_terms",
    "numeric",
    "output_size",
    "pad",
    "pool1d",
    "pool2d",
    "pool2d_vjp",
    "pool3d",
    "prove",
    "rot180",
    "symbols",
    "theorems",
    "verify",
    "verify_output_size",
    "vjp",
]
