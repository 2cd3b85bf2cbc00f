"""Audit every formula and worked example of the course notes: `python proofs/audit_notes.py`."""

import sys

from symconv.cli import main

raise SystemExit(main(["audit", *sys.argv[1:]]))
