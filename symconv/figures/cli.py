"""``symconv figure OP`` (or ``THEOREM``): a window figure as TikZ (``.tex``), SVG, PNG or an animated GIF."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import ParameterError
from ..output import check_output
from .chapter import THEOREM_FIGURES, command
from .raster import SUFFIXES, save
from .scene import OPERATORS, Scene, scene
from .tikz import standalone, tikz

__all__ = ["register"]


def _ints(text: str) -> int | tuple[int, ...]:
    """``3`` or ``3,2`` (``3x2``) -> 3 or (3, 2)."""
    parts = text.replace("x", ",").split(",")
    try:
        values = tuple(int(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"got {text!r}; expected an int or a pair such as 3,2") from None
    return values[0] if len(values) == 1 else values


def _cmd_figure(args: argparse.Namespace) -> int:
    check_output(args.output, {".tex": "TikZ", **{s: s[1:].upper() for s in SUFFIXES}})
    if args.op in THEOREM_FIGURES:
        fig = THEOREM_FIGURES[args.op]
        given = [key for key in ("n", "k", "s", "p", "d", "ceil", "numeric") if getattr(args, key) not in (None, False)]
        if given:
            raise ParameterError(
                f"--{given[0]}",
                getattr(args, given[0]),
                f"no size flag with the theorem {args.op}: its figure has its own sizes ({command(fig)})",
            )
        sc = scene(fig.op, values=fig.values, kernel=fig.kernel, **fig.sizes)
        return _write(sc, args)
    for key in ("n", "k"):
        if getattr(args, key) is None:
            raise ParameterError(f"--{key}", None, f"an input size for the operator {args.op} (e.g. --{key} 3)")
    values = None
    kernel = None
    if args.numeric:
        n = args.n if isinstance(args.n, tuple) else (args.n, args.n)
        k = args.k if isinstance(args.k, tuple) else (args.k, args.k)
        if args.op in ("corr2d", "conv2d", "max_pool2d", "avg_pool2d", "max_pool2d_grad"):
            values = [[r * n[1] + c for c in range(n[1])] for r in range(n[0])]
        kernel = [[r * k[1] + c for c in range(k[1])] for r in range(k[0])]
    p, d = 0 if args.p is None else args.p, 1 if args.d is None else args.d
    sc = scene(args.op, args.n, args.k, args.s, p, d, args.ceil, values=values, kernel=kernel)
    return _write(sc, args)


def _write(sc: Scene, args: argparse.Namespace) -> int:
    """Write the scene where ``-o`` says (stdout: the TikZ picture)."""
    if args.output is None or args.output == "-" or args.output.endswith(".tex"):
        text = standalone(sc) if args.standalone or (args.output or "").endswith(".tex") else tikz(sc)
        if args.output in (None, "-"):
            sys.stdout.write(text + "\n")
        else:
            Path(args.output).write_text(text, encoding="utf-8")
    else:
        save(sc, args.output)
    if args.output not in (None, "-") and not args.quiet:
        print(
            f"wrote {args.output}: {len(sc.windows)} windows, output {sc.out_shape[0]} x {sc.out_shape[1]}",
            file=sys.stderr,
        )
    return 0


def register(subparsers: Any) -> None:
    """Add the ``figure`` sub-command to ``symconv``'s parser.

    >>> parser = argparse.ArgumentParser(prog="symconv")
    >>> register(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["figure", "corr2d", "--n", "5", "--k", "3", "--s", "2"]).s
    2
    >>> parser.parse_args(["figure", "stride_eq_subsample"]).n is None
    True
    """
    p = subparsers.add_parser(
        "figure",
        help="a window figure (TikZ .tex, or .svg/.png/.gif through matplotlib)",
        description="Draw the padded input, the kernel, the output and every window. "
        + "; ".join(f"{op}: {what}" for op, what in OPERATORS.items())
        + ". Or a theorem's figure, at its own sizes: "
        + ", ".join(THEOREM_FIGURES)
        + ".",
    )
    p.add_argument("op", choices=[*OPERATORS, *THEOREM_FIGURES], metavar="OP|THEOREM", help="an operator or a theorem")
    p.add_argument("--n", type=_ints, default=None, help="input size: 5 or 4,6 (an operator needs it)")
    p.add_argument("--k", type=_ints, default=None, help="kernel (window) size: 3 or 2,3 (an operator needs it)")
    p.add_argument("--s", type=_ints, default=None, help="stride (default 1; pooling: the window)")
    p.add_argument("--p", type=_ints, default=None, help="padding per side (default 0)")
    p.add_argument("--d", type=_ints, default=None, help="dilation (default 1)")
    p.add_argument("--ceil", action="store_true", help="pooling: PyTorch's ceil_mode")
    p.add_argument("--numeric", action="store_true", help="the notes' numbers 0, 1, 2, ... instead of symbols")
    p.add_argument("-o", "--output", help="fig.tex (a LaTeX document), fig.svg, fig.png or fig.gif; default stdout")
    p.add_argument("--standalone", action="store_true", help="on stdout: a complete LaTeX document")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=_cmd_figure)
