"""Prove the output-shape arithmetic for all sizes and check it on a grid: `python proofs/output_shape.py`."""

import sys

from symconv.cli import main

raise SystemExit(main(["prove", "--family", "arithmetic,shapes", *sys.argv[1:]]))
