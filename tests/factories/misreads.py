"""Planted parser faults: the parser made to misread a correct report in the ways a real bug
would (a page lost, a row cut short, a value read into the next column), to prove that every
such misread still ends in a warning, and so in a held post, never in a silent wrong number.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from pdfplumber.pdf import PDF

from ddor_watch.scraper.pdf import parser, rows
from ddor_watch.scraper.pdf.header import Columns
from ddor_watch.scraper.pdf.layout import Line, PageText


@contextmanager
def lost_page(number: int = 2) -> Iterator[None]:
    """One page never reaches the parser (as a reader that stopped early would)."""
    original = parser.iter_pages

    def pages(pdf: PDF) -> Iterator[PageText]:
        return (page for page in original(pdf) if page.number != number)

    with mock.patch.object(parser, "iter_pages", pages):
        yield


@contextmanager
def cut_row(which: int = 3) -> Iterator[None]:
    """The `which`-th continuation line of a row (a wrapped cell's next line) is dropped."""
    original = rows._add_line
    seen = {"continuations": 0}

    def add(columns: Columns, record: rows.Record, line: Line) -> None:
        if record.lines and "declined" in columns.keys:
            seen["continuations"] += 1
            if seen["continuations"] == which:
                return
        original(columns, record, line)

    with mock.patch.object(rows, "_add_line", add):
        yield


@contextmanager
def shifted_column(which: int = 3) -> Iterator[None]:
    """On the `which`-th Section II line with a declined date, that date is read into the
    column to its right."""
    original = rows._add_line
    seen = {"dated": 0}

    def add(columns: Columns, record: rows.Record, line: Line) -> None:
        keys = [columns.column_of(w) for w in line.words]
        if "declined" in columns.keys and "declined" in keys:
            seen["dated"] += 1
            if seen["dated"] == which:
                index = columns.keys.index("declined")
                neighbour = columns.keys[index + 1] if index + 1 < len(columns.keys) else columns.keys[index - 1]
                shifted = Columns(**{**columns.__dict__})
                shifted.column_of = lambda word: (  # type: ignore[method-assign]
                    neighbour if columns.column_of(word) == "declined" else columns.column_of(word))
                original(shifted, record, line)
                return
        original(columns, record, line)

    with mock.patch.object(rows, "_add_line", add):
        yield


MISREADS = {"a page lost": lost_page, "a row cut short": cut_row, "a column shifted": shifted_column}
