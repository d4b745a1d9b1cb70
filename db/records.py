"""The plain typed values that stages hand each other. Defined once, here.

Every row a parser produces carries the 1-based page it starts on (and its bbox when
known) so any number we publish can be traced back to its place in the PDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from ddor_watch.db.text import fold

BBox = tuple[float, float, float, float]


class ChangeKind(StrEnum):
    """What the diff found. Values are stored in `changes.kind` and used in templates."""

    FIRST_REPORT = "first_report"
    CORRECTION = "correction"
    NATIONWIDE_TOTAL_CHANGED = "nationwide_total_changed"
    DECLINED_TOTAL_CHANGED = "declined_total_changed"
    ENTERED_TOP_TEN = "entered_top_ten"
    LEFT_TOP_TEN = "left_top_ten"
    RANK_MOVED = "rank_moved"
    TOP_TEN_COUNT_CHANGED = "top_ten_count_changed"
    NEWLY_LISTED = "newly_listed"
    LISTED_AGAIN = "listed_again"
    NO_LONGER_LISTED = "no_longer_listed"
    DECLINED_COUNT_CHANGED = "declined_count_changed"
    POLICY_ADDED = "policy_added"
    POLICY_REMOVED = "policy_removed"
    POLICY_TYPE_CHANGED = "policy_type_changed"
    POLICY_DESCRIPTION_CHANGED = "policy_description_changed"
    ROW_REMOVED = "row_removed"
    ROW_ADDED = "row_added"


class ListChangeKind(StrEnum):
    """What changed between two snapshots of a jurisdiction list (a source other than the DDOR)."""

    BASELINE = "list_baseline"       # the first snapshot: silent
    ADDED = "list_entry_added"
    REMOVED = "list_entry_removed"
    GONE = "list_gone"               # the page answers 404/410: an event of its own
    BACK = "list_back"               # ... and its return
    # Agreement lists (ICE's 287(g) workbooks). ADDED / REMOVED above mean a new agreement
    # (a new request on the pending list) and one that ended (left pending unsigned).
    SIGNED = "agreement_signed"                    # a pending request now among participating agencies
    RENAMED = "agreement_renamed"                  # ICE edited the agency's name or state: a correction
    DUPLICATE_REMOVED = "agreement_duplicate_removed"   # a second row of a still-listed agreement went
    DUPLICATE_ADDED = "agreement_duplicate_added"       # ... or came: a correction either way
    SIGNED_DATE_CHANGED = "agreement_signed_date_changed"
    MOA_PUBLISHED = "agreement_moa_published"      # "link pending" became a link to the agreement
    UNDECIDED = "agreement_undecided"              # the matcher cannot tell rename from end + new: held


# Corrections of the agency's own list: the site, digests and history show them; posts never do.
CORRECTION_KINDS = frozenset({ListChangeKind.RENAMED, ListChangeKind.DUPLICATE_REMOVED,
                              ListChangeKind.DUPLICATE_ADDED, ListChangeKind.SIGNED_DATE_CHANGED})


class ListLevel(StrEnum):
    STATE = "state"
    COUNTY = "county"
    CITY = "city"
    AGENCY = "agency"     # a law-enforcement agency (287(g)): placed by its county or state
    OTHER = "other"


class SupportType(StrEnum):
    """The three 287(g) models, as ICE names them."""

    JAIL_ENFORCEMENT = "Jail Enforcement Model"
    TASK_FORCE = "Task Force Model"
    WARRANT_SERVICE = "Warrant Service Officer"


@dataclass(frozen=True)
class ListEntry:
    """One entry of a published jurisdiction list, the name as printed plus what it resolves to."""

    list_name: str                 # the heading it was under, as printed ("COUNTIES")
    level: ListLevel
    name: str                      # as printed: "Baltimore County, MD"
    state: str | None              # USPS code
    fips: str | None               # state (2 digits) or county (5 digits) FIPS
    place_id: str | None = None    # a city's GeoNames id
    latitude: float | None = None
    longitude: float | None = None
    # Agreements (287(g)): one entry per (agency, support type); list_name is the workbook
    # ("participating" / "pending"), name the agency as printed, fips its county when named.
    support_type: str | None = None      # a SupportType value, or the cell as printed when unknown
    signed: dt.date | None = None
    moa_url: str | None = None           # the MOA cell's hyperlink; None while ICE prints "link pending"
    agency_type: str | None = None       # County, Municipality, State, ... as printed
    county: str | None = None            # the COUNTY cell as printed (None for #N/A)

    @cached_property
    def key(self) -> str:
        """How one entry is recognised across snapshots (its printed name may change case).
        Cached: a list of a thousand agreements asks for each key many times."""
        if self.level is ListLevel.AGENCY:
            return f"{self.list_name}:{self.state or ''}:{fold(self.name)}:{self.support_type or ''}"
        return f"{self.level}:{self.state or ''}:{self.fips or fold(self.name)}"


# The two lists of an agreement source (ICE's 287(g) workbooks): an entry's list_name.
PARTICIPATING, PENDING = "participating", "pending"


@dataclass(frozen=True)
class ListReading:
    """What a list reader read from one page or document."""

    url: str
    entries: tuple[ListEntry, ...]
    # What the reader could not place (a row without a state, an unknown support type): the
    # snapshot is stored, and its messages are held for a maintainer.
    warnings: tuple[str, ...] = ()
    # What it passed over without doubt about what it read (an unknown extra column): shown
    # in the source's status, never a hold.
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FollowedLink:
    """A document an entry links (a 287(g) MOA) as ddor-watch fetched it: archived, or the HTTP
    status that said it is not there."""

    url: str
    status: int
    sha256: str | None = None
    archive_path: str | None = None


@dataclass(frozen=True)
class ListChange:
    kind: ListChangeKind
    entry: ListEntry | None = None
    before: ListEntry | None = None     # RENAMED, SIGNED_DATE_CHANGED, MOA_PUBLISHED, UNDECIDED, SIGNED


# The report series' name where readers choose what to follow (subscriptions, `--source`).
REPORT_SOURCE = "ddor"


class ChannelName(StrEnum):
    """Stored in the outbox; what each channel is and does is declared by its module in
    publish/channels/ (registry.py)."""

    X = "x"
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    EMAIL = "email"
    APPRISE = "apprise"


class MessageKind(StrEnum):
    REPORT = "report"
    CORRECTION = "correction"
    LIST = "list"            # a change to a jurisdiction list (DOJ, DHS)
    AGREEMENTS = "agreements"   # a change to an agreement list (ICE's 287(g) workbooks)


class MessageStatus(StrEnum):
    READY = "ready"          # deliveries go out when due
    HELD = "held"            # waits for a maintainer (parse warnings, render trouble)
    SILENT = "silent"        # baseline or backfill: kept, never sent unless approved
    REJECTED = "rejected"    # a maintainer dropped it


class DeliveryState(StrEnum):
    """pending -> sending -> sent | duplicate | dry_run | failed; dropped when rejected."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DUPLICATE = "duplicate"
    DRY_RUN = "dry_run"
    POSSIBLY_SENT = "possibly_sent"   # interrupted past the point of no return (email): never resent
    FAILED = "failed"
    DROPPED = "dropped"


