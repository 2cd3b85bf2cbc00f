"""Probing a black box: recover the exact coefficients of what it computes.

Correlation and convolution are bilinear in ``(X, W)``; with the upstream
gradient ``δ`` they are one trilinear form
:math:`\\ell(\\delta, X, W) = \\sum \\delta \\odot \\operatorname{op}(X, W)`, and the
output, :math:`\\partial\\ell/\\partial X` and :math:`\\partial\\ell/\\partial W` are
its three partial maps.  Feeding unit impulses recovers the form's
coefficient tensor ``C[out, x, w]`` (axes ``(n, o, i, j)``, ``(n', c, h, w)``,
``(o', q, a, b)``) from any of the three, one call per pair of impulses, with
the ``X`` impulses stacked along the batch where a forward or ``∂ℓ/∂X`` call
takes a batch.

Pooling is piecewise linear: average pooling is linear (impulses give its
weights); max pooling is probed with distinct values, one cell at a time
made the largest (which outputs take it: the windows), and with every value
tied (where the gradient goes at a tie).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "ConvProbe",
    "conv_backward",
    "conv_forward",
    "pool_backward_linear",
    "pool_backward_max",
    "pool_linear",
    "pool_max",
]

Forward = Callable[[np.ndarray, Any, Any], np.ndarray]
Backward = Callable[[np.ndarray, Any, Any, np.ndarray], dict]


def _basis(shape: tuple[int, ...]) -> np.ndarray:
    """All unit impulses of ``shape``: ``(size, *shape)``."""
    n = math.prod(shape)
    return np.eye(n).reshape(n, *shape)


def stacked(call: Callable[..., np.ndarray], batches: list[np.ndarray], others: tuple = ()) -> np.ndarray:
    """``call`` on each probe of ``batches`` (``(P, N, ...)`` arrays, stacked along ``N``): ``(P, N, ...)``.

    One call with the probes stacked along the batch axis; if the result does
    not split back into ``P`` probes (or the call fails), one call per probe.
    """
    P, N = batches[0].shape[:2]
    try:
        out = call(*(b.reshape(P * N, *b.shape[2:]) for b in batches), *others)
        if out.ndim >= 1 and out.shape[0] == P * N:
            return out.reshape(P, N, *out.shape[1:])
    except Exception:
        pass
    return np.stack([call(*(b[p] for b in batches), *others) for p in range(P)])


@dataclass
class ConvProbe:
    """Coefficients of a convolution's trilinear form, from one of its maps (see :func:`conv_forward`).

    ``C``: ``(*out, *x, *w)``; ``B``: ``(*out, c_o)`` bias coefficients (forward),
    or ``(*out, c_o)`` for ``∂ℓ/∂b[k] = Σ D[o, k] δ[o]``; ``affine``: names of
    non-bilinear parts found (terms in one argument alone, a constant).

    >>> p = conv_forward(lambda X, W, b: X * W, (1, 1, 1, 1), (1, 1, 1, 1), bias=False)
    >>> p.C.ravel().tolist(), p.affine, p.predict(np.full((1, 1, 1, 1), 3.0), np.full((1, 1, 1, 1), 2.0), None).ravel()
    ([1.0], [], array([6.]))
    """

    C: np.ndarray
    B: np.ndarray | None
    out_shape: tuple[int, ...]
    x_shape: tuple[int, ...]
    w_shape: tuple[int, ...]
    affine: list[str]

    def predict(self, X: np.ndarray, W: np.ndarray, b: Any) -> np.ndarray:
        """The forward output this probe predicts (used to confirm the map is bilinear)."""
        flat = self.C.reshape(math.prod(self.out_shape), X.size, W.size)
        out = np.einsum("oxw,x,w->o", flat, X.ravel(), W.ravel())
        if self.B is not None and b is not None:
            out = out + self.B.reshape(math.prod(self.out_shape), len(b)) @ b
        return out.reshape(self.out_shape)


def conv_forward(call: Forward, x_shape: tuple[int, ...], w_shape: tuple[int, ...], bias: bool) -> ConvProbe:
    """Probe ``call(X, W, b)``: ``C[o, u, j] = f(e_u, e_j) − f(e_u, 0) − f(0, e_j) + f(0, 0)``.

    >>> from symconv.numeric import corr2d_multi_in_out
    >>> p = conv_forward(lambda X, W, b: corr2d_multi_in_out(X, W, b), (1, 1, 2, 2), (1, 1, 1, 1), bias=False)
    >>> p.C.shape, p.C.reshape(4, 4, 1)[:, :, 0].tolist() == np.eye(4).tolist()
    ((1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 1, 1), True)
    """
    c_o = w_shape[0]
    b0 = np.zeros(c_o) if bias else None
    zx, zw = np.zeros(x_shape), np.zeros(w_shape)
    c0 = call(zx, zw, b0)
    xs = _basis(x_shape)
    with_x = stacked(lambda X, W: call(X, W, b0), [xs], (zw,)) - c0  # terms in X alone
    affine = []
    if np.any(with_x != 0):
        affine.append("X")
    if np.any(c0 != 0):
        affine.append("constant")
    out_shape = c0.shape
    C = np.zeros((math.prod(out_shape), xs.shape[0], math.prod(w_shape)))
    lone_w = False
    for j, e in enumerate(_basis(w_shape)):
        only_w = call(zx, e, b0) - c0
        lone_w |= bool(np.any(only_w != 0))
        both = stacked(lambda X, W: call(X, W, b0), [xs], (e,)) - c0
        C[:, :, j] = (both - with_x - only_w).reshape(xs.shape[0], math.prod(out_shape)).T
    if lone_w:
        affine.append("W")
    B = None
    if bias:
        B = np.stack([(call(zx, zw, e) - c0).ravel() for e in np.eye(c_o)], axis=-1).reshape(*out_shape, c_o)
    return ConvProbe(C.reshape(*out_shape, *x_shape, *w_shape), B, out_shape, x_shape, w_shape, affine)


def conv_backward(
    call: Backward, out_shape: tuple[int, ...], x_shape: tuple[int, ...], w_shape: tuple[int, ...], bias: bool
) -> dict[str, ConvProbe]:
    """Probe a backward ``call(X, W, b, delta) -> {"X": dX, "W": dW, "b": db}``.

    ``∂ℓ/∂X`` is bilinear in ``(δ, W)`` and ``∂ℓ/∂W`` in ``(δ, X)``: the call with
    ``δ = e_o``, ``X = e_i``, ``W = e_i`` gives column ``(o, ·, i)`` of the form
    through ``dX`` and column ``(o, i, ·)`` through ``dW``.  Each result is
    returned in the form's own axis order ``(*out, *x, *w)``; the gradient's
    own axes take the shape the code returned.

    >>> from symconv.numeric import corr2d_multi_in_out_vjp
    >>> def bwd(X, W, b, d):
    ...     dX, dW, db = corr2d_multi_in_out_vjp(X, W, d)
    ...     return {"X": dX, "W": dW}
    >>> p = conv_backward(bwd, (1, 1, 1, 1), (1, 1, 2, 2), (1, 1, 2, 2), bias=False)
    >>> p["dX"].C.ravel().tolist() == p["dW"].C.ravel().tolist() == np.eye(4).ravel().tolist()
    True
    """
    nx, nw, no = math.prod(x_shape), math.prod(w_shape), math.prod(out_shape)
    b0 = np.zeros(w_shape[0]) if bias else None
    deltas = _basis(out_shape)
    xs, ws = _basis(x_shape), _basis(w_shape)
    zx, zw = np.zeros(x_shape), np.zeros(w_shape)
    dX: dict[tuple[int, int], np.ndarray] = {}
    dW: dict[tuple[int, int], np.ndarray] = {}
    db: dict[int, np.ndarray] = {}
    for o, d in enumerate(deltas):
        for i in range(max(nx, nw)):
            g = call(xs[i] if i < nx else zx, ws[i] if i < nw else zw, b0, d)
            if "X" in g and i < nw:
                dX[o, i] = g["X"]
            if "W" in g and i < nx:
                dW[o, i] = g["W"]
            if "b" in g and i == 0:
                db[o] = g["b"]
    out: dict[str, ConvProbe] = {}
    if dX:
        shape = _common_shape(dX.values(), "dX")
        C = np.zeros((no, math.prod(shape), nw))
        for (o, j), v in dX.items():
            C[o, :, j] = v.ravel()
        out["dX"] = ConvProbe(C.reshape(*out_shape, *shape, *w_shape), None, out_shape, shape, w_shape, [])
    if dW:
        shape = _common_shape(dW.values(), "dW")
        C = np.zeros((no, nx, math.prod(shape)))
        for (o, u), v in dW.items():
            C[o, u, :] = v.ravel()
        out["dW"] = ConvProbe(C.reshape(*out_shape, *x_shape, *shape), None, out_shape, x_shape, shape, [])
    if db:
        shape = _common_shape(db.values(), "db")
        D = np.stack([db[o].ravel() for o in range(no)]).reshape(*out_shape, *shape)
        out["db"] = ConvProbe(np.zeros(0), D, out_shape, x_shape, w_shape, [])
    return out


def _common_shape(values: Any, what: str) -> tuple[int, ...]:
    shapes = {v.shape for v in values}
    if len(shapes) != 1:
        raise ValueError(f"{what} changes shape between calls: {sorted(shapes)}")
    return shapes.pop()


def pool_linear(call: Callable[[np.ndarray], np.ndarray], x_shape: tuple[int, ...]) -> np.ndarray:
    """Weights ``A[o, u]`` of a linear map (average pooling): ``(*out, *x)``.

    >>> from symconv.numeric import pool2d
    >>> A = pool_linear(lambda X: pool2d(X, 2, mode="avg"), (1, 1, 2, 2))
    >>> A.reshape(4).tolist()
    [0.25, 0.25, 0.25, 0.25]
    """
    zero = call(np.zeros(x_shape))
    resp = stacked(call, [_basis(x_shape)]) - zero
    return np.moveaxis(resp.reshape(resp.shape[0], zero.size), 0, -1).reshape(*zero.shape, *x_shape)


def distinct_base(x_shape: tuple[int, ...]) -> np.ndarray:
    """Distinct negative values -1, -2, ... in a fixed shuffled order: every window has one maximum."""
    n = math.prod(x_shape)
    rng = np.random.default_rng(n)
    return -(1.0 + rng.permutation(n)).reshape(x_shape)


def pool_max(call: Callable[[np.ndarray], np.ndarray], x_shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Windows of a max pooling: ``R[o, u]`` is True when output ``o`` takes cell ``u`` when it is the largest.

    Cell ``u`` is set to 1 over distinct negative values; output ``o`` equals 1
    exactly when ``u`` lies in its window.  Also returns the output on the
    negative values alone (which shows what padding counts as).

    >>> from symconv.numeric import pool2d
    >>> R, _ = pool_max(lambda X: pool2d(X, 2, stride=1), (1, 1, 2, 3))
    >>> R.reshape(2, 6).astype(int).tolist()
    [[1, 1, 0, 1, 1, 0], [0, 1, 1, 0, 1, 1]]
    """
    base = distinct_base(x_shape)
    probes = np.repeat(base[None], math.prod(x_shape), axis=0)
    probes.reshape(len(probes), -1)[np.arange(len(probes)), np.arange(len(probes))] = 1.0
    resp = stacked(call, [probes])
    hit = (resp == 1.0).reshape(resp.shape[0], math.prod(resp.shape[1:]))
    R = np.moveaxis(hit, 0, -1).reshape(*resp.shape[1:], *x_shape)
    return R, call(base)


