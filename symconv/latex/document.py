"""Theorem sections and the whole chapter, as LaTeX or Markdown.

For every registered theorem, in the order of the notes' sections:

1. the statement (the theorem's ``latex`` field, or its Unicode statement
   translated by :mod:`symconv.latex.text`) and its hypotheses;
2. the derivation: the all-sizes proof's steps as an ``align*`` block when a
   general proof exists and succeeds, otherwise the concrete-size proof: its
   method, its sizes and one entry of each side at the smallest size,
   expanded, as the symbolic operators build it;
3. the worked instances of :data:`symconv.latex.examples.EXAMPLES`;
4. the verdict, the counterexample if any, and each numeric check.

Nothing here lists theorems: a theorem added to the registry appears in the
chapter by itself.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import sympy

from ..errors import ParameterError
from ..prove.exact import parts, symbol_prefix, symbolic_sides
from ..result import Counterexample, ProofResult
from ..theorems.registry import DEFAULTS, Theorem, get, normalize_sizes, theorems
from .blocks import Block, Display, Heading, Items, para, render
from .derivation import derivation_lines, equation_lines
from .examples import examples_for
from .notation import Notation
from .printer import index_base, latex
from .reference import REFERENCES, references_for
from .text import Segment, segments, to_math

__all__ = [
    "PREAMBLE",
    "SECTION_TITLES",
    "chapter",
    "collect",
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

#: Everything the chapter needs comes with texlive-latex-base (and amssymb with texlive-base).
PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage{amsmath}
\usepackage{amssymb}
\usepackage[margin=2cm]{geometry}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6em}
\allowdisplaybreaks
\renewcommand{\labelitemi}{$\bullet$}
\title{%(title)s}
\author{%(author)s}
\date{}
\begin{document}
\maketitle
"""
TITLE = "Convolutional networks: the formulas of the notes, proved"
#: Size keywords and how they are written.
SIZE_SYMBOLS: Mapping[str, str] = MappingProxyType(
    {"n": "n", "k": "k", "s": "s", "p": "p", "d": "d", "c_i": "c_i", "c_o": "c_o", "groups": r"\mathrm{groups}"}
)
SIZE_ORDER = ("n", "k", "c_i", "c_o", "s", "p", "d", "groups", "ceil", "cip")
SHAPES = ("n", "k")
SIZE_FLAGS: Mapping[str, str] = MappingProxyType({"ceil": "ceil_mode", "cip": "count_include_pad"})
#: Side labels of the expanded entries.
SIDE_LABELS = (r"\text{lhs}", r"\text{rhs}")
#: An entry with at most this many terms is preferred for the expanded display.
ENTRY_TERMS = 6

Progress = Callable[[int, int, str], None]


# -- statements ----------------------------------------------------------------------------------------
def split_statement(statement: str) -> tuple[str, str]:
    """The formula of a statement and its parenthesised remark (after two spaces).

    >>> split_statement("W ⊗~ X = X ⊗~ W  (wide convolution is commutative)")
    ('W ⊗~ X = X ⊗~ W', 'wide convolution is commutative')
    """
    match = re.match(r"^(?P<formula>.*?)\s{2,}\((?P<remark>.*)\)\s*$", statement, re.DOTALL)
    if match:
        return match["formula"].strip(), match["remark"].strip()
    return statement.strip(), ""


def _text_length(segs: Sequence[Segment]) -> int:
    return sum(len(v) for k, v in segs if k != "math")


def _prose(text: str, notation: Notation) -> list[Segment]:
    return segments(re.sub(r"\s+", " ", text.replace("``", "")).strip(), notation)


def statement_blocks(thm: Theorem, notation: Notation) -> list[Block]:
    r"""The statement as a display (prose if it is mostly words), then the remark and hypotheses.

    >>> from symconv.theorems.registry import get
    >>> print(statement_blocks(get("full_conv_comm"), Notation())[0].lines[0])
    \mathbf{W} \tilde{\otimes} \mathbf{X} = \mathbf{X} \tilde{\otimes} \mathbf{W}
    """
    formula, remark = split_statement(thm.statement)
    blocks: list[Block] = []
    if thm.latex:
        blocks.append(Display((thm.latex,)))
        remark = remark or thm.statement
    else:
        segs = segments(formula, notation)
        if _text_length(segs) <= 40 and any(k == "math" for k, _ in segs):
            blocks.append(Display((to_math(segs),)))
        else:
            blocks.append(para(("strong", "Statement."), ("text", " "), segs))
    if remark:
        blocks.append(para(_prose(remark[0].upper() + remark[1:], notation)))
    if thm.hypotheses:
        blocks.append(para(("strong", "Hypotheses.")))
        blocks.append(Items(tuple(tuple(segments(h, notation)) for h in thm.hypotheses)))
    if thm.doc:
        blocks.append(para(_prose(thm.doc, notation)))
    return blocks


