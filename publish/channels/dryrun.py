"""Dry run: write exactly what would be sent (text, image, the request as JSON, or the .eml)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from ddor_watch.db.records import ChannelName, PendingDelivery
from ddor_watch.publish.channels.base import Progress, SendResult


def _stem(item: PendingDelivery) -> str:
    stem = f"report-{item.message.report_id}-{item.message.kind}"
    if item.recipient:
        stem += "-" + re.sub(r"[^A-Za-z0-9_.-]+", "_", item.recipient)
    return stem


class DryRunChannel:
    def __init__(self, name: ChannelName, outbox: Path,
                 email_builder: Callable[[PendingDelivery], bytes] | None = None) -> None:
        self.name = name
        self.folder = outbox / name
        self.email_builder = email_builder

    def send(self, item: PendingDelivery, progress: Progress) -> SendResult:
        self.folder.mkdir(parents=True, exist_ok=True)
        stem = self.folder / _stem(item)
        if self.email_builder is not None:
            stem.with_suffix(".eml").write_bytes(self.email_builder(item))
            return SendResult(f"dry-run:{stem.with_suffix('.eml')}", dry_run=True)
        message = item.message
        stem.with_suffix(".txt").write_text("\n\n---\n\n".join(message.parts) + "\n")
        if message.image_path and Path(message.image_path).is_file():
            shutil.copyfile(message.image_path, stem.with_suffix(".png"))
        request = {
            "channel": self.name, "idempotency_key": item.idempotency_key, "reply_to": item.reply_to,
            "posts": [{"text": part, "in_reply_to": "previous" if i else item.reply_to,
                       "media": ({"file": stem.with_suffix(".png").name, "alt_text": message.alt_text}
                                 if i == 0 and message.image_path else None)}
                      for i, part in enumerate(message.parts)],
        }
        stem.with_suffix(".json").write_text(json.dumps(request, indent=2, ensure_ascii=False) + "\n")
        return SendResult(f"dry-run:{stem.with_suffix('.txt')}", dry_run=True)
