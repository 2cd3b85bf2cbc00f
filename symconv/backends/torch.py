"""PyTorch witness: every symconv operator computed by ``torch.nn.functional``.

This is the third, external system of the cross-checks: the operators below
only validate their arguments (with :mod:`symconv.spec`, so errors read as
everywhere else in symconv) and then let PyTorch do the work, with its own
conventions.  Padding that PyTorch can express (a symmetric int or pair,
``"valid"``, ``"same"``) is handed to PyTorch's ``padding=``; only per-side
asymmetric padding and ``"full"`` are applied beforehand with ``F.pad``.

Tensors keep their device; anything else (NumPy arrays, nested lists, SymPy
matrices of numbers) becomes a float64 tensor on :func:`default_device`.
Inputs follow the coercion rule of :mod:`symconv.coerce`, as in the other two
implementations: complex input (tensor or not) is refused, never cast to its
real part, and pooling refuses NaN.
TF32 is switched off on first use, so CUDA results are exact on small integers.
torch itself is imported lazily: ``import symconv.backends.torch`` works
without it, calling an operator does not.
"""

from __future__ import annotations

import contextlib
import functools
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from .. import budget
from ..coerce import EXPECTED, check_ordered, entry, object_entries
from ..errors import ParameterError, ShapeError, public
from ..spec import as_int, conv_window, padding_pairs, per_dim, pool_window, transpose_window

if TYPE_CHECKING:
    from torch import Tensor

__all__ = [
    "as_tensor",
    "available",
    "conv1d",
    "conv1d_vjp",
    "conv2d",
    "conv3d",
    "conv3d_vjp",
    "conv_transpose",
    "corr1d",
    "corr1d_vjp",
    "corr2d",
    "corr2d_multi_in",
    "corr2d_multi_in_out",
    "corr3d",
    "corr3d_vjp",
    "cuda_available",
    "default_device",
    "grad",
    "pad",
    "pool1d",
    "pool1d_vjp",
    "pool2d",
    "pool3d",
    "pool3d_vjp",
    "rot180",
]


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """torch's CPU work on one thread while inside (restored after): the witness's tensors are tiny, and a
    thread pool only waits (on a loaded 2-core machine a tiny ``conv2d`` takes milliseconds instead of
    microseconds).

    >>> with one_thread():
    ...     pool2d([[1, 2], [3, 4]], 2).tolist()
    [[4.0]]
    """
    torch = _torch()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@functools.cache
def _torch() -> Any:
    """The torch module, imported once, with TF32 switched off."""
    try:
        import torch
    except ImportError as err:
        raise ImportError(
            "symconv.backends.torch needs PyTorch; install it with: pip install 'symconv[torch]'"
        ) from err
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    return torch


def _F() -> Any:
    return _torch().nn.functional


@public
def available() -> bool:
    """Whether PyTorch can be imported.

    >>> available()
    True
    """
    try:
        _torch()
    except ImportError:
        return False
    return True


@public
def cuda_available() -> bool:
    """Whether PyTorch is importable and sees a CUDA device.

    >>> isinstance(cuda_available(), bool)
    True
    """
    return available() and bool(_torch().cuda.is_available())


@public
def default_device() -> str:
    """``"cuda"`` when a CUDA device is available, else ``"cpu"``.

    >>> default_device() in ("cpu", "cuda")
    True
    """
    return "cuda" if cuda_available() else "cpu"


@public
def as_tensor(x: Any, device: str | None = None) -> Tensor:
    """``x`` as a tensor: tensors pass through unchanged; anything else
    (NumPy array, nested lists, SymPy Matrix/Array of numbers) becomes a
    float64 tensor on ``device or default_device()``.

    >>> t = as_tensor([[1, 2], [3, 4]], device="cpu")
    >>> t.dtype, t.tolist()
    (torch.float64, [[1.0, 2.0], [3.0, 4.0]])
    >>> as_tensor(t) is t
    True
    """
    torch = _torch()
    if isinstance(x, torch.Tensor):
        if x.is_complex():
            raise ParameterError("x", x, f"{EXPECTED}: complex tensors are not supported")
        return x
    if isinstance(x, (sympy.MatrixBase, sympy.NDimArray)):
        x = x.tolist()
    try:
        array = np.asarray(x)
    except (TypeError, ValueError):
        raise ParameterError("x", x, "a rectangular array of numbers (nested lists of equal lengths)") from None
    if array.dtype.kind == "c":
        raise ParameterError("x", x, f"{EXPECTED}: complex input is not supported")
    if array.dtype.kind == "O":
        array = object_entries(array, "x")
    elif array.dtype.kind in "USV":
        raise ParameterError("x", x, f"{EXPECTED}, not {'a str' if isinstance(x, str) else 'strings'}")
    elif array.dtype.kind not in "biuf":
        raise ParameterError("x", x, f"{EXPECTED}, not an array of dtype {array.dtype}")
    try:
        array = array.astype(np.float64)
    except (TypeError, ValueError):
        raise ParameterError("x", x, "numbers (ints, floats, Fractions, SymPy numbers): no symbols in torch") from None
    return torch.as_tensor(array, device=device or default_device())