# -- sizes ---------------------------------------------------------------------------------------------
def _value_math(value: Any, shape: bool = False) -> str:
    r"""A size value: ``3 \\times 3`` for a shape, ``(1, 2)`` or ``((1, 0), (0, 2))`` otherwise, words upright."""
    if isinstance(value, bool):
        return rf"\text{{{value}}}"
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


def size_segments(sizes: Mapping[str, Any], notation: Notation) -> list[Segment]:
    r"""Sizes as math, defaults left out; padding per side or as the notes' total.

    >>> size_segments({"n": (3, 3), "k": (2, 2), "s": 1, "p": 1, "d": 1}, Notation())
    [('math', 'n = 3 \\times 3,\\ k = 2 \\times 2,\\ p = 1')]
    >>> size_segments({"n": (3, 3), "k": (2, 2), "p": 1}, Notation(padding="total"))
    [('math', 'n = 3 \\times 3,\\ k = 2 \\times 2,\\ p_{h} = 2,\\ p_{w} = 2')]
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
            maths.append(rf"\mathtt{{{SIZE_FLAGS[key].replace('_', chr(92) + '_')}}} = {_value_math(value)}")
        else:
            texts.append(f"{key}: {value}")
    out: list[Segment] = [("math", ",\\ ".join(maths))] if maths else []
    if texts:
        out.append(("text", ("; " if maths else "") + "; ".join(texts)))
    return out


def _scope_items(scope: Any, notation: Notation) -> list[tuple[Segment, ...]]:
    if scope == "general":
        return [(("text", "all sizes"),)]
    return [tuple(size_segments(s, notation)) for s in scope if isinstance(s, Mapping)]


# -- derivations ---------------------------------------------------------------------------------------
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


def entry_blocks(
    thm: Theorem,
    sizes: dict[str, Any],
    notation: Notation,
    where: tuple[int, ...] | None = None,
    proved: str = "",
) -> list[Block]:
    r"""One entry of each side at ``sizes``, as the symbolic operators build it, and their difference.

    ``proved`` names the method that proved the theorem, for a difference that is zero only under
    its hypotheses (no ties in a max window).

    >>> from symconv.theorems.registry import get
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
        return [
            para(("text", "The two sides have different shapes at "), size_segments(sizes, notation), ("text", "."))
        ]
    idx = _pick_entry(L[part], cell)
    left, right = L[part][idx] if idx else L[part], R[part][idx] if idx else R[part]
    sub = ",".join(str(i + notation.index_base) for i in idx)
    upper = f"^{{({part + 1})}}" if many else ""
    labels = [f"[{s}{upper}]_{{{sub}}}" if sub else f"{s}{upper}" for s in SIDE_LABELS]
    lines = equation_lines(labels[0], "=", left, notation) + equation_lines(labels[1], "=", right, notation)
    zero = sympy.expand(sympy.sympify(left) - sympy.sympify(right)) == 0
    intro = [("text", "At "), *size_segments(sizes, notation), ("text", ", entry ")]
    intro += [("math", f"({sub})" if sub else "()")]
    if many:
        intro += [("text", f" of part {part + 1} (of {len(L)})")]
    intro += [("text", " of each side, as the symbolic operators build it:")]
    if zero:
        outro = "Their difference expands to 0."
    elif proved:
        outro = (
            f"Their difference is not the zero polynomial; the proof ({proved}) shows it vanishes under the hypotheses."
        )
    else:
        outro = "Their difference does not expand to 0: the sides differ here."
    return [para(intro), Display(tuple(lines), aligned=True), para(("text", outro))]


