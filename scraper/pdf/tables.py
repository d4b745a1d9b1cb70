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
    # Group headings ("TEXAS") of a table that gives a column that way, with their values.
    groups: list[tuple[Line, str]] = field(default_factory=list)
    # Pages whose unruled rows were read as bottom-aligned, and as top-aligned anchors.
    bottom_pages: int = 0
    top_pages: int = 0

    @property
    def placed(self) -> list[Line]:
        return [line for record in self.records for line in record.lines] + [line for line, _ in self.groups]


def extract_table(spec: TableSpec, pages: list[tuple[PageText, list[Line]]],
                  tol: Tolerances = DEFAULT, bottom_aligned: bool = False) -> TableRead:
    """Rows of one table spread over `pages` (each page with the section's lines on it).

    A table is aligned one way throughout. When some page shows its rows bottom-aligned (read
    top-down they were in doubt, read bottom-up they fit), the whole table is read again that
    way: a page whose top-down reading raised no doubt (its wrapped rows sat at the page's end,
    where no next row checks them) would otherwise keep a wrong reading silently.
    """
    read = _extract(spec, pages, tol, bottom_aligned)
    if read.bottom_pages and read.top_pages and not bottom_aligned:
        return _extract(spec, pages, tol, bottom_aligned=True)
    return read


def _extract(spec: TableSpec, pages: list[tuple[PageText, list[Line]]], tol: Tolerances,
             bottom_aligned: bool) -> TableRead:
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
        if body and columns.grouped:
            body = _take_group_headings(spec, columns, body, read)
        if body:
            _read_body(spec, page, columns, start, body, read, bottom_aligned)
    if columns is None or first_header_page is None:
        seen = header_words_found(spec, [ln for _, lines in pages for ln in lines])
        detail = f" (header seen: {seen[0]!r})" if seen else ""
        raise NotADdorReport(f"no {spec.name} table header found{detail}")
    # An introduction may start on the page before the table, no earlier: lines further up
    # are more likely rows under a header we could not read than prose.
    for line in before:
        (read.prose if line.page >= first_header_page - 1 else read.unplaced).append(line)
    if read.groups:
        _give_group_values(spec, read)
    return read


def _take_group_headings(spec: TableSpec, columns: Columns, body: list[Line], read: TableRead) -> list[Line]:
    """Lines that are a group heading and nothing else: a value of the missing column alone on
    a line that starts in the first column and is set apart (bold among regular rows, or in
    capitals), so that a wrapped cell reading "Washington" is never taken for one."""
    assert spec.group_value is not None
    regular_rows = sum(not ln.bold for ln in body) * 2 > len(body)
    first_right = columns.lefts[1] if len(columns.lefts) > 1 else columns.x1
    rest = []
    for line in body:
        value = spec.group_value(line.text)
        set_apart = (line.bold and regular_rows) or (line.text.isupper() and len(line.text.strip()) > 2)
        if value is not None and set_apart and line.x0 < first_right:
            read.groups.append((line, value))
        else:
            rest.append(line)
    return rest


def _give_group_values(spec: TableSpec, read: TableRead) -> None:
    """Each row takes the value of the last group heading above its first line, on its page or
    an earlier one (a heading is not repeated when its group runs on to the next page)."""
    assert spec.group_key is not None
    headings = sorted(((ln.page, ln.top), value) for ln, value in read.groups)
    for record in read.records:
        first = min((ln.page, ln.top) for ln in record.lines)
        above = [value for place, value in headings if place <= first]
        if above and spec.group_key not in record.cells:
            record.cells[spec.group_key] = [above[-1]]


