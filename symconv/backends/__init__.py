"""External numeric witnesses: each maps the symconv operators onto another library.

``symconv.backends.torch`` computes every operator with ``torch.nn.functional``.
"""
