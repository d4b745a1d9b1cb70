"""Health for `ddor status` and the "overdue, possibly suspended" alert."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ddor_watch.db.counts import latest_report_seen, outbox_counts
from ddor_watch.db.runs import last_successful_run, recent_runs
from ddor_watch.db.session import Database
from ddor_watch.monitor.config import Settings, setting_warnings


def check_overdue(config: Settings, db: Database, now: dt.datetime | None = None) -> bool:
    """One alert when no new report appeared for overdue_factor × cadence (distinct from crawl errors)."""
    from ddor_watch.monitor.alerts import alert

    now = now or dt.datetime.now(dt.UTC)
    seen = latest_report_seen(db)
    if seen is None:
        return False
    limit = dt.timedelta(days=config.expected_cadence_days * config.overdue_factor)
    if now - seen <= limit:
        return False
    alert(db, config, f"overdue:{seen.date().isoformat()}",
          f"Overdue — possibly suspended: no new report since {seen.date().isoformat()} "
          f"({(now - seen).days} days; expected every {config.expected_cadence_days} days). "
          "ICE suspended the weekly series once before (April 2017).", today=now.date())
    return True


@dataclass(frozen=True)
class Health:
    healthy: bool
    problems: tuple[str, ...]       # each makes the bot unhealthy
    notes: tuple[str, ...]          # worth knowing, not unhealthy
    last_success: dt.datetime | None
    pending: int
    waiting: int
    failed: int
    held: int
    quarantined: int


def health(config: Settings, db: Database, now: dt.datetime | None = None) -> Health:
    now = now or dt.datetime.now(dt.UTC)
    last = last_successful_run(db)
    problems, notes = [], []
    if last is None:
        problems.append("no successful check yet")
    elif now - last > dt.timedelta(hours=config.unhealthy_after_hours):
        problems.append(f"no successful check for {(now - last).total_seconds() / 3600:.0f} hours")
    runs = recent_runs(db, 1, kind="check")
    if runs and runs[0].status == "failed":
        notes.append(f"last check failed: {(runs[0].error or '')[:200]}")
    counts = outbox_counts(db)
    failed, held, quarantined = counts.failed, counts.held, counts.quarantined
    if failed:
        problems.append(f"{failed} deliveries failed for good")
    if held:
        notes.append(f"{held} messages held for review (`ddor publish list --status held`)")
    if quarantined:
        notes.append(f"{quarantined} quarantined documents")
    notes.extend(setting_warnings(config))
    return Health(not problems, tuple(problems), tuple(notes), last, counts.pending, counts.waiting, failed, held,
                  quarantined)
