"""What the code under test must compute: symconv's own operators, and the inputs it is tried on.

Expected values come from :mod:`symconv.numeric` (never from the code under
test, never from torch).  On the integer trials its inputs are object arrays
of Python ints, so every expected value is exact: an int, or a
:class:`~fractions.Fraction` for averages.  True convolution is correlation
with the kernel rotated by 180° (the proved theorem ``conv_eq_corr_rot180``).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from .. import numeric as npc
from .configs import CONV_OPS, ConvConfig

__all__ = ["TRIALS", "Trial", "compare", "expected_backward", "expected_forward", "trials"]

#: The trials each configuration is tried on, by operator family: exact ones first.
TRIALS = {
    "conv": ("integers", "integers", "floats"),
    "max": ("distinct", "negative", "ties", "floats"),
    "avg": ("integers", "floats"),
}

#: Relative tolerance for a non-integer exact value (an average), by the result's dtype.
EXACT_RTOL = {np.dtype(np.float64): 1e-12, np.dtype(np.float32): 1e-5}
#: Relative tolerance (of the largest expected magnitude, plus one) on float inputs, by the result's dtype.
FLOAT_RTOL = {np.dtype(np.float64): 1e-9, np.dtype(np.float32): 1e-4}
LOOSE_RTOL = 1e-2  # float16 and other dtypes


def family(op: str) -> str:
    return "conv" if op in CONV_OPS else op.split("_")[0]


@dataclass
class Trial:
    """Inputs of one call: canonical arrays ``X``, ``W``, ``b`` (convolution), and ``delta`` (backward).

    >>> Trial("floats", {}).exact, Trial("ties", {}).exact
    (False, True)
    """

    kind: str
    inputs: dict[str, np.ndarray | None]

    @property
    def exact(self) -> bool:
        return self.kind != "floats"


def _seed(cfg: Any, kind: str, index: int) -> int:
    return zlib.crc32(f"{cfg.id}/{kind}/{index}".encode())


def _nonzero(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Integers in ±1..9: no zeros, so a single wrong coefficient always shows."""
    return rng.integers(1, 10, size=shape) * rng.choice((-1, 1), size=shape)


