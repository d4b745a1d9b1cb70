"""Deliver an alert to maintainers: email when SMTP and an address are configured, else a file."""

from __future__ import annotations

import datetime as dt
import re
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from ddor_watch.publish.channels.email import sender_domain, smtp_send
from ddor_watch.publish.settings import SmtpSettings


def send_alert(smtp: SmtpSettings, alert_email: str, folder: Path, problem: str, message: str,
               day: dt.date) -> Path | None:
    """Email the alert, or (no SMTP or no address) write it as .eml into `folder`."""
    mail = EmailMessage()
    mail["Subject"] = f"[ddor-watch] {problem}"
    mail["From"] = smtp.email_from
    mail["To"] = alert_email or "maintainers@localhost"
    mail["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    mail["Message-ID"] = make_msgid(domain=sender_domain(smtp.email_from))
    mail.set_content(f"{message}\n\nProblem key: {problem}\nDay: {day.isoformat()}\n")
    if smtp.configured and alert_email:
        smtp_send(smtp, mail)
        return None
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{day.isoformat()}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', problem)[:80]}.eml"
    path.write_bytes(bytes(mail))
    return path
