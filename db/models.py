"""SQLAlchemy 2 models. ORM rows never leave `db`: other rooms get `db.records` values."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time as an aware UTC datetime (SQLite hands back naive UTC)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Source(Base):
    """Every URL the crawler fetched, with the validators for its next conditional request."""

    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="page")
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_status: Mapped[int | None] = mapped_column(Integer)
    first_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_checked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Document(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str | None] = mapped_column(String(2000))
    size: Mapped[int] = mapped_column(Integer)
    archive_path: Mapped[str] = mapped_column(String(500))
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="ok")  # ok | quarantined
    error: Mapped[str | None] = mapped_column(Text)


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("period_start", "period_end", "revision", name="uq_reports_period_revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), unique=True)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date, index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str | None] = mapped_column(String(500))
    parsed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    detainers_issued_total: Mapped[int | None] = mapped_column(Integer)
    declined_total: Mapped[int] = mapped_column(Integer, default=0)
    declined_total_stated: Mapped[int | None] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    data_fidelity: Mapped[str | None] = mapped_column(Text)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    backfill: Mapped[bool] = mapped_column(Boolean, default=False)
    # Stored by a check and not yet rendered into the outbox: every cycle queues these.
    publish_pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Word accounting (WordAccounting); null for reports parsed before it existed.
    words_total: Mapped[int | None] = mapped_column(Integer)
    words_placed: Mapped[int | None] = mapped_column(Integer)
    words_prose: Mapped[int | None] = mapped_column(Integer)
    words_header: Mapped[int | None] = mapped_column(Integer)
    words_furniture: Mapped[int | None] = mapped_column(Integer)
    words_unplaced: Mapped[int | None] = mapped_column(Integer)
    document: Mapped[Document] = relationship()


class TopRow(Base):
    __tablename__ = "top_jurisdictions"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    jurisdiction: Mapped[str] = mapped_column(String(300))
    state: Mapped[str | None] = mapped_column(String(2))
    county_fips: Mapped[str | None] = mapped_column(String(5))
    jurisdiction_key: Mapped[str] = mapped_column(String(320))
    detainers_issued: Mapped[int] = mapped_column(Integer)
    page: Mapped[int] = mapped_column(Integer)
    bbox: Mapped[list[Any] | None] = mapped_column()


class DeclinedRow(Base):
    __tablename__ = "declined_detainers"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    row_index: Mapped[int] = mapped_column(Integer)
    state: Mapped[str | None] = mapped_column(String(2))
    county: Mapped[str | None] = mapped_column(String(300))
    county_fips: Mapped[str | None] = mapped_column(String(5))
    jurisdiction_key: Mapped[str] = mapped_column(String(320), index=True)
    city: Mapped[str | None] = mapped_column(String(300))
    facility: Mapped[str | None] = mapped_column(String(500))
    citizenship: Mapped[str | None] = mapped_column(String(200))
    detainer_issued_date: Mapped[dt.date | None] = mapped_column(Date)
    declined_date: Mapped[dt.date | None] = mapped_column(Date)
    notable_criminal_activity: Mapped[list[Any]] = mapped_column(default=list)
    page: Mapped[int] = mapped_column(Integer)
    bbox: Mapped[list[Any] | None] = mapped_column()


class PolicyRow(Base):
    __tablename__ = "policies"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    row_index: Mapped[int] = mapped_column(Integer)
    state: Mapped[str | None] = mapped_column(String(2))
    jurisdiction: Mapped[str] = mapped_column(String(300))
    county_fips: Mapped[str | None] = mapped_column(String(5))
    policy_type: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    page: Mapped[int] = mapped_column(Integer)
    bbox: Mapped[list[Any] | None] = mapped_column()


class Jurisdiction(Base):
    """A place listed in Section II of at least one report."""

    __tablename__ = "jurisdictions"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(320), unique=True)
    state: Mapped[str | None] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(300))
    county_fips: Mapped[str | None] = mapped_column(String(5))
    first_report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    last_report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))


class Run(Base):
    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # check | ingest | publish
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default="running")  # running | ok | failed
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    pdfs_found: Mapped[int] = mapped_column(Integer, default=0)
    new_documents: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ChangeRow(Base):
    __tablename__ = "changes"
    __table_args__ = (UniqueConstraint("report_id", "position", name="uq_changes_report_position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    against_report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    jurisdiction: Mapped[str | None] = mapped_column(String(300))
    state: Mapped[str | None] = mapped_column(String(2))
    county_fips: Mapped[str | None] = mapped_column(String(5))
    before: Mapped[str | None] = mapped_column(String(500))
    after: Mapped[str | None] = mapped_column(String(500))
    count: Mapped[int | None] = mapped_column(Integer)
    page: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)


class ListSnapshotRow(Base):
    """A jurisdiction list as it stood: stored only when its normalised entries (or its
    presence) changed, never for a change of page chrome."""

    __tablename__ = "list_snapshots"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(20))       # listed | gone
    sha256: Mapped[str | None] = mapped_column(String(64))
    archive_path: Mapped[str | None] = mapped_column(String(500))
    entries_hash: Mapped[str] = mapped_column(String(64))
    entry_count: Mapped[int] = mapped_column(Integer)
    publish_pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    warnings: Mapped[str] = mapped_column(Text, default="", server_default="")   # one a line


class AgreementColumns:
    """What an agreement entry (287(g)) adds to a list entry; null for jurisdiction lists."""

    support_type: Mapped[str | None] = mapped_column(String(60))
    signed: Mapped[dt.date | None] = mapped_column(Date)
    moa_url: Mapped[str | None] = mapped_column(String(2000))
    agency_type: Mapped[str | None] = mapped_column(String(60))
    county: Mapped[str | None] = mapped_column(String(200))


class FollowedLinkRow(Base):
    """A document a list entry links (a 287(g) MOA), fetched once: our copy, or the status that
    said it is not there."""

    __tablename__ = "followed_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    status: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    archive_path: Mapped[str | None] = mapped_column(String(500))
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ListDocumentRow(Base):
    """A document a list snapshot was read from (each 287(g) workbook), archived."""

    __tablename__ = "list_documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("list_snapshots.id", ondelete="CASCADE"), index=True)
    part: Mapped[str] = mapped_column(String(40))
    url: Mapped[str] = mapped_column(String(2000))
    sha256: Mapped[str | None] = mapped_column(String(64))
    archive_path: Mapped[str | None] = mapped_column(String(500))


class ListEntryRow(AgreementColumns, Base):
    __tablename__ = "list_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("list_snapshots.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    list_name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(300))
    state: Mapped[str | None] = mapped_column(String(2))
    fips: Mapped[str | None] = mapped_column(String(5))
    place_id: Mapped[str | None] = mapped_column(String(20))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    entry_key: Mapped[str] = mapped_column(String(400), index=True)


class ListChangeRow(AgreementColumns, Base):
    __tablename__ = "list_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("list_snapshots.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    list_name: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[str | None] = mapped_column(String(10))
    name: Mapped[str | None] = mapped_column(String(300))
    state: Mapped[str | None] = mapped_column(String(2))
    fips: Mapped[str | None] = mapped_column(String(5))
    place_id: Mapped[str | None] = mapped_column(String(20))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    role: Mapped[str] = mapped_column(String(10), default="", server_default="")   # "" or "before"


class SourceCheck(Base):
    """Each source's last check, for `ddor sources`."""

    __tablename__ = "source_checks"
    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_checked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_status: Mapped[str | None] = mapped_column(String(200))
    last_change_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The documents the page linked at the last check, one "part<TAB>URL" a line.
    documents: Mapped[str] = mapped_column(Text, default="", server_default="")


