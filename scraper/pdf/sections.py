"""Find the report's sections by their headings, and read the prose facts around them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from ddor_watch.scraper.pdf.layout import Line
from ddor_watch.scraper.pdf.normalize import MONTH_PATTERN, fold, month_number, parse_int

# Key phrases of each section's heading (folded). Wording changed across the series
# ("Non-Cooperative Jurisdictions" became "Jurisdictions which Restrict Cooperation").
_PHRASES = {
    1: ("HIGHEST VOLUME",),
    2: ("JURISDICTIONS WITH RECORDED DECLINED", "RECORDED DECLINED DETAINERS BY JURISDICTION"),
    3: ("TABLE OF JURISDICTIONS", "JURISDICTIONS THAT HAVE ENACTED", "ENACTED POLICIES"),
    4: ("REPORT SCOPE", "DATA FIDELITY"),
}
_NUMERALS = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_SECTION_PREFIX = re.compile(r"^SECTION\s+(IV|III|II|I|[1-4])\b\s*(.*)$")
_NUMERAL_PREFIX = re.compile(r"^(IV|III|II|I|[1-4])\s+(.*)$")


_SECTION_WORDS = re.compile(r"^\s*section\s+(?:IV|III|II|I|[1-4])\b\s*(?P<sep>[:.\u2013\u2014-]*)\s*(?P<next>\S?)",
                            re.IGNORECASE)
# At most this many section readings are weighed against each other.
MAX_READINGS = 8


def heading_number(line: Line) -> tuple[int, bool] | None:
    """Which section a line's words name, and whether it says "Section N" (numbered) or only
    the title. This is what the line says, not yet whether it is a heading (`split_sections`)."""
    folded = fold(line.text)
    if m := _SECTION_PREFIX.match(folded):
        number, rest = _NUMERALS[m[1]], m[2]
        if not rest or any(p in rest for p in _PHRASES[number]) or len(rest.split()) <= 2 or _reads_as_sentence(line):
            return number, True
        return None
    if m := _NUMERAL_PREFIX.match(folded):
        folded = m[2]
    if line.text.rstrip().endswith("."):
        return None  # a sentence of prose that happens to start with a heading's words
    for number, phrases in _PHRASES.items():
        if any(folded.startswith(p) for p in phrases):
            return number, False
    return None


def _reads_as_sentence(line: Line) -> bool:
    """"Section III lists jurisdictions that …", "Section IV: notes follow the tables.": a
    sentence that mentions a section. A heading ends without a full stop, and its title starts
    with a capital (or follows a colon or dash)."""
    text = line.text.rstrip()
    if text.endswith(".") and not re.search(r"\b(?:IV|III|II|I|[1-4])\.$", text):
        return True
    m = _SECTION_WORDS.match(text)
    return bool(m and not m["sep"] and m["next"].islower())


def _heavier(a: Line, b: Line) -> bool:
    """Is `a` set larger, or bolder at the same size, than `b`?"""
    return a.size > b.size + 0.5 or (a.size >= b.size - 0.5 and a.bold and not b.bold)


def _emphasised(lines: list[Line], index: int, candidates: set[int]) -> bool:
    """Set apart by type from the text around it: larger or bolder than a neighbouring line
    (the nearest line above and below that names no section; across a page break, since a
    heading that opens a page follows the text that closed the page before)."""
    line = lines[index]
    neighbours = []
    for step in (-1, 1):
        j = index + step
        while 0 <= j < len(lines) and j in candidates:
            j += step
        if 0 <= j < len(lines):
            neighbours.append(lines[j])
    return any(_heavier(line, n) for n in neighbours)


def section_readings(lines: list[Line], has_table: Callable[[int, list[Line]], bool] | None = None
                     ) -> list[dict[int, tuple[int, int]]]:
    """Possible section layouts (number -> (first line after its heading, end)), best first.

    A heading is a line that names a section and looks like one: not a sentence, set apart by
    type where the document sets any heading apart (then a mention in body type is prose), and
    numbered where the document numbers any (readings from headings set apart come first; the
    others stay in reserve, for a heading whose type could not be told). Among them, readings in which
    each of Sections I-III is followed by its own table (`has_table(number, lines)`) are kept,
    the others dropped; the caller weighs those left by the words each one accounts for.
    """
    named = {index: hit for index, line in enumerate(lines) if (hit := heading_number(line))}
    found = {index: hit for index, hit in named.items() if not _reads_as_sentence(lines[index])}
    emphasised = {index for index in found if _emphasised(lines, index, set(named))}
    pools = [found]
    if emphasised and len(emphasised) < len(found):
        pools.insert(0, {index: found[index] for index in emphasised})
    readings: list[dict[int, tuple[int, int]]] = []
    for pool in pools:
        numbered = any(is_numbered for _, is_numbered in pool.values())
        heads = [(index, number) for index, (number, is_numbered) in sorted(pool.items())
                 if is_numbered or not numbered]
        for starts in _orders(heads):
            reading = _ranges(starts, len(lines))
            if 2 in reading and reading not in readings:
                readings.append(reading)
    if has_table is None:
        return readings[:MAX_READINGS]

    def rank(reading: dict[int, tuple[int, int]]) -> tuple[int, int]:
        return (sum(has_table(n, lines[a:b]) for n, (a, b) in reading.items() if n <= 3), len(reading))

    ranked = sorted(((rank(r), r) for r in readings), key=lambda item: item[0], reverse=True)
    # Only readings the structure cannot tell apart are left to the words to decide; a reading
    # that loses a section or a table is no rival, however many words it would sweep up.
    return [r for score, r in ranked if score == ranked[0][0]][:MAX_READINGS] if ranked else []


def _orders(heads: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Heading choices in ascending section order, one heading per section: the first-found
    reading (each section's first heading after the one before) and, where a section is
    named more than once, the readings that take a later one instead."""
    results: list[list[tuple[int, int]]] = []

    def walk(position: int, wanted: int, chosen: list[tuple[int, int]]) -> None:
        if len(results) >= MAX_READINGS:
            return
        options = [k for k in range(position, len(heads)) if heads[k][1] >= wanted]
        if not options:
            results.append(chosen)
            return
        first_number = heads[options[0]][1]
        same = [k for k in options if heads[k][1] == first_number]
        for k in same:
            walk(k + 1, first_number + 1, [*chosen, (first_number, heads[k][0])])
        if first_number < 4:   # or the section is absent and its name was prose
            rest = [k for k in options if heads[k][1] != first_number]
            if rest:
                walk(rest[0], first_number + 1, chosen)

    walk(0, 1, [])
    return results


