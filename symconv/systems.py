"""Number systems in which a theorem's two sides are evaluated.

A theorem's ``sides(B, ...)`` function calls operators and a little tensor
algebra on ``B``; ``B`` is one of the systems below.  Each system delegates
the operators to its own, independent implementation:

* :data:`SYMPY` — :mod:`symconv.symbolic` (exact, from the index formulas;
  gradients by SymPy differentiation);
* :data:`SPARSE` — the same :mod:`symconv.symbolic` operators (the same code
  as :data:`SYMPY`) run on sparse polynomials with rational coefficients
  (:mod:`symconv.symbolic.sparse`): the fast exact engine;
* :data:`NUMPY` — :mod:`symconv.numeric` (sliding windows + einsum; gradients
  by the NumPy VJP reference);
* :func:`torch_system` — :mod:`symconv.backends.torch` (``torch.nn.functional``;
  gradients by ``torch.autograd``).

The tensor algebra (``stack``, ``dilate``, ``crop``, elementwise products,
indicator masks, the activation of :func:`delta_recursion`) acts on the last
one or two (spatial) axes, like the operators.
"""

from __future__ import annotations

import importlib
import itertools
from typing import Any

import numpy as np
import sympy

from .backends.torch import corr2d_multi_in_out, grad
from .numeric.grad import corr2d_multi_in_out_vjp, pool2d_vjp
from .symbolic.grad import vjp
from .symbolic.sparse import NotPolynomial, PolyArray, poly_sum
from .symbolic.tensor import entries, flat
from .symbolic.tensor import entries as _entries
from .symbolic.tensor import flat as _flat

__all__ = ["System", "SYMPY", "SPARSE", "NUMPY", "torch_system", "ACTIVATION"]

#: The activation of layer l in ``delta_recursion``: symbolic ``f`` in SymPy,
#: realised as ``tanh`` in the numeric systems.
ACTIVATION = sympy.Function("f")


def _spatial(rank: int) -> int:
    return 1 if rank == 1 else 2


class System:
    """Operators of one implementation plus the tensor algebra theorems need."""

    name = "abstract"
    module_name = ""
    grad_module_name = ""

    def __getattr__(self, op: str) -> Any:
        if op.startswith("_"):
            raise AttributeError(op)
        module = importlib.import_module(self.module_name)
        if hasattr(module, op):
            return getattr(module, op)
        return getattr(importlib.import_module(self.grad_module_name), op)

    def __repr__(self) -> str:
        return f"<system {self.name}>"

    # conversions ---------------------------------------------------------------------------------
    def asarray(self, values: Any) -> Any:
        raise NotImplementedError

    def to_numpy(self, value: Any) -> np.ndarray:
        raise NotImplementedError

    def shape(self, value: Any) -> tuple[int, ...]:
        return tuple(int(n) for n in value.shape)

    # algebra shared by NumPy and torch -----------------------------------------------------------
    def reshape(self, value: Any, shape: tuple[int, ...]) -> Any:
        return value.reshape(*shape)

    def matmul(self, a: Any, b: Any) -> Any:
        return a @ b

    def mul(self, a: Any, b: Any) -> Any:
        return a * b

    def div(self, a: Any, b: Any) -> Any:
        return a / b

    def add(self, a: Any, b: Any) -> Any:
        return a + b

    def crop(self, value: Any, pads: tuple[tuple[int, int], ...]) -> Any:
        """Remove ``(lo, hi)`` cells from each spatial axis."""
        dims = len(pads)
        index = (Ellipsis,) + tuple(slice(lo, n - hi) for (lo, hi), n in zip(pads, self.shape(value)[-dims:]))
        return value[index]

    def onehot(self, shape: tuple[int, ...], index: tuple[int, ...]) -> Any:
        e = np.zeros(shape)
        e[index] = 1
        return self.asarray(e)

    def ones(self, shape: tuple[int, ...]) -> Any:
        return self.asarray(np.ones(shape))

    def take(self, value: Any, index: np.ndarray) -> Any:
        """Gather: ``[out]_j = flat(value)[index_j]`` (row-major), and 0 where ``index_j = -1``.

        The result has the shape of the integer array ``index``.  Shifts,
        circular padding, permutations of cells, subsampling and the
        Toeplitz and im2col matrices are all index arrays for this one map.
        """
        raise NotImplementedError

    def dft(self, value: Any) -> tuple[Any, Any]:
        """``(Re, Im)`` of the discrete Fourier transform over every axis."""
        raise NotImplementedError

    def dilate(self, value: Any, stride: tuple[int, ...]) -> Any:
        """Insert ``s - 1`` zeros between neighbours along each spatial axis."""
        shape = self.shape(value)
        dims = len(stride)
        new = shape[:-dims] + tuple(s * (n - 1) + 1 for n, s in zip(shape[-dims:], stride))
        out = self.zeros_like_shape(value, new)
        out[(Ellipsis,) + tuple(slice(None, None, s) for s in stride)] = value
        return out


