"""Find the report's sections by their headings, and read the prose facts around them."""

from __future__ import annotations

import datetime as dt
import re

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


def heading_number(line: Line) -> tuple[int, bool] | None:
    """Which section a line heads, and whether it says "Section N" (strict) or only its title."""
    folded = fold(line.text)
    if m := _SECTION_PREFIX.match(folded):
        number, rest = _NUMERALS[m[1]], m[2]
        if not rest or any(p in rest for p in _PHRASES[number]) or len(rest.split()) <= 2:
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


def split_sections(lines: list[Line]) -> dict[int, tuple[int, int]]:
    """Section number -> (first line index after its heading, end index), in document order.

    Headings that say "Section N" win; title-only headings count only when a report has no
    numbered ones (so a summary sentence that wraps onto "jurisdictions that have enacted
    policies ..." is never taken for Section III).
    """
    found = [(index, hit) for index, line in enumerate(lines) if (hit := heading_number(line))]
    strict = any(is_strict for _, (_, is_strict) in found)
    starts: list[tuple[int, int]] = []
    wanted = 1
    for index, (number, is_strict) in found:
        if (is_strict or not strict) and number >= wanted:
            starts.append((number, index))
            wanted = number + 1
    result = {}
    for i, (number, index) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else len(lines)
        result[number] = (index + 1, end)
    return result


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
