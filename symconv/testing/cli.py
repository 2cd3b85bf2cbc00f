"""``symconv check-impl FILE.py:FUNCTION --op OP --layout LAYOUT [--backward FUNCTION]``.

Prints ``PASS: ...`` (exit status 0) or the failure with its diagnosis
(exit status 1); a path, function or option that does not work is one line
on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import itertools
import sys
from pathlib import Path
from typing import Any

from ..errors import ParameterError
from .adapters import LAYOUTS
from .check import check_implementation
from .configs import OPS

__all__ = ["load", "register"]

_counter = itertools.count()


def load(spec: str, default_file: str | None = None) -> Any:
    """The object named by ``FILE.py:NAME`` or ``package.module:NAME`` (``NAME`` alone: in ``default_file``).

    A file is imported as a script would be, with its folder first on
    ``sys.path`` (so it can import its neighbours).

    >>> load("symconv.numeric:corr2d").__name__
    'corr2d'
    >>> load("no/such/file.py:f")
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: path: got 'no/such/file.py'; expected an existing Python file
    """
    where, sep, name = spec.rpartition(":")
    if not sep:
        if default_file is None:
            raise ParameterError("function", spec, "FILE.py:FUNCTION or package.module:FUNCTION")
        where, name = default_file, spec
    if not name:
        raise ParameterError("function", spec, "FILE.py:FUNCTION with a function name after the colon")
    module = _load_file(where) if where.endswith(".py") or Path(where).is_file() else _import(where)
    obj: Any = module
    for part in name.split("."):
        if not hasattr(obj, part):
            raise ParameterError("function", name, f"a name defined in {where}")
        obj = getattr(obj, part)
    return obj


def _load_file(path: str) -> Any:
    file = Path(path)
    if not file.is_file():
        raise ParameterError("path", path, "an existing Python file")
    spec = importlib.util.spec_from_file_location(f"_symconv_check_{file.stem}_{next(_counter)}", file)
    if spec is None or spec.loader is None:
        raise ParameterError("path", path, "a Python file")
    module = importlib.util.module_from_spec(spec)
    folder = str(file.resolve().parent)
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
    except Exception as err:  # the user's file may raise anything while it is imported
        raise ParameterError("path", path, f"a file that imports cleanly ({type(err).__name__}: {err})") from None
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(folder)
    return module


def _import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except Exception as err:  # ImportError, or whatever the module raises on import
        raise ParameterError("path", name, f"an existing .py file or an importable module ({err})") from None


def _cmd(args: argparse.Namespace) -> int:
    try:
        fn = load(args.function)
        backward: Any = False
        if args.backward == "autograd":
            backward = True
        elif args.backward:
            default = args.function.rpartition(":")[0] or None
            backward = load(args.backward, default)
        report = check_implementation(fn, args.op, layout=args.layout, backward=backward)
    except ParameterError as err:
        err.context = "check-impl"
        err.args = (str(err),)
        raise
    print(report.message)
    return 0 if report.passed else 1


def register(subparsers: Any) -> None:
    """Add the ``check-impl`` sub-command to ``symconv``'s parser.

    >>> parser = argparse.ArgumentParser(prog="symconv")
    >>> register(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["check-impl", "layers.py:conv_forward_naive", "--op", "corr2d", "--layout", "cs231n"])
    >>> args.function, args.op, args.layout, args.backward
    ('layers.py:conv_forward_naive', 'corr2d', 'cs231n', None)
    """
    p = subparsers.add_parser(
        "check-impl",
        help="check someone's convolution or pooling code against symconv's exact operator, and diagnose it",
    )
    p.add_argument("function", help="FILE.py:FUNCTION (or package.module:FUNCTION) to check")
    p.add_argument("--op", required=True, help=f"the operator it should compute: {', '.join(OPS)}")
    p.add_argument("--layout", default="symconv", help=f"how it takes its arguments: {', '.join(LAYOUTS)}")
    p.add_argument(
        "--backward",
        help="its backward function: FUNCTION (same file), FILE.py:FUNCTION, or 'autograd' (torch layouts)",
    )
    p.set_defaults(func=_cmd)
