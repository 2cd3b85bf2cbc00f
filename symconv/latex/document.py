"""Theorem sections and the whole chapter, as LaTeX or Markdown, in two styles.

``notes`` (the default) is what a lecturer pastes into course notes: for
every registered theorem, in the order of the notes' sections, a title in
the notes' words, the statement, the hypotheses in mathematical form, the
derivation (trivial steps left out), a worked instance, and one line saying
where it was verified.  ``report`` keeps the full verification detail: the
method, every size proved, every step (trivial ones marked), every numeric
check.  Both open with a summary table, and both typeset a numbered family
of near-identical theorems (Dumoulin & Visin's relationships 1–15) as one
table with one shared derivation.

Nothing here lists theorems: a theorem added to the registry appears in the
chapter by itself, with a title derived from its entry when
:mod:`symconv.latex.titles` has none.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import itertools
import multiprocessing
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import sympy

from ..check import check_result
from ..errors import ParameterError
from ..formal import Axis
from ..kernel import RULES as KERNEL_RULES
from ..prove import both_levels, prove
from ..prove.exact import parts, symbol_prefix, symbolic_sides
from ..result import CheckResult, Counterexample, ProofResult
from ..theorems.registry import DEFAULTS, Theorem, get, normalize_sizes, theorems
from ..version import __version__
from .blocks import Block, Display, Env, Heading, Items, Para, Table, para, render
from .breaking import _braced
from .derivation import TEX_WIDTH, Line, derivation_rows, render_rows, side_limits, visible_width
from .examples import examples_for
from .notation import Notation
from .parts import Part, parts_of, relation_text, scope_math, shown_hypotheses
from .printer import SymconvLatexPrinter, latex, number, tidy
from .reference import REFERENCES, references_for
from .text import Segment, segments, to_math, unicode_text
from .titles import family_stem, formula, split_statement, title
from .words import LANGS, rule_word, say

__all__ = [
    "PREAMBLE",
    "SECTION_TITLES",
    "STYLES",
    "Style",
    "chapter",
    "collect",
    "preamble",
    "result_latex",
    "theorem_blocks",
    "theorem_latex",
    "theorem_section",
]

#: The notes' sections: number -> (English title, the notes' own title).
SECTION_TITLES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "6.0": ("Shortcomings of fully connected networks", "全连接神经网络的缺陷"),
        "6.1": ("Convolutional layers", "卷积层"),
        "6.1.1": ("From fully connected to convolutional layers", "卷积层对数据空间结构信息的提取"),
        "6.1.2": ("The convolution operation", "卷积运算"),
        "6.1.3": ("Kernel size and output size", "卷积核大小与输出"),
        "6.1.4": ("Implementing cross-correlation", "卷积层与卷积核实现"),
        "6.1.5": ("Receptive fields", "卷积核与感受野机制"),
        "6.2": ("Hyper-parameters of a convolution layer", "卷积层超参数"),
        "6.2.1": ("Padding and stride in one dimension", "一维卷积上的填充与步幅"),
        "6.2.2": ("Padding and stride in two dimensions; wide convolution", "二维卷积上的填充与步幅"),
        "6.2.3": ("Channels", "通道"),
        "6.2.4": ("The general two-dimensional convolution layer", "二维卷积层一般形式"),
        "6.3": ("Convolutional networks", "卷积神经网络"),
        "6.3.1": ("Structure: convolution and pooling layers", "结构"),
        "6.3.2": ("Parameter learning: gradients", "参数学习"),
    }
)

STYLES = ("notes", "report")

#: The LaTeX preamble.  Every package comes with Debian's texlive-latex-base and -recommended (amsthm,
#: longtable, array, geometry; booktabs, mathtools), TikZ with texlive-pictures, ctex with texlive-lang-chinese.
PREAMBLE = r"""\documentclass[10pt,a4paper]{%(documentclass)s}
\usepackage{amsmath}
\usepackage{amssymb}
\usepackage{amsthm}
\usepackage{mathtools}
\usepackage[margin=1.8cm]{geometry}
\usepackage{array}
\usepackage{longtable}
\usepackage{booktabs}
%(tikz)s\setlength{\parindent}{0pt}
\setlength{\parskip}{0.1em}
\setlength{\emergencystretch}{3em}\tolerance=1000
\renewcommand{\topfraction}{0.9}\renewcommand{\bottomfraction}{0.9}\renewcommand{\textfraction}{0.05}
\renewcommand{\floatpagefraction}{0.8}\setcounter{totalnumber}{4}
\allowdisplaybreaks
\AtBeginDocument{\setlength{\abovedisplayskip}{3pt plus 2pt}\setlength{\belowdisplayskip}{3pt plus 2pt}%%
\setlength{\abovedisplayshortskip}{1pt plus 2pt}\setlength{\belowdisplayshortskip}{2pt plus 2pt}}
\setlength{\jot}{1pt}
\renewcommand{\labelitemi}{$\bullet$}
\newtheoremstyle{chapter}{4pt plus 2pt}{1pt}{}{}{\bfseries}{.}{.5em}{}
\theoremstyle{chapter}
\newtheorem{theorem}{%(theorem)s}
\newtheorem{claim}[theorem]{%(claim)s}
\renewcommand{\proofname}{%(proof)s}
\makeatletter %% lists and floats with less space around them (the chapter is dense)
\def\@listi{\leftmargin\leftmargini\parsep 0pt\topsep 2pt plus 1pt\itemsep 1pt}\let\@listI\@listi
\makeatother
\setlength{\intextsep}{6pt plus 2pt minus 2pt}\setlength{\textfloatsep}{8pt plus 2pt minus 2pt}
\setlength{\floatsep}{6pt plus 2pt minus 2pt}
\makeatletter %% unnumbered section headings with less space around them (ctex sets its own)
\@ifclassloaded{ctexart}{\ctexset{section={beforeskip={2.2ex plus 1ex minus .2ex},afterskip={1.1ex plus .2ex},%%
format={\large\bfseries}}}}{\renewcommand\section{\@startsection{section}{1}{\z@}{-2.2ex plus -1ex minus -.2ex}%%
{1.1ex plus .2ex}{\normalfont\large\bfseries}}}
\makeatother
\makeatletter %% amsthm's proof, with less space around it
\renewenvironment{proof}[1][\proofname]{\par\pushQED{\qed}\normalfont\topsep2\p@\@plus2\p@\relax
\trivlist\item[\hskip\labelsep\itshape#1\@addpunct{.}]\ignorespaces}{\popQED\endtrivlist\@endpefalse}
\makeatother
\begin{document}
{\centering{\LARGE %(title)s\par}\smallskip{\small %(author)s\par}}
"""
TIKZ_PACKAGES = "\\usepackage{tikz}\n"
#: Size keywords and how they are written.
SIZE_SYMBOLS: Mapping[str, str] = MappingProxyType(
    {"n": "n", "k": "k", "s": "s", "p": "p", "d": "d", "c_i": "c_i", "c_o": "c_o", "groups": r"\mathrm{groups}"}
)
SIZE_ORDER = ("n", "k", "c_i", "c_o", "s", "p", "d", "groups", "ceil", "cip")
SHAPES = ("n", "k")
#: Boolean size flags, said in words (never ``ceil=True``): (English when on, when off), Chinese likewise.
SIZE_FLAGS: Mapping[str, tuple[tuple[str, str], tuple[str, str]]] = MappingProxyType(
    {
        "ceil": (("ceil mode", "floor mode"), ("ceil 模式", "floor 模式")),
        "cip": (("padding counted in the divisor", "padding not counted"), ("除数计入填充", "除数不计填充")),
    }
)
#: Side labels of the expanded entries.
SIDE_LABELS = (r"\text{lhs}", r"\text{rhs}")
#: An entry with at most this many terms is preferred for the expanded display.
ENTRY_TERMS = 6
#: Most lines of a derivation chain in the notes style (the report shows every step).
NOTES_LINES = 4
#: Most formula lines of a derivation chain in the notes style, about (a milestone that would pass it is left out).
NOTES_FORMULA_LINES = 5
#: Numbered families' names: stem -> (English, Chinese).
FAMILY_NAMES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {"dumoulin_visin": ("Dumoulin & Visin's output-size relationships", "Dumoulin 与 Visin 的输出大小关系")}
)
#: Backend names as a reader writes them.
BACKEND_NAMES: Mapping[str, str] = MappingProxyType({"numpy": "NumPy", "torch": "PyTorch", "cuda": "CUDA"})

Progress = Callable[[int, int, str], None]
Results = Mapping[str, tuple[ProofResult, ProofResult | None]]
#: Pictures of a place (a section such as ``"6.1.2"``, or a theorem's name in the report style), the
#: notation and the language -> blocks.
FigureHook = Callable[[str, Notation, str], list[Block]]


@dataclass
class Style:
    """How a chapter or a section is written: ``notes`` or ``report``, the language, the notation.

    ``numbers`` maps the theorems shown to their numbers (filled by :func:`chapter_blocks`), so that a
    reference is ``Theorem~\\ref{…}`` only to a theorem that is in the document.  ``sizes`` gives the
    worked instance at chosen sizes; ``figures`` adds the pictures of a section of the notes (and, in the
    report, those of each theorem).
    """

    name: str = "notes"
    lang: str = "en"
    notation: Notation = field(default_factory=Notation)
    sizes: dict[str, Any] | None = None
    figures: FigureHook | None = None
    numbers: dict[str, int] = field(default_factory=dict)
    fmt: str = "tex"
    figure_sections: tuple[str, ...] = ()  # sections the figure hook draws in (shown even without a theorem)

    def __post_init__(self) -> None:
        if self.name not in STYLES:
            raise ParameterError("style", self.name, "'notes' or 'report'")
        if self.lang not in LANGS:
            raise ParameterError("lang", self.lang, "'en' or 'zh'")
        if self.figures is not None and not self.figure_sections:
            self.figure_sections = tuple(getattr(self.figures, "sections", ()))

    @property
    def report(self) -> bool:
        return self.name == "report"

    def say(self, key: str, *args: object) -> str:
        return say(key, self.lang, *args)


# -- prose ---------------------------------------------------------------------------------------------
#: Python spellings in the registry's and provers' prose, and how a reader writes them.
_PYTHONISMS: tuple[tuple[str, str], ...] = (
    (r":(?:func|mod|class|meth|data|attr|obj):`~?([^`]*)`", r"\1"),  # a Sphinx role in a docstring: the name
    (r"\b([A-Za-z_][A-Za-z0-9_]*|\d+) // (\d+|[A-Za-z_][A-Za-z0-9_]*)", r"⌊\1/\2⌋"),
    (r"\b([a-z_]+)\(\.\.\.\)", r"\1"),
    (r"\bcip=False\b", "padding not counted"),
    (r"\bcip=True\b", "padding counted"),
    (r"\bceil=True\b", "ceil mode"),
    (r"\bceil=False\b", "floor mode"),
    (r"\b([a-z][a-z_]*[a-z])\s*=\s*True\b", r"\1 on"),
    (r"\b([a-z][a-z_]*[a-z])\s*=\s*False\b", r"\1 off"),
    (r"'([a-z]+)'", r"“\1”"),
)
_FLOAT = re.compile(r"\b(\d+(?:\.\d+)?)e([+-]\d+)\b|\b\d{2,}0{5,}\b")


def prose(text: str, notation: Notation | None = None) -> list[Segment]:
    r"""Registry or prover prose as segments, with Python spellings rewritten (``k // 2``, ``4.4e-16``).

    >>> prose("p ≤ k // 2 and an error of 4.4e-16")
    [('math', 'p \\le \\lfloor k/2\\rfloor'), ('text', ' and an error of '), ('math', '4.4\\times10^{-16}')]
    """
    text = re.sub(r"\s+", " ", text.replace("``", "")).strip()
    for pattern, repl in _PYTHONISMS:
        text = re.sub(pattern, repl, text)
    out: list[Segment] = []
    pos = 0
    for m in _FLOAT.finditer(text):
        out += segments(text[pos : m.start()], notation) if text[pos : m.start()] else []
        value = m.group(0)
        out.append(("math", latex(sympy.Integer(value)) if value.isdigit() else number(float(value))))
        pos = m.end()
    if text[pos:]:
        out += segments(text[pos:], notation)
    merged: list[Segment] = []
    for kind, value in out:
        if merged and merged[-1][0] == kind == "text":
            merged[-1] = ("text", merged[-1][1] + value)
        elif kind == "math" and len(merged) > 1 and merged[-1] == ("text", " ") and merged[-2][0] == "math":
            merged[-2:] = [("math", merged[-2][1] + " " + value)]  # a number set apart from its formula
        else:
            merged.append((kind, value))
    return merged


def statement_math(thm: Theorem, notation: Notation) -> list[Segment]:
    r"""The statement as a formula: from :mod:`~symconv.latex.titles`, else the registry's statement converted.

    >>> statement_math(get("full_conv_comm"), Notation())
    [('math', '\\mathbf{W} \\tilde{\\otimes} \\mathbf{X} = \\mathbf{X} \\tilde{\\otimes} \\mathbf{W}')]
    """
    tex = formula(thm)
    if tex:
        return [("math", tex)]
    text, _remark = split_statement(thm.statement)
    return prose(text, notation)


# -- results -------------------------------------------------------------------------------------------
def headline(concrete: ProofResult, general: ProofResult | None) -> ProofResult:
    """The result a reader is told: the all-sizes proof when it succeeded and the concrete level agrees.

    >>> r = prove("full_corr_comm")
    >>> headline(r, None) is r
    True
    """
    if general is not None and general.verdict == "proved" and concrete.verdict == "proved":
        return general
    return concrete


def is_general(result: ProofResult) -> bool:
    """Whether a result is the all-sizes level (the kernel's proof, its scope computed as text).

    >>> is_general(prove("full_conv_comm", general=True)), is_general(prove("full_corr_comm"))
    (True, False)
    """
    return result.level == "general"


def scope_segments(result: ProofResult, style: Style, short: bool = False) -> list[Segment]:
    r"""The scope in words and formulas: the computed scope of an all-sizes result (each part's, or with
    ``short`` one phrase for all parts), or how many sizes were tried.

    >>> scope_segments(prove("full_conv_comm", general=True), Style())
    [('text', 'all sizes')]
    >>> scope_segments(prove("output_size_narrow", general=True), Style())[1]
    ('math', 's = d = 1,\\ p^{\\mathrm{lo}} = p^{\\mathrm{hi}} = 0')
    """
    scope = result.scope
    if isinstance(scope, str):
        if scope in ("general", "all sizes"):
            return [("text", style.say("all_sizes"))]
        if scope == "none":
            return [("text", style.say("no_general"))]
        parts = parts_of(get(result.name), result)
        described = [
            (part, _scope_words(scope_math(part.scope, result.formal_hypotheses, style.notation), style))
            for part in parts
        ]
        if len(described) == 1:
            return described[0][1]
        return _parts_scope(described, style, short)
    grid = [s for s in scope if isinstance(s, Mapping) and "cases" in s]
    if grid:
        return [("text", style.say("grid_cases", sum(int(s["cases"]) for s in grid)))]
    sizes = [s for s in scope if isinstance(s, Mapping)]
    if len(sizes) == 1:
        return [("text", style.say("at_sizes") + " "), *size_segments(sizes[0], style.notation, style.lang)]
    return [("text", style.say("sizes_n", len(sizes)))]


def _scope_words(segs: list[Segment], style: Style) -> list[Segment]:
    """The prover's scope words in the chapter's language."""
    out = []
    for kind, value in segs:
        if kind == "text":
            value = value.replace("all sizes with ", style.say("all_sizes_with")).replace(
                "all sizes", style.say("all_sizes")
            )
        out.append((kind, value))
    return out


def _parts_scope(described: list[tuple[Part, list[Segment]]], style: Style, short: bool) -> list[Segment]:
    """The scope of a theorem of several parts: each part's (labelled), or in ``short`` one phrase per
    distinct scope with its number of parts (parts at fixed values counted together)."""
    if not short:
        out: list[Segment] = []
        for i, (part, segs) in enumerate(described):
            out += [("text", "; " if i else "")] + prose(part.label, style.notation) + [("text", ": ")] + segs
        return _tidy(out)
    groups: dict[tuple[Segment, ...], int] = {}
    for part, segs in described:
        key = tuple(segs) if not _fixed(part) else (("text", style.say("fixed_values")),)
        groups[key] = groups.get(key, 0) + 1
    if len(groups) == 1:
        ((key, count),) = groups.items()
        return [*key, ("text", " " + style.say("every_part", count))]
    out = []
    for i, (key, count) in enumerate(groups.items()):
        counted = style.say("part_1") if count == 1 else style.say("parts_n", count)
        out += [("text", "; " if i else ""), *key, ("text", " " + counted)]
    return _tidy(out)


def _fixed(part: Part) -> bool:
    """A part whose scope pins every size of its left side to a number (the notes' figures): "at the values
    given" (a part that pins only some, like s = 1, is a scope of its own)."""
    tail = part.scope.partition(" with ")[2]
    pins = [re.fullmatch(r"(\S+) = -?\d+", item) for item in tail.split(", ")] if tail else []
    if not pins or not all(pins):
        return False
    free = getattr(part.steps[0].expr, "free_symbols", set()) if part.steps else set()
    return {str(s) for s in free} <= {m.group(1) for m in pins if m}


def hypothesis_segments(thm: Theorem, result: ProofResult | None, style: Style) -> list[list[Segment]]:
    r"""The hypotheses in mathematical form: an all-sizes result's formal relations (those of every part; sign
    assumptions left out, two bounds of one term merged), else the registry's or the result's prose, converted.

    >>> [s for h in hypothesis_segments(get("output_size_narrow"), None, Style()) for s in h][0]
    ('math', 's = 1, p = 0')
    >>> hypothesis_segments(get("grad_weight_eq_corr"), prove("grad_weight_eq_corr", general=True), Style())[2]
    [('math', '1 \\le \\alpha \\le k_{h}')]
    """
    if result is not None and result.formal_hypotheses:
        return [[("math", h)] for h in shown_hypotheses(result, style.notation)]
    texts = tuple(result.hypotheses) if result is not None and result.hypotheses else thm.hypotheses
    return [prose(h, style.notation) for h in texts]


def flat_math(tex: str) -> str:
    r"""A formula for a narrow table cell: ``aligned`` rows on one line, ``cases`` as "A if C; B otherwise".

    >>> flat_math(r"\begin{aligned} a &= b \\ &\text{when } c \end{aligned}")
    'a = b \\quad \\text{when } c'
    >>> flat_math(r"T = \begin{cases} a & u = v \\ 0 & \text{otherwise} \end{cases}")
    'T = a \\text{ if } u = v;\\ 0 \\text{ otherwise}'
    """

    def cases(m: re.Match[str]) -> str:
        rows = [r.strip() for r in re.split(r"\\\\", m.group(1)) if r.strip()]
        out = []
        for row in rows:
            value, _amp, cond = row.partition("&")
            cond = cond.strip()
            if cond == r"\text{otherwise}":
                out.append(rf"{value.strip()} \text{{ otherwise}}")
            else:
                cond = cond.removeprefix(r"\text{if }").strip()
                out.append(rf"{value.strip()} \text{{ if }} {cond}")
        return ";\\ ".join(out)

    def aligned(m: re.Match[str]) -> str:
        rows = [r.replace("&", "").strip() for r in re.split(r"\\\\", m.group(1)) if r.strip()]
        return r" \quad ".join(rows)

    tex = re.sub(r"\\begin\{cases\}(.*?)\\end\{cases\}", cases, tex, flags=re.S)
    tex = re.sub(r"\\begin\{aligned\}(.*?)\\end\{aligned\}", aligned, tex, flags=re.S)
    return slashed(re.sub(r"\s+", " ", tex).strip())


def slashed(tex: str) -> str:
    r"""Fractions written with a slash and floors without ``\left``/``\right``, so that a narrow cell can break
    the formula at its operators: ``\left\lfloor \frac{n - k}{s} \right\rfloor`` -> ``\lfloor (n - k)/s \rfloor``.

    >>> slashed(r"\left\lfloor \frac{n - k}{s} \right\rfloor + \frac{1}{2}")
    '\\lfloor (n - k)/s \\rfloor + 1/2'
    """
    tex = re.sub(r"\\(?:left|right)\.", "", tex)
    tex = re.sub(r"\\(?:left|right)(\\[lr](?:floor|ceil)|[()\[\]]|\\[{}])", r"\1", tex)
    out, i = [], 0
    while True:
        j = tex.find(r"\frac{", i)
        if j < 0:
            break
        k = _braced(tex, j + 5)
        end = _braced(tex, k) if tex.startswith("{", k) else k
        num, den = tex[j + 6 : k - 1], tex[k + 1 : end - 1]
        if end == k or r"\partial" in num:  # no denominator group, or a derivative operator
            out.append(tex[i : j + 5])
            i = j + 5
            continue
        out.append(tex[i:j] + f"{_operand(slashed(num))}/{_operand(slashed(den))}")
        i = end
    return "".join(out) + tex[i:]


def _unescaped(tex: str) -> str:
    r"""The words of a ``\text{…}`` as plain text (``count\_include\_pad`` -> ``count_include_pad``).

    >>> _unescaped(r"count\_include\_pad\ and\,more")
    'count_include_pad and more'
    """
    return re.sub(r"\\([_&%#{}$])", r"\1", re.sub(r"\\[ ,;]", " ", tex))


def _operand(tex: str) -> str:
    """A side of a slashed fraction, bracketed when it is a sum or a product of several factors."""
    return f"({tex})" if re.search(r"[-+ ]", tex.strip()) else tex


def breakable(segs: Sequence[Segment]) -> list[Segment]:
    r"""Segments for a narrow table cell: words inside a formula (``\text{…}``) become running text, and a
    formula is cut after a top-level ``;`` or ``,\ `` (never inside braces or ``\left … \right``), so that
    the cell can wrap.

    >>> breakable([("math", r"k \le n\text{ (the kernel fits)}")])
    [('math', 'k \\le n'), ('text', ' (the kernel fits)')]
    """
    out: list[Segment] = []
    for kind, value in segs:
        if kind != "math":
            out.append((kind, value))
            continue
        value = flat_math(value)
        depth, start, i = 0, 0, 0
        while i < len(value):
            if value.startswith(r"\text{", i) and depth == 0:
                out.append(("math", value[start:i]))
                j = _braced(value, i + 5)
                out.append(("text", _unescaped(value[i + 6 : j - 1])))
                start = i = j
                continue
            if value.startswith(r"\left", i) or value.startswith(r"\right", i):
                depth += 1 if value.startswith(r"\left", i) else -1
                i += 5 if value.startswith(r"\left", i) else 6
                continue
            depth += {"{": 1, "}": -1}.get(value[i], 0)
            for sep in (";\\ ", ",\\ ", r", \quad ", r",\quad ", ";"):
                if depth == 0 and value.startswith(sep, i):
                    out.append(("math", value[start:i]))
                    out.append(("text", sep[0] + " "))
                    start = i = i + len(sep)
                    break
            else:
                i += 1
        out.append(("math", value[start:]))
    spacing = r"(?:\\[ ,;!]|\\q?quad|\s)+"
    gapped: list[Segment] = []
    for kind, value in out:  # spacing cut off a formula's edges stays a space between the pieces
        if kind != "math":
            gapped.append((kind, value))
            continue
        lead, trail = re.match(f"^{spacing}", value), re.search(f"{spacing}$", value)
        core = re.sub(f"^{spacing}|{spacing}$", "", value).strip()
        gapped += [("text", " ")] if lead else []
        gapped += [("math", core)] if core else []
        gapped += [("text", " ")] if trail and core else []
    out = [(k, v) for k, v in gapped if v]
    spaced: list[Segment] = []
    for kind, value in out:  # the spacing commands cut off become spaces between formula and words
        if spaced and kind == "text" and spaced[-1][0] == "math" and (value[:1].isalnum() or value[:1] == "("):
            value = " " + value
        if spaced and kind == "math" and spaced[-1][0] == "text" and spaced[-1][1][-1:].isalnum():
            spaced[-1] = ("text", spaced[-1][1] + " ")
        spaced.append((kind, value))
    return [(k, re.sub(" {2,}", " ", v) if k == "text" else v) for k, v in _tidy(spaced)]


def _join_math(items: list[list[Segment]], sep: str = ", ") -> list[Segment]:
    out: list[Segment] = []
    for i, item in enumerate(items):
        if i:
            out.append(("text", sep))
        out += item
    return out


# -- references to theorems ----------------------------------------------------------------------------
def ref(name: str, style: Style) -> list[Segment]:
    """A reference to a theorem: ``Theorem~\\ref{thm:name}`` when it is in the document, else its title.

    >>> ref("full_conv_comm", Style())
    [('text', 'Wide convolution commutes')]
    """
    try:
        thm = get(name)
    except ParameterError:
        return [("code", name)]
    if name in style.numbers:
        if style.fmt == "tex":
            return [("raw", rf"{style.say('theorem')}~\ref{{thm:{name}}}")]
        return [("text", f"{style.say('theorem')} {style.numbers[name]}")]
    return [("text", title(thm, style.lang))]


def _names_to_refs(text: str, style: Style) -> list[Segment]:
    """Prose in which registered theorem names (``full_corr_eq_rot180_swap``) become references."""
    known = {t.name for t in theorems()}
    out: list[Segment] = []
    pos = 0

    def piece(part: str) -> list[Segment]:  # prose, with the spaces around a reference kept
        lead = " " if part[:1].isspace() and out else ""
        trail = " " if part[-1:].isspace() else ""
        return [("text", lead), *prose(part, style.notation), ("text", trail)]

    for m in re.finditer(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", text):
        if m.group(0) not in known:
            continue
        if text[pos : m.start()]:
            out += piece(text[pos : m.start()])
        out += ref(m.group(0), style)
        pos = m.end()
    if text[pos:]:
        out += piece(text[pos:])
    return _tidy(out)


# -- sizes ---------------------------------------------------------------------------------------------
def _value_math(value: Any, shape: bool = False) -> str:
    r"""A size value: ``3 \\times 3`` for a shape, ``(1, 2)`` or ``((1, 0), (0, 2))`` otherwise, words upright."""
    if isinstance(value, bool):
        return rf"\text{{{'on' if value else 'off'}}}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):
        if shape and value and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            return r" \times ".join(str(v) for v in value)
        return "(" + ", ".join(_value_math(v) for v in value) + ")"
    return to_math([("text", str(value))])


def _padding_total(p: Any, dims: int) -> str | None:
    """Total padding per axis, ``p_h = 2p`` etc., or None when it is a word (``same``)."""
    if isinstance(p, (bool, str)):
        return None
    if isinstance(p, int):
        pairs = [(p, p)] * dims
    elif isinstance(p, tuple) and len(p) == 2 and all(isinstance(v, int) for v in p):
        pairs = [(p[0], p[1])] if dims == 1 else [(p[0], p[0]), (p[1], p[1])]
    elif isinstance(p, tuple) and all(isinstance(v, tuple) for v in p):
        pairs = [tuple(v) for v in p]  # type: ignore[misc]
    else:
        return None
    axes = ("h",) if dims == 1 else ("h", "w")
    return ",\\ ".join(f"p_{{{a}}} = {lo + hi}" for a, (lo, hi) in zip(axes, pairs))


def size_segments(sizes: Mapping[str, Any], notation: Notation, lang: str = "en") -> list[Segment]:
    r"""Sizes as math, defaults left out; padding per side or as the notes' total; flags in words.

    >>> size_segments({"n": (3, 3), "k": (2, 2), "s": 1, "p": 1, "d": 1}, Notation())
    [('math', 'n = 3 \\times 3,\\ k = 2 \\times 2,\\ p = 1')]
    >>> size_segments({"n": (3, 3), "k": (2, 2), "p": 1}, Notation(padding="total"))
    [('math', 'n = 3 \\times 3,\\ k = 2 \\times 2,\\ p_{h} = 2,\\ p_{w} = 2')]
    >>> size_segments({"n": 5, "ceil": True}, Notation())
    [('math', 'n = 5'), ('text', ', ceil mode')]
    """
    maths, texts = [], []
    sizes = dict(sorted(sizes.items(), key=lambda kv: SIZE_ORDER.index(kv[0]) if kv[0] in SIZE_ORDER else 99))
    n = sizes.get("n")
    dims = len(n) if isinstance(n, tuple) else 2
    for key, value in sizes.items():
        if key in DEFAULTS and value == DEFAULTS[key]:
            continue
        if key == "p" and notation.padding == "total" and _padding_total(value, dims):
            maths.append(_padding_total(value, dims))
        elif key in SIZE_SYMBOLS:
            maths.append(f"{SIZE_SYMBOLS[key]} = {_value_math(value, shape=key in SHAPES)}")
        elif key in SIZE_FLAGS:
            words = SIZE_FLAGS[key][LANGS.index(lang)]
            texts.append(words[0] if value else words[1])
        else:
            texts.append(f"{key} {value}")
    out: list[Segment] = [("math", ",\\ ".join(maths))] if maths else []
    if texts:
        out.append(("text", (", " if maths else "") + ", ".join(texts)))
    return out


# -- expanded entries (proofs at concrete sizes) -------------------------------------------------------
def _entries(arr: Any) -> list[tuple[tuple[int, ...], Any]]:
    shape = tuple(getattr(arr, "shape", ()))
    if not shape:
        return [((), arr)]
    return [(idx, arr[idx]) for idx in itertools.product(*(range(n) for n in shape))]


def _count(expr: Any) -> int:
    return len(sympy.Add.make_args(sympy.sympify(expr)))


def _pick_entry(arr: Any, where: tuple[int, ...] | None) -> tuple[int, ...]:
    cells = _entries(arr)
    if where is not None:
        return where
    small = [(idx, _count(e)) for idx, e in cells if _count(e) <= ENTRY_TERMS and sympy.sympify(e) != 0]
    if small:
        return max(small, key=lambda t: (t[1], [-i for i in t[0]]))[0]
    return min(cells, key=lambda t: _count(t[1]))[0]


def _display(rows: list[Line], notation: Notation) -> Display:
    """Rows as an aligned display, in its LaTeX form and its MathJax form."""
    return Display(tuple(render_rows(rows, "tex")), aligned=True, alt=tuple(render_rows(rows, "md")))


def entry_blocks(
    thm: Theorem,
    sizes: dict[str, Any],
    notation: Notation,
    where: tuple[int, ...] | None = None,
    proved: str = "",
    lang: str = "en",
    compact: bool = False,
    lead: Sequence[Segment] = (),
) -> list[Block]:
    r"""One entry of each side at ``sizes``, as the symbolic operators build it, and their difference.

    ``proved`` names the method that proved the theorem, for a difference that is zero only under
    its hypotheses (no ties in a max window).  ``compact`` (the notes style) writes sides that print alike
    as one line, ``[lhs] = … = [rhs]``, and leaves out the difference when it is 0; ``lead`` opens the
    paragraph.

    >>> blocks = entry_blocks(get("full_conv_comm"), normalize_sizes({"n": 2, "k": (1, 2)}), Notation())
    >>> for line in blocks[1].lines:
    ...     print(line)
    [\text{lhs}]_{1,2} &= [\mathbf{X}]_{1,1}[\mathbf{W}]_{1,2} + [\mathbf{X}]_{1,2}[\mathbf{W}]_{1,1}
    [\text{rhs}]_{1,2} &= [\mathbf{X}]_{1,1}[\mathbf{W}]_{1,2} + [\mathbf{X}]_{1,2}[\mathbf{W}]_{1,1}
    >>> blocks[2]
    Para(segs=(('text', 'Their difference expands to 0.'),))
    """
    _inputs, lhs, rhs = symbolic_sides(thm, sizes)
    L, R = parts(lhs), parts(rhs)
    many = len(L) > 1
    part = where[0] if (where is not None and many) else 0
    cell = where[1:] if (where is not None and many) else where
    if [tuple(a.shape) for a in L] != [tuple(b.shape) for b in R]:
        before, after = say("shapes_differ", lang, "@@").split("@@")
        return [para(("text", before), *size_segments(sizes, notation, lang), ("text", after))]
    idx = _pick_entry(L[part], cell)
    left, right = L[part][idx] if idx else L[part], R[part][idx] if idx else R[part]
    sub = ",".join(str(i + notation.index_base) for i in idx)
    upper = f"^{{({part + 1})}}" if many else ""
    labels = [f"[{s}{upper}]_{{{sub}}}" if sub else f"{s}{upper}" for s in SIDE_LABELS]
    printer = SymconvLatexPrinter(notation)
    rows = [
        Line(labels[0], "=", tuple(printer.term_strings(sympy.sympify(left)))),
        Line(labels[1], "=", tuple(printer.term_strings(sympy.sympify(right)))),
    ]
    zero = sympy.expand(sympy.sympify(left) - sympy.sympify(right)) == 0
    if compact and rows[0].rhs == rows[1].rhs:
        rows = [Line(labels[0], "=", (*rows[0].rhs, f"= {labels[1]}"))]
    at = say("entry_at", lang)
    intro = [*lead, ("text", at if lead else at[:1].upper() + at[1:]), *size_segments(sizes, notation, lang)]
    intro += [("text", say("entry_word", lang))]
    intro += [("math", f"({sub})" if sub else "()")]
    if many:
        intro += [("text", say("entry_part", lang, part + 1, len(L)))]
    intro += [("text", say("entry_build_short" if compact else "entry_build", lang))]
    if zero:
        outro = say("diff_zero", lang)
    elif proved:
        outro = say("diff_hyp", lang, proved)
    else:
        outro = say("diff_nonzero", lang)
    if compact and zero:
        return [para(*_tidy(intro)), _display(rows, notation)]
    return [para(*_tidy(intro)), _display(rows, notation), para(("text", outro))]


# -- derivations ---------------------------------------------------------------------------------------
def _step_rows(
    steps: Sequence[Any],
    style: Style,
    thm: Theorem | None = None,
    first: str = "",
    relations: Sequence[Any] = (),
    name_common: bool = False,
) -> list[Line]:
    """A chain's rows: the notes style drops trivial steps, shows steps that only rearrange sums as one line, and
    leaves out the start's "left side" remark; a justification that only restates its kernel rule becomes the
    rule's name; an instance names the theorem (or the part of ``thm``) it uses; Chinese justifications are
    the rule's name (and its formula).  ``first`` replaces the chain's first line (a left side shown before); a
    hypothesis used as a rewrite is printed from its formal relation (one of ``relations``)."""
    notes = not style.report
    rows = derivation_rows(steps, style.notation, drop_trivial=notes, merge=notes, name_common=name_common)
    if notes and len([r for r in rows if not r.definition]) == 1 and len(steps) > 1:  # every step restates it:
        rows = derivation_rows(steps, style.notation, merge=True, name_common=name_common)  # show why it holds
    names = [row for row in rows if row.definition]
    rows = [row for row in rows if not row.definition]
    if notes:
        rows = milestones(rows, NOTES_LINES)
    out = []
    for k, row in enumerate(rows):
        whys: list[list[Segment]] = []
        for step in row.steps or (row.step,):
            why = _step_why(step, style, thm, relations)
            if why and why not in whys:
                whys.append(why)
        hypotheses = all(getattr(st, "rule", "") == "hypothesis" for st in row.steps or (row.step,))
        joint = ", " if hypotheses else "; "  # substitutions read as one list
        why = [seg for i, w in enumerate(whys) for seg in ([("text", joint)] if i else []) + w]
        if style.report and row.trivial:
            why += [("text", " " + style.say("restates"))]
        elif style.report and row.rearranged:
            why += [("text", " " + style.say("rearranges"))]
        rhs = row.rhs
        if k == 0 and first:
            rhs = (rf"\text{{{first}}}",)
        out.append(replace(row, rhs=rhs, why=tuple(_tidy(why))))
    return out + names


def milestones(rows: Sequence[Line], most: int) -> list[Line]:
    """At most ``most`` rows of a long chain, for the notes: the first and the last, and in between the rows
    that print narrowest (the chain's milestones, such as the form after a sum collapses), as long as the
    chain's formulas take at most :data:`NOTES_FORMULA_LINES` lines.  A row left out
    passes its steps to the next row shown, whose justification then lists them all: every ``=`` shown is
    still the kernel's chain of equalities, read over the steps between.  A row that opens a new left side
    is always shown.

    >>> rows = [Line(None, "=", (t,), steps=(t,)) for t in ("a", "b + c + d", "e", "f + g", "h")]
    >>> [(r.rhs, r.steps) for r in milestones(rows, 3)]
    [(('a',), ('a',)), (('e',), ('b + c + d', 'e')), (('h',), ('f + g', 'h'))]
    """
    rows = list(rows)

    def lines(k: int) -> int:  # the lines a row's formula takes, about
        return 1 + int(visible_width(" ".join(rows[k].rhs)) // TEX_WIDTH)

    inner = [k for k in range(1, len(rows) - 1) if rows[k].lhs is None]
    fixed = {0, len(rows) - 1} | {k for k in range(1, len(rows) - 1) if rows[k].lhs is not None}
    if len(rows) <= most and sum(lines(k) for k in range(len(rows))) <= NOTES_FORMULA_LINES:
        return rows
    kept = set(fixed)
    used = sum(lines(k) for k in fixed)
    for k in sorted(inner, key=lambda k: (visible_width(" ".join(rows[k].rhs)), k)):
        if len(kept) < most and used + lines(k) <= NOTES_FORMULA_LINES:
            kept.add(k)
            used += lines(k)
    out: list[Line] = []
    carried: tuple[Any, ...] = ()
    for k, row in enumerate(rows):
        if k not in kept:
            carried += row.steps or (row.step,)
            continue
        if carried:
            row = replace(row, steps=(*carried, *(row.steps or (row.step,))), trivial=False, rearranged=False)
            carried = ()
        out.append(row)
    return out


def _step_why(step: Any, style: Style, thm: Theorem | None, relations: Sequence[Any] = ()) -> list[Segment]:
    """One step's justification as the chapter shows it (see :func:`_step_rows`)."""
    rule = getattr(step, "rule", None)
    if rule == "start" and not style.report:
        return []
    if rule == "hypothesis":  # its text is the relation as the kernel writes it: print the relation itself
        used = next((r for r in relations if relation_text(r) == step.why.strip()), None)
        if used is not None:
            return [("math", SymconvLatexPrinter(style.notation).doprint(tidy(used)))]
    text = step.why
    if rule == "differentiate":  # the Kronecker deltas it introduces: the chapter writes them 1[a = b] (δ is the error)
        text = re.sub(r"δ_\{([^,{}]+),([^,{}]+)\}", r"𝟙[\1 = \2]", text)
    generic = rule in KERNEL_RULES and step.why.strip() == KERNEL_RULES[rule]
    if style.lang == "zh" or generic:  # the rule's name (Chinese: and the step's first formula, when whole)
        label = rule_word(rule, step.why, style.lang)
        why: list[Segment] = [("text", label)] if label else []
        maths = [v for k, v in prose(text, style.notation) if k == "math"] if style.lang == "zh" and not generic else []
        whole = [m for m in maths if m.count("(") == m.count(")") and m.count("[") == m.count("]")]
        return why + [("text", "："), ("math", whole[0])] if whole and label else why
    why = _refs_in(prose(text, style.notation), style) if text else []
    cited = _cited(step)
    if cited and thm is not None and cited == thm.name:  # another part of the same theorem
        label = step.cites[len(cited) :].strip(" ()")
        labels = [spec.label for spec in (thm.general or ())]
        number_ = labels.index(label) + 1 if label in labels else 1
        why += [("text", f" ({style.say('part', number_)})")]
    elif cited and cited not in step.why and why:
        why += [("text", " (")] + ref(cited, style) + [("text", ")")]
    return why


def _cited(step: Any) -> str | None:
    """The registered theorem an instance step uses (``grad_input_eq_full_conv (δ ⊗~ W)`` is that theorem's part)."""
    name = (getattr(step, "cites", "") or "").split(" (")[0]
    return name if name and name in {t.name for t in theorems()} else None


def _refs_in(segs: Sequence[Segment], style: Style) -> list[Segment]:
    """Theorem names in a justification (``(full_conv_comm)``) become references to the theorems."""
    known = {t.name for t in theorems()}
    out: list[Segment] = []
    for kind, value in segs:
        if kind == "code" and value in known:
            out += ref(value, style)
        else:
            out.append((kind, value))
    return out


def _chain_display(
    steps: Sequence[Any], style: Style, thm: Theorem | None = None, first: str = "", relations: Sequence[Any] = ()
) -> Display:
    rows = _step_rows(steps, style, thm, first, relations, name_common=not style.report)
    if not style.report:
        rows = side_limits(rows)
    unchecked, where = style.say("not_checked"), style.say("where")
    return Display(
        tuple(render_rows(rows, "tex", unchecked, where)), True, tuple(render_rows(rows, "md", unchecked, where))
    )


#: A part's label that names its dimension: ``2-D``, ``1-D, in X``, ``3-D weights`` (the rest names its kind).
_DIMENSION = re.compile(r"^(?P<dims>\d)-D\b[,:;]?\s*(?P<rest>.*)$")


def _dimension(label: str) -> tuple[int | None, str]:
    """A part label's dimension and what is left of it (``"1-D, in X"`` -> ``(1, "in X")``).

    >>> _dimension("1-D, in X"), _dimension("3-D weights"), _dimension("the transposed convolution")
    ((1, 'in X'), (3, 'weights'), (None, 'the transposed convolution'))
    """
    m = _DIMENSION.match(label)
    return (int(m["dims"]), m["rest"]) if m else (None, label)


def part_plan(parts: Sequence[Part]) -> list[tuple[int, tuple[int, ...]]]:
    """What the notes style typesets of a theorem of several parts: one part per kind (the parts whose labels
    differ only in their dimension are one kind), the 2-D one or else the lowest dimension, each with the
    same kind's parts in the other dimensions; the first kind is the main one (its derivation is shown).

    >>> from symconv.prove import prove
    >>> part_plan(parts_of(get("corr_bilinear"), prove("corr_bilinear", general=True)))
    [(2, (0, 4)), (3, (1, 5))]
    """
    kinds: dict[str, list[tuple[int | None, int]]] = {}
    for k, part in enumerate(parts):
        dims, rest = _dimension(part.label)
        kinds.setdefault(rest if dims is not None else f"\0{k}", []).append((dims, k))
    plan = []
    for members in kinds.values():
        shown = min(members, key=lambda m: (m[0] != 2, m[0] or 0))[1]
        plan.append((shown, tuple(k for _d, k in members if k != shown)))
    return plan


def _instances_only(steps: Sequence[Any]) -> bool:
    """A chain whose every step after the start instantiates a registered theorem (or another part)."""
    rest = [s for s in steps if s.rule != "start"]
    return len(rest) >= 2 and all(s.rule == "instance" and _cited(s) for s in rest)


def _cites_line(steps: Sequence[Any], style: Style, thm: Theorem, sentence: bool = True) -> list[Segment]:
    """A chain of instances in one line: the theorems it cites, then what each instance says (a sentence, or
    a clause without its capital and full stop)."""
    rest = [s for s in steps if s.rule != "start"]
    cited: list[list[Segment]] = []
    for step in rest:
        name = _cited(step)
        if name == thm.name:
            label = step.cites[len(name) :].strip(" ()")
            labels = [spec.label for spec in (thm.general or ())]
            seg = [("text", style.say("part", labels.index(label) + 1 if label in labels else 1))]
        else:
            seg = ref(name or "", style)
        if seg not in cited:
            cited.append(seg)
    whys = [prose(s.why.strip().removeprefix("= "), style.notation) for s in rest]  # "= δ ⊗~ W": what it gives
    by = style.say("by")
    out: list[Segment] = [("text", (by[:1].upper() + by[1:] if sentence else by) + " ")]
    out += [*_join_math(cited, style.say("and_sep")), ("text", ": "), *_join_math(whys, "; ")]
    return _tidy([*out, ("text", "." if sentence else "")])


def _part_formula(part: Part, style: Style) -> str | None:
    """A part's statement as one formula, its chain's first expression = its last, when it fits in a line
    of a list (else None: the label says it)."""
    rows = derivation_rows((part.steps[0], part.steps[-1]), style.notation)  # the two ends are enough
    if not rows or (rows[0].lhs is not None and rows[0].rel):
        return None
    first, last = " ".join(rows[0].rhs), " ".join(rows[-1].rhs)
    tex = f"{first} = {last}"
    return tex if visible_width(tex) <= 0.8 * TEX_WIDTH and first != last else None


def _likewise(parts: Sequence[Part], same: Sequence[int], style: Style) -> list[Segment]:
    """ "likewise in 1-D and 3-D (kernel-checked)": the same kind's parts in the other dimensions (their scopes
    are in the verification line)."""
    dims = [f"{_dimension(parts[k].label)[0]}-D" for k in same]
    listed = dims[0] if len(dims) == 1 else style.say("and_last", ", ".join(dims[:-1]), dims[-1])
    return [("text", style.say("likewise", listed))]


def _part_head(number_: int, part: Part, general: ProofResult, style: Style) -> list[Segment]:
    notation = style.notation
    scope = _scope_words(scope_math(part.scope, general.formal_hypotheses, notation), style)
    with_ = style.say("all_sizes_with")
    if _fixed(part) and scope and scope[0] == ("text", with_):  # every size pinned: "at c_o = 100, …"
        scope = [("text", style.say("at_sizes") + " "), *scope[1:]]
    label = prose(part.label, notation)
    return _tidy(
        [("strong", style.say("part", number_) + ":"), ("text", " "), *label, ("text", " ("), *scope, ("text", ")")]
    )


def _lemma_blocks(steps: Sequence[Any], style: Style, thm: Theorem, relations: Sequence[Any]) -> list[Block]:
    """The report's proofs of the local lemmas a chain instantiates (an instance of a statement that is not a
    registered theorem, or an induction), each chain of the proof after its lemma's name, nested lemmas after."""
    blocks: list[Block] = []
    for step in steps:
        if not step.proof or (step.rule == "instance" and _cited(step)):
            continue
        name = (step.cites or step.why).strip()
        chains_: list[list[Any]] = []
        for inner in step.proof:
            if inner.rule == "start" or not chains_:
                chains_.append([])
            chains_[-1].append(inner)
        blocks.append(para(("strong", style.say("lemma") + ":"), ("text", " "), *prose(name, style.notation)))
        for chain in chains_:
            blocks.append(_chain_display(chain, style, thm, "", relations))
        blocks += _lemma_blocks(step.proof, style, thm, relations)
    return blocks


def theorem_notation(thm: Theorem, notation: Notation) -> Notation:
    """The notation with the extents of the theorem's own inputs added (``Y`` of shape ``n`` beside ``X``), so
    that an entry of any input read through the indicator of its own range prints zero-extended.

    >>> theorem_notation(get("corr_bilinear"), Notation()).extents["Y"]
    'n'
    """
    own = {
        name: shape[-1]
        for name, shape in thm.inputs.items()
        if name not in notation.extents and shape and isinstance(shape[-1], str) and shape[-1] in SHAPES
    }
    return dataclasses.replace(notation, extents={**notation.extents, **own}) if own else notation


def derivation_blocks(
    thm: Theorem, concrete: ProofResult | None, general: ProofResult | None, style: Style
) -> list[Block]:
    """The proof: the all-sizes derivation when there is one, else the concrete-size proof's expanded entry.

    The report style shows every part with its computed scope, and the proofs of the local lemmas its steps
    instantiate.  The notes style shows, of a theorem of several parts, the main kind's derivation (in 2-D
    when the theorem has parts per dimension, "likewise" for the others) and lists the other kinds with
    their formulas and scopes; a chain of instances of other theorems is one line citing them.

    >>> derivation_blocks(get("full_corr_comm"), None, None, Style())[0].title
    'Proof at concrete sizes'
    """
    style = replace(style, notation=theorem_notation(thm, style.notation))
    notation = style.notation
    if general is not None and general.verdict == "proved" and general.steps:
        blocks: list[Block] = []
        parts = parts_of(thm, general)
        relations = general.formal_hypotheses
        plan = [(k, ()) for k in range(len(parts))] if style.report else part_plan(parts)
        listed: list[tuple[Segment, ...]] = []
        for rank, (k, same) in enumerate(plan):
            part = parts[k]
            if rank and not style.report:  # another kind of part: its formula, scope and citations
                item = _part_head(k + 1, part, general, style)
                formula = _part_formula(part, style)
                item = item[:-1] + [(item[-1][0], item[-1][1].rstrip(":"))] if item else item
                if formula:
                    item += [("text", ": "), ("math", formula)]
                if same:
                    item += [("text", "; "), *_likewise(parts, same, style)]
                cites = [s for s in part.steps if s.rule == "instance" and _cited(s)]
                if cites and _instances_only(part.steps):
                    item += [("text", "; "), *_cites_line(part.steps, style, thm, sentence=False)]
                listed.append(tuple(_tidy([*item, ("text", ".")])))
                continue
            if len(parts) > 1:
                head = _part_head(k + 1, part, general, style)
                if same:  # "(all sizes; likewise in 1-D and 3-D (kernel-checked))"
                    head = [*head[:-1], (head[-1][0], head[-1][1].removesuffix(")")), ("text", "; ")]
                    head += [*_likewise(parts, same, style), ("text", ")")]
                blocks.append(para(*_tidy([*head, ("text", ":")])))
            if not style.report and _instances_only(part.steps):
                blocks.append(para(*_cites_line(part.steps, style, thm)))
            else:
                again = rank > 0 and not style.report and part.steps[0].expr == parts[plan[0][0]].steps[0].expr
                first = style.say("left_again") if again else ""
                blocks.append(_chain_display(part.steps, style, thm, first, relations))
            if style.report:
                blocks += _lemma_blocks(part.steps, style, thm, relations)
        if listed:
            blocks.append(Items(tuple(listed)))
        if style.report:
            blocks.append(para(("text", f"{style.say('method')}: "), prose(general.detail or general.method, notation)))
        if len(parts) > 1:
            heading = style.say("derivation_parts", len(parts))
        elif str(general.scope).strip() in ("all sizes", "general"):
            heading = style.say("derivation")
        else:
            scope = scope_segments(general, style)
            heading = style.say("derivation_scope", "".join(f"${v}$" if k == "math" else v for k, v in scope))
        return [Env("proof", heading, tuple(blocks), name=style.say("proof"))]
    blocks = []
    result = concrete
    if thm.sides is None or not thm.sizes:
        method = result.method if result is not None else ""
        detail = result.detail if result is not None else ""
        text = prose(f"{method}: {detail}" if style.report and detail else method, notation)
        blocks.append(para(text or [("text", "by a dedicated prover")]))
        return [Env("proof", style.say("concrete_proof"), tuple(blocks), name=style.say("proof"))]
    cx = result.counterexample if result is not None else None
    if cx is not None:
        sizes, where = normalize_sizes(cx.sizes), cx.where
    elif style.sizes:
        sizes, where = normalize_sizes({**(thm.sizes[0] if thm.sizes else {}), **style.sizes}), None
    elif result is not None and isinstance(result.scope, list) and result.scope and "n" in result.scope[0]:
        sizes, where = normalize_sizes(result.scope[0]), None
    else:
        sizes, where = normalize_sizes(thm.sizes[0]), None
    proved = result.method if result is not None and result.verdict == "proved" else ""
    lead: list[Segment] = []
    if result is not None and result.verdict == "proved":
        lead = [("text", style.say("equal_polys") + " ")]
    where_ = tuple(where) if where is not None else None
    blocks += entry_blocks(thm, sizes, notation, where_, proved, style.lang, compact=not style.report, lead=lead)
    return [Env("proof", style.say("concrete_proof"), tuple(blocks), name=style.say("proof"))]


# -- verdicts and checks -------------------------------------------------------------------------------
def _array_math(value: Any, notation: Notation) -> str:
    try:
        return latex(sympy.Array(value), notation)
    except (ValueError, TypeError, ParameterError):
        if isinstance(value, (list, tuple)):
            return r",\ ".join(_array_math(v, notation) for v in value)
        return latex(sympy.sympify(value), notation)


def counterexample_blocks(thm: Theorem, cx: Counterexample, style: Style) -> list[Block]:
    r"""The inputs of a counterexample as 1-based matrices, both sides there, and where they first differ (the
    notes style sets the inputs and the sides on one line).

    >>> blocks = counterexample_blocks(get("full_corr_comm"), prove("full_corr_comm").counterexample, Style())
    >>> blocks[1].lines[0].split(r"\qquad ")[1]
    '\\text{lhs} = \\begin{bmatrix} 1 & 0 \\end{bmatrix} \\ne \\text{rhs} = \\begin{bmatrix} 0 & 1 \\end{bmatrix}'
    """
    notation = style.notation
    head: list[Segment] = [
        ("strong", style.say("counterexample")),
        ("text", " " + style.say("at_sizes") + " "),
        *size_segments(cx.sizes, notation, style.lang),
    ]
    where: list[Segment] = []
    if cx.where is not None:
        sub = ",".join(str(i + notation.index_base) for i in cx.where)
        where = [("text", style.say("first_difference") + " "), ("math", f"({sub})")]
    lines = []
    if cx.values:
        names = [rf"{notation.array(symbol_prefix(k))} = {_array_math(v, notation)}" for k, v in cx.values.items()]
        lines.append(r",\quad ".join(names))
    if cx.lhs is not None and cx.rhs is not None:
        left, right = _array_math(cx.lhs, notation), _array_math(cx.rhs, notation)
        lines.append(rf"{SIDE_LABELS[0]} = {left} \ne {SIDE_LABELS[1]} = {right}")
    if style.report:
        blocks: list[Block] = [para(*head, ("text", ":"))]
        blocks += [Display((line,)) for line in lines]
        if where:
            blocks.append(para(*where, ("text", ".")))
        if cx.note:
            blocks.append(para(prose(cx.note, notation)))
        return blocks
    lead = [*head, ("text", " ("), *where, ("text", "):")] if where else [*head, ("text", ":")]
    return [para(*_tidy(lead)), *([Display((r"\qquad ".join(lines),))] if lines else [])]


def _check_phrase(checks: Mapping[str, CheckResult], style: Style) -> list[Segment]:
    """The numeric checks in one phrase: which witnesses agree, on how many cases, the float error."""
    if not checks:
        return []
    groups: dict[str, list[str]] = {}
    for backend, check in checks.items():
        groups.setdefault(check.status, []).append(BACKEND_NAMES.get(backend, backend))
    out: list[Segment] = []
    agree = [c for c in checks.values() if c.status == "ok"]
    if agree:
        names = " and ".join(groups["ok"]) if style.lang == "en" else "、".join(groups["ok"])
        cases = max(c.cases for c in agree)
        detail = []
        if cases:
            detail.append(style.say("cases" if cases != 1 else "case_1", cases))
        errors = [c.max_abs_err for c in agree if c.tolerance]
        if errors:
            if style.report:
                detail.append(style.say("exact_ints"))
            out_err = max(errors)
            if out_err or style.report:
                detail.append(style.say("float_err" if style.report else "float_err_short", "@@"))
        text = f"{names} {style.say('ok' if len(groups['ok']) > 1 else 'ok_one')}"
        out.append(("text", text))
        if detail:
            out.append(("text", " ("))
            for i, d in enumerate(detail):
                if i:
                    out.append(("text", ", "))
                if "@@" in d:
                    before, after = d.split("@@")
                    out += [("text", before), ("math", number(out_err)), ("text", after)]
                else:
                    out.append(("text", d))
            out.append(("text", ")"))
    for status in ("failed", "skipped"):
        if status in groups:
            reasons = {c.detail for c in checks.values() if c.status == status}
            text = f"{', '.join(groups[status])} {style.say(status)}"
            if status == "skipped" and reasons == {"no CUDA device"}:
                text = f"{', '.join(groups[status])}: {style.say('no_cuda')}"
            out.append(("text", ("; " if out else "") + text))
    return out


def verified_blocks(thm: Theorem, concrete: ProofResult, general: ProofResult | None, style: Style) -> list[Block]:
    """One line saying where the theorem was verified (notes style), or every detail (report style).

    >>> verified_blocks(get("full_corr_comm"), prove("full_corr_comm"), None, Style())[0].segs[0]
    ('strong', 'Verified:')
    """
    notation = style.notation
    shown = headline(concrete, general)
    verdict = style.say(shown.verdict) if shown.verdict in ("proved", "refuted", "unknown") else shown.verdict
    segs: list[Segment] = [("strong", style.say("verified") + ":"), ("text", f" {verdict}, ")]
    segs += scope_segments(shown, style, short=not style.report)
    if is_general(shown) and shown.steps:
        checked = sum(bool(s.checked) for s in shown.steps)
        total = shown.kernel_steps or len([s for s in shown.steps if s.rule != "start"])
        key = "steps_checked" if style.report else "steps_checked_short"
        phrase = (
            style.say(key, total)
            if checked == len(shown.steps)
            else style.say("steps_unchecked", checked, len(shown.steps))
        )
        if segs[-1][0] == "text" and segs[-1][1].endswith(")"):  # "(3 parts, 6 kernel-checked steps)"
            segs[-1] = ("text", segs[-1][1][:-1] + f", {phrase})")
        else:
            segs.append(("text", f" ({phrase})"))
    if style.report and shown is not concrete and concrete.verdict == "proved" and isinstance(concrete.scope, list):
        segs.append(("text", "; " + style.say("exact_at") + " "))
        segs += scope_segments(concrete, style)
    if shown.verdict != shown.expected:
        segs.append(("text", f" ({style.say('expected', shown.expected)})"))
    checks = _check_phrase(concrete.checks, style)
    if checks:
        segs.append(("text", "; "))
        segs += checks
    segs.append(("text", "."))
    blocks: list[Block] = [para(*_tidy(segs))]
    if style.report:
        if isinstance(concrete.scope, list):
            sizes = [s for s in concrete.scope if isinstance(s, Mapping) and "cases" not in s]
            if sizes:
                key = "sizes_proved" if concrete.verdict == "proved" else "sizes_tried"
                blocks.append(para(("text", style.say(key) + ":")))
                blocks.append(Items(tuple(tuple(size_segments(s, notation, style.lang)) for s in sizes)))
        if concrete.detail:
            blocks.append(
                para(("text", f"{style.say('method')}: "), prose(f"{concrete.method}; {concrete.detail}", notation))
            )
        if concrete.checks:
            blocks.append(para(("strong", style.say("checks_detail") + ":")))
            blocks.append(
                Items(
                    tuple(
                        (
                            ("text", BACKEND_NAMES.get(b, b) + f": {c.status}" + (" (" if c.detail else "")),
                            *prose(c.detail, notation),
                            ("text", ")" if c.detail else ""),
                        )
                        for b, c in concrete.checks.items()
                    )
                )
            )
    return blocks


def _tidy(segs: list[Segment]) -> list[Segment]:
    """Merge neighbouring text segments and drop empty ones."""
    out: list[Segment] = []
    for kind, value in segs:
        if not value:
            continue
        if out and out[-1][0] == kind == "text":
            out[-1] = ("text", out[-1][1] + value)
        else:
            out.append((kind, value))
    return out


# -- one theorem ---------------------------------------------------------------------------------------
def statement_blocks(thm: Theorem, result: ProofResult | None, style: Style) -> list[Block]:
    r"""The statement (a display formula), and its hypotheses in mathematical form.

    >>> print(statement_blocks(get("full_conv_comm"), None, Style())[0].lines[0])
    \mathbf{W} \tilde{\otimes} \mathbf{X} = \mathbf{X} \tilde{\otimes} \mathbf{W}
    """
    notation = style.notation
    blocks: list[Block] = []
    segs = statement_math(thm, notation)
    if len(segs) == 1 and segs[0][0] == "math":
        blocks.append(Display((segs[0][1],)))
    else:
        blocks.append(para(segs))
    hyps = [[(k, flat_math(v) if k == "math" else v) for k, v in h] for h in hypothesis_segments(thm, result, style)]
    if hyps:  # in running text: a definition by cases on one line ("A if C; B otherwise"), fractions slashed
        blocks.append(para(("text", style.say("hypotheses") + ": "), _join_math(hyps, "; "), ("text", ".")))
    if style.report:
        blocks.append(para(("text", f"{style.say('remark')}: "), _names_to_refs(thm.statement, style)))
        if thm.doc:
            blocks.append(para(_names_to_refs(thm.doc, style)))
    return blocks


def instance_blocks(thm: Theorem, style: Style) -> list[Block]:
    """The worked instance: the notes' example for the theorem, or one entry at ``style.sizes``.

    >>> "n = 6" in render(instance_blocks(get("conv_eq_corr_rot180"), Style(sizes={"n": 6, "k": 3})), "md")
    True
    """
    if style.sizes and thm.sides is not None:
        sizes = normalize_sizes({**(thm.sizes[0] if thm.sizes else {}), **style.sizes})
        return entry_blocks(thm, sizes, style.notation, lang=style.lang)
    return examples_for(thm.name, style.notation, style.lang)


def theorem_blocks(
    thm: Theorem | str,
    result: ProofResult | None = None,
    general: ProofResult | None = None,
    notation: Notation | None = None,
    level: int = 2,
    style: Style | None = None,
) -> list[Block]:
    """Every block of one theorem: the theorem (title, statement, hypotheses), its proof, a worked instance,
    the verification (and for a refuted claim the counterexample and what holds instead).

    >>> blocks = theorem_blocks("full_conv_comm")
    >>> blocks[0].kind, blocks[0].title, blocks[0].labels
    ('theorem', 'Wide convolution commutes', ('thm:full_conv_comm',))
    """
    thm = get(thm) if isinstance(thm, str) else thm
    style = style or Style(notation=notation or Notation())
    if notation is not None:
        style.notation = notation
    del level
    shown = headline(result, general) if result is not None else general
    refuted = shown is not None and shown.verdict == "refuted"
    kind = "claim" if refuted or thm.expected == "refuted" else "theorem"
    head = Env(
        kind,
        title(thm, style.lang),
        tuple(statement_blocks(thm, shown, style)),
        labels=(f"thm:{thm.name}",),
        name=style.say(kind),
    )
    blocks: list[Block] = [head]
    if not refuted:
        blocks += derivation_blocks(thm, result, general, style)
    by_entry = not (general is not None and general.verdict == "proved" and general.steps) and thm.sides is not None
    # at chosen sizes, a proof by one entry of each side is already the worked instance
    examples = [] if (style.sizes and by_entry and not refuted) else instance_blocks(thm, style)
    if examples:
        label: Segment = ("strong", style.say("worked") + ".")
        if isinstance(examples[0], Para):  # the label opens the instance's first paragraph
            blocks.append(Para((label, ("text", " "), *examples[0].segs)))
            blocks += examples[1:]
        else:
            blocks += [para(label), *examples]
    if result is not None:
        if result.counterexample is not None:
            blocks += counterexample_blocks(thm, result.counterexample, style)
        if result.correction:
            blocks.append(
                para(("strong", style.say("instead") + ":"), ("text", " "), _names_to_refs(result.correction, style))
            )
        blocks += verified_blocks(thm, result, general, style)
    return blocks


# -- families: numbered theorems typeset as one table ----------------------------------------------
def _first_cite(result: ProofResult | None) -> str | None:
    """The registered theorem a derivation starts from, when its first step after the start is an instance of
    one (else None)."""
    if result is None or not result.steps:
        return None
    first = next((step for step in result.steps if step.rule != "start"), None)
    return _cited(first) if first is not None and first.rule == "instance" else None


def _group_key(thm: Theorem, results: Results) -> tuple[str, str, str] | None:
    """Theorems with the same key share one derivation: the same section, the same theorem instantiated
    first (each row substitutes its hypotheses into it and simplifies), and the same numbered family."""
    general = results[thm.name][1] if thm.name in results else None
    if general is None or general.verdict == "unknown":
        return None
    cited = _first_cite(general)
    if cited is None:
        return None
    stem = family_stem(thm.name)
    return (thm.section, cited, stem if stem != thm.name else "")


def families(thms: Sequence[Theorem], results: Results) -> list[list[Theorem]]:
    """Consecutive theorems typeset as one table with one shared derivation: same section, each derived as an
    instance of the same theorem, and the same numbered family (``dumoulin_visin_1`` …) or none; two at least.

    >>> [len(f) for f in families([get("full_conv_comm")], {})]
    [1]
    """
    groups: list[list[Theorem]] = []
    keys: list[tuple[str, str, str] | None] = []
    for thm in thms:
        key = _group_key(thm, results)
        if groups and key is not None and keys[-1] == key:
            groups[-1].append(thm)
        else:
            groups.append([thm])
            keys.append(key)
    out: list[list[Theorem]] = []
    for group in groups:
        if len(group) >= 2:
            out.append(group)
        else:
            out += [[t] for t in group]
    return out


def _family_title(group: Sequence[Theorem], results: Results, style: Style) -> str:
    """A numbered family's name and range ("Dumoulin & Visin's relationships 1–15"), else "Special cases of …"."""
    stem = family_stem(group[0].name)
    if stem != group[0].name:
        first, last = group[0].name[len(stem) + 1 :], group[-1].name[len(stem) + 1 :]
        words = FAMILY_NAMES.get(stem, (stem.replace("_", " ").capitalize(),) * 2)[LANGS.index(style.lang)]
        return f"{words} {first}–{last}"
    cited = _first_cite(results[group[0].name][1]) or ""
    name = title(get(cited), style.lang).split("(")[0].strip() if cited else ""
    return style.say("special_cases", name[0].lower() + name[1:] if style.lang == "en" and name else name)


def _row_label(thm: Theorem) -> str:
    """A family member's short name: its number in a numbered family, else nothing."""
    stem = family_stem(thm.name)
    return thm.name[len(stem) + 1 :] if stem != thm.name else ""


def _verdict_word(result: ProofResult, style: Style) -> str:
    return style.say(result.verdict) if result.verdict in ("proved", "refuted", "unknown") else result.verdict


def family_blocks(group: Sequence[Theorem], results: Results, style: Style) -> list[Block]:
    """Theorems that share a derivation, as one theorem: the hypotheses they share, a table of the members
    (title, own hypotheses, statement, the row's kernel-checked chain), one shared derivation, one
    verification line (the report style adds every row's steps and checks).

    >>> names = ["output_size_wide", "output_size_1d_notes"]
    >>> blocks = family_blocks([get(n) for n in names], collect(names, backends=()), Style())
    >>> blocks[0].labels, len(blocks[0].blocks[1].rows)
    (('thm:output_size_wide', 'thm:output_size_1d_notes'), 2)
    """
    notation = style.notation
    shown = {t.name: headline(*results[t.name]) for t in group}
    hyps = {t.name: [to_math(h) for h in hypothesis_segments(t, shown[t.name], style)] for t in group}
    common = [h for h in hyps[group[0].name] if all(h in hyps[t.name] for t in group)]
    rows = []
    for thm in group:
        label = _row_label(thm)
        general = results[thm.name][1]
        steps = list(general.steps) if general is not None else []
        if not style.report and steps and steps[0].rule == "start":  # every row starts from the same left side
            steps = steps[1:]
        chain = _step_rows(steps, style, thm, "", general.formal_hypotheses) if steps else []
        chain_tex = " = ".join(" ".join(r.rhs) for r in chain)
        name = (f"{label}. " if label else "") + title(thm, style.lang)
        if shown[thm.name].verdict != "proved":
            name += f" ({_verdict_word(shown[thm.name], style)})"
        own = [[("math", h)] for h in hyps[thm.name] if h not in common]
        rows.append(
            (
                (("text", name),),
                tuple(breakable(_join_math(own, "; "))) or (("text", "—"),),
                tuple(breakable(statement_math(thm, notation))),
                tuple(breakable([("math", chain_tex)])) if chain_tex else (("text", "—"),),
            )
        )
    header = tuple(style.say(k) for k in ("col_title", "col_hypotheses", "col_statement", "col_chain"))
    table = Table(header, tuple(rows), (0.2, 0.2, 0.18, 0.42))
    if common:
        before, after = style.say("family_rows", "@@").split("@@")
        intro = para(("text", before), _join_math([[("math", h)] for h in common], "; "), ("text", after))
    else:
        intro = para(("text", style.say("family_rows_own")))
    head = Env(
        "theorem",
        _family_title(group, results, style),
        (intro, table),
        labels=tuple(f"thm:{t.name}" for t in group),
        name=style.say("theorem"),
    )
    cited = _first_cite(results[group[0].name][1])
    if cited:
        key = "family_derivation_report" if style.report else "family_derivation"
        before, after = style.say(key, "@@").split("@@")
        proof_blocks: list[Block] = [para(("text", before), *ref(cited, style), ("text", after))]
    else:
        proof_blocks = [para(("text", style.say("family_derivation_plain")))]
    if style.report:
        for thm in group:
            general = results[thm.name][1]
            if general is not None and general.steps:
                proof_blocks.append(para(("text", (_row_label(thm) or title(thm, style.lang)) + ":")))
                proof_blocks.append(
                    _display(_step_rows(general.steps, style, thm, "", general.formal_hypotheses), notation)
                )
    proof = Env("proof", style.say("shared_derivation"), tuple(proof_blocks), name=style.say("proof"))
    verdicts = [shown[t.name].verdict for t in group]
    counts = {v: verdicts.count(v) for v in dict.fromkeys(verdicts)}
    words = ", ".join(
        (style.say(v) if v in ("proved", "refuted", "unknown") else v) + (f" ({c})" if len(counts) > 1 else "")
        for v, c in counts.items()
    )
    scopes = [tuple(scope_segments(shown[t.name], style, True)) for t in group]
    scope = list(scopes[0]) if len(set(scopes)) == 1 else [("text", style.say("row_scopes"))]
    segs: list[Segment] = [
        ("strong", style.say("verified") + ":"),
        ("text", f" {style.say('family_verified', len(group))} {words}, "),
        *scope,
    ]
    checks: dict[str, list[CheckResult]] = {}
    for thm in group:
        for backend, check in results[thm.name][0].checks.items():
            checks.setdefault(backend, []).append(check)
    phrase = _check_phrase({b: _merge_checks(b, cs) for b, cs in checks.items()}, style)
    if phrase:
        segs += [("text", "; "), *phrase]
    segs.append(("text", "."))
    blocks: list[Block] = [head, proof, para(*_tidy(segs))]
    if style.report:
        for thm in group:
            blocks.append(para(("strong", (_row_label(thm) or title(thm, style.lang)) + ".")))
            blocks += verified_blocks(thm, results[thm.name][0], results[thm.name][1], style)
    return blocks


def _merge_checks(backend: str, checks: Sequence[CheckResult]) -> CheckResult:
    """One check standing for a family's: its worst status, the least number of cases, the largest error."""
    order = ("failed", "skipped", "ok")
    status = min((c.status for c in checks), key=lambda s: order.index(s) if s in order else 0)
    merged = CheckResult(backend, status, checks[0].detail if status == "skipped" else "")
    merged.cases = min(c.cases for c in checks)
    merged.max_abs_err = max(c.max_abs_err for c in checks)
    merged.tolerance = max(c.tolerance for c in checks)
    return merged


# -- summary -------------------------------------------------------------------------------------------
def _checks_cell(checks: Mapping[str, CheckResult], backends: Sequence[str]) -> tuple[Segment, ...]:
    """One mark per backend, in the header's order: a tick, a cross, or a dash (not run)."""
    marks = {"ok": r"\checkmark", "failed": r"\times", "skipped": "-"}
    if not backends:
        return (("text", "-"),)
    return (("math", r"\ ".join(marks.get(checks[b].status, "?") if b in checks else "-" for b in backends)),)


def summary_blocks(thms: Sequence[Theorem], results: Results, style: Style) -> list[Block]:
    """The summary table: theorem number, the notes' section, title, statement as a formula, verdict and scope,
    and one mark per numeric witness.

    >>> table = summary_blocks([get("full_corr_comm")], collect(["full_corr_comm"], backends=("numpy",)), Style())[1]
    >>> table.rows[0][4][0], "checkmark" in table.rows[0][5][0][1]
    (('text', 'refuted, at '), True)
    """
    backends = list(dict.fromkeys(b for t in thms for b in results[t.name][0].checks))
    if any(b != "cuda" for b in backends):  # a column of dashes for a missing device says nothing
        backends = [
            b
            for b in backends
            if any(results[t.name][0].checks[b].status != "skipped" for t in thms if b in results[t.name][0].checks)
        ]
    rows = []
    for thm in thms:
        concrete, general = results[thm.name]
        shown = headline(concrete, general)
        label = _row_label(thm) if thm.name in style.numbers and _in_family(thm, style) else ""
        rows.append(
            (
                tuple(_number_cell(thm.name, style)),
                (("text", thm.section),),
                (("text", (f"{label}. " if label else "") + title(thm, style.lang)),),
                tuple(breakable(statement_math(thm, style.notation))),
                tuple(breakable(_summary_scope(shown, style))),
                _checks_cell(concrete.checks, backends),
            )
        )
    checks = style.say("col_checks") + (" (" + ", ".join(BACKEND_NAMES.get(b, b) for b in backends) + ")")
    header = (
        style.say("col_number"),
        style.say("col_section"),
        style.say("col_title"),
        style.say("col_statement"),
        style.say("col_verdict"),
        checks,
    )
    return [
        Heading(1, style.say("summary")),
        Table(header, tuple(rows), (0.045, 0.055, 0.22, 0.32, 0.26, 0.10), "scriptsize"),
    ]


def _summary_scope(result: ProofResult, style: Style) -> list[Segment]:
    """The verdict and the scope for the summary table: "proved, all sizes", "proved if s = d = 1", "proved, 3
    sizes"."""
    segs = [("text", _verdict_word(result, style) + ", "), *scope_segments(result, style, True)]
    with_ = style.say("all_sizes_with")
    if len(segs) > 1 and segs[1][0] == "text" and segs[1][1].startswith(with_):  # "proved if s = 1"
        segs = [("text", _verdict_word(result, style) + " "), *segs[1:]]
    return _tidy([(k, v.replace(with_, style.say("scope_if")) if k == "text" else v) for k, v in segs])


def _in_family(thm: Theorem, style: Style) -> bool:
    number_ = style.numbers.get(thm.name)
    return sum(v == number_ for v in style.numbers.values()) > 1


def _number_cell(name: str, style: Style) -> list[Segment]:
    if name not in style.numbers:
        return [("text", "")]
    if style.fmt == "tex":
        return [("raw", rf"\ref{{thm:{name}}}")]
    return [("text", str(style.numbers[name]))]


def notation_blocks(style: Style) -> list[Block]:
    """The chapter's opening: what the symbols mean, chosen once for the whole chapter (the derivations' zero
    padding, number of windows and indicators included, printed by the chapter's printer).

    >>> "indices from 0" in render(notation_blocks(Style(notation=Notation(index_base=0))), "md")
    True
    """
    n = style.notation
    printer = SymconvLatexPrinter(n)
    h = Axis.named("h")
    windows = printer.doprint(sympy.Eq(sympy.Symbol("m_h", integer=True, positive=True), h.m))
    sides = printer.doprint(h.lo) + ", " + printer.doprint(h.hi)
    padding = ("pad_total", "p_h") if n.padding == "total" else ("pad_side", "p")
    extended = n.extended % r"\mathbf{X}"
    say_before, say_after = style.say("extended_sym", "@@").split("@@")
    items = [
        [("math", n.corr), ("text", " " + style.say("corr_sym"))],
        [("math", n.conv), ("text", " " + style.say("conv_sym"))],
        [("math", f"{n.op('corr', wide=True)}, {n.op('conv', wide=True)}"), ("text", " " + style.say("wide_sym"))],
        [("math", rf"{n.rot180}(\mathbf{{W}})"), ("text", " " + style.say("rot_sym"))],
        [("math", n.entry("x", ("u", "v"))), ("text", " " + style.say("entry_sym", n.index_base))],
        [("math", r"\delta"), ("text", " " + style.say("delta_sym"))],
        [("math", rf"{n.indicator}[u = v]"), ("text", " " + style.say("indicator_sym"))],
        [("math", padding[1]), ("text", " " + style.say(padding[0]))],
        [("math", sides), ("text", " "), *prose(style.say("sides_sym"), n)],
        prose(style.say("sizes_sym"), n),
        [("math", windows), ("text", " "), *prose(style.say("windows_sym"), n)],
        [
            ("math", f"[{extended}]_{{u,v}}"),
            ("text", " "),
            *prose(say_before, n),
            ("text", " "),
            ("math", n.entry("x", ("u", "v"))),
            ("text", " "),
            *prose(say_after, n),
        ],
        prose(style.say("index_sym"), n),
    ]
    return [
        para(("text", style.say("intro"))),
        para(("strong", style.say("notation") + ". "), _join_math(items, "; "), ("text", ".")),
    ]


def _section_key(section: str) -> tuple[int, ...]:
    return tuple(int(part) for part in section.split(".") if part.isdigit())


def _section_title(section: str, style: Style) -> str:
    english, chinese = SECTION_TITLES.get(section, (f"Section {section}", ""))
    if style.lang == "zh" and chinese:
        return f"{section} {chinese}"
    return f"{section} {english}"


def chapter_blocks(results: Results, notation: Notation, fmt: str, style: Style | None = None) -> list[Block]:
    """The chapter body: notation, summary table, then section by section the references, pictures and theorems.

    >>> blocks = chapter_blocks(collect(["full_corr_comm"], backends=("numpy",)), Notation(), "md")
    >>> [b.text for b in blocks if isinstance(b, Heading) and b.level == 1][:2]
    ['Summary', '6.2.2 Padding and stride in two dimensions; wide convolution']
    """
    style = style or Style(notation=notation, fmt=fmt)
    style.notation, style.fmt = notation, fmt
    thms = [t for t in theorems() if t.name in results]
    groups = families(thms, results)
    style.numbers.clear()
    for number_, group in enumerate(groups, 1):
        for thm in group:
            style.numbers[thm.name] = number_
    blocks: list[Block] = notation_blocks(style)
    blocks += summary_blocks(thms, results, style)
    selected = {t.section for t in thms}
    whole = len(thms) == len(theorems())  # the whole chapter also has the sections with only code or pictures
    extra = {r.section for r in REFERENCES.values()} | set(style.figure_sections)
    sections = sorted(selected | {x for x in extra if whole or _in(x, selected)}, key=_section_key)
    for section in sections:
        blocks.append(Heading(1, _section_title(section, style)))
        blocks += references_for(section, style.lang, style.report)
        if style.figures is not None:
            blocks += style.figures(section, notation, style.lang)
        for group in groups:
            if group[0].section != section:
                continue
            if len(group) > 1:
                blocks += family_blocks(group, results, style)
            else:
                blocks += theorem_blocks(group[0], *results[group[0].name], style=style)
                if style.report and style.figures is not None:  # the report shows each theorem's picture
                    blocks += style.figures(group[0].name, notation, style.lang)
    return blocks


def _in(section: str, selected: set[str]) -> bool:
    """A reference's section belongs when a selected theorem's section is it, or lies above or below it."""
    return any(s.startswith(section) or section.startswith(s) for s in selected)


def preamble(fmt: str = "tex", lang: str = "en", tikz: bool = False, style: str = "notes") -> str:
    r"""The document's opening: ``article`` for pdflatex (``en``), ``ctexart`` for xelatex (``zh``).

    >>> preamble().splitlines()[0], preamble(lang="zh").splitlines()[0]
    ('\\documentclass[10pt,a4paper]{article}', '\\documentclass[10pt,a4paper]{ctexart}')
    """
    heading = say("title", lang) + (f" — {say('style_report', lang)}" if style == "report" else "")
    return PREAMBLE % {
        "documentclass": "ctexart" if lang == "zh" else "article",
        "tikz": TIKZ_PACKAGES if tikz else "",
        "theorem": say("theorem", lang),
        "claim": say("claim", lang),
        "proof": say("proof", lang),
        "title": heading,
        "author": f"symconv {__version__}",
    }


# -- proving -------------------------------------------------------------------------------------------
@contextlib.contextmanager
def _one_torch_thread() -> Iterator[None]:
    """The checks run thousands of tiny torch ops: one thread each is several times faster than a pool."""
    if "torch" not in sys.modules and importlib.util.find_spec("torch") is None:
        yield
        return
    import torch  # optional dependency: imported only when installed

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def prove_one(
    name: str, backends: Sequence[str] = ("numpy", "torch", "cuda")
) -> tuple[ProofResult, ProofResult | None]:
    """Prove a theorem once at its registered sizes and once for all sizes (when it has such a proof), and
    cross-check the concrete result in each backend: ``(concrete, all-sizes or None)``.

    >>> concrete, general = prove_one("full_conv_comm", ("numpy",))
    >>> concrete.verdict, general.verdict, concrete.checks["numpy"].status
    ('proved', 'proved', 'ok')
    """
    thm = get(name)
    concrete = prove(thm.name)
    general = both_levels(thm, concrete) if thm.general else None  # the concrete level proved once, not twice
    with _one_torch_thread():
        for backend in backends:
            concrete.checks[backend] = check_result(concrete, backend)
    return concrete, general


def collect(
    names: Iterable[str] | None = None,
    backends: Sequence[str] = ("numpy", "torch", "cuda"),
    progress: Progress | None = None,
    jobs: int | None = 1,
) -> dict[str, tuple[ProofResult, ProofResult | None]]:
    """Prove and cross-check theorems (all by default), each once: name -> (result, all-sizes result or None).

    ``jobs`` > 1 proves in that many worker processes (``None``: one per core; theorems are independent),
    forked before torch is loaded (else serially: a fork after torch has run its thread pool can hang).

    >>> results = collect(["full_corr_comm"], backends=("numpy",))
    >>> results["full_corr_comm"][0].verdict
    'refuted'
    """
    selected = [get(n) for n in names] if names is not None else theorems()
    todo = [t.name for t in selected]
    workers = min(jobs or os.cpu_count() or 1, len(todo))
    out: dict[str, tuple[ProofResult, ProofResult | None]] = {}
    # Forking is safe while torch (and its OpenMP pool) is not loaded yet, as in a fresh ``symconv notes``;
    # in a process that already ran torch, the proofs run here, one after the other.
    if workers > 1 and "fork" in _start_methods() and "torch" not in sys.modules:
        # one theorem per task, those with the most all-sizes parts first: the workers stay busy to the end
        order = sorted(selected, key=lambda t: -len(t.general or ()))
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = {pool.submit(prove_one, t.name, tuple(backends)): t.name for t in order}
            for future in as_completed(futures):
                out[futures[future]] = future.result()
                if progress is not None:
                    progress(len(out), len(todo), futures[future])
        return {name: out[name] for name in todo}
    for i, name in enumerate(todo, 1):
        if progress is not None:
            progress(i, len(todo), name)
        out[name] = prove_one(name, backends)
    return out


def _start_methods() -> list[str]:
    return multiprocessing.get_all_start_methods()


def stderr_progress(i: int, total: int, name: str) -> None:
    r"""Progress on stderr, like ``symconv prove --all``.

    >>> import contextlib, io
    >>> err = io.StringIO()
    >>> with contextlib.redirect_stderr(err):
    ...     stderr_progress(1, 2, "full_conv_comm")
    >>> err.getvalue()
    '[1/2] full_conv_comm ...\n'
    """
    print(f"[{i}/{total}] {name} ...", file=sys.stderr, flush=True)


# -- documents -----------------------------------------------------------------------------------------
def _fmt(fmt: str) -> str:
    if fmt not in ("tex", "md"):
        raise ParameterError("format", fmt, "'tex' or 'md'")
    return fmt


def _render(make: Callable[[], Sequence[Block]], fmt: str, lang: str) -> str:
    """Build the blocks and render them; Chinese text is kept (not escaped) throughout for ``zh``."""
    with unicode_text() if lang == "zh" else contextlib.nullcontext():
        return render(make(), fmt)


def theorem_section(
    name: str,
    fmt: str = "tex",
    notation: Notation | None = None,
    result: tuple[ProofResult, ProofResult | None] | None = None,
    backends: Sequence[str] = ("numpy", "torch", "cuda"),
    style: Style | None = None,
) -> str:
    """One theorem's blocks (proved and checked unless ``result`` is given), as ``tex`` or ``md``.

    >>> text = theorem_section("full_corr_comm", "md", backends=("numpy",))
    >>> "**Claim (Wide cross-correlation commutes (taken literally)).**" in text and "$$" in text
    True
    """
    thm = get(name)
    style = style or Style(notation=notation or Notation())
    style.fmt = _fmt(fmt)
    if notation is not None:
        style.notation = notation
    if result is None:
        if style.sizes:
            concrete = prove(thm.name, **style.sizes)
            general = both_levels(thm, prove(thm.name)) if thm.general else None
            with _one_torch_thread():
                for backend in backends:
                    concrete.checks[backend] = check_result(concrete, backend)
        else:
            concrete, general = prove_one(thm.name, backends)
    else:
        concrete, general = result
    return _render(lambda: theorem_blocks(thm, concrete, general, style=style), fmt, style.lang)


def chapter(
    fmt: str = "tex",
    notation: Notation | None = None,
    results: Results | None = None,
    backends: Sequence[str] = ("numpy", "torch", "cuda"),
    progress: Progress | None = None,
    style: Style | str = "notes",
    lang: str = "en",
    figures: FigureHook | None = None,
) -> str:
    r"""The whole chapter (or the theorems of ``results``): a LaTeX document (``tex``) or Markdown (``md``).

    Theorems are proved and checked here unless ``results`` (from :func:`collect`) is given.
    ``style`` is ``"notes"`` or ``"report"``; ``lang`` ``"en"`` (pdflatex) or ``"zh"`` (xelatex and ctex);
    ``figures`` adds the pictures of each section (see :func:`symconv.figures.chapter_figures`).

    >>> results = collect(["full_corr_comm"], backends=("numpy",))
    >>> chapter("tex", results=results).startswith("\\documentclass")
    True
    """
    fmt = _fmt(fmt)
    if isinstance(style, str):
        style = Style(name=style, lang=lang, notation=notation or Notation(), figures=figures, fmt=fmt)
    notation = notation or style.notation
    if results is None:
        results = collect(backends=backends, progress=progress)
    body = _render(lambda: chapter_blocks(results, notation, fmt, style), fmt, style.lang)
    heading = say("title", style.lang) + (f" — {say('style_report', style.lang)}" if style.report else "")
    if fmt == "md":
        return f"# {heading}\n\n*symconv {__version__}*\n\n{body}\n"
    tikz = "\\begin{tikzpicture}" in body
    return preamble(fmt, style.lang, tikz, style.name) + "\n" + body + "\n\n\\end{document}\n"


def theorem_latex(thm: Theorem | str, notation: Notation | None = None) -> str:
    r"""A theorem for Jupyter: statement, hypotheses and derivation in one ``$$…$$`` formula.

    >>> text = theorem_latex("full_conv_comm")
    >>> text.startswith("$$") and r"\tilde{\otimes}" in text
    True
    """
    thm = get(thm) if isinstance(thm, str) else thm
    general = prove(thm.name, general=True) if thm.general else None
    style = Style(notation=notation or Notation(), fmt="jupyter")
    return render(theorem_blocks(thm, None, general, style=style), "jupyter")


def result_latex(result: ProofResult, notation: Notation | None = None) -> str:
    r"""A proof result for Jupyter: statement, derivation, the sizes actually proved and their entry, verdict.

    The worked instance is the one this result proved (its own sizes), never a fixed example.

    >>> from symconv import prove
    >>> r"\textbf{Verified:}" in result_latex(prove("full_corr_comm"))
    True
    >>> "n = 6 \\times 6" in result_latex(prove("conv_eq_corr_rot180", n=6, k=3))
    True
    """
    if not isinstance(result, ProofResult):
        raise ParameterError("result", result, "a symconv ProofResult")
    thm = get(result.name)
    style = Style(notation=notation or Notation(), fmt="jupyter")
    if is_general(result):
        blocks = theorem_blocks(thm, None, result, style=style)
        blocks += verified_blocks(thm, result, None, style)
        return render(blocks, "jupyter")
    sizes = [s for s in result.scope if isinstance(s, Mapping) and "n" in s] if isinstance(result.scope, list) else []
    if sizes:
        style.sizes = {k: v for k, v in sizes[0].items() if k not in DEFAULTS or v != DEFAULTS[k]}
    blocks = [b for b in theorem_blocks(thm, result, None, style=style)]
    return render(blocks, "jupyter")
