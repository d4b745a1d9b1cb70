"""The run log, and the per-URL validators the crawler needs for conditional requests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ddor_watch.db.models import Alert, Run, Source, as_utc, utcnow
from ddor_watch.db.records import UrlState
from ddor_watch.db.session import Database


def start_run(db: Database, kind: str) -> int:
    with db.session() as session:
        run = Run(kind=kind, status="running", detail={})
        session.add(run)
        session.flush()
        return run.id


def finish_run(db: Database, run_id: int, status: str, *, error: str | None = None,
               pages_fetched: int = 0, pdfs_found: int = 0, new_documents: int = 0, errors: int = 0,
               detail: dict[str, Any] | None = None) -> None:
    with db.session() as session:
        run = session.get(Run, run_id)
        if run is None:
            return
        run.status, run.error, run.finished_at = status, error, utcnow()
        run.pages_fetched, run.pdfs_found = pages_fetched, pdfs_found
        run.new_documents, run.errors = new_documents, errors
        run.detail = detail or {}


def abandon_stale_runs(db: Database) -> int:
    """Runs left 'running' by a process that died: marked failed so status tells the truth."""
    with db.session() as session:
        stale = list(session.scalars(select(Run).where(Run.status == "running")))
        for run in stale:
            run.status, run.error, run.finished_at = "failed", "process ended before the run finished", utcnow()
        return len(stale)


def known_urls(db: Database) -> tuple[UrlState, ...]:
    with db.session() as session:
        return tuple(UrlState(s.url, s.kind, s.last_status, s.etag, s.last_modified,
                              checked.isoformat() if (checked := as_utc(s.last_checked_at)) else None)
                     for s in session.scalars(select(Source)))


def save_url_states(db: Database, states: tuple[UrlState, ...]) -> None:
    now = utcnow()
    with db.session() as session:
        existing = {s.url: s for s in session.scalars(select(Source).where(Source.url.in_([s.url for s in states])))}
        for state in states:
            row = existing.get(state.url)
            if row is None:
                row = Source(url=state.url, kind=state.kind, first_seen_at=now)
                session.add(row)
                existing[state.url] = row
            row.kind, row.last_status, row.last_checked_at = state.kind, state.status, now
            if state.status == 200:
                row.etag, row.last_modified = state.etag, state.last_modified


@dataclass(frozen=True)
class RunSummary:
    """One row of the run log, as `ddor status` and the cycle read it."""

    id: int
    kind: str
    status: str
    started_at: dt.datetime
    new_documents: int
    errors: int
    error: str | None


def recent_runs(db: Database, limit: int = 10, kind: str | None = None) -> list[RunSummary]:
    with db.session() as session:
        query = select(Run).order_by(Run.id.desc()).limit(limit)
        if kind:
            query = query.where(Run.kind == kind)
        return [RunSummary(r.id, r.kind, r.status, r.started_at, r.new_documents, r.errors, r.error)
                for r in session.scalars(query)]


def last_successful_run(db: Database, kind: str = "check") -> dt.datetime | None:
    with db.session() as session:
        return as_utc(session.scalar(select(Run.finished_at).where(Run.kind == kind, Run.status == "ok")
                                     .order_by(Run.finished_at.desc()).limit(1)))


def alerted_before(db: Database, problem: str) -> bool:
    """Whether this problem was ever alerted (for alerts that must go out once, not once a day)."""
    with db.session() as session:
        return session.scalar(select(Alert.id).where(Alert.problem == problem[:200]).limit(1)) is not None
