"""The size budget: one bound on what a call may build, checked before it builds anything.

Symbolic work grows fast with sizes: ``symbols("x", (n, n))`` makes :math:`n^2`
SymPy symbols, a correlation builds one term per output cell and kernel tap,
and :func:`symconv.verify` proves a claim at every point of its grid.  Every
entry point counts what it is about to build and refuses, with a
:class:`~symconv.errors.BudgetError` (a ``ParameterError``) that names the
size and the budget, when a count exceeds ``max_terms``:

* the symbolic operators: symbols, padded cells, terms (output cells times
  the taps that read the input);
* every implementation (NumPy and torch build no terms): the cells that
  padding, or ceil mode, adds to a plane (memory no input asked for);
* :func:`~symconv.prove`, :func:`~symconv.check`, :func:`~symconv.verify`
  and the command line: the input symbols at each size, grid points, value
  assignments and check trials.

The default, :data:`DEFAULT_MAX_TERMS`, covers every documented use with room
to spare (the largest, the gradient benchmark at ``n = 64``, builds about
35,000 terms per side).  Raise it for one call with ``max_terms=``, for a
block of code with ``with symconv.max_terms(10**7): ...``, or on the command
line with ``--max-terms``.

>>> import symconv as sc
>>> sc.symbols("x", (2000, 2000))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
symconv.errors.BudgetError: symbols: shape: got (2000, 2000): 4,000,000 symbols; expected at most ...
>>> with sc.max_terms(10**7):
...     limit()
10000000
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import numbers
from collections.abc import Iterable, Iterator
from typing import Any

from .errors import BudgetError, ParameterError

__all__ = ["DEFAULT_MAX_TERMS", "Count", "charge", "charge_padding", "limit", "max_terms", "padding_cells", "product"]

#: Symbols, cells, terms, grid points or cases one call may build.
DEFAULT_MAX_TERMS = 1_000_000

_LIMIT: contextvars.ContextVar[int] = contextvars.ContextVar("symconv_max_terms", default=DEFAULT_MAX_TERMS)

HINT = "raise the budget with max_terms=, symconv.max_terms(...) or --max-terms"


def limit() -> int:
    """The budget in force: :data:`DEFAULT_MAX_TERMS` unless raised (or lowered) by :func:`max_terms`.

    >>> limit() == DEFAULT_MAX_TERMS
    True
    """
    return _LIMIT.get()


def validate(value: Any, name: str = "max_terms") -> int:
    """``value`` as a budget: a positive int.

    >>> validate(10)
    10
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 1:
        raise ParameterError(name, value, "a positive int (the size budget)")
    return int(value)


@contextlib.contextmanager
def max_terms(value: int | None) -> Iterator[int]:
    """Set the size budget inside a ``with`` block (``None`` keeps the one in force).

    >>> with max_terms(5):
    ...     limit()
    5
    """
    if value is None:
        yield limit()
        return
    token = _LIMIT.set(validate(value))
    try:
        yield limit()
    finally:
        _LIMIT.reset(token)


class Count:
    """A count shown in an error message: ``(2000, 2000): 4,000,000 symbols``."""

    def __init__(self, count: int, unit: str, what: Any = None) -> None:
        self.count, self.unit, self.what = int(count), unit, what

    def __repr__(self) -> str:
        prefix = "" if self.what is None else f"{self.what!r}: "
        return f"{prefix}{self.count:,} {self.unit}"


def product(values: Iterable[int]) -> int:
    """The product of sizes, as an exact Python int (no overflow).

    >>> product((10**6, 10**6))
    1000000000000
    """
    return math.prod(int(v) for v in values)


def charge(count: int, unit: str, param: str = "size", value: Any = None) -> None:
    """Refuse ``count`` ``unit`` (symbols, cells, terms, ...) if it exceeds the budget in force.

    ``param`` and ``value`` name the argument that asked for them.

    >>> charge(10, "terms")
    >>> charge(10**7, "terms", "n", 3163)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symconv.errors.BudgetError: n: got 3163: 10,000,000 terms; expected at most max_terms=1,000,000 terms (raise ...
    """
    budget, count = limit(), int(count)
    if count > budget:
        raise BudgetError(param, Count(count, unit, value), f"at most max_terms={budget:,} {unit} ({HINT})")


def padding_cells(plane: Iterable[int], pairs: Iterable[tuple[int, int]]) -> int:
    """The cells that padding adds to a plane of shape ``plane``, with ``(lo, hi)`` cells per axis in ``pairs``.

    The plane's own cells are not counted (they exist already).

    >>> padding_cells((3, 3), ((1, 1), (0, 2)))
    16
    """
    plane = tuple(plane)
    return product(n + lo + hi for n, (lo, hi) in zip(plane, pairs)) - product(plane)


def charge_padding(plane: Iterable[int], pairs: Iterable[tuple[int, int]], padding: Any) -> None:
    """Refuse the :func:`padding_cells` of ``plane`` padded by ``pairs`` if they exceed the budget in force.

    The error names ``padding``, the argument as the caller gave it (``pairs``
    is its validated form).  Every implementation charges this before it
    allocates the padded plane.

    >>> charge_padding((3, 3), ((1, 1), (1, 1)), 1)
    >>> charge_padding((1000, 1000), ((1000, 1000),) * 2, 1000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symconv.errors.BudgetError: padding: got 1000: 8,000,000 cells added by padding; expected at most \
max_terms=1,000,000 cells added by padding (raise ...)
    """
    charge(padding_cells(plane, pairs), "cells added by padding", "padding", padding)
