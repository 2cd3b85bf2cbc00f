"""Derivatives by differentiation of the operators' own symbolic output.

For an upstream gradient :math:`\\delta` (an array of the output's shape) the
scalar :math:`\\ell = \\sum \\delta \\odot \\mathbf{H}` is differentiated with
respect to every input symbol: nothing here writes a known gradient down.
On SymPy expressions that is ``sympy.diff``; on the sparse polynomials of
:mod:`symconv.symbolic.sparse` it is the same derivative by exact
coefficient extraction (:func:`symconv.symbolic.sparse.vjp`).

Max pooling is the one exception by design: its derivative is only defined
away from ties.  SymPy's own ``Max`` derivative gives ``Heaviside(0) = 1/2``
to each tied argument (three tied arguments receive 3/2 in total), so at ties
:func:`pool2d_vjp` takes an explicit policy instead:

* ``"first"`` — the first maximal element in row-major window order gets the
  whole gradient (``torch.nn.functional.max_pool2d``);
* ``"split"`` — the maximal elements share it evenly (``torch.amax``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import sympy

from ..errors import ParameterError, ShapeError, public
from ..spec import as_int, pool_window
from .ops import conv1d, conv2d, conv3d, corr1d, corr2d, corr2d_multi_in_out, corr3d, operand
from .pool import LAYOUTS, pool1d, pool2d, pool3d
from .tensor import SYMPY, Array, as_array, common, entries, flat, scalars_of
from .window import windows

__all__ = [
    "vjp",
    "conv1d_vjp",
    "conv3d_vjp",
    "corr1d_vjp",
    "corr2d_vjp",
    "corr3d_vjp",
    "conv2d_vjp",
    "corr2d_multi_in_out_vjp",
    "pool1d_vjp",
    "pool2d_vjp",
    "pool3d_vjp",
    "sympy_max_tie_mass",
    "TIES",
]

TIES = ("first", "split")


def vjp(forward: Callable[..., Array], inputs: dict[str, Any], delta: Any) -> dict[str, Array]:
    """Gradients of :math:`\\ell = \\sum \\delta \\odot \\text{forward}(\\ldots)` by differentiation.

    ``inputs`` maps keyword names of ``forward`` to arrays; an array that is
    not made of distinct symbols is replaced by fresh symbols for the
    differentiation and its values are substituted afterwards.  The result
    maps the same names to arrays of the same shapes.

    >>> from symconv import symbols, corr2d
    >>> X, W = symbols("x", (2, 2)), symbols("w", (1, 1))
    >>> g = vjp(lambda X, W: corr2d(X, W), {"X": X, "W": W}, symbols("δ", (2, 2)))
    >>> g["W"][0, 0]
    x_{1,1}*δ_{1,1} + x_{1,2}*δ_{1,2} + x_{2,1}*δ_{2,1} + x_{2,2}*δ_{2,2}
    """
    arrays = {name: as_array(arr, name, (1, 2, 3, 4)) for name, arr in inputs.items()}
    scalars, converted = common(*arrays.values())
    if scalars is not SYMPY:
        return scalars.vjp(forward, dict(zip(arrays, converted)), delta)
    values: dict[sympy.Symbol, Any] = {}
    for name, arr in arrays.items():
        cells = entries(arr)
        if not (all(isinstance(e, sympy.Symbol) for e in cells) and len(set(cells)) == len(cells)):
            fresh = [sympy.Dummy(f"{name}{i}", real=True) for i in range(len(cells))]
            values.update(zip(fresh, cells))
            arrays[name] = flat(fresh, arr.shape)
    inputs = arrays
    H = forward(**inputs)
    delta = as_array(delta, "delta", (H.rank(),))
    if delta.shape != H.shape:
        raise ShapeError("delta", delta, f"the output's shape {H.shape}")
    # ∂ℓ/∂x = Σ δ_o ∂H_o/∂x, summed over the outputs H_o that contain x
    occurs: dict[sympy.Symbol, list[tuple[Any, Any]]] = defaultdict(list)
    for d, h in zip(entries(delta), entries(H)):
        for s in sympy.sympify(h).free_symbols:
            occurs[s].append((d, h))

    def grad(x: sympy.Symbol) -> Any:
        g = sympy.Add(*(d * sympy.diff(h, x) for d, h in occurs.get(x, ())))
        return g.xreplace(values) if values else g

    return {name: flat([grad(x) for x in entries(arr)], arr.shape) for name, arr in inputs.items()}


@public
def corr2d_vjp(X: Any, K: Any, delta: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> tuple[Array, Array]:
    """Gradients ``(∂ℓ/∂X, ∂ℓ/∂K)`` of :math:`\\ell = \\sum \\delta \\odot \\operatorname{corr2d}(X, K)`.

    ``X``: ``(H, W)`` and ``K``: ``(k_h, k_w)``, arrays of symbols; ``delta``
    has the output's shape.

    >>> from symconv import symbols
    >>> dX, dK = corr2d_vjp(symbols("x", (3, 3)), symbols("w", (2, 2)), symbols("δ", (2, 2)))
    >>> dX[0, 0], dK.shape
    (w_{1,1}*δ_{1,1}, (2, 2))
    """
    g = vjp(lambda X, K: corr2d(X, K, stride, padding, dilation), {"X": X, "K": K}, delta)
    return g["X"], g["K"]


@public
def conv2d_vjp(X: Any, K: Any, delta: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> tuple[Array, Array]:
    """Gradients ``(∂ℓ/∂X, ∂ℓ/∂K)`` of :math:`\\ell = \\sum \\delta \\odot \\operatorname{conv2d}(X, K)`.

    >>> from symconv import symbols
    >>> dX, dK = conv2d_vjp(symbols("x", (2, 2)), symbols("w", (2, 2)), symbols("δ", (1, 1)))
    >>> dX[0, 0]
    w_{2,2}*δ_{1,1}
    """
    g = vjp(lambda X, K: conv2d(X, K, stride, padding, dilation), {"X": X, "K": K}, delta)
    return g["X"], g["K"]


@public
def corr1d_vjp(x: Any, w: Any, delta: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> tuple[Array, Array]:
    """Gradients ``(∂ℓ/∂x, ∂ℓ/∂w)`` of :math:`\\ell = \\sum \\delta \\odot \\operatorname{corr1d}(x, w)`.

    >>> from symconv import symbols
    >>> dx, dw = corr1d_vjp(symbols("x", 3), symbols("w", 2), symbols("δ", 2))
    >>> dx[1], dw[0]
    (w_{1}*δ_{2} + w_{2}*δ_{1}, x_{1}*δ_{1} + x_{2}*δ_{2})
    """
    g = vjp(lambda x, w: corr1d(x, w, stride, padding, dilation), {"x": x, "w": w}, delta)
    return g["x"], g["w"]


@public
def conv1d_vjp(x: Any, w: Any, delta: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> tuple[Array, Array]:
    """Gradients ``(∂ℓ/∂x, ∂ℓ/∂w)`` of :math:`\\ell = \\sum \\delta \\odot \\operatorname{conv1d}(x, w)`.

    >>> from symconv import symbols
    >>> dx, dw = conv1d_vjp(symbols("x", 2), symbols("w", 2), symbols("δ", 1))
    >>> dx[0]
    w_{2}*δ_{1}
    """
    g = vjp(lambda x, w: conv1d(x, w, stride, padding, dilation), {"x": x, "w": w}, delta)
    return g["x"], g["w"]


@public
def corr3d_vjp(X: Any, K: Any, delta: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> tuple[Array, Array]:
    """Gradients ``(∂ℓ/∂X, ∂ℓ/∂K)`` of :math:`\\ell = \\sum \\delta \\odot \\operatorname{corr3d}(X, K)`.

    >>> from symconv import symbols
    >>> dX, dK = corr3d_vjp(symbols("x", (2, 1, 1)), symbols("w", (1, 1, 1)), symbols("δ", (2, 1, 1)))
    >>> dX[1, 0, 0], dK[0, 0, 0]
    (w_{1,1,1}*δ_{2,1,1}, x_{1,1,1}*δ_{1,1,1} + x_{2,1,1}*δ_{2,1,1})
    """
    g = vjp(lambda X, K: corr3d(X, K, stride, padding, dilation), {"X": X, "K": K}, delta)
    return g["X"], g["K"]


@public
def conv3d_vjp(X: Any, K: Any, delta: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> tuple[Array, Array]:
    """Gradients ``(∂ℓ/∂X, ∂ℓ/∂K)`` of :math:`\\ell = \\sum \\delta \\odot \\operatorname{conv3d}(X, K)`.

    >>> from symconv import symbols
    >>> dX, dK = conv3d_vjp(symbols("x", (2, 1, 1)), symbols("w", (2, 1, 1)), symbols("δ", (1, 1, 1)))
    >>> dX[0, 0, 0]
    w_{2,1,1}*δ_{1,1,1}
    """
    g = vjp(lambda X, K: conv3d(X, K, stride, padding, dilation), {"X": X, "K": K}, delta)
    return g["X"], g["K"]


@public
def corr2d_multi_in_out_vjp(
    X: Any,
    K: Any,
    delta: Any,
    bias: Any = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> tuple[Array, Array, Array]:
    """Gradients ``(∂ℓ/∂X, ∂ℓ/∂K, ∂ℓ/∂b)`` of a multi-channel layer with bias.

    ``X``: ``(c_i, H, W)``; ``K``: ``(c_o, c_i/g, k_h, k_w)``; ``delta``:
    ``(c_o, H', W')``; without ``bias``, fresh symbols ``b`` stand for it.

    >>> from symconv import symbols
    >>> X, K, D = symbols("x", (1, 2, 2)), symbols("w", (2, 1, 1, 1)), symbols("δ", (2, 2, 2))
    >>> dX, dK, db = corr2d_multi_in_out_vjp(X, K, D)
    >>> db[1]
    δ_{2,1,1} + δ_{2,1,2} + δ_{2,2,1} + δ_{2,2,2}
    """
    K_arr = as_array(K, "K", (4,))
    b = scalars_of(as_array(X, "X", (3,)), K_arr).symbols("b", K_arr.shape[0]) if bias is None else bias
    g = vjp(
        lambda X, K, b: corr2d_multi_in_out(X, K, b, stride, padding, dilation, groups),
        {"X": X, "K": K_arr, "b": b},
        delta,
    )
    return g["X"], g["K"], g["b"]


@public
def pool2d_vjp(
    X: Any,
    delta: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    mode: str = "max",
    dilation: Any = 1,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
    tie: str | None = None,
) -> Array:
    """Gradient ``∂ℓ/∂X`` of :math:`\\ell = \\sum \\delta \\odot \\operatorname{pool2d}(X)`.

    With ``tie=None`` it is SymPy's derivative of the symbolic pooling (for
    max pooling: ``Heaviside(x_u - Max(others))``, valid away from ties).
    With ``tie="first"`` or ``"split"`` (max pooling, numeric ``X``) each
    window's gradient is routed by that policy.

    >>> pool2d_vjp([[1, 1], [0, 1]], [[6]], 2, tie="first")
    [[6, 0], [0, 0]]
    >>> pool2d_vjp([[1, 1], [0, 1]], [[6]], 2, tie="split")
    [[2, 2], [0, 2]]
    """
    args = (kernel_size, stride, padding, mode, dilation, ceil_mode, count_include_pad, divisor_override)
    return _pool_vjp(X, delta, 2, args, tie)


@public
def pool1d_vjp(
    x: Any,
    delta: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    mode: str = "max",
    dilation: Any = 1,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
    tie: str | None = None,
) -> Array:
    """Gradient ``∂ℓ/∂x`` of :math:`\\ell = \\sum \\delta \\odot \\operatorname{pool1d}(x)`; as :func:`pool2d_vjp`.

    >>> pool1d_vjp([1, 3, 2, 2], [5, 7], 2, tie="split")
    [0, 5, 7/2, 7/2]
    """
    args = (kernel_size, stride, padding, mode, dilation, ceil_mode, count_include_pad, divisor_override)
    return _pool_vjp(x, delta, 1, args, tie, name="x")


@public
def pool3d_vjp(
    X: Any,
    delta: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    mode: str = "max",
    dilation: Any = 1,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
    tie: str | None = None,
) -> Array:
    """Gradient ``∂ℓ/∂X`` of :math:`\\ell = \\sum \\delta \\odot \\operatorname{pool3d}(X)`; as :func:`pool2d_vjp`.

    >>> pool3d_vjp([[[0, 1]], [[3, 2]]], [[[6]]], (2, 1, 2), tie="first")
    [[[0, 0]], [[6, 0]]]
    """
    args = (kernel_size, stride, padding, mode, dilation, ceil_mode, count_include_pad, divisor_override)
    return _pool_vjp(X, delta, 3, args, tie)


def _pool_vjp(X: Any, delta: Any, dims: int, args: tuple, tie: str | None, name: str = "X") -> Array:
    """Pooling's gradient over the last ``dims`` axes: SymPy's derivative, or routed by a ``tie`` policy."""
    kernel_size, stride, padding, mode, dilation, ceil_mode, _cip, _div = args
    pool = {1: pool1d, 2: pool2d, 3: pool3d}[dims]
    if tie is None:
        return vjp(lambda X: pool(X, *args), {"X": X}, delta)["X"]
    if tie not in TIES:
        raise ParameterError("tie", tie, "None, 'first' or 'split'")
    if mode != "max":
        raise ParameterError("mode", mode, "'max' with a tie policy (average pooling has no ties)")
    X = operand(X, name, LAYOUTS[dims])
    if not all(sympy.sympify(e).is_number for e in entries(X)):
        raise ParameterError(name, X, "numbers: a tie policy routes by value")
    window = pool_window(X.shape[-dims:], kernel_size, stride, padding, dilation, ceil_mode, mode)
    if X.rank() > dims:
        delta = as_array(delta, "delta", (dims + 1,))
        if delta.shape[0] != X.shape[0]:
            raise ShapeError("delta", delta, f"the output's shape, with X's {X.shape[0]} channels first")
        return Array([route(X[c], delta[c], window, tie).tolist() for c in range(X.shape[0])])
    return route(X, as_array(delta, "delta", (dims,)), window, tie)


def route(X: Array, delta: Array, window, tie: str) -> Array:
    """Send each window's ``delta`` to its maximal cells by the ``tie`` policy."""
    shape, positions = windows(window)
    if delta.shape != shape:
        raise ShapeError("delta", delta, f"the output's shape {shape}")
    x, d = entries(X), entries(delta)
    grad: dict[int, Any] = defaultdict(lambda: sympy.Integer(0))
    for o, taps in enumerate(positions):
        real = [u for _, u in taps.real]  # the window's cells in X, row-major
        if not real:
            continue
        top = max(x[u] for u in real)
        winners = [u for u in real if x[u] == top]
        if tie == "first":
            grad[winners[0]] += d[o]
        else:
            for u in winners:
                grad[u] += sympy.sympify(d[o]) / len(winners)
    return flat([grad[u] for u in range(len(x))], X.shape)


def sympy_max_tie_mass(arity: int = 3) -> sympy.Expr:
    """Total of SymPy's ``Max`` derivative over ``arity`` tied arguments.

    >>> sympy_max_tie_mass(3)
    3/2
    """
    arity = as_int(arity, "arity", minimum=2)
    xs = sympy.symbols(f"t1:{arity + 1}", real=True)
    m = sympy.Max(*xs)
    return sympy.Add(*(m.diff(x) for x in xs)).subs(dict.fromkeys(xs, 0))
