"""Tables that run over many pages, found by their header text, ruled or not.

`extract_table` reads one table from the lines of its section and accounts for every line
it was given: a row's cell, a (repeated) header row, the section's prose before the table,
or unplaced. Nothing is dropped without being counted.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace

from ddor_watch.db.errors import NotADdorReport
from ddor_watch.scraper.pdf.centred import centred_groups
from ddor_watch.scraper.pdf.header import Columns, TableSpec, find_header, header_words_found, refine_lefts
from ddor_watch.scraper.pdf.layout import Line, PageText
from ddor_watch.scraper.pdf.rows import Record, band_groups, gap_groups, row_bands, rows_from_anchors, rows_from_groups
from ddor_watch.scraper.pdf.tolerances import DEFAULT, Tolerances


@dataclass
class TableRead:
    """One table's rows, and where each of the section's lines went."""

    records: list[Record] = field(default_factory=list)
    header: list[Line] = field(default_factory=list)
    prose: list[Line] = field(default_factory=list)
    unplaced: list[Line] = field(default_factory=list)
    # The last page's unruled column boundaries, for a page with too few lines to refine its own.
    refined: Columns | None = None
    # Lines whose row is uncertain (closer to the next row than to their own): warned about.
    ambiguous: list[Line] = field(default_factory=list)
    # Per page: the column boundaries used and the vertical extent of the body (for the trace).
    boundaries: list[tuple[int, list[float], float, float]] = field(default_factory=list)

    @property
    def placed(self) -> list[Line]:
        return [line for record in self.records for line in record.lines]


def extract_table(spec: TableSpec, pages: list[tuple[PageText, list[Line]]],
                  tol: Tolerances = DEFAULT) -> TableRead:
    """Rows of one table spread over `pages` (each page with the section's lines on it)."""
    read = TableRead()
    columns: Columns | None = None
    first_header_page: int | None = None
    before: list[Line] = []   # lines before the first header: prose, or rows we could not read
    for page, lines in pages:
        header = find_header(spec, page, lines, tol)
        if header is not None:
            columns = header
            read.header.extend(ln for ln in lines if id(ln) in header.header_lines)
            if first_header_page is None:
                first_header_page = page.number
        if columns is None:
            before.extend(lines)
            continue
        start = columns.header_bottom if header is not None else -1.0
        above = [ln for ln in lines if id(ln) not in columns.header_lines and ln.top < start - tol.slop]
        body = [ln for ln in lines if id(ln) not in columns.header_lines and ln.top >= start - tol.slop]
        # Text above the table's first header is the section's introduction; above a header
        # repeated on a later page it is text no row claimed.
        (before if page.number == first_header_page else read.unplaced).extend(above)
        if body:
            _read_body(spec, page, columns, start, body, read)
    if columns is None or first_header_page is None:
        seen = header_words_found(spec, [ln for _, lines in pages for ln in lines])
        detail = f" (header seen: {seen[0]!r})" if seen else ""
        raise NotADdorReport(f"no {spec.name} table header found{detail}")
    # An introduction may start on the page before the table, no earlier: lines further up
    # are more likely rows under a header we could not read than prose.
    for line in before:
        (read.prose if line.page >= first_header_page - 1 else read.unplaced).append(line)
    return read


def _read_body(spec: TableSpec, page: PageText, columns: Columns, start: float, body: list[Line],
               read: TableRead) -> None:
    tol = columns.tolerances
    bottom = max(ln.bottom for ln in body)
    top = min(ln.top for ln in body)
    bands = row_bands(page, columns, start, bottom)
    # Rules separate rows only where one runs between the body's lines. A table ruled only
    # above and below its rows (booktabs, many reports) is read like an unruled one.
    if not any(top + tol.slop < y < bottom - tol.slop for y in (b[0] for b in bands[1:])):
        bands = []
    if bands:
        read.boundaries.append((page.number, [x for x in columns.lefts[1:]], top, bottom))
        rows_from_groups(spec, columns, band_groups(body, bands, tol.slop), read.records)
        return
    page_columns = columns if columns.ruled else _unruled_columns(columns, body, read.refined)
    read.refined = page_columns
    read.boundaries.append((page.number, list(page_columns.lefts[1:]), top, bottom))
    groups = gap_groups(spec, page_columns, body)
    if groups is None:
        # Read top-aligned on a scratch copy first; when that reading is in doubt (lines nearer
        # the next row than their own), try reading the cells as vertically centred.
        doubt: list[Line] = []
        rows_from_anchors(spec, page_columns, body, copy.deepcopy(read.records[-1:]), doubt)
        if doubt:
            groups = centred_groups(spec, page_columns, body, tol.centre_ratio, continuing=bool(read.records))
    if groups is not None:
        rows_from_groups(spec, page_columns, groups, read.records)
    else:
        rows_from_anchors(spec, page_columns, body, read.records, read.ambiguous)


def _unruled_columns(columns: Columns, body: list[Line], previous: Columns | None) -> Columns:
    """Column boundaries from this page's whitespace when it has lines enough to tell a column
    gap from a word space; else the same table's boundaries from the page before."""
    if len(body) >= columns.tolerances.refine_min_lines:
        return refine_lefts(columns, body)
    same_table = previous is not None and previous.keys == columns.keys and all(
        abs(a[0] - b[0]) <= columns.tolerances.vrule_distinct for a, b in zip(previous.spans, columns.spans,
                                                                             strict=True))
    return replace(columns, lefts=previous.lefts) if same_table and previous is not None else columns
