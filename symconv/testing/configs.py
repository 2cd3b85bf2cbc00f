"""Configurations of the operators under test, and the default grid.

A configuration fixes every size and hyper-parameter of one call: batch,
channels, input size, kernel, stride, per-side padding, dilation, groups and
bias for a convolution; batch, channels, input size, window, stride,
padding, dilation, ``ceil_mode`` and ``count_include_pad`` for pooling.  It
is validated by :mod:`symconv.spec` when it is made, so a configuration that
exists is one that symconv's operators (and PyTorch) accept.

Layout conventions (canonical, whatever layout the code under test uses):
``X`` is ``(N, C_in, H, W)``, ``W`` is ``(C_out, C_in/groups, k_h, k_w)``,
``b`` is ``(C_out,)``; the output is ``(N, C_out, H', W')``.
"""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import ParameterError, SymconvError
from ..spec import Window, as_int, conv_window, per_dim, pool_window

__all__ = [
    "CONV_OPS",
    "OPS",
    "POOL_OPS",
    "ConvConfig",
    "PoolConfig",
    "check_config",
    "default_grid",
]

CONV_OPS = ("corr2d", "conv2d")
POOL_OPS = ("max_pool2d", "avg_pool2d")
OPS = CONV_OPS + POOL_OPS

#: At most this many input entries per configuration (probing costs one call per kernel entry).
MAX_ENTRIES = 20_000


def _pair_text(pair: tuple[int, int]) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"({pair[0]}, {pair[1]})"


def _padding_text(padding: tuple[tuple[int, int], tuple[int, int]]) -> str:
    (t, b), (l, r) = padding
    if t == b and l == r:
        return _pair_text((t, l))
    return f"(({t}, {b}), ({l}, {r}))"


@contextlib.contextmanager
def _named(name: str) -> Iterator[None]:
    """Errors raised inside name the class, once, as a public function's do."""
    try:
        yield
    except SymconvError as err:
        if err.context is None:
            err.context = name
            err.args = (str(err),)
        raise err.with_traceback(None) from None


def _set(obj: Any, **values: Any) -> None:
    for name, value in values.items():
        object.__setattr__(obj, name, value)


def _budget(name: str, shape: tuple[int, ...]) -> None:
    entries = math.prod(shape)
    if entries > MAX_ENTRIES:
        raise ParameterError(name, shape, f"at most {MAX_ENTRIES} entries (a configuration to check, not a workload)")


