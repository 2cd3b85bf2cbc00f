r"""Long formulas cut into lines that fit the page, where a reader expects the breaks.

A formula, as the printer writes it, is read as a sequence of *words*: the runs between its top-level
spaces (a bracket pair ``\left( … \right)``, a braced group or a fraction is one word).  A line may break

* before an operator or a relation (``+``, ``-``, ``=``, ``\le``, ``\wedge`` …),
* after the comma between two conditions of an indicator (``,\ ``),
* before a factor that opens with ``[``, an indicator, a sum or a fraction,

never after a sum's head (``\sum_{a=1}^{k}`` stays with its first factor) nor after an operator.  A run
of words with no break inside that is still wider than a line is *opened*, the widest word first:

* a bracket pair ``\left( … \right)``: its inside is broken like a formula, and every line closes and
  reopens the pair (``\left( … \right.`` / ``\left. … \right)``);
* a fraction ``\frac{A}{B}``: written ``(A)/(B)``, so that its parts can break;
* a subscript ``[\mathbf{X}]_{i,j,l}``: its indices are stacked (``subarray``), one or a few per row.

Widths come from :func:`symconv.latex.width.math_width` (points at 10pt); the compile tests check the
result on the log.  Nothing here changes what a formula says, only where it is cut.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence

from .width import math_width

__all__ = ["fit", "words"]

#: Spacing at the top level of a formula: a place where the formula may be cut.
_GAP = re.compile(r"\s+|\\[ ,;:](?![A-Za-z])|\\q?quad(?![A-Za-z])")
#: Words that are an operator or a relation: a line may start with one (never end with one).
_OPERATOR = re.compile(
    r"^(?:[-+=<>/]|\\(?:le|ge|ne|leq|geq|neq|cdot|times|wedge|vee|mid|bmod|mapsto|equiv|iff|in|otimes|odot|"
    r"approx|to)(?![A-Za-z]))$"
)
#: A factor that may start a line (after a space): an entry, an indicator, a sum, a fraction.
_FACTOR = re.compile(r"^(?:\[|\\(?:sum|prod)(?:\\nolimits)?_|\\mathbf\{1\}|\\mathbb\{1\}|\\frac\{)")
#: A word that ends with a head binding the word after it: a big operator with its limits, a derivative
#: operator (checked by :func:`_is_head`).
_HEADS = (r"\sum_", r"\prod_", r"\sum\nolimits_", r"\prod\nolimits_", r"\frac{\partial}")
_COMMAND = re.compile(r"\\([A-Za-z]+|.)")
_DELIMITER = re.compile(r"\s*(\\[A-Za-z]+|\\.|.)")

Word = tuple[str, str]  # (the spacing before it, the word)


def words(tex: str) -> list[Word]:
    r"""The top-level words of a formula, each with the spacing before it.

    >>> [w for _gap, w in words(r"\sum_{a=1}^{k} \left(x + y\right)\, [\mathbf{X}]_{a,b}")]
    ['\\sum_{a=1}^{k}', '\\left(x + y\\right)', '[\\mathbf{X}]_{a,b}']
    """
    out: list[Word] = []
    gap, word = "", ""
    depth = pairs = 0
    i = 0
    while i < len(tex):
        if depth == 0 and pairs == 0:
            m = _GAP.match(tex, i)
            if m:
                if word:
                    out.append((gap, word))
                    gap, word = "", ""
                gap += m.group(0)
                i = m.end()
                continue
        ch = tex[i]
        if ch == "\\":
            m = _COMMAND.match(tex, i)
            assert m is not None
            token, i = m.group(0), m.end()
            if m.group(1) in ("left", "right"):
                d = _DELIMITER.match(tex, i)
                if d:
                    token, i = token + d.group(1), d.end()
                pairs += 1 if m.group(1) == "left" else -1
            word += token
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        word += ch
        i += 1
    if word:
        out.append((gap, word))
    return out


def _is_head(word: str) -> bool:
    r"""Whether ``word`` ends with a big operator and its limits (``\left(\sum_{t=1}^{k}``) or a
    derivative operator: the next word belongs to it."""
    for head in _HEADS:
        at = word.rfind(head)
        if at < 0:
            continue
        j = at + len(head) - (1 if head.endswith("_") else 0)
        for _ in range(2):  # its two scripts (or the fraction's denominator)
            while j < len(word) and word[j] in "_^":
                j += 1
            if j < len(word) and word[j] == "{":
                j = _braced(word, j)
        if j == len(word):
            return True
    return False


def _breaks_before(prev: str, word: str) -> bool:
    """Whether a line may start with ``word`` when ``prev`` ends the line before."""
    if _is_head(prev) or _OPERATOR.match(prev):
        return False
    if _OPERATOR.match(word):
        return True
    return prev.endswith((",", ";")) or bool(_FACTOR.match(word))


def _runs(items: Sequence[Word]) -> list[list[Word]]:
    """The words grouped into runs that a line never cuts."""
    runs: list[list[Word]] = []
    for k, (gap, word) in enumerate(items):
        if runs and not _breaks_before(items[k - 1][1], word):
            runs[-1].append((gap, word))
        else:
            runs.append([(gap, word)])
    return runs


def _joined(items: Sequence[Word]) -> str:
    return "".join((gap if k else "") + word for k, (gap, word) in enumerate(items)).strip()


def _width(tex: str, level: int) -> float:
    return math_width(_balanced(tex), level)


def _tokens(tex: str) -> Iterator[tuple[int, str | None, int]]:
    r"""The tokens of ``tex``: (start, command name or ``None`` for a character, brace depth before it).

    >>> [(i, name, depth) for i, name, depth in _tokens(r"a{\left(b}")]
    [(0, None, 0), (1, None, 0), (2, 'left', 1), (7, None, 1), (8, None, 1), (9, None, 1)]
    """
    depth = 0
    i = 0
    while i < len(tex):
        if tex[i] == "\\":
            m = _COMMAND.match(tex, i)
            assert m is not None
            yield i, m.group(1), depth
            i = m.end()
            continue
        yield i, None, depth
        depth += {"{": 1, "}": -1}.get(tex[i], 0)
        i += 1


def _groups(word: str) -> list[tuple[int, int, int, int]]:
    r"""The outermost bracket pairs that open and close inside a word (at brace depth 0): (start of
    ``\left``, start of the inside, end of the inside, end of ``\right`` and its delimiter)."""
    found = []
    stack: list[tuple[int, int]] = []
    for i, name, depth in _tokens(word):
        if name in ("left", "right") and depth == 0:
            d = _DELIMITER.match(word, i + len(name) + 1)
            stop = d.end() if d else i + len(name) + 1
            if name == "left":
                stack.append((i, stop))
            elif stack:
                start, inner = stack.pop()
                found.append((start, inner, i, stop))
    return [g for g in found if not any(o[0] < g[0] and g[3] <= o[3] for o in found)]


def _braced(tex: str, i: int) -> int:
    """The index after the braced group that opens at ``i``."""
    depth, j = 0, i
    while j < len(tex):
        depth += {"{": 1, "}": -1}.get(tex[j], 0)
        j += 1
        if depth == 0:
            break
    return j


def _top_level(tex: str, pattern: str, pairs_too: bool = False) -> list[int]:
    """Where ``pattern`` starts at brace depth 0, outside bracket pairs (or inside them too)."""
    out = []
    pairs = 0
    for i, name, depth in _tokens(tex):
        if depth == 0 and (pairs == 0 or pairs_too) and tex.startswith(pattern, i):
            out.append(i)
        if name in ("left", "right"):
            pairs += 1 if name == "left" else -1
    return out


def _open_pair(gap: str, word: str, level: int) -> list[Word] | None:
    """The widest bracket pair of ``word`` opened: its inside as words, the pair's ends on the first and last."""
    groups = _groups(word)
    if not groups:
        return None
    _start, inner, end, _stop = max(groups, key=lambda g: _width(word[g[0] : g[3]], level))
    inside = words(word[inner:end])
    if len(inside) < 2:
        return None
    first_gap, first = inside[0]
    del first_gap
    last_gap, last = inside[-1]
    head, tail = word[:inner], word[end:]
    if len(inside) == 2:
        return [(gap, head + first), (last_gap, last + tail)]
    return [(gap, head + first), *inside[1:-1], (last_gap, last + tail)]


def _operand(tex: str) -> str:
    return rf"\left({tex}\right)" if len(words(tex)) > 1 or tex.startswith("-") else tex


def _open_fraction(gap: str, word: str, level: int) -> list[Word] | None:
    r"""The widest ``\frac{A}{B}`` of ``word`` written ``(A)/(B)``, so that its parts can break."""
    best = None
    for i in _top_level(word, r"\frac{", pairs_too=True):
        j = _braced(word, i + 5)
        k = _braced(word, j)
        num, den = word[i + 6 : j - 1], word[j + 1 : k - 1]
        if num.startswith(r"\partial"):
            continue
        width = _width(word[i:k], level)
        if best is None or width > best[0]:
            best = (width, i, k, num, den)
    if best is None:
        return None
    _w, i, k, num, den = best
    return [(gap, word[:i] + _operand(num)), (" ", "/"), (" ", _operand(den) + word[k:])]


def _stack(indices: list[str], budget: float, level: int) -> list[str]:
    """Indices (each with its comma) greedily joined into rows of at most ``budget`` points; an index too
    wide for a row is broken itself."""
    rows: list[str] = []
    for index in indices:
        if rows and _width(rows[-1] + index, level) <= budget:
            rows[-1] += index
        elif _width(index, level) > budget:
            rows += fit(index, budget, level=level)
        else:
            rows.append(index)
    return rows


def _open_subscript(gap: str, word: str, level: int, budget: float) -> list[Word] | None:
    r"""The widest subscript of ``word`` stacked: its indices in rows of a ``subarray``."""
    best = None
    for i in _top_level(word, "_{", pairs_too=True):
        if word[:i].endswith((r"\sum", r"\prod", r"\nolimits")):  # a sum's limits stay as they are
            continue
        j = _braced(word, i + 1)
        width = _width(word[i + 2 : j - 1], level + 1)
        if best is None or width > best[0]:
            best = (width, i, j)
    if best is None or r"\begin{subarray}" in word[best[1] : best[2]]:
        return None
    _w, i, j = best
    sub = word[i + 2 : j - 1]
    cuts = [0, *(c + 1 for c in _top_level(sub, ",")), len(sub) + 1]
    indices = [sub[a:b] for a, b in itertools.pairwise(cuts)]
    rest = _width(word[:i] + word[j:], level)
    rows = _stack(indices, max(budget - rest, 40.0), level + 1)
    if len(rows) < 2:
        return None
    stacked = r"\begin{subarray}{l}" + r" \\ ".join(rows) + r"\end{subarray}"
    return [(gap, word[:i] + "_{" + stacked + "}" + word[j:])]


def _open(gap: str, word: str, level: int, budget: float) -> list[Word] | None:
    return _open_pair(gap, word, level) or _open_fraction(gap, word, level) or _open_subscript(gap, word, level, budget)


def _balanced(line: str) -> str:
    r"""A line with every bracket pair it cuts closed or reopened by a null delimiter (``\right.``,
    ``\left.``)."""
    open_, unmatched = 0, 0
    for _i, name, depth in _tokens(line):
        if depth == 0 and name == "left":
            open_ += 1
        elif depth == 0 and name == "right":
            if open_:
                open_ -= 1
            else:
                unmatched += 1
    return r"\left. " * unmatched + line + r" \right." * open_


def fit(tex: str, budget: float, first: float | None = None, level: int = 0) -> list[str]:
    r"""``tex`` cut into lines of at most ``budget`` points (the first line ``first``), each line's bracket
    pairs balanced; a run too wide is opened (see the module's description).  A line stays too wide only
    when a single symbol is.

    >>> fit(r"a + b + c", 1000)
    ['a + b + c']
    >>> fit(r"a + b + c", 30)
    ['a + b', '+ c']
    >>> fit(r"x \left(a + b + c + d\right)", 45)
    ['x \\left(a + b \\right.', '\\left. + c + d\\right)']
    """
    first = budget if first is None else first
    items = words(tex)
    for _ in range(200):  # each round opens one word; formulas have far fewer
        runs = _runs(items)
        wide = [run for run in runs if _width(_joined(run), level) > min(budget, first)]
        opened = None
        for run in wide:
            whole = _width(_joined(run), level)
            for gap, word in sorted(run, key=lambda w: -_width(w[1], level)):
                room = min(budget, first) - (whole - _width(word, level))  # what the rest of the run leaves it
                new = _open(gap, word, level, room)
                if new is not None:
                    opened = ((gap, word), new)
                    break
            if opened:
                break
        if opened is None:
            break
        k = items.index(opened[0])
        items = items[:k] + opened[1] + items[k + 1 :]
    lines: list[list[Word]] = [[]]
    for run in _runs(items):
        limit = first if len(lines) == 1 else budget
        if lines[-1] and _width(_joined([*lines[-1], *run]), level) > limit:
            lines.append([])
        lines[-1] += run
    return [_balanced(_joined(line)) for line in lines if line]