def _operands(device: str | None, **arrays: Any) -> list[Tensor]:
    """Bring the operands onto one device (``device``, else the first tensor's,
    else the default) and one floating dtype (the promoted dtype of the
    tensors given, float64 if none is floating)."""
    torch = _torch()
    tensors = [v for v in arrays.values() if isinstance(v, torch.Tensor)]
    device = device or (tensors[0].device if tensors else default_device())
    dtype = functools.reduce(torch.promote_types, [t.dtype for t in tensors]) if tensors else torch.float64
    if not dtype.is_floating_point:
        dtype = torch.float64
    out = []
    for name, value in arrays.items():
        try:
            out.append(as_tensor(value, device).to(device=device, dtype=dtype))
        except ParameterError as err:
            raise ParameterError(name, value, err.expected) from None
    return out


def _check(name: str, t: Tensor, ranks: tuple[int, ...], axes: str) -> None:
    if t.dim() not in ranks:
        raise ShapeError(name, t, f"rank {' or '.join(map(str, ranks))} {axes}")
    if 0 in t.shape:
        raise ShapeError(name, t, f"a non-empty array {axes}")


def _flat(pairs: tuple[tuple[int, int], ...]) -> tuple[int, ...]:
    """``((top, bottom), (left, right))`` -> ``F.pad``'s ``(left, right, top, bottom)``."""
    return tuple(v for pair in reversed(pairs) for v in pair)


def _conv(X: Tensor, K: Tensor, bias: Tensor | None, stride: Any, padding: Any, dilation: Any, groups: int = 1):
    """``F.conv1d``/``F.conv2d`` on batched ``X`` (N, C, *spatial), ``K`` (c_o, c_i/g, *k)."""
    dims = K.dim() - 2
    win = conv_window(tuple(X.shape[2:]), tuple(K.shape[2:]), stride, padding, dilation)
    if isinstance(padding, str) and padding != "full":
        torch_padding: Any = padding
    elif all(lo == hi for lo, hi in win.padding):
        torch_padding = tuple(lo for lo, _ in win.padding)
    else:
        X, torch_padding = _F().pad(X, _flat(win.padding)), 0
    conv = getattr(_F(), f"conv{dims}d")  # F.conv1d, F.conv2d, F.conv3d
    with warnings.catch_warnings():  # torch's note that 'same' with an even kernel copies the input
        warnings.filterwarnings("ignore", message="Using padding='same'", category=UserWarning)
        return conv(X, K, bias, stride=win.stride, padding=torch_padding, dilation=win.dilation, groups=groups)


@public
def pad(X: Any, padding: Any, value: float = 0, *, device: str | None = None) -> Tensor:
    """Pad the last axis of ``x`` (L,) or both axes of ``X`` (H, W) with ``value``.

    ``padding`` is per side: an int, a pair (``(p_h, p_w)`` in 2-D,
    ``(left, right)`` in 1-D) or ``((top, bottom), (left, right))``.

    >>> pad([[1, 2]], ((0, 1), (1, 0))).tolist()
    [[0.0, 1.0, 2.0], [0.0, 0.0, 0.0]]
    """
    (X,) = _operands(device, X=X)
    _check("X", X, (1, 2), "(L,) or (H, W)")
    if isinstance(padding, str):
        raise ParameterError("padding", padding, "ints: an int, a pair or ((top, bottom), (left, right))")
    ones = (1,) * X.dim()
    pairs = padding_pairs(padding, X.dim(), ones, ones, ones)
    value = float(entry(value, "value"))
    budget.charge_padding(X.shape, pairs, padding)
    return _F().pad(X, _flat(pairs), value=value)


