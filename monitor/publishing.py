"""Glue: enqueue new reports, alert on held ones, deliver what is due."""

from __future__ import annotations

import logging

from ddor_watch.db.session import Database
from ddor_watch.monitor.alerts import alert
from ddor_watch.monitor.config import Config
from ddor_watch.publish.channels.factory import build_channels
from ddor_watch.publish.outbox import deliver_pending, enqueue_report

logger = logging.getLogger(__name__)


def publish_new_reports(config: Config, db: Database, report_ids: list[int], dry_run: bool | None = None,
                        include_silent: bool = False) -> list[str]:
    lines = []
    for report_id in report_ids:
        queued = enqueue_report(config, db, report_id, include_silent=include_silent)
        lines.append(f"queued report {report_id} ({queued.kind}) for {', '.join(queued.channels) or 'nothing new'}: "
                     f"{queued.status}" + (f" ({queued.hold_reason})" if queued.hold_reason else ""))
        if queued.status == "held":
            alert(db, config, f"held:{report_id}", f"Messages for report {report_id} are held for review: "
                  f"{queued.hold_reason}. Release with `ddor publish approve` or drop with `ddor publish reject`.")
    lines += deliver_pending(config, db, build_channels(config, db, dry_run))
    return lines