def derivation_blocks(
    thm: Theorem, result: ProofResult | None, general: ProofResult | None, notation: Notation
) -> list[Block]:
    """The all-sizes derivation when there is one, else the concrete-size proof's expanded entry.

    >>> from symconv.theorems.registry import get
    >>> derivation_blocks(get("full_corr_comm"), None, None, Notation())[0]
    Para(segs=(('strong', 'Proof at concrete sizes.'),))
    """
    if general is not None and general.verdict != "unknown" and general.steps:
        blocks: list[Block] = [
            para(("strong", "Derivation (all sizes)."), ("text", f" {general.method}: {general.verdict}.")),
        ]
        base = index_base(step.expr for step in general.steps)
        if base is not None and base != notation.index_base:
            blocks.append(para(("text", f"(Indices in this derivation are {base}-based, as the prover writes them.)")))
        blocks.append(Display(tuple(derivation_lines(general.steps, notation)), aligned=True))
        return blocks
    blocks = [para(("strong", "Proof at concrete sizes."))]
    if thm.sides is None or not thm.sizes:
        method = result.method if result is not None else "a dedicated prover"
        blocks.append(para(("text", f"Method: {method}. "), _prose(result.detail if result else thm.doc, notation)))
        return blocks
    cx = result.counterexample if result is not None else None
    if cx is not None:
        sizes, where = normalize_sizes(cx.sizes), cx.where
    else:
        sizes, where = normalize_sizes(thm.sizes[0]), None
    proved = result.method if result is not None and result.verdict == "proved" else ""
    blocks += entry_blocks(thm, sizes, notation, tuple(where) if where is not None else None, proved)
    return blocks


# -- verdicts ------------------------------------------------------------------------------------------
def _array_math(value: Any, notation: Notation) -> str:
    try:
        return latex(sympy.Array(value), notation)
    except (ValueError, TypeError, ParameterError):
        if isinstance(value, (list, tuple)):
            return r",\ ".join(_array_math(v, notation) for v in value)
        return latex(sympy.sympify(value), notation)


def counterexample_blocks(thm: Theorem, cx: Counterexample, notation: Notation) -> list[Block]:
    r"""The inputs of a counterexample, both sides there, and where they first differ.

    >>> from symconv import prove
    >>> from symconv.theorems.registry import get
    >>> blocks = counterexample_blocks(get("full_corr_comm"), prove("full_corr_comm").counterexample, Notation())
    >>> blocks[2].lines[0]
    '\\text{lhs} = \\begin{bmatrix} 1 & 0 \\end{bmatrix} \\ne \\text{rhs} = \\begin{bmatrix} 0 & 1 \\end{bmatrix}'
    """
    blocks: list[Block] = [
        para(("strong", "Counterexample"), ("text", " at "), size_segments(cx.sizes, notation), ("text", ":"))
    ]
    if cx.values:
        names = [rf"{notation.array(symbol_prefix(k))} = {_array_math(v, notation)}" for k, v in cx.values.items()]
        blocks.append(Display((r",\quad ".join(names),)))
    if cx.lhs is not None and cx.rhs is not None:
        left, right = _array_math(cx.lhs, notation), _array_math(cx.rhs, notation)
        blocks.append(Display((rf"{SIDE_LABELS[0]} = {left} \ne {SIDE_LABELS[1]} = {right}",)))
    if cx.where is not None:
        sub = ",".join(str(i + notation.index_base) for i in cx.where)
        blocks.append(para(("text", "First difference at entry "), ("math", f"({sub})"), ("text", ".")))
    if cx.note:
        blocks.append(para(_prose(cx.note, notation)))
    return blocks


def _check_item(name: str, check: Any, notation: Notation) -> tuple[Segment, ...]:
    segs: list[Segment] = [("strong", name), ("text", f": {check.status}")]
    if check.detail:
        segs.append(("text", " ("))
        segs += _prose(check.detail, notation)
        segs.append(("text", ")"))
    elif check.cases:
        segs.append(("text", f", {check.cases} cases"))
    return tuple(segs)


def verdict_blocks(
    thm: Theorem, result: ProofResult, notation: Notation, general: ProofResult | None = None
) -> list[Block]:
    """The verdict, its scope, the counterexample, what holds instead, and every numeric check.

    >>> from symconv import prove
    >>> from symconv.theorems.registry import get
    >>> verdict_blocks(get("full_corr_comm"), prove("full_corr_comm"), Notation())[0].segs[0]
    ('strong', 'Verdict: refuted')
    """
    verdict = result.verdict
    expected = "" if result.expected == verdict else f", expected {result.expected}"
    blocks: list[Block] = [
        para(
            ("strong", f"Verdict: {verdict}"),
            ("text", f" ({result.method}{expected}"),
            ("text", ", as expected)." if not expected else ")."),
        )
    ]
    items = _scope_items(result.scope, notation)
    grid = [s for s in (result.scope if isinstance(result.scope, list) else []) if "grid" in s or "cases" in s]
    if items and not grid and result.scope != "general":
        blocks.append(para(("text", "Sizes proved:" if verdict == "proved" else "Sizes tried:")))
        blocks.append(Items(tuple(items)))
    if result.detail:
        blocks.append(para(_prose(result.detail, notation)))
    if general is not None and general is not result and general.verdict != "unknown":
        blocks.append(para(("strong", "All sizes: "), ("text", f"{general.verdict} ({general.method}).")))
    if result.counterexample is not None:
        blocks += counterexample_blocks(thm, result.counterexample, notation)
    if result.correction:
        blocks.append(para(("strong", "What holds instead:"), ("text", " "), _prose(result.correction, notation)))
    if result.checks:
        blocks.append(para(("strong", "Numeric checks"), ("text", " (symbolic result against independent witnesses):")))
        blocks.append(Items(tuple(_check_item(n, c, notation) for n, c in result.checks.items())))
    return blocks


