"""What a source declares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from ddor_watch.db.records import ListSnapshot


class SourceKind(StrEnum):
    DDOR_REPORT = "ddor_report"               # PDFs found through a newsroom, parsed by scraper.pdf
    JURISDICTION_LIST = "jurisdiction_list"   # one page listing jurisdictions, watched for changes


# (page bytes, content type, URL) -> the snapshot; raises ListLayoutError when the list is missing.
ListParser = Callable[[bytes, str, str], ListSnapshot]


class ListLayoutError(ValueError):
    """The page answered but holds no list we can read (layout drift, never "all removed")."""


@dataclass(frozen=True)
class Source:
    name: str                          # the name in DDOR_SOURCES, `ddor check --only` and subscriptions
    agency: str                        # who publishes it, for attribution: "ICE", "DOJ", "DHS"
    title: str                         # what it is, in the agency's own words
    kind: SourceKind
    start_urls: tuple[str, ...]        # where to start (replaced by --source URL)
    url_patterns: tuple[str, ...] = ()     # documents it recognises by URL
    link_text: str = ""                    # ... or by link text (a regular expression)
    content_types: tuple[str, ...] = ()    # documents it accepts
    parse: ListParser | None = None        # list sources: page -> snapshot
