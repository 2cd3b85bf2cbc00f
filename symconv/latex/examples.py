"""Worked instances like the notes' figures, keyed by theorem name (data).

Every number or letter shown is computed: the symbolic operator builds the
entry, the printer substitutes the notes' values into that very expression
(``19 = 0 \\cdot 0 + 1 \\cdot 1 + 3 \\cdot 2 + 4 \\cdot 3``), and the result is
evaluated by symconv.  A theorem without an entry in :data:`EXAMPLES` simply
has no worked instance.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import sympy

from ..spec import output_size
from ..symbolic import conv2d, corr2d, corr2d_multi_in, corr2d_vjp, pool2d, rot180, symbols
from ..symbolic.tensor import Array, entries
from .blocks import Block, Display, para
from .notation import Notation
from .printer import latex

__all__ = ["EXAMPLES", "NOTES_K", "NOTES_X", "examples_for", "output_size_formula"]

#: The notes' running example (6.1.4): ``X = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]``, ``K = [[0, 1], [2, 3]]``.
NOTES_X = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
NOTES_K = [[0, 1], [2, 3]]
#: The notes' second input channel (6.2.3).
NOTES_X2 = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
NOTES_K2 = [[1, 2], [3, 4]]

Example = Callable[..., list[Block]]

#: The examples' sentences: key -> (English, Chinese, in the notes' terms).
PHRASES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "corr_intro": (" example (6.1.4), computed by symconv:", " 例子（6.1.4），由 symconv 计算："),
        "the_notes": ("The notes' ", "笔记中的 "),
        "rot_a": ("Rotating a ", "把 "),
        "rot_b": (" kernel by 180°, as in the notes' figure:", " 卷积核旋转 180°，如笔记中的图："),
        "conv_a": ("With input letters A…I and kernel letters a…i, a ", "输入为字母 A…I、卷积核为字母 a…i 时，"),
        "conv_b": (" convolution has one entry; the kernel enters flipped:", " 卷积只有一个元素，卷积核被翻转："),
        "multi_a": ("The notes' two-channel example (6.2.3): ", "笔记中的双通道例子（6.2.3）："),
        "multi_b": (", whose first entry is", "，其第一个元素为"),
        "at": ("At ", "当 "),
        "by_diff": (", by differentiation:", " 时，由求导得："),
        "centre": (", the centre entry:", " 时，中间的元素："),
        "pool_b": ("pooling, stride 1) on the running example gives ", "池化，步长 1）作用于示例输入得到 "),
        "first_entry": ("; its first entry:", "；其第一个元素："),
        "size_a": ("The formula, printed from ", "公式由 "),
        "size_b": (" on symbols (", " 作用于符号打印（"),
        "per_side": (" per side).", " 为每侧的填充）。"),
        "total": (")", "）"),
        "shapes": (
            "Without dilation, and at the notes' shapes (each the shape PyTorch printed in the notes):",
            "无膨胀时，在笔记中的各个形状上（与笔记中 PyTorch 打印的形状一致）：",
        ),
        "notes_write": ("The notes write ", "笔记写作 "),
        "simplifies": ("; SymPy simplifies its difference from ", "；SymPy 把它与 "),
        "to_zero": (" to 0.", " 之差化简为 0。"),
    }
)


def _t(key: str, lang: str) -> str:
    return PHRASES[key][1 if lang == "zh" else 0]


def _values(arrays: list[tuple[Array, Any]]) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for symbolic, numbers in arrays:
        out.update(zip(entries(symbolic), entries(Array(numbers))))
    return out


def _sub(n: Notation, *idx: int) -> str:
    return ",".join(str(i + n.index_base) for i in idx)


def corr2d_19(n: Notation, lang: str = "en") -> list[Block]:
    """The notes' ``corr2d(X, K)``: the whole output, and its first entry expanded (19).

    >>> from symconv.latex.blocks import render
    >>> render(corr2d_19(Notation()), "md").count("$$")
    4
    """
    X, K = symbols("x", (3, 3)), symbols("k", (2, 2))
    Y = corr2d(X, K)
    values = _values([(X, NOTES_X), (K, NOTES_K)])
    number = corr2d(NOTES_X, NOTES_K)
    op = rf"\mathbf{{X}} {n.corr} \mathbf{{K}}"
    lines = (
        rf"[{op}]_{{{_sub(n, 0, 0)}}} &= {latex(Y[0, 0], n)}",
        rf"&= {latex(Y[0, 0], n, values)}",
        rf"&= {latex(Y[0, 0].xreplace(values), n)}",
    )
    return [
        para(("text", _t("the_notes", lang)), ("code", "corr2d"), ("text", _t("corr_intro", lang))),
        Display((rf"{op} = {latex(Array(NOTES_X), n)} {n.corr} {latex(Array(NOTES_K), n)} = {latex(number, n)}",)),
        Display(lines, aligned=True),
    ]


def rot180_letters(n: Notation, lang: str = "en") -> list[Block]:
    r"""rot180 of a 3×3 kernel of letters a…i (the notes' figure).

    >>> print(rot180_letters(Notation())[1].lines[0].split(" = ")[1])
    \begin{bmatrix} i & h & g \\ f & e & d \\ c & b & a \end{bmatrix}
    """
    K = Array(sympy.symbols("a b c d e f g h i"), (3, 3))
    return [
        para(("text", _t("rot_a", lang)), ("math", r"3 \times 3"), ("text", _t("rot_b", lang))),
        Display((rf"{n.rot180}\left({latex(K, n)}\right) = {latex(rot180(K), n)}",)),
    ]


def conv_letters(n: Notation, lang: str = "en") -> list[Block]:
    r"""The notes' figure ``W ⊗ X = i·A + h·B + … + a·I``: convolution multiplies the flipped kernel.

    >>> print(conv_letters(Notation())[1].lines[0].replace(r" \cdot ", ""))
    \mathbf{W} \otimes \mathbf{X} &= Ai + Bh + Cg + Df + Ee + Fd + Gc + Hb + Ia
    """
    X, W = symbols("x", (3, 3)), symbols("w", (3, 3))
    values = _values([(X, [sympy.symbols("A B C"), sympy.symbols("D E F"), sympy.symbols("G H I")])])
    values.update(_values([(W, [sympy.symbols("a b c"), sympy.symbols("d e f"), sympy.symbols("g h i")])]))
    conv = conv2d(X, W)[0, 0]
    corr = corr2d(X, rot180(W))[0, 0]
    return [
        para(
            ("text", _t("conv_a", lang)),
            ("math", r"3 \times 3"),
            ("text", _t("conv_b", lang)),
        ),
        Display(
            (
                rf"\mathbf{{W}} {n.conv} \mathbf{{X}} &= {latex(conv, n, values)}",
                rf"{n.rot180}(\mathbf{{W}}) {n.corr} \mathbf{{X}} &= {latex(corr, n, values)}",
            ),
            aligned=True,
        ),
    ]


def multi_in_56(n: Notation, lang: str = "en") -> list[Block]:
    """The notes' two-channel example (6.2.3): the channels' correlations add up (56).

    >>> multi_in_56(Notation())[1].lines[-1]
    '&= 56'
    """
    X, K = symbols("x", (2, 3, 3)), symbols("k", (2, 2, 2))
    values = _values([(X, [NOTES_X, NOTES_X2]), (K, [NOTES_K, NOTES_K2])])
    entry = corr2d_multi_in(X, K)[0, 0]
    number = corr2d_multi_in([NOTES_X, NOTES_X2], [NOTES_K, NOTES_K2])
    return [
        para(
            ("text", _t("multi_a", lang)),
            ("math", rf"\sum_{{d}} [\mathbf{{X}}]_{{d}} {n.corr} [\mathbf{{K}}]_{{d}} = {latex(number, n)}"),
            ("text", _t("multi_b", lang)),
        ),
        Display(
            (
                rf"[\mathbf{{H}}]_{{{_sub(n, 0, 0)}}} &= {latex(entry, n, values)}",
                rf"&= {latex(entry.xreplace(values), n)}",
            ),
            aligned=True,
        ),
    ]


def grad_weight_entry(n: Notation, lang: str = "en") -> list[Block]:
    r"""One entry of ∂ℓ/∂W by differentiation, and the same entry of X * δ.

    >>> grad_weight_entry(Notation())[1].lines[-1]
    '&= [\\mathbf{X} * \\delta]_{1,1}'
    """
    X, W, D = symbols("x", (3, 3)), symbols("w", (2, 2)), symbols("δ", (2, 2))
    _dX, dW = corr2d_vjp(X, W, D)
    return [
        para(("text", _t("at", lang)), ("math", r"n = 3 \times 3,\ k = 2 \times 2"), ("text", _t("by_diff", lang))),
        Display(
            (
                rf"\frac{{\partial \ell}}{{\partial {n.entry('w', (1, 1))}}} &= {latex(dW[0, 0], n)}",
                rf"&= [\mathbf{{X}} {n.corr} \delta]_{{{_sub(n, 0, 0)}}}",
            ),
            aligned=True,
        ),
    ]


def grad_input_entry(n: Notation, lang: str = "en") -> list[Block]:
    r"""One entry of ∂ℓ/∂X by differentiation, and the same entry of rot180(W) *~ δ.

    >>> grad_input_entry(Notation(index_base=0))[1].lines[-1]
    '&= [\\operatorname{rot180}(\\mathbf{W}) \\tilde{*} \\delta]_{1,1}'
    """
    X, W, D = symbols("x", (3, 3)), symbols("w", (2, 2)), symbols("δ", (2, 2))
    dX, _dW = corr2d_vjp(X, W, D)
    wide = corr2d(D, rot180(W), padding="full")
    assert sympy.expand(dX[1, 1] - wide[1, 1]) == 0
    return [
        para(("text", _t("at", lang)), ("math", r"n = 3 \times 3,\ k = 2 \times 2"), ("text", _t("centre", lang))),
        Display(
            (
                rf"\frac{{\partial \ell}}{{\partial {n.entry('x', (2, 2))}}} &= {latex(dX[1, 1], n)}",
                rf"&= [{n.rot180}(\mathbf{{W}}) {n.op('corr', wide=True)} \delta]_{{{_sub(n, 1, 1)}}}",
            ),
            aligned=True,
        ),
    ]


def _pool(n: Notation, mode: str, lang: str = "en") -> list[Block]:
    X = symbols("x", (3, 3))
    values = _values([(X, NOTES_X)])
    entry = pool2d(X, (2, 2), stride=1, mode=mode)[0, 0]
    number = pool2d(NOTES_X, (2, 2), stride=1, mode=mode)
    return [
        para(
            ("text", _t("the_notes", lang)),
            ("code", "pool2d"),
            ("text", " ("),
            ("math", r"2 \times 2"),
            ("text", f", {mode} " + _t("pool_b", lang)),
            ("math", latex(number, n)),
            ("text", _t("first_entry", lang)),
        ),
        Display(
            (
                rf"[\mathbf{{Y}}]_{{{_sub(n, 0, 0)}}} &= {latex(entry, n)}",
                rf"&= {latex(entry, n, values)} = {latex(entry.xreplace(values), n)}",
            ),
            aligned=True,
        ),
    ]


def max_pool_example(n: Notation, lang: str = "en") -> list[Block]:
    r"""The notes' max-pooling example.

    >>> max_pool_example(Notation())[1].lines[-1]
    '&= \\max\\left(0, 1, 3, 4\\right) = 4'
    """
    return _pool(n, "max", lang)


def avg_pool_example(n: Notation, lang: str = "en") -> list[Block]:
    """The notes' average-pooling example.

    >>> avg_pool_example(Notation())[1].lines[-1].endswith("= 2")
    True
    """
    return _pool(n, "avg", lang)


def output_size_formula(n: Notation, dilation: bool = True) -> tuple[str, sympy.Expr, dict[str, sympy.Symbol]]:
    r"""The output-size formula printed from :func:`symconv.output_size` on symbols.

    Per-side padding ``p`` gives ``n + 2 p``; the notes' total padding ``p_h``
    gives ``n_h + p_h``.

    >>> output_size_formula(Notation(), dilation=False)[0]
    'o = \\left\\lfloor \\frac{n + 2 p - k}{s} \\right\\rfloor + 1'
    >>> output_size_formula(Notation(padding="total"), dilation=False)[0]
    'o_{h} = \\left\\lfloor \\frac{n_{h} + p_{h} - k_{h}}{s_{h}} \\right\\rfloor + 1'
    """
    suffix = "_h" if n.padding == "total" else ""
    names = {key: sympy.Symbol(key + suffix, integer=True, positive=True) for key in ("n", "k", "s", "p", "d")}
    s, p, d = names["s"], names["p"], names["d"]
    padding = (p, 0) if n.padding == "total" else p
    expr = output_size(names["n"], names["k"], s, padding, d if dilation else 1)
    return f"o{'_{h}' if suffix else ''} = {latex(expr, n)}", expr, names


#: The notes' shapes (6.2.2 and pooling): (n, k, s, p per side) and what PyTorch printed there.
NOTES_SHAPES = ((8, 3, 1, 1, 8), (8, 5, 1, 2, 8), (8, 3, 2, 1, 4), (4, 3, 3, 0, 1), (4, 3, 2, 1, 2))


def output_size_example(n: Notation, lang: str = "en") -> list[Block]:
    r"""The formula, in the chosen padding convention, and the notes' shapes evaluated in it.

    >>> output_size_example(Notation())[4].lines[2]
    '&\\left\\lfloor \\frac{8 + 2 \\cdot 1 - 3}{2} \\right\\rfloor + 1 = 4'
    """
    general, _, _ = output_size_formula(n, dilation=True)
    formula, expr, names = output_size_formula(n, dilation=False)
    total = n.padding == "total"
    lines = []
    for size, k, s, p, torch_out in NOTES_SHAPES:
        values = {names["n"]: size, names["k"]: k, names["s"]: s, names["p"]: 2 * p if total else p}
        value = expr.xreplace(values)
        assert value == output_size(size, k, s, p) == torch_out
        lines.append(rf"&{latex(expr, n, values)} = {latex(value, n)}")
    nh, ph, kh, sh = (sympy.Symbol(f"{c}_h", integer=True, positive=True) for c in "npks")
    notes_form = sympy.floor((nh + ph - kh + sh) / sh)
    ours = output_size(nh, kh, sh, (ph, 0))
    assert sympy.simplify(notes_form - ours) == 0
    padding_text = "the total padding " if total else "padding "
    return [
        para(
            ("text", _t("size_a", lang)),
            ("code", "symconv.output_size"),
            ("text", _t("size_b", lang) + (padding_text if lang == "en" else "")),
            ("math", "p_{h}" if total else "p"),
            ("text", _t("per_side", lang) if not total else _t("total", lang) + "."),
        ),
        Display((general,)),
        para(("text", _t("shapes", lang))),
        Display((formula,)),
        Display(tuple(lines), aligned=True),
        para(
            ("text", _t("notes_write", lang)),
            ("math", latex(notes_form, n)),
            ("text", _t("simplifies", lang)),
            ("math", latex(ours, n)),
            ("text", _t("to_zero", lang)),
        ),
    ]


#: Theorem name -> its worked instances, in order.
EXAMPLES: Mapping[str, tuple[Example, ...]] = MappingProxyType(
    {
        "conv_eq_corr_rot180": (rot180_letters, conv_letters, corr2d_19),
        "output_size_matches": (output_size_example,),
        "conv1x1_eq_matmul": (multi_in_56,),
        "grad_weight_eq_corr": (grad_weight_entry,),
        "grad_input_eq_full_conv": (grad_input_entry,),
        "grad_max_pool": (max_pool_example,),
        "grad_avg_pool": (avg_pool_example,),
    }
)


def examples_for(name: str, notation: Notation | None = None, lang: str = "en") -> list[Block]:
    """The worked-instance blocks of a theorem (none if it has no entry).

    >>> len(examples_for("conv_eq_corr_rot180")) > 0, examples_for("no_such_theorem")
    (True, [])
    """
    notation = notation or Notation()
    return [block for example in EXAMPLES.get(name, ()) for block in example(notation, lang)]
