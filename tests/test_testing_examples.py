"""examples/implementations: every correct implementation passes; every buggy one fails with its mistake named."""

from pathlib import Path

import pytest

from symconv.testing import check_implementation
from symconv.testing.cli import load

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "implementations"


def example(name: str, function: str):
    return load(f"{EXAMPLES / name}.py:{function}")


CORRECT = [
    ("cs231n_layers", "conv_forward_naive", "corr2d", "cs231n", "conv_backward_naive"),
    ("cs231n_layers", "max_pool_forward_naive", "max_pool2d", "cs231n", "max_pool_backward_naive"),
    ("numpy_pool", "pool2d", "max_pool2d", "nchw", None),
    ("numpy_pool", "pool2d", "avg_pool2d", "nchw", None),
    ("d2l_layers", "corr2d", "corr2d", "d2l", "autograd"),
    ("d2l_layers", "pool2d", "max_pool2d", "d2l", None),
    ("d2l_layers", "pool2d", "avg_pool2d", "d2l", "autograd"),
]


@pytest.mark.parametrize(("name", "function", "op", "layout", "backward"), CORRECT)
def test_correct_implementations_pass(name, function, op, layout, backward):
    bwd = True if backward == "autograd" else (example(name, backward) if backward else False)
    report = check_implementation(example(name, function), op, layout=layout, backward=bwd)
    assert report.passed, report.message
    assert len(report.tried) >= 6  # a layout with few options still sees several configurations


