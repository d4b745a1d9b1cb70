"""Dry run: write exactly what would be sent.

For each social delivery: the thread as text, the map, and the network's own requests as JSON
(`requests`: method, URL, encoding, headers, body; server-assigned ids as placeholders). For
email: the .eml a live run would send.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from ddor_watch.db.records import ChannelName, PendingDelivery
from ddor_watch.publish.channels.base import Progress, SendResult
from ddor_watch.publish.channels.plan import JsonValue, PlannedRequest

JOURNAL = "journal.tsv"   # one line per send: idempotency key, file name

# (delivery, name of the map file or None) -> the requests the live client will make
Planner = Callable[[PendingDelivery, str | None], list[PlannedRequest]]


def _stem(item: PendingDelivery) -> str:
    stem = item.message.file_stem
    if item.recipient:
        stem += "-" + re.sub(r"[^A-Za-z0-9_.-]+", "_", item.recipient)
    return stem


class DryRunChannel:
    def __init__(self, name: ChannelName, outbox: Path, *, planner: Planner | None = None,
                 email_builder: Callable[[PendingDelivery], bytes] | None = None) -> None:
        self.name = name
        self.folder = outbox / name
        self.planner = planner
        self.email_builder = email_builder

    def send(self, item: PendingDelivery, progress: Progress) -> SendResult:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = _stem(item)
        journal_path = self.folder / JOURNAL
        # Resuming, the dry run does what the live clients do (they find the post on the account):
        # a delivery its journal already holds was written, and is not written again.
        if item.resuming and journal_path.is_file() and any(
                line.split("\t", 1)[0] == item.idempotency_key for line in journal_path.read_text().splitlines()):
            return SendResult(f"dry-run:{name}", note="written by an interrupted attempt; not written again",
                              dry_run=True)
        # Every send is also a line in the channel's journal: the files below are overwritten by
        # a second send of the same delivery, the journal would show it twice.
        with journal_path.open("a", encoding="utf-8") as journal:
            journal.write(f"{item.idempotency_key}\t{name}\n")

        def path(suffix: str) -> Path:
            # Not Path.with_suffix: "ana_example.org" would lose ".org" (two addresses, one file).
            return self.folder / f"{name}{suffix}"

        if self.email_builder is not None:
            path(".eml").write_bytes(self.email_builder(item))
            return SendResult(f"dry-run:{path('.eml')}", dry_run=True)
        message = item.message
        path(".txt").write_text("\n\n---\n\n".join(message.parts) + "\n")
        image_name = None
        if message.image_path and Path(message.image_path).is_file():
            shutil.copyfile(message.image_path, path(".png"))
            image_name = path(".png").name
        planned = self.planner(item, image_name) if self.planner else []
        document: dict[str, JsonValue] = {
            "channel": str(self.name), "idempotency_key": item.idempotency_key,
            "placeholders": "values in <angle brackets> are assigned by the server (or the clock) when sent",
            "requests": [request.as_json() for request in planned]}
        path(".json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return SendResult(f"dry-run:{path('.txt')}", dry_run=True)
