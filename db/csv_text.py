"""CSV as every file the project writes it: cells a spreadsheet would run as a formula are
neutralised. A cell of document text that starts with = + - @ (or a tab or carriage return)
gets a leading apostrophe, as OWASP advises, so "=HYPERLINK(...)" in a report reads as text
in Excel and LibreOffice. Numbers are written as they are."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_STARTS) else value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([neutralise(value) for value in row] for row in rows)
    return out.getvalue()
