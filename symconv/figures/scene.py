"""What a figure shows, computed from the window primitive the proofs use.

A :class:`Scene` is the padded input (or, for a transposed convolution, the
stretched and padded input), the kernel, the output, and one
:class:`Frame` per window: the cells the window reads, the kernel tap at
each of them, and the output entry it produces, labelled with its symbolic
entry (built by symconv's symbolic operators) or its value.  The renderers
(:mod:`~symconv.figures.tikz`, :mod:`~symconv.figures.raster`) only draw a
scene; every coordinate comes from :func:`symconv.symbolic.window.axis_windows`
over a window validated by :mod:`symconv.spec`, and nothing here counts
windows by a formula of its own.

Cells are addressed ``(row, col)`` in the drawn grid, whose cell ``(0, 0)``
is the top-left padding cell.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import sympy

from ..errors import ParameterError
from ..latex.notation import Notation
from ..latex.printer import latex
from ..spec import Window, conv_window, output_padding, output_size, per_dim, pool_window
from ..symbolic import conv2d, corr2d, corr2d_vjp, pool2d, pool2d_vjp, symbols
from ..symbolic.window import axis_windows

__all__ = ["MAX_CELLS", "MAX_FRAMES", "OPERATORS", "Frame", "Grid", "Scene", "scene"]

#: Operators a figure can show, and what each draws.
OPERATORS: Mapping[str, str] = MappingProxyType(
    {
        "corr2d": "cross-correlation: each output entry is the window times the kernel (dilation with --d)",
        "conv2d": "convolution: the same windows, the kernel flipped (rot180)",
        "conv_transpose2d": "transposed convolution: the input stretched by s, padded by d(k-1)-p, a extra cells",
        "max_pool2d": "max pooling (ceil mode with --ceil: the dropped window is drawn dashed)",
        "avg_pool2d": "average pooling (ceil mode with --ceil: the dropped window is drawn dashed)",
        "max_pool2d_grad": "the routing of dl/dX through max pooling: each delta goes to its window's maximum",
        "grad_input": "delta flowing back through a strided convolution: dl/dX as a transposed convolution",
    }
)
#: Size budget: a figure draws at most this many cells per grid side and this many windows.
MAX_CELLS = 16
MAX_FRAMES = 64
FIGURE_NOTATION = Notation(brackets=False)


@dataclass(frozen=True)
class Grid:
    """One array as drawn: ``kinds[r][c]`` is ``input``, ``pad``, ``zero`` (inserted by the stride),
    ``extra`` (the ``a`` cells of a transposed convolution), ``beyond`` (outside the padded input, reached
    only by a dropped ceil-mode window), ``kernel`` or ``output``; ``labels[r][c]`` is LaTeX math."""

    name: str
    kinds: tuple[tuple[str, ...], ...]
    labels: tuple[tuple[str, ...], ...]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.kinds), len(self.kinds[0]) if self.kinds else 0


@dataclass(frozen=True)
class Frame:
    """One window: the output cell it produces (``None`` when dropped), the drawn input cells it reads, the
    kernel label at each, the output entry (LaTeX), and for gradient routing the cell that receives it."""

    out: tuple[int, int] | None
    cells: tuple[tuple[int, int], ...]
    taps: tuple[str, ...]
    entry: str
    target: tuple[int, int] | None = None
    kernel_index: tuple[tuple[int, int], ...] = ()  # 1-based kernel tap read at each cell (empty: pooling)

    @property
    def dropped(self) -> bool:
        return self.out is None


@dataclass(frozen=True)
class Scene:
    """Everything a figure draws; ``out_shape`` is what :func:`symconv.output_size` gives."""

    op: str
    input: Grid
    kernel: Grid | None
    output: Grid
    frames: tuple[Frame, ...]
    out_shape: tuple[int, int]
    gradient: Grid | None = None  # max_pool2d_grad: the routed ∂ℓ/∂X

    @property
    def windows(self) -> tuple[Frame, ...]:
        """The frames that produce an output entry (dropped ceil-mode windows left out)."""
        return tuple(f for f in self.frames if not f.dropped)


def _pair(value: Any, name: str, minimum: int) -> tuple[int, int]:
    return per_dim(value, name, 2, minimum=minimum)  # type: ignore[return-value]


def _entry_tex(expr: Any) -> str:
    return latex(sympy.sympify(expr), FIGURE_NOTATION)


def _axis(n: int, k: int, s: int, pad: tuple[int, int], d: int, ceil: bool) -> tuple[list[list[int]], list[int]]:
    """Windows along one axis (coordinates of the unpadded input, from the window primitive) and, in ceil
    mode, the coordinates of the window PyTorch drops (the next one, when it starts inside the padded input)."""
    coords = axis_windows(n, k, s, pad, d, ceil)
    dropped: list[int] = []
    if ceil:
        i = len(coords)
        start = i * s - pad[0]
        if (i - 1) * s + d * (k - 1) + 1 < n + pad[0] + pad[1]:  # ceil's count, before PyTorch's start rule
            dropped = [start + a * d for a in range(k)]
    return coords, dropped


def _grid_kinds(n: int, lo: int, hi: int, extra: int = 0) -> list[str]:
    return ["pad"] * lo + ["input"] * n + ["pad"] * hi + ["beyond"] * extra


def _symbolic_input(name: str, shape: tuple[int, int], values: Any) -> Any:
    if values is None:
        return symbols(name, shape)
    return sympy.Array(values)


def _check_budget(shape: tuple[int, int], frames: int, what: str) -> None:
    if max(shape) > MAX_CELLS:
        raise ParameterError(what, shape, f"at most {MAX_CELLS} cells a side (a figure is for reading)")
    if frames > MAX_FRAMES:
        raise ParameterError(what, frames, f"at most {MAX_FRAMES} windows in one figure")


def _sliding(op: str, window: Window, values: Any, kernel_values: Any, mode: str = "") -> Scene:
    """corr2d, conv2d and pooling: windows slide over the padded input."""
    (n_h, n_w), (k_h, k_w) = window.size, window.kernel
    (s_h, s_w), (d_h, d_w), ((t, b), (l, r)) = window.stride, window.dilation, window.padding
    rows, drop_r = _axis(n_h, k_h, s_h, (t, b), d_h, window.ceil_mode)
    cols, drop_c = _axis(n_w, k_w, s_w, (l, r), d_w, window.ceil_mode)
    out_shape = (len(rows), len(cols))
    _check_budget((n_h + t + b, n_w + l + r), out_shape[0] * out_shape[1], "n")
    beyond_r = max([c + t + 1 for c in drop_r], default=0) - (n_h + t + b)
    beyond_c = max([c + l + 1 for c in drop_c], default=0) - (n_w + l + r)
    kinds_r = _grid_kinds(n_h, t, b, max(beyond_r, 0))
    kinds_c = _grid_kinds(n_w, l, r, max(beyond_c, 0))
    pooling = op.endswith("pool2d")
    X = _symbolic_input("x", (n_h, n_w), values)
    if pooling:
        Y = pool2d(X, (k_h, k_w), (s_h, s_w), (t, l), mode, (d_h, d_w), window.ceil_mode)
        K = None
    else:
        K = _symbolic_input("w", (k_h, k_w), kernel_values)
        fn = conv2d if op == "conv2d" else corr2d
        Y = fn(X, K, (s_h, s_w), ((t, b), (l, r)), (d_h, d_w))
    padding_value = r"-\infty" if pooling and mode == "max" else "0"  # what a padding cell holds
    labels = [
        [
            _entry_tex(X[u - t, v - l]) if kr == kc == "input" else padding_value if "beyond" not in (kr, kc) else ""
            for v, kc in enumerate(kinds_c)
        ]
        for u, kr in enumerate(kinds_r)
    ]
    kinds = [[kr if kc == "input" else kc if kr == "input" else _corner(kr, kc) for kc in kinds_c] for kr in kinds_r]
    frames = []
    flip = op == "conv2d"
    for (i, ri), (j, cj) in itertools.product(enumerate(rows), enumerate(cols)):
        cells, taps, index = [], [], []
        for (a, u), (b_, v) in itertools.product(enumerate(ri), enumerate(cj)):
            cells.append((u + t, v + l))
            if K is not None:
                ka, kb = (k_h - 1 - a, k_w - 1 - b_) if flip else (a, b_)
                taps.append(_entry_tex(K[ka, kb]))
                index.append((ka + 1, kb + 1))
            else:
                taps.append("")
        frames.append(Frame((i, j), tuple(cells), tuple(taps), _entry_tex(Y[i, j]), None, tuple(index)))
    for ri, cj in _dropped(rows, cols, drop_r, drop_c):
        cells = [(u + t, v + l) for u in ri for v in cj]
        frames.append(Frame(None, tuple(cells), ("",) * len(cells), r"\text{dropped}"))
    kernel = None
    if K is not None:
        kernel = Grid(
            r"\mathbf{W}",
            tuple(("kernel",) * k_w for _ in range(k_h)),
            tuple(tuple(_entry_tex(K[a, b_]) for b_ in range(k_w)) for a in range(k_h)),
        )
    output = Grid(
        r"\mathbf{Y}",
        tuple(("output",) * out_shape[1] for _ in range(out_shape[0])),
        tuple(
            tuple(_short(Y[i, j], f"y_{{{i + 1},{j + 1}}}", values) for j in range(out_shape[1]))
            for i in range(out_shape[0])
        ),
    )
    return Scene(
        op,
        Grid(r"\mathbf{X}", tuple(map(tuple, kinds)), tuple(map(tuple, labels))),
        kernel,
        output,
        tuple(frames),
        out_shape,
    )


def _corner(kr: str, kc: str) -> str:
    return "beyond" if "beyond" in (kr, kc) else "pad"


def _dropped(rows: list[list[int]], cols: list[list[int]], drop_r: list[int], drop_c: list[int]):
    """The windows ceil mode would add but PyTorch drops: the extra row, column, or both."""
    out = []
    if drop_r:
        out += [(drop_r, cj) for cj in cols]
    if drop_c:
        out += [(ri, drop_c) for ri in rows]
    if drop_r and drop_c:
        out.append((drop_r, drop_c))
    return out


def _short(expr: Any, name: str, values: Any) -> str:
    """An output cell's label: its value for numeric inputs, else its name (the entry is under the frame)."""
    expr = sympy.sympify(expr)
    return _entry_tex(expr) if values is not None and expr.is_number else name


