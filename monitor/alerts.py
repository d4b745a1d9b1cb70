"""Alerts to maintainers: the log, plus email (or the dry-run outbox). One per problem per day."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy.exc import IntegrityError

from ddor_watch.db.errors import PublishError
from ddor_watch.db.models import Alert
from ddor_watch.db.records import DeliveryOutcome, OutcomeKind
from ddor_watch.db.session import Database
from ddor_watch.monitor.config import Settings, smtp_settings
from ddor_watch.publish.alert_mail import send_alert

logger = logging.getLogger(__name__)


def alert(db: Database, settings: Settings, problem: str, message: str, today: dt.date | None = None) -> bool:
    """Record and send an alert; False when this problem was already alerted today."""
    day = today or dt.datetime.now(dt.UTC).date()
    try:
        with db.session() as session:
            session.add(Alert(problem=problem[:200], day=day, message=message))
    except IntegrityError:
        logger.info("alert already sent today: %s", problem)
        return False
    logger.warning("ALERT %s: %s", problem, message)
    try:
        send_alert(smtp_settings(settings), settings.alert_email, settings.data.alerts, problem, message, day)
    except (OSError, PublishError) as error:  # the alert is in the log and the table even if mail is down
        logger.error("could not email alert %s: %s", problem, error)
    return True


def alert_on_outcomes(db: Database, settings: Settings, outcomes: list[DeliveryOutcome]) -> None:
    """Failed deliveries, and channels that raised something unforeseen, reach the maintainers."""
    for outcome in outcomes:
        if outcome.needs_attention:
            what = {OutcomeKind.FAILED: "failed for good",
                    OutcomeKind.POSSIBLY_SENT: "may have gone out (not resent)"}.get(
                outcome.kind, "hit an unexpected error")
            alert(db, settings, f"delivery-{outcome.kind}:{outcome.channel}:{outcome.delivery_id}",
                  f"Delivery {what} ({outcome.label}): {outcome.detail}")