@public
def rot180(K: Any, *, device: str | None = None) -> Tensor:
    """Rotate a kernel by 180 degrees: ``rot180(K)[a, b] = K[kh-1-a, kw-1-b]``
    (flip of the last two axes; a rank-1 kernel is reversed).

    >>> rot180([[1, 2], [3, 4]]).tolist()
    [[4.0, 3.0], [2.0, 1.0]]
    """
    (K,) = _operands(device, K=K)
    if K.dim() == 0:
        raise ShapeError("K", K, "rank 1 or more: (k,), (kh, kw) or (..., kh, kw)")
    return _torch().flip(K, tuple(range(-min(K.dim(), 2), 0)))


@public
def corr1d(
    x: Any, w: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1, *, device: str | None = None
) -> Tensor:
    """Cross-correlation ``y[i] = sum_a xp[i*s + a*d] * w[a]`` of ``x`` (L,) with
    ``w`` (k,), where ``xp`` is ``x`` zero-padded (``F.conv1d``).

    >>> corr1d([1, 2, 3, 4], [1, 10]).tolist()
    [21.0, 32.0, 43.0]
    """
    x, w = _operands(device, x=x, w=w)
    _check("x", x, (1,), "(L,)")
    _check("w", w, (1,), "(k,)")
    return _conv(x[None, None], w[None, None], None, stride, padding, dilation)[0, 0]


@public
def conv1d(
    x: Any, w: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1, *, device: str | None = None
) -> Tensor:
    """True convolution: :func:`corr1d` with ``w`` reversed,
    ``y[i] = sum_a xp[i*s + a*d] * w[k-1-a]``.

    >>> conv1d([1, 2, 3, 4], [1, 10]).tolist()
    [12.0, 23.0, 34.0]
    """
    x, w = _operands(device, x=x, w=w)
    _check("x", x, (1,), "(L,)")
    _check("w", w, (1,), "(k,)")
    return _conv(x[None, None], w.flip(0)[None, None], None, stride, padding, dilation)[0, 0]


@public
def corr2d(
    X: Any, K: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1, *, device: str | None = None
) -> Tensor:
    """Cross-correlation of ``X`` (H, W) with ``K`` (kh, kw) (``F.conv2d``):
    ``Y[i, j] = sum_{a,b} Xp[i*s_h + a*d_h, j*s_w + b*d_w] * K[a, b]``.

    >>> corr2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]]).tolist()
    [[19.0, 25.0], [37.0, 43.0]]
    """
    X, K = _operands(device, X=X, K=K)
    _check("X", X, (2,), "(H, W)")
    _check("K", K, (2,), "(kh, kw)")
    return _conv(X[None, None], K[None, None], None, stride, padding, dilation)[0, 0]


@public
def conv2d(
    X: Any, K: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1, *, device: str | None = None
) -> Tensor:
    """True convolution: :func:`corr2d` with ``rot180(K)``.

    >>> conv2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]]).tolist()
    [[5.0, 11.0], [23.0, 29.0]]
    """
    X, K = _operands(device, X=X, K=K)
    _check("X", X, (2,), "(H, W)")
    _check("K", K, (2,), "(kh, kw)")
    return _conv(X[None, None], K.flip(0, 1)[None, None], None, stride, padding, dilation)[0, 0]


@public
def corr3d(
    X: Any, K: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1, *, device: str | None = None
) -> Tensor:
    """Cross-correlation of ``X`` (D, H, W) with ``K`` (kd, kh, kw) (``F.conv3d``):
    ``Y[i, j, l] = sum_{a,b,c} Xp[i*s_d + a*d_d, j*s_h + b*d_h, l*s_w + c*d_w] * K[a, b, c]``.

    >>> corr3d([[[0, 1], [2, 3]], [[4, 5], [6, 7]]], [[[1]], [[10]]]).tolist()
    [[[40.0, 51.0], [62.0, 73.0]]]
    """
    X, K = _operands(device, X=X, K=K)
    _check("X", X, (3,), "(D, H, W)")
    _check("K", K, (3,), "(kd, kh, kw)")
    return _conv(X[None, None], K[None, None], None, stride, padding, dilation)[0, 0]