class SymPySystem(System):
    name = "sympy"
    module_name = "symconv.symbolic"
    grad_module_name = "symconv.symbolic.grad"

    def asarray(self, values: Any) -> Any:
        return sympy.ImmutableDenseNDimArray(np.asarray(values).tolist())

    def to_numpy(self, value: Any) -> np.ndarray:
        return np.array(value.tolist(), dtype=object)

    def matmul(self, a: Any, b: Any) -> Any:
        product = sympy.Matrix(a.tolist()) * sympy.Matrix(b.tolist())
        return sympy.ImmutableDenseNDimArray(product.tolist())

    def _zip(self, a: Any, b: Any, fn: Any) -> Any:

        if not isinstance(b, sympy.NDimArray):
            return a.applyfunc(lambda x: fn(x, b))
        return flat([fn(x, y) for x, y in zip(entries(a), entries(b))], self.shape(a))

    def mul(self, a: Any, b: Any) -> Any:
        return self._zip(a, b, lambda x, y: x * y)

    def div(self, a: Any, b: Any) -> Any:
        return self._zip(a, b, lambda x, y: x / y)

    def add(self, a: Any, b: Any) -> Any:
        return self._zip(a, b, lambda x, y: x + y)

    def eq(self, a: Any, b: Any) -> Any:
        """Indicator of equality, entry by entry (a Piecewise on symbols)."""
        return self._zip(a, b, lambda x, y: sympy.Piecewise((1, sympy.Eq(x, y)), (0, True)))

    def crop(self, value: Any, pads: tuple[tuple[int, int], ...]) -> Any:
        arr = self.to_numpy(value)
        return sympy.ImmutableDenseNDimArray(System.crop(self, arr, pads).tolist())

    def onehot(self, shape: tuple[int, ...], index: tuple[int, ...]) -> Any:
        return self.asarray(np.vectorize(int)(System.onehot(NUMPY, shape, index)))

    def ones(self, shape: tuple[int, ...]) -> Any:
        return self.asarray(np.ones(shape, dtype=int))

    def stack(self, values: list[Any]) -> Any:
        return sympy.ImmutableDenseNDimArray([v.tolist() for v in values])

    def total(self, value: Any) -> Any:

        return sympy.ImmutableDenseNDimArray([sympy.Add(*entries(value))])

    def sum_spatial(self, value: Any) -> Any:
        rows = self.to_numpy(value)
        return sympy.ImmutableDenseNDimArray([sympy.Add(*r.ravel()) for r in rows])

    def zeros_like_shape(self, value: Any, shape: tuple[int, ...]) -> Any:
        return np.full(shape, sympy.Integer(0), dtype=object)

    def dilate(self, value: Any, stride: tuple[int, ...]) -> Any:
        return sympy.ImmutableDenseNDimArray(System.dilate(self, self.to_numpy(value), stride).tolist())

    def take(self, value: Any, index: np.ndarray) -> Any:
        """``[out]_j = flat(value)[index_j]``, and 0 where ``index_j = -1`` (gather; see :meth:`System.take`)."""
        cells = [*_entries(value), sympy.Integer(0)]
        return _flat([cells[i] for i in index.ravel().tolist()], index.shape)

    def dft(self, value: Any) -> tuple[Any, Any]:
        """Real and imaginary parts of the DFT over every axis, exactly: cosines and sines of 2π·r, r rational.

        :math:`\\hat{x}_k = \\sum_u x_u e^{-2\\pi i \\sum_j k_j u_j / n_j}`, so the real part has
        :math:`\\cos` and the imaginary part :math:`-\\sin` of that angle; SymPy evaluates them to
        radicals (``cos(2π/3) = -1/2``, ``sin(2π/3) = √3/2``).  A matrix product of exact numbers.
        """
        shape = self.shape(value)
        cells = list(itertools.product(*(range(n) for n in shape)))
        turns = [[sum(sympy.Rational(k * u, n) for k, u, n in zip(kk, uu, shape)) for uu in cells] for kk in cells]
        cos = np.array([[sympy.cos(2 * sympy.pi * t) for t in row] for row in turns], dtype=object)
        sin = np.array([[-sympy.sin(2 * sympy.pi * t) for t in row] for row in turns], dtype=object)
        column = self.reshape(value, (len(cells), 1))
        return tuple(self.reshape(self.matmul(self.asarray(m), column), shape) for m in (cos, sin))

    def act(self, value: Any) -> Any:
        return value.applyfunc(ACTIVATION)

    def act_prime(self, value: Any) -> Any:
        return value.applyfunc(lambda h: sympy.diff(ACTIVATION(h), h))

    def act_corr_vjp(self, H: Any, W: Any, delta: Any) -> Any:
        """∂ℓ/∂H of ``ℓ = Σ δ ⊙ corr2d_multi_in_out(f(H), W)`` by differentiation."""

        return vjp(lambda H: self.corr2d_multi_in_out(self.act(H), W), {"H": H}, delta)["H"]

    def bias_pair_vjp(self, X: Any, W: Any, B: Any, delta: Any, stride: Any, padding: Any, dilation: Any) -> Any:
        """∂ℓ/∂B of the notes' layer ``H_p = Σ_d (X_d * W_{p,d} + B_{p,d})``, by differentiation."""

        def forward(B: Any) -> Any:
            bias = self.asarray(np.array(B.tolist(), dtype=object).sum(axis=1))
            return self.corr2d_multi_in_out(X, W, bias, stride, padding, dilation)

        return vjp(forward, {"B": B}, delta)["B"]


