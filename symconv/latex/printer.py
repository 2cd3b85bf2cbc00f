"""A SymPy ``LatexPrinter`` for symconv's expressions, in the notes' notation.

* Entry symbols ``x_{i,j}``, ``w_{a,b}``, ``δ_{i,j}`` print as ``[\\mathbf{X}]_{i,j}``
  (1-based by default, 0-based on request, or ``x_{i,j}`` without brackets).
* Products list their factors as the notes do: upstream gradient, input,
  kernel (``[\\mathbf{X}]_{1,1}[\\mathbf{W}]_{1,1}``, not SymPy's ``w x``); sums
  list their terms by those factors' indices, and index or size expressions
  by the letter table of :class:`~symconv.latex.notation.Notation` with the
  positive terms first (``i + a - 1``, ``k_{h} - a + 1``, ``n + 2 p - k``).
* ``Sum`` prints as nested ``\\sum_{a=1}^{k_h}``, ``Indexed`` in bracket style,
  ``floor`` as ``\\left\\lfloor … \\right\\rfloor``, ``f'(h)`` for the derivative of an
  undefined function, arrays as ``bmatrix``.
* ``values`` maps symbols to numbers (or letters) printed in their place,
  joined by ``\\cdot``: the worked instances ``0 \\cdot 0 + 1 \\cdot 1 + …`` of the
  notes' figures are printed from the very expression that was proved.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import sympy
from sympy.core.function import AppliedUndef
from sympy.printing.conventions import split_super_sub
from sympy.printing.latex import LatexPrinter, translate

from ..errors import ParameterError
from ..formal import Axis
from .notation import Notation
from .text import SIDE_SCRIPTS, UPRIGHT_SCRIPTS
from .text import math as text_math

__all__ = [
    "ENTRY",
    "SymconvLatexPrinter",
    "index_base",
    "index_renaming",
    "latex",
    "number",
    "symbol_parts",
    "tidy",
    "to_zero_based",
    "windows_axis",
]

#: A symconv entry symbol: ``x_{1,2}``, ``δ_{1,1,2}``, ``b_{3}`` (1-based indices).
ENTRY = re.compile(r"^(?P<prefix>[^\W\d_][^_{}]*)_\{(?P<idx>[0-9]+(?:,[0-9]+)*)\}$")
#: Indexed bases that are an operator applied to an array: ``rot180(W)``.
APPLIED_BASE = re.compile(r"^(?P<op>[A-Za-z][A-Za-z0-9]*)\((?P<arg>[^()]*)\)$")
#: An accent on an array letter in a label written in LaTeX: ``\\tilde{X}``.
ACCENTED = re.compile(r"(\\(?:tilde|hat|bar|widetilde))\{([A-Z])\}")
#: An array letter numbered (``W1``, ``W2``: the kernels of stacked layers).
NUMBERED = re.compile(r"^(?P<letter>[A-Za-z])(?P<number>\d+)$")
#: A name of several words joined by underscores (``count_include_pad``), not a letter with scripts.
IDENTIFIER = re.compile(r"^[A-Za-z]{2,}(?:_[A-Za-z]{2,})+$")
#: symconv's operator symbols (``symconv.prove.notation``) by class name: (operator, wide).
OPERATORS: Mapping[str, tuple[str, bool]] = {
    "Corr": ("corr", False),
    "Conv": ("conv", False),
    "FullCorr": ("corr", True),
    "FullConv": ("conv", True),
}
#: Functions printed by name.
FUNCTIONS: Mapping[str, str] = {"up": r"\operatorname{up}", "shape": r"\operatorname{shape}"}


#: Relation classes and their signs.
RELATION_SIGNS: Mapping[type, str] = {
    sympy.Eq: "=",
    sympy.Ne: r"\ne",
    sympy.Le: r"\le",
    sympy.Lt: "<",
    sympy.Ge: r"\ge",
    sympy.Gt: ">",
}


def _script(text: str) -> str:
    """A super- or subscript of a symbol's name: a word set upright (``lo``), Greek names translated."""
    return rf"\mathrm{{{text}}}" if text in UPRIGHT_SCRIPTS else translate(text)


def _letters(base: str) -> str:
    r"""A symbol's letter: a Greek name translated, a word set upright (``\mathrm{rate}``).

    >>> _letters("alpha"), _letters("rate"), _letters("k")
    ('\\alpha', '\\mathrm{rate}', 'k')
    """
    tex = translate(base)
    return rf"\mathrm{{{base}}}" if tex == base and len(base) > 1 and base.isalpha() else tex


def symbol_parts(name: str) -> tuple[str, str]:
    """A size symbol's letter (with its superscripts) and its axis: ``p_h^lo`` -> ``("p^lo", "h")``.

    >>> symbol_parts("p_h^lo"), symbol_parts("n_w"), symbol_parts("k")
    (('p^lo', 'h'), ('n', 'w'), ('k', ''))
    """
    base, supers, subs = split_super_sub(name)
    return base + "".join("^" + s for s in supers), "_".join(subs)


