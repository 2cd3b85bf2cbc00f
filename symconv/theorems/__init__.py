"""Registered theorems, one module per family of the notes.

Importing this package registers every family (the registry is data that the
prover, the CLI, the LaTeX chapter and the tests read).
"""

from . import (  # noqa: F401
    arithmetic,
    channels,
    conv_corr,
    counting,
    equivariance,
    fc,
    gradients,
    identities,
    matrix,
    pooling,
    shapes,
    wide,
)
from .registry import General, Theorem, general, get, normalize_sizes, proved, register, theorem, theorems

__all__ = ["General", "Theorem", "general", "get", "normalize_sizes", "proved", "register", "theorem", "theorems"]
