"""Adapters: call code written for one layout with symconv's canonical arrays.

Internally every check works on canonical NumPy arrays: ``X`` ``(N, C_in, H, W)``,
``W`` ``(C_out, C_in/groups, k_h, k_w)``, ``b`` ``(C_out,)``, output
``(N, C_out, H', W')``, and gradients of the shapes of their inputs.  An
adapter turns those into the arguments of one layout's signature, calls the
code, and turns its result back.  It also says which configurations the
layout can express at all (CS231n's ``conv_param`` has one ``pad`` for every
side, d2l's ``corr2d`` has no stride); the others are skipped, and counted.

Layouts (``LAYOUTS``):

* ``"symconv"``: symconv's own functions, one sample ``(C, H, W)`` at a time:
  ``fn(X, K, bias=, stride=, padding=, dilation=, groups=)`` (as
  :func:`symconv.numeric.corr2d_multi_in_out`), backward
  ``bwd(X, K, delta, bias=, stride=, padding=, dilation=, groups=) -> (dX, dK, db)``;
  pooling ``fn(X, kernel_size, stride=, padding=, mode=, dilation=, ceil_mode=, count_include_pad=)``,
  backward ``bwd(X, delta, kernel_size, ...) -> dX``.  Padding is passed per side
  (``((top, bottom), (left, right))``) where it is not symmetric.
* ``"nchw"``: the same signatures on whole ``(N, C, H, W)`` batches.
* ``"hw"``: single-channel ``(H, W)`` functions with symconv's keywords:
  ``fn(X, K, stride=, padding=, dilation=)``, backward ``bwd(X, K, delta, ...) -> (dX, dK)``
  (:func:`symconv.numeric.corr2d`, :func:`symconv.numeric.corr2d_vjp`); pooling as ``"symconv"``.
* ``"torch"``: ``torch.nn.functional`` signatures on float64 tensors
  (``conv2d(input, weight, bias, stride=, padding=, dilation=, groups=)``,
  ``max_pool2d(input, kernel_size, stride=, padding=, dilation=, ceil_mode=)``,
  ``avg_pool2d(input, kernel_size, stride=, padding=, ceil_mode=, count_include_pad=)``);
  ``backward=True`` differentiates with autograd; a backward function is called as
  ``bwd(grad_output, input, weight, bias, stride=, padding=, dilation=, groups=)`` (pooling:
  ``bwd(grad_output, input, kernel_size=, stride=, padding=, dilation=, ceil_mode=)``, average pooling
  with ``count_include_pad=`` instead of ``dilation=``) and returns ``grad_input`` or
  ``(grad_input, grad_weight, grad_bias)``.
* ``"module"``: a ``torch.nn.Module`` class (built for each configuration with
  ``nn.Conv2d``'s or ``nn.MaxPool2d``/``nn.AvgPool2d``'s arguments) or instance (its own
  hyper-parameters, tried on the grid's input sizes); float64, gradients by autograd.
* ``"cs231n"``: ``conv_forward_naive(x, w, b, conv_param) -> (out, cache)`` with
  ``conv_param = {'stride': s, 'pad': p}``, ``conv_backward_naive(dout, cache) -> (dx, dw, db)``;
  ``max_pool_forward_naive(x, pool_param) -> (out, cache)`` with
  ``pool_param = {'pool_height', 'pool_width', 'stride'}``, ``max_pool_backward_naive(dout, cache) -> dx``.
* ``"d2l"``: ``corr2d(X, K) -> Y`` on one channel, and ``pool2d(X, pool_size, mode)``
  (stride 1, no padding), on float64 tensors when torch is installed
  (``backward=True`` then differentiates with autograd), else NumPy arrays.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..backends import torch as torch_backend
from ..errors import ParameterError
from .configs import CONV_OPS, ConvConfig, PoolConfig, padding_argument

__all__ = ["LAYOUTS", "Adapter", "BadResult", "adapter_for"]


class BadResult(Exception):
    """The code under test returned something that is not an array of numbers of the expected kind.

    >>> to_numpy(None, "out")
    Traceback (most recent call last):
    ...
    symconv.testing.adapters.BadResult: out is None
    """


@dataclass(frozen=True)
class Limits:
    """What one layout's signature can express; configurations beyond it are skipped (and counted).

    ``padding``: ``"per-side"``, ``"symmetric"`` (one value per axis), ``"uniform"`` (one for every
    side) or ``"none"``; ``stride``: ``"per-axis"``, ``"uniform"`` or ``"one"``; ``bias``: None (with
    or without), True (always), False (never); ``channels``: ``"any"`` or ``"one"``.

    >>> Limits(padding="uniform").violation(ConvConfig(size=4, padding=(1, 0)))
    'uneven padding'
    """

    padding: str = "per-side"
    stride: str = "per-axis"
    dilation: bool = True
    groups: bool = True
    channels: str = "any"
    bias: bool | None = None
    ceil_mode: bool = True

    def violation(self, cfg: Any) -> str | None:
        """What ``cfg`` has that this layout cannot say, or None."""
        conv = isinstance(cfg, ConvConfig)
        pads = cfg.padding if conv else tuple((p, p) for p in cfg.padding)
        sides = {p for pair in pads for p in pair}
        checks = [
            (self.padding == "none" and sides != {0}, "padding"),
            (self.padding == "uniform" and len(sides) > 1, "uneven padding"),
            (self.padding == "symmetric" and any(lo != hi for lo, hi in pads), "per-side padding"),
            (self.stride == "one" and cfg.stride != (1, 1), "a stride"),
            (self.stride == "uniform" and cfg.stride[0] != cfg.stride[1], "a stride per axis"),
            (not self.dilation and cfg.dilation != (1, 1), "dilation"),
            (conv and not self.groups and cfg.groups != 1, "groups"),
            (conv and self.channels == "one" and (cfg.in_channels, cfg.out_channels) != (1, 1), "several channels"),
            (conv and self.bias is True and not cfg.bias, "a layer without bias"),
            (conv and self.bias is False and cfg.bias, "a bias"),
            (not conv and not self.ceil_mode and cfg.ceil_mode, "ceil_mode"),
        ]
        return next((reason for failed, reason in checks if failed), None)


def _torch() -> Any:
    if not torch_backend.available():
        raise ParameterError("layout", "torch", "PyTorch installed (pip install 'symconv[torch]') for this layout")
    return importlib.import_module("torch")


def to_numpy(value: Any, what: str) -> np.ndarray:
    """A result as a NumPy array of real numbers (torch tensors are detached and moved to the CPU)."""
    if value is None:
        raise BadResult(f"{what} is None")
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        value = value.detach().cpu().numpy()
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as err:
        raise BadResult(f"{what} is not an array ({type(value).__name__}: {err})") from None
    if arr.dtype == object:
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            raise BadResult(f"{what} is not an array of numbers") from None
    if arr.dtype.kind not in "biuf":
        raise BadResult(f"{what} has dtype {arr.dtype}, not real numbers")
    return arr.astype(np.float64) if arr.dtype.kind in "biu" else arr


def _name(fn: Any) -> str:
    """A function's name as people call it (``conv2d``, not ``_VariableFunctionsClass.conv2d``)."""
    return getattr(fn, "__name__", None) or type(fn).__name__