@functools.lru_cache(maxsize=4096)
def windows_axis(expr: sympy.Basic) -> str | None:
    """The axis (``"h"``, ``"w"``, ``""`` in 1-D) whose number of windows ``expr`` is, written as
    :attr:`symconv.formal.Axis.m` writes it (``⌊(n + p^lo + p^hi − d(k − 1) − 1)/s⌋ + 1``, some sizes fixed
    at 1 or 0), else None: the chapter writes it ``o_h`` inside limits, subscripts and conditions.

    >>> windows_axis(Axis.named("w").m), windows_axis(Axis.named("h", d=1).m), windows_axis(sympy.Symbol("n") + 1)
    ('w', 'h', None)
    """
    if not isinstance(expr, sympy.Add) or len(expr.args) != 2 or 1 not in expr.args:
        return None
    (low,) = [t for t in expr.args if t != 1]
    if not isinstance(low, sympy.floor):
        return None
    groups: dict[str, dict[str, sympy.Symbol]] = {}
    for sym in expr.free_symbols:
        base, axis = symbol_parts(sym.name)
        groups.setdefault(axis, {})[base] = sym
    if len(groups) != 1:
        return None
    ((axis, sizes),) = groups.items()
    if "n" not in sizes or "k" not in sizes:
        return None
    choices = [
        [sizes[b], fixed] if b in sizes else [fixed] for b, fixed in (("s", 1), ("d", 1), ("p^lo", 0), ("p^hi", 0))
    ]
    ratio = sympy.expand(low.args[0])
    for s, d, lo, hi in itertools.product(*choices):
        windows = Axis(sizes["n"], sizes["k"], s, d, lo, hi).m
        if windows == expr or (isinstance(windows - 1, sympy.floor) and sympy.expand((windows - 1).args[0]) == ratio):
            return axis
    return None


def _extent_axis(bound: sympy.Basic, letter: str) -> str | None:
    """The axis of ``bound`` when it is a tensor's extent written with ``letter`` (``n_h``; ``m`` also as the
    number of windows), else None."""
    if isinstance(bound, sympy.Symbol):
        base, axis = symbol_parts(bound.name)
        return axis if base == letter else None
    return windows_axis(bound) if letter == "m" else None


def _axes_in_order(axes: Sequence[str]) -> bool:
    """One axis per index, in the order of the indices (``h`` then ``w`` in 2-D)."""
    if len(axes) == 2:
        return list(axes) == ["h", "w"]
    return len(set(axes)) == len(axes)


def is_indicator(expr: Any) -> bool:
    r"""``Piecewise((f, C), (0, True))``: ``f`` where ``C`` holds, 0 elsewhere.

    >>> a = sympy.Symbol("a", integer=True)
    >>> is_indicator(sympy.Piecewise((a, a >= 1), (0, True))), is_indicator(sympy.Piecewise((a, a >= 1), (1, True)))
    (True, False)
    """
    return (
        isinstance(expr, sympy.Piecewise)
        and len(expr.args) == 2
        and expr.args[1].cond is sympy.true
        and expr.args[1].expr == 0
    )


def _slack(cond: Any) -> sympy.Basic | None:
    r"""``D`` with ``cond ⟺ D ≥ 0`` over the integers, for an inequality (else None)."""
    if isinstance(cond, sympy.Le):
        return cond.rhs - cond.lhs
    if isinstance(cond, sympy.Lt):
        return cond.rhs - cond.lhs - 1
    if isinstance(cond, sympy.Ge):
        return cond.lhs - cond.rhs
    if isinstance(cond, sympy.Gt):
        return cond.lhs - cond.rhs - 1
    return None


def _balanced(diff: sympy.Basic) -> tuple[sympy.Basic, sympy.Basic]:
    """``(P, N)`` with ``diff = P − N``: the positive terms and the negated negative ones (``a − i`` -> ``(a, i)``)."""
    terms = sympy.Add.make_args(diff)
    negative = [t for t in terms if t.could_extract_minus_sign()]
    positive = [t for t in terms if not t.could_extract_minus_sign()]
    return sympy.Add(*positive), -sympy.Add(*negative)


def _bound(cond: Any) -> tuple[sympy.Basic, str, sympy.Basic] | None:
    r"""An inequality as ``(small, sign, big)``, ``sign`` ``\\le`` or ``<`` (a relation against 0 balanced)."""
    signs = {sympy.Le: r"\le", sympy.Lt: "<", sympy.Ge: r"\le", sympy.Gt: "<"}
    cls = next((c for c in signs if isinstance(cond, c)), None)
    if cls is None:
        return None
    lhs, rhs = cond.lhs, cond.rhs
    if lhs == 0 or rhs == 0:
        lhs, rhs = _balanced(lhs - rhs)
    return (lhs, signs[cls], rhs) if cls in (sympy.Le, sympy.Lt) else (rhs, signs[cls], lhs)


def chains(conds: Iterable[Any]) -> list[Any]:
    r"""Conditions with two bounds of one term merged: ``1 ≤ a`` and ``a ≤ k`` give ``(1, "\le", a, "\le", k)``.

    >>> a, k = sympy.symbols("a k", integer=True)
    >>> chains([sympy.Ge(a, 1), sympy.Le(a, k)])
    [(1, '\\le', a, '\\le', k)]
    """
    conds = list(conds)
    bounds = [_bound(c) for c in conds]
    out: list[Any] = []
    done: set[int] = set()
    for i, b in enumerate(bounds):
        if i in done:
            continue
        done.add(i)
        if b is None:
            out.append(conds[i])
            continue
        for j, other in enumerate(bounds):
            if j in done or other is None:
                continue
            if other[0] == b[2] and not b[2].is_number:
                out.append((*b, other[1], other[2]))
            elif other[2] == b[0] and not b[0].is_number:
                out.append((*other, b[1], b[2]))
            else:
                continue
            done.add(j)
            break
        else:
            out.append(conds[i])
    return out


def _multiple_of(term: sympy.Basic, m: sympy.Basic) -> bool:
    """Whether ``term`` is an integer polynomial times ``m`` (all symbols are integers)."""
    if m.is_number or term.is_number:
        return False
    quotient = sympy.cancel(term / m)
    if quotient.is_number:
        return bool(quotient.is_integer)
    symbols = sorted(quotient.free_symbols, key=str)
    return quotient.is_polynomial(*symbols) and all(c.is_integer for c in sympy.Poly(quotient, *symbols).coeffs())


@functools.lru_cache(maxsize=16384)
def _text(expr: Any) -> str:
    """``str(expr)``, once per term (sort keys print the same large sums again and again)."""
    return str(expr)


