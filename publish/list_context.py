"""Template context for a jurisdiction-list change. Every name from the page passes `inert`
here, once: in a post it can never mention, tag or link. No words here: templates decide them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ddor_watch.db.inert import inert
from ddor_watch.db.lists import StoredList
from ddor_watch.db.records import ListChange, ListChangeKind, ListEntry, MessageKind
from ddor_watch.publish.common import day_text


@dataclass(frozen=True)
class ListSourceInfo:
    """Who publishes the list and what it is called, handed over by the monitor."""

    name: str       # "doj-list"
    agency: str     # "DOJ"
    title: str      # "sanctuary jurisdiction list"
    kind: MessageKind = MessageKind.LIST    # which templates render it


@dataclass(frozen=True)
class EntryLine:
    name: str
    list_name: str
    level: str


@dataclass(frozen=True, kw_only=True)
class ChangeDelivery:
    """What every list change's context carries for its delivery, whatever the kind of list."""

    more_url: str                  # where "and N more" points
    report_url: str | None = None
    map_cid: str | None = None
    unsubscribe_url: str = "__UNSUBSCRIBE_URL__"
    short: bool = False            # the head's short form: drops what the post can do without
    compact: bool = False          # a tighter wording of the same facts, tried before the short form
    states: tuple[str, ...] = field(default_factory=tuple)   # states the change touches


@dataclass(frozen=True)
class ListContext(ChangeDelivery):
    agency: str
    title: str
    source_url: str
    date: str
    total: int
    added: list[EntryLine]
    removed: list[EntryLine]
    gone: bool
    back: bool
    unmapped: int
    day: dt.date | None = None      # `date` as a date, for other languages' wording


def _line(entry: ListEntry) -> EntryLine:
    return EntryLine(inert(entry.name), inert(entry.list_name), str(entry.level))


def build_list_context(info: ListSourceInfo, snapshot: StoredList, changes: list[ListChange]) -> ListContext:
    added = [c.entry for c in changes if c.kind is ListChangeKind.ADDED and c.entry]
    removed = [c.entry for c in changes if c.kind is ListChangeKind.REMOVED and c.entry]
    touched = sorted({e.state for e in (*added, *removed) if e.state})
    date = day_text(snapshot.fetched_at)
    return ListContext(
        agency=info.agency, title=info.title, source_url=snapshot.url, date=date, day=snapshot.fetched_at.date(),
        total=len(snapshot.entries),
        added=[_line(e) for e in added], removed=[_line(e) for e in removed],
        gone=any(c.kind is ListChangeKind.GONE for c in changes),
        back=any(c.kind is ListChangeKind.BACK for c in changes),
        unmapped=sum(1 for e in snapshot.entries if not e.fips and not e.place_id), more_url=snapshot.url,
        states=tuple(touched))