@public
def conv3d(
    X: Any, K: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1, *, device: str | None = None
) -> Tensor:
    """True convolution: :func:`corr3d` with ``K`` flipped along all three axes.

    >>> conv3d([[[0, 1], [2, 3]], [[4, 5], [6, 7]]], [[[1]], [[10]]]).tolist()
    [[[4.0, 15.0], [26.0, 37.0]]]
    """
    X, K = _operands(device, X=X, K=K)
    _check("X", X, (3,), "(D, H, W)")
    _check("K", K, (3,), "(kd, kh, kw)")
    return _conv(X[None, None], K.flip(0, 1, 2)[None, None], None, stride, padding, dilation)[0, 0]


@public
def conv_transpose(
    Y: Any,
    W: Any,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    output_padding: Any = 0,
    *,
    device: str | None = None,
) -> Tensor:
    """``F.conv_transpose1d/2d/3d`` on one channel: the adjoint of :func:`corr1d`/:func:`corr2d`/:func:`corr3d`.

    ``Y`` and ``W`` have the same rank (1, 2 or 3); ``padding`` is symmetric;
    ``output_padding`` is smaller than the stride or the dilation.

    >>> conv_transpose([1, 2], [1, 10], stride=2, output_padding=1).tolist()
    [1.0, 10.0, 2.0, 20.0, 0.0]
    """
    Y, W = _operands(device, Y=Y, W=W)
    _check("Y", Y, (1, 2, 3), "(L,), (H, W) or (D, H, W)")
    _check("W", W, (Y.dim(),), "with the rank of Y")
    win = transpose_window(tuple(Y.shape), tuple(W.shape), stride, padding, dilation, output_padding)
    op = per_dim(output_padding, "output_padding", Y.dim(), minimum=0)  # validated by transpose_window
    transpose = getattr(_F(), f"conv_transpose{Y.dim()}d")
    pads = tuple(lo for lo, _ in win.padding)
    return transpose(Y[None, None], W[None, None], None, win.stride, pads, op, 1, win.dilation)[0, 0]


@public
def corr2d_multi_in(
    X: Any, K: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1, *, device: str | None = None
) -> Tensor:
    """Multi-input-channel correlation, summed over channels:
    ``X`` (c_i, H, W), ``K`` (c_i, kh, kw) -> (H', W').

    >>> corr2d_multi_in([[[1, 2]], [[3, 4]]], [[[1]], [[10]]]).tolist()
    [[31.0, 42.0]]
    """
    X, K = _operands(device, X=X, K=K)
    _check("X", X, (3,), "(c_i, H, W)")
    _check("K", K, (3,), "(c_i, kh, kw)")
    if K.shape[0] != X.shape[0]:
        raise ShapeError("K", K, f"shape (c_i, kh, kw) with c_i = {X.shape[0]}, the channels of X")
    return _conv(X[None], K[None], None, stride, padding, dilation)[0, 0]


@public
def corr2d_multi_in_out(
    X: Any,
    K: Any,
    bias: Any = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
    *,
    device: str | None = None,
) -> Tensor:
    """``F.conv2d`` on an unbatched input: ``X`` (c_i, H, W), ``K``
    (c_o, c_i/groups, kh, kw), ``bias`` (c_o,) -> (c_o, H', W').  Output
    channel ``o`` sees input group ``o // (c_o/groups)``.

    >>> X = [[[1, 2]], [[3, 4]]]
    >>> K = [[[[1]], [[10]]], [[[1]], [[-1]]]]
    >>> corr2d_multi_in_out(X, K, bias=[0, 100]).tolist()
    [[[31.0, 42.0]], [[98.0, 98.0]]]
    """
    X, K, *b = _operands(device, X=X, K=K, **({} if bias is None else {"bias": bias}))
    _check("X", X, (3,), "(c_i, H, W)")
    _check("K", K, (4,), "(c_o, c_i/groups, kh, kw)")
    g = as_int(groups, "groups", minimum=1)
    (c_o, c_g), c_i = K.shape[:2], X.shape[0]
    if c_i % g or c_o % g:
        raise ParameterError("groups", groups, f"a divisor of c_i = {c_i} and c_o = {c_o}")
    if c_g != c_i // g:
        raise ShapeError("K", K, f"shape (c_o, c_i/groups, kh, kw) with c_i/groups = {c_i // g}")
    if b and tuple(b[0].shape) != (c_o,):
        raise ShapeError("bias", b[0], f"shape (c_o,) = ({c_o},)")
    return _conv(X[None], K, b[0] if b else None, stride, padding, dilation, g)[0]


