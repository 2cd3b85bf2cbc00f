"""symconv.testing.probe / family / diagnose: the neighbours are symconv's own windows, matched exactly."""

import numpy as np
import pytest

from symconv import numeric
from symconv.testing import ConvConfig, PoolConfig, check_implementation, diagnose
from symconv.testing.adapters import adapter_for
from symconv.testing.configs import default_grid
from symconv.testing.family import Axis, fit_axis
from symconv.testing.probe import conv_forward, pool_max
from symconv.testing.reference import expected_forward


@pytest.mark.parametrize("cfg", default_grid("corr2d")[:40:3], ids=lambda c: c.id)
def test_expected_windows_are_those_of_symconvs_operator(cfg):
    """The family's unmutated member is exactly the operator: its window relation equals the probed numeric."""
    probe = conv_forward(lambda X, W, b: expected_forward("corr2d", cfg, X, W, b), cfg.x_shape, cfg.w_shape, False)
    S = probe.C[0, 0, :, :, 0, 0, :, :, 0, 0, :, :] != 0
    win = cfg.window
    for ax, rel in enumerate((S.any(axis=(1, 3, 5)), S.any(axis=(0, 2, 4)))):
        axis = Axis(win.stride[ax], -win.padding[ax][0], win.dilation[ax], win.kernel[ax])
        assert np.array_equal(axis.relation(rel.shape[1], rel.shape[0], rel.shape[2]), rel)
        assert fit_axis(rel, axis, conv=True) == axis


@pytest.mark.parametrize("cfg", default_grid("max_pool2d")[::3], ids=lambda c: c.id)
def test_expected_pool_windows_are_those_of_symconvs_operator(cfg):
    R, _ = pool_max(lambda X: expected_forward("max_pool2d", cfg, X), cfg.x_shape)
    S = R[0, 0, :, :, 0, 0]
    win = cfg.window
    for ax, rel in enumerate((S.any(axis=(1, 3)), S.any(axis=(0, 2)))):
        axis = Axis(win.stride[ax], -win.padding[ax][0], win.dilation[ax], win.kernel[ax])
        assert np.array_equal(axis.relation(rel.shape[1], rel.shape[0], None), rel)


def test_fit_prefers_the_closest_neighbour():
    expected = Axis(stride=2, start=-1, dilation=1, taps=3)
    rel = Axis(stride=2, start=0, dilation=1, taps=3).relation(5, 3, 3)
    assert fit_axis(rel, expected, conv=True) == Axis(2, 0, 1, 3)
    assert fit_axis(Axis(1, 0, 1, 3, flip=True).relation(5, 3, 3), Axis(1, 0, 1, 3), conv=True).flip
    assert fit_axis(np.zeros((2, 4, 2), dtype=bool), expected, conv=True) is None


def conv_impl(mutate):
    """A symconv-layout implementation with one thing changed by ``mutate(X, K, bias, kw) -> (X, K, bias, kw)``."""

    def impl(X, K, bias=None, **kw):
        X, K, bias, kw = mutate(np.asarray(X, float), np.asarray(K, float), bias, dict(kw))
        return numeric.corr2d_multi_in_out(X, K, bias, **kw)

    return impl


def _pads(kw):
    return kw["padding"] if isinstance(kw["padding"], tuple) and isinstance(kw["padding"][0], tuple) else None


MUTATIONS = [
    # what is changed, the configuration, the diagnosis
    (
        lambda X, K, b, kw: (X, K, b, {**kw, "stride": 1}),
        ConvConfig(size=6, kernel=2, stride=2),
        ["the output size leaves the stride out", "stride applied as 1 instead of 2"],
    ),
    (
        lambda X, K, b, kw: (X, K, b, {**kw, "dilation": 1}),
        ConvConfig(size=7, kernel=3, dilation=2),
        ["the output size leaves the dilation out (k in place of d(k − 1) + 1)", "dilation applied as 1 instead of 2"],
    ),
    (
        lambda X, K, b, kw: (X, K[:, :, ::-1, :], b, kw),
        ConvConfig(size=4, kernel=3),
        ["kernel flipped along the rows only"],
    ),
    (
        lambda X, K, b, kw: (X, K.transpose(0, 1, 3, 2), b, kw),
        ConvConfig(size=4, kernel=2),
        ["kernel read transposed (W[b, a] in place of W[a, b])"],
    ),
    (
        lambda X, K, b, kw: (X, 2 * K, b, kw),
        ConvConfig(size=3, kernel=2),
        ["every coefficient is 2 instead of 1"],
    ),
    (
        lambda X, K, b, kw: (X, K, None, kw),
        ConvConfig(size=3, kernel=2, bias=True),
        ["bias ignored"],
    ),
    (
        lambda X, K, b, kw: (X, K, b, {**kw, "padding": ((1, 1), (2, 0))}),
        ConvConfig(size=4, kernel=3, padding=1),
        ["padding applied as ((1, 1), (2, 0)) instead of (1, 1)"],
    ),
]


@pytest.mark.parametrize(("mutate", "cfg", "diagnosis"), MUTATIONS)
def test_each_neighbour_is_named(mutate, cfg, diagnosis):
    adapter = adapter_for(conv_impl(mutate), "corr2d", "symconv")
    assert diagnose(adapter, "corr2d", cfg, "out") == diagnosis


