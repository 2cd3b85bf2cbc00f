"""Exact proofs of the gradient identities: symconv against the obvious SymPy baseline.

    python benchmarks/bench_proofs.py [--full] [--cap SECONDS] [--repeat R] [-o PLOT.png]

symconv: ``prove("grad_weight_eq_corr")`` + ``prove("grad_input_eq_full_conv")``
(single channel, k = 3) at n = 8, 12, 16, 32 (``--full``: 8, 16, 24, 32, 64), and
``prove("grad_multi_channel")`` at c_i = 3, c_o = 4, n = 16, k = 3 — the
default "fast" engine, caches cleared before every run, best of R runs.

The default is a quick run (under 30 s): the baseline is capped at 20 s per
case.  ``--full`` is the long run (several minutes: the baseline gets 300 s per
case, and reaches n = 32).

Baseline: what one would write first (d2l-style): loops over ``sympy.Matrix``
for the forward correlation, ``ℓ = Σ δ ⊙ H``, ``sympy.diff(ℓ, ·)`` for every
weight and input, the right-hand sides by the same loops, then
``sympy.expand`` of every entry of the difference.  It runs in this process
under a time cap (SIGALRM); a case whose estimated time is far above the cap
is not started.  Both are timed here, in the same process, so the ratios are
measured, not quoted.

Prints a table, the speed-ups measured, and how time grows with the number of
terms of ℓ; with ``-o PLOT.png`` it also writes a log-log plot of proof time
against n (nothing is written otherwise).
"""

from __future__ import annotations

import argparse
import math
import signal
import sys
import time
from pathlib import Path

import sympy

import symconv as sc
from symconv.prove.exact import clear_cache

SIZES = (8, 16, 24, 32, 64)
QUICK_SIZES = (8, 12, 16, 32)
K = 3
MULTI = dict(c_i=3, c_o=4, n=16, k=3)

# --- the naive baseline ------------------------------------------------------------------------------


def corr2d(X: sympy.Matrix, K: sympy.Matrix) -> sympy.Matrix:
    """d2l's corr2d on sympy.Matrix: Y[i, j] = (X[i:i+h, j:j+w] * K).sum()."""
    h, w = K.shape
    Y = sympy.zeros(X.rows - h + 1, X.cols - w + 1)
    for i in range(Y.rows):
        for j in range(Y.cols):
            Y[i, j] = sum(X[i : i + h, j : j + w].multiply_elementwise(K))
    return Y


def pad(X: sympy.Matrix, p: int) -> sympy.Matrix:
    Y = sympy.zeros(X.rows + 2 * p, X.cols + 2 * p)
    Y[p : p + X.rows, p : p + X.cols] = X
    return Y


def rot180(K: sympy.Matrix) -> sympy.Matrix:
    return K[::-1, ::-1]


def matrix(name: str, rows: int, cols: int) -> sympy.Matrix:
    return sympy.Matrix(rows, cols, lambda i, j: sympy.Symbol(f"{name}_{i + 1},{j + 1}"))


def all_zero(M: sympy.Matrix) -> bool:
    return all(sympy.expand(e) == 0 for e in M)


def naive_single(n: int, k: int = K) -> bool:
    """∂ℓ/∂W = X * δ and ∂ℓ/∂X = pad(δ, k−1) * rot180(W), by sympy.diff and expand."""
    m = n - k + 1
    X, W, D = matrix("x", n, n), matrix("w", k, k), matrix("d", m, m)
    loss = sum(D.multiply_elementwise(corr2d(X, W)))
    dW = W.applyfunc(lambda w: sympy.diff(loss, w))
    dX = X.applyfunc(lambda x: sympy.diff(loss, x))
    return all_zero(dW - corr2d(X, D)) and all_zero(dX - corr2d(pad(D, k - 1), rot180(W)))