@public
def pool2d(
    X: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    mode: str = "max",
    dilation: Any = 1,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
    *,
    device: str | None = None,
) -> Tensor:
    """Max or average pooling of ``X`` (H, W) or (C, H, W), each channel on its
    own (``F.max_pool2d`` / ``F.avg_pool2d``).

    ``stride`` defaults to the window; max pooling pads with -inf, average
    pooling with 0.  With ``ceil_mode`` a last window that would start in the
    right padding is dropped, and an average window that overhangs the padding
    divides by the cells up to the padded edge only.

    >>> X = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15]]
    >>> pool2d(X, 3, stride=2, padding=1).tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    >>> pool2d(X, 2, mode="avg").tolist()
    [[2.5, 4.5], [10.5, 12.5]]
    """
    args = (kernel_size, stride, padding, mode, dilation, ceil_mode, count_include_pad, divisor_override)
    return _pool_nd(X, 2, args, device)


@public
def pool1d(
    x: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    mode: str = "max",
    dilation: Any = 1,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
    *,
    device: str | None = None,
) -> Tensor:
    """Max or average pooling of ``x`` (L,) or (C, L) (``F.max_pool1d`` / ``F.avg_pool1d``).

    ``avg_pool1d`` has no ``divisor_override``: with one, ``F.avg_pool2d`` runs
    on a height-1 map.  Conventions as in :func:`pool2d`.

    >>> pool1d([3, 1, 4, 1, 5], 2).tolist()
    [3.0, 4.0]
    >>> pool1d([3, 1, 4, 1, 5], 2, mode="avg", ceil_mode=True).tolist()
    [2.0, 2.5, 5.0]
    """
    args = (kernel_size, stride, padding, mode, dilation, ceil_mode, count_include_pad, divisor_override)
    return _pool_nd(x, 1, args, device, name="x")


@public
def pool3d(
    X: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    mode: str = "max",
    dilation: Any = 1,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
    *,
    device: str | None = None,
) -> Tensor:
    """Max or average pooling of ``X`` (D, H, W) or (C, D, H, W) (``F.max_pool3d`` / ``F.avg_pool3d``).

    >>> pool3d([[[0, 1], [2, 3]], [[4, 5], [6, 7]]], 2).tolist()
    [[[7.0]]]
    """
    args = (kernel_size, stride, padding, mode, dilation, ceil_mode, count_include_pad, divisor_override)
    return _pool_nd(X, 3, args, device)


POOL_LAYOUTS = {1: "(L,) or (C, L)", 2: "(H, W) or (C, H, W)", 3: "(D, H, W) or (C, D, H, W)"}


def _pool_nd(X: Any, dims: int, args: tuple, device: str | None, name: str = "X") -> Tensor:
    """``F.max_pool{dims}d`` / ``F.avg_pool{dims}d`` on one map or one per channel."""
    kernel_size, stride, padding, mode, dilation, ceil_mode, count_include_pad, divisor_override = args
    (X,) = _operands(device, **{name: X})
    _check(name, X, (dims, dims + 1), POOL_LAYOUTS[dims])
    check_ordered(X, name)
    win = pool_window(tuple(X.shape[-dims:]), kernel_size, stride, padding, dilation, ceil_mode, mode)
    if not isinstance(count_include_pad, bool):
        raise ParameterError("count_include_pad", count_include_pad, "True or False")
    if divisor_override is not None:
        divisor_override = as_int(divisor_override, "divisor_override", minimum=1)
    Xc = X if X.dim() > dims else X[None]
    p = tuple(lo for lo, _ in win.padding)
    if mode == "max":
        pool = getattr(_F(), f"max_pool{dims}d")
        Y = pool(Xc, win.kernel, win.stride, p, win.dilation, ceil_mode=ceil_mode)
    elif dims == 1 and divisor_override is not None:  # avg_pool1d has no divisor_override
        Y = _F().avg_pool2d(
            Xc[:, None], (1, *win.kernel), (1, *win.stride), (0, *p), ceil_mode, count_include_pad, divisor_override
        )[:, 0]
    elif dims == 1:
        Y = _F().avg_pool1d(Xc, win.kernel, win.stride, p, ceil_mode, count_include_pad)
    else:
        if dims == 3 and any(k > n for k, n in zip(win.kernel, win.size)):
            raise ShapeError(
                "kernel_size",
                kernel_size,
                f"at most the unpadded input {win.size} along each axis: F.avg_pool3d checks that",
            )
        pool = getattr(_F(), f"avg_pool{dims}d")
        Y = pool(Xc, win.kernel, win.stride, p, ceil_mode, count_include_pad, divisor_override)
    return Y if X.dim() > dims else Y[0]


