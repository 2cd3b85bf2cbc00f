"""Mistake: the kernel is flipped. The student remembered that "convolution flips the kernel", but CNN layers
(and CS231n, and PyTorch's conv2d) compute cross-correlation."""

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
            kernel = w[f, :, ::-1, ::-1]  # the mistake
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * stride, j * stride
                    out[n, f, i, j] = np.sum(xp[n, :, hs : hs + HH, ws : ws + WW] * kernel) + b[f]
    return out, (x, w, b, conv_param)