def pool_backward_max(
    call: Callable[[np.ndarray, np.ndarray], np.ndarray], x_shape: tuple[int, ...], out_shape: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Probe a max-pooling backward ``call(X, delta) -> dX``.

    Returns ``R[o, u]`` (``δ = e_o`` reaches cell ``u`` when ``u`` is the unique
    largest cell: the windows) and ``T[o, u]`` (what ``δ = e_o`` sends to cell
    ``u`` when every value is tied).

    >>> from symconv.numeric import pool2d_vjp
    >>> R, T = pool_backward_max(lambda X, d: pool2d_vjp(X, d, 2), (1, 1, 2, 2), (1, 1, 1, 1))
    >>> R.ravel().tolist(), T.ravel().tolist()
    ([True, True, True, True], [1.0, 0.0, 0.0, 0.0])
    """
    nx, no = math.prod(x_shape), math.prod(out_shape)
    base = distinct_base(x_shape)
    probes = np.repeat(base[None], nx, axis=0)
    probes.reshape(nx, -1)[np.arange(nx), np.arange(nx)] = 1.0
    R = np.zeros((no, nx), dtype=bool)
    T = np.zeros((no, nx))
    deltas = _basis(out_shape)
    for o, d in enumerate(deltas):
        resp = stacked(call, [probes, np.repeat(d[None], nx, axis=0)]).reshape(nx, nx)
        R[o] = np.diagonal(resp) == 1.0
    ties = stacked(call, [np.zeros((no, *x_shape)), deltas])
    T[:] = ties.reshape(no, -1)
    return R.reshape(*out_shape, *x_shape), T.reshape(*out_shape, *x_shape)


def pool_backward_linear(
    call: Callable[[np.ndarray, np.ndarray], np.ndarray], x_shape: tuple[int, ...], out_shape: tuple[int, ...]
) -> np.ndarray:
    """``A[o, u]``: what ``δ = e_o`` sends to cell ``u`` (average pooling's backward at ``X = 0``).

    >>> from symconv.numeric import pool2d_vjp
    >>> A = pool_backward_linear(lambda X, d: pool2d_vjp(X, d, 2, mode="avg"), (1, 1, 2, 2), (1, 1, 1, 1))
    >>> A.ravel().tolist()
    [0.25, 0.25, 0.25, 0.25]
    """
    no = math.prod(out_shape)
    resp = stacked(call, [np.zeros((no, *x_shape)), _basis(out_shape)])
    return resp.reshape(*out_shape, *resp.shape[1:])
