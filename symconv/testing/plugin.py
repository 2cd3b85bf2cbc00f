"""pytest plugin: the ``symconv_check`` fixture and the ``symconv_configs`` marker (the entry point
``pytest11`` is the light module ``symconv_pytest``, which calls this one when a test uses them).

::

    def test_conv(symconv_check):
        symconv_check(conv_forward_naive, "corr2d", layout="cs231n", backward=conv_backward_naive)

    @pytest.mark.symconv_configs("corr2d", layout="cs231n")   # one test per configuration of the grid
    def test_conv_each(symconv_check, symconv_config):
        symconv_check(conv_forward_naive, backward=conv_backward_naive)

A failure is :func:`~symconv.testing.assert_implements`'s message: the
smallest failing configuration, the shrunk input, the first wrong entry and
the diagnosis, without symconv's own frames in the traceback.
"""

from __future__ import annotations

from typing import Any

import pytest

from symconv_pytest import MARKER

from .adapters import LAYOUTS
from .check import Report, assert_implements
from .configs import CONV_OPS, default_grid

__all__ = ["SymconvCheck", "generate_tests", "make_check"]


def _marker_args(marker: pytest.Mark) -> tuple[str, str | None]:
    op = marker.args[0] if marker.args else marker.kwargs.get("op")
    if op is None:
        raise pytest.UsageError(f"@pytest.mark.{MARKER} needs the operator: @pytest.mark.{MARKER}('corr2d')")
    return op, marker.kwargs.get("layout")


def generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize a test marked ``symconv_configs`` over the configurations its layout can express."""
    marker = metafunc.definition.get_closest_marker(MARKER)
    if marker is None or "symconv_config" not in metafunc.fixturenames:
        return
    op, layout = _marker_args(marker)
    grid = default_grid(op)
    if layout is not None:
        if layout not in LAYOUTS:
            raise pytest.UsageError(f"@pytest.mark.{MARKER}: layout {layout!r} is not one of {', '.join(LAYOUTS)}")
        limits = LAYOUTS[layout].conv_limits if op in CONV_OPS else LAYOUTS[layout].pool_limits
        grid = [cfg for cfg in grid if limits.violation(cfg) is None]
    metafunc.parametrize("symconv_config", grid, ids=[cfg.id for cfg in grid])


class SymconvCheck:
    """``assert_implements`` with the defaults of the test's ``symconv_configs`` marker and configuration.

    >>> from symconv import numeric
    >>> from symconv.testing import ConvConfig
    >>> check = SymconvCheck("corr2d", "hw", ConvConfig(size=4, kernel=3, stride=2))
    >>> [cfg.id for cfg in check(numeric.corr2d).tried]
    ['n1c1o1-4x4-k3-s2-p0']
    """

    def __init__(self, op: str | None, layout: str | None, config: Any) -> None:
        self.op, self.layout, self.config = op, layout, config

    def __call__(
        self, fn: Any, op: str | None = None, *, layout: str | None = None, configs: Any = None, backward: Any = False
    ) -> Report:
        __tracebackhide__ = True
        op = op or self.op
        if op is None:
            raise pytest.UsageError("symconv_check(fn, op): give the operator, or mark the test with symconv_configs")
        if configs is None and self.config is not None:
            configs = [self.config]
        return assert_implements(fn, op, layout=layout or self.layout or "symconv", configs=configs, backward=backward)


def make_check(request: pytest.FixtureRequest) -> SymconvCheck:
    """The ``symconv_check`` fixture's value: a :class:`SymconvCheck` with the defaults of the test's
    marker and configuration (see its example)."""
    marker = request.node.get_closest_marker(MARKER)
    op, layout = _marker_args(marker) if marker else (None, None)
    callspec = getattr(request.node, "callspec", None)
    config = callspec.params.get("symconv_config") if callspec else None
    return SymconvCheck(op, layout, config)
