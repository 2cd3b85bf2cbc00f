"""Prove what a shift does to correlation and pooling, and refute the literal invariance claims: `python proofs/equivariance.py`."""

import sys

from symconv.cli import main

raise SystemExit(main(["prove", "--family", "equivariance", *sys.argv[1:]]))
