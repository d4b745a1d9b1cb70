"""What the parser saw on each page, for the maintainer's picture (`ddor parse --debug-page`).

The parser fills a `ParseTrace` only when given one; a parse without it does no extra work.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Box = tuple[float, float, float, float]   # x0, top, x1, bottom in page coordinates


@dataclass
class PageTrace:
    sections: list[tuple[int, Box]] = field(default_factory=list)    # section number, extent of its lines
    columns: list[tuple[float, float, float]] = field(default_factory=list)   # x, top, bottom of a boundary
    rows: list[Box] = field(default_factory=list)
    headers: list[Box] = field(default_factory=list)
    furniture: list[Box] = field(default_factory=list)
    unplaced: list[Box] = field(default_factory=list)


@dataclass
class ParseTrace:
    pages: dict[int, PageTrace] = field(default_factory=dict)

    def page(self, number: int) -> PageTrace:
        return self.pages.setdefault(number, PageTrace())
