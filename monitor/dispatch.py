"""Glue: enqueue new reports, alert on held ones, deliver what is due, alert on failures."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from ddor_watch.db.changes import load_changes
from ddor_watch.db.errors import BadInput
from ddor_watch.db.lists import lists_pending_publication, load_list, mark_list_queued
from ddor_watch.db.outbox_store import peek_due
from ddor_watch.db.records import ChannelName, DeliveryOutcome, MessageKind, MessageStatus
from ddor_watch.db.session import Database
from ddor_watch.db.snapshots import load_snapshot, previous_report_id, report_for_period
from ddor_watch.db.store import mark_queued, reports_pending_publication
from ddor_watch.monitor.alerts import alert, alert_on_outcomes
from ddor_watch.monitor.config import Settings, publish_settings
from ddor_watch.monitor.list_checks import FLAPPING
from ddor_watch.monitor.lock import cycle_lock
from ddor_watch.publish.channels.factory import build_channels
from ddor_watch.publish.list_context import ListSourceInfo
from ddor_watch.publish.map import MapResult, map_data, newly_listed_keys, render_map
from ddor_watch.publish.outbox import Enqueued, deliver_pending, enqueue_list, enqueue_report, resolve_image

logger = logging.getLogger(__name__)


def report_page_url(settings: Settings, db: Database, report_id: int) -> str | None:
    """The report's page on the public site, when the site has a public address."""
    if not settings.site_url:
        return None
    from ddor_watch.monitor.site_data import report_slug

    snapshot = load_snapshot(db, report_id)
    return f"{settings.site_url.rstrip('/')}/reports/{report_slug(snapshot.period_end, snapshot.revision, report_id)}/"


def enqueue(settings: Settings, db: Database, report_id: int, include_silent: bool = False) -> Enqueued:
    queued = enqueue_report(settings.data, db, report_id, include_silent=include_silent,
                            publish=publish_settings(settings),
                            report_url=report_page_url(settings, db, report_id))
    if queued.map_error:
        alert(db, settings, f"map-failed:{report_id}", f"The map for report {report_id} could not be drawn "
              f"({queued.map_error}); its messages go out without it.")
    if queued.status == MessageStatus.HELD:
        alert(db, settings, f"held:{report_id}", f"Messages for report {report_id} are held for review: "
              f"{queued.hold_reason}. Release with `ddor publish approve` or drop with `ddor publish reject`.")
    return queued


def deliver(settings: Settings, db: Database, only: ChannelName | None = None, dry_run: bool | None = None,
            now: dt.datetime | None = None) -> list[DeliveryOutcome]:
    """Deliver what is due on every channel (or `only` one) and alert on what failed."""
    slice_ = publish_settings(settings)
    outcomes = deliver_pending(db, build_channels(slice_, db, dry_run), slice_.max_attempts, slice_.data, only, now)
    alert_on_outcomes(db, settings, outcomes)
    return outcomes


def publish_new_reports(settings: Settings, db: Database, report_ids: list[int] | None = None,
                        dry_run: bool | None = None, include_silent: bool = False) -> list[str]:
    """Queue the given reports and every report still marked for publication (a cycle that
    died between storing and queueing left it so), then deliver what is due."""
    lines = []
    for report_id in dict.fromkeys([*(report_ids or []), *reports_pending_publication(db)]):
        queued = enqueue(settings, db, report_id, include_silent=include_silent)
        mark_queued(db, report_id)
        lines.append(f"queued report {report_id} ({queued.kind}) for {', '.join(queued.channels) or 'nothing new'}: "
                     f"{queued.status}" + (f" ({queued.hold_reason})" if queued.hold_reason else ""))
    lines += queue_list_changes(settings, db)
    lines += [str(outcome) for outcome in deliver(settings, db, dry_run=dry_run)]
    return lines


def queue_list_changes(settings: Settings, db: Database) -> list[str]:
    """Queue every jurisdiction-list snapshot still marked for publication."""
    from ddor_watch.scraper.sources import SOURCES

    lines = []
    for snapshot_id in lists_pending_publication(db):
        source = SOURCES[load_list(db, snapshot_id).source]
        kind = source.kind.message_kind
        page = f"{settings.site_url.rstrip('/')}/agreements/index.html" \
            if settings.site_url and kind is MessageKind.AGREEMENTS else None
        queued = enqueue_list(settings.data, db, snapshot_id,
                              ListSourceInfo(source.name, source.agency, source.title, kind), page,
                              publish=publish_settings(settings))
        if queued.status == MessageStatus.HELD:
            flapping = FLAPPING in (queued.hold_reason or "")
            alert(db, settings, f"held:list:{source.name}:flapping" if flapping else f"held:list:{snapshot_id}",
                  f"Messages for {source.name} list snapshot {snapshot_id} "
                  f"are held for review: {queued.hold_reason}. Release with `ddor publish approve` or drop with "
                  "`ddor publish reject`.")
        if queued.map_error:
            alert(db, settings, f"map-failed:list:{snapshot_id}", f"The map for list snapshot {snapshot_id} could "
                  f"not be drawn ({queued.map_error}); its messages go out without it.")
        mark_list_queued(db, snapshot_id)
        lines.append(f"queued {source.name} list snapshot {snapshot_id} for "
                     f"{', '.join(queued.channels) or 'nothing new'}")
    return lines


def deliver_now(settings: Settings, db: Database, only: ChannelName | None = None) -> list[DeliveryOutcome]:
    """`ddor publish`: deliver what is due, one cycle at a time with the daemon."""
    with cycle_lock(settings.data):
        return deliver(settings, db, only)


def preview(settings: Settings, db: Database, only: ChannelName | None = None) -> list[str]:
    """`ddor publish --dry-run`: write what is due to the outbox folder; claim and change nothing."""
    channels = build_channels(publish_settings(settings), db, dry_run=True)
    lines = []
    for item in peek_due(db, only):
        result = channels[item.message.channel].send(resolve_image(settings.data, item), lambda parts: None)
        lines.append(f"would send {item.message.channel} {item.message.about}: {result.remote_id}")
    return lines


def map_for_period(settings: Settings, db: Database, period_end: dt.date | None, output: Path) -> MapResult:
    """`ddor map`: the county map of a stored report (the latest by default)."""
    report_id = report_for_period(db, period_end)
    if report_id is None:
        raise BadInput("no stored report" + (f" for period end {period_end}" if period_end else ""))
    previous_id = previous_report_id(db, report_id)
    previous_total = load_snapshot(db, previous_id).declined_total if previous_id else None
    data = map_data(load_snapshot(db, report_id), newly_listed_keys(load_changes(db, report_id)), previous_total)
    # The geometry cache speeds the next map up, but looking must not create the data dir.
    return render_map(data, output, settings.data.cache if settings.data.root.is_dir() else None)
