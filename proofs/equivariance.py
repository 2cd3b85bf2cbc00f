"""Prove what a shift does to correlation and pooling; refute the literal invariance claims.

Run: `python proofs/equivariance.py`.
"""

import sys

from symconv.cli import main

raise SystemExit(main(["prove", "--family", "equivariance", *sys.argv[1:]]))
