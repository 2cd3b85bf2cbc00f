"""symconv's pytest plugin entry point (``pytest11``), kept light: it registers the ``symconv_configs``
marker and the ``symconv_check`` fixture, and imports :mod:`symconv.testing.plugin` (SymPy, NumPy)
only when a test uses them, so installing symconv does not slow down anyone's test start-up.

See :mod:`symconv.testing.plugin` for the fixture and the marker.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest

MARKER = "symconv_configs"


def _plugin() -> Any:
    return importlib.import_module("symconv.testing.plugin")  # heavy: loaded on first use only


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(op, layout=None): run the test once per configuration of symconv.testing.default_grid(op) "
        "that the layout can express, as its `symconv_config` argument",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker(MARKER) is not None and "symconv_config" in metafunc.fixturenames:
        _plugin().generate_tests(metafunc)


@pytest.fixture
def symconv_check(request: pytest.FixtureRequest) -> Any:
    """``symconv_check(fn, op, layout=..., backward=...)``: assert that ``fn`` computes symconv's ``op``
    (a :class:`symconv.testing.plugin.SymconvCheck` with the defaults of the test's marker)."""
    return _plugin().make_check(request)