DUE_STATES = (DeliveryState.PENDING, DeliveryState.SENDING)


# The source of a PDF a maintainer added with `ddor ingest` without `--url`: not a web address.
MAINTAINER_UPLOAD = "maintainers:"


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
class FetchedPage:
    """A jurisdiction-list page as one check found it: archived when it answered with a body."""

    source: str
    url: str
    status: int                      # HTTP status; 304 = unchanged since the last check
    sha256: str | None = None
    bytes_path: str | None = None
    content_type: str = ""
    # A document the page links (a source that declares `documents`): its part ("participating"),
    # else "" for the page itself. A part the page no longer links comes back with status 0.
    # FOLLOWED_PART: a document an entry links (a 287(g) MOA); status 0 means no answer.
    part: str = ""


FOLLOWED_PART = "followed"
OFF_SITE = -1    # the status of a followed link on another host than the list's: never fetched


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
    kind: ChangeKind
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
    """One rendered publication for one channel, before delivery: about a report revision, or
    (report_id None) about a jurisdiction-list snapshot."""

    report_id: int | None
    channel: ChannelName
    kind: MessageKind
    parts: tuple[str, ...]
    subject: str | None = None
    html: str | None = None
    image_path: str | None = None
    alt_text: str | None = None
    link: str | None = None
    list_snapshot_id: int | None = None
    language: str = "en"

    @property
    def about(self) -> str:
        """What the message is about, for people: "report 3" or "list snapshot 5"."""
        return f"report {self.report_id}" if self.report_id is not None else f"list snapshot {self.list_snapshot_id}"

    @property
    def file_stem(self) -> str:
        return (f"report-{self.report_id}-{self.kind}" if self.report_id is not None
                else f"list-{self.list_snapshot_id}-{self.kind}")


@dataclass(frozen=True)
class UrlState:
    """What a crawl learned about one URL: validators for the next conditional request."""

    url: str
    kind: str                # listing | landing | release | pdf | robots
    status: int | None       # 0: no answer at all
    etag: str | None = None
    last_modified: str | None = None
    checked_at: str | None = None    # ISO time of the last check (known URLs only)


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
    # Landing pages found through a release (not configured) that linked reports.
    discovered_landing_pages: tuple[str, ...] = ()
    # Jurisdiction-list pages (sources other than the DDOR).
    list_pages: tuple[FetchedPage, ...] = ()
    # Known documents re-checked that no longer answer, as (URL, what it answered: "HTTP 404"):
    # our archived copy stands, so this is news for the maintainers, never a failed check.
    unreachable: tuple[tuple[str, str], ...] = ()
    # The URLs that answered an HTTP error, with the status: `errors` says it in words.
    http_errors: tuple[tuple[str, int], ...] = ()


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


class OutcomeKind(StrEnum):
    SENT = "sent"
    DUPLICATE = "duplicate"
    DRY_RUN = "dry run"
    POSSIBLY_SENT = "possibly sent"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True)
class DeliveryOutcome:
    """What one delivery attempt came to; monitor turns failures into alerts."""

    kind: OutcomeKind
    delivery_id: int
    channel: ChannelName
    about: str                      # "report 2", "list snapshot 5"
    message_kind: MessageKind
    recipient: str = ""
    detail: str | None = None
    retry_at: dt.datetime | None = None
    # The channel raised something it does not know (a bug or an unforeseen response).
    unexpected: bool = False

    @property
    def label(self) -> str:
        return f"{self.channel} {self.about} {self.message_kind}" + (
            f" to {self.recipient}" if self.recipient else "")

    @property
    def needs_attention(self) -> bool:
        return self.kind in (OutcomeKind.FAILED, OutcomeKind.POSSIBLY_SENT) or self.unexpected

    def __str__(self) -> str:
        if self.kind is OutcomeKind.RETRY:
            at = f"{self.retry_at:%Y-%m-%d %H:%M} UTC" if self.retry_at else "later"
            return f"retry at {at}: {self.label}: {self.detail}"
        if self.kind is OutcomeKind.FAILED:
            return f"failed: {self.label}: {self.detail}"
        return f"{self.kind}: {self.label}" + (f" ({self.detail})" if self.detail else "")
