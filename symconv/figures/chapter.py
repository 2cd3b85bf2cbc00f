"""The figures of the chapter: one where the notes have a picture of windows, one per theorem (data).

:data:`CHAPTER_FIGURES` maps a section of the notes to the scenes drawn
there, :data:`THEOREM_FIGURES` a theorem to the scene that shows what it
states (where a window figure can show it), each with a caption in English
and Chinese.  :func:`chapter_figures` is the hook
:func:`symconv.latex.chapter` calls for each section, and in the report
style for each theorem (``symconv notes`` passes it);
``symconv figure THEOREM`` draws a theorem's scene.
"""

from __future__ import annotations

import functools
import shlex
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from ..latex.blocks import Block, Picture
from ..latex.examples import NOTES_K, NOTES_X
from ..latex.notation import Notation
from .scene import scene
from .tikz import tikz

__all__ = ["CHAPTER_FIGURES", "THEOREM_FIGURES", "ChapterFigure", "chapter_figures", "command"]

NOTES_X4 = [[4 * r + c for c in range(4)] for r in range(4)]


class ChapterFigure(NamedTuple):
    """A scene of the chapter: operator, sizes, numeric inputs (or none), caption in English and Chinese."""

    op: str
    sizes: dict[str, Any]
    values: Any
    kernel: Any
    en: str
    zh: str


#: Section of the notes -> its figures, in order.
CHAPTER_FIGURES: Mapping[str, tuple[ChapterFigure, ...]] = MappingProxyType(
    {
        "6.1.2": (
            ChapterFigure(
                "conv2d",
                {"n": 3, "k": 2},
                None,
                None,
                "Convolution: each window meets the kernel flipped (the tap in each cell).",
                "卷积：每个窗口与翻转后的卷积核相乘（格中标出对应的卷积核元素）。",
            ),
        ),
        "6.1.4": (
            ChapterFigure(
                "corr2d",
                {"n": 3, "k": 2},
                NOTES_X,
                NOTES_K,
                "The notes' corr2d example: each output entry and the window that produces it.",
                "笔记中的 corr2d 例子：每个输出元素及产生它的窗口。",
            ),
        ),
        "6.2.2": (
            ChapterFigure(
                "corr2d",
                {"n": 3, "k": 2, "p": 1, "s": (3, 2)},
                NOTES_X,
                NOTES_K,
                "The notes' stride figure: padding 1, strides 3 down and 2 across.",
                "笔记中的步幅示例：填充 1，垂直步幅 3，水平步幅 2。",
            ),
        ),
        "6.3.1": (
            ChapterFigure(
                "max_pool2d",
                {"n": 4, "k": 3, "s": 2, "p": 1},
                NOTES_X4,
                None,
                "The notes' max pooling with a 3 x 3 window, padding 1 and stride 2 on a 4 x 4 input.",
                "笔记中的最大池化：3 x 3 窗口，填充 1，步幅 2，输入为 4 x 4。",
            ),
            ChapterFigure(
                "max_pool2d",
                {"n": 4, "k": 2, "s": 3, "p": 1, "ceil": True},
                NOTES_X4,
                None,
                "Ceil mode: the last window would start in the right padding, so PyTorch drops it (dashed).",
                "ceil 模式：最后一个窗口将从右侧填充开始，PyTorch 舍弃它（虚线）。",
            ),
        ),
        "6.3.2": (
            ChapterFigure(
                "max_pool2d_grad",
                {"n": 4, "k": 2},
                NOTES_X4,
                None,
                "Max pooling back-propagates each error term to the maximum of its window (red).",
                "最大池化层把每个误差项传回其窗口中的最大值（红色）。",
            ),
            ChapterFigure(
                "grad_input",
                {"n": (1, 5), "k": (1, 2), "s": (1, 2)},
                None,
                None,
                "The error term flowing back through a stride-2 convolution: stretched by the stride, "
                "correlated with the flipped kernel.",
                "误差项经步长为 2 的卷积反向传播：按步长插零后与翻转的卷积核做互相关。",
            ),
        ),
    }
)


