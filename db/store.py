"""The ingest transaction: document ▸ report ▸ rows ▸ jurisdictions, all or nothing.

Idempotent: the same bytes twice are a no-op; different bytes for a stored period become
revision n+1 and the earlier revision is kept. Two processes storing the same document at
once are settled by the unique sha256 (the loser sees "already stored").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ddor_watch.db.models import DeclinedRow, Document, Jurisdiction, PolicyRow, Report, TopRow, utcnow
from ddor_watch.db.records import FetchedDocument, ParsedReport
from ddor_watch.db.session import Database
from ddor_watch.db.text import jurisdiction_key


class StoreStatus(StrEnum):
    """What storing a fetched document did."""

    STORED = "stored"                   # a new report
    REVISION = "revision"               # a new revision of a period already stored
    ALREADY_STORED = "already_stored"   # the same bytes: nothing to do
    QUARANTINED = "quarantined"         # kept, not parsed; the maintainers are told

    @property
    def new_report(self) -> bool:
        return self in (StoreStatus.STORED, StoreStatus.REVISION)


@dataclass(frozen=True)
class StoreResult:
    status: StoreStatus
    sha256: str
    document_id: int
    report_id: int | None = None
    revision: int | None = None
    message: str = ""


def _existing(session: Session, sha256: str) -> Document | None:
    return session.scalar(select(Document).where(Document.sha256 == sha256))


def _document(doc: FetchedDocument, status: str = "ok", error: str | None = None) -> Document:
    return Document(sha256=doc.sha256, url=doc.url, size=doc.size, archive_path=doc.bytes_path,
                    fetched_at=doc.fetched_at, etag=doc.etag, last_modified=doc.last_modified,
                    title=doc.title, status=status, error=error)


def already_stored(db: Database, sha256: str) -> StoreResult | None:
    with db.session() as session:
        existing = _existing(session, sha256)
        if existing is None:
            return None
        report = session.scalar(select(Report).where(Report.document_id == existing.id))
        return StoreResult(StoreStatus.ALREADY_STORED, sha256, existing.id, report.id if report else None,
                           report.revision if report else None,
                           f"already stored ({existing.status})")


def store_quarantined(db: Database, doc: FetchedDocument, error: str) -> StoreResult:
    try:
        with db.session() as session:
            if existing := _existing(session, doc.sha256):
                return StoreResult(StoreStatus.ALREADY_STORED, doc.sha256, existing.id, message="already stored")
            row = _document(doc, StoreStatus.QUARANTINED, error)
            session.add(row)
            session.flush()
            return StoreResult(StoreStatus.QUARANTINED, doc.sha256, row.id, message=error)
    except IntegrityError:
        return already_stored(db, doc.sha256) or StoreResult(StoreStatus.ALREADY_STORED, doc.sha256, 0)


def store_report(db: Database, doc: FetchedDocument, report: ParsedReport, backfill: bool = False,
                 publish: bool = False) -> StoreResult:
    """Store one parsed document in one transaction. `publish` marks the report for the
    outbox in that same transaction, so a crash before queueing cannot lose it."""
    for _attempt in range(3):
        try:
            with db.session() as session:
                if existing := _existing(session, doc.sha256):
                    rep = session.scalar(select(Report).where(Report.document_id == existing.id))
                    return StoreResult(StoreStatus.ALREADY_STORED, doc.sha256, existing.id, rep.id if rep else None,
                                       rep.revision if rep else None, "already stored")
                document = _document(doc)
                session.add(document)
                session.flush()
                revision = 1 + (session.scalar(
                    select(func.max(Report.revision)).where(Report.period_start == report.period_start,
                                                            Report.period_end == report.period_end)) or 0)
                row = Report(document_id=document.id, revision=revision, backfill=backfill, publish_pending=publish)
                _fill_report(row, report)
                session.add(row)
                session.flush()
                _insert_rows(session, row, report)
                status = StoreStatus.REVISION if revision > 1 else StoreStatus.STORED
                return StoreResult(status, doc.sha256, document.id, row.id, revision,
                                   f"stored {report.period_start} to {report.period_end} revision {revision}")
        except IntegrityError:
            # Another process stored the same bytes, or took this revision number: look again.
            continue
    raise RuntimeError(f"could not store {doc.sha256} after 3 attempts (concurrent writers)")


def _fill_report(row: Report, report: ParsedReport) -> None:
    row.period_start, row.period_end = report.period_start, report.period_end
    row.title = report.title
    row.detainers_issued_total = report.detainers_issued_total
    row.declined_total = len(report.declined_detainers)
    row.declined_total_stated = report.declined_total_stated
    row.pages = report.pages
    row.data_fidelity = report.data_fidelity
    row.warnings = list(report.warnings)
    accounting = report.accounting
    row.words_total = accounting.total if accounting else None
    row.words_placed = accounting.placed if accounting else None
    row.words_prose = accounting.prose if accounting else None
    row.words_header = accounting.header if accounting else None
    row.words_furniture = accounting.furniture if accounting else None
    row.words_unplaced = accounting.unplaced if accounting else None
    row.parsed_at = utcnow()


def _insert_rows(session: Session, row: Report, report: ParsedReport) -> None:
    session.add_all(
        TopRow(report_id=row.id, rank=t.rank, jurisdiction=t.jurisdiction, state=t.state,
               county_fips=t.county_fips, jurisdiction_key=jurisdiction_key(t.state, t.jurisdiction, t.county_fips),
               detainers_issued=t.detainers_issued, page=t.page, bbox=list(t.bbox) if t.bbox else None)
        for t in report.top_jurisdictions)
    keys: dict[str, tuple[str | None, str, str | None]] = {}
    declined = []
    for index, d in enumerate(report.declined_detainers):
        key = jurisdiction_key(d.state, d.county, d.county_fips)
        keys.setdefault(key, (d.state, d.county or "?", d.county_fips))
        declined.append(DeclinedRow(
            report_id=row.id, row_index=index, state=d.state, county=d.county, county_fips=d.county_fips,
            jurisdiction_key=key, city=d.city, facility=d.facility, citizenship=d.citizenship,
            detainer_issued_date=d.detainer_issued_date, declined_date=d.declined_date,
            notable_criminal_activity=list(d.notable_criminal_activity), page=d.page,
            bbox=list(d.bbox) if d.bbox else None))
    session.add_all(declined)
    session.add_all(
        PolicyRow(report_id=row.id, row_index=i, state=p.state, jurisdiction=p.jurisdiction,
                  county_fips=p.county_fips, policy_type=p.policy_type, description=p.description,
                  page=p.page, bbox=list(p.bbox) if p.bbox else None)
        for i, p in enumerate(report.policies))
    session.flush()
    _update_jurisdictions(session, row, keys)


def _period(session: Session, report_id: int | None) -> dt.date:
    if report_id is None:
        return dt.date.max
    value = session.scalar(select(Report.period_end).where(Report.id == report_id))
    return value or dt.date.min


def _update_jurisdictions(session: Session, row: Report, keys: dict[str, tuple[str | None, str, str | None]]) -> None:
    end = row.period_end or dt.date.min
    for key, (state, name, fips) in keys.items():
        place = session.scalar(select(Jurisdiction).where(Jurisdiction.key == key))
        if place is None:
            session.add(Jurisdiction(key=key, state=state, name=name, county_fips=fips,
                                     first_report_id=row.id, last_report_id=row.id))
            continue
        if place.first_report_id is None or end < _period(session, place.first_report_id):
            place.first_report_id = row.id
        if place.last_report_id is None or end >= _period(session, place.last_report_id):
            place.last_report_id = row.id
    session.flush()


def replace_report(db: Database, document_id: int, report: ParsedReport) -> int:
    """Re-parse result for an archived document: rows replaced in one transaction."""
    with db.session() as session:
        document = session.get(Document, document_id)
        if document is None:
            raise LookupError(f"no document {document_id}")
        row = session.scalar(select(Report).where(Report.document_id == document_id))
        if row is None:
            revision = 1 + (session.scalar(
                select(func.max(Report.revision)).where(Report.period_start == report.period_start,
                                                        Report.period_end == report.period_end)) or 0)
            row = Report(document_id=document_id, revision=revision)
            session.add(row)
        else:
            for model in (TopRow, DeclinedRow, PolicyRow):
                session.execute(delete(model).where(model.report_id == row.id))
        _fill_report(row, report)
        document.status, document.error = "ok", None
        session.flush()
        _insert_rows(session, row, report)
        return row.id


def mark_quarantined(db: Database, document_id: int, error: str) -> None:
    with db.session() as session:
        document = session.get(Document, document_id)
        if document is not None and document.status == StoreStatus.QUARANTINED:
            document.error = error


def count_reports(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count(Report.id))) or 0


def reports_pending_publication(db: Database) -> list[int]:
    """Reports stored by a check but not yet rendered into the outbox, oldest period first."""
    with db.session() as session:
        return list(session.scalars(select(Report.id).where(Report.publish_pending.is_(True))
                                    .order_by(Report.period_end, Report.revision)))


def mark_queued(db: Database, report_id: int) -> None:
    with db.session() as session:
        session.execute(update(Report).where(Report.id == report_id).values(publish_pending=False))
