"""Bluesky through the atproto SDK: links as facets, the map as an image blob with alt text.

Posts are created with record keys derived from the delivery, so a post that reached the
server before a crash is found again (getRecord) instead of being posted twice. The login
session is kept in the data dir: createSession is limited to 30 per 5 minutes.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
from pathlib import Path
from typing import Any

from atproto import Client, models
from atproto_client.exceptions import (
    BadRequestError,
    InvokeTimeoutError,
    NetworkError,
    RequestException,
    UnauthorizedError,
)
from atproto_client.models.blob_ref import BlobRef, IpldLink
from atproto_client.models.utils import get_model_as_dict

from ddor_watch.db.errors import PublishError
from ddor_watch.db.records import ChannelName, PendingDelivery
from ddor_watch.db.session import Database
from ddor_watch.publish.channels.base import Progress, SendResult, image_bytes
from ddor_watch.publish.channels.dryrun import DryRunChannel
from ddor_watch.publish.channels.plan import Encoding, PlannedRequest, file_field, part_id
from ddor_watch.publish.channels.spec import ChannelSpec
from ddor_watch.publish.common import URL, short_url
from ddor_watch.publish.map import MAX_BYTES
from ddor_watch.publish.settings import BlueskySettings, PublishSettings

_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
COLLECTION = "app.bsky.feed.post"


def record_key(seed: str) -> str:
    """A valid, deterministic TID-shaped record key (13 base32-sortable characters)."""
    value = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big") & ((1 << 63) - 1)
    chars = []
    for _ in range(13):
        chars.append(_TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def _facet(text: str, start_char: int, shown: str, uri: str) -> Any:
    start = len(text[:start_char].encode("utf-8"))
    return models.AppBskyRichtextFacet.Main(
        index=models.AppBskyRichtextFacet.ByteSlice(byte_start=start, byte_end=start + len(shown.encode("utf-8"))),
        features=[models.AppBskyRichtextFacet.Link(uri=uri)])


def facets_for(text: str, link: str | None = None, site_url: str = "") -> list[Any]:
    """Link facets with UTF-8 byte offsets: a URL in Bluesky text is not a link by itself.

    Only the bot's own links become facets, never a URL that came from a document (those are
    made inert before they reach a post): the message's source link, and pages of our public
    site. A link is displayed shortened (publish.common.short_url) or whole; the facet points
    at the whole URL.
    """
    facets: list[Any] = _site_facets(text, site_url) if site_url else []
    if not link:
        return facets
    for match in URL.finditer(text):
        if match.group(0).rstrip(".,;)") == link:
            facets.append(_facet(text, match.start(), link, link))
    if link:
        shown = short_url(link)
        index = text.find(shown)
        if index >= 0 and not URL.match(text, index):
            facets.append(_facet(text, index, shown, link))
    return facets


def _site_facets(text: str, site_url: str) -> list[Any]:
    scheme, _, rest = site_url.partition("://")
    shown_root = short_url(site_url).rstrip("/")
    found = []
    for match in re.finditer(re.escape(shown_root) + r"(?:/\S*)?(?=\s|$)", text):
        shown = match.group(0)
        if shown.endswith("\u2026") or URL.match(text, match.start()) or not rest:
            continue  # cut for display (cannot be rebuilt), or written whole (facetted below)
        found.append(_facet(text, match.start(), shown, f"{scheme}://{shown}"))
    for match in URL.finditer(text):
        if match.group(0).startswith(site_url.rstrip("/")):
            found.append(_facet(text, match.start(), match.group(0), match.group(0)))
    return found


def _ref(remote: str) -> models.ComAtprotoRepoStrongRef.Main:
    uri, cid = remote.split("|", 1)
    return models.ComAtprotoRepoStrongRef.Main(uri=uri, cid=cid)


MAP_ASPECT = (1600, 1000)   # publish.map draws every map at this size
BLOB = "<blob from uploadBlob>"
CREATED_AT = "<time of posting>"
PNG = "image/png"


def _image_embed(alt: str | None, blob: Any) -> Any:
    return models.AppBskyEmbedImages.Main(images=[models.AppBskyEmbedImages.Image(
        alt=alt or "", image=blob,
        aspect_ratio=models.AppBskyEmbedDefs.AspectRatio(width=MAP_ASPECT[0], height=MAP_ASPECT[1]))])


def _reply(posted: list[str], root: str | None) -> Any:
    """The reply reference of the next part: the thread's root, and the part before it."""
    if not posted and not root:
        return None
    parent = _ref(posted[-1]) if posted else _ref(str(root))
    return models.AppBskyFeedPost.ReplyRef(root=_ref(root) if root else _ref(posted[0]), parent=parent)


def post_record(text: str, link: str | None, created_at: str, embed: Any, reply: Any, site_url: str = "") -> Any:
    return models.AppBskyFeedPost.Record(text=text, facets=facets_for(text, link, site_url) or None,
                                         created_at=created_at, embed=embed, reply=reply, langs=["en"])


