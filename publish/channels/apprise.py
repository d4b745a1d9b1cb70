"""Apprise: one setting, DDOR_APPRISE_URLS, reaches Slack, Discord, Matrix, Telegram, ntfy,
Teams and plain webhooks (json://, form://). Each configured URL is one recipient ("target-1",
"target-2", …, numbered in the order configured; the URLs themselves carry tokens and are
never stored or written out), so one failing target never resends to the others.

At most once: a webhook has no idempotency key. Before each part is handed over the attempt
is recorded; a delivery interrupted past that point is "possibly sent" and never resent (the
maintainers are told), the email channel's rule. A target that answers with an error is
retried like any channel.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from ddor_watch.db.errors import PublishError
from ddor_watch.db.records import ChannelName, PendingDelivery
from ddor_watch.db.session import Database
from ddor_watch.publish.channels.base import Progress, SendResult
from ddor_watch.publish.channels.dryrun import DryRunChannel
from ddor_watch.publish.channels.plan import Encoding, PlannedRequest, file_field
from ddor_watch.publish.channels.spec import ChannelSpec
from ddor_watch.publish.settings import AppriseSettings, PublishSettings

TARGET_PREFIX = "target-"
SENDING, SENT = "sending:", "sent:"


def target_names(settings: AppriseSettings) -> list[str]:
    """The recipients of an Apprise message: one per configured URL."""
    return [f"{TARGET_PREFIX}{index}" for index in range(1, len(settings.urls) + 1)]


def masked(url: str) -> str:
    """A target for files and logs: its scheme and host, never its tokens ("discord://***")."""
    parts = urlsplit(url)
    host = parts.hostname or "***"
    return f"{parts.scheme}://{host if parts.scheme in ('json', 'jsons', 'form', 'forms') else '***'}"


def _target(settings: AppriseSettings, recipient: str) -> str:
    number = recipient.removeprefix(TARGET_PREFIX)
    if not number.isdigit() or not 1 <= int(number) <= len(settings.urls):
        raise PublishError("apprise", f"{recipient} is no longer configured in DDOR_APPRISE_URLS", permanent=True)
    return settings.urls[int(number) - 1]


class AppriseChannel:
    name = "apprise"

    def __init__(self, settings: AppriseSettings) -> None:
        self.settings = settings

    def send(self, item: PendingDelivery, progress: Progress) -> SendResult:
        import apprise

        url = _target(self.settings, item.recipient)
        done = [entry for entry in item.remote_parts if entry.startswith(SENT)]
        if item.resuming and any(entry.startswith(SENDING) for entry in item.remote_parts):
            return SendResult(None, note=f"an earlier attempt was interrupted while handing a part to "
                                         f"{masked(url)}; it may have been delivered", uncertain=True)
        title = item.message.subject or "ddor-watch"
        for index in range(len(done), len(item.message.parts)):
            notifier = apprise.Apprise()
            if not notifier.add(url):
                raise PublishError("apprise", f"{item.recipient}: not an Apprise URL it knows ({masked(url)})",
                                   permanent=True)
            progress([*done, f"{SENDING}{index}"])
            attach = item.message.image_path if index == 0 and item.message.image_path else None
            delivered = notifier.notify(body=item.message.parts[index], title=title if index == 0 else "",
                                        body_format=apprise.NotifyFormat.TEXT, attach=attach)
            if not delivered:
                progress(done)     # refused: nothing was delivered, a retry may send it
                raise PublishError("apprise", f"{item.recipient} ({masked(url)}) refused part {index + 1}")
            done.append(f"{SENT}{index}")
            progress(done)
        return SendResult(f"{item.recipient}: {len(item.message.parts)} part(s)")


def planned_requests(item: PendingDelivery, image: str | None, *, settings: AppriseSettings) -> list[PlannedRequest]:
    """What the dry run writes: for each part, the notification Apprise would send to the
    target (its scheme and host only), with the title, body and attachment."""
    try:
        target = masked(_target(settings, item.recipient))
    except PublishError:
        target = item.recipient or "<a DDOR_APPRISE_URLS target>"
    title = item.message.subject or "ddor-watch"
    # json:// targets get exactly this body (Apprise's JSON notification); other services their
    # own request made from the same title and message.
    return [PlannedRequest("POST", target, Encoding.JSON,
                           {"version": "1.0", "title": title if index == 0 else "", "message": part, "type": "info",
                            "attachments": [file_field(image)] if index == 0 and image else []})
            for index, part in enumerate(item.message.parts)]


def _dry_run(settings: PublishSettings, db: Database) -> DryRunChannel:
    return DryRunChannel(ChannelName.APPRISE, settings.data.outbox,
                         planner=functools.partial(planned_requests, settings=settings.apprise))


SPEC = ChannelSpec(ChannelName.APPRISE, posts=True, configured=lambda settings: settings.apprise.configured,
                   live=lambda settings, db: AppriseChannel(settings.apprise), dry_run=_dry_run,
                   recipients=lambda settings: target_names(settings.apprise), titled=True)
