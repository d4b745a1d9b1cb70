"""The maintainer's picture of one page: what the parser took for sections, column
boundaries, rows, headers, page furniture and unplaced words, drawn over the page."""

from __future__ import annotations

from pathlib import Path

import pdfplumber

from ddor_watch.db.errors import BadInput
from ddor_watch.scraper.pdf.parser import parse_report
from ddor_watch.scraper.pdf.trace import ParseTrace

# Distinct colours (RGBA); the legend is in `ddor parse --help`.
SECTION = (31, 119, 180, 40)      # blue wash: a section's extent
COLUMN = (255, 127, 14, 255)      # orange line: a column boundary
ROW = (44, 160, 44, 255)          # green box: a row
HEADER = (148, 103, 189, 255)     # purple box: a table header
FURNITURE = (127, 127, 127, 255)  # grey box: running header or footer
UNPLACED = (214, 39, 40, 255)     # red box, filled: words no bucket took


def draw_debug_page(path: Path, page_number: int, output: Path, resolution: int = 110) -> Path:
    """Parse `path` with a trace and draw page `page_number` (1-based) into `output` (PNG)."""
    trace = ParseTrace()
    parse_report(path, trace=trace)
    with pdfplumber.open(path) as pdf:
        if not 1 <= page_number <= len(pdf.pages):
            raise BadInput(f"--debug-page {page_number}: the PDF has pages 1 to {len(pdf.pages)}")
        page = pdf.pages[page_number - 1]
        image = page.to_image(resolution=resolution)
        seen = trace.page(page_number)
        for _, box in seen.sections:
            image.draw_rect(box, fill=SECTION, stroke=SECTION, stroke_width=1)
        for box in seen.headers:
            image.draw_rect(box, fill=(0, 0, 0, 0), stroke=HEADER, stroke_width=2)
        for box in seen.rows:
            image.draw_rect(box, fill=(0, 0, 0, 0), stroke=ROW, stroke_width=1)
        for x, top, bottom in seen.columns:
            image.draw_line([(x, top), (x, bottom)], stroke=COLUMN, stroke_width=1)
        for box in seen.furniture:
            image.draw_rect(box, fill=(0, 0, 0, 0), stroke=FURNITURE, stroke_width=1)
        for box in seen.unplaced:
            image.draw_rect(box, fill=(214, 39, 40, 90), stroke=UNPLACED, stroke_width=2)
        image.save(output, format="PNG")
        page.close()
    return output