@public
def grad(fn: Callable[..., Tensor], inputs: Mapping[str, Any], upstream: Any) -> dict[str, Tensor]:
    """Vector-Jacobian product: ``{name: d<upstream, fn(**inputs)> / d input}``.

    The inputs are copied into fresh leaf tensors (one device, one floating
    dtype, float64 for array-likes); ``upstream`` must have the shape of
    ``fn(**inputs)``.  An input ``fn`` ignores gets a zero gradient.

    >>> g = grad(corr1d, {"x": [1, 2, 3], "w": [1, 10]}, [1, 1])
    >>> g["x"].tolist(), g["w"].tolist()
    ([1.0, 11.0, 10.0], [3.0, 5.0])
    """
    return _grad(fn, inputs, upstream, "upstream")


def _grad(fn: Callable[..., Tensor], inputs: Mapping[str, Any], upstream: Any, name: str) -> dict[str, Tensor]:
    """:func:`grad`, with the upstream gradient called ``name`` in errors (``delta`` in the VJPs)."""
    leaves = dict(zip(inputs, (t.detach().requires_grad_() for t in _operands(None, **inputs))))
    out = fn(**leaves)
    (up,) = _operands(out.device, **{name: upstream})
    if up.shape != out.shape:
        what = "the shape of fn's output," if name == "upstream" else "the forward output's shape"
        raise ShapeError(name, up, f"{what} {tuple(out.shape)}")
    grads = (
        _torch().autograd.grad(out, list(leaves.values()), up.to(out.dtype), allow_unused=True)
        if out.requires_grad
        else [None] * len(leaves)
    )
    return {k: _torch().zeros_like(v) if g is None else g for (k, v), g in zip(leaves.items(), grads)}


# --- gradients by torch.autograd ------------------------------------------------------------------


@public
def corr2d_vjp(
    X: Any, K: Any, delta: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1
) -> tuple[Tensor, Tensor]:
    """``(∂ℓ/∂X, ∂ℓ/∂K)`` of ``ℓ = Σ delta ⊙ corr2d(X, K)`` by ``torch.autograd``.

    >>> dX, dK = corr2d_vjp([[1, 2], [3, 4]], [[1]], [[1, 1], [1, 1]])
    >>> dK.tolist()
    [[10.0]]
    """
    g = _grad(lambda X, K: corr2d(X, K, stride, padding, dilation), {"X": X, "K": K}, delta, "delta")
    return g["X"], g["K"]


@public
def conv2d_vjp(
    X: Any, K: Any, delta: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1
) -> tuple[Tensor, Tensor]:
    """``(∂ℓ/∂X, ∂ℓ/∂K)`` of ``ℓ = Σ delta ⊙ conv2d(X, K)`` by ``torch.autograd``.

    >>> dX, dK = conv2d_vjp([[1, 2], [3, 4]], [[1, 0], [0, 0]], [[1]])
    >>> dX.tolist()
    [[0.0, 0.0], [0.0, 1.0]]
    """
    g = _grad(lambda X, K: conv2d(X, K, stride, padding, dilation), {"X": X, "K": K}, delta, "delta")
    return g["X"], g["K"]


@public
def corr1d_vjp(
    x: Any, w: Any, delta: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1
) -> tuple[Tensor, Tensor]:
    """``(∂ℓ/∂x, ∂ℓ/∂w)`` of ``ℓ = Σ delta ⊙ corr1d(x, w)`` by ``torch.autograd``.

    >>> dx, dw = corr1d_vjp([1, 2, 3], [1, 10], [1, 1])
    >>> dx.tolist(), dw.tolist()
    ([1.0, 11.0, 10.0], [3.0, 5.0])
    """
    g = _grad(lambda x, w: corr1d(x, w, stride, padding, dilation), {"x": x, "w": w}, delta, "delta")
    return g["x"], g["w"]


@public
def conv1d_vjp(
    x: Any, w: Any, delta: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1
) -> tuple[Tensor, Tensor]:
    """``(∂ℓ/∂x, ∂ℓ/∂w)`` of ``ℓ = Σ delta ⊙ conv1d(x, w)`` by ``torch.autograd``.

    >>> dx, dw = conv1d_vjp([1, 2, 3], [1, 10], [1, 1])
    >>> dx.tolist(), dw.tolist()
    ([10.0, 11.0, 1.0], [5.0, 3.0])
    """
    g = _grad(lambda x, w: conv1d(x, w, stride, padding, dilation), {"x": x, "w": w}, delta, "delta")
    return g["x"], g["w"]


