"""Rows of an unruled table whose cells are vertically centred (a word processor's default)
or bottom-aligned (a spreadsheet's default: a row's single-line cells print on its last line).

With one item per paragraph in a tall cell, a row's single-line cells sit at the middle of its
block, so its first lines come *before* its anchor value: read top-down they look like the
tail of the row above. Geometry settles it: in a centred row every cell's block of lines has
the same middle as the row's anchor cell, to within a point or so. Row boundaries are chosen
so that every column's block is centred on its row's anchor, and the reading is used only when
exactly one choice satisfies every row; otherwise the caller keeps its warning. Bottom
alignment is the same search with the blocks' bottoms, not their middles, on the anchor's.

At a page break a row is cut and its halves are no longer centred: lines above the first row
are the tail of the page before's last row, and the page's last row may run on to the next
page (its block is not checked; its anchor may be cut too, "July 21," here, "2016" there).
"""

from __future__ import annotations

import statistics
from typing import Literal

from ddor_watch.scraper.pdf.header import Columns, TableSpec
from ddor_watch.scraper.pdf.layout import Line

Span = tuple[float, float, str]
Alignment = Literal["middle", "bottom"]


def _cells(columns: Columns, line: Line) -> dict[str, Span]:
    """Each column's (top, bottom, text) on one line."""
    found: dict[str, Span] = {}
    for word in line.words:
        key = columns.column_of(word)
        top, bottom, text = found.get(key, (word.top, word.bottom, ""))
        found[key] = (min(top, word.top), max(bottom, word.bottom), f"{text} {word.text}".strip())
    return found


def _anchor_rows(spec: TableSpec, anchor: str, cells: list[dict[str, Span]],
                 align: Alignment) -> list[tuple[int, int, float]]:
    """(first line, last line, middle or bottom) of each row's anchor cell; a last row whose anchor the
    page break cut has no middle (it is not checked). A bare number before the first row is the
    rest of a value cut on the page before ("2016"), not a row."""
    rows: list[tuple[int, int, float]] = []
    first: int | None = None
    text = ""
    for index, line in enumerate(cells):
        if anchor not in line:
            continue
        if first is None and not rows and line[anchor][2].replace(",", "").isdigit():
            continue
        if first is None:
            first, text = index, ""
        text = f"{text} {line[anchor][2]}".strip()
        if spec.complete(anchor, text):
            rows.append((first, index, _level(cells[first][anchor][0], line[anchor][1], align)))
            first = None
    if first is not None:
        rows.append((first, len(cells) - 1, float("nan")))
    return rows


def _level(top: float, bottom: float, align: Alignment) -> float:
    return (top + bottom) / 2 if align == "middle" else bottom


def centred_groups(spec: TableSpec, columns: Columns, body: list[Line], tolerance_ratio: float,
                   continuing: bool, align: Alignment = "middle") -> list[list[Line]] | None:
    """`continuing`: rows were read on an earlier page, so this page may begin with the rest of
    a cut row; on the table's first page it may not. `align`: which level of every cell's block
    must meet its row's anchor (the middle, or the bottom)."""
    anchor = next((key for key in spec.anchors if key in columns.keys), None)
    lines = sorted(body, key=lambda ln: ln.top)
    if anchor is None or len(lines) < 2:
        return None
    cells = [_cells(columns, line) for line in lines]
    rows = _anchor_rows(spec, anchor, cells, align)
    if not rows:
        return None
    last = len(rows) - 1

    tolerance = tolerance_ratio * statistics.median(ln.bottom - ln.top for ln in lines)

    def centred(row: int, start: int, end: int) -> bool:
        """Lines [start, end) as row `row`: every column's block is centred on its anchor."""
        if row == last and align == "middle":
            return True     # the page's last row may run on to the next page
        middle = rows[row][2]
        for key in columns.keys:
            spans = [c[key] for c in cells[start:end] if key in c]
            if spans and abs(_level(spans[0][0], spans[-1][1], align) - middle) > tolerance:
                return False
        return True

    def continues_a_cut_row(end: int) -> bool:
        """Lines [0, end) as the rest of a row cut at the page break: that part of the row is
        centred too, so each column's block there shares the middle of the part's extent."""
        middle = _level(lines[0].top, max(ln.bottom for ln in lines[:end]), align)
        for key in columns.keys:
            spans = [c[key] for c in cells[:end] if key in c]
            if spans and abs(_level(spans[0][0], spans[-1][1], align) - middle) > tolerance:
                return False
        return True

    # paths[end]: how many readings of the rows so far end at line `end` (capped at 2). Lines
    # above the first row's block form a group of their own (the caller joins it to the row
    # before, on the page before).
    # Bottom-aligned, the rest of a row the page break cut ends on its anchor like any row.
    paths = {start: 1 for start in range(rows[0][0] + 1)
             if start == 0 or (continuing and align == "middle" and continues_a_cut_row(start))}
    choices: list[dict[int, int]] = []
    for row in range(len(rows)):
        following: dict[int, int] = {}
        back: dict[int, int] = {}
        limit = rows[row + 1][0] if row < last else len(lines)
        for start, count in paths.items():
            if start > rows[row][0]:
                continue
            for end in range(rows[row][1] + 1, limit + 1):
                if row == last and end != len(lines) and align == "middle":
                    continue
                if centred(row, start, end):
                    following[end] = min(2, following.get(end, 0) + count)
                    back[end] = start
        if not following:
            return None
        paths, choices = following, [*choices, back]
    # Centred, the last row takes the page's last lines (its block may run on). Bottom-aligned,
    # lines below the last anchor are the top of a row the page break cut: a group of their
    # own, which the next page's first row completes.
    ends = [len(lines)] if align == "middle" else list(paths)
    if len(ends) != 1 or paths.get(ends[0]) != 1:
        return None     # unreadable, or more than one reading fits: not for us to guess
    groups: list[list[Line]] = [lines[ends[0]:]] if ends[0] < len(lines) else []
    end = ends[0]
    for back in reversed(choices):
        start = back[end]
        groups.append(lines[start:end])
        end = start
    if end:
        groups.append(lines[:end])
    return list(reversed(groups))
