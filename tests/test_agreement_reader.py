"""ICE's 287(g) workbooks read by header, whatever the layout; what is not the list refused."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import replace

import pytest

from ddor_watch.db.records import ListLevel, SupportType
from ddor_watch.monitor.samples.agreements import MAY_16, MAY_16_PENDING, TFM, Agreement, Style, workbook
from ddor_watch.scraper.sources.base import ListLayoutError
from ddor_watch.scraper.sources.workbook import MAX_ROWS, read_agreements

URL = "https://www.ice.gov/doclib/about/offices/ero/287g/participatingAgencies07182025pm.xlsx"


def _read(data: bytes, part: str = "participating"):  # type: ignore[no-untyped-def]
    return read_agreements(data, "application/vnd.ms-excel", URL, part)


def _expected(rows: tuple[Agreement, ...]) -> list[tuple[object, ...]]:
    return [(a.state if a.printed_state is None else "SC", a.agency, a.support, a.signed,
             f"https://www.ice.gov{a.moa}" if a.moa else None, a.county) for a in rows]


def _got(reading) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    return [(e.state, e.name, e.support_type, e.signed, e.moa_url, e.county) for e in reading.entries]


STYLES = [
    pytest.param(Style(), id="ice"),
    pytest.param(Style(columns=("LAW ENFORCEMENT AGENCY", "SUPPORT TYPE", "STATE", "MOA", "COUNTY", "SIGNED", "TYPE")),
                 id="reordered"),
    pytest.param(Style(columns=(*Style().columns, "ADDENDUM")), id="addendum"),
    pytest.param(Style(title_rows=("287(g) Participating Agencies", "Updated 7/18/2025"), trailing_empty_rows=40,
                       trailing_empty_columns=6), id="title-and-trailing-empties"),
    pytest.param(Style(text_dates=True, curly_apostrophes=True, trailing_spaces=False), id="text-dates-curly"),
    pytest.param(Style(sheet_title="Participating", extra_sheets=("Read me",)), id="cover-sheet"),
]


@pytest.mark.parametrize("style", STYLES)
def test_every_layout_reads_the_same_agreements(style: Style) -> None:
    reading = _read(workbook(MAY_16, style))
    assert _got(reading) == _expected(MAY_16)
    assert reading.warnings == ()
    assert all(e.level is ListLevel.AGENCY and e.list_name == "participating" for e in reading.entries)


def test_values_are_normalised_to_codes_fips_and_the_three_models() -> None:
    entries = _read(workbook(MAY_16)).entries
    polk = entries[0]
    assert (polk.state, polk.fips, polk.county, polk.agency_type) == ("FL", "12105", "Polk", "County")
    assert {e.support_type for e in entries} <= {str(s) for s in SupportType}
    fort_myers = entries[2]
    assert fort_myers.county is None and fort_myers.fips is None, "#N/A is no county"
    assert entries[1].moa_url is None, "'link pending' is no link"


def test_an_unknown_column_is_a_note_not_a_warning() -> None:
    reading = _read(workbook(MAY_16, Style(columns=(*Style().columns, "NOTES"))))
    assert reading.warnings == () and len(reading.notes) == 1 and "NOTES" in reading.notes[0]


def test_pending_workbook_has_no_signed_date() -> None:
    reading = _read(workbook(MAY_16_PENDING, pending=True), "pending")
    assert [(e.state, e.name, e.signed) for e in reading.entries] == [
        (a.state, a.agency, None) for a in MAY_16_PENDING]


def test_a_row_the_reader_cannot_place_is_kept_and_warned_about() -> None:
    rows = (*MAY_16[:2], replace(MAY_16[2], printed_state="FLORDIA"), replace(MAY_16[3], support="Model X"))
    reading = _read(workbook(rows))
    assert len(reading.entries) == 4
    assert len(reading.warnings) == 2
    assert "FLORDIA" in reading.warnings[0] and "Model X" in reading.warnings[1]


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(("data", "words"), [
    pytest.param(b"<!DOCTYPE html><html><body>Access denied</body></html>", "HTML", id="html-as-xlsx"),
    pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000, "password-protected", id="encrypted"),
    pytest.param(_zip({"xl/worksheets/sheet1.xml": b"\0" * (80 * 2**20)}), "would inflate", id="zip-bomb"),
    pytest.param(b"PK\x03\x04garbage", "corrupt", id="corrupt-zip"),
    pytest.param(_zip({"hello.txt": b"not a workbook"}), "cannot be read", id="zip-not-workbook"),
])
def test_what_is_not_a_workbook_is_refused_as_layout_drift(data: bytes, words: str) -> None:
    with pytest.raises(ListLayoutError, match=words):
        _read(data)


def test_a_sheet_without_the_header_or_without_rows_is_drift() -> None:
    with pytest.raises(ListLayoutError, match="no sheet has"):
        _read(workbook(MAY_16, Style(columns=("NAME", "PLACE", "KIND"))))
    with pytest.raises(ListLayoutError, match="no agreement rows"):
        _read(workbook(()))


def test_a_workbook_of_too_many_rows_is_refused_without_reading_them_all() -> None:
    row = Agreement("TX", "Some Agency", "County", None, TFM, dt.date(2025, 1, 1))
    with pytest.raises(ListLayoutError, match=f"more than {MAX_ROWS:,} rows"):
        _read(workbook((row,) * (MAX_ROWS + 5)))
