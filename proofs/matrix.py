"""Prove correlation as a matrix product (Toeplitz, im2col, the gradient as the transpose).

Run: `python proofs/matrix.py`.
"""

import sys

from symconv.cli import main

raise SystemExit(main(["prove", "--family", "matrix", *sys.argv[1:]]))