def _has_denominator(expr: sympy.Basic) -> bool:
    return any(isinstance(e, sympy.Pow) and e.exp.is_negative for e in sympy.preorder_traversal(expr))


def _shorter(expr: Any) -> Any:
    """An index or a side of a condition, expanded when that takes fewer operations
    (``p + d(k − a) + u − d(k − 1)`` is ``p + u + d − d a``); the kernel's own form otherwise (``d(a − 1)``)."""
    if expr.has(sympy.floor, sympy.ceiling, sympy.Mod, sympy.Piecewise, sympy.Sum):
        return expr
    if _has_denominator(expr):
        return _quotient(expr)
    if not isinstance(expr, sympy.Add):
        return expr
    expanded = sympy.expand(expr)
    return expanded if sympy.count_ops(expanded) < sympy.count_ops(expr) else expr


def _quotient(expr: sympy.Basic) -> sympy.Basic:
    """``N/q`` with the terms of ``N`` that ``q`` divides taken out: ``−(a − s − 1)/s`` is ``(1 − a)/s + 1``."""
    numer, denom = sympy.fraction(sympy.together(expr))
    if denom.is_number or not numer.is_polynomial(*sorted(numer.free_symbols, key=str)):
        return expr
    terms = sympy.Add.make_args(sympy.expand(numer))
    whole = sympy.Add(*(sympy.cancel(t / denom) for t in terms if _multiple_of(t, denom)))
    rest = sympy.Add(*(t for t in terms if not _multiple_of(t, denom)))
    if rest == 0:
        return whole
    part = sympy.Mul(rest, sympy.Pow(denom, -1), evaluate=False)
    return part if whole == 0 else sympy.Add(part, whole, evaluate=False)


def tidy(expr: Any) -> Any:
    r"""The same term with every product whose expansion clears a denominator expanded (the kernel's
    ``s(−1 + (s + u − 1)/s)`` is ``u − 1``): equal as rational functions, so the value printed is the value
    proved.

    >>> s, u = sympy.symbols("s u", integer=True)
    >>> tidy(s * (-1 + (s + u - 1) / s))
    u - 1
    """
    if not isinstance(expr, sympy.Basic) or not expr.args or isinstance(expr, (sympy.Symbol, sympy.IndexedBase)):
        return expr
    args = tuple(tidy(a) for a in expr.args)
    if isinstance(expr, (sympy.Indexed, sympy.core.relational.Relational, sympy.Mod, sympy.KroneckerDelta)):
        args = tuple(_shorter(a) for a in args)
    if any(a is not b for a, b in zip(args, expr.args)):
        if isinstance(expr, sympy.core.relational.Relational):
            expr = expr.func(*args, evaluate=False)
        else:
            expr = expr.func(*args)
    if isinstance(expr, sympy.Mul) and _has_denominator(expr):
        expanded = sympy.expand(expr)
        if not _has_denominator(expanded):
            return expanded
    if isinstance(expr, (sympy.floor, sympy.ceiling)) and isinstance(expr.args[0], sympy.Add):
        together = sympy.together(expr.args[0])  # ⌊n/s + p/s − 1/s⌋ as ⌊(n + p − 1)/s⌋
        if together != expr.args[0]:
            return expr.func(together, evaluate=False)
    return expr


