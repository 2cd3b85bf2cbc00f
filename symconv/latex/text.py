"""Unicode statement text -> LaTeX: a tokenizer and a few data tables.

A theorem's statement, hypotheses, docstring and proof steps are written in
plain Unicode (``W ⊗~ X = X ⊗~ W``, ``∂ℓ/∂W = X * δ``, ``d(k−1)+1 ≤ n``),
mixed with English.  :func:`segments` splits such a string into math, text
and code runs; the renderers write them for a LaTeX paragraph
(:func:`to_tex`), a Markdown paragraph (:func:`to_md`) or the inside of a
formula (:func:`to_math`).  Every character that reaches the output is
either ASCII or translated by a table below, so the result always compiles
with pdflatex; :func:`unknown_characters` lists what a table does not cover.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType

from ..errors import ParameterError
from .notation import Notation

__all__ = [
    "Segment",
    "unicode_text",
    "segments",
    "to_math",
    "to_md",
    "to_tex",
    "tex_text",
    "unknown_characters",
]

Segment = tuple[str, str]  # (kind, LaTeX or text): kind is "math", "text" or "code"

#: Unicode symbols and their LaTeX (math mode).
MATH_SYMBOLS: Mapping[str, str] = MappingProxyType(
    {
        "⊗": r"\otimes",
        "⊙": r"\odot",
        "⊕": r"\oplus",
        "∂": r"\partial",
        "≤": r"\le",
        "≥": r"\ge",
        "≠": r"\ne",
        "≈": r"\approx",
        "≡": r"\equiv",
        "≜": r"\triangleq",
        "−": "-",
        "–": "-",
        "×": r"\times",
        "·": r"\cdot",
        "∘": r"\circ",
        "÷": r"\div",
        "±": r"\pm",
        "⌊": r"\lfloor",
        "⌋": r"\rfloor",
        "⌈": r"\lceil",
        "⌉": r"\rceil",
        "↦": r"\mapsto",
        "→": r"\to",
        "←": r"\leftarrow",
        "⇒": r"\Rightarrow",
        "⇔": r"\iff",
        "⟺": r"\iff",
        "⟹": r"\implies",
        "⟸": r"\impliedby",
        "⇐": r"\Leftarrow",
        "↔": r"\leftrightarrow",
        "∧": r"\wedge",
        "∨": r"\vee",
        "¬": r"\neg",
        "⊆": r"\subseteq",
        "⊂": r"\subset",
        "∪": r"\cup",
        "∩": r"\cap",
        "≔": r"\mathrel{:=}",
        "≪": r"\ll",
        "≫": r"\gg",
        "∼": r"\sim",
        "≃": r"\simeq",
        "∝": r"\propto",
        "′": "'",
        "″": "''",
        "⁻": "^{-}",
        "¹": "^{1}",
        "⁰": "^{0}",
        "∈": r"\in",
        "∉": r"\notin",
        "∀": r"\forall",
        "∃": r"\exists",
        "∑": r"\sum",
        "∏": r"\prod",
        "√": r"\sqrt{}",
        "∞": r"\infty",
        "…": r"\ldots",
        "⋯": r"\cdots",
        "°": r"^{\circ}",
        "𝟙": r"\mathbf{1}",
        "‖": r"\Vert",
        "∣": r"\mid",
        "∅": r"\emptyset",
        "ᵀ": r"^{\top}",
        "²": "^{2}",
        "³": "^{3}",
        "₀": "_{0}",
        "₁": "_{1}",
        "₂": "_{2}",
        "ℝ": r"\mathbb{R}",
        "ℤ": r"\mathbb{Z}",
        "ℕ": r"\mathbb{N}",
    }
)

#: Greek (and script) letters.
LETTERS: Mapping[str, str] = MappingProxyType(
    {
        "α": r"\alpha",
        "β": r"\beta",
        "γ": r"\gamma",
        "δ": r"\delta",
        "ε": r"\varepsilon",
        "ζ": r"\zeta",
        "η": r"\eta",
        "θ": r"\theta",
        "λ": r"\lambda",
        "μ": r"\mu",
        "ν": r"\nu",
        "ξ": r"\xi",
        "π": r"\pi",
        "ρ": r"\rho",
        "σ": r"\sigma",
        "τ": r"\tau",
        "φ": r"\varphi",
        "χ": r"\chi",
        "ψ": r"\psi",
        "ω": r"\omega",
        "Γ": r"\Gamma",
        "Δ": r"\Delta",
        "Θ": r"\Theta",
        "Λ": r"\Lambda",
        "Π": r"\prod",
        "Σ": r"\sum",
        "Φ": r"\Phi",
        "Ψ": r"\Psi",
        "Ω": r"\Omega",
        "ℓ": r"\ell",
    }
)

#: Multi-character operators, longest first.
OPERATORS: tuple[tuple[str, str], ...] = (
    ("*~", "WIDE_CORR"),
    ("⊗~", "WIDE_CONV"),
    ("//", r"\mathbin{/\!/}"),
    ("<=", r"\le"),
    (">=", r"\ge"),
    ("!=", r"\ne"),
    ("==", "="),
    ("->", r"\to"),
    ("*", "CORR"),
    ("⊗", "CONV"),
)

#: Words that are math when applied (``max(…)``), and their LaTeX; ``mod`` is always math.
MATH_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "rot180": "ROT180",
        "max": r"\max",
        "min": r"\min",
        "sum": r"\sum",
        "log": r"\log",
        "exp": r"\exp",
        "tanh": r"\tanh",
        "mod": r"\bmod",
        "argmax": r"\operatorname{arg\,max}",
    }
)

#: Multi-letter subscripts written upright: ``c_in`` -> ``c_{\mathrm{in}}``.
UPRIGHT_SCRIPTS = frozenset({"lo", "hi", "in", "out", "max", "min", "avg", "full", "same", "valid", "wide"})

#: Scripts that name a side of the padding: always superscripts (the subscript says the axis), as the
#: kernel's symbols are written: ``p_lo`` and ``p^lo`` -> ``p^{\mathrm{lo}}``, ``p_h^lo`` -> ``p^{\mathrm{lo}}_{h}``.
SIDE_SCRIPTS = frozenset({"lo", "hi"})

#: Upper-case letters that name arrays (bold; bracketed when subscripted).
ARRAY_LETTERS = frozenset("XWHYBVR")

#: Characters escaped in LaTeX text, and the same characters written in math mode.
TEXT_ESCAPES: Mapping[str, str] = MappingProxyType(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "$": r"\$",
        "&": r"\&",
        "%": r"\%",
        "#": r"\#",
        "_": r"\_",
        "^": r"\textasciicircum{}",
        "~": r"\textasciitilde{}",
        "<": r"\textless{}",
        ">": r"\textgreater{}",
        "|": r"\textbar{}",
        '"': "''",
    }
)
MATH_ESCAPES: Mapping[str, str] = MappingProxyType(
    {
        "\\": r"\backslash",
        "{": r"\{",
        "}": r"\}",
        "$": r"\$",
        "&": r"\&",
        "%": r"\%",
        "#": r"\#",
        "_": r"\_",
        "^": r"\hat{}",
        "~": r"\sim",
        '"': "''",
    }
)
#: Typography in running text.
TEXT_CHARS: Mapping[str, str] = MappingProxyType(
    {
        "–": "--",
        "—": "---",
        "‘": "`",
        "’": "'",
        "“": "``",
        "”": "''",
        "\u00a0": "~",
        "…": r"\ldots{}",
        "§": r"\S{}",
        "✓": r"\checkmark{}",
    }
)
MD_ESCAPES: Mapping[str, str] = MappingProxyType(
    {"\\": "\\\\", "*": r"\*", "_": r"\_", "`": r"\`", "$": r"\$", "<": "&lt;", ">": "&gt;"}
)

_LETTER = "A-Za-z\u0370-\u03ff\u2113"
_SCRIPT = r"[_^](?:\{(?:[^{}]|\{[^{}]*\})*\}|\([^()]*\)|[A-Za-z0-9\u0370-\u03ff]+)"
_TOKEN = re.compile(
    "|".join(
        [
            rf"(?P<frac>∂(?P<num>[{_LETTER}](?:{_SCRIPT})*)/∂(?P<den>[{_LETTER}]\u0303?(?:{_SCRIPT})*))",
            r"(?P<abbr>\b(?:e\.g\.|i\.e\.|etc\.|vs\.|cf\.|[0-9]-D\b))",
            r"(?P<quoted>'[A-Za-z_ ]+'(?![A-Za-z]))",
            r"(?P<plural>\b[A-Za-z]{2,}\(s\))",
            r"(?P<dotted>\b(?:torch|np|numpy|sympy|sc|symconv|math)(?:\.[A-Za-z0-9_]+)+)",
            r"(?P<size>\b[0-9]+(?:x[0-9]+)+\b)",
            r"(?P<code>\b[A-Za-z][A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b)",
            r"(?P<word>\b[A-Za-z][A-Za-z0-9]+(?:-[A-Za-z][A-Za-z0-9]*)*(?:'[a-z]+|'(?![A-Za-z0-9]))?(?![_^\u0303]))",
            rf"(?P<ident>[{_LETTER}]\u0303?(?:'(?!s\b))*(?:{_SCRIPT})*(?:'(?!s\b))*)",
            r"(?P<possessive>'s\b)",
            rf"(?P<script>{_SCRIPT})",
            r"(?P<number>[0-9]+(?:\.[0-9]+)?)",
            "(?P<op>"
            + "|".join(re.escape(op) for op, _ in OPERATORS)
            + r"|[=+\-/<>|]|["
            + "".join(MATH_SYMBOLS)
            + "])",
            r"(?P<space>\s+)",
            r"(?P<punct>.)",
        ]
    ),
    re.DOTALL,
)
_OPENERS = "([{"
_CLOSERS = ")]}'"


#: Whether running text may keep characters no table covers (Chinese under xelatex with ctex).
_UNICODE_TEXT: contextvars.ContextVar[bool] = contextvars.ContextVar("unicode_text", default=False)


@contextlib.contextmanager
def unicode_text() -> Iterator[None]:
    """Keep CJK characters in running text (for xelatex with ``ctex``) while the block is rendered.

    >>> with unicode_text():
    ...     tex_text("卷积")
    '卷积'
    >>> tex_text("卷积")
    '[U+5377][U+79EF]'
    """
    token = _UNICODE_TEXT.set(True)
    try:
        yield
    finally:
        _UNICODE_TEXT.reset(token)


def _cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F") and unicodedata.category(ch)[0] in "LP"


def _escape(text: str, table: Mapping[str, str]) -> str:
    return "".join(table.get(ch, ch) for ch in text)


def _fallback(ch: str, math: bool) -> str:
    """An ASCII stand-in for a character no table covers (CJK kept in Unicode mode)."""
    if ch.isascii():
        return ch
    if _UNICODE_TEXT.get() and _cjk(ch):
        return rf"\text{{{ch}}}" if math else ch
    plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
    if plain and plain.isprintable():
        return plain
    code = f"U+{ord(ch):04X}"
    return rf"\text{{[{code}]}}" if math else f"[{code}]"


def unknown_characters(text: str) -> set[str]:
    """Non-ASCII characters of ``text`` that no table translates (they print as ``[U+XXXX]``).

    >>> sorted(unknown_characters("W ⊗~ X ≤ ☃"))
    ['☃']
    """
    known = set(MATH_SYMBOLS) | set(LETTERS) | set(TEXT_CHARS) | {"\u0303"}
    return {ch for ch in text if not ch.isascii() and ch not in known and _fallback(ch, math=False).startswith("[U+")}


def tex_text(text: str) -> str:
    """Plain text escaped for a LaTeX paragraph (no math detection).

    >>> tex_text("50% of x_1 & {y}")
    '50\\\\% of x\\\\_1 \\\\& \\\\{y\\\\}'
    """
    out = []
    for ch in text:
        if ch in TEXT_ESCAPES:
            out.append(TEXT_ESCAPES[ch])
        elif ch in TEXT_CHARS:
            out.append(TEXT_CHARS[ch])
        elif ch in MATH_SYMBOLS or ch in LETTERS:
            out.append(r"\ensuremath{" + _math_char(ch) + "}")
        else:
            out.append(_fallback(ch, math=False))
    return "".join(out)


def _text_in_math(text: str) -> str:
    r"""Text inside a formula: ``\text{…}`` around plain runs, specials as math escapes (MathJax-safe)."""
    out, run = [], ""
    for ch in text:
        if ch in MATH_ESCAPES or ch in "<>|" or not ch.isascii():
            if run:
                out.append(rf"\text{{{run}}}")
                run = ""
            if ch in MATH_ESCAPES:
                out.append(MATH_ESCAPES[ch])
            elif ch in "<>|":
                out.append(ch)
            elif ch in TEXT_CHARS and TEXT_CHARS[ch].isascii() and "\\" not in TEXT_CHARS[ch]:
                out.append(rf"\text{{{TEXT_CHARS[ch]}}}")
            else:
                out.append(_math_char(ch))
        else:
            run += ch
    if run:
        out.append(rf"\text{{{run}}}")
    return "".join(out)


def _math_char(ch: str) -> str:
    if ch in MATH_SYMBOLS:
        return MATH_SYMBOLS[ch]
    if ch in LETTERS:
        return LETTERS[ch]
    if ch in MATH_ESCAPES:
        return MATH_ESCAPES[ch]
    return _fallback(ch, math=True)


class _Converter:
    """Turns the tokens of one string into (kind, LaTeX) segments under a notation."""

    def __init__(self, notation: Notation) -> None:
        self.n = notation

    # -- math pieces ---------------------------------------------------------------------------
    def op(self, text: str) -> str:
        for seq, latex in OPERATORS:
            if text == seq:
                return {
                    "WIDE_CORR": self.n.op("corr", wide=True),
                    "WIDE_CONV": self.n.op("conv", wide=True),
                    "CORR": self.n.corr,
                    "CONV": self.n.conv,
                }.get(latex, latex)
        return MATH_SYMBOLS.get(text, text)

    def script(self, text: str) -> str:
        """``_p`` -> ``_{p}``, ``^(l)`` -> ``^{(l)}``, ``_{c_o×c_i}`` -> ``_{c_o\\times c_i}``, ``_lo`` upright."""
        mark, body = text[0], text[1:]
        if body.strip("{}") in UPRIGHT_SCRIPTS:
            inner = rf"\mathrm{{{body.strip('{}')}}}"
        elif body.startswith("{"):
            inner = math(body[1:-1], self.n)
        elif body.startswith("("):
            inner = "(" + math(body[1:-1], self.n) + ")"
        else:
            inner = "".join(_math_char(ch) if not ch.isascii() else ch for ch in body)
        return f"{mark}{{{inner}}}"

    def ident(self, text: str) -> str:
        """One identifier: a letter (bold array, Greek), a tilde, primes, then scripts."""
        base, rest = text[0], text[1:]
        tilde = rest.startswith("\u0303")
        rest = rest[1:] if tilde else rest
        primes = len(rest) - len(rest.lstrip("'"))
        rest = rest[primes:]
        trailing = len(rest) - len(rest.rstrip("'"))
        rest = rest[: len(rest) - trailing] if trailing else rest
        scripts = [m.group(0) for m in re.finditer(_SCRIPT, rest)]
        if base in self.n.size_letters and scripts and all(x in ("_h", "_w", "_{h}", "_{w}") for x in scripts):
            base = self.n.size_letters[base]  # m_h, the number of windows, is the output size o_h
        sequence = base in self.n.sequences and scripts and all(x[0] == "_" for x in scripts)
        if base in ARRAY_LETTERS and not sequence:  # R_{L}, a term of the reach sequence, is not an array
            latex = rf"\mathbf{{{base}}}"
            if tilde:
                latex = rf"\tilde{{{latex}}}"
            if scripts and self.n.brackets:
                latex = f"[{latex}]"
        else:
            latex = LETTERS.get(base, base)
            if tilde:
                latex = rf"\tilde{{{latex}}}"
        latex += "'" * primes
        sides = [s for s in scripts if s[0] == "_" and s[1:].strip("{}") in SIDE_SCRIPTS]
        supers = [self.script(s) for s in scripts if s[0] == "^"] + [
            self.script("^" + s[1:].strip("{}")) for s in sides
        ]
        subs = [self.script(s) for s in scripts if s[0] == "_" and s not in sides]
        return latex + "".join(supers) + "".join(subs) + "'" * trailing

    def function_name(self, word: str) -> str:
        latex = MATH_WORDS.get(word)
        if latex == "ROT180":
            return self.n.rot180
        if latex is not None:
            return latex
        return r"\operatorname{" + word.replace("_", r"\_") + "}"

    def frac(self, num: str, den: str) -> str:
        return rf"\frac{{\partial {self.ident(num)}}}{{\partial {self.ident(den)}}}"

    # -- tokens -> segments ---------------------------------------------------------------------
    def tokens(self, text: str) -> list[tuple[str, str, str]]:
        """(class, LaTeX, source) per token; class is math, text, code, number or neutral."""
        raw = [(m.lastgroup or "punct", m.group(0), m) for m in _TOKEN.finditer(text)]
        out: list[tuple[str, str, str]] = []
        for i, (kind, src, m) in enumerate(raw):
            nxt = raw[i + 1][1] if i + 1 < len(raw) else ""
            if kind == "frac":
                out.append(("math", self.frac(m.group("num"), m.group("den")), src))
            elif kind in ("abbr", "quoted", "possessive", "plural"):
                out.append(("text", src, src))
            elif kind == "dotted":
                out.append(("code", src, src))
            elif kind == "size":
                out.append(("math", r" \times ".join(src.split("x")), src))
            elif kind == "code":
                if nxt == "(":
                    out.append(("math", self.function_name(src), src))
                else:
                    out.append(("code", src, src))
            elif kind == "word":
                if src == "mod" or (src in MATH_WORDS and nxt == "(") or (nxt == "(" and "'" not in src):
                    out.append(("math", self.function_name(src), src))
                else:
                    out.append(("text", src, src))
            elif kind == "ident":
                out.append(("math", self.ident(src), src))
            elif kind == "script":
                out.append(("math", self.script(src), src))
            elif kind == "number":
                out.append(("number", src, src))
            elif kind == "op":
                out.append(("math", self.op(src), src))
            else:  # spaces and punctuation take the class of their neighbours
                out.append(("neutral", src, src))
        self._articles(out)
        return out

    @staticmethod
    def _articles(tokens: list[tuple[str, str, str]]) -> None:
        """English 'a', 'A', 'I' before a word are text, not variables."""
        for i, (cls, _latex, src) in enumerate(tokens):
            if cls != "math" or src not in ("a", "A", "I"):
                continue
            j = i + 1
            if j < len(tokens) and tokens[j][2].isspace():
                j += 1
                if j < len(tokens) and tokens[j][0] in ("text", "code"):
                    tokens[i] = ("text", src, src)

    def segments(self, text: str) -> list[Segment]:
        tokens = self.tokens(text)
        classes = [cls for cls, _, _ in tokens]
        weak = ("neutral", "number")
        i = 0
        while i < len(tokens):
            if classes[i] not in weak:
                i += 1
                continue
            j = i
            while j < len(tokens) and classes[j] in weak:
                j += 1
            before = classes[i - 1] if i > 0 else None
            after = classes[j] if j < len(tokens) else None
            if before == "math" and after == "math":
                fill = ["math"] * (j - i)
            else:
                fill = ["text"] * (j - i)
                if after == "math":  # openers glued to the formula that follows belong to it
                    k = j - 1
                    while k >= i and tokens[k][2] in _OPENERS:
                        fill[k - i] = "math"
                        k -= 1
                if before == "math":  # closers glued to the formula before belong to it
                    k = i
                    while k < j and tokens[k][2] in _CLOSERS:
                        fill[k - i] = "math"
                        k += 1
                for k in range(i, j):  # a number next to a formula (spaces between) belongs to it
                    if tokens[k][0] != "number":
                        continue
                    for step, side in ((-1, before), (1, after)):
                        m = k + step
                        while i <= m < j and tokens[m][2].isspace():
                            m += step
                        if (m < i or m >= j) and side == "math":
                            for q in range(min(k, m), max(k, m) + 1):
                                if i <= q < j:
                                    fill[q - i] = "math"
            classes[i:j] = fill
            i = j
        out: list[Segment] = []
        for cls, (kind, latex, src) in zip(classes, tokens):
            piece = (_neutral_math(src) if kind == "neutral" else latex) if cls == "math" else src
            if out and out[-1][0] == cls and cls != "code":
                joiner = " " if cls == "math" and _needs_space(out[-1][1], piece) else ""
                out[-1] = (cls, out[-1][1] + joiner + piece)
            else:
                out.append((cls, piece))
        return _trim(out)


def _neutral_math(src: str) -> str:
    if src.isspace():
        return " "
    return "".join(MATH_ESCAPES.get(ch, ch) if ch.isascii() else _math_char(ch) for ch in src)


def _needs_space(left: str, right: str) -> bool:
    return bool(re.search(r"\\[A-Za-z]+$", left)) and bool(re.match(r"[A-Za-z0-9]", right))


_PAIRS = {"(": ")", "[": "]"}


def _balance(value: str) -> tuple[str, str, str]:
    """Split unmatched brackets off the edges of a formula: ``"(3/2"`` -> ``("(", "3/2", "")``."""
    head = tail = ""
    changed = True
    while changed and value:
        changed = False
        for opener, closer in _PAIRS.items():
            if value.startswith(opener) and value.count(opener) > value.count(closer):
                head, value, changed = head + opener, value[1:].lstrip(), True
            if value.endswith(closer) and value.count(closer) > value.count(opener):
                tail, value, changed = closer + tail, value[:-1].rstrip(), True
    return head, value, tail


def _trim(segs: list[Segment]) -> list[Segment]:
    """Move spaces and unmatched brackets at the edges of math runs into the text; drop empty runs."""
    out: list[Segment] = []
    for kind, value in segs:
        if kind == "math":
            lead = " " if value[:1].isspace() else ""
            trail = " " if value[-1:].isspace() else ""
            head, body, tail = _balance(re.sub(r"\s+", " ", value.strip()))
            out += [("text", lead + head), ("math", body), ("text", tail + trail)]
        else:
            out.append((kind, value))
    merged: list[Segment] = []
    for kind, value in out:
        if not value:
            continue
        if merged and merged[-1][0] == kind and kind != "code":
            merged[-1] = (kind, merged[-1][1] + value)
        else:
            merged.append((kind, value))
    return merged


#: Letters with a tilde that Unicode composes into one character (Ỹ, Ñ …): decomposed, so that a tilde reads
#: the same on every letter (X̃ exists only as X and a combining tilde).
_TILDED = re.compile(
    "[" + "".join(ch for ch in map(chr, range(0xC0, 0x1F00)) if unicodedata.normalize("NFD", ch)[1:] == "\u0303") + "]"
)


def segments(text: str, notation: Notation | None = None) -> list[Segment]:
    """Split Unicode text into ``("math" | "text" | "code", value)`` runs; math is already LaTeX.

    >>> for kind, value in segments("W ⊗~ X = X ⊗~ W  (wide convolution is commutative)"):
    ...     print(kind, value)
    math \\mathbf{W} \\tilde{\\otimes} \\mathbf{X} = \\mathbf{X} \\tilde{\\otimes} \\mathbf{W}
    text   (wide convolution is commutative)
    """
    if not isinstance(text, str):
        raise ParameterError("text", text, "a string")
    notation = notation or Notation()
    text = _TILDED.sub(lambda m: unicodedata.normalize("NFD", m.group(0)), text)  # Ỹ is Y and a tilde, like X̃
    for label, letter in notation.sequences.items():  # R[L]: a term of a sequence, as the printer writes it
        text = re.sub(rf"(?<![A-Za-z_\\]){label}\[([^\[\]]+)\]", rf"{letter}_{{\1}}", text)
    return _Converter(notation).segments(text)


def math(text: str, notation: Notation | None = None) -> str:
    """Text that is all formula, as LaTeX math (words become ``\\text{…}``).

    >>> math("∂ℓ/∂W_{p,d} = X_d * δ_p")
    '\\\\frac{\\\\partial \\\\ell}{\\\\partial [\\\\mathbf{W}]_{p,d}} = [\\\\mathbf{X}]_{d} * \\\\delta_{p}'
    """
    return to_math(segments(text, notation))


def to_math(segs: list[Segment]) -> str:
    """Segments for the inside of a formula: text in ``\\text{}``, code in ``\\mathtt{}``.

    >>> to_math(segments("d(k−1)+1 ≤ n for every d"))
    'd(k-1)+1 \\\\le n\\\\text{ for every }d'
    """
    return _join(segs, math=str, code=lambda v: r"\mathtt{" + _escape(v, MATH_ESCAPES) + "}", text=_text_in_math)


def to_tex(segs: list[Segment]) -> str:
    """Segments for a LaTeX paragraph: math in ``$…$``, code in ``\\texttt{}``.

    >>> to_tex(segments("k−1 on each side of the padded operand"))
    '$k-1$ on each side of the padded operand'
    """
    return _join(segs, math=lambda v: f"${v}$", code=_code_tex, text=tex_text)


def _code_tex(code: str) -> str:
    r"""Code in running text: ``\texttt``, breakable after an underscore (``padding_mode`` may end a line)."""
    return r"\texttt{" + tex_text(code).replace(r"\_", r"\_\allowbreak{}") + "}"


def to_md(segs: list[Segment]) -> str:
    """Segments for a Markdown paragraph: math in ``$…$``, code in backticks.

    >>> to_md(segments("pooling: p ≤ k // 2 with count_include_pad"))
    'pooling: $p \\\\le k \\\\mathbin{/\\\\!/} 2$ with `count_include_pad`'
    """
    return _join(segs, math=lambda v: f"${v}$", code=lambda v: f"`{v}`", text=lambda v: _escape(v, MD_ESCAPES))


def _join(segs: list[Segment], **render: Callable[[str], str]) -> str:
    """Render each segment with the function for its kind (``math``, ``code``, ``text``)."""
    return "".join(render[kind if kind in ("math", "code") else "text"](value) for kind, value in segs)
