"""Errors raised by symconv.

Every error is a :class:`ValueError` subclass whose message names the
offending parameter, the value received and what was expected::

    stride: got 0; expected a positive int or a pair of positive ints

Public functions add their own name once, at the boundary (``corr2d: stride:
got 0; ...``), so a user sees where the bad value entered: when one public
function calls another, the outermost one, the one the user called, names the
error.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

__all__ = [
    "BudgetError",
    "ClaimError",
    "ParameterError",
    "ShapeError",
    "SymconvError",
    "UnknownTheoremError",
    "did_you_mean",
    "public",
]


class SymconvError(ValueError):
    """Base class of every error symconv raises on bad input."""

    def __init__(self, param: str, value: Any, expected: str) -> None:
        self.param = param
        self.value = value
        self.expected = expected
        self.context: str | None = None
        super().__init__(self._message())

    def _message(self) -> str:
        prefix = f"{self.context}: " if self.context else ""
        return f"{prefix}{self.param}: got {_show(self.value)}; expected {self.expected}"

    def __str__(self) -> str:
        return self._message()


class ParameterError(SymconvError):
    """A hyper-parameter (stride, padding, dilation, mode, size ...) is invalid."""


class ShapeError(SymconvError):
    """An array has the wrong rank or a shape that does not fit the operation."""


class BudgetError(ParameterError):
    """A size would make more symbols, cells, terms, grid points or cases than the size budget allows
    (:mod:`symconv.budget`)."""


class ClaimError(SymconvError):
    """A claim given to :func:`symconv.verify` misbehaved at some size: it raised, or it did not
    return two arrays."""


class UnknownTheoremError(SymconvError, KeyError):
    """No theorem is registered under that name."""

    def __str__(self) -> str:  # KeyError would quote the message
        return self._message()


def _show(value: Any) -> str:
    shape = getattr(value, "shape", None)
    if shape is not None and not isinstance(value, (int, float)) and len(tuple(shape)) > 0:
        return f"an array of shape {tuple(int(n) for n in shape)}"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def did_you_mean(word: Any, choices: Iterable[str], limit: int = 3) -> str:
    """A short hint naming the closest of ``choices`` (empty when none is close).

    >>> did_you_mean("conv_eq_corr", ["conv_eq_corr_rot180", "full_conv_comm"])
    "did you mean 'conv_eq_corr_rot180'?"
    >>> did_you_mean("zzz", ["conv_eq_corr_rot180"])
    ''
    """
    close = difflib.get_close_matches(str(word), list(choices), n=limit, cutoff=0.6)
    if not close:
        return ""
    names = [repr(c) for c in close]
    return "did you mean " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]) + "?"


F = TypeVar("F", bound=Callable[..., Any])


def public(fn: F) -> F:
    """Decorate a public function so its errors name it, once.

    The outermost public function on the stack names the error (a public
    function calling another is the boundary the user sees).

    >>> @public
    ... def f(stride):
    ...     raise ParameterError("stride", stride, "a positive int")
    >>> f(0)
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: f: stride: got 0; expected a positive int
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except SymconvError as err:
            err.context = fn.__name__
            err.args = (err._message(),)
            raise err.with_traceback(None) from err.__cause__  # keep an explicit cause

    return wrapper  # type: ignore[return-value]