@public
def corr3d_vjp(
    X: Any, K: Any, delta: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1
) -> tuple[Tensor, Tensor]:
    """``(∂ℓ/∂X, ∂ℓ/∂K)`` of ``ℓ = Σ delta ⊙ corr3d(X, K)`` by ``torch.autograd``.

    >>> dX, dK = corr3d_vjp([[[0, 1], [2, 3]], [[4, 5], [6, 7]]], [[[1]], [[10]]], [[[1, 1], [1, 1]]])
    >>> dK.flatten().tolist()
    [6.0, 22.0]
    """
    g = _grad(lambda X, K: corr3d(X, K, stride, padding, dilation), {"X": X, "K": K}, delta, "delta")
    return g["X"], g["K"]


@public
def conv3d_vjp(
    X: Any, K: Any, delta: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1
) -> tuple[Tensor, Tensor]:
    """``(∂ℓ/∂X, ∂ℓ/∂K)`` of ``ℓ = Σ delta ⊙ conv3d(X, K)`` by ``torch.autograd``.

    >>> dX, dK = conv3d_vjp([[[0, 1], [2, 3]], [[4, 5], [6, 7]]], [[[1]], [[10]]], [[[1, 1], [1, 1]]])
    >>> dK.flatten().tolist()
    [22.0, 6.0]
    """
    g = _grad(lambda X, K: conv3d(X, K, stride, padding, dilation), {"X": X, "K": K}, delta, "delta")
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
) -> tuple[Tensor, Tensor, Tensor]:
    """``(∂ℓ/∂X, ∂ℓ/∂K, ∂ℓ/∂b)`` of a multi-channel layer by ``torch.autograd``.

    Without ``bias`` a zero bias stands in, so ``∂ℓ/∂b`` is still returned.

    >>> dX, dK, db = corr2d_multi_in_out_vjp([[[1, 2], [3, 4]]], [[[[1]]]], [[[1, 2], [3, 4]]])
    >>> db.tolist()
    [10.0]
    """
    (Kt,) = _operands(None, K=K)
    _check("K", Kt, (4,), "(c_o, c_i/groups, kh, kw)")
    b = _torch().zeros(Kt.shape[0], dtype=Kt.dtype, device=Kt.device) if bias is None else bias
    g = _grad(
        lambda X, K, b: corr2d_multi_in_out(X, K, b, stride, padding, dilation, groups),
        {"X": X, "K": Kt, "b": b},
        delta,
        "delta",
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
    tie: str | None = "first",
) -> Tensor:
    """``∂ℓ/∂X`` of ``ℓ = Σ delta ⊙ pool2d(X)`` by ``torch.autograd``.

    Max pooling: ``tie="first"`` (or ``None``) is ``max_pool2d``'s own
    backward (first maximal element of each window); ``tie="split"`` takes the
    windows with ``F.unfold`` and reduces them with ``torch.amax``, whose
    backward shares the gradient evenly among tied maxima.

    >>> pool2d_vjp([[1, 1], [0, 1]], [[6]], 2).tolist()
    [[6.0, 0.0], [0.0, 0.0]]
    >>> pool2d_vjp([[1, 1], [0, 1]], [[6]], 2, tie="split").tolist()
    [[2.0, 2.0], [0.0, 2.0]]
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
    tie: str | None = "first",
) -> Tensor:
    """``∂ℓ/∂x`` of ``ℓ = Σ delta ⊙ pool1d(x)`` by ``torch.autograd``; ties as in :func:`pool3d_vjp`.

    >>> pool1d_vjp([1, 3, 2, 2], [5, 7], 2).tolist()
    [0.0, 5.0, 7.0, 0.0]
    >>> pool1d_vjp([1, 3, 2, 2], [5, 7], 2, tie="split").tolist()
    [0.0, 5.0, 3.5, 3.5]
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
    tie: str | None = "first",
) -> Tensor:
    """``∂ℓ/∂X`` of ``ℓ = Σ delta ⊙ pool3d(X)`` by ``torch.autograd``.

    Max pooling: ``tie="first"`` (or ``None``) is ``max_pool3d``'s own backward
    (first maximal element of each window), run on the input padded with
    ``-inf`` beforehand so that a window of padding only (possible with
    dilation) routes its gradient into the padding, never out of bounds;
    ``tie="split"`` reduces the windows (``Tensor.unfold``) with ``torch.amax``,
    whose backward shares the gradient evenly among tied maxima.

    >>> pool3d_vjp([[[0, 1]], [[3, 3]]], [[[6]]], (2, 1, 2)).tolist()
    [[[0.0, 0.0]], [[6.0, 0.0]]]
    >>> pool3d_vjp([[[0, 1]], [[3, 3]]], [[[6]]], (2, 1, 2), tie="split").tolist()
    [[[0.0, 0.0]], [[3.0, 3.0]]]
    """
    args = (kernel_size, stride, padding, mode, dilation, ceil_mode, count_include_pad, divisor_override)
    return _pool_vjp(X, delta, 3, args, tie)


