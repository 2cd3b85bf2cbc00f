"""symconv.testing.assert_implements: PyTorch and symconv.numeric pass; messages; bad input."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from symconv import numeric
from symconv.testing import ConvConfig, PoolConfig, assert_implements, check_implementation, default_grid


def input_grad(grad_output, input, weight, bias, stride, padding, dilation, groups):
    """∂ℓ/∂X as PyTorch's transposed convolution, with output_padding a = (n + 2p − d(k − 1) − 1) mod s."""
    a = tuple(
        (n + 2 * p - d * (k - 1) - 1) % s
        for n, k, s, p, d in zip(input.shape[2:], weight.shape[2:], stride, padding, dilation)
    )
    return F.conv_transpose2d(grad_output, weight, None, stride, padding, a, groups, dilation)


def all_grads(grad_output, input, weight, bias, stride, padding, dilation, groups):
    dw = torch.nn.grad.conv2d_weight(input, weight.shape, grad_output, stride, padding, dilation, groups)
    db = None if bias is None else grad_output.sum((0, 2, 3))
    return input_grad(grad_output, input, weight, bias, stride, padding, dilation, groups), dw, db


TORCH = [
    (F.conv2d, "corr2d", "torch", False),
    (F.conv2d, "corr2d", "torch", True),
    (F.conv2d, "corr2d", "torch", input_grad),
    (F.conv2d, "corr2d", "torch", all_grads),
    (F.max_pool2d, "max_pool2d", "torch", True),
    (F.avg_pool2d, "avg_pool2d", "torch", True),
    (torch.nn.Conv2d, "corr2d", "module", True),
    (torch.nn.MaxPool2d, "max_pool2d", "module", True),
    (torch.nn.AvgPool2d, "avg_pool2d", "module", True),
]


@pytest.mark.parametrize(("fn", "op", "layout", "backward"), TORCH)
def test_pytorch_passes_over_the_whole_grid(fn, op, layout, backward):
    report = assert_implements(fn, op, layout=layout, backward=backward)
    grid = default_grid(op)
    assert len(report.tried) + sum(report.skipped.values()) == len(grid)
    assert set(report.skipped) <= {"per-side padding"}  # the one thing torch's padding= cannot say


NUMERIC = [
    (numeric.corr2d_multi_in_out, "corr2d", "symconv", numeric.corr2d_multi_in_out_vjp),
    (numeric.corr2d_multi_in_out, "corr2d", "nchw", numeric.corr2d_multi_in_out_vjp),
    (numeric.corr2d, "corr2d", "hw", numeric.corr2d_vjp),
    (numeric.conv2d, "conv2d", "hw", numeric.conv2d_vjp),
    (numeric.pool2d, "max_pool2d", "nchw", numeric.pool2d_vjp),
    (numeric.pool2d, "avg_pool2d", "symconv", numeric.pool2d_vjp),
]


@pytest.mark.parametrize(("fn", "op", "layout", "backward"), NUMERIC)
def test_symconv_numeric_passes_forward_and_backward(fn, op, layout, backward):
    report = assert_implements(fn, op, layout=layout, backward=backward)
    assert report.passed and not (layout != "hw" and report.skipped)


def test_a_module_instance_is_tried_with_its_own_hyper_parameters():
    layer = torch.nn.Conv2d(2, 3, (3, 2), stride=(2, 1), padding=1, dilation=(1, 2), bias=True)
    report = assert_implements(layer, "corr2d", layout="module", backward=True)
    assert {(c.kernel, c.stride, c.dilation) for c in report.tried} == {((3, 2), (2, 1), (1, 2))}
    assert len(report.tried) >= 10


def test_torch_conv2d_is_not_true_convolution():
    report = check_implementation(F.conv2d, "conv2d", layout="torch")
    assert report.diagnosis == ["computes corr2d (kernel not flipped) instead of conv2d"]


def test_failure_message_reads_well():
    def flipped(X, K):  # a d2l corr2d that flips the kernel
        return numeric.corr2d(X, np.flip(np.asarray(K)))

    with pytest.raises(AssertionError) as info:
        assert_implements(flipped, "corr2d", layout="d2l")
    assert str(info.value) == (
        "flipped (layout d2l) does not compute corr2d.\n"
        "  smallest failing configuration: X (1, 1, 1, 5), W (1, 1, 1, 3); stride 1, padding 0"
        " (the 1st of 7 tried, fewest entries first)\n"
        "  input (integers, shrunk): X = [[0, 0, 0, 0, 1]]; K = [[0, 0, 1]]\n"
        "  first wrong entry: Y[1, 3] = 0, expected 1 (1-based; compared exactly)\n"
        "  diagnosis: computes conv2d (kernel flipped) instead of corr2d"
    )


