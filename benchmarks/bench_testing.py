"""How long ``assert_implements`` takes over the default grid, against what people check with today.

    python benchmarks/bench_testing.py [--repeat R]

For each implementation: the time of ``symconv.testing.assert_implements``
over its layout's part of the default grid (every trial, exact comparison;
backward too where given), best of R, and in the same process the time of
the usual check over the same configurations:

* forward only: one random float input per configuration, compared with
  ``torch.nn.functional`` at a tolerance (PyTorch as the oracle);
* with a backward: CS231n's numerical gradient check (central differences,
  ``h = 1e-5``, on every entry of x, w and b) against the analytic gradients.

The goal is under 2 s per implementation; the ratio is symconv's time over
the baseline's.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from symconv import numeric
from symconv.testing import assert_implements, default_grid
from symconv.testing.adapters import LAYOUTS
from symconv.testing.cli import load

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "implementations"
GOAL = 2.0  # seconds per implementation over the default grid


def configs(op: str, layout: str) -> list:
    limits = LAYOUTS[layout].conv_limits if op in ("corr2d", "conv2d") else LAYOUTS[layout].pool_limits
    return [cfg for cfg in default_grid(op) if limits.violation(cfg) is None]


def oracle_check(fn, op: str, layout: str) -> None:
    """The usual forward test: one random float input per configuration, compared with torch at a tolerance."""
    rng = np.random.default_rng(0)
    for cfg in configs(op, layout):
        x = torch.from_numpy(rng.standard_normal(cfg.x_shape))
        if op == "corr2d":
            w = torch.from_numpy(rng.standard_normal(cfg.w_shape))
            b = torch.from_numpy(rng.standard_normal(cfg.out_channels))
            pads = tuple(lo for lo, _ in cfg.padding)
            want = F.conv2d(x, w, b, cfg.stride, pads, cfg.dilation, cfg.groups)
            if layout == "cs231n":
                got = fn(x.numpy(), w.numpy(), b.numpy(), {"stride": cfg.stride[0], "pad": pads[0]})[0]
            else:
                got = fn(x, w, b, cfg.stride, pads, cfg.dilation, cfg.groups)
        else:
            want = F.max_pool2d(x, cfg.kernel, cfg.stride)
            got = fn(x.numpy(), {"pool_height": cfg.kernel[0], "pool_width": cfg.kernel[1], "stride": cfg.stride[0]})[0]
        assert np.allclose(np.asarray(got), want.numpy(), rtol=1e-6, atol=1e-8)


def numerical_gradient(f, x: np.ndarray, df: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """CS231n's ``eval_numerical_gradient_array``: central differences, one entry at a time."""
    grad = np.zeros_like(x)
    for ix in np.ndindex(*x.shape):
        old = x[ix]
        x[ix] = old + h
        pos = f(x).copy()
        x[ix] = old - h
        neg = f(x).copy()
        x[ix] = old
        grad[ix] = np.sum((pos - neg) * df) / (2 * h)
    return grad


def gradient_check(fwd, bwd, op: str) -> None:
    """The usual backward test: every gradient against central differences, at a tolerance."""
    rng = np.random.default_rng(0)
    for cfg in configs(op, "cs231n"):
        if op == "corr2d":
            x, w = rng.standard_normal(cfg.x_shape), rng.standard_normal(cfg.w_shape)
            b = rng.standard_normal(cfg.out_channels)
            param = {"stride": cfg.stride[0], "pad": cfg.padding[0][0]}
            out, cache = fwd(x, w, b, param)
            dout = rng.standard_normal(out.shape)
            dx, dw, db = bwd(dout, cache)
            assert np.allclose(
                numerical_gradient(lambda v, w=w, b=b, p=param: fwd(v, w, b, p)[0], x, dout), dx, 1e-5, 1e-7
            )
            assert np.allclose(
                numerical_gradient(lambda v, x=x, b=b, p=param: fwd(x, v, b, p)[0], w, dout), dw, 1e-5, 1e-7
            )
            assert np.allclose(
                numerical_gradient(lambda v, x=x, w=w, p=param: fwd(x, w, v, p)[0], b, dout), db, 1e-5, 1e-7
            )
        else:
            x = rng.permutation(int(np.prod(cfg.x_shape))).reshape(cfg.x_shape).astype(float)  # no ties
            param = {"pool_height": cfg.kernel[0], "pool_width": cfg.kernel[1], "stride": cfg.stride[0]}
            out, cache = fwd(x, param)
            dout = rng.standard_normal(out.shape)
            num = numerical_gradient(lambda v, p=param: fwd(v, p)[0], x, dout)
            assert np.allclose(num, bwd(dout, cache), rtol=1e-5, atol=1e-7)


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each check; the best time is reported")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # tiny tensors: a thread pool only waits (assert_implements does the same)
    layers = str(EXAMPLES / "cs231n_layers.py")
    conv_f, conv_b = load(f"{layers}:conv_forward_naive"), load(f"{layers}:conv_backward_naive")
    pool_f, pool_b = load(f"{layers}:max_pool_forward_naive"), load(f"{layers}:max_pool_backward_naive")
    cases = [
        # name, op, layout, implementation, backward, baseline name, baseline
        ("CS231n conv_forward_naive", "corr2d", "cs231n", conv_f, False, "torch oracle",
         lambda: oracle_check(conv_f, "corr2d", "cs231n")),
        ("torch.nn.functional.conv2d", "corr2d", "torch", F.conv2d, False, "torch oracle",
         lambda: oracle_check(F.conv2d, "corr2d", "torch")),
        ("CS231n max_pool_forward_naive", "max_pool2d", "cs231n", pool_f, False, "torch oracle",
         lambda: oracle_check(pool_f, "max_pool2d", "cs231n")),
        ("CS231n conv forward + backward", "corr2d", "cs231n", conv_f, conv_b, "numerical gradient",
         lambda: gradient_check(conv_f, conv_b, "corr2d")),
        ("CS231n max pool forward + backward", "max_pool2d", "cs231n", pool_f, pool_b, "numerical gradient",
         lambda: gradient_check(pool_f, pool_b, "max_pool2d")),
        ("torch conv2d + autograd", "corr2d", "torch", F.conv2d, True, "-", None),
        ("symconv.numeric corr2d_multi_in_out + vjp", "corr2d", "symconv", numeric.corr2d_multi_in_out,
         numeric.corr2d_multi_in_out_vjp, "-", None),
    ]  # fmt: skip
    header = f"{'implementation':44} {'configs':>7} {'symconv s':>9} {'baseline':>18} {'base s':>7} {'ratio':>6}  goal"
    print(header)
    print("-" * len(header))
    worst = 0.0
    for name, op, layout, fn, backward, base_name, base in cases:
        report = assert_implements(fn, op, layout=layout, backward=backward)  # warm up, and it must pass
        ours = best(lambda: assert_implements(fn, op, layout=layout, backward=backward), args.repeat)  # noqa: B023
        worst = max(worst, ours)
        base_s = best(base, args.repeat) if base else float("nan")
        ratio = f"{ours / base_s:6.2f}" if base else "     -"
        goal = "ok" if ours < GOAL else "MISSED"
        print(
            f"{name:44} {len(report.tried):7d} {ours:9.3f} {base_name:>18} {base_s:7.3f} {ratio}  {goal} (< {GOAL} s)"
        )
    print(f"\nslowest check over the default grid: {worst:.3f} s (goal: under {GOAL} s)")
    return 0 if worst < GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
