"""Prove the classic identities (adjointness, associativity, separability, stride, dilation, the DFT).

Run: `python proofs/identities.py`.
"""

import sys

from symconv.cli import main

raise SystemExit(main(["prove", "--family", "identities", *sys.argv[1:]]))