def _pair(pair: tuple[int, int]) -> Any:
    return pair[0] if pair[0] == pair[1] else tuple(pair)


def _mode(op: str) -> str:
    return "max" if op == "max_pool2d" else "avg"


class Adapter:
    """Calls one layout's code with canonical arrays; subclasses fill in the layout.

    >>> from symconv import numeric
    >>> a = adapter_for(numeric.corr2d, "corr2d", "hw")
    >>> a.names["out"], a.supports(ConvConfig(bias=True))
    ('out', 'a bias')
    """

    layout = ""
    #: user-facing names of the canonical quantities, for messages
    names: ClassVar[dict[str, str]] = {
        "out": "out",
        "X": "X",
        "W": "W",
        "b": "b",
        "delta": "delta",
        "dX": "dX",
        "dW": "dW",
        "db": "db",
    }
    #: leading canonical axes this layout does not have (batch, channel), per quantity, when they have size 1
    dropped: ClassVar[dict[str, int]] = {}
    needs_torch = False
    #: what the layout's signatures can express, for convolution and for pooling
    conv_limits = Limits()
    pool_limits = Limits()

    def __init__(self, fn: Any, op: str, backward: Any) -> None:
        self.fn = fn
        self.op = op
        self.conv = op in CONV_OPS
        self.bwd = backward
        if self.needs_torch:
            _torch()
        if backward is True and not self.autograd:
            raise ParameterError(
                "backward",
                backward,
                f"the backward function of layout {self.layout!r} (autograd needs a torch layout: torch, module, d2l)",
            )
        if backward not in (False, True, None) and not callable(backward):
            raise ParameterError("backward", backward, "False, True (autograd) or a backward function")

    autograd = False

    @property
    def name(self) -> str:
        return _name(self.fn)

    @property
    def backward_name(self) -> str:
        return "autograd" if self.bwd is True else _name(self.bwd)

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """Run a whole check inside this: torch layouts use one thread (tiny tensors; a thread pool only waits)."""
        if not (self.needs_torch or self.autograd):
            yield
            return
        with torch_backend.one_thread():
            yield

    @property
    def limits(self) -> Limits:
        return self.conv_limits if self.conv else self.pool_limits

    def supports(self, cfg: Any) -> str | None:
        """What ``cfg`` has that this layout cannot express, or None."""
        return self.limits.violation(cfg)

    def adapt_grid(self, grid: list) -> list:
        """The configurations to try, from a grid (an nn.Module instance has its own hyper-parameters)."""
        return grid

    def forward(self, cfg: Any, X: np.ndarray, W: Any = None, b: Any = None) -> np.ndarray:
        raise NotImplementedError

    def backward(self, cfg: Any, X: np.ndarray, W: Any, b: Any, delta: np.ndarray) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def view(self, qty: str, cfg: Any) -> int:
        """How many leading canonical axes of ``qty`` to leave out when showing it (size-1 axes only)."""
        drop = self.dropped.get(qty, 0)
        shape = canonical_shape(qty, cfg)
        while drop and any(n != 1 for n in shape[:drop]):
            drop -= 1
        return drop


