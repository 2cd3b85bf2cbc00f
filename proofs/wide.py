"""Prove the wide theorems of the notes and cross-check them: `python proofs/wide.py`."""

import sys

from symconv.cli import main

raise SystemExit(main(["prove", "--family", "wide", *sys.argv[1:]]))
