"""The same ground truth as a spreadsheet (.xlsx, written with openpyxl), for LibreOffice Calc
to export to PDF the way an office exports a workbook: no gridlines, each table on its own
sheet with its header row repeated on every page (print titles), wrapped text cells,
right-aligned numbers, and every sheet scaled to fit one page wide."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from ddor_watch.monitor.samples.pdf import Style, _period_text, format_date
from ddor_watch.monitor.samples.truth import ReportTruth
from ddor_watch.scraper.pdf.normalize import STATE_NAMES

_HEADERS = {"state": "State", "county": "County", "city": "City", "facility": "Facility",
            "citizenship": "Country of Citizenship", "issued": "Detainer Issued Date",
            "declined": "Declined Date", "offences": "Notable Criminal Activity"}
_WIDTHS = {"state": 12, "county": 20, "city": 16, "facility": 26, "citizenship": 16, "issued": 14,
           "declined": 14, "offences": 34}
_BOLD = Font(bold=True)


def _sheet_setup(sheet: Worksheet, header_row: int, landscape: bool = True) -> None:
    sheet.sheet_view.showGridLines = False
    sheet.print_options.gridLines = False
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"


def _fit_row_height(sheet: Worksheet, row: int, widths: dict[int, float]) -> None:
    """What Calc's "optimal row height" would give a wrapped row: openpyxl cannot measure text
    and LibreOffice keeps an .xlsx's row heights, so estimate lines generously (an overlong row
    is only whitespace; a short one would print lines over the next row)."""
    lines = 1
    for column, width in widths.items():
        value = sheet.cell(row=row, column=column).value
        if value is None:
            continue
        per_line = max(1, int(width * 0.9))
        lines = max(lines, sum(-(-max(len(part), 1) // per_line) for part in str(value).split("\n")))
    sheet.row_dimensions[row].height = 14 * lines + 2


def _prose(sheet: Worksheet, texts: list[tuple[str, bool]]) -> int:
    """Lines of prose in column A (each overflows across the empty cells to its right)."""
    for row, (text, bold) in enumerate(texts, start=1):
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = Font(bold=bold, size=12 if bold else 10)
    return len(texts) + 2


def write_workbook(truth: ReportTruth, path: Path, style: Style | None = None, *, offences: str = "semicolons",
                   align: str = "top", borders: bool = False) -> Path:
    """`offences`: "semicolons" or "lines" (one per line inside the cell: Alt+Enter).
    `align`: "top", or "bottom" (Excel's default: a row's single-line cells print on its last
    line, its wrapped cells above them). `borders`: thin rules around every table cell."""
    style = style or Style()
    wrap = Alignment(wrap_text=True, vertical=align)
    right = Alignment(horizontal="right", vertical=align)
    side = Side(style="thin") if borders else Side()
    border = Border(left=side, right=side, top=side, bottom=side)

    def state(code: str) -> str:
        return STATE_NAMES[code] if style.state_names else code

    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "Summary and Section I"
    row = _prose(first, [
        ("ENFORCEMENT AND REMOVAL OPERATIONS", False), (truth.title, True),
        (f"For Recorded Declined Detainers {_period_text(truth)}", False), ("Summary", True),
        (f"This report lists {len(truth.declined):,} declined detainers that ICE recorded during the period.", False),
        ("Section I: Highest Volume of Detainers Issued to Non-Cooperative Jurisdictions", True),
        (f"ICE issued {truth.detainers_issued_total:,} detainers throughout the United States during this period.",
         False)])
    for column, (title, width) in enumerate((("Jurisdiction", 28), ("State", 14), ("Detainers Issued", 16)), 1):
        first.cell(row=row, column=column, value=title).font = _BOLD
        first.cell(row=row, column=column).border = border
        first.column_dimensions[chr(64 + column)].width = width
    first.cell(row=row, column=3).alignment = right
    for offset, top in enumerate(truth.top, start=1):
        first.cell(row=row + offset, column=1, value=top.jurisdiction)
        first.cell(row=row + offset, column=2, value=state(top.state))
        count = first.cell(row=row + offset, column=3, value=top.detainers_issued)
        count.number_format, count.alignment = "#,##0", right
        for column in (1, 2, 3):
            first.cell(row=row + offset, column=column).border = border
    _sheet_setup(first, row, landscape=False)

    declined = book.create_sheet("Section II")
    row = _prose(declined, [("Section II: Jurisdictions with Recorded Declined Detainers", True)])
    order = style.declined_order
    for column, key in enumerate(order, start=1):
        cell = declined.cell(row=row, column=column, value=_HEADERS[key])
        cell.font, cell.alignment, cell.border = _BOLD, wrap, border
        declined.column_dimensions[chr(64 + column)].width = _WIDTHS[key]
    separator = "\n" if offences == "lines" else "; "
    for offset, r in enumerate(truth.declined, start=1):
        values = {"state": state(r.state), "county": r.county, "city": r.city or "", "facility": r.facility or "",
                  "citizenship": r.citizenship or "", "issued": format_date(r.issued, style),
                  "declined": format_date(r.declined, style), "offences": separator.join(r.offences)}
        for column, key in enumerate(order, start=1):
            # Dates are text as printed (a date cell would be reformatted by the locale).
            cell = declined.cell(row=row + offset, column=column, value=values[key])
            cell.alignment, cell.border = wrap, border
        _fit_row_height(declined, row + offset, {c: _WIDTHS[k] for c, k in enumerate(order, start=1)})
    _fit_row_height(declined, row, {c: _WIDTHS[k] for c, k in enumerate(order, start=1)})
    _sheet_setup(declined, row)

    policies = book.create_sheet("Section III and IV")
    row = _prose(policies, [("Section III: Table of Jurisdictions that have Enacted Policies which Limit "
                             "Cooperation with ICE", True)])
    for column, (title, width) in enumerate((("State", 14), ("Jurisdiction", 24), ("Type", 16),
                                             ("Description", 90)), start=1):
        cell = policies.cell(row=row, column=column, value=title)
        cell.font, cell.alignment, cell.border = _BOLD, wrap, border
        policies.column_dimensions[chr(64 + column)].width = width
    for offset, p in enumerate(truth.policies, start=1):
        for column, value in enumerate((state(p.state), p.jurisdiction, p.policy_type, p.description), start=1):
            cell = policies.cell(row=row + offset, column=column, value=value)
            cell.alignment, cell.border = wrap, border
        _fit_row_height(policies, row + offset, {1: 14, 2: 24, 3: 16, 4: 90})
    end = row + len(truth.policies) + 2
    policies.cell(row=end, column=1, value="Section IV: Report Scope and Data Fidelity").font = Font(bold=True, size=12)
    policies.merge_cells(start_row=end + 1, start_column=1, end_row=end + 1, end_column=4)
    caveat = policies.cell(row=end + 1, column=1, value=truth.caveat)
    caveat.alignment = wrap
    policies.row_dimensions[end + 1].height = 14 * (2 + len(truth.caveat) // 130)
    _sheet_setup(policies, row)
    book.save(path)
    return path
