"""Find a table's header row by its text and turn it into column boundaries.

Columns are mapped by header text, never by position: a header cell's text is matched
against the table's synonyms, then against keyword patterns (specs.py). Ruled headers take
their boundaries from the vertical rules; unruled ones from the header texts, refined by
the whitespace of the body below.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ddor_watch.db.text import fold
from ddor_watch.scraper.pdf.layout import Line, PageText, Word
from ddor_watch.scraper.pdf.tolerances import DEFAULT, Tolerances

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
    # A column a table may leave out and give instead as headings over groups of its rows
    # ("TEXAS" above the Texas rows), with how to read such a heading's value.
    group_key: str | None = None
    group_value: Callable[[str], str | None] | None = None

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
class Columns:
    keys: list[str]
    lefts: list[float]          # left boundary of each column, ascending
    header_lines: set[int] = field(default_factory=set)
    header_bottom: float = 0.0
    x0: float = 0.0
    x1: float = 0.0
    ruled: bool = False
    spans: list[tuple[float, float]] = field(default_factory=list)  # header text extents, same order as keys
    tolerances: Tolerances = DEFAULT
    # The spec's group column is missing from the header: its values come from group headings.
    grouped: bool = False

    def column_of(self, word: Word) -> str:
        index = 0
        for i, left in enumerate(self.lefts):
            if word.x0 + self.tolerances.column_slop >= left:
                index = i
        return self.keys[index]


def looks_like_header(line: Line, vocabulary: set[str], tol: Tolerances = DEFAULT) -> bool:
    words = [w for w in (fold(w.text) for w in line.words) if w]
    hits = sum(1 for w in words if w in vocabulary)
    return len(words) >= 2 and hits >= 2 and hits >= tol.header_word_ratio * len(words)


def _vocabulary_only(line: Line, vocabulary: set[str], tol: Tolerances) -> bool:
    """A further line of a multi-line header: mostly header words, and no numbers."""
    words = [w for w in (fold(w.text) for w in line.words) if w]
    if not words or any(ch.isdigit() for w in words for ch in w):
        return False
    return sum(w in vocabulary for w in words) >= tol.header_more_ratio * len(words)


def spans_table(rule: tuple[float, float, float], x0: float, x1: float, tol: Tolerances) -> bool:
    """Does a horizontal rule (x0, x1, y) cross the table from side to side?"""
    rx0, rx1, _ = rule
    return rx1 - rx0 >= tol.rule_cover_ratio * (x1 - x0) and rx0 <= x0 + tol.rule_edge_slop \
        and rx1 >= x1 - tol.rule_edge_slop


def _rules_around(page: PageText, line: Line, tol: Tolerances) -> tuple[float, float] | None:
    """The horizontal rules just above and below a header line, when the table is ruled."""
    ys = sorted({round(rule[2], 1) for rule in page.hrules if spans_table(rule, line.x0, line.x1, tol)})
    above = [y for y in ys if y <= line.top + tol.rule_slop]
    below = [y for y in ys if y >= line.bottom - tol.rule_slop]
    if above and below and below[0] - above[-1] < tol.rule_band_lines * (line.bottom - line.top + 1):
        return above[-1], below[0]
    return None


def _cluster_header(words: list[Word], gap: float) -> list[list[Word]]:
    # Not pdfplumber's cluster_objects: that groups by one coordinate's value, and header
    # phrases must be split by the gap between one word's end and the next one's start.
    clusters: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.x0):
        if clusters and word.x0 - max(w.x1 for w in clusters[-1]) < gap:
            clusters[-1].append(word)
        else:
            clusters.append([word])
    return clusters


def _phrase(words: list[Word]) -> str:
    return " ".join(w.text for w in sorted(words, key=lambda w: (round(w.top), w.x0)))


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


def find_header(spec: TableSpec, page: PageText, lines: list[Line], tol: Tolerances = DEFAULT) -> Columns | None:
    """The first line group on the page that reads as this table's header, as columns."""
    vocabulary = spec.vocabulary
    for index, line in enumerate(lines):
        if not looks_like_header(line, vocabulary, tol):
            continue
        rules = _rules_around(page, line, tol)
        if rules:
            band = [i for i, ln in enumerate(lines)
                    if rules[0] - tol.slop <= ln.top and ln.bottom <= rules[1] + tol.slop]
            bottom = rules[1]
        else:
            band = _unruled_header_band(lines, index, vocabulary, tol)
            bottom = max(lines[j].bottom for j in band)
        words = [w for j in band for w in lines[j].words]
        columns = _columns_from_header(spec, page, words, rules is not None, tol)
        if columns is None:
            continue
        columns.header_lines = {id(lines[j]) for j in band}
        columns.header_bottom = bottom
        return columns
    return None


