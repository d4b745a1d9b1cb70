"""The requests a delivery will make, written out by the dry run.

Each network module plans its own requests (the same endpoints, bodies and headers its live
client sends). Values that only the server can know (media ids, post ids, the account's DID)
stand as placeholders in angle brackets; tests send the same delivery through the live client
to a fake server and compare the bodies with these plans, placeholders aside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeAlias

JsonValue: TypeAlias = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]

MEDIA_ID = "<media_id>"


def part_id(index: int, what: str = "id") -> str:
    """The placeholder for a posted part's server-side id (parts counted from 1)."""
    return f"<{what} of part {index + 1}>"


def file_field(name: str) -> str:
    return f"<file {name}>"


class Encoding(StrEnum):
    JSON = "json"
    FORM = "form"                # application/x-www-form-urlencoded
    MULTIPART = "multipart"      # multipart/form-data; file fields shown as <file NAME>
    BYTES = "bytes"              # the raw body is the file


@dataclass(frozen=True)
class PlannedRequest:
    method: str
    url: str
    encoding: Encoding
    body: dict[str, JsonValue]
    headers: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, JsonValue]:
        shown: dict[str, JsonValue] = {"method": self.method, "url": self.url, "encoding": str(self.encoding)}
        if self.headers:
            shown["headers"] = dict(self.headers)
        shown["body"] = self.body
        return shown
