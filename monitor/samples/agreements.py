"""Replica 287(g) workbooks and page for the demo and the tests, built from a ground truth
with openpyxl: ICE's columns (STATE in capitals, LAW ENFORCEMENT AGENCY, TYPE, COUNTY with
#N/A, SUPPORT TYPE with its trailing space, SIGNED as an Excel date, MOA as "link" with a
cell hyperlink or "link pending"), and the page that links both files under names that
change with every update."""

from __future__ import annotations

import datetime as dt
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ddor_watch.scraper.pdf.normalize import STATE_NAMES as PLAIN_STATE_NAMES

PAGE_PATH = "/identify-and-arrest/287g"
DOCLIB = "/doclib/about/offices/ero/287g"

JEM, TFM, WSO = "Jail Enforcement Model", "Task Force Model", "Warrant Service Officer"

# The STATE cell as ICE prints it: the name in capitals ("NORTH CAROLINA").
STATE_NAMES = {code: name.upper() for code, name in PLAIN_STATE_NAMES.items()}


@dataclass(frozen=True)
class Agreement:
    """One row of the truth: what a reader must get back (the state as a USPS code)."""

    state: str
    agency: str
    agency_type: str
    county: str | None              # None prints as #N/A
    support: str
    signed: dt.date | None = None   # participating only
    moa: str | None = None          # the MOA PDF's path; None prints "link pending"
    printed_state: str | None = None   # what the STATE cell says, when not the plain name (a typo)


@dataclass(frozen=True)
class Style:
    """How one workbook is laid out: the readers must not care."""

    columns: tuple[str, ...] = ("STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA")
    title_rows: tuple[str, ...] = ()          # a title block above the header
    trailing_empty_rows: int = 0
    trailing_empty_columns: int = 0
    text_dates: bool = False                  # "7/15/2025" typed as text
    curly_apostrophes: bool = False           # Sheriff’s Office
    trailing_spaces: bool = True              # "Task Force Model " as ICE prints it
    sheet_title: str = "Sheet1"
    extra_sheets: tuple[str, ...] = ()        # sheets before the list (a cover sheet)


@dataclass(frozen=True)
class Update:
    """One update of ICE's page: both workbooks as they stand, and the file names of the day."""

    label: str
    participating: tuple[Agreement, ...]
    pending: tuple[Agreement, ...]
    stamp: str                                # "07182025pm": part of each file name
    published: dt.datetime
    style: Style = field(default_factory=Style)


def _cell(agreement: Agreement, column: str, style: Style) -> object:
    value: object
    if column == "STATE":
        value = agreement.printed_state or STATE_NAMES.get(agreement.state, agreement.state)
    elif column == "LAW ENFORCEMENT AGENCY":
        value = agreement.agency.replace("'", "\u2019") if style.curly_apostrophes else agreement.agency
    elif column == "TYPE":
        value = agreement.agency_type
    elif column == "COUNTY":
        value = agreement.county or "#N/A"
    elif column == "SUPPORT TYPE":
        value = agreement.support + (" " if style.trailing_spaces else "")
    elif column == "SIGNED":
        signed = agreement.signed
        value = None if signed is None else (f"{signed.month}/{signed.day}/{signed.year}" if style.text_dates
                                             else dt.datetime(signed.year, signed.month, signed.day))
    elif column == "MOA":
        value = "link" if agreement.moa else "link pending"
    else:
        value = ""
    return value