@dataclass(frozen=True)
class ConvConfig:
    """One convolution layer: sizes and hyper-parameters, validated.

    ``size`` and ``kernel`` are ``(H, W)`` and ``(k_h, k_w)`` (an int means
    square); ``stride`` and ``dilation`` an int or a pair; ``padding`` an int,
    a pair ``(p_h, p_w)`` or per side ``((top, bottom), (left, right))``.

    >>> cfg = ConvConfig(in_channels=2, out_channels=3, size=5, kernel=3, stride=2, padding=1, bias=True)
    >>> cfg.x_shape, cfg.w_shape, cfg.out_shape
    ((1, 2, 5, 5), (3, 2, 3, 3), (1, 3, 3, 3))
    >>> str(cfg)
    'X (1, 2, 5, 5), W (3, 2, 3, 3), b (3,); stride 2, padding 1'
    """

    batch: int = 1
    in_channels: int = 1
    out_channels: int = 1
    size: Any = (3, 3)
    kernel: Any = (2, 2)
    stride: Any = 1
    padding: Any = 0
    dilation: Any = 1
    groups: int = 1
    bias: bool = False

    def __post_init__(self) -> None:
        with _named(type(self).__name__):
            self._validate()

    def _validate(self) -> None:
        batch = as_int(self.batch, "batch", minimum=1)
        c_i = as_int(self.in_channels, "in_channels", minimum=1)
        c_o = as_int(self.out_channels, "out_channels", minimum=1)
        size = per_dim(self.size, "size", 2, minimum=1)
        kernel = per_dim(self.kernel, "kernel", 2, minimum=1)
        groups = as_int(self.groups, "groups", minimum=1)
        if c_i % groups or c_o % groups:
            raise ParameterError("groups", self.groups, f"a divisor of in_channels={c_i} and out_channels={c_o}")
        if not isinstance(self.bias, bool):
            raise ParameterError("bias", self.bias, "True or False")
        if isinstance(self.padding, str):
            raise ParameterError("padding", self.padding, "ints: an int, a pair or ((top, bottom), (left, right))")
        win = conv_window(size, kernel, self.stride, self.padding, self.dilation)
        _set(self, batch=batch, in_channels=c_i, out_channels=c_o, size=size, kernel=kernel, groups=groups)
        _set(self, stride=win.stride, padding=win.padding, dilation=win.dilation)
        _budget("size", self.x_shape)
        _budget("kernel", self.w_shape)

    @property
    def window(self) -> Window:
        return Window(self.size, self.kernel, self.stride, self.padding, self.dilation)

    @property
    def x_shape(self) -> tuple[int, ...]:
        return (self.batch, self.in_channels, *self.size)

    @property
    def w_shape(self) -> tuple[int, ...]:
        return (self.out_channels, self.in_channels // self.groups, *self.kernel)

    @property
    def b_shape(self) -> tuple[int, ...] | None:
        return (self.out_channels,) if self.bias else None

    @property
    def out_shape(self) -> tuple[int, ...]:
        return (self.batch, self.out_channels, *self.window.out_shape())

    @property
    def symmetric(self) -> bool:
        """Each axis padded equally on both sides (what PyTorch's ``padding=`` can say)."""
        return all(lo == hi for lo, hi in self.padding)

    def symbols(self) -> int:
        """Number of input entries: the order in which configurations are tried, fewest first."""
        n = math.prod(self.x_shape) + math.prod(self.w_shape)
        return n + (self.out_channels if self.bias else 0)

    def __str__(self) -> str:
        shapes = f"X {self.x_shape}, W {self.w_shape}" + (f", b {self.b_shape}" if self.bias else "")
        parts = [f"stride {_pair_text(self.stride)}", f"padding {_padding_text(self.padding)}"]
        if self.dilation != (1, 1):
            parts.append(f"dilation {_pair_text(self.dilation)}")
        if self.groups != 1:
            parts.append(f"groups {self.groups}")
        return f"{shapes}; {', '.join(parts)}"

    @property
    def id(self) -> str:
        """A short name for test ids, e.g. ``n1c2o3-5x5-k3-s2-p1-b``.

        >>> ConvConfig(size=(4, 5), kernel=(2, 3), padding=((0, 1), (1, 0))).id
        'n1c1o1-4x5-k2x3-s1-p0110'
        """
        (t, b), (l, r) = self.padding
        pad = str(t) if len({t, b, l, r}) == 1 else f"{t}{b}{l}{r}"
        parts = [
            f"n{self.batch}c{self.in_channels}o{self.out_channels}",
            "x".join(map(str, self.size)),
            "k" + _id_pair(self.kernel),
            "s" + _id_pair(self.stride),
            "p" + pad,
        ]
        if self.dilation != (1, 1):
            parts.append("d" + _id_pair(self.dilation))
        if self.groups != 1:
            parts.append(f"g{self.groups}")
        if self.bias:
            parts.append("b")
        return "-".join(parts)


@dataclass(frozen=True)
class PoolConfig:
    """One pooling layer with PyTorch's rules: sizes and hyper-parameters, validated.

    ``stride`` defaults to the window; padding is symmetric, ``p <= k // 2``;
    ``count_include_pad`` matters for average pooling only.

    >>> cfg = PoolConfig(size=5, kernel=2, padding=1, ceil_mode=True)
    >>> cfg.out_shape
    (1, 1, 3, 3)
    >>> str(cfg)
    'X (1, 1, 5, 5); kernel 2, stride 2, padding 1, ceil_mode'
    """

    batch: int = 1
    channels: int = 1
    size: Any = (4, 4)
    kernel: Any = (2, 2)
    stride: Any = None
    padding: Any = 0
    dilation: Any = 1
    ceil_mode: bool = False
    count_include_pad: bool = True

    def __post_init__(self) -> None:
        with _named(type(self).__name__):
            self._validate()

    def _validate(self) -> None:
        batch = as_int(self.batch, "batch", minimum=1)
        channels = as_int(self.channels, "channels", minimum=1)
        size = per_dim(self.size, "size", 2, minimum=1)
        win = pool_window(size, self.kernel, self.stride, self.padding, self.dilation, self.ceil_mode, "max")
        if not isinstance(self.count_include_pad, bool):
            raise ParameterError("count_include_pad", self.count_include_pad, "True or False")
        pad = tuple(lo for lo, _ in win.padding)
        _set(self, batch=batch, channels=channels, size=size, kernel=win.kernel, stride=win.stride)
        _set(self, padding=pad, dilation=win.dilation)
        _budget("size", self.x_shape)

    @property
    def window(self) -> Window:
        pads = tuple((p, p) for p in self.padding)
        return Window(self.size, self.kernel, self.stride, pads, self.dilation, self.ceil_mode)

    @property
    def x_shape(self) -> tuple[int, ...]:
        return (self.batch, self.channels, *self.size)

    @property
    def out_shape(self) -> tuple[int, ...]:
        return (self.batch, self.channels, *self.window.out_shape())

    def symbols(self) -> int:
        return math.prod(self.x_shape)

    def __str__(self) -> str:
        parts = [
            f"kernel {_pair_text(self.kernel)}",
            f"stride {_pair_text(self.stride)}",
            f"padding {_pair_text(self.padding)}",
        ]
        if self.dilation != (1, 1):
            parts.append(f"dilation {_pair_text(self.dilation)}")
        if self.ceil_mode:
            parts.append("ceil_mode")
        if not self.count_include_pad:
            parts.append("count_include_pad=False")
        return f"X {self.x_shape}; {', '.join(parts)}"

    @property
    def id(self) -> str:
        """A short name for test ids.

        >>> PoolConfig(size=5, kernel=2, padding=1, ceil_mode=True).id
        'n1c1-5x5-k2-s2-p1-ceil'
        """
        parts = [
            f"n{self.batch}c{self.channels}",
            "x".join(map(str, self.size)),
            "k" + _id_pair(self.kernel),
            "s" + _id_pair(self.stride),
            "p" + _id_pair(self.padding),
        ]
        if self.dilation != (1, 1):
            parts.append("d" + _id_pair(self.dilation))
        if self.ceil_mode:
            parts.append("ceil")
        if not self.count_include_pad:
            parts.append("nopadcount")
        return "-".join(parts)


def _id_pair(pair: tuple[int, int]) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}x{pair[1]}"