class NumPySystem(System):
    name = "numpy"
    module_name = "symconv.numeric"
    grad_module_name = "symconv.numeric.grad"

    def asarray(self, values: Any) -> Any:
        return np.asarray(values, dtype=np.float64)

    def to_numpy(self, value: Any) -> np.ndarray:
        return np.asarray(value)

    def zeros_like_shape(self, value: Any, shape: tuple[int, ...]) -> Any:
        return np.zeros(shape, dtype=np.asarray(value).dtype)

    def eq(self, a: Any, b: Any) -> Any:
        return (a == b).astype(np.float64)

    def stack(self, values: list[Any]) -> Any:
        return np.stack(values)

    def total(self, value: Any) -> Any:
        return np.array([value.sum()])

    def sum_spatial(self, value: Any) -> Any:
        return value.sum(axis=(-2, -1))

    def take(self, value: Any, index: np.ndarray) -> Any:
        return np.append(np.asarray(value).ravel(), 0)[index]

    def dft(self, value: Any) -> tuple[Any, Any]:
        """``numpy.fft.fftn``: real and imaginary parts."""
        F = np.fft.fftn(value)
        return F.real.copy(), F.imag.copy()

    def act(self, value: Any) -> Any:
        return np.tanh(value)

    def act_prime(self, value: Any) -> Any:
        return 1.0 - np.tanh(value) ** 2

    def pool2d_vjp(self, *args: Any, tie: str | None = None, **kwargs: Any) -> Any:

        return pool2d_vjp(*args, tie=tie or "first", **kwargs)

    def act_corr_vjp(self, H: Any, W: Any, delta: Any) -> Any:
        """Chain rule: the NumPy VJP of the correlation, times ``tanh'(H)``."""

        dX, _dW, _db = corr2d_multi_in_out_vjp(self.act(H), W, delta)
        return dX * self.act_prime(H)

    def bias_pair_vjp(self, X: Any, W: Any, B: Any, delta: Any, stride: Any, padding: Any, dilation: Any) -> Any:
        """Chain rule: the NumPy bias gradient, broadcast over the input channels ``d``."""

        _dX, _dW, db = corr2d_multi_in_out_vjp(X, W, delta, B.sum(axis=1), stride, padding, dilation)
        return np.broadcast_to(db[:, None], B.shape).copy()


