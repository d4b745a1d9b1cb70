"""Counting queries for health and status: plain numbers out, no ORM rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from ddor_watch.db.models import Delivery, Document, MessageRow, Report, as_utc
from ddor_watch.db.records import DUE_STATES, DeliveryState, MessageStatus
from ddor_watch.db.session import Database


@dataclass(frozen=True)
class OutboxCounts:
    pending: int        # due deliveries of released messages
    waiting: int        # deliveries of held messages, sent once a maintainer approves
    failed: int         # deliveries that failed for good
    held: int           # messages waiting for a maintainer
    quarantined: int    # documents that did not parse


def outbox_counts(db: Database) -> OutboxCounts:
    with db.session() as session:
        pending = session.scalar(select(func.count(Delivery.id)).join(MessageRow, MessageRow.id == Delivery.message_id)
                                 .where(Delivery.state.in_(DUE_STATES), MessageRow.status == MessageStatus.READY))
        failed = session.scalar(select(func.count(Delivery.id)).where(Delivery.state == DeliveryState.FAILED))
        held = session.scalar(select(func.count(MessageRow.id)).where(MessageRow.status == MessageStatus.HELD))
        waiting = session.scalar(select(func.count(Delivery.id)).join(MessageRow, MessageRow.id == Delivery.message_id)
                                 .where(Delivery.state.in_(DUE_STATES), MessageRow.status == MessageStatus.HELD))
        quarantined = session.scalar(select(func.count(Document.id)).where(Document.status == "quarantined"))
    return OutboxCounts(pending or 0, waiting or 0, failed or 0, held or 0, quarantined or 0)


def latest_report_seen(db: Database) -> dt.datetime | None:
    """When the newest report document was first stored (not its period: ICE publishes late)."""
    with db.session() as session:
        return as_utc(session.scalar(select(func.max(Document.fetched_at)).join(
            Report, Report.document_id == Document.id)))