def canonical_shape(qty: str, cfg: Any) -> tuple[int, ...]:
    if qty in ("X", "dX"):
        return cfg.x_shape
    if qty in ("W", "dW"):
        return cfg.w_shape
    if qty in ("b", "db"):
        return (cfg.out_channels,)
    return cfg.out_shape


def _grads(result: Any, keys: tuple[str, ...], what: str) -> dict[str, np.ndarray]:
    """Map a backward function's result (an array, or a tuple in the order of ``keys``) to canonical keys."""
    if isinstance(result, (tuple, list)) and not (len(result) and np.isscalar(result[0])):
        if len(result) > len(keys):
            raise BadResult(f"{what} returned {len(result)} values; expected at most {len(keys)} ({', '.join(keys)})")
        return {k: to_numpy(v, f"{what}'s {k}") for k, v in zip(keys, result) if v is not None}
    return {keys[0]: to_numpy(result, what)}


# --- NumPy layouts with symconv's signatures ---------------------------------------------------------------


class SymconvAdapter(Adapter):
    """symconv's signatures, one sample at a time (``"symconv"``) or batched (``"nchw"``)."""

    layout = "symconv"
    names: ClassVar[dict[str, str]] = {
        "out": "out",
        "X": "X",
        "W": "K",
        "b": "bias",
        "delta": "delta",
        "dX": "dX",
        "dW": "dK",
        "db": "db",
    }
    dropped: ClassVar[dict[str, int]] = {"out": 1, "X": 1, "dX": 1, "delta": 1}
    batched = False

    def _conv_kw(self, cfg: ConvConfig) -> dict[str, Any]:
        return dict(
            stride=_pair(cfg.stride), padding=padding_argument(cfg), dilation=_pair(cfg.dilation), groups=cfg.groups
        )

    def _pool_kw(self, cfg: PoolConfig) -> dict[str, Any]:
        return dict(
            stride=_pair(cfg.stride),
            padding=_pair(cfg.padding),
            mode=_mode(self.op),
            dilation=_pair(cfg.dilation),
            ceil_mode=cfg.ceil_mode,
            count_include_pad=cfg.count_include_pad,
        )

    def _samples(self, call: Callable[..., Any], *batches: np.ndarray) -> list[Any]:
        if self.batched:
            return [call(*batches)]
        return [call(*(a[n] for a in batches)) for n in range(len(batches[0]))]

    def forward(self, cfg, X, W=None, b=None):
        if self.conv:
            kw = self._conv_kw(cfg)
            outs = self._samples(lambda x: self.fn(x, W, bias=b, **kw), X)
        else:
            outs = self._samples(lambda x: self.fn(x, _pair(cfg.kernel), **self._pool_kw(cfg)), X)
        outs = [to_numpy(o, f"{self.name}'s result") for o in outs]
        return outs[0] if self.batched else _stack(outs, self.name)

    def backward(self, cfg, X, W, b, delta):
        if self.conv:
            kw = self._conv_kw(cfg)
            results = self._samples(
                lambda x, d: _grads(self.bwd(x, W, d, bias=b, **kw), ("X", "W", "b"), self.backward_name), X, delta
            )
        else:
            kw = self._pool_kw(cfg)
            results = self._samples(
                lambda x, d: _grads(self.bwd(x, d, _pair(cfg.kernel), **kw), ("X",), self.backward_name), X, delta
            )
        if self.batched:
            return results[0]
        out = {}
        for key in results[0]:
            parts = [r[key] for r in results]
            out[key] = _stack(parts, self.backward_name) if key == "X" else np.sum(parts, axis=0)
        return out


