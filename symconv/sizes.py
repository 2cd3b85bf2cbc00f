"""Size keywords, named as in the notes, and their normal form.

``n`` (input), ``k`` (kernel) are spatial: an int (square), a pair ``(h, w)``
or a 1-tuple (1-D); ``c_i``, ``c_o``, ``groups`` are positive ints; ``s``,
``p``, ``d``, ``ceil``, ``cip`` are the window's stride, padding, dilation,
ceil_mode and count_include_pad.
"""

from __future__ import annotations

from typing import Any

from .errors import ParameterError

__all__ = ["DEFAULTS", "SIZE_NAMES", "normalize_sizes", "size_label"]

SPATIAL = ("n", "k")
SCALAR = ("c_i", "c_o", "groups")
HYPER = ("s", "p", "d", "ceil", "cip")
SIZE_NAMES = SPATIAL + SCALAR + HYPER
DEFAULTS = {"s": 1, "p": 0, "d": 1}


def normalize_sizes(raw: dict[str, Any]) -> dict[str, Any]:
    """Validate size keywords; spatial sizes become tuples, defaults filled in.

    >>> normalize_sizes({"n": 4, "k": (2, 3)})
    {'s': 1, 'p': 0, 'd': 1, 'n': (4, 4), 'k': (2, 3)}
    >>> normalize_sizes({"n": (5,), "k": 2})
    {'s': 1, 'p': 0, 'd': 1, 'n': (5,), 'k': (2,)}
    """
    out: dict[str, Any] = dict(DEFAULTS)
    for key, value in raw.items():
        if key not in SIZE_NAMES:
            raise ParameterError(key, value, f"a size keyword, one of {', '.join(SIZE_NAMES)}")
        out[key] = _freeze(value)
    dims = len(out["n"]) if isinstance(out.get("n"), tuple) else 2
    for key in SPATIAL:
        if key in out:
            value = out[key]
            if isinstance(value, tuple):
                if not value or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in value):
                    raise ParameterError(key, value, "a positive int or a tuple of positive ints")
            elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ParameterError(key, value, "a positive int or a tuple of positive ints")
            else:
                out[key] = (value,) * dims
    for key in SCALAR:
        if key in out and (isinstance(out[key], bool) or not isinstance(out[key], int) or out[key] < 1):
            raise ParameterError(key, out[key], "a positive int")
    return out


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        value = tuple(value)
    if isinstance(value, tuple):
        return tuple(_freeze(v) for v in value)
    return value


def size_label(sizes: dict[str, Any]) -> str:
    """Compact text for a size dict: ``n=4x4,k=2x2,s=2``."""
    parts = []
    for key in SIZE_NAMES:
        if key not in sizes or (key in DEFAULTS and sizes[key] == DEFAULTS[key]):
            continue
        value = sizes[key]
        if isinstance(value, tuple) and all(isinstance(v, int) for v in value):
            text = "x".join(map(str, value))
        else:
            text = str(value).replace(" ", "")
        parts.append(f"{key}={text}")
    return ",".join(parts)