class MessageRow(Base):
    """The outbox: one rendered message per (report revision or list snapshot, channel, kind)."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("report_id", "channel", "kind", "language",
                                       name="uq_messages_report_channel_kind"),
                      UniqueConstraint("list_snapshot_id", "channel", "kind", "language",
                                       name="uq_messages_list_snapshot_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    list_snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("list_snapshots.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="ready")  # ready | held | rejected | silent
    hold_reason: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(String(500))
    parts: Mapped[list[Any]] = mapped_column(default=list)
    html: Mapped[str | None] = mapped_column(Text)
    image_path: Mapped[str | None] = mapped_column(String(500))
    alt_text: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The language it is written in (en, es): one digest per language its subscribers read.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")


class Delivery(Base):
    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("message_id", "recipient", name="uq_deliveries_message_recipient"),
        Index("ix_deliveries_state_next", "state", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    recipient: Mapped[str] = mapped_column(String(320), default="")
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    # pending | sending | sent | duplicate | failed | dropped
    state: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    remote_id: Mapped[str | None] = mapped_column(String(500))
    remote_parts: Mapped[list[Any]] = mapped_column(default=list)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Subscriber(Base):
    __tablename__ = "subscribers"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | unsubscribed
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # What the subscriber follows: comma-separated source names and state codes; empty = all.
    sources: Mapped[str] = mapped_column(String(500), default="", server_default="")
    states: Mapped[str] = mapped_column(String(500), default="", server_default="")
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")


class Alert(Base):
    """One row per problem per day: the de-duplication of alerts to maintainers."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("problem", "day", name="uq_alerts_problem_day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    problem: Mapped[str] = mapped_column(String(200))
    day: Mapped[dt.date] = mapped_column(Date)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
