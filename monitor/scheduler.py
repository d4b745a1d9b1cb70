"""`ddor run`: APScheduler 3 runs the check on a cron schedule until SIGTERM/SIGINT.

One job, coalesced, one instance at a time, an hour of misfire grace (the default 1 s
silently skips runs after a suspended host) and jitter. The cycle lock stops a second
daemon or a manual `ddor check` from running a cycle at the same time. Durable state lives
in our own tables, so the job store is in memory.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from types import FrameType
from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from ddor_watch.db.errors import AlreadyRunning, BadInput
from ddor_watch.db.runs import abandon_stale_runs
from ddor_watch.db.session import open_database
from ddor_watch.monitor.config import Settings

logger = logging.getLogger(__name__)


def trigger(config: Settings, jitter: bool = True) -> CronTrigger:
    fields = config.schedule.split()
    try:
        if len(fields) != 5:
            raise ValueError("expected 5 cron fields: minute hour day month day-of-week")
        minute, hour, day, month, day_of_week = fields
        # Jitter belongs to the trigger: add_job ignores it when given a trigger instance.
        return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week,
                           timezone=ZoneInfo(config.timezone), jitter=(config.jitter or None) if jitter else None)
    except (ValueError, KeyError) as error:
        raise BadInput(f"DDOR_SCHEDULE {config.schedule!r} / DDOR_TIMEZONE {config.timezone!r}: {error}") from None


def next_run(config: Settings, now: dt.datetime | None = None) -> dt.datetime | None:
    """The next scheduled check, before jitter."""
    now = now or dt.datetime.now(ZoneInfo(config.timezone))
    fire: dt.datetime | None = trigger(config, jitter=False).get_next_fire_time(None, now)
    return fire


# Set when the daemon is asked to stop: a crawl under way ends early and hands over what it
# archived, and the cycle finishes with that (systemd waits TimeoutStopSec, not the crawl's 15 min).
STOPPING = threading.Event()


def scheduled_check(config: Settings) -> str:
    """The job: one cycle. The job boundary: every error is logged, recorded and alerted."""
    from ddor_watch.monitor.alerts import alert
    from ddor_watch.monitor.cycle import run_check

    db = open_database(config.db_url)
    try:
        summary = run_check(config, db, stop=STOPPING)
    except AlreadyRunning as error:
        logger.info("skipped: %s", error)
        return "skipped"
    except Exception as error:  # the job boundary: run_check already recorded the failed run
        logger.error("check failed: %s", error, exc_info=True)
        alert(db, config, f"cycle-crashed:{type(error).__name__}", f"A scheduled check crashed: {error}")
        return "failed"
    finally:
        db.engine.dispose()
    logger.info("check %s: %d new reports", summary.status, len(summary.new_reports))
    return summary.status


def build_scheduler(config: Settings, run_now: bool = False,
                    scheduler_class: type[BaseScheduler] = BlockingScheduler) -> BaseScheduler:
    scheduler = scheduler_class(timezone=ZoneInfo(config.timezone))
    scheduler.add_job(scheduled_check, trigger(config), args=[config], id="check", name="ddor check",
                      replace_existing=True, max_instances=1, coalesce=True, misfire_grace_time=3600,
                      **({"next_run_time": dt.datetime.now(ZoneInfo(config.timezone))} if run_now else {}))
    return scheduler


def run_daemon(config: Settings, run_now: bool = False) -> None:
    db = open_database(config.db_url)
    stale = abandon_stale_runs(db)
    if stale:
        logger.warning("marked %d runs left by a dead process as failed", stale)
    scheduler = build_scheduler(config, run_now)

    def stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("signal %s: finishing the running cycle, then stopping", signum)
        STOPPING.set()
        # Runs in the main thread while the cycle runs in the executor's thread: waits for it.
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    logger.info("ddor run: schedule %r (%s); next check %s", config.schedule, config.timezone,
                   next_run(config))
    scheduler.start()
    logger.info("ddor run: stopped")