def _ranges(starts: list[tuple[int, int]], count: int) -> dict[int, tuple[int, int]]:
    result = {}
    for i, (number, index) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else count
        result[number] = (index + 1, end)
    return result


def split_sections(lines: list[Line]) -> dict[int, tuple[int, int]]:
    """The best section reading by heading structure alone (no tables checked)."""
    readings = section_readings(lines)
    return readings[0] if readings else {}


_DAY = r"(\d{1,2})"
_YEAR = r"(\d{4})"
_DASH = r"\s*(?:-|\u2013|\u2014|to|through|thru)\s*"
_RANGE_WORDS = re.compile(
    rf"({MONTH_PATTERN})\s*{_DAY}(?:,?\s*{_YEAR})?{_DASH}(?:({MONTH_PATTERN})\s*)?{_DAY},?\s*{_YEAR}",
    re.IGNORECASE)
_RANGE_NUMBERS = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})" + _DASH + r"(\d{1,2})/(\d{1,2})/(\d{2,4})")


def find_period(text: str) -> tuple[dt.date, dt.date] | None:
    """The reporting period from the title block, e.g. 'Jan. 28 – Feb. 3, 2017'."""
    text = " ".join(text.split())
    anchor = re.search(r"declined detainers", text, re.IGNORECASE)
    search_from = text[anchor.start():] if anchor else text
    for candidate in (search_from, text):
        if m := _RANGE_WORDS.search(candidate):
            end_year = int(m[6])
            end_month = month_number(m[4]) if m[4] else month_number(m[1])
            end = dt.date(end_year, end_month, int(m[5]))
            start_month = month_number(m[1])
            start_year = int(m[3]) if m[3] else (end_year - 1 if start_month > end_month else end_year)
            return dt.date(start_year, start_month, int(m[2])), end
        if m := _RANGE_NUMBERS.search(candidate):
            def year(v: str) -> int:
                return int(v) + (2000 if len(v) == 2 else 0)
            return (dt.date(year(m[3]), int(m[1]), int(m[2])), dt.date(year(m[6]), int(m[4]), int(m[5])))
    return None


_ISSUED = re.compile(r"issued\s+(?:a\s+total\s+of\s+)?(\d[\d,]*)\s+detainers", re.IGNORECASE)
_DECLINED = re.compile(
    r"(\d[\d,]*)\s+(?:declined\s+detainers|detainers\s+(?:that\s+)?(?:were\s+)?(?:recorded\s+as\s+)?declined)",
    re.IGNORECASE)
_PAGE_OF = re.compile(r"^PAGE\s+\d+\s+OF\s+(\d+)$")


def find_issued_total(text: str) -> int | None:
    m = _ISSUED.search(" ".join(text.split()))
    return parse_int(m[1]) if m else None


def find_declined_total(text: str) -> int | None:
    m = _DECLINED.search(" ".join(text.split()))
    return parse_int(m[1]) if m else None


def stated_page_count(lines: list[Line]) -> int | None:
    for line in lines:
        if m := _PAGE_OF.match(fold(line.text)):
            return int(m[1])
    return None
