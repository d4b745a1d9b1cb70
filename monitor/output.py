"""Render rows for a person (aligned table), a spreadsheet (CSV) or a program (JSON)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ddor_watch.db.csv_text import csv_text


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def render_rows(columns: list[str], rows: list[tuple[Any, ...]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in rows],
                          indent=2, ensure_ascii=False)
    if fmt == "csv":
        return csv_text(columns, ([_plain(v) for v in row] for row in rows)).rstrip("\n")
    cells = [[("" if v is None else str(_plain(v))) for v in row] for row in rows]
    widths = [min(48, max([len(c)] + [len(r[i]) for r in cells])) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(v[:w].ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    if not rows:
        lines.append("(none)")
    return "\n".join(lines)
