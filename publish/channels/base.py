"""The channel interface and what a send returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from db.records import PendingDelivery

Progress = Callable[[list[str]], None]


@dataclass(frozen=True)
class SendResult:
    remote_id: str | None
    duplicate: bool = False
    note: str | None = None
    dry_run: bool = False


class Channel(Protocol):
    name: str

    def send(self, item: PendingDelivery, progress: Progress) -> SendResult: ...


def image_bytes(item: PendingDelivery) -> bytes | None:
    path = item.message.image_path
    if path and Path(path).is_file():
        return Path(path).read_bytes()
    return None
