"""Read an agreement workbook (ICE's 287(g) Participating / Pending Agencies .xlsx) by its
header names, never by column position: one ListEntry per row (agency, support type).

Checked before openpyxl sees it: an .xlsx is a zip, so something that is not one (an
encrypted or legacy workbook, an HTML error page) is refused by its first bytes, and a zip
whose parts would inflate past MAX_UNZIPPED_BYTES is refused as a bomb. A sheet without the
header, or without rows, raises ListLayoutError: layout drift, never "every agreement ended".
A row the reader cannot place (no state it knows, an unknown support type, a date it cannot
read) is kept as printed and named in the reading's warnings, which hold its publication.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from ddor_watch.db.inert import sanitise
from ddor_watch.db.records import ListEntry, ListLevel, ListReading, SupportType
from ddor_watch.db.text import fold
from ddor_watch.scraper.pdf.normalize import county_fips, parse_date, state_code
from ddor_watch.scraper.sources.base import ListLayoutError

MAX_UNZIPPED_BYTES = 64 * 2**20   # a 1,500-row list inflates to about 1 MB
MAX_ROWS = 20_000                 # the program lists about a thousand agreements
HEADER_SEARCH_ROWS = 20           # the header row is the first one, after a title block at most

# Header text (folded) -> field. What is not here is an unknown column: noted, never read.
HEADERS = {
    "STATE": "state", "ST": "state",
    "LAW ENFORCEMENT AGENCY": "agency", "AGENCY": "agency", "AGENCY NAME": "agency", "LEA": "agency",
    "TYPE": "agency_type", "AGENCY TYPE": "agency_type", "JURISDICTION TYPE": "agency_type",
    "COUNTY": "county", "COUNTY NAME": "county",
    "SUPPORT TYPE": "support_type", "MODEL": "support_type", "287 G MODEL": "support_type",
    "SIGNED": "signed", "DATE SIGNED": "signed", "SIGNED DATE": "signed", "MOA SIGNED": "signed",
    "MOA": "moa", "MOA LINK": "moa", "ADDENDUM": "addendum", "ADDENDUM LINK": "addendum",
}
REQUIRED = ("state", "agency", "support_type")
_NOT_APPLICABLE = {"", "N A", "NA", "NONE"}    # "#N/A" folds to "N A"
_SUPPORT_WORDS = ((SupportType.JAIL_ENFORCEMENT, "JAIL"), (SupportType.TASK_FORCE, "TASK FORCE"),
                  (SupportType.WARRANT_SERVICE, "WARRANT"))
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@dataclass(frozen=True)
class _Row:
    number: int
    values: dict[str, object]
    links: dict[str, str]


def refuse_non_workbook(body: bytes, url: str) -> None:
    """The cheap refusals, by the first bytes and the zip's directory."""
    head = body[:512].lstrip()
    if body.startswith(b"\xd0\xcf\x11\xe0"):
        raise ListLayoutError(f"{url}: an encrypted (password-protected) or legacy .xls workbook, not an .xlsx; "
                              "not read")
    if head[:1] == b"<":
        raise ListLayoutError(f"{url}: an HTML or XML page where a workbook was linked; not read")
    if not body.startswith(b"PK\x03\x04"):
        raise ListLayoutError(f"{url}: not an .xlsx workbook ({len(body)} bytes); not read")
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
            if inflated > MAX_UNZIPPED_BYTES:
                raise ListLayoutError(f"{url}: the workbook would inflate to {inflated:,} bytes, more than the "
                                      f"{MAX_UNZIPPED_BYTES:,} an agreement list needs; not read")
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    rows = _count_rows(archive, name)
                    if rows > MAX_ROWS + HEADER_SEARCH_ROWS:
                        raise ListLayoutError(f"{url}: a sheet of {rows:,} rows, more than {MAX_ROWS:,}; "
                                              "not the agreement list")
    except zipfile.BadZipFile as error:
        raise ListLayoutError(f"{url}: a corrupt .xlsx ({error}); not read") from error


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _count_rows(archive: zipfile.ZipFile, name: str) -> int:
    """Row elements in a sheet's XML, counted on the byte stream (text never holds a raw "<"):
    a huge sheet is refused in a fraction of what reading its rows would take."""
    count, tail = 0, b""
    with archive.open(name) as stream:
        while chunk := stream.read(1 << 20):
            window = tail + chunk
            count += len(_ROW_TAG.findall(window))
            tail = window[-16:]
            count -= len(_ROW_TAG.findall(tail))   # counted again with the next chunk
    return count + len(_ROW_TAG.findall(tail))


def _clean(value: object) -> object:
    if isinstance(value, str):
        text = sanitise(value)[0].replace("\u2019", "'").replace("\u2018", "'")
        return " ".join(text.split())
    return value


def _hyperlinks(body: bytes, sheet_path: str) -> dict[str, str]:
    """Cell reference -> hyperlink target of one sheet (openpyxl's read-only mode keeps none)."""
    rels_path = sheet_path.replace("worksheets/", "worksheets/_rels/") + ".rels"
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        names = set(archive.namelist())
        targets: dict[str, str] = {}
        if rels_path in names:
            for rel in ElementTree.fromstring(archive.read(rels_path)):
                targets[rel.get("Id", "")] = rel.get("Target", "")
        if not targets:
            return {}     # no links to external targets: the sheet need not be read twice
        links: dict[str, str] = {}
        with archive.open(sheet_path) as sheet:
            for _event, element in ElementTree.iterparse(sheet):
                if element.tag == f"{_MAIN}hyperlink":
                    target = targets.get(element.get(_REL, ""), "") or element.get("location", "")
                    if target:
                        links[element.get("ref", "").split(":")[0].upper()] = target
                element.clear()
    return links