class NCHWAdapter(SymconvAdapter):
    layout = "nchw"
    dropped: ClassVar[dict[str, int]] = {}
    batched = True


class HWAdapter(SymconvAdapter):
    """Single-channel ``(H, W)`` functions with symconv's keywords; pooling pools each channel."""

    layout = "hw"
    dropped: ClassVar[dict[str, int]] = {"out": 2, "X": 2, "dX": 2, "delta": 2, "W": 2, "dW": 2}

    conv_limits = Limits(channels="one", bias=False)

    def _maps(self, call: Callable[..., Any], *batches: np.ndarray) -> np.ndarray:
        """Call on every (sample, channel) plane and stack the results back to (N, C, ...)."""
        N, C = batches[0].shape[:2]
        return _stack(
            [_stack([call(*(a[n, c] for a in batches)) for c in range(C)], self.name) for n in range(N)], self.name
        )

    def forward(self, cfg, X, W=None, b=None):
        if self.conv:
            kw = dict(stride=_pair(cfg.stride), padding=padding_argument(cfg), dilation=_pair(cfg.dilation))
            return self._maps(lambda x: to_numpy(self.fn(x, W[0, 0], **kw), f"{self.name}'s result"), X)
        return self._maps(
            lambda x: to_numpy(self.fn(x, _pair(cfg.kernel), **self._pool_kw(cfg)), f"{self.name}'s result"), X
        )

    def backward(self, cfg, X, W, b, delta):
        if not self.conv:
            kw = self._pool_kw(cfg)
            return {
                "X": self._maps(
                    lambda x, d: _grads(self.bwd(x, d, _pair(cfg.kernel), **kw), ("X",), self.backward_name)["X"],
                    X,
                    delta,
                )
            }
        kw = dict(stride=_pair(cfg.stride), padding=padding_argument(cfg), dilation=_pair(cfg.dilation))
        dXs, dWs = [], []
        for n in range(X.shape[0]):
            g = _grads(self.bwd(X[n, 0], W[0, 0], delta[n, 0], **kw), ("X", "W"), self.backward_name)
            if "X" in g:
                dXs.append(g["X"][None])
            if "W" in g:
                dWs.append(g["W"])
        out = {}
        if dXs:
            out["X"] = _stack(dXs, self.backward_name)
        if dWs:
            out["W"] = np.sum(dWs, axis=0)[None, None]
        return out