def _unruled_header_band(lines: list[Line], index: int, vocabulary: set[str], tol: Tolerances) -> list[int]:
    """The header line and the header-vocabulary lines directly above and below it."""
    band = [index]
    gap = tol.header_line_gap_ratio * (lines[index].bottom - lines[index].top)
    for j in range(index + 1, len(lines)):
        if lines[j].top - lines[band[-1]].bottom > gap or not _vocabulary_only(lines[j], vocabulary, tol):
            break
        band.append(j)
    for j in range(index - 1, -1, -1):
        if lines[band[0]].top - lines[j].bottom > gap or not _vocabulary_only(lines[j], vocabulary, tol):
            break
        band.insert(0, j)
    return band


def _column_edges(page: PageText, top: float, bottom: float, tol: Tolerances) -> list[float]:
    xs = sorted({round(x, 1) for x, vt, vb in page.vrules if vt <= top + tol.slop and vb >= bottom - tol.slop})
    edges: list[float] = []
    for x in xs:
        if not edges or x - edges[-1] > tol.vrule_distinct:
            edges.append(x)
    return edges


def _edges_frame(edges: list[float], words: list[Word], tol: Tolerances) -> bool:
    """Vertical rules that enclose every header word, with a word between each pair."""
    x0, x1 = min(w.x0 for w in words), max(w.x1 for w in words)
    if not (edges[0] <= x0 + tol.slop and edges[-1] >= x1 - tol.slop):
        return False
    occupied = [any(left <= (w.x0 + w.x1) / 2 < right for w in words)
                for left, right in zip(edges, edges[1:], strict=False)]
    return sum(occupied) >= 2


def _columns_from_header(spec: TableSpec, page: PageText, words: list[Word], ruled: bool,
                         tol: Tolerances) -> Columns | None:
    top, bottom = min(w.top for w in words), max(w.bottom for w in words)
    x0, x1 = min(w.x0 for w in words), max(w.x1 for w in words)
    named: list[tuple[str, float, float]] = []
    text_spans: dict[str, tuple[float, float]] = {}
    edges = _column_edges(page, top, bottom, tol)
    # Cell borders drawn cell by cell (with spacing between cells) leave no horizontal rule
    # across the header, but their vertical rules still mark every column: use them.
    if len(edges) >= 3 and not ruled and _edges_frame(edges, words, tol):
        ruled = True
    if ruled and len(edges) >= 3:
        for left, right in zip(edges, edges[1:], strict=False):
            group = [w for w in words if left <= (w.x0 + w.x1) / 2 < right]
            key = spec.match(_phrase(group)) if group else None
            if key:
                named.append((key, left, right))
                text_spans[key] = (min(w.x0 for w in group), max(w.x1 for w in group))
        x0, x1 = edges[0], edges[-1]
    else:
        ruled = False
        height = statistics.median(w.bottom - w.top for w in words)
        for cluster in _cluster_header(words, tol.header_cluster_gap_ratio * height):
            key = spec.match(_phrase(cluster))
            pieces = [(key, cluster)] if key else (_segment(spec, cluster) or [])
            for piece_key, piece in pieces:
                named.append((piece_key, min(w.x0 for w in piece) - tol.header_left_pad, max(w.x1 for w in piece)))
                text_spans[piece_key] = (min(w.x0 for w in piece), max(w.x1 for w in piece))
    found = {key for key, _, _ in named}
    missing = {c.key for c in spec.columns if c.required and c.key not in found}
    if (missing and missing != {spec.group_key}) or len(found) != len(named):
        return None
    named.sort(key=lambda item: item[1])
    lefts = [float("-inf")] + [left for _, left, _ in named[1:]]
    return Columns([key for key, _, _ in named], lefts, x0=x0, x1=x1, ruled=ruled,
                   spans=[text_spans[key] for key, _, _ in named], tolerances=tol, grouped=bool(missing))


def refine_lefts(columns: Columns, body: list[Line]) -> Columns:
    """Unruled tables: put each column boundary in the widest run of whitespace between two
    header centres. Browsers centre header text over left-aligned cells, so a header's own
    left edge is not where its column starts."""
    tol = columns.tolerances
    spans = sorted((w.x0, w.x1) for line in body for w in line.words)
    gaps: list[tuple[float, float]] = []
    reach = float("-inf")
    for start, end in spans:
        if reach != float("-inf") and start - reach >= tol.whitespace_min:
            gaps.append((reach, start))
        reach = max(reach, end)
    lefts = list(columns.lefts)
    inset = tol.whitespace_inset
    for i in range(1, len(columns.keys)):
        # A column starts after the previous header's text ends and no later than its own
        # header's text begins; within that, where the body's whitespace ends.
        low, high = columns.spans[i - 1][1], columns.spans[i][0]
        overlapping = [g for g in gaps if g[1] > low and g[0] < high]
        if overlapping:
            widest = max(overlapping, key=lambda g: min(g[1], high) - max(g[0], low))
            lefts[i] = max(min(widest[1] - inset, high - inset), low + inset, lefts[i - 1] + inset)
    return replace(columns, lefts=lefts)


def header_words_found(spec: TableSpec, lines: list[Line]) -> list[str]:
    """For error messages: the header-looking lines we saw but could not map."""
    return [line.text for line in lines if looks_like_header(line, spec.vocabulary)][:2]
