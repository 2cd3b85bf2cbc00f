"""Prove the conv_corr theorems of the notes and cross-check them: `python proofs/conv_corr.py`."""

import sys

from symconv.cli import main

raise SystemExit(main(["prove", "--family", "conv_corr", *sys.argv[1:]]))