class SymconvLatexPrinter(LatexPrinter):
    r"""SymPy's LaTeX printer with symconv's notation and factor order.

    >>> import symconv as sc
    >>> X, W = sc.symbols("x", (3, 3)), sc.symbols("w", (2, 2))
    >>> SymconvLatexPrinter().doprint(X[0, 1] * W[1, 0])
    '[\\mathbf{X}]_{1,2}[\\mathbf{W}]_{2,1}'
    """

    printmethod = "_symconv_latex"

    def __init__(
        self,
        notation: Notation | None = None,
        values: Mapping[Any, Any] | None = None,
        settings: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(settings or {})
        self.notation = notation or Notation()
        self.values = {sympy.sympify(k): v for k, v in (values or {}).items()}
        self._extended: set[sympy.Indexed] = set()  # entries read through their zero-padding indicator
        self._abbrev = 0  # > 0 inside limits, subscripts and conditions: the number of windows prints as o_h

    @contextlib.contextmanager
    def _abbreviating(self) -> Iterator[None]:
        self._abbrev += 1
        try:
            yield
        finally:
            self._abbrev -= 1

    # -- symbols -------------------------------------------------------------------------------------
    def _print_Symbol(self, expr: sympy.Symbol, style: str = "plain") -> str:
        if expr in self.values:
            value = sympy.sympify(self.values[expr])
            tex = self._print(value)
            return rf"\left({tex}\right)" if value.is_number and value.is_negative else tex
        match = ENTRY.match(expr.name)
        if match:
            return self.notation.entry(match["prefix"], tuple(int(i) for i in match["idx"].split(",")))
        if not expr.name.isascii():
            return text_math(expr.name, self.notation)
        name = expr.name.rstrip("'")
        primes = expr.name[len(name) :]
        if IDENTIFIER.match(name):  # a flag named in words (count_include_pad): its name, upright
            return r"\mathrm{" + name.replace("_", r"\_") + "}" + primes
        base, supers, subs = split_super_sub(name)
        supers += [x for x in subs if x in SIDE_SCRIPTS]  # p_lo, like the kernel's p^lo: a superscript
        subs = [x for x in subs if x not in SIDE_SCRIPTS]
        if expr.is_positive and base in self.notation.size_letters:  # m_h, the number of windows: o_h
            base = self.notation.size_letters[base]
        elif not any(len(x) > 1 for x in (*supers, *subs)) and not primes and _letters(base) == translate(base):
            return super()._print_Symbol(expr, style)
        tex = _letters(base) + primes
        if supers:
            tex += "^{" + " ".join(_script(x) for x in supers) + "}"
        if subs:
            tex += "_{" + " ".join(_script(x) for x in subs) + "}"
        return tex

    _print_Dummy = _print_Symbol

    def _print_Indexed(self, expr: sympy.Indexed) -> str:
        label = str(expr.base.label)
        with self._abbreviating():
            indices = ",".join(self._print(i) for i in expr.indices)
        n = self.notation
        if label in n.sequences and len(expr.indices) == 1:  # K[l]: the kernel size of layer l
            return f"{n.sequences[label]}_{{{indices}}}"
        numbered = NUMBERED.match(label)
        if label in n.arrays:
            bold, plain = n.arrays[label]
            name = bold if n.brackets else plain
        elif numbered and numbered["letter"] in n.arrays:  # W1, W2: the stacked layers' kernels W_1, W_2
            name = n.array(numbered["letter"]) + f"_{{{numbered['number']}}}"
        elif label.startswith("\\"):  # already LaTeX: \tilde{X}, \delta
            name = self._latex_label(label)
        else:
            applied = APPLIED_BASE.match(label)
            if applied and applied["op"] == "rot180":
                inner = n.array(applied["arg"]) if applied["arg"] in n.arrays else text_math(applied["arg"], n)
                name = rf"{n.rot180}({inner})"
            else:
                name = text_math(label, n)
        if expr in self._extended:
            return f"[{n.extended % name}]_{{{indices}}}"
        if not n.brackets and label in n.arrays:
            return f"{name}_{{{indices}}}"
        if not n.brackets and label.startswith("\\"):
            return f"{{{name}}}_{{{indices}}}"
        return f"[{name}]_{{{indices}}}"

    def _print_IndexedBase(self, expr: sympy.IndexedBase) -> str:
        label = str(expr.label)
        numbered = NUMBERED.match(label)
        if label in self.notation.arrays:
            return self.notation.array(label)
        if numbered and numbered["letter"] in self.notation.arrays:
            return self.notation.array(numbered["letter"]) + f"_{{{numbered['number']}}}"
        return self._latex_label(label) if label.startswith("\\") else text_math(label, self.notation)

    def _latex_label(self, label: str) -> str:
        r"""A label already in LaTeX, with array letters set bold: ``\tilde{X}`` -> ``\tilde{\mathbf{X}}``."""
        return ACCENTED.sub(lambda m: m[1] + "{" + self.notation.array(m[2]) + "}", label)

    # -- symconv's operator symbols (symconv.prove.notation), found by class name ----------------------
    def _operand(self, expr: sympy.Basic) -> str:
        """An operand of an operator symbol: a bare array name is set bold; a nested operation is bracketed."""
        if isinstance(expr, sympy.Symbol) and expr.name in self.notation.arrays:
            return self.notation.array(expr.name)
        tex = self._print(expr)
        return rf"\left({tex}\right)" if type(expr).__name__ in OPERATORS else tex

    def _binary(self, expr: sympy.Basic) -> str:
        name, wide = OPERATORS[type(expr).__name__]
        left, right = (self._operand(a) for a in expr.args)
        return f"{left} {self.notation.op(name, wide)} {right}"

    _print_Corr = _print_Conv = _print_FullCorr = _print_FullConv = _binary

    def _print_Rot180(self, expr: sympy.Basic) -> str:
        return f"{self.notation.rot180}({self._operand(expr.args[0])})"

    def _print_Entry(self, expr: sympy.Basic) -> str:
        inner, *idx = expr.args
        tex = self._operand(inner) if isinstance(inner, sympy.Symbol) else self._print(inner)
        return f"[{tex}]_{{{','.join(self._print(i) for i in idx)}}}"

    def _print_KroneckerDelta(self, expr: sympy.KroneckerDelta, exp: Any = None) -> str:
        """The Kronecker delta as an indicator, so it never reads as the error term δ."""
        with self._abbreviating():
            left, right = (self._print(a) for a in expr.args)
        gap = r"\," if left.startswith("[") else ""
        tex = rf"{self.notation.indicator}[{gap}{left} = {right}{gap}]"
        return rf"\left({tex}\right)^{{{exp}}}" if exp is not None else tex

    def _print_Float(self, expr: sympy.Float) -> str:
        return number(float(expr))

    def _print_Integer(self, expr: sympy.Integer) -> str:
        r"""Large round integers in scientific form, exactly: ``1.024 \\times 10^{16}``."""
        value = int(expr)
        digits = str(abs(value))
        zeros = len(digits) - len(digits.rstrip("0"))
        if zeros < 5:
            return str(value)
        mantissa = digits.rstrip("0")
        head = mantissa[0] + ("." + mantissa[1:] if len(mantissa) > 1 else "")
        power = rf"10^{{{len(digits) - 1}}}"
        tex = power if head == "1" else rf"{head} \times {power}"
        return ("-" if value < 0 else "") + tex

    # -- conditions: indicators, zero padding, relations ---------------------------------------------
    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:
        r"""``f`` where a condition holds and 0 elsewhere as ``\mathbb{1}[C]\, f`` (an entry read through the
        indicator of its own index range as the zero-extended ``[\tilde{\mathbf{X}}]_{…}``); other cases
        as ``cases``, conditions listed by commas, ``otherwise`` last."""
        if is_indicator(expr):
            value, cond = expr.args[0]
            return self._indicator(value, list(sympy.And.make_args(cond)))
        if len(expr.args) == 2 and expr.args[1].cond is sympy.true:
            (first, cond), (other, _true) = expr.args
            step = sympy.expand(first - other)
            if step.is_number and step != 0:  # B + c·1[C]: a correction by a constant where C holds
                one = self._indicator(sympy.Integer(1), list(sympy.And.make_args(cond)))
                shift = one if abs(step) == 1 else f"{self._print(abs(step))} {one}"
                return " ".join([*self.term_strings(other), "+" if step > 0 else "-", shift])
        rows = []
        for value, cond in expr.args:
            if cond is sympy.true:
                rows.append(rf"{self._print(value)} & \text{{otherwise}}")
            else:
                rows.append(rf"{self._print(value)} & \text{{if }} {self._conditions(sympy.And.make_args(cond))}")
        return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"

    def _indicator(self, value: sympy.Basic, conds: list[sympy.Basic]) -> str:
        extended, rest = self._zero_extension(value, conds)
        before = set(self._extended)
        self._extended |= extended
        try:
            body = self._print(value)
        finally:
            self._extended = before
        if isinstance(value, sympy.Add):
            body = rf"\left({body}\right)"
        if not rest:
            return body
        conditions = self._conditions(rest)
        gap = r"\," if conditions.startswith("[") else ""  # 1[\,[X]_{1,1} = …], not 1[[X]…]
        tex = rf"{self.notation.indicator}[{gap}{conditions}{gap}]"
        return tex if value == 1 else rf"{tex}\, {body}"

    def _zero_extension(
        self, value: sympy.Basic, conds: list[sympy.Basic]
    ) -> tuple[set[sympy.Indexed], list[sympy.Basic]]:
        """The entries of ``value`` whose every index ``t`` is bounded by ``1 ≤ t ≤ N`` among ``conds``, ``N``
        the tensor's own extent along that axis (:data:`~symconv.latex.notation.EXTENTS`), and the
        conditions left over."""
        extended: set[sympy.Indexed] = set()
        used: set[int] = set()
        slacks = [_slack(c) for c in conds]
        for entry in sympy.Mul.make_args(value):
            if not isinstance(entry, sympy.Indexed):
                continue
            letter = self.notation.extents.get(str(entry.base.label))
            if letter is None:
                continue
            found: list[int] = []
            axes: list[str] = []
            for t in entry.indices:
                low = next(
                    (
                        k
                        for k, d in enumerate(slacks)
                        if d is not None and k not in used and k not in found and sympy.expand(d - t + 1) == 0
                    ),
                    None,
                )
                high = None
                for k, d in enumerate(slacks):
                    if d is None or k in used or k in found or k == low:
                        continue
                    axis = _extent_axis(sympy.expand(d + t), letter)
                    if axis is not None:
                        high = k
                        axes.append(axis)
                        break
                if low is None or high is None:
                    break
                found += [low, high]
            else:
                if _axes_in_order(axes):
                    extended.add(entry)
                    used.update(found)
        return extended, [c for k, c in enumerate(conds) if k not in used]

    def _conditions(self, conds: Iterable[sympy.Basic]) -> str:
        r"""Conditions joined by commas, bounds of one term merged into a chain (``1 \le a \le k_{h}``), in
        SymPy's canonical order (the kernel builds them in an order that varies from run to run)."""
        conds = sorted(conds, key=sympy.default_sort_key)
        with self._abbreviating():
            return ",\\ ".join(self.chain_tex(c) if isinstance(c, tuple) else self._print(c) for c in chains(conds))

    def chain_tex(self, chain: tuple[Any, ...]) -> str:
        r"""A chain of bounds from :func:`chains`: ``1 \\le a \\le k_{h}``."""
        with self._abbreviating():
            out = self._print(chain[0])
            for op, term in zip(chain[1::2], chain[2::2]):
                out += f" {op} {self._print(term)}"
        return out

    def _print_And(self, expr: sympy.And) -> str:  # nested in an Or (a list of conditions is comma-separated)
        return r" \wedge ".join(self._print(c) for c in expr.args)

    def _print_Relational(self, expr: sympy.Basic) -> str:
        r"""A relation with its terms in the notes' order; ``x \bmod s = 0`` as ``s \mid x``; a relation
        against 0 as one between the positive and the negative terms (``a - i \le 0`` as ``a \le i``)."""
        with self._abbreviating():
            if isinstance(expr, sympy.Eq) and expr.rhs == 0 and isinstance(expr.lhs, sympy.Mod):
                x, m = expr.lhs.args
                m = -m if m.could_extract_minus_sign() else m
                x = sympy.Add(*(t for t in sympy.Add.make_args(x) if not _multiple_of(t, m)))
                return rf"{self._print(m)} \mid {self._print(x)}"
            lhs, rhs = expr.lhs, expr.rhs
            if not isinstance(expr, (sympy.Eq, sympy.Ne)) and (lhs == 0 or rhs == 0):
                lhs, rhs = _balanced(lhs - rhs)
            op = next((tex for cls, tex in RELATION_SIGNS.items() if isinstance(expr, cls)), "=")
            return f"{self._side(lhs, rhs)} {op} {self._side(rhs, lhs)}"

    def _side(self, side: sympy.Basic, other: sympy.Basic) -> str:
        """One side of a relation; the number of windows against a bare symbol is spelled out (``m = ⌊…⌋ + 1``,
        not ``o = o``), inside a longer side it is ``o_h``."""
        if not isinstance(other, sympy.Symbol) or windows_axis(side) is None:
            return self._print(side)
        before, self._abbrev = self._abbrev, 0
        try:
            return self._print(side)
        finally:
            self._abbrev = before

    def _print_Card(self, expr: sympy.Basic) -> str:
        var, cond = expr.args
        return rf"\#\left\{{{self._print(var)} \in \mathbb{{Z}}_{{\ge 0}} : {self._print(cond)}\right\}}"

    # -- ordering ------------------------------------------------------------------------------------
    def factor_key(self, factor: sympy.Basic) -> tuple[Any, ...]:
        """Sort key of one factor of a product: numbers, functions, entries (by array, then index), letters.

        >>> import symconv as sc
        >>> x, w = sc.symbols("x", 1)[0], sc.symbols("w", 1)[0]
        >>> printer = SymconvLatexPrinter()
        >>> printer.factor_key(x) < printer.factor_key(w)
        True
        """
        if isinstance(factor, sympy.Pow) and factor.exp.is_positive:
            factor = factor.base
        if factor.is_Number:
            return (0,)
        if isinstance(factor, (sympy.Derivative, AppliedUndef, sympy.KroneckerDelta)):
            return (1, _text(factor))
        if is_indicator(factor):  # sorted as the entry it reads
            value = factor.args[0].expr
            return max((self.factor_key(f) for f in sympy.Mul.make_args(value)), default=(5, _text(factor)))
        if isinstance(factor, (sympy.Sum, sympy.Product)):  # a sum or product last: no brackets around it
            return (7, _text(factor))
        if isinstance(factor, sympy.Symbol):
            match = ENTRY.match(factor.name)
            if match:
                idx = tuple(int(i) for i in match["idx"].split(","))
                return (2, self.notation.factor_rank(match["prefix"]), idx)
            return (4, self.notation.term_rank(factor.name[:1]), factor.name.replace("^lo", "^0").replace("^hi", "^1"))
        if isinstance(factor, sympy.Indexed):
            return (3, self.notation.factor_rank(str(factor.base.label)), _text(factor.indices))
        if isinstance(factor, sympy.Add):
            return (6, _text(factor))
        return (5, _text(factor))

    def _indexlike(self, expr: sympy.Basic) -> bool:
        """No entry symbols or Indexed inside: an index or size expression."""
        if expr.has(sympy.Indexed):
            return False
        return not any(ENTRY.match(s.name) for s in expr.free_symbols if isinstance(s, sympy.Symbol))

    def ordered_terms(self, expr: sympy.Add) -> list[sympy.Basic]:
        """The terms of a sum in the notes' order.

        >>> import sympy
        >>> i, a = sympy.symbols("i a")
        >>> SymconvLatexPrinter().ordered_terms(a - 1 + i)
        [i, a, -1]
        """
        indexlike = self._indexlike(expr)

        def key(term: sympy.Basic) -> tuple[Any, ...]:
            coeff, rest = term.as_coeff_Mul()
            if rest == 1 and not term.free_symbols:
                return (2,)
            factors = sorted(sympy.Mul.make_args(rest), key=self.factor_key)
            negative = 1 if indexlike and coeff.is_negative else 0
            return (0, negative, tuple(self.factor_key(f) for f in factors))

        return sorted(sympy.Add.make_args(expr), key=key)

    def term_strings(self, expr: sympy.Basic) -> list[str]:
        """The printed terms of ``expr`` with their signs: ``["x", "+ y", "- 1"]`` (one item if not a sum).

        >>> import sympy
        >>> SymconvLatexPrinter().term_strings(sympy.Symbol("n") - sympy.Symbol("k") + 1)
        ['n', '- k', '+ 1']
        """
        if not isinstance(expr, sympy.Add):
            return [self._print(expr)]
        out = []
        for i, term in enumerate(self.ordered_terms(expr)):
            sign = ""
            if i > 0:
                if term.could_extract_minus_sign():
                    sign, term = "- ", -term
                else:
                    sign = "+ "
            tex = self._print(term)
            if self._needs_add_brackets(term):
                tex = rf"\left({tex}\right)"
            out.append(sign + tex)
        return out

    def _print_Add(self, expr: sympy.Add, order: str | None = None) -> str:
        if self._abbrev:
            axis = windows_axis(expr)
            if axis is not None:
                letter = self.notation.size_letters.get("m", "m")
                return f"{letter}_{{{axis}}}" if axis else letter
            # ⌊…⌋ − a + 2 with ⌊…⌋ = o_h − 1 is o_h − a + 1; u − ⌊…⌋ − 1 is u − o_h (never u − o_h − 1 − 1)
            windows = {
                f: sympy.Symbol(f"m_{axis}" if axis else "m", integer=True, positive=True) - 1
                for term in expr.args
                for f in sympy.Mul.make_args(term)
                if isinstance(f, sympy.floor) and (axis := windows_axis(f + 1)) is not None
            }
            if windows:
                return self._print(expr.xreplace(windows))
        return " ".join(self.term_strings(expr))

    def _needs_mul_brackets(self, expr: Any, first: bool = False, last: bool = False) -> bool:
        if is_indicator(expr):  # \mathbb{1}[C]\, f is already a product
            return False
        if self._abbrev and isinstance(expr, sympy.Add) and windows_axis(expr) is not None:
            return False  # o_h o_w, not (o_h)(o_w)
        return super()._needs_mul_brackets(expr, first=first, last=last)

    def _join(self, factors: list[sympy.Basic]) -> str:
        r"""Print the factors of a product in order; ``\\cdot`` between numbers (and in worked instances)."""
        out = ""
        texts = []
        for i, f in enumerate(factors):
            tex = self._print(f)
            if len(factors) > 1 and self._needs_mul_brackets(f, first=(i == 0), last=(i == len(factors) - 1)):
                tex = rf"\left({tex}\right)"
            texts.append(tex)
        for i, tex in enumerate(texts):
            if i == 0:
                out = tex
                continue
            prev = texts[i - 1]
            numeric = re.search(r"[0-9]$", prev) and re.match(r"[0-9]", tex)
            if self.values or numeric:
                out += self.notation.times + tex
            elif tex.startswith(r"\mathrm{") or (tex.startswith("[") and prev.endswith("]")):
                out += r"\," + tex  # 30\,\mathrm{rate}; \mathbf{1}[a = b]\,[\mathbf{X}]_{a}
            elif tex.startswith("[") and prev.endswith("}"):
                out += tex
            else:
                out += " " + tex
        return out

    def _print_Mul(self, expr: sympy.Mul) -> str:
        coeff, factors = expr.as_coeff_mul()
        if not coeff.is_Rational:
            coeff, factors = sympy.Integer(1), (coeff, *factors)
        sign = ""
        if coeff.is_negative:
            sign, coeff = "- ", -coeff
        numer = [f for f in factors if not (isinstance(f, sympy.Pow) and f.exp.is_negative)]
        denom = [
            sympy.Pow(f.base, -f.exp, evaluate=True) for f in factors if isinstance(f, sympy.Pow) and f.exp.is_negative
        ]
        numer = sorted(numer, key=self.factor_key)
        denom = sorted(denom, key=self.factor_key)
        p, q = int(coeff.p), int(coeff.q)  # type: ignore[attr-defined]
        top = ([sympy.Integer(p)] if p != 1 or not numer else []) + numer
        bottom = ([sympy.Integer(q)] if q != 1 else []) + denom
        if bottom:
            return rf"{sign}\frac{{{self._join(top)}}}{{{self._join(bottom)}}}"
        return sign + self._join(top)

    # -- functions and sums --------------------------------------------------------------------------
    def _print_Sum(self, expr: sympy.Sum, symbol: str = r"\sum") -> str:
        with self._abbreviating():
            heads = [
                rf"{symbol}_{{{self._print(v)}={self._print(lo)}}}^{{{self._print(hi)}}}"
                for v, lo, hi in expr.limits[::-1]
            ][::-1]
        body = self._print(expr.function)
        if isinstance(expr.function, sympy.Add):
            body = rf"\left({body}\right)"
        return " ".join(heads) + " " + body

    def _print_Product(self, expr: sympy.Product) -> str:
        return self._print_Sum(expr, r"\prod")

    def _print_floor(self, expr: sympy.floor, exp: Any = None) -> str:
        if self._abbrev and exp is None and windows_axis(expr + 1) is not None:  # ⌊…⌋ = o_h − 1, a factor
            return rf"\left({self._print(expr + 1)} - 1\right)"
        tex = rf"\left\lfloor {self._print(expr.args[0])} \right\rfloor"
        return f"{tex}^{{{exp}}}" if exp is not None else tex

    def _print_ceiling(self, expr: sympy.ceiling, exp: Any = None) -> str:
        tex = rf"\left\lceil {self._print(expr.args[0])} \right\rceil"
        return f"{tex}^{{{exp}}}" if exp is not None else tex

    def _print_Derivative(self, expr: sympy.Derivative) -> str:
        r"""``f'(h)`` for an undefined function of one argument; ``\frac{\partial}{\partial [\mathbf{W}]_{α,β}}
        Σ …`` for a derivative with respect to an entry (the kernel's ``differentiate``)."""
        inner = expr.expr
        if isinstance(inner, AppliedUndef) and len(inner.args) == 1 and expr.variable_count == ((inner.args[0], 1),):
            name = self._hprint_Function(inner.func.__name__)
            return rf"{name}'\left({self._print(inner.args[0])}\right)"
        if len(expr.variable_count) == 1 and expr.variable_count[0][1] == 1:
            var = self._print(expr.variable_count[0][0])
            if isinstance(inner, sympy.Symbol):
                return rf"\frac{{\partial {self._print(inner)}}}{{\partial {var}}}"
            body = self._print(inner)
            if isinstance(inner, sympy.Add):
                body = rf"\left({body}\right)"
            return rf"\frac{{\partial}}{{\partial {var}}} {body}"
        return super()._print_Derivative(expr)

    def _hprint_Function(self, func: str) -> str:
        if func.endswith("'") and len(func.rstrip("'")) == 1:  # f': the derivative of an activation f
            return func
        if func == "rot180":
            return self.notation.rot180
        if func in FUNCTIONS:
            return FUNCTIONS[func]
        if not func.isascii():
            return text_math(func, self.notation)
        return super()._hprint_Function(func)

    def _hprint_variadic_function(self, expr: sympy.Basic, exp: Any = None) -> str:
        args = sorted(expr.args, key=lambda a: (self.factor_key(a), str(a)))
        tex = rf"\{str(expr.func).lower()}\left({', '.join(self._print(a) for a in args)}\right)"
        return f"{tex}^{{{exp}}}" if exp is not None else tex

    _print_Min = _print_Max = _hprint_variadic_function

    # -- arrays --------------------------------------------------------------------------------------
    def _print_NDimArray(self, expr: Any) -> str:
        shape = tuple(expr.shape)
        if len(shape) == 0:
            return self._print(expr[()])
        rows = expr.tolist()
        return self._nested(rows, len(shape))

    def _nested(self, rows: list, rank: int) -> str:
        if rank == 1:
            return r"\begin{bmatrix} " + " & ".join(self._print(sympy.sympify(v)) for v in rows) + r" \end{bmatrix}"
        if rank == 2:
            body = r" \\ ".join(" & ".join(self._print(sympy.sympify(v)) for v in row) for row in rows)
            return r"\begin{bmatrix} " + body + r" \end{bmatrix}"
        return r"\left[" + ",\\ ".join(self._nested(r, rank - 1) for r in rows) + r"\right]"

    def _print_MatrixBase(self, expr: sympy.MatrixBase) -> str:
        return self._nested(expr.tolist(), 2)


def number(value: float, digits: int = 2) -> str:
    r"""A float as a reader writes it: ``4.4\\times10^{-16}``, ``0.25``, ``18.52``.

    >>> number(4.4e-16), number(0.25), number(1.024e9), number(0.0)
    ('4.4\\times10^{-16}', '0.25', '1.0\\times10^{9}', '0')
    """
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e5:
        return f"{value:.{digits + 2}g}"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return rf"{mantissa}\times10^{{{int(exponent)}}}"


def index_renaming(exprs: Iterable[Any], notation: Notation | None = None) -> dict[sympy.Symbol, sympy.Symbol]:
    """Index symbols whose letter names a tensor (``w`` beside ``W``) -> a spare letter no expression uses.

    Index symbols are the bound variables of sums and the symbols inside
    ``Indexed`` subscripts; the spare letters come from
    :attr:`~symconv.latex.notation.Notation.spare_indices`, and a letter
    already used anywhere in ``exprs`` is never taken (the renaming is
    capture-free and the same for every expression of a derivation).

    >>> import sympy
    >>> u, w, a = sympy.symbols("u w a", integer=True)
    >>> X = sympy.IndexedBase("X")
    >>> index_renaming([sympy.Sum(X[u, w + a], (a, 1, 3))])
    {w: v}
    """
    notation = notation or Notation()
    exprs = [e for e in exprs if isinstance(e, sympy.Basic)]
    index_symbols: set[sympy.Symbol] = set()
    used: set[str] = set()
    for e in exprs:
        used |= {s.name for s in e.atoms(sympy.Symbol)}
        for s in e.atoms(sympy.Sum):
            index_symbols |= {lim[0] for lim in s.limits}
        for ix in e.atoms(sympy.Indexed):
            index_symbols |= {s for idx in ix.indices for s in idx.free_symbols if isinstance(s, sympy.Symbol)}
    out: dict[sympy.Symbol, sympy.Symbol] = {}
    spare = [letter for letter in notation.spare_indices if letter not in used]
    letters: dict[str, str] = {}  # o and o' (the kernel's renamed o) both take the same spare letter
    for sym in sorted(index_symbols, key=lambda s: s.name):
        letter, primes = sym.name.rstrip("'"), sym.name[len(sym.name.rstrip("'")) :]
        if letter.lower() in notation.tensor_letters and (letter in letters or spare):
            new = letters.setdefault(letter, letters.get(letter) or spare.pop(0))
            out[sym] = sympy.Symbol(new + primes, **sym.assumptions0)
    return out


def to_zero_based(expr: sympy.Basic) -> sympy.Basic:
    """Rewrite a 1-based index formula 0-based: index variables ``v -> v + 1``, every index minus 1.

    Index variables are the bound variables of sums and the single-letter
    symbols inside ``Indexed`` indices (sizes such as ``k_h`` stay).

    >>> import sympy
    >>> i, a, k = sympy.symbols("i a k_h", integer=True)
    >>> X = sympy.IndexedBase("X")
    >>> to_zero_based(sympy.Sum(X[i + a - 1], (a, 1, k)))
    Sum(X[a + i], (a, 0, k_h - 1))
    """
    bound = {lim[0] for s in expr.atoms(sympy.Sum) for lim in s.limits}
    free = {
        s
        for ix in expr.atoms(sympy.Indexed)
        for idx in ix.indices
        for s in idx.free_symbols
        if isinstance(s, sympy.Symbol) and len(s.name) == 1
    }
    shift = {v: v + 1 for v in bound | free}

    def rebuild(e: sympy.Basic) -> sympy.Basic:
        if isinstance(e, sympy.Indexed):
            return e.base[tuple(idx.xreplace(shift) - 1 for idx in e.indices)]
        if isinstance(e, sympy.Sum):
            body = rebuild(e.function)
            limits = [(v, lo - 1, hi - 1) for v, lo, hi in e.limits]
            return sympy.Sum(body, *limits)
        if not e.args:
            return e.xreplace(shift) if e in shift else e
        return e.func(*(rebuild(a) for a in e.args))

    return rebuild(expr)


def index_base(exprs: Iterable[Any]) -> int | None:
    """0 or 1 when every sum in the expressions starts there (how a formula counts), else None.

    >>> import sympy
    >>> a, k = sympy.symbols("a k")
    >>> index_base([sympy.Sum(sympy.IndexedBase("W")[a], (a, 0, k - 1))])
    0
    """
    lows = {lim[1] for e in exprs if isinstance(e, sympy.Basic) for s in e.atoms(sympy.Sum) for lim in s.limits}
    return int(lows.pop()) if len(lows) == 1 and lows <= {sympy.Integer(0), sympy.Integer(1)} else None


def _coerce(expr: Any) -> Any:
    if isinstance(expr, (sympy.Basic, sympy.NDimArray, sympy.MatrixBase)):
        return expr
    if isinstance(expr, bool):
        raise TypeError
    if isinstance(expr, (int, float)):
        return sympy.sympify(expr)
    tolist = getattr(expr, "tolist", None)
    data = tolist() if callable(tolist) else expr
    if isinstance(data, (list, tuple)):
        return sympy.Array(data)
    if isinstance(data, (int, float)):
        return sympy.sympify(data)
    raise TypeError


def latex(expr: Any, notation: Notation | None = None, values: Mapping[Any, Any] | None = None) -> str:
    r"""LaTeX of a SymPy expression, array or number in symconv's notation.

    ``values`` prints numbers (or letters) in place of symbols, for worked
    instances of a formula.

    >>> import symconv as sc
    >>> X, W = sc.symbols("x", (3, 3)), sc.symbols("w", (2, 2))
    >>> latex(sc.corr2d(X, W)[0, 0]).split(" + ")[:2]
    ['[\\mathbf{X}]_{1,1}[\\mathbf{W}]_{1,1}', '[\\mathbf{X}]_{1,2}[\\mathbf{W}]_{1,2}']
    >>> from symconv.symbolic.tensor import entries
    >>> values = dict(zip(entries(X), range(9))) | dict(zip(entries(W), range(4)))
    >>> latex(sc.corr2d(X, W)[0, 0], values=values)
    '0 \\cdot 0 + 1 \\cdot 1 + 3 \\cdot 2 + 4 \\cdot 3'
    """
    notation = notation or Notation()
    try:
        expr = _coerce(expr)
    except (TypeError, ValueError, sympy.SympifyError):
        raise ParameterError(
            "expr", expr, "a SymPy expression, a SymPy array or matrix, a number or nested lists of them"
        ) from None
    if notation.index_base == 0 and isinstance(expr, sympy.Basic) and index_base([expr]) == 1:
        expr = to_zero_based(expr)
    return SymconvLatexPrinter(notation, values).doprint(expr)