def check_config(op: str, cfg: Any) -> None:
    """Refuse a configuration that does not belong to ``op``.

    >>> check_config("avg_pool2d", PoolConfig(size=6, kernel=2, dilation=2))
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: configs: got PoolConfig(...); expected pooling without dilation: avg_pool2d has none
    """
    if op in CONV_OPS and not isinstance(cfg, ConvConfig):
        raise ParameterError("configs", _Short(cfg), f"ConvConfig instances for {op}")
    if op in POOL_OPS:
        if not isinstance(cfg, PoolConfig):
            raise ParameterError("configs", _Short(cfg), f"PoolConfig instances for {op}")
        if op == "avg_pool2d" and cfg.dilation != (1, 1):
            raise ParameterError("configs", _Short(cfg), "pooling without dilation: avg_pool2d has none")


class _Short:
    def __init__(self, cfg: Any) -> None:
        self.name = type(cfg).__name__

    def __repr__(self) -> str:
        return f"{self.name}(...)"


# --- the default grid -------------------------------------------------------------------------------------
# Rows are data: each spatial case is one edge of the index arithmetic (1×1 and non-square kernels, strides
# that do and do not divide, per-axis and per-side padding, dilation, a kernel as large as the padded input).

CONV_SPATIAL = [
    # size, kernel, stride, padding, dilation
    ((3, 3), (1, 1), 1, 0, 1),
    ((3, 3), (2, 2), 1, 0, 1),
    ((4, 5), (2, 3), 1, 0, 1),
    ((5, 4), (3, 1), 1, 0, 1),
    ((1, 5), (1, 3), 1, 0, 1),
    ((4, 4), (4, 4), 1, 0, 1),
    ((6, 6), (3, 3), 1, 0, 1),
    ((5, 5), (3, 3), 2, 0, 1),
    ((6, 6), (3, 3), 2, 0, 1),
    ((6, 5), (3, 3), 2, 0, 1),
    ((5, 5), (3, 3), 1, 1, 1),
    ((5, 5), (3, 3), 2, 1, 1),
    ((5, 6), (2, 2), 3, 1, 1),
    ((4, 4), (4, 4), 3, 2, 1),
    ((2, 3), (3, 3), 1, 1, 1),
    ((6, 7), (2, 3), (2, 3), (1, 0), 1),
    ((4, 4), (2, 2), 1, ((0, 1), (1, 0)), 1),
    ((6, 5), (3, 2), 2, ((1, 2), (0, 1)), 1),
    ((7, 7), (3, 3), 1, 2, 2),
    ((6, 7), (2, 3), 2, 1, (2, 1)),
]

