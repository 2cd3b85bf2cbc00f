"""SymPy arrays: symbols with 1-based names, coercion of user input, padding, rot180.

The operators are generic over the number system of their entries: SymPy
expressions by default, or any other array type that carries a ``scalars``
attribute (the sparse polynomials of :mod:`symconv.symbolic.sparse`).  A
:class:`SymPyScalars`-like object says how to add up terms, build an array,
turn a constant into an entry and take a maximum; the index formulas are
written once, against it.
"""

from __future__ import annotations

import itertools
import numbers
from typing import Any

import sympy
from sympy import ImmutableDenseNDimArray as Array

from .. import budget
from ..coerce import entry
from ..errors import ParameterError, ShapeError, public
from ..spec import padding_pairs

__all__ = [
    "SYMPY",
    "Array",
    "SymPyScalars",
    "as_array",
    "common",
    "entries",
    "flat",
    "nested",
    "pad",
    "rot180",
    "scalars_of",
    "symbol_names",
    "symbols",
]

RANK_NAMES = {1: "(L,)", 2: "(H, W)", 3: "(C, H, W)", 4: "(C_out, C_in, k_h, k_w)"}


@public
def symbols(name: str, shape: int | tuple[int, ...], *, max_terms: int | None = None, **assumptions: Any) -> Array:
    """A SymPy array of fresh real symbols named ``name_{i,j}`` with 1-based indices.

    The names follow the notes' ``[X]_{i,j}``, ``i = 1..n_h``; Python indexing
    stays 0-based: ``X[0, 0]`` is ``x_{1,1}``.  At most ``max_terms`` symbols
    (the size budget of :mod:`symconv.budget`).

    >>> X = symbols("x", (2, 3))
    >>> X
    [[x_{1,1}, x_{1,2}, x_{1,3}], [x_{2,1}, x_{2,2}, x_{2,3}]]
    >>> X[1, 2]
    x_{2,3}
    >>> symbols("w", 2)
    [w_{1}, w_{2}]
    """
    if not isinstance(name, str) or not name:
        raise ShapeError("name", name, "a non-empty string")
    if not isinstance(shape, (numbers.Integral, tuple, list)):
        raise ShapeError("shape", shape, "a positive int or a tuple of positive ints")
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
    if not shape or any(isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1 for n in shape):
        raise ShapeError("shape", shape, "a positive int or a tuple of positive ints")
    assumptions = {"real": True, **assumptions}
    shape = tuple(int(n) for n in shape)
    with budget.max_terms(max_terms):
        budget.charge(budget.product(shape), "symbols", "shape", shape)
    return Array([sympy.Symbol(s, **assumptions) for s in symbol_names(name, shape)], shape)


def symbol_names(name: str, shape: tuple[int, ...]) -> list[str]:
    """The names ``name_{i,j}`` (1-based) of the entries of a symbol array, row-major."""
    return [f"{name}_{{{','.join(str(i + 1) for i in idx)}}}" for idx in itertools.product(*(range(n) for n in shape))]


class SymPyScalars:
    """SymPy expressions: the default number system of the symbolic operators."""

    name = "sympy"

    def array(self, entries: list, shape: tuple[int, ...]) -> Array:
        return Array(entries, shape)

    def sum(self, terms: list) -> Any:
        return sympy.Add(*terms)

    def dot(self, w: list, x: list, taps: Any) -> Any:
        """:math:`\\sum_{(a, u) \\in \\text{taps}} w_a x_u` (``w``, ``x``: entries of arrays of this system)."""
        return sympy.Add(*(w[a] * x[u] for a, u in taps))

    def scalar(self, value: Any) -> Any:
        return sympy.sympify(value)

    def max(self, values: list) -> Any:
        return sympy.Max(*values)

    def coerce(self, arr: Any) -> Array:
        return arr

    def symbols(self, name: str, shape: int | tuple[int, ...]) -> Array:
        return symbols(name, shape)


SYMPY = SymPyScalars()


def scalars_of(*arrays: Any) -> Any:
    """The number system of the given arrays: that of the first one not made of SymPy expressions."""
    for arr in arrays:
        scalars = getattr(arr, "scalars", None)
        if scalars is not None:
            return scalars
    return SYMPY


def common(*arrays: Any) -> tuple[Any, list]:
    """The arrays' number system and the arrays, all converted to it."""
    scalars = scalars_of(*arrays)
    return scalars, [scalars.coerce(a) for a in arrays]


def as_array(value: Any, name: str, ranks: tuple[int, ...]) -> Array:
    """Coerce a SymPy Matrix/Array, nested list or NumPy array to a SymPy array.

    Raises :class:`ShapeError` naming ``name`` if the rank is not in ``ranks``.
    An array of another number system (one with a ``scalars`` attribute) is
    only checked.
    """
    if getattr(value, "scalars", None) is not None:
        if value.rank() not in ranks or 0 in value.shape:
            raise ShapeError(name, _ShapeOf(value.shape), _rank_text(ranks))
        return value
    if isinstance(value, sympy.NDimArray):
        if value.rank() and 0 in value.shape:
            raise ShapeError(name, _ShapeOf(value.shape), _rank_text(ranks))
        arr = Array(_checked(entries(value), name, value), value.shape) if value.rank() else None
    else:
        data = value.tolist() if isinstance(value, sympy.MatrixBase) else value
        tolist = getattr(data, "tolist", None)
        data = tolist() if callable(tolist) and not isinstance(data, list) else data
        if not isinstance(data, (list, tuple)):
            entry(data, name, value)  # a str, None or complex: the coercion rule's error
            raise ShapeError(name, value, _rank_text(ranks))
        flat_entries, shape = _nested(data, name, value)
        arr = Array(flat_entries, shape) if 0 not in shape else None
    if arr is None:
        raise ShapeError(name, value, _rank_text(ranks))
    if arr.rank() not in ranks or 0 in arr.shape:
        raise ShapeError(name, _ShapeOf(arr.shape), _rank_text(ranks))
    if not all(type(n) is int for n in arr.shape):  # SymPy may keep Integer sizes
        arr = Array(entries(arr), tuple(int(n) for n in arr.shape))
    return arr