class TorchSystem(System):
    name = "torch"
    module_name = "symconv.backends.torch"
    grad_module_name = "symconv.backends.torch"

    def __init__(self, device: str) -> None:
        self.device = device
        self.name = "torch" if device == "cpu" else device

    @property
    def torch(self) -> Any:
        import torch

        return torch

    def asarray(self, values: Any) -> Any:
        return self.torch.as_tensor(np.asarray(values, dtype=np.float64), device=self.device)

    def to_numpy(self, value: Any) -> np.ndarray:
        return value.detach().cpu().numpy()

    def zeros_like_shape(self, value: Any, shape: tuple[int, ...]) -> Any:
        return self.torch.zeros(shape, dtype=value.dtype, device=value.device)

    def eq(self, a: Any, b: Any) -> Any:
        return (a == b).to(self.torch.float64)

    def stack(self, values: list[Any]) -> Any:
        return self.torch.stack(values)

    def total(self, value: Any) -> Any:
        return value.sum().reshape(1)

    def sum_spatial(self, value: Any) -> Any:
        return value.sum(dim=(-2, -1))

    def take(self, value: Any, index: np.ndarray) -> Any:
        cells = self.torch.cat([value.reshape(-1), value.new_zeros(1)])
        return cells[self.torch.as_tensor(index, device=value.device)]

    def dft(self, value: Any) -> tuple[Any, Any]:
        """``torch.fft.fftn``: real and imaginary parts."""
        F = self.torch.fft.fftn(value)
        return F.real.clone(), F.imag.clone()

    def act(self, value: Any) -> Any:
        return self.torch.tanh(value)

    def act_prime(self, value: Any) -> Any:
        return 1.0 - self.torch.tanh(value) ** 2

    def act_corr_vjp(self, H: Any, W: Any, delta: Any) -> Any:
        """``torch.autograd`` through ``tanh`` and ``conv2d``."""

        return grad(lambda H: corr2d_multi_in_out(self.torch.tanh(H), W), {"H": H}, delta)["H"]

    def bias_pair_vjp(self, X: Any, W: Any, B: Any, delta: Any, stride: Any, padding: Any, dilation: Any) -> Any:
        """``torch.autograd`` of the layer with bias ``Σ_d B_{p,d}``."""

        def forward(B: Any) -> Any:
            return corr2d_multi_in_out(X, W, B.sum(dim=1), stride, padding, dilation)

        return grad(forward, {"B": B}, delta)["B"]


class SparseSystem(SymPySystem):
    """The symbolic operators (:mod:`symconv.symbolic`, the code :data:`SYMPY` runs) on sparse polynomials.

    Arrays are :class:`~symconv.symbolic.sparse.PolyArray`; the tensor algebra
    is NumPy's on object arrays.  Whatever is not a polynomial with rational
    coefficients (``eq``, the activation ``f``, max pooling) raises
    :class:`~symconv.symbolic.sparse.NotPolynomial`.
    """

    name = "sparse"

    @staticmethod
    def _wrap(values: Any) -> Any:

        return PolyArray.wrap(values)

    def asarray(self, values: Any) -> Any:
        if isinstance(values, sympy.NDimArray):
            values = values.tolist()
        return self._wrap(values)

    def to_numpy(self, value: Any) -> np.ndarray:
        return np.asarray(value, dtype=object)

    def matmul(self, a: Any, b: Any) -> Any:
        return self._wrap(self.to_numpy(a) @ self.to_numpy(b))

    def _zip(self, a: Any, b: Any, fn: Any) -> Any:
        other = self.to_numpy(b) if isinstance(b, (np.ndarray, sympy.NDimArray)) else b
        return self._wrap(fn(self.to_numpy(a), other))

    def eq(self, a: Any, b: Any) -> Any:

        raise NotPolynomial("an equality indicator is not a polynomial")

    def crop(self, value: Any, pads: tuple[tuple[int, int], ...]) -> Any:
        return System.crop(self, value, pads)

    def onehot(self, shape: tuple[int, ...], index: tuple[int, ...]) -> Any:
        e = np.zeros(shape, dtype=int)
        e[index] = 1
        return self._wrap(e)

    def ones(self, shape: tuple[int, ...]) -> Any:
        return self._wrap(np.ones(shape, dtype=int))

    def stack(self, values: list[Any]) -> Any:
        return self._wrap(np.stack([self.to_numpy(v) for v in values]))

    def total(self, value: Any) -> Any:

        return self._wrap([poly_sum(self.to_numpy(value).ravel().tolist())])

    def sum_spatial(self, value: Any) -> Any:

        rows = self.to_numpy(value)
        return self._wrap([poly_sum(r.ravel().tolist()) for r in rows])

    def zeros_like_shape(self, value: Any, shape: tuple[int, ...]) -> Any:
        return self._wrap(np.zeros(shape, dtype=int))

    def dilate(self, value: Any, stride: tuple[int, ...]) -> Any:
        return System.dilate(self, value, stride)

    def take(self, value: Any, index: np.ndarray) -> Any:
        cells = [*self.to_numpy(value).ravel().tolist(), 0]
        return PolyArray.of([cells[i] for i in index.ravel().tolist()], index.shape)

    def act(self, value: Any) -> Any:

        raise NotPolynomial(f"the activation {ACTIVATION} is an unknown function")

    act_prime = act


SYMPY = SymPySystem()
SPARSE = SparseSystem()
NUMPY = NumPySystem()


def torch_system(device: str = "cpu") -> TorchSystem:
    """The PyTorch system on ``device`` ("cpu" or "cuda"), float64."""
    return TorchSystem(device)


def window_taps(kernel: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Every kernel index, row-major."""
    return list(itertools.product(*(range(k) for k in kernel)))
