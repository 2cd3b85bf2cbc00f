"""An all-sizes result read for typesetting: its parts, each part's chain and computed scope, its hypotheses.

A theorem's all-sizes proof (:func:`symconv.prove.prove` with ``general=True``) may have several parts
(``Theorem.general``), each a kernel chain that starts with the rule ``start``; the result holds the chains
one after the other, the scope as ``label: scope; …`` (computed by :func:`symconv.kernel.scope_of`), and
the formal hypotheses of every part.  This module splits them again, so that the chapter can show each
part with its own scope, and prints the computed scopes and hypotheses as formulas: each relation that
``scope_of`` wrote as text is found in the text and printed from the SymPy relation itself.

Nothing here decides a verdict or a scope; it only finds, in the result, what the prover computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy

from ..prove.general import prose
from ..result import ProofResult, Step
from ..theorems.registry import Theorem
from .notation import Notation
from .printer import SymconvLatexPrinter, chains, tidy
from .text import Segment

__all__ = ["Part", "is_sign", "parts_of", "relation_text", "scope_math", "shown_hypotheses"]


@dataclass(frozen=True)
class Part:
    """One part of an all-sizes proof: its label (empty for a theorem of one part), its steps and its scope."""

    label: str
    steps: tuple[Step, ...]
    scope: str


def relation_text(relation: Any) -> str:
    """A relation as :func:`symconv.kernel.scope_of` writes it into a scope (``s = 1``, ``2*k ≤ n + 1``).

    >>> k, n = sympy.symbols("k n", integer=True)
    >>> relation_text(sympy.Le(2 * k, n + 1)), relation_text(sympy.Eq(k, 1))
    ('2*k ≤ n + 1', 'k = 1')
    """
    if isinstance(relation, sympy.Eq):
        return f"{relation.lhs} = {relation.rhs}"
    for op, shown in ((sympy.Le, "≤"), (sympy.Lt, "<"), (sympy.Ge, "≥"), (sympy.Gt, ">")):
        if isinstance(relation, op):
            return f"{relation.lhs} {shown} {relation.rhs}"
    return str(relation)


def is_sign(relation: Any) -> bool:
    """A sign assumption of one symbol (``n ≥ 1``, ``p ≥ 0``), or ``True``: left out where hypotheses are shown,
    as :func:`symconv.kernel.scope_of` leaves them out of scopes (sizes are positive, paddings nonnegative).

    >>> n = sympy.Symbol("n", integer=True)
    >>> is_sign(sympy.Ge(n, 1)), is_sign(sympy.Le(n, 4)), is_sign(sympy.true)
    (True, False, True)
    """
    if relation is sympy.true or relation is True:
        return True
    return (
        isinstance(relation, (sympy.Ge, sympy.Gt)) and isinstance(relation.lhs, sympy.Symbol) and relation.rhs in (0, 1)
    )


def _split_scope(scope: str, labels: Sequence[str]) -> list[str] | None:
    """``label_1: scope_1; label_2: scope_2`` -> the scopes, given the labels in order (None if it does not parse)."""
    if len(labels) == 1 and not labels[0]:
        return [scope]
    out: list[str] = []
    rest = scope
    for i, label in enumerate(labels):
        head = f"{label}: "
        if not rest.startswith(head):
            return None
        rest = rest[len(head) :]
        if i + 1 < len(labels):
            cut = rest.find(f"; {labels[i + 1]}: ")
            if cut < 0:
                return None
            out.append(rest[:cut])
            rest = rest[cut + 2 :]
        else:
            out.append(rest)
    return out


def parts_of(thm: Theorem, result: ProofResult) -> list[Part]:
    """The parts of an all-sizes result: one chain per part (each starts with ``start``), with its label and
    scope; a result whose chains cannot be matched to the theorem's parts is one unlabelled part.

    >>> from symconv.prove import prove
    >>> from symconv.theorems.registry import get
    >>> [p.label for p in parts_of(get("full_conv_comm"), prove("full_conv_comm", general=True))]
    ['']
    """
    chains_: list[list[Step]] = []
    for step in result.steps:
        if step.rule == "start" or not chains_:
            chains_.append([])
        chains_[-1].append(step)
    labels = [spec.label for spec in (thm.general or ())]
    scopes = _split_scope(str(result.scope), labels) if len(labels) == len(chains_) else None
    if scopes is None:
        return [Part("", tuple(result.steps), str(result.scope))]
    return [Part(label, tuple(c), scope) for label, c, scope in zip(labels, chains_, scopes)]


def scope_math(scope: str, relations: Sequence[Any], notation: Notation) -> list[Segment]:
    """A computed scope as segments: each relation of ``relations`` that the scope text holds (as
    :func:`relation_text` writes it) printed from the relation, pins of one value chained
    (``s_h = d_h = 1``); the words around them kept as text.

    >>> s, d = sympy.symbols("s d", integer=True, positive=True)
    >>> scope_math("all sizes with s = 1, d = 1", [sympy.Eq(s, 1), sympy.Eq(d, 1)], Notation())
    [('text', 'all sizes with '), ('math', 's = d = 1')]
    """
    printer = SymconvLatexPrinter(notation)
    known = {relation_text(r): r for r in relations if not is_sign(r)}
    head, sep, tail = scope.partition(" with ")
    if not sep:
        return [("text", scope)]
    items = tail.split(", ")
    found: list[Any] = []
    i = 0
    while i < len(items):  # a relation's text may itself hold ", " (Mod(a, b)): join items until one is known
        for j in range(len(items), i, -1):
            text = ", ".join(items[i:j])
            if text in known:
                found.append(known[text])
                i = j
                break
        else:
            return [("text", scope)]
    return [("text", head + sep), ("math", _relations_tex(found, printer))]


def _relations_tex(relations: Sequence[Any], printer: SymconvLatexPrinter) -> str:
    """Relations as one formula: pins of one value chained (``s = d = 1``), bounds of one term merged."""
    pins: dict[Any, list[Any]] = {}
    rest: list[Any] = []
    for r in relations:
        if isinstance(r, sympy.Eq) and isinstance(r.lhs, sympy.Symbol) and r.rhs.is_Integer:
            pins.setdefault(r.rhs, []).append(r.lhs)
        else:
            rest.append(tidy(r))
    texts = [" = ".join([*(printer.doprint(s) for s in syms), printer.doprint(value)]) for value, syms in pins.items()]
    if rest:
        texts.append(printer._conditions(rest))
    return ",\\ ".join(texts)


def shown_hypotheses(result: ProofResult, notation: Notation) -> list[str]:
    """The hypotheses every part of an all-sizes result assumes, as formulas (sign assumptions left out, two
    bounds of one term merged: ``1 \\le \\alpha \\le k_{h}``); the hypotheses of some parts only are shown with
    those parts' scopes.

    >>> from symconv.prove import prove
    >>> shown_hypotheses(prove("grad_weight_eq_corr", general=True), Notation())[-1]
    '1 \\\\le \\\\beta \\\\le k_{w}'
    """
    printer = SymconvLatexPrinter(notation)
    said = tuple(result.hypotheses)
    common = []
    for k, relation in enumerate(result.formal_hypotheses):
        if is_sign(relation):
            continue
        if k < len(said) and said[k] != prose(relation):  # "… (labels of the parts that assume it)"
            continue
        common.append(tidy(relation))
    return [printer.chain_tex(item) if isinstance(item, tuple) else printer.doprint(item) for item in chains(common)]
