"""Email digests over SMTP (STARTTLS, TLS or plain), one message per recipient.

Each message carries the recipient's own signed unsubscribe link and RFC 8058 one-click
headers. The policy allows 998-character header lines so List-Unsubscribe is never folded
into RFC 2047 words that mail providers ignore (ECOSYSTEM.md §6).
"""

from __future__ import annotations

import datetime as dt
import smtplib
import ssl
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from ddor_watch.db.errors import PublishError
from ddor_watch.db.records import ChannelName, PendingDelivery
from ddor_watch.db.session import Database
from ddor_watch.publish.channels.base import Progress, SendResult, image_bytes
from ddor_watch.publish.channels.dryrun import DryRunChannel
from ddor_watch.publish.channels.spec import ChannelSpec
from ddor_watch.publish.settings import PublishSettings, SmtpSecurity, SmtpSettings

POLICY = policy.SMTP.clone(max_line_length=998)
PLACEHOLDER = "__UNSUBSCRIBE_URL__"


def sender_domain(email_from: str) -> str:
    """The From address's domain: Message-IDs on it look like ours to every filter."""
    address = parseaddr(email_from)[1]
    return address.rsplit("@", 1)[1].lower() if "@" in address else "ddor-watch.local"


def build_email(email_from: str, item: PendingDelivery, unsubscribe_url: str) -> EmailMessage:
    message = item.message
    text = message.parts[0].replace(PLACEHOLDER, unsubscribe_url)
    html = (message.html or "").replace(PLACEHOLDER, unsubscribe_url)
    mail = EmailMessage(policy=POLICY)
    mail["Subject"] = message.subject or "Declined Detainer Outcome Report"
    mail["From"] = email_from
    mail["To"] = item.recipient
    mail["Date"] = format_datetime(dt.datetime.now(dt.UTC))   # "+0000", not RFC 2822's "-0000" (unknown zone)
    mail["Message-ID"] = f"<{item.idempotency_key}@{sender_domain(email_from)}>"
    mail["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(text)
    if html:
        mail.add_alternative(html, subtype="html")
        png = image_bytes(item)
        if png is not None:
            html_part = next(p for p in mail.iter_parts() if p.get_content_type() == "text/html")
            html_part.add_related(png, "image", "png", cid="<map@ddor-watch>", filename="map.png",
                                  disposition="inline")
    return mail


# Written to the delivery before SMTP DATA: a resumed delivery that finds it may have gone out.
DATA_STARTED = "smtp-data"
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def smtp_send(smtp: SmtpSettings, mail: EmailMessage, before_data: Callable[[], None] | None = None,
              timeout: float = 30.0) -> None:
    """Send one message. `before_data` runs after the connection, TLS and login succeeded and
    just before the message is handed over: past it, the server may have the message."""
    if smtp.username and smtp.security is SmtpSecurity.NONE and smtp.host not in _LOOPBACK:
        raise PublishError("email", f"refusing to send the SMTP password unencrypted to {smtp.host}; set "
                           "DDOR_SMTP_SECURITY to starttls or tls", permanent=True)
    context = ssl.create_default_context(cafile=smtp.ca_file or None)
    if smtp.security is SmtpSecurity.TLS:
        client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
    with client:
        if smtp.security is SmtpSecurity.STARTTLS:
            client.starttls(context=context)
        if smtp.username:
            client.login(smtp.username, smtp.password)
        if before_data is not None:
            before_data()
        client.send_message(mail)


class EmailChannel:
    name = "email"

    def __init__(self, smtp: SmtpSettings, unsubscribe_url: Callable[[str], str]) -> None:
        self.smtp = smtp
        self.unsubscribe_url = unsubscribe_url

    def build(self, item: PendingDelivery) -> EmailMessage:
        return build_email(self.smtp.email_from, item, self.unsubscribe_url(item.recipient))

    def send(self, item: PendingDelivery, progress: Progress) -> SendResult:
        if item.resuming and DATA_STARTED in item.remote_parts:
            # SMTP has no idempotency key: resending could deliver it twice. At most once.
            return SendResult(None, note="an earlier attempt was interrupted after handing the message to the "
                                         "SMTP server; it may have been delivered", uncertain=True)
        mail = self.build(item)
        try:
            smtp_send(self.smtp, mail, before_data=lambda: progress([DATA_STARTED]))
        except smtplib.SMTPRecipientsRefused as error:
            raise PublishError("email", f"recipient refused: {error.recipients}", permanent=True) from None
        except smtplib.SMTPResponseException as error:
            permanent = 500 <= error.smtp_code < 600
            raise PublishError("email", f"SMTP {error.smtp_code} {error.smtp_error!r}", permanent=permanent) from None
        except (OSError, smtplib.SMTPException) as error:
            raise PublishError("email", f"SMTP server unreachable: {error}") from None
        return SendResult(mail["Message-ID"])


def _unsubscribe_links(settings: PublishSettings, db: Database) -> Callable[[str], str]:
    from ddor_watch.publish.unsubscribe import unsubscribe_url

    return lambda recipient: unsubscribe_url(settings.unsubscribe, db, recipient)


def _dry_run(settings: PublishSettings, db: Database) -> DryRunChannel:
    url_for = _unsubscribe_links(settings, db)
    return DryRunChannel(ChannelName.EMAIL, settings.data.outbox, email_builder=lambda item: bytes(
        build_email(settings.smtp.email_from, item, url_for(item.recipient))))


# The digest's recipients are the subscribers who follow what changed: the outbox picks them.
SPEC = ChannelSpec(ChannelName.EMAIL, posts=False, configured=lambda settings: settings.smtp.configured,
                   live=lambda settings, db: EmailChannel(settings.smtp, _unsubscribe_links(settings, db)),
                   dry_run=_dry_run)