def test_inputs_are_shrunk_to_small_values():
    def off_by_bias(X, K, bias=None, **kw):
        out = numeric.corr2d_multi_in_out(X, K, bias, **kw)
        return out if bias is None else out + bias[:, None, None]  # the bias twice

    report = check_implementation(off_by_bias, "corr2d", layout="symconv")
    values = {v for arr in report.failure.trial.inputs.values() if arr is not None for v in np.ravel(arr)}
    assert values <= {0, 1, -1}
    assert report.diagnosis == ["bias added twice"]


def test_floats_are_compared_within_a_stated_tolerance():
    def int_buffer(X, K, bias=None, **kw):  # writes into an integer array: right on integers only
        return numeric.corr2d_multi_in_out(X, K, bias, **kw).astype(np.int64)

    report = check_implementation(int_buffer, "corr2d", layout="symconv")
    assert report.failure.trial.kind == "floats"
    assert "floats, within 1e-09 × (1 + max |expected|) for float64" in report.message


def test_an_exception_is_reported_where_it_was_raised():
    def picky(X, K, bias=None, stride=1, padding=0, dilation=1, groups=1):
        if X.shape[-2] == 1:
            raise IndexError("rows")
        return numeric.corr2d_multi_in_out(X, K[:, :, ::-1, ::-1], bias, stride, padding, dilation, groups)

    report = check_implementation(picky, "corr2d", layout="symconv")
    assert report.failure.kind == "raised" and report.failure.cfg.size == (1, 5)
    assert "out: raised IndexError: rows (at " in report.message and "test_testing.py:" in report.message
    assert report.diagnosed_at.cfg.size == (3, 3)
    assert report.diagnosis == ["computes conv2d (kernel flipped) instead of corr2d"]


def test_a_wrong_result_type_is_named():
    report = check_implementation(lambda X, K: None, "corr2d", layout="d2l")
    assert "Y: <lambda>'s Y is None" in report.message


def test_explicit_configurations():
    cfgs = [ConvConfig(in_channels=2, out_channels=4, size=6, kernel=3, stride=2, padding=((0, 1), (2, 0)), groups=2)]
    assert assert_implements(numeric.corr2d_multi_in_out, "corr2d", configs=cfgs).tried == cfgs
    pool = [PoolConfig(size=7, kernel=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)]
    assert assert_implements(F.avg_pool2d, "avg_pool2d", layout="torch", configs=pool, backward=True).passed


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(op="corr3d"), "assert_implements: op: got 'corr3d'; expected one of 'corr2d', 'conv2d', 'max_pool2d'"),
        (dict(layout="keras"), "assert_implements: layout: got 'keras'; expected one of 'symconv', 'nchw'"),
        (
            dict(backward=True),
            "assert_implements: backward: got True; expected the backward function of layout 'symconv'",
        ),
        (
            dict(backward=3),
            r"assert_implements: backward: got 3; expected False, True \(autograd\) or a backward function",
        ),
        (dict(configs=3), "assert_implements: configs: got 3; expected a list of ConvConfig/PoolConfig"),
        (dict(configs=[PoolConfig()]), r"assert_implements: configs: got PoolConfig\(...\); expected ConvConfig"),
        (
            dict(layout="cs231n", configs=[ConvConfig(size=4, padding=(1, 0), bias=True)]),
            "assert_implements: configs: got '1 configurations'; expected some that layout 'cs231n' can express",
        ),
    ],
)
def test_bad_arguments_are_refused_by_name(kwargs, message):
    kwargs = {"op": "corr2d", **kwargs}
    with pytest.raises(ValueError, match=message):
        assert_implements(numeric.corr2d_multi_in_out, **kwargs)


def test_bad_configurations_are_refused_by_name():
    with pytest.raises(ValueError, match=r"ConvConfig: kernel: got \(4, 4\); expected a kernel that fits"):
        ConvConfig(size=3, kernel=4)
    with pytest.raises(ValueError, match="ConvConfig: groups: got 2; expected a divisor of in_channels=3"):
        ConvConfig(in_channels=3, groups=2)
    with pytest.raises(ValueError, match=r"PoolConfig: padding: got 2; expected at most half the window"):
        PoolConfig(size=5, kernel=3, padding=2)
    with pytest.raises(ValueError, match=r"ConvConfig: size: got .*; expected at most 20000 entries"):
        ConvConfig(batch=100, in_channels=10, size=30)
