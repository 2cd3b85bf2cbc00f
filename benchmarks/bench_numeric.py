"""The NumPy reference against PyTorch on the CPU: convolution layers and pooling.

    python benchmarks/bench_numeric.py [--full] [--repeat R] [--keep-openblas-env]

``symconv.numeric.corr2d_multi_in_out`` against ``torch.nn.functional.conv2d``
(float64 and float32) at batch 8, 64→64 channels, 56×56, 3×3 and batch 32,
3→16, 32×32, 5×5; max pooling (3×3, stride 2, padding 1) and average pooling
(2×2, stride 2) of the first layer's input against ``max_pool2d``/``avg_pool2d``.
Each case runs both in this process, R times each (4 by default, a quick
run of about 30 s; ``--full`` takes R = 20), in alternating blocks of
consecutive calls; the best time of each is reported, with GFLOP/s for the convolutions and, as their ceiling, the
GFLOP/s of one large NumPy matrix product on this machine.  The results are
compared with torch's (max abs error) before anything is timed.

OpenBLAS: where ``OPENBLAS_CORETYPE``/``OPENBLAS_L2_SIZE`` are set (some
machines set them for old OpenBLAS builds; they slow a current NumPy), this
script re-runs itself with both removed, for this benchmark only, and says so;
``--keep-openblas-env`` keeps them.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

OPENBLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def _reexec_without_openblas_vars() -> str:
    """Drop the OpenBLAS overrides for this run (before NumPy loads) and say what was done."""
    if "--keep-openblas-env" in sys.argv:
        return "kept as set: " + (", ".join(f"{v}={os.environ[v]}" for v in OPENBLAS_VARS if v in os.environ) or "none")
    if os.environ.get("_SYMCONV_BENCH_UNSET"):
        return f"unset for this benchmark only (were: {os.environ['_SYMCONV_BENCH_UNSET']})"
    present = {v: os.environ[v] for v in OPENBLAS_VARS if v in os.environ}
    if not present:
        return "none set"
    env = {k: v for k, v in os.environ.items() if k not in OPENBLAS_VARS}
    env["_SYMCONV_BENCH_UNSET"] = ", ".join(f"{k}={v}" for k, v in present.items())
    os.execve(sys.executable, [sys.executable, *sys.argv], env)
    raise AssertionError("unreachable")


OPENBLAS_NOTE = _reexec_without_openblas_vars()

import numpy as np  # noqa: E402  (after the environment is settled)
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import symconv.numeric as npc  # noqa: E402

CONVS = [  # (batch, c_i, c_o, n, k)
    (8, 64, 64, 56, 3),
    (32, 3, 16, 32, 5),
]


def best_of(fns: dict, repeat: int, rounds: int = 2) -> dict:
    """The best time of each function over ``repeat`` runs, in blocks.

    Each function runs in blocks of consecutive calls (a warm-up, then
    ``repeat // rounds`` timed calls), after a short pause: NumPy's OpenBLAS
    threads and torch's OpenMP threads both spin for a while after a call, and
    on a machine with few cores calls interleaved one by one slow each other
    down.  The blocks alternate between the functions ``rounds`` times.
    """
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(rounds):
        for name, f in fns.items():
            time.sleep(0.05)
            f()
            for _ in range(max(1, repeat // rounds)):
                start = time.perf_counter()
                f()
                best[name] = min(best[name], time.perf_counter() - start)
    return best


def matmul_gflops(dtype: type, repeat: int, size: int = 2048) -> float:
    a = np.random.default_rng(0).standard_normal((size, size)).astype(dtype)
    t = best_of({"mm": lambda: a @ a}, repeat)["mm"]
    return 2 * size**3 / t / 1e9


def blas_kernel() -> str:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "(install threadpoolctl to see the OpenBLAS kernel)"
    info = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return "; ".join(
        f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')}, {i.get('num_threads')} threads"
        for i in info
    )


def table(header: tuple, rows: list) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="the long run: 20 timed runs of each")
    parser.add_argument("--repeat", type=int, help="timed runs of each, best taken (4; 20 with --full)")
    parser.add_argument("--keep-openblas-env", action="store_true", help="keep OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE")
    args = parser.parse_args()
    args.repeat = args.repeat or (20 if args.full else 4)
    if args.repeat < 1:
        parser.error(f"--repeat: got {args.repeat}; expected a positive int")
    rng = np.random.default_rng(0)

    print(f"numpy {np.__version__}, torch {torch.__version__} (CPU, {torch.get_num_threads()} threads)")
    print(f"BLAS: {blas_kernel()}")
    print(f"OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE: {OPENBLAS_NOTE}")
    ceiling = {dt.__name__: matmul_gflops(dt, 5) for dt in (np.float64, np.float32)}
    print(
        "ceiling: NumPy 2048x2048 matmul "
        + ", ".join(f"{name} {gf:.0f} GFLOP/s" for name, gf in ceiling.items())
        + f"; best of {args.repeat}\n"
    )

    rows, ratios = [], []
    for dtype in (np.float64, np.float32):
        name = dtype.__name__
        for batch, ci, co, n, k in CONVS:
            X = rng.standard_normal((batch, ci, n, n)).astype(dtype)
            W = rng.standard_normal((co, ci, k, k)).astype(dtype)
            tX, tW = torch.from_numpy(X), torch.from_numpy(W)
            err = float(np.max(np.abs(npc.corr2d_multi_in_out(X, W) - F.conv2d(tX, tW).numpy())))
            t = best_of(
                {
                    "numpy": lambda X=X, W=W: npc.corr2d_multi_in_out(X, W),
                    "torch": lambda tX=tX, tW=tW: F.conv2d(tX, tW),
                },
                args.repeat,
            )
            flop = 2 * batch * co * ci * k * k * (n - k + 1) ** 2
            ratio = t["numpy"] / t["torch"]
            ratios.append(ratio)
            rows.append(
                (
                    f"conv {batch}x{ci}->{co}, {n}x{n}, {k}x{k}",
                    name,
                    f"{t['numpy'] * 1e3:.2f}",
                    f"{t['torch'] * 1e3:.2f}",
                    f"{ratio:.2f}",
                    f"{flop / t['numpy'] / 1e9:.0f} ({flop / t['numpy'] / 1e9 / ceiling[name]:.0%})",
                    f"{flop / t['torch'] / 1e9:.0f}",
                    f"{err:.1e}",
                )
            )
        X = rng.standard_normal((8, 64, 56, 56)).astype(dtype)
        tX = torch.from_numpy(X)
        pools = [
            ("max pool 3x3/2, pad 1", lambda X=X: npc.pool2d(X, 3, 2, 1), lambda tX=tX: F.max_pool2d(tX, 3, 2, 1)),
            ("avg pool 2x2/2", lambda X=X: npc.pool2d(X, 2, 2, mode="avg"), lambda tX=tX: F.avg_pool2d(tX, 2, 2)),
        ]
        for label, ours, theirs in pools:
            err = float(np.max(np.abs(ours() - theirs().numpy())))
            t = best_of({"numpy": ours, "torch": theirs}, args.repeat)
            rows.append(
                (
                    f"{label}, 8x64x56x56",
                    name,
                    f"{t['numpy'] * 1e3:.2f}",
                    f"{t['torch'] * 1e3:.2f}",
                    f"{t['numpy'] / t['torch']:.2f}",
                    "-",
                    "-",
                    f"{err:.1e}",
                )
            )
    table(
        (
            "case",
            "dtype",
            "numpy ms",
            "torch ms",
            "ratio",
            "numpy GFLOP/s (of ceiling)",
            "torch GFLOP/s",
            "max err",
        ),
        rows,
    )
    geo = float(np.exp(np.mean(np.log(ratios))))
    print(f"\nratio = numpy time / torch time; convolutions: geometric mean {geo:.2f}, worst {max(ratios):.2f}")


if __name__ == "__main__":
    main()
