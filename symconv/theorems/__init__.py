"""Registered theorems, one module per family of the notes."""

from .registry import Theorem, get, normalize_sizes, register, theorem, theorems

__all__ = ["Theorem", "get", "normalize_sizes", "register", "theorem", "theorems"]
