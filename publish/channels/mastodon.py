"""Mastodon through Mastodon.py: image with a description, then the thread.

Each part carries an Idempotency-Key derived from the delivery, and an interrupted
delivery first looks at the account's latest statuses, so a crash between posting and
recording never double-posts. Rate limits throw instead of sleeping in the scheduler.
"""

from __future__ import annotations

import functools
import html
import io
import re
import time

from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonNetworkError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from ddor_watch.db.errors import PublishError
from ddor_watch.db.records import ChannelName, PendingDelivery
from ddor_watch.db.session import Database
from ddor_watch.publish.channels.base import Progress, SendResult, post_thread
from ddor_watch.publish.channels.dryrun import DryRunChannel
from ddor_watch.publish.channels.plan import MEDIA_ID, Encoding, JsonValue, PlannedRequest, file_field, part_id
from ddor_watch.publish.channels.spec import ChannelSpec
from ddor_watch.publish.settings import MastodonSettings, PublishSettings

VISIBILITY = "public"
LANGUAGE = "en"


def planned_requests(item: PendingDelivery, image_name: str | None, *, base_url: str) -> list[PlannedRequest]:
    """What `MastodonChannel.send` will request: the media with its description, then each
    status with its Idempotency-Key (Mastodon.py's form encoding, field for field)."""
    base = base_url.rstrip("/")
    planned: list[PlannedRequest] = []
    if image_name:
        media: dict[str, JsonValue] = {"file": file_field(image_name)}
        if item.message.alt_text:
            media = {"description": item.message.alt_text, **media}
        planned.append(PlannedRequest("POST", f"{base}/api/v2/media", Encoding.MULTIPART, media))
    for index, part in enumerate(item.message.parts):
        body: dict[str, JsonValue] = {"status": part}
        reply_to = part_id(index - 1) if index else item.reply_to
        if reply_to:
            body["in_reply_to_id"] = reply_to
        body.update({"sensitive": "0", "visibility": VISIBILITY, "language": LANGUAGE})
        if index == 0 and image_name:
            body["media_ids[]"] = [MEDIA_ID]
        planned.append(PlannedRequest("POST", f"{base}/api/v1/statuses", Encoding.FORM, body,
                                      {"Idempotency-Key": f"{item.idempotency_key}-{index}"}))
    return planned


def _plain(content: str) -> str:
    text = re.sub(r"<br\s*/?>|</p>\s*<p>", "\n", content)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


class MastodonChannel:
    name = "mastodon"

    def __init__(self, mastodon: MastodonSettings) -> None:
        # A fixed server version: otherwise Mastodon.py asks the instance (an extra request
        # that loops when the answer has no version) before choosing the v2 media endpoint.
        self.client = Mastodon(access_token=mastodon.access_token, api_base_url=mastodon.base_url,
                               ratelimit_method="throw", request_timeout=30, version_check_mode="created",
                               mastodon_version="4.3.0", user_agent="ddor-watch")

    def _already_posted(self, text: str) -> str | None:
        me = self.client.account_verify_credentials()
        for status in self.client.account_statuses(me["id"], limit=5):
            if _plain(status["content"]) == " ".join(text.split()):
                return str(status["id"])
        return None

    def send(self, item: PendingDelivery, progress: Progress) -> SendResult:
        def upload(png: bytes, alt: str | None) -> str:
            media = self.client.media_post(io.BytesIO(png), mime_type="image/png", description=alt,
                                           file_name="map.png", synchronous=True)
            return str(media["id"])

        def post(text: str, media_id: str | None, reply_to: str | None, index: int) -> str:
            status = self.client.status_post(text, in_reply_to_id=reply_to, media_ids=[media_id] if media_id else None,
                                             language=LANGUAGE, visibility=VISIBILITY,
                                             idempotency_key=f"{item.idempotency_key}-{index}")
            return str(status["id"])

        try:
            posted, note = post_thread(item, progress, find_posted=self._already_posted, upload_media=upload,
                                       post=post, media_errors=(MastodonAPIError, MastodonNetworkError))
        except MastodonRatelimitError as error:
            reset = getattr(self.client, "ratelimit_reset", None)
            raise PublishError("mastodon", f"HTTP 429 rate limited: {error}",
                               retry_at=float(reset) if reset else time.time() + 300) from None
        except MastodonUnauthorizedError as error:
            raise PublishError("mastodon", f"not allowed: {error}", permanent=True) from None
        except (MastodonServerError, MastodonNetworkError) as error:
            raise PublishError("mastodon", f"server or network error: {error}") from None
        except MastodonAPIError as error:
            code = error.args[1] if len(error.args) > 1 else None
            raise PublishError("mastodon", f"API error {code}: {error}", permanent=code in (401, 403, 422)) from None
        return SendResult(posted[0] if posted else None, note=note)


def _dry_run(settings: PublishSettings, db: Database) -> DryRunChannel:
    return DryRunChannel(ChannelName.MASTODON, settings.data.outbox,
                         planner=functools.partial(planned_requests,
                                                   base_url=settings.mastodon.base_url or "https://<your instance>"))


SPEC = ChannelSpec(ChannelName.MASTODON, posts=True, configured=lambda settings: settings.mastodon.configured,
                   live=lambda settings, db: MastodonChannel(settings.mastodon), dry_run=_dry_run)