def _stack(parts: list[np.ndarray], what: str) -> np.ndarray:
    shapes = {p.shape for p in parts}
    if len(shapes) != 1:
        raise BadResult(f"{what} returned arrays of different shapes {sorted(shapes)} for samples of one batch")
    return np.stack(parts)


# --- CS231n ---------------------------------------------------------------------------------------------------


class CS231nAdapter(Adapter):
    """``conv_forward_naive(x, w, b, conv_param)`` / ``max_pool_forward_naive(x, pool_param)`` and their backward."""

    layout = "cs231n"
    names: ClassVar[dict[str, str]] = {
        "out": "out",
        "X": "x",
        "W": "w",
        "b": "b",
        "delta": "dout",
        "dX": "dx",
        "dW": "dw",
        "db": "db",
    }

    conv_limits = Limits(padding="uniform", stride="uniform", dilation=False, groups=False, bias=True)
    pool_limits = Limits(padding="none", stride="uniform", dilation=False, ceil_mode=False)

    def _param(self, cfg):
        if self.conv:
            return {"stride": cfg.stride[0], "pad": cfg.padding[0][0]}
        return {"pool_height": cfg.kernel[0], "pool_width": cfg.kernel[1], "stride": cfg.stride[0]}

    def _forward(self, cfg, X, W, b):
        result = self.fn(X, W, b, self._param(cfg)) if self.conv else self.fn(X, self._param(cfg))
        if isinstance(result, tuple) and len(result) == 2:
            return result
        return result, None

    def forward(self, cfg, X, W=None, b=None):
        return to_numpy(self._forward(cfg, X, W, b)[0], f"{self.name}'s out")

    def backward(self, cfg, X, W, b, delta):
        _, cache = self._forward(cfg, X, W, b)
        keys = ("X", "W", "b") if self.conv else ("X",)
        return _grads(self.bwd(delta, cache), keys, self.backward_name)


# --- d2l ----------------------------------------------------------------------------------------------------------


