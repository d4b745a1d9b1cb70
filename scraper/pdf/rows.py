"""Group a table's body lines into rows: by ruling lines, by vertical whitespace, or by anchors.

Rows come from ruling lines when the table has them (word processors, browsers with
borders), else from vertical whitespace between rows (browsers centre cells vertically),
else from "anchor" columns that never wrap (dates, counts): a text line with an anchor
value starts a new row, any other line continues the row above, across page breaks too.
Every line handed in ends in exactly one row; none is dropped here.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from ddor_watch.scraper.pdf.header import Columns, TableSpec, spans_table
from ddor_watch.scraper.pdf.layout import Line, PageText


@dataclass
class Record:
    cells: dict[str, list[str]]     # column key -> the cell's text, one entry per printed line
    page: int
    bbox: list[float]
    lines: list[Line] = field(default_factory=list)

    def text(self, key: str) -> str | None:
        parts = self.cells.get(key)
        return " ".join(parts) if parts else None

    def add(self, key: str, text: str) -> None:
        self.cells.setdefault(key, []).append(text)


def row_bands(page: PageText, columns: Columns, start: float, end: float) -> list[tuple[float, float]]:
    """Row bands between the horizontal rules that cross this table, from its header down to
    the first rule below its last line (rules further down belong to the next table)."""
    tol = columns.tolerances
    ys: list[float] = []
    for rule in sorted(page.hrules, key=lambda r: r[2]):
        y = rule[2]
        if y < start - tol.rule_slop or not spans_table(rule, columns.x0, columns.x1, tol):
            continue
        if ys and y - ys[-1] <= tol.rule_dedupe:
            continue
        ys.append(y)
        if y > end:
            break
    if len(ys) < 2:
        return []
    return list(zip(ys, ys[1:], strict=False))


def band_groups(body: list[Line], bands: list[tuple[float, float]], slop: float) -> list[list[Line]]:
    """Each line into the band holding its middle. Lines above the first rule (a row's tail
    continued from the page before, drawn without a top rule) and below the last rule (a
    row cut by the page break whose bottom rule a browser never drew) form open groups of
    their own, so their text is neither lost nor glued onto a neighbouring row."""
    leading: list[Line] = []
    trailing: list[Line] = []
    inside: list[list[Line]] = [[] for _ in bands]
    for line in sorted(body, key=lambda ln: ln.top):
        middle = (line.top + line.bottom) / 2
        if middle < bands[0][0] - slop:
            leading.append(line)
        elif middle > bands[-1][1] + slop:
            trailing.append(line)
        else:
            index = next((i for i, (top, bottom) in enumerate(bands) if middle <= bottom + slop), len(bands) - 1)
            inside[index].append(line)
    return [g for g in (leading, *inside, trailing) if g]


def _new_record(line: Line) -> Record:
    return Record({}, line.page, [line.x0, line.top, line.x1, line.bottom])


def _add_line(columns: Columns, record: Record, line: Line) -> None:
    by_column: dict[str, list[str]] = {}
    for word in line.words:
        by_column.setdefault(columns.column_of(word), []).append(word.text)
    for key, texts in by_column.items():
        record.add(key, " ".join(texts))
    if line.page == record.page:
        record.bbox = [min(record.bbox[0], line.x0), min(record.bbox[1], line.top),
                       max(record.bbox[2], line.x1), max(record.bbox[3], line.bottom)]
    record.lines.append(line)


def gap_groups(spec: TableSpec, columns: Columns, body: list[Line]) -> list[list[Line]] | None:
    """Unruled rows by vertical whitespace: lines of one row sit closer than rows do (cell
    padding). Works when cells are vertically centred, where anchors fail. None when the
    gaps do not separate into two clear sizes, or a row would lack a whole anchor value."""
    tol = columns.tolerances
    ordered = sorted(body, key=lambda ln: ln.top)
    if len(ordered) < tol.gap_min_lines:
        return None
    # Gap from everything above (not just the previous line): vertically centred cells
    # overlap each other's lines within one row.
    gaps, reach = [], ordered[0].bottom
    for line in ordered[1:]:
        gaps.append(line.top - reach)
        reach = max(reach, line.bottom)
    threshold = _two_means_threshold([g for g in gaps if g > 0], tol.gap_separation)
    if threshold is None:
        # One size of positive gap: cell padding if it is large against the text height
        # (every gap is a row break), line spacing if small (the check below then fails).
        threshold = tol.gap_line_height_ratio * statistics.median(ln.bottom - ln.top for ln in ordered)
    groups: list[list[Line]] = [[ordered[0]]]
    for gap, line in zip(gaps, ordered[1:], strict=True):
        if gap > threshold:
            groups.append([line])
        else:
            groups[-1].append(line)
    anchor = next((key for key in spec.anchors if key in columns.keys), None)
    if anchor is None:
        return None
    for index, group in enumerate(groups):
        cells = [" ".join(w.text for w in ln.words if columns.column_of(w) == anchor) for ln in group]
        text = " ".join(c for c in cells if c)
        if spec.complete(anchor, text):
            continue
        # The first and last groups may be halves of a row that a page break split
        # ("Dec. 24," here, "2016" on the next page) but never hold two rows' values.
        at_edge = index in (0, len(groups) - 1) and len(groups) >= 3
        if (at_edge and _holds_no_value(spec, anchor, text)) or (index == 0 and not text):
            continue
        return None
    return groups


def _holds_no_value(spec: TableSpec, key: str, text: str) -> bool:
    tokens = text.split()
    return not any(spec.complete(key, " ".join(tokens[i:j]))
                   for i in range(len(tokens)) for j in range(i + 1, min(len(tokens), i + 3) + 1))


def _two_means_threshold(gaps: list[float], separation: float) -> float | None:
    """Split gap sizes into two clusters (Otsu); None unless the clusters are clearly apart."""
    values = sorted(gaps)
    if len(values) < 2:
        return None
    best: tuple[float, float] | None = None
    for i in range(1, len(values)):
        low, high = values[:i], values[i:]
        mean_low, mean_high = sum(low) / len(low), sum(high) / len(high)
        score = len(low) * len(high) * (mean_high - mean_low) ** 2
        if best is None or score > best[0]:
            best = (score, (values[i - 1] + values[i]) / 2)
    if best is None:
        return None
    threshold = best[1]
    low = [g for g in values if g <= threshold]
    high = [g for g in values if g > threshold]
    if not low or not high or min(high) - max(low) < separation:
        return None
    return threshold


def rows_from_groups(spec: TableSpec, columns: Columns, groups: list[list[Line]], records: list[Record]) -> None:
    """One record per group of lines; a first group with no key cells continues the last
    record of the previous page (a row split by a page break)."""
    for index, inside in enumerate(groups):
        record = _new_record(inside[0])
        for line in inside:
            _add_line(columns, record, line)
        # Word processors let a row break across pages: the part on the new page has no key
        # cells, or (the row broke inside a wrapped cell) no whole anchor value.
        is_continuation = index == 0 and records and (
            not any(record.cells.get(k) for k in spec.keys)
            or not any(spec.complete(a, record.text(a)) for a in spec.anchors if a in columns.keys))
        # The page before ended with only the top of a cut row (no key cell yet): what follows
        # on this page, up to and including its key cells, is the rest of that row.
        finishes_cut_row = bool(records) and records[-1].page < inside[0].page and not any(
            records[-1].cells.get(k) for k in spec.keys)
        if is_continuation or finishes_cut_row:
            for key, parts in record.cells.items():
                records[-1].cells.setdefault(key, []).extend(parts)
            records[-1].lines.extend(record.lines)
        else:
            records.append(record)


def rows_from_anchors(spec: TableSpec, columns: Columns, body: list[Line], records: list[Record],
                      ambiguous: list[Line] | None = None) -> None:
    """A line starts a new row when an anchor cell of the row above is already complete.

    "Complete" means the anchor's value parses (a date, a count, a state): a date that
    wrapped ("Jan. 20," then "2017") keeps its second line in the same row. This reads
    cells as top-aligned; a continuation line that sits clearly closer to the next row's
    first line than to its own row's last line (vertically centred cells) is added to
    `ambiguous`, so the report says so instead of trusting a guess.
    """
    starts: list[bool] = []
    for line in body:
        keys = {columns.column_of(w) for w in line.words}
        starts.append(not records or any(
            key in keys and spec.complete(key, records[-1].text(key)) for key in spec.anchors))
        if starts[-1]:
            records.append(_new_record(line))
        _add_line(columns, records[-1], line)
    if ambiguous is not None:
        ambiguous.extend(_closer_to_next_row(body, starts, columns.tolerances.row_affinity_ratio))


def _closer_to_next_row(body: list[Line], starts: list[bool], ratio: float) -> list[Line]:
    found = []
    for index, line in enumerate(body):
        if starts[index] or index == 0:
            continue
        following = next((body[j] for j in range(index + 1, len(body)) if starts[j]), None)
        if following is None or following.page != line.page:
            continue
        height = line.bottom - line.top
        gap_up = line.top - body[index - 1].bottom
        gap_down = following.top - line.bottom
        if gap_down < gap_up - ratio * height:
            found.append(line)
    return found
