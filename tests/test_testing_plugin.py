"""The pytest plugin: the symconv_check fixture, the symconv_configs marker, failures that read well."""

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import symconv.testing.plugin  # noqa: F401  (imported here, so the in-process runs below do not import numpy again)
import symconv_pytest  # noqa: F401

pytest_plugins = ["pytester"]

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "implementations"
INSTALLED = any(ep.value == "symconv_pytest" for ep in entry_points(group="pytest11"))
PLUGIN = [] if INSTALLED else ["-p", "symconv_pytest"]  # installed: the entry point loads it

USER_TESTS = f"""
import sys
import pytest
sys.path.insert(0, {str(EXAMPLES)!r})
import cs231n_layers as good
import cs231n_flipped_kernel as bad


def test_good(symconv_check):
    symconv_check(good.conv_forward_naive, "corr2d", layout="cs231n", backward=good.conv_backward_naive)


def test_bad(symconv_check):
    symconv_check(bad.conv_forward_naive, "corr2d", layout="cs231n")


@pytest.mark.symconv_configs("max_pool2d", layout="cs231n")
def test_each(symconv_check, symconv_config):
    symconv_check(good.max_pool_forward_naive, backward=good.max_pool_backward_naive)
"""


def test_fixture_and_marker(pytester):
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest(*PLUGIN, "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1 + 12, failed=1)  # 12 pooling configurations CS231n can express
    result.stdout.fnmatch_lines(
        [
            "*def test_bad(symconv_check):",
            ">*symconv_check(bad.conv_forward_naive, *",
            "E*AssertionError: conv_forward_naive (layout cs231n) does not compute corr2d.",
            "E*smallest failing configuration: X (1, 1, 1, 5), W (1, 1, 1, 3), b (1,); stride 1, padding 0*",
            "E*diagnosis: computes conv2d (kernel flipped) instead of corr2d",
        ]
    )
    assert "symconv/testing/check.py" not in result.stdout.str()  # symconv's own frames are hidden


def test_marker_ids_name_the_configurations(pytester):
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest(*PLUGIN, "-p", "no:cacheprovider", "--collect-only", "-q", "-k", "each")
    result.stdout.fnmatch_lines(["test_user.py::test_each[n1c1-3x3-k2-s1-p0]", "test_user.py::test_each[n2c3-*"])


def test_plugin_is_light_to_import():
    """The entry point loads in everyone's pytest: it imports no part of symconv until a test uses it,
    and symconv.testing.plugin itself loads neither torch nor hypothesis."""
    code = "import sys, symconv_pytest; print('symconv' in sys.modules, 'sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
    code = "import sys, symconv.testing.plugin; print('torch' in sys.modules, 'hypothesis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