def planned_requests(item: PendingDelivery, image_name: str | None, *, base_url: str,
                     site_url: str = "") -> list[PlannedRequest]:
    """What `BlueskyChannel.send` will request (after logging in): the map blob, then one
    createRecord per part with its deterministic record key, facets, embed and reply."""
    base = base_url.rstrip("/")
    planned: list[PlannedRequest] = []
    if image_name:
        planned.append(PlannedRequest("POST", f"{base}/com.atproto.repo.uploadBlob", Encoding.BYTES,
                                      {"file": file_field(image_name)}, {"Content-Type": PNG}))
    posted: list[str] = []
    for index, part in enumerate(item.message.parts):
        embed = None
        if index == 0 and image_name:  # a stand-in blob, replaced by the placeholder below
            embed = _image_embed(item.message.alt_text, BlobRef(mime_type="image/png", size=0,
                                                                ref=IpldLink(link="placeholder")))
        record = get_model_as_dict(post_record(part, item.message.link, CREATED_AT, embed,
                                               _reply(posted, item.reply_to), site_url))
        if embed is not None:
            record["embed"]["images"][0]["image"] = BLOB
        planned.append(PlannedRequest("POST", f"{base}/com.atproto.repo.createRecord", Encoding.JSON, {
            "repo": "<did>", "collection": COLLECTION, "rkey": record_key(f"{item.idempotency_key}-{index}"),
            "record": record}))
        posted.append(f"{part_id(index, 'uri')}|{part_id(index, 'cid')}")
    return planned


class BlueskyChannel:
    name = "bluesky"

    def __init__(self, bluesky: BlueskySettings) -> None:
        self.settings = bluesky
        self.session_file = Path(bluesky.session_file)
        self.client = Client(base_url=bluesky.base_url)

    def _login(self) -> str:
        def save(_event: object, _session: object) -> None:
            self.session_file.parent.mkdir(parents=True, exist_ok=True)
            self.session_file.write_text(self.client.export_session_string())
            self.session_file.chmod(0o600)

        self.client.on_session_change(save)
        if self.session_file.exists():
            try:
                self.client.login(session_string=self.session_file.read_text().strip(), fetch_bsky_profile=False)
                return str(self.client._session.did)  # noqa: SLF001 (no public accessor without a profile fetch)
            except (UnauthorizedError, BadRequestError):
                self.session_file.unlink()
        self.client.login(self.settings.handle, self.settings.app_password, fetch_bsky_profile=False)
        save(None, None)
        return str(self.client._session.did)  # noqa: SLF001

    def _existing(self, did: str, rkey: str) -> str | None:
        try:
            found = self.client.com.atproto.repo.get_record(
                params={"repo": did, "collection": COLLECTION, "rkey": rkey})
        except BadRequestError:
            return None
        return f"{found.uri}|{found.cid}"

    def send(self, item: PendingDelivery, progress: Progress) -> SendResult:
        parts, posted, note = list(item.message.parts), list(item.remote_parts), None
        try:
            did = self._login()
            for index in range(len(posted), len(parts)):
                rkey = record_key(f"{item.idempotency_key}-{index}")
                if (found := self._existing(did, rkey)) is not None:
                    posted.append(found)
                    progress(posted)
                    continue
                embed = None
                if index == 0 and (png := image_bytes(item)) is not None:
                    if len(png) > MAX_BYTES:
                        note = f"map is {len(png)} bytes, over Bluesky's blob limit; posted text-only"
                    else:
                        # The SDK would send */*; say what it is (the dry run shows the same).
                        uploaded = self.client.com.atproto.repo.upload_blob(png, headers={"Content-Type": PNG})
                        embed = _image_embed(item.message.alt_text, uploaded.blob)
                record = post_record(parts[index], item.message.link, self.client.get_current_time_iso(), embed,
                                     _reply(posted, item.reply_to), self.settings.site_url)
                created = self.client.com.atproto.repo.create_record(
                    data={"repo": did, "collection": COLLECTION, "rkey": rkey, "record": record})
                posted.append(f"{created.uri}|{created.cid}")
                progress(posted)
        except UnauthorizedError as error:
            raise PublishError("bluesky", f"not allowed: {error}", permanent=True) from None
        except (NetworkError, InvokeTimeoutError) as error:
            raise PublishError("bluesky", f"network: {type(error).__name__}") from None
        except RequestException as error:
            response = getattr(error, "response", None)
            status = getattr(response, "status_code", None)
            if status == 429:
                reset = (getattr(response, "headers", {}) or {}).get("ratelimit-reset")
                raise PublishError("bluesky", "HTTP 429 rate limited",
                                   retry_at=float(reset) if reset else time.time() + 300) from None
            raise PublishError("bluesky", f"HTTP {status}: {error}", permanent=status in (400, 401, 403)) from None
        return SendResult(posted[0] if posted else None, note=note)


def _dry_run(settings: PublishSettings, db: Database) -> DryRunChannel:
    return DryRunChannel(ChannelName.BLUESKY, settings.data.outbox,
                         planner=functools.partial(planned_requests, base_url=settings.bluesky.base_url,
                                                   site_url=settings.bluesky.site_url))


SPEC = ChannelSpec(ChannelName.BLUESKY, posts=True, configured=lambda settings: settings.bluesky.configured,
                   live=lambda settings, db: BlueskyChannel(settings.bluesky), dry_run=_dry_run)
