"""Every geometric tolerance of the parser, named once, as pdfplumber names its table settings.

Distances are PDF points; "ratio" fields are fractions of a width or of a text height.
The defaults were tuned on reportlab, Chromium and LibreOffice output (tests/test_parse_*);
change one only with a producer test that shows why.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Tolerances:
    # Reading words and lines (layout.py)
    word_x: float = 1.5                 # pdfplumber extract_words x_tolerance
    word_y: float = 2.0                 # pdfplumber extract_words y_tolerance
    line_y: float = 2.0                 # words whose tops differ by this much share a line
    rule_snap: float = 0.8              # ruling pieces this close in position are one rule
    rule_join: float = 1.5              # ... and join when their ends are this close
    hrule_min_length: float = 5.0       # shorter horizontal strokes are underlines or glyph art
    vrule_min_length: float = 2.0
    margin_ratio: float = 0.07          # top/bottom share of the page where bare numbers are page numbers
    # Finding a header and its columns (header.py)
    header_word_ratio: float = 0.75     # share of a header line's words that are header vocabulary
    header_more_ratio: float = 0.6      # ... for a further line of a multi-line header
    header_line_gap_ratio: float = 0.9  # a header's lines sit closer than this many line heights
    header_cluster_gap_ratio: float = 0.5  # header phrases are apart by more than this many heights
    header_left_pad: float = 2.0        # an unruled column starts this far left of its header text
    rule_cover_ratio: float = 0.6       # a table rule spans at least this share of the table width
    rule_edge_slop: float = 5.0         # ... and reaches this close to the table's sides
    rule_slop: float = 1.5              # a rule this close to a text edge still bounds it
    rule_band_lines: float = 6.0        # header rules enclose at most this many line heights
    vrule_distinct: float = 2.0         # vertical rules closer than this are one column edge
    slop: float = 1.0                   # generic rounding allowance for text boxes against rules
    # Building rows (rows.py)
    column_slop: float = 1.0            # a word belongs to a column it starts this close to
    whitespace_min: float = 2.0         # narrower runs of body whitespace are not column gaps
    refine_min_lines: int = 3           # fewer body lines cannot tell a column gap from a word space
    whitespace_inset: float = 0.5       # boundary sits this far inside a whitespace run
    rule_dedupe: float = 1.0            # row rules this close are one rule
    gap_min_lines: int = 4              # fewer body lines than this: no gap statistics
    gap_line_height_ratio: float = 0.4  # a single gap size above this share of a line height is a row break
    gap_separation: float = 1.0         # two gap clusters must be this far apart
    row_affinity_ratio: float = 0.4     # a line nearer the next row by this share of its height is ambiguous
    centre_ratio: float = 0.15          # a centred cell's middle is this share of a line height off its row's

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not isinstance(value, int | float) or value < 0:
                raise ValueError(f"Tolerances.{item.name} must be a non-negative number, got {value!r}")
        for name in ("header_word_ratio", "header_more_ratio", "rule_cover_ratio", "margin_ratio"):
            if getattr(self, name) > 1:
                raise ValueError(f"Tolerances.{name} is a share and must be at most 1")


DEFAULT = Tolerances()
