"""Prove the 6.1.1 step from a fully connected layer to a correlation and cross-check it: `python proofs/fc.py`."""

import sys

from symconv.cli import main

raise SystemExit(main(["prove", "--family", "fc", *sys.argv[1:]]))
