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

import re
from collections.abc import Iterable, Mapping
from typing import Any

import sympy
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter

from ..errors import ParameterError
from .notation import Notation
from .text import UPRIGHT_SCRIPTS
from .text import math as text_math

__all__ = ["ENTRY", "SymconvLatexPrinter", "index_base", "index_renaming", "latex", "number", "to_zero_based"]

#: A symconv entry symbol: ``x_{1,2}``, ``δ_{1,1,2}``, ``b_{3}`` (1-based indices).
ENTRY = re.compile(r"^(?P<prefix>[^\W\d_][^_{}]*)_\{(?P<idx>[0-9]+(?:,[0-9]+)*)\}$")
#: Indexed bases that are an operator applied to an array: ``rot180(W)``.
APPLIED_BASE = re.compile(r"^(?P<op>[A-Za-z][A-Za-z0-9]*)\((?P<arg>[^()]*)\)$")
#: An accent on an array letter in a label written in LaTeX: ``\\tilde{X}``.
ACCENTED = re.compile(r"(\\(?:tilde|hat|bar|widetilde))\{([A-Z])\}")
#: symconv's operator symbols (``symconv.prove.notation``) by class name: (operator, wide).
OPERATORS: Mapping[str, tuple[str, bool]] = {
    "Corr": ("corr", False),
    "Conv": ("conv", False),
    "FullCorr": ("corr", True),
    "FullConv": ("conv", True),
}
#: Functions printed by name.
FUNCTIONS: Mapping[str, str] = {"up": r"\operatorname{up}", "shape": r"\operatorname{shape}"}


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

    # -- symbols -------------------------------------------------------------------------------------
    def _print_Symbol(self, expr: sympy.Symbol, style: str = "plain") -> str:
        if expr in self.values:
            value = sympy.sympify(self.values[expr])
            tex = self._print(value)
            return rf"\left({tex}\right)" if value.is_number and value.is_negative else tex
        match = ENTRY.match(expr.name)
        if match:
            return self.notation.entry(match["prefix"], tuple(int(i) for i in match["idx"].split(",")))
        base, _, script = expr.name.partition("_")
        if script in UPRIGHT_SCRIPTS and base.isalpha():  # p_lo, p_hi: a word as a subscript is set upright
            return rf"{self._print(sympy.Symbol(base))}_{{\mathrm{{{script}}}}}"
        if expr.name.isascii():
            return super()._print_Symbol(expr, style)
        return text_math(expr.name, self.notation)

    _print_Dummy = _print_Symbol

    def _print_Indexed(self, expr: sympy.Indexed) -> str:
        label = str(expr.base.label)
        indices = ",".join(self._print(i) for i in expr.indices)
        n = self.notation
        if label in n.arrays:
            bold, plain = n.arrays[label]
            return f"[{bold}]_{{{indices}}}" if n.brackets else f"{plain}_{{{indices}}}"
        if label.startswith("\\"):  # already LaTeX: \tilde{X}, \delta
            label = self._latex_label(label)
            return f"[{label}]_{{{indices}}}" if n.brackets else f"{{{label}}}_{{{indices}}}"
        applied = APPLIED_BASE.match(label)
        if applied and applied["op"] == "rot180":
            inner = n.array(applied["arg"]) if applied["arg"] in n.arrays else text_math(applied["arg"], n)
            return rf"[{n.rot180}({inner})]_{{{indices}}}"
        return f"[{text_math(label, n)}]_{{{indices}}}"

    def _print_IndexedBase(self, expr: sympy.IndexedBase) -> str:
        label = str(expr.label)
        if label in self.notation.arrays:
            return self.notation.array(label)
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
        left, right = (self._print(a) for a in expr.args)
        tex = rf"{self.notation.indicator}[{left} = {right}]"
        return rf"\left({tex}\right)^{{{exp}}}" if exp is not None else tex

    def _print_Float(self, expr: sympy.Float) -> str:
        return number(float(expr))

    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:
        """Cases with their conditions listed by commas (``\\wedge`` chains read badly), ``otherwise`` last."""
        rows = []
        for value, cond in expr.args:
            if cond is sympy.true:
                rows.append(rf"{self._print(value)} & \text{{otherwise}}")
            else:
                parts = sympy.And.make_args(cond)
                conds = ",\\ ".join(self._print(c) for c in sorted(parts, key=str))
                rows.append(rf"{self._print(value)} & \text{{if }} {conds}")
        return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"

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
        if isinstance(factor, (sympy.Derivative, AppliedUndef)):
            return (1, str(factor))
        if isinstance(factor, sympy.Symbol):
            match = ENTRY.match(factor.name)
            if match:
                idx = tuple(int(i) for i in match["idx"].split(","))
                return (2, self.notation.factor_rank(match["prefix"]), idx)
            return (4, self.notation.term_rank(factor.name[:1]), factor.name)
        if isinstance(factor, sympy.Indexed):
            return (3, self.notation.factor_rank(str(factor.base.label)), str(factor.indices))
        if isinstance(factor, sympy.Add):
            return (6, str(factor))
        return (5, str(factor))

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
        return " ".join(self.term_strings(expr))

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
    def _print_Sum(self, expr: sympy.Sum) -> str:
        heads = [
            rf"\sum_{{{self._print(v)}={self._print(lo)}}}^{{{self._print(hi)}}}" for v, lo, hi in expr.limits[::-1]
        ][::-1]
        body = self._print(expr.function)
        if isinstance(expr.function, sympy.Add):
            body = rf"\left({body}\right)"
        return " ".join(heads) + " " + body

    def _print_floor(self, expr: sympy.floor, exp: Any = None) -> str:
        tex = rf"\left\lfloor {self._print(expr.args[0])} \right\rfloor"
        return f"{tex}^{{{exp}}}" if exp is not None else tex

    def _print_ceiling(self, expr: sympy.ceiling, exp: Any = None) -> str:
        tex = rf"\left\lceil {self._print(expr.args[0])} \right\rceil"
        return f"{tex}^{{{exp}}}" if exp is not None else tex

    def _print_Derivative(self, expr: sympy.Derivative) -> str:
        inner = expr.expr
        if isinstance(inner, AppliedUndef) and len(inner.args) == 1 and expr.variable_count == ((inner.args[0], 1),):
            name = self._hprint_Function(inner.func.__name__)
            return rf"{name}'\left({self._print(inner.args[0])}\right)"
        return super()._print_Derivative(expr)

    def _hprint_Function(self, func: str) -> str:
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
    for sym in sorted(index_symbols, key=lambda s: s.name):
        letter, primes = sym.name.rstrip("'"), sym.name[len(sym.name.rstrip("'")) :]
        if letter.lower() in notation.tensor_letters and spare:
            new = spare.pop(0)
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
