"""Progress bars for long runs, on stderr (``tqdm``), off unless asked for.

:func:`symconv.verify` and :func:`symconv.prove` take ``progress=True``; the
command line shows a bar unless ``--json`` or ``-q`` is given, so that stdout
stays clean for the results.

>>> list(bar(range(3), total=3, desc="sizes", enabled=False))
[0, 1, 2]
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["bar"]

T = TypeVar("T")


def bar(items: Iterable[T], *, total: int | None = None, desc: str = "", enabled: bool = True) -> Iterator[T]:
    """``items``, with a progress bar on stderr when ``enabled`` (it disappears when done).

    >>> sum(bar(range(4), total=4, desc="sizes"))
    6
    """
    if not enabled:
        yield from items
        return
    tqdm = importlib.import_module("tqdm").tqdm  # loaded when a bar is shown (symconv imports without it)
    with tqdm(items, total=total, desc=desc, file=sys.stderr, leave=False, dynamic_ncols=True) as shown:
        yield from shown
