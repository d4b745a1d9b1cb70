"""A structural look at a PDF's bytes before pdfminer's layout analysis: what would make it
loop for ever or run out of memory on a file of a few hundred bytes is refused at once.

- A reference loop: an indirect object whose whole value is a reference to another such
  object, round in a circle ("6 0 obj 6 0 R endobj"). pdfminer resolves it for ever; the
  parse timeout was the only thing that ended it.
- An absurd object count: millions of objects are not a report of a few hundred pages.

pdfminer already copes with a page tree that loops (it stops at the pages it has seen), and
stream bombs are bounded by the sandbox's memory and time limits, the last resort.
"""

from __future__ import annotations

import re
from pathlib import Path

from ddor_watch.db.errors import UnreadablePdf

MAX_OBJECTS = 1_000_000       # a 300-page report has some thousands
# "N G obj M H R endobj": an object that is nothing but a reference to another.
_ALIAS = re.compile(rb"(?<![\d.])(\d{1,10})\s+(\d{1,5})\s+obj\s*(\d{1,10})\s+(\d{1,5})\s+R\s*endobj")
_OBJECT = re.compile(rb"(?<![\d.])\d{1,10}\s+\d{1,5}\s+obj\b")


_CHUNK = 1 << 20
_OVERLAP = 128      # longer than any match: a match cut by a chunk's end is whole in the next window


def check_structure(path: Path, label: str) -> None:
    """Raise UnreadablePdf for a reference loop or an absurd number of objects. Reads the file
    in windows: a report of hundreds of pages is never held in memory twice."""
    aliases: dict[tuple[int, int], tuple[int, int]] = {}
    count, tail = 0, b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            window = tail + chunk
            aliases.update(((int(n), int(g)), (int(m), int(h))) for n, g, m, h in _ALIAS.findall(window))
            count += sum(1 for _ in _OBJECT.finditer(window))
            tail = window[-_OVERLAP:]
            count -= sum(1 for _ in _OBJECT.finditer(tail))   # counted again with the next window
    count += sum(1 for _ in _OBJECT.finditer(tail))
    for start in aliases:
        seen = {start}
        current = aliases[start]
        while current in aliases:
            if current in seen:
                raise UnreadablePdf(f"{label}: a reference loop (object {start[0]} {start[1]} R refers back to "
                                    "itself); not a document a reader could open (refused)")
            seen.add(current)
            current = aliases[current]
    if count > MAX_OBJECTS:
        raise UnreadablePdf(f"{label}: {count:,} objects, more than {MAX_OBJECTS:,}; not a report (refused)")
