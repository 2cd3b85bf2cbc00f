"""Prove the gradients theorems of the notes and cross-check them: `python proofs/gradients.py`."""

import sys

from symconv.cli import main

raise SystemExit(main(["prove", "--family", "gradients", *sys.argv[1:]]))