def _transposed(op: str, window: Window, values: Any, kernel_values: Any) -> Scene:
    """The transposed convolution of an ``m``-cell input (``m = output_size(n, …)``) back to ``n`` cells:
    the input stretched by ``s`` (``s − 1`` zeros between cells), padded by ``d(k−1) − p`` on each side and
    ``a = (n + 2p − d(k−1) − 1) mod s`` extra cells at the end, correlated with the flipped kernel."""
    (n_h, n_w), (k_h, k_w) = window.size, window.kernel
    (s_h, s_w), (d_h, d_w), ((t, b), (l, r)) = window.stride, window.dilation, window.padding
    m = (output_size(n_h, k_h, s_h, (t, b), d_h), output_size(n_w, k_w, s_w, (l, r), d_w))
    axes = []
    a_h, a_w = output_padding(window)
    for k, s, (lo, hi), d, size, extra in ((k_h, s_h, (t, b), d_h, m[0], a_h), (k_w, s_w, (l, r), d_w, m[1], a_w)):
        if lo > d * (k - 1) or hi > d * (k - 1):
            raise ParameterError("p", (lo, hi), f"at most d(k-1) = {d * (k - 1)} for a transposed-convolution figure")
        stretched = (size - 1) * s + 1
        pad = (d * (k - 1) - lo, d * (k - 1) - hi + extra)
        kinds = ["pad"] * pad[0] + ["input" if c % s == 0 else "zero" for c in range(stretched)]
        kinds += ["pad"] * (d * (k - 1) - hi) + ["extra"] * extra
        windows = axis_windows(stretched, k, 1, pad, d)
        axes.append((kinds, windows, pad))
    (kinds_r, rows, pad_r), (kinds_c, cols, pad_c) = axes
    _check_budget((len(kinds_r), len(kinds_c)), len(rows) * len(cols), "n")
    delta = _symbolic_input("δ", m, values)
    X = symbols("x", (n_h, n_w))
    W = _symbolic_input("w", (k_h, k_w), kernel_values)
    dX, _dW = corr2d_vjp(X, W, delta, (s_h, s_w), ((t, b), (l, r)), (d_h, d_w))
    labels = [
        [
            _entry_tex(delta[u_ // s_h, v_ // s_w]) if kr == kc == "input" else "0"
            for v_, kc in ((v - pad_c[0], kc) for v, kc in enumerate(kinds_c))
        ]
        for u_, kr in ((u - pad_r[0], kr) for u, kr in enumerate(kinds_r))
    ]
    kinds = [[kr if kc == "input" else kc if kr == "input" else _worst(kr, kc) for kc in kinds_c] for kr in kinds_r]
    frames = []
    for (i, ri), (j, cj) in itertools.product(enumerate(rows), enumerate(cols)):
        cells, taps, index = [], [], []
        for (a, u), (b_, v) in itertools.product(enumerate(ri), enumerate(cj)):
            cells.append((u + pad_r[0], v + pad_c[0]))
            taps.append(_entry_tex(W[k_h - 1 - a, k_w - 1 - b_]))
            index.append((k_h - a, k_w - b_))
        frames.append(Frame((i, j), tuple(cells), tuple(taps), _entry_tex(dX[i, j]), None, tuple(index)))
    name = r"\delta" if op == "grad_input" else r"\mathbf{X}"
    out_name = r"\partial \ell / \partial \mathbf{X}" if op == "grad_input" else r"\mathbf{Y}"
    kernel = Grid(
        r"\mathbf{W}",
        tuple(("kernel",) * k_w for _ in range(k_h)),
        tuple(tuple(_entry_tex(W[a, b_]) for b_ in range(k_w)) for a in range(k_h)),
    )
    output = Grid(
        out_name,
        tuple(("output",) * len(cols) for _ in rows),
        tuple(
            tuple(_short(dX[i, j], f"g_{{{i + 1},{j + 1}}}", values) for j in range(len(cols)))
            for i in range(len(rows))
        ),
    )
    return Scene(
        op,
        Grid(name, tuple(map(tuple, kinds)), tuple(map(tuple, labels))),
        kernel,
        output,
        tuple(frames),
        (len(rows), len(cols)),
    )


def _worst(kr: str, kc: str) -> str:
    for kind in ("extra", "pad", "zero"):
        if kind in (kr, kc):
            return kind
    return "input"


def _routing(window: Window, values: Any) -> Scene:
    """∂ℓ/∂X through max pooling: each window's δ goes to the cell holding its maximum (PyTorch's first)."""
    (n_h, n_w), (k_h, k_w) = window.size, window.kernel
    (s_h, s_w), (d_h, d_w), ((t, _b), (l, _r)) = window.stride, window.dilation, window.padding
    if values is None:  # distinct values: the notes' arange, so every window has one maximum
        values = [[u * n_w + v for v in range(n_w)] for u in range(n_h)]
    base = _sliding("max_pool2d", window, values, None, "max")
    delta = symbols("δ", base.out_shape)
    routed = pool2d_vjp(
        sympy.Array(values), delta, (k_h, k_w), (s_h, s_w), (t, l), "max", (d_h, d_w), window.ceil_mode, tie="first"
    )
    frames = []
    X = sympy.Array(values)
    for frame in base.frames:
        if frame.dropped:
            frames.append(frame)
            continue
        inside = [(u, v) for u, v in frame.cells if base.input.kinds[u][v] == "input"]
        target = max(inside, key=lambda c: (X[c[0] - t, c[1] - l], -c[0], -c[1]))  # the first maximum
        i, j = frame.out
        frames.append(Frame(frame.out, frame.cells, frame.taps, _entry_tex(delta[i, j]), target))
    labels = tuple(
        tuple(
            _entry_tex(routed[u - t, v - l]) if base.input.kinds[u][v] == "input" else "0"
            for v in range(base.input.shape[1])
        )
        for u in range(base.input.shape[0])
    )
    grad = Grid(r"\partial \ell / \partial \mathbf{X}", base.input.kinds, labels)
    output = Grid(
        r"\delta",
        base.output.kinds,
        tuple(tuple(_entry_tex(delta[i, j]) for j in range(base.out_shape[1])) for i in range(base.out_shape[0])),
    )
    return Scene("max_pool2d_grad", base.input, None, output, tuple(frames), base.out_shape, grad)


def scene(
    op: str,
    n: Any,
    k: Any,
    s: Any = None,
    p: Any = 0,
    d: Any = 1,
    ceil: bool = False,
    values: Any = None,
    kernel: Any = None,
) -> Scene:
    """The scene of ``op`` (one of :data:`OPERATORS`) at input ``n``, kernel ``k``, stride ``s`` (pooling:
    the window by default, else 1), padding ``p`` per side, dilation ``d``, PyTorch's ``ceil`` mode
    (pooling); ``values``/``kernel`` give numbers for the input and the kernel (symbols otherwise).

    >>> sc = scene("corr2d", 5, 3, s=2, p=1)
    >>> sc.out_shape, len(sc.windows), sc.input.shape
    ((3, 3), 9, (7, 7))
    """
    if op not in OPERATORS:
        raise ParameterError("op", op, f"one of {', '.join(OPERATORS)}")
    size, kernel_size = _pair(n, "n", 1), _pair(k, "k", 1)
    pooling = op in ("max_pool2d", "avg_pool2d", "max_pool2d_grad")
    if not isinstance(ceil, bool):
        raise ParameterError("ceil", ceil, "True or False")
    if ceil and not pooling:
        raise ParameterError("ceil", ceil, "False: ceil mode is a pooling option")
    if pooling:
        mode = "avg" if op == "avg_pool2d" else "max"
        window = pool_window(size, kernel_size, s, p, d, ceil, mode)
    else:
        window = conv_window(size, kernel_size, 1 if s is None else s, p, d)
    if op in ("corr2d", "conv2d", "max_pool2d", "avg_pool2d"):
        mode = "avg" if op == "avg_pool2d" else "max"
        return _sliding(op, window, values, kernel, mode)
    if op in ("conv_transpose2d", "grad_input"):
        return _transposed(op, window, values, kernel)
    return _routing(window, values)


def panels(sc: Scene) -> Sequence[Frame]:
    """The frames drawn as panels: every window, the dropped ones last.

    >>> [f.dropped for f in panels(scene("max_pool2d", 4, 2, s=3, p=1, ceil=True))][3:5]
    [False, True]
    """
    return [f for f in sc.frames if not f.dropped] + [f for f in sc.frames if f.dropped]
