"""Mistake: average pooling always divides by the window size kh * kw, whatever count_include_pad says
(and however much of a ceil-mode window hangs past the padding)."""

import numpy as np


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def out_size(n, k, s, p, d, ceil_mode):
    span = n + 2 * p - d * (k - 1) - 1
    if not ceil_mode:
        return span // s + 1
    out = -(-span // s) + 1
    if (out - 1) * s >= n + p:  # PyTorch: the last window must not start in the right padding
        out -= 1
    return out


def pool2d(X, kernel_size, stride=None, padding=0, mode="max", dilation=1, ceil_mode=False, count_include_pad=True):
    (kh, kw), (sh, sw) = _pair(kernel_size), _pair(stride or kernel_size)
    (ph, pw), (dh, dw) = _pair(padding), _pair(dilation)
    N, C, H, W = X.shape
    H_out, W_out = out_size(H, kh, sh, ph, dh, ceil_mode), out_size(W, kw, sw, pw, dw, ceil_mode)
    fill = -np.inf if mode == "max" else 0.0
    Xp = np.full((N, C, H + 2 * ph + dh * kh + sh, W + 2 * pw + dw * kw + sw), fill)  # room for ceil mode
    Xp[:, :, ph : ph + H, pw : pw + W] = X
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            hs, ws = i * sh, j * sw
            window = Xp[:, :, hs : hs + dh * (kh - 1) + 1 : dh, ws : ws + dw * (kw - 1) + 1 : dw]
            if mode == "max":
                out[:, :, i, j] = window.max(axis=(2, 3))
                continue
            count = kh * kw  # the mistake
            out[:, :, i, j] = window.sum(axis=(2, 3)) / count
    return out
