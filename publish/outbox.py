"""Render a report's changes into the outbox, then deliver what is due, channel by channel.

Rendering and delivery are separate steps. Messages are keyed (report revision, channel,
kind) and each delivery is sent at most once: states are recorded before and after every
network call, and an interrupted delivery resumes with the channel checking what it
already posted. One failing channel never blocks the others.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ddor_watch.db.changes import load_changes
from ddor_watch.db.errors import PublishError
from ddor_watch.db.outbox import (
    active_subscribers,
    add_message,
    claim_due,
    has_message,
    mark_failed,
    mark_retry,
    mark_sent,
    save_progress,
)
from ddor_watch.db.records import Message, PendingDelivery
from ddor_watch.db.session import Database
from ddor_watch.db.snapshots import is_first_report, load_snapshot, previous_report_id
from ddor_watch.publish.context import build_context
from ddor_watch.publish.map import map_data, newly_listed_keys, render_map
from ddor_watch.publish.render import SOCIAL, render_digest, render_post

logger = logging.getLogger(__name__)
CHANNELS = (*SOCIAL, "email")


@dataclass(frozen=True)
class Enqueued:
    report_id: int
    kind: str
    status: str
    hold_reason: str | None
    channels: tuple[str, ...]
    map_path: str | None


def _status(db: Database, report_id: int, warnings: tuple[str, ...], backfill: bool,
            include_silent: bool) -> tuple[str, str | None]:
    if warnings:
        return "held", "parse warnings: " + "; ".join(warnings[:3])
    if (backfill or is_first_report(db, report_id)) and not include_silent:
        return "silent", "baseline" if not backfill else "backfill"
    return "ready", None


def enqueue_report(config: Any, db: Database, report_id: int, include_silent: bool = False) -> Enqueued:
    current = load_snapshot(db, report_id)
    previous_id = previous_report_id(db, report_id)
    previous = load_snapshot(db, previous_id) if previous_id else None
    changes = load_changes(db, report_id)
    kind = "correction" if current.revision > 1 else "report"
    if all(has_message(db, report_id, channel, kind) for channel in CHANNELS):
        return Enqueued(report_id, kind, "already queued", None, (), None)
    status, reason = _status(db, report_id, current.warnings, current.backfill, include_silent)
    context = build_context(current, previous, changes)
    map_path: str | None = None
    alt: str | None = None
    try:
        output = Path(config.data_dir) / "maps" / f"{current.period_end}-r{current.revision}.png"
        result = render_map(map_data(current, newly_listed_keys(changes)), output, Path(config.data_dir) / "cache")
        map_path, alt = str(result.path), result.alt_text
    except (OSError, ValueError) as error:  # the posts still go out, text-only
        logger.error("map for report %s failed: %s", report_id, error, exc_info=True)
    link = current.source_url
    done = []
    for channel in SOCIAL:
        if has_message(db, report_id, channel, kind):
            continue
        message_status, message_reason = status, reason
        try:
            parts = tuple(render_post(channel, kind, context))
        except PublishError as error:
            parts, message_status, message_reason = ("",), "held", str(error)
        added = add_message(db, Message(report_id, channel, kind, parts, None, None, map_path, alt, link),
                            message_status, message_reason, [""])
        if added:
            done.append(channel)
    if not has_message(db, report_id, "email", kind):
        subject, text, html = render_digest(kind, context, with_map=map_path is not None)
        if add_message(db, Message(report_id, "email", kind, (text,), subject, html, map_path, alt, link), status,
                       reason, active_subscribers(db)):
            done.append("email")
    return Enqueued(report_id, kind, status, reason, tuple(done), map_path)


def _retry_at(attempts: int, error: PublishError) -> dt.datetime:
    if error.retry_at:
        return dt.datetime.fromtimestamp(error.retry_at, dt.UTC)
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=min(60 * 2 ** attempts, 6 * 3600))


def deliver_one(config: Any, db: Database, channel: Any, item: PendingDelivery) -> str:
    def progress(parts: list[str]) -> None:
        save_progress(db, item.delivery_id, parts)

    label = f"{item.message.channel} report {item.message.report_id} {item.message.kind}" + (
        f" to {item.recipient}" if item.recipient else "")
    try:
        result = channel.send(item, progress)
    except PublishError as error:
        if error.permanent or item.attempts >= config.max_attempts:
            mark_failed(db, item.delivery_id, str(error))
            from ddor_watch.monitor.alerts import alert

            alert(db, config, f"delivery-failed:{item.message.channel}:{item.delivery_id}",
                  f"Delivery failed for good ({label}): {error}")
            return f"failed: {label}: {error}"
        at = _retry_at(item.attempts, error)
        mark_retry(db, item.delivery_id, str(error), at)
        return f"retry at {at:%Y-%m-%d %H:%M} UTC: {label}: {error}"
    except Exception as error:  # a channel bug must not stop the other channels
        logger.error("unexpected error delivering %s", label, exc_info=True)
        mark_retry(db, item.delivery_id, f"{type(error).__name__}: {error}",
                   dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10))
        return f"error: {label}: {type(error).__name__}: {error}"
    mark_sent(db, item.delivery_id, result.remote_id, duplicate=result.duplicate, note=result.note,
              dry_run=result.dry_run)
    outcome = "dry run" if result.dry_run else "duplicate" if result.duplicate else "sent"
    return f"{outcome}: {label}" + (f" ({result.note})" if result.note else "")


def deliver_pending(config: Any, db: Database, channels: dict[str, Any], only: str | None = None,
                    now: dt.datetime | None = None) -> list[str]:
    """Send every due delivery through `channels[name]`; returns one line per delivery."""
    lines = []
    for item in claim_due(db, only, now):
        channel = channels.get(item.message.channel)
        if channel is None:
            continue
        lines.append(deliver_one(config, db, channel, item))
        time.sleep(0)  # yield between sends; networks' own limits are handled by retry_at
    return lines
