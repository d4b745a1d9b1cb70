"""Deliver an alert to maintainers: email when SMTP and an address are configured, else a file."""

from __future__ import annotations

import datetime as dt
import re
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any


def send_alert(config: Any, problem: str, message: str, day: dt.date) -> Path | None:
    mail = EmailMessage()
    mail["Subject"] = f"[ddor-watch] {problem}"
    mail["From"] = config.email_from
    mail["To"] = config.alert_email or "maintainers@localhost"
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain="ddor-watch.local")
    mail.set_content(f"{message}\n\nProblem key: {problem}\nDay: {day.isoformat()}\n")
    if config.smtp_host and config.alert_email:
        from ddor_watch.publish.channels.email import smtp_send

        smtp_send(config, mail)
        return None
    folder = Path(config.data_dir) / "outbox" / "alerts"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{day.isoformat()}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', problem)[:80]}.eml"
    path.write_bytes(bytes(mail))
    return path
