"""Check anyone's convolution and pooling code exactly, and say what it computes instead.

>>> from symconv import numeric
>>> from symconv.testing import assert_implements
>>> assert_implements(numeric.pool2d, "max_pool2d", backward=numeric.pool2d_vjp).passed
True
"""

from .adapters import LAYOUTS
from .check import Report, assert_implements, check_implementation
from .configs import OPS, ConvConfig, PoolConfig, default_grid
from .diagnose import diagnose

__all__ = [
    "LAYOUTS",
    "OPS",
    "ConvConfig",
    "PoolConfig",
    "Report",
    "assert_implements",
    "check_implementation",
    "default_grid",
    "diagnose",
]