# -- assembly ------------------------------------------------------------------------------------------
def theorem_blocks(
    thm: Theorem | str,
    result: ProofResult | None = None,
    general: ProofResult | None = None,
    notation: Notation | None = None,
    level: int = 2,
) -> list[Block]:
    """Every block of one theorem's section: statement, derivation, worked instances, verdict.

    >>> from symconv.latex.blocks import Heading
    >>> blocks = theorem_blocks("full_conv_comm")
    >>> blocks[0] == Heading(2, "", code="full_conv_comm", label="thm:full_conv_comm")
    True
    """
    thm = get(thm) if isinstance(thm, str) else thm
    notation = notation or Notation()
    blocks: list[Block] = [Heading(level, "", code=thm.name, label=f"thm:{thm.name}")]
    blocks += statement_blocks(thm, notation)
    blocks += derivation_blocks(thm, result, general, notation)
    examples = examples_for(thm.name, notation)
    if examples:
        blocks.append(para(("strong", "Worked instance.")))
        blocks += examples
    if result is not None:
        blocks += verdict_blocks(thm, result, notation, general)
    return blocks


def _general(thm: Theorem) -> ProofResult | None:
    if thm.general is None:
        return None
    from ..prove import prove

    return prove(thm.name, general=True)


def collect(
    names: Iterable[str] | None = None,
    backends: Sequence[str] = ("numpy", "torch", "cuda"),
    progress: Progress | None = None,
) -> dict[str, tuple[ProofResult, ProofResult | None]]:
    """Prove and cross-check theorems (all by default): name -> (result, all-sizes result or None).

    The result is what ``symconv prove`` reports (with its checks); when it is
    itself the all-sizes proof, it is both.

    >>> results = collect(["full_corr_comm"], backends=("numpy",))
    >>> results["full_corr_comm"][0].verdict
    'refuted'
    """
    from ..cli import _run

    selected = [get(n) for n in names] if names is not None else theorems()
    out = {}
    for i, thm in enumerate(selected, 1):
        if progress is not None:
            progress(i, len(selected), thm.name)
        result = _run(thm.name, {}, general=False, backends=backends)
        general = result if result.scope == "general" else _general(thm)
        out[thm.name] = (result, general)
    return out


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


def theorem_section(
    name: str,
    fmt: str = "tex",
    notation: Notation | None = None,
    result: tuple[ProofResult, ProofResult | None] | None = None,
    backends: Sequence[str] = ("numpy", "torch", "cuda"),
) -> str:
    """One theorem's section (proved and checked unless ``result`` is given), as ``tex`` or ``md``.

    >>> text = theorem_section("full_corr_comm", "md", backends=("numpy",))
    >>> "Verdict: refuted" in text and "$$" in text
    True
    """
    thm = get(name)
    concrete, general = result if result is not None else collect([thm.name], backends)[thm.name]
    return render(theorem_blocks(thm, concrete, general, notation), _fmt(fmt))


def _fmt(fmt: str) -> str:
    if fmt not in ("tex", "md"):
        raise ParameterError("format", fmt, "'tex' or 'md'")
    return fmt


def notation_blocks(notation: Notation) -> list[Block]:
    """The chapter's opening: what the symbols mean.

    >>> "indices from 0" in render(notation_blocks(Notation(index_base=0)), "md")
    True
    """
    n = notation
    padding = (
        ("math", "p"),
        ("text", " is the padding on each side (PyTorch's argument)"),
    )
    if n.padding == "total":
        padding = (("math", "p_h"), ("text", " is the total padding of an axis, as in the notes"))
    return [
        para(
            ("text", "Every formula below is printed by symconv from the SymPy expression it proved, "),
            ("text", "and every theorem is cross-checked numerically (NumPy, PyTorch). Notation: "),
            ("math", n.corr),
            ("text", " is cross-correlation, "),
            ("math", n.conv),
            ("text", " convolution, "),
            ("math", f"{n.op('corr', wide=True)}, {n.op('conv', wide=True)}"),
            ("text", " their wide (full) forms; "),
            ("math", rf"{n.rot180}(\mathbf{{W}})"),
            ("text", " rotates a kernel by 180°; "),
            ("math", n.entry("x", ("i", "j"))),
            ("text", f" is an entry, indices from {n.index_base}; "),
            *padding,
            ("text", "."),
        )
    ]


