"""The plain typed values that stages hand each other. Defined once, here.

Every row a parser produces carries the 1-based page it starts on (and its bbox when
known) so any number we publish can be traced back to its place in the PDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class ReportLink:
    url: str
    title: str
    found_on: str
    published: dt.date | None = None


@dataclass(frozen=True)
class FetchedDocument:
    url: str
    sha256: str
    bytes_path: str
    etag: str | None
    last_modified: str | None
    fetched_at: dt.datetime
    size: int = 0
    title: str | None = None


@dataclass(frozen=True)
class TopJurisdiction:
    rank: int
    jurisdiction: str
    state: str | None
    county_fips: str | None
    detainers_issued: int
    page: int
    bbox: BBox | None = field(default=None, compare=False)


@dataclass(frozen=True)
class DeclinedDetainer:
    state: str | None
    county: str | None
    county_fips: str | None
    city: str | None
    facility: str | None
    citizenship: str | None
    detainer_issued_date: dt.date | None
    declined_date: dt.date | None
    notable_criminal_activity: tuple[str, ...]
    page: int
    bbox: BBox | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Policy:
    state: str | None
    jurisdiction: str
    county_fips: str | None
    policy_type: str | None
    description: str
    page: int
    bbox: BBox | None = field(default=None, compare=False)


@dataclass(frozen=True)
class WordAccounting:
    """Where every word pdfplumber extracted from a report went. `total` is always the sum of
    the five buckets; `unplaced` words are reported in warnings, so a report with any is held."""

    total: int
    placed: int       # in a cell of a row
    prose: int        # headings, title block and section prose
    header: int       # table header rows, first and repeated
    furniture: int    # running page headers and footers, page numbers
    unplaced: int

    @property
    def balanced(self) -> bool:
        return self.total == self.placed + self.prose + self.header + self.furniture + self.unplaced


@dataclass(frozen=True)
class ParsedReport:
    sha256: str
    pages: int
    title: str | None
    period_start: dt.date | None
    period_end: dt.date | None
    detainers_issued_total: int | None
    top_jurisdictions: tuple[TopJurisdiction, ...]
    declined_detainers: tuple[DeclinedDetainer, ...]
    policies: tuple[Policy, ...]
    warnings: tuple[str, ...] = ()
    # The declined-detainer count the report's own prose states, when it states one.
    declined_total_stated: int | None = None
    # Section IV, verbatim (whitespace folded): the caveat every publication carries.
    data_fidelity: str | None = None
    accounting: WordAccounting | None = field(default=None, compare=False)


@dataclass(frozen=True)
class JurisdictionCount:
    """Declined detainers of one jurisdiction in one report (Section II rows grouped)."""

    key: str
    state: str | None
    name: str
    county_fips: str | None
    declined: int
    first_page: int


@dataclass(frozen=True)
class ReportSnapshot:
    """What the diff needs to know about one stored report revision."""

    report_id: int
    period_start: dt.date | None
    period_end: dt.date | None
    revision: int
    sha256: str
    source_url: str | None
    detainers_issued_total: int | None
    declined_total: int
    top_jurisdictions: tuple[TopJurisdiction, ...]
    jurisdictions: tuple[JurisdictionCount, ...]
    policies: tuple[Policy, ...]
    declined_detainers: tuple[DeclinedDetainer, ...] = ()
    # Keys of jurisdictions listed in any report stored for an earlier period.
    listed_before: frozenset[str] = frozenset()
    warnings: tuple[str, ...] = ()
    backfill: bool = False
    data_fidelity: str | None = None


Scalar = str | int | None


@dataclass(frozen=True)
class Change:
    kind: str
    jurisdiction: str | None = None
    state: str | None = None
    county_fips: str | None = None
    before: Scalar = None
    after: Scalar = None
    # Detainers issued (top-ten kinds) or declined rows (listing kinds) in the current report.
    count: int | None = None
    page: int | None = None
    detail: str | None = None


@dataclass(frozen=True)
class Message:
    """One rendered publication for one channel, before delivery."""

    report_id: int
    channel: str
    kind: str
    parts: tuple[str, ...]
    subject: str | None = None
    html: str | None = None
    image_path: str | None = None
    alt_text: str | None = None
    link: str | None = None


@dataclass(frozen=True)
class UrlState:
    """What a crawl learned about one URL: validators for the next conditional request."""

    url: str
    kind: str                # listing | landing | release | pdf | robots
    status: int | None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class CrawlResult:
    links: tuple[ReportLink, ...]
    documents: tuple[FetchedDocument, ...]
    url_states: tuple[UrlState, ...]
    pages_fetched: int
    pdfs_found: int
    not_modified: int
    errors: tuple[str, ...]
    requests: int = 0
    # Landing pages that answered but linked no report: the layout canary.
    empty_landing_pages: tuple[str, ...] = ()
    # Links we did not follow because robots.txt forbids them (not an error).
    forbidden: tuple[str, ...] = ()


@dataclass(frozen=True)
class PendingDelivery:
    """One claimed delivery: what a channel needs to send it, and where it left off."""

    delivery_id: int
    message_id: int
    idempotency_key: str
    recipient: str
    attempts: int
    resuming: bool                      # a previous attempt may have reached the network
    remote_parts: tuple[str, ...]       # ids of thread parts already posted
    message: Message
    reply_to: str | None = None         # remote id of the original post (corrections)