def naive_multi(c_i: int, c_o: int, n: int, k: int) -> bool:
    """∂ℓ/∂W_{p,d} = X_d * δ_p and ∂ℓ/∂X_d = Σ_p pad(δ_p, k−1) * rot180(W_{p,d})."""
    m = n - k + 1
    X = [matrix(f"x{d}", n, n) for d in range(c_i)]
    W = [[matrix(f"w{p}{d}", k, k) for d in range(c_i)] for p in range(c_o)]
    D = [matrix(f"d{p}", m, m) for p in range(c_o)]
    H = [sum((corr2d(X[d], W[p][d]) for d in range(1, c_i)), corr2d(X[0], W[p][0])) for p in range(c_o)]
    loss = sum(sum(D[p].multiply_elementwise(H[p])) for p in range(c_o))
    ok = True
    for p in range(c_o):
        for d in range(c_i):
            dW = W[p][d].applyfunc(lambda w: sympy.diff(loss, w))
            ok &= all_zero(dW - corr2d(X[d], D[p]))
    for d in range(c_i):
        dX = X[d].applyfunc(lambda x: sympy.diff(loss, x))
        rhs = sum(
            (corr2d(pad(D[p], k - 1), rot180(W[p][d])) for p in range(1, c_o)),
            corr2d(pad(D[0], k - 1), rot180(W[0][d])),
        )
        ok &= all_zero(dX - rhs)
    return ok


class Capped(Exception):
    pass


def capped(fn, cap: float):
    """Run ``fn()`` under a wall-clock cap: (seconds, result) or raise Capped."""

    def alarm(*_):
        raise Capped

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, cap)
    start = time.perf_counter()
    try:
        result = fn()
        return time.perf_counter() - start, result
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        sympy.core.cache.clear_cache()  # do not let the baseline's cache slow what follows


# --- symconv ------------------------------------------------------------------------------------------


def symconv_time(names: list[str], repeat: int, **sizes) -> tuple[float, str]:
    best, verdicts = math.inf, ""
    for _ in range(repeat):
        clear_cache()
        start = time.perf_counter()
        results = [sc.prove(name, **sizes) for name in names]
        best = min(best, time.perf_counter() - start)
        verdicts = "/".join(r.verdict for r in results)
        assert all(r.detail.startswith("sparse engine") for r in results), [r.detail for r in results]
    return best, verdicts


def terms_single(n: int, k: int = K) -> int:
    """Terms of ℓ = Σ δ ⊙ (X * W): one per output and kernel tap."""
    return (n - k + 1) ** 2 * k * k


def work_single(n: int, k: int = K) -> int:
    """The baseline differentiates ℓ once per variable: variables × terms."""
    return (n * n + k * k) * terms_single(n, k)


def terms_multi(c_i: int, c_o: int, n: int, k: int) -> int:
    return c_o * c_i * (n - k + 1) ** 2 * k * k