def _summary(results: Mapping[str, tuple[ProofResult, ProofResult | None]], thms: list[Theorem]) -> Items:
    rows = []
    for thm in thms:
        concrete, general = results[thm.name]
        failed = [b for b, c in concrete.checks.items() if c.status == "failed"]
        text = f" ({thm.section}): {concrete.verdict}"
        if general is not None and general.verdict != "unknown":
            text += f"; all sizes: {general.verdict}"
        if failed:
            text += f"; failed checks: {', '.join(failed)}"
        rows.append((("code", thm.name), ("text", text)))
    return Items(tuple(rows))


def _section_key(section: str) -> tuple[int, ...]:
    return tuple(int(part) for part in section.split(".") if part.isdigit())


def chapter_blocks(
    results: Mapping[str, tuple[ProofResult, ProofResult | None]], notation: Notation, fmt: str
) -> list[Block]:
    """The chapter body: notation, summary, then section by section the references and theorems.

    >>> blocks = chapter_blocks(collect(["full_corr_comm"], backends=("numpy",)), Notation(), "md")
    >>> [b.text for b in blocks if isinstance(b, Heading) and b.level == 1][:2]
    ['Summary', '6.1.4 Implementing cross-correlation (卷积层与卷积核实现)']
    """
    thms = [t for t in theorems() if t.name in results]
    blocks: list[Block] = notation_blocks(notation)
    blocks.append(Heading(1, "Summary"))
    blocks.append(_summary(results, thms))
    sections = sorted({t.section for t in thms} | {r.section for r in REFERENCES.values()}, key=_section_key)
    for section in sections:
        english, chinese = SECTION_TITLES.get(section, (f"Section {section}", ""))
        title = f"{section} {english}" + (f" ({chinese})" if chinese and fmt == "md" else "")
        blocks.append(Heading(1, title))
        blocks += references_for(section)
        for thm in thms:
            if thm.section == section:
                concrete, general = results[thm.name]
                blocks += theorem_blocks(thm, concrete, general, notation)
    return blocks


def chapter(
    fmt: str = "tex",
    notation: Notation | None = None,
    results: Mapping[str, tuple[ProofResult, ProofResult | None]] | None = None,
    backends: Sequence[str] = ("numpy", "torch", "cuda"),
    progress: Progress | None = None,
) -> str:
    r"""The whole chapter: a LaTeX document (``tex``) or Markdown for MathJax (``md``).

    Theorems are proved and checked here unless ``results`` (from
    :func:`collect`) is given.

    >>> results = collect(["full_corr_comm"], backends=("numpy",))
    >>> chapter("tex", results=results).startswith("\\documentclass")
    True
    """
    fmt = _fmt(fmt)
    notation = notation or Notation()
    if results is None:
        results = collect(backends=backends, progress=progress)
    from .. import __version__

    body = render(chapter_blocks(results, notation, fmt), fmt)
    if fmt == "md":
        return f"# {TITLE}\n\n*symconv {__version__}*\n\n{body}\n"
    return PREAMBLE % {"title": TITLE, "author": f"symconv {__version__}"} + "\n" + body + "\n\n\\end{document}\n"


def theorem_latex(thm: Theorem | str, notation: Notation | None = None) -> str:
    r"""A theorem for Jupyter: statement, hypotheses and derivation in one ``$$…$$`` formula.

    >>> text = theorem_latex("full_conv_comm")
    >>> text.startswith("$$") and r"\tilde{\otimes}" in text
    True
    """
    thm = get(thm) if isinstance(thm, str) else thm
    return render(theorem_blocks(thm, None, _general(thm), notation), "jupyter")


def result_latex(result: ProofResult, notation: Notation | None = None) -> str:
    r"""A proof result for Jupyter: statement, derivation (its steps, if any), verdict and checks.

    >>> from symconv import prove
    >>> r"\textbf{Verdict: refuted}" in result_latex(prove("full_corr_comm"))
    True
    """
    if not isinstance(result, ProofResult):
        raise ParameterError("result", result, "a symconv ProofResult")
    thm = get(result.name)
    general = result if result.scope == "general" else None
    concrete = result if general is None else None
    blocks = theorem_blocks(thm, concrete, general, notation)
    if general is not None:
        blocks += verdict_blocks(thm, general, notation or Notation())
    return render(blocks, "jupyter")