# batch, in_channels, out_channels, groups, bias
CONV_CHANNELS = [(1, 1, 1, 1, False), (1, 1, 1, 1, True), (1, 2, 2, 1, True), (2, 2, 3, 1, True)]
CONV_GROUPED = [(1, 4, 2, 2, True), (2, 3, 3, 3, False)]
GROUPED_CASES = (
    1,
    11,
    15,
    18,
)  # rows of CONV_SPATIAL tried with groups: 2×2 kernel; stride and padding; per-axis; dilation

POOL_SPATIAL = [
    # size, kernel, stride, padding, dilation, ceil_mode
    ((3, 3), (2, 2), 1, 0, 1, False),
    ((4, 5), (2, 3), 1, 0, 1, False),
    ((5, 4), (3, 2), 1, 0, 1, False),
    ((4, 4), (2, 2), None, 0, 1, False),
    ((5, 5), (2, 2), None, 0, 1, False),
    ((6, 7), (3, 2), 2, 0, 1, False),
    ((5, 5), (2, 2), None, 0, 1, True),
    ((5, 5), (3, 3), 2, 1, 1, False),
    ((5, 5), (2, 2), 2, 1, 1, True),
    ((6, 6), (3, 3), 2, 1, 1, True),
    ((6, 5), (3, 2), (2, 1), (1, 0), 1, False),
    ((7, 7), (3, 3), 3, 1, 1, True),
    ((6, 6), (2, 2), 1, 0, 2, False),
    ((7, 6), (3, 3), 2, 1, (2, 1), True),
]
POOL_CHANNELS = [(1, 1), (2, 3)]


def default_grid(op: str) -> list:
    """The configurations :func:`~symconv.testing.assert_implements` tries by default, fewest entries first.

    >>> len(default_grid("corr2d")), len(default_grid("max_pool2d")), len(default_grid("avg_pool2d"))
    (88, 28, 36)
    >>> default_grid("corr2d")[0].id
    'n1c1o1-1x5-k1x3-s1-p0'
    """
    if op in CONV_OPS:
        grid = [
            ConvConfig(n, c_i, c_o, size, kernel, stride, padding, dilation, groups, bias)
            for (size, kernel, stride, padding, dilation), (n, c_i, c_o, groups, bias) in itertools.product(
                CONV_SPATIAL, CONV_CHANNELS
            )
        ]
        grid += [
            ConvConfig(n, c_i, c_o, *CONV_SPATIAL[case], groups, bias)
            for case, (n, c_i, c_o, groups, bias) in itertools.product(GROUPED_CASES, CONV_GROUPED)
        ]
    elif op in POOL_OPS:
        grid = []
        for (size, kernel, stride, padding, dilation, ceil), (n, c) in itertools.product(POOL_SPATIAL, POOL_CHANNELS):
            if op == "avg_pool2d" and dilation != 1:
                continue
            counts = (True, False) if op == "avg_pool2d" and (padding != 0 or ceil) else (True,)
            grid += [PoolConfig(n, c, size, kernel, stride, padding, dilation, ceil, cip) for cip in counts]
    else:
        raise ParameterError("op", op, f"one of {', '.join(map(repr, OPS))}")
    return sorted(grid, key=lambda cfg: cfg.symbols())


def padding_argument(cfg: ConvConfig) -> Any:
    """The padding as the shortest form symconv accepts: an int, a pair, or per side.

    >>> padding_argument(ConvConfig(size=4, padding=((0, 1), (1, 0))))
    ((0, 1), (1, 0))
    >>> padding_argument(ConvConfig(size=4, padding=(1, 0)))
    (1, 0)
    """
    if not cfg.symmetric:
        return cfg.padding
    pair = tuple(lo for lo, _ in cfg.padding)
    return pair[0] if pair[0] == pair[1] else pair