#: Theorem -> the scene that shows it (theorems a window figure cannot show, such as the shifts, the
#: DFT or the linearity, have none).
THEOREM_FIGURES: Mapping[str, ChapterFigure] = MappingProxyType(
    {
        "fc_to_corr": ChapterFigure(
            "corr2d",
            {"n": 4, "k": 3, "p": 1},
            None,
            None,
            "A local, translation-invariant layer with Δ = 1: every output cell reads the same 3 x 3 kernel "
            "V over its window of the input padded by Δ.",
            "Δ = 1 的局部、平移不变层：每个输出元素都用同一个 3 x 3 卷积核 V 读取填充 Δ 后输入中的窗口。",
        ),
        "corr_eq_toeplitz_matmul": ChapterFigure(
            "corr2d",
            {"n": 3, "k": 2},
            None,
            None,
            "Each output cell is one row of T(W): the kernel's taps placed at the cells of its window, zero elsewhere.",
            "每个输出元素对应 T(W) 的一行：卷积核元素放在其窗口的位置上，其余为零。",
        ),
        "corr_eq_im2col_matmul": ChapterFigure(
            "corr2d",
            {"n": 3, "k": 2},
            None,
            None,
            "Each window, read row by row, is one column of unfold(X); the kernel read the same way is the row "
            "that multiplies it.",
            "每个窗口按行读出即 unfold(X) 的一列；同样读出的卷积核就是与之相乘的行向量。",
        ),
        "grad_input_eq_toeplitz_transpose": ChapterFigure(
            "grad_input",
            {"n": 4, "k": 2},
            None,
            None,
            "The transpose of T(W) applied to vec(δ): each error term goes back to the cells of its window, "
            "which is a transposed convolution of δ.",
            "T(W) 的转置乘以 vec(δ)：每个误差项传回其窗口中的各个位置，即 δ 的转置卷积。",
        ),
        "corr_adjoint_transpose": ChapterFigure(
            "conv_transpose2d",
            {"n": 4, "k": 2, "s": 2},
            None,
            None,
            "The adjoint of a stride-2 correlation: the transposed convolution stretches Y by the stride, pads "
            "it and correlates with the flipped kernel.",
            "步长为 2 的互相关的伴随：转置卷积按步长把 Y 插零、填充，再与翻转的卷积核做互相关。",
        ),
        "full_conv_assoc": ChapterFigure(
            "conv2d",
            {"n": 2, "k": 2, "p": 1},
            None,
            None,
            "The wide convolution of two 2 x 2 kernels, the kernel of the two layers stacked: padding k - 1 "
            "on each side, a 3 x 3 result.",
            "两个 2 x 2 卷积核的宽卷积，即两层叠加后的卷积核：每边填充 k - 1，结果为 3 x 3。",
        ),
        "stacked_conv_eq_single": ChapterFigure(
            "corr2d",
            {"n": 5, "k": 3},
            None,
            None,
            "Two stacked 3 x 3 layers: each cell of the 3 x 3 middle layer reads a 3 x 3 window, so an output "
            "cell sees the 5 x 5 input.",
            "两层 3 x 3 卷积叠加：中间层 3 x 3 的每个元素读取一个 3 x 3 窗口，因此一个输出元素看到 5 x 5 的输入。",
        ),
        "dilation_eq_zero_insertion": ChapterFigure(
            "corr2d",
            {"n": 5, "k": 2, "d": 2},
            None,
            None,
            "Dilation 2: the window's taps are two cells apart, as if the kernel were stretched by zeros.",
            "空洞率 2：窗口中相邻的卷积核元素相隔两格，如同卷积核中插入了零。",
        ),
        "stride_eq_subsample": ChapterFigure(
            "corr2d",
            {"n": 5, "k": 3, "s": 2},
            None,
            None,
            "Stride 2: the windows of a stride-1 correlation that start at every second cell.",
            "步长 2：步长为 1 的互相关中每隔一个位置开始的那些窗口。",
        ),
        "avg_pool_eq_corr": ChapterFigure(
            "avg_pool2d",
            {"n": 4, "k": 2},
            NOTES_X4,
            None,
            "Average pooling with a 2 x 2 window and stride 2: a correlation with the constant kernel 1/4.",
            "2 x 2 窗口、步长 2 的平均池化：与常数卷积核 1/4 的互相关。",
        ),
        "max_pool_window_permutation": ChapterFigure(
            "max_pool2d",
            {"n": 4, "k": 2},
            NOTES_X4,
            None,
            "Non-overlapping windows: permuting the cells inside any window leaves every maximum unchanged.",
            "互不重叠的窗口：在任一窗口内置换元素，各窗口的最大值不变。",
        ),
    }
)


def command(fig: ChapterFigure) -> str:
    """The ``symconv figure`` command line that draws the same scene (symbolic inputs).

    >>> command(CHAPTER_FIGURES["6.2.2"][0])
    'symconv figure corr2d --numeric --n 3 --k 2 --p 1 --s 3,2 -o figure.svg'
    """
    parts = ["symconv", "figure", fig.op]
    if fig.values is not None:
        parts.append("--numeric")
    for key, value in fig.sizes.items():
        if key == "ceil":
            parts.append("--ceil")
            continue
        text = ",".join(map(str, value)) if isinstance(value, tuple) else str(value)
        parts += [f"--{key}", text]
    return " ".join(shlex.quote(p) for p in [*parts, "-o", "figure.svg"])


@functools.cache
def _pictures(place: str, lang: str) -> tuple[Block, ...]:
    """The pictures of a section or a theorem, drawn once per run (the .tex and the .md of one
    ``symconv notes`` share them)."""
    blocks: list[Block] = []
    figures = (THEOREM_FIGURES[place],) if place in THEOREM_FIGURES else CHAPTER_FIGURES.get(place, ())
    for fig in figures:
        sc = scene(fig.op, values=fig.values, kernel=fig.kernel, **fig.sizes)
        caption = fig.zh if lang == "zh" else fig.en
        blocks.append(
            Picture(
                tikz(sc),
                (("text", caption + " "), ("code", command(fig))),
                md=f"*{caption}* (`{command(fig)}`)",
            )
        )
    return tuple(blocks)


def chapter_figures(place: str, notation: Notation | None = None, lang: str = "en") -> list[Block]:
    """The pictures of one section of the notes (``"6.1.4"``) or of one theorem (its name), as TikZ blocks
    with the command that draws each.

    >>> [type(b).__name__ for b in chapter_figures("6.1.4")]
    ['Picture']
    >>> [type(b).__name__ for b in chapter_figures("stride_eq_subsample")]
    ['Picture']
    >>> chapter_figures("9.9"), chapter_figures("shift_invariance")
    ([], [])
    """
    del notation  # figures use their own compact notation (x_{u,v}), stated in the caption
    return list(_pictures(place, lang))


chapter_figures.sections = tuple(CHAPTER_FIGURES)  # type: ignore[attr-defined]  # shown even without a theorem
