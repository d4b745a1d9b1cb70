"""Draw a ReportTruth as a DDOR-like PDF with reportlab, and say what a parser must read back.

The layout is done here, line by line, so the factory knows the page every row starts on.
Variants (chosen by seed) cover what real reports vary: date and state spellings, column
order, header synonyms, ruled and unruled tables, portrait and landscape pages, rows that
start at the very bottom of a page and Section III descriptions that cross a page break.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from ddor_watch.db.records import DeclinedDetainer, ParsedReport, Policy, TopJurisdiction
from ddor_watch.monitor.samples.truth import ReportTruth
from ddor_watch.scraper.pdf.normalize import STATE_NAMES

_DECLINED_HEADERS = {
    "state": ("State",),
    "county": ("County", "Jurisdiction"),
    "city": ("City",),
    "facility": ("Facility", "Facility Name"),
    "citizenship": ("Citizenship", "Country of Citizenship", "Citizenship Country"),
    "issued": ("Detainer Issued Date", "Date Detainer Issued", "Date the Detainer Was Issued"),
    "declined": ("Declined Date", "Date Declined", "Date the Detainer Was Declined"),
    "offences": ("Notable Criminal Activity", "Crimes", "Offense Categories Noted"),
}
_DECLINED_WIDTHS = {"state": 0.09, "county": 0.12, "city": 0.08, "facility": 0.15, "citizenship": 0.11,
                    "issued": 0.095, "declined": 0.095, "offences": 0.26}
_DECLINED_ORDERS = (
    ("state", "county", "city", "facility", "citizenship", "issued", "declined", "offences"),
    ("state", "county", "city", "facility", "citizenship", "offences", "issued", "declined"),
    ("county", "state", "facility", "city", "issued", "declined", "citizenship", "offences"),
)
_MONTHS = ("Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")


@dataclass(frozen=True)
class Style:
    landscape: bool = True
    font_size: float = 8.0
    ruled: bool = True
    centered_headers: bool = False
    date_format: str = "short"          # short 2/1/2017 · padded 02/01/2017 · words Feb. 1, 2017
    state_names: bool = False
    declined_order: tuple[str, ...] = _DECLINED_ORDERS[0]
    synonyms: dict[str, str] = field(default_factory=dict)
    rank_column: bool = False
    running_header: bool = True
    section2_new_page: bool = False
    restrict_wording: bool = False
    heading_form: str = "Section {n}: {title}"
    bottom_margin: float = 54.0
    # How a row cut by a page break looks: browsers draw no rule under the first part;
    # some producers repeat no header above the rest.
    fragment_bottom_rule: bool = True
    fragment_header: bool = True
    # Offences one per printed line with no separator (word processors), not "; "-joined.
    offence_lines: bool = False
    # Text drawn on Section III's continuation page above its repeated header, which no row
    # can claim: the parser must report it, not attach it to a neighbour.
    stray_text: str | None = None
    # Landscape pages stored as portrait with /Rotate 90 (scanners and some print drivers).
    rotated: bool = False
    # The summary names each section in a sentence of its own ("Section III lists
    # jurisdictions that have enacted policies ..."): prose, never a heading.
    section_mentions: bool = False
    # Section II grouped under a bold state heading ("TEXAS") with no State column; a heading
    # is not repeated when its group runs on to the next page.
    state_groups: bool = False


def style_for_seed(seed: int) -> Style:
    rng = random.Random(seed * 7919 + 1)
    ruled = rng.random() < 0.6
    return Style(
        landscape=rng.random() < 0.6,
        font_size=rng.choice((7.0, 7.5, 8.0, 9.0)),
        ruled=ruled,
        centered_headers=ruled and rng.random() < 0.4,
        date_format=rng.choice(("short", "padded", "words")),
        state_names=rng.random() < 0.4,
        declined_order=rng.choice(_DECLINED_ORDERS),
        synonyms={key: rng.choice(options) for key, options in _DECLINED_HEADERS.items()},
        rank_column=rng.random() < 0.5,
        running_header=rng.random() < 0.8,
        section2_new_page=rng.random() < 0.3,
        restrict_wording=rng.random() < 0.5,
        heading_form=rng.choice(("Section {n}: {title}", "SECTION {n} \u2013 {title}", "Section {n}. {title}")),
        bottom_margin=rng.choice((40.0, 54.0, 60.0)),
    )


def format_date(value: dt.date, style: Style) -> str:
    if style.date_format == "padded":
        return f"{value.month:02d}/{value.day:02d}/{value.year}"
    if style.date_format == "words":
        return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"
    return f"{value.month}/{value.day}/{value.year}"


def _period_text(truth: ReportTruth) -> str:
    start, end = truth.period_start, truth.period_end
    left = f"{_MONTHS[start.month - 1]} {start.day}"
    if start.year != end.year:
        left += f", {start.year}"
    return f"{left} \u2013 {_MONTHS[end.month - 1]} {end.day}, {end.year}"


@dataclass(frozen=True)
class _Text:
    x: float
    top: float
    value: str
    font: str
    size: float


@dataclass(frozen=True)
class _Rule:
    x0: float
    y0: float
    x1: float
    y1: float


class _Layout:
    """A top-down flow of text lines and rules over pages; records every draw call."""

    def __init__(self, style: Style) -> None:
        self.style = style
        self.width, self.height = landscape(letter) if style.landscape else letter
        self.margin = 40.0
        self.pages: list[list[_Text | _Rule]] = []
        self.y = 0.0
        self.stray_drawn = 0   # the page the stray text went on, once drawn
        self.new_page()

    @property
    def content_width(self) -> float:
        return self.width - 2 * self.margin

    @property
    def bottom(self) -> float:
        return self.height - self.style.bottom_margin

    @property
    def page(self) -> int:
        return len(self.pages)

    def new_page(self) -> None:
        self.pages.append([])
        self.y = 30.0
        if self.style.running_header:
            self.text(self.margin, self.y, "ENFORCEMENT AND REMOVAL OPERATIONS", "Helvetica-Bold", 9)
            self.y += 18
        else:
            self.y += 10

    def text(self, x: float, top: float, value: str, font: str = "Helvetica", size: float | None = None) -> None:
        self.pages[-1].append(_Text(x, top, value, font, size or self.style.font_size))

    def rule(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.pages[-1].append(_Rule(x0, y0, x1, y1))

    def paragraph(self, value: str, font: str = "Helvetica", size: float = 10, gap: float = 6) -> None:
        leading = size * 1.3
        for line in simpleSplit(value, font, size, self.content_width):
            if self.y + leading > self.bottom:
                self.new_page()
            self.text(self.margin, self.y, line, font, size)
            self.y += leading
        self.y += gap

    def heading(self, value: str) -> None:
        if self.y + 60 > self.bottom:
            self.new_page()
        self.y += 6
        self.paragraph(value, "Helvetica-Bold", 11, gap=4)

    def _cell_lines(self, value: str, width: float, font: str) -> list[str]:
        return simpleSplit(value, font, self.style.font_size, width - 6) if value else []

    def table(self, headers: list[str], widths: list[float], rows: list[list[str]],
              split_column: int | None = None, groups: list[str | None] | None = None) -> list[int]:
        """Draw a table; return the page each row starts on. Rows split only at split_column.
        `groups[i]`, when set, is a group heading drawn across the table above row i."""
        size = self.style.font_size
        leading = size * 1.25
        widths = self._fit_widths(headers, widths, rows)
        xs = [self.margin]
        for w in widths:
            xs.append(xs[-1] + w * self.content_width)
        header_cells = [self._cell_lines(h, xs[i + 1] - xs[i], "Helvetica-Bold") for i, h in enumerate(headers)]
        header_height = max(len(c) for c in header_cells) * leading + 6

        def draw_row(cells: list[list[str]], bold: bool, centered: bool, closed: bool = True) -> None:
            height = max(1, max(len(c) for c in cells)) * leading + 6
            for i, lines in enumerate(cells):
                for j, line in enumerate(lines):
                    font = "Helvetica-Bold" if bold else "Helvetica"
                    x = xs[i] + 3
                    if centered:
                        x = (xs[i] + xs[i + 1]) / 2 - self._string_width(line, font) / 2
                    self.text(x, self.y + 3 + j * leading, line, font, size)
            if self.style.ruled:
                self.rule(xs[0], self.y, xs[-1], self.y)
                if closed:
                    self.rule(xs[0], self.y + height, xs[-1], self.y + height)
                for x in xs:
                    self.rule(x, self.y, x, self.y + height)
            elif bold:
                self.rule(xs[0], self.y + height - 1, xs[-1], self.y + height - 1)
            self.y += height

        def header() -> None:
            draw_row(header_cells, True, self.style.centered_headers)

        def group_heading(title: str) -> None:
            height = leading + 6
            self.text(xs[0] + 3, self.y + 3, title, "Helvetica-Bold", size)
            if self.style.ruled:
                self.rule(xs[0], self.y, xs[-1], self.y)
                self.rule(xs[0], self.y + height, xs[-1], self.y + height)
                self.rule(xs[0], self.y, xs[0], self.y + height)
                self.rule(xs[-1], self.y, xs[-1], self.y + height)
            self.y += height

        if self.y + header_height + 2 * leading + 6 > self.bottom:
            self.new_page()
        header()
        pages = []
        for index, row in enumerate(rows):
            cells = [self._cell_lines(v, xs[i + 1] - xs[i], "Helvetica") for i, v in enumerate(row)]
            height = max(1, max(len(c) for c in cells)) * leading + 6
            title = groups[index] if groups else None
            if title is not None:
                if self.y + height + leading + 6 > self.bottom:   # a heading stays with its first row
                    self.new_page()
                    header()
                group_heading(title)
            if self.y + height > self.bottom:
                fixed = max([len(c) for i, c in enumerate(cells) if i != split_column] + [1])
                room = int((self.bottom - self.y - 6) // leading)
                if split_column is not None and room >= fixed and room < len(cells[split_column]):
                    pages.append(self.page)
                    first = [c if i != split_column else c[:room] for i, c in enumerate(cells)]
                    draw_row(first, False, False, closed=self.style.fragment_bottom_rule)
                    rest = [[] if i != split_column else c[room:] for i, c in enumerate(cells)]
                    self.new_page()
                    if self.style.stray_text and not self.stray_drawn:
                        self.stray_drawn = self.page
                        self.text(xs[0], self.y, self.style.stray_text)
                        self.y += 2 * leading
                    if self.style.fragment_header:
                        header()
                    elif self.style.ruled:
                        self.rule(xs[0], self.y, xs[-1], self.y)
                    draw_row(rest, False, False)
                    continue
                self.new_page()
                header()
            pages.append(self.page)
            draw_row(cells, False, False)
        self.y += 8
        return pages

    def _fit_widths(self, headers: list[str], widths: list[float], rows: list[list[str]]) -> list[float]:
        """Widen columns whose longest word would overflow (a real table would be laid out so)."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        need = []
        for i in range(len(widths)):
            words = [w for row in rows for w in row[i].split()] + headers[i].split()
            longest = max((stringWidth(w, "Helvetica-Bold", self.style.font_size) for w in words), default=0)
            need.append((longest + 10) / self.content_width)
        grown = [max(w, n) for w, n in zip(widths, need, strict=True)]
        excess = sum(grown) - 1.0
        if excess > 0:
            widest = grown.index(max(grown))
            grown[widest] -= excess
        return grown

    @staticmethod
    def _string_width(value: str, font: str) -> float:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        return stringWidth(value, font, 8)