def _pool_vjp(X: Any, delta: Any, dims: int, args: tuple, tie: str | None, name: str = "X") -> Tensor:
    """Pooling's backward by ``torch.autograd``, in any dimension.

    Max pooling runs on the input padded with ``-inf`` explicitly (then pooled without padding): a window
    of padding only (possible with dilation) then routes its gradient into the padding, which is cropped,
    so torch's own backward never writes outside the input (it crashes the process there, when it pads).
    ``tie="split"`` reduces the windows with ``torch.amax``, which shares the gradient among tied maxima.
    """
    if tie not in (None, "first", "split"):
        raise ParameterError("tie", tie, "None, 'first' or 'split'")
    kernel_size, stride, padding, mode, dilation, ceil_mode, _cip, _div = args
    pool = {1: pool1d, 2: pool2d, 3: pool3d}[dims]
    (Xt,) = _operands(None, **{name: X})
    _check(name, Xt, (dims, dims + 1), POOL_LAYOUTS[dims])
    check_ordered(Xt, name)
    if mode != "max":
        return _grad(lambda X: pool(X, *args), {"X": Xt}, delta, "delta")["X"]
    window = pool_window(tuple(Xt.shape[-dims:]), kernel_size, stride, padding, dilation, ceil_mode, mode)
    out_shape = tuple(pool(Xt, *args).shape[-dims:])  # torch's own output size
    reduce = _unfold_amax if tie == "split" else _padded_max_pool
    return _grad(lambda X: reduce(X, window, out_shape), {"X": Xt}, delta, "delta")["X"]


def _padded(X: Tensor, window: Any, out_shape: tuple[int, ...]) -> Tensor:
    """``X`` padded with -inf: ``lo`` cells in front, and behind as far as the last window reaches."""
    pads = []
    for n, (lo, _), k, s, d, o in zip(
        window.size, window.padding, window.kernel, window.stride, window.dilation, out_shape
    ):
        pads.append((lo, max((o - 1) * s + d * (k - 1) + 1 - (n + lo), 0)))
    return _F().pad(X, _flat(tuple(pads)), value=-_torch().inf)


def _padded_max_pool(X: Tensor, window: Any, out_shape: tuple[int, ...]) -> Tensor:
    """``F.max_pool{dims}d`` on the explicitly padded input, cropped to PyTorch's own output size."""
    dims = len(out_shape)
    Xc = X if X.dim() > dims else X[None]
    pool = getattr(_F(), f"max_pool{dims}d")
    Y = pool(_padded(Xc, window, out_shape), window.kernel, window.stride, 0, window.dilation)
    Y = Y[(Ellipsis, *(slice(0, o) for o in out_shape))]
    return Y if X.dim() > dims else Y[0]


def _unfold_amax(X: Tensor, window: Any, out_shape: tuple[int, ...]) -> Tensor:
    """Max pooling as ``amax`` over the windows (ties share the gradient), any number of axes."""
    dims = len(out_shape)
    cols = _padded(X, window, out_shape)
    for axis, (k, s, d) in enumerate(zip(window.kernel, window.stride, window.dilation)):
        cols = cols.unfold(X.dim() - dims + axis, d * (k - 1) + 1, s)  # appends the window's axis
    taps = tuple(slice(None, None, d) for d in window.dilation)
    cols = cols[(Ellipsis, *(slice(0, o) for o in out_shape), *taps)]
    return _torch().amax(cols, dim=tuple(range(-dims, 0)))
