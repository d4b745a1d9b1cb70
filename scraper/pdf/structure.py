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

from ddor_watch.db.errors import UnreadablePdf

MAX_OBJECTS = 1_000_000       # a 300-page report has some thousands
# "N G obj M H R endobj": an object that is nothing but a reference to another.
_ALIAS = re.compile(rb"(?<![\d.])(\d{1,10})\s+(\d{1,5})\s+obj\s*(\d{1,10})\s+(\d{1,5})\s+R\s*endobj")
_OBJECT = re.compile(rb"(?<![\d.])\d{1,10}\s+\d{1,5}\s+obj\b")


def check_structure(data: bytes, label: str) -> None:
    """Raise UnreadablePdf for a reference loop or an absurd number of objects."""
    aliases = {(int(n), int(g)): (int(m), int(h)) for n, g, m, h in _ALIAS.findall(data)}
    for start in aliases:
        seen = {start}
        current = aliases[start]
        while current in aliases:
            if current in seen:
                raise UnreadablePdf(f"{label}: a reference loop (object {start[0]} {start[1]} R refers back to "
                                    "itself); not a document a reader could open (refused)")
            seen.add(current)
            current = aliases[current]
    count = sum(1 for _ in _OBJECT.finditer(data))
    if count > MAX_OBJECTS:
        raise UnreadablePdf(f"{label}: {count:,} objects, more than {MAX_OBJECTS:,}; not a report (refused)")
