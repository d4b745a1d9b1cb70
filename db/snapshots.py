"""Stored reports turned into `ReportSnapshot`s for the diff, and the report sequence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from ddor_watch.db.models import DeclinedRow, Document, PolicyRow, Report, TopRow, as_utc
from ddor_watch.db.records import (
    BBox,
    DeclinedDetainer,
    JurisdictionCount,
    ParsedReport,
    Policy,
    ReportSnapshot,
    TopJurisdiction,
    WordAccounting,
)
from ddor_watch.db.session import Database


def _bbox(stored: list[float] | None) -> BBox | None:
    """A bbox as stored (a JSON list) back to its tuple."""
    if not stored or len(stored) != 4:
        return None
    return (float(stored[0]), float(stored[1]), float(stored[2]), float(stored[3]))


def _report(session: Session, report_id: int) -> Report:
    report = session.get(Report, report_id)
    if report is None:
        raise LookupError(f"no report {report_id}")
    return report


def load_snapshot(db: Database, report_id: int) -> ReportSnapshot:
    with db.session() as session:
        report = _report(session, report_id)
        document = session.get(Document, report.document_id)
        top = tuple(
            TopJurisdiction(t.rank, t.jurisdiction, t.state, t.county_fips, t.detainers_issued, t.page,
                            _bbox(t.bbox))
            for t in session.scalars(select(TopRow).where(TopRow.report_id == report_id).order_by(TopRow.rank)))
        rows = list(session.scalars(select(DeclinedRow).where(DeclinedRow.report_id == report_id)
                                    .order_by(DeclinedRow.row_index)))
        counts: dict[str, list[Any]] = {}
        for r in rows:
            entry = counts.setdefault(r.jurisdiction_key, [r.state, r.county or "?", r.county_fips, 0, r.page])
            entry[3] += 1
        jurisdictions = tuple(JurisdictionCount(k, v[0], v[1], v[2], v[3], v[4]) for k, v in counts.items())
        declined = tuple(
            DeclinedDetainer(r.state, r.county, r.county_fips, r.city, r.facility, r.citizenship,
                             r.detainer_issued_date, r.declined_date, tuple(r.notable_criminal_activity), r.page)
            for r in rows)
        policies = tuple(
            Policy(p.state, p.jurisdiction, p.county_fips, p.policy_type, p.description, p.page)
            for p in session.scalars(select(PolicyRow).where(PolicyRow.report_id == report_id)
                                     .order_by(PolicyRow.row_index)))
        before = set()
        if report.period_end is not None:
            earlier = select(DeclinedRow.jurisdiction_key).join(Report, Report.id == DeclinedRow.report_id).where(
                Report.period_end < report.period_end).distinct()
            before = set(session.scalars(earlier))
        return ReportSnapshot(
            report_id=report.id, period_start=report.period_start, period_end=report.period_end,
            revision=report.revision, sha256=document.sha256 if document else "",
            source_url=document.url if document else None,
            detainers_issued_total=report.detainers_issued_total, declined_total=len(rows),
            top_jurisdictions=top, jurisdictions=jurisdictions, policies=policies, declined_detainers=declined,
            listed_before=frozenset(before), warnings=tuple(report.warnings or ()), backfill=report.backfill,
            data_fidelity=report.data_fidelity,
        )


def previous_report_id(db: Database, report_id: int) -> int | None:
    """The report a diff compares against: the previous revision of the same period, else the
    newest revision of the latest earlier period."""
    with db.session() as session:
        report = _report(session, report_id)
        if report.revision > 1:
            return session.scalar(select(Report.id).where(
                Report.period_start == report.period_start, Report.period_end == report.period_end,
                Report.revision == report.revision - 1))
        if report.period_end is None:
            return None
        earlier = session.scalar(select(Report.period_end).where(Report.period_end < report.period_end)
                                 .order_by(Report.period_end.desc()).limit(1))
        if earlier is None:
            return None
        return session.scalar(select(Report.id).where(Report.period_end == earlier)
                              .order_by(Report.revision.desc()).limit(1))


def report_for_period(db: Database, period_end: dt.date | None = None) -> int | None:
    """Newest revision for a period end (default: the latest period)."""
    with db.session() as session:
        query = select(Report.id)
        if period_end is not None:
            query = query.where(Report.period_end == period_end)
        return session.scalar(query.order_by(Report.period_end.desc(), Report.revision.desc()).limit(1))


def report_ids_in_order(db: Database) -> list[int]:
    with db.session() as session:
        return list(session.scalars(select(Report.id).order_by(Report.period_end, Report.revision)))


def is_first_report(db: Database, report_id: int) -> bool:
    """True when no other report has an earlier period (the history's baseline)."""
    with db.session() as session:
        report = session.get(Report, report_id)
        if report is None or report.period_end is None:
            return False
        other = session.scalar(select(Report.id).where(and_(Report.id != report_id,
                                                            Report.period_end < report.period_end)).limit(1))
        return other is None and report.revision == 1


@dataclass(frozen=True)
class ReportFacts:
    """What a report page shows beyond the diff's snapshot: the document and its accounting."""

    report_id: int
    title: str | None
    pages: int
    declined_total_stated: int | None
    accounting: WordAccounting | None
    parsed_at: dt.datetime


def load_facts(db: Database, report_id: int) -> ReportFacts:
    with db.session() as session:
        report = _report(session, report_id)
        accounting = None
        if report.words_total is not None:
            accounting = WordAccounting(report.words_total, report.words_placed or 0, report.words_prose or 0,
                                        report.words_header or 0, report.words_furniture or 0,
                                        report.words_unplaced or 0)
        parsed_at = as_utc(report.parsed_at)
        assert parsed_at is not None
        return ReportFacts(report.id, report.title, report.pages, report.declined_total_stated, accounting,
                           parsed_at)


def as_parsed(snapshot: ReportSnapshot, facts: ReportFacts) -> ParsedReport:
    """A stored report in the parser's own shape (for downloads in the parse schema)."""
    return ParsedReport(
        sha256=snapshot.sha256, pages=facts.pages, title=facts.title, period_start=snapshot.period_start,
        period_end=snapshot.period_end, detainers_issued_total=snapshot.detainers_issued_total,
        top_jurisdictions=snapshot.top_jurisdictions, declined_detainers=snapshot.declined_detainers,
        policies=snapshot.policies, warnings=snapshot.warnings, declined_total_stated=facts.declined_total_stated,
        data_fidelity=snapshot.data_fidelity, accounting=facts.accounting)
