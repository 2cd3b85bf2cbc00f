"""Channels (notes 6.2.3): a 1×1 convolution is a matrix product."""

from __future__ import annotations

from .registry import theorem


@theorem(
    section="6.2.3",
    statement="1×1 correlation: H = W_{c_o×c_i} · X_{c_i×(n_h n_w)}, reshaped to c_o × n_h × n_w",
    hypotheses=("k_h = k_w = 1", "s = 1", "p = 0"),
    inputs={"X": ("c_i", "n"), "W": ("c_o", "c_i", "k")},
    sizes=[dict(c_i=3, c_o=2, n=3, k=1), dict(c_i=2, c_o=3, n=(2, 4), k=1), dict(c_i=1, c_o=1, n=2, k=1)],
)
def conv1x1_eq_matmul(B, X, W, *, c_i, c_o, n, **_):
    """Each output pixel is W · (the c_i values of that pixel): a fully
    connected layer applied at every position."""
    h, w = n
    product = B.matmul(B.reshape(W, (c_o, c_i)), B.reshape(X, (c_i, h * w)))
    return B.corr2d_multi_in_out(X, W), B.reshape(product, (c_o, h, w))
