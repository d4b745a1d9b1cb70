"""Split a "Notable Criminal Activity" cell into offence categories.

Reports separate categories with semicolons, with commas, or only by putting each on its own
line or paragraph; a narrow column also wraps one long category over several lines. The
printed line structure and the category vocabulary (data/offence_categories.txt) decide
together: lines join when together they name a known category, and split when each names
one. A line that fits no known category is kept as printed and reported, never merged
into its neighbour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ddor_watch.db.text import fold


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
    unknown_lines: tuple[str, ...] = ()   # printed lines that fit no known category


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
        return OffenceSplit(tuple(part for part in (" ".join(p.split()) for p in text.split(";")) if part))
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
    # best[i]: (unknown lines, categories, segments) covering tokens[:i]
    best: list[tuple[int, int, tuple[tuple[str, bool], ...]] | None] = [None] * (n + 1)
    best[0] = (0, 0, ())
    for end in range(1, n + 1):
        for begin in range(end):
            before = best[begin]
            if before is None:
                continue
            joined = tokens[begin].text + "".join(t.joiner + t.text for t in tokens[begin + 1:end])
            if fold(joined) in known:
                candidate = (before[0], before[1] + 1, (*before[2], (joined, True)))
            elif starts_line[begin] and ends_line[end - 1] and tokens[begin].line == tokens[end - 1].line:
                candidate = (before[0] + 1, before[1] + 1, (*before[2], (lines[tokens[begin].line], False)))
            else:
                continue
            current = best[end]
            if current is None or candidate[:2] < current[:2]:
                best[end] = candidate
    result = best[n]
    assert result is not None  # every line on its own is always a (possibly unknown) segment
    return OffenceSplit(tuple(text for text, _ in result[2]),
                        tuple(text for text, is_known in result[2] if not is_known))