def work_multi(c_i: int, c_o: int, n: int, k: int) -> int:
    return (c_i * n * n + c_o * c_i * k * k) * terms_multi(c_i, c_o, n, k)


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="the long run: n up to 64, baseline cap 300 s per case")
    parser.add_argument("--cap", type=float, help="time cap per baseline case, seconds (20; 300 with --full)")
    parser.add_argument("--repeat", type=int, default=3, help="symconv runs per case, best taken (3)")
    parser.add_argument("-o", "--plot", help="write a PNG plot of proof time against n to this file")
    args = parser.parse_args()
    cap = args.cap if args.cap is not None else (300.0 if args.full else 20.0)
    sizes = SIZES if args.full else QUICK_SIZES
    if cap <= 0 or args.repeat < 1:
        parser.error("--cap and --repeat must be positive")
    if args.plot and not args.plot.lower().endswith(".png"):
        parser.error(f"-o: got {args.plot!r}; expected a .png file")
    if args.plot and not Path(args.plot).resolve().parent.is_dir():
        parser.error(f"-o: got {args.plot!r}; expected a file in an existing directory")

    print('symconv: prove(..., engine="fast"); baseline: d2l-style sympy.Matrix loops + sympy.diff + expand')
    print(f"baseline cap {cap:.0f} s per case; symconv best of {args.repeat}; single channel, k = {K}\n")
    sc.prove("grad_weight_eq_corr", n=4, k=3)  # warm-up: one-time imports and registry loading
    rows, unit = [], None  # unit: baseline seconds per (variable x term), from the largest case run
    names = ["grad_weight_eq_corr", "grad_input_eq_full_conv"]
    for n in sizes:
        t_fast, verdict = symconv_time(names, args.repeat, n=n, k=K)
        t_naive, note = None, ""
        estimate = unit * work_single(n) if unit else 0.0
        if estimate > cap:
            note = f"skipped: ~{estimate:.0f} s estimated > {cap:.0f} s cap"
        else:
            try:
                t_naive, ok = capped(lambda n=n: naive_single(n), cap)
                unit = t_naive / work_single(n)
                note = "proved" if ok else "NOT proved"
            except Capped:
                note = f"skipped: over the {cap:.0f} s cap"
        rows.append((f"n={n}", terms_single(n), t_fast, verdict, t_naive, note))
        _progress(rows[-1])
    t_fast, verdict = symconv_time(["grad_multi_channel"], args.repeat, **MULTI)
    estimate = unit * work_multi(**MULTI) if unit else 0.0
    t_naive, note = None, ""
    if estimate > cap:
        note = f"skipped: ~{estimate:.0f} s estimated > {cap:.0f} s cap"
    else:
        try:
            t_naive, ok = capped(lambda: naive_multi(**MULTI), cap)
            note = "proved" if ok else "NOT proved"
        except Capped:
            note = f"skipped: over the {cap:.0f} s cap"
    multi_label = "c_i=3,c_o=4,n=16"
    rows.append((multi_label, terms_multi(**MULTI), t_fast, verdict, t_naive, note))
    _progress(rows[-1])
    print(file=sys.stderr)

    header = ("case", "terms of ℓ", "symconv", "µs/term", "verdicts", "baseline", "baseline result", "speed-up")
    table = [
        (
            label,
            f"{terms:,}",
            fmt(tf),
            f"{tf / terms * 1e6:.2f}",
            verdict,
            fmt(tn),
            note,
            f"{tn / tf:,.0f}x" if tn else "-",
        )
        for label, terms, tf, verdict, tn, note in rows
    ]
    widths = [max(len(str(r[i])) for r in [header, *table]) for i in range(len(header))]
    for r in [header, tuple("-" * w for w in widths), *table]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())

    single = [r for r in rows if r[0].startswith("n=")]
    slope = _slope([math.log(r[1]) for r in single], [math.log(r[2]) for r in single])
    measured = [r for r in single if r[4]]
    print(f"\nsymconv time ∝ terms^{slope:.2f} over n = {sizes[0]}..{sizes[-1]} (1.00 = linear)")
    if len(measured) >= 2:
        naive_slope = _slope([math.log(r[1]) for r in measured], [math.log(r[4]) for r in measured])
        print(f"baseline time ∝ terms^{naive_slope:.2f} over the sizes it finished")
    if args.plot:
        _plot(single, args.plot, cap)


def _progress(row: tuple) -> None:
    label, _terms, t_fast, _verdict, t_naive, note = row
    print(f"  {label}: symconv {fmt(t_fast)}, baseline {fmt(t_naive)} ({note})", file=sys.stderr, flush=True)


def _slope(xs: list[float], ys: list[float]) -> float:
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def _plot(rows, path: str, cap: float) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("\nmatplotlib is not installed (pip install -e '.[bench]'): no plot")
        return
    ns = [int(r[0][2:]) for r in rows]
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    ax.loglog(ns, [r[2] for r in rows], "o-", label="symconv (sparse polynomials)")
    done = [(n, r[4]) for n, r in zip(ns, rows) if r[4]]
    if done:
        ax.loglog(*zip(*done), "s-", label="naive SymPy (Matrix loops, diff, expand)")
    skipped = [n for n, r in zip(ns, rows) if not r[4]]
    if skipped:
        ax.loglog(skipped, [cap] * len(skipped), "x", color="C1", label=f"naive: skipped (> {cap:.0f} s cap)")
    ax.set_xticks(ns, [str(n) for n in ns])
    ax.minorticks_off()
    ax.set_xlabel("n (n×n input, 3×3 kernel)")
    ax.set_ylabel("seconds: ∂ℓ/∂W and ∂ℓ/∂X identities")
    ax.set_title("Exact proof of the gradient identities")
    ax.grid(True, which="major", alpha=0.3)
    ax.set_ylim(top=ax.get_ylim()[1] * 50)  # room for the legend above the curves
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"\nplot written to {path}")


if __name__ == "__main__":
    main()
