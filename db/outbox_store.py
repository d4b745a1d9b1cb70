"""The outbox tables: messages (one per report revision × channel × kind) and their deliveries.

A delivery moves pending → sending → sent | duplicate | failed. Claiming is a conditional
UPDATE, so two publishers never take the same delivery; a delivery found in `sending` was
interrupted and is handed back with `resuming=True` so the channel checks before resending.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import CursorResult, String, cast, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ddor_watch.db.models import Delivery, MessageRow, Report, Subscriber, utcnow
from ddor_watch.db.records import (
    DUE_STATES,
    ChannelName,
    DeliveryState,
    Message,
    MessageKind,
    MessageStatus,
    PendingDelivery,
)
from ddor_watch.db.session import Database


def add_message(db: Database, message: Message, status: MessageStatus, hold_reason: str | None,
                recipients: list[str]) -> int | None:
    """Store a rendered message and its deliveries; None when it was already stored."""
    try:
        with db.session() as session:
            row = MessageRow(report_id=message.report_id, list_snapshot_id=message.list_snapshot_id,
                             channel=message.channel, kind=message.kind, status=status,
                             hold_reason=hold_reason, subject=message.subject, parts=list(message.parts),
                             html=message.html, image_path=message.image_path, alt_text=message.alt_text,
                             link=message.link, language=message.language)
            session.add(row)
            session.flush()
            session.add_all(Delivery(message_id=row.id, recipient=r, idempotency_key=uuid.uuid4().hex)
                            for r in recipients)
            return row.id
    except IntegrityError:
        return None


def has_message(db: Database, report_id: int, channel: ChannelName, kind: MessageKind, language: str = "en") -> bool:
    with db.session() as session:
        return session.scalar(select(MessageRow.id).where(
            MessageRow.report_id == report_id, MessageRow.channel == channel, MessageRow.kind == kind,
            MessageRow.language == language)) is not None


def has_list_message(db: Database, snapshot_id: int, channel: ChannelName, language: str = "en") -> bool:
    with db.session() as session:
        return session.scalar(select(MessageRow.id).where(
            MessageRow.list_snapshot_id == snapshot_id, MessageRow.channel == channel,
            MessageRow.language == language)) is not None


def subscriber_languages(db: Database) -> list[str]:
    """The languages active subscribers read, English first (its digest is always written)."""
    with db.session() as session:
        found = set(session.scalars(select(Subscriber.language).where(Subscriber.status == "active").distinct()))
    return ["en", *sorted(found - {"en"})]


def active_subscribers(db: Database, source: str | None = None, states: set[str] | None = None,
                       language: str | None = None) -> list[str]:
    """Confirmed subscribers; with `source`, only those following it (or everything), and of
    those with a state filter only the ones whose states the change touches; with `language`,
    only those who read it."""
    query = select(Subscriber.email, Subscriber.sources, Subscriber.states).where(Subscriber.status == "active")
    if language is not None:
        query = query.where(Subscriber.language == language)
    with db.session() as session:
        rows = list(session.execute(query.order_by(Subscriber.id)))
    if source is None:
        return [email for email, _, _ in rows]
    chosen = []
    for email, sources, wanted_states in rows:
        follows = not sources or source in sources.split(",")
        in_states = not wanted_states or bool(set(wanted_states.split(",")) & (states or set()))
        if follows and in_states:
            chosen.append(email)
    return chosen


def _message(row: MessageRow) -> Message:
    return Message(row.report_id, ChannelName(row.channel), MessageKind(row.kind), tuple(row.parts or ()),
                   row.subject, row.html, row.image_path, row.alt_text, row.link, row.list_snapshot_id)


def _original_post(session: Session, row: MessageRow) -> str | None:
    """For a correction: the remote id of the first post about the same period on this channel."""
    if row.kind != MessageKind.CORRECTION:
        return None
    report = session.get(Report, row.report_id)
    if report is None:
        return None
    originals = select(Delivery.remote_id).join(MessageRow, MessageRow.id == Delivery.message_id).join(
        Report, Report.id == MessageRow.report_id).where(
        Report.period_start == report.period_start, Report.period_end == report.period_end,
        MessageRow.channel == row.channel, MessageRow.kind == MessageKind.REPORT, Delivery.remote_id.is_not(None))
    remote: str | None = session.scalar(originals.limit(1))
    return remote


def peek_due(db: Database, channel: ChannelName | None) -> list[PendingDelivery]:
    """What `claim_due` would hand out, without claiming anything (for previews)."""
    with db.session() as session:
        query = (select(Delivery, MessageRow).join(MessageRow, MessageRow.id == Delivery.message_id)
                 .where(MessageRow.status == MessageStatus.READY, Delivery.state.in_(DUE_STATES))
                 .order_by(Delivery.id))
        if channel:
            query = query.where(MessageRow.channel == channel)
        return [PendingDelivery(d.id, d.message_id, d.idempotency_key, d.recipient, d.attempts, False,
                                tuple(d.remote_parts or ()), _message(m), _original_post(session, m))
                for d, m in session.execute(query)]


def claim_due(db: Database, channel: ChannelName | None, now: dt.datetime | None = None,
              limit: int = 100) -> list[PendingDelivery]:
    now = now or utcnow()
    claimed = []
    with db.session() as session:
        query = (select(Delivery.id, Delivery.state).join(MessageRow, MessageRow.id == Delivery.message_id)
                 .where(MessageRow.status == MessageStatus.READY, Delivery.state.in_(DUE_STATES),
                        or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now))
                 .order_by(Delivery.id).limit(limit))
        if channel:
            query = query.where(MessageRow.channel == channel)
        candidates = list(session.execute(query))
    for delivery_id, state in candidates:
        with db.session() as session:
            taken: CursorResult[Any] = session.execute(  # type: ignore[assignment]  # an UPDATE's result
                update(Delivery).where(Delivery.id == delivery_id, Delivery.state == state)
                .values(state=DeliveryState.SENDING, attempts=Delivery.attempts + 1, next_attempt_at=None))
            if taken.rowcount != 1:
                continue  # another publisher took it
            row = session.get_one(Delivery, delivery_id)
            message_row = session.get_one(MessageRow, row.message_id)
            claimed.append(PendingDelivery(row.id, row.message_id, row.idempotency_key, row.recipient, row.attempts,
                                           state == DeliveryState.SENDING, tuple(row.remote_parts or ()),
                                           _message(message_row), _original_post(session, message_row)))
    return claimed


def save_progress(db: Database, delivery_id: int, remote_parts: list[str]) -> None:
    with db.session() as session:
        session.execute(update(Delivery).where(Delivery.id == delivery_id).values(remote_parts=list(remote_parts)))


def mark_sent(db: Database, delivery_id: int, remote_id: str | None, *, duplicate: bool = False,
              note: str | None = None, dry_run: bool = False) -> None:
    """Terminal success: sent, duplicate (the network already had it) or dry_run (written to disk)."""
    with db.session() as session:
        session.execute(update(Delivery).where(Delivery.id == delivery_id).values(
            state=DeliveryState.DRY_RUN if dry_run else DeliveryState.DUPLICATE if duplicate else DeliveryState.SENT,
            remote_id=remote_id, note=note,
            sent_at=utcnow(), last_error=None))


def mark_possibly_sent(db: Database, delivery_id: int, note: str) -> None:
    with db.session() as session:
        session.execute(update(Delivery).where(Delivery.id == delivery_id).values(
            state=DeliveryState.POSSIBLY_SENT, note=note, last_error=None))


def mark_retry(db: Database, delivery_id: int, error: str, at: dt.datetime) -> None:
    with db.session() as session:
        session.execute(update(Delivery).where(Delivery.id == delivery_id).values(
            state=DeliveryState.PENDING, last_error=error[:2000], next_attempt_at=at))


def mark_failed(db: Database, delivery_id: int, error: str) -> None:
    with db.session() as session:
        session.execute(update(Delivery).where(Delivery.id == delivery_id)
                        .values(state=DeliveryState.FAILED, last_error=error[:2000]))


def set_message_status(db: Database, message_id: int, status: MessageStatus) -> bool:
    with db.session() as session:
        row = session.get(MessageRow, message_id)
        if row is None:
            return False
        row.status = status
        if status is MessageStatus.REJECTED:
            session.execute(update(Delivery).where(Delivery.message_id == message_id,
                                                   Delivery.state == DeliveryState.PENDING)
                            .values(state=DeliveryState.DROPPED))
        return True


def superseded_by(db: Database, message_id: int) -> tuple[int, int] | None:
    """(its revision, the current revision) when a newer revision of the message's report exists."""
    with db.session() as session:
        row = session.get(MessageRow, message_id)
        report = session.get(Report, row.report_id) if row and row.report_id is not None else None
        if report is None:
            return None
        newest = session.scalar(select(func.max(Report.revision)).where(
            Report.period_start == report.period_start, Report.period_end == report.period_end))
        return (report.revision, newest) if newest and newest > report.revision else None


def list_messages(db: Database, status: MessageStatus | None = None) -> list[tuple[Any, ...]]:
    """One row per message, with how its deliveries stand (e.g. "sent 1" or "pending 2, failed 1")."""
    with db.session() as session:
        about = func.coalesce("report " + cast(MessageRow.report_id, String),
                              "list " + cast(MessageRow.list_snapshot_id, String))
        query = select(MessageRow.id, about, MessageRow.channel, MessageRow.kind, MessageRow.status,
                       MessageRow.hold_reason).order_by(MessageRow.id)
        if status:
            query = query.where(MessageRow.status == status)
        rows = [tuple(r) for r in session.execute(query)]
        counts: dict[object, dict[str, int]] = {}
        for message_id, state, n in session.execute(
                select(Delivery.message_id, Delivery.state, func.count(Delivery.id))
                .group_by(Delivery.message_id, Delivery.state)):
            counts.setdefault(message_id, {})[state] = n
    return [(*row[:5], ", ".join(f"{state} {n}" for state, n in sorted(counts.get(row[0], {}).items())) or "none",
             row[5]) for row in rows]