def _checked(cells: list, name: str, whole: Any) -> list:
    """The entries under the coercion rule of :mod:`symconv.coerce` (exact: no NaN or inf)."""
    return [e if isinstance(e, sympy.Symbol) else sympy.sympify(entry(e, name, whole, exact=True)) for e in cells]


def _nested(data: Any, name: str, whole: Any) -> tuple[list, tuple[int, ...]]:
    """Row-major entries (checked) and shape of nested lists or tuples; a ShapeError if ragged."""
    if not isinstance(data, (list, tuple)):
        return [sympy.sympify(entry(data, name, whole, exact=True))], ()
    if not data:
        return [], (0,)
    parts = [_nested(item, name, whole) for item in data]
    shapes = {shape for _, shape in parts}
    if len(shapes) != 1:
        raise ShapeError(name, whole, "a rectangular array (nested lists of equal lengths)")
    return [e for cells, _ in parts for e in cells], (len(data), *shapes.pop())


class _ShapeOf:
    """Shown in messages as 'an array of shape (...)'."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape


def _rank_text(ranks: tuple[int, ...]) -> str:
    return " or ".join(f"rank {r} {RANK_NAMES[r]}" for r in ranks)


def nested(arr: Array) -> list:
    """Nested Python lists of the entries (fast element access)."""
    return arr.tolist()


def entries(arr: Array) -> list:
    """The entries of an array in row-major order (iterating an Array yields rows)."""
    if getattr(arr, "scalars", None) is not None:
        return arr.ravel().tolist()
    flat_entries = getattr(arr, "_array", None)  # the dense array's own row-major list
    if flat_entries is not None:
        return list(flat_entries)
    return list(sympy.flatten(arr.tolist())) if arr.rank() > 1 else list(arr.tolist())


def flat(entries: list, shape: tuple[int, ...]) -> Array:
    """Build an array from a flat row-major list."""
    return Array(entries, shape)


@public
def pad(X: Any, padding: Any, value: Any = 0, *, max_terms: int | None = None) -> Array:
    """Pad the spatial axes of ``X`` with ``value`` (zero padding by default).

    The last axis is padded for rank 1, the last two otherwise.  ``padding``
    is per side: an int, a pair ``(p_h, p_w)`` (in 1-D ``(left, right)``) or
    ``((top, bottom), (left, right))``.  At most ``max_terms`` cells in all
    (the size budget of :mod:`symconv.budget`).

    >>> pad([[1, 2], [3, 4]], 1)
    [[0, 0, 0, 0], [0, 1, 2, 0], [0, 3, 4, 0], [0, 0, 0, 0]]
    >>> pad([1, 2], (0, 2))
    [1, 2, 0, 0]
    """
    X = as_array(X, "X", (1, 2, 3, 4))
    dims = 1 if X.rank() == 1 else 2
    if isinstance(padding, str):
        raise ParameterError("padding", padding, "an int, a pair or ((top, bottom), (left, right)) of ints")
    pads = padding_pairs(padding, dims, (1,) * dims, (1,) * dims, (1,) * dims)
    scalars = scalars_of(X)
    value = scalars.scalar(entry(value, "value", exact=True))
    lead = X.shape[: X.rank() - dims]
    spatial = X.shape[X.rank() - dims :]
    new_spatial = tuple(n + lo + hi for n, (lo, hi) in zip(spatial, pads))
    with budget.max_terms(max_terms):
        budget.charge(budget.product(lead + new_spatial), "padded cells", "padding", padding)
    data = nested(X)
    entries = []
    for idx in itertools.product(*(range(n) for n in lead + new_spatial)):
        head, tail = idx[: len(lead)], idx[len(lead) :]
        src = tuple(i - lo for i, (lo, _) in zip(tail, pads))
        if all(0 <= i < n for i, n in zip(src, spatial)):
            entries.append(_get(data, head + src))
        else:
            entries.append(value)
    return scalars.array(entries, lead + new_spatial)


@public
def rot180(K: Any) -> Array:
    """Rotate a kernel by 180°: reverse its last two axes (rank 1: reverse it).

    :math:`\\operatorname{rot180}(\\mathbf{W})_{a,b} = \\mathbf{W}_{k_h-a+1,\\,k_w-b+1}`; on
    ``(C_in, k_h, k_w)`` or ``(C_out, C_in, k_h, k_w)`` each kernel is rotated.

    >>> rot180([[1, 2, 3], [4, 5, 6]])
    [[6, 5, 4], [3, 2, 1]]
    """
    K = as_array(K, "K", (1, 2, 3, 4))
    rank, shape = K.rank(), K.shape
    spatial = 1 if rank == 1 else 2
    data = nested(K)
    entries = []
    for idx in itertools.product(*(range(n) for n in shape)):
        src = idx[: rank - spatial] + tuple(n - 1 - i for i, n in zip(idx[rank - spatial :], shape[rank - spatial :]))
        entries.append(_get(data, src))
    return scalars_of(K).array(entries, shape)


def _get(data: list, idx: tuple[int, ...]) -> Any:
    for i in idx:
        data = data[i]
    return data
