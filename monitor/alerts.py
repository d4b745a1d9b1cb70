"""Alerts to maintainers: the log, plus email (or the dry-run outbox). One per problem per day."""

from __future__ import annotations

import datetime as dt
import logging

from ddor_watch.db.models import Alert
from ddor_watch.db.session import Database
from ddor_watch.monitor.config import Config

logger = logging.getLogger(__name__)


def alert(db: Database, config: Config, problem: str, message: str, today: dt.date | None = None) -> bool:
    """Record and send an alert; False when this problem was already alerted today."""
    from sqlalchemy.exc import IntegrityError

    day = today or dt.datetime.now(dt.UTC).date()
    try:
        with db.session() as session:
            session.add(Alert(problem=problem[:200], day=day, message=message))
    except IntegrityError:
        logger.info("alert already sent today: %s", problem)
        return False
    logger.warning("ALERT %s: %s", problem, message)
    from ddor_watch.publish.alerts import send_alert

    try:
        send_alert(config, problem, message, day)
    except OSError as error:  # the alert is in the log and the table even if mail is down
        logger.error("could not email alert %s: %s", problem, error)
    return True
