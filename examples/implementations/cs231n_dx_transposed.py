"""Mistake: dx as a transposed convolution of the upstream gradient, with PyTorch's conv_transpose2d size
(H' - 1) * stride - 2 * pad + HH, but without its output_padding: when the stride does not divide
H + 2 * pad - HH, the last rows (or columns) of dx are missing. dw and db are right."""

import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, _, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * stride, j * stride
                    out[n, f, i, j] = np.sum(xp[n, :, hs : hs + HH, ws : ws + WW] * w[f]) + b[f]
    return out, (x, w, b, conv_param)


def conv_backward_naive(dout, cache):
    x, w, _, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    N = x.shape[0]
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dw = np.zeros_like(w)
    for i in range(H_out):
        for j in range(W_out):
            window = xp[:, :, i * stride : i * stride + HH, j * stride : j * stride + WW]
            dw += np.einsum("nf,nchw->fchw", dout[:, :, i, j], window)
    db = dout.sum(axis=(0, 2, 3))
    # dx: dilate dout by the stride, pad it by k - 1, correlate with the kernel
    dil = np.zeros((N, F, (H_out - 1) * stride + 1, (W_out - 1) * stride + 1))
    dil[:, :, ::stride, ::stride] = dout
    full = np.pad(dil, ((0, 0), (0, 0), (HH - 1, HH - 1), (WW - 1, WW - 1)))
    Hf, Wf = dil.shape[2] + HH - 1, dil.shape[3] + WW - 1
    dxp = np.zeros_like(xp)
    for u in range(Hf):
        for v in range(Wf):
            patch = full[:, :, u : u + HH, v : v + WW]
            dxp[:, :, u, v] = np.einsum("nfhw,fchw->nc", patch, w[:, :, ::-1, ::-1])
    dx = dxp[:, :, pad : Hf - pad, pad : Wf - pad]  # the mistake: the last (H + 2 * pad - HH) % stride rows
    return dx, dw, db
