"""Read a PDF into positioned text lines and ruling lines, one page at a time.

pdfplumber pages are closed as soon as they are read: its per-page caches otherwise grow
with page count (peak RSS 192 MB vs 38 MB on 66 pages, ECOSYSTEM.md §2).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pdfplumber.page import Page
from pdfplumber.pdf import PDF
from pdfplumber.table import merge_edges

from ddor_watch.db.inert import sanitise
from ddor_watch.db.text import fold
from ddor_watch.scraper.pdf.tolerances import DEFAULT, Tolerances


@dataclass(frozen=True, slots=True)
class Word:
    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    # Type: headings are told from prose mentions of them by size and weight against their
    # neighbours (sections.py).
    size: float = 0.0
    bold: bool = False


@dataclass(slots=True)
class Line:
    page: int
    top: float
    bottom: float
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def size(self) -> float:
        return max(w.size for w in self.words)

    @property
    def bold(self) -> bool:
        return all(w.bold for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1


@dataclass
class PageText:
    number: int
    width: float
    height: float
    lines: list[Line]
    # Horizontal rules as (x0, x1, y) and vertical ones as (x, top, bottom), in top-down coordinates.
    hrules: list[tuple[float, float, float]]
    vrules: list[tuple[float, float, float]]
    # Control, bidi and zero-width characters removed from this page's text (db/inert.py).
    removed_chars: int = 0


def _group_lines(number: int, words: list[Word], tolerance: float) -> list[Line]:
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: (round(w.top, 1), w.x0)):
        if lines and abs(word.top - lines[-1].top) <= tolerance:
            lines[-1].words.append(word)
            lines[-1].bottom = max(lines[-1].bottom, word.bottom)
        else:
            lines.append(Line(number, word.top, word.bottom, [word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


# TeX (OT1 fonts) and some typesetters draw an accented letter as the letter plus a separate
# spacing accent glyph placed over it: "Co" "ˆ" "te". Each such glyph becomes the combining
# accent of the letter it overlaps, so the word reads "Côte" as printed.
_SPACING_ACCENTS = {"\u02c6": "\u0302", "\u02dc": "\u0303", "\u00a8": "\u0308", "\u00b4": "\u0301",
                    "`": "\u0300", "\u00b8": "\u0327", "\u02c7": "\u030c", "\u02d8": "\u0306",
                    "\u02d9": "\u0307", "\u02da": "\u030a", "\u00af": "\u0304", "\u02dd": "\u030b",
                    "\u02db": "\u0328", "^": "\u0302", "~": "\u0303"}
# Typographic apostrophes and quotes read as the plain ones: "St. Mary’s" and "St. Mary's" are
# one name whichever tool chain (or autocorrect) printed it.
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def _compose_accents(word: dict[str, Any]) -> str:
    chars: list[dict[str, Any]] = word.get("chars") or []
    if not any(c["text"] in _SPACING_ACCENTS for c in chars) or len(chars) < 2:
        return str(word["text"])
    letters: list[list[str]] = [[c["text"]] for c in chars]
    keep = [True] * len(chars)
    for i, accent in enumerate(chars):
        if accent["text"] not in _SPACING_ACCENTS:
            continue
        width = max(accent["x1"] - accent["x0"], 0.01)

        def overlap(j: int, accent: dict[str, Any] = accent) -> float:
            return float(min(accent["x1"], chars[j]["x1"]) - max(accent["x0"], chars[j]["x0"]))

        candidates = [j for j in range(len(chars)) if j != i and chars[j]["text"].isalpha()]
        base = max(candidates, key=overlap, default=None)
        # Only a glyph sitting mostly over a letter is an accent; a lone "`" or "~" is text.
        if base is not None and overlap(base) >= 0.5 * width:
            letters[base].append(_SPACING_ACCENTS[accent["text"]])
            keep[i] = False
    return unicodedata.normalize("NFC", "".join("".join(parts) for parts, kept in zip(letters, keep, strict=True)
                                                 if kept))


# Bold faces by name: "Helvetica-Bold", "ABCDEE+Arial-BoldMT", "LiberationSerif-Bold",
# "Calibri,Bold", TeX's "CMBX12" and "SFBX1000", "…-Semibold", "…-Black", "…-Heavy".
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi|\+?(cmbx|sfbx|cmssbx)|-bd\b|,bd\b", re.IGNORECASE)


def _type_of(chars: list[dict[str, Any]]) -> tuple[float, bool]:
    """A word's size (its largest glyph) and whether every glyph is in a bold face."""
    if not chars:
        return 0.0, False
    size = max(float(c.get("size") or 0.0) for c in chars)
    bold = all(_BOLD_FONT.search(str(c.get("fontname") or "")) for c in chars if str(c.get("text", "")).strip())
    return round(size, 1), bold


