"""The notation of the LaTeX output: every formatting rule is a data table.

The defaults follow the course notes: ``*`` for cross-correlation,
``\\otimes`` for convolution, a tilde for the wide (full) forms,
``\\operatorname{rot180}``, 1-based indices and the bracket style
``[\\mathbf{X}]_{i,j}``.  Products list the input before the kernel, as the
notes write ``[\\mathbf{X}]_{i+a-1,j+b-1}[\\mathbf{W}]_{a,b}``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..errors import ParameterError

__all__ = [
    "ARRAYS",
    "EXTENTS",
    "FACTOR_ORDER",
    "PADDING_STYLES",
    "SEQUENCES",
    "SIZE_LETTERS",
    "SPARE_INDICES",
    "TENSOR_LETTERS",
    "TERM_ORDER",
    "Notation",
]

#: Symbol prefix (``x`` in ``x_{1,2}``) -> (bold array name, plain entry name).
ARRAYS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "x": (r"\mathbf{X}", "x"),
        "w": (r"\mathbf{W}", "w"),
        "k": (r"\mathbf{K}", "k"),
        "h": (r"\mathbf{H}", "h"),
        "y": (r"\mathbf{Y}", "y"),
        "b": (r"\mathbf{b}", "b"),
        "B": (r"\mathbf{B}", "B"),
        "δ": (r"\delta", r"\delta"),
        "delta": (r"\delta", r"\delta"),
        "X": (r"\mathbf{X}", "x"),
        "W": (r"\mathbf{W}", "w"),
        "K": (r"\mathbf{K}", "k"),
        "H": (r"\mathbf{H}", "h"),
        "Y": (r"\mathbf{Y}", "y"),
        "V": (r"\mathbf{V}", "v"),
        "R": (r"\mathbf{R}", "r"),
    }
)

#: Order of the factors of a product, by array: the notes write the upstream
#: gradient first, then the input, then the kernel.
FACTOR_ORDER: tuple[str, ...] = ("δ", "delta", "x", "X", "h", "H", "y", "Y", "w", "W", "k", "K", "V", "b", "B", "R")

#: Order of the terms of an index or size expression, by letter: ``n + 2p - k``,
#: ``i + a - 1``, ``k_h - a + 1``, ``s(i - 1) + d(a - 1) + 1`` (positive terms come first), and of the factors of a
#: count: ``c_i c_o k_h k_w``.
TERM_ORDER: tuple[str, ...] = ("n", "p", "c", "k", "s", "d", "t", "u", "v", "i", "j", "a", "b", "q", "m", "o")

#: Index letters that would read as a tensor (``w`` beside ``\mathbf{W}`` and ``m_w``) or as a size (``o`` beside
#: the output size ``o_h``): renamed in formulas.
TENSOR_LETTERS: tuple[str, ...] = ("x", "w", "h", "y", "r", "o")

#: Size letters of the provers and how the chapter writes them: the kernel's number of windows ``m`` (``m_h``) is
#: the output size ``o`` (``o_h``) of the notes' formulas.
SIZE_LETTERS: Mapping[str, str] = MappingProxyType({"m": "o"})

#: Tensor -> the size letter of its extent along each axis (``X`` is ``n_h × n_w``): a tensor read through a
#: zero-padding indicator over exactly that range prints as the zero-extended ``\tilde{\mathbf{X}}``.
EXTENTS: Mapping[str, str] = MappingProxyType({"X": "n", "W": "k", "delta": "m", "δ": "m", "D": "m"})

#: One-index tensors that are sequences of sizes, not arrays: the receptive field's kernel sizes, strides and
#: reach counted from the top layer (``K[l] = k_{L+1−l}``), printed ``K_{l}``, not bold, and not ``k_l`` (the
#: notes count from the input).
SEQUENCES: Mapping[str, str] = MappingProxyType({"K": "K", "S": "S", "R": "R"})

#: Spare index letters, in order of preference, for the renamed ones (never one a formula already uses).
SPARE_INDICES: tuple[str, ...] = ("v", "t", "q", "g")

#: How padding is written: per side (``p``, PyTorch's argument) or the notes' total ``p_h``.
PADDING_STYLES: tuple[str, ...] = ("per-side", "total")


@dataclass(frozen=True)
class Notation:
    """How symconv writes its formulas.

    >>> Notation().op("corr", wide=True)
    '\\\\tilde{*}'
    >>> Notation(index_base=0).entry("x", (1, 2))
    '[\\\\mathbf{X}]_{0,1}'
    >>> Notation(brackets=False).entry("w", (1, 1))
    'w_{1,1}'
    """

    corr: str = "*"
    conv: str = r"\otimes"
    wide: str = r"\tilde{%s}"
    rot180: str = r"\operatorname{rot180}"
    index_base: int = 1
    padding: str = "per-side"
    brackets: bool = True
    times: str = r" \cdot "
    indicator: str = r"\mathbf{1}"  # amssymb has no blackboard digits (\mathbb{1} would print a wrong glyph)
    extended: str = r"\tilde{%s}"
    tensor_letters: tuple[str, ...] = TENSOR_LETTERS
    spare_indices: tuple[str, ...] = SPARE_INDICES
    arrays: Mapping[str, tuple[str, str]] = field(default_factory=lambda: ARRAYS)
    factor_order: tuple[str, ...] = FACTOR_ORDER
    term_order: tuple[str, ...] = TERM_ORDER
    size_letters: Mapping[str, str] = field(default_factory=lambda: SIZE_LETTERS)
    extents: Mapping[str, str] = field(default_factory=lambda: EXTENTS)
    sequences: Mapping[str, str] = field(default_factory=lambda: SEQUENCES)

    def __post_init__(self) -> None:
        if self.index_base not in (0, 1):
            raise ParameterError("index_base", self.index_base, "0 or 1")
        if self.padding not in PADDING_STYLES:
            raise ParameterError("padding", self.padding, "'per-side' or 'total'")

    def replace(self, **changes: object) -> Notation:
        """A copy with some fields changed.

        >>> Notation().replace(corr=r"\\star").corr
        '\\\\star'
        """
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def op(self, name: str, wide: bool = False) -> str:
        """The operator symbol for ``"corr"`` or ``"conv"``, optionally wide.

        >>> Notation().op("conv")
        '\\\\otimes'
        """
        if name not in ("corr", "conv"):
            raise ParameterError("name", name, "'corr' or 'conv'")
        symbol = self.corr if name == "corr" else self.conv
        return self.wide % symbol if wide else symbol

    def array(self, prefix: str) -> str:
        """The array's name, e.g. ``\\mathbf{X}`` for the prefix ``x``.

        >>> Notation().array("δ")
        '\\\\delta'
        """
        bold, _plain = self.arrays.get(prefix, (prefix, prefix))
        return bold

    def entry(self, prefix: str, indices: tuple[object, ...]) -> str:
        """One entry: ``[\\mathbf{X}]_{i,j}`` (brackets) or ``x_{i,j}``; ``indices`` are 1-based ints or LaTeX.

        >>> Notation().entry("δ", (2, 1))
        '[\\\\delta]_{2,1}'
        """
        shifted = [str(i - 1 + self.index_base) if isinstance(i, int) else str(i) for i in indices]
        bold, plain = self.arrays.get(prefix, (prefix, prefix))
        sub = ",".join(shifted)
        return f"[{bold}]_{{{sub}}}" if self.brackets else f"{plain}_{{{sub}}}"

    def factor_rank(self, prefix: str) -> int:
        """Position of an array in products (unknown arrays go last).

        >>> Notation().factor_rank("x") < Notation().factor_rank("w")
        True
        """
        return self.factor_order.index(prefix) if prefix in self.factor_order else len(self.factor_order)

    def term_rank(self, letter: str) -> int:
        """Position of a size or index letter in sums (unknown letters go last).

        >>> Notation().term_rank("n") < Notation().term_rank("k")
        True
        """
        return self.term_order.index(letter) if letter in self.term_order else len(self.term_order)