def test_groups_assigned_round_robin():
    def round_robin(X, K, bias=None, stride=1, padding=0, dilation=1, groups=1):
        c = K.shape[1]
        planes = [
            sum(numeric.corr2d(X[(o % groups) * c + q], K[o, q], stride, padding, dilation) for q in range(c))
            for o in range(K.shape[0])
        ]
        return np.stack(planes)

    cfg = ConvConfig(in_channels=2, out_channels=4, groups=2, size=3, kernel=1)
    assert diagnose(adapter_for(round_robin, "corr2d", "symconv"), "corr2d", cfg, "out") == [
        "output channel o reads input group o mod g instead of ⌊o / (c_o/g)⌋"
    ]


def test_no_neighbour_reports_the_exact_positions():
    def one_wrong(X, K, bias=None, **kw):
        out = numeric.corr2d_multi_in_out(X, K, bias, **kw)
        out[0, 1, 1] += 5 * X[0, 0, 0] * K[0, 0, 1, 1]  # one coefficient more, nobody's mistake
        return out

    report = check_implementation(one_wrong, "corr2d", layout="symconv")
    assert report.diagnosis == [
        "no neighbour matches; the coefficients differ at 1 positions: out[1, 2, 2] gets X[1, 1, 1]·K[1, 1, 2, 2] × 5,"
        " expected × 0"
    ]


def test_not_bilinear_is_said():
    def squared(X, K, bias=None, **kw):
        return numeric.corr2d_multi_in_out(np.asarray(X) ** 2, K, bias, **kw)

    assert check_implementation(squared, "corr2d").diagnosis == [
        "out is not bilinear in (X, W): its responses to unit inputs do not add up"
    ]


def test_pool_windows_and_padding_value():
    def wrong_stride(X, kernel_size, stride=None, **kw):
        return numeric.pool2d(X, kernel_size, 1, **kw)

    adapter = adapter_for(wrong_stride, "max_pool2d", "nchw")
    assert diagnose(adapter, "max_pool2d", PoolConfig(size=5, kernel=2, stride=2), "out") == [
        "the output size leaves the stride out",
        "stride applied as 1 instead of 2",
    ]


def test_max_pool_padding_counts_as_zero():
    def zero_padded(X, kernel_size, stride=None, padding=0, **kw):
        Xp = np.pad(np.asarray(X, float), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
        return numeric.pool2d(Xp, kernel_size, stride, 0, **kw)

    report = check_implementation(zero_padded, "max_pool2d", layout="nchw")
    assert report.failure.trial.kind == "negative"
    assert report.diagnosis == ["max pooling pads with 0 instead of −∞"]


def test_average_divisor_ignoring_count_include_pad():
    def always_padded(X, kernel_size, stride=None, padding=0, mode="avg", dilation=1, ceil_mode=False, **kw):
        return numeric.pool2d(X, kernel_size, stride, padding, mode, dilation, ceil_mode, count_include_pad=True)

    cfg = PoolConfig(size=4, kernel=3, stride=1, padding=1, count_include_pad=False)
    assert diagnose(adapter_for(always_padded, "avg_pool2d", "nchw"), "avg_pool2d", cfg, "out") == [
        "average pooling divides by the cells of the window inside the padded input (count_include_pad=True) "
        "instead of the cells of the window inside the input (count_include_pad=False)"
    ]


def test_weight_gradient_rotated():
    def bwd(X, K, delta, bias=None, **kw):
        dX, dK, db = numeric.corr2d_multi_in_out_vjp(X, K, delta, bias, **kw)
        return dX, dK[:, :, ::-1, ::-1], db

    report = check_implementation(numeric.corr2d_multi_in_out, "corr2d", backward=bwd)
    assert report.failure.quantity == "dW"
    assert report.diagnosis == ["∂ℓ/∂W comes out rotated by 180° (the weight gradient of conv2d, not corr2d)"]


def test_bias_gradient_averaged():
    def bwd(X, K, delta, bias=None, **kw):
        dX, dK, db = numeric.corr2d_multi_in_out_vjp(X, K, delta, bias, **kw)
        return dX, dK, db / (delta.shape[-1] * delta.shape[-2])

    report = check_implementation(numeric.corr2d_multi_in_out, "corr2d", backward=bwd)
    assert report.diagnosis == ["∂ℓ/∂b averages δ over the output positions instead of summing it"]


def test_weight_gradient_of_the_last_sample_only():
    def bwd(X, K, delta, bias=None, **kw):
        dX, _, db = numeric.corr2d_multi_in_out_vjp(X, K, delta, bias, **kw)
        _, dK, _ = numeric.corr2d_multi_in_out_vjp(X[-1:], K, delta[-1:], bias, **kw)
        return dX, dK, db

    report = check_implementation(numeric.corr2d_multi_in_out, "corr2d", layout="nchw", backward=bwd)
    assert report.diagnosis == [
        "∂ℓ/∂W: only the last sample of the batch counts (each sample overwrites the result instead of adding to it)"
    ]


def test_a_configuration_too_large_to_probe_says_so():
    def flipped(X, K, bias=None, **kw):
        return numeric.corr2d_multi_in_out(X, np.flip(np.asarray(K), (-2, -1)), bias, **kw)

    big = ConvConfig(in_channels=8, out_channels=8, size=12, kernel=3)
    report = check_implementation(flipped, "corr2d", configs=[big])
    assert not report.passed
    assert report.diagnosis == [
        "not probed: 530,841,600 coefficients, over the budget of 4,000,000 (check a smaller configuration)"
    ]
