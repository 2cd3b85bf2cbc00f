"""symconv.strategies: only valid configurations, accepted by PyTorch, within what a layout can express."""

from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings

from symconv.strategies import conv_configs, pool_configs
from symconv.testing import check_implementation
from symconv.testing.adapters import LAYOUTS
from symconv.testing.cli import load

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "implementations"

FAST = settings(max_examples=40, deadline=None, derandomize=True)


@FAST
@given(conv_configs())
def test_conv_configs_are_accepted_by_torch(cfg):
    x, w = torch.zeros(cfg.x_shape, dtype=torch.float64), torch.zeros(cfg.w_shape, dtype=torch.float64)
    padded = F.pad(x, [p for pair in reversed(cfg.padding) for p in pair])
    out = F.conv2d(padded, w, None, cfg.stride, 0, cfg.dilation, cfg.groups)
    assert tuple(out.shape) == cfg.out_shape


@FAST
@given(pool_configs("max_pool2d"))
def test_max_pool_configs_follow_pytorchs_rules(cfg):
    out = F.max_pool2d(torch.zeros(cfg.x_shape), cfg.kernel, cfg.stride, cfg.padding, cfg.dilation, cfg.ceil_mode)
    assert tuple(out.shape) == cfg.out_shape


@FAST
@given(pool_configs("avg_pool2d"))
def test_avg_pool_configs_follow_pytorchs_rules(cfg):
    assert cfg.dilation == (1, 1)
    x = torch.zeros(cfg.x_shape)
    out = F.avg_pool2d(x, cfg.kernel, cfg.stride, cfg.padding, cfg.ceil_mode, cfg.count_include_pad)
    assert tuple(out.shape) == cfg.out_shape


@pytest.mark.parametrize("layout", ["cs231n", "d2l", "torch", "hw"])
def test_layout_strategies_draw_only_what_the_layout_can_express(layout):
    @settings(max_examples=25, deadline=None, derandomize=True)
    @given(conv_configs(layout=layout), pool_configs("max_pool2d", layout=layout))
    def check(conv, pool):
        assert LAYOUTS[layout].conv_limits.violation(conv) is None
        assert LAYOUTS[layout].pool_limits.violation(pool) is None

    check()


def test_a_strategy_finds_and_shrinks_a_failure():
    fn = load(f"{EXAMPLES / 'cs231n_pad_one_side.py'}:conv_forward_naive")
    report = check_implementation(fn, "corr2d", layout="cs231n", configs=conv_configs(layout="cs231n"))
    assert not report.passed
    assert report.failure.cfg.padding[0][0] > 0 and report.failure.cfg.symbols() <= 8  # hypothesis shrank it
    assert "found by hypothesis after" in report.message
    assert report.diagnosis == ["padding applied as (0, 2) instead of (1, 1)"]


def test_bad_strategy_arguments():
    with pytest.raises(ValueError, match="layout: got 'keras'; expected None or one of 'symconv'"):
        conv_configs(layout="keras")
    with pytest.raises(ValueError, match="op: got 'sum_pool2d'; expected 'max_pool2d' or 'avg_pool2d'"):
        pool_configs("sum_pool2d")
    with pytest.raises(ValueError, match="max_size: got 0; expected a positive int"):
        conv_configs(max_size=0)
