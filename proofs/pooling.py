"""Prove the pooling theorems of the notes and cross-check them: `python proofs/pooling.py`."""

import sys

from symconv.cli import main

raise SystemExit(main(["prove", "--family", "pooling", *sys.argv[1:]]))