class D2LAdapter(Adapter):
    """d2l's ``corr2d(X, K)`` and ``pool2d(X, pool_size, mode)``: one plane at a time."""

    layout = "d2l"
    names: ClassVar[dict[str, str]] = {
        "out": "Y",
        "X": "X",
        "W": "K",
        "b": "b",
        "delta": "Y.grad",
        "dX": "X.grad",
        "dW": "K.grad",
        "db": "b.grad",
    }
    dropped: ClassVar[dict[str, int]] = {"out": 2, "X": 2, "dX": 2, "delta": 2, "W": 2, "dW": 2}

    @property
    def autograd(self) -> bool:
        return torch_backend.available()

    conv_limits = Limits(padding="none", stride="one", dilation=False, channels="one", bias=False)
    pool_limits = Limits(padding="none", stride="one", dilation=False, ceil_mode=False)

    def _plane(self, x: Any, W: Any) -> Any:
        return self.fn(x, W) if self.conv else self.fn(x, tuple(W), _mode(self.op))

    def forward(self, cfg, X, W=None, b=None):
        kernel = W[0, 0] if self.conv else cfg.kernel
        if self.autograd:
            torch = _torch()
            kernel = torch.as_tensor(np.asarray(kernel, dtype=np.float64)) if self.conv else kernel
            X = torch.as_tensor(np.asarray(X, dtype=np.float64))
        planes = [
            [to_numpy(self._plane(X[n, c], kernel), f"{self.name}'s Y") for c in range(X.shape[1])]
            for n in range(X.shape[0])
        ]
        return _stack([_stack(p, self.name) for p in planes], self.name)

    def backward(self, cfg, X, W, b, delta):
        torch = _torch()
        x = torch.tensor(np.asarray(X, dtype=np.float64), requires_grad=True)
        k = torch.tensor(np.asarray(W[0, 0], dtype=np.float64), requires_grad=True) if self.conv else None
        d = torch.as_tensor(np.asarray(delta, dtype=np.float64))
        total = 0
        for n in range(x.shape[0]):
            for c in range(x.shape[1]):
                y = self._plane(x[n, c], k if self.conv else cfg.kernel)
                if not hasattr(y, "backward"):
                    raise BadResult(f"{self.name} returned {type(y).__name__}, not a tensor autograd can differentiate")
                total = total + (y * d[n, c].to(y.dtype)).sum()
        total.backward()
        # the gradient went through the output's dtype (d2l's torch.zeros is float32): compare it at that precision
        dtype = total.detach().cpu().numpy().dtype
        out = {"X": _grad_or_zeros(x).astype(dtype)}
        if self.conv:
            out["W"] = _grad_or_zeros(k).astype(dtype)[None, None]
        return out


def _grad_or_zeros(t: Any) -> np.ndarray:
    return np.zeros(tuple(t.shape)) if t.grad is None else t.grad.detach().cpu().numpy()


# --- torch ----------------------------------------------------------------------------------------------------------


class TorchAdapter(Adapter):
    """``torch.nn.functional``'s signatures on float64 tensors."""

    layout = "torch"
    names: ClassVar[dict[str, str]] = {
        "out": "output",
        "X": "input",
        "W": "weight",
        "b": "bias",
        "delta": "grad_output",
        "dX": "grad_input",
        "dW": "grad_weight",
        "db": "grad_bias",
    }
    needs_torch = True
    autograd = True

    conv_limits = Limits(padding="symmetric")

    def _kw(self, cfg):
        if self.conv:
            pads = tuple(lo for lo, _ in cfg.padding)
            return dict(stride=tuple(cfg.stride), padding=pads, dilation=tuple(cfg.dilation), groups=cfg.groups)
        kw = dict(stride=tuple(cfg.stride), padding=tuple(cfg.padding), ceil_mode=cfg.ceil_mode)
        if self.op == "max_pool2d":
            kw["dilation"] = tuple(cfg.dilation)
        else:
            kw["count_include_pad"] = cfg.count_include_pad
        return kw

    def _call(self, cfg, x, w, b):
        if self.conv:
            return self.fn(x, w, b, **self._kw(cfg))
        return self.fn(x, tuple(cfg.kernel), **self._kw(cfg))

    def forward(self, cfg, X, W=None, b=None):
        torch = _torch()
        t = [None if a is None else torch.as_tensor(np.asarray(a, dtype=np.float64)) for a in (X, W, b)]
        return to_numpy(self._call(cfg, *t), f"{self.name}'s output")

    def backward(self, cfg, X, W, b, delta):
        torch = _torch()
        if self.bwd is True:
            tensors = [
                None if a is None else torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)
                for a in (X, W, b)
            ]
            out = self._call(cfg, *tensors)
            if not hasattr(out, "backward"):
                raise BadResult(f"{self.name} returned {type(out).__name__}, not a tensor autograd can differentiate")
            out.backward(torch.as_tensor(np.asarray(delta, dtype=np.float64)).to(out.dtype))
            names = ("X", "W", "b") if self.conv else ("X",)
            return {k: _grad_or_zeros(t) for k, t in zip(names, tensors) if t is not None}
        d = torch.as_tensor(np.asarray(delta, dtype=np.float64))
        x = torch.as_tensor(np.asarray(X, dtype=np.float64))
        if self.conv:
            w = torch.as_tensor(np.asarray(W, dtype=np.float64))
            bb = None if b is None else torch.as_tensor(np.asarray(b, dtype=np.float64))
            return _grads(self.bwd(d, x, w, bb, **self._kw(cfg)), ("X", "W", "b"), self.backward_name)
        return _grads(self.bwd(d, x, kernel_size=tuple(cfg.kernel), **self._kw(cfg)), ("X",), self.backward_name)


