"""`parse_report(path) -> ParsedReport`: a DDOR PDF read by its structure and header text.

Validation findings go into `warnings`; rows are never dropped silently. Raises NotAPdf,
UnreadablePdf or NotADdorReport (all `BadInput`) for files we cannot take.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, replace
from pathlib import Path

import pdfplumber

from ddor_watch.db.errors import BadInput, NotADdorReport, NotAPdf, UnreadablePdf
from ddor_watch.db.records import DeclinedDetainer, ParsedReport, Policy, TopJurisdiction, WordAccounting
from ddor_watch.scraper.pdf import specs
from ddor_watch.scraper.pdf.header import looks_like_header
from ddor_watch.scraper.pdf.layout import Line, PageText, boilerplate_keys, is_boilerplate, iter_pages
from ddor_watch.scraper.pdf.normalize import clean, county_fips, fold, parse_date, parse_int, state_code
from ddor_watch.scraper.pdf.offences import split_offences
from ddor_watch.scraper.pdf.rows import Record
from ddor_watch.scraper.pdf.sections import (
    find_declined_total,
    find_issued_total,
    find_period,
    section_readings,
    stated_page_count,
)
from ddor_watch.scraper.pdf.structure import check_structure
from ddor_watch.scraper.pdf.tables import TableRead, extract_table
from ddor_watch.scraper.pdf.trace import Box, ParseTrace
from ddor_watch.scraper.pdf.validate import validate

logger = logging.getLogger(__name__)

# Real reports are a few MB; anything this large is not one (and would take hours to lay out).
MAX_PDF_BYTES = 200 * 2**20


def check_pdf_file(path: Path) -> str:
    """Cheap checks before pdfminer sees the file; returns its sha256."""
    if not path.exists():
        raise BadInput(f"{path}: no such file")
    if not path.is_file():
        raise BadInput(f"{path}: not a file")
    size = path.stat().st_size
    if size == 0:
        raise NotAPdf(f"{path}: empty file")
    if size > MAX_PDF_BYTES:
        raise BadInput(f"{path}: {size:,} bytes is larger than the {MAX_PDF_BYTES:,}-byte limit for a report")
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        head = handle.read(1024)
        digest.update(head)
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
        handle.seek(max(0, size - 2048))
        tail = handle.read()
    if b"%PDF-" not in head:
        raise NotAPdf(f"{path}: not a PDF (no %PDF- header)")
    if b"%%EOF" not in tail:
        raise UnreadablePdf(f"{path}: truncated PDF (no %%EOF marker at the end)")
    return digest.hexdigest()


def parse_report(path: str | Path, display_name: str | None = None, trace: ParseTrace | None = None) -> ParsedReport:
    path = Path(path)
    label = display_name or str(path)
    sha256 = check_pdf_file(path)
    check_structure(path, label)   # loops and absurd sizes, refused before layout analysis
    try:
        with pdfplumber.open(path) as pdf:
            pages = list(iter_pages(pdf))
    except BadInput:
        raise
    except Exception as error:  # pdfminer raises many unrelated types for broken files
        raise UnreadablePdf(f"{label}: {_describe_pdf_error(error)}") from error
    if not pages:
        raise UnreadablePdf(f"{label}: PDF has no pages")
    try:
        report = _parse_pages(sha256, pages, trace)
    except NotADdorReport as error:
        raise NotADdorReport(f"{label}: {error}") from None
    return report


def _describe_pdf_error(error: Exception) -> str:
    # pdfplumber wraps pdfminer's error (PdfminerException(PDFPasswordIncorrect())), often with
    # an empty message: look through the arguments and the cause chain for the real one.
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(chain) < 5:
        chain.append(current)
        current = next((a for a in getattr(current, "args", ()) if isinstance(a, BaseException)), None) \
            or current.__cause__
    text = " / ".join(f"{type(e).__name__}: {e}".strip().rstrip(":") for e in chain)
    if "password" in text.lower() or "encrypt" in text.lower():
        return "encrypted PDF (a password is required to read it)"
    return f"corrupt or unreadable PDF ({text[:160]})"


def _is_table_header(line: Line) -> bool:
    return any(looks_like_header(line, spec.vocabulary) for spec in specs.ALL)


@dataclass
class _Sections:
    """The report's non-furniture lines and where each section's lines lie in them."""

    lines: list[Line]
    ranges: dict[int, tuple[int, int]]
    by_number: dict[int, PageText]

    def text(self, number: int) -> str:
        start, end = self.ranges[number]
        return " ".join(ln.text for ln in self.lines[start:end])

    def pages(self, number: int) -> list[tuple[PageText, list[Line]]]:
        start, end = self.ranges[number]
        grouped: dict[int, list[Line]] = {}
        for line in self.lines[start:end]:
            grouped.setdefault(line.page, []).append(line)
        return [(self.by_number[n], grouped[n]) for n in sorted(grouped)]


def _parse_pages(sha256: str, pages: list[PageText], trace: ParseTrace | None = None) -> ParsedReport:
    keys = boilerplate_keys(pages, _is_table_header)
    stated_pages = stated_page_count([ln for p in pages for ln in p.lines])
    furniture = [ln for p in pages for ln in p.lines if is_boilerplate(ln, keys, p.height)]
    furniture_ids = {id(ln) for ln in furniture}
    lines = [ln for p in pages for ln in p.lines if id(ln) not in furniture_ids]
    if not lines:
        raise NotADdorReport("no text found (a scanned image, or not a DDOR)")
    readings = section_readings(lines, _has_table)
    if not readings:
        raise NotADdorReport("no Section II (declined detainers) table found; not a DDOR")
    # Usually one reading; where headings leave a choice, the one that accounts for the most
    # words (and then warns least) is the report.
    best: tuple[ParsedReport, dict[int, tuple[int, int]]] | None = None
    refusal: NotADdorReport | None = None
    for ranges in readings:
        try:
            report = _read_sections(sha256, pages, lines, furniture, ranges, stated_pages, None)
        except NotADdorReport as error:
            refusal = refusal or error
            continue
        if best is None or _weight(report) > _weight(best[0]):
            best = report, ranges
        if not report.warnings:
            break
    if best is None:
        raise refusal or NotADdorReport("no Section II (declined detainers) table found; not a DDOR")
    if trace is not None:   # drawn for the reading chosen, once
        return _read_sections(sha256, pages, lines, furniture, best[1], stated_pages, trace)
    return best[0]


def _weight(report: ParsedReport) -> tuple[int, int]:
    accounting = report.accounting
    return (accounting.placed - accounting.unplaced if accounting else 0), -len(report.warnings)


def _has_table(number: int, lines: list[Line]) -> bool:
    vocabulary = specs.ALL[number - 1].vocabulary
    return any(looks_like_header(line, vocabulary) for line in lines)


def _read_sections(sha256: str, pages: list[PageText], lines: list[Line], furniture: list[Line],
                   ranges: dict[int, tuple[int, int]], stated_pages: int | None,
                   trace: ParseTrace | None) -> ParsedReport:
    sections = _Sections(lines, ranges, {p.number: p for p in pages})
    warnings: list[str] = []

    front = " ".join(ln.text for ln in lines[: ranges.get(1, ranges[2])[0]])
    period = find_period(front) or find_period(" ".join(ln.text for ln in lines[:80]))
    if period is None:
        warnings.append("reporting period not found on the first page")
    tables: list[tuple[int, TableRead]] = []

    issued_total = None
    top: list[TopJurisdiction] = []
    if 1 in ranges:
        issued_total = find_issued_total(sections.text(1))
        top_read = extract_table(specs.TOP_TEN, sections.pages(1))
        tables.append((1, top_read))
        top = _top_ten(top_read.records, warnings)
    else:
        warnings.append("Section I (top ten) not found")
    if issued_total is None:
        issued_total = find_issued_total(front)
    declined_read = extract_table(specs.DECLINED, sections.pages(2))
    tables.append((2, declined_read))
    if not declined_read.records:
        raise NotADdorReport("Section II table has no rows")
    declined = _declined(declined_read.records, warnings)
    policies: list[Policy] = []
    if 3 in ranges:
        policy_read = extract_table(specs.POLICIES, sections.pages(3))
        tables.append((3, policy_read))
        policies = _policies(policy_read.records, warnings)
    else:
        warnings.append("Section III (policies) not found")
    caveat = clean(sections.text(4)) if 4 in ranges else None
    for number, read in tables:
        if read.ambiguous:
            first = read.ambiguous[0]
            warnings.append(f"p. {first.page}: {len(read.ambiguous)} line{'s' if len(read.ambiguous) != 1 else ''} "
                            f"of Section {'I' * number} sit closer to the next row than to their own; the row "
                            f"boundaries there are uncertain (first: {first.text[:60]!r})")
    accounting = account_words(pages, furniture, sections, tables, warnings, trace)
    report = ParsedReport(
        sha256=sha256, pages=len(pages), title=_title(lines[:40]),
        period_start=period[0] if period else None, period_end=period[1] if period else None,
        detainers_issued_total=issued_total, top_jurisdictions=tuple(top),
        declined_detainers=tuple(declined), policies=tuple(policies), warnings=(),
        declined_total_stated=find_declined_total(front), data_fidelity=caveat, accounting=accounting,
    )
    warnings.extend(validate(report, stated_pages))
    removed = [(p.number, p.removed_chars) for p in pages if p.removed_chars]
    if removed:
        warnings.append(f"{sum(n for _, n in removed)} control, bidi or zero-width characters removed from the "
                        f"text (first on p. {removed[0][0]})")
    return replace(report, warnings=tuple(warnings))


def account_words(pages: list[PageText], furniture: list[Line], sections: _Sections,
                  tables: list[tuple[int, TableRead]], warnings: list[str],
                  trace: ParseTrace | None = None) -> WordAccounting:
    """Put every word of every page in exactly one bucket, and warn about unplaced ones.

    Table sections hand in all their lines, so a line there that no bucket claims is a
    parser fault: it counts as unplaced (and is warned about) rather than vanishing.
    """
    bucket_of: dict[int, str] = {}
    doubled = 0

    def claim(group: list[Line], bucket: str) -> None:
        nonlocal doubled
        for line in group:
            if id(line) in bucket_of:
                doubled += len(line.words)
            bucket_of[id(line)] = bucket

    claim(furniture, "furniture")
    table_lines: dict[int, Line] = {}
    for number, read in tables:
        claim(read.placed, "placed")
        claim(read.header, "header")
        claim(read.prose, "prose")
        claim(read.unplaced, "unplaced")
        start, end = sections.ranges[number]
        table_lines.update((id(ln), ln) for ln in sections.lines[start:end])
    counts = dict.fromkeys(("placed", "prose", "header", "furniture", "unplaced"), 0)
    unplaced: dict[int, list[Line]] = {}
    for page in pages:
        for line in page.lines:
            bucket = bucket_of.get(id(line), "unplaced" if id(line) in table_lines else "prose")
            counts[bucket] += len(line.words)
            if bucket == "unplaced":
                unplaced.setdefault(line.page, []).append(line)
    for page_number, group in sorted(unplaced.items()):
        words = [w.text for line in group for w in line.words]
        quote = " ".join(words)
        quote = quote if len(quote) <= 60 else quote[:59].rstrip() + "…"
        warnings.append(f"p. {page_number}: {len(words)} word{'s' if len(words) != 1 else ''} "
                        f"not placed in any row: \"{quote}\"")
    if trace is not None:
        _fill_trace(trace, sections, tables, bucket_of, unplaced)
    total = sum(len(line.words) for page in pages for line in page.lines)
    accounting = WordAccounting(total=total, **counts)
    if doubled or not accounting.balanced:
        warnings.append(f"word accounting does not balance ({doubled} words counted twice); "
                        "the parser may have misread this report")
    return accounting


def _box(line: Line) -> Box:
    return (line.x0, line.top, line.x1, line.bottom)


def _extent(lines: list[Line]) -> Box:
    return (min(ln.x0 for ln in lines), min(ln.top for ln in lines), max(ln.x1 for ln in lines),
            max(ln.bottom for ln in lines))


def _fill_trace(trace: ParseTrace, sections: _Sections, tables: list[tuple[int, TableRead]],
                bucket_of: dict[int, str], unplaced: dict[int, list[Line]]) -> None:
    for number in sections.ranges:
        for page, lines in sections.pages(number):
            trace.page(page.number).sections.append((number, _extent(lines)))
    for _, read in tables:
        for page_number, columns, top, bottom in read.boundaries:
            trace.page(page_number).columns.extend((x, top, bottom) for x in columns)
        for record in read.records:
            by_page: dict[int, list[Line]] = {}
            for line in record.lines:
                by_page.setdefault(line.page, []).append(line)
            for page_number, lines in by_page.items():
                trace.page(page_number).rows.append(_extent(lines))
        for line in read.header:
            trace.page(line.page).headers.append(_box(line))
    for page_number, lines in unplaced.items():
        trace.page(page_number).unplaced.extend(_box(line) for line in lines)
    for number, page in sections.by_number.items():
        trace.page(number).furniture.extend(_box(line) for line in page.lines if bucket_of.get(id(line)) == "furniture")


def _title(lines: list[Line]) -> str | None:
    """The report's title line, joined with its wrapped tail ("… Outcome" / "Report")."""
    for index, line in enumerate(lines):
        folded = fold(line.text)
        if "DECLINED DETAINER" not in folded or folded.startswith("FOR "):
            continue
        title = clean(line.text)
        following = lines[index + 1] if index + 1 < len(lines) else None
        if (following is not None and not folded.endswith("REPORT") and len(following.words) <= 3
                and fold(following.text).endswith("REPORT") and following.page == line.page):
            title = clean(f"{line.text} {following.text}")
        return title
    return None


