"""The channel interface and what a send returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ddor_watch.db.records import PendingDelivery

Progress = Callable[[list[str]], None]


@dataclass(frozen=True)
class SendResult:
    remote_id: str | None
    duplicate: bool = False
    note: str | None = None
    dry_run: bool = False
    # Whether it went out is unknown (a resumed attempt had reached the point of no return):
    # recorded as possibly sent, never retried, and the maintainers are told.
    uncertain: bool = False


class Channel(Protocol):
    @property
    def name(self) -> str: ...

    def send(self, item: PendingDelivery, progress: Progress) -> SendResult: ...


def image_bytes(item: PendingDelivery) -> bytes | None:
    path = item.message.image_path
    if path and Path(path).is_file():
        return Path(path).read_bytes()
    return None


def post_thread(item: PendingDelivery, progress: Progress, *, find_posted: Callable[[str], str | None],
                upload_media: Callable[[bytes, str | None], object], post: Callable[..., str | None],
                media_errors: tuple[type[BaseException], ...]) -> tuple[list[str], str | None]:
    """Post the message's parts as a thread, resuming where an earlier attempt stopped.

    After an interrupted attempt (`item.resuming`) with nothing recorded, `find_posted` looks
    for the first part on the account before anything is sent again. The map goes with the
    first part; if its upload fails the thread goes out text-only and the note says why.
    `post(text, media, reply_to, index)` returns the new post's id, or None to record nothing.
    Returns (ids of the posted parts, note).
    """
    parts, posted, note = list(item.message.parts), list(item.remote_parts), None
    if item.resuming and not posted and (found := find_posted(parts[0])):
        posted.append(found)
        progress(posted)
    for index in range(len(posted), len(parts)):
        media = None
        if index == 0 and (png := image_bytes(item)) is not None:
            try:
                media = upload_media(png, item.message.alt_text)
            except media_errors as error:
                note = f"media upload failed, posted text-only: {error}"
        remote = post(parts[index], media, posted[-1] if posted else item.reply_to, index)
        if remote is not None:
            posted.append(remote)
            progress(posted)
    return posted, note