def _state(code: str, style: Style) -> str:
    return STATE_NAMES[code] if style.state_names else code


def render_report(truth: ReportTruth, style: Style | None = None) -> tuple[bytes, ParsedReport]:
    """The PDF bytes and the ParsedReport a correct parser must return for them."""
    style = style or Style()
    lay = _Layout(style)
    lay.paragraph("U.S. Immigration and Customs Enforcement", "Helvetica", 10, gap=2)
    lay.paragraph(truth.title, "Helvetica-Bold", 16, gap=2)
    lay.paragraph(f"For Recorded Declined Detainers {_period_text(truth)}", "Helvetica", 11)
    lay.paragraph("Summary", "Helvetica-Bold", 11, gap=2)
    lay.paragraph(
        f"This report lists {len(truth.declined):,} declined detainers that ICE recorded during the "
        "period, the ten jurisdictions with the highest volume of detainers issued, and the "
        "jurisdictions that have enacted policies which limit cooperation with ICE.")
    if style.section_mentions:
        for mention in ("Section I lists the highest volume of detainers issued to jurisdictions that do not "
                        "cooperate with ICE, with the number each was issued during the period.",
                        "Section II lists jurisdictions with recorded declined detainers, one row for each "
                        "detainer that was declined.",
                        "Section III lists jurisdictions that have enacted policies which limit cooperation "
                        "with ICE, as publicly reported.",
                        "Section IV: report scope and data fidelity notes follow the tables."):
            lay.paragraph(mention, gap=2)

    noun = ("Jurisdictions which Restrict Cooperation with ICE" if style.restrict_wording
            else "Non-Cooperative Jurisdictions")
    verb = "Restrict" if style.restrict_wording else "Limit"
    lay.heading(style.heading_form.format(n="I", title=f"Highest Volume of Detainers Issued to {noun}"))
    lay.paragraph(f"ICE issued {truth.detainers_issued_total:,} detainers throughout the United States "
                  "during this period. The table below lists the ten jurisdictions that were issued "
                  "the most detainers.")
    top_headers = ["Jurisdiction", "State", "Detainers Issued"]
    top_widths = [0.4, 0.25, 0.2]
    top_rows = [[r.jurisdiction, _state(r.state, style), f"{r.detainers_issued:,}"] for r in truth.top]
    if style.rank_column:
        top_headers.insert(0, "Rank")
        top_widths.insert(0, 0.08)
        top_rows = [[str(i + 1), *row] for i, row in enumerate(top_rows)]
    top_pages = lay.table(top_headers, top_widths, top_rows)

    if style.section2_new_page:
        lay.new_page()
    lay.heading(style.heading_form.format(n="II", title="Jurisdictions with Recorded Declined Detainers"))
    order = tuple(k for k in style.declined_order if not (style.state_groups and k == "state"))
    headers = [style.synonyms.get(k, _DECLINED_HEADERS[k][0]) for k in order]
    widths = [_DECLINED_WIDTHS[k] for k in order]
    scale = 1.0 / sum(widths)
    declined = sorted(truth.declined, key=lambda r: STATE_NAMES[r.state]) if style.state_groups else truth.declined
    groups: list[str | None] | None = None
    if style.state_groups:
        groups = [STATE_NAMES[r.state].upper() if i == 0 or declined[i - 1].state != r.state else None
                  for i, r in enumerate(declined)]
    rows = []
    for r in declined:
        values = {
            "state": _state(r.state, style), "county": r.county, "city": r.city or "",
            "facility": r.facility or "", "citizenship": r.citizenship or "",
            "issued": format_date(r.issued, style), "declined": format_date(r.declined, style),
            "offences": ("\n" if style.offence_lines else "; ").join(r.offences),
        }
        rows.append([values[k] for k in order])
    declined_pages = lay.table(headers, [w * scale for w in widths], rows, groups=groups)

    lay.heading(style.heading_form.format(
        n="III", title=f"Table of Jurisdictions that have Enacted Policies which {verb} Cooperation with ICE"))
    policy_rows = [[_state(p.state, style), p.jurisdiction, p.policy_type, p.description] for p in truth.policies]
    policy_pages = lay.table(["State", "Jurisdiction", "Type", "Description"], [0.12, 0.2, 0.13, 0.55],
                             policy_rows, split_column=3)

    lay.heading(style.heading_form.format(n="IV", title="Report Scope and Data Fidelity"))
    lay.paragraph(truth.caveat)

    data = _draw(lay)
    expected = ParsedReport(
        sha256=hashlib.sha256(data).hexdigest(), pages=len(lay.pages), title=truth.title,
        period_start=truth.period_start, period_end=truth.period_end,
        detainers_issued_total=truth.detainers_issued_total,
        top_jurisdictions=tuple(
            TopJurisdiction(i + 1, r.jurisdiction, r.state, r.fips, r.detainers_issued, top_pages[i])
            for i, r in enumerate(truth.top)),
        declined_detainers=tuple(
            DeclinedDetainer(r.state, r.county, r.fips, r.city, r.facility, r.citizenship, r.issued,
                             r.declined, r.offences, declined_pages[i])
            for i, r in enumerate(declined)),
        policies=tuple(
            Policy(p.state, p.jurisdiction, p.fips, p.policy_type, p.description, policy_pages[i])
            for i, p in enumerate(truth.policies)),
        warnings=(), declined_total_stated=len(truth.declined), data_fidelity=truth.caveat,
    )
    return data, expected


def _draw(lay: _Layout) -> bytes:
    buffer = io.BytesIO()
    rotated = lay.style.rotated
    size = (lay.height, lay.width) if rotated else (lay.width, lay.height)
    canvas = Canvas(buffer, pagesize=size, invariant=1)
    canvas.setTitle("Declined Detainer Outcome Report")
    total = len(lay.pages)
    for number, ops in enumerate(lay.pages, start=1):
        if rotated:
            # Draw the landscape page onto a portrait media box turned by /Rotate 90: a viewer
            # (and pdfplumber) shows it upright.
            canvas.setPageRotation(90)
            canvas.translate(lay.height, 0)
            canvas.rotate(90)
        canvas.setLineWidth(0.5)
        for op in ops:
            if isinstance(op, _Text):
                canvas.setFont(op.font, op.size)
                canvas.drawString(op.x, lay.height - op.top - op.size * 0.8, op.value)
            else:
                canvas.line(op.x0, lay.height - op.y0, op.x1, lay.height - op.y1)
        canvas.setFont("Helvetica", 8)
        canvas.drawCentredString(lay.width / 2, 24, f"Page {number} of {total}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