# (file, function, op, layout, backward function or "autograd", the diagnosis, the smallest failing configuration)
BUGGY = [
    (
        "cs231n_flipped_kernel",
        "conv_forward_naive",
        "corr2d",
        "cs231n",
        None,
        ["computes conv2d (kernel flipped) instead of corr2d"],
        "X (1, 1, 1, 5), W (1, 1, 1, 3), b (1,); stride 1, padding 0",
    ),
    (
        "cs231n_pad_one_side",
        "conv_forward_naive",
        "corr2d",
        "cs231n",
        None,
        ["padding applied as (0, 2) instead of (1, 1)"],
        "X (1, 1, 2, 3), W (1, 1, 3, 3), b (1,); stride 1, padding 1",
    ),
    (
        "cs231n_output_size",
        "conv_forward_naive",
        "corr2d",
        "cs231n",
        None,
        ["the + 1 of the output size ⌊(n + p_lo + p_hi − d(k − 1) − 1)/s⌋ + 1 is missing"],
        "X (1, 1, 1, 5), W (1, 1, 1, 3), b (1,); stride 1, padding 0",
    ),
    (
        "cs231n_channels_transposed",
        "conv_forward_naive",
        "corr2d",
        "cs231n",
        None,
        ["channels of W read as (c_i, c_o)"],
        "X (1, 2, 3, 3), W (2, 2, 1, 1), b (2,); stride 1, padding 0",
    ),
    (
        "cs231n_bias_per_channel",
        "conv_forward_naive",
        "corr2d",
        "cs231n",
        None,
        ["bias added twice (once per input channel, c_i = 2)"],
        "X (1, 2, 3, 3), W (2, 2, 1, 1), b (2,); stride 1, padding 0",
    ),
    (
        "cs231n_pool_stride_start",
        "max_pool_forward_naive",
        "max_pool2d",
        "cs231n",
        None,
        ["stride 2 windows start at 1 instead of 0"],
        "X (1, 1, 4, 4); kernel 2, stride 2, padding 0",
    ),
    (
        "cs231n_max_pool_backward_all",
        "max_pool_forward_naive",
        "max_pool2d",
        "cs231n",
        "max_pool_backward_naive",
        ["max-pool backward sends δ to every maximum; PyTorch routes to the first maximum"],
        "X (1, 1, 3, 3); kernel 2, stride 1, padding 0",
    ),
    (
        "cs231n_max_pool_backward_split",
        "max_pool_forward_naive",
        "max_pool2d",
        "cs231n",
        "max_pool_backward_naive",
        ["max-pool backward splits ties; PyTorch routes to the first maximum"],
        "X (1, 1, 3, 3); kernel 2, stride 1, padding 0",
    ),
    (
        "cs231n_dx_no_flip",
        "conv_forward_naive",
        "corr2d",
        "cs231n",
        "conv_backward_naive",
        ["∂ℓ/∂X correlates δ with W instead of rot180(W) (the flip is missing)"],
        "X (1, 1, 1, 5), W (1, 1, 1, 3), b (1,); stride 1, padding 0",
    ),
    (
        "cs231n_dx_transposed",
        "conv_forward_naive",
        "corr2d",
        "cs231n",
        "conv_backward_naive",
        ["∂ℓ/∂X misses the a = 1 extra row and column of the transposed convolution"],
        "X (1, 1, 4, 4), W (1, 1, 4, 4), b (1,); stride 3, padding 2",
    ),
    (
        "numpy_pool_ceil_no_drop",
        "pool2d",
        "max_pool2d",
        "nchw",
        None,
        ["ceil_mode keeps a last window that starts in the right padding; PyTorch drops it"],
        "X (1, 1, 5, 5); kernel 2, stride 2, padding 1, ceil_mode",
    ),
    (
        "numpy_pool_avg_divisor",
        "pool2d",
        "avg_pool2d",
        "nchw",
        None,
        [
            "average pooling divides by the full window k_h·k_w = 4 instead of the cells of the window inside "
            "the padded input (count_include_pad=True)"
        ],
        "X (1, 1, 5, 5); kernel 2, stride 2, padding 0, ceil_mode",
    ),
    (
        "numpy_pool_zero_padding",
        "pool2d",
        "max_pool2d",
        "nchw",
        None,
        ["max pooling pads with 0 instead of −∞"],
        "X (1, 1, 5, 5); kernel 2, stride 2, padding 0, ceil_mode",
    ),
    (
        "d2l_loop_stops_early",
        "corr2d",
        "corr2d",
        "d2l",
        None,
        ["the last row and column of Y are never computed (left at 0: a loop stops early)"],
        "X (1, 1, 1, 5), W (1, 1, 1, 3); stride 1, padding 0",  # all zeros there: diagnosed at X (1, 1, 3, 3)
    ),
    (
        "d2l_pool_sum",
        "pool2d",
        "avg_pool2d",
        "d2l",
        None,
        [
            "average pooling divides by 1 (it sums) instead of the cells of the window inside the padded input "
            "(count_include_pad=True)"
        ],
        "X (1, 1, 3, 3); kernel 2, stride 1, padding 0",
    ),
    # not a bug of the example: d2l's pool2d is right, but autograd through its `.max()` splits ties
    (
        "d2l_layers",
        "pool2d",
        "max_pool2d",
        "d2l",
        "autograd",
        ["max-pool backward splits ties; PyTorch routes to the first maximum"],
        "X (1, 1, 3, 3); kernel 2, stride 1, padding 0",
    ),
]


@pytest.mark.parametrize(("name", "function", "op", "layout", "backward", "diagnosis", "smallest"), BUGGY)
def test_buggy_implementations_are_caught_and_named(name, function, op, layout, backward, diagnosis, smallest):
    bwd = True if backward == "autograd" else (example(name, backward) if backward else False)
    report = check_implementation(example(name, function), op, layout=layout, backward=bwd)
    assert not report.passed
    assert report.diagnosis == diagnosis
    assert str(report.failure.cfg) == smallest
    assert f"smallest failing configuration: {smallest}" in report.message
    assert "diagnosis: " + "; ".join(diagnosis) in report.message
    if report.diagnosed_at.cfg != report.failure.cfg:  # the smallest failure showed no pattern: a larger one did
        assert report.diagnosed_at.cfg.symbols() > report.failure.cfg.symbols()
        assert f"diagnosed at: {report.diagnosed_at.cfg}" in report.message


def test_ten_realistic_mistakes_at_least():
    mistakes = {row[0] for row in BUGGY if row[0] != "d2l_layers"}
    assert len(mistakes) >= 10
    assert all((EXAMPLES / f"{m}.py").is_file() for m in mistakes)