def _bbox(record: Record) -> tuple[float, float, float, float]:
    x0, top, x1, bottom = record.bbox
    return (round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1))


def _top_ten(records: list[Record], warnings: list[str]) -> list[TopJurisdiction]:
    rows = []
    for index, record in enumerate(records):
        name = clean(record.text("jurisdiction")) or ""
        state = state_code(record.text("state"))
        issued = parse_int(record.text("issued"))
        rank = parse_int(record.text("rank")) or index + 1
        if issued is None or not name or state is None:
            warnings.append(f"Section I row on p. {record.page} unreadable: "
                            f"{name!r} {record.text('state')!r} {record.text('issued')!r}")
        rows.append(TopJurisdiction(rank, name, state, county_fips(name, state), issued or 0,
                                    record.page, _bbox(record)))
    return rows


def _date(record: Record, key: str, warnings: list[str]) -> dt.date | None:
    text = record.text(key)
    try:
        return parse_date(text)
    except ValueError:
        warnings.append(f"Section II row on p. {record.page}: unreadable {key} date {text!r}")
        return None


def _declined(records: list[Record], warnings: list[str]) -> list[DeclinedDetainer]:
    rows = []
    unknown: list[tuple[int, str]] = []
    for record in records:
        offences = split_offences(record.cells.get("offences", []))
        unknown.extend((record.page, line) for line in offences.unknown_lines)
        state_text = record.text("state")
        state = state_code(state_text)
        county = clean(record.text("county"))
        if state is None or county is None:
            warnings.append(f"Section II row on p. {record.page} unreadable: state {state_text!r}, "
                            f"county {county!r}")
        rows.append(DeclinedDetainer(
            state=state, county=county, county_fips=county_fips(county, state),
            city=clean(record.text("city")), facility=clean(record.text("facility")),
            citizenship=clean(record.text("citizenship")),
            detainer_issued_date=_date(record, "issued", warnings),
            declined_date=_date(record, "declined", warnings),
            notable_criminal_activity=offences.categories,
            page=record.page, bbox=_bbox(record),
        ))
    if unknown:
        page, line = unknown[0]
        warnings.append(f"{len(unknown)} offence line{'s' if len(unknown) != 1 else ''} in Section II "
                        f"match no known category and were kept as printed (first on p. {page}: {line!r})")
    return rows


def _policies(records: list[Record], warnings: list[str]) -> list[Policy]:
    rows = []
    for record in records:
        state = state_code(record.text("state"))
        name = clean(record.text("jurisdiction")) or ""
        if state is None or not name:
            warnings.append(f"Section III row on p. {record.page} unreadable: "
                            f"{record.text('state')!r} {name!r}")
        rows.append(Policy(state, name, county_fips(name, state), clean(record.text("policy_type")),
                           clean(record.text("description")) or "", record.page, _bbox(record)))
    return rows
