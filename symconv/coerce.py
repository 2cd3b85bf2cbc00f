"""One coercion rule for the entries of input arrays, shared by the three implementations.

* **Accepted**: ints, floats, :class:`~fractions.Fraction`, SymPy numbers and
  symbols (and expressions built from them), and bools as the ints 0 and 1.
  NumPy scalars count as the Python numbers they hold.  (torch holds numbers
  only: a SymPy symbol is refused there.)
* **Rejected everywhere**: ``None``, strings, complex numbers (the imaginary
  part is never dropped, in any implementation), and anything else.
* **NaN and ±inf** have no exact value and NaN has no order: the symbolic
  operators and the exact proofs refuse both; pooling refuses NaN in every
  implementation (a maximum needs ordered values); the NumPy and torch
  correlations compute with them as IEEE floats do.

Errors name the parameter, the value and the offending entry; the public
function that was called adds its name (:func:`symconv.errors.public`).

>>> entry(True, "X")
1
>>> entry("a", "X")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
symconv.errors.ParameterError: X: got 'a'; expected real numbers or SymPy expressions (...), not a str
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from .errors import ParameterError

__all__ = ["EXPECTED", "check_ordered", "entry", "object_entries"]

EXPECTED = "real numbers or SymPy expressions (ints, floats, Fractions, SymPy numbers or symbols, bools as 0/1)"

#: SymPy atoms without an exact real value.
_NOT_EXACT = (sympy.S.NaN, sympy.S.ComplexInfinity, sympy.S.Infinity, sympy.S.NegativeInfinity)


def _kind(value: Any) -> str:
    if value is None:
        return "None"
    name = type(value).__name__
    return f"a {name}" if name[0].lower() not in "aeiou" else f"an {name}"


def entry(value: Any, name: str, whole: Any = None, *, exact: bool = False, ordered: bool = False) -> Any:
    """One entry under the rule: a Python int, float, Fraction or SymPy expression, or a ParameterError.

    ``exact``: NaN and ±inf are refused (symbolic operators, proofs);
    ``ordered``: NaN is refused (pooling).  ``whole`` is the argument shown
    in the message (the entry itself by default).

    >>> entry(np.int64(3), "X"), entry(Fraction(1, 2), "X"), entry(sympy.Rational(1, 3), "X")
    (3, Fraction(1, 2), 1/3)
    >>> entry(float("nan"), "X", exact=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: X: got nan; expected real numbers ..., not nan: NaN and inf have no exact value
    """
    shown = value if whole is None else whole
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, (Fraction, numbers.Rational)) and not isinstance(value, sympy.Basic):
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, sympy.Basic):
        value = float(value)
        _finite(value, math.isnan(value), math.isinf(value), name, shown, exact, ordered)
        return value
    if isinstance(value, sympy.Basic):
        return _sympy_entry(value, name, shown, exact, ordered)
    if isinstance(value, numbers.Complex):
        raise ParameterError(
            name, shown, f"{EXPECTED}, not the complex number {value!r}: complex input is not supported"
        )
    raise ParameterError(name, shown, f"{EXPECTED}, not {_kind(value)}")


def _finite(value: Any, nan: bool, inf: bool, name: str, shown: Any, exact: bool, ordered: bool) -> None:
    if exact and (nan or inf):
        raise ParameterError(name, shown, f"{EXPECTED}, not {value}: NaN and inf have no exact value")
    if ordered and nan:
        raise ParameterError(name, shown, "numbers without NaN: pooling compares values, and NaN has no order")


def _sympy_entry(value: sympy.Basic, name: str, shown: Any, exact: bool, ordered: bool) -> Any:
    if isinstance(value, sympy.logic.boolalg.BooleanAtom):
        return sympy.Integer(int(bool(value)))
    if not isinstance(value, sympy.Expr):
        raise ParameterError(name, shown, f"{EXPECTED}, not the SymPy {type(value).__name__} {value}")
    if value.is_Symbol or value.is_Rational:
        return value
    if value.is_Atom:
        if value is sympy.S.ComplexInfinity or (value.is_number and value.is_extended_real is False):
            raise ParameterError(name, shown, f"{EXPECTED}, not {value}: complex input is not supported")
        if value in _NOT_EXACT:
            _finite(value, value is sympy.S.NaN, True, name, shown, exact, ordered)
        return value
    if value.has(sympy.I, *_NOT_EXACT):  # one walk of the tree for the rare bad atoms
        if value.has(sympy.I, sympy.S.ComplexInfinity):
            raise ParameterError(name, shown, f"{EXPECTED}, not {value}: complex input is not supported")
        _finite(value, value.has(sympy.S.NaN), True, name, shown, exact, ordered)
    return value


def object_entries(arr: np.ndarray, name: str, *, exact: bool = False, ordered: bool = False) -> np.ndarray:
    """An object array with every entry checked (bools become ints), or a ParameterError naming ``name``.

    >>> object_entries(np.array([True, Fraction(1, 2)], dtype=object), "X").tolist()
    [1, Fraction(1, 2)]
    """
    out = np.empty(arr.shape, dtype=object)
    flat = out.reshape(-1)
    for i, value in enumerate(arr.reshape(-1)):
        flat[i] = entry(value, name, arr, exact=exact, ordered=ordered)
    return out


def check_ordered(arr: Any, name: str) -> None:
    """Refuse NaN in a float array (NumPy or torch) that pooling will compare.

    >>> check_ordered(np.array([1.0, float("inf")]), "X")
    >>> check_ordered(np.array([1.0, float("nan")]), "X")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: X: got an array of shape (2,); expected numbers without NaN: pooling compares ...
    """
    isnan = getattr(arr, "isnan", None)
    nan = bool(isnan().any()) if callable(isnan) else bool(np.isnan(arr).any())
    if nan:
        raise ParameterError(name, arr, "numbers without NaN: pooling compares values, and NaN has no order")
