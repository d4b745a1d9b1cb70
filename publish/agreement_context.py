"""Template context for a change to an agreement list (ICE's 287(g) workbooks). Every name
from a workbook passes `inert` here, once. No words here: templates decide them.

What a post may say is decided here by kind: new agreements, ended ones, pending requests
added or withdrawn, a page gone or back. ICE's corrections of its own rows (renames, state
fixes, duplicates, date edits) and published MOAs go to digests and the site only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from ddor_watch.db.inert import inert
from ddor_watch.db.lists import StoredList
from ddor_watch.db.records import PARTICIPATING, PENDING, ListChange, ListChangeKind, ListEntry
from ddor_watch.publish.common import day_text
from ddor_watch.publish.i18n import N_
from ddor_watch.publish.list_context import ChangeDelivery, ListSourceInfo


@dataclass(frozen=True)
class AgreementLine:
    name: str             # "Polk County Sheriff's Office, FL"
    support: str          # "Task Force Model"
    signed: str           # "May 21, 2025" as ICE's date, or ""
    moa_url: str | None
    signed_day: dt.date | None = None


@dataclass(frozen=True)
class CorrectionLine:
    before: str           # as ICE printed it before
    after: str            # as it prints it now
    what: str             # "renamed" | "state corrected" | "duplicate row removed" | ... (catalog ids)
    agency: str = ""                       # a signed-date edit: the agency, and both days
    before_day: dt.date | None = None
    after_day: dt.date | None = None


@dataclass(frozen=True)
class AgreementContext(ChangeDelivery):
    agency: str
    title: str
    source_url: str
    date: str                                 # when ddor-watch saw this update
    since: str                                # the update before ("" for none)
    new: list[AgreementLine]
    ended: list[AgreementLine]
    requested: list[AgreementLine]            # pending requests added
    withdrawn: list[AgreementLine]            # pending requests that left unsigned
    signed_from_pending: int                  # of `new`, how many had been pending
    corrections: list[CorrectionLine]
    moa_published: list[AgreementLine]
    by_state: str                             # "FL 7, TX 3, GA 1"
    agreements: int                           # participating rows now
    agencies: int                             # distinct participating agencies now
    pending: int                              # pending rows now
    gone: bool
    back: bool
    day: dt.date | None = None               # `date` and `since` as dates, for other languages
    since_day: dt.date | None = None

    @property
    def postable(self) -> bool:
        """Whether anything happened that a post may report (corrections never are)."""
        return bool(self.new or self.ended or self.requested or self.withdrawn or self.gone or self.back)


def _date(entry: ListEntry) -> str:
    return day_text(entry.signed) if entry.signed else ""


def _name(entry: ListEntry) -> str:
    return inert(f"{entry.name}, {entry.state}" if entry.state else entry.name)


def _line(entry: ListEntry) -> AgreementLine:
    return AgreementLine(_name(entry), inert(entry.support_type or ""), _date(entry), entry.moa_url, entry.signed)


def _correction(change: ListChange) -> CorrectionLine | None:
    after, before = change.entry, change.before
    if after is None:
        return None
    if change.kind is ListChangeKind.RENAMED and before is not None:
        what = N_("state corrected") if before.state != after.state and before.name == after.name else N_("renamed")
        return CorrectionLine(_name(before), _name(after), what)
    if change.kind is ListChangeKind.DUPLICATE_REMOVED:
        return CorrectionLine(_name(after), _name(after), N_("duplicate row removed"))
    if change.kind is ListChangeKind.DUPLICATE_ADDED:
        return CorrectionLine(_name(after), _name(after), N_("duplicate row added"))
    if change.kind is ListChangeKind.SIGNED_DATE_CHANGED and before is not None:
        return CorrectionLine(f"{_name(before)} signed {_date(before) or 'undated'}",
                              f"signed {_date(after) or 'undated'}", N_("signed date changed"), _name(before),
                              before.signed, after.signed)
    return None


def _by_state(entries: list[ListEntry]) -> str:
    counts = Counter(e.state or "?" for e in entries)
    return ", ".join(f"{state} {n}" for state, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def build_agreement_context(info: ListSourceInfo, snapshot: StoredList, previous: StoredList | None,
                            changes: list[ListChange]) -> AgreementContext:
    def entries(kind: ListChangeKind, part: str) -> list[ListEntry]:
        return [c.entry for c in changes if c.kind is kind and c.entry and c.entry.list_name == part]

    new = entries(ListChangeKind.ADDED, PARTICIPATING)
    signed = [c.entry for c in changes if c.kind is ListChangeKind.SIGNED and c.entry]
    new += [e for e in signed if e not in new]
    ended = entries(ListChangeKind.REMOVED, PARTICIPATING)
    requested = entries(ListChangeKind.ADDED, PENDING)
    withdrawn = entries(ListChangeKind.REMOVED, PENDING)
    participating = [e for e in snapshot.entries if e.list_name == PARTICIPATING]
    corrections = [line for c in changes if (line := _correction(c)) is not None]
    moa = [c.entry for c in changes if c.kind is ListChangeKind.MOA_PUBLISHED and c.entry]
    touched = {e.state for e in (*new, *ended, *requested, *withdrawn) if e.state}
    return AgreementContext(
        agency=info.agency, title=info.title, source_url=snapshot.url, date=day_text(_day(snapshot)),
        since=day_text(_day(previous)) if previous else "", day=_day(snapshot),
        since_day=_day(previous) if previous else None, new=[_line(e) for e in new], ended=[_line(e) for e in ended],
        requested=[_line(e) for e in requested], withdrawn=[_line(e) for e in withdrawn],
        signed_from_pending=len(signed), corrections=corrections, moa_published=[_line(e) for e in moa],
        by_state=_by_state(new), agreements=len(participating),
        agencies=len({(e.state, e.name.casefold()) for e in participating}),
        pending=sum(1 for e in snapshot.entries if e.list_name == PENDING),
        gone=any(c.kind is ListChangeKind.GONE for c in changes),
        back=any(c.kind is ListChangeKind.BACK for c in changes), more_url=snapshot.url,
        states=tuple(sorted(touched)))


def _day(snapshot: StoredList) -> dt.date:
    """The update's date: ICE's own, from the workbook's file name ("…07182025pm.xlsx") when it
    carries one, else the day ddor-watch fetched it."""
    day = snapshot.fetched_at.date()
    for document in snapshot.documents:
        found = re.search(r"(\d{2})(\d{2})(20\d{2})(?:am|pm)?(?:_\w+)?\.xlsx?$", document.url, re.IGNORECASE)
        if found and document.part == PARTICIPATING:
            try:
                day = dt.date(int(found[3]), int(found[1]), int(found[2]))
            except ValueError:
                pass   # not a date after all: the fetch day stands
    return day
