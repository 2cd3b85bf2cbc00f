"""The figures of the chapter: one where the notes have a picture of windows (data).

:data:`CHAPTER_FIGURES` maps a section of the notes to the scenes drawn
there, with a caption in English and Chinese; :func:`chapter_figures` is
the hook :func:`symconv.latex.chapter` calls for each section
(``symconv notes`` passes it).
"""

from __future__ import annotations

import functools
import shlex
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from ..latex.blocks import Block, Picture
from ..latex.notation import Notation
from .scene import scene
from .tikz import tikz

__all__ = ["CHAPTER_FIGURES", "ChapterFigure", "chapter_figures", "command"]

NOTES_X = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
NOTES_K = [[0, 1], [2, 3]]
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


def command(fig: ChapterFigure) -> str:
    """The ``symconv figure`` command line that draws the same scene (symbolic inputs).

    >>> command(CHAPTER_FIGURES["6.2.2"][0])
    'symconv figure corr2d --n 3 --k 2 --p 1 --s 3,2 -o figure.svg'
    """
    parts = ["symconv", "figure", fig.op]
    for key, value in fig.sizes.items():
        if key == "ceil":
            parts.append("--ceil")
            continue
        text = ",".join(map(str, value)) if isinstance(value, tuple) else str(value)
        parts += [f"--{key}", text]
    return " ".join(shlex.quote(p) for p in [*parts, "-o", "figure.svg"])


@functools.cache
def _pictures(section: str, lang: str) -> tuple[Block, ...]:
    """The section's pictures, drawn once per run (the .tex and the .md of one ``symconv notes`` share them)."""
    blocks: list[Block] = []
    for fig in CHAPTER_FIGURES.get(section, ()):
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


def chapter_figures(section: str, notation: Notation | None = None, lang: str = "en") -> list[Block]:
    """The pictures of one section of the notes, as TikZ blocks (with the command that draws each).

    >>> [type(b).__name__ for b in chapter_figures("6.1.4")]
    ['Picture']
    >>> chapter_figures("9.9")
    []
    """
    del notation  # figures use their own compact notation (x_{u,v}), stated in the caption
    return list(_pictures(section, lang))


chapter_figures.sections = tuple(CHAPTER_FIGURES)  # type: ignore[attr-defined]  # shown even without a theorem