class ModuleAdapter(TorchAdapter):
    """A ``torch.nn.Module`` class (built per configuration) or instance (its own hyper-parameters)."""

    layout = "module"
    names: ClassVar[dict[str, str]] = {
        **TorchAdapter.names,
        "dX": "input.grad",
        "dW": "weight.grad",
        "db": "bias.grad",
    }

    def __init__(self, fn, op, backward):
        super().__init__(fn, op, backward)
        torch = _torch()
        self.is_class = inspect.isclass(fn)
        if not (issubclass(fn, torch.nn.Module) if self.is_class else isinstance(fn, torch.nn.Module)):
            raise ParameterError("fn", fn, "a torch.nn.Module class or instance for layout 'module'")
        if backward not in (False, True, None):
            raise ParameterError("backward", backward, "True (autograd) or False for layout 'module'")
        self.params = None if self.is_class else self._read(fn)

    @property
    def name(self) -> str:
        cls = self.fn if self.is_class else type(self.fn)
        return cls.__qualname__

    def _read(self, m: Any) -> dict[str, Any]:
        """The instance's hyper-parameters, read from nn.Conv2d's / nn.MaxPool2d's attribute names."""

        def two(v: Any) -> tuple[int, int]:
            return tuple(v) if isinstance(v, (tuple, list)) else (v, v)

        try:
            if self.conv:
                if getattr(m, "padding_mode", "zeros") != "zeros" or isinstance(m.padding, str):
                    raise ParameterError("fn", m, "zero padding given as ints (padding_mode='zeros')")
                return dict(
                    in_channels=m.in_channels,
                    out_channels=m.out_channels,
                    kernel=two(m.kernel_size),
                    stride=two(m.stride),
                    padding=two(m.padding),
                    dilation=two(m.dilation),
                    groups=m.groups,
                    bias=m.bias is not None,
                )
            p = dict(kernel=two(m.kernel_size), stride=two(m.stride or m.kernel_size), padding=two(m.padding))
            p["ceil_mode"] = bool(m.ceil_mode)
            if self.op == "max_pool2d":
                p["dilation"] = two(m.dilation)
            else:
                p["count_include_pad"] = bool(m.count_include_pad)
            return p
        except AttributeError as err:
            kind = "nn.Conv2d" if self.conv else "nn.MaxPool2d/nn.AvgPool2d"
            raise ParameterError("fn", m, f"a module with {kind}'s attributes ({err.args[0]})") from None

    def adapt_grid(self, grid):
        if self.params is None:
            return grid
        out, seen = [], set()
        for cfg in grid:
            key = (cfg.batch, cfg.size)
            if key in seen:
                continue
            seen.add(key)
            try:
                if self.conv:
                    out.append(ConvConfig(batch=cfg.batch, size=cfg.size, **self.params))
                else:
                    out.append(PoolConfig(batch=cfg.batch, channels=cfg.channels, size=cfg.size, **self.params))
            except ParameterError:
                continue  # the module's window does not fit this input size
        return out

    def supports(self, cfg):
        reason = super().supports(cfg)
        if reason or self.params is None:
            return reason
        mine = self.params
        if self.conv:
            theirs = dict(
                in_channels=cfg.in_channels,
                out_channels=cfg.out_channels,
                kernel=cfg.kernel,
                stride=cfg.stride,
                padding=tuple(lo for lo, _ in cfg.padding),
                dilation=cfg.dilation,
                groups=cfg.groups,
                bias=cfg.bias,
            )
        else:
            theirs = {k: getattr(cfg, k) for k in mine}
        return None if theirs == mine else "the module's own hyper-parameters"

    def _module(self, cfg):
        torch = _torch()
        if not self.is_class:
            return copy.deepcopy(self.fn).to(torch.float64)
        if self.conv:
            pads = tuple(lo for lo, _ in cfg.padding)
            m = self.fn(
                cfg.in_channels,
                cfg.out_channels,
                tuple(cfg.kernel),
                stride=tuple(cfg.stride),
                padding=pads,
                dilation=tuple(cfg.dilation),
                groups=cfg.groups,
                bias=cfg.bias,
            )
        elif self.op == "max_pool2d":
            m = self.fn(
                tuple(cfg.kernel),
                stride=tuple(cfg.stride),
                padding=tuple(cfg.padding),
                dilation=tuple(cfg.dilation),
                ceil_mode=cfg.ceil_mode,
            )
        else:
            m = self.fn(
                tuple(cfg.kernel),
                stride=tuple(cfg.stride),
                padding=tuple(cfg.padding),
                ceil_mode=cfg.ceil_mode,
                count_include_pad=cfg.count_include_pad,
            )
        return m.to(torch.float64)

    def _run(self, cfg, X, W, b, grad: bool):
        torch = _torch()
        m = self._module(cfg)
        if self.conv:
            with torch.no_grad():
                if tuple(m.weight.shape) != tuple(W.shape):
                    raise BadResult(f"{self.name}'s weight has shape {tuple(m.weight.shape)}; expected {W.shape}")
                m.weight.copy_(torch.as_tensor(np.asarray(W, dtype=np.float64)))
                if b is not None:
                    m.bias.copy_(torch.as_tensor(np.asarray(b, dtype=np.float64)))
            m.zero_grad()
        x = torch.tensor(np.asarray(X, dtype=np.float64), requires_grad=grad)
        return m, x, m(x)

    def forward(self, cfg, X, W=None, b=None):
        return to_numpy(self._run(cfg, X, W, b, grad=False)[2], f"{self.name}'s output")

    def backward(self, cfg, X, W, b, delta):
        torch = _torch()
        m, x, out = self._run(cfg, X, W, b, grad=True)
        out.backward(torch.as_tensor(np.asarray(delta, dtype=np.float64)).to(out.dtype))
        grads = {"X": _grad_or_zeros(x)}
        if self.conv:
            grads["W"] = _grad_or_zeros(m.weight)
            if b is not None:
                grads["b"] = _grad_or_zeros(m.bias)
        return grads


LAYOUTS: dict[str, type[Adapter]] = {
    "symconv": SymconvAdapter,
    "nchw": NCHWAdapter,
    "hw": HWAdapter,
    "torch": TorchAdapter,
    "module": ModuleAdapter,
    "cs231n": CS231nAdapter,
    "d2l": D2LAdapter,
}


def adapter_for(fn: Any, op: str, layout: str, backward: Any = False) -> Adapter:
    """The adapter of ``layout`` around ``fn`` (and its backward).

    >>> from symconv import numeric
    >>> a = adapter_for(numeric.corr2d, "corr2d", "hw")
    >>> a.forward(ConvConfig(size=3, kernel=2), np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2))).shape
    (1, 1, 2, 2)
    """
    if layout not in LAYOUTS:
        raise ParameterError("layout", layout, f"one of {', '.join(map(repr, LAYOUTS))}")
    if not callable(fn):
        raise ParameterError("fn", fn, "a function (or a torch.nn.Module)")
    return LAYOUTS[layout](fn, op, backward)
