"""Tables that run over many pages, found by their header text, ruled or not.

Columns are mapped by header text, never by position. Rows come from ruling lines when the
table has them (word processors, browsers with borders) and otherwise from "anchor" columns
that never wrap (dates, counts): a text line with an anchor value starts a new row, any
other line continues the row above, including across a page break.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from db.errors import NotADdorReport
from scraper.pdf.layout import Line, PageText, Word
from scraper.pdf.normalize import fold

# Words that header cells use around the key terms ("Date the Detainer Was Issued",
# "Offense Categories Noted"): header-like, and rare as most of a data line.
HEADER_WORDS = frozenset(
    "THE WAS WERE OF AND BY FOR IN TO AS NOTED CATEGORY CATEGORIES NUMBER NO NAME TYPE DATE WHICH ISSUE "
    "DECLINATION NATIONALITY OFFENSE OFFENSES CHARGES RECORDED REPORTED TOTAL COUNT".split())


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    synonyms: tuple[str, ...]
    required: bool = False
    # Fallback for wordings no synonym lists: a header whose folded text matches this pattern.
    pattern: str | None = None


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[ColumnSpec, ...]
    # Columns whose values never wrap: a line with text here starts a new row (unruled tables).
    anchors: tuple[str, ...]
    # Columns that are blank only on a row's continuation after a page break (ruled tables).
    keys: tuple[str, ...]
    # Per anchor column: does this text already hold a whole value? (blank counts as no)
    complete_checks: tuple[tuple[str, Callable[[str], bool]], ...] = ()

    def complete(self, key: str, text: str | None) -> bool:
        if not text:
            return False
        for check_key, check in self.complete_checks:
            if check_key == key:
                return check(text)
        return True

    @property
    def vocabulary(self) -> set[str]:
        return {word for c in self.columns for s in c.synonyms for word in fold(s).split()} | HEADER_WORDS

    def match(self, text: str) -> str | None:
        """The column key whose header synonym equals `text` (folded), else the one column
        whose keyword pattern it matches; None when neither or several match."""
        folded = fold(text)
        exact = _synonym_index(self).get(folded)
        if exact is not None or not folded:
            return exact
        hits = [c.key for c in self.columns if c.pattern and re.search(c.pattern, folded)]
        return hits[0] if len(hits) == 1 else None


def _synonym_index(spec: TableSpec) -> dict[str, str]:
    cached = _SYNONYMS.get(spec.name)
    if cached is None:
        cached = _SYNONYMS[spec.name] = {fold(s): c.key for c in spec.columns for s in c.synonyms}
    return cached


_SYNONYMS: dict[str, dict[str, str]] = {}


@dataclass
class Record:
    cells: dict[str, list[str]]
    page: int
    bbox: list[float]
    lines: int = 0

    def text(self, key: str) -> str | None:
        parts = self.cells.get(key)
        return " ".join(parts) if parts else None

    def add(self, key: str, text: str) -> None:
        self.cells.setdefault(key, []).append(text)


@dataclass
class _Columns:
    keys: list[str]
    lefts: list[float]          # left boundary of each column, ascending
    header_lines: set[int] = field(default_factory=set)
    header_bottom: float = 0.0
    x0: float = 0.0
    x1: float = 0.0
    centers: list[float] = field(default_factory=list)   # header centres, same order as keys
    ruled: bool = False
    spans: list[tuple[float, float]] = field(default_factory=list)  # header text extents

    def column_of(self, word: Word) -> str:
        index = 0
        for i, left in enumerate(self.lefts):
            if word.x0 + 1.0 >= left:
                index = i
        return self.keys[index]


def looks_like_header(line: Line, vocabulary: set[str]) -> bool:
    words = [fold(w.text) for w in line.words]
    words = [w for w in words if w]
    hits = sum(1 for w in words if w in vocabulary)
    return len(words) >= 2 and hits >= 2 and hits >= 0.75 * len(words)


def _vocabulary_only(line: Line, vocabulary: set[str]) -> bool:
    """A further line of a multi-line header: mostly header words, and no numbers."""
    words = [w for w in (fold(w.text) for w in line.words) if w]
    if not words or any(ch.isdigit() for w in words for ch in w):
        return False
    return sum(w in vocabulary for w in words) >= 0.6 * len(words)


def _rules_around(page: PageText, top: float, bottom: float, x0: float, x1: float) -> tuple[float, float] | None:
    """The horizontal rules just above and below a text band, when the table is ruled."""
    width = x1 - x0
    ys = sorted({round(y, 1) for rx0, rx1, y in page.hrules if rx1 - rx0 >= 0.6 * width
                 and rx0 <= x0 + 5 and rx1 >= x1 - 5})
    above = [y for y in ys if y <= top + 1.5]
    below = [y for y in ys if y >= bottom - 1.5]
    if above and below and below[0] - above[-1] < 6 * (bottom - top + 1):
        return above[-1], below[0]
    return None


def _cluster_header(words: list[Word], gap: float) -> list[list[Word]]:
    clusters: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.x0):
        if clusters:
            right = max(w.x1 for w in clusters[-1])
            if word.x0 - right < gap:
                clusters[-1].append(word)
                continue
        clusters.append([word])
    return clusters


def _segment(spec: TableSpec, words: list[Word]) -> list[tuple[str, list[Word]]] | None:
    """Split a run of header words that ran together into known header phrases, greedily."""
    ordered = sorted(words, key=lambda w: (round(w.top), w.x0))
    result: list[tuple[str, list[Word]]] = []
    i = 0
    while i < len(ordered):
        for j in range(len(ordered), i, -1):
            key = spec.match(" ".join(w.text for w in ordered[i:j]))
            if key:
                result.append((key, ordered[i:j]))
                i = j
                break
        else:
            return None
    return result


def _find_header(spec: TableSpec, page: PageText, lines: list[Line]) -> _Columns | None:
    vocabulary = spec.vocabulary
    for index, line in enumerate(lines):
        if not looks_like_header(line, vocabulary):
            continue
        rules = _rules_around(page, line.top, line.bottom, line.x0, line.x1)
        if rules:
            band = [i for i, ln in enumerate(lines) if rules[0] - 1 <= ln.top and ln.bottom <= rules[1] + 1]
            bottom = rules[1]
        else:
            band = [index]
            height = line.bottom - line.top
            for j in range(index + 1, len(lines)):
                if lines[j].top - lines[band[-1]].bottom > 0.9 * height or not _vocabulary_only(lines[j], vocabulary):
                    break
                band.append(j)
            for j in range(index - 1, -1, -1):
                if lines[band[0]].top - lines[j].bottom > 0.9 * height or not _vocabulary_only(lines[j], vocabulary):
                    break
                band.insert(0, j)
            bottom = max(lines[j].bottom for j in band)
        words = [w for j in band for w in lines[j].words]
        columns = _columns_from_header(spec, page, words, ruled=rules is not None)
        if columns is None:
            continue
        columns.header_lines = {id(lines[j]) for j in band}
        columns.header_bottom = bottom
        return columns
    return None


def _columns_from_header(spec: TableSpec, page: PageText, words: list[Word], ruled: bool) -> _Columns | None:
    top = min(w.top for w in words)
    bottom = max(w.bottom for w in words)
    x0, x1 = min(w.x0 for w in words), max(w.x1 for w in words)
    named: list[tuple[str, float, float]] = []
    text_spans: dict[str, tuple[float, float]] = {}
    xs = sorted({round(x, 1) for x, vt, vb in page.vrules if vt <= top + 1 and vb >= bottom - 1})
    edges: list[float] = []
    for x in xs:
        if not edges or x - edges[-1] > 2:
            edges.append(x)
    if ruled and len(edges) >= 3:
        groups = [[w for w in words if left <= (w.x0 + w.x1) / 2 < right]
                  for left, right in zip(edges, edges[1:], strict=False)]
        bounds = list(zip(edges, edges[1:], strict=False))
        for (left, right), group in zip(bounds, groups, strict=True):
            if not group:
                continue
            key = spec.match(" ".join(w.text for w in sorted(group, key=lambda w: (round(w.top), w.x0))))
            if key:
                named.append((key, left, right))
                text_spans[key] = (min(w.x0 for w in group), max(w.x1 for w in group))
        x0, x1 = edges[0], edges[-1]
        ruled = True
    else:
        height = statistics.median(w.bottom - w.top for w in words)
        for cluster in _cluster_header(words, 0.5 * height):
            key = spec.match(" ".join(w.text for w in sorted(cluster, key=lambda w: (round(w.top), w.x0))))
            pieces = [(key, cluster)] if key else (_segment(spec, cluster) or [])
            for piece_key, piece in pieces:
                named.append((piece_key, min(w.x0 for w in piece) - 2.0, max(w.x1 for w in piece)))
                text_spans[piece_key] = (min(w.x0 for w in piece), max(w.x1 for w in piece))
        ruled = False
    found = {key for key, _, _ in named}
    if any(c.required and c.key not in found for c in spec.columns) or len(found) != len(named):
        return None
    named.sort(key=lambda item: item[1])
    lefts = [float("-inf")] + [left for _, left, _ in named[1:]]
    return _Columns([key for key, _, _ in named], lefts, x0=x0, x1=x1,
                    centers=[(left + right) / 2 for _, left, right in named], ruled=ruled,
                    spans=[text_spans[key] for key, _, _ in named])


def _refine_lefts(columns: _Columns, body: list[Line]) -> _Columns:
    """Unruled tables: put each column boundary in the widest run of whitespace between two
    header centres. Browsers centre header text over left-aligned cells, so a header's own
    left edge is not where its column starts."""
    spans = sorted((w.x0, w.x1) for line in body for w in line.words)
    gaps: list[tuple[float, float]] = []
    reach = float("-inf")
    for start, end in spans:
        if reach != float("-inf") and start - reach >= 2.0:
            gaps.append((reach, start))
        reach = max(reach, end)
    lefts = list(columns.lefts)
    for i in range(1, len(columns.keys)):
        # A column starts after the previous header's text ends and no later than its own
        # header's text begins; within that, where the body's whitespace ends.
        low, high = columns.spans[i - 1][1], columns.spans[i][0]
        overlapping = [g for g in gaps if g[1] > low and g[0] < high]
        if overlapping:
            widest = max(overlapping, key=lambda g: min(g[1], high) - max(g[0], low))
            lefts[i] = max(min(widest[1] - 0.5, high - 0.5), low + 0.5, lefts[i - 1] + 0.5)
    return replace(columns, lefts=lefts)


def header_words_found(spec: TableSpec, lines: list[Line]) -> list[str]:
    """For error messages: the header-looking lines we saw but could not map."""
    return [line.text for line in lines if looks_like_header(line, spec.vocabulary)][:2]


def extract_table(spec: TableSpec, pages: list[tuple[PageText, list[Line]]]) -> list[Record]:
    """Rows of one table spread over `pages` (each page with the section's lines on it)."""
    records: list[Record] = []
    columns: _Columns | None = None
    for page, lines in pages:
        header = _find_header(spec, page, lines)
        if header is not None:
            columns = header
        if columns is None:
            continue
        start = columns.header_bottom if header is not None else -1.0
        body = [ln for ln in lines if id(ln) not in columns.header_lines and ln.top >= start - 1]
        if not body:
            continue
        bands = _row_bands(page, columns, start, max(ln.bottom for ln in body))
        if bands:
            groups = [[ln for ln in body if top - 1 <= (ln.top + ln.bottom) / 2 <= bottom + 1] for top, bottom in bands]
            _rows_from_groups(spec, columns, [g for g in groups if g], records)
            continue
        page_columns = columns if columns.ruled else _refine_lefts(columns, body)
        groups = _gap_groups(spec, page_columns, body)
        if groups is not None:
            _rows_from_groups(spec, page_columns, groups, records)
        else:
            _rows_from_anchors(spec, page_columns, body, records)
    if columns is None:
        seen = header_words_found(spec, [ln for _, lines in pages for ln in lines])
        detail = f" (header seen: {seen[0]!r})" if seen else ""
        raise NotADdorReport(f"no {spec.name} table header found{detail}")
    return records


def _row_bands(page: PageText, columns: _Columns, start: float, end: float) -> list[tuple[float, float]]:
    """Row bands between the horizontal rules that cross this table, from its header down to
    the first rule below its last line (rules further down belong to the next table)."""
    width = columns.x1 - columns.x0
    ys: list[float] = []
    for rx0, rx1, y in sorted(page.hrules, key=lambda r: r[2]):
        if y < start - 1.5 or rx1 - rx0 < 0.6 * width or rx0 > columns.x0 + 5 or rx1 < columns.x1 - 5:
            continue
        if ys and y - ys[-1] <= 1.0:
            continue
        ys.append(y)
        if y > end:
            break
    if len(ys) < 3:
        return []
    return list(zip(ys, ys[1:], strict=False))


def _new_record(line: Line) -> Record:
    return Record({}, line.page, [line.x0, line.top, line.x1, line.bottom])


def _add_line(columns: _Columns, record: Record, line: Line) -> None:
    by_column: dict[str, list[str]] = {}
    for word in line.words:
        by_column.setdefault(columns.column_of(word), []).append(word.text)
    for key, texts in by_column.items():
        record.add(key, " ".join(texts))
    if line.page == record.page:
        record.bbox = [min(record.bbox[0], line.x0), min(record.bbox[1], line.top),
                       max(record.bbox[2], line.x1), max(record.bbox[3], line.bottom)]
    record.lines += 1


def _gap_groups(spec: TableSpec, columns: _Columns, body: list[Line]) -> list[list[Line]] | None:
    """Unruled rows by vertical whitespace: lines of one row sit closer than rows do (cell
    padding). Works when cells are vertically centred, where anchors fail. None when the
    gaps do not separate into two clear sizes, or a row would lack a whole anchor value."""
    ordered = sorted(body, key=lambda ln: ln.top)
    if len(ordered) < 4:
        return None
    # Gap from everything above (not just the previous line): vertically centred cells
    # overlap each other's lines within one row.
    gaps, reach = [], ordered[0].bottom
    for line in ordered[1:]:
        gaps.append(line.top - reach)
        reach = max(reach, line.bottom)
    threshold = _two_means_threshold([g for g in gaps if g > 0])
    if threshold is None:
        # One size of positive gap: cell padding if it is large against the text height
        # (every gap is a row break), line spacing if small (the check below then fails).
        threshold = 0.4 * statistics.median(ln.bottom - ln.top for ln in ordered)
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


def _two_means_threshold(gaps: list[float]) -> float | None:
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
    if not low or not high or min(high) - max(low) < 1.0:
        return None
    return threshold


def _rows_from_groups(spec: TableSpec, columns: _Columns, groups: list[list[Line]], records: list[Record]) -> None:
    """One record per group of lines; a first group with no key cells continues the last
    record of the previous page (a row split by a page break)."""
    first = True
    for inside in groups:
        record = _new_record(inside[0])
        for line in inside:
            _add_line(columns, record, line)
        # Word processors let a row break across pages: the part on the new page has no key
        # cells, or (the row broke inside a wrapped cell) no whole anchor value.
        is_continuation = first and records and (
            not any(record.cells.get(k) for k in spec.keys)
            or not any(spec.complete(a, record.text(a)) for a in spec.anchors if a in columns.keys))
        first = False
        if is_continuation:
            for key, parts in record.cells.items():
                records[-1].cells.setdefault(key, []).extend(parts)
        else:
            records.append(record)


def _rows_from_anchors(spec: TableSpec, columns: _Columns, body: list[Line], records: list[Record]) -> None:
    """A line starts a new row when an anchor cell of the row above is already complete.

    "Complete" means the anchor's value parses (a date, a count, a state): a date that
    wrapped ("Jan. 20," then "2017") keeps its second line in the same row.
    """
    for line in body:
        keys = {columns.column_of(w) for w in line.words}
        starts = not records or any(
            key in keys and spec.complete(key, records[-1].text(key)) for key in spec.anchors)
        if starts:
            records.append(_new_record(line))
        _add_line(columns, records[-1], line)
