"""``python -m symconv``."""

from .cli import main

raise SystemExit(main())
