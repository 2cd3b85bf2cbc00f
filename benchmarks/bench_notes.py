"""Time of ``symconv notes`` for the whole chapter, against the way it was made before (same process).

    python benchmarks/bench_notes.py [--jobs N] [--repeat R]

Baseline (before issue 11): every theorem through ``symconv prove``'s path
(``cli._run``: the concrete proof, the all-sizes proof, the numeric checks in
numpy, torch and cuda with torch's default thread pool), then the all-sizes
proof asked for again by the chapter, one theorem after the other.

Now: :func:`symconv.latex.collect` (each theorem proved once per level,
torch's tiny check ops on one thread, ``--jobs`` worker processes, default
one per core), then the chapter rendered as LaTeX and Markdown with its
figures, which is all ``symconv notes -o chapter.tex -o chapter.md`` does.

Caches are cleared before each run, so that neither side profits from the
other (SymPy's global cache too); ``now`` runs first (its workers fork before torch is loaded, as in a
fresh ``symconv notes``), so the baseline gets the warm imports.  Prints
both times, the ratio and whether the 10 s goal of issue 11 is met on this
machine.
"""

from __future__ import annotations

import argparse
import os
import time

from sympy.core import cache as sympy_cache

from symconv.check import _LAMBDAS
from symconv.cli import _run
from symconv.figures import chapter_figures
from symconv.latex import chapter, collect
from symconv.prove import general as general_level
from symconv.prove import prove
from symconv.prove.exact import clear_cache
from symconv.theorems import registry, theorems

BACKENDS = ("numpy", "torch", "cuda")
GOAL_SECONDS = 10.0


def _clear() -> None:
    sympy_cache.clear_cache()  # SymPy's global cache would otherwise make whichever side runs second faster
    clear_cache()
    general_level._DONE.clear()  # the all-sizes results
    registry._THMS.clear()  # the kernel's theorems of every part
    _LAMBDAS.clear()


def baseline() -> float:
    """The chapter's proofs as they were made before: ``_run`` per theorem, then the general proof again."""
    _clear()
    start = time.perf_counter()
    for thm in theorems():
        result = _run(thm.name, {}, general=False, backends=BACKENDS)
        if not isinstance(result.scope, str) and thm.general is not None:
            prove(thm.name, general=True)
    return time.perf_counter() - start


def _cpu() -> float:
    """CPU seconds of this process and of its finished worker processes."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def now(jobs: int | None) -> tuple[float, float, float]:
    """``symconv notes -o chapter.tex -o chapter.md``: collect once, render both formats with figures.
    Returns the wall seconds, the CPU seconds (workers included) and the wall seconds of rendering alone."""
    _clear()
    start, cpu = time.perf_counter(), _cpu()
    results = collect(backends=BACKENDS, jobs=jobs)
    proved = time.perf_counter()
    for fmt in ("tex", "md"):
        chapter(fmt, results=results, figures=chapter_figures)
    end = time.perf_counter()
    return end - start, _cpu() - cpu, end - proved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    parser.add_argument("--repeat", type=int, default=1, help="best of R runs of each (R > 1: later runs serial)")
    args = parser.parse_args()
    cores = os.cpu_count()
    # ``now`` first: collect forks its workers only while torch is not loaded, as in a fresh ``symconv notes``
    new, cpu, render = min(now(args.jobs) for _ in range(args.repeat))
    base = min(baseline() for _ in range(args.repeat))
    print(f"machine: {cores} cores, load average {os.getloadavg()[0]:.2f} (other processes slow both sides)")
    print(f"baseline (prove + check each theorem, general proof twice, serial): {base:6.2f} s")
    print(f"symconv notes (collect once, jobs={args.jobs or cores}, render tex + md):  {new:6.2f} s wall")
    print(f"  of which rendering the chapter (tex + md, figures): {render:6.2f} s; CPU in all processes: {cpu:6.2f} s")
    print(f"ratio baseline / now: {base / new:.2f}x")
    print(f"goal: under {GOAL_SECONDS:.0f} s -> {'met' if new < GOAL_SECONDS else 'NOT met'} ({new:.2f} s)")


if __name__ == "__main__":
    main()