def read_page(page: Page, tol: Tolerances = DEFAULT) -> PageText:
    words, removed = [], 0
    for w in page.extract_words(x_tolerance=tol.word_x, y_tolerance=tol.word_y, keep_blank_chars=False,
                                return_chars=True):
        # The one sanitising step for document text: nothing invisible or steering gets in.
        text, dropped = sanitise(_compose_accents(w).translate(_QUOTES))
        removed += dropped
        if text.strip():
            words.append(Word(w["x0"], w["x1"], w["top"], w["bottom"], text, *_type_of(w.get("chars") or [])))
    # Browsers and word processors draw a table's grid cell by cell (often as thin filled
    # rectangles), so one visual rule arrives as many short pieces: pdfplumber's own edge
    # merging (the one its table finder uses) joins them.
    edges: list[dict[str, Any]] = merge_edges(list(page.edges), tol.rule_snap, tol.rule_snap,
                                              tol.rule_join, tol.rule_join)
    hrules = [(float(e["x0"]), float(e["x1"]), float(e["top"])) for e in edges
              if e["orientation"] == "h" and e["x1"] - e["x0"] > tol.hrule_min_length]
    vrules = [(float(e["x0"]), float(e["top"]), float(e["bottom"])) for e in edges
              if e["orientation"] == "v" and e["bottom"] - e["top"] > tol.vrule_min_length]
    return PageText(page.page_number, float(page.width), float(page.height),
                    _group_lines(page.page_number, words, tol.line_y), hrules, vrules, removed)


def iter_pages(pdf: PDF, tol: Tolerances = DEFAULT) -> Iterator[PageText]:
    for page in pdf.pages:
        try:
            yield read_page(page, tol)
        finally:
            page.close()


_PAGE_LABEL = re.compile(r"^PAGE\s*\d+(\s*(OF|/)\s*\d+)?$")
_BARE_NUMBER = re.compile(r"^\d+(\s*(OF|/)\s*\d+)?$")
# A table's own page-break notes (longtable's "Continued on next page", "(continued from
# previous page)", "Table 2 (cont.)"): furniture, never the last cell's text. Only the whole
# phrase on a line of its own: a lone "Continued" may be a wrapped word of a description.
_CONTINUED = re.compile(r"^(?P<open>[(\[])?\s*(?P<table>table\s+\S+\s*[(\[]?)?\s*(continued|cont\.?)"
                        r"(?P<page>\s+(on|from)\s+(the\s+)?(next|previous|following|preceding|last)\s+page)?"
                        r"\s*[)\]]?\s*(\.{1,3}|\u2026)?$")


def boilerplate_keys(pages: list[PageText], protect: Callable[[Line], bool]) -> set[str]:
    """Running headers and footers: a page's first or last line repeated on most pages.

    `protect(line)` says which lines must never count (repeated table headers).
    """
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for page in pages:
        edge_lines = {id(line): line for line in (page.lines[:1] + page.lines[-1:])}
        for line in edge_lines.values():
            if not protect(line):
                counts[_digits_folded(line.text)] += 1
    threshold = max(2, len(pages) // 2)
    return {key for key, n in counts.items() if n >= threshold}


def _digits_folded(text: str) -> str:
    return re.sub(r"\d+", "#", fold(text))


def is_boilerplate(line: Line, keys: set[str], page_height: float, margin_ratio: float = DEFAULT.margin_ratio) -> bool:
    folded = fold(line.text)
    if _PAGE_LABEL.match(folded) or _digits_folded(line.text) in keys or _is_continued_note(line.text):
        return True
    # A bare "7" or "7 of 35" is a page number only in the top or bottom margin; elsewhere
    # it may be the wrapped half of a date or a count.
    in_margin = line.bottom < margin_ratio * page_height or line.top > (1 - margin_ratio) * page_height
    return in_margin and bool(_BARE_NUMBER.match(folded))


def _is_continued_note(text: str) -> bool:
    match = _CONTINUED.match(" ".join(text.lower().split()))
    # "(continued)" or "Table 2 (cont.)", or with the page it points to; never a bare "Continued".
    return match is not None and bool(match["open"] or match["table"] or match["page"])
