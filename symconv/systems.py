"""Number systems in which a theorem's two sides are evaluated.

A theorem's ``sides(B, ...)`` function calls operators and a little tensor
algebra on ``B``; ``B`` is one of the systems below.  Each system delegates
the operators to its own, independent implementation:

* :data:`SYMPY` — :mod:`symconv.symbolic` (exact, from the index formulas);
* :data:`NUMPY` — :mod:`symconv.numeric` (sliding windows + einsum);
* :func:`torch_system` — :mod:`symconv.backends.torch` (``torch.nn.functional``).
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import sympy

__all__ = ["NUMPY", "SYMPY", "System", "torch_system"]


class System:
    """Operators of one implementation plus the tensor algebra theorems need."""

    name = "abstract"
    module_name = ""

    def __getattr__(self, op: str) -> Any:
        if op.startswith("_"):
            raise AttributeError(op)
        return getattr(importlib.import_module(self.module_name), op)

    def asarray(self, values: np.ndarray) -> Any:  # numpy values -> system array
        raise NotImplementedError

    def to_numpy(self, value: Any) -> np.ndarray:
        raise NotImplementedError

    def shape(self, value: Any) -> tuple[int, ...]:
        return tuple(value.shape)

    def reshape(self, value: Any, shape: tuple[int, ...]) -> Any:
        return value.reshape(*shape)

    def matmul(self, a: Any, b: Any) -> Any:
        return a @ b

    def __repr__(self) -> str:
        return f"<system {self.name}>"


class SymPySystem(System):
    name = "sympy"
    module_name = "symconv.symbolic"

    def asarray(self, values: np.ndarray) -> Any:
        return sympy.ImmutableDenseNDimArray(values.tolist())

    def to_numpy(self, value: Any) -> np.ndarray:
        return np.array(value.tolist(), dtype=object)

    def reshape(self, value: Any, shape: tuple[int, ...]) -> Any:
        return value.reshape(*shape)

    def matmul(self, a: Any, b: Any) -> Any:
        product = sympy.Matrix(a.tolist()) * sympy.Matrix(b.tolist())
        return sympy.ImmutableDenseNDimArray(product.tolist())


class NumPySystem(System):
    name = "numpy"
    module_name = "symconv.numeric"

    def asarray(self, values: np.ndarray) -> Any:
        return np.asarray(values, dtype=np.float64)

    def to_numpy(self, value: Any) -> np.ndarray:
        return np.asarray(value)


class TorchSystem(System):
    name = "torch"
    module_name = "symconv.backends.torch"

    def __init__(self, device: str) -> None:
        self.device = device
        self.name = "torch" if device == "cpu" else device

    def asarray(self, values: np.ndarray) -> Any:
        import torch

        return torch.as_tensor(np.asarray(values, dtype=np.float64), device=self.device)

    def to_numpy(self, value: Any) -> np.ndarray:
        return value.detach().cpu().numpy()


SYMPY = SymPySystem()
NUMPY = NumPySystem()


def torch_system(device: str = "cpu") -> TorchSystem:
    """The PyTorch system on ``device`` ("cpu" or "cuda"), float64."""
    return TorchSystem(device)
