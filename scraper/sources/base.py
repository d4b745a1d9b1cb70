"""What a source declares. The declaration is what runs: the crawl follows `start_urls` and
`documents`, the monitor parses with `parse` and diffs by `kind`, the outbox renders the
kind's templates. Nothing outside a source's module names the source."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from ddor_watch.db.records import ListReading, MessageKind


class SourceKind(StrEnum):
    DDOR_REPORT = "ddor_report"               # PDFs found through a newsroom, parsed by scraper.pdf
    JURISDICTION_LIST = "jurisdiction_list"   # one page listing jurisdictions, watched for changes
    AGREEMENT_LIST = "agreement_list"         # a page linking workbooks of agreements (287(g))

    @property
    def message_kind(self) -> MessageKind:
        """Which templates render this kind's changes."""
        return {SourceKind.DDOR_REPORT: MessageKind.REPORT, SourceKind.JURISDICTION_LIST: MessageKind.LIST,
                SourceKind.AGREEMENT_LIST: MessageKind.AGREEMENTS}[self]


# (document bytes, content type, URL, part) -> what it lists; raises ListLayoutError when the
# document holds no list. `part` names the linked document ("participating"), "" for the page.
ListParser = Callable[[bytes, str, str, str], ListReading]


class ListLayoutError(ValueError):
    """The page answered but holds no list we can read (layout drift, never "all removed")."""


@dataclass(frozen=True)
class LinkedDocument:
    """A document the start page links under a name that changes (ICE's workbooks are renamed
    with every update): found by its link text and its address, both regular expressions."""

    part: str             # "participating": the list_name of its entries
    link_text: str
    href_pattern: str


@dataclass(frozen=True)
class Source:
    name: str                          # the name in DDOR_SOURCES, `ddor check --only` and subscriptions
    agency: str                        # who publishes it, for attribution: "ICE", "DOJ", "DHS"
    title: str                         # what it is, in the agency's own words
    kind: SourceKind
    start_urls: tuple[str, ...]        # where to start (replaced by DDOR_SOURCE_URLS or --source URL)
    parse: ListParser | None = None    # list sources: page or document -> snapshot
    documents: tuple[LinkedDocument, ...] = ()   # read these documents the page links, not the page
    # Parse in a child process with the parse limits (time, memory): documents that are archives
    # (an .xlsx is a zip) can be bombs.
    sandboxed: bool = False
    # Fetch and archive the document each new entry links (a 287(g) MOA), DDOR_FOLLOW_PER_CHECK
    # at most per check; a dead link is recorded on the entry, never a failed check.
    follow_entry_links: bool = False