def _header_row(rows: list[tuple[object, ...]]) -> tuple[int, dict[int, str], list[str]] | None:
    for index, row in enumerate(rows):
        fields: dict[int, str] = {}
        unknown: list[str] = []
        for column, value in enumerate(row):
            text = fold(str(value)) if value is not None else ""
            if not text:
                continue
            if text in HEADERS and HEADERS[text] not in fields.values():
                fields[column] = HEADERS[text]
            else:
                unknown.append(str(value).strip())
        if {"state", "agency"} <= set(fields.values()):
            return index, fields, unknown
    return None


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _rows(body: bytes, url: str) -> tuple[Iterator[_Row], list[str]]:
    import openpyxl  # imported in the parsing child only

    try:
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken part; all mean "cannot read"
        raise ListLayoutError(f"{url}: the workbook cannot be read ({type(error).__name__}: {error})") from error
    for sheet in book.worksheets:
        top = [tuple(_clean(v) for v in row) for row in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)]
        found = _header_row(top)
        if found is None:
            continue
        header_index, fields, unknown = found
        missing = [name for name in REQUIRED if name not in fields.values()]
        if missing:
            raise ListLayoutError(f"{url}: the sheet '{sheet.title}' has no {', '.join(missing)} column")
        # The sheet's own dimension, when it states one, refuses a huge sheet before any row is read
        # (one that understates its size is still stopped at MAX_ROWS below).
        if (sheet.max_row or 0) > MAX_ROWS + header_index + 1:
            raise ListLayoutError(f"{url}: the sheet '{sheet.title}' has {sheet.max_row:,} rows, more than "
                                  f"{MAX_ROWS:,}; not the agreement list")
        links = _hyperlinks(body, str(getattr(sheet, "_worksheet_path", "")))
        notes = [f"sheet '{sheet.title}': column '{name}' is not one the reader knows; not read" for name in unknown]
        return _sheet_rows(sheet, header_index + 2, fields, links), notes
    raise ListLayoutError(f"{url}: no sheet has a STATE and LAW ENFORCEMENT AGENCY header row")


def _sheet_rows(sheet: Any, first: int, fields: dict[int, str], links: dict[str, str]) -> Iterator[_Row]:
    """The rows below the header (`first` is the 1-based sheet row after it), by field name."""
    letters = {column: _column_letter(column) for column in fields}
    for offset, raw in enumerate(sheet.iter_rows(min_row=first, values_only=True)):
        number = first + offset
        values = {fields[c]: _clean(v) for c, v in enumerate(raw) if c in fields}
        cell_links = {fields[c]: links[ref] for c in fields if (ref := f"{letters[c]}{number}") in links}
        yield _Row(number, values, cell_links)


def support_type(printed: str) -> str | None:
    folded = fold(printed)
    found = [value for value, word in _SUPPORT_WORDS if word in folded]
    return str(found[0]) if len(found) == 1 else None


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and 20000 < value < 80000:   # an Excel serial left unformatted
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    return parse_date(str(value)) if value is not None else None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_agreements(body: bytes, content_type: str, url: str, part: str) -> ListReading:
    """A ListParser for agreement workbooks: one entry per (agency, support type) row."""
    refuse_non_workbook(body, url)
    rows, notes = _rows(body, url)
    entries: list[ListEntry] = []
    warnings: list[str] = []
    for row in rows:
        values = {name: _text(value) for name, value in row.values.items()}
        if not any(values.values()):
            continue    # trailing empty rows
        if len(entries) >= MAX_ROWS:
            raise ListLayoutError(f"{url}: more than {MAX_ROWS:,} rows; not the agreement list")
        entry, problems = _entry(part, row, values)
        warnings += [f"{part} row {row.number}: {problem}" for problem in problems]
        if entry is not None:
            entries.append(entry)
    if not entries:
        raise ListLayoutError(f"{url}: the {part} workbook has a header but no agreement rows")
    return ListReading(url, tuple(entries), tuple(warnings), tuple(notes))


def _entry(part: str, row: _Row, values: dict[str, str]) -> tuple[ListEntry | None, list[str]]:
    problems: list[str] = []
    agency = values.get("agency", "")
    if not agency:
        return None, [f"no agency name in a row that says {' / '.join(v for v in values.values() if v)!r}"]
    state = state_code(values.get("state"))
    if state is None:
        problems.append(f"state {values.get('state', '')!r} of {agency!r} is not one the reader knows")
    printed_support = values.get("support_type", "")
    support = support_type(printed_support)
    if support is None:
        problems.append(f"support type {printed_support!r} of {agency!r} is not one of ICE's three models")
    signed_value = row.values.get("signed")
    signed = _date(signed_value) if "signed" in row.values else None
    if signed_value not in (None, "") and signed is None:
        problems.append(f"signed date {signed_value!r} of {agency!r} cannot be read")
    county_text = values.get("county", "")
    county = None if fold(county_text) in _NOT_APPLICABLE else county_text
    moa = row.links.get("moa")
    if moa is None and re.match(r"https?://", values.get("moa", "")):
        moa = values["moa"]
    fips = county_fips(county, state) if county else None
    return ListEntry(part, ListLevel.AGENCY, agency, state, fips, support_type=support or printed_support or None,
                     signed=signed, moa_url=moa, agency_type=values.get("agency_type") or None,
                     county=county), problems