def workbook(rows: Sequence[Agreement], style: Style = Style(), base_url: str = "https://www.ice.gov",
             pending: bool = False) -> bytes:
    """The .xlsx bytes of one workbook (pending ones have no SIGNED or MOA column)."""
    import openpyxl

    if len(rows) > BIG and not style.extra_sheets:
        return _big_workbook(rows, style, pending)
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    for name in style.extra_sheets:
        cover = first if first.title == "Sheet" else book.create_sheet()
        cover.title = name
        cover["A1"] = "ICE 287(g) program"
        first = book.create_sheet()
    sheet = first
    sheet.title = style.sheet_title
    columns = tuple(c for c in style.columns if not (pending and c in {"SIGNED", "MOA"}))
    for line in style.title_rows:
        sheet.append([line])
    sheet.append([*columns, *([None] * style.trailing_empty_columns)])
    header_row = sheet.max_row
    for index, agreement in enumerate(rows):
        row_number = header_row + 1 + index
        sheet.append([_cell(agreement, column, style) for column in columns])
        if "SIGNED" in columns and not style.text_dates:
            sheet.cell(row_number, columns.index("SIGNED") + 1).number_format = "m/d/yyyy"
        if "MOA" in columns and agreement.moa:
            sheet.cell(row_number, columns.index("MOA") + 1).hyperlink = base_url + agreement.moa
    for _ in range(style.trailing_empty_rows):
        sheet.append([None] * len(columns))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BIG = 5000   # rows past which a workbook is streamed (openpyxl's write-only mode: no hyperlinks)


