"""Unevaluated operator symbols for derivations: ``[W ⊗~ X]_{i,j}`` and friends.

They only name an operation in a step (the step's meaning is carried by
the ``Sum`` it equals); each prints in the notes' notation through
``_latex`` (``*`` correlation, ``\\otimes`` convolution, a tilde for the wide
forms), and :mod:`symconv.latex` may restyle them with ``_print_<Class>``.

>>> import sympy
>>> W, X = sympy.symbols("W X")
>>> sympy.latex(Entry(FullConv(W, X), *sympy.symbols("i j")))
'\\\\left[W \\\\tilde{\\\\otimes} X\\\\right]_{i,j}'
"""

from __future__ import annotations

from typing import Any

import sympy

__all__ = ["Card", "Conv", "Corr", "Entry", "FullConv", "FullCorr", "Rot180"]


class _Binary(sympy.Function):
    """``left op right``; never evaluates."""

    nargs = 2
    symbol = "?"

    @classmethod
    def eval(cls, *args: Any) -> None:
        return None

    def _latex(self, printer: Any) -> str:
        left, right = (printer._print(a) for a in self.args)
        return f"{left} {self.symbol} {right}"

    def _sympystr(self, printer: Any) -> str:
        left, right = (printer._print(a) for a in self.args)
        return f"({left} {self.text} {right})"


class Corr(_Binary):
    """Cross-correlation ``left * right`` (the notes write the kernel first: ``rot180(W) * X``)."""

    symbol, text = "*", "*"


class Conv(_Binary):
    """Convolution ``left ⊗ right``."""

    symbol, text = r"\otimes", "⊗"


class FullCorr(_Binary):
    """Wide cross-correlation ``left *~ right``."""

    symbol, text = r"\tilde{*}", "*~"


class FullConv(_Binary):
    """Wide convolution ``left ⊗~ right``."""

    symbol, text = r"\tilde{\otimes}", "⊗~"


class Rot180(sympy.Function):
    """``rot180(A)``."""

    nargs = 1

    @classmethod
    def eval(cls, arg: Any) -> None:
        return None

    def _latex(self, printer: Any) -> str:
        return rf"\operatorname{{rot180}}\left({printer._print(self.args[0])}\right)"

    def _sympystr(self, printer: Any) -> str:
        return f"rot180({printer._print(self.args[0])})"


class Entry(sympy.Function):
    """Entry ``[A]_{i,j}`` of an array-valued expression."""

    @classmethod
    def eval(cls, *args: Any) -> None:
        return None

    def _latex(self, printer: Any) -> str:
        inner, *idx = (printer._print(a) for a in self.args)
        return rf"\left[{inner}\right]_{{{','.join(idx)}}}"

    def _sympystr(self, printer: Any) -> str:
        inner, *idx = (printer._print(a) for a in self.args)
        return f"[{inner}]_({','.join(idx)})"


class Card(sympy.Function):
    """``#{i ≥ 0 : condition}``: how many integers satisfy a condition (window counts)."""

    @classmethod
    def eval(cls, *args: Any) -> None:
        return None

    def _latex(self, printer: Any) -> str:
        var, cond = self.args
        return rf"\#\left\{{{printer._print(var)} \in \mathbb{{Z}}_{{\ge 0}} : {printer._print(cond)}\right\}}"

    def _sympystr(self, printer: Any) -> str:
        var, cond = self.args
        return f"#{{{printer._print(var)} >= 0 : {printer._print(cond)}}}"
