"""X through tweepy: posts and replies with `Client.create_tweet`, the map through X's v2
media endpoints (tweepy's `API.media_upload` still calls the v1.1 endpoint X removed in 2025),
signed with OAuth 1.0a user context from tweepy's own auth handler.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Mapping

import requests
import tweepy

from ddor_watch.db.errors import PublishError
from ddor_watch.db.records import ChannelName, PendingDelivery
from ddor_watch.db.session import Database
from ddor_watch.publish.channels.base import Progress, SendResult, post_thread
from ddor_watch.publish.channels.dryrun import DryRunChannel
from ddor_watch.publish.channels.plan import MEDIA_ID, Encoding, JsonValue, PlannedRequest, file_field, part_id
from ddor_watch.publish.channels.spec import ChannelSpec
from ddor_watch.publish.settings import PublishSettings, XSettings

TIMEOUT = 30
# tweepy's Client posts here whatever the media host is.
TWEETS_URL = "https://api.twitter.com/2/tweets"
ALT_LIMIT = 1000


def planned_requests(item: PendingDelivery, image_name: str | None, *, media_api_base: str) -> list[PlannedRequest]:
    """What `XChannel.send` will request for this delivery (ids from the server as placeholders)."""
    api = media_api_base.rstrip("/")
    planned: list[PlannedRequest] = []
    if image_name:
        planned.append(PlannedRequest("POST", f"{api}/2/media/upload", Encoding.MULTIPART,
                                      {"media_category": "tweet_image", "media": file_field(image_name)}))
        if item.message.alt_text:
            planned.append(PlannedRequest("POST", f"{api}/2/media/metadata", Encoding.JSON, {
                "id": MEDIA_ID, "metadata": {"alt_text": {"text": item.message.alt_text[:ALT_LIMIT]}}}))
    for index, part in enumerate(item.message.parts):
        body: dict[str, JsonValue] = {"text": part}
        if index == 0 and image_name:
            body["media"] = {"media_ids": [MEDIA_ID]}
        reply_to = part_id(index - 1) if index else item.reply_to
        if reply_to:
            body["reply"] = {"in_reply_to_tweet_id": reply_to}
        planned.append(PlannedRequest("POST", TWEETS_URL, Encoding.JSON, body))
    return planned


def _normalise(text: str) -> str:
    """X rewrites links to t.co: compare texts without their URLs."""
    return " ".join(re.sub(r"https?://\S+", "", text).split())


class _Duplicate(Exception):
    """X refused the first part as duplicate content: an earlier attempt got through."""


def rate_limit_reset(headers: Mapping[str, str]) -> float:
    """When to try again after a 429: the latest reset among exhausted limits (X sends no Retry-After)."""
    exhausted = [int(headers[f"{family}-reset"]) for family in
                 ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour")
                 if headers.get(f"{family}-remaining") == "0" and str(headers.get(f"{family}-reset", "")).isdigit()]
    if exhausted:
        return float(max(exhausted))
    reset = str(headers.get("x-rate-limit-reset", ""))
    return float(reset) if reset.isdigit() else time.time() + 900


class XChannel:
    name = "x"

    def __init__(self, x: XSettings) -> None:
        self.api = x.media_api_base.rstrip("/")
        self.client = tweepy.Client(consumer_key=x.consumer_key, consumer_secret=x.consumer_secret,
                                    access_token=x.access_token, access_token_secret=x.access_token_secret)
        # tweepy sends without a timeout; a hung request must not hang the scheduler.
        self.client.session.request = functools.partial(self.client.session.request, timeout=TIMEOUT)
        self.auth = tweepy.OAuth1UserHandler(x.consumer_key, x.consumer_secret,
                                             x.access_token, x.access_token_secret).apply_auth()

    # -- media ----------------------------------------------------------------------------------
    def upload_media(self, png: bytes, alt: str | None) -> str:
        response = self.client.session.post(f"{self.api}/2/media/upload", auth=self.auth,
                                            files={"media": ("map.png", png, "image/png")},
                                            data={"media_category": "tweet_image"})
        if response.status_code >= 300:
            raise PublishError("x", f"media upload HTTP {response.status_code}: {response.text[:200]}") from None
        media_id = str(response.json()["data"]["id"])
        if alt:
            meta = self.client.session.post(f"{self.api}/2/media/metadata", auth=self.auth,
                                             json={"id": media_id, "metadata": {"alt_text": {"text": alt[:ALT_LIMIT]}}})
            if meta.status_code >= 300:
                raise PublishError("x", f"alt text HTTP {meta.status_code}: {meta.text[:200]}") from None
        return media_id

    # -- posting ----------------------------------------------------------------------------------
    def _already_posted(self, text: str) -> str | None:
        """After an interrupted attempt: was this text posted? (look at our latest posts)"""
        me = self.client.get_me(user_auth=True)
        recent = self.client.get_users_tweets(me.data.id, max_results=5, user_auth=True)
        for tweet in recent.data or []:
            if _normalise(tweet.text) == _normalise(text):
                return str(tweet.id)
        return None

    def send(self, item: PendingDelivery, progress: Progress) -> SendResult:
        def post(text: str, media_id: str | None, reply_to: str | None, index: int) -> str | None:
            try:
                response = self.client.create_tweet(text=text, media_ids=[media_id] if media_id else None,
                                                    in_reply_to_tweet_id=reply_to, user_auth=True)
            except tweepy.Forbidden as error:
                if "duplicate" not in str(error).lower():
                    raise
                if index == 0:
                    raise _Duplicate from None
                return None  # a continuation X already has: nothing to chain to, nothing to record
            return str(response.data["id"])

        try:
            posted, note = post_thread(item, progress, find_posted=self._already_posted, upload_media=self.upload_media,
                                       post=post, media_errors=(PublishError, requests.RequestException, KeyError,
                                                                ValueError))
        except _Duplicate:
            return SendResult(None, duplicate=True, note="X: duplicate content, already posted")
        except tweepy.TooManyRequests as error:
            reset = rate_limit_reset(error.response.headers)
            raise PublishError("x", "HTTP 429 rate limited", retry_at=reset) from None
        except (tweepy.Unauthorized, tweepy.Forbidden) as error:
            raise PublishError("x", f"not allowed ({error.response.status_code}): {error}", permanent=True) from None
        except tweepy.TwitterServerError as error:
            raise PublishError("x", f"server error {error.response.status_code}") from None
        except tweepy.HTTPException as error:
            raise PublishError("x", f"HTTP {error.response.status_code}: {error}", permanent=True) from None
        except requests.RequestException as error:
            raise PublishError("x", f"network: {type(error).__name__}: {error}") from None
        return SendResult(posted[0] if posted else None, note=note)


def _dry_run(settings: PublishSettings, db: Database) -> DryRunChannel:
    return DryRunChannel(ChannelName.X, settings.data.outbox,
                         planner=functools.partial(planned_requests, media_api_base=settings.x.media_api_base))


SPEC = ChannelSpec(ChannelName.X, posts=True, configured=lambda settings: settings.x.configured,
                   live=lambda settings, db: XChannel(settings.x), dry_run=_dry_run)
