"""Template contexts: plain dataclasses built from a snapshot, its predecessor and its changes.

Every string that comes from a document passes `inert` here, once, for every channel: in a
post it can never mention, tag or link. Only the source URL (the bot's own link) stays live.

No words here: templates decide every word; this module only arranges the facts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ddor_watch.db.inert import inert
from ddor_watch.db.records import Change, ReportSnapshot
from ddor_watch.db.text import jurisdiction_key

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec")


def period_text(start: dt.date | None, end: dt.date | None) -> str:
    if start is None or end is None:
        return "an unknown period"
    left = f"{_MONTHS[start.month - 1]} {start.day}"
    if start.year != end.year:
        left += f", {start.year}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{left} \u2013 {end.day}, {end.year}"
    return f"{left} \u2013 {_MONTHS[end.month - 1]} {end.day}, {end.year}"


@dataclass(frozen=True)
class TopLine:
    rank: int
    name: str
    state: str | None
    count: int
    page: int
    previous_rank: int | None
    previous_count: int | None
    new: bool

    @property
    def move(self) -> int | None:
        return None if self.previous_rank is None else self.previous_rank - self.rank


@dataclass(frozen=True)
class PlaceLine:
    name: str
    state: str | None
    count: int | None
    page: int | None
    before: int | None = None


@dataclass(frozen=True)
class PolicyLine:
    name: str
    state: str | None
    policy_type: str | None
    before: str | None
    page: int | None


@dataclass(frozen=True)
class RowLine:
    """A Section II row a correction removed or added, as the diff summarised it."""

    name: str
    state: str | None
    summary: str
    page: int | None


@dataclass(frozen=True)
class ReportContext:
    title: str
    period: str
    previous_period: str | None
    revision: int
    source_url: str
    sha256: str
    declined_total: int
    previous_declined_total: int | None
    issued_total: int | None
    previous_issued_total: int | None
    places_listed: int
    top: list[TopLine]
    newly_listed: list[PlaceLine]
    listed_again: list[PlaceLine]
    no_longer_listed: list[PlaceLine]
    count_changes: list[PlaceLine]
    policies_added: list[PolicyLine]
    policies_removed: list[PolicyLine]
    policies_changed: list[PolicyLine]
    rows_removed: int
    rows_added: int
    caveat: str
    left_top: list[PlaceLine] = field(default_factory=list)       # count: detainers issued, before: old rank
    policies_described: list[PolicyLine] = field(default_factory=list)   # wording changed, type kept
    row_changes_removed: list[RowLine] = field(default_factory=list)
    row_changes_added: list[RowLine] = field(default_factory=list)
    # Where "and N more" points: the report's page on the public site, else ICE's PDF.
    more_url: str = ""
    # The report's page on the public site, when it has a public address.
    report_url: str | None = None
    unresolved: list[str] = field(default_factory=list)
    short: bool = False         # the head's short form: drops what the post can do without
    compact: bool = False       # a tighter wording of the same facts, tried before the short form
    map_cid: str | None = None
    unsubscribe_url: str = "__UNSUBSCRIBE_URL__"
    # The period as dates, for languages that word it their own way (`period` is the English).
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    previous_period_start: dt.date | None = None
    previous_period_end: dt.date | None = None

    @property
    def top_first(self) -> TopLine | None:
        return self.top[0] if self.top else None

    @property
    def entered_top(self) -> list[TopLine]:
        return [t for t in self.top if t.new]

    @property
    def top_count_changed(self) -> list[TopLine]:
        return [t for t in self.top if t.previous_count is not None and t.previous_count != t.count]


DEFAULT_CAVEAT = ("ICE notes that law enforcement agencies do not generally notify it when a detainer is not "
                  "honored; the report lists declined detainers ICE became aware of.")


def _places(changes: list[Change], kind: str) -> list[PlaceLine]:
    return [PlaceLine(inert(c.jurisdiction or "?"), c.state, c.count if c.count is not None else c.before
                      if isinstance(c.before, int) else None, c.page,
                      c.before if isinstance(c.before, int) else None)
            for c in changes if c.kind == kind]


def build_context(current: ReportSnapshot, previous: ReportSnapshot | None, changes: list[Change],
                  report_url: str | None = None) -> ReportContext:
    old_top = {jurisdiction_key(t.state, t.jurisdiction, t.county_fips): t
               for t in (previous.top_jurisdictions if previous else ())}
    top = []
    for t in current.top_jurisdictions:
        was = old_top.get(jurisdiction_key(t.state, t.jurisdiction, t.county_fips))
        top.append(TopLine(t.rank, inert(t.jurisdiction), t.state, t.detainers_issued, t.page,
                           was.rank if was else None, was.detainers_issued if was else None,
                           previous is not None and was is None))
    revision_of = previous is not None and (previous.period_end == current.period_end)
    unresolved = sorted({inert(f"{j.name}, {j.state}") for j in current.jurisdictions if not j.county_fips})
    return ReportContext(
        title="Declined Detainer Outcome Report", period=period_text(current.period_start, current.period_end),
        period_start=current.period_start, period_end=current.period_end,
        previous_period_start=previous.period_start if previous and not revision_of else None,
        previous_period_end=previous.period_end if previous and not revision_of else None,
        previous_period=period_text(previous.period_start, previous.period_end) if previous and not revision_of
        else None,
        revision=current.revision, source_url=current.source_url or "", sha256=current.sha256,
        declined_total=current.declined_total,
        previous_declined_total=previous.declined_total if previous else None,
        issued_total=current.detainers_issued_total,
        previous_issued_total=previous.detainers_issued_total if previous else None,
        places_listed=len(current.jurisdictions), top=top,
        newly_listed=_places(changes, "newly_listed"), listed_again=_places(changes, "listed_again"),
        no_longer_listed=_places(changes, "no_longer_listed"),
        count_changes=[PlaceLine(inert(c.jurisdiction or "?"), c.state, c.after if isinstance(c.after, int) else None,
                                 c.page, c.before if isinstance(c.before, int) else None)
                       for c in changes if c.kind == "declined_count_changed"],
        policies_added=[PolicyLine(inert(c.jurisdiction or "?"), c.state, inert(str(c.after)), None, c.page)
                        for c in changes if c.kind == "policy_added"],
        policies_removed=[PolicyLine(inert(c.jurisdiction or "?"), c.state, None, inert(str(c.before)), None)
                          for c in changes if c.kind == "policy_removed"],
        policies_changed=[PolicyLine(inert(c.jurisdiction or "?"), c.state, inert(str(c.after)),
                                     inert(str(c.before)), c.page)
                          for c in changes if c.kind == "policy_type_changed"],
        rows_removed=sum(c.kind == "row_removed" for c in changes),
        rows_added=sum(c.kind == "row_added" for c in changes),
        caveat=inert(current.data_fidelity or DEFAULT_CAVEAT), unresolved=unresolved,
        left_top=[PlaceLine(inert(c.jurisdiction or "?"), c.state, c.count, c.page,
                            c.before if isinstance(c.before, int) else None)
                  for c in changes if c.kind == "left_top_ten"],
        policies_described=[PolicyLine(inert(c.jurisdiction or "?"), c.state, None, None, c.page)
                            for c in changes if c.kind == "policy_description_changed"],
        row_changes_removed=[RowLine(inert(c.jurisdiction or "?"), c.state, inert(str(c.before)), c.page)
                             for c in changes if c.kind == "row_removed"],
        row_changes_added=[RowLine(inert(c.jurisdiction or "?"), c.state, inert(str(c.after)), c.page)
                           for c in changes if c.kind == "row_added"],
        more_url=report_url or current.source_url or "", report_url=report_url,
    )
