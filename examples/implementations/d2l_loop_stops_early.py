"""Mistake: the output has the right size, but the loops stop one window early (range(n - h) instead of
range(n - h + 1)), so the last row and column are never computed."""

import torch


def corr2d(X, K):
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(X.shape[0] - h):  # the mistake: + 1
        for j in range(X.shape[1] - w):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y
