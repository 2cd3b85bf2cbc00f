"""Audit the course notes: every formula and worked example, checked.

>>> rows = audit(sections=("6.1.4",))
>>> [(r["section"], r["verdict"]) for r in rows][:2]
[('6.1.4', 'holds'), ('6.1.4', 'holds')]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from typing import Any

from ..errors import ParameterError, public
from .findings import Finding, Item
from .notes import ITEMS
from .render import render_audit

__all__ = ["ITEMS", "Finding", "Item", "audit", "report"]


@public
def audit(sections: Iterable[str] | None = None, *, progress: bool = False) -> list[dict[str, Any]]:
    """Check every item (or those of ``sections``, e.g. ``("6.2",)``) in the notes' order; one dict per item."""
    wanted = tuple(sections) if sections else None
    rows = []
    items = [item for item in ITEMS if wanted is None or item.section.startswith(wanted)]
    if not items:
        known = sorted({item.section for item in ITEMS})
        raise ParameterError("sections", sections, f"sections of the notes: {', '.join(known)}")
    for number, item in enumerate(items, 1):
        if progress:
            print(f"[{number}/{len(items)}] {item.section} {item.title} ...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        finding = item.check()
        rows.append(
            {
                "section": item.section,
                "title": item.title,
                "claim": item.claim,
                **finding.to_dict(),
                "seconds": round(time.perf_counter() - start, 3),
            }
        )
    return rows


@public
def report(rows: list[dict[str, Any]], fmt: str = "text") -> str:
    """The audit as plain text, Markdown or LaTeX (to keep beside the notes): corrections as formulas,
    counterexamples as 1-based matrices (see :mod:`symconv.audit.render`).

    >>> report(audit(sections=("6.1.3",)), "md").splitlines()[2]
    '1 items: 1 hold, 0 fail, 0 imprecise.'
    """
    if fmt not in ("text", "md", "tex"):
        raise ParameterError("fmt", fmt, "'text', 'md' or 'tex'")
    if fmt in ("md", "tex"):
        return render_audit(rows, fmt)
    counts = {v: sum(r["verdict"] == v for r in rows) for v in ("holds", "fails", "imprecise")}
    summary = f"{len(rows)} items: {counts['holds']} hold, {counts['fails']} fail, {counts['imprecise']} imprecise"
    lines = [summary, ""]
    for r in rows:
        kind = f" ({r['kind']})" if r["kind"] else ""
        lines.append(f"{r['section']:<6} {r['verdict'].upper()}{kind}: {r['title']}")
        lines.append(f"       the notes: {r['claim']}")
        lines.append(f"       {r['evidence']}")
        if r["correction"]:
            lines.append(f"       correction: {r['correction']}")
        if r["confirmed_by"]:
            lines.append(
                "       counterexample confirmed by: " + ", ".join(f"{k} {v}" for k, v in r["confirmed_by"].items())
            )
    return "\n".join(lines) + "\n"
