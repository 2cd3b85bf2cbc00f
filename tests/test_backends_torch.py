"""The PyTorch witness against hand-written loops and hand-derived values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy

from symconv.backends import torch as tb  # importable without torch: it is imported lazily
from symconv.errors import ParameterError, ShapeError

ROOT = Path(__file__).resolve().parents[1]

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)


def ints(*shape: int) -> np.ndarray:
    return RNG.integers(-4, 5, size=shape)


def same(actual, expected) -> None:
    expected = torch.tensor(np.asarray(expected, dtype=np.float64))
    assert actual.dtype == torch.float64
    assert torch.equal(actual.cpu(), expected), f"{actual.tolist()} != {expected.tolist()}"


# ---------------------------------------------------------------- references: plain loops


def ref_corr2d(X, K, stride=(1, 1), pads=((0, 0), (0, 0)), dilation=(1, 1)):
    X, K = np.asarray(X).tolist(), np.asarray(K).tolist()
    (t, b), (l, r) = pads
    (sh, sw), (dh, dw) = stride, dilation
    H, W, kh, kw = len(X), len(X[0]), len(K), len(K[0])
    P = [[0] * (W + l + r) for _ in range(H + t + b)]
    for i in range(H):
        for j in range(W):
            P[i + t][j + l] = X[i][j]
    oh = (H + t + b - dh * (kh - 1) - 1) // sh + 1
    ow = (W + l + r - dw * (kw - 1) - 1) // sw + 1
    return [
        [sum(P[i * sh + a * dh][j * sw + c * dw] * K[a][c] for a in range(kh) for c in range(kw)) for j in range(ow)]
        for i in range(oh)
    ]


def ref_rot180(K):
    return [row[::-1] for row in np.asarray(K).tolist()[::-1]]


def ref_corr1d(x, w, stride=1, pads=(0, 0), dilation=1):
    return ref_corr2d([x], [w], (1, stride), ((0, 0), pads), (1, dilation))[0]


# (keyword arguments, the per-side padding they mean), for a (2, 3) kernel
CASES_2D = [
    ({}, ((0, 0), (0, 0))),
    ({"stride": 2}, ((0, 0), (0, 0))),
    ({"stride": (2, 1), "dilation": (1, 2)}, ((0, 0), (0, 0))),
    ({"padding": 1}, ((1, 1), (1, 1))),
    ({"padding": (1, 2), "stride": (1, 2)}, ((1, 1), (2, 2))),
    ({"padding": ((0, 2), (1, 0)), "dilation": 2}, ((0, 2), (1, 0))),
    ({"padding": "valid"}, ((0, 0), (0, 0))),
    # torch's 'same': total d(k-1), the smaller half first, the extra cell at the end
    ({"padding": "same"}, ((0, 1), (1, 1))),
    ({"padding": "same", "dilation": (3, 2)}, ((1, 2), (2, 2))),
    ({"padding": "full"}, ((1, 1), (2, 2))),
    ({"padding": "full", "dilation": 2, "stride": 3}, ((2, 2), (4, 4))),
]
CASES_1D = [
    ({}, (0, 0)),
    ({"stride": 2, "dilation": 2}, (0, 0)),
    ({"padding": 2}, (2, 2)),
    ({"padding": (0, 3)}, (0, 3)),
    ({"padding": "same"}, (0, 1)),
    ({"padding": "same", "dilation": 3}, (1, 2)),
    ({"padding": "full", "dilation": 2}, (2, 2)),
]
same_warning = pytest.mark.filterwarnings("ignore:Using padding='same'")


@same_warning
@pytest.mark.parametrize("kwargs, pads", CASES_2D)
def test_corr2d_and_conv2d(kwargs, pads):
    X, K = ints(5, 6), ints(2, 3)
    stride, dilation = (kwargs.get(k, 1) for k in ("stride", "dilation"))
    stride = stride if isinstance(stride, tuple) else (stride, stride)
    dilation = dilation if isinstance(dilation, tuple) else (dilation, dilation)
    same(tb.corr2d(X, K, **kwargs), ref_corr2d(X, K, stride, pads, dilation))
    same(tb.conv2d(X, K, **kwargs), ref_corr2d(X, ref_rot180(K), stride, pads, dilation))


@same_warning
@pytest.mark.parametrize("kwargs, pads", CASES_1D)
def test_corr1d_and_conv1d(kwargs, pads):
    x, w = ints(7), ints(2)
    s, d = kwargs.get("stride", 1), kwargs.get("dilation", 1)
    same(tb.corr1d(x, w, **kwargs), ref_corr1d(x, w, s, pads, d))
    same(tb.conv1d(x, w, **kwargs), ref_corr1d(x, w[::-1], s, pads, d))


def test_course_notes_corr2d():
    same(tb.corr2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]]), [[19, 25], [37, 43]])


def test_pad_and_rot180():
    same(tb.pad([[1, 2], [3, 4]], 1), [[0, 0, 0, 0], [0, 1, 2, 0], [0, 3, 4, 0], [0, 0, 0, 0]])
    same(tb.pad([[1, 2]], (1, 0)), [[0, 0], [1, 2], [0, 0]])
    same(tb.pad([[1, 2]], ((0, 1), (2, 0)), value=9), [[9, 9, 1, 2], [9, 9, 9, 9]])
    same(tb.pad([1, 2], (0, 2)), [1, 2, 0, 0])
    K = ints(2, 3)
    same(tb.rot180(K), ref_rot180(K))
    same(tb.rot180([1, 2, 3]), [3, 2, 1])
    same(tb.rot180(np.arange(8).reshape(2, 2, 2)), [[[3, 2], [1, 0]], [[7, 6], [5, 4]]])


@pytest.mark.parametrize("kwargs, pads", CASES_2D[:6] + CASES_2D[-1:])
def test_corr2d_multi_in(kwargs, pads):
    X, K = ints(3, 5, 6), ints(3, 2, 3)
    s, d = (kwargs.get(k, 1) for k in ("stride", "dilation"))
    s, d = (v if isinstance(v, tuple) else (v, v) for v in (s, d))
    expected = sum(np.array(ref_corr2d(X[c], K[c], s, pads, d)) for c in range(3))
    same(tb.corr2d_multi_in(X, K, **kwargs), expected)


@pytest.mark.parametrize("groups", [1, 2])
def test_corr2d_multi_in_out(groups):
    c_i, c_o = 4, 6
    X, K, bias = ints(c_i, 5, 5), ints(c_o, c_i // groups, 3, 2), ints(c_o)
    per_group_in, per_group_out = c_i // groups, c_o // groups
    expected = [
        sum(
            np.array(ref_corr2d(X[(o // per_group_out) * per_group_in + c], K[o][c], (2, 1), ((1, 1), (0, 2))))
            for c in range(per_group_in)
        )
        + bias[o]
        for o in range(c_o)
    ]
    kwargs = {"stride": (2, 1), "padding": ((1, 1), (0, 2)), "groups": groups}
    same(tb.corr2d_multi_in_out(X, K, bias, **kwargs), expected)
    same(tb.corr2d_multi_in_out(X, K, **kwargs), np.array(expected) - bias[:, None, None])


X16 = np.arange(16).reshape(4, 4)
NEG9 = -np.arange(1, 10).reshape(3, 3)
POOL_CASES = [
    # the course notes
    (X16, {"kernel_size": 3}, [[10]]),
    (X16, {"kernel_size": 3, "padding": 1, "stride": 2}, [[5, 7], [13, 15]]),
    (X16, {"kernel_size": (2, 3), "stride": (2, 3), "padding": (0, 1)}, [[5, 7], [13, 15]]),
    # max pads with -inf, not 0
    (NEG9, {"kernel_size": 2, "padding": 1}, [[-1, -2], [-4, -5]]),
    (X16, {"kernel_size": 2, "stride": 1, "dilation": 2}, [[10, 11], [14, 15]]),
    (
        np.arange(25).reshape(5, 5),
        {"kernel_size": 2, "ceil_mode": True},
        [[6, 8, 9], [16, 18, 19], [21, 23, 24]],
    ),
    # ceil(3/2)+1 = 3 windows, but the third would start in the right padding: dropped
    (np.arange(9).reshape(3, 3), {"kernel_size": 2, "padding": 1, "ceil_mode": True}, [[0, 2], [6, 8]]),
    (X16, {"kernel_size": 2, "mode": "avg"}, [[2.5, 4.5], [10.5, 12.5]]),
    (X16, {"kernel_size": 2, "mode": "avg", "divisor_override": 2}, [[5, 9], [21, 25]]),
    # avg with padding: count_include_pad counts padded zeros, but with ceil_mode a window
    # overhanging the padded edge divides only by the cells up to that edge (6 and 4, not 9)
    (
        X16,
        {"kernel_size": 3, "stride": 2, "padding": 1, "mode": "avg", "ceil_mode": True},
        [[10 / 9, 24 / 9, 10 / 6], [51 / 9, 90 / 9, 33 / 6], [25 / 6, 42 / 6, 15 / 4]],
    ),
    (
        X16,
        {
            "kernel_size": 3,
            "stride": 2,
            "padding": 1,
            "mode": "avg",
            "ceil_mode": True,
            "count_include_pad": False,
        },
        [[10 / 4, 24 / 6, 10 / 2], [51 / 6, 90 / 9, 33 / 3], [25 / 2, 42 / 3, 15 / 1]],
    ),
]


@pytest.mark.parametrize("X, kwargs, expected", POOL_CASES)
def test_pool2d(X, kwargs, expected):
    same(tb.pool2d(X, **kwargs), expected)


def test_pool2d_channels():
    X = np.stack([X16, -X16])
    same(tb.pool2d(X, 2), [[[5, 7], [13, 15]], [[0, -2], [-8, -10]]])
    same(tb.pool2d(X, 2, mode="avg"), [[[2.5, 4.5], [10.5, 12.5]], [[-2.5, -4.5], [-10.5, -12.5]]])


# ---------------------------------------------------------------- conversions, device, flags


def test_as_tensor():
    t = torch.arange(3)
    assert tb.as_tensor(t) is t
    for x in (
        np.arange(4).reshape(2, 2),
        [[0, 1], [2, 3]],
        sympy.Matrix([[0, 1], [2, 3]]),
        sympy.Array([[0, 1], [2, 3]]),
    ):
        out = tb.as_tensor(x, device="cpu")
        assert out.dtype == torch.float64 and out.tolist() == [[0, 1], [2, 3]]
    assert tb.as_tensor([1]).device.type == tb.default_device()


def test_operands_follow_the_tensors():
    X = torch.arange(9, dtype=torch.float32).reshape(3, 3)
    Y = tb.corr2d(X, [[1, 1], [1, 1]])
    assert Y.dtype == torch.float32 and Y.tolist() == [[8, 12], [20, 24]]
    assert tb.corr2d(torch.arange(9).reshape(3, 3), [[1]]).dtype == torch.float64


def test_availability():
    assert tb.available()
    assert tb.cuda_available() == torch.cuda.is_available()
    assert tb.default_device() == ("cuda" if torch.cuda.is_available() else "cpu")


def test_tf32_is_off_after_first_use():
    # set by hand: on CUDA builds these flags are properties that monkeypatch cannot undo
    matmul, cudnn = torch.backends.cuda.matmul, torch.backends.cudnn
    matmul.allow_tf32 = cudnn.allow_tf32 = True
    try:
        tb._torch.cache_clear()
        tb.corr2d([[1]], [[1]])
        assert not matmul.allow_tf32
        assert not cudnn.allow_tf32
    finally:
        tb._torch.cache_clear()
        tb._torch()  # leaves both flags off


def test_missing_torch(monkeypatch):
    tb._torch.cache_clear()
    monkeypatch.setitem(sys.modules, "torch", None)
    assert not tb.available()
    with pytest.raises(ImportError, match=r"pip install 'symconv\[torch\]'"):
        tb.corr2d([[1]], [[1]])
    monkeypatch.undo()
    tb._torch.cache_clear()
    assert tb.available()


# ---------------------------------------------------------------- gradients


def test_grad_of_corr2d():
    X, K, up = ints(5, 4), ints(2, 3), ints(4, 2)
    g = tb.grad(tb.corr2d, {"X": X, "K": K}, up)
    same(g["K"], ref_corr2d(X, up))  # dL/dK = X * dL/dY
    same(g["X"], ref_corr2d(up, ref_rot180(K), pads=((1, 1), (2, 2))))  # full convolution with K
    g = tb.grad(lambda X, K: tb.corr2d(X, [[1]]), {"X": X, "K": K}, np.ones((5, 4)))
    same(g["X"], np.ones((5, 4)))
    same(g["K"], np.zeros((2, 3)))


def test_grad_of_max_pool_goes_to_the_first_maximum():
    g = tb.grad(lambda X: tb.pool2d(X, 2), {"X": [[1, 1], [1, 0]]}, [[1]])
    same(g["X"], [[1, 0], [0, 0]])


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: tb.corr2d(np.zeros((2, 3, 4, 5)), [[1]]),
            ShapeError,
            r"^corr2d: X: got an array of shape \(2, 3, 4, 5\); expected rank 2 \(H, W\)$",
        ),
        (
            lambda: tb.corr2d(np.zeros((2, 0)), [[1]]),
            ShapeError,
            r"^corr2d: X: got an array of shape \(2, 0\); expected a non-empty array \(H, W\)$",
        ),
        (
            lambda: tb.corr2d(np.zeros((3, 3)), [[1]], stride=0),
            ParameterError,
            r"^corr2d: stride: got 0; expected a positive int or a pair of positive ints$",
        ),
        (
            lambda: tb.corr2d(np.zeros((3, 3)), np.ones((4, 4))),
            ShapeError,
            r"^corr2d: kernel: got \(4, 4\); expected a kernel that fits the padded input",
        ),
        (
            lambda: tb.corr2d(np.zeros((3, 3)), [[1, 1]], padding="same", stride=2),
            ParameterError,
            r"^corr2d: padding: got 'same'; expected stride 1",
        ),
        (lambda: tb.conv1d([1, 2], [1, 2, 3]), ShapeError, r"^conv1d: kernel: got 3; expected a kernel"),
        (
            lambda: tb.conv1d([[1, 2]], [1]),
            ShapeError,
            r"^conv1d: x: got an array of shape \(1, 2\); expected rank 1 \(L,\)$",
        ),
        (
            lambda: tb.corr2d([[1, sympy.Symbol("a")]], [[1]]),
            ParameterError,
            r"^corr2d: X: got \[\[1, a\]\]; expected numbers",
        ),
        (
            lambda: tb.corr2d_multi_in(np.zeros((2, 3, 3)), np.zeros((3, 2, 2))),
            ShapeError,
            r"^corr2d_multi_in: K: got an array of shape \(3, 2, 2\); expected shape \(c_i, kh, kw\) with c_i = 2",
        ),
        (
            lambda: tb.corr2d_multi_in_out(np.zeros((3, 3, 3)), np.zeros((2, 1, 2, 2)), groups=2),
            ParameterError,
            r"^corr2d_multi_in_out: groups: got 2; expected a divisor of c_i = 3 and c_o = 2$",
        ),
        (
            lambda: tb.corr2d_multi_in_out(np.zeros((4, 3, 3)), np.zeros((2, 4, 2, 2)), groups=2),
            ShapeError,
            r"^corr2d_multi_in_out: K: got an array of shape \(2, 4, 2, 2\); expected .* c_i/groups = 2$",
        ),
        (
            lambda: tb.corr2d_multi_in_out(np.zeros((1, 3, 3)), np.zeros((2, 1, 2, 2)), bias=[1, 2, 3]),
            ShapeError,
            r"^corr2d_multi_in_out: bias: got an array of shape \(3,\); expected shape \(c_o,\) = \(2,\)$",
        ),
        (
            lambda: tb.pool2d(X16, 2, mode="min"),
            ParameterError,
            r"^pool2d: mode: got 'min'; expected 'max' or 'avg'$",
        ),
        (
            lambda: tb.pool2d(X16, 2, padding=2),
            ParameterError,
            r"^pool2d: padding: got 2; expected at most half the window",
        ),
        (
            lambda: tb.pool2d(X16, 2, mode="avg", dilation=2),
            ParameterError,
            r"^pool2d: dilation: got 2; expected 1 for average",
        ),
        (
            lambda: tb.pool2d(X16, 2, mode="avg", divisor_override=0),
            ParameterError,
            r"^pool2d: divisor_override: got 0; expected a positive int$",
        ),
        (
            lambda: tb.pool2d(X16, 2, count_include_pad=1),
            ParameterError,
            r"^pool2d: count_include_pad: got 1; expected True or False$",
        ),
        (
            lambda: tb.pool2d(np.zeros((1, 1, 4, 4)), 2),
            ShapeError,
            r"^pool2d: X: got an array of shape \(1, 1, 4, 4\); expected rank 2 or 3 \(H, W\) or \(C, H, W\)$",
        ),
        (lambda: tb.pad([[1]], "same"), ParameterError, r"^pad: padding: got 'same'; expected ints"),
        (
            lambda: tb.rot180(5),
            ShapeError,
            r"^rot180: K: got tensor\(5\., dtype=torch\.float64\); expected rank",
        ),
        (
            lambda: tb.grad(tb.corr1d, {"x": [1, 2, 3], "w": [1]}, [1, 1]),
            ShapeError,
            r"^grad: upstream: got an array of shape \(2,\); expected the shape of fn's output, \(3,\)$",
        ),
    ],
)
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---------------------------------------------------------------- CUDA == CPU

X5, K23 = ints(5, 6), ints(2, 3)
DEVICE_CASES = [
    (tb.corr2d, (X5, K23), {"stride": 2, "padding": ((0, 2), (1, 0))}),
    (tb.conv2d, (X5, K23), {"padding": "full", "dilation": 2}),
    (tb.corr1d, (ints(7), ints(3)), {"padding": "same", "dilation": 2}),
    (tb.conv1d, (ints(7), ints(2)), {"stride": 2, "padding": 1}),
    (tb.corr2d_multi_in, (ints(3, 5, 6), ints(3, 2, 3)), {"padding": 1}),
    (tb.corr2d_multi_in_out, (ints(4, 5, 5), ints(6, 2, 3, 2), ints(6)), {"groups": 2, "stride": (2, 1)}),
    (tb.pool2d, (X16, 3), {"stride": 2, "padding": 1}),
    (tb.pool2d, (X16, 3), {"stride": 2, "padding": 1, "mode": "avg", "ceil_mode": True}),
    (tb.pool2d, (np.stack([X16, -X16]), 2), {"mode": "avg", "divisor_override": 3}),
    (tb.rot180, (K23,), {}),
    (tb.pad, (X5, ((1, 0), (0, 2))), {}),
]


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
class TestCuda:
    @pytest.mark.parametrize("fn, args, kwargs", DEVICE_CASES)
    def test_cuda_equals_cpu(self, fn, args, kwargs):
        on_gpu = fn(*args, **kwargs, device="cuda")
        assert on_gpu.device.type == "cuda"
        assert torch.equal(on_gpu.cpu(), fn(*args, **kwargs, device="cpu"))

    def test_grad_on_cuda(self):
        inputs = {"X": torch.tensor(X5, dtype=torch.float64, device="cuda"), "K": K23}
        up = ints(4, 4)
        g = tb.grad(tb.corr2d, inputs, up)
        assert g["K"].device.type == "cuda"
        assert torch.equal(g["K"].cpu(), tb.grad(tb.corr2d, {"X": X5, "K": K23}, up)["K"].cpu())
        assert not torch.backends.cuda.matmul.allow_tf32 and not torch.backends.cudnn.allow_tf32


# --- windows of padding only (issue 14): torch's max-pool backward wrote out of bounds there ------------

CRASH_CHILD = r"""
import itertools, sys
import numpy as np
from symconv.backends import torch as tb
from symconv.numeric.grad import pool2d_vjp
from symconv.spec import pool_window