def _big_workbook(rows: Sequence[Agreement], style: Style, pending: bool) -> bytes:
    """A very large workbook, for the tests of size limits: streamed, MOA cells without links."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(style.sheet_title)
    columns = tuple(c for c in style.columns if not (pending and c in {"SIGNED", "MOA"}))
    sheet.append(list(columns))
    for agreement in rows:
        sheet.append([_cell(agreement, column, style) for column in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_paths(stamp: str) -> tuple[str, str]:
    return f"{DOCLIB}/participatingAgencies{stamp}.xlsx", f"{DOCLIB}/pendingAgencies{stamp}.xlsx"


def page(stamp: str, updated: str = "") -> str:
    """ICE's 287(g) page with its chrome, linking this update's two workbooks."""
    participating, pending = file_paths(stamp)
    return ("<!DOCTYPE html><html><head><title>Delegation of Immigration Authority Section 287(g) | ICE</title>"
            "</head><body><header><nav><a href='/'>ICE</a> <a href='/about'>About</a></nav></header><main>"
            "<h1>Delegation of Immigration Authority Section 287(g) Immigration and Nationality Act</h1>"
            f"<p>{html.escape(updated)}</p><h2>Participating Agencies</h2>"
            f"<p>ICE currently has 287(g) agreements with the law enforcement agencies listed here: "
            f"<a href='{participating}'>Participating Agencies</a> (Excel)</p>"
            f"<h2>Pending Agencies</h2><p><a href='{pending}'>Pending Agencies</a> (Excel)</p>"
            "<p><a href='/doclib/about/offices/ero/287g/287gFactSheet.pdf'>287(g) fact sheet</a></p>"
            "</main><footer><a href='/privacy'>Privacy</a></footer></body></html>")


def publish(site: object, update: Update, dead_moas: frozenset[str] = frozenset(),
            base_url: str = "https://www.ice.gov") -> None:
    """Put one update on a ReplicaSite: the page, both workbooks (earlier files stay), and each
    agreement's MOA as a one-page PDF, but for the `dead_moas` paths (answering 404). The MOA
    links point at `base_url` (the replica's own address, for its MOAs to be followed)."""
    from ddor_watch.monitor.samples.newsroom import ReplicaSite

    assert isinstance(site, ReplicaSite)
    participating, pending = file_paths(update.stamp)
    site.pages[PAGE_PATH] = (page(update.stamp, f"Updated {update.label}"), update.published)
    site.files[participating] = (workbook(update.participating, update.style, base_url), XLSX, update.published)
    site.files[pending] = (workbook(update.pending, update.style, pending=True), XLSX, update.published)
    for agreement in update.participating:
        if agreement.moa and agreement.moa not in dead_moas and agreement.moa not in site.files:
            site.files[agreement.moa] = (moa_pdf(agreement), "application/pdf", update.published)


def moa_pdf(agreement: Agreement) -> bytes:
    """A stand-in memorandum of agreement: one page naming the agency and its model."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=letter, invariant=True)
    canvas.drawString(72, 700, "Memorandum of Agreement (replica)")
    canvas.drawString(72, 680, f"{agreement.agency}, {agreement.state}: {agreement.support}")
    canvas.save()
    return out.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

D = dt.date
MAY_16 = (
    Agreement("FL", "Polk County Sheriff's Office", "County", "Polk", JEM, D(2019, 1, 8), "/doclib/moa/polk-jem.pdf"),
    Agreement("FL", "Polk County Sheriff's Office", "County", "Polk", TFM, D(2025, 2, 20), None),
    Agreement("FL", "Ft. Myers Police Department", "Municipality", None, TFM, D(2025, 4, 2),
              "/doclib/moa/fort-myers.pdf"),
    Agreement("FL", "Hernado County Sheriff's Office", "County", "Hernando", WSO, D(2025, 3, 11),
              "/doclib/moa/hernando.pdf"),
    Agreement("FL", "Florida Highway Patrol", "State", None, TFM, D(2025, 2, 26), "/doclib/moa/fhp.pdf"),
    Agreement("TX", "Galveston County Sheriff's Office", "County", "Galveston", JEM, D(2020, 6, 1),
              "/doclib/moa/galveston.pdf"),
    Agreement("TX", "Lubbock County Sheriff's Office", "County", "Lubbock", WSO, D(2025, 3, 3),
              "/doclib/moa/lubbock.pdf"),
    Agreement("NC", "Gaston County Sheriff's Office", "County", "Gaston", JEM, D(2025, 4, 15),
              "/doclib/moa/gaston.pdf", printed_state="SOUTH CAROLINA"),
    Agreement("GA", "Cobb County Sheriff's Office", "County", "Cobb", JEM, D(2019, 6, 1), "/doclib/moa/cobb.pdf"),
    Agreement("GA", "Cobb County Sheriff's Office", "County", "Cobb", JEM, D(2019, 6, 1), "/doclib/moa/cobb.pdf"),
    Agreement("AL", "Baldwin County Sheriff's Office", "County", "Baldwin", WSO, D(2025, 1, 30),
              "/doclib/moa/baldwin.pdf"),
    Agreement("OK", "Tulsa County Sheriff's Office", "County", "Tulsa", JEM, D(2020, 1, 1), "/doclib/moa/tulsa.pdf"),
)
MAY_16_PENDING = (
    Agreement("TX", "Harris County Constable Precinct 4", "County", "Harris", WSO),
    Agreement("LA", "Jefferson Parish Sheriff's Office", "County", "Jefferson", TFM),
    Agreement("AZ", "Pinal County Sheriff's Office", "County", "Pinal", TFM),
)


def demo_updates() -> list[Update]:
    """Two updates of the program list for the demo; the second holds each kind of edit."""
    first = Update("May 16, 2025", MAY_16, MAY_16_PENDING, "05162025am",
                   dt.datetime(2025, 5, 16, 14, tzinfo=dt.UTC))
    rows = list(MAY_16)
    rows[2] = replace(rows[2], agency="Fort Myers Police Department")              # ICE spells "Ft." out
    rows[3] = replace(rows[3], agency="Hernando County Sheriff's Office")          # a typo fixed
    rows[7] = replace(rows[7], printed_state=None)                                  # the state corrected
    del rows[9]                                                                     # a duplicate row goes
    rows.remove(MAY_16[11])                                                         # Tulsa's agreement ends
    rows[1] = replace(rows[1], moa="/doclib/moa/polk-tfm.pdf")                      # its MOA is published
    new = [
        Agreement("TX", "Harris County Constable Precinct 4", "County", "Harris", WSO, D(2025, 5, 20),
                  "/doclib/moa/harris-4.pdf"),                                      # signed: left pending
        Agreement("FL", "Collier County Sheriff's Office", "County", "Collier", TFM, D(2025, 5, 21), None),
        Agreement("FL", "Martin County Sheriff's Office", "County", "Martin", TFM, D(2025, 5, 21), None),
        Agreement("TX", "Midland County Sheriff's Office", "County", "Midland", WSO, D(2025, 5, 22), None),
    ]
    pending = (MAY_16_PENDING[1], MAY_16_PENDING[2],
               Agreement("WY", "Natrona County Sheriff's Office", "County", "Natrona", JEM))
    second = Update("May 23, 2025", (*rows, *new), pending, "05232025pm", dt.datetime(2025, 5, 23, 20, tzinfo=dt.UTC))
    return [first, second]