def trials(op: str, cfg: Any, backward: bool) -> list[Trial]:
    """The deterministic inputs tried at one configuration.

    Convolution: two draws of non-zero integers in ±1..9, then floats.  Max
    pooling: distinct integers (a permutation), distinct negative integers
    (what padding counts as shows), 0/1 values (ties in almost every window),
    then floats.  Average pooling: integers, floats.

    >>> from symconv.testing.configs import PoolConfig
    >>> [t.kind for t in trials("max_pool2d", PoolConfig(), backward=True)]
    ['distinct', 'negative', 'ties', 'floats']
    >>> sorted(trials("max_pool2d", PoolConfig(), backward=False)[0].inputs["X"].ravel().tolist())[:3]
    [-8, -7, -6]
    """
    out = []
    out_shape = cfg.out_shape
    for index, kind in enumerate(TRIALS[family(op)]):
        rng = np.random.default_rng(_seed(cfg, kind, index))
        if kind == "floats":
            draw = rng.standard_normal
        elif kind == "distinct":
            size = int(np.prod(cfg.x_shape))

            def draw(shape: tuple[int, ...], rng: np.random.Generator = rng, size: int = size) -> np.ndarray:
                if shape == cfg.x_shape:
                    return (rng.permutation(size) - size // 2).reshape(shape)
                return _nonzero(rng, shape)
        elif kind == "negative":
            size = int(np.prod(cfg.x_shape))

            def draw(shape: tuple[int, ...], rng: np.random.Generator = rng, size: int = size) -> np.ndarray:
                if shape == cfg.x_shape:
                    return -1 - rng.permutation(size).reshape(shape)
                return _nonzero(rng, shape)
        elif kind == "ties":

            def draw(shape: tuple[int, ...], rng: np.random.Generator = rng) -> np.ndarray:
                return rng.integers(0, 2, size=shape) if shape == cfg.x_shape else _nonzero(rng, shape)
        else:

            def draw(shape: tuple[int, ...], rng: np.random.Generator = rng) -> np.ndarray:
                return _nonzero(rng, shape)

        inputs: dict[str, np.ndarray | None] = {"X": draw(cfg.x_shape)}
        if isinstance(cfg, ConvConfig):
            inputs["W"] = draw(cfg.w_shape)
            inputs["b"] = draw(cfg.b_shape) if cfg.bias else None
        if backward:
            inputs["delta"] = draw(out_shape)
        out.append(Trial(kind, inputs))
    return out


def _exact(a: np.ndarray | None) -> np.ndarray | None:
    """Object array of Python ints (exact arithmetic in symconv.numeric)."""
    if a is None:
        return None
    return np.array(a.tolist(), dtype=object) if a.dtype.kind in "iu" else a


def expected_forward(op: str, cfg: Any, X: np.ndarray, W: np.ndarray | None = None, b: np.ndarray | None = None):
    """The operator's output in the canonical layout, computed by :mod:`symconv.numeric`.

    >>> from symconv.testing.configs import ConvConfig
    >>> cfg = ConvConfig(size=3, kernel=2)
    >>> X, W = np.arange(9).reshape(cfg.x_shape), np.array([[[[0, 1], [2, 3]]]])
    >>> expected_forward("corr2d", cfg, X, W).tolist()
    [[[[19, 25], [37, 43]]]]
    >>> expected_forward("conv2d", cfg, X, W).tolist()
    [[[[5, 11], [23, 29]]]]
    """
    X, W, b = _exact(X), _exact(W), _exact(b)
    if op in CONV_OPS:
        K = npc.rot180(W) if op == "conv2d" else W
        return npc.corr2d_multi_in_out(X, K, b, cfg.stride, cfg.padding, cfg.dilation, cfg.groups)
    return npc.pool2d(
        X,
        cfg.kernel,
        cfg.stride,
        cfg.padding,
        "max" if op == "max_pool2d" else "avg",
        cfg.dilation,
        cfg.ceil_mode,
        cfg.count_include_pad,
    )


def expected_backward(op: str, cfg: Any, X: np.ndarray, W: Any, b: Any, delta: np.ndarray) -> dict[str, np.ndarray]:
    """Gradients of :math:`\\ell = \\sum \\delta \\odot \\operatorname{op}(\\ldots)` by :mod:`symconv.numeric`.

    Keys ``"X"``, ``"W"``, ``"b"`` (convolution; ``"b"`` only with a bias) or
    ``"X"`` (pooling; ties go to the first maximum, as PyTorch's).

    >>> from symconv.testing.configs import PoolConfig
    >>> X, delta = np.zeros((1, 1, 2, 2), int), np.ones((1, 1, 1, 1), int)
    >>> expected_backward("max_pool2d", PoolConfig(size=2), X, None, None, delta)["X"].astype(float).tolist()
    [[[[1.0, 0.0], [0.0, 0.0]]]]
    """
    X, W, b, delta = _exact(X), _exact(W), _exact(b), _exact(delta)
    if op in CONV_OPS:
        K = npc.rot180(W) if op == "conv2d" else W
        dX, dK, db = npc.corr2d_multi_in_out_vjp(X, K, delta, b, cfg.stride, cfg.padding, cfg.dilation, cfg.groups)
        grads = {"X": dX, "W": npc.rot180(dK) if op == "conv2d" else dK}
        if cfg.bias:
            grads["b"] = db
        return grads
    mode = "max" if op == "max_pool2d" else "avg"
    dX = npc.pool2d_vjp(
        X, delta, cfg.kernel, cfg.stride, cfg.padding, mode, cfg.dilation, cfg.ceil_mode, cfg.count_include_pad
    )
    return {"X": dX}


def _rtol(table: dict, dtype: np.dtype) -> float:
    return table.get(np.dtype(dtype), LOOSE_RTOL)


def comparison(op: str, trial: Trial) -> str:
    """How a trial's results are compared: ``"exact"`` (integer arithmetic: sums of products, maxima),
    ``"rational"`` (exact inputs through a division: averages) or ``"float"``.

    >>> comparison("avg_pool2d", Trial("integers", {}))
    'rational'
    """
    if not trial.exact:
        return "float"
    return "rational" if op == "avg_pool2d" else "exact"


def compare(got: np.ndarray, expected: np.ndarray, how: str) -> tuple[int, ...] | None:
    """The first (row-major, 0-based) index at which ``got`` is wrong, or None.

    ``"exact"``: every value must come out exactly (integers and infinities
    are floats without rounding).  ``"rational"``: within ``EXACT_RTOL`` of the
    result's dtype, relative to the exact value (at least 1).  ``"float"``:
    within ``FLOAT_RTOL`` times one plus the largest expected magnitude.
    Shapes must already agree.

    >>> compare(np.array([1.0, 2.5]), np.array([1, Fraction(5, 2)], dtype=object), "rational") is None
    True
    >>> compare(np.array([1.0, 2.0]), np.array([1, 3], dtype=object), "exact")
    (1,)
    """
    got_f = got.astype(np.float64)
    if how == "float":
        exp_f = np.asarray(expected, dtype=np.float64)
        finite = np.isfinite(exp_f)
        scale = 1.0 + (np.abs(exp_f[finite]).max() if finite.any() else 0.0)
        ok = np.where(finite, np.abs(got_f - exp_f) <= _rtol(FLOAT_RTOL, got.dtype) * scale, got_f == exp_f)
    else:
        exp_f = np.array([float(v) for v in expected.ravel()], dtype=np.float64).reshape(expected.shape)
        if how == "exact":
            ok = got_f == exp_f
        else:
            finite = np.isfinite(exp_f)
            tol = _rtol(EXACT_RTOL, got.dtype) * np.maximum(1.0, np.abs(np.where(finite, exp_f, 0)))
            ok = np.where(finite, np.abs(got_f - exp_f) <= tol, got_f == exp_f)
    bad = np.argwhere(~ok)
    return tuple(int(i) for i in bad[0]) if len(bad) else None


def tolerance_text(dtype: np.dtype, how: str, value: Any = 0) -> str:
    """How an entry was compared, for failure messages.

    >>> tolerance_text(np.dtype("float64"), "exact", 3)
    'compared exactly'
    >>> tolerance_text(np.dtype("float64"), "rational", Fraction(1, 3))
    'an exact 1/3, within a relative 1e-12 for float64'
    """
    dtype = np.dtype(dtype)
    if how == "exact":
        return "compared exactly"
    if how == "rational":
        return f"an exact {value}, within a relative {_rtol(EXACT_RTOL, dtype):g} for {dtype}"
    return f"floats, within {_rtol(FLOAT_RTOL, dtype):g} × (1 + max |expected|) for {dtype}"


def as_exact_text(v: Any) -> str:
    """An exact value as people write it: ``3``, ``5/2``, ``-inf``, or a float.

    >>> as_exact_text(Fraction(5, 2)), as_exact_text(3.0), as_exact_text(0.1)
    ('5/2', '3', '0.1')
    """
    if isinstance(v, Fraction):
        return str(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if f.is_integer():
            return str(int(f))
        return repr(f) if np.isfinite(f) else ("-inf" if f < 0 else "inf" if f > 0 else "nan")
    return str(v)