rng = np.random.default_rng(0)
cases = checked = 0
# the issue's case: a 1x6 input, window 2, stride (2, 1), padding (1, 0), dilation (2, 1); then random ones
configs = [((1, 6), 2, (2, 1), (1, 0), (2, 1), False)]
for _ in range(120):
    n = tuple(int(v) for v in rng.integers(1, 6, size=2))
    k = tuple(int(v) for v in rng.integers(1, 4, size=2))
    configs.append((n, k, tuple(int(v) for v in rng.integers(1, 4, size=2)),
                    tuple(int(rng.integers(0, kk // 2 + 1)) for kk in k),
                    tuple(int(v) for v in rng.integers(1, 4, size=2)), bool(rng.integers(0, 2))))
for n, k, s, p, d, ceil in configs:
    try:
        pool_window(n, k, s, p, d, ceil)
    except ValueError:
        continue
    cases += 1
    for tie, mode in (("first", "max"), ("split", "max"), ("first", "avg")):
        if mode == "avg" and d != (1, 1):
            continue
        X = rng.integers(-4, 5, size=(2, *n)).astype(float)
        Y = tb.pool2d(X, k, s, p, mode, 1 if mode == "avg" else d, ceil)
        delta = rng.integers(-3, 4, size=tuple(Y.shape)).astype(float) * 12
        for _ in range(3):  # repeated: an out-of-bounds write may corrupt memory only on some calls
            ours = tb.pool2d_vjp(X, delta, k, s, p, mode, 1 if mode == "avg" else d, ceil, tie=tie).numpy()
        want = pool2d_vjp(X, delta, k, s, p, mode, 1 if mode == "avg" else d, ceil, tie=tie)
        if not np.array_equal(ours, want):
            sys.exit(f"mismatch at n={n} k={k} s={s} p={p} d={d} ceil={ceil} tie={tie} mode={mode}")
        checked += 1
print(cases, checked)
"""


def test_padding_only_windows_get_zero_gradient_in_a_child_process():
    """torch's max_pool2d backward writes to the index it recorded for a window of padding only (outside
    the input: 'double free or corruption'); such windows now get zero gradient, as in numeric, and every
    other torch pooling gradient still equals numeric's.  Run in a child process: a crash fails the test."""
    run = subprocess.run(
        [sys.executable, "-c", CRASH_CHILD],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert run.returncode == 0, (run.returncode, run.stdout[-500:], run.stderr[-2000:])
    cases, checked = map(int, run.stdout.split())
    assert cases > 40 and checked > 80