def _read_body(spec: TableSpec, page: PageText, columns: Columns, start: float, body: list[Line],
               read: TableRead, bottom_aligned: bool) -> None:
    tol = columns.tolerances
    bottom = max(ln.bottom for ln in body)
    top = min(ln.top for ln in body)
    bands = row_bands(page, columns, start, bottom)
    # Rules separate rows only where one runs between the body's lines. A table ruled only
    # above and below its rows (booktabs, many reports) is read like an unruled one; but in a
    # grid (column rules too) every row is ruled, so a page holding one band holds one row.
    single_grid_row = len(bands) == 1 and _ruled_across(page, bands[0], tol)
    if not single_grid_row and not any(top + tol.slop < y < bottom - tol.slop for y in (b[0] for b in bands[1:])):
        bands = []
    if bands:
        read.boundaries.append((page.number, [x for x in columns.lefts[1:]], top, bottom))
        rows_from_groups(spec, columns, band_groups(body, bands, tol.slop), read.records)
        return
    page_columns = columns if columns.ruled else _unruled_columns(columns, body, read.refined)
    read.refined = page_columns
    read.boundaries.append((page.number, list(page_columns.lefts[1:]), top, bottom))
    groups = gap_groups(spec, page_columns, body)
    if groups is not None and _shows_bottom_alignment(spec, page_columns, groups):
        read.bottom_pages += 1
    if groups is None and bottom_aligned:
        groups = centred_groups(spec, page_columns, body, tol.centre_ratio, bool(read.records), "bottom")
        read.bottom_pages += groups is not None
    if groups is None:
        # Read top-aligned on a scratch copy first; when that reading is in doubt (lines nearer
        # the next row than their own), try reading the cells as vertically centred.
        doubt: list[Line] = []
        rows_from_anchors(spec, page_columns, body, copy.deepcopy(read.records[-1:]), doubt)
        if doubt:
            groups = _aligned_groups(spec, page_columns, body, tol, continuing=bool(read.records), read=read)
    if groups is not None:
        rows_from_groups(spec, page_columns, groups, read.records)
    else:
        read.top_pages += 1
        rows_from_anchors(spec, page_columns, body, read.records, read.ambiguous)


def _aligned_groups(spec: TableSpec, columns: Columns, body: list[Line], tol: Tolerances,
                    continuing: bool, read: TableRead) -> list[list[Line]] | None:
    """Rows read as vertically centred or as bottom-aligned, whichever alone fits the page. When
    both fit and disagree, neither is trusted (the caller keeps its warning)."""
    middle = centred_groups(spec, columns, body, tol.centre_ratio, continuing, "middle")
    bottom = centred_groups(spec, columns, body, tol.centre_ratio, continuing, "bottom")
    if middle is not None and bottom is not None:
        same = [[id(ln) for ln in g] for g in middle] == [[id(ln) for ln in g] for g in bottom]
        return middle if same else None
    read.bottom_pages += bottom is not None
    return middle or bottom


def _ruled_across(page: PageText, band: tuple[float, float], tol: Tolerances) -> bool:
    """Do column rules run down through this band (a grid), not only through the header?"""
    top, bottom = band
    return sum(1 for _, vtop, vbottom in page.vrules if vtop <= top + tol.slop and vbottom >= bottom - tol.slop) >= 3


def _shows_bottom_alignment(spec: TableSpec, columns: Columns, groups: list[list[Line]]) -> bool:
    """Rows told apart by whitespace show how their cells are aligned: wrapped rows whose
    anchor value sits on their last line, below the other cells' first lines, are bottom-aligned
    (and none is top-aligned, with its anchor on its first line above the rest)."""
    anchor = next((key for key in spec.anchors if key in columns.keys), None)
    bottom = top = 0
    for group in groups:
        if len(group) < 2 or anchor is None:
            continue
        has_anchor = [any(columns.column_of(w) == anchor for w in line.words) for line in group]
        top += has_anchor[0] and not has_anchor[-1]
        bottom += has_anchor[-1] and not has_anchor[0]
    return bottom > 0 and top == 0


def _unruled_columns(columns: Columns, body: list[Line], previous: Columns | None) -> Columns:
    """Column boundaries from this page's whitespace when it has lines enough to tell a column
    gap from a word space; else the same table's boundaries from the page before."""
    if len(body) >= columns.tolerances.refine_min_lines:
        return refine_lefts(columns, body)
    same_table = previous is not None and previous.keys == columns.keys and all(
        abs(a[0] - b[0]) <= columns.tolerances.vrule_distinct for a, b in zip(previous.spans, columns.spans,
                                                                             strict=True))
    return replace(columns, lefts=previous.lefts) if same_table and previous is not None else columns
