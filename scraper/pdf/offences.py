"""Split a "Notable Criminal Activity" cell into offence categories.

Reports separate categories with semicolons, with commas, or only by putting each on its own
line or paragraph; a narrow column also wraps one long category over several lines. The
printed line structure and the category vocabulary (data/offence_categories.txt) decide
together: lines join when together they name a known category, and split when each names
one. The vocabulary only decides where a cell splits when nothing else does: a category
outside it that separators or the cell's own structure delimit (a one-line cell, a piece
between commas) is kept as printed and is no doubt at all. Only a line that fits no known
category where a wrapped line could have been meant is reported ("ambiguous").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ddor_watch.db.text import fold

KNOWN, UNLISTED, AMBIGUOUS = "known", "unlisted", "ambiguous"
# Words that carry a category on to the next line ("Assault with a" / "Deadly Weapon").
_JOINING = frozenset({"AND", "OF", "WITH", "OR", "TO", "THE", "IN", "ON", "BY", "FOR", "AGAINST", "A", "AN", "FROM"})


def _continues(text: str, at_end: bool) -> bool:
    """Whether a line's end (or start) joins it to the next (or previous) line."""
    stripped = text.strip()
    if not stripped:
        return False
    if at_end:
        return stripped.endswith(("-", "/", "&", ",")) or fold(stripped).rsplit(" ", 1)[-1] in _JOINING
    return not stripped[0].isupper() or fold(stripped).split(" ", 1)[0] in _JOINING


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """Every known category and variant, folded."""
    text = resources.files("ddor_watch.scraper.pdf").joinpath("data/offence_categories.txt").read_text(encoding="utf-8")
    names = (name for line in text.splitlines() if line.strip() and not line.startswith("#")
             for name in line.split(" | "))
    return frozenset(fold(name) for name in names if fold(name))


@dataclass(frozen=True)
class OffenceSplit:
    categories: tuple[str, ...]
    # Printed lines that fit no known category where a wrap could have been meant: the split
    # may be wrong, so the report is held. A delimited unknown category is not listed here.
    unknown_lines: tuple[str, ...] = ()
    unlisted: tuple[str, ...] = ()        # categories kept as printed, outside the vocabulary, delimited


@dataclass(frozen=True)
class _Token:
    text: str
    line: int
    joiner: str        # what stood before it: "" (first), " " (a line wrap) or ", " (a comma)


def split_offences(lines: Sequence[str]) -> OffenceSplit:
    """Categories of one cell, from its printed lines in order."""
    lines = [" ".join(line.split()) for line in lines if line and line.strip()]
    if not lines:
        return OffenceSplit(())
    text = " ".join(lines)
    if ";" in text:
        # An explicit separator leaves nothing to guess.
        parts = tuple(part for part in (" ".join(p.split()) for p in text.split(";")) if part)
        return OffenceSplit(parts, unlisted=tuple(p for p in parts if fold(p) not in vocabulary()))
    return _split_by_vocabulary(lines)


def _tokens(lines: Sequence[str]) -> list[_Token]:
    tokens: list[_Token] = []
    comma_pending = False   # the line before ended in a comma: the wrap is a separator too
    for number, line in enumerate(lines):
        for index, piece in enumerate(p.strip() for p in line.split(",")):
            if piece:
                joiner = "" if not tokens else (", " if index > 0 or comma_pending else " ")
                tokens.append(_Token(piece, number, joiner))
        comma_pending = line.endswith(",")
    return tokens


def _split_by_vocabulary(lines: Sequence[str]) -> OffenceSplit:
    """The partition of the cell's comma pieces with the fewest unknown lines, then the fewest
    categories. A known category may span pieces and lines; an unknown one is a whole line."""
    known = vocabulary()
    tokens = _tokens(lines)
    n = len(tokens)
    starts_line = [i == 0 or tokens[i].line != tokens[i - 1].line for i in range(n)]
    ends_line = [i == n - 1 or tokens[i].line != tokens[i + 1].line for i in range(n)]
    # A piece marked off on both sides by a comma or the cell's edge (a wrap is no mark): in a
    # one-line cell every piece is.
    delimited = [(i == 0 or tokens[i].joiner == ", ") and (i == n - 1 or tokens[i + 1].joiner == ", ")
                 for i in range(n)]
    # best[i]: (ambiguous lines, categories, segments) covering tokens[:i]
    best: list[tuple[int, int, tuple[tuple[str, str], ...]] | None] = [None] * (n + 1)
    best[0] = (0, 0, ())
    for end in range(1, n + 1):
        for begin in range(end):
            before = best[begin]
            if before is None:
                continue
            joined = tokens[begin].text + "".join(t.joiner + t.text for t in tokens[begin + 1:end])
            if fold(joined) in known:
                candidate = (before[0], before[1] + 1, (*before[2], (joined, KNOWN)))
            elif end == begin + 1 and delimited[begin]:
                # Commas (or a one-line cell) mark it off: unknown, but no doubt where it ends.
                candidate = (before[0], before[1] + 1, (*before[2], (joined, UNLISTED)))
            elif starts_line[begin] and ends_line[end - 1] and tokens[begin].line == tokens[end - 1].line:
                candidate = (before[0] + 1, before[1] + 1, (*before[2], (lines[tokens[begin].line], AMBIGUOUS)))
            else:
                continue
            current = best[end]
            if current is None or candidate[:2] < current[:2]:
                best[end] = candidate
    result = best[n]
    assert result is not None  # every line on its own is always a (possibly unknown) segment
    segments = list(result[2])
    for index, (text, kind) in enumerate(segments):
        # An unknown line between lines that are whole known categories, itself starting as a
        # category starts (a capital, not "with …"), with no line before it left open ("… of"),
        # is its own category: a wrap would make an unknown out of a known.
        neighbours = [segments[i][1] for i in (index - 1, index + 1) if 0 <= i < len(segments)]
        opened_before = index > 0 and _continues(segments[index - 1][0], at_end=True)
        if kind == AMBIGUOUS and neighbours and all(k == KNOWN for k in neighbours) and not opened_before \
                and not _continues(text, at_end=False):
            segments[index] = (text, UNLISTED)
    result = (result[0], result[1], tuple(segments))
    return OffenceSplit(tuple(text for text, _ in result[2]),
                        tuple(text for text, kind in result[2] if kind == AMBIGUOUS),
                        tuple(text for text, kind in result[2] if kind == UNLISTED))
