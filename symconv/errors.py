"""Errors raised by symconv.

Every error is a :class:`ValueError` subclass whose message names the
offending parameter, the value received and what was expected::

    stride: got 0; expected a positive int or a pair of positive ints

Public functions add their own name once, at the boundary (``corr2d: stride:
got 0; ...``), so a user sees where the bad value entered.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = [
    "ParameterError",
    "ShapeError",
    "SymconvError",
    "UnknownTheoremError",
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


F = TypeVar("F", bound=Callable[..., Any])


def public(fn: F) -> F:
    """Decorate a public function so its errors name it, once.

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
            if err.context is None:
                err.context = fn.__name__
                err.args = (err._message(),)
            raise err.with_traceback(None) from None

    return wrapper  # type: ignore[return-value]
