"""Stored diff results: computed once per report, idempotently."""

from __future__ import annotations

from sqlalchemy import delete, select

from ddor_watch.db.models import ChangeRow
from ddor_watch.db.records import Change, ChangeKind, Scalar
from ddor_watch.db.session import Database


def _text(value: Scalar) -> str | None:
    return None if value is None else str(value)


def _value(text: str | None, kind: str) -> Scalar:
    if text is None:
        return None
    numeric = kind not in {"policy_added", "policy_removed", "policy_type_changed", "policy_description_changed",
                           "row_removed", "row_added", "correction"}
    if numeric and text.lstrip("-").isdigit():
        return int(text)
    return text


def has_changes(db: Database, report_id: int) -> bool:
    with db.session() as session:
        return session.scalar(select(ChangeRow.id).where(ChangeRow.report_id == report_id).limit(1)) is not None


def store_changes(db: Database, report_id: int, against_id: int | None, changes: list[Change],
                  replace: bool = False) -> bool:
    """Store the changes of one report; False (and nothing written) when already stored."""
    with db.session() as session:
        existing = session.scalar(select(ChangeRow.id).where(ChangeRow.report_id == report_id).limit(1))
        if existing is not None and not replace:
            return False
        session.execute(delete(ChangeRow).where(ChangeRow.report_id == report_id))
        session.add_all(
            ChangeRow(report_id=report_id, against_report_id=against_id, position=i, kind=c.kind,
                      jurisdiction=c.jurisdiction, state=c.state, county_fips=c.county_fips,
                      before=_text(c.before), after=_text(c.after), count=c.count, page=c.page, detail=c.detail)
            for i, c in enumerate(changes))
        return True


def load_changes(db: Database, report_id: int) -> list[Change]:
    with db.session() as session:
        rows = session.scalars(select(ChangeRow).where(ChangeRow.report_id == report_id).order_by(ChangeRow.position))
        return [Change(ChangeKind(r.kind), r.jurisdiction, r.state, r.county_fips, _value(r.before, r.kind),
                       _value(r.after, r.kind), r.count, r.page, r.detail) for r in rows]
