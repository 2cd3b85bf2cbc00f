"""How wide a formula prints: a small model of TeX's math layout in Computer Modern at 10pt (data tables).

The derivations break long lines before TeX sees them, so they need the printed width of a formula, not
its length in characters: a subscript is set at 70 % (a second-level one at 50 %), a binary operator and a
relation carry TeX's medium and thick spaces in the text style but none in scripts, a display sum is as
wide as its sign or its limits, a fraction as its wider part.  :func:`math_width` walks the LaTeX the
printer writes and adds up glyph widths from :data:`GLYPHS` (measured from the fonts, rounded); the
compile tests check the result on the log (no overfull box).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["GLYPHS", "SCALES", "math_width"]

#: Width in pt at 10pt of one glyph class; characters not listed take ``"other"``.
GLYPHS: Mapping[str, float] = MappingProxyType(
    {
        "lower": 5.0,  # italic a…z (cmmi10: i 3.4 … m 8.8)
        "upper": 7.6,  # italic A…Z
        "digit": 5.0,
        "greek": 5.8,  # \alpha, \beta, \delta, …
        "bold": 8.0,  # \mathbf{X}
        "upright": 5.0,  # \mathrm{lo}, \operatorname{rot180} (per letter)
        "text": 4.6,  # \text{…} (cmr10, per character with spaces)
        "paren": 3.9,  # ( ) [ ] | (and \left/\right of one line)
        "floor": 4.5,  # \lfloor \rfloor \lceil \rceil
        "comma": 2.8,
        "binary": 7.8,  # + − \cdot \times \mid (the glyph)
        "relation": 7.8,  # = \le \ge \ne < > \mapsto
        "sum": 14.4,  # \sum \prod in display style
        "indicator": 5.8,  # \mathbf{1}
        "tilde": 0.0,  # an accent adds nothing
        "other": 5.5,
    }
)

#: Spacing (pt) around binary operators and relations in the text style (none in scripts), and the size
#: of each script level relative to 10pt.
SPACES: Mapping[str, float] = MappingProxyType({"binary": 2.2, "relation": 2.8, "thin": 1.7, "op": 1.7})
SCALES: tuple[float, ...] = (1.0, 0.78, 0.7, 0.7)

_SPACE_COMMANDS = {",": 1.7, ";": 2.8, ":": 2.2, "!": -1.7, " ": 3.3, "quad": 10.0, "qquad": 20.0}
_BINARY = {"cdot", "times", "mid", "pm", "otimes", "odot", "wedge", "vee", "circ"}
_RELATION = {"le", "ge", "ne", "leq", "geq", "neq", "mapsto", "to", "equiv", "approx", "iff", "in", "subseteq"}
_FLOOR = {"lfloor", "rfloor", "lceil", "rceil"}
_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "lambda", "mu", "nu",
    "xi", "pi", "rho", "sigma", "tau", "phi", "varphi", "chi", "psi", "omega", "ell", "Delta", "Gamma",
    "Theta", "Lambda", "Phi", "Psi", "Omega", "partial", "infty",
}  # fmt: skip
_TOKEN = re.compile(r"\\([A-Za-z]+|.)|([{}_^&])|(\s+)|(.)", re.S)


def _group(tex: str, i: int) -> tuple[str, int]:
    """The braced group (or the single token) starting at ``i`` (spaces skipped), and the index after it."""
    while i < len(tex) and tex[i] == " ":
        i += 1
    if i >= len(tex):
        return "", i
    if tex[i] == "{":
        depth, j = 1, i + 1
        while j < len(tex) and depth:
            depth += {"{": 1, "}": -1}.get(tex[j], 0)
            j += 1
        return tex[i + 1 : j - 1], j
    m = _TOKEN.match(tex, i)
    return (m.group(0), m.end()) if m else ("", i + 1)


@functools.lru_cache(maxsize=65536)
def math_width(tex: str, level: int = 0) -> float:
    r"""The printed width (pt, 10pt type, display style) of a formula the chapter writes.

    >>> round(math_width(r"a + b"))  # two letters and a binary operator with its spaces
    22
    >>> math_width(r"[\mathbf{X}]_{s_{h} \left(i - 1\right) + 1}") < math_width(r"s_{h} \left(i - 1\right) + 1")
    True
    """
    scale = SCALES[min(level, len(SCALES) - 1)]
    total = 0.0
    i = 0
    last = 0.0  # the width of the last atom, for the scripts that attach to it
    while i < len(tex):
        m = _TOKEN.match(tex, i)
        if m is None:
            break
        command, special, space, char = m.groups()
        i = m.end()
        width = 0.0
        if space:
            continue
        if special in ("_", "^"):
            first, i = _group(tex, i)
            widths = [math_width(first, level + 1)]
            j = i
            while j < len(tex) and tex[j] == " ":
                j += 1
            if j < len(tex) and tex[j] in "_^" and tex[j] != special:  # the other script stacks with it
                second, i = _group(tex, j + 1)
                widths.append(math_width(second, level + 1))
            if last < 0:  # the limits of a display sum: the widest of the sign and its limits
                total += max(0.0, max(widths) - GLYPHS["sum"] * scale)
            else:
                total += max(widths)
            last = 0.0
            continue
        if special == "{":
            inner, i = _group(tex, m.start())
            width = math_width(inner, level)
        elif special in ("}", "&"):
            continue
        elif command is not None:
            width, i = _command(command, tex, i, level, scale)
            if command in ("sum", "prod") and level == 0 and not tex.startswith(r"\nolimits", i):
                total += width
                last = -1.0  # its limits go above and below
                continue
        else:
            width = _char(char, level, scale)
        total += width
        last = width
    return total


def _command(name: str, tex: str, i: int, level: int, scale: float) -> tuple[float, int]:
    """The width of a command and its arguments; the index after them."""
    spaced = level == 0
    if name in _SPACE_COMMANDS:
        return _SPACE_COMMANDS[name] * (1.0 if spaced else 0.7), i
    if name == "frac":
        num, i = _group(tex, i)
        den, i = _group(tex, i)
        inner = level if level == 0 else level + 1  # display fractions keep the text size
        return max(math_width(num, inner), math_width(den, inner)) + 2.4 * scale, i
    if name in ("left", "right"):
        delim, j = _group(tex, i)
        return _delimiter(delim, _tall(tex, i, name == "left"), level) * scale, j
    if name in ("big", "Big", "bigl", "bigr"):
        _delim, i = _group(tex, i)
        return GLYPHS["paren"] * scale, i
    if name in ("text", "mathrm", "operatorname", "mathtt", "textbf"):
        arg, i = _group(tex, i)
        per = GLYPHS["text"] if name in ("text", "textbf") else GLYPHS["upright"]
        return len(re.sub(r"\\.|[{}$]", "", arg)) * per * scale, i
    if name == "mathbf":
        arg, i = _group(tex, i)
        return (GLYPHS["indicator"] if arg == "1" else GLYPHS["bold"]) * scale * max(1, len(arg)), i
    if name in ("tilde", "hat", "bar", "widetilde", "mathbb", "mathcal", "boldsymbol"):
        arg, i = _group(tex, i)
        return math_width(arg, level), i
    if name == "begin":
        env, i = _group(tex, i)
        if env == "subarray":  # stacked rows (a long subscript): as wide as the widest
            _cols, i = _group(tex, i)
            end = tex.find(r"\end{subarray}", i)
            end = len(tex) if end < 0 else end
            rows = re.split(r"\\\\", tex[i:end])
            return max(math_width(row, level) for row in rows), end + len(r"\end{subarray}")
        return 0.0, i
    if name == "end":
        _env, i = _group(tex, i)
        return 0.0, i
    if name in ("sum", "prod"):
        return (GLYPHS["sum"] if level == 0 else 10.0) * scale + SPACES["op"] * scale, i
    if name in _GREEK:
        return GLYPHS["greek"] * scale, i
    if name in _FLOOR:
        return GLYPHS["floor"] * scale, i
    if name == "bmod":  # "mod" (cmr10: 18.9pt) between two 5mu kerns, in every style
        return 24.5 * scale, i
    if name in _BINARY:
        glyph = 2.8 if name == "cdot" else GLYPHS["binary"]
        return (glyph + (2 * SPACES["binary"] if spaced else 0.0)) * scale, i
    if name in _RELATION:
        return (GLYPHS["relation"] + (2 * SPACES["relation"] if spaced else 0.0)) * scale, i
    if name in ("{", "}", "|"):
        return GLYPHS["paren"] * scale, i
    if name in ("qedhere", "label", "displaystyle", "small", "limits", "nolimits"):
        return 0.0, i
    return GLYPHS["other"] * scale, i


#: Width (pt at 10pt) of a ``\left``/``\right`` delimiter around text-high, fraction-high and sum-high content
#: (measured: ``\left( \frac{t-1}{k} \right)`` is 14.7pt wider than the fraction), and of a null one.
DELIMITERS: Mapping[str, tuple[float, float, float]] = MappingProxyType(
    {"paren": (3.9, 7.4, 7.9), "floor": (3.9, 5.8, 6.5), "null": (1.2, 1.2, 1.2)}
)


def _delimiter(delim: str, tall: int, level: int) -> float:
    kind = "null" if delim == "." else "floor" if delim.lstrip("\\") in _FLOOR else "paren"
    return DELIMITERS[kind][tall if level == 0 else min(tall, 1)]


def _tall(tex: str, i: int, forward: bool) -> int:
    r"""How tall the content a delimiter at ``i`` encloses is: 0 text, 1 a fraction, 2 a sum with its limits
    (scanned to the matching delimiter, at the same brace depth)."""
    pairs, depth, j = 0, 0, i
    step = 1 if forward else -1
    end = len(tex) if forward else -1
    tall = 0
    while j != end:
        if tex.startswith(r"\left", j) and not tex[j + 5 : j + 6].isalpha():
            pairs += step
        elif tex.startswith(r"\right", j) and not tex[j + 6 : j + 7].isalpha():
            pairs -= step
        elif tex[j] in "{}":
            depth += (1 if tex[j] == "{" else -1) * step
        elif depth == 0 and tex.startswith(r"\frac", j):
            tall = max(tall, 1)
        elif depth == 0 and tex.startswith((r"\sum_", r"\prod_"), j):
            tall = 2
        if pairs < 0:
            break
        j += step
    return tall


def _char(char: str, level: int, scale: float) -> float:
    spaced = level == 0
    if char.isdigit():
        return GLYPHS["digit"] * scale
    if char.isascii() and char.isalpha():
        return (GLYPHS["lower"] if char.islower() else GLYPHS["upper"]) * scale
    if char in "()[]|":
        return GLYPHS["paren"] * scale
    if char in ",;.":
        return GLYPHS["comma"] * scale + (SPACES["thin"] * scale if spaced and char != "." else 0.0)
    if char in "+-*/":
        extra = 2 * SPACES["binary"] if spaced and char in "+-*" else 0.0
        return (GLYPHS["binary"] if char != "/" else 5.0) * scale + extra * scale
    if char in "=<>":
        return (GLYPHS["relation"] + (2 * SPACES["relation"] if spaced else 0.0)) * scale
    if char == "'":
        return 2.8 * scale
    return GLYPHS["other"] * scale
