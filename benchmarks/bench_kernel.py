"""The all-sizes level against the concrete level, theorem by theorem, and `symconv prove --all`.

For every registered theorem with all-sizes parts: the CPU and wall time of its kernel proofs plus the
bridge (``prove_general``, each part proved once), against the baseline of its concrete level (the exact
polynomial identity at the registered sizes) run in the same process.  Then the whole of
``symconv prove --all`` (both levels, NumPy and torch witnesses), in a fresh process.

    python benchmarks/bench_kernel.py            # the table, then prove --all

Goals of issue 10: each all-sizes proof under 5 s, ``prove --all`` under 60 s on the 2-core machine.
"""

from __future__ import annotations

import subprocess
import sys
import time

import symconv as sc
from symconv.prove.general import prove_general

GOAL_EACH, GOAL_ALL = 5.0, 60.0


def main() -> int:
    rows = []
    for thm in sc.theorems():
        if not thm.general:
            continue
        cpu, wall = time.process_time(), time.perf_counter()
        result = prove_general(thm)
        g_cpu, g_wall = time.process_time() - cpu, time.perf_counter() - wall
        cpu = time.process_time()
        sc.prove(thm.name)
        c_cpu = time.process_time() - cpu
        rows.append((thm.name, result.verdict, result.kernel_steps, g_cpu, g_wall, c_cpu))
    print(
        f"{'theorem':36s} {'verdict':8s} {'steps':>5s} {'cpu s':>6s} {'wall s':>6s} {'concrete s':>10s} {'ratio':>6s}"
    )
    for name, verdict, steps, g_cpu, g_wall, c_cpu in sorted(rows, key=lambda r: -r[3]):
        ratio = g_cpu / c_cpu if c_cpu > 0 else float("nan")
        print(f"{name:36s} {verdict:8s} {steps:5d} {g_cpu:6.2f} {g_wall:6.2f} {c_cpu:10.2f} {ratio:6.1f}")
    worst = max(rows, key=lambda r: r[4])
    proved = sum(r[1] == "proved" for r in rows)
    print(f"\n{len(rows)} theorems with all-sizes parts, {proved} proved; kernel steps {sum(r[2] for r in rows)}")
    print(f"all-sizes level: {sum(r[3] for r in rows):.1f} s CPU in all; slowest {worst[0]} {worst[4]:.2f} s wall")
    print(f"  goal each < {GOAL_EACH:.0f} s: {'met' if worst[4] < GOAL_EACH else 'MISSED'}")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "symconv", "prove", "--all", "-q"], capture_output=True, text=True)
    total = time.perf_counter() - start
    print(f"symconv prove --all: {total:.1f} s wall, exit {done.returncode}; {done.stdout.strip().splitlines()[-1]}")
    print(f"  goal < {GOAL_ALL:.0f} s: {'met' if total < GOAL_ALL else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
