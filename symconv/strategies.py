"""Hypothesis strategies for convolution and pooling configurations (``pip install 'symconv[hypothesis]'``).

Every configuration drawn is valid by construction: the kernel fits the
padded input, channels divide into groups, and pooling follows PyTorch's
rules (padding at most half the window, no dilation in average pooling,
at least one window).  With ``layout=`` only what that layout can express is
drawn (CS231n's one ``pad`` for every side, d2l's stride 1, ...), so no draw
is wasted.  Hypothesis shrinks a failing configuration towards the smallest
sizes, which is how :func:`symconv.testing.assert_implements` uses them::

    from symconv.strategies import conv_configs
    assert_implements(conv_forward_naive, "corr2d", layout="cs231n", configs=conv_configs(layout="cs231n"))
"""

from __future__ import annotations

from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as err:  # pragma: no cover - the extra is not installed
    raise ImportError("symconv.strategies needs hypothesis: pip install 'symconv[hypothesis]'") from err

from .errors import ParameterError
from .spec import as_int
from .testing.adapters import LAYOUTS, Limits
from .testing.configs import ConvConfig, PoolConfig

__all__ = ["conv_configs", "pool_configs"]


def _limits(layout: str | None, kind: str) -> Limits:
    if layout is None:
        return Limits()
    if layout not in LAYOUTS:
        raise ParameterError("layout", layout, f"None or one of {', '.join(map(repr, LAYOUTS))}")
    return getattr(LAYOUTS[layout], f"{kind}_limits")


def _per_axis(draw: Any, values: st.SearchStrategy, how: str) -> tuple[int, int]:
    """Two values, one per axis: independent (``"per-axis"``), equal (``"uniform"``)."""
    first = draw(values)
    return (first, first) if how == "uniform" else (first, draw(values))


def conv_configs(
    layout: str | None = None,
    *,
    max_size: int = 7,
    max_kernel: int = 3,
    max_stride: int = 3,
    max_dilation: int = 2,
    max_channels: int = 4,
    max_batch: int = 2,
) -> st.SearchStrategy[ConvConfig]:
    """Valid :class:`~symconv.testing.ConvConfig` instances, within the given bounds.

    Along each axis: kernel ``k <= max_kernel``, dilation ``d``, padding per
    side at most ``d(k - 1)``, input size from what the kernel needs up to
    ``max_size``; channels and groups with ``groups`` dividing both.

    >>> from hypothesis import find
    >>> cfg = find(conv_configs(layout="cs231n"), lambda c: c.stride[0] > 1 and c.padding[0][0] > 0)
    >>> cfg.id
    'n1c1o1-1x1-k1x2-s2-p1-b'
    """
    limits = _limits(layout, "conv")
    bounds = {
        n: as_int(v, n, minimum=1)
        for n, v in dict(
            max_size=max_size,
            max_kernel=max_kernel,
            max_stride=max_stride,
            max_dilation=max_dilation,
            max_channels=max_channels,
            max_batch=max_batch,
        ).items()
    }

    @st.composite
    def build(draw: Any) -> ConvConfig:
        kernel = (draw(st.integers(1, bounds["max_kernel"])), draw(st.integers(1, bounds["max_kernel"])))
        dilation = _per_axis(draw, st.integers(1, bounds["max_dilation"] if limits.dilation else 1), "per-axis")
        extents = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
        stride_how = {"one": "uniform", "uniform": "uniform"}.get(limits.stride, "per-axis")
        stride = _per_axis(draw, st.integers(1, 1 if limits.stride == "one" else bounds["max_stride"]), stride_how)
        most = 0 if limits.padding == "none" else max(extents) - 1
        if limits.padding in ("uniform", "none"):
            p = draw(st.integers(0, most))
            padding = ((p, p), (p, p))
        elif limits.padding == "symmetric":
            padding = tuple((p, p) for p in (draw(st.integers(0, e - 1)) for e in extents))
        else:
            padding = tuple((draw(st.integers(0, e - 1)), draw(st.integers(0, e - 1))) for e in extents)
        size = tuple(
            draw(st.integers(max(1, e - lo - hi), max(1, e - lo - hi, bounds["max_size"])))
            for e, (lo, hi) in zip(extents, padding)
        )
        one = limits.channels == "one"
        groups = draw(st.integers(1, 1 if (one or not limits.groups) else bounds["max_channels"]))
        top = max(1, bounds["max_channels"] // groups)
        c_i = groups * draw(st.integers(1, 1 if one else top))
        c_o = groups * draw(st.integers(1, 1 if one else top))
        bias = draw(st.booleans()) if limits.bias is None else limits.bias
        batch = draw(st.integers(1, bounds["max_batch"]))
        return ConvConfig(batch, c_i, c_o, size, kernel, stride, padding, dilation, groups, bias)

    return build()


def pool_configs(
    op: str = "max_pool2d",
    layout: str | None = None,
    *,
    max_size: int = 7,
    max_kernel: int = 3,
    max_stride: int = 3,
    max_dilation: int = 2,
    max_channels: int = 3,
    max_batch: int = 2,
) -> st.SearchStrategy[PoolConfig]:
    """Valid :class:`~symconv.testing.PoolConfig` instances for ``op`` (``"max_pool2d"`` or ``"avg_pool2d"``).

    PyTorch's rules: padding ``p <= k // 2``, dilation for max pooling only,
    stride defaulting to nothing (always drawn), an input at least as large as
    one window (``ceil_mode`` lends ``s - 1`` cells).

    >>> from hypothesis import find
    >>> find(pool_configs("avg_pool2d"), lambda c: c.ceil_mode and not c.count_include_pad).id
    'n1c1-1x1-k1-s1-p0-ceil-nopadcount'
    """
    if op not in ("max_pool2d", "avg_pool2d"):
        raise ParameterError("op", op, "'max_pool2d' or 'avg_pool2d'")
    limits = _limits(layout, "pool")
    bounds = dict(max_size=max_size, max_kernel=max_kernel, max_stride=max_stride, max_dilation=max_dilation)
    bounds = {n: as_int(v, n, minimum=1) for n, v in bounds.items()}
    max_channels = as_int(max_channels, "max_channels", minimum=1)
    max_batch = as_int(max_batch, "max_batch", minimum=1)

    @st.composite
    def build(draw: Any) -> PoolConfig:
        kernel = (draw(st.integers(1, bounds["max_kernel"])), draw(st.integers(1, bounds["max_kernel"])))
        dilate = limits.dilation and op == "max_pool2d"
        dilation = _per_axis(draw, st.integers(1, bounds["max_dilation"] if dilate else 1), "per-axis")
        stride_how = {"one": "uniform", "uniform": "uniform"}.get(limits.stride, "per-axis")
        stride = _per_axis(draw, st.integers(1, 1 if limits.stride == "one" else bounds["max_stride"]), stride_how)
        if limits.padding == "none":
            padding = (0, 0)
        else:
            padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
        ceil_mode = draw(st.booleans()) if limits.ceil_mode else False
        size = []
        for k, d, s, p in zip(kernel, dilation, stride, padding):
            need = max(1, d * (k - 1) + 1 - 2 * p - (s - 1 if ceil_mode else 0))
            size.append(draw(st.integers(need, max(need, bounds["max_size"]))))
        count_include_pad = draw(st.booleans()) if op == "avg_pool2d" else True
        batch, channels = draw(st.integers(1, max_batch)), draw(st.integers(1, max_channels))
        return PoolConfig(batch, channels, tuple(size), kernel, stride, padding, dilation, ceil_mode, count_include_pad)

    return build()
